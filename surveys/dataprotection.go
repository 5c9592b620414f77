package surveys

import (
	"context"
	"fmt"
	"time"

	"github.com/voices-uk/voices/surveys/themes"
)

// Data protection by reference: the reference a resident was shown is
// enough to find everything Voices holds about their response, give them a
// copy (subject access) or erase it (erasure), in every table: the
// response, its answers, own words, equality answers and corrections, its
// theme suggestions and codings, its breakdown profile, the web draft, the
// text conversation with its message log and outbox, the requests to hear
// back with their queued messages, and copies of its words in training
// examples, discovered themes' quotes and published quotes. What stays is
// the audit log's record that it happened, and a number's STOP (the
// suppression list), which must outlive everything else.

// Audit actions of data protection.
const (
	AuditErase         = "response.erase"
	AuditSubjectAccess = "response.subject_access"
)

// SubjectAccess is everything Voices holds about one response.
type SubjectAccess struct {
	Reference   string              `json:"reference"`
	Survey      string              `json:"survey"`
	SubmittedAt time.Time           `json:"submitted_at"`
	Channel     Channel             `json:"channel"`
	Language    string              `json:"language"`
	Mediation   Mediation           `json:"mediation"`
	Answers     map[string]any      `json:"answers"`
	Originals   map[string]Original `json:"originals,omitempty"`
	Equality    map[string]string   `json:"equality,omitempty"`
	Corrections []*Correction       `json:"corrections"`
	Themes      map[string][]string `json:"themes,omitempty"` // question key -> the themes its answer is coded with
	// Held by the SQLite adapter about the same person through this
	// response: the text conversation, messages sent, requests to hear back.
	Held        HeldData  `json:"held"`
	GeneratedAt time.Time `json:"generated_at"`
}

// HeldData is what is held beside a response, keyed to it or to the
// number that sent it.
type HeldData struct {
	SMSConversation *HeldConversation `json:"sms_conversation,omitempty"`
	// OtherReplies are replies to texts from the same number that were
	// part of no conversation (HELP, YES to the offer of updates).
	OtherReplies []string      `json:"other_replies_sent"`
	TextsSent    []HeldMessage `json:"texts_sent"`
	EmailsSent   []HeldMessage `json:"emails_sent"`
	Updates      []HeldUpdate  `json:"update_requests"`
	Suppressed   bool          `json:"number_said_stop"`
}

// HeldConversation is a text-message conversation; the number is held
// only as a keyed hash.
type HeldConversation struct {
	Status    string    `json:"status"`
	Language  string    `json:"language"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Replies   []string  `json:"replies_sent"`
}

// HeldMessage is a message Voices sent (or was to send).
type HeldMessage struct {
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// HeldUpdate is a request to hear back.
type HeldUpdate struct {
	Channel   string    `json:"channel"`
	Address   string    `json:"address"`
	Language  string    `json:"language"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// Erasure says what erasing a response deleted, by table.
type Erasure struct {
	Reference string           `json:"reference"`
	Survey    string           `json:"survey"`
	Deleted   map[string]int64 `json:"deleted"`
}

// DataProtectionStore finds and erases what is held about a response.
type DataProtectionStore interface {
	// ResponseSurvey returns the slug of the survey a reference belongs
	// to; ENOTFOUND if none.
	ResponseSurvey(ctx context.Context, reference string) (string, error)
	// HeldData returns what is held beside a response.
	HeldData(ctx context.Context, responseID int64) (HeldData, error)
	// EraseResponse deletes a response and everything held about it, in
	// one transaction. texts are its words (answers, own words, and those
	// in its corrections): training examples with these texts, and
	// quotes (redacted is each text as quotes show it) in discovered
	// themes and publications, go too. It returns the rows deleted (or
	// changed, for quotes) by table.
	EraseResponse(ctx context.Context, responseID int64, texts, redacted []string) (map[string]int64, error)
}

// findByReference returns the survey and the response with reference.
func (svc *Service) findByReference(ctx context.Context, reference string) (*Survey, *Response, error) {
	ref := NormaliseReference(reference)
	if ref == "" {
		return nil, nil, &Error{Code: EINVALID, Message: "Give the response's reference.",
			Fields: map[string]string{"reference": "enter the six letters and numbers of the reference, such as K7P-3QX"}}
	}
	slug, err := svc.Store.ResponseSurvey(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	s, err := svc.Store.Survey(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	r, err := svc.Store.ResponseByReference(ctx, s.ID, ref, ResponseFilter{})
	return s, r, err
}

func requireOfficer(u *User, doing string) error {
	if u == nil || !u.Role.IsOfficer() {
		return Errorf(EFORBIDDEN, "Only council officers can %s.", doing)
	}
	return nil
}

// SubjectAccess gathers everything held about the response with
// reference, for an officer answering a subject access request.
func (svc *Service) SubjectAccess(ctx context.Context, u *User, reference string) (*SubjectAccess, error) {
	if err := requireOfficer(u, "answer a subject access request"); err != nil {
		return nil, err
	}
	s, r, err := svc.findByReference(ctx, reference)
	if err != nil {
		return nil, err
	}
	out := &SubjectAccess{Reference: r.Reference, Survey: s.Slug, SubmittedAt: r.SubmittedAt, Channel: r.Channel, Language: r.Language,
		Mediation: r.Mediation, Answers: map[string]any{}, Originals: r.Originals, Equality: r.Equality, GeneratedAt: svc.Clock()}
	for _, a := range r.Answers {
		if len(a.Values) == 1 {
			out.Answers[a.Key] = a.Values[0]
		} else {
			out.Answers[a.Key] = a.Values
		}
	}
	if out.Corrections, err = svc.Store.Corrections(ctx, r.ID); err != nil {
		return nil, err
	}
	err = svc.Store.EachCodedAnswer(ctx, s.ID, func(a *CodedAnswer) error {
		if a.ResponseID == r.ID {
			if out.Themes == nil {
				out.Themes = map[string][]string{}
			}
			out.Themes[a.QuestionKey] = a.Themes
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Held, err = svc.Store.HeldData(ctx, r.ID); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditSubjectAccess, fmt.Sprintf("response:%s", r.Reference), "")
	return out, nil
}

// Erase deletes the response with reference and everything held about
// it, for good.
func (svc *Service) Erase(ctx context.Context, u *User, reference string) (*Erasure, error) {
	if err := requireOfficer(u, "erase a response"); err != nil {
		return nil, err
	}
	s, r, err := svc.findByReference(ctx, reference)
	if err != nil {
		return nil, err
	}
	corrections, err := svc.Store.Corrections(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var texts, redacted []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			texts = append(texts, t)
			redacted = append(redacted, themes.Redact(t))
		}
	}
	// Words, not choices: free-text answers and "Other" texts.
	words := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		words[OtherKey(q.Key)] = true
		words[q.Key] = isFreeText(q.Type)
	}
	addContents := func(c ResponseContents) {
		for key, vs := range c.Answers {
			if !words[key] {
				continue
			}
			for _, v := range vs {
				add(v)
			}
		}
		for _, o := range c.Originals {
			add(o.Text)
		}
	}
	addContents(r.Contents())
	for _, c := range corrections {
		addContents(c.Before)
		addContents(c.After)
	}
	deleted, err := svc.Store.EraseResponse(ctx, r.ID, texts, redacted)
	if err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditErase, fmt.Sprintf("response:%s", r.Reference), "erased from every table")
	return &Erasure{Reference: r.Reference, Survey: s.Slug, Deleted: deleted}, nil
}
