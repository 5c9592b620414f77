package surveys

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Breakdowns count who answered a survey by equality characteristics, by
// channel and by who entered the response, alone or crossed (two or three
// at once, to see how characteristics combine), and optionally by the
// answers to a choice question or by a theme. This file counts; hiding
// small numbers, rounding, shares and tests of significance are done on the
// counts elsewhere, before anything leaves Voices.

// Breakdown dimensions that are not equality answers.
const (
	DimensionChannel   = "channel"
	DimensionEnteredBy = "entered_by"
)

// NotAnswered is the group of respondents who gave no answer for a
// dimension: they left the question out, it was not asked (a survey
// without equality monitoring, or english_proficiency for English
// speakers), or they withdrew their equality answers. It is apart from
// PreferNotToSay, which is an answer and is counted under its own id.
const NotAnswered = ""

// Theme values of a breakdown by theme.
const (
	ThemeYes       = "yes" // at least one of the respondent's answers has the theme
	ThemeNo        = "no"  // their answers are decided, and none has the theme
	ThemeUndecided = ""    // nobody has decided on any of their free-text answers yet
)

// MaxBreakdownDimensions is how many dimensions one breakdown may cross.
const MaxBreakdownDimensions = 3

// BreakdownDimensions are what a breakdown may group by: every equality
// characteristic (not the write-ins, and not the two parts of the
// disability question, which the derived "disability" measure stands for),
// then channel and entered_by.
var BreakdownDimensions = breakdownDimensions()

func breakdownDimensions() []string {
	var dims []string
	for _, c := range EqualityColumns {
		if strings.HasSuffix(c, "_other") || c == "disability_condition" || c == "disability_impact" {
			continue
		}
		dims = append(dims, c)
	}
	return append(dims, DimensionChannel, DimensionEnteredBy)
}

// IsEqualityDimension reports whether dim is an equality answer (as
// opposed to channel or entered_by).
func IsEqualityDimension(dim string) bool {
	return dim != DimensionChannel && dim != DimensionEnteredBy && contains(BreakdownDimensions, dim)
}

// BreakdownQuery says what to count.
type BreakdownQuery struct {
	By       []string // 1 to 3 distinct BreakdownDimensions, in the order wanted
	Question string   // a choice, scale or yes/no question: count by its answer too
	Theme    string   // a theme id: count by whether respondents raised it too
	// Since, when not zero, counts only the responses received at or
	// after it: a narrowed view, to be protected against the whole survey
	// (disclosure.BuildFiltered).
	Since time.Time
}

// GroupCount is the number of respondents in one cell of a breakdown.
type GroupCount struct {
	Groups []string // one value per dimension of By, in its order; NotAnswered is ""
	// Value is the answer to Question (NotAnswered for those who left it
	// out), or ThemeYes, ThemeNo or ThemeUndecided for Theme; "" when
	// neither was asked.
	Value string
	Count int
}

// BreakdownStore counts for breakdowns and withdraws equality answers.
type BreakdownStore interface {
	// CountGroups counts the respondents to a survey by the dimensions in
	// q.By, and with q.Question by each answer value of that question (a
	// respondent choosing two options counts once under each), or with
	// q.Theme by whether the latest decision on any of their free-text
	// answers has that theme. Every response counts, under NotAnswered
	// for a dimension it has no answer for. Only cells with a count are
	// returned, ordered by Groups then Value. q is not checked: see
	// Service.CountGroups.
	CountGroups(ctx context.Context, surveyID int64, q BreakdownQuery) ([]GroupCount, error)
	// WithdrawEquality deletes the equality answers of the response with
	// this reference, here and in the record of its corrections, and marks
	// it so that they cannot be stored again; ENOTFOUND if there is no such
	// response. Withdrawing again changes nothing and is not an error.
	WithdrawEquality(ctx context.Context, reference string) error
}

