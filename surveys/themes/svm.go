package themes

import (
	"math"
	"math/rand/v2"
)

// trainSVM fits an L2-regularised, L2-loss (squared hinge) linear support
// vector machine to the given rows of m by dual coordinate descent with
// shrinking: LIBLINEAR's default solver (Hsieh, Chang, Lin, Keerthi and
// Sundararajan, "A dual coordinate descent method for large-scale linear
// SVM", ICML 2008). It minimises
//
//	½‖w‖² + Σᵢ Cᵢ max(0, 1 − yᵢ w·xᵢ)²
//
// with a constant feature of 1 for the bias (regularised, as in LIBLINEAR).
// Positive rows have cost cPos and negative rows cNeg, which is how rare
// themes are weighted up. It is exact up to eps (the projected gradient's
// spread) and needs no learning rate, which is why it was chosen over
// stochastic gradient descent.
//
// w must have len(features)+1 entries (the last is the bias); it is
// overwritten. sqNorm holds ‖xᵢ‖² for every row of m; alpha is scratch of
// len(rows).
func trainSVM(m *matrix, sqNorm []float64, positive []bool, rows []int, cPos, cNeg, eps float64, maxIter int,
	rng *rand.Rand, w, alpha []float64, order []int) {
	clear(w)
	clear(alpha)
	nf := len(w) - 1
	diag := [2]float64{0.5 / cNeg, 0.5 / cPos}
	label := func(i int) (float64, int) {
		if positive[i] {
			return 1, 1
		}
		return -1, 0
	}
	for s := range rows {
		order[s] = s
	}
	active := len(rows)
	maxOld, minOld := math.Inf(1), math.Inf(-1)
	for iter := 0; iter < maxIter; iter++ {
		maxNew, minNew := math.Inf(-1), math.Inf(1)
		for s := 0; s < active; s++ {
			j := s + rng.IntN(active-s)
			order[s], order[j] = order[j], order[s]
		}
		for s := 0; s < active; s++ {
			r := order[s]
			i := rows[r]
			y, yi := label(i)
			cols, vals := m.row(i)
			dot := w[nf]
			for k, c := range cols {
				dot += w[c] * float64(vals[k])
			}
			g := y*dot - 1 + alpha[r]*diag[yi]
			pg := g
			if alpha[r] == 0 {
				if g > maxOld {
					// At its bound and likely to stay there: leave it
					// out until the end (shrinking).
					active--
					order[s], order[active] = order[active], order[s]
					s--
					continue
				}
				if g > 0 {
					pg = 0
				}
			}
			maxNew = max(maxNew, pg)
			minNew = min(minNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[r]
				alpha[r] = max(old-g/(sqNorm[i]+1+diag[yi]), 0)
				d := (alpha[r] - old) * y
				for k, c := range cols {
					w[c] += d * float64(vals[k])
				}
				w[nf] += d
			}
		}
		if maxNew-minNew <= eps {
			if active == len(rows) {
				break
			}
			// Converged on the active rows: check all of them once more.
			active = len(rows)
			maxOld, minOld = math.Inf(1), math.Inf(-1)
			continue
		}
		maxOld, minOld = maxNew, minNew
		if maxOld <= 0 {
			maxOld = math.Inf(1)
		}
		if minOld >= 0 {
			minOld = math.Inf(-1)
		}
	}
}

// platt fits P(positive | f) = 1 / (1 + exp(A·f + B)) to decision values
// and labels by Newton's method with backtracking, with Platt's targets
// that keep it from overfitting few examples (Lin, Lin and Weng, "A note on
// Platt's probabilistic outputs for support vector machines", 2007).
func platt(dec []float64, positive []bool) (a, b float64) {
	var nPos, nNeg float64
	for _, p := range positive {
		if p {
			nPos++
		} else {
			nNeg++
		}
	}
	hi, lo := (nPos+1)/(nPos+2), 1/(nNeg+2)
	target := func(i int) float64 {
		if positive[i] {
			return hi
		}
		return lo
	}
	objective := func(a, b float64) float64 {
		var f float64
		for i, d := range dec {
			t, z := target(i), d*a+b
			if z >= 0 {
				f += t*z + math.Log1p(math.Exp(-z))
			} else {
				f += (t-1)*z + math.Log1p(math.Exp(z))
			}
		}
		return f
	}
	a, b = 0, math.Log((nNeg+1)/(nPos+1))
	fval := objective(a, b)
	for iter := 0; iter < 100; iter++ {
		h11, h22, h21, g1, g2 := 1e-12, 1e-12, 0.0, 0.0, 0.0
		for i, d := range dec {
			z := d*a + b
			var p, q float64
			if z >= 0 {
				e := math.Exp(-z)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(z)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			h11 += d * d * d2
			h22 += d2
			h21 += d * d2
			d1 := target(i) - p
			g1 += d * d1
			g2 += d1
		}
		if math.Abs(g1) < 1e-5 && math.Abs(g2) < 1e-5 {
			break
		}
		det := h11*h22 - h21*h21
		da := -(h22*g1 - h21*g2) / det
		db := -(-h21*g1 + h11*g2) / det
		gd := g1*da + g2*db
		step := 1.0
		for ; step >= 1e-10; step /= 2 {
			na, nb := a+step*da, b+step*db
			if nf := objective(na, nb); nf < fval+1e-4*step*gd {
				a, b, fval = na, nb, nf
				break
			}
		}
		if step < 1e-10 {
			break
		}
	}
	return a, b
}

// sigmoid is Platt's probability for a decision value.
func sigmoid(d, a, b float64) float64 {
	z := d*a + b
	if z >= 0 {
		e := math.Exp(-z)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(z))
}

// bestThreshold returns the probability threshold that maximises F1 on
// (probability, label) pairs, half way between the lowest probability
// kept and the next one below, and that F1. With no positives it returns
// 1 (suggest nothing) and 0.
func bestThreshold(probs []float64, positive []bool) (threshold, f1 float64) {
	idx := make([]int, len(probs))
	nPos := 0
	for i := range idx {
		idx[i] = i
		if positive[i] {
			nPos++
		}
	}
	if nPos == 0 {
		return 1, 0
	}
	sortByDesc(idx, probs)
	threshold, f1 = 1, 0
	tp := 0
	for r, i := range idx {
		if positive[i] {
			tp++
		}
		// Only cut between distinct probabilities.
		if r+1 < len(idx) && probs[idx[r+1]] == probs[i] {
			continue
		}
		if f := 2 * float64(tp) / float64(r+1+nPos); f > f1 {
			f1 = f
			if r+1 < len(idx) {
				threshold = (probs[i] + probs[idx[r+1]]) / 2
			} else {
				threshold = probs[i] / 2
			}
		}
	}
	return threshold, f1
}
