package surveys

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The ONS 2021 / GSS harmonised equality questions, copied unchanged from
// shared/data/equality so that the binary carries its own categories. The
// standard's order of options is kept: never sort them.
//
//go:embed ons2021-categories.yaml
var ons2021YAML []byte

// EqualityStandard is stored with every set of equality answers, because the
// sex and gender identity standards are under review and may change.
const EqualityStandard = "ons2021"

// PreferNotToSay is offered on every equality question and stored apart from
// "not answered" (which is stored as nothing at all).
const PreferNotToSay = "prefer_not_to_say"

// EqualityOption is one answer to an equality question.
type EqualityOption struct {
	ID      string
	Label   string
	Group   string // ethnic group only: the broad group (white, mixed, asian, black, other)
	WriteIn bool   // the person may describe it in their own words
}

// EqualityQuestion is one of the equality monitoring questions.
type EqualityQuestion struct {
	Key      string // the key in a submission's "equality" object
	Question string
	Hint     string
	Options  []EqualityOption
	// AskIf names the question and answer this one follows, e.g. the second
	// part of the disability question is asked only if the first is "yes".
	AskIf *EqualityCondition
}

// EqualityCondition restricts when an equality question is asked.
type EqualityCondition struct {
	Key    string
	Values []string // asked when the answer to Key is one of these
	Not    bool     // ... or, with Not, is none of them
}

// EqualityQuestions are the equality questions in the order they are asked.
var EqualityQuestions = mustLoadEquality()

// EqualityColumns are the stored equality fields, in export order: every
// question key, each write-in, and the fields Voices derives.
var EqualityColumns = equalityColumns()

// Derived equality fields: worked out from the answers, never sent in.
const (
	EqualityEthnicGroupBroad = "ethnic_group_broad"
	EqualityDisability       = "disability" // Census 2021 derived measure; may also be sent directly
)

func equalityColumns() []string {
	var cols []string
	for _, q := range EqualityQuestions {
		cols = append(cols, q.Key)
		if q.Key == "ethnic_group" {
			cols = append(cols, EqualityEthnicGroupBroad)
		}
		if q.HasWriteIn() {
			cols = append(cols, OtherKey(q.Key))
		}
		if q.Key == "disability_impact" {
			cols = append(cols, EqualityDisability)
		}
	}
	return cols
}

// HasWriteIn reports whether an answer to q may come with the person's own words.
func (q *EqualityQuestion) HasWriteIn() bool {
	for _, o := range q.Options {
		if o.WriteIn {
			return true
		}
	}
	return false
}

// Option returns the option with id, or nil.
func (q *EqualityQuestion) Option(id string) *EqualityOption {
	for i := range q.Options {
		if q.Options[i].ID == id {
			return &q.Options[i]
		}
	}
	return nil
}

// EqualityQuestion returns the equality question with key, or nil.
func EqualityQuestionByKey(key string) *EqualityQuestion {
	for i := range EqualityQuestions {
		if EqualityQuestions[i].Key == key {
			return &EqualityQuestions[i]
		}
	}
	return nil
}

// derivedDisability maps the two-part disability answer to the Census 2021
// measure: condition "no" gives no_ltc; "yes" gives the impact's measure.
var derivedDisability = map[string]string{
	"no":         "no_ltc",
	"a_lot":      "disabled_a_lot",
	"a_little":   "disabled_a_little",
	"not_at_all": "ltc_not_limited",
}

type onsFile struct {
	EthnicGroup struct {
		Question string `yaml:"question"`
		Hint     string `yaml:"hint"`
		Groups   []struct {
			ID      string `yaml:"id"`
			Label   string `yaml:"label"`
			Options []struct {
				ID      string `yaml:"id"`
				Label   string `yaml:"label"`
				WriteIn bool   `yaml:"write_in"`
			} `yaml:"options"`
		} `yaml:"groups"`
	} `yaml:"ethnic_group"`
	Religion          simpleONS `yaml:"religion"`
	Sex               simpleONS `yaml:"sex"`
	GenderIdentity    simpleONS `yaml:"gender_identity"`
	SexualOrientation simpleONS `yaml:"sexual_orientation"`
	Disability        struct {
		Q1        string    `yaml:"q1"`
		Q1Options yaml.Node `yaml:"q1_options"`
		Q2        string    `yaml:"q2_if_yes"`
		Q2Options yaml.Node `yaml:"q2_options"`
		Derived   yaml.Node `yaml:"derived"`
	} `yaml:"disability"`
	UnpaidCare         simpleONS `yaml:"unpaid_care"`
	MainLanguage       simpleONS `yaml:"main_language"`
	EnglishProficiency simpleONS `yaml:"english_proficiency"`
	AgeBands           []string  `yaml:"age_bands_ons"`
}

