package disclosure

import (
	"fmt"
	"math"
	"strings"
)

// Total is the category of a margin: "every category of this dimension".
const Total = "*"

// Defaults, following common GSS practice for survey tables published by
// local authorities.
const (
	DefaultThreshold = 10
	DefaultRounding  = 5
)

// Dimension is one way of dividing respondents (an equality characteristic,
// the channel, ...) or, as a table's value dimension, what they said (the
// options of a question, or themes). Categories are ids in display order.
type Dimension struct {
	Name       string
	Categories []string
}

// Table holds raw counts over one to three grouping dimensions, optionally
// crossed with a value dimension. Fill it with Add and AddValue, then call
// Protect: raw counts never leave the package except through a Breakdown.
type Table struct {
	by    []Dimension
	value *Dimension
	// size[d] is len(categories)+1: the last slot of every dimension is
	// its Total. The value dimension, when present, is the last one.
	size, stride []int
	index        []map[string]int
	counts       []int // interior cells only until margins are summed
}

// NewTable starts an empty table. value is nil for a count of respondents.
func NewTable(by []Dimension, value *Dimension) (*Table, error) {
	if len(by) < 1 || len(by) > 3 {
		return nil, fmt.Errorf("disclosure: a breakdown needs 1 to 3 dimensions, not %d", len(by))
	}
	t := &Table{by: by, value: value}
	dims := append([]Dimension(nil), by...)
	if value != nil {
		dims = append(dims, *value)
	}
	seen := map[string]bool{}
	for _, d := range dims {
		if d.Name == "" || seen[d.Name] {
			return nil, fmt.Errorf("disclosure: dimension names must be given and differ (%q)", d.Name)
		}
		seen[d.Name] = true
		if len(d.Categories) == 0 {
			return nil, fmt.Errorf("disclosure: dimension %s has no categories", d.Name)
		}
		idx := map[string]int{}
		for i, c := range d.Categories {
			if c == Total {
				return nil, fmt.Errorf("disclosure: %q is reserved for totals (dimension %s)", Total, d.Name)
			}
			if _, dup := idx[c]; dup {
				return nil, fmt.Errorf("disclosure: dimension %s lists %q twice", d.Name, c)
			}
			idx[c] = i
		}
		t.index = append(t.index, idx)
		t.size = append(t.size, len(d.Categories)+1)
	}
	t.stride = make([]int, len(t.size))
	n := 1
	for d := len(t.size) - 1; d >= 0; d-- {
		t.stride[d] = n
		n *= t.size[d]
	}
	t.counts = make([]int, n)
	return t, nil
}

func (t *Table) cellIndex(group []string, value string) (int, error) {
	if len(group) != len(t.by) {
		return 0, fmt.Errorf("disclosure: %d group categories given for %d dimensions", len(group), len(t.by))
	}
	i := 0
	for d, c := range group {
		k, ok := t.index[d][c]
		if !ok {
			return 0, fmt.Errorf("disclosure: %q is not a category of %s", c, t.by[d].Name)
		}
		i += k * t.stride[d]
	}
	if t.value != nil {
		v := len(t.by)
		k, ok := t.index[v][value]
		if value == Total {
			k, ok = t.size[v]-1, true
		}
		if !ok {
			return 0, fmt.Errorf("disclosure: %q is not a category of %s", value, t.value.Name)
		}
		i += k * t.stride[v]
	}
	return i, nil
}

// Add counts n respondents in the group (one category per grouping
// dimension, in order). In a table with a value dimension these are the
// respondents in the group who answered the question (or whose answers were
// themed): the base that shares are taken of. Counts add up over calls.
func (t *Table) Add(group []string, n int) error {
	if n < 0 {
		return fmt.Errorf("disclosure: negative count %d", n)
	}
	i, err := t.cellIndex(group, Total)
	if err != nil {
		return err
	}
	t.counts[i] += n
	return nil
}

// AddValue counts n respondents in the group who gave value (an option they
// chose, or a theme their answer has). A respondent may give several values
// (multiple choice, several themes), so values need not add up to the base.
func (t *Table) AddValue(group []string, value string, n int) error {
	if t.value == nil {
		return fmt.Errorf("disclosure: this table has no value dimension")
	}
	if n < 0 {
		return fmt.Errorf("disclosure: negative count %d", n)
	}
	if value == Total {
		return fmt.Errorf("disclosure: use Add for the respondents in a group")
	}
	i, err := t.cellIndex(group, value)
	if err != nil {
		return err
	}
	t.counts[i] += n
	return nil
}

// coords turns a flat index into one slot per dimension.
func (t *Table) coords(i int) []int {
	c := make([]int, len(t.size))
	for d := range t.size {
		c[d] = i / t.stride[d] % t.size[d]
	}
	return c
}

func (t *Table) isTotal(i, d int) bool { return i/t.stride[d]%t.size[d] == t.size[d]-1 }

