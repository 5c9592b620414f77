package disclosure

import (
	"fmt"
	"strconv"

	"github.com/voices-uk/voices/surveys"
)

// NotAnsweredCategory is how a breakdown names respondents who gave no
// answer for a dimension (surveys.NotAnswered, stored as "").
const NotAnsweredCategory = "not_answered"

// Categories returns a breakdown dimension's categories in display order:
// the standard's order for equality characteristics, with
// prefer_not_to_say and not_answered last.
func Categories(dim string) []string {
	var out []string
	switch dim {
	case surveys.DimensionChannel:
		for _, c := range surveys.Channels {
			out = append(out, string(c))
		}
		return out
	case surveys.DimensionEnteredBy:
		return []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}
	case surveys.EqualityEthnicGroupBroad:
		seen := map[string]bool{}
		for _, q := range surveys.EqualityQuestions {
			for _, o := range q.Options {
				if q.Key == "ethnic_group" && !seen[o.Group] {
					seen[o.Group] = true
					out = append(out, o.Group)
				}
			}
		}
	case surveys.EqualityDisability:
		out = append(out, surveys.DisabilityMeasures...)
	default:
		for _, q := range surveys.EqualityQuestions {
			if q.Key == dim {
				for _, o := range q.Options {
					out = append(out, o.ID)
				}
			}
		}
	}
	return append(out, surveys.PreferNotToSay, NotAnsweredCategory)
}

// valueCategories are the values a breakdown's value dimension takes: a
// question's options (a scale's points), or the theme asked for.
func valueCategories(s *surveys.Survey, q surveys.BreakdownQuery) ([]string, error) {
	if q.Theme != "" {
		return []string{q.Theme}, nil
	}
	question := s.Question(q.Question)
	if question == nil {
		return nil, fmt.Errorf("disclosure: no question %q", q.Question)
	}
	var out []string
	switch question.Type {
	case surveys.TypeYesNo:
		out = []string{"yes", "no"}
	case surveys.TypeScale:
		for v := *question.Min; v <= *question.Max; v++ {
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		}
	default:
		for _, o := range question.Options {
			out = append(out, o.Value)
		}
		if question.Other {
			out = append(out, surveys.OtherValue)
		}
	}
	return out, nil
}

// Build turns a survey's counts into a protected breakdown. base counts
// respondents by q.By alone; values, when q asks for a question or a
// theme, counts them by q.By and the answer (surveys.Service.CountGroups
// gives both); a table without a value dimension counts respondents. For a theme, a group's base is the respondents whose
// answers someone has decided: undecided answers say nothing either way.
func Build(s *surveys.Survey, q surveys.BreakdownQuery, base, values []surveys.GroupCount, opts Options) (*Breakdown, error) {
	t, err := fill(s, q, base, values)
	if err != nil {
		return nil, err
	}
	return t.Protect(opts)
}

// BuildFiltered is Build for a view narrowed by q.Since: base and values
// count the respondents since then, allBase and allValues everyone (the
// same query without Since). A view that singles out a few people, or
// leaves out a few, is refused (FilteredViewAllowed), and a cell is hidden
// when the people the filter left out of it are few (Table.ProtectFiltered),
// so that setting this view beside the whole survey's reveals no one.
func BuildFiltered(s *surveys.Survey, q surveys.BreakdownQuery, base, values, allBase, allValues []surveys.GroupCount, opts Options) (*Breakdown, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	t, err := fill(s, q, base, values)
	if err != nil {
		return nil, err
	}
	all, err := fill(s, q, allBase, allValues)
	if err != nil {
		return nil, err
	}
	if !FilteredViewAllowed(total(base), total(allBase), opts.Threshold) {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: "The breakdown cannot be made as asked. Check each parameter listed.",
			Fields: map[string]string{"since": fmt.Sprintf("this date leaves fewer than %d respondents in, or fewer than %d out; "+
				"set beside the whole survey that would single them out, so choose an earlier or a later date", opts.Threshold, opts.Threshold)}}
	}
	return t.ProtectFiltered(all, opts)
}

func total(counts []surveys.GroupCount) int {
	n := 0
	for _, c := range counts {
		n += c.Count
	}
	return n
}

// fill puts a breakdown's counts in a table (see Build).
func fill(s *surveys.Survey, q surveys.BreakdownQuery, base, values []surveys.GroupCount) (*Table, error) {
	dims := make([]Dimension, len(q.By))
	for i, d := range q.By {
		dims[i] = Dimension{Name: d, Categories: Categories(d)}
	}
	group := func(g []string) []string {
		out := make([]string, len(g))
		for i, v := range g {
			out[i] = v
			if v == surveys.NotAnswered {
				out[i] = NotAnsweredCategory
			}
		}
		return out
	}
	var value *Dimension
	if q.Question != "" || q.Theme != "" {
		cats, err := valueCategories(s, q)
		if err != nil {
			return nil, err
		}
		name := q.Question
		if q.Theme != "" {
			name = "theme"
		}
		value = &Dimension{Name: name, Categories: cats}
	}
	t, err := NewTable(dims, value)
	if err != nil {
		return nil, err
	}
	if q.Theme != "" {
		// The base is the decided: yes and no.
		for _, c := range values {
			if c.Value == surveys.ThemeYes || c.Value == surveys.ThemeNo {
				if err := t.Add(group(c.Groups), c.Count); err != nil {
					return nil, err
				}
			}
			if c.Value == surveys.ThemeYes {
				if err := t.AddValue(group(c.Groups), q.Theme, c.Count); err != nil {
					return nil, err
				}
			}
		}
		return t, nil
	}
	// Without a question the base is everyone in the group; with one, those
	// who answered it: everyone, less those counted under NotAnswered (each
	// respondent is counted there once, whatever they chose otherwise).
	left := map[string]int{}
	for _, c := range values {
		if c.Value == surveys.NotAnswered {
			left[fmt.Sprint(c.Groups)] += c.Count
			continue
		}
		if err := t.AddValue(group(c.Groups), c.Value, c.Count); err != nil {
			return nil, err
		}
	}
	for _, c := range base {
		if err := t.Add(group(c.Groups), c.Count-left[fmt.Sprint(c.Groups)]); err != nil {
			return nil, err
		}
	}
	return t, nil
}
