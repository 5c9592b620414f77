package themes

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// benchAnswers builds n answers from the fft-dev comments, each drawn at
// random (fixed seed) with a small change — a word dropped, two words
// swapped, or a sentence of another comment added — so that repeats are
// not exact copies.
func benchAnswers(b *testing.B, n int) []string {
	comments := loadFFT(b)
	rng := rand.New(rand.NewPCG(10000, 6))
	out := make([]string, n)
	for i := range out {
		words := strings.Fields(comments[rng.IntN(len(comments))].text)
		switch rng.IntN(3) {
		case 0:
			if len(words) > 1 {
				j := rng.IntN(len(words))
				words = append(words[:j], words[j+1:]...)
			}
		case 1:
			if len(words) > 1 {
				j := rng.IntN(len(words) - 1)
				words[j], words[j+1] = words[j+1], words[j]
			}
		case 2:
			other := comments[rng.IntN(len(comments))].text
			first, _, _ := strings.Cut(other, ".")
			words = append(words, strings.Fields(first)...)
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// BenchmarkDiscover10000 times discovery on 10,000 answers and reports the
// highest HeapInuse sampled every millisecond while it runs:
// go test -run '^$' -bench Discover -benchtime 1x -cpu 1 ./surveys/themes/
func BenchmarkDiscover10000(b *testing.B) {
	texts := benchAnswers(b, 10000)
	var peak atomic.Uint64
	stop, sampled := make(chan struct{}), make(chan struct{})
	runtime.GC()
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	b.ResetTimer()
	var cands []Candidate
	for i := 0; i < b.N; i++ {
		cands = Discover(texts, DefaultDiscoverOptions())
	}
	b.StopTimer()
	close(stop)
	<-sampled
	b.ReportMetric(float64(len(cands)), "candidates")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
