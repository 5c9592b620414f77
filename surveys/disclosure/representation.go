package disclosure

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// Representation compares respondents with a population baseline. It
// marshals to the JSON of GET /api/v1/surveys/{slug}/representation.
type Representation struct {
	// Baseline names the population and ends with its attribution.
	Baseline string              `json:"baseline"`
	Rows     []RepresentationRow `json:"rows"`
	// Unmatched lists respondents' categories with no counterpart in the
	// baseline (characteristic/category), left out of the comparison.
	Unmatched []string `json:"-"`
}

// RepresentationRow is one category of one characteristic. Respondents is
// protected like a table cell (nil when hidden, else rounded), and
// RespondentsShare and Ratio are nil when a count they need is hidden.
type RepresentationRow struct {
	Characteristic   string   `json:"characteristic"`
	Category         string   `json:"category"`
	Respondents      *int     `json:"respondents"`
	RespondentsShare *float64 `json:"respondents_share"`
	PopulationShare  float64  `json:"population_share"`
	Ratio            *float64 `json:"ratio"`
	UnderRepresented bool     `json:"under_represented"`
	// Label is the baseline's name for the category.
	Label string `json:"-"`
}

// CompareOptions set how respondents are compared with a baseline. The zero
// value means the defaults.
type CompareOptions struct {
	Threshold, Rounding int // as for tables: 10 and 5
	// AllAges compares with all residents even where the baseline has
	// adults (16+) only; by default adults are preferred, as most
	// consultations are for adults.
	AllAges bool
	// UnderRatio: a group is under-represented when its ratio is below this
	// (default 0.8, the "four-fifths" rule of thumb) and the difference is
	// significant (p < 0.05).
	UnderRatio float64
}

// Census ids that name the same thing as a Voices id differently. Where
// several census categories map to one Voices id, their counts are added.
var censusToVoices = map[string]map[string]string{
	"sexual_orientation": {"heterosexual": "straight"},
	"gender_identity": {"same_as_birth": "yes", "different_no_identity": "no",
		"trans_woman": "no", "trans_man": "no", "all_other": "no"},
	"main_language": {"not_english": "other"},
}

// Voices categories finer than a census table: used only when the baseline
// lacks the Voices category but has the coarser one (Birmingham's adult
// tables combine unpaid care bands, and disability's two "not disabled"
// groups).
var voicesToCoarser = map[string]map[string]string{
	"disability":  {"ltc_not_limited": "not_disabled", "no_ltc": "not_disabled"},
	"unpaid_care": {"h0_9": "h0_19", "h10_19": "h0_19", "h20_34": "h20_49", "h35_49": "h20_49"},
}

// excludedFromShares are census categories with no respondent counterpart,
// left out of the population's shares as "prefer not to say" is left out of
// respondents': people who did not answer, and, for English proficiency
// (asked only when the main language is not English), people whose main
// language is English.
func excludedFromShares(characteristic, category string) bool {
	return category == "not_answered" || (characteristic == "english_proficiency" && category == "main_english")
}

// voicesID maps a census category id to the Voices id for the same answer.
func voicesID(characteristic, category string) string {
	if v, ok := censusToVoices[characteristic][category]; ok {
		return v
	}
	// Census age bands are "a16_24"; Voices's are "16_24".
	if characteristic == "age_band" && len(category) > 1 && category[0] == 'a' && category[1] >= '0' && category[1] <= '9' {
		return category[1:]
	}
	return category
}

// universeRows picks, for each characteristic, the rows of one universe:
// "aged 16+" where present (unless allAges), else all ages, else the
// first universe listed. It returns characteristics in file order.
func (b *Baseline) universeRows(allAges bool) ([]string, map[string][]BaselineRow) {
	var order []string
	universes := map[string][]string{}
	for _, r := range b.Rows {
		if r.Characteristic == populationTotal {
			continue
		}
		if _, ok := universes[r.Characteristic]; !ok {
			order = append(order, r.Characteristic)
		}
		if !slices.Contains(universes[r.Characteristic], r.Universe) {
			universes[r.Characteristic] = append(universes[r.Characteristic], r.Universe)
		}
	}
	pick := func(us []string) string {
		adults, all := "", ""
		for _, u := range us {
			l := strings.ToLower(u)
			if adults == "" && strings.Contains(l, "aged 16+") {
				adults = u
			}
			if all == "" && strings.Contains(l, "all ages") {
				all = u
			}
		}
		switch {
		case adults != "" && !allAges:
			return adults
		case all != "":
			return all
		case adults != "":
			return adults
		}
		return us[0]
	}
	rows := map[string][]BaselineRow{}
	for _, c := range order {
		u := pick(universes[c])
		for _, r := range b.Rows {
			if r.Characteristic == c && r.Universe == u {
				rows[c] = append(rows[c], r)
			}
		}
	}
	return order, rows
}

