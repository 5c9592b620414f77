package themes

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// bench5000 is fft-dev's answers made up to 5,000: the first 353 again,
// as their own groups, since the file has 4,647.
func bench5000(b *testing.B) []Example {
	ex := fftExamples(b)
	for i := 0; len(ex) < 5000; i++ {
		e := ex[i]
		e.Group = "again " + e.Group
		ex = append(ex, e)
	}
	return ex
}

// peakHeap samples HeapInuse every millisecond until stop is called, and
// returns the highest value seen (garbage not yet collected included).
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		sample()
		return peak.Load()
	}
}

// BenchmarkTrain5000 trains a model with the default options on 5,000
// labelled answers.
func BenchmarkTrain5000(b *testing.B) {
	ex := bench5000(b)
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Train(ex, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
}

// BenchmarkSuggest100000 suggests themes for 100,000 answers (fft-dev's
// answers over and over) with a model trained on fft-dev and a codebook
// with a few phrase rules, on as many workers as -cpu allows.
func BenchmarkSuggest100000(b *testing.B) {
	ex := fftExamples(b)
	m, err := Train(ex, DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	var codebook []Theme
	for _, t := range m.Themes() {
		codebook = append(codebook, Theme{Name: t})
	}
	codebook[0].Include = []string{"waiting time", "late", "delayed"}
	codebook[1].Include = []string{"kind staff", "rude"}
	codebook[1].Exclude = []string{"not rude"}
	s := NewSuggester(codebook, m)
	texts := make([]string, 100000)
	for i := range texts {
		texts[i] = ex[i%len(ex)].Text
	}
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	for b.Loop() {
		s.SuggestAll(texts, 0)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(texts))/1e3, "µs/answer")
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
}
