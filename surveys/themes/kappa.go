package themes

import "slices"

// Agreement is how far two people coding the same answers agree on one
// theme: each answer either has the theme or not.
type Agreement struct {
	// Answers is how many answers both coded.
	Answers int
	// BothYes, OnlyA, OnlyB and BothNo count the answers by what each
	// coder said: the 2×2 table kappa is computed from.
	BothYes, OnlyA, OnlyB, BothNo int
	// Observed is the share of answers on which they agree.
	Observed float64
	// Kappa is Cohen's kappa; meaningful only when Defined.
	Kappa   float64
	Defined bool
}

// CohenKappa is Cohen's kappa for one theme over the same answers coded by
// two people (a[i] and b[i] say whether each gave answer i the theme): the
// agreement beyond what chance would give, (pₒ − pₑ) / (1 − pₑ), where pₑ
// comes from how often each coder used the theme. 1 is full agreement, 0
// no better than chance, below 0 worse.
//
// ok is false, and kappa 0, when kappa is undefined: no answers, a and b of
// different lengths, or both coders giving every answer the same code
// (both always "yes", or both always "no"), where chance alone would
// agree every time (pₑ = 1). They do agree fully then; a report should say
// "agree on every answer; kappa not defined", not show a number.
func CohenKappa(a, b []bool) (kappa float64, ok bool) {
	ag := agreement(a, b)
	return ag.Kappa, ag.Defined
}

func agreement(a, b []bool) Agreement {
	var ag Agreement
	if len(a) != len(b) || len(a) == 0 {
		return ag
	}
	ag.Answers = len(a)
	for i := range a {
		switch {
		case a[i] && b[i]:
			ag.BothYes++
		case a[i]:
			ag.OnlyA++
		case b[i]:
			ag.OnlyB++
		default:
			ag.BothNo++
		}
	}
	n := float64(ag.Answers)
	ag.Observed = float64(ag.BothYes+ag.BothNo) / n
	aYes, bYes := float64(ag.BothYes+ag.OnlyA)/n, float64(ag.BothYes+ag.OnlyB)/n
	expected := aYes*bYes + (1-aYes)*(1-bYes)
	if expected >= 1 {
		return ag
	}
	ag.Kappa = (ag.Observed - expected) / (1 - expected)
	ag.Defined = true
	return ag
}

// KappaByTheme compares two coders theme by theme. a and b map a theme to
// whether each answer has it, answers in the same order in every slice. A
// theme only one coder used counts the other as never using it, over as
// many answers as the first coded.
func KappaByTheme(a, b map[string][]bool) map[string]Agreement {
	out := map[string]Agreement{}
	themes := make([]string, 0, len(a)+len(b))
	for t := range a {
		themes = append(themes, t)
	}
	for t := range b {
		themes = append(themes, t)
	}
	slices.Sort(themes)
	for _, t := range slices.Compact(themes) {
		x, y := a[t], b[t]
		if x == nil {
			x = make([]bool, len(y))
		}
		if y == nil {
			y = make([]bool, len(x))
		}
		out[t] = agreement(x, y)
	}
	return out
}
