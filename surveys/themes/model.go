package themes

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Example is a labelled answer.
type Example struct {
	Text   string
	Themes []string
	Group  string // e.g. respondent id: cross-validation keeps a group in one fold
}

// Suggestion is one suggested theme for an answer.
type Suggestion struct {
	Theme      string   `json:"theme"`
	Confidence float64  `json:"confidence"` // 0..1
	Evidence   []string `json:"evidence"`   // matched phrases (rules) or the most influential words/n-grams in this answer (model), best first, at most 5
	Source     string   `json:"source"`     // "rule", "model" or "rule+model"
}

// MaxEvidence is the most evidence a suggestion carries.
const maxEvidence = 5

// Options are the settings of Train. DefaultOptions gives settings chosen
// by cross-validation on the NHS Friends and Family Test data (see the
// README); they are general, not tuned to any one theme.
type Options struct {
	// C is the SVM's cost: higher fits the training answers more closely,
	// lower regularises more.
	C float64
	// ClassWeight weighs each theme's positive answers by
	// (negatives/positives)^ClassWeight: 0 treats every answer alike,
	// 1 balances the classes, in between helps rare themes without
	// flooding them with false alarms.
	ClassWeight float64

	// KeepStopWords keeps English stop words as unigram features (bigrams
	// always keep them).
	KeepStopWords bool
	// WordNgrams is the longest word n-gram, 1 or 2.
	WordNgrams int
	// CharMin and CharMax bound the character n-grams taken inside each
	// word; CharMin 0 turns them off.
	CharMin, CharMax int
	// CharWeight is the weight of the character block against the word
	// block (whose weight is 1); each block is l2-normalised first.
	CharWeight float64
	// MinDF drops features found in fewer training answers.
	MinDF int

	// InnerFolds is the number of folds of the cross-validation inside the
	// training data that calibrates confidences and chooses each theme's
	// threshold. Below 2, confidences are calibrated on the training
	// answers themselves and thresholds are 0.5.
	InnerFolds int
	// ThresholdPrior pulls each theme's own threshold toward the common
	// one (best for all themes together), as if that many positive answers
	// backed the common one: a theme with 3 examples gets mostly the
	// common threshold, one with 300 mostly its own.
	ThresholdPrior float64
	// AtLeastOne: when no theme reaches its threshold, the most confident
	// one is still suggested if its confidence is at least this. 0 turns
	// it off.
	AtLeastOne float64

	// Epsilon and MaxIter stop the SVM solver.
	Epsilon float64
	MaxIter int
	// Workers trains themes in parallel; 0 means GOMAXPROCS.
	Workers int
	// Seed makes training repeatable.
	Seed int64
}

// DefaultOptions returns the settings the README's scores were measured
// with.
func DefaultOptions() Options {
	return Options{
		C:              0.5,
		ClassWeight:    0,
		WordNgrams:     2,
		CharMin:        2,
		CharMax:        5,
		CharWeight:     1,
		MinDF:          1,
		InnerFolds:     3,
		ThresholdPrior: 10,
		AtLeastOne:     0.2,
		Epsilon:        0.1,
		MaxIter:        1000,
		Seed:           1,
	}
}

func (o Options) spec() featureSpec {
	return featureSpec{KeepStopWords: o.KeepStopWords, WordNgrams: o.WordNgrams,
		CharMin: o.CharMin, CharMax: o.CharMax, WordWeight: 1, CharWeight: o.CharWeight}
}

func (o Options) check() error {
	switch {
	case o.C <= 0:
		return errors.New("themes: Options.C must be above 0")
	case o.WordNgrams < 1 || o.WordNgrams > 2:
		return errors.New("themes: Options.WordNgrams must be 1 or 2")
	case o.CharMin < 0 || (o.CharMin > 0 && o.CharMax < o.CharMin):
		return errors.New("themes: Options.CharMin and CharMax must be 0 (off) or 1 <= CharMin <= CharMax")
	case o.Epsilon <= 0 || o.MaxIter < 1:
		return errors.New("themes: Options.Epsilon and MaxIter must be above 0")
	}
	return nil
}

