package themes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// A stored model, little-endian, version 1:
//
//	"VOICES-THEMES\x00" magic, uint32 version
//	feature spec: keepStopWords u8, wordNgrams u8, charMin u8, charMax u8, wordWeight f64, charWeight f64
//	atLeastOne f64
//	themes: uint32 count, then per theme: name (uvarint length + bytes), bias f64, plattA f64, plattB f64, threshold f64
//	features: uint32 count, uint32 word count, hash u64 × count, idf f32 × count, names of the word features (uvarint length + bytes each)
//	weights: f32 × features × themes (feature-major)
//	CRC-32 (IEEE) of everything before it
//
// A new version gets a new number; UnmarshalBinary refuses versions it
// does not know rather than guess.
const (
	modelMagic   = "VOICES-THEMES\x00"
	modelVersion = 1
)

// MarshalBinary encodes the model, to keep it (e.g. as a SQLite blob).
func (m *Model) MarshalBinary() ([]byte, error) {
	v := m.vocab
	b := make([]byte, 0, 64+len(v.hashes)*12+len(m.weights)*4)
	b = append(b, modelMagic...)
	b = binary.LittleEndian.AppendUint32(b, modelVersion)
	keep := byte(0)
	if v.spec.KeepStopWords {
		keep = 1
	}
	b = append(b, keep, byte(v.spec.WordNgrams), byte(v.spec.CharMin), byte(v.spec.CharMax))
	b = appendFloat64(b, v.spec.WordWeight)
	b = appendFloat64(b, v.spec.CharWeight)
	b = appendFloat64(b, m.atLeastOne)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.themes)))
	for k, t := range m.themes {
		b = appendString(b, t)
		b = appendFloat64(b, m.bias[k])
		b = appendFloat64(b, m.plattA[k])
		b = appendFloat64(b, m.plattB[k])
		b = appendFloat64(b, m.thresholds[k])
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v.hashes)))
	b = binary.LittleEndian.AppendUint32(b, uint32(v.nWord))
	for _, h := range v.hashes {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	for _, x := range v.idf {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, n := range v.names {
		b = appendString(b, n)
	}
	for _, w := range m.weights {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(w))
	}
	return appendChecksum(b), nil
}

func appendChecksum(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// UnmarshalBinary decodes a model encoded by MarshalBinary, replacing m.
func (m *Model) UnmarshalBinary(data []byte) error {
	if len(data) < len(modelMagic)+8 || string(data[:len(modelMagic)]) != modelMagic {
		return errors.New("themes: not a stored theme model")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return errors.New("themes: stored theme model is damaged (checksum mismatch)")
	}
	r := &reader{b: body[len(modelMagic):]}
	if v := r.uint32(); v != modelVersion {
		return fmt.Errorf("themes: stored theme model has version %d; this Voices reads version %d: train it again", v, modelVersion)
	}
	spec := featureSpec{KeepStopWords: r.byte() == 1, WordNgrams: int(r.byte()), CharMin: int(r.byte()), CharMax: int(r.byte())}
	spec.WordWeight = r.float64()
	spec.CharWeight = r.float64()
	n := Model{atLeastOne: r.float64()}
	nt := r.count(8)
	for range nt {
		n.themes = append(n.themes, r.string())
		n.bias = append(n.bias, r.float64())
		n.plattA = append(n.plattA, r.float64())
		n.plattB = append(n.plattB, r.float64())
		n.thresholds = append(n.thresholds, r.float64())
	}
	v := &vocabulary{spec: spec}
	nf := r.count(12)
	v.nWord = r.count(0)
	if v.nWord > nf {
		r.fail()
	}
	v.hashes = make([]uint64, 0, nf)
	for range nf {
		v.hashes = append(v.hashes, r.uint64())
	}
	v.idf = make([]float32, 0, nf)
	for range nf {
		v.idf = append(v.idf, math.Float32frombits(r.uint32()))
	}
	for range v.nWord {
		v.names = append(v.names, r.string())
	}
	if r.err == nil && uint64(len(r.b)) != uint64(nf)*uint64(nt)*4 {
		r.fail()
	}
	if r.err != nil {
		return r.err
	}
	n.weights = make([]float32, nf*nt)
	for i := range n.weights {
		n.weights[i] = math.Float32frombits(r.uint32())
	}
	if !slices.IsSorted(n.themes) || spec.WordNgrams < 1 || spec.WordNgrams > 2 || spec.CharMax < spec.CharMin {
		return errors.New("themes: stored theme model is not consistent")
	}
	v.index = newHashIndex(v.hashes)
	n.vocab = v
	*m = Model{themes: n.themes, vocab: n.vocab, weights: n.weights, bias: n.bias, plattA: n.plattA,
		plattB: n.plattB, thresholds: n.thresholds, atLeastOne: n.atLeastOne}
	return nil
}

func appendFloat64(b []byte, x float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader reads a stored model; after the first error every read returns
// zero and err says what went wrong.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errors.New("themes: stored theme model is truncated or not consistent")
	}
	r.b = nil
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) uint32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) uint64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) float64() float64 { return math.Float64frombits(r.uint64()) }

// count reads a uint32 count of items that take at least size bytes each,
// refusing one the rest of the data cannot hold (so damaged data cannot
// make us allocate gigabytes).
func (r *reader) count(size int) int {
	n := r.uint32()
	if uint64(n)*uint64(size) > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) string() string {
	if r.err != nil {
		return ""
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.fail()
		return ""
	}
	r.b = r.b[k:]
	return string(r.take(int(n)))
}
