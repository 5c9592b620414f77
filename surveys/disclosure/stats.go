package disclosure

import "math"

// ChiSquare1Survival is P(X ≥ x) for a chi-square variable with one degree
// of freedom: such a variable is the square of a standard normal Z, so
// P(Z² ≥ x) = P(|Z| ≥ √x) = erfc(√(x/2)).
func ChiSquare1Survival(x float64) float64 {
	if x <= 0 {
		return 1
	}
	return math.Erfc(math.Sqrt(x / 2))
}

// PearsonChiSquare2x2 is Pearson's chi-square statistic for the 2×2 table
//
//	a b
//	c d
//
// without Yates's continuity correction (small tables go to Fisher's exact
// test instead; see Test2x2). ok is false when a row or column is empty, where
// the statistic is undefined.
func PearsonChiSquare2x2(a, b, c, d int) (chi2 float64, ok bool) {
	n := float64(a + b + c + d)
	r1, r2 := float64(a+b), float64(c+d)
	c1, c2 := float64(a+c), float64(b+d)
	if r1 == 0 || r2 == 0 || c1 == 0 || c2 == 0 {
		return 0, false
	}
	diff := float64(a)*float64(d) - float64(b)*float64(c)
	return n * diff * diff / (r1 * r2 * c1 * c2), true
}

// logFactorial is log(n!) through the log-gamma function, exact enough for
// the counts of any survey and free of overflow.
func logFactorial(n int) float64 {
	v, _ := math.Lgamma(float64(n) + 1)
	return v
}

// relTolerance treats probabilities within this relative distance of the
// observed table's as equally likely, as R's fisher.test does, so that
// tables tied in exact arithmetic are not lost to rounding.
const relTolerance = 1e-7

// FisherExact2x2 is the two-sided p-value of Fisher's exact test on the 2×2
// table a b / c d: the sum of the hypergeometric probabilities, with the
// margins fixed, of every table no more likely than the one observed.
func FisherExact2x2(a, b, c, d int) float64 {
	r1, c1, n := a+b, a+c, a+b+c+d
	if n == 0 {
		return 1
	}
	// logP is the log probability of the table whose top-left cell is x.
	base := logFactorial(r1) + logFactorial(n-r1) + logFactorial(c1) + logFactorial(n-c1) - logFactorial(n)
	logP := func(x int) float64 {
		return base - logFactorial(x) - logFactorial(r1-x) - logFactorial(c1-x) - logFactorial(n-r1-c1+x)
	}
	lo, hi := max(0, r1+c1-n), min(r1, c1)
	observed := logP(a)
	var p float64
	for x := lo; x <= hi; x++ {
		if lp := logP(x); lp <= observed+relTolerance*math.Abs(observed)+1e-12 {
			p += math.Exp(lp)
		}
	}
	return min(p, 1)
}

// minExpected is the smallest expected count for which the chi-square
// approximation is trusted (Cochran's rule for a 2×2 table); below it the
// exact test is used.
const minExpected = 5

// Test2x2 is the two-sided p-value for "the rows differ" in the 2×2 table
// a b / c d: Pearson's chi-square with one degree of freedom, or Fisher's
// exact test when any expected count is below 5. It returns 1 when a row or
// column is empty (nothing to compare).
func Test2x2(a, b, c, d int) float64 {
	n := float64(a + b + c + d)
	if n == 0 {
		return 1
	}
	r := [2]float64{float64(a + b), float64(c + d)}
	col := [2]float64{float64(a + c), float64(b + d)}
	for _, ri := range r {
		for _, cj := range col {
			if ri*cj/n < minExpected {
				return FisherExact2x2(a, b, c, d)
			}
		}
	}
	chi2, ok := PearsonChiSquare2x2(a, b, c, d)
	if !ok {
		return 1
	}
	return ChiSquare1Survival(chi2)
}

// BinomialExactTwoSided is the two-sided exact binomial test of k successes
// in n trials against probability p: the sum of the probabilities of every
// outcome no more likely than k.
func BinomialExactTwoSided(k, n int, p float64) float64 {
	switch {
	case n <= 0:
		return 1
	case p <= 0:
		return boolP(k == 0)
	case p >= 1:
		return boolP(k == n)
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	logP := func(x int) float64 {
		return logFactorial(n) - logFactorial(x) - logFactorial(n-x) + float64(x)*lp + float64(n-x)*lq
	}
	observed := logP(k)
	var sum float64
	for x := 0; x <= n; x++ {
		if l := logP(x); l <= observed+relTolerance*math.Abs(observed)+1e-12 {
			sum += math.Exp(l)
		}
	}
	return min(sum, 1)
}

func boolP(same bool) float64 {
	if same {
		return 1
	}
	return 0
}

// TestProportion is the two-sided p-value for k of n differing from the
// expected proportion p: the chi-square goodness-of-fit test with one degree
// of freedom, or the exact binomial test when either expected count (n·p or
// n·(1−p)) is below 5.
func TestProportion(k, n int, p float64) float64 {
	if n <= 0 {
		return 1
	}
	e1, e2 := float64(n)*p, float64(n)*(1-p)
	if e1 < minExpected || e2 < minExpected {
		return BinomialExactTwoSided(k, n, p)
	}
	o1, o2 := float64(k), float64(n-k)
	chi2 := (o1-e1)*(o1-e1)/e1 + (o2-e2)*(o2-e2)/e2
	return ChiSquare1Survival(chi2)
}
