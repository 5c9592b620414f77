package themes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// toyExamples is a small set whose themes a model must learn exactly:
// each theme has its own words, and some answers have two themes.
func toyExamples() []Example {
	var ex []Example
	add := func(theme string, texts ...string) {
		for i, t := range texts {
			ex = append(ex, Example{Text: t, Themes: strings.Split(theme, "|"), Group: fmt.Sprintf("%s %d", theme, i/2)})
		}
	}
	add("Transport", "the ambulance was late", "ambulance driver got lost", "the transport driver was rude about the van",
		"van broke down", "driver and ambulance crew", "waited for the transport van", "the ambulance never came", "driver was lost again")
	add("Food", "the food was cold", "lunch was cold again", "more food choices please", "meals were tasty",
		"the lunch menu is boring", "hot meals would help", "food portions too small", "tasty lunch")
	add("Staff", "nurses were kind", "the nurse was lovely", "kind and caring staff", "staff were lovely",
		"caring nurses", "lovely kind staff", "the staff listened", "nurse listened to me")
	add("Transport|Food", "the ambulance driver brought cold food", "van late and the lunch cold")
	return ex
}

func toyOptions() Options {
	o := DefaultOptions()
	o.Workers = 2
	return o
}

func TestTrainLearnsASeparableSet(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Themes(), []string{"Food", "Staff", "Transport"}; !reflect.DeepEqual(got, want) {
		t.Errorf("themes: got %q, want %q", got, want)
	}
	tests := []struct {
		text string
		want string // the most confident theme
	}{
		{"The ambulance driver was late", "Transport"},
		{"cold lunch", "Food"},
		{"lovely caring nurses", "Staff"},
		{"AMBULANCES and DRIVERS", "Transport"}, // stems and case
	}
	for _, tt := range tests {
		got := m.Predict(tt.text)
		if len(got) == 0 || got[0].Theme != tt.want || got[0].Source != "model" {
			t.Errorf("Predict(%q): got %+v, want %s first", tt.text, got, tt.want)
			continue
		}
		if len(got[0].Evidence) == 0 || len(got[0].Evidence) > 5 {
			t.Errorf("Predict(%q): got evidence %q, want 1 to 5 items", tt.text, got[0].Evidence)
		}
		scores := m.Scores(tt.text)
		if len(scores) != 3 {
			t.Errorf("Scores(%q): got %v, want all 3 themes", tt.text, scores)
		}
		for theme, s := range scores {
			if s < 0 || s > 1 || math.IsNaN(s) {
				t.Errorf("Scores(%q)[%s]: got %v, want 0..1", tt.text, theme, s)
			}
			if theme != tt.want && s >= scores[tt.want] {
				t.Errorf("Scores(%q): %s %v is not below %s %v", tt.text, theme, s, tt.want, scores[tt.want])
			}
		}
	}
	// Every training answer gets its own themes back.
	for _, e := range toyExamples() {
		var got []string
		for _, s := range m.Predict(e.Text) {
			got = append(got, s.Theme)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(e.Themes))
		if !slices.Equal(got, want) {
			t.Errorf("Predict(%q): got %q, want %q", e.Text, got, want)
		}
	}
}

func TestModelEvidence(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	got := m.Predict("The ambulance was very late and the ambulance driver was rude")
	if len(got) == 0 || got[0].Theme != "Transport" {
		t.Fatalf("got %+v, want Transport", got)
	}
	ev := got[0].Evidence
	if !slices.Contains(ev, "ambulance") && !slices.Contains(ev, "ambulance driver") {
		t.Errorf("evidence: got %q, want ambulance among it", ev)
	}
	for _, e := range ev {
		if !strings.Contains("the ambulance was very late and the ambulance driver was rude", e) {
			t.Errorf("evidence %q is not words of the answer", e)
		}
		if IsStopWord(e) {
			t.Errorf("evidence %q is a stop word", e)
		}
	}
	// Nothing is given twice, a word is not given after a pair that has
	// it, and there are no stop words ("the ambulance" is given as
	// "ambulance").
	seen := map[string]bool{}
	for _, e := range ev {
		words := strings.Fields(e)
		if seen[e] || (len(words) == 1 && seen[e+" (in a pair)"]) {
			t.Errorf("evidence %q repeats %q", ev, e)
		}
		seen[e] = true
		for _, w := range words {
			if len(words) == 2 {
				seen[w+" (in a pair)"] = true
			}
			if IsStopWord(Stem(w)) {
				t.Errorf("evidence %q has the stop word %q", ev, w)
			}
		}
	}
}

