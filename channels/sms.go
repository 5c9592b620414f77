package channels

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voices-uk/voices/surveys"
)

// The SMS conversation: a resident texts a survey's keyword, then answers
// one question per message. SMSEngine is the whole of its logic and does no
// input or output: given the conversation so far and one incoming text, it
// returns the reply, the changed conversation and, after the last answer,
// the submission. SMSReceiver stores what it returns; the Twilio adapter
// only carries texts in and out. The engine walks the same steps as the web
// form (Steps), so show_if and the equality questions work alike.

// StepLanguage is the step that asks a multilingual survey's language.
const StepLanguage = "language"

// SMSEngine turns one incoming text into a reply.
type SMSEngine struct {
	Tr *Translator
	// Council names who is asking, for HELP ("Birmingham City Council").
	Council string
	// QuietUnknown: send no reply to a text that is neither a keyword nor
	// part of a conversation (default: reply with the open keywords).
	QuietUnknown bool
	// ConversationTTL is how long an unfinished conversation waits for a
	// reply (surveys.DefaultSMSConversationTTL when 0).
	ConversationTTL time.Duration
}

// SMSInput is what the engine needs to know about one incoming text.
type SMSInput struct {
	Text string
	Now  time.Time
	// Conversation is the number's active conversation and Survey its
	// survey; both nil when there is none.
	Conversation *surveys.SMSConversation
	Survey       *surveys.Survey
	// Keyword is the survey whose keyword the text is, if it is one.
	Keyword *surveys.Survey
	// Open lists the surveys open by text, for the reply to an unknown
	// text; the receiver fills it only when there is no conversation and
	// no keyword.
	Open []*surveys.Survey
	// Suppressed: the number has said STOP.
	Suppressed bool
	// UpdateOffer is the number's unexpired offer to hear what happened
	// (made with the thanks of an earlier text survey), or nil; the
	// receiver looks for one only when there is no conversation and no
	// keyword.
	UpdateOffer *surveys.UpdateSubscription
}

// SMSOutput is what one incoming text changes.
type SMSOutput struct {
	Reply string
	// Conversation is the new or changed conversation (Turns moved on), and
	// Survey its survey; nil when the text changed no conversation.
	Conversation *surveys.SMSConversation
	Survey       *surveys.Survey
	// Submission is set when the last answer arrived; the reply is then
	// made by Thanks once the response has its reference.
	Submission *surveys.Submission
	Subscribe  surveys.Subscription
	// OfferUpdates, with a Submission: the thanks offers to text the
	// resident what happened (ThanksOffer), and the offer is stored.
	OfferUpdates bool
	// Updates is a YES or NO to an UpdateOffer (the receiver adds the
	// number to a YES).
	Updates *surveys.UpdateOfferReply
}

// Handle works out the reply to one text.
func (e *SMSEngine) Handle(in SMSInput) SMSOutput {
	lang := "en"
	if in.Conversation != nil {
		lang = in.Conversation.Draft.Language
	} else if in.Keyword != nil {
		lang = in.Keyword.DefaultLanguage()
	}
	// Reserved words always win, whatever is being asked.
	switch surveys.SMSCommand(in.Text) {
	case surveys.CommandStop:
		out := SMSOutput{Subscribe: surveys.SubscriptionStop, Reply: e.Tr.T(lang, "sms.stopped")}
		if c := in.Conversation; c != nil {
			out.Conversation, out.Survey = e.touch(c, in.Now), in.Survey
			out.Conversation.Status = surveys.SMSStopped
		}
		return out
	case surveys.CommandStart:
		return SMSOutput{Subscribe: surveys.SubscriptionStart, Reply: e.Tr.T(lang, "sms.started")}
	case surveys.CommandHelp:
		if in.Conversation != nil {
			return SMSOutput{Reply: e.Tr.T(lang, "sms.help", e.council(), in.Survey.Title.In(lang, in.Survey.DefaultLanguage()),
				e.word(lang, "skip"), e.word(lang, "back"))}
		}
		return SMSOutput{Reply: e.Tr.T(lang, "sms.help_general", e.council())}
	}
	if in.Suppressed {
		return SMSOutput{Reply: e.Tr.T(lang, "sms.suppressed")}
	}
	c, s := in.Conversation, in.Survey
	if c != nil {
		if err := s.CheckOpen(in.Now); err != nil {
			c = e.touch(c, in.Now)
			c.Status = surveys.SMSExpired
			return SMSOutput{Conversation: c, Survey: s, Reply: e.notOpen(s, lang, in.Now)}
		}
	}
	if k := in.Keyword; k != nil && k.Status == surveys.StatusDraft {
		// Drafts are private: their keyword is not yet a keyword.
		in.Keyword = nil
	}
	if k := in.Keyword; k != nil {
		switch {
		case c == nil:
			return e.start(k, in.Now)
		case k.ID == c.SurveyID:
			// The keyword of the survey being answered carries on where the
			// resident was, unless it is their answer to a text question.
			if !e.asksText(s, c) {
				c = e.touch(c, in.Now)
				c.Tries = 0
				return e.ask(s, c, e.Tr.T(lang, "sms.resume"))
			}
		case !e.understands(s, c, in.Text, in.Now):
			// Another survey's keyword starts that survey, unless it is an
			// answer to the question being asked (an option called "Parks").
			return e.start(k, in.Now)
		}
	}
	if c == nil {
		if out, ok := e.answerOffer(in); ok {
			return out
		}
		return e.unknown(in.Open)
	}
	return e.answer(s, e.touch(c, in.Now), in.Text)
}

