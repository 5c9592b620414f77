package surveys

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Corrections: a stored response is never edited in place. Someone who may
// see it (an officer, or the organisation or interpreter who entered it)
// can correct its answers, giving a reason; Voices keeps what it said
// before and after, who changed it and when, beside the response, and
// writes the correction to the audit log. A resident's own response is
// seen, and so corrected, only by officers. How it was given (channel,
// language, mediation) is a fact about the past and is not corrected.

// MaxCorrectionReason bounds the reason given for a correction.
const MaxCorrectionReason = 1000

// Correction is one recorded change to a response's answers.
type Correction struct {
	ID         int64            `json:"id"`
	ResponseID int64            `json:"-"`
	At         time.Time        `json:"at"`
	UserID     int64            `json:"-"`
	Actor      string           `json:"by"`
	Reason     string           `json:"reason"`
	Before     ResponseContents `json:"before"`
	After      ResponseContents `json:"after"`
}

// ResponseContents is what a correction can change.
type ResponseContents struct {
	Answers   map[string][]string `json:"answers"` // question key -> values
	Equality  map[string]string   `json:"equality,omitempty"`
	Originals map[string]Original `json:"originals,omitempty"`
}

// Contents returns what a correction can change in r.
func (r *Response) Contents() ResponseContents {
	return ResponseContents{Answers: answerMap(r.Answers), Equality: r.Equality, Originals: r.Originals}
}

// WithoutEquality returns r's contents with the equality answers left out,
// for a user who may not see them (see User.SeesEquality).
func (r ResponseContents) WithoutEquality() ResponseContents {
	r.Equality = nil
	return r
}

// CorrectionStore keeps responses' corrections.
type CorrectionStore interface {
	// ResponseByReference returns the response to survey surveyID with
	// this reference, if f (a scope from User.Scope) lets its user see it;
	// ENOTFOUND otherwise, the same whether it does not exist or may not be
	// seen.
	ResponseByReference(ctx context.Context, surveyID int64, reference string, f ResponseFilter) (*Response, error)
	// CorrectResponse replaces r's answers, equality answers and original
	// words with c.After and records c, in one transaction. It fails with
	// ECONFLICT if the response changed since c.Before was read.
	CorrectResponse(ctx context.Context, r *Response, c *Correction) error
	// Corrections lists a response's corrections, oldest first.
	Corrections(ctx context.Context, responseID int64) ([]*Correction, error)
}

// FindResponse returns the response with reference that u may see.
func (svc *Service) FindResponse(ctx context.Context, s *Survey, u *User, reference string) (*Response, error) {
	f, err := u.Scope(ResponseFilter{})
	if err != nil {
		return nil, err
	}
	return svc.Store.ResponseByReference(ctx, s.ID, strings.TrimSpace(reference), f)
}

// CorrectResponse changes the answers of the response with reference to
// those in sub (checked exactly as a new response with the same channel and
// mediation), recording who, when, why, and what it said before. A user
// who may not see equality answers (User.SeesEquality) cannot change them
// either: theirs are kept as they were, whatever sub says.
func (svc *Service) CorrectResponse(ctx context.Context, s *Survey, u *User, reference string, sub *Submission, reason string) (*Response, error) {
	old, err := svc.FindResponse(ctx, s, u, reference)
	if err != nil {
		return nil, err
	}
	if !u.SeesEquality() {
		kept := *sub
		kept.Equality = old.Submission().Equality
		sub = &kept
	}
	fields := fieldErrors{}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		fields.add("reason", "say why the answers are being corrected, for example \"typed from the paper form wrongly\"")
	case n > MaxCorrectionReason:
		fields.add("reason", "must be %d characters or fewer (it is %d)", MaxCorrectionReason, n)
	case strings.ContainsRune(reason, 0):
		fields.add("reason", "remove the invisible control characters")
	}
	r := *old
	r.Answers, r.Equality, r.Originals = nil, nil, nil
	s.checkAnswers(sub, &r, fields)
	if err := fields.err("The correction could not be saved. Check each problem listed."); err != nil {
		return nil, err
	}
	c := &Correction{ResponseID: old.ID, At: svc.Clock(), UserID: u.ID, Actor: u.Email, Reason: reason,
		Before: old.Contents(), After: r.Contents()}
	changed := c.Changed()
	if len(changed) == 0 {
		return nil, Errorf(EINVALID, "Nothing was changed, so there is nothing to record. Change an answer, or go back.")
	}
	if err := svc.Store.CorrectResponse(ctx, &r, c); err != nil {
		return nil, err
	}
	svc.audit(WithActor(ctx, Actor{User: u}), AuditCorrection, "response:"+r.Reference,
		fmt.Sprintf("survey %s; changed %s; reason: %s", s.Slug, strings.Join(changed, ", "), reason))
	return &r, nil
}

// Changed names what a correction changed: question keys, "equality.<key>"
// and "originals.<key>", sorted.
func (c *Correction) Changed() []string {
	var out []string
	before, after := c.Before.Answers, c.After.Answers
	for k := range union(before, after) {
		if strings.Join(before[k], "\x00") != strings.Join(after[k], "\x00") {
			out = append(out, k)
		}
	}
	for k := range union(c.Before.Equality, c.After.Equality) {
		if c.Before.Equality[k] != c.After.Equality[k] {
			out = append(out, "equality."+k)
		}
	}
	for k := range union(c.Before.Originals, c.After.Originals) {
		if c.Before.Originals[k] != c.After.Originals[k] {
			out = append(out, "originals."+k)
		}
	}
	sort.Strings(out)
	return out
}

func answerMap(answers []Answer) map[string][]string {
	m := make(map[string][]string, len(answers))
	for _, a := range answers {
		m[a.Key] = a.Values
	}
	return m
}

func union[V any](a, b map[string]V) map[string]bool {
	keys := make(map[string]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// Submission returns r's answers as a submission, to fill a correction form.
func (r *Response) Submission() *Submission {
	sub := &Submission{Language: r.Language, Channel: r.Channel, Mediation: r.Mediation,
		Answers: map[string][]string{}, Equality: map[string]string{}, Originals: map[string]Original{}}
	for _, a := range r.Answers {
		sub.Answers[a.Key] = append([]string(nil), a.Values...)
	}
	for k, v := range r.Equality {
		sub.Equality[k] = v
	}
	for k, v := range r.Originals {
		sub.Originals[k] = v
	}
	return sub
}