func TestTrainRefusesBadInput(t *testing.T) {
	tests := []struct {
		name     string
		examples []Example
		opts     func(*Options)
		want     string
	}{
		{"nothing", nil, nil, "no labelled examples"},
		{"empty text", []Example{{Text: "fine", Themes: []string{"A"}}, {Text: "  ", Themes: []string{"A"}}}, nil, "example 2 has no text"},
		{"no themes", []Example{{Text: "fine"}}, nil, "example 1 (\"fine\") has no themes"},
		{"blank theme", []Example{{Text: "fine", Themes: []string{""}}}, nil, "empty theme name"},
		{"bad C", []Example{{Text: "fine", Themes: []string{"A"}}}, func(o *Options) { o.C = 0 }, "Options.C"},
		{"bad n-grams", []Example{{Text: "fine", Themes: []string{"A"}}}, func(o *Options) { o.WordNgrams = 3 }, "WordNgrams"},
	}
	for _, tt := range tests {
		o := DefaultOptions()
		if tt.opts != nil {
			tt.opts(&o)
		}
		_, err := Train(tt.examples, o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

// Tiny training sets must not break training: one example, one theme.
func TestTrainTinySets(t *testing.T) {
	tests := [][]Example{
		{{Text: "all good", Themes: []string{"Positive"}}},
		{{Text: "all good", Themes: []string{"Positive"}}, {Text: "too slow", Themes: []string{"Timeliness"}}},
		{{Text: "راستے اندھیرے ہیں", Themes: []string{"Safety"}}, {Text: "lovely staff", Themes: []string{"Staff"}}, {Text: "kind staff", Themes: []string{"Staff"}}},
	}
	for _, ex := range tests {
		m, err := Train(ex, DefaultOptions())
		if err != nil {
			t.Fatalf("%d examples: %v", len(ex), err)
		}
		for theme, s := range m.Scores(ex[0].Text) {
			if math.IsNaN(s) || s < 0 || s > 1 {
				t.Errorf("%d examples: score of %s is %v", len(ex), theme, s)
			}
		}
		for _, th := range m.thresholds {
			if math.IsNaN(th) {
				t.Errorf("%d examples: thresholds %v", len(ex), m.thresholds)
			}
		}
	}
}

func TestTrainSVM(t *testing.T) {
	// Two features; positives have the first, negatives the second, and
	// one positive both. The solver must separate them with margin.
	m := &matrix{start: []int{0, 1, 2, 3, 5, 6}, cols: []int32{0, 1, 0, 0, 1, 1}, vals: []float32{1, 1, 0.8, 0.7, 0.7, 0.9}}
	positive := []bool{true, false, true, true, false}
	sq := make([]float64, m.rows())
	for i := range sq {
		_, vals := m.row(i)
		for _, v := range vals {
			sq[i] += float64(v * v)
		}
	}
	rows := []int{0, 1, 2, 3, 4}
	w := make([]float64, 3)
	trainSVM(m, sq, positive, rows, 10, 10, 1e-6, 1000, rand.New(rand.NewPCG(1, 2)), w, make([]float64, 5), make([]int, 5))
	for i, p := range positive {
		if d := rowDot(m, i, w); (d > 0) != p {
			t.Errorf("row %d: decision %v, want positive %v (w %v)", i, d, p, w)
		}
	}
	// Trained on rows 0 and 1 only, the other rows do not count.
	trainSVM(m, sq, positive, []int{0, 1}, 10, 10, 1e-6, 1000, rand.New(rand.NewPCG(1, 2)), w, make([]float64, 2), make([]int, 2))
	if rowDot(m, 0, w) <= 0 || rowDot(m, 1, w) >= 0 {
		t.Errorf("two rows: got w %v", w)
	}
}

func TestPlatt(t *testing.T) {
	dec := []float64{-2, -1.5, -1, -0.5, 0.2, 0.5, 1, 1.5, 2, -0.2}
	pos := []bool{false, false, false, false, true, true, true, true, true, true}
	a, b := platt(dec, pos)
	if a >= 0 {
		t.Fatalf("A: got %v, want below 0 (higher decision, higher probability)", a)
	}
	prev := -1.0
	for _, d := range []float64{-3, -1, 0, 1, 3} {
		p := sigmoid(d, a, b)
		if p <= prev || p <= 0 || p >= 1 {
			t.Errorf("sigmoid(%v): got %v after %v, want rising inside (0, 1)", d, p, prev)
		}
		prev = p
	}
	if p := sigmoid(2, a, b); p < 0.8 {
		t.Errorf("sigmoid(2): got %v, want confident", p)
	}
}

func TestBestThreshold(t *testing.T) {
	tests := []struct {
		name          string
		probs         []float64
		pos           []bool
		wantThreshold float64
		wantF1        float64
	}{
		{"separable", []float64{0.9, 0.8, 0.3, 0.1}, []bool{true, true, false, false}, 0.55, 1},
		{"one mistake", []float64{0.9, 0.7, 0.6, 0.1}, []bool{true, false, true, false}, 0.35, 0.8},
		{"ties are not split", []float64{0.5, 0.5, 0.2}, []bool{true, false, false}, 0.35, 2.0 / 3},
		{"no positives", []float64{0.5, 0.2}, []bool{false, false}, 1, 0},
		{"all positive", []float64{0.5, 0.2}, []bool{true, true}, 0.1, 1},
	}
	for _, tt := range tests {
		th, f1 := bestThreshold(tt.probs, tt.pos)
		if math.Abs(th-tt.wantThreshold) > 1e-9 || math.Abs(f1-tt.wantF1) > 1e-9 {
			t.Errorf("%s: got %v, %v, want %v, %v", tt.name, th, f1, tt.wantThreshold, tt.wantF1)
		}
	}
}

func TestThemeThreshold(t *testing.T) {
	tests := []struct {
		name      string
		f1        float64
		positives int
		common    float64
		prior     float64
		want      float64
	}{
		{"no prior: half the best F1", 0.8, 100, 0.3, 0, 0.4},
		{"as many examples as the prior: half way", 0.8, 10, 0.3, 10, 0.35},
		{"few examples: mostly the common one", 0.2, 1, 0.3, 9, 0.28},
		{"no examples, no prior", 0.5, 0, 0.3, 0, 0.3},
	}
	for _, tt := range tests {
		if got := themeThreshold(tt.f1, tt.positives, tt.common, tt.prior); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAtLeastOne(t *testing.T) {
	ex := toyExamples()
	tests := []struct {
		atLeastOne float64
		want       int
	}{{0, 0}, {1e-9, 1}, {1, 0}}
	for _, tt := range tests {
		o := toyOptions()
		o.AtLeastOne = tt.atLeastOne
		m, err := Train(ex, o)
		if err != nil {
			t.Fatal(err)
		}
		// Words the model never saw: no theme reaches its threshold.
		if got := m.Predict("zebra giraffe"); len(got) != tt.want {
			t.Errorf("AtLeastOne %v: got %+v, want %d suggestions", tt.atLeastOne, got, tt.want)
		}
	}
}

func TestThresholdsWithoutInnerFolds(t *testing.T) {
	o := toyOptions()
	o.InnerFolds = 0
	m, err := Train(toyExamples(), o)
	if err != nil {
		t.Fatal(err)
	}
	for k, th := range m.thresholds {
		if th != 0.5 {
			t.Errorf("threshold of %s: got %v, want 0.5", m.themes[k], th)
		}
	}
	if got := m.Predict("cold lunch"); len(got) == 0 || got[0].Theme != "Food" {
		t.Errorf("got %+v, want Food", got)
	}
}

func TestTrainIsRepeatable(t *testing.T) {
	a, _ := Train(toyExamples(), toyOptions())
	b, _ := Train(toyExamples(), toyOptions())
	ab, _ := a.MarshalBinary()
	bb, _ := b.MarshalBinary()
	if !slices.Equal(ab, bb) {
		t.Errorf("two trainings on the same data differ")
	}
}

func TestMarshalBinaryRoundTrip(t *testing.T) {
	m, err := Train(toyExamples(), toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var loaded Model
	if err := loaded.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	texts := []string{"the ambulance was late", "cold lunch, kind nurses", "zebra", "", "راستے اندھیرے ہیں"}
	for _, text := range texts {
		if got, want := loaded.Predict(text), m.Predict(text); !reflect.DeepEqual(got, want) {
			t.Errorf("Predict(%q) after loading: got %+v, want %+v", text, got, want)
		}
		if got, want := loaded.Scores(text), m.Scores(text); !reflect.DeepEqual(got, want) {
			t.Errorf("Scores(%q) after loading: got %v, want %v", text, got, want)
		}
	}
	again, _ := loaded.MarshalBinary()
	if !slices.Equal(again, data) {
		t.Errorf("encoding the loaded model gives different bytes")
	}

	damaged := slices.Clone(data)
	damaged[len(damaged)/2] ^= 1
	version := slices.Clone(data[:len(data)-4])
	version[len(modelMagic)] = 9
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a stored theme model"},
		{"something else", []byte("PK\x03\x04 a zip file, not a model"), "not a stored theme model"},
		{"a bit flipped", damaged, "damaged"},
		{"truncated", data[:len(data)-100], "damaged"},
		{"a later version", appendChecksum(version), "version 9"},
		{"truncated with a good checksum", appendChecksum(slices.Clone(data[:len(data)-104])), "truncated"},
	}
	for _, tt := range tests {
		var m Model
		if err := m.UnmarshalBinary(tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}
