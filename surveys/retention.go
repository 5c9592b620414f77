package surveys

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Retention: personal data about a consultation is deleted a set number of
// days after it closes, survey by survey (the definition's retention, or
// the server's defaults): text conversations and their logs, the contact
// details of people who asked to hear back, and equality answers. Closing
// counts from when the status became closed, or from closes_at once it has
// passed. Applying it again deletes only what has appeared since.

// AuditRetention is the audit action of data deleted by retention.
const AuditRetention = "retention.apply"

// RetentionDefaults are the server's retention periods in days, for
// surveys whose definition does not set their own; 0 keeps the data.
type RetentionDefaults struct {
	SMSDays, ContactsDays, EqualityDays int
}

// DefaultSMSRetentionDays is how long text conversations are kept after a
// survey closes unless configured: long enough to answer a question about
// one, short enough not to hold numbers' hashes and replies for years.
const DefaultSMSRetentionDays = 90

// RetentionDue says which kinds of data are past their time.
type RetentionDue struct {
	SMS, Contacts, Equality bool
}

// Any reports whether anything is due.
func (d RetentionDue) Any() bool { return d.SMS || d.Contacts || d.Equality }

// RetentionStore deletes what retention says.
type RetentionStore interface {
	// SurveyClosedAt returns when the survey's status became closed (zero
	// if it is not closed).
	SurveyClosedAt(ctx context.Context, surveyID int64) (time.Time, error)
	// ApplyRetention deletes the kinds of personal data due, for one
	// survey, in one transaction, and returns the rows deleted by table.
	ApplyRetention(ctx context.Context, surveyID int64, due RetentionDue) (map[string]int64, error)
}

// closedSince is when s closed, and whether it has.
func (svc *Service) closedSince(ctx context.Context, s *Survey, now time.Time) (time.Time, bool, error) {
	if s.Status == StatusClosed {
		at, err := svc.Store.SurveyClosedAt(ctx, s.ID)
		return at, err == nil, err
	}
	if s.Status == StatusOpen && s.ClosesAt != nil && !now.Before(*s.ClosesAt) {
		return *s.ClosesAt, true, nil
	}
	return time.Time{}, false, nil
}

// RetentionDueFor says what of s is past its time at now.
func (svc *Service) RetentionDueFor(ctx context.Context, s *Survey, d RetentionDefaults, now time.Time) (RetentionDue, error) {
	closed, ok, err := svc.closedSince(ctx, s, now)
	if err != nil || !ok {
		return RetentionDue{}, err
	}
	days := func(own, def int) bool {
		if own == 0 {
			own = def
		}
		return own > 0 && !now.Before(closed.AddDate(0, 0, own))
	}
	r := s.Retention
	if r == nil {
		r = &Retention{}
	}
	return RetentionDue{SMS: days(r.SMSDays, d.SMSDays), Contacts: days(r.ContactsDays, d.ContactsDays),
		Equality: days(r.EqualityDays, d.EqualityDays)}, nil
}

// ApplyRetention deletes, survey by survey, what is past its time, and
// records in the audit log what went. It returns the rows deleted by
// survey and table.
func (svc *Service) ApplyRetention(ctx context.Context, d RetentionDefaults) (map[string]map[string]int64, error) {
	list, err := svc.Store.Surveys(ctx, "")
	if err != nil {
		return nil, err
	}
	now := svc.Clock()
	out := map[string]map[string]int64{}
	for _, s := range list {
		due, err := svc.RetentionDueFor(ctx, s, d, now)
		if err != nil {
			return out, err
		}
		if !due.Any() {
			continue
		}
		deleted, err := svc.Store.ApplyRetention(ctx, s.ID, due)
		if err != nil {
			return out, fmt.Errorf("retention for %s: %w", s.Slug, err)
		}
		if len(deleted) == 0 {
			continue
		}
		out[s.Slug] = deleted
		var parts []string
		for table, n := range deleted {
			parts = append(parts, fmt.Sprintf("%s %d", table, n))
		}
		sort.Strings(parts)
		svc.audit(ctx, AuditRetention, "survey:"+s.Slug, strings.Join(parts, ", "))
	}
	return out, nil
}
