package themes

import (
	"strconv"
	"strings"
	"testing"
)

func TestSentimentFromFFT(t *testing.T) {
	tests := []struct {
		rating int
		want   int
		ok     bool
	}{{1, Positive, true}, {2, Positive, true}, {3, Neutral, true}, {4, Negative, true}, {5, Negative, true}, {0, 0, false}, {6, 0, false}}
	for _, tt := range tests {
		if got, ok := SentimentFromFFT(tt.rating); got != tt.want || ok != tt.ok {
			t.Errorf("SentimentFromFFT(%d): got %d %v, want %d %v", tt.rating, got, ok, tt.want, tt.ok)
		}
	}
}

func toySentiment() ([]string, []int) {
	texts := []string{"great kind staff", "lovely care thank you", "excellent service", "very good and kind", "thank you so much", "brilliant nurses",
		"rude and late", "terrible wait", "awful service", "very poor care", "nobody listened, rude", "late again, terrible",
		"it was ok", "fine I suppose", "some good some bad", "ok but late", "average", "fine"}
	labels := make([]int, len(texts))
	for i := range texts {
		labels[i] = []int{Positive, Negative, Neutral}[i/6]
	}
	return texts, labels
}

func TestTrainSentiment(t *testing.T) {
	texts, labels := toySentiment()
	s, err := TrainSentiment(texts, labels)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Classes(); len(got) != 3 || got[0] != Negative || got[2] != Positive {
		t.Errorf("classes: got %v", got)
	}
	tests := []struct {
		text string
		want int
	}{{"kind and lovely staff, thank you", Positive}, {"terrible, rude and late", Negative}}
	for _, tt := range tests {
		got, conf := s.Predict(tt.text)
		if got != tt.want || conf <= 0 || conf > 1 {
			t.Errorf("Predict(%q): got %d (%v), want %d", tt.text, got, conf, tt.want)
		}
	}
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var loaded SentimentModel
	if err := loaded.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		g1, c1 := loaded.Predict(tt.text)
		g2, c2 := s.Predict(tt.text)
		if g1 != g2 || c1 != c2 {
			t.Errorf("after loading, Predict(%q): got %d %v, want %d %v", tt.text, g1, c1, g2, c2)
		}
	}
	// A theme model is not a sentiment model.
	m, _ := Train(toyExamples(), toyOptions())
	themeData, _ := m.MarshalBinary()
	if err := loaded.UnmarshalBinary(themeData); err == nil || !strings.Contains(err.Error(), "not a sentiment model") {
		t.Errorf("loading a theme model: got %v", err)
	}
	if _, err := TrainSentiment([]string{"a"}, []int{1, 2}); err == nil {
		t.Errorf("1 text and 2 labels: got no error")
	}
	if _, err := TrainSentiment([]string{"ok", " "}, []int{1, 1}); err == nil || !strings.Contains(err.Error(), "example 2 has no text") {
		t.Errorf("an empty text: got %v", err)
	}
}

// TestCrossValidateSentimentFFT measures the sentiment model on fft-dev's
// coded sentiment, grouped by respondent; -short skips it.
func TestCrossValidateSentimentFFT(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-validation on fft-dev takes several seconds")
	}
	var texts, groups []string
	var labels []int
	for _, r := range loadFFTRows(t) {
		rating, err := strconv.Atoi(r.Sentiment)
		if err != nil {
			continue
		}
		class, ok := SentimentFromFFT(rating)
		if !ok {
			continue
		}
		texts = append(texts, r.Text)
		labels = append(labels, class)
		groups = append(groups, r.Group)
	}
	r, err := CrossValidateSentiment(texts, labels, groups, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d answers, %d folds: accuracy %.3f, macro-F1 %.3f; always the commonest class: %.3f", len(texts), r.Folds, r.Accuracy, r.MacroF1, r.Baseline)
	if r.Accuracy < r.Baseline+0.1 {
		t.Errorf("accuracy %.3f is not well above always answering the commonest class (%.3f)", r.Accuracy, r.Baseline)
	}
}