// start begins a conversation about s, or says why it cannot.
func (e *SMSEngine) start(s *surveys.Survey, now time.Time) SMSOutput {
	lang := s.DefaultLanguage()
	if s.CheckOpen(now) != nil {
		return SMSOutput{Reply: e.notOpen(s, lang, now)}
	}
	c := &surveys.SMSConversation{SurveyID: s.ID, Status: surveys.SMSActive, StartedAt: now,
		Draft: surveys.Draft{SurveyID: s.ID, Language: lang, Answers: map[string][]string{}, Equality: map[string]string{}}}
	c = e.touch(c, now)
	c.Turns = 1
	if len(s.Languages) > 1 {
		c.Draft.Step = StepLanguage + ":"
		return SMSOutput{Conversation: c, Survey: s, Reply: e.languageMenu(s)}
	}
	return e.ask(s, c, e.welcome(s, lang))
}

func (e *SMSEngine) welcome(s *surveys.Survey, lang string) string {
	return e.Tr.T(lang, "sms.welcome", s.Title.In(lang, s.DefaultLanguage()))
}

// touch returns a copy of c for this turn, its expiry moved on.
func (e *SMSEngine) touch(c *surveys.SMSConversation, now time.Time) *surveys.SMSConversation {
	n := *c
	n.Draft.Answers = copyAnswers(c.Draft.Answers)
	n.Draft.Equality = copyEquality(c.Draft.Equality)
	n.Turns++
	n.UpdatedAt = now
	ttl := e.ConversationTTL
	if ttl <= 0 {
		ttl = surveys.DefaultSMSConversationTTL
	}
	n.ExpiresAt = now.Add(ttl)
	return &n
}

