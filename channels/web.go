package channels

import (
	"strings"
	"unicode/utf8"

	"github.com/voices-uk/voices/surveys"
)

// The web form asks one question per page (GOV.UK "question pages"), then,
// if the survey monitors equality, an optional equality section, then a
// check-your-answers page. This file is that flow, with no HTTP in it.

// Step kinds, in the order they come.
const (
	StepQuestion      = "question"       // Key is a question key
	StepEqualityIntro = "equality_intro" // asks whether to answer the equality questions
	StepEquality      = "equality"       // Key is an equality question key (or EqualityBroad)
	StepCheck         = "check"
)

// Step is one page of the form.
type Step struct {
	Kind string
	Key  string
}

// Keys the web form keeps in a draft's Equality map for itself; they start
// with "_" and never reach a submission.
const (
	EqualityChoice = "_answer"             // "yes" to answer the equality questions, "no" to skip them
	EqualityBroad  = "_ethnic_group_broad" // the first of the two ethnic group pages (ONS's two-step question)
	prefixInternal = "_"
)

// Steps lists the pages the resident sees, given their answers so far:
// questions that show_if hides are left out.
func Steps(s *surveys.Survey, d *surveys.Draft) []Step {
	var steps []Step
	for i := range s.Questions {
		if s.Questions[i].Visible(d.Answers) {
			steps = append(steps, Step{Kind: StepQuestion, Key: s.Questions[i].Key})
		}
	}
	if s.EqualityMonitoring {
		steps = append(steps, Step{Kind: StepEqualityIntro})
		if d.Equality[EqualityChoice] == "yes" {
			for _, key := range EqualityKeys(d.Equality) {
				steps = append(steps, Step{Kind: StepEquality, Key: key})
			}
		}
	}
	return append(steps, Step{Kind: StepCheck})
}

// EqualityKeys lists the equality pages to ask, given the answers so far:
// ethnic group in two steps, and the follow-up questions only when they apply.
func EqualityKeys(eq map[string]string) []string {
	var keys []string
	for _, q := range surveys.EqualityQuestions {
		if c := q.AskIf; c != nil {
			v, answered := eq[c.Key]
			if !answered || contains(c.Values, v) == c.Not {
				continue
			}
		}
		if q.Key == "ethnic_group" {
			keys = append(keys, EqualityBroad)
			if b := eq[EqualityBroad]; b == "" || b == surveys.PreferNotToSay {
				continue
			}
		}
		keys = append(keys, q.Key)
	}
	return keys
}

// Index returns where step is in steps, or -1.
func Index(steps []Step, step Step) int {
	for i, st := range steps {
		if st == step {
			return i
		}
	}
	return -1
}

// Next returns the step after step (the check page if step is unknown).
func Next(steps []Step, step Step) Step {
	if i := Index(steps, step); i >= 0 && i+1 < len(steps) {
		return steps[i+1]
	}
	return steps[len(steps)-1]
}

// Previous returns the step before step, or false for the first.
func Previous(steps []Step, step Step) (Step, bool) {
	if i := Index(steps, step); i > 0 {
		return steps[i-1], true
	}
	return Step{}, false
}

// String names a step for keeping in a draft, e.g. "question:rating".
func (st Step) String() string { return st.Kind + ":" + st.Key }

// ResumeStep is where a resident coming back carries on: the page they
// were on (d.Step) if it is still asked, else the first question they have
// not answered, or the check page.
func ResumeStep(s *surveys.Survey, d *surveys.Draft) Step {
	steps := Steps(s, d)
	for _, st := range steps {
		if d.Step != "" && st.String() == d.Step {
			return st
		}
	}
	for _, st := range steps {
		switch {
		case st.Kind == StepQuestion && len(d.Answers[st.Key]) == 0:
			return st
		case st.Kind == StepEqualityIntro && d.Equality[EqualityChoice] == "":
			return st
		}
	}
	return steps[len(steps)-1]
}

// AnswerQuestion records the answer to question q from a form post: values
// (the radios, checkboxes or text) and other (the "Other" text). An answer
// with a problem is not recorded. Answers to questions that the new answer
// hides are discarded, as the resident will not be asked them.
func AnswerQuestion(s *surveys.Survey, d *surveys.Draft, q *surveys.Question, values []string, other string) *surveys.Problem {
	norm, p := q.CheckAnswer(values)
	if p != nil {
		return p
	}
	other = strings.TrimSpace(other)
	if q.Other && other != "" && contains(norm, surveys.OtherValue) {
		if _, p := (&surveys.Question{Type: surveys.TypeText, MaxLength: surveys.OtherTextMaxLength}).CheckAnswer([]string{other}); p != nil {
			p.Field = surveys.OtherKey(q.Key)
			return p
		}
	}
	delete(d.Answers, surveys.OtherKey(q.Key))
	if len(norm) == 0 {
		delete(d.Answers, q.Key)
	} else {
		d.Answers[q.Key] = norm
		if q.Other && other != "" && contains(norm, surveys.OtherValue) {
			d.Answers[surveys.OtherKey(q.Key)] = []string{other}
		}
	}
	for i := range s.Questions {
		if hidden := &s.Questions[i]; !hidden.Visible(d.Answers) {
			delete(d.Answers, hidden.Key)
			delete(d.Answers, surveys.OtherKey(hidden.Key))
		}
	}
	return nil
}