// full returns every cell with the margins summed from the interior, and
// checks that no value count exceeds its group's base.
func (t *Table) full() ([]int, error) {
	cells := append([]int(nil), t.counts...)
	for d := range t.by { // never sum across the value dimension: its total is the base
		last := t.size[d] - 1
		for i := range cells {
			if i/t.stride[d]%t.size[d] != last {
				continue
			}
			sum := 0
			for k := 0; k < last; k++ {
				sum += cells[i-(last-k)*t.stride[d]]
			}
			cells[i] = sum
		}
	}
	if t.value != nil {
		v := len(t.by)
		for i, n := range cells {
			if t.isTotal(i, v) {
				continue
			}
			base := cells[i+(t.size[v]-1-i/t.stride[v]%t.size[v])*t.stride[v]]
			if n > base {
				return nil, fmt.Errorf("disclosure: %d gave %s in group %s, more than the %d respondents counted there",
					n, t.value.Categories[i/t.stride[v]%t.size[v]], t.groupString(i), base)
			}
		}
	}
	return cells, nil
}

func (t *Table) groupString(i int) string {
	var parts []string
	for d, dim := range t.by {
		parts = append(parts, dim.Name+"="+t.category(i, d))
	}
	return strings.Join(parts, ",")
}

func (t *Table) category(i, d int) string {
	k := i / t.stride[d] % t.size[d]
	if k == t.size[d]-1 {
		return Total
	}
	if d < len(t.by) {
		return t.by[d].Categories[k]
	}
	return t.value.Categories[k]
}

// Options set how a table is protected. The zero value means the defaults.
type Options struct {
	// Threshold: a count from 1 to Threshold-1 is suppressed. Default 10.
	Threshold int
	// Rounding: published counts are rounded to the nearest multiple.
	// Default 5; 1 turns rounding off.
	Rounding int
	// PopulationShare, for a table of respondents only, gives the share of
	// the population a group makes up (e.g. from a census baseline), so the
	// group's share of respondents can be given a lift against it. ok false
	// means no baseline for that group.
	PopulationShare func(group map[string]string) (share float64, ok bool)
}

func (o Options) withDefaults() (Options, error) {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Rounding == 0 {
		o.Rounding = DefaultRounding
	}
	if o.Threshold < 1 || o.Rounding < 1 {
		return o, fmt.Errorf("disclosure: threshold and rounding must be positive (got %d and %d)", o.Threshold, o.Rounding)
	}
	return o, nil
}

// Breakdown is a protected table, ready to publish. It marshals to the
// JSON of GET /api/v1/surveys/{slug}/breakdown.
type Breakdown struct {
	By        []string `json:"by"`
	Threshold int      `json:"threshold"`
	Rounding  int      `json:"rounding"`
	Cells     []Cell   `json:"cells"`
}

// Cell is one published cell. Count is nil when Suppressed; Share, Lift and
// P are nil when suppressed or when a number they depend on is suppressed.
type Cell struct {
	// Group has one entry per grouping dimension: a category id, or "*".
	Group map[string]string `json:"group"`
	// Value is the option or theme, "*" for the group's base, and empty
	// in a table of respondents only.
	Value      string   `json:"value,omitempty"`
	Count      *int     `json:"count"`
	Suppressed bool     `json:"suppressed"`
	Share      *float64 `json:"share,omitempty"`
	Lift       *float64 `json:"lift,omitempty"`
	P          *float64 `json:"p,omitempty"`
}

// Notable reports whether a cell deserves a plain-language flag: published,
// at or above the threshold, and differing from the rest with p < 0.05.
func (c Cell) Notable(threshold int) bool {
	return !c.Suppressed && c.Count != nil && *c.Count >= threshold &&
		c.Lift != nil && c.P != nil && *c.P < 0.05
}

// Protect applies primary suppression, secondary suppression and rounding,
// and computes shares, lifts and p-values from the published counts only.
func (t *Table) Protect(opts Options) (*Breakdown, error) {
	return t.protect(opts, nil)
}

// ProtectFiltered protects t, a view narrowed by a filter (say, "only
// responses entered by community groups"), against unfiltered, the same
// breakdown without the filter. Besides t's own small cells, any cell whose
// difference from the unfiltered cell (the people the filter left out) is
// from 1 to threshold-1 is suppressed, so that subtracting the two views
// cannot reveal a small group either. Check FilteredViewAllowed first.
func (t *Table) ProtectFiltered(unfiltered *Table, opts Options) (*Breakdown, error) {
	if len(unfiltered.counts) != len(t.counts) {
		return nil, fmt.Errorf("disclosure: the filtered and unfiltered tables differ in shape")
	}
	all, err := unfiltered.full()
	if err != nil {
		return nil, err
	}
	return t.protect(opts, all)
}

