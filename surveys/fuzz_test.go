package surveys_test

import (
	"encoding/json"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// Fuzz tests for what Voices reads from outside. Their seeds run with
// go test; run longer with, for example:
//   go test -run '^$' -fuzz FuzzParseDefinition -fuzztime 5m ./surveys/

// FuzzParseDefinition: no definition makes parsing panic, every refusal is
// one of our errors, and an accepted definition, written out as JSON, is
// accepted again as the same survey.
func FuzzParseDefinition(f *testing.F) {
	f.Add([]byte(surveys.DemoDefinition))
	for _, seed := range []string{
		"slug: a\ntitle: {en: A}\nlanguages: [en]\nquestions:\n  - {key: q, type: text, prompt: {en: Q}}\n",
		`{"slug": "a", "title": {"en": "A"}, "languages": ["en"], "questions": [{"key": "s", "type": "scale", "min": 1, "max": 5, "prompt": {"en": "S"}}]}`,
		"slug: a\nlanguages: [en]\nquestions:\n  - {key: q, type: single_choice, options: [{value: x}], show_if: {question: q, in: [x]}}\n",
		"retention: {sms_days: -1}\n", "&a [*a, *a]", "{", "", "\x00", "slug: [1, 2]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := surveys.ParseDefinition(data)
		if err != nil {
			if code := surveys.ErrorCode(err); code != surveys.EMALFORMED && code != surveys.EINVALID && code != surveys.ETOOLARGE {
				t.Fatalf("got error code %q (%v), want malformed or invalid", code, err)
			}
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("an accepted definition does not marshal: %v", err)
		}
		again, err := surveys.ParseDefinition(out)
		if err != nil {
			t.Fatalf("an accepted definition, written as JSON, is refused: %v\n%s", err, out)
		}
		if a, b := mustJSON(t, s), mustJSON(t, again); a != b {
			t.Fatalf("read twice, the definition changed:\n%s\n%s", a, b)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzParseCodebook: no codebook (YAML, JSON or CSV) makes parsing panic;
// an accepted one passes its own check.
func FuzzParseCodebook(f *testing.F) {
	for _, seed := range []string{
		"themes:\n  - {id: paths, name: Paths, phrases: [dark paths], exclude: [not dark]}\n  - {id: dogs, name: Dogs, parent: paths}\n",
		"id,name,description,parent,phrases\npaths,Paths,,,dark;lit\n",
		`{"themes": [{"id": "a", "name": "A"}]}`, "id,name\n\"unterminated", "themes: 5", "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cb, err := surveys.ParseCodebook(data)
		if err != nil {
			if surveys.ErrorCode(err) == "" || surveys.ErrorCode(err) == surveys.EINTERNAL {
				t.Fatalf("got %v, want one of our errors", err)
			}
			return
		}
		if err := cb.Check(); err != nil {
			t.Fatalf("an accepted codebook fails its check: %v", err)
		}
	})
}

// FuzzReadLabelledCSV: no labelled-examples file makes reading panic.
func FuzzReadLabelledCSV(f *testing.F) {
	cb, err := surveys.ParseCodebook([]byte("themes:\n  - {id: paths, name: Paths}\n  - {id: dogs, name: Dogs}\n"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"text,themes\nThe paths are dark,paths\nDogs,Dogs;paths\n", "text\n", "a,b\n\"", ""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		examples, err := surveys.ReadLabelledCSV(data, cb)
		if err != nil {
			if surveys.ErrorCode(err) == "" {
				t.Fatalf("got %v, want one of our errors", err)
			}
			return
		}
		for _, e := range examples {
			for _, th := range e.Themes {
				if cb.Theme(th) == nil {
					t.Fatalf("example %q has theme %q, not in the codebook", e.Text, th)
				}
			}
		}
	})
}
