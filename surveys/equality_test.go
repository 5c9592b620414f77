package surveys_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// CheckEquality takes an unexported fieldErrors, so it is tested through
// CheckSubmission on a survey with equality_monitoring: true.
func TestCheckEquality(t *testing.T) {
	s := submissionSurvey(t)
	tests := []struct {
		name   string
		in     map[string]string
		want   map[string]string // the stored equality answers, when fine
		fields []string          // the fields with problems, when not
	}{
		{
			name: "ethnic group gives the broad group",
			in:   map[string]string{"ethnic_group": "asian_pakistani"},
			want: map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian"},
		},
		{
			name: "ethnic group in every broad group",
			in:   map[string]string{"ethnic_group": "mixed_white_asian", "sex": "male"},
			want: map[string]string{"ethnic_group": "mixed_white_asian", "ethnic_group_broad": "mixed", "sex": "male"},
		},
		{
			name: "Arab is in the other broad group",
			in:   map[string]string{"ethnic_group": "other_arab"},
			want: map[string]string{"ethnic_group": "other_arab", "ethnic_group_broad": "other"},
		},
		{
			name: "values are trimmed and empty values dropped",
			in:   map[string]string{"ethnic_group": " black_caribbean ", "sex": "", "religion": "  "},
			want: map[string]string{"ethnic_group": "black_caribbean", "ethnic_group_broad": "black"},
		},
		{
			name: "broad group sent with a matching ethnic group",
			in:   map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian"},
			want: map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian"},
		},
		{
			name: "broad group alone (the detailed step skipped)",
			in:   map[string]string{"ethnic_group_broad": "black"},
			want: map[string]string{"ethnic_group_broad": "black"},
		},
		{
			name:   "broad group that does not match the ethnic group",
			in:     map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "white"},
			fields: []string{"equality.ethnic_group_broad"},
		},
		{
			name:   "unknown broad group",
			in:     map[string]string{"ethnic_group_broad": "martian"},
			fields: []string{"equality.ethnic_group_broad"},
		},
		{
			name:   "unknown key",
			in:     map[string]string{"shoe_size": "9"},
			fields: []string{"equality.shoe_size"},
		},
		{
			name:   "a question key of the survey is not an equality key",
			in:     map[string]string{"rating": "3"},
			fields: []string{"equality.rating"},
		},
		{
			name:   "unknown ethnic group",
			in:     map[string]string{"ethnic_group": "asian"},
			fields: []string{"equality.ethnic_group"},
		},
		{
			name:   "unknown sex",
			in:     map[string]string{"sex": "f"},
			fields: []string{"equality.sex"},
		},
		{
			name:   "value in the wrong case",
			in:     map[string]string{"religion": "Muslim"},
			fields: []string{"equality.religion"},
		},
		{
			name: "prefer not to say on every question",
			in: map[string]string{
				"age_band": "prefer_not_to_say", "sex": "prefer_not_to_say", "gender_identity": "prefer_not_to_say",
				"sexual_orientation": "prefer_not_to_say", "ethnic_group": "prefer_not_to_say", "religion": "prefer_not_to_say",
				"disability_condition": "yes", "disability_impact": "prefer_not_to_say", "unpaid_care": "prefer_not_to_say",
				"main_language": "other", "english_proficiency": "prefer_not_to_say",
			},
			want: map[string]string{
				"age_band": "prefer_not_to_say", "sex": "prefer_not_to_say", "gender_identity": "prefer_not_to_say",
				"sexual_orientation": "prefer_not_to_say", "ethnic_group": "prefer_not_to_say", "ethnic_group_broad": "prefer_not_to_say",
				"religion": "prefer_not_to_say", "disability_condition": "yes", "disability_impact": "prefer_not_to_say",
				"disability": "prefer_not_to_say", "unpaid_care": "prefer_not_to_say",
				"main_language": "other", "english_proficiency": "prefer_not_to_say",
			},
		},
		{
			name: "prefer not to say on the first parts",
			in:   map[string]string{"disability_condition": "prefer_not_to_say", "main_language": "prefer_not_to_say"},
			want: map[string]string{"disability_condition": "prefer_not_to_say", "disability": "prefer_not_to_say", "main_language": "prefer_not_to_say"},
		},
		{
			name: "write-in with an option that asks for it",
			in:   map[string]string{"ethnic_group": "white_other", "ethnic_group_other": "Polish"},
			want: map[string]string{"ethnic_group": "white_other", "ethnic_group_broad": "white", "ethnic_group_other": "Polish"},
		},
		{
			name:   "write-in with an option that does not ask for it",
			in:     map[string]string{"ethnic_group": "white_british", "ethnic_group_other": "Polish"},
			fields: []string{"equality.ethnic_group_other"},
		},
		{
			name:   "write-in with prefer not to say",
			in:     map[string]string{"ethnic_group": "prefer_not_to_say", "ethnic_group_other": "Polish"},
			fields: []string{"equality.ethnic_group_other"},
		},
		{
			name:   "write-in too long",
			in:     map[string]string{"religion": "other", "religion_other": strings.Repeat("ج", 201)},
			fields: []string{"equality.religion_other"},
		},
		{
			name: "write-in for main language",
			in:   map[string]string{"main_language": "other", "main_language_other": "British Sign Language"},
			want: map[string]string{"main_language": "other", "main_language_other": "British Sign Language"},
		},
		{
			name:   "write-in without its question",
			in:     map[string]string{"ethnic_group_other": strings.Repeat("x", 5000)},
			fields: []string{"equality.ethnic_group_other"},
		},
		{
			name: "disability yes and a lot",
			in:   map[string]string{"disability_condition": "yes", "disability_impact": "a_lot"},
			want: map[string]string{"disability_condition": "yes", "disability_impact": "a_lot", "disability": "disabled_a_lot"},
		},
		{
			name: "disability yes and a little",
			in:   map[string]string{"disability_condition": "yes", "disability_impact": "a_little"},
			want: map[string]string{"disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_little"},
		},
		{
			name: "disability yes and not at all",
			in:   map[string]string{"disability_condition": "yes", "disability_impact": "not_at_all"},
			want: map[string]string{"disability_condition": "yes", "disability_impact": "not_at_all", "disability": "ltc_not_limited"},
		},
		{
			name: "disability yes without impact derives nothing",
			in:   map[string]string{"disability_condition": "yes"},
			want: map[string]string{"disability_condition": "yes"},
		},
		{
			name: "no condition",
			in:   map[string]string{"disability_condition": "no"},
			want: map[string]string{"disability_condition": "no", "disability": "no_ltc"},
		},
		{
			name:   "impact without condition",
			in:     map[string]string{"disability_impact": "a_lot"},
			fields: []string{"equality.disability_impact"},
		},
		{
			name:   "impact with condition no",
			in:     map[string]string{"disability_condition": "no", "disability_impact": "a_lot"},
			fields: []string{"equality.disability_impact"},
		},
		{
			name:   "unknown impact",
			in:     map[string]string{"disability_condition": "yes", "disability_impact": "sometimes"},
			fields: []string{"equality.disability_impact"},
		},
		{
			name: "disability sent directly",
			in:   map[string]string{"disability": "ltc_not_limited"},
			want: map[string]string{"disability": "ltc_not_limited"},
		},
		{
			name: "disability sent directly as prefer not to say",
			in:   map[string]string{"disability": "prefer_not_to_say"},
			want: map[string]string{"disability": "prefer_not_to_say"},
		},
		{
			name: "disability sent directly and consistent",
			in:   map[string]string{"disability_condition": "yes", "disability_impact": "a_lot", "disability": "disabled_a_lot"},
			want: map[string]string{"disability_condition": "yes", "disability_impact": "a_lot", "disability": "disabled_a_lot"},
		},
		{
			name:   "disability sent directly and inconsistent",
			in:     map[string]string{"disability_condition": "no", "disability": "disabled_a_lot"},
			fields: []string{"equality.disability"},
		},
		{
			name:   "disability sent directly and inconsistent with impact",
			in:     map[string]string{"disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_lot"},
			fields: []string{"equality.disability"},
		},
		{
			name:   "unknown disability measure",
			in:     map[string]string{"disability": "disabled"},
			fields: []string{"equality.disability"},
		},
		{
			name: "english proficiency when main language is not English",
			in:   map[string]string{"main_language": "other", "english_proficiency": "not_well"},
			want: map[string]string{"main_language": "other", "english_proficiency": "not_well"},
		},
		{
			name:   "english proficiency when main language is English",
			in:     map[string]string{"main_language": "english", "english_proficiency": "very_well"},
			fields: []string{"equality.english_proficiency"},
		},
		{
			name:   "english proficiency when main language is not given",
			in:     map[string]string{"english_proficiency": "well"},
			fields: []string{"equality.english_proficiency"},
		},
		{
			name:   "english proficiency when main language is prefer not to say",
			in:     map[string]string{"main_language": "prefer_not_to_say", "english_proficiency": "well"},
			fields: []string{"equality.english_proficiency"},
		},
		{
			name:   "age band not in the standard",
			in:     map[string]string{"age_band": "18_24"},
			fields: []string{"equality.age_band"},
		},
		{
			name:   "several problems are all reported",
			in:     map[string]string{"sex": "x", "age_band": "old", "shoe_size": "9"},
			fields: []string{"equality.sex", "equality.age_band", "equality.shoe_size"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Answers: answers(nil), Equality: tt.in, Channel: surveys.ChannelWeb})
			checkSubmissionResult(t, r, err, tt.fields)
			if tt.fields != nil {
				return
			}
			if !reflect.DeepEqual(r.Equality, tt.want) {
				t.Errorf("equality: got %v, want %v", r.Equality, tt.want)
			}
		})
	}
}

