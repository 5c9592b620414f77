package channels

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/voices-uk/voices/surveys"
)

// MaxSegments is the most segments a message should need; a question that
// needs more is flagged so officers can write a shorter sms_prompt.
const MaxSegments = 2

// MaxSMSLength is the longest text Twilio accepts (error 21617 above it).
const MaxSMSLength = 1600

// MessageSize is how one message of a survey's conversation measures.
type MessageSize struct {
	Message    string `json:"message"` // "welcome", "question:rating", "equality:sex", "thanks", "invitation", ...
	Language   string `json:"language"`
	Text       string `json:"text"`
	Characters int    `json:"characters"`
	Encoding   string `json:"encoding"`
	Segments   int    `json:"segments"`
	Warning    string `json:"warning,omitempty"`
}

// PreviewSMS measures every message a texter may get for s, in each of its
// languages: the welcome, each question as it would be sent, the equality
// questions, the thanks (with its offer of updates), the replies to that
// offer, the update itself and the invitation. Officers check it before
// opening a survey (a 3-segment question costs three texts each time).
func (e *SMSEngine) PreviewSMS(s *surveys.Survey) []MessageSize {
	var out []MessageSize
	add := func(name, lang, text string) {
		name = strings.TrimSuffix(name, ":")
		info := Segments(text)
		m := MessageSize{Message: name, Language: lang, Text: text, Characters: info.Characters, Encoding: info.Encoding, Segments: info.Segments}
		if n := utf8.RuneCountInString(text); n > MaxSMSLength {
			m.Warning = fmt.Sprintf("%d characters: Twilio refuses texts over %d; this message cannot be sent", n, MaxSMSLength)
		} else if info.Segments > MaxSegments {
			// What the officer can do about it differs: a question is the
			// survey's own text, the rest comes from the catalogues.
			if strings.HasPrefix(name, StepQuestion+":") {
				m.Warning = fmt.Sprintf("needs %d texts: write a shorter sms_prompt or shorter option labels", info.Segments)
			} else {
				m.Warning = fmt.Sprintf("needs %d texts: shorter wording can be set with PUT /api/v1/translations/%s", info.Segments, lang)
			}
		}
		out = append(out, m)
	}
	if len(s.Languages) > 1 {
		add("languages", s.DefaultLanguage(), e.languageMenu(s))
	}
	for _, lang := range s.Languages {
		d := &surveys.Draft{Language: lang, Answers: map[string][]string{}, Equality: map[string]string{EqualityChoice: "yes"}}
		add("welcome", lang, e.welcome(s, lang))
		for i := range s.Questions {
			st := Step{Kind: StepQuestion, Key: s.Questions[i].Key}
			add(st.String(), lang, e.Prompt(s, lang, d, st))
		}
		if s.EqualityMonitoring {
			add(Step{Kind: StepEqualityIntro}.String(), lang, e.Prompt(s, lang, d, Step{Kind: StepEqualityIntro}))
			for _, q := range surveys.EqualityQuestions {
				keys := []string{q.Key}
				if q.Key == "ethnic_group" {
					keys = []string{EqualityBroad, q.Key}
				}
				for _, key := range keys {
					if key == "ethnic_group" {
						// The longest list of backgrounds stands for all five.
						d.Equality[EqualityBroad] = longestEthnicGroup()
					}
					st := Step{Kind: StepEquality, Key: key}
					add(StepEquality+":"+strings.TrimPrefix(key, prefixInternal), lang, e.Prompt(s, lang, d, st))
				}
			}
		}
		add("thanks", lang, e.ThanksOffer(lang, "K7P-3QX"))
		add("updates_yes", lang, e.Tr.T(lang, "sms.updates_yes"))
		add("updates_no", lang, e.Tr.T(lang, "sms.updates_no"))
		// The update itself, with a link as long as a council's usually is.
		link := "https://voices.example.gov.uk/s/" + s.Slug + "/results?lang=" + lang
		add("update", lang, (&UpdateMessages{Tr: e.Tr, Council: e.Council}).UpdateText(s, lang, nil, link))
		if s.SMS != nil {
			add("invitation", lang, e.Invitation(s, lang))
		}
	}
	return out
}

func longestEthnicGroup() string {
	groups, _ := EqualityOptions(EqualityBroad)
	best, n := "", 0
	for _, g := range groups {
		if k := len(EthnicGroupOptions(g.ID)); k > n {
			best, n = g.ID, k
		}
	}
	return best
}
