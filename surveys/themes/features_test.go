package themes

import (
	"math"
	"slices"
	"testing"
)

func TestTerms(t *testing.T) {
	spec := featureSpec{WordNgrams: 2, CharMin: 2, CharMax: 5, WordWeight: 1, CharWeight: 1}
	tests := []struct {
		name  string
		text  string
		spec  featureSpec
		kind  byte
		want  []uint64
		count int // when want is nil: only how many
	}{
		{name: "unigrams leave stop words out, keep not", text: "The staff were not waiting", spec: spec, kind: kindUnigram,
			want: []uint64{unigramHash("staff"), unigramHash("not"), unigramHash("wait")}},
		{name: "unigrams keep stop words when asked", text: "the staff", spec: featureSpec{KeepStopWords: true, WordNgrams: 1}, kind: kindUnigram,
			want: []uint64{unigramHash("the"), unigramHash("staff")}},
		{name: "bigrams of stems, stop words kept", text: "Not listened to", spec: spec, kind: kindBigram,
			want: []uint64{bigramHash("not", "listen"), bigramHash("listen", "to")}},
		{name: "no bigrams when WordNgrams is 1", text: "long wait", spec: featureSpec{WordNgrams: 1}, kind: kindBigram},
		{name: "character n-grams inside the padded word", text: "Wait!", spec: spec, kind: kindChar,
			want: hashes(charHash, " w", " wa", " wai", " wait", "wa", "wai", "wait", "wait ", "ai", "ait", "ait ", "it", "it ", "t ")},
		{name: "character n-grams never cross words", text: "a b", spec: spec, kind: kindChar,
			want: hashes(charHash, " a", " a ", "a ", " b", " b ", "b ")},
		{name: "character n-grams of Urdu are whole letters", text: "ہیں", spec: featureSpec{WordNgrams: 1, CharMin: 2, CharMax: 2}, kind: kindChar,
			want: hashes(charHash, " ہ", "ہی", "یں", "ں ")},
		{name: "no character n-grams when CharMin is 0", text: "wait", spec: featureSpec{WordNgrams: 2}, kind: kindChar},
		{name: "2 to 5 of a 10-letter word (12 padded)", text: "punctually", spec: spec, kind: kindChar, count: 11 + 10 + 9 + 8},
	}
	for _, tt := range tests {
		terms, _ := tt.spec.terms(analyse(tt.text), nil, nil)
		var got []uint64
		for _, term := range terms {
			if term.kind == tt.kind {
				got = append(got, term.hash)
			}
		}
		if tt.count > 0 {
			if len(got) != tt.count {
				t.Errorf("%s: got %d terms, want %d", tt.name, len(got), tt.count)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %x, want %x", tt.name, got, tt.want)
		}
	}
}

func hashes(h func(string) uint64, grams ...string) []uint64 {
	var out []uint64
	for _, g := range grams {
		out = append(out, h(g))
	}
	return out
}

func TestVocabularyIDF(t *testing.T) {
	docs := []analysis{analyse("wait wait"), analyse("wait"), analyse("staff")}
	spec := featureSpec{WordNgrams: 1, WordWeight: 1}
	v := buildVocabulary(docs, spec, 1)
	tests := []struct {
		stem string
		df   float64
	}{{"wait", 2}, {"staff", 1}}
	for _, tt := range tests {
		c := v.index.column(unigramHash(tt.stem))
		if c < 0 {
			t.Fatalf("%s: not in the vocabulary", tt.stem)
		}
		want := math.Log(4/(1+tt.df)) + 1
		if got := float64(v.idf[c]); math.Abs(got-want) > 1e-6 {
			t.Errorf("idf(%s): got %v, want %v", tt.stem, got, want)
		}
		if got := v.names[c]; got != tt.stem {
			t.Errorf("name of %s: got %q", tt.stem, got)
		}
	}
	if got := buildVocabulary(docs, spec, 2); len(got.hashes) != 1 || got.names[0] != "wait" {
		t.Errorf("min df 2: got %q, want only wait", got.names)
	}
}

func TestVectorNormalised(t *testing.T) {
	docs := []analysis{analyse("long long wait for the ambulance"), analyse("lovely staff"), analyse("long wait")}
	for _, charWeight := range []float64{1, 0.5} {
		spec := featureSpec{WordNgrams: 2, CharMin: 2, CharMax: 4, WordWeight: 1, CharWeight: charWeight}
		v := buildVocabulary(docs, spec, 1)
		z := newVectorizer(v)
		vec := z.vector(docs[0], sparse{})
		if len(slices.Compact(slices.Sorted(slices.Values(vec.cols)))) != len(vec.cols) {
			t.Errorf("a column appears twice: %v", vec.cols)
		}
		var word, char float64
		for i, c := range vec.cols {
			x := float64(vec.vals[i])
			if int(c) < v.nWord {
				word += x * x
			} else {
				char += x * x
			}
		}
		if math.Abs(math.Sqrt(word)-1) > 1e-5 || math.Abs(math.Sqrt(char)-charWeight) > 1e-5 {
			t.Errorf("char weight %v: got block norms %v and %v, want 1 and %v", charWeight, math.Sqrt(word), math.Sqrt(char), charWeight)
		}
		// Sublinear tf: "long" twice weighs (1 + ln 2) times "wait" once, both with df 2.
		at := func(h uint64) float64 {
			j := slices.Index(vec.cols, v.index.column(h))
			return float64(vec.vals[j])
		}
		if got, want := at(unigramHash("long"))/at(unigramHash("wait")), 1+math.Ln2; math.Abs(got-want) > 1e-5 {
			t.Errorf("tf of long against wait: got %v, want %v", got, want)
		}
		// The scratch counts are left clean for the next answer.
		if again := z.vector(docs[0], sparse{}); !slices.Equal(again.vals, vec.vals) {
			t.Errorf("vectorising again: got %v, want %v", again.vals, vec.vals)
		}
	}
	// Words the vocabulary never saw give an empty vector.
	v := buildVocabulary(docs, featureSpec{WordNgrams: 1, WordWeight: 1}, 1)
	if got := newVectorizer(v).vector(analyse("zebra"), sparse{}); len(got.cols) != 0 {
		t.Errorf("unknown word: got %v, want nothing", got.cols)
	}
}
