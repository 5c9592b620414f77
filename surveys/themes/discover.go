package themes

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discovery groups answers that no theme covers into candidate themes, for
// an officer to accept into the codebook, rename, merge or dismiss.
//
// How: each answer becomes a TF-IDF vector of its stemmed words and
// two-word phrases (stop words out); latent semantic analysis (a truncated
// SVD, computed by the randomised method of Halko, Martinsson and Tropp)
// folds words that are used alike onto the same few dimensions, which short
// answers need: "driver was late" and "waited hours for transport" share no
// word but do share dimensions. Spherical k-means (cosine similarity, seeded
// k-means++ starts, the best of a few runs) then groups the answers, and
// each group is labelled by the words and phrases most distinctive of it
// (class-based TF-IDF, as BERTopic does).

// DiscoverOptions tune Discover. A count left at zero takes its default
// (see DefaultDiscoverOptions); a Seed of zero is a seed like any other.
type DiscoverOptions struct {
	// Clusters, when above zero, fixes the number of clusters. Otherwise
	// it is √(n/2) for n answers clustered, rounded, then kept between
	// MinClusters and MaxClusters: about 39 for 3,000 answers, 60 (the
	// most) from 7,200. A size rule rather than a fit criterion such as
	// silhouette: what limits the number is a person's time, each
	// candidate being a decision to make, and a rule is cheap and
	// predictable (a fit criterion means clustering many times).
	Clusters                 int
	MinClusters, MaxClusters int
	// Seed fixes the random starts: the same texts, options and seed give
	// the same candidates.
	Seed int64
	// Dimensions of the semantic space (the SVD's rank).
	Dimensions int
	// Restarts is how many k-means runs are made; the tightest is kept.
	Restarts int
	// MinSize: a cluster with fewer members is broken up and its members
	// join the nearest remaining cluster. Default: a fifth of the average
	// cluster size, and at least 3.
	MinSize int
}

// DefaultDiscoverOptions are the settings the README's measurements use.
func DefaultDiscoverOptions() DiscoverOptions {
	return DiscoverOptions{MinClusters: 5, MaxClusters: 60, Seed: 1, Dimensions: 50, Restarts: 3}
}

// Candidate is a candidate theme: a group of answers that read alike.
type Candidate struct {
	// Label is the first two key phrases, e.g. "waiting time / late".
	Label string
	// KeyPhrases are 3–8 words or two-word phrases, most distinctive
	// first, each as people wrote it most often ("waiting", not "wait").
	KeyPhrases []string
	// Members are indexes into the texts given to Discover, in order.
	Members []int
	// Representatives are 3–5 members (fewer only in a cluster with
	// fewer different texts) closest to the cluster's centre, most typical
	// first, no two with the same text.
	Representatives []int
}

// Discover clusters texts into candidate themes, biggest first.
//
// Answers are left out of every candidate when none of their words or
// phrases (stop words aside) occurs in at least one other answer — "ok",
// "n/a", "Nothing to add.", or words nobody else used: there is nothing
// to group them by. Everything else is in exactly one candidate.
func Discover(texts []string, opts DiscoverOptions) []Candidate {
	opts = opts.withDefaults()
	c := newDiscoverCorpus(texts)
	if len(c.kept) < 2 {
		return nil
	}
	k := opts.Clusters
	if k <= 0 {
		k = int(math.Round(math.Sqrt(float64(len(c.kept)) / 2)))
		k = max(opts.MinClusters, min(k, opts.MaxClusters))
	}
	k = min(k, len(c.kept))
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x766f69636573)) // "voices"
	points := c.semanticSpace(opts.Dimensions, rng)

	var best kmeansResult
	for r := 0; r < opts.Restarts; r++ {
		res := sphericalKMeans(points, k, rng)
		if r == 0 || res.cohesion > best.cohesion {
			best = res
		}
	}
	minSize := opts.MinSize
	if minSize <= 0 {
		minSize = max(3, len(c.kept)/(5*k))
	}
	best = dissolveSmall(points, best, minSize)

	groups := make([][]int, len(best.centres)) // indexes into c.kept
	for p, g := range best.assign {
		groups[g] = append(groups[g], p)
	}
	var out []Candidate
	for g, ps := range groups {
		if len(ps) == 0 {
			continue
		}
		members := make([]int, len(ps))
		for i, p := range ps {
			members[i] = c.kept[p]
		}
		keys := c.keyPhrases(members)
		out = append(out, Candidate{
			Label:           strings.Join(keys[:min(2, len(keys))], " / "),
			KeyPhrases:      keys,
			Members:         members,
			Representatives: c.representatives(texts, points, ps, best.centres[g]),
		})
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if n := cmp.Compare(len(b.Members), len(a.Members)); n != 0 {
			return n
		}
		return cmp.Compare(a.Members[0], b.Members[0])
	})
	return out
}