func TestCheckEqualityNothingGiven(t *testing.T) {
	s := submissionSurvey(t)
	tests := []struct {
		name string
		in   map[string]string
	}{
		{"nil", nil},
		{"empty", map[string]string{}},
		{"only empty values", map[string]string{"sex": "", "age_band": " "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Answers: answers(nil), Equality: tt.in, Channel: surveys.ChannelWeb})
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if r.Equality != nil {
				t.Errorf("equality: got %v, want nil (nothing answered)", r.Equality)
			}
		})
	}
}

func TestCheckEqualityAgeBands(t *testing.T) {
	want := []string{"16_24", "25_34", "35_49", "50_64", "65_74", "75_84", "85_plus"}
	q := surveys.EqualityQuestionByKey("age_band")
	if q == nil {
		t.Fatalf("EqualityQuestionByKey(age_band): got nil, want the age question")
	}
	var ids []string
	for _, o := range q.Options {
		ids = append(ids, o.ID)
	}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("age bands: got %v, want %v", ids, want)
	}
	s := submissionSurvey(t)
	for _, band := range want {
		t.Run(band, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Answers: answers(nil), Equality: map[string]string{"age_band": band}, Channel: surveys.ChannelWeb})
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := r.Equality["age_band"]; got != band {
				t.Errorf("age_band: got %q, want %q", got, band)
			}
		})
	}
}