// maxWriteIn matches the domain's limit on equality write-ins.
const maxWriteIn = 200

// AnswerEquality records one equality answer (an option id, "prefer not to
// say", or nothing) and its write-in. Follow-up answers that no longer
// apply are discarded.
func AnswerEquality(d *surveys.Draft, key, value, writeIn string) *surveys.Problem {
	writeIn = strings.TrimSpace(writeIn)
	if utf8.RuneCountInString(writeIn) > maxWriteIn {
		return &surveys.Problem{Code: "write_in_too_long", Args: []any{maxWriteIn}, Field: surveys.OtherKey(key)}
	}
	opts, ok := EqualityOptions(key)
	if key == "ethnic_group" {
		opts = EthnicGroupOptions(d.Equality[EqualityBroad]) // only the chosen broad group's backgrounds
	}
	if ok && value != "" && value != surveys.PreferNotToSay && !hasOption(opts, value) {
		return &surveys.Problem{Code: "not_an_option"}
	}
	delete(d.Equality, surveys.OtherKey(key))
	if value == "" {
		delete(d.Equality, key)
	} else {
		d.Equality[key] = value
		if opt := findOption(key, value); opt != nil && opt.WriteIn && writeIn != "" {
			d.Equality[surveys.OtherKey(key)] = writeIn
		}
	}
	if key == EqualityBroad {
		// A detailed answer from another broad group no longer fits.
		if detail := findOption("ethnic_group", d.Equality["ethnic_group"]); detail != nil && detail.Group != value {
			delete(d.Equality, "ethnic_group")
			delete(d.Equality, "ethnic_group_other")
		}
	}
	asked := map[string]bool{EqualityBroad: true}
	for _, k := range EqualityKeys(d.Equality) {
		asked[k] = true
	}
	for k := range d.Equality {
		base := strings.TrimSuffix(k, "_other")
		if !strings.HasPrefix(k, prefixInternal) && !asked[base] {
			delete(d.Equality, k)
		}
	}
	return nil
}

// EqualityOptions returns the options of an equality page: the broad
// ethnic groups for EqualityBroad, the question's own options otherwise.
func EqualityOptions(key string) ([]surveys.EqualityOption, bool) {
	if key == EqualityBroad {
		var groups []surveys.EqualityOption
		for _, o := range surveys.EqualityQuestionByKey("ethnic_group").Options {
			if len(groups) == 0 || groups[len(groups)-1].ID != o.Group {
				groups = append(groups, surveys.EqualityOption{ID: o.Group})
			}
		}
		return groups, true
	}
	q := surveys.EqualityQuestionByKey(key)
	if q == nil {
		return nil, false
	}
	return q.Options, true
}

// EthnicGroupOptions returns the detailed options of one broad group.
func EthnicGroupOptions(group string) []surveys.EqualityOption {
	var out []surveys.EqualityOption
	for _, o := range surveys.EqualityQuestionByKey("ethnic_group").Options {
		if o.Group == group {
			out = append(out, o)
		}
	}
	return out
}

func findOption(key, id string) *surveys.EqualityOption {
	if q := surveys.EqualityQuestionByKey(key); q != nil {
		return q.Option(id)
	}
	return nil
}

func hasOption(opts []surveys.EqualityOption, id string) bool {
	for _, o := range opts {
		if o.ID == id {
			return true
		}
	}
	return false
}

// DraftSubmission turns a finished draft (web form or text conversation)
// into the submission every channel makes: the visible answers, and the
// equality answers if the resident chose to give them.
func DraftSubmission(s *surveys.Survey, d *surveys.Draft, channel surveys.Channel) *surveys.Submission {
	sub := &surveys.Submission{Channel: channel, Language: d.Language,
		Answers: map[string][]string{}, Equality: map[string]string{},
		Mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf}}
	for i := range s.Questions {
		q := &s.Questions[i]
		if !q.Visible(d.Answers) {
			continue
		}
		if v := d.Answers[q.Key]; len(v) > 0 {
			sub.Answers[q.Key] = v
		}
		if v := d.Answers[surveys.OtherKey(q.Key)]; q.Other && len(v) > 0 {
			sub.Answers[surveys.OtherKey(q.Key)] = v
		}
	}
	if s.EqualityMonitoring && d.Equality[EqualityChoice] == "yes" {
		for k, v := range d.Equality {
			if !strings.HasPrefix(k, prefixInternal) {
				sub.Equality[k] = v
			}
		}
		switch broad := d.Equality[EqualityBroad]; {
		case broad == surveys.PreferNotToSay && sub.Equality["ethnic_group"] == "":
			sub.Equality["ethnic_group"] = surveys.PreferNotToSay
		case broad != "" && sub.Equality["ethnic_group"] == "":
			// The broad group alone, when the detailed step was skipped.
			sub.Equality[surveys.EqualityEthnicGroupBroad] = broad
		}
	}
	return sub
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
