package themes

import (
	"reflect"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Staff were LOVELY, didn't rush me!", []string{"staff", "were", "lovely", "didnt", "rush", "me"}},
		{"Waited 2 hours — the driver’s van was late.", []string{"waited", "2", "hours", "the", "drivers", "van", "was", "late"}},
		{"'quoted' words", []string{"quoted", "words"}},
		{"راستے اندھیرے ہیں۔", []string{"راستے", "اندھیرے", "ہیں"}},      // Urdu: whole words, the full stop dropped
		{"ਸੇਵਾ ਬਹੁਤ ਵਧੀਆ ਸੀ", []string{"ਸੇਵਾ", "ਬਹੁਤ", "ਵਧੀਆ", "ਸੀ"}},    // Gurmukhi with its vowel signs kept
		{"Obsługa była świetna", []string{"obsługa", "była", "świetna"}}, // Polish letters lower-cased, not split
		{"می‌خواهم", []string{"میخواهم"}},                                // a zero-width non-joiner does not split a word
		{"", nil},
	}
	for _, tt := range tests {
		if got := Words(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Words(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ word, want string }{
		{"waiting", "wait"}, {"waited", "wait"}, {"waits", "wait"},
		{"caring", "care"}, {"carers", "carer"}, {"appointments", "appoint"},
		{"świetna", "świetna"}, // not English: unchanged
		{"اندھیرے", "اندھیرے"},
		{"2", "2"},
	}
	for _, tt := range tests {
		if got := Stem(tt.word); got != tt.want {
			t.Errorf("Stem(%q): got %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	got := Analyze("The drivers were waiting; راستے اندھیرے")
	want := []string{"the", "driver", "were", "wait", "راستے", "اندھیرے"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if !IsStopWord("the") || IsStopWord("not") || IsStopWord("wait") {
		t.Errorf("stop words: the should be one; not and wait should not")
	}
}
