package surveys

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Service carries out what people ask of Voices, whatever channel they use:
// every channel submits through Submit, so validation and storage treat
// every response alike.
type Service struct {
	Store    Store
	Now      func() time.Time // the clock; time.Now when nil
	DraftTTL time.Duration    // how long unfinished web responses are kept; DefaultDraftTTL when 0
	// Stored, when set, is told of each response stored (for metrics),
	// after its commit; it must be quick and safe to call concurrently.
	Stored func(channel Channel, n int)
}

// stored tells Stored of n responses stored from channel.
func (svc *Service) stored(channel Channel, n int) {
	if svc.Stored != nil && n > 0 {
		svc.Stored(channel, n)
	}
}

// Clock returns the current time in UTC, from Now when set.
func (svc *Service) Clock() time.Time {
	if svc.Now != nil {
		return svc.Now().UTC()
	}
	return time.Now().UTC()
}

// CreateSurvey reads a definition (YAML or JSON) and stores it as a new survey.
func (svc *Service) CreateSurvey(ctx context.Context, definition []byte) (*Survey, error) {
	s, err := ParseDefinition(definition)
	if err != nil {
		return nil, err
	}
	if err := svc.checkKeyword(ctx, s); err != nil {
		return nil, err
	}
	if err := svc.Store.CreateSurvey(ctx, s); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditSurveyCreate, "survey:"+s.Slug, "")
	return s, nil
}

// ReplaceSurvey replaces the survey at slug with a new definition. Once a
// survey has responses, a change that would orphan stored answers (removing
// or retyping an answered question, removing an answered option) is refused.
func (svc *Service) ReplaceSurvey(ctx context.Context, slug string, definition []byte) (*Survey, error) {
	s, err := ParseDefinition(definition)
	if err != nil {
		return nil, err
	}
	if s.Slug != slug {
		return nil, &Error{Code: EINVALID, Message: "The definition is for a different survey.",
			Fields: map[string]string{"slug": fmt.Sprintf("is %q but the address is for %q; a survey's slug cannot be changed", s.Slug, slug)}}
	}
	if err := svc.checkKeyword(ctx, s); err != nil {
		return nil, err
	}
	if s.statusGiven && s.Status != StatusClosed {
		if err := svc.checkNotArchived(ctx, slug); err != nil {
			return nil, err
		}
	}
	err = svc.Store.ReplaceSurvey(ctx, s, func(old *Survey, used map[string][]string) error {
		if !s.statusGiven {
			s.Status = old.Status // editing the wording must not quietly close or reopen it
		}
		return s.checkKeepsAnswers(old, used)
	})
	if err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditSurveyReplace, "survey:"+s.Slug, "")
	return s, nil
}

// checkKeyword refuses an SMS keyword that another survey, not closed,
// already uses: a text must lead to one survey.
func (svc *Service) checkKeyword(ctx context.Context, s *Survey) error {
	if s.SMS == nil {
		return nil
	}
	others, err := svc.Store.SurveysByKeyword(ctx, s.SMS.Keyword)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Slug != s.Slug && o.Status != StatusClosed {
			return &Error{Code: ECONFLICT, Message: "Another survey already uses this SMS keyword.",
				Fields: map[string]string{"sms.keyword": fmt.Sprintf("%q is the keyword of %q; choose another, or close that survey first", s.SMS.Keyword, o.Slug)}}
		}
	}
	return nil
}

