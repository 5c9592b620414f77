package themes

import (
	"slices"
	"strings"
)

// Report is how well a model trained with some Options suggests themes for
// answers it has not seen.
type Report struct {
	MicroF1, MacroF1, MicroPrecision, MicroRecall float64
	PerTheme                                      []ThemeScore // most examples first
	Folds                                         int
}

// ThemeScore is one theme's precision and recall over every fold.
type ThemeScore struct {
	Theme                 string
	Support               int // examples that have the theme
	Precision, Recall, F1 float64
}

// CrossValidate estimates how well Train with opts does on new answers:
// the examples are split into folds (shuffled with seed) keeping each
// Example.Group in one fold, because one respondent's answers resemble
// each other and would flatter the model; each fold is predicted by a
// model trained on the others (with Predict, thresholds and all), and the
// counts of every fold are pooled.
//
// Micro scores count every (answer, theme) decision alike, so common
// themes dominate; MacroF1 is the plain mean of the themes' F1, over every
// theme present in the examples (a theme never predicted scores 0), so
// rare themes count as much as common ones.
//
// Examples that Train would refuse (no text, no themes) are left out.
// With fewer groups than folds there are as many folds as groups; with
// fewer than 2, the report is empty.
func CrossValidate(examples []Example, folds int, opts Options, seed int64) Report {
	var usable []Example
	for _, e := range examples {
		if checkExamples([]Example{e}) == nil {
			usable = append(usable, e)
		}
	}
	fold := groupFolds(usable, folds, seed)
	n := 0
	if len(fold) > 0 {
		n = slices.Max(fold) + 1
	}
	r := Report{Folds: n}
	if n < 2 {
		return r
	}
	type counts struct{ support, tp, fp, fn int }
	byTheme := map[string]*counts{}
	get := func(t string) *counts {
		c := byTheme[t]
		if c == nil {
			c = &counts{}
			byTheme[t] = c
		}
		return c
	}
	for _, e := range usable {
		for _, t := range dedupe(e.Themes) {
			get(t).support++
		}
	}
	for f := 0; f < n; f++ {
		var train, test []Example
		for i, e := range usable {
			if fold[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m, err := Train(train, opts)
		for _, e := range test {
			var got []string
			if err == nil {
				for _, s := range m.Predict(e.Text) {
					got = append(got, s.Theme)
				}
			}
			want := dedupe(e.Themes)
			for _, t := range got {
				if slices.Contains(want, t) {
					get(t).tp++
				} else {
					get(t).fp++
				}
			}
			for _, t := range want {
				if !slices.Contains(got, t) {
					get(t).fn++
				}
			}
		}
	}
	var tp, fp, fn int
	for t, c := range byTheme {
		tp += c.tp
		fp += c.fp
		fn += c.fn
		if c.support == 0 {
			continue // predicted but never present: counted in micro only
		}
		p, rc, f1 := prf(c.tp, c.fp, c.fn)
		r.PerTheme = append(r.PerTheme, ThemeScore{Theme: t, Support: c.support, Precision: p, Recall: rc, F1: f1})
		r.MacroF1 += f1
	}
	if len(r.PerTheme) > 0 {
		r.MacroF1 /= float64(len(r.PerTheme))
	}
	r.MicroPrecision, r.MicroRecall, r.MicroF1 = prf(tp, fp, fn)
	slices.SortFunc(r.PerTheme, func(a, b ThemeScore) int {
		if a.Support != b.Support {
			return b.Support - a.Support
		}
		return strings.Compare(a.Theme, b.Theme)
	})
	return r
}

// prf is precision, recall and F1 from counts; each is 0 when undefined.
func prf(tp, fp, fn int) (p, r, f1 float64) {
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if tp > 0 {
		f1 = 2 * float64(tp) / float64(2*tp+fp+fn)
	}
	return p, r, f1
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
