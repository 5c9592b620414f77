package themes

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Sentiment classes, as a SentimentModel predicts them.
const (
	Negative = -1
	Neutral  = 0 // neutral or mixed
	Positive = 1
)

// SentimentFromFFT maps the NHS Friends and Family Test's coded sentiment
// (1 very positive … 5 very negative, 3 mixed or neutral) to a class; ok
// is false for anything else (e.g. not coded). Note the direction: many
// survey rating scales run the other way.
func SentimentFromFFT(rating int) (class int, ok bool) {
	switch rating {
	case 1, 2:
		return Positive, true
	case 3:
		return Neutral, true
	case 4, 5:
		return Negative, true
	}
	return 0, false
}

// SentimentModel predicts an answer's sentiment class. It is the theme
// model with one "theme" per class (the same features, SVMs and Platt
// calibration), predicting the most confident class: a model trained on
// labelled data, not a word list.
type SentimentModel struct {
	m *Model
}

// TrainSentiment learns sentiment from texts and their classes (any ints,
// e.g. Negative, Neutral, Positive). Texts with no words are refused.
func TrainSentiment(texts []string, labels []int) (*SentimentModel, error) {
	ex, err := sentimentExamples(texts, labels, nil)
	if err != nil {
		return nil, err
	}
	m, err := Train(ex, sentimentOptions())
	if err != nil {
		return nil, err
	}
	return &SentimentModel{m: m}, nil
}

func sentimentOptions() Options {
	o := DefaultOptions()
	o.AtLeastOne = 0 // the class is the most confident one: thresholds do not matter
	return o
}

func sentimentExamples(texts []string, labels []int, groups []string) ([]Example, error) {
	if len(texts) != len(labels) || (groups != nil && len(groups) != len(texts)) {
		return nil, fmt.Errorf("themes: %d texts but %d labels (and %d groups)", len(texts), len(labels), len(groups))
	}
	ex := make([]Example, len(texts))
	for i, t := range texts {
		ex[i] = Example{Text: t, Themes: []string{strconv.Itoa(labels[i])}}
		if groups != nil {
			ex[i].Group = groups[i]
		}
	}
	if err := checkExamples(ex); err != nil {
		return nil, err
	}
	return ex, nil
}

// Predict returns the most likely class of text and its confidence
// (calibrated per class, 0 to 1).
func (s *SentimentModel) Predict(text string) (class int, confidence float64) {
	best := ""
	for c, p := range s.m.Scores(text) {
		if best == "" || p > confidence || (p == confidence && c < best) {
			best, confidence = c, p
		}
	}
	class, _ = strconv.Atoi(best)
	return class, confidence
}

// Classes returns the classes the model knows, in increasing order.
func (s *SentimentModel) Classes() []int {
	var out []int
	for _, t := range s.m.themes {
		c, _ := strconv.Atoi(t)
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// MarshalBinary and UnmarshalBinary store the model (the theme model's
// format).
func (s *SentimentModel) MarshalBinary() ([]byte, error) { return s.m.MarshalBinary() }

func (s *SentimentModel) UnmarshalBinary(data []byte) error {
	var m Model
	if err := m.UnmarshalBinary(data); err != nil {
		return err
	}
	for _, t := range m.themes {
		if _, err := strconv.Atoi(t); err != nil {
			return errors.New("themes: this stored model is a theme model, not a sentiment model")
		}
	}
	s.m = &m
	return nil
}

// SentimentReport is how often a sentiment model trained with
// TrainSentiment gets answers it has not seen right.
type SentimentReport struct {
	Accuracy float64
	MacroF1  float64 // mean of the classes' F1
	// Baseline is the accuracy of always answering the commonest class.
	Baseline float64
	Folds    int
}

// CrossValidateSentiment is CrossValidate for TrainSentiment: folds
// grouped by groups (nil: none), shuffled with seed.
func CrossValidateSentiment(texts []string, labels []int, groups []string, folds int, seed int64) (SentimentReport, error) {
	ex, err := sentimentExamples(texts, labels, groups)
	if err != nil {
		return SentimentReport{}, err
	}
	fold := groupFolds(ex, folds, seed)
	r := SentimentReport{Folds: slices.Max(fold) + 1}
	if r.Folds < 2 {
		return r, errors.New("themes: too few answers (or groups) to cross-validate")
	}
	type counts struct{ support, tp, fp, fn int }
	byClass := map[int]*counts{}
	get := func(c int) *counts {
		if byClass[c] == nil {
			byClass[c] = &counts{}
		}
		return byClass[c]
	}
	right := 0
	for f := 0; f < r.Folds; f++ {
		var train, test []Example
		for i, e := range ex {
			if fold[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m, err := Train(train, sentimentOptions())
		if err != nil {
			return r, err
		}
		s := &SentimentModel{m: m}
		for _, e := range test {
			want, _ := strconv.Atoi(e.Themes[0])
			got, _ := s.Predict(e.Text)
			get(want).support++
			if got == want {
				right++
				get(got).tp++
			} else {
				get(got).fp++
				get(want).fn++
			}
		}
	}
	commonest := 0
	for _, c := range byClass {
		_, _, f1 := prf(c.tp, c.fp, c.fn)
		r.MacroF1 += f1 / float64(len(byClass))
		commonest = max(commonest, c.support)
	}
	r.Accuracy = float64(right) / float64(len(ex))
	r.Baseline = float64(commonest) / float64(len(ex))
	return r, nil
}