// CountGroups checks q against the survey (and a theme against its
// codebook) and counts its respondents.
func (svc *Service) CountGroups(ctx context.Context, s *Survey, q BreakdownQuery) ([]GroupCount, error) {
	q.By = append([]string(nil), q.By...) // CheckBreakdown trims them in place: leave the caller's alone
	if err := s.CheckBreakdown(&q); err != nil {
		return nil, err
	}
	if q.Theme != "" {
		cb, err := svc.Store.Codebook(ctx, s.ID)
		if ErrorCode(err) == ENOTFOUND {
			return nil, &Error{Code: EINVALID, Message: "This survey has no codebook yet, so there are no themes to break down by.",
				Fields: map[string]string{"theme": "add a codebook and code some answers first, or leave theme out"}}
		}
		if err != nil {
			return nil, err
		}
		if cb.Theme(q.Theme) == nil {
			ids := make([]string, len(cb.Themes))
			for i, t := range cb.Themes {
				ids[i] = t.ID
			}
			return nil, &Error{Code: EINVALID, Message: "The breakdown cannot be made as asked. Check each parameter listed.",
				Fields: map[string]string{"theme": fmt.Sprintf("%q is not a theme of the codebook (version %d); use one of: %s", q.Theme, cb.Version, strings.Join(ids, ", "))}}
		}
	}
	return svc.Store.CountGroups(ctx, s.ID, q)
}

// CheckBreakdown checks a breakdown query against the survey, trimming
// its values, and names every parameter to fix.
func (s *Survey) CheckBreakdown(q *BreakdownQuery) error {
	fields := fieldErrors{}
	seen := map[string]bool{}
	for i, dim := range q.By {
		dim = strings.TrimSpace(dim)
		q.By[i] = dim
		switch {
		case dim == "":
			fields.add("by", "leave no empty names between the commas")
		case !contains(BreakdownDimensions, dim):
			fields.add("by", "%q is not something to break down by; use one of: %s", dim, strings.Join(BreakdownDimensions, ", "))
		case seen[dim]:
			fields.add("by", "%q is given twice; give each at most once", dim)
		}
		seen[dim] = true
	}
	switch {
	case len(q.By) == 0:
		fields.add("by", "give 1 to %d of: %s", MaxBreakdownDimensions, strings.Join(BreakdownDimensions, ", "))
	case len(q.By) > MaxBreakdownDimensions:
		fields.add("by", "give at most %d, not %d", MaxBreakdownDimensions, len(q.By))
	}
	q.Question, q.Theme = strings.TrimSpace(q.Question), strings.TrimSpace(q.Theme)
	if q.Question != "" && q.Theme != "" {
		fields.add("theme", "give a question or a theme, not both")
	}
	if q.Question != "" {
		switch qn := s.Question(q.Question); {
		case qn == nil:
			fields.add("question", "there is no question %q in this survey", q.Question)
		case !countable(qn.Type):
			fields.add("question", "%q is a %s question; break down by a choice, scale or yes/no question (%s)", q.Question, qn.Type, strings.Join(s.countableKeys(), ", "))
		}
	}
	if q.Theme != "" && !themeIDPattern.MatchString(q.Theme) {
		fields.add("theme", "%q is not a theme id: use the id from the codebook (lower-case letters, digits, - and _)", q.Theme)
	}
	return fields.err("The breakdown cannot be made as asked. Check each parameter listed.")
}

// countable reports whether answers to a question of this type are a
// short list of values to count by.
func countable(t QuestionType) bool {
	return t == TypeSingleChoice || t == TypeMultipleChoice || t == TypeScale || t == TypeYesNo
}

// BreakdownQuestionKeys are the keys of the questions a breakdown may
// count by (choice, scale and yes/no), in the survey's order.
func (s *Survey) BreakdownQuestionKeys() []string {
	var keys []string
	for i := range s.Questions {
		if countable(s.Questions[i].Type) {
			keys = append(keys, s.Questions[i].Key)
		}
	}
	return keys
}

func (s *Survey) countableKeys() []string {
	if keys := s.BreakdownQuestionKeys(); len(keys) > 0 {
		return keys
	}
	return []string{"this survey has none"}
}

// AuditEqualityWithdraw is the audit action of a withdrawal of equality
// answers.
const AuditEqualityWithdraw = "response.equality_withdraw"

// WithdrawEquality withdraws the equality answers of the response with
// reference, for the resident who gave them: they are deleted and left out
// of every later breakdown. Residents are anonymous, so the reference is
// all it takes; withdrawing twice is not an error.
func (svc *Service) WithdrawEquality(ctx context.Context, reference string) error {
	if reference = NormaliseReference(reference); reference == "" {
		return &Error{Code: EINVALID, Message: "Give the reference you were shown when you answered.",
			Fields: map[string]string{"reference": "enter the six letters and numbers of your reference, such as K7P-3QX"}}
	}
	if err := svc.Store.WithdrawEquality(ctx, reference); err != nil {
		return err
	}
	// The reference is the target, as for any response; the detail says
	// nothing about what the answers were.
	svc.audit(ctx, AuditEqualityWithdraw, fmt.Sprintf("response:%s", reference), "equality answers withdrawn")
	return nil
}
