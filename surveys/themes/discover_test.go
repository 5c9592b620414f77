package themes

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// threeTopics is a small consultation with three clear subjects, ten
// answers each, in mixed order, plus answers with nothing to group by.
func threeTopics() (texts []string, topic []int) {
	transport := []string{
		"The transport was late again and I missed my appointment",
		"Waiting time for the transport was far too long",
		"Transport arrived late, long waiting time",
		"The driver was late and the waiting time was two hours",
		"Long waiting time for transport home",
		"Transport late every week",
		"I waited hours, transport was late",
		"Waiting time is the problem, the transport is always late",
		"The waiting time for the driver was long",
		"Late transport, long waiting time, missed appointment",
	}
	food := []string{
		"The food on the ward was cold",
		"Cold food and no choice of meals",
		"Better food please, the meals are cold",
		"Meals were cold and the food tasteless",
		"More choice of food and hot meals",
		"Food was cold by the time it arrived on the ward",
		"The meals need more choice",
		"Hot food would be nice, meals always cold",
		"Food choice is poor and meals are cold",
		"Cold meals, poor food",
	}
	staff := []string{
		"The nurses were kind and caring",
		"Kind, caring nurses who listened",
		"Staff were so kind and the nurses listened to me",
		"Caring staff, kind nurses",
		"The nurses listened and were very kind",
		"Kind and caring staff throughout",
		"Nurses were caring and listened",
		"Lovely kind nurses",
		"Staff listened, very caring nurses",
		"Such kind and caring nurses and staff",
	}
	for i := 0; i < 10; i++ {
		texts = append(texts, transport[i], food[i], staff[i])
		topic = append(topic, 0, 1, 2)
	}
	// Nothing to group by: only stop words, nothing, or words nobody else used.
	texts = append(texts, "", "ok", "It was what it was.", "Xylophone quixotic", "??")
	topic = append(topic, -1, -1, -1, -1, -1)
	return texts, topic
}

func TestDiscoverFindsTopics(t *testing.T) {
	texts, topic := threeTopics()
	opts := DefaultDiscoverOptions()
	opts.Clusters = 3
	cands := Discover(texts, opts)
	if len(cands) != 3 {
		t.Fatalf("got %d candidates, want 3: %+v", len(cands), cands)
	}
	inSome := map[int]bool{}
	for i, c := range cands {
		if i > 0 && len(c.Members) > len(cands[i-1].Members) {
			t.Errorf("candidate %d has %d members, more than the one before it (%d): want biggest first", i, len(c.Members), len(cands[i-1].Members))
		}
		first := topic[c.Members[0]]
		for _, m := range c.Members {
			if topic[m] != first {
				t.Errorf("candidate %q mixes %q with %q", c.Label, texts[c.Members[0]], texts[m])
			}
			if inSome[m] {
				t.Errorf("answer %d is in two candidates", m)
			}
			inSome[m] = true
		}
		if got := len(c.Members); got != 10 {
			t.Errorf("candidate %q: got %d members, want 10", c.Label, got)
		}
		if n := len(c.Representatives); n < 3 || n > 5 {
			t.Errorf("candidate %q: got %d representatives, want 3–5", c.Label, n)
		}
		seen := map[string]bool{}
		for _, r := range c.Representatives {
			if !slices.Contains(c.Members, r) {
				t.Errorf("candidate %q: representative %d is not a member", c.Label, r)
			}
			if seen[texts[r]] {
				t.Errorf("candidate %q: representative %q twice", c.Label, texts[r])
			}
			seen[texts[r]] = true
		}
		if n := len(c.KeyPhrases); n < 3 || n > 8 {
			t.Errorf("candidate %q: got %d key phrases %q, want 3–8", c.Label, n, c.KeyPhrases)
		}
		if want := strings.Join(c.KeyPhrases[:2], " / "); c.Label != want {
			t.Errorf("got label %q, want the first two key phrases %q", c.Label, want)
		}
	}
	for i, tp := range topic {
		if tp < 0 && inSome[i] {
			t.Errorf("answer %q has nothing to group by, but is in a candidate", texts[i])
		}
		if tp >= 0 && !inSome[i] {
			t.Errorf("answer %q was left out", texts[i])
		}
	}

	// Each topic's label says what it is about, in the words people used.
	wantWords := [][]string{{"waiting", "transport", "late"}, {"food", "cold", "meals"}, {"kind", "caring", "nurses"}}
	for _, c := range cands {
		want := wantWords[topic[c.Members[0]]]
		found := 0
		for _, w := range want {
			if slices.ContainsFunc(c.KeyPhrases, func(k string) bool { return k == w || strings.Contains(" "+k+" ", " "+w+" ") }) {
				found++
			}
		}
		if found < 2 {
			t.Errorf("topic %d: got key phrases %q, want at least two of %q", topic[c.Members[0]], c.KeyPhrases, want)
		}
	}
}

func TestDiscoverKeyPhrasesAsWritten(t *testing.T) {
	texts, _ := threeTopics()
	opts := DefaultDiscoverOptions()
	opts.Clusters = 3
	for _, c := range Discover(texts, opts) {
		for _, k := range c.KeyPhrases {
			// Stems would show as "wait", "meal", "nurs", "care".
			if slices.Contains([]string{"wait", "meal", "nurs", "care", "wait time"}, k) {
				t.Errorf("candidate %q: got key phrase %q, a stem: want the word as people wrote it", c.Label, k)
			}
		}
	}
}