func (o DiscoverOptions) withDefaults() DiscoverOptions {
	d := DefaultDiscoverOptions()
	if o.MinClusters <= 0 {
		o.MinClusters = d.MinClusters
	}
	if o.MaxClusters <= 0 {
		o.MaxClusters = d.MaxClusters
	}
	o.MaxClusters = max(o.MaxClusters, o.MinClusters)
	if o.Dimensions <= 0 {
		o.Dimensions = d.Dimensions
	}
	if o.Restarts <= 0 {
		o.Restarts = d.Restarts
	}
	return o
}

// discoverCorpus is the texts as term vectors, with what labelling needs:
// each term's document frequency and the way people wrote it.
type discoverCorpus struct {
	terms   []string         // stemmed terms: "wait" or "wait time"
	surface []map[string]int // per term, how often each written form was used
	df      []int            // per term, how many answers use it
	docs    [][]termWeight   // per text, its TF-IDF vector (unit length), nil if left out
	kept    []int            // the texts with a vector
}

type termWeight struct {
	term   int32
	weight float64
}

// newDiscoverCorpus builds the vectors. A term is a stemmed word that is not
// a stop word (nor a number of one or two digits, nor a single letter), or
// two such words side by side; terms used by only one answer are dropped,
// and so are terms used by over half of them, which separate nothing.
func newDiscoverCorpus(texts []string) *discoverCorpus {
	type occurrence struct{ stem, surface string }
	perText := make([][]occurrence, len(texts))
	df := map[string]int{}
	for i, text := range texts {
		var occ []occurrence
		seen := map[string]bool{}
		// Phrases do not cross punctuation: "Nothing. Everything." has no
		// phrase "nothing everything".
		for _, part := range strings.FieldsFunc(text, breaksPhrase) {
			var prev *occurrence // the word just before, if it was a content word
			for _, w := range Words(part) {
				s := Stem(w)
				if IsStopWord(s) || IsStopWord(w) || utf8.RuneCountInString(w) < 2 || isShortNumber(w) {
					prev = nil
					continue
				}
				this := occurrence{s, w}
				occ = append(occ, this)
				if prev != nil {
					occ = append(occ, occurrence{prev.stem + " " + s, prev.surface + " " + w})
				}
				prev = &this
			}
		}
		for _, o := range occ {
			if !seen[o.stem] {
				seen[o.stem] = true
				df[o.stem]++
			}
		}
		perText[i] = occ
	}

	maxDF := max(2, len(texts)/2)
	var terms []string
	for t, n := range df {
		if n >= 2 && n <= maxDF {
			terms = append(terms, t)
		}
	}
	slices.Sort(terms) // map order is random; the vocabulary must not be
	index := make(map[string]int32, len(terms))
	for i, t := range terms {
		index[t] = int32(i)
	}
	c := &discoverCorpus{terms: terms, surface: make([]map[string]int, len(terms)), df: make([]int, len(terms)), docs: make([][]termWeight, len(texts))}
	idf := make([]float64, len(terms))
	for i, t := range terms {
		c.df[i] = df[t]
		c.surface[i] = map[string]int{}
		idf[i] = math.Log(float64(1+len(texts))/float64(1+df[t])) + 1
	}
	for i, occ := range perText {
		counts := map[int32]int{}
		for _, o := range occ {
			if t, ok := index[o.stem]; ok {
				counts[t]++
				c.surface[t][o.surface]++
			}
		}
		if len(counts) == 0 {
			continue
		}
		vec := make([]termWeight, 0, len(counts))
		for t, n := range counts {
			// Sublinear: saying "late" three times is not three times as late.
			vec = append(vec, termWeight{t, (1 + math.Log(float64(n))) * idf[t]})
		}
		slices.SortFunc(vec, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
		var norm float64
		for _, tw := range vec {
			norm += tw.weight * tw.weight
		}
		norm = math.Sqrt(norm)
		for j := range vec {
			vec[j].weight /= norm
		}
		c.docs[i] = vec
		c.kept = append(c.kept, i)
	}
	return c
}

// breaksPhrase reports whether r ends a phrase: punctuation other than the
// apostrophes and hyphens inside words ("don't", "follow-up").
func breaksPhrase(r rune) bool {
	return unicode.IsPunct(r) && r != '\'' && r != '’' && r != '-' && r != '‐'
}

func isShortNumber(w string) bool {
	if len(w) > 2 {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// semanticSpace projects the kept answers onto the top dims singular
// directions of their TF-IDF matrix A (kept answers × terms) and returns
// one unit-length row per kept answer.
//
// Randomised SVD: Y = (A Aᵀ)^q A Ω for a random Gaussian Ω with a few more
// columns than wanted, orthonormalised between steps; with Q an
// orthonormal basis of Y, A ≈ Q Qᵀ A, and the eigenvectors W of the small
// matrix B Bᵀ (B = Qᵀ A) give A's left singular vectors as Q W and the
// coordinates U Σ = Q W Σ.
func (c *discoverCorpus) semanticSpace(dims int, rng *rand.Rand) [][]float64 {
	n, v := len(c.kept), len(c.terms)
	l := min(dims+10, n, v)
	dims = min(dims, l)
	omega := make([][]float64, l)
	for j := range omega {
		omega[j] = make([]float64, v)
		for t := range omega[j] {
			omega[j][t] = rng.NormFloat64()
		}
	}
	y := c.mulA(omega)
	orthonormalise(y)
	for q := 0; q < 4; q++ {
		z := c.mulAT(y)
		orthonormalise(z)
		y = c.mulA(z)
		orthonormalise(y)
	}
	b := c.mulAT(y) // rows of B = Qᵀ A
	gram := make([][]float64, l)
	for i := range gram {
		gram[i] = make([]float64, l)
		for j := 0; j <= i; j++ {
			gram[i][j] = dot(b[i], b[j])
			gram[j][i] = gram[i][j]
		}
	}
	values, vectors := symmetricEigen(gram)
	order := make([]int, l)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(values[b], values[a]) })

	points := make([][]float64, n)
	flat := make([]float64, n*dims)
	for p := range points {
		points[p] = flat[p*dims : (p+1)*dims : (p+1)*dims]
	}
	for k, e := range order[:dims] {
		sigma := math.Sqrt(max(values[e], 0))
		for col := 0; col < l; col++ {
			w := vectors[col][e] * sigma
			if w == 0 {
				continue
			}
			for p, yv := range y[col] {
				points[p][k] += yv * w
			}
		}
	}
	for _, p := range points {
		normalise(p)
	}
	return points
}

// mulA returns A X for X given as columns over terms; the result is
// columns over kept answers.
func (c *discoverCorpus) mulA(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for j, col := range x {
		out[j] = make([]float64, len(c.kept))
		for p, d := range c.kept {
			var s float64
			for _, tw := range c.docs[d] {
				s += tw.weight * col[tw.term]
			}
			out[j][p] = s
		}
	}
	return out
}

// mulAT returns Aᵀ Y for Y given as columns over kept answers; the result
// is columns over terms.
func (c *discoverCorpus) mulAT(y [][]float64) [][]float64 {
	out := make([][]float64, len(y))
	for j, col := range y {
		out[j] = make([]float64, len(c.terms))
		for p, d := range c.kept {
			if yv := col[p]; yv != 0 {
				for _, tw := range c.docs[d] {
					out[j][tw.term] += tw.weight * yv
				}
			}
		}
	}
	return out
}

// orthonormalise makes the columns orthonormal by modified Gram–Schmidt,
// run twice, which keeps them orthogonal to working precision. A column
// that is (numerically) a mix of the ones before it becomes zero.
func orthonormalise(cols [][]float64) {
	for pass := 0; pass < 2; pass++ {
		for j, cj := range cols {
			for _, ci := range cols[:j] {
				if d := dot(ci, cj); d != 0 {
					for i := range cj {
						cj[i] -= d * ci[i]
					}
				}
			}
			norm := math.Sqrt(dot(cj, cj))
			if norm < 1e-10 {
				clear(cj)
				continue
			}
			for i := range cj {
				cj[i] /= norm
			}
		}
	}
}

// symmetricEigen returns the eigenvalues of the symmetric matrix a and its
// eigenvectors as columns (vectors[i][e] is the i-th entry of the e-th),
// by cyclic Jacobi rotations. a is overwritten. Jacobi is slow for big
// matrices but exact and short; it only sees the (dims+10)² matrix B Bᵀ.
func symmetricEigen(a [][]float64) (values []float64, vectors [][]float64) {
	n := len(a)
	vectors = make([][]float64, n)
	for i := range vectors {
		vectors[i] = make([]float64, n)
		vectors[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off, total float64
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				total += a[i][j] * a[i][j]
				if i != j {
					off += a[i][j] * a[i][j]
				}
			}
		}
		if off <= 1e-22*total || off == 0 {
			break
		}
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				if a[p][q] == 0 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				cs := 1 / math.Sqrt(t*t+1)
				sn := t * cs
				for k := 0; k < n; k++ { // columns p and q
					akp, akq := a[k][p], a[k][q]
					a[k][p] = cs*akp - sn*akq
					a[k][q] = sn*akp + cs*akq
				}
				for k := 0; k < n; k++ { // rows p and q
					apk, aqk := a[p][k], a[q][k]
					a[p][k] = cs*apk - sn*aqk
					a[q][k] = sn*apk + cs*aqk
				}
				for k := 0; k < n; k++ {
					vkp, vkq := vectors[k][p], vectors[k][q]
					vectors[k][p] = cs*vkp - sn*vkq
					vectors[k][q] = sn*vkp + cs*vkq
				}
			}
		}
	}
	values = make([]float64, n)
	for i := range values {
		values[i] = a[i][i]
	}
	return values, vectors
}

