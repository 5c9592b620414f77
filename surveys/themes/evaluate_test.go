package themes

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestGroupFolds(t *testing.T) {
	var ex []Example
	for i := 0; i < 200; i++ {
		g := fmt.Sprintf("respondent %d", i/3) // up to 3 answers each
		if i%10 == 0 {
			g = "" // no group: a group of one
		}
		ex = append(ex, Example{Text: "x", Themes: []string{"A"}, Group: g})
	}
	tests := []struct {
		folds, want int
	}{{5, 5}, {2, 2}, {1, 1}, {0, 1}}
	for _, tt := range tests {
		fold := groupFolds(ex, tt.folds, 7)
		foldOf := map[string]int{}
		size := make([]int, tt.want)
		for i, f := range fold {
			if f < 0 || f >= tt.want {
				t.Fatalf("%d folds: example %d in fold %d", tt.folds, i, f)
			}
			size[f]++
			g := ex[i].Group
			if g == "" {
				continue
			}
			if prev, ok := foldOf[g]; ok && prev != f {
				t.Errorf("%d folds: %s is in folds %d and %d", tt.folds, g, prev, f)
			}
			foldOf[g] = f
		}
		if slices.Max(size)-slices.Min(size) > 3 {
			t.Errorf("%d folds: sizes %v, want within a group's size of each other", tt.folds, size)
		}
	}
	if a, b := groupFolds(ex, 5, 7), groupFolds(ex, 5, 7); !slices.Equal(a, b) {
		t.Errorf("the same seed gave different folds")
	}
	if a, b := groupFolds(ex, 5, 7), groupFolds(ex, 5, 8); slices.Equal(a, b) {
		t.Errorf("different seeds gave the same folds")
	}
	// Fewer groups than folds: one fold per group.
	two := []Example{{Group: "a"}, {Group: "a"}, {Group: "b"}}
	if got := groupFolds(two, 5, 1); slices.Max(got) != 1 || got[0] != got[1] || got[0] == got[2] {
		t.Errorf("two groups: got folds %v", got)
	}
}

func TestPRF(t *testing.T) {
	tests := []struct {
		tp, fp, fn int
		p, r, f1   float64
	}{
		{8, 2, 8, 0.8, 0.5, 16.0 / 26},
		{0, 0, 5, 0, 0, 0},
		{0, 3, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0},
		{5, 0, 0, 1, 1, 1},
	}
	for _, tt := range tests {
		p, r, f1 := prf(tt.tp, tt.fp, tt.fn)
		if math.Abs(p-tt.p) > 1e-12 || math.Abs(r-tt.r) > 1e-12 || math.Abs(f1-tt.f1) > 1e-12 {
			t.Errorf("prf(%d, %d, %d): got %v %v %v, want %v %v %v", tt.tp, tt.fp, tt.fn, p, r, f1, tt.p, tt.r, tt.f1)
		}
	}
}

func TestCrossValidateToy(t *testing.T) {
	ex := toyExamples()
	ex = append(ex, Example{Text: "   ", Themes: []string{"Food"}}) // left out: no text
	r := CrossValidate(ex, 3, toyOptions(), 1)
	if r.Folds != 3 {
		t.Errorf("folds: got %d, want 3", r.Folds)
	}
	support := map[string]int{}
	for _, s := range r.PerTheme {
		support[s.Theme] = s.Support
	}
	if want := map[string]int{"Transport": 10, "Food": 10, "Staff": 8}; fmt.Sprint(support) != fmt.Sprint(want) {
		t.Errorf("support: got %v, want %v", support, want)
	}
	if r.PerTheme[0].Support < r.PerTheme[len(r.PerTheme)-1].Support {
		t.Errorf("per theme: got %+v, want most examples first", r.PerTheme)
	}
	// Each theme has its own words, so even models trained on 17 answers
	// do far better than chance (about 0.4) on the answers they did not see.
	if r.MicroF1 < 0.55 || r.MacroF1 < 0.55 {
		t.Errorf("got micro-F1 %.2f, macro-F1 %.2f, want both at least 0.55", r.MicroF1, r.MacroF1)
	}
	if got := CrossValidate(ex[:1], 5, toyOptions(), 1); got.Folds != 1 || got.PerTheme != nil {
		t.Errorf("one example: got %+v, want an empty report", got)
	}
}

// TestCrossValidateFFT checks the targets on the real data:
// micro-F1 ≥ 0.65 and macro-F1 ≥ 0.45 in 5-fold cross-validation grouped
// by respondent. It takes several seconds; -short skips it.
func TestCrossValidateFFT(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-validation on fft-dev takes several seconds")
	}
	r := CrossValidate(fftExamples(t), 5, DefaultOptions(), 1)
	t.Logf("micro-F1 %.3f (precision %.3f, recall %.3f), macro-F1 %.3f over %d themes",
		r.MicroF1, r.MicroPrecision, r.MicroRecall, r.MacroF1, len(r.PerTheme))
	if r.Folds != 5 || len(r.PerTheme) != 45 {
		t.Errorf("got %d folds and %d themes, want 5 and 45", r.Folds, len(r.PerTheme))
	}
	if r.MicroF1 < 0.65 || r.MacroF1 < 0.45 {
		t.Errorf("got micro-F1 %.3f and macro-F1 %.3f, want at least 0.65 and 0.45", r.MicroF1, r.MacroF1)
	}
}
