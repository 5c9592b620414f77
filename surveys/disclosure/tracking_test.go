package disclosure

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// broadDays turns per-day counts of broad ethnic groups into DayCounts.
func broadDays(days ...map[string]int) []surveys.DayCount {
	var out []surveys.DayCount
	for i, d := range days {
		for cat, n := range d {
			out = append(out, surveys.DayCount{Day: fmt.Sprintf("2026-03-%02d", i+1), Dimension: "ethnic_group_broad", Value: cat, Count: n})
		}
	}
	return out
}

// trackRow finds a category's row.
func trackRow(t *testing.T, tr *Tracking, characteristic, category string) TrackRow {
	t.Helper()
	for _, r := range tr.Rows {
		if r.Characteristic == characteristic && r.Category == category {
			return r
		}
	}
	t.Fatalf("no row for %s/%s", characteristic, category)
	return TrackRow{}
}

func TestTrackCumulativeFigures(t *testing.T) {
	// 20 a day in each group: every day is shown, and the counts add up.
	day := map[string]int{"white": 20, "mixed": 20, "asian": 20, "black": 20, "other": 20}
	tr, err := DefaultBaseline().Track(broadDays(day, day, day), CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(tr.Days), "[2026-03-01 2026-03-02 2026-03-03]"; got != want {
		t.Errorf("days = %s, want %s", got, want)
	}
	asian := trackRow(t, tr, "ethnic_group_broad", "asian")
	for i, p := range asian.Points {
		want := 20 * (i + 1)
		if !p.Shown || p.Respondents == nil || *p.Respondents != want {
			t.Errorf("day %d: shown %v, respondents %v; want shown, %d", i+1, p.Shown, p.Respondents, want)
			continue
		}
		// A fifth of respondents against 28.98% of adults.
		if got, want := *p.Ratio, 0.69; got != want {
			t.Errorf("day %d: ratio %v, want %v", i+1, got, want)
		}
		if !p.UnderRepresented {
			t.Errorf("day %d: asian respondents not flagged as under-represented", i+1)
		}
	}
	if got, want := asian.PopulationShare, 0.2898; got != want {
		t.Errorf("population share = %v, want %v", got, want)
	}
}

func TestTrackHidesDaysThatWouldRevealAFewPeople(t *testing.T) {
	base := map[string]int{"white": 40, "mixed": 20, "asian": 30, "black": 20, "other": 20}
	threeMore := map[string]int{"asian": 3}
	many := map[string]int{"white": 15, "mixed": 10, "asian": 12, "black": 10, "other": 10}
	tr, err := DefaultBaseline().Track(broadDays(base, threeMore, many), CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	asian := trackRow(t, tr, "ethnic_group_broad", "asian")
	// Day 1 and day 2 differ by 3 Asian respondents: day 1 is not shown.
	// Day 2 and day 3 differ by 12 or more in every group: both shown.
	for i, want := range []bool{false, true, true} {
		if got := asian.Points[i].Shown; got != want {
			t.Errorf("day %d shown = %v, want %v", i+1, got, want)
		}
	}
	if p := asian.Points[0]; p.Respondents != nil || p.Ratio != nil {
		t.Errorf("a day not shown has figures: %+v", p)
	}
	// The rule holds for every characteristic's row, not just the one
	// that moved: white did not change between days 1 and 2, but day 1's
	// table as a whole would let the three be found.
	if trackRow(t, tr, "ethnic_group_broad", "white").Points[0].Shown {
		t.Errorf("day 1 shown for white but not for asian")
	}
}

func TestTrackHiddenGroupsMovingTogether(t *testing.T) {
	// mixed and other are hidden (5 and 4); on day 2 two more mixed
	// respondents arrive. The hidden groups' total is what the published
	// figures give away (all respondents less those shown), and it moved
	// by 2: day 1 must not be shown.
	d1 := map[string]int{"white": 40, "mixed": 5, "asian": 30, "black": 20, "other": 4}
	d2 := map[string]int{"mixed": 2}
	tr, err := DefaultBaseline().Track(broadDays(d1, d2), CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if trackRow(t, tr, "ethnic_group_broad", "white").Points[0].Shown {
		t.Errorf("day 1 shown: two hidden respondents could be subtracted out")
	}
}

// Whatever the flow, no two days shown differ in a shown category by 1 to
// threshold-1 respondents, checked against exact counts worked out here.
func TestTrackNeverShowsASmallDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cats := []string{"white", "mixed", "asian", "black", "other"}
	for trial := range 200 {
		var days []map[string]int
		for range 2 + rng.IntN(12) {
			d := map[string]int{"white": 1 + rng.IntN(25)} // every day has someone
			for _, c := range cats[1:] {
				if rng.IntN(3) > 0 {
					d[c] = rng.IntN(25)
				}
			}
			days = append(days, d)
		}
		tr, err := DefaultBaseline().Track(broadDays(days...), CompareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !trackRow(t, tr, "ethnic_group_broad", "white").Points[len(days)-1].Shown {
			t.Fatalf("trial %d: the last day is not shown", trial)
		}
		for _, c := range cats {
			row := trackRow(t, tr, "ethnic_group_broad", c)
			exact, cum := make([]int, len(days)), 0
			for i, d := range days {
				cum += d[c]
				exact[i] = cum
			}
			for i, p := range row.Points {
				for j := i + 1; j < len(row.Points); j++ {
					q := row.Points[j]
					if p.Respondents == nil || q.Respondents == nil {
						continue
					}
					if diff := exact[j] - exact[i]; diff > 0 && diff < DefaultThreshold {
						t.Fatalf("trial %d, %s: days %d and %d both shown, %d apart", trial, c, i+1, j+1, diff)
					}
				}
			}
		}
	}
}

func TestTrackNeedsDaysInOrder(t *testing.T) {
	counts := []surveys.DayCount{
		{Day: "2026-03-02", Dimension: "ethnic_group_broad", Value: "asian", Count: 20},
		{Day: "2026-03-01", Dimension: "ethnic_group_broad", Value: "asian", Count: 20},
	}
	if _, err := DefaultBaseline().Track(counts, CompareOptions{}); err == nil {
		t.Errorf("days out of order: got no error")
	}
}