type kmeansResult struct {
	assign   []int       // cluster of each point
	centres  [][]float64 // unit length
	cohesion float64     // sum of each point's cosine to its centre
}

// sphericalKMeans groups unit vectors by cosine similarity: k-means++
// starts (each next centre drawn with probability proportional to its
// distance 1 − cos from the nearest centre so far), then Lloyd rounds with
// centres renormalised, until no point moves (or 100 rounds).
func sphericalKMeans(points [][]float64, k int, rng *rand.Rand) kmeansResult {
	n := len(points)
	centres := make([][]float64, 0, k)
	centres = append(centres, slices.Clone(points[rng.IntN(n)]))
	nearest := make([]float64, n)
	for i, p := range points {
		nearest[i] = max(0, 1-dot(p, centres[0]))
	}
	for len(centres) < k {
		var total float64
		for _, d := range nearest {
			total += d
		}
		next := rng.IntN(n)
		if total > 0 {
			r := rng.Float64() * total
			for i, d := range nearest {
				if r -= d; r < 0 {
					next = i
					break
				}
			}
		}
		centres = append(centres, slices.Clone(points[next]))
		for i, p := range points {
			nearest[i] = min(nearest[i], max(0, 1-dot(p, centres[len(centres)-1])))
		}
	}

	res := kmeansResult{assign: make([]int, n), centres: centres}
	for i := range res.assign {
		res.assign[i] = -1
	}
	for round := 0; round < 100; round++ {
		moved := assignNearest(points, &res)
		if moved == 0 {
			break
		}
		recentre(points, &res)
	}
	return res
}