// Model suggests themes for an answer: one linear SVM per theme (one
// versus the rest) on TF-IDF features, with Platt-calibrated confidences
// and a threshold per theme. It is safe for concurrent use.
type Model struct {
	themes []string
	vocab  *vocabulary
	// weights holds feature × theme: the weights of feature f are
	// weights[f*len(themes):(f+1)*len(themes)], so scoring an answer reads
	// one contiguous run per feature it has.
	weights    []float32
	bias       []float64
	plattA     []float64
	plattB     []float64
	thresholds []float64
	atLeastOne float64

	scratch sync.Pool // *predictor
}

// Themes returns the themes the model knows, sorted.
func (m *Model) Themes() []string { return slices.Clone(m.themes) }

// checkExamples reports the first example Train would refuse.
func checkExamples(examples []Example) error {
	if len(examples) == 0 {
		return errors.New("themes: no labelled examples to train on")
	}
	for i, e := range examples {
		if strings.TrimSpace(e.Text) == "" {
			return fmt.Errorf("themes: example %d has no text", i+1)
		}
		if len(e.Themes) == 0 {
			return fmt.Errorf("themes: example %d (%.40q) has no themes", i+1, e.Text)
		}
		for _, t := range e.Themes {
			if strings.TrimSpace(t) == "" {
				return fmt.Errorf("themes: example %d (%.40q) has an empty theme name", i+1, e.Text)
			}
		}
	}
	return nil
}

// Train learns a model from labelled answers. Each example needs text and
// at least one theme ("Not assigned" is a theme like any other).
//
// Training runs the solver 1 + InnerFolds times per theme: once on every
// example for the final weights, and once per inner fold (grouped by
// Example.Group, like CrossValidate) to get honest decision values for
// each training answer. Those out-of-fold values calibrate the confidence
// (Platt scaling) and choose the thresholds:
//
//   - the common threshold maximises micro-F1 over every (answer, theme)
//     pair: tens of thousands of points, so it is steady;
//   - a theme's own threshold is half its best out-of-fold F1: for
//     calibrated confidences the F1-optimal threshold is half the optimal
//     F1 (Lipton, Elkan and Narayanaswamy, "Optimal thresholding of
//     classifiers to maximize F1 measure", 2014). Measured on the FFT data
//     it is steadier than the threshold where F1 peaked, which overfits
//     themes with few examples (unshrunk, micro-F1 0.668 against 0.615);
//   - the two are mixed by the theme's number of examples against
//     ThresholdPrior.
func Train(examples []Example, opts Options) (*Model, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if err := checkExamples(examples); err != nil {
		return nil, err
	}
	var themes []string
	seen := map[string]bool{}
	for _, e := range examples {
		for _, t := range e.Themes {
			if !seen[t] {
				seen[t] = true
				themes = append(themes, t)
			}
		}
	}
	slices.Sort(themes)
	docs := make([]analysis, len(examples))
	for i, e := range examples {
		docs[i] = analyse(e.Text)
	}
	vocab := buildVocabulary(docs, opts.spec(), opts.MinDF)
	x := vectorizeAll(vocab, docs)
	sqNorm := make([]float64, x.rows())
	for i := range sqNorm {
		_, vals := x.row(i)
		for _, v := range vals {
			sqNorm[i] += float64(v) * float64(v)
		}
	}
	positive := make([][]bool, len(themes))
	nPos := make([]int, len(themes))
	col := map[string]int{}
	for k, t := range themes {
		col[t] = k
		positive[k] = make([]bool, len(examples))
	}
	for i, e := range examples {
		for _, t := range e.Themes {
			k := col[t]
			if !positive[k][i] {
				positive[k][i] = true
				nPos[k]++
			}
		}
	}

	t := &trainer{x: x, sqNorm: sqNorm, positive: positive, nPos: nPos, opts: opts, nFeatures: len(vocab.hashes)}
	m := &Model{themes: themes, vocab: vocab, atLeastOne: opts.AtLeastOne,
		weights: make([]float32, len(vocab.hashes)*len(themes)), bias: make([]float64, len(themes)),
		plattA: make([]float64, len(themes)), plattB: make([]float64, len(themes)), thresholds: make([]float64, len(themes))}

	// Out-of-fold decision values of every training answer, per theme.
	dec := make([][]float64, len(themes))
	for k := range dec {
		dec[k] = make([]float64, len(examples))
	}
	fold := groupFolds(examples, opts.InnerFolds, opts.Seed)
	inner := slices.Max(fold) + 1
	all := make([]int, len(examples))
	for i := range all {
		all[i] = i
	}
	if inner >= 2 {
		for f := 0; f < inner; f++ {
			var train, test []int
			for i, fi := range fold {
				if fi == f {
					test = append(test, i)
				} else {
					train = append(train, i)
				}
			}
			t.run(train, uint64(f+1), func(k int, w []float64) {
				for _, i := range test {
					dec[k][i] = rowDot(x, i, w)
				}
			})
		}
	}
	t.run(all, 0, func(k int, w []float64) {
		nf := len(w) - 1
		for f := 0; f < nf; f++ {
			m.weights[f*len(themes)+k] = float32(w[f])
		}
		m.bias[k] = w[nf]
		if inner < 2 {
			for i := range examples {
				dec[k][i] = rowDot(x, i, w)
			}
		}
	})

	// Calibrate, then choose thresholds on the calibrated out-of-fold
	// confidences.
	probs := make([][]float64, len(themes))
	for k := range themes {
		m.plattA[k], m.plattB[k] = platt(dec[k], positive[k])
		probs[k] = make([]float64, len(examples))
		for i, d := range dec[k] {
			probs[k][i] = sigmoid(d, m.plattA[k], m.plattB[k])
		}
	}
	if inner < 2 {
		for k := range m.thresholds {
			m.thresholds[k] = 0.5
		}
		return m, nil
	}
	var pooled []float64
	var pooledPos []bool
	for k := range themes {
		pooled = append(pooled, probs[k]...)
		pooledPos = append(pooledPos, positive[k]...)
	}
	common, _ := bestThreshold(pooled, pooledPos)
	for k := range themes {
		_, f1 := bestThreshold(probs[k], positive[k])
		m.thresholds[k] = themeThreshold(f1, nPos[k], common, opts.ThresholdPrior)
	}
	return m, nil
}

