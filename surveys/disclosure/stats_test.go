package disclosure

import (
	"math"
	"testing"
)

// The expected values below were computed independently with Python's
// standard library (exact integer binomials, no approximation), by:
//
//	python3 -c '
//	import math
//	def fisher(a,b,c,d):
//	    r1,c1,n=a+b,a+c,a+b+c+d
//	    def pr(x): return math.comb(r1,x)*math.comb(n-r1,c1-x)/math.comb(n,c1)
//	    po=pr(a); return sum(pr(x) for x in range(max(0,r1+c1-n),min(r1,c1)+1) if pr(x)<=po*(1+1e-7))
//	def chi(a,b,c,d):
//	    n=a+b+c+d; x=n*(a*d-b*c)**2/((a+b)*(c+d)*(a+c)*(b+d)); return x, math.erfc(math.sqrt(x/2))
//	def binom(k,n,p):
//	    pr=lambda x: math.comb(n,x)*p**x*(1-p)**(n-x); po=pr(k)
//	    return sum(pr(x) for x in range(n+1) if pr(x)<=po*(1+1e-7))
//	print(fisher(3,1,1,3), fisher(1,9,11,3), fisher(8,2,1,5), fisher(0,10,10,0))
//	print(chi(30,70,50,150), chi(90,60,104,95), binom(2,30,0.2), binom(7,20,0.1))'
//
// Fisher's tea-tasting table (3 1 / 1 3) gives the textbook 0.4857, and the
// 3.841 and 10.83 critical values of chi-square with 1 df give 0.05 and 0.001.

func close(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want)) }

func TestChiSquare1Survival(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{0, 1},
		{3.841458820694124, 0.05},
		{10.827566170662733, 0.001},
		{0.8522727272727273, 0.3559101883710095},
	} {
		if got := ChiSquare1Survival(tc.x); !close(got, tc.want, 1e-9) {
			t.Errorf("ChiSquare1Survival(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}

func TestPearsonChiSquare2x2(t *testing.T) {
	for _, tc := range []struct {
		a, b, c, d int
		chi2, p    float64
	}{
		{30, 70, 50, 150, 0.8522727272727273, 0.3559101883710095},
		{90, 60, 104, 95, 2.0747779469345398, 0.14975173266422548},
	} {
		got, ok := PearsonChiSquare2x2(tc.a, tc.b, tc.c, tc.d)
		if !ok || !close(got, tc.chi2, 1e-12) {
			t.Errorf("PearsonChiSquare2x2(%d,%d,%d,%d) = %v, %v, want %v", tc.a, tc.b, tc.c, tc.d, got, ok, tc.chi2)
		}
		if got := Test2x2(tc.a, tc.b, tc.c, tc.d); !close(got, tc.p, 1e-9) {
			t.Errorf("Test2x2(%d,%d,%d,%d) = %v, want %v (chi-square)", tc.a, tc.b, tc.c, tc.d, got, tc.p)
		}
	}
	if _, ok := PearsonChiSquare2x2(0, 0, 3, 4); ok {
		t.Errorf("PearsonChiSquare2x2 with an empty row: ok = true, want false")
	}
}

func TestFisherExact2x2(t *testing.T) {
	for _, tc := range []struct {
		a, b, c, d int
		want       float64
	}{
		{3, 1, 1, 3, 0.4857142857142857},
		{1, 9, 11, 3, 0.002759456185220083},
		{8, 2, 1, 5, 0.03496503496503496},
		{0, 10, 10, 0, 1.082508822446903e-05},
		{0, 0, 0, 0, 1},
	} {
		if got := FisherExact2x2(tc.a, tc.b, tc.c, tc.d); !close(got, tc.want, 1e-9) {
			t.Errorf("FisherExact2x2(%d,%d,%d,%d) = %v, want %v", tc.a, tc.b, tc.c, tc.d, got, tc.want)
		}
	}
	// Expected counts below 5 send Test2x2 to the exact test.
	if got, want := Test2x2(8, 2, 1, 5), 0.03496503496503496; !close(got, want, 1e-9) {
		t.Errorf("Test2x2(8,2,1,5) = %v, want Fisher's %v", got, want)
	}
}

func TestBinomialAndProportion(t *testing.T) {
	for _, tc := range []struct {
		k, n int
		p    float64
		want float64
	}{
		{2, 30, 0.2, 0.06979524048732368},
		{7, 20, 0.1, 0.002386089408966118},
		{0, 0, 0.5, 1},
	} {
		if got := BinomialExactTwoSided(tc.k, tc.n, tc.p); !close(got, tc.want, 1e-9) {
			t.Errorf("BinomialExactTwoSided(%d,%d,%v) = %v, want %v", tc.k, tc.n, tc.p, got, tc.want)
		}
	}
	// n·p = 2 < 5: exact.
	if got, want := TestProportion(7, 20, 0.1), 0.002386089408966118; !close(got, want, 1e-9) {
		t.Errorf("TestProportion(7,20,0.1) = %v, want %v", got, want)
	}
	// 30 of 100 against 0.2: chi2 = (10²/20 + 10²/80) = 6.25, p = erfc(√3.125).
	if got, want := TestProportion(30, 100, 0.2), math.Erfc(math.Sqrt(3.125)); !close(got, want, 1e-12) {
		t.Errorf("TestProportion(30,100,0.2) = %v, want %v", got, want)
	}
}

func TestFlag(t *testing.T) {
	for _, tc := range []struct {
		lift, p float64
		want    string
	}{
		{2.1, 0.004, "Disabled respondents raised Transport 2.1× as often as everyone (p < 0.01)"},
		{0.5, 0.03, "Disabled respondents raised Transport half as often as everyone (p = 0.03)"},
		{0.38, 0.0004, "Disabled respondents raised Transport 0.4× as often as everyone (p < 0.001)"},
		{1.04, 0.047, "Disabled respondents raised Transport 1.04× as often as everyone (p < 0.05)"},
		{12.4, 0.2, "Disabled respondents raised Transport 12× as often as everyone (p = 0.20)"},
	} {
		if got := Flag("Disabled respondents", "Transport", tc.lift, tc.p); got != tc.want {
			t.Errorf("Flag(lift %v, p %v) = %q, want %q", tc.lift, tc.p, got, tc.want)
		}
	}
}
