package surveys

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel is how a response reached Voices.
type Channel string

const (
	ChannelWeb      Channel = "web"      // the resident's own web form
	ChannelAPI      Channel = "api"      // POST /api/v1/surveys/{slug}/responses
	ChannelSMS      Channel = "sms"      // a text message conversation
	ChannelAssisted Channel = "assisted" // entered for someone by a group, interpreter or officer
	ChannelImport   Channel = "import"   // a row of an uploaded CSV (paper forms typed up)
)

// Channels lists every channel, for filters and checks.
var Channels = []Channel{ChannelWeb, ChannelAPI, ChannelSMS, ChannelAssisted, ChannelImport}

// Who entered a response.
const (
	EnteredBySelf           = "self"
	EnteredByCommunityGroup = "community_group"
	EnteredByInterpreter    = "interpreter"
	EnteredByOfficer        = "officer"
)

// Mediation records how a response was given: by the person themselves, or
// through a community group, an interpreter (including BSL) or an officer.
// Every analysis can see it, so mediated answers count and can be told apart.
type Mediation struct {
	EnteredBy           string `json:"entered_by" validate:"omitempty,oneof=self community_group interpreter officer"`
	Mode                string `json:"mode,omitempty" validate:"omitempty,oneof=face_to_face phone video bsl_video_relay paper group_session"`
	InterpreterLanguage string `json:"interpreter_language,omitempty" validate:"omitempty,max=35,langtag"`
	Interpreter         string `json:"interpreter,omitempty" validate:"max=200"`
	ConsentConfirmed    bool   `json:"consent_confirmed,omitempty"`

	// From the signed-in user who entered it, never from the request body.
	OrganisationID int64  `json:"-"`
	Organisation   string `json:"organisation,omitempty"`
	UserID         int64  `json:"-"`
}

// Submission is a response as it arrives from any channel, before it is
// checked. Answers hold each question's value(s) as text: one value for most
// questions, several for multiple choice.
type Submission struct {
	Language  string
	Answers   map[string][]string
	Equality  map[string]string
	Mediation Mediation
	Channel   Channel
	// Originals are the person's own words, in their language, for free-text
	// answers that were translated while entering a response for them. The
	// answer itself is the English (or the survey's language) that analysis
	// uses; quotes can show both.
	Originals map[string]Original
	// EnteredFor is the signed-in user entering the response, or nil for a
	// resident answering for themselves.
	EnteredFor *User

	draft *Draft // set by Service.SubmitDraft
}

// Response is a checked, stored response.
type Response struct {
	ID          int64
	SurveyID    int64
	Reference   string
	SubmittedAt time.Time
	Channel     Channel
	Language    string
	Mediation   Mediation
	Answers     []Answer            // in question order
	Equality    map[string]string   // keys from EqualityColumns; nil when none given
	Originals   map[string]Original // by question key; nil when none given

	// ImportKey, for imported responses, identifies the row so that it is
	// never stored twice (see Service.Import).
	ImportKey string

	// Draft, when set, is the web draft this response came from, to be
	// saved (emptied, with the reference) in the same transaction.
	Draft *Draft
}

// Original is a person's own words for one free-text answer.
type Original struct {
	Language string `json:"language"`
	Text     string `json:"text"`
}

// OriginalSuffix and OriginalLanguageSuffix name the export columns that
// hold a free-text question's original words beside its answer.
const (
	OriginalSuffix         = "_original"
	OriginalLanguageSuffix = "_original_language"
)

// Columns are the columns a question takes in a spreadsheet of responses
// (exports and import files alike): its answer, its "Other" text, and for
// free text the person's own words and their language.
func (q *Question) Columns() []string {
	cols := []string{q.Key}
	if q.Other {
		cols = append(cols, OtherKey(q.Key))
	}
	if isFreeText(q.Type) {
		cols = append(cols, q.Key+OriginalSuffix, q.Key+OriginalLanguageSuffix)
	}
	return cols
}

// Answer is the answer to one question (or the "Other" text of one).
type Answer struct {
	Key    string
	Values []string // one value, or several for multiple choice
}

// Answer returns the values given for key, or nil.
func (r *Response) Answer(key string) []string {
	for _, a := range r.Answers {
		if a.Key == key {
			return a.Values
		}
	}
	return nil
}

