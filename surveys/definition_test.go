package surveys_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// defHeader is a valid start of a definition: the bad-definition cases add
// their questions (or replace it whole) to break one rule at a time.
const defHeader = `slug: test-survey
title: {en: "Test survey", ur: "ٹیسٹ سروے"}
languages: [en, ur]
`

// defWithQuestions returns a definition with defHeader and the given
// questions, written as a YAML list.
func defWithQuestions(questions string) string {
	return defHeader + "questions:\n" + questions
}

// parseDefForTest parses a definition that must be valid.
func parseDefForTest(t *testing.T, def string) *surveys.Survey {
	t.Helper()
	s, err := surveys.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatalf("ParseDefinition: got error %v, want none", err)
	}
	return s
}

const validDefinitionYAML = `slug: care-strategy-2027
title:
  en: "Adult social care strategy: what matters to you"
  ur: "بالغوں کی سماجی دیکھ بھال کی حکمت عملی"
description: {en: "We want to hear from you."}
languages: [en, ur]
status: open
closes_at: 2027-01-31T23:59:00Z
equality_monitoring: true
sms: {keyword: CARE}
questions:
  - key: matters
    type: long_text
    required: true
    prompt: {en: "What matters most to you about care and support?"}
    hint: {en: "Tell us in your own words."}
    max_length: 2000
  - key: services
    type: multiple_choice
    options:
      - {value: home_care, label: {en: "Care at home"}}
      - {value: day_centre, label: {en: "Day centres"}}
    other: true
    prompt: {en: "Which services do you use?"}
  - key: rating
    type: scale
    min: 1
    max: 5
    min_label: {en: "Very poor"}
    max_label: {en: "Very good"}
    prompt: {en: "How good is your care?"}
  - key: why_low
    type: long_text
    show_if: {question: rating, in: ["1", "2"]}
    prompt: {en: "Why?"}
    sms_prompt: {en: "Why? (short answer)"}
`

const validDefinitionJSON = `{
  "slug": "care-strategy-2027",
  "title": {"en": "Adult social care strategy: what matters to you", "ur": "بالغوں کی سماجی دیکھ بھال کی حکمت عملی"},
  "description": {"en": "We want to hear from you."},
  "languages": ["en", "ur"],
  "status": "open",
  "closes_at": "2027-01-31T23:59:00Z",
  "equality_monitoring": true,
  "sms": {"keyword": "CARE"},
  "questions": [
    {"key": "matters", "type": "long_text", "required": true,
     "prompt": {"en": "What matters most to you about care and support?"},
     "hint": {"en": "Tell us in your own words."}, "max_length": 2000},
    {"key": "services", "type": "multiple_choice",
     "options": [{"value": "home_care", "label": {"en": "Care at home"}},
                 {"value": "day_centre", "label": {"en": "Day centres"}}],
     "other": true, "prompt": {"en": "Which services do you use?"}},
    {"key": "rating", "type": "scale", "min": 1, "max": 5,
     "min_label": {"en": "Very poor"}, "max_label": {"en": "Very good"},
     "prompt": {"en": "How good is your care?"}},
    {"key": "why_low", "type": "long_text", "show_if": {"question": "rating", "in": ["1", "2"]},
     "prompt": {"en": "Why?"}, "sms_prompt": {"en": "Why? (short answer)"}}
  ]
}`