// Compare sets respondents' counts against the baseline. respondents maps
// an equality characteristic (as stored: ethnic_group, ethnic_group_broad,
// age_band, disability, ...) to counts per category id; characteristics of
// the baseline with no respondent counts are skipped.
//
// A respondent share is of those who answered that characteristic, leaving
// out "prefer not to say" (it says nothing about which group a person is
// in, and the census has no such answer), and leaving out categories the
// baseline does not have (listed in Unmatched). The population share is of
// the baseline's counts for the same categories, leaving out the census's
// "not answered". Respondent counts are protected as a one-way table
// (threshold, rounding, secondary suppression), shares and ratios are
// worked out from the rounded counts, and a row is UnderRepresented when
// its ratio is below UnderRatio and a test of the respondents' count
// against the population share (chi-square goodness of fit, or exact
// binomial for small expected counts) gives p < 0.05, so that a group two
// people short in a small survey is not flagged. A hidden count can still
// be flagged, from the exact count: the flag says only "fewer than
// expected", and the groups with the fewest respondents are the ones
// outreach most needs to find.
func (b *Baseline) Compare(respondents map[string]map[string]int, opts CompareOptions) (*Representation, error) {
	o, err := Options{Threshold: opts.Threshold, Rounding: opts.Rounding}.withDefaults()
	if err != nil {
		return nil, err
	}
	if opts.UnderRatio == 0 {
		opts.UnderRatio = 0.8
	}
	rep := &Representation{Baseline: b.Name, Rows: []RepresentationRow{}}
	if b.Attribution != "" {
		rep.Baseline = strings.TrimSuffix(b.Name, ".") + ". " + b.Attribution
	}
	order, rows := b.universeRows(opts.AllAges)
	for _, characteristic := range order {
		given, ok := respondents[characteristic]
		if !ok {
			continue
		}
		c, err := compareOne(characteristic, rows[characteristic], given, o, opts.UnderRatio)
		if err != nil {
			return nil, err
		}
		rep.Rows = append(rep.Rows, c.rows...)
		rep.Unmatched = append(rep.Unmatched, c.unmatched...)
	}
	return rep, nil
}

// comparison is one characteristic compared with its population: the
// published rows, and the exact counts behind them, per population
// category, for Track's checks.
type comparison struct {
	rows      []RepresentationRow
	counts    map[string]int
	answered  int
	unmatched []string
}

// compareOne compares respondents' counts for one characteristic (given,
// by Voices category) with the baseline's rows of one universe.
func compareOne(characteristic string, population []BaselineRow, given map[string]int, o Options, underRatio float64) (*comparison, error) {
	// The population per Voices category, in the baseline's order.
	var cats []string
	pop, labels := map[string]int{}, map[string]string{}
	popTotal := 0
	for _, r := range population {
		if excludedFromShares(characteristic, r.Category) {
			continue
		}
		id := voicesID(characteristic, r.Category)
		if _, ok := pop[id]; !ok {
			cats = append(cats, id)
			labels[id] = r.Label
		}
		pop[id] += r.Count
		popTotal += r.Count
	}
	c := &comparison{counts: map[string]int{}}
	if popTotal == 0 {
		return c, nil
	}
	for cat, n := range given {
		if cat == surveys.PreferNotToSay || cat == "" || cat == "not_answered" {
			continue
		}
		if _, ok := pop[cat]; !ok {
			if coarse, ok := voicesToCoarser[characteristic][cat]; ok {
				if _, has := pop[coarse]; has {
					cat = coarse
				}
			}
		}
		if _, ok := pop[cat]; !ok {
			c.unmatched = append(c.unmatched, characteristic+"/"+cat)
			continue
		}
		c.counts[cat] += n
	}
	slices.Sort(c.unmatched)
	tab, err := NewTable([]Dimension{{Name: characteristic, Categories: cats}}, nil)
	if err != nil {
		return nil, err
	}
	for cat, n := range c.counts {
		c.answered += n
		if err := tab.Add([]string{cat}, n); err != nil {
			return nil, err
		}
	}
	protected, err := tab.Protect(o)
	if err != nil {
		return nil, err
	}
	for k, cat := range cats { // cells come in category order, the total last
		cell := protected.Cells[k]
		popShare := float64(pop[cat]) / float64(popTotal)
		row := RepresentationRow{Characteristic: characteristic, Category: cat, Label: labels[cat],
			Respondents: cell.Count, RespondentsShare: cell.Share, PopulationShare: round(popShare, 4)}
		ratio := 0.0
		if cell.Share != nil {
			ratio = *cell.Share / popShare
			row.Ratio = ptr(round(ratio, 2))
		} else if c.answered > 0 {
			ratio = float64(c.counts[cat]) / float64(c.answered) / popShare
		}
		row.UnderRepresented = c.answered > 0 && ratio < underRatio &&
			TestProportion(c.counts[cat], c.answered, popShare) < 0.05
		c.rows = append(c.rows, row)
	}
	return c, nil
}

// UnderRepresented lists the rows flagged as under-represented.
func (r *Representation) UnderRepresented() []RepresentationRow {
	var out []RepresentationRow
	for _, row := range r.Rows {
		if row.UnderRepresented {
			out = append(out, row)
		}
	}
	return out
}

// Sentence words an under-represented row for officers, e.g. "We have heard
// from 40% fewer Bangladeshi residents than the city's population would
// suggest". group names the people ("Bangladeshi residents") and population
// whose population ("the city's"). It is empty for a row not flagged.
func (r RepresentationRow) Sentence(group, population string) string {
	if !r.UnderRepresented {
		return ""
	}
	if r.Ratio == nil {
		return fmt.Sprintf("We have heard from fewer %s than %s population would suggest (too few to give a number)", group, population)
	}
	if *r.Ratio == 0 {
		return fmt.Sprintf("We have not heard from any %s yet, though they are %s of %s population", group, percent(r.PopulationShare), population)
	}
	fewer := int(math.Round((1 - *r.Ratio) * 100))
	return fmt.Sprintf("We have heard from %d%% fewer %s than %s population would suggest", fewer, group, population)
}

// percent words a share to one decimal place ("4.0%"), or as "under 0.1%".
func percent(share float64) string {
	if share < 0.0005 {
		return "under 0.1%"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + "%"
}
