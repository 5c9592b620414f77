package themes

import (
	"reflect"
	"testing"
)

func TestRulesMatch(t *testing.T) {
	codebook := []Theme{
		{Name: "Waiting", Include: []string{"wait", "long queue", "delayed"}, Exclude: []string{"no wait", "not wait"}},
		{Name: "Staff", Include: []string{"Nurses", "kind staff"}},
		{Name: "Safety", Include: []string{"اندھیرے", "not safe"}},
		{Name: "Nothing", Include: []string{"", "  ...  "}}, // no words: ignored
	}
	r := CompileRules(codebook)
	tests := []struct {
		name string
		text string
		want []Suggestion
	}{
		{"stems: waiting matches wait", "We were WAITING for hours",
			[]Suggestion{{Theme: "Waiting", Confidence: RuleConfidence, Evidence: []string{"waiting"}, Source: "rule"}}},
		{"a phrase matches consecutive words", "such long queues at reception",
			[]Suggestion{{Theme: "Waiting", Confidence: RuleConfidence, Evidence: []string{"long queues"}, Source: "rule"}}},
		{"not when the words are apart", "a long and slow queue", nil},
		{"an exclude phrase vetoes its theme", "there was no wait at all and the nurse was lovely",
			[]Suggestion{{Theme: "Staff", Confidence: RuleConfidence, Evidence: []string{"nurse"}, Source: "rule"}}},
		{"the veto holds even beside another include", "I did not wait, it was delayed", nil},
		{"two themes, evidence in order, no repeats", "Kind staff. Nurses were delayed, nurses were kind staff",
			[]Suggestion{
				{Theme: "Waiting", Confidence: RuleConfidence, Evidence: []string{"delayed"}, Source: "rule"},
				{Theme: "Staff", Confidence: RuleConfidence, Evidence: []string{"kind staff", "nurses"}, Source: "rule"},
			}},
		{"Urdu phrase in Urdu text", "راستے اندھیرے ہیں۔",
			[]Suggestion{{Theme: "Safety", Confidence: RuleConfidence, Evidence: []string{"اندھیرے"}, Source: "rule"}}},
		{"stop words count: not safe is not safe", "the ward is safe", nil},
		{"not safe", "I do not feel not safe", []Suggestion{{Theme: "Safety", Confidence: RuleConfidence, Evidence: []string{"not safe"}, Source: "rule"}}},
		{"empty answer", "", nil},
	}
	for _, tt := range tests {
		if got := r.Match(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Match(%q): got %+v, want %+v", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestRulesWithoutPhrases(t *testing.T) {
	for _, r := range []*Rules{nil, CompileRules(nil), CompileRules([]Theme{{Name: "Model only"}})} {
		if got := r.Match("anything at all"); got != nil {
			t.Errorf("got %+v, want nothing", got)
		}
	}
}

func TestRulesSameNameShare(t *testing.T) {
	r := CompileRules([]Theme{{Name: "Food", Include: []string{"lunch"}}, {Name: "Food", Exclude: []string{"no lunch"}}})
	if got := r.Match("there was no lunch"); got != nil {
		t.Errorf("got %+v, want the second entry's exclude to veto", got)
	}
	if got := r.Match("lunch was cold"); len(got) != 1 || got[0].Theme != "Food" {
		t.Errorf("got %+v, want Food once", got)
	}
}

func TestRulesEvidenceAtMostFive(t *testing.T) {
	r := CompileRules([]Theme{{Name: "Food", Include: []string{"a1", "a2", "a3", "a4", "a5", "a6"}}})
	got := r.Match("a1 a2 a3 a4 a5 a6")
	if len(got) != 1 || !reflect.DeepEqual(got[0].Evidence, []string{"a1", "a2", "a3", "a4", "a5"}) {
		t.Errorf("got %+v, want the first five", got)
	}
}
