package disclosure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// Tracking is representation over the life of a consultation: for every
// day with a response, how the respondents so far compare with the
// population. It marshals to the JSON of
// GET /api/v1/surveys/{slug}/representation/daily.
type Tracking struct {
	Baseline  string     `json:"baseline"`
	Threshold int        `json:"threshold"`
	Rounding  int        `json:"rounding"`
	Days      []string   `json:"days"` // every day with a response, first to last (YYYY-MM-DD)
	Rows      []TrackRow `json:"rows"`
}

// TrackRow follows one category of one characteristic, a point per day.
type TrackRow struct {
	Characteristic  string       `json:"characteristic"`
	Category        string       `json:"category"`
	Label           string       `json:"-"`
	PopulationShare float64      `json:"population_share"`
	Points          []TrackPoint `json:"points"`
}

// TrackPoint is one category on one day, counting everyone who had
// answered by the end of that day. A day that is not Shown has no figures:
// see Track.
type TrackPoint struct {
	Day              string   `json:"day"`
	Shown            bool     `json:"shown"`
	Respondents      *int     `json:"respondents"`
	RespondentsShare *float64 `json:"respondents_share,omitempty"`
	Ratio            *float64 `json:"ratio,omitempty"`
	UnderRepresented bool     `json:"under_represented"`
}

// Track compares respondents with the baseline day by day: each day's
// figures are those of Compare for everyone who had answered by its end.
//
// Figures for two days can be subtracted, so a series could reveal the
// few people who answered in between even though each day's table is
// protected. So the last day is always shown (it is today's table,
// Compare's), and an earlier day is shown for a characteristic only when,
// against every later day shown, each category shown on both days changed
// by 0 or by at least the threshold, and so did the categories hidden (all
// of them together, the one figure the totals give away). A day not shown
// is left for the next one shown to cover: with a steady flow of answers
// most days are shown, and in a quiet spell a point every few days.
// counts are per day, not cumulative, as Service.CountByDay gives them.
func (b *Baseline) Track(counts []surveys.DayCount, opts CompareOptions) (*Tracking, error) {
	o, err := Options{Threshold: opts.Threshold, Rounding: opts.Rounding}.withDefaults()
	if err != nil {
		return nil, err
	}
	if opts.UnderRatio == 0 {
		opts.UnderRatio = 0.8
	}
	tr := &Tracking{Baseline: b.Name, Threshold: o.Threshold, Rounding: o.Rounding, Days: []string{}, Rows: []TrackRow{}}
	if b.Attribution != "" {
		tr.Baseline = strings.TrimSuffix(b.Name, ".") + ". " + b.Attribution
	}
	// daily[characteristic][day][category]
	daily := map[string]map[string]map[string]int{}
	for _, c := range counts {
		if !slices.Contains(tr.Days, c.Day) {
			if n := len(tr.Days); n > 0 && tr.Days[n-1] > c.Day {
				return nil, fmt.Errorf("disclosure: day counts must come in order of day (%s after %s)", c.Day, tr.Days[n-1])
			}
			tr.Days = append(tr.Days, c.Day)
		}
		if daily[c.Dimension] == nil {
			daily[c.Dimension] = map[string]map[string]int{}
		}
		if daily[c.Dimension][c.Day] == nil {
			daily[c.Dimension][c.Day] = map[string]int{}
		}
		daily[c.Dimension][c.Day][c.Value] += c.Count
	}
	if len(tr.Days) == 0 {
		return tr, nil
	}
	order, rows := b.universeRows(opts.AllAges)
	for _, characteristic := range order {
		byDay, ok := daily[characteristic]
		if !ok {
			continue
		}
		// Everyone who had answered by the end of each day.
		cumulative := map[string]int{}
		days := make([]*comparison, len(tr.Days))
		for i, day := range tr.Days {
			for cat, n := range byDay[day] {
				cumulative[cat] += n
			}
			if days[i], err = compareOne(characteristic, rows[characteristic], cumulative, o, opts.UnderRatio); err != nil {
				return nil, err
			}
		}
		shown := make([]bool, len(days))
		shown[len(days)-1] = true
		for i := len(days) - 2; i >= 0; i-- {
			shown[i] = true
			for j := i + 1; j < len(days) && shown[i]; j++ {
				shown[i] = !shown[j] || safeDifference(days[i], days[j], o.Threshold)
			}
		}
		for k, row := range days[len(days)-1].rows {
			t := TrackRow{Characteristic: characteristic, Category: row.Category, Label: row.Label, PopulationShare: row.PopulationShare}
			for i, day := range tr.Days {
				p := TrackPoint{Day: day, Shown: shown[i]}
				if shown[i] {
					r := days[i].rows[k]
					p.Respondents, p.RespondentsShare, p.Ratio, p.UnderRepresented = r.Respondents, r.RespondentsShare, r.Ratio, r.UnderRepresented
				}
				t.Points = append(t.Points, p)
			}
			tr.Rows = append(tr.Rows, t)
		}
	}
	return tr, nil
}

// safeDifference reports whether publishing both earlier and later lets
// no one subtract out a small group: every category shown in both changed
// by 0 or by at least threshold, and so did the hidden ones together.
func safeDifference(earlier, later *comparison, threshold int) bool {
	small := func(n int) bool { return n != 0 && n > -threshold && n < threshold }
	hidden := func(c *comparison) int {
		n := c.answered
		for _, r := range c.rows {
			if r.Respondents != nil {
				n -= c.counts[r.Category]
			}
		}
		return n
	}
	for k, r := range later.rows {
		if r.Respondents != nil && earlier.rows[k].Respondents != nil && small(later.counts[r.Category]-earlier.counts[r.Category]) {
			return false
		}
	}
	return !small(hidden(later) - hidden(earlier))
}