// FilteredViewAllowed says whether a view narrowed by a filter may be shown
// at all: its base (respondents left by the filter) must not be from 1 to
// threshold-1, and nor may the complement (unfiltered base minus filtered
// base), or comparing the two views would single out a few people. A view
// that fails is refused as a whole.
func FilteredViewAllowed(filteredBase, unfilteredBase, threshold int) bool {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	small := func(n int) bool { return n > 0 && n < threshold }
	return filteredBase <= unfilteredBase && !small(filteredBase) && !small(unfilteredBase-filteredBase)
}

func (t *Table) protect(opts Options, unfiltered []int) (*Breakdown, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	raw, err := t.full()
	if err != nil {
		return nil, err
	}
	suppressed := make([]bool, len(raw))
	for i, n := range raw {
		suppressed[i] = n > 0 && n < opts.Threshold
		if unfiltered != nil {
			if left := unfiltered[i] - n; left > 0 && left < opts.Threshold {
				suppressed[i] = true
			}
		}
	}
	t.suppressSecondary(raw, suppressed)

	published := make([]int, len(raw))
	for i, n := range raw {
		published[i] = RoundCount(n, opts.Rounding)
	}
	b := &Breakdown{Threshold: opts.Threshold, Rounding: opts.Rounding, Cells: make([]Cell, 0, len(raw))}
	for _, d := range t.by {
		b.By = append(b.By, d.Name)
	}
	for i := range raw {
		c := Cell{Group: map[string]string{}, Suppressed: suppressed[i]}
		for d, dim := range t.by {
			c.Group[dim.Name] = t.category(i, d)
		}
		if t.value != nil {
			c.Value = t.category(i, len(t.by))
		}
		if !suppressed[i] {
			n := published[i]
			c.Count = &n
			t.addStatistics(&c, i, published, suppressed, opts)
		}
		b.Cells = append(b.Cells, c)
	}
	return b, nil
}

// RoundCount rounds n to the nearest multiple of step, halves upwards.
func RoundCount(n, step int) int {
	if step <= 1 {
		return n
	}
	return (n + step/2) / step * step
}

// allTotal is the index of the cell with every grouping dimension at its
// total and the value slot of i unchanged.
func (t *Table) allTotal(i int) int {
	for d := range t.by {
		i += (t.size[d] - 1 - i/t.stride[d]%t.size[d]) * t.stride[d]
	}
	return i
}

// baseOf is the index of the value-total cell of i's group.
func (t *Table) baseOf(i int) int {
	v := len(t.by)
	return i + (t.size[v]-1-i/t.stride[v]%t.size[v])*t.stride[v]
}

// addStatistics fills share, lift and p for a published cell, from published
// counts only, so that they reveal nothing the counts do not. A figure is
// left out when a count it needs is suppressed.
func (t *Table) addStatistics(c *Cell, i int, pub []int, supp []bool, opts Options) {
	ok := func(j int) bool { return !supp[j] && pub[j] > 0 }
	if t.value == nil {
		all := t.allTotal(i)
		if !ok(all) {
			return
		}
		share := float64(pub[i]) / float64(pub[all])
		c.Share = ptr(round(share, 4))
		if opts.PopulationShare == nil || i == all {
			return
		}
		if pop, has := opts.PopulationShare(c.Group); has && pop > 0 && pop < 1 {
			c.Lift = ptr(round(share/pop, 2))
			c.P = ptr(roundSig(TestProportion(pub[i], pub[all], pop), 3))
		}
		return
	}
	base := t.baseOf(i)
	if i == base { // the group's respondents: their share of everyone
		all := t.allTotal(i)
		if ok(all) {
			c.Share = ptr(round(float64(pub[i])/float64(pub[all]), 4))
		}
		return
	}
	if !ok(base) {
		return
	}
	c.Share = ptr(round(float64(pub[i])/float64(pub[base]), 4))
	valueAll, all := t.allTotal(i), t.allTotal(base)
	if i == valueAll || !ok(valueAll) || !ok(all) {
		return // the whole survey against itself, or a total is hidden
	}
	expected := float64(pub[valueAll]) / float64(pub[all])
	c.Lift = ptr(round(float64(pub[i])/float64(pub[base])/expected, 2))
	// The 2×2 table: in the group or not × gave the value or not. Rounding
	// can make a derived count slightly negative; it is taken as 0.
	a := pub[i]
	b := max(0, pub[base]-a)
	cc := max(0, pub[valueAll]-a)
	d := max(0, pub[all]-pub[base]-cc)
	c.P = ptr(roundSig(Test2x2(a, b, cc, d), 3))
}

func ptr[T any](v T) *T { return &v }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// roundSig rounds to significant figures, so a tiny p-value stays non-zero.
func roundSig(x float64, sig int) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	places := sig - 1 - int(math.Floor(math.Log10(math.Abs(x))))
	return round(x, places)
}