type simpleONS struct {
	Question string    `yaml:"question"`
	Hint     string    `yaml:"hint"`
	Options  yaml.Node `yaml:"options"`
}

// pairs reads options written either as a mapping or as a list of
// one-pair mappings, keeping their order.
func pairs(n *yaml.Node) []EqualityOption {
	var out []EqualityOption
	add := func(m *yaml.Node) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			label := m.Content[i+1].Value
			out = append(out, EqualityOption{
				ID:      m.Content[i].Value,
				Label:   label,
				WriteIn: strings.Contains(strings.ToLower(label), "write in"),
			})
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		add(n)
	case yaml.SequenceNode:
		for _, m := range n.Content {
			add(m)
		}
	}
	return out
}

func mustLoadEquality() []EqualityQuestion {
	var f onsFile
	if err := yaml.Unmarshal(ons2021YAML, &f); err != nil {
		panic(fmt.Sprintf("surveys: reading ons2021-categories.yaml: %v", err))
	}
	ethnic := EqualityQuestion{Key: "ethnic_group", Question: f.EthnicGroup.Question, Hint: f.EthnicGroup.Hint}
	for _, g := range f.EthnicGroup.Groups {
		for _, o := range g.Options {
			ethnic.Options = append(ethnic.Options, EqualityOption{ID: o.ID, Label: g.Label + ": " + o.Label, Group: g.ID, WriteIn: o.WriteIn})
		}
	}
	simple := func(key string, s simpleONS) EqualityQuestion {
		return EqualityQuestion{Key: key, Question: s.Question, Hint: s.Hint, Options: pairs(&s.Options)}
	}
	age := EqualityQuestion{Key: "age_band", Question: "What is your age?"}
	for _, band := range f.AgeBands {
		id := strings.ReplaceAll(strings.ReplaceAll(band, " to ", "_"), " and over", "_plus")
		age.Options = append(age.Options, EqualityOption{ID: id, Label: band})
	}
	qs := []EqualityQuestion{
		age,
		simple("sex", f.Sex),
		simple("gender_identity", f.GenderIdentity),
		simple("sexual_orientation", f.SexualOrientation),
		ethnic,
		simple("religion", f.Religion),
		{Key: "disability_condition", Question: f.Disability.Q1, Options: pairs(&f.Disability.Q1Options)},
		{Key: "disability_impact", Question: f.Disability.Q2, Options: pairs(&f.Disability.Q2Options),
			AskIf: &EqualityCondition{Key: "disability_condition", Values: []string{"yes"}}},
		simple("unpaid_care", f.UnpaidCare),
		simple("main_language", f.MainLanguage),
		simple("english_proficiency", f.EnglishProficiency),
	}
	qs[len(qs)-1].AskIf = &EqualityCondition{Key: "main_language", Values: []string{"english", PreferNotToSay}, Not: true}
	for i := range qs {
		if len(qs[i].Options) == 0 || qs[i].Question == "" {
			panic(fmt.Sprintf("surveys: ons2021-categories.yaml: no options for %s", qs[i].Key))
		}
	}
	// The derived disability measure is checked against the same file.
	derived := pairs(&f.Disability.Derived)
	for _, v := range derivedDisability {
		found := false
		for _, d := range derived {
			found = found || d.ID == v
		}
		if !found {
			panic("surveys: ons2021-categories.yaml: derived disability " + v + " missing")
		}
	}
	return qs
}

// DisabilityMeasures are the Census 2021 derived disability categories.
var DisabilityMeasures = []string{"disabled_a_lot", "disabled_a_little", "ltc_not_limited", "no_ltc"}

const maxWriteInLength = 200