// checkKeepsAnswers refuses a new definition that could not hold the
// answers already stored under the old one.
func (s *Survey) checkKeepsAnswers(old *Survey, used map[string][]string) error {
	fields := fieldErrors{}
	for key, values := range used {
		if base, ok := strings.CutSuffix(key, "_other"); ok && old.Question(key) == nil {
			if q := s.Question(base); q == nil || !q.Other {
				fields.add(base, "responses include \"Other\" answers to %q: keep the question and its other: true", base)
			}
			continue
		}
		q, was := s.Question(key), old.Question(key)
		if q == nil {
			fields.add(key, "responses include answers to %q: it cannot be removed", key)
			continue
		}
		if was != nil && q.Type != was.Type && !(isFreeText(q.Type) && isFreeText(was.Type)) {
			fields.add(key, "responses include %s answers to %q: it cannot become %s", was.Type, key, q.Type)
			continue
		}
		if isFreeText(q.Type) {
			continue
		}
		for _, v := range values {
			if _, p := q.normaliseValue(v); p != nil {
				fields.add(key, "responses include the answer %q to %q, which the new definition no longer allows", v, key)
				break
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: ECONFLICT, Message: "The survey already has responses, and this change would lose some of their answers.", Fields: fields}
}

func isFreeText(t QuestionType) bool { return t == TypeText || t == TypeLongText }

// SetStatus opens or closes a survey.
func (svc *Service) SetStatus(ctx context.Context, slug string, status Status) error {
	switch status {
	case StatusOpen, StatusClosed, StatusDraft:
	default:
		return Errorf(EINVALID, "Status must be draft, open or closed.")
	}
	if status != StatusClosed {
		if err := svc.checkNotArchived(ctx, slug); err != nil {
			return err
		}
	}
	if err := svc.Store.SetSurveyStatus(ctx, slug, status); err != nil {
		return err
	}
	svc.audit(ctx, AuditSurveyStatus, "survey:"+slug, string(status))
	return nil
}

// checkNotArchived refuses to open (or make a draft of) an archived
// survey: the contact details that updates need are gone.
func (svc *Service) checkNotArchived(ctx context.Context, slug string) error {
	s, err := svc.Store.Survey(ctx, slug)
	if err != nil {
		return err
	}
	at, err := svc.Store.SurveyArchived(ctx, s.ID)
	if err != nil {
		return err
	}
	if !at.IsZero() {
		return Errorf(ECONFLICT, "This survey was archived on %s and stays closed.", at.Format("2 January 2006"))
	}
	return nil
}

// Submit checks a submission and stores it as a response to the survey at
// slug. It stores all of it or nothing.
func (svc *Service) Submit(ctx context.Context, slug string, sub *Submission) (*Response, error) {
	s, err := svc.Store.Survey(ctx, slug)
	if err != nil {
		return nil, err
	}
	now := svc.Clock()
	if err := s.CheckOpen(now); err != nil {
		return nil, err
	}
	r, err := s.CheckSubmission(sub)
	if err != nil {
		return nil, err
	}
	r.SubmittedAt = now
	if d := sub.draft; d != nil {
		// Emptied in the response's own transaction: a crash can never
		// leave both the response and a draft that could be sent again.
		r.Draft = &Draft{ID: d.ID, SurveyID: d.SurveyID, Language: d.Language, Answers: map[string][]string{},
			Equality: map[string]string{}, CreatedAt: d.CreatedAt, UpdatedAt: now, ExpiresAt: now.Add(submittedDraftTTL)}
	}
	err = svc.withReference(r, func() error {
		if r.Draft != nil {
			r.Draft.Reference = r.Reference
		}
		return svc.Store.CreateResponse(ctx, r)
	})
	if err != nil {
		return r, err
	}
	svc.stored(r.Channel, 1)
	if r.Mediation.EnteredBy != EnteredBySelf {
		svc.audit(ctx, AuditEnteredFor, "response:"+r.Reference, "survey:"+s.Slug+" "+r.Mediation.EnteredBy)
	}
	return r, nil
}

// AddUser checks and adds a user with a hashed password.
func (svc *Service) AddUser(ctx context.Context, u *NewUser) (*User, error) {
	if err := u.Check(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return nil, err
	}
	added, err := svc.Store.CreateUser(ctx, u, hash)
	if err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditUserAdd, "user:"+added.Email, string(added.Role))
	return added, nil
}

// CreateToken makes a new API token for the user with email. The token is
// returned once and only its hash is kept.
func (svc *Service) CreateToken(ctx context.Context, email string) (string, error) {
	u, err := svc.Store.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if u.Disabled() {
		return "", Errorf(EFORBIDDEN, "The account of %s is turned off; an administrator must turn it on before a token can be made.", u.Email)
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := svc.Store.CreateToken(ctx, u.ID, hash); err != nil {
		return "", err
	}
	svc.audit(ctx, AuditTokenCreate, "user:"+u.Email, "")
	return token, nil
}

// Authenticate returns the user an API token belongs to.
func (svc *Service) Authenticate(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, Errorf(EUNAUTHORIZED, "Sign in or send an API token.")
	}
	return svc.Store.UserByToken(ctx, HashToken(token))
}