// Visible reports whether q is asked, given the answers so far: a question
// with show_if is asked only when the earlier answer is one of its values.
func (q *Question) Visible(answers map[string][]string) bool {
	if q.ShowIf == nil {
		return true
	}
	for _, v := range answers[q.ShowIf.Question] {
		if contains(q.ShowIf.In, v) {
			return true
		}
	}
	return false
}

// CheckSubmission checks sub against the survey's questions and returns the
// response to store, or an error naming every field to fix. It does not
// check that the survey is open (see CheckOpen) and it changes nothing.
func (s *Survey) CheckSubmission(sub *Submission) (*Response, error) {
	fields := fieldErrors{}
	r := &Response{SurveyID: s.ID, Channel: sub.Channel, Language: sub.Language, Mediation: sub.Mediation}
	if r.Language == "" {
		r.Language = s.DefaultLanguage()
	} else if !s.HasLanguage(r.Language) {
		fields.add("language", "%q is not a language of this survey; use one of: %s", r.Language, strings.Join(s.Languages, ", "))
	}
	if !contains(channelNames(), string(r.Channel)) {
		fields.add("channel", "%q is not a channel Voices knows", r.Channel)
	}
	checkMediation(&r.Mediation, sub.EnteredFor, fields)
	s.checkAnswers(sub, r, fields)
	if err := fields.err("Some answers need to be changed. Check each one listed."); err != nil {
		return nil, err
	}
	return r, nil
}

// checkAnswers checks sub's answers, original words and equality answers,
// and puts them in r. It is shared by new responses and corrections.
func (s *Survey) checkAnswers(sub *Submission, r *Response, fields fieldErrors) {
	// Normalise every answer first, so that show_if sees the canonical values.
	given := map[string][]string{}
	for key, raw := range sub.Answers {
		values := nonEmpty(raw)
		if len(values) == 0 {
			continue
		}
		q := s.Question(key)
		if q == nil {
			if base, ok := strings.CutSuffix(key, "_other"); ok && s.Question(base) != nil && s.Question(base).Other {
				given[key] = values
				continue
			}
			fields.add(key, "there is no question with this key in this survey")
			continue
		}
		norm, p := q.normaliseValues(values)
		if p != nil {
			fields.add(key, "%s", p.Message())
			continue
		}
		given[key] = norm
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		values, answered := given[q.Key]
		if !q.Visible(given) {
			if fields[q.ShowIf.Question] != "" {
				continue // the answer it depends on is wrong already: fix that first
			}
			if answered {
				fields.add(q.Key, "this question is not asked with the answer given to %q; remove this answer", q.ShowIf.Question)
				delete(given, q.Key)
			}
			if _, ok := given[OtherKey(q.Key)]; ok {
				fields.add(OtherKey(q.Key), "this question is not asked with the answer given to %q; remove this answer", q.ShowIf.Question)
			}
			continue
		}
		if !answered {
			if q.Required && fields[q.Key] == "" {
				fields.add(q.Key, "%s", q.missing().Message())
			}
			if _, ok := given[OtherKey(q.Key)]; ok && fields[q.Key] == "" {
				fields.add(OtherKey(q.Key), "only give this when %q is answered \"other\"", q.Key)
			}
			continue
		}
		r.Answers = append(r.Answers, Answer{Key: q.Key, Values: values})
		if q.Other {
			if other, ok := given[OtherKey(q.Key)]; ok {
				text := strings.Join(other, " ")
				switch {
				case !contains(values, OtherValue):
					fields.add(OtherKey(q.Key), "only give this when %q is answered \"other\"", q.Key)
				case utf8.RuneCountInString(text) > OtherTextMaxLength:
					fields.add(OtherKey(q.Key), "must be %d characters or fewer (it is %d)", OtherTextMaxLength, utf8.RuneCountInString(text))
				default:
					r.Answers = append(r.Answers, Answer{Key: OtherKey(q.Key), Values: []string{text}})
				}
			}
		}
	}
	r.Originals = checkOriginals(s, sub, given, r.Mediation.EnteredBy, fields)
	if len(nonEmpty(mapValues(sub.Equality))) > 0 {
		if !s.EqualityMonitoring {
			fields.add("equality", "this survey does not ask equality questions; leave them out")
		} else if eq := CheckEquality(sub.Equality, fields); len(eq) > 0 {
			r.Equality = eq
		}
	}
}