func TestParseDefinitionValidYAML(t *testing.T) {
	s := parseDefForTest(t, validDefinitionYAML)
	if got, want := s.Slug, "care-strategy-2027"; got != want {
		t.Errorf("slug: got %q, want %q", got, want)
	}
	if got, want := s.Languages, []string{"en", "ur"}; !reflect.DeepEqual(got, want) {
		t.Errorf("languages: got %v, want %v", got, want)
	}
	if got, want := s.DefaultLanguage(), "en"; got != want {
		t.Errorf("default language: got %q, want %q", got, want)
	}
	if got, want := s.Status, surveys.StatusOpen; got != want {
		t.Errorf("status: got %q, want %q", got, want)
	}
	if !s.EqualityMonitoring {
		t.Errorf("equality_monitoring: got false, want true")
	}
	if s.SMS == nil || s.SMS.Keyword != "CARE" {
		t.Errorf("sms: got %+v, want keyword CARE", s.SMS)
	}
	var keys []string
	for _, q := range s.Questions {
		keys = append(keys, q.Key)
	}
	if want := []string{"matters", "services", "rating", "why_low"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("question keys: got %v, want %v", keys, want)
	}
	if q := s.Question("matters"); q == nil || !q.Required || q.MaxLength != 2000 || q.Type != surveys.TypeLongText {
		t.Errorf("matters: got %+v, want a required long_text with max_length 2000", q)
	}
	if q := s.Question("services"); q == nil || !q.Other || len(q.Options) != 2 || q.Options[1].Value != "day_centre" {
		t.Errorf("services: got %+v, want two options in order and other: true", q)
	}
	if q := s.Question("rating"); q == nil || q.Min == nil || q.Max == nil || *q.Min != 1 || *q.Max != 5 {
		t.Errorf("rating: got %+v, want scale 1 to 5", q)
	}
	q := s.Question("why_low")
	if q == nil || q.ShowIf == nil || q.ShowIf.Question != "rating" || !reflect.DeepEqual(q.ShowIf.In, []string{"1", "2"}) {
		t.Errorf("why_low show_if: got %+v, want rating in [1 2]", q)
	}
}

func TestParseDefinitionJSONMatchesYAML(t *testing.T) {
	fromYAML := parseDefForTest(t, validDefinitionYAML)
	fromJSON := parseDefForTest(t, validDefinitionJSON)
	if !reflect.DeepEqual(fromJSON.Questions, fromYAML.Questions) {
		t.Errorf("questions: got %+v from JSON, want %+v as from YAML", fromJSON.Questions, fromYAML.Questions)
	}
	if !reflect.DeepEqual(fromJSON.Title, fromYAML.Title) {
		t.Errorf("title: got %v from JSON, want %v", fromJSON.Title, fromYAML.Title)
	}
	if fromJSON.Slug != fromYAML.Slug || fromJSON.Status != fromYAML.Status ||
		fromJSON.EqualityMonitoring != fromYAML.EqualityMonitoring || !reflect.DeepEqual(fromJSON.SMS, fromYAML.SMS) {
		t.Errorf("settings: got %+v from JSON, want %+v", fromJSON, fromYAML)
	}
	if fromJSON.ClosesAt == nil || fromYAML.ClosesAt == nil || !fromJSON.ClosesAt.Equal(*fromYAML.ClosesAt) {
		t.Errorf("closes_at: got %v from JSON, want %v", fromJSON.ClosesAt, fromYAML.ClosesAt)
	}
}

