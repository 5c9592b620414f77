package themes

import (
	"math"
	"slices"
)

// Features: what the model sees of an answer.
//
// An answer becomes a sparse TF-IDF vector with two blocks:
//
//   - word n-grams of its stems (Analyze): unigrams (English stop words
//     left out, unless Options.KeepStopWords) and bigrams of consecutive
//     stems, stop words included, so "not listen" and "no one" survive;
//   - character n-grams (2–5 by default) of each lower-cased, unstemmed word
//     padded with a space each side (" wait ", " wai", "ait "), never
//     across words. They catch misspellings, word endings the stemmer
//     misses, and words in any script, where there is no stemmer.
//
// Term frequency is sublinear (1 + ln tf), idf is smoothed
// (ln((1+n)/(1+df)) + 1), and each block is l2-normalised on its own, then
// scaled by its weight, so long answers and the thousands of character
// n-grams do not drown the words.
//
// Features are identified by a 64-bit FNV-1a hash of their kind and text
// and kept in a dictionary (only those in at least MinDF training answers),
// so there are no collisions in practice, the model stays small, and a
// word n-gram's column can be traced back to words a person reads: model
// evidence is always words from the answer itself.

// featureKind says which block a feature belongs to.
const (
	kindUnigram byte = 'w'
	kindBigram  byte = 'b'
	kindChar    byte = 'c'
)

// term is one occurrence of a feature in an answer: its hash, its kind,
// and the position of the (first) word it comes from, so its weight can
// be credited to words as evidence.
type term struct {
	hash uint64
	pos  int32
	kind byte
}

// featureSpec is how answers are turned into terms: part of a model,
// stored with it, so a loaded model sees answers the way it was trained.
type featureSpec struct {
	KeepStopWords bool
	WordNgrams    int // longest word n-gram: 1 or 2
	CharMin       int // shortest character n-gram; 0 turns them off
	CharMax       int
	WordWeight    float64
	CharWeight    float64
}

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func fnvByte(h uint64, b byte) uint64 {
	h ^= uint64(b)
	return h * fnvPrime
}

// unigramHash, bigramHash and charHash name features; tests and the
// evidence code use them to find a feature's column.
func unigramHash(stem string) uint64 { return fnvString(fnvByte(fnvOffset, kindUnigram), stem) }

func bigramHash(a, b string) uint64 {
	h := fnvString(fnvByte(fnvOffset, kindBigram), a)
	return fnvString(fnvByte(h, ' '), b)
}

func charHash(gram string) uint64 { return fnvString(fnvByte(fnvOffset, kindChar), gram) }

// analysis is an answer's words and their stems.
type analysis struct {
	words, stems []string
}

func analyse(text string) analysis {
	words := Words(text)
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = Stem(w)
	}
	return analysis{words: words, stems: stems}
}

// terms appends the terms of an analysed answer to dst and returns it.
// offs is scratch space for rune offsets, returned for reuse.
func (s *featureSpec) terms(a analysis, dst []term, offs []int) ([]term, []int) {
	for i, st := range a.stems {
		if s.KeepStopWords || !IsStopWord(st) {
			dst = append(dst, term{unigramHash(st), int32(i), kindUnigram})
		}
		if s.WordNgrams >= 2 && i+1 < len(a.stems) {
			dst = append(dst, term{bigramHash(st, a.stems[i+1]), int32(i), kindBigram})
		}
	}
	if s.CharMin <= 0 {
		return dst, offs
	}
	for i, w := range a.words {
		// The padded word is " " + w + " "; offs holds the byte offset of
		// each of its runes (and its end), so n-grams are whole runes in
		// any script.
		offs = offs[:0]
		offs = append(offs, 0)
		for j := range w {
			offs = append(offs, 1+j)
		}
		offs = append(offs, 1+len(w), 2+len(w))
		runes := len(offs) - 1
		at := func(k int) byte { // byte k of the padded word
			switch {
			case k == 0 || k == len(w)+1:
				return ' '
			default:
				return w[k-1]
			}
		}
		for start := 0; start+s.CharMin <= runes; start++ {
			h := fnvByte(fnvOffset, kindChar)
			for n := 1; n <= s.CharMax && start+n <= runes; n++ {
				for k := offs[start+n-1]; k < offs[start+n]; k++ {
					h = fnvByte(h, at(k))
				}
				if n >= s.CharMin {
					dst = append(dst, term{h, int32(i), kindChar})
				}
			}
		}
	}
	return dst, offs
}