// assignNearest puts every point in its nearest centre's cluster and
// returns how many points moved.
func assignNearest(points [][]float64, res *kmeansResult) int {
	moved := 0
	res.cohesion = 0
	for i, p := range points {
		best, bestSim := 0, math.Inf(-1)
		for g, c := range res.centres {
			if c == nil {
				continue
			}
			if s := dot(p, c); s > bestSim {
				best, bestSim = g, s
			}
		}
		if res.assign[i] != best {
			res.assign[i] = best
			moved++
		}
		res.cohesion += bestSim
	}
	return moved
}

// recentre moves each centre to the normalised mean of its points. A
// cluster left empty takes the point that fits its own cluster worst, so
// k stays k.
func recentre(points [][]float64, res *kmeansResult) {
	dims := len(points[0])
	sizes := make([]int, len(res.centres))
	for g := range res.centres {
		if res.centres[g] != nil {
			res.centres[g] = make([]float64, dims)
		}
	}
	for i, p := range points {
		g := res.assign[i]
		sizes[g]++
		for d, x := range p {
			res.centres[g][d] += x
		}
	}
	for g, c := range res.centres {
		if c == nil {
			continue
		}
		if sizes[g] == 0 {
			worst, worstSim := -1, math.Inf(1)
			for i, p := range points {
				if sizes[res.assign[i]] > 1 {
					if s := dot(p, res.centres[res.assign[i]]); s < worstSim {
						worst, worstSim = i, s
					}
				}
			}
			if worst >= 0 {
				sizes[res.assign[worst]]--
				copy(c, points[worst])
			}
			continue
		}
		normalise(c)
	}
}

