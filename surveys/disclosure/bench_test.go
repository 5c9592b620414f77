package disclosure

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkProtectThreeWay protects a three-way breakdown the size of 19
// ethnic groups × 7 age bands × 4 disability measures (800 cells with
// totals), alone and crossed with a 3-option question (3,200 cells), with
// a quarter of the counts from 1 to 9. Timing only; nothing is asserted.
func BenchmarkProtectThreeWay(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	tab := randomTable(r, []int{19, 7, 4}, false)
	withValue := randomTable(r, []int{19, 7, 4}, true)
	b.Run("respondents", func(b *testing.B) {
		for b.Loop() {
			if _, err := tab.Protect(Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("with-value", func(b *testing.B) {
		for b.Loop() {
			if _, err := withValue.Protect(Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