func TestEqualityQuestionsOrder(t *testing.T) {
	var keys []string
	for _, q := range surveys.EqualityQuestions {
		keys = append(keys, q.Key)
		if len(q.Options) == 0 {
			t.Errorf("question %q: got no options, want some", q.Key)
		}
		if q.Question == "" {
			t.Errorf("question %q: got no question text, want some", q.Key)
		}
		for _, o := range q.Options {
			if o.ID == "" || o.Label == "" {
				t.Errorf("question %q: got option %+v, want an id and a label", q.Key, o)
			}
		}
	}
	wantKeys := []string{
		"age_band", "sex", "gender_identity", "sexual_orientation", "ethnic_group", "religion",
		"disability_condition", "disability_impact", "unpaid_care", "main_language", "english_proficiency",
	}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("questions: got %v, want %v", keys, wantKeys)
	}

	tests := []struct {
		key  string
		want []string // the first option ids, in the standard's order
	}{
		{"ethnic_group", []string{
			"white_british", "white_irish", "white_gypsy_irish_traveller", "white_roma", "white_other",
			"mixed_white_black_caribbean", "mixed_white_black_african", "mixed_white_asian", "mixed_other",
			"asian_indian", "asian_pakistani", "asian_bangladeshi", "asian_chinese", "asian_other",
			"black_caribbean", "black_african", "black_other", "other_arab", "other_any",
		}},
		{"religion", []string{"no_religion", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh", "other"}},
		{"sex", []string{"female", "male"}},
		{"disability_condition", []string{"yes", "no"}},
		{"disability_impact", []string{"a_lot", "a_little", "not_at_all"}},
		{"unpaid_care", []string{"no", "h0_9", "h10_19", "h20_34", "h35_49", "h50_plus"}},
		{"main_language", []string{"english", "other"}},
		{"english_proficiency", []string{"very_well", "well", "not_well", "not_at_all"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			q := surveys.EqualityQuestionByKey(tt.key)
			if q == nil {
				t.Fatalf("got no question %q, want one", tt.key)
			}
			var ids []string
			for _, o := range q.Options {
				ids = append(ids, o.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("options: got %v, want %v", ids, tt.want)
			}
		})
	}

	// The broad groups and write-ins of the ethnic group question.
	eth := surveys.EqualityQuestionByKey("ethnic_group")
	groups := map[string]string{}
	var writeIns []string
	for _, o := range eth.Options {
		groups[o.ID] = o.Group
		if o.WriteIn {
			writeIns = append(writeIns, o.ID)
		}
	}
	for id, g := range map[string]string{"white_roma": "white", "mixed_other": "mixed", "asian_chinese": "asian", "black_african": "black", "other_any": "other"} {
		if groups[id] != g {
			t.Errorf("group of %s: got %q, want %q", id, groups[id], g)
		}
	}
	if want := []string{"white_other", "mixed_other", "asian_other", "black_african", "black_other", "other_any"}; !reflect.DeepEqual(writeIns, want) {
		t.Errorf("ethnic group write-ins: got %v, want %v", writeIns, want)
	}
	if q := surveys.EqualityQuestionByKey("no_such_question"); q != nil {
		t.Errorf("EqualityQuestionByKey(no_such_question): got %+v, want nil", q)
	}
}

func TestEqualityColumns(t *testing.T) {
	want := []string{
		"age_band", "sex", "gender_identity", "gender_identity_other", "sexual_orientation", "sexual_orientation_other",
		"ethnic_group", "ethnic_group_broad", "ethnic_group_other", "religion", "religion_other",
		"disability_condition", "disability_impact", "disability", "unpaid_care",
		"main_language", "main_language_other", "english_proficiency",
	}
	if !reflect.DeepEqual(surveys.EqualityColumns, want) {
		t.Errorf("EqualityColumns: got %v, want %v", surveys.EqualityColumns, want)
	}
}
