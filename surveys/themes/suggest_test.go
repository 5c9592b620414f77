package themes

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestSuggesterCombines(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	codebook := []Theme{
		{Name: "Transport", Include: []string{"ambulance"}, Exclude: []string{"no ambulance"}},
		{Name: "Food"}, // model only
		{Name: "Staff", Include: []string{"chaplain"}}, // the model has not learnt chaplains
		{Name: "Parking", Include: []string{"car park"}},
	}
	s := NewSuggester(codebook, m)
	modelScore := func(text, theme string) float64 { return m.Scores(text)[theme] }

	tests := []struct {
		name string
		text string
		want []Suggestion // confidence -1: the model's own for that theme
		// wantEvidenceFirst: the first evidence of each suggestion.
		wantEvidenceFirst []string
		// exact: nothing but want (otherwise the toy model may add a
		// theme of its own, as a model will).
		exact bool
	}{
		{
			name: "rule and model agree: rule+model, noisy-or confidence, rule evidence first",
			text: "the ambulance driver got lost",
			want: []Suggestion{{Theme: "Transport", Source: "rule+model"}}, wantEvidenceFirst: []string{"ambulance"},
		},
		{
			name: "rule alone",
			text: "chaplain",
			want: []Suggestion{{Theme: "Staff", Confidence: RuleConfidence, Source: "rule"}}, wantEvidenceFirst: []string{"chaplain"},
		},
		{
			name: "model alone",
			text: "cold lunch",
			want: []Suggestion{{Theme: "Food", Confidence: -1, Source: "model"}},
		},
		{
			name: "exclude vetoes the rule, not the model",
			text: "no ambulance driver came, the van got lost",
			want: []Suggestion{{Theme: "Transport", Confidence: -1, Source: "model"}},
		},
		{
			name: "the model's fallback gives way to a rule",
			text: "zebra car park",
			want: []Suggestion{{Theme: "Parking", Confidence: RuleConfidence, Source: "rule"}}, wantEvidenceFirst: []string{"car park"},
			exact: true,
		},
	}
	for _, tt := range tests {
		got := s.Suggest(tt.text)
		if tt.exact && len(got) != len(tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			at := slices.IndexFunc(got, func(g Suggestion) bool { return g.Theme == w.Theme })
			if at < 0 {
				t.Errorf("%s: got %+v, want %s", tt.name, got, w.Theme)
				continue
			}
			g := got[at]
			conf := w.Confidence
			switch {
			case w.Source == "rule+model":
				conf = 1 - (1-RuleConfidence)*(1-modelScore(tt.text, w.Theme))
			case conf == -1:
				conf = modelScore(tt.text, w.Theme)
			}
			if g.Source != w.Source || math.Abs(g.Confidence-conf) > 1e-12 {
				t.Errorf("%s: got %s %s %v, want %s %s %v", tt.name, g.Theme, g.Source, g.Confidence, w.Theme, w.Source, conf)
			}
			if len(g.Evidence) == 0 || len(g.Evidence) > 5 {
				t.Errorf("%s: got evidence %q, want 1 to 5", tt.name, g.Evidence)
			}
			if i < len(tt.wantEvidenceFirst) && g.Evidence[0] != tt.wantEvidenceFirst[i] {
				t.Errorf("%s: got evidence %q, want %q first", tt.name, g.Evidence, tt.wantEvidenceFirst[i])
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i].Confidence > got[i-1].Confidence {
				t.Errorf("%s: got %+v, want the most confident first", tt.name, got)
			}
		}
	}

	// rule+model evidence: the rule's words, then the model's, no repeats.
	got := s.Suggest("the ambulance driver got lost")[0].Evidence
	if len(slices.Compact(slices.Clone(got))) != len(got) || len(got) < 2 {
		t.Errorf("rule+model evidence: got %q, want the rule's word and the model's, no repeats", got)
	}
}

func TestSuggesterKeepsToTheCodebook(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	// Food is not in this codebook, so the model may not suggest it.
	s := NewSuggester([]Theme{{Name: "Staff"}, {Name: "Transport"}}, m)
	for _, got := range s.Suggest("cold lunch and cold food") {
		if got.Theme == "Food" {
			t.Errorf("got %+v, want no Food: it is not in the codebook", got)
		}
	}
	// No codebook: every theme the model knows.
	if got := NewSuggester(nil, m).Suggest("cold lunch and cold food"); len(got) == 0 || got[0].Theme != "Food" {
		t.Errorf("without a codebook: got %+v, want Food", got)
	}
}

func TestSuggesterRulesOnly(t *testing.T) {
	s := NewSuggester([]Theme{{Name: "Staff", Include: []string{"nurse"}}, {Name: "Food", Include: []string{"lunch"}}}, nil)
	got := s.Suggest("Lunch was late and the nurse was kind")
	want := []Suggestion{
		{Theme: "Food", Confidence: RuleConfidence, Evidence: []string{"lunch"}, Source: "rule"},
		{Theme: "Staff", Confidence: RuleConfidence, Evidence: []string{"nurse"}, Source: "rule"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := s.Suggest("nothing to say"); got != nil {
		t.Errorf("got %+v, want nothing", got)
	}
}

func TestSuggestAll(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := NewSuggester([]Theme{{Name: "Staff", Include: []string{"porter"}}, {Name: "Food"}, {Name: "Transport"}}, m)
	var texts []string
	for i := 0; i < 300; i++ {
		texts = append(texts, toyExamples()[i%len(toyExamples())].Text, "the porter", "")
	}
	for _, workers := range []int{0, 1, 3} {
		got := s.SuggestAll(texts, workers)
		if len(got) != len(texts) {
			t.Fatalf("workers %d: got %d results for %d texts", workers, len(got), len(texts))
		}
		for i, text := range texts {
			if want := s.Suggest(text); !reflect.DeepEqual(got[i], want) {
				t.Errorf("workers %d, text %d %q: got %+v, want %+v", workers, i, text, got[i], want)
				break
			}
		}
	}
	if got := s.SuggestAll(nil, 2); len(got) != 0 {
		t.Errorf("no texts: got %v", got)
	}
}
