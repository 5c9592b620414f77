package themes

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Suggester suggests themes for answers from a codebook's phrase rules and
// a trained model together. It is safe for concurrent use.
//
// How the two combine, theme by theme:
//
//   - a rule match alone is suggested with RuleConfidence, Source "rule":
//     an officer asked for it, whatever the model thinks;
//   - a model suggestion alone (confidence at or above the theme's
//     threshold) keeps the model's confidence, Source "model";
//   - both: Source "rule+model", confidence 1 − (1 − RuleConfidence)(1 − p)
//     (two independent reasons to believe it: a "noisy or"), evidence the
//     rule's matched words first, then the model's, at most 5;
//   - an exclude phrase vetoes the theme's rules only, not the model;
//   - the model's "at least one theme" fallback (Options.AtLeastOne) is
//     dropped when a rule already suggested something for the answer.
//
// With a codebook (themes not empty), the model suggests only themes in
// it, so a theme taken out of the codebook stops being suggested; with no
// themes, every theme the model knows.
type Suggester struct {
	rules   *Rules
	model   *Model
	allowed []bool // model theme k may be suggested; nil: all
}

// NewSuggester combines a codebook's rules with a model. m may be nil
// (rules only); themes may have no phrases (model only).
func NewSuggester(themes []Theme, m *Model) *Suggester {
	s := &Suggester{rules: CompileRules(themes), model: m}
	if m != nil && len(themes) > 0 {
		s.allowed = make([]bool, len(m.themes))
		for _, t := range themes {
			if k, ok := slices.BinarySearch(m.themes, t.Name); ok {
				s.allowed[k] = true
			}
		}
	}
	return s
}

// Suggest returns the suggested themes for one answer, most confident
// first (then by name).
func (s *Suggester) Suggest(text string) []Suggestion {
	a := analyse(text)
	rules := s.rules.match(a)
	if s.model == nil {
		sortSuggestions(rules)
		return rules
	}
	model, fallback := s.model.predict(a, s.allowed)
	if fallback && len(rules) > 0 {
		model = nil
	}
	out := rules
	for _, ms := range model {
		i := slices.IndexFunc(out, func(r Suggestion) bool { return r.Theme == ms.Theme })
		if i < 0 {
			out = append(out, ms)
			continue
		}
		r := &out[i]
		r.Source = "rule+model"
		r.Confidence = 1 - (1-r.Confidence)*(1-ms.Confidence)
		for _, e := range ms.Evidence {
			if len(r.Evidence) < maxEvidence && !slices.Contains(r.Evidence, e) {
				r.Evidence = append(r.Evidence, e)
			}
		}
	}
	sortSuggestions(out)
	return out
}

// SuggestAll suggests for many answers on workers goroutines (0 or less:
// GOMAXPROCS); the result is in the order of texts.
func (s *Suggester) SuggestAll(texts []string, workers int) [][]Suggestion {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([][]Suggestion, len(texts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, max(len(texts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				// Claim 64 answers at a time: fewer trips to the shared
				// counter, still even work for the workers.
				start := int(next.Add(64)) - 64
				if start >= len(texts) {
					return
				}
				for i := start; i < min(start+64, len(texts)); i++ {
					out[i] = s.Suggest(texts[i])
				}
			}
		}()
	}
	wg.Wait()
	return out
}