// themeThreshold mixes a theme's own threshold, half its best F1, with the
// common one, weighted by its number of positive examples against prior.
func themeThreshold(bestF1 float64, positives int, common, prior float64) float64 {
	n := float64(positives)
	if n+prior == 0 {
		return common
	}
	return (n*bestF1/2 + prior*common) / (n + prior)
}

// trainer trains one SVM per theme on a subset of the training rows.
type trainer struct {
	x         *matrix
	sqNorm    []float64
	positive  [][]bool
	nPos      []int
	opts      Options
	nFeatures int
}

// run trains every theme on rows, in parallel, and calls done with each
// theme's weights (the bias last). done may be called from several
// goroutines at once, for different themes.
func (t *trainer) run(rows []int, stream uint64, done func(k int, w []float64)) {
	workers := t.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(t.positive)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, t.nFeatures+1)
			alpha := make([]float64, len(rows))
			order := make([]int, len(rows))
			for k := range next {
				pos := 0
				for _, i := range rows {
					if t.positive[k][i] {
						pos++
					}
				}
				neg := len(rows) - pos
				cPos := t.opts.C
				if pos > 0 && neg > 0 && t.opts.ClassWeight != 0 {
					cPos *= math.Pow(float64(neg)/float64(pos), t.opts.ClassWeight)
				}
				rng := rand.New(rand.NewPCG(uint64(t.opts.Seed), stream<<32|uint64(k)))
				trainSVM(t.x, t.sqNorm, t.positive[k], rows, cPos, t.opts.C, t.opts.Epsilon, t.opts.MaxIter, rng, w, alpha, order)
				done(k, w)
			}
		}()
	}
	for k := range t.positive {
		next <- k
	}
	close(next)
	wg.Wait()
}

func rowDot(x *matrix, i int, w []float64) float64 {
	cols, vals := x.row(i)
	d := w[len(w)-1]
	for j, c := range cols {
		d += w[c] * float64(vals[j])
	}
	return d
}