// termText is the text of a word term, for naming features: the stem or
// the two stems with a space between.
func termText(a analysis, t term) string {
	if t.kind == kindBigram {
		return a.stems[t.pos] + " " + a.stems[t.pos+1]
	}
	return a.stems[t.pos]
}

// vocabulary maps feature hashes to columns: word features first, then
// character n-grams.
type vocabulary struct {
	spec   featureSpec
	hashes []uint64  // column → hash
	idf    []float32 // column → inverse document frequency
	names  []string  // word columns → their stems, e.g. "wait time"
	nWord  int       // columns below nWord are word n-grams
	index  hashIndex
}

// buildVocabulary counts in how many answers each feature occurs and keeps
// those in at least minDF of them.
func buildVocabulary(docs []analysis, spec featureSpec, minDF int) *vocabulary {
	type count struct {
		df   int32
		kind byte
		name string
	}
	counts := map[uint64]*count{}
	var (
		terms []term
		offs  []int
		seen  = map[uint64]bool{}
	)
	for _, d := range docs {
		terms, offs = spec.terms(d, terms[:0], offs)
		clear(seen)
		for _, t := range terms {
			if seen[t.hash] {
				continue
			}
			seen[t.hash] = true
			c := counts[t.hash]
			if c == nil {
				c = &count{kind: t.kind}
				if t.kind != kindChar {
					c.name = termText(d, t)
				}
				counts[t.hash] = c
			}
			c.df++
		}
	}
	type kept struct {
		hash uint64
		*count
	}
	var keep []kept
	for h, c := range counts {
		if int(c.df) >= max(minDF, 1) {
			keep = append(keep, kept{h, c})
		}
	}
	// Words first, then characters; by hash within each, so the same data
	// always gives the same columns.
	slices.SortFunc(keep, func(a, b kept) int {
		aw, bw := a.kind != kindChar, b.kind != kindChar
		switch {
		case aw && !bw:
			return -1
		case !aw && bw:
			return 1
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return 0
	})
	v := &vocabulary{spec: spec}
	n := float64(len(docs))
	for _, k := range keep {
		v.hashes = append(v.hashes, k.hash)
		v.idf = append(v.idf, float32(math.Log((1+n)/(1+float64(k.df)))+1))
		if k.kind != kindChar {
			v.names = append(v.names, k.name)
			v.nWord++
		}
	}
	v.index = newHashIndex(v.hashes)
	return v
}

// hashIndex maps feature hashes to columns: an open-addressing table with
// linear probing, indexed by the hash's own bits (they are FNV-1a, already
// well mixed). It is read for every term of every answer, and is about
// twice as fast as a Go map here.
type hashIndex struct {
	keys []uint64
	cols []int32 // -1: empty slot
	mask uint64
}

func newHashIndex(hashes []uint64) hashIndex {
	size := 16
	for size < 2*len(hashes) {
		size *= 2
	}
	x := hashIndex{keys: make([]uint64, size), cols: make([]int32, size), mask: uint64(size - 1)}
	for i := range x.cols {
		x.cols[i] = -1
	}
	for c, h := range hashes {
		i := h & x.mask
		for x.cols[i] >= 0 {
			i = (i + 1) & x.mask
		}
		x.keys[i], x.cols[i] = h, int32(c)
	}
	return x
}

// column returns the column of hash h, or -1.
func (x *hashIndex) column(h uint64) int32 {
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		switch c := x.cols[i]; {
		case c < 0:
			return -1
		case x.keys[i] == h:
			return c
		}
	}
}

