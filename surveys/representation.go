package surveys

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Representation compares who answered with the population they were asked
// from. The comparison itself (shares, ratios, protection of small numbers)
// is done on counts in surveys/disclosure; this file keeps the population
// baseline an officer chose for a survey, and counts respondents by the day
// they answered, so representation can be followed while a survey is open.

// Baseline is a population baseline an officer set for one survey, as the
// CSV they uploaded (in the format of the built-in Birmingham Census 2021
// baseline; see disclosure.ParseBaseline, which checks it first).
type Baseline struct {
	SurveyID int64
	Name     string // the population, e.g. "Sandwell (E08000028), Census 2021"
	CSV      []byte
	SetAt    time.Time
	SetBy    string
}

// MaxBaselineName and MaxBaselineSize bound what an officer may upload. A
// census baseline has about a hundred rows: 50 KB.
const (
	MaxBaselineName = 200
	MaxBaselineSize = 1 << 20
)

// DayCount is how many respondents with one value of one equality
// characteristic answered on one day.
type DayCount struct {
	Day       string // YYYY-MM-DD, in the time zone asked for
	Dimension string // an equality characteristic of BreakdownDimensions
	Value     string // a category id, or NotAnswered
	Count     int
}

// RepresentationStore keeps survey baselines and counts respondents by day.
type RepresentationStore interface {
	// SurveyBaseline returns the baseline set for a survey; ENOTFOUND if
	// none is (the built-in one is used).
	SurveyBaseline(ctx context.Context, surveyID int64) (*Baseline, error)
	// SetSurveyBaseline stores b as its survey's baseline, replacing any.
	SetSurveyBaseline(ctx context.Context, b *Baseline) error
	// DeleteSurveyBaseline removes a survey's baseline, if it has one.
	DeleteSurveyBaseline(ctx context.Context, surveyID int64) error
	// CountByDay counts a survey's respondents by the day (in loc) they
	// answered and by each equality characteristic's value, for every day
	// with a response, in order of day. Withdrawn equality answers count as
	// NotAnswered, as in CountGroups.
	CountByDay(ctx context.Context, surveyID int64, loc *time.Location) ([]DayCount, error)
}

// Audit actions of survey baselines.
const (
	AuditBaselineSet   = "survey.baseline_set"
	AuditBaselineClear = "survey.baseline_clear"
)

// SetSurveyBaseline makes csv, already checked by the caller (see
// disclosure.ParseBaseline), the population s's respondents are compared
// with, under the name the officer gave it.
func (svc *Service) SetSurveyBaseline(ctx context.Context, s *Survey, name string, csv []byte) (*Baseline, error) {
	fields := fieldErrors{}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fields.add("name", "name the population, for example \"Sandwell (E08000028), Census 2021, residents aged 16+\"")
	case n > MaxBaselineName:
		fields.add("name", "must be %d characters or fewer (it is %d)", MaxBaselineName, n)
	case strings.ContainsFunc(name, unicode.IsControl):
		fields.add("name", "remove the invisible control characters")
	}
	switch {
	case len(csv) == 0:
		fields.add("file", "choose the CSV file of the population's counts")
	case len(csv) > MaxBaselineSize:
		fields.add("file", "must be %d KB or smaller (it is %d KB)", MaxBaselineSize>>10, len(csv)>>10)
	}
	if err := fields.err("The baseline could not be set. Check each problem listed."); err != nil {
		return nil, err
	}
	a, _ := ctx.Value(actorKey{}).(Actor)
	b := &Baseline{SurveyID: s.ID, Name: name, CSV: csv, SetAt: svc.Clock(), SetBy: a.Name}
	if a.User != nil {
		b.SetBy = a.User.Email
	}
	if err := svc.Store.SetSurveyBaseline(ctx, b); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditBaselineSet, "survey:"+s.Slug, name)
	return b, nil
}

// ClearSurveyBaseline goes back to the built-in baseline for s.
func (svc *Service) ClearSurveyBaseline(ctx context.Context, s *Survey) error {
	if err := svc.Store.DeleteSurveyBaseline(ctx, s.ID); err != nil {
		return err
	}
	svc.audit(ctx, AuditBaselineClear, "survey:"+s.Slug, "back to the built-in baseline")
	return nil
}
