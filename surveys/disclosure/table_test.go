package disclosure

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// find returns the cell with the given group (dimension=category pairs,
// "a=x,b=*") and value.
func find(t *testing.T, b *Breakdown, group, value string) Cell {
	t.Helper()
	want := map[string]string{}
	for _, kv := range strings.Split(group, ",") {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = v
	}
	for _, c := range b.Cells {
		if c.Value != value || len(c.Group) != len(want) {
			continue
		}
		match := true
		for k, v := range want {
			match = match && c.Group[k] == v
		}
		if match {
			return c
		}
	}
	t.Fatalf("no cell %s value %q", group, value)
	return Cell{}
}

func countOf(c Cell) string {
	if c.Count == nil {
		return "hidden"
	}
	return fmt.Sprint(*c.Count)
}

func TestRoundCount(t *testing.T) {
	for _, tc := range []struct{ n, step, want int }{
		{0, 5, 0}, {12, 5, 10}, {13, 5, 15}, {25, 5, 25}, {27, 5, 25}, {28, 5, 30}, {15, 10, 20}, {14, 10, 10}, {7, 1, 7},
	} {
		if got := RoundCount(tc.n, tc.step); got != tc.want {
			t.Errorf("RoundCount(%d, %d) = %d, want %d", tc.n, tc.step, got, tc.want)
		}
	}
}

