package surveys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/voices-uk/voices/surveys/themes"
)

// Discovery: the answers no theme covers (none suggested, none decided) are
// grouped into candidate themes, each with a label from its key phrases,
// its size and a few representative quotes. An officer accepts a candidate
// into the codebook (renaming it as they like), merges it into a theme the
// codebook has (its key phrases join that theme's), or dismisses it. Either
// of the first two makes a new codebook version.

// Candidate statuses.
const (
	CandidateOpen      = "open"
	CandidateAccepted  = "accepted"
	CandidateMerged    = "merged"
	CandidateDismissed = "dismissed"
)

// ThemeCandidate is a theme found in the answers, waiting for a decision.
type ThemeCandidate struct {
	ID         int64     `json:"id"`
	FoundAt    time.Time `json:"found_at"`
	Label      string    `json:"label"`
	KeyPhrases []string  `json:"key_phrases"`
	Size       int       `json:"size"`
	Quotes     []string  `json:"quotes"`
	Status     string    `json:"status"`
	Theme      string    `json:"theme,omitempty"`
	DecidedBy  string    `json:"decided_by,omitempty"`
}

// CandidateStore keeps candidate themes.
type CandidateStore interface {
	// ReplaceOpenCandidates drops a survey's open candidates and stores these.
	ReplaceOpenCandidates(ctx context.Context, surveyID int64, list []*ThemeCandidate) error
	// Candidates lists a survey's candidates, open ones first, biggest first.
	Candidates(ctx context.Context, surveyID int64) ([]*ThemeCandidate, error)
	// DecideCandidate sets an open candidate's status, theme and decider;
	// ENOTFOUND if it is not an open candidate of the survey.
	DecideCandidate(ctx context.Context, surveyID, id int64, status, theme, by string) error
}

// DiscoverThemes groups the answers no theme covers into candidates,
// replacing the open ones, and returns them.
func (svc *Service) DiscoverThemes(ctx context.Context, s *Survey) ([]*ThemeCandidate, error) {
	covered := map[AnswerKey]bool{}
	var after AnswerKey
	for {
		page, err := svc.Store.ThemeAnswers(ctx, s.ID, s.FreeTextKeys(), ThemeAnswerFilter{After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			covered[a.AnswerKey] = len(a.Suggestions) > 0 || (a.Coding != nil && len(a.Coding.Themes) > 0)
		}
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].AnswerKey
	}
	var texts []string
	err := svc.Store.EachFreeTextAnswer(ctx, s.ID, s.FreeTextKeys(), false, func(k AnswerKey, text string) error {
		if !covered[k] {
			texts = append(texts, text)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(texts) < 10 {
		return nil, Errorf(EINVALID, "Only %d answers are not covered by a theme: too few to find new themes in. Suggest themes first, then look again when more answers have come in.", len(texts))
	}
	now := svc.Clock()
	var list []*ThemeCandidate
	for _, c := range themes.Discover(texts, themes.DefaultDiscoverOptions()) {
		tc := &ThemeCandidate{FoundAt: now, Label: c.Label, KeyPhrases: c.KeyPhrases, Size: len(c.Members), Status: CandidateOpen}
		for _, i := range c.Representatives {
			tc.Quotes = append(tc.Quotes, themes.Redact(texts[i]))
		}
		list = append(list, tc)
	}
	if err := svc.Store.ReplaceOpenCandidates(ctx, s.ID, list); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditThemeDiscover, "survey:"+s.Slug, fmt.Sprintf("%d candidates from %d answers", len(list), len(texts)))
	return list, nil
}

// candidate returns the survey's open candidate with id.
func (svc *Service) candidate(ctx context.Context, s *Survey, id int64) (*ThemeCandidate, error) {
	list, err := svc.Store.Candidates(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if c.ID == id && c.Status == CandidateOpen {
			return c, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "There is no open candidate theme %d in this survey.", id)
}

// AcceptCandidate adds an open candidate to the codebook as a new theme
// with this id and name, its key phrases as the theme's phrases.
func (svc *Service) AcceptCandidate(ctx context.Context, s *Survey, u *User, id int64, themeID, name, description string) (*Codebook, error) {
	c, err := svc.candidate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	cb, err := svc.latestCodebook(ctx, s)
	if err != nil {
		return nil, err
	}
	next := *cb
	next.Themes = append(append([]CodebookTheme(nil), cb.Themes...), CodebookTheme{ID: strings.TrimSpace(themeID), Name: strings.TrimSpace(name),
		Description: strings.TrimSpace(description), Phrases: c.KeyPhrases})
	saved, err := svc.saveCodebook(ctx, s, cb.Version, &next)
	if err != nil {
		return nil, err
	}
	return saved, svc.Store.DecideCandidate(ctx, s.ID, id, CandidateAccepted, themeID, u.Email)
}

// MergeCandidate adds an open candidate's key phrases to a codebook theme.
func (svc *Service) MergeCandidate(ctx context.Context, s *Survey, u *User, id int64, into string) (*Codebook, error) {
	c, err := svc.candidate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	cb, err := svc.latestCodebook(ctx, s)
	if err != nil {
		return nil, err
	}
	next := *cb
	next.Themes = append([]CodebookTheme(nil), cb.Themes...)
	found := false
	for i := range next.Themes {
		if t := &next.Themes[i]; t.ID == into {
			found = true
			phrases := append([]string(nil), t.Phrases...)
			for _, p := range c.KeyPhrases {
				if !contains(phrases, p) {
					phrases = append(phrases, p)
				}
			}
			t.Phrases = phrases
		}
	}
	if !found {
		return nil, &Error{Code: EINVALID, Message: "Choose a theme of the codebook to merge into.",
			Fields: map[string]string{"into": fmt.Sprintf("%q is not a theme of the codebook", into)}}
	}
	saved, err := svc.saveCodebook(ctx, s, cb.Version, &next)
	if err != nil {
		return nil, err
	}
	return saved, svc.Store.DecideCandidate(ctx, s.ID, id, CandidateMerged, into, u.Email)
}

// DismissCandidate sets an open candidate aside.
func (svc *Service) DismissCandidate(ctx context.Context, s *Survey, u *User, id int64) error {
	if _, err := svc.candidate(ctx, s, id); err != nil {
		return err
	}
	return svc.Store.DecideCandidate(ctx, s.ID, id, CandidateDismissed, "", u.Email)
}

// latestCodebook is the survey's codebook, or an empty one to add to.
func (svc *Service) latestCodebook(ctx context.Context, s *Survey) (*Codebook, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if ErrorCode(err) == ENOTFOUND {
		return &Codebook{}, nil
	}
	return cb, err
}