// predictor is scratch space for scoring one answer at a time.
type predictor struct {
	z      *vectorizer
	vec    sparse
	raw    []float32
	scores []float64
	a      analysis
	// evidence scratch: each word's and each pair's share, candidates
	word, pair    []float64
	units, chosen []int
}

func (m *Model) predictor() *predictor {
	if p, ok := m.scratch.Get().(*predictor); ok {
		return p
	}
	return &predictor{z: newVectorizer(m.vocab), raw: make([]float32, len(m.themes)), scores: make([]float64, len(m.themes))}
}

// score fills p.scores with every theme's confidence for an answer.
func (m *Model) score(p *predictor, a analysis) {
	p.a = a
	p.vec = p.z.vector(p.a, p.vec)
	nt := len(m.themes)
	clear(p.raw)
	for j, c := range p.vec.cols {
		x := p.vec.vals[j]
		row := m.weights[int(c)*nt : int(c)*nt+nt]
		for k, w := range row {
			p.raw[k] += x * w
		}
	}
	for k := range p.scores {
		p.scores[k] = sigmoid(float64(p.raw[k])+m.bias[k], m.plattA[k], m.plattB[k])
	}
}

// Scores returns every theme's confidence for text, 0 to 1, thresholds
// not applied: for ordering answers to review.
func (m *Model) Scores(text string) map[string]float64 {
	p := m.predictor()
	defer m.scratch.Put(p)
	m.score(p, analyse(text))
	out := make(map[string]float64, len(m.themes))
	for k, t := range m.themes {
		out[t] = p.scores[k]
	}
	return out
}

// Predict returns the themes whose confidence reaches their threshold,
// most confident first, each with the words of the answer that pushed
// its score up most. When none does, the most confident theme is returned
// if its confidence is at least Options.AtLeastOne: every answer in
// labelled data has a theme, even if it is "Not assigned". On the FFT data
// it changes F1 by less than 0.003 (recall up, precision down), but it
// leaves fewer answers with nothing to review.
func (m *Model) Predict(text string) []Suggestion {
	out, _ := m.predict(analyse(text), nil)
	return out
}

// predict is Predict for the themes k with allowed[k] (all when allowed is
// nil); fallback says the one suggestion is there only because of
// AtLeastOne.
func (m *Model) predict(a analysis, allowed []bool) (out []Suggestion, fallback bool) {
	p := m.predictor()
	defer m.scratch.Put(p)
	m.score(p, a)
	best := -1
	for k, s := range p.scores {
		if allowed != nil && !allowed[k] {
			continue
		}
		if s >= m.thresholds[k] {
			out = append(out, Suggestion{Theme: m.themes[k], Confidence: s, Source: "model"})
		}
		if best < 0 || s > p.scores[best] {
			best = k
		}
	}
	if len(out) == 0 && best >= 0 && m.atLeastOne > 0 && p.scores[best] >= m.atLeastOne {
		out = append(out, Suggestion{Theme: m.themes[best], Confidence: p.scores[best], Source: "model"})
		fallback = true
	}
	sortSuggestions(out)
	for i := range out {
		k, _ := slices.BinarySearch(m.themes, out[i].Theme)
		out[i].Evidence = m.evidence(p, k)
	}
	return out, fallback
}