func TestParseDefinitionTimestamps(t *testing.T) {
	want := time.Date(2027, time.January, 31, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		name string
		def  string
	}{
		{"yaml plain", defHeader + "closes_at: 2027-01-31T23:59:00Z\nquestions: [{key: a, type: text, prompt: {en: A}}]\n"},
		{"yaml quoted", defHeader + "closes_at: \"2027-01-31T23:59:00Z\"\nquestions: [{key: a, type: text, prompt: {en: A}}]\n"},
		{"json string", `{"slug": "test-survey", "title": {"en": "T"}, "languages": ["en"],
			"closes_at": "2027-01-31T23:59:00Z",
			"questions": [{"key": "a", "type": "text", "prompt": {"en": "A"}}]}`},
		{"json with offset", `{"slug": "test-survey", "title": {"en": "T"}, "languages": ["en"],
			"closes_at": "2027-02-01T00:59:00+01:00",
			"questions": [{"key": "a", "type": "text", "prompt": {"en": "A"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseDefForTest(t, tt.def)
			if s.ClosesAt == nil {
				t.Fatalf("closes_at: got nil, want %v", want)
			}
			if !s.ClosesAt.Equal(want) {
				t.Errorf("closes_at: got %v, want %v", *s.ClosesAt, want)
			}
		})
	}
}

func TestDemoDefinition(t *testing.T) {
	s, err := surveys.ParseDefinition(surveys.DemoDefinition)
	if err != nil {
		t.Fatalf("ParseDefinition(DemoDefinition): got error %v, want none", err)
	}
	if got, want := s.Languages, []string{"en", "ur"}; !reflect.DeepEqual(got, want) {
		t.Errorf("languages: got %v, want %v", got, want)
	}
	if !s.EqualityMonitoring {
		t.Errorf("equality_monitoring: got false, want true")
	}
	used := map[surveys.QuestionType]bool{}
	for _, q := range s.Questions {
		used[q.Type] = true
		if q.Prompt["ur"] == "" {
			t.Errorf("question %q: got no Urdu prompt, want one", q.Key)
		}
	}
	for _, typ := range []surveys.QuestionType{
		surveys.TypeText, surveys.TypeLongText, surveys.TypeSingleChoice, surveys.TypeMultipleChoice,
		surveys.TypeScale, surveys.TypeYesNo, surveys.TypeNumber,
	} {
		if !used[typ] {
			t.Errorf("question type %q: got unused, want the demo to use every type", typ)
		}
	}
}

func TestParseDefinitionDefaults(t *testing.T) {
	s := parseDefForTest(t, defHeader+`sms: {keyword: " care "}
questions:
  - {key: rating, type: scale, prompt: {en: "Rate it"}}
  - {key: count, type: number, prompt: {en: "How many?"}}
`)
	if got, want := s.Status, surveys.StatusDraft; got != want {
		t.Errorf("status: got %q, want %q", got, want)
	}
	q := s.Question("rating")
	if q == nil || q.Min == nil || q.Max == nil {
		t.Fatalf("rating: got %+v, want min and max filled in", q)
	}
	if *q.Min != 1 || *q.Max != 5 {
		t.Errorf("scale: got min %v max %v, want min 1 max 5", *q.Min, *q.Max)
	}
	if n := s.Question("count"); n.Min != nil || n.Max != nil {
		t.Errorf("number: got min %v max %v, want no limits", n.Min, n.Max)
	}
	if s.SMS == nil {
		t.Fatalf("sms: got nil, want keyword CARE")
	}
	if got, want := s.SMS.Keyword, "CARE"; got != want {
		t.Errorf("sms keyword: got %q, want %q", got, want)
	}
}

// TestParseDefinitionAcceptsEdges checks definitions at the edge of the
// rules, so that the bad-definition table is not passing by refusing everything.
func TestParseDefinitionAcceptsEdges(t *testing.T) {
	tests := []struct {
		name string
		def  string
	}{
		{"scale with 11 points", defWithQuestions(`  - {key: nps, type: scale, min: 0, max: 10, prompt: {en: "Score"}}
`)},
		{"number with min equal to max", defWithQuestions(`  - {key: n, type: number, min: 3, max: 3, prompt: {en: "N"}}
`)},
		{"choice with one option and other", defWithQuestions(`  - {key: c, type: single_choice, other: true, options: [{value: a, label: {en: A}}], prompt: {en: "C"}}
`)},
		{"show_if on yes_no", defWithQuestions(`  - {key: carer, type: yes_no, prompt: {en: "Carer?"}}
  - {key: hours, type: number, show_if: {question: carer, in: ["yes"]}, prompt: {en: "Hours?"}}
`)},
		{"show_if on other", defWithQuestions(`  - {key: c, type: single_choice, other: true, options: [{value: a, label: {en: A}}], prompt: {en: "C"}}
  - {key: d, type: text, show_if: {question: c, in: ["other"]}, prompt: {en: "D"}}
`)},
		{"text only in default language", defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
`)},
		{"key ending in _other without other: true", defWithQuestions(`  - {key: c, type: single_choice, options: [{value: a, label: {en: A}}, {value: b, label: {en: B}}], prompt: {en: "C"}}
  - {key: c_other, type: text, prompt: {en: "D"}}
`)},
		{"language with script", `slug: s
title: {pa-Arab: "T"}
languages: [pa-Arab]
questions: [{key: a, type: text, prompt: {pa-Arab: "A"}}]
`},
		{"opens before closes", defHeader + `opens_at: 2026-12-01T09:00:00Z
closes_at: 2027-01-31T23:59:00Z
questions: [{key: a, type: text, prompt: {en: A}}]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := surveys.ParseDefinition([]byte(tt.def)); err != nil {
				t.Errorf("got error %v, want none", err)
			}
		})
	}
}

func TestParseDefinitionBad(t *testing.T) {
	tests := []struct {
		name  string
		def   string
		code  string
		field string // for EINVALID: a key of ErrorFields
		msg   string // a piece of the field's message (EINVALID) or of the error message (EMALFORMED)
	}{
		{
			name: "duplicate question keys",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
  - {key: a, type: text, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].key", msg: "must be unique",
		},
		{
			name: "show_if on a later question",
			def: defWithQuestions(`  - {key: a, type: text, show_if: {question: b, in: ["yes"]}, prompt: {en: "A"}}
  - {key: b, type: yes_no, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[0].show_if.question", msg: "earlier question",
		},
		{
			name: "show_if on an unknown question",
			def: defWithQuestions(`  - {key: a, type: yes_no, prompt: {en: "A"}}
  - {key: b, type: text, show_if: {question: nope, in: ["yes"]}, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].show_if.question", msg: `no question with key "nope"`,
		},
		{
			name: "show_if on itself",
			def: defWithQuestions(`  - {key: a, type: yes_no, show_if: {question: a, in: ["yes"]}, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].show_if.question", msg: "itself",
		},
		{
			name: "show_if value not a possible answer of a scale",
			def: defWithQuestions(`  - {key: rating, type: scale, prompt: {en: "A"}}
  - {key: b, type: text, show_if: {question: rating, in: ["1", "9"]}, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].show_if.in", msg: `"9" is not a possible answer`,
		},
		{
			name: "show_if value not an option",
			def: defWithQuestions(`  - {key: c, type: single_choice, options: [{value: a, label: {en: A}}, {value: b, label: {en: B}}], prompt: {en: "C"}}
  - {key: d, type: text, show_if: {question: c, in: ["z"]}, prompt: {en: "D"}}
`),
			code: surveys.EINVALID, field: "questions[1].show_if.in", msg: `"z" is not a possible answer`,
		},
		{
			name: "show_if with no values",
			def: defWithQuestions(`  - {key: a, type: yes_no, prompt: {en: "A"}}
  - {key: b, type: text, show_if: {question: a, in: []}, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].show_if.in", msg: "",
		},
		{
			name: "show_if on a free-text question",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
  - {key: b, type: text, show_if: {question: a, in: ["x"]}, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].show_if.question", msg: "not free text",
		},
		{
			name: "choice without options",
			def: defWithQuestions(`  - {key: c, type: single_choice, prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options", msg: "at least two options",
		},
		{
			name: "choice with one option",
			def: defWithQuestions(`  - {key: c, type: multiple_choice, options: [{value: a, label: {en: A}}], prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options", msg: "at least two options",
		},
		{
			name: "duplicate option values",
			def: defWithQuestions(`  - {key: c, type: single_choice, options: [{value: a, label: {en: A}}, {value: a, label: {en: B}}], prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options[1].value", msg: "listed twice",
		},
		{
			name: "option value other",
			def: defWithQuestions(`  - {key: c, type: single_choice, options: [{value: a, label: {en: A}}, {value: other, label: {en: Other}}], prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options[1].value", msg: "other: true",
		},
		{
			name: "bad option value",
			def: defWithQuestions(`  - {key: c, type: single_choice, options: [{value: Home Care, label: {en: A}}, {value: b, label: {en: B}}], prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options[0].value", msg: "lower-case",
		},
		{
			name: "title missing in default language",
			def: `slug: test-survey
title: {ur: "ٹیسٹ سروے"}
languages: [en, ur]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "title", msg: `default language "en"`,
		},
		{
			name: "title missing",
			def: `slug: test-survey
languages: [en]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "title", msg: `default language "en"`,
		},
		{
			name: "prompt missing in default language",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {ur: "اے"}}
`),
			code: surveys.EINVALID, field: "questions[0].prompt", msg: `default language "en"`,
		},
		{
			name: "prompt blank in default language",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {en: "   "}}
`),
			code: surveys.EINVALID, field: "questions[0].prompt", msg: `default language "en"`,
		},
		{
			name: "option label missing in default language",
			def: defWithQuestions(`  - {key: c, type: single_choice, options: [{value: a, label: {en: A}}, {value: b, label: {ur: بی}}], prompt: {en: "C"}}
`),
			code: surveys.EINVALID, field: "questions[0].options[1].label", msg: `default language "en"`,
		},
		{
			name: "text in a language not listed",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {en: "A", fr: "A en français"}}
`),
			code: surveys.EINVALID, field: "questions[0].prompt", msg: `"fr", which is not in languages`,
		},
		{
			name: "title in a language not listed",
			def: `slug: test-survey
title: {en: "T", pl: "T"}
languages: [en]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "title", msg: `"pl", which is not in languages`,
		},
		{
			name: "title too long",
			def: `slug: test-survey
title: {en: "` + strings.Repeat("ب", 201) + `"}
languages: [en]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "title", msg: "200 or fewer",
		},
		{
			name: "slug with upper case",
			def: strings.Replace(defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
`), "slug: test-survey", "slug: Care-Strategy", 1),
			code: surveys.EINVALID, field: "slug", msg: "lower-case",
		},
		{
			name: "slug with spaces",
			def: strings.Replace(defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
`), "slug: test-survey", "slug: care strategy", 1),
			code: surveys.EINVALID, field: "slug", msg: "lower-case",
		},
		{
			name: "slug with double hyphen",
			def: strings.Replace(defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
`), "slug: test-survey", "slug: care--strategy", 1),
			code: surveys.EINVALID, field: "slug", msg: "single hyphens",
		},
		{
			name: "slug missing",
			def: `title: {en: "T"}
languages: [en]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "slug", msg: "required",
		},
		{
			name: "bad key",
			def: defWithQuestions(`  - {key: What-Matters, type: text, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].key", msg: "underscores",
		},
		{
			name: "unknown question type",
			def: defWithQuestions(`  - {key: a, type: essay, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].type", msg: "must be one of: text, long_text",
		},
		{
			name: "bad status",
			def: defHeader + `status: published
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "status", msg: "draft, open, closed",
		},
		{
			name: "unknown field (typo)",
			def: defWithQuestions(`  - {key: a, type: text, requird: true, prompt: {en: "A"}}
`),
			code: surveys.EMALFORMED, msg: "requird",
		},
		{
			name: "unknown field in JSON",
			def:  `{"slug": "s", "title": {"en": "T"}, "languages": ["en"], "colour": "red", "questions": [{"key": "a", "type": "text", "prompt": {"en": "A"}}]}`,
			code: surveys.EMALFORMED, msg: "colour",
		},
		{
			name: "invalid YAML",
			def:  "slug: [unclosed\ntitle: {en: \"T\"\n",
			code: surveys.EMALFORMED, msg: "could not be read",
		},
		{
			name: "invalid JSON",
			def:  `{"slug": "s", "title": {"en": "T"}`,
			code: surveys.EMALFORMED, msg: "could not be read",
		},
		{
			name: "wrong type of value",
			def: defWithQuestions(`  - {key: a, type: text, required: maybe, prompt: {en: "A"}}
`),
			code: surveys.EMALFORMED, msg: "could not be read",
		},
		{
			name: "two documents",
			def:  defWithQuestions("  - {key: a, type: text, prompt: {en: \"A\"}}\n") + "---\nslug: other\n",
			code: surveys.EMALFORMED, msg: "single document",
		},
		{
			name: "empty body",
			def:  "",
			code: surveys.EMALFORMED, msg: "empty",
		},
		{
			name: "blank body",
			def:  " \n\t\n",
			code: surveys.EMALFORMED, msg: "empty",
		},
		{
			name: "scale with min equal to max",
			def: defWithQuestions(`  - {key: r, type: scale, min: 3, max: 3, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].max", msg: "greater than min",
		},
		{
			name: "scale with min above max",
			def: defWithQuestions(`  - {key: r, type: scale, min: 5, max: 1, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].max", msg: "greater than min",
		},
		{
			name: "scale with only min above default max",
			def: defWithQuestions(`  - {key: r, type: scale, min: 7, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].max", msg: "greater than min",
		},
		{
			name: "scale with non-integer end",
			def: defWithQuestions(`  - {key: r, type: scale, min: 1, max: 4.5, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].min", msg: "whole numbers",
		},
		{
			name: "scale wider than 11 points",
			def: defWithQuestions(`  - {key: r, type: scale, min: 0, max: 11, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].max", msg: "at most 11 points",
		},
		{
			name: "number with min above max",
			def: defWithQuestions(`  - {key: n, type: number, min: 10, max: 2, prompt: {en: "N"}}
`),
			code: surveys.EINVALID, field: "questions[0].max", msg: "not be less than min",
		},
		{
			name: "min on a text question",
			def: defWithQuestions(`  - {key: a, type: text, min: 1, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].min", msg: "only scale and number",
		},
		{
			name: "options on a text question",
			def: defWithQuestions(`  - {key: a, type: text, options: [{value: x, label: {en: X}}, {value: y, label: {en: Y}}], prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].options", msg: "only single_choice and multiple_choice",
		},
		{
			name: "other on a yes_no question",
			def: defWithQuestions(`  - {key: a, type: yes_no, other: true, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].other", msg: "only single_choice and multiple_choice",
		},
		{
			name: "max_length on a scale",
			def: defWithQuestions(`  - {key: r, type: scale, max_length: 100, prompt: {en: "R"}}
`),
			code: surveys.EINVALID, field: "questions[0].max_length", msg: "only text and long_text",
		},
		{
			name: "max_length too big",
			def: defWithQuestions(`  - {key: a, type: long_text, max_length: 20001, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].max_length", msg: "20000 or less",
		},
		{
			name: "min_label on a number",
			def: defWithQuestions(`  - {key: n, type: number, min_label: {en: "Low"}, prompt: {en: "N"}}
`),
			code: surveys.EINVALID, field: "questions[0].min_label", msg: "only scale questions",
		},
		{
			name: "reserved key reference",
			def: defWithQuestions(`  - {key: reference, type: text, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].key", msg: "choose another key",
		},
		{
			name: "reserved key language",
			def: defWithQuestions(`  - {key: a, type: text, prompt: {en: "A"}}
  - {key: language, type: text, prompt: {en: "B"}}
`),
			code: surveys.EINVALID, field: "questions[1].key", msg: "choose another key",
		},
		{
			name: "reserved prefix equality_",
			def: defWithQuestions(`  - {key: equality_x, type: text, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[0].key", msg: "choose another key",
		},
		{
			name: "key clashes with the other text of a later question",
			def: defWithQuestions(`  - {key: services_other, type: text, prompt: {en: "A"}}
  - {key: services, type: multiple_choice, other: true, options: [{value: a, label: {en: A}}, {value: b, label: {en: B}}], prompt: {en: "S"}}
`),
			code: surveys.EINVALID, field: "questions[0].key", msg: "choose another key",
		},
		{
			name: "key clashes with the other text of an earlier question",
			def: defWithQuestions(`  - {key: services, type: single_choice, other: true, options: [{value: a, label: {en: A}}, {value: b, label: {en: B}}], prompt: {en: "S"}}
  - {key: services_other, type: text, prompt: {en: "A"}}
`),
			code: surveys.EINVALID, field: "questions[1].key", msg: "choose another key",
		},
		{
			name: "opens_at after closes_at",
			def: defHeader + `opens_at: 2027-02-01T00:00:00Z
closes_at: 2027-01-31T23:59:00Z
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "closes_at", msg: "after opens_at",
		},
		{
			name: "opens_at equal to closes_at",
			def: defHeader + `opens_at: 2027-01-31T23:59:00Z
closes_at: 2027-01-31T23:59:00Z
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "closes_at", msg: "after opens_at",
		},
		{
			name: "empty list of questions",
			def:  defHeader + "questions: []\n",
			code: surveys.EINVALID, field: "questions", msg: "add at least one question",
		},
		{
			name: "no questions field",
			def:  defHeader,
			code: surveys.EINVALID, field: "questions", msg: "add at least one question",
		},
		{
			name: "empty list of languages",
			def: `slug: test-survey
title: {en: "T"}
languages: []
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "languages", msg: "at least one language",
		},
		{
			name: "no languages field",
			def: `slug: test-survey
title: {en: "T"}
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "languages", msg: "list at least one language code",
		},
		{
			name: "bad language code",
			def: `slug: test-survey
title: {en: "T"}
languages: [en, English]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "languages[1]", msg: "not a language code",
		},
		{
			name: "same language twice",
			def: `slug: test-survey
title: {en: "T"}
languages: [en, en]
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "languages", msg: "same value twice",
		},
		{
			name: "bad sms keyword",
			def: defHeader + `sms: {keyword: "CARE!"}
questions: [{key: a, type: text, prompt: {en: "A"}}]
`,
			code: surveys.EINVALID, field: "sms.keyword", msg: "letters and digits",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := surveys.ParseDefinition([]byte(tt.def))
			if err == nil {
				t.Fatalf("got no error and survey %+v, want %s", s, tt.code)
			}
			if s != nil {
				t.Errorf("got survey %+v with the error, want nil", s)
			}
			if got := surveys.ErrorCode(err); got != tt.code {
				t.Fatalf("error code: got %q, want %q (error: %v)", got, tt.code, err)
			}
			fields := surveys.ErrorFields(err)
			if tt.code != surveys.EINVALID {
				if !strings.Contains(surveys.ErrorMessage(err), tt.msg) {
					t.Errorf("message: got %q, want it to mention %q", surveys.ErrorMessage(err), tt.msg)
				}
				return
			}
			msg, ok := fields[tt.field]
			if !ok {
				t.Fatalf("fields: got %v, want key %q", fieldKeys(fields), tt.field)
			}
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("fields[%q]: got %q, want it to mention %q", tt.field, msg, tt.msg)
			}
			if surveys.ErrorMessage(err) == "" {
				t.Errorf("message: got empty, want a summary")
			}
		})
	}
}

func TestParseDefinitionReportsEveryMistake(t *testing.T) {
	def := `slug: Bad Slug
title: {en: "T"}
languages: [en]
questions:
  - {key: a, type: text, prompt: {en: "A"}}
  - {key: a, type: essay, prompt: {en: "B"}}
  - {key: r, type: scale, min: 5, max: 1, prompt: {en: "R"}}
  - {key: c, type: single_choice, options: [{value: x, label: {en: X}}], prompt: {fr: "C"}}
`
	_, err := surveys.ParseDefinition([]byte(def))
	if got := surveys.ErrorCode(err); got != surveys.EINVALID {
		t.Fatalf("error code: got %q, want %q (error: %v)", got, surveys.EINVALID, err)
	}
	fields := surveys.ErrorFields(err)
	want := []string{"slug", "questions[1].key", "questions[1].type", "questions[2].max", "questions[3].options", "questions[3].prompt"}
	for _, k := range want {
		if _, ok := fields[k]; !ok {
			t.Errorf("fields: got %v, want key %q among them", fieldKeys(fields), k)
		}
	}
	if len(fields) < 3 {
		t.Errorf("number of fields: got %d, want at least 3", len(fields))
	}
	// Error() names every field, so the CLI shows them all.
	for _, k := range want {
		if !strings.Contains(err.Error(), k+": ") {
			t.Errorf("Error(): got %q, want it to name %q", err.Error(), k)
		}
	}
}

func fieldKeys(fields map[string]string) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