// sparse is a sparse vector: columns in the order the answer's terms first
// appear (sorting them costs more than it saves) and their values.
type sparse struct {
	cols []int32
	vals []float32
}

// vectorizer turns answers into TF-IDF vectors, with scratch space so
// that a busy caller does not allocate per answer. One per goroutine.
type vectorizer struct {
	v      *vocabulary
	counts []float32 // column → count in the current answer
	values []float32 // column → value in the current answer
	offs   []int
	cols   []int32
	// The current answer's terms, the column of each (-1: not a feature)
	// and each occurrence's share of its feature's value: the evidence
	// code credits words with them.
	terms     []term
	termCols  []int32
	termShare []float32
}

func newVectorizer(v *vocabulary) *vectorizer {
	return &vectorizer{v: v, counts: make([]float32, len(v.hashes)), values: make([]float32, len(v.hashes))}
}

// vector returns the TF-IDF vector of an analysed answer, written over
// dst's slices so a caller can reuse them. z.terms keeps the answer's terms
// until the next call, for evidence.
func (z *vectorizer) vector(a analysis, dst sparse) sparse {
	z.terms, z.offs = z.v.spec.terms(a, z.terms[:0], z.offs)
	z.cols = z.cols[:0]
	z.termCols = z.termCols[:0]
	for _, t := range z.terms {
		c := z.v.index.column(t.hash)
		z.termCols = append(z.termCols, c)
		if c < 0 {
			continue
		}
		if z.counts[c] == 0 {
			z.cols = append(z.cols, c)
		}
		z.counts[c]++
	}
	dst.cols, dst.vals = dst.cols[:0], dst.vals[:0]
	var wordNorm, charNorm float64
	for _, c := range z.cols {
		x := (1 + float32(math.Log(float64(z.counts[c])))) * z.v.idf[c]
		dst.cols = append(dst.cols, c)
		dst.vals = append(dst.vals, x)
		if int(c) < z.v.nWord {
			wordNorm += float64(x) * float64(x)
		} else {
			charNorm += float64(x) * float64(x)
		}
	}
	ws, cs := float32(0), float32(0)
	if wordNorm > 0 {
		ws = float32(z.v.spec.WordWeight / math.Sqrt(wordNorm))
	}
	if charNorm > 0 {
		cs = float32(z.v.spec.CharWeight / math.Sqrt(charNorm))
	}
	for i, c := range dst.cols {
		if int(c) < z.v.nWord {
			dst.vals[i] *= ws
		} else {
			dst.vals[i] *= cs
		}
		z.values[c] = dst.vals[i]
	}
	z.termShare = z.termShare[:0]
	for _, c := range z.termCols {
		share := float32(0)
		if c >= 0 {
			share = z.values[c] / z.counts[c]
		}
		z.termShare = append(z.termShare, share)
	}
	for _, c := range z.cols {
		z.counts[c], z.values[c] = 0, 0
	}
	return dst
}

// matrix is a set of answers as rows of a sparse matrix (CSR).
type matrix struct {
	start []int // row i is cols[start[i]:start[i+1]]
	cols  []int32
	vals  []float32
}

func (m *matrix) rows() int { return len(m.start) - 1 }

func (m *matrix) row(i int) ([]int32, []float32) {
	return m.cols[m.start[i]:m.start[i+1]], m.vals[m.start[i]:m.start[i+1]]
}

func vectorizeAll(v *vocabulary, docs []analysis) *matrix {
	z := newVectorizer(v)
	m := &matrix{start: []int{0}}
	var s sparse
	for _, d := range docs {
		s = z.vector(d, s)
		m.cols = append(m.cols, s.cols...)
		m.vals = append(m.vals, s.vals...)
		m.start = append(m.start, len(m.cols))
	}
	return m
}
