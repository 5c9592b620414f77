package themes

import (
	"slices"
	"strings"
)

// Theme is a codebook theme as the engine needs it.
type Theme struct {
	Name        string // unique within a codebook
	Description string
	Include     []string // words or phrases (any language) that suggest it; matched on stems, so "waiting" matches "wait"
	Exclude     []string // words or phrases that veto a rule match in the same answer
}

// RuleConfidence is the confidence of a rule match. A rule is an officer's
// explicit instruction, so it is suggested whatever the model thinks, but
// below 1 because a phrase can match out of context ("no wait at all").
const RuleConfidence = 0.9

// Rules are a codebook's include and exclude phrases, compiled for
// matching.
//
// A phrase is analysed like an answer (Words, then Stem), and matches
// where its stems occur consecutively in the answer's stems: "long wait"
// matches "a long waiting time" but not "waited too long". Stop words
// count, so "not listened" does not match "listened". Words in other
// scripts are compared whole, lower-cased, so an Urdu phrase matches the
// same Urdu words. An exclude phrase of a theme anywhere in an answer
// vetoes that theme's include matches in it (and only that theme's, and
// only rules: the model's suggestions are not vetoed).
type Rules struct {
	themes  []string
	byFirst map[string][]rulePhrase // a phrase's first stem → the phrases
}

type rulePhrase struct {
	theme   int
	stems   []string
	exclude bool
}

// CompileRules compiles the phrases of themes. Phrases with no words are
// ignored; themes with the same name share their phrases.
func CompileRules(themes []Theme) *Rules {
	r := &Rules{byFirst: map[string][]rulePhrase{}}
	index := map[string]int{}
	add := func(k int, phrase string, exclude bool) {
		stems := Analyze(phrase)
		if len(stems) == 0 {
			return
		}
		r.byFirst[stems[0]] = append(r.byFirst[stems[0]], rulePhrase{theme: k, stems: stems, exclude: exclude})
	}
	for _, t := range themes {
		k, ok := index[t.Name]
		if !ok {
			k = len(r.themes)
			index[t.Name] = k
			r.themes = append(r.themes, t.Name)
		}
		for _, p := range t.Include {
			add(k, p, false)
		}
		for _, p := range t.Exclude {
			add(k, p, true)
		}
	}
	return r
}

// Match returns a suggestion for every theme with an include phrase in
// text and no exclude phrase, with confidence RuleConfidence, Source
// "rule", and as evidence the answer's words that matched (lower-cased, as
// Words gives them), in the order they occur, at most 5; in theme order.
func (r *Rules) Match(text string) []Suggestion {
	if r == nil || len(r.byFirst) == 0 {
		return nil
	}
	return r.match(analyse(text))
}

func (r *Rules) match(a analysis) []Suggestion {
	type found struct {
		evidence []string
		vetoed   bool
	}
	var hits map[int]*found
	for i, s := range a.stems {
		for _, p := range r.byFirst[s] {
			if !hasAt(a.stems, i, p.stems) {
				continue
			}
			if hits == nil {
				hits = map[int]*found{}
			}
			f := hits[p.theme]
			if f == nil {
				f = &found{}
				hits[p.theme] = f
			}
			if p.exclude {
				f.vetoed = true
				continue
			}
			words := strings.Join(a.words[i:i+len(p.stems)], " ")
			if len(f.evidence) < maxEvidence && !slices.Contains(f.evidence, words) {
				f.evidence = append(f.evidence, words)
			}
		}
	}
	var out []Suggestion
	for k, name := range r.themes {
		if f := hits[k]; f != nil && !f.vetoed && len(f.evidence) > 0 {
			out = append(out, Suggestion{Theme: name, Confidence: RuleConfidence, Evidence: f.evidence, Source: "rule"})
		}
	}
	return out
}

// hasAt reports whether phrase occurs in stems at position i.
func hasAt(stems []string, i int, phrase []string) bool {
	if i+len(phrase) > len(stems) {
		return false
	}
	for j, p := range phrase {
		if stems[i+j] != p {
			return false
		}
	}
	return true
}
