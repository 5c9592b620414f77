package surveys

import (
	"context"
	"time"
)

// Draft is a response a resident is still filling in on the web. It is not
// a response: it is never counted, exported or analysed, and it is deleted
// when it expires. Once submitted it keeps only the reference, briefly, to
// show the confirmation page.
type Draft struct {
	ID        int64
	SurveyID  int64
	Language  string
	Answers   map[string][]string
	Equality  map[string]string // kept apart from the answers, as in responses
	Reference string            // set when submitted
	Step      string            // the page to come back to, as the web channel names it
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// DefaultDraftTTL is how long an unfinished response is kept after its last
// change, unless configured otherwise: four weeks, as GOV.UK "save and
// return" services commonly allow.
const DefaultDraftTTL = 28 * 24 * time.Hour

// submittedDraftTTL is how long a submitted draft keeps its reference, so
// the confirmation page can be reloaded.
const submittedDraftTTL = time.Hour

// NewResumeCode returns a code such as "K7P3-QXWA-HC9M" that brings a
// draft back: 12 characters of 25, about 55 bits, enough against guessing
// behind a rate limit. It is also the draft's cookie; only its hash is stored.
func NewResumeCode() string { return newCode(4, 4, 4) }

// NormaliseResumeCode turns what a person typed into the stored form, or ""
// if it cannot be a resume code.
func NormaliseResumeCode(s string) string { return normaliseCode(s, 4, 4, 4) }

// DraftStore keeps drafts. Codes are passed as hashes (HashToken).
type DraftStore interface {
	CreateDraft(ctx context.Context, d *Draft, codeHash []byte) error
	// Draft returns the unexpired draft of the survey with this code hash;
	// ENOTFOUND if there is none.
	Draft(ctx context.Context, surveyID int64, codeHash []byte, now time.Time) (*Draft, error)
	SaveDraft(ctx context.Context, d *Draft) error
	// DeleteExpiredDrafts deletes drafts that expired before now.
	DeleteExpiredDrafts(ctx context.Context, now time.Time) (int64, error)
}

// DraftLifetime is how long unfinished web answers are kept after their last change.
func (svc *Service) DraftLifetime() time.Duration {
	if svc.DraftTTL > 0 {
		return svc.DraftTTL
	}
	return DefaultDraftTTL
}

// StartDraft begins a new draft of an open survey and returns it with its
// resume code.
func (svc *Service) StartDraft(ctx context.Context, s *Survey, lang string) (*Draft, string, error) {
	now := svc.Clock()
	if err := s.CheckOpen(now); err != nil {
		return nil, "", err
	}
	if !s.HasLanguage(lang) {
		lang = s.DefaultLanguage()
	}
	code := NewResumeCode()
	d := &Draft{SurveyID: s.ID, Language: lang, Answers: map[string][]string{}, Equality: map[string]string{},
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(svc.DraftLifetime())}
	return d, code, svc.Store.CreateDraft(ctx, d, HashToken(code))
}

// Draft returns the draft with this resume code, or ENOTFOUND.
func (svc *Service) Draft(ctx context.Context, s *Survey, code string) (*Draft, error) {
	code = NormaliseResumeCode(code)
	if code == "" {
		return nil, Errorf(ENOTFOUND, "There are no saved answers with this code.")
	}
	return svc.Store.Draft(ctx, s.ID, HashToken(code), svc.Clock())
}

// SaveDraft stores a draft's answers and moves its expiry on.
func (svc *Service) SaveDraft(ctx context.Context, d *Draft) error {
	d.UpdatedAt = svc.Clock()
	d.ExpiresAt = d.UpdatedAt.Add(svc.DraftLifetime())
	return svc.Store.SaveDraft(ctx, d)
}

// ErrAlreadySent is returned when a draft has been sent already (a second
// click on Send, or two at once): the second is refused, never stored.
var ErrAlreadySent = &Error{Code: ECONFLICT, Message: "These answers have already been sent."}

// SubmitDraft submits a draft as a response through Submit, and in the same
// transaction empties the draft, keeping only its reference for an hour.
func (svc *Service) SubmitDraft(ctx context.Context, slug string, d *Draft, sub *Submission) (*Response, error) {
	if d.Reference != "" {
		return nil, ErrAlreadySent
	}
	sub.draft = d
	r, err := svc.Submit(ctx, slug, sub)
	if err != nil {
		return nil, err
	}
	d.Answers, d.Equality, d.Reference = map[string][]string{}, map[string]string{}, r.Reference
	return r, nil
}

// PurgeExpiredDrafts deletes expired drafts; run it now and then.
func (svc *Service) PurgeExpiredDrafts(ctx context.Context) (int64, error) {
	return svc.Store.DeleteExpiredDrafts(ctx, svc.Clock())
}