// A one-way table of known counts: totals, rounding, shares from rounded
// counts, primary suppression, zero shown, and the second-smallest cell
// hidden so the small one cannot be had from the total.
func TestOneWay(t *testing.T) {
	tab, err := NewTable([]Dimension{{Name: "age_band", Categories: []string{"16_24", "25_34", "35_49", "50_64", "85_plus"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for cat, n := range map[string]int{"16_24": 42, "25_34": 103, "35_49": 18, "50_64": 0, "85_plus": 4} {
		if err := tab.Add([]string{cat}, n); err != nil {
			t.Fatal(err)
		}
	}
	b, err := tab.Protect(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cat, want string }{
		{"16_24", "40"},     // 42 rounded to 40
		{"25_34", "105"},    // 103
		{"35_49", "hidden"}, // 18: the smallest shown cell, hidden so 85_plus cannot be had from the total
		{"50_64", "0"},      // an empty cell is shown
		{"85_plus", "hidden"},
		{"*", "165"}, // 167
	} {
		if got := countOf(find(t, b, "age_band="+tc.cat, "")); got != tc.want {
			t.Errorf("count of %s = %s, want %s", tc.cat, got, tc.want)
		}
	}
	c := find(t, b, "age_band=16_24", "")
	if c.Share == nil || *c.Share != 0.2424 { // 40 / 165, from rounded counts
		t.Errorf("share of 16_24 = %v, want 0.2424 (40/165)", deref(c.Share))
	}
	if b.Threshold != 10 || b.Rounding != 5 {
		t.Errorf("threshold, rounding = %d, %d, want the defaults 10, 5", b.Threshold, b.Rounding)
	}
	if Recoverable(b) {
		t.Errorf("a hidden cell can be worked out from a line")
	}
}

// A 2×2 table where one small cell forces three more: the classic case.
func TestTwoWaySecondary(t *testing.T) {
	tab, _ := NewTable([]Dimension{
		{Name: "sex", Categories: []string{"female", "male"}},
		{Name: "disability", Categories: []string{"disabled", "not_disabled"}},
	}, nil)
	tab.Add([]string{"female", "disabled"}, 3)
	tab.Add([]string{"female", "not_disabled"}, 50)
	tab.Add([]string{"male", "disabled"}, 20)
	tab.Add([]string{"male", "not_disabled"}, 60)
	b, err := tab.Protect(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ group, want string }{
		{"sex=female,disability=disabled", "hidden"},
		{"sex=female,disability=not_disabled", "hidden"},
		{"sex=male,disability=disabled", "hidden"},
		{"sex=male,disability=not_disabled", "hidden"},
		{"sex=female,disability=*", "55"},
		{"sex=male,disability=*", "80"},
		{"sex=*,disability=disabled", "25"},
		{"sex=*,disability=not_disabled", "110"},
		{"sex=*,disability=*", "135"},
	} {
		if got := countOf(find(t, b, tc.group, "")); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.group, got, tc.want)
		}
	}
	if Recoverable(b) {
		t.Errorf("a hidden cell can be worked out from a line")
	}
}

// A small margin is itself hidden, and its line along the other margin
// then needs a partner.
func TestSmallRowTotal(t *testing.T) {
	tab, _ := NewTable([]Dimension{
		{Name: "ethnic_group_broad", Categories: []string{"white", "asian", "other"}},
		{Name: "sex", Categories: []string{"female", "male"}},
	}, nil)
	tab.Add([]string{"white", "female"}, 40)
	tab.Add([]string{"white", "male"}, 35)
	tab.Add([]string{"asian", "female"}, 30)
	tab.Add([]string{"asian", "male"}, 25)
	tab.Add([]string{"other", "female"}, 4)
	tab.Add([]string{"other", "male"}, 3)
	b, _ := tab.Protect(Options{})
	if got := countOf(find(t, b, "ethnic_group_broad=other,sex=*", "")); got != "hidden" {
		t.Errorf("other,* (7) = %s, want hidden", got)
	}
	if Recoverable(b) {
		t.Errorf("a hidden cell can be worked out from a line")
	}
}

func TestValueTableLift(t *testing.T) {
	// 200 respondents: 50 disabled, 150 not. Transport: 30 of the disabled
	// (60%), 30 of the others (20%); everyone 60/200 = 30%. Lift for
	// disabled = 0.6 / 0.3 = 2; p from the 2×2 table 30 20 / 30 120.
	tab, _ := NewTable([]Dimension{{Name: "disability", Categories: []string{"disabled", "not_disabled"}}},
		&Dimension{Name: "theme", Categories: []string{"transport", "housing"}})
	tab.Add([]string{"disabled"}, 50)
	tab.Add([]string{"not_disabled"}, 150)
	tab.AddValue([]string{"disabled"}, "transport", 30)
	tab.AddValue([]string{"not_disabled"}, "transport", 30)
	tab.AddValue([]string{"disabled"}, "housing", 10)
	tab.AddValue([]string{"not_disabled"}, "housing", 30)
	b, err := tab.Protect(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := find(t, b, "disability=disabled", "transport")
	if c.Share == nil || *c.Share != 0.6 {
		t.Errorf("share = %v, want 0.6", deref(c.Share))
	}
	if c.Lift == nil || *c.Lift != 2 {
		t.Errorf("lift = %v, want 2", deref(c.Lift))
	}
	// python3 -c 'import math;a,b,c,d=30,20,30,120;n=a+b+c+d;x=n*(a*d-b*c)**2/((a+b)*(c+d)*(a+c)*(b+d));print(x,math.erfc(math.sqrt(x/2)))'
	// 28.571428571428573 9.030488680364716e-08
	if c.P == nil || *c.P != 9.03e-08 {
		t.Errorf("p = %v, want 9.03e-08", deref(c.P))
	}
	if !c.Notable(b.Threshold) {
		t.Errorf("the disabled × transport cell is not notable")
	}
	base := find(t, b, "disability=disabled", "*")
	if countOf(base) != "50" || base.Share == nil || *base.Share != 0.25 || base.Lift != nil {
		t.Errorf("base cell = %s share %v lift %v, want 50, 0.25, no lift", countOf(base), base.Share, base.Lift)
	}
	whole := find(t, b, "disability=*", "transport")
	if whole.Lift != nil || whole.P != nil || *whole.Share != 0.3 {
		t.Errorf("whole-survey transport: lift %v p %v share %v, want no lift or p, share 0.3", whole.Lift, whole.P, *whole.Share)
	}
	// A value count above its base is a caller's mistake.
	tab.AddValue([]string{"disabled"}, "housing", 100)
	if _, err := tab.Protect(Options{}); err == nil {
		t.Errorf("a value count above its base was accepted")
	}
}

// Fisher's test for a small group, and no share when the base is hidden.
func TestValueTableSmall(t *testing.T) {
	tab, _ := NewTable([]Dimension{{Name: "sex", Categories: []string{"female", "male"}}},
		&Dimension{Name: "q", Categories: []string{"yes", "no"}})
	tab.Add([]string{"female"}, 15)
	tab.Add([]string{"male"}, 100)
	tab.AddValue([]string{"female"}, "yes", 15)
	tab.AddValue([]string{"male"}, "yes", 50)
	tab.AddValue([]string{"male"}, "no", 50)
	b, _ := tab.Protect(Options{})
	c := find(t, b, "sex=female", "yes")
	// Published: female yes 15 of 15; everyone yes 65 of 115; 2×2 15 0 / 50 50,
	// expected "female, no" = 15·50/115 ≈ 6.5, so chi-square:
	// python3 -c 'import math;a,b,c,d=15,0,50,50;n=a+b+c+d;x=n*(a*d-b*c)**2/((a+b)*(c+d)*(a+c)*(b+d));print(math.erfc(math.sqrt(x/2)))'
	// 0.0002697978877093445
	if c.P == nil || *c.P != 0.00027 {
		t.Errorf("p = %v, want 0.00027", deref(c.P))
	}
	if Recoverable(b) {
		t.Errorf("a hidden cell can be worked out from a line")
	}
}

func TestJSONShape(t *testing.T) {
	tab, _ := NewTable([]Dimension{{Name: "sex", Categories: []string{"female", "male"}}},
		&Dimension{Name: "q", Categories: []string{"yes"}})
	tab.Add([]string{"female"}, 40)
	tab.Add([]string{"male"}, 4)
	tab.AddValue([]string{"female"}, "yes", 20)
	tab.AddValue([]string{"male"}, "yes", 2)
	b, _ := tab.Protect(Options{})
	out, _ := json.Marshal(b)
	// male "yes" (2) and base (4) are small; female "yes" then is the only
	// other cell in the "yes" column, and female's base its partner.
	for _, want := range []string{
		`"by":["sex"],"threshold":10,"rounding":5,"cells":[`,
		`{"group":{"sex":"male"},"value":"yes","count":null,"suppressed":true}`,
		`{"group":{"sex":"female"},"value":"*","count":null,"suppressed":true}`,
		`{"group":{"sex":"*"},"value":"yes","count":20,"suppressed":false,"share":0.4444}`,
		`{"group":{"sex":"*"},"value":"*","count":45,"suppressed":false,"share":1}`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	resp, _ := NewTable([]Dimension{{Name: "sex", Categories: []string{"female"}}}, nil)
	resp.Add([]string{"female"}, 30)
	rb, _ := resp.Protect(Options{})
	out, _ = json.Marshal(rb.Cells[0])
	if got, want := string(out), `{"group":{"sex":"female"},"count":30,"suppressed":false,"share":1}`; got != want {
		t.Errorf("respondents cell JSON = %s, want %s", got, want)
	}
}

func TestPopulationLift(t *testing.T) {
	tab, _ := NewTable([]Dimension{{Name: "ethnic_group_broad", Categories: []string{"asian", "white"}}}, nil)
	tab.Add([]string{"asian"}, 40)
	tab.Add([]string{"white"}, 160)
	pop := map[string]float64{"asian": 0.29, "white": 0.53}
	b, _ := tab.Protect(Options{PopulationShare: func(g map[string]string) (float64, bool) {
		s, ok := pop[g["ethnic_group_broad"]]
		return s, ok
	}})
	c := find(t, b, "ethnic_group_broad=asian", "")
	// 40/200 = 0.2 against 0.29: lift 0.69; p = erfc(√(x/2)) with
	// x = (40-58)²/58 + (160-142)²/142:
	// python3 -c 'import math;x=(40-58)**2/58+(160-142)**2/142;print(math.erfc(math.sqrt(x/2)))'
	// 0.0050320140632201665
	if c.Lift == nil || *c.Lift != 0.69 || c.P == nil || *c.P != 0.00503 {
		t.Errorf("lift, p = %v, %v, want 0.69, 0.00503", deref(c.Lift), deref(c.P))
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestOptionsAndErrors(t *testing.T) {
	if _, err := NewTable(nil, nil); err == nil {
		t.Errorf("a table with no dimensions was accepted")
	}
	four := []Dimension{{Name: "a", Categories: []string{"x"}}, {Name: "b", Categories: []string{"x"}}, {Name: "c", Categories: []string{"x"}}, {Name: "d", Categories: []string{"x"}}}
	if _, err := NewTable(four, nil); err == nil {
		t.Errorf("a four-way table was accepted")
	}
	if _, err := NewTable([]Dimension{{Name: "a", Categories: []string{"*"}}}, nil); err == nil {
		t.Errorf("a category named * was accepted")
	}
	tab, _ := NewTable([]Dimension{{Name: "a", Categories: []string{"x", "y"}}}, nil)
	if err := tab.Add([]string{"z"}, 1); err == nil {
		t.Errorf("an unknown category was accepted")
	}
	if err := tab.AddValue([]string{"x"}, "v", 1); err == nil {
		t.Errorf("a value in a respondents table was accepted")
	}
	tab.Add([]string{"x"}, 12)
	tab.Add([]string{"y"}, 30)
	b, _ := tab.Protect(Options{Threshold: 20, Rounding: 1})
	if got := countOf(find(t, b, "a=x", "")); got != "hidden" {
		t.Errorf("12 with threshold 20 = %s, want hidden", got)
	}
	if _, err := tab.Protect(Options{Threshold: -1}); err == nil {
		t.Errorf("a negative threshold was accepted")
	}
}

func TestFilteredViews(t *testing.T) {
	for _, tc := range []struct {
		filtered, all int
		want          bool
	}{
		{0, 100, true}, {5, 100, false}, {10, 100, true}, {95, 100, false}, {100, 100, true}, {90, 100, true},
	} {
		if got := FilteredViewAllowed(tc.filtered, tc.all, 10); got != tc.want {
			t.Errorf("FilteredViewAllowed(%d, %d) = %v, want %v", tc.filtered, tc.all, got, tc.want)
		}
	}
	// Everyone: 30 female, 40 male. Filtered to web answers: 27 female, 40
	// male. The three non-web women must not be had by subtraction.
	dims := []Dimension{{Name: "sex", Categories: []string{"female", "male"}}}
	all, _ := NewTable(dims, nil)
	all.Add([]string{"female"}, 30)
	all.Add([]string{"male"}, 40)
	web, _ := NewTable(dims, nil)
	web.Add([]string{"female"}, 27)
	web.Add([]string{"male"}, 40)
	b, err := web.ProtectFiltered(all, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := countOf(find(t, b, "sex=female", "")); got != "hidden" {
		t.Errorf("web female (3 left out) = %s, want hidden", got)
	}
	if Recoverable(b) {
		t.Errorf("a hidden cell can be worked out from a line")
	}
}

// randomTable fills a table of the given shape with counts drawn so that a
// good share are small, zero or large.
func randomTable(r *rand.Rand, sizes []int, withValue bool) *Table {
	var by []Dimension
	for d, n := range sizes {
		dim := Dimension{Name: fmt.Sprintf("d%d", d)}
		for k := 0; k < n; k++ {
			dim.Categories = append(dim.Categories, fmt.Sprintf("c%d", k))
		}
		by = append(by, dim)
	}
	var value *Dimension
	if withValue {
		value = &Dimension{Name: "v", Categories: []string{"a", "b", "c"}}
	}
	tab, err := NewTable(by, value)
	if err != nil {
		panic(err)
	}
	draw := func() int {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1:
			return 1 + r.IntN(9)
		default:
			return 10 + r.IntN(60)
		}
	}
	var walk func(group []string, d int)
	walk = func(group []string, d int) {
		if d == len(by) {
			if !withValue {
				tab.Add(group, draw())
				return
			}
			// Values are exclusive here (a single-choice question); the
			// base also counts some who chose none.
			total := 0
			for _, v := range value.Categories {
				n := draw()
				total += n
				tab.AddValue(group, v, n)
			}
			tab.Add(group, total+r.IntN(3))
			return
		}
		for _, c := range by[d].Categories {
			walk(append(append([]string(nil), group...), c), d+1)
		}
	}
	walk(nil, 0)
	return tab
}

// The property of the Done-when, over many random 1-, 2- and 3-way
// tables, with and without a value dimension: no line (row, column, or any
// line along any dimension, totals included) has exactly one hidden cell;
// every count from 1 to threshold-1 is hidden; no shown count is off the
// rounding grid. A brute-force check also tries every line: if the other
// cells of a line are all shown, the hidden one would be determined.
func TestSecondarySuppressionProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	shapes := [][]int{{1}, {2}, {5}, {2, 2}, {3, 4}, {1, 3}, {2, 3, 2}, {3, 3, 3}, {4, 2, 5}}
	for _, shape := range shapes {
		for _, withValue := range []bool{false, true} {
			for trial := 0; trial < 40; trial++ {
				tab := randomTable(r, shape, withValue)
				raw, err := tab.full()
				if err != nil {
					t.Fatal(err)
				}
				b, err := tab.Protect(Options{})
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("shape %v value %v trial %d", shape, withValue, trial)
				if len(b.Cells) != len(raw) {
					t.Fatalf("%s: %d cells, want %d", name, len(b.Cells), len(raw))
				}
				for i, c := range b.Cells {
					if raw[i] > 0 && raw[i] < 10 && !c.Suppressed {
						t.Errorf("%s: count %d shown", name, raw[i])
					}
					if c.Count != nil && (*c.Count%5 != 0 || *c.Count-raw[i] > 2 || raw[i]-*c.Count > 2) {
						t.Errorf("%s: %d published as %d", name, raw[i], *c.Count)
					}
					if c.Suppressed != (c.Count == nil) || (c.Suppressed && (c.Share != nil || c.Lift != nil || c.P != nil)) {
						t.Errorf("%s: hidden cell %d gives figures away: %+v", name, i, c)
					}
				}
				if Recoverable(b) {
					t.Errorf("%s: a line has exactly one hidden cell", name)
				}
				// Brute force, independent of Recoverable: for every hidden
				// cell and every dimension, the rest of its line must not
				// all be shown.
				for i, c := range b.Cells {
					if !c.Suppressed {
						continue
					}
					for d := range tab.size {
						others := 0
						for _, j := range tab.line(i, d) {
							if j != i && b.Cells[j].Suppressed {
								others++
							}
						}
						if others == 0 {
							t.Errorf("%s: cell %v %q (raw %d) is the only hidden cell along %d", name, c.Group, c.Value, raw[i], d)
						}
					}
				}
			}
		}
	}
}
