package surveys_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestBreakdownDimensions(t *testing.T) {
	want := []string{"age_band", "sex", "gender_identity", "sexual_orientation", "ethnic_group", "ethnic_group_broad",
		"religion", "disability", "unpaid_care", "main_language", "english_proficiency", "channel", "entered_by"}
	if got := surveys.BreakdownDimensions; !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestCheckBreakdown(t *testing.T) {
	s, err := surveys.ParseDefinition([]byte(`
slug: parks
title: {en: Parks}
languages: [en]
questions:
  - {key: visit, type: yes_no, prompt: {en: "Visit?"}}
  - {key: rating, type: scale, min: 1, max: 5, prompt: {en: "Rating?"}}
  - {key: likes, type: multiple_choice, prompt: {en: "Likes?"}, options: [{value: trees, label: {en: Trees}}, {value: play, label: {en: Play}}]}
  - {key: comment, type: long_text, prompt: {en: "Comment?"}}
  - {key: age, type: number, prompt: {en: "Age?"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    surveys.BreakdownQuery
		want map[string]string // field -> part of its message; nil when fine
	}{
		{"one", surveys.BreakdownQuery{By: []string{"sex"}}, nil},
		{"three, trimmed, with a question", surveys.BreakdownQuery{By: []string{" ethnic_group_broad", "age_band ", "channel"}, Question: "likes"}, nil},
		{"scale and yes/no questions", surveys.BreakdownQuery{By: []string{"entered_by"}, Question: "rating"}, nil},
		{"a theme", surveys.BreakdownQuery{By: []string{"disability"}, Theme: "transport"}, nil},
		{"none", surveys.BreakdownQuery{}, map[string]string{"by": "give 1 to 3 of: age_band, sex"}},
		{"four", surveys.BreakdownQuery{By: []string{"sex", "age_band", "religion", "channel"}}, map[string]string{"by": "give at most 3, not 4"}},
		{"unknown", surveys.BreakdownQuery{By: []string{"sex", "postcode"}}, map[string]string{"by": `"postcode" is not something to break down by; use one of: age_band`}},
		{"a write-in", surveys.BreakdownQuery{By: []string{"religion_other"}}, map[string]string{"by": `"religion_other" is not something to break down by`}},
		{"twice", surveys.BreakdownQuery{By: []string{"sex", "sex"}}, map[string]string{"by": `"sex" is given twice`}},
		{"empty name", surveys.BreakdownQuery{By: []string{"sex", ""}}, map[string]string{"by": "leave no empty names"}},
		{"unknown question", surveys.BreakdownQuery{By: []string{"sex"}, Question: "nope"}, map[string]string{"question": `there is no question "nope"`}},
		{"free-text question", surveys.BreakdownQuery{By: []string{"sex"}, Question: "comment"}, map[string]string{"question": `"comment" is a long_text question; break down by a choice, scale or yes/no question (visit, rating, likes)`}},
		{"number question", surveys.BreakdownQuery{By: []string{"sex"}, Question: "age"}, map[string]string{"question": `"age" is a number question`}},
		{"both", surveys.BreakdownQuery{By: []string{"sex"}, Question: "visit", Theme: "cost"}, map[string]string{"theme": "give a question or a theme, not both"}},
		{"bad theme id", surveys.BreakdownQuery{By: []string{"sex"}, Theme: "Cost of care"}, map[string]string{"theme": "is not a theme id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CheckBreakdown(&tc.q)
			got := surveys.ErrorFields(err)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if surveys.ErrorCode(err) != surveys.EINVALID {
				t.Fatalf("got %v, want %s", err, surveys.EINVALID)
			}
			if len(got) != len(tc.want) {
				t.Errorf("got fields %v, want %v", got, tc.want)
			}
			for field, part := range tc.want {
				if !strings.Contains(got[field], part) {
					t.Errorf("%s: got %q, want it to contain %q", field, got[field], part)
				}
			}
		})
	}
}