// CheckEquality validates a submission's equality answers and returns them
// with the derived fields filled in. Empty values mean "not answered" and are
// dropped; "prefer_not_to_say" is kept. Problems are added to fields under
// "equality.<key>".
func CheckEquality(in map[string]string, fields fieldErrors) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	at := func(k string) string { return "equality." + k }
	for k := range out {
		switch {
		case k == EqualityEthnicGroupBroad:
			// Worked out from ethnic_group; sent on its own when a person
			// gave only their broad group (the first of ONS's two steps).
			if g := out[k]; g != PreferNotToSay && !isEthnicGroup(g) {
				fields.add(at(k), "%q is not a broad ethnic group; use one of: white, mixed, asian, black, other, %s", g, PreferNotToSay)
				delete(out, k)
			}
		case !contains(EqualityColumns, k):
			fields.add(at(k), "is not an equality question; use one of: %s", strings.Join(EqualityColumns, ", "))
			delete(out, k)
		}
	}
	for _, q := range EqualityQuestions {
		v, ok := out[q.Key]
		if !ok {
			if _, orphan := out[OtherKey(q.Key)]; orphan {
				fields.add(at(OtherKey(q.Key)), "only give your own words with an answer to %s that asks for them", q.Key)
			}
			continue
		}
		if c := q.AskIf; c != nil {
			asked := contains(c.Values, out[c.Key]) != c.Not
			if _, answered := out[c.Key]; !answered || !asked {
				fields.add(at(q.Key), "this question is only asked after %s; remove this answer or answer %s first", c.Key, c.Key)
				continue
			}
		}
		opt := q.Option(v)
		if opt == nil && v != PreferNotToSay {
			fields.add(at(q.Key), "%q is not one of the answers; use one of: %s", v, optionIDs(q.Options))
			continue
		}
		if w, ok := out[OtherKey(q.Key)]; ok {
			if opt == nil || !opt.WriteIn {
				fields.add(at(OtherKey(q.Key)), "only give your own words when you choose an answer that asks for them")
			} else if n := utf8.RuneCountInString(w); n > maxWriteInLength {
				fields.add(at(OtherKey(q.Key)), "must be %d characters or fewer (it is %d)", maxWriteInLength, n)
			}
		}
		if q.Key == "ethnic_group" && opt != nil {
			if sent := out[EqualityEthnicGroupBroad]; sent != "" && sent != opt.Group {
				fields.add(at(EqualityEthnicGroupBroad), "%q does not match ethnic_group %q (%s); send one or the other", sent, v, opt.Group)
			}
			out[EqualityEthnicGroupBroad] = opt.Group
		}
	}
	checkDisability(out, fields)
	if out[EqualityEthnicGroupBroad] == "" && out["ethnic_group"] == PreferNotToSay {
		out[EqualityEthnicGroupBroad] = PreferNotToSay
	}
	return out
}

// checkDisability fills in the derived disability measure from the two-part
// question, or checks one that was sent directly against it.
func checkDisability(out map[string]string, fields fieldErrors) {
	sent, hasSent := out[EqualityDisability]
	if hasSent && sent != PreferNotToSay && !contains(DisabilityMeasures, sent) {
		fields.add("equality.disability", "%q is not one of the answers; use one of: %s, %s", sent, strings.Join(DisabilityMeasures, ", "), PreferNotToSay)
		return
	}
	var derived string
	switch cond := out["disability_condition"]; cond {
	case "no":
		derived = derivedDisability["no"]
	case "yes":
		derived = derivedDisability[out["disability_impact"]] // "" when impact not answered
		if out["disability_impact"] == PreferNotToSay {
			derived = PreferNotToSay
		}
	case PreferNotToSay:
		derived = PreferNotToSay
	}
	switch {
	case hasSent && derived != "" && derived != sent:
		fields.add("equality.disability", "%q does not match the answers to disability_condition and disability_impact (%s); send one or the other", sent, derived)
	case derived != "":
		out[EqualityDisability] = derived
	}
}

func isEthnicGroup(id string) bool {
	for _, o := range EqualityQuestionByKey("ethnic_group").Options {
		if o.Group == id {
			return true
		}
	}
	return false
}

func optionIDs(opts []EqualityOption) string {
	ids := make([]string, 0, len(opts)+1)
	for _, o := range opts {
		ids = append(ids, o.ID)
	}
	return strings.Join(append(ids, PreferNotToSay), ", ")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