// dissolveSmall breaks up clusters with fewer than minSize points, smallest
// first, and moves their points to the nearest cluster left, until every
// cluster is big enough or one is left.
func dissolveSmall(points [][]float64, res kmeansResult, minSize int) kmeansResult {
	for {
		sizes := make([]int, len(res.centres))
		for _, g := range res.assign {
			sizes[g]++
		}
		smallest, live := -1, 0
		for g, c := range res.centres {
			if c == nil {
				continue
			}
			live++
			if sizes[g] < minSize && (smallest < 0 || sizes[g] < sizes[smallest]) {
				smallest = g
			}
		}
		if smallest < 0 || live <= 1 {
			return res
		}
		res.centres[smallest] = nil
		assignNearest(points, &res)
		recentre(points, &res)
		assignNearest(points, &res)
	}
}

// keyPhrases returns the terms most distinctive of the members, as people
// wrote them. A term's score is its class-based TF-IDF: the share of
// members using it times log(1 + 1/its share among all answers), so a term
// every member uses but so does everyone else scores low. A term counts
// only if at least two members, and (after the first three) a twentieth of
// them, use it. A word is skipped when a two-word phrase already chosen
// contains it, and a phrase replaces a word chosen earlier that it
// contains ("waiting" gives way to "waiting time") if at least a third as
// many members use the phrase as each word; otherwise the phrase is skipped.
func (c *discoverCorpus) keyPhrases(members []int) []string {
	inCluster := map[int32]int{}
	for _, d := range members {
		for _, tw := range c.docs[d] {
			inCluster[tw.term]++
		}
	}
	type scored struct {
		term  int32
		score float64
	}
	var ranked []scored
	for t, m := range inCluster {
		if m < 2 {
			continue
		}
		share := float64(m) / float64(len(members))
		overall := float64(c.df[t]) / float64(len(c.kept))
		ranked = append(ranked, scored{t, share * math.Log(1+share/overall)})
	}
	slices.SortFunc(ranked, func(a, b scored) int {
		if n := cmp.Compare(b.score, a.score); n != 0 {
			return n
		}
		return cmp.Compare(a.term, b.term)
	})

	var chosen []int32
	isPhrase := func(t int32) bool { return strings.Contains(c.terms[t], " ") }
	contains := func(phrase, word int32) bool {
		first, second, _ := strings.Cut(c.terms[phrase], " ")
		return first == c.terms[word] || second == c.terms[word]
	}
	minUse := max(2, len(members)/20)
	for _, s := range ranked {
		if len(chosen) == 8 || (len(chosen) >= 3 && s.score < ranked[0].score/4) {
			break
		}
		if len(chosen) >= 3 && inCluster[s.term] < minUse {
			continue
		}
		if !isPhrase(s.term) {
			if !slices.ContainsFunc(chosen, func(ch int32) bool { return isPhrase(ch) && contains(ch, s.term) }) {
				chosen = append(chosen, s.term)
			}
			continue
		}
		// The phrase stands in for the chosen words it contains, unless
		// one of them is used much more widely ("absolutely nothing" does
		// not stand for "nothing").
		words := slices.DeleteFunc(slices.Clone(chosen), func(ch int32) bool { return isPhrase(ch) || !contains(s.term, ch) })
		if slices.ContainsFunc(words, func(w int32) bool { return 3*inCluster[s.term] < inCluster[w] }) {
			continue
		}
		if len(words) == 0 {
			chosen = append(chosen, s.term)
			continue
		}
		at := slices.Index(chosen, words[0])
		chosen[at] = s.term
		chosen = slices.DeleteFunc(chosen, func(ch int32) bool { return slices.Contains(words, ch) })
	}
	out := make([]string, len(chosen))
	for i, t := range chosen {
		out[i] = c.mostUsedSurface(t)
	}
	return out
}

