package disclosure

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Attribution must be shown wherever a Census 2021 baseline is shown.
const Attribution = "Source: Office for National Statistics, Census 2021 (Open Government Licence v3.0)"

// BaselineColumns are the columns of a baseline CSV, as in
// shared/data/equality/birmingham-census2021.csv.
var BaselineColumns = []string{"characteristic", "category_id", "category_label", "count", "denominator", "percent", "universe", "source"}

// BaselineRow is one population count: how many people in the universe
// (e.g. "usual residents aged 16+") have a category of a characteristic.
type BaselineRow struct {
	Line           int // in the CSV, for messages
	Characteristic string
	Category       string
	Label          string
	Count          int
	Denominator    int
	Percent        float64
	Universe       string
	Source         string
}

// Baseline is a population to compare respondents with.
type Baseline struct {
	Name string // e.g. "Birmingham (E08000025), Census 2021"
	// Attribution is shown with the baseline; ParseBaseline sets it to the
	// ONS credit for census figures, else to the sources the file names.
	Attribution string
	Rows        []BaselineRow
}

// BaselineError lists everything wrong with a baseline file, each problem
// named by line and column, so an officer can fix them all in one go.
type BaselineError struct {
	Problems []string
}

func (e *BaselineError) Error() string {
	return "the baseline file has problems:\n" + strings.Join(e.Problems, "\n")
}

const (
	maxBaselineRows     = 10000 // a census baseline has about a hundred
	maxBaselineProblems = 50
	// The characteristic "population_total" holds reference totals, not a
	// breakdown; it is read but never compared.
	populationTotal = "population_total"
)

var baselineID = regexp.MustCompile(`^[a-z0-9_]+$`)

// censusSource matches a source that is the census or the ONS.
var censusSource = regexp.MustCompile(`\bONS\b|(?i)office for national statistics|\bcensus\b`)

