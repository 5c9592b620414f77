package themes

import (
	"math"
	"testing"
)

// coded builds two coders' answers from a 2×2 table: yy answers both gave
// the theme, yn only the first, ny only the second, nn neither.
func coded(yy, yn, ny, nn int) (a, b []bool) {
	add := func(n int, x, y bool) {
		for i := 0; i < n; i++ {
			a, b = append(a, x), append(b, y)
		}
	}
	add(yy, true, true)
	add(yn, true, false)
	add(ny, false, true)
	add(nn, false, false)
	return a, b
}

func TestCohenKappa(t *testing.T) {
	tests := []struct {
		name           string
		yy, yn, ny, nn int
		want           float64
		wantOK         bool
	}{
		// The textbook example (Wikipedia, "Cohen's kappa"): 50 proposals,
		// pₒ = 0.7, pₑ = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
		{"textbook", 20, 5, 10, 15, 0.4, true},
		// Same pₒ = 0.6 in both, different marginals (Wikipedia): pₑ = 0.54
		// gives κ = 0.06/0.46; pₑ = 0.46 gives κ = 0.14/0.54.
		{"balanced marginals", 45, 15, 25, 15, 0.06 / 0.46, true},
		{"unbalanced marginals", 25, 35, 5, 35, 0.14 / 0.54, true},
		{"full agreement", 7, 0, 0, 13, 1, true},
		// pₒ = 0, pₑ = 0.5·0.5·2 = 0.5: κ = −1.
		{"full disagreement", 0, 5, 5, 0, -1, true},
		// One coder always says no: pₑ = 1 − 0.25 = 0.75, pₒ = 0.75, κ = 0.
		{"one coder never uses it", 0, 5, 0, 15, 0, true},
		// Opposite constants: pₑ = 0, pₒ = 0, κ = 0.
		{"opposite constants", 0, 10, 0, 0, 0, true},
		{"both always no", 0, 0, 0, 12, 0, false},
		{"both always yes", 12, 0, 0, 0, 0, false},
		{"no answers", 0, 0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		a, b := coded(tt.yy, tt.yn, tt.ny, tt.nn)
		got, ok := CohenKappa(a, b)
		if ok != tt.wantOK || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: got κ %.6f, ok %v; want %.6f, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
		// Kappa does not care which coder is which.
		if back, _ := CohenKappa(b, a); math.Abs(back-got) > 1e-12 {
			t.Errorf("%s: got %v with the coders swapped, want %v", tt.name, back, got)
		}
	}
	if _, ok := CohenKappa([]bool{true, false}, []bool{true}); ok {
		t.Errorf("different lengths: got ok, want not ok")
	}
}

func TestKappaByTheme(t *testing.T) {
	ta, tb := coded(20, 5, 10, 15)
	a := map[string][]bool{"transport": ta, "food": make([]bool, 50)}
	b := map[string][]bool{"transport": tb, "food": make([]bool, 50), "parking": append(make([]bool, 49), true)}
	got := KappaByTheme(a, b)
	if len(got) != 3 {
		t.Fatalf("got %d themes %v, want transport, food and parking", len(got), got)
	}
	tr := got["transport"]
	if !tr.Defined || math.Abs(tr.Kappa-0.4) > 1e-12 || tr.Observed != 0.7 || tr.Answers != 50 ||
		tr.BothYes != 20 || tr.OnlyA != 5 || tr.OnlyB != 10 || tr.BothNo != 15 {
		t.Errorf("transport: got %+v, want κ 0.4, observed 0.7 from 20/5/10/15 over 50", tr)
	}
	if f := got["food"]; f.Defined || f.Observed != 1 {
		t.Errorf("food (neither coder used it): got %+v, want observed 1 and kappa not defined", f)
	}
	// Only the second coder used parking, once in 50: pₒ = 0.98, pₑ = 0.98, κ = 0.
	if p := got["parking"]; !p.Defined || math.Abs(p.Kappa) > 1e-12 || p.OnlyB != 1 || p.BothNo != 49 {
		t.Errorf("parking (one coder only): got %+v, want κ 0 with 1 only-B and 49 neither", p)
	}
}