// mostUsedSurface is the way people wrote term most often (ties: the
// alphabetically first, so labels do not depend on map order).
func (c *discoverCorpus) mostUsedSurface(t int32) string {
	best, bestN := "", 0
	for s, n := range c.surface[t] {
		if n > bestN || (n == bestN && s < best) {
			best, bestN = s, n
		}
	}
	return best
}

// representatives returns up to five members closest to the centre, no
// two with the same text (compared ignoring case and surrounding space).
func (c *discoverCorpus) representatives(texts []string, points [][]float64, ps []int, centre []float64) []int {
	order := slices.Clone(ps)
	sim := make(map[int]float64, len(ps))
	for _, p := range ps {
		sim[p] = dot(points[p], centre)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if n := cmp.Compare(sim[b], sim[a]); n != 0 {
			return n
		}
		return cmp.Compare(a, b)
	})
	var out []int
	seen := map[string]bool{}
	for _, p := range order {
		d := c.kept[p]
		key := strings.ToLower(strings.TrimSpace(texts[d]))
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, d)
		if len(out) == 5 {
			break
		}
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

func normalise(v []float64) {
	norm := math.Sqrt(dot(v, v))
	if norm == 0 {
		return
	}
	for i := range v {
		v[i] /= norm
	}
}

// NMI is the normalised mutual information between two labellings of the
// same items: the mutual information divided by the mean of the two
// entropies (scikit-learn's default, "arithmetic"), 0 for independent
// labellings and 1 for the same grouping under any names. Two labellings
// that each put everything in one group count as the same (1). It panics
// if a and b differ in length.
func NMI(a, b []int) float64 {
	if len(a) != len(b) {
		panic("themes.NMI: labellings of different lengths")
	}
	if len(a) == 0 {
		return 1
	}
	n := float64(len(a))
	type pair struct{ x, y int }
	joint, ca, cb := map[pair]int{}, map[int]int{}, map[int]int{}
	for i := range a {
		joint[pair{a[i], b[i]}]++
		ca[a[i]]++
		cb[b[i]]++
	}
	entropy := func(counts map[int]int) float64 {
		var h float64
		for _, c := range counts {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
		return h
	}
	ha, hb := entropy(ca), entropy(cb)
	if ha == 0 && hb == 0 {
		return 1
	}
	var mi float64
	for p, c := range joint {
		pxy := float64(c) / n
		mi += pxy * math.Log(pxy*n*n/(float64(ca[p.x])*float64(cb[p.y])))
	}
	return max(0, mi/((ha+hb)/2))
}