// checkOriginals checks the person's own words given beside translated
// free-text answers: only for a response entered on someone's behalf, only
// for an answered text question, in a language written as a code.
func checkOriginals(s *Survey, sub *Submission, given map[string][]string, enteredBy string, fields fieldErrors) map[string]Original {
	if len(sub.Originals) == 0 {
		return nil
	}
	out := map[string]Original{}
	for key, o := range sub.Originals {
		at := "originals." + key
		q := s.Question(key)
		text := strings.TrimSpace(o.Text)
		switch {
		case enteredBy == EnteredBySelf:
			fields.add(at, "original words are kept only for responses entered on someone's behalf; leave originals out")
		case q == nil:
			fields.add(at, "there is no question with this key in this survey")
		case !isFreeText(q.Type):
			fields.add(at, "only text and long_text answers have original words; %q is %s", key, q.Type)
		case len(given[key]) == 0:
			fields.add(at, "give the translated answer to %q too; the original goes beside it", key)
		case !IsLanguageCode(o.Language):
			fields.add(at+".language", "give the language of the original words as a code such as ur, pa or pl")
		case text == "":
			fields.add(at+".text", "give the person's own words, or leave this original out")
		case strings.ContainsRune(text, 0):
			fields.add(at+".text", "remove the invisible control characters")
		case utf8.RuneCountInString(text) > q.MaxTextLength():
			fields.add(at+".text", "must be %d characters or fewer (it is %d)", q.MaxTextLength(), utf8.RuneCountInString(text))
		default:
			out[key] = Original{Language: o.Language, Text: text}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func channelNames() []string {
	names := make([]string, len(Channels))
	for i, c := range Channels {
		names[i] = string(c)
	}
	return names
}

// checkMediation applies the rules on who may enter a response for whom.
// The organisation and user always come from the signed-in user.
func checkMediation(m *Mediation, by *User, fields fieldErrors) {
	if err := validate.Struct(m); err != nil {
		fieldsFromValidator(err, "mediation.", fields)
	}
	if strings.ContainsRune(m.Interpreter, 0) {
		fields.add("mediation.interpreter", "remove the invisible control characters")
	}
	if m.EnteredBy == "" {
		m.EnteredBy = EnteredBySelf
		if by != nil {
			m.EnteredBy = by.Role.EntersAs()
		}
	}
	m.OrganisationID, m.Organisation, m.UserID = 0, "", 0
	if by != nil {
		m.UserID = by.ID
		m.OrganisationID = by.OrganisationID
		m.Organisation = by.Organisation
	}
	if m.EnteredBy == EnteredBySelf {
		return
	}
	if by == nil {
		fields.add("mediation.entered_by", "only a signed-in community group member, interpreter or officer can enter a response for someone else; answer for yourself with \"self\"")
		return
	}
	if want := by.Role.EntersAs(); !by.Role.IsOfficer() && m.EnteredBy != want {
		fields.add("mediation.entered_by", "as a %s you enter responses as %q", by.Role, want)
	}
	if !m.ConsentConfirmed {
		fields.add("mediation.consent_confirmed", "confirm that the person agreed to take part and that these are their answers")
	}
}

func fieldsFromValidator(err error, prefix string, fields fieldErrors) {
	sub := fieldErrors{}
	validatorMessages(err, sub)
	for k, v := range sub {
		fields.add(prefix+k, "%s", v)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Problem is what is wrong with one answer, as a code and its arguments, so
// that each channel can say it in the resident's language. Message gives
// the English used by the API.
type Problem struct {
	Code string
	Args []any
	// Field names the part of the answer at fault when it is not the
	// question itself, e.g. "services_other" for the "Other" text.
	Field string
}

// ProblemText holds the English wording of each problem code; its
// arguments are the Problem's Args, in order.
var ProblemText = map[string]string{
	"answer_required":      "this question needs an answer: enter your answer",
	"choose_one_required":  "this question needs an answer: select one",
	"choose_some_required": "this question needs an answer: select at least one",
	"scale_required":       "this question needs an answer: select a number from %s to %s",
	"number_required":      "this question needs an answer: enter a number",
	"too_long":             "answer must be %d characters or fewer (it is %d)",
	"control_characters":   "remove the invisible control characters from this answer",
	"one_text":             "give one answer as text, not a list",
	"not_an_option":        "%q is not one of the answers; choose from: %s",
	"only_one":             "select only one answer",
	"yes_or_no":            "select yes or no",
	"scale_range":          "select a whole number from %s to %s",
	"number_format":        "enter a number, like 12 or 3.5",
	"number_between":       "enter a number from %s to %s",
	"number_at_least":      "enter a number of %s or more",
	"number_at_most":       "enter a number of %s or less",
}

// Message is the problem in English.
func (p *Problem) Message() string { return fmt.Sprintf(ProblemText[p.Code], p.Args...) }

func problem(code string, args ...any) *Problem { return &Problem{Code: code, Args: args} }

// CheckAnswer checks the values given for one question on their own (not
// show_if, which depends on other answers). No values is fine for an
// optional question and a problem for a required one; otherwise it returns
// the values in canonical form.
func (q *Question) CheckAnswer(values []string) ([]string, *Problem) {
	values = nonEmpty(values)
	if len(values) == 0 {
		if q.Required {
			return nil, q.missing()
		}
		return nil, nil
	}
	return q.normaliseValues(values)
}

// normaliseValues checks the values given for q and returns them in
// canonical form, or the problem with them.
func (q *Question) normaliseValues(values []string) ([]string, *Problem) {
	switch q.Type {
	case TypeText, TypeLongText:
		if len(values) > 1 {
			return nil, problem("one_text")
		}
		text := values[0]
		if strings.ContainsRune(text, 0) {
			return nil, problem("control_characters")
		}
		if n, max := utf8.RuneCountInString(text), q.MaxTextLength(); n > max {
			return nil, problem("too_long", max, n)
		}
		return []string{text}, nil
	case TypeMultipleChoice:
		var out []string
		for _, v := range values {
			norm, p := q.normaliseValue(v)
			if p != nil {
				return nil, p
			}
			if !contains(out, norm) {
				out = append(out, norm)
			}
		}
		return out, nil
	default:
		if len(values) > 1 {
			return nil, problem("only_one")
		}
		norm, p := q.normaliseValue(values[0])
		if p != nil {
			return nil, p
		}
		return []string{norm}, nil
	}
}

// normaliseValue checks one value of a non-text question.
func (q *Question) normaliseValue(v string) (string, *Problem) {
	v = strings.TrimSpace(v)
	switch q.Type {
	case TypeSingleChoice, TypeMultipleChoice:
		if !q.HasOption(v) {
			return "", problem("not_an_option", v, strings.Join(q.optionValues(), ", "))
		}
		return v, nil
	case TypeYesNo:
		switch strings.ToLower(v) {
		case "yes", "y", "true":
			return "yes", nil
		case "no", "n", "false":
			return "no", nil
		}
		return "", problem("yes_or_no")
	case TypeScale:
		n, err := strconv.Atoi(v)
		if err != nil || float64(n) < *q.Min || float64(n) > *q.Max {
			return "", problem("scale_range", FormatNumber(*q.Min), FormatNumber(*q.Max))
		}
		return strconv.Itoa(n), nil
	case TypeNumber:
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", problem("number_format")
		}
		if (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) {
			return "", q.numberRange()
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return v, nil
}

func (q *Question) numberRange() *Problem {
	switch {
	case q.Min != nil && q.Max != nil:
		return problem("number_between", FormatNumber(*q.Min), FormatNumber(*q.Max))
	case q.Min != nil:
		return problem("number_at_least", FormatNumber(*q.Min))
	default:
		return problem("number_at_most", FormatNumber(*q.Max))
	}
}

func (q *Question) optionValues() []string {
	vals := make([]string, 0, len(q.Options)+1)
	for _, o := range q.Options {
		vals = append(vals, o.Value)
	}
	if q.Other {
		vals = append(vals, OtherValue)
	}
	return vals
}

// missing is the problem of a required question left unanswered.
func (q *Question) missing() *Problem {
	switch q.Type {
	case TypeSingleChoice, TypeYesNo:
		return problem("choose_one_required")
	case TypeMultipleChoice:
		return problem("choose_some_required")
	case TypeScale:
		return problem("scale_required", FormatNumber(*q.Min), FormatNumber(*q.Max))
	case TypeNumber:
		return problem("number_required")
	}
	return problem("answer_required")
}