func TestDiscoverIsDeterministic(t *testing.T) {
	texts, _ := threeTopics()
	for i := 0; i < 40; i++ { // enough answers for the automatic number of clusters to be above 5
		texts = append(texts, fmt.Sprintf("%s and %s", texts[i%30], texts[(i*7)%30]))
	}
	opts := DefaultDiscoverOptions()
	first := Discover(texts, opts)
	for run := 0; run < 3; run++ {
		if got := Discover(texts, opts); !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d: got %+v, want the same as the first run %+v", run, got, first)
		}
	}
}

func TestDiscoverNumberOfClusters(t *testing.T) {
	texts, _ := threeTopics()
	tests := []struct {
		name     string
		opts     DiscoverOptions
		min, max int
	}{
		{"the size rule stays above MinClusters", DiscoverOptions{MinClusters: 5}, 1, 5}, // √(30/2) ≈ 4 is raised to 5; small ones may be merged
		{"MaxClusters caps it", DiscoverOptions{MinClusters: 2, MaxClusters: 2}, 1, 2},
		{"a fixed number", DiscoverOptions{Clusters: 3}, 3, 3},
		{"more clusters than answers", DiscoverOptions{Clusters: 100, MinSize: 1}, 1, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := len(Discover(texts, tt.opts))
			if got < tt.min || got > tt.max {
				t.Errorf("got %d candidates, want %d–%d", got, tt.min, tt.max)
			}
		})
	}
}

func TestDiscoverSmallClustersMerge(t *testing.T) {
	texts, _ := threeTopics()
	opts := DefaultDiscoverOptions()
	opts.Clusters = 12
	opts.MinSize = 8
	for _, c := range Discover(texts, opts) {
		if len(c.Members) < 8 {
			t.Errorf("candidate %q: got %d members, want none below MinSize 8", c.Label, len(c.Members))
		}
	}
}

func TestDiscoverTooLittle(t *testing.T) {
	tests := [][]string{nil, {"The transport was late"}, {"ok", "no", "the"}, {"unique words", "different things"}}
	for _, texts := range tests {
		if got := Discover(texts, DefaultDiscoverOptions()); len(got) != 0 {
			t.Errorf("Discover(%q): got %+v, want no candidates", texts, got)
		}
	}
}

func TestDiscoverOtherScripts(t *testing.T) {
	texts, _ := threeTopics()
	urdu := []string{ // "the buses are late", "the bus did not come on time", ...
		"بس دیر سے آتی ہے",
		"بس وقت پر نہیں آئی",
		"بس ہمیشہ دیر سے آتی ہے",
		"بس کا انتظار بہت لمبا",
		"بس دیر سے آئی اور انتظار لمبا تھا",
		"انتظار لمبا، بس دیر سے",
	}
	texts = append(texts, urdu...)
	opts := DefaultDiscoverOptions()
	opts.Clusters = 4
	var found bool
	for _, c := range Discover(texts, opts) {
		if !slices.Contains(c.Members, len(texts)-1) {
			continue
		}
		found = true
		if !slices.ContainsFunc(c.KeyPhrases, func(k string) bool { return strings.Contains(k, "بس") }) {
			t.Errorf("the Urdu answers' candidate: got key phrases %q, want بس (bus) in one, unchanged", c.KeyPhrases)
		}
		for _, m := range c.Members {
			if m < len(texts)-len(urdu) {
				t.Errorf("the Urdu answers' candidate also holds %q", texts[m])
			}
		}
	}
	if !found {
		t.Errorf("the Urdu answers were left out")
	}
}

func TestNMI(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"the same grouping", []int{0, 0, 1, 1, 2}, []int{0, 0, 1, 1, 2}, 1},
		{"the same grouping under other names", []int{0, 0, 1, 1}, []int{7, 7, 3, 3}, 1},
		{"independent", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 0},
		{"one group against many", []int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0},
		{"both one group", []int{4, 4, 4}, []int{1, 1, 1}, 1},
		{"nothing", nil, nil, 1},
		// Joint counts 2,1,1,2: I = (2/3) ln 2; H(a) = ln 2; H(b) = ln 3.
		{"two groups of 3 against three of 2", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 4 * math.Ln2 / (3 * math.Log(6))},
	}
	for _, tt := range tests {
		if got := NMI(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: NMI(%v, %v): got %.15f, want %.15f", tt.name, tt.a, tt.b, got, tt.want)
		}
		if got, back := NMI(tt.a, tt.b), NMI(tt.b, tt.a); math.Abs(got-back) > 1e-12 {
			t.Errorf("%s: got %v one way and %v the other, want the same", tt.name, got, back)
		}
	}
}

func TestSymmetricEigen(t *testing.T) {
	a := [][]float64{{4, 1, 2}, {1, 3, 0}, {2, 0, 5}}
	orig := [][]float64{slices.Clone(a[0]), slices.Clone(a[1]), slices.Clone(a[2])}
	values, vectors := symmetricEigen(a)
	var trace float64
	for e, lambda := range values {
		trace += lambda
		for i := range orig { // A v = λ v
			var av float64
			for j := range orig {
				av += orig[i][j] * vectors[j][e]
			}
			if math.Abs(av-lambda*vectors[i][e]) > 1e-9 {
				t.Errorf("eigenpair %d: (A v)[%d] = %v, want λ v = %v", e, i, av, lambda*vectors[i][e])
			}
		}
	}
	if math.Abs(trace-12) > 1e-9 {
		t.Errorf("got eigenvalues %v summing to %v, want the trace 12", values, trace)
	}
}