// ParseBaseline reads and checks a baseline CSV. Columns may come in any
// order but all of BaselineColumns must be there and no others. Each row
// needs ids of lower-case letters, digits and underscores, a whole count
// from 0 to its denominator, a percent that agrees with them, and a
// universe; a category may appear once per characteristic and universe; all
// rows of a characteristic and universe share one denominator, and their
// counts add up to it within 0.1% (census tables from different sources
// differ by a few people: Birmingham's ethnic groups add up to 3 more than
// the all-residents total).
func ParseBaseline(r io.Reader, name string) (*Baseline, error) {
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < maxBaselineProblems {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &BaselineError{Problems: []string{"line 1: the file is empty; the first line must name the columns " + strings.Join(BaselineColumns, ", ")}}
	}
	if err != nil {
		return nil, &BaselineError{Problems: []string{err.Error()}}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(BaselineColumns, h) {
			add("line 1, column %d: %q is not a baseline column; the columns are %s", i+1, h, strings.Join(BaselineColumns, ", "))
		}
		col[h] = i
	}
	for _, c := range BaselineColumns {
		if _, ok := col[c]; !ok {
			add("line 1: the column %s is missing", c)
		}
	}
	if len(problems) > 0 {
		return nil, &BaselineError{Problems: problems}
	}

	b := &Baseline{Name: name, Attribution: Attribution}
	type groupKey struct{ characteristic, universe string }
	seen := map[string]int{}
	sums := map[groupKey]int{}
	first := map[groupKey]BaselineRow{}
	var order []groupKey
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			add("%v", err)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(b.Rows) >= maxBaselineRows {
			add("line %d: more than %d rows; a baseline needs only one row per category", line, maxBaselineRows)
			break
		}
		if len(rec) != len(header) {
			add("line %d: %d fields, but the first line names %d columns", line, len(rec), len(header))
			continue
		}
		field := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		at := func(c string) string { return fmt.Sprintf("line %d, column %s", line, c) }
		row := BaselineRow{Line: line, Characteristic: field("characteristic"), Category: field("category_id"),
			Label: field("category_label"), Universe: field("universe"), Source: field("source")}
		bad := false
		for _, c := range []string{"characteristic", "category_id"} {
			if !baselineID.MatchString(field(c)) {
				add("%s: %q must be an id of lower-case letters, digits and underscores", at(c), field(c))
				bad = true
			}
		}
		if row.Universe == "" {
			add("%s: say who was counted, e.g. \"usual residents aged 16+\"", at("universe"))
			bad = true
		}
		whole := func(c string, min int) int {
			n, err := strconv.Atoi(field(c))
			if err != nil || n < min {
				add("%s: %q must be a whole number, %d or more", at(c), field(c), min)
				bad = true
			}
			return n
		}
		row.Count, row.Denominator = whole("count", 0), whole("denominator", 1)
		pct, err := strconv.ParseFloat(field("percent"), 64)
		if err != nil || pct < 0 || pct > 100 {
			add("%s: %q must be a number from 0 to 100", at("percent"), field("percent"))
			bad = true
		}
		row.Percent = pct
		if bad {
			continue
		}
		if row.Count > row.Denominator {
			add("%s: %d is more than the denominator %d", at("count"), row.Count, row.Denominator)
			continue
		}
		// Percents are given to two decimals.
		if want := 100 * float64(row.Count) / float64(row.Denominator); math.Abs(want-pct) > 0.0051+1e-9 {
			add("%s: %v does not agree with count ÷ denominator (%.2f)", at("percent"), pct, want)
		}
		key := row.Characteristic + "|" + row.Category + "|" + row.Universe
		if prev, dup := seen[key]; dup {
			add("line %d, column category_id: %s %s for %q is already on line %d", line, row.Characteristic, row.Category, row.Universe, prev)
			continue
		}
		seen[key] = line
		b.Rows = append(b.Rows, row)
		if row.Characteristic == populationTotal {
			continue
		}
		g := groupKey{row.Characteristic, row.Universe}
		if f, ok := first[g]; !ok {
			first[g] = row
			order = append(order, g)
		} else if f.Denominator != row.Denominator {
			add("%s: %d differs from the denominator %d of %s (%s) on line %d", at("denominator"), row.Denominator, f.Denominator, g.characteristic, g.universe, f.Line)
		}
		sums[g] += row.Count
	}
	for _, g := range order {
		f := first[g]
		if diff := sums[g] - f.Denominator; math.Abs(float64(diff)) > math.Max(10, 0.001*float64(f.Denominator)) {
			add("line %d, column count: the counts of %s (%s) add up to %d, not the denominator %d", f.Line, g.characteristic, g.universe, sums[g], f.Denominator)
		}
	}
	if len(b.Rows) == 0 {
		add("line 2: there are no rows under the column names")
	}
	if len(problems) > 0 {
		return nil, &BaselineError{Problems: problems}
	}
	b.Attribution = attribution(b.Rows)
	return b, nil
}

// attribution credits a baseline's sources: the ONS, as its licence asks,
// when the figures come from the census, else the sources the file names.
func attribution(rows []BaselineRow) string {
	var sources []string
	for _, r := range rows {
		if censusSource.MatchString(r.Source) {
			return Attribution
		}
		if r.Source != "" && !slices.Contains(sources, r.Source) {
			sources = append(sources, r.Source)
		}
	}
	if len(sources) == 0 {
		return ""
	}
	return "Source: " + strings.Join(sources, "; ")
}

// The default baseline, copied unchanged from shared/data/equality so that
// the binary carries it.
//
//go:embed birmingham-census2021.csv
var birminghamCSV string

// DefaultBaselineName names the embedded baseline.
const DefaultBaselineName = "Birmingham (E08000025), Census 2021: usual residents aged 16+ where available, else all ages"

// DefaultBaselineCSV is the built-in baseline's file.
func DefaultBaselineCSV() string { return birminghamCSV }

// DefaultBaseline is Birmingham's Census 2021 population.
func DefaultBaseline() *Baseline {
	b, err := ParseBaseline(strings.NewReader(birminghamCSV), DefaultBaselineName)
	if err != nil {
		panic("disclosure: the embedded baseline: " + err.Error())
	}
	return b
}