// evidence returns up to maxEvidence words or word pairs of the answer in
// p that raised theme k's score most. A word's share is its unigram
// feature plus the character n-grams taken from it; a pair's share is its
// bigram feature; a feature found several times in the answer shares its
// value equally among them. Stop words are not evidence: alone they are
// left out, and a pair with one ("the ward") counts as its other word. A
// word already given, alone or in a pair, is not repeated. The words are
// as the answer has them (lower-cased), not stems, so a person can read
// them.
func (m *Model) evidence(p *predictor, k int) []string {
	nt := len(m.themes)
	nw := len(p.a.words)
	p.word = slices.Grow(p.word[:0], nw)[:nw]
	p.pair = slices.Grow(p.pair[:0], nw)[:nw]
	clear(p.word)
	clear(p.pair)
	z := p.z
	for i, t := range z.terms {
		c := z.termCols[i]
		if c < 0 {
			continue
		}
		v := float64(z.termShare[i]) * float64(m.weights[int(c)*nt+k])
		if t.kind == kindBigram {
			p.pair[t.pos] += v
		} else {
			p.word[t.pos] += v
		}
	}
	// Candidates: word i is unit 2i, the pair starting at word i is 2i+1.
	p.units = p.units[:0]
	for i := range nw {
		if p.word[i] > 0 && !IsStopWord(p.a.stems[i]) {
			p.units = append(p.units, 2*i)
		}
		if p.pair[i] > 0 && i+1 < nw {
			p.units = append(p.units, 2*i+1)
		}
	}
	share := func(u int) float64 {
		if u%2 == 1 {
			return p.pair[u/2]
		}
		return p.word[u/2]
	}
	slices.SortStableFunc(p.units, func(a, b int) int {
		switch sa, sb := share(a), share(b); {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	var out []string
	// chosen reports whether word i (or the same word elsewhere in the
	// answer) is already in the evidence, alone or in a pair.
	chosen := func(i int) bool {
		for _, prev := range p.chosen {
			if w := p.a.words[i]; w == p.a.words[prev/2] || (prev%2 == 1 && w == p.a.words[prev/2+1]) {
				return true
			}
		}
		return false
	}
	stop := func(i int) bool { return IsStopWord(p.a.stems[i]) }
	p.chosen = p.chosen[:0]
	for _, u := range p.units {
		if len(out) == maxEvidence {
			break
		}
		i := u / 2
		if u%2 == 0 && chosen(i) {
			continue
		}
		// A pair with a stop word ("the ward") counts as its other word;
		// two stop words are nothing.
		if u%2 == 1 {
			switch {
			case stop(i) && stop(i+1):
				continue
			case stop(i):
				u, i = 2*(i+1), i+1
			case stop(i + 1):
				u--
			case chosen(i) && chosen(i+1):
				continue
			}
			if u%2 == 0 && chosen(i) {
				continue
			}
		}
		text := p.a.words[u/2]
		if u%2 == 1 {
			text += " " + p.a.words[u/2+1]
		}
		out = append(out, text)
		p.chosen = append(p.chosen, u)
	}
	return out
}

// sortSuggestions puts the most confident first, then by theme name.
func sortSuggestions(s []Suggestion) {
	slices.SortFunc(s, func(a, b Suggestion) int {
		switch {
		case a.Confidence > b.Confidence:
			return -1
		case a.Confidence < b.Confidence:
			return 1
		}
		return strings.Compare(a.Theme, b.Theme)
	})
}

// sortByDesc sorts idx so that vals[idx[i]] decreases.
func sortByDesc(idx []int, vals []float64) {
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case vals[a] > vals[b]:
			return -1
		case vals[a] < vals[b]:
			return 1
		}
		return a - b
	})
}

// groupFolds assigns each example to one of folds folds, keeping the
// examples of a group (Example.Group; an empty group is a group of one)
// together. Groups are shuffled with seed, then placed largest first into
// the fold with fewest examples so far, so folds are about the same size.
// With fewer groups than folds, there are as many folds as groups.
func groupFolds(examples []Example, folds int, seed int64) []int {
	type group struct {
		members []int
	}
	byName := map[string]*group{}
	var groups []*group
	for i, e := range examples {
		if e.Group == "" {
			groups = append(groups, &group{members: []int{i}})
			continue
		}
		g := byName[e.Group]
		if g == nil {
			g = &group{}
			byName[e.Group] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, i)
	}
	out := make([]int, len(examples))
	folds = min(folds, len(groups))
	if folds < 2 {
		return out
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x766f69636573))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	slices.SortStableFunc(groups, func(a, b *group) int { return len(b.members) - len(a.members) })
	size := make([]int, folds)
	for _, g := range groups {
		f := 0
		for j := range size {
			if size[j] < size[f] {
				f = j
			}
		}
		for _, i := range g.members {
			out[i] = f
		}
		size[f] += len(g.members)
	}
	return out
}
