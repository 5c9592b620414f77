package disclosure

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzParseBaseline: no uploaded baseline makes parsing panic; a refusal
// lists its problems, and an accepted one can be compared with.
//
//	go test -run '^$' -fuzz FuzzParseBaseline -fuzztime 5m ./surveys/disclosure/
func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte(DefaultBaselineCSV()))
	lines := strings.SplitN(DefaultBaselineCSV(), "\n", 4)
	f.Add([]byte(strings.Join(lines[:3], "\n")))
	f.Add([]byte("characteristic,category_id\n\"x"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBaseline(bytes.NewReader(data), "fuzz")
		if err != nil {
			var be *BaselineError
			if !errors.As(err, &be) || len(be.Problems) == 0 {
				t.Fatalf("got %v, want a BaselineError listing problems", err)
			}
			return
		}
		if _, err := b.Compare(map[string]map[string]int{"ethnic_group_broad": {"asian": 40, "white": 60}}, CompareOptions{}); err != nil {
			t.Fatalf("an accepted baseline cannot be compared with: %v", err)
		}
	})
}