func copyAnswers(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func copyEquality(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (e *SMSEngine) council() string {
	if e.Council != "" {
		return e.Council
	}
	return "Voices"
}

// word is a command word (SKIP, BACK) in lang; English always works too.
func (e *SMSEngine) word(lang, name string) string { return e.Tr.T(lang, "sms.word."+name) }

func (e *SMSEngine) isWord(lang, name, text string) bool {
	w := surveys.SMSKeyword(text)
	return w != "" && (w == surveys.SMSKeyword(e.word(lang, name)) || w == surveys.SMSKeyword(e.word("en", name)))
}

func (e *SMSEngine) notOpen(s *surveys.Survey, lang string, now time.Time) string {
	title := s.Title.In(lang, s.DefaultLanguage())
	if s.Status == surveys.StatusClosed || (s.ClosesAt != nil && !now.Before(*s.ClosesAt)) {
		return e.Tr.T(lang, "sms.closed", title)
	}
	return e.Tr.T(lang, "sms.not_open", title)
}

func (e *SMSEngine) unknown(open []*surveys.Survey) SMSOutput {
	if e.QuietUnknown {
		return SMSOutput{}
	}
	if len(open) == 0 {
		return SMSOutput{Reply: e.Tr.T("en", "sms.unknown_none")}
	}
	var list []string
	for _, s := range open {
		list = append(list, fmt.Sprintf("%s (%s)", s.SMS.Keyword, s.Title.In(s.DefaultLanguage(), "")))
		if len(list) == 3 {
			break
		}
	}
	return SMSOutput{Reply: e.Tr.T("en", "sms.unknown", strings.Join(list, ", "))}
}

// languageMenu offers a survey's languages by number, each in its own script.
func (e *SMSEngine) languageMenu(s *surveys.Survey) string {
	var b strings.Builder
	b.WriteString(s.Title.In(s.DefaultLanguage(), ""))
	for i, l := range s.Languages {
		fmt.Fprintf(&b, "\n%d %s", i+1, e.Tr.Endonym(l))
	}
	b.WriteString("\n")
	b.WriteString(e.Tr.T(s.DefaultLanguage(), "sms.choose_language"))
	return b.String()
}

// current is the step being asked.
func current(s *surveys.Survey, c *surveys.SMSConversation) Step {
	if c.Draft.Step == StepLanguage+":" {
		return Step{Kind: StepLanguage}
	}
	return ResumeStep(s, &c.Draft)
}

// understands reports whether text would be taken as an answer to the
// step being asked.
func (e *SMSEngine) understands(s *surveys.Survey, c *surveys.SMSConversation, text string, now time.Time) bool {
	trial := e.touch(c, now)
	st := current(s, trial)
	if st.Kind == StepLanguage {
		return false
	}
	_, ok := e.record(s, trial, st, text)
	return ok
}

func (e *SMSEngine) asksText(s *surveys.Survey, c *surveys.SMSConversation) bool {
	st := current(s, c)
	if st.Kind != StepQuestion {
		return false
	}
	q := s.Question(st.Key)
	return q != nil && (q.Type == surveys.TypeText || q.Type == surveys.TypeLongText)
}

// answer reads a reply to the step being asked.
func (e *SMSEngine) answer(s *surveys.Survey, c *surveys.SMSConversation, text string) SMSOutput {
	lang := c.Draft.Language
	st := current(s, c)
	if st.Kind == StepLanguage {
		return e.chooseLanguage(s, c, text)
	}
	if e.isWord(lang, "back", text) {
		c.Tries = 0
		if prev, ok := Previous(Steps(s, &c.Draft), st); ok {
			c.Draft.Step = prev.String()
		}
		return e.ask(s, c, "")
	}
	optional := st.Kind != StepQuestion || !s.Question(st.Key).Required
	if e.isWord(lang, "skip", text) {
		if !optional {
			return e.reask(s, c, st, e.Tr.T(lang, "sms.required", e.expect(s, &c.Draft, st)))
		}
		switch st.Kind {
		case StepQuestion:
			AnswerQuestion(s, &c.Draft, s.Question(st.Key), nil, "")
		case StepEqualityIntro:
			c.Draft.Equality[EqualityChoice] = "no"
		case StepEquality:
			AnswerEquality(&c.Draft, st.Key, "", "")
		}
		return e.next(s, c, st, "")
	}
	note, ok := e.record(s, c, st, text)
	if !ok {
		c.Tries++
		if c.Tries < 2 {
			return e.reask(s, c, st, e.Tr.T(lang, "sms.not_understood", e.expect(s, &c.Draft, st)))
		}
		if !optional {
			return e.reask(s, c, st, e.Tr.T(lang, "sms.still_not_understood", e.expect(s, &c.Draft, st)))
		}
		return e.next(s, c, st, e.Tr.T(lang, "sms.skipped"))
	}
	return e.next(s, c, st, note)
}

// record takes text as the answer to st. It returns a note for the
// resident (an answer cut short) and false if it could not be understood.
func (e *SMSEngine) record(s *surveys.Survey, c *surveys.SMSConversation, st Step, text string) (string, bool) {
	lang, def := c.Draft.Language, s.DefaultLanguage()
	switch st.Kind {
	case StepQuestion:
		q := s.Question(st.Key)
		values, ok := ParseSMSAnswer(q, lang, def, text)
		if !ok && q.Other && (containsWords(words(text), words(e.Tr.T(lang, "question.other"))) || containsWords(words(text), surveys.OtherValue)) {
			// "Other" is numbered in the prompt but is not one of the
			// survey's options, so the parser does not know its words.
			values, ok = []string{surveys.OtherValue}, true
		}
		if !ok {
			return "", false
		}
		note := ""
		if q.Type == surveys.TypeText || q.Type == surveys.TypeLongText {
			if q.Type == surveys.TypeText {
				values[0] = strings.Join(strings.Fields(values[0]), " ")
			}
			if max := q.MaxTextLength(); utf8.RuneCountInString(values[0]) > max {
				values[0] = string([]rune(values[0])[:max])
				note = e.Tr.T(lang, "sms.cut", max)
			}
		}
		if AnswerQuestion(s, &c.Draft, q, values, "") != nil {
			return "", false
		}
		return note, true
	case StepEqualityIntro:
		v, ok := parseYesNo(words(normaliseDigits(text)), lang)
		if !ok {
			return "", false
		}
		c.Draft.Equality[EqualityChoice] = v[0]
		return "", true
	case StepEquality:
		opts := e.equalityOptions(&c.Draft, st.Key)
		n, ok := optionNumbers(words(normaliseDigits(text)))
		if !ok || len(n) != 1 || n[0] < 1 || n[0] > len(opts) {
			return "", false
		}
		return "", AnswerEquality(&c.Draft, st.Key, opts[n[0]-1], "") == nil
	}
	return "", false
}

// chooseLanguage reads the number (or name) of a language.
func (e *SMSEngine) chooseLanguage(s *surveys.Survey, c *surveys.SMSConversation, text string) SMSOutput {
	plain := words(normaliseDigits(text))
	chosen := ""
	if n, ok := optionNumbers(plain); ok && len(n) == 1 && n[0] >= 1 && n[0] <= len(s.Languages) {
		chosen = s.Languages[n[0]-1]
	}
	for _, l := range s.Languages {
		if plain == l || plain == words(e.Tr.Endonym(l)) {
			chosen = l
		}
	}
	if chosen == "" {
		c.Tries++
		return SMSOutput{Conversation: c, Survey: s, Reply: e.languageMenu(s)}
	}
	c.Draft.Language, c.Tries = chosen, 0
	c.Draft.Step = ""
	st := ResumeStep(s, &c.Draft)
	c.Draft.Step = st.String()
	return e.ask(s, c, e.welcome(s, chosen))
}

// next moves on from st and asks the next step, or finishes.
func (e *SMSEngine) next(s *surveys.Survey, c *surveys.SMSConversation, st Step, note string) SMSOutput {
	c.Tries = 0
	n := Next(Steps(s, &c.Draft), st)
	c.Draft.Step = n.String()
	if n.Kind == StepCheck {
		sub := DraftSubmission(s, &c.Draft, surveys.ChannelSMS)
		c.Status = surveys.SMSSubmitted
		return SMSOutput{Conversation: c, Survey: s, Submission: sub, OfferUpdates: true}
	}
	return e.ask(s, c, note)
}

// Thanks is the last reply, once the response has its reference.
func (e *SMSEngine) Thanks(lang, reference string) string {
	return e.Tr.T(lang, "sms.thanks", reference)
}

// ask replies with the current step's question, after lead (a note or a
// welcome) when there is one.
func (e *SMSEngine) ask(s *surveys.Survey, c *surveys.SMSConversation, lead string) SMSOutput {
	st := current(s, c)
	if st.Kind == StepLanguage {
		return SMSOutput{Conversation: c, Survey: s, Reply: e.languageMenu(s)}
	}
	c.Draft.Step = st.String()
	if st.Kind == StepCheck {
		return e.next(s, c, st, "")
	}
	reply := e.Prompt(s, c.Draft.Language, &c.Draft, st)
	if lead != "" {
		reply = lead + "\n\n" + reply
	}
	return SMSOutput{Conversation: c, Survey: s, Reply: reply}
}

// reask replies with what is expected, keeping the step.
func (e *SMSEngine) reask(s *surveys.Survey, c *surveys.SMSConversation, st Step, reply string) SMSOutput {
	c.Draft.Step = st.String()
	return SMSOutput{Conversation: c, Survey: s, Reply: reply}
}

// Prompt is the message that asks step st in lang: the question, its
// numbered options and what to reply.
func (e *SMSEngine) Prompt(s *surveys.Survey, lang string, d *surveys.Draft, st Step) string {
	def := s.DefaultLanguage()
	var b strings.Builder
	switch st.Kind {
	case StepQuestion:
		q := s.Question(st.Key)
		steps := Steps(s, d)
		asked, n := 0, 0
		for _, x := range steps {
			if x.Kind == StepQuestion {
				asked++
				if x == st {
					n = asked
				}
			}
		}
		if n == 0 {
			// Not asked with the answers so far (show_if): number it among
			// every question, as a preview does.
			for i := range s.Questions {
				if s.Questions[i].Key == q.Key {
					n = i + 1
				}
			}
			asked = len(s.Questions)
		}
		prompt := q.SMSPrompt.In(lang, "")
		if prompt == "" {
			prompt = q.Prompt.In(lang, def)
		}
		fmt.Fprintf(&b, "%s %s", e.Tr.T(lang, "sms.progress", n, asked), prompt)
		switch q.Type {
		case surveys.TypeSingleChoice, surveys.TypeMultipleChoice:
			for i, o := range q.Options {
				fmt.Fprintf(&b, "\n%d %s", i+1, o.Label.In(lang, def))
			}
			if q.Other {
				fmt.Fprintf(&b, "\n%d %s", len(q.Options)+1, e.Tr.T(lang, "question.other"))
			}
		case surveys.TypeScale:
			if l := q.MinLabel.In(lang, def); l != "" {
				fmt.Fprintf(&b, "\n%s = %s", surveys.FormatNumber(*q.Min), l)
			}
			if l := q.MaxLabel.In(lang, def); l != "" {
				fmt.Fprintf(&b, "\n%s = %s", surveys.FormatNumber(*q.Max), l)
			}
		}
	case StepEqualityIntro:
		b.WriteString(e.Tr.T(lang, "sms.equality_intro", e.word(lang, "skip")))
	case StepEquality:
		key := st.Key
		if key == EqualityBroad {
			b.WriteString(e.Tr.T(lang, "equality.ethnic_group_broad.question"))
		} else {
			b.WriteString(e.Tr.T(lang, "equality."+key+".question"))
		}
		for i, id := range e.equalityOptions(d, key) {
			fmt.Fprintf(&b, "\n%d %s", i+1, e.equalityLabel(lang, key, id))
		}
	}
	if x := e.expect(s, d, st); x != "" {
		b.WriteString("\n")
		b.WriteString(x)
	}
	return b.String()
}

// equalityOptions lists an equality step's option ids in the order they
// are numbered: the options, then "prefer not to say".
func (e *SMSEngine) equalityOptions(d *surveys.Draft, key string) []string {
	opts, _ := EqualityOptions(key)
	if key == "ethnic_group" {
		opts = EthnicGroupOptions(d.Equality[EqualityBroad])
	}
	ids := make([]string, 0, len(opts)+1)
	for _, o := range opts {
		ids = append(ids, o.ID)
	}
	return append(ids, surveys.PreferNotToSay)
}

func (e *SMSEngine) equalityLabel(lang, key, id string) string {
	switch {
	case id == surveys.PreferNotToSay:
		return e.Tr.T(lang, "equality.prefer_not_to_say")
	case key == EqualityBroad:
		return e.Tr.T(lang, "equality.ethnic_group.group."+id)
	}
	return e.Tr.T(lang, "equality."+key+".option."+id)
}

// expect says what reply step st expects, and that SKIP skips it when it
// is optional.
func (e *SMSEngine) expect(s *surveys.Survey, d *surveys.Draft, st Step) string {
	lang := d.Language
	var x string
	optional := true
	switch st.Kind {
	case StepQuestion:
		q := s.Question(st.Key)
		optional = !q.Required
		switch q.Type {
		case surveys.TypeSingleChoice:
			x = e.Tr.T(lang, "sms.reply_number")
		case surveys.TypeMultipleChoice:
			x = e.Tr.T(lang, "sms.reply_numbers")
		case surveys.TypeScale:
			x = e.Tr.T(lang, "sms.reply_between", surveys.FormatNumber(*q.Min), surveys.FormatNumber(*q.Max))
		case surveys.TypeYesNo:
			x = e.Tr.T(lang, "sms.reply_yes_no", e.Tr.T(lang, "answer.yes"), e.Tr.T(lang, "answer.no"))
		case surveys.TypeNumber:
			if q.Min != nil && q.Max != nil {
				x = e.Tr.T(lang, "sms.reply_between", surveys.FormatNumber(*q.Min), surveys.FormatNumber(*q.Max))
			} else {
				x = e.Tr.T(lang, "sms.reply_a_number")
			}
		}
	case StepEqualityIntro:
		return e.Tr.T(lang, "sms.reply_yes_or_skip", e.Tr.T(lang, "answer.yes"), e.word(lang, "skip"))
	case StepEquality:
		x = e.Tr.T(lang, "sms.reply_number")
	}
	if optional {
		x = strings.TrimSpace(x + " " + e.Tr.T(lang, "sms.or_skip", e.word(lang, "skip")))
	}
	return x
}
