package channels_test

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// flowYAML has a required yes/no, a multiple choice with "Other", a scale,
// a question shown only after a low rating, and a short text; it asks the
// equality questions.
const flowYAML = `
slug: flow
title: {en: "Parks"}
languages: [en, ur]
status: open
equality_monitoring: true
questions:
  - key: visit
    type: yes_no
    required: true
    prompt: {en: "Do you visit parks?"}
  - key: likes
    type: multiple_choice
    other: true
    prompt: {en: "What do you like?"}
    options:
      - {value: trees, label: {en: "Trees"}}
      - {value: play, label: {en: "Play areas"}}
  - key: rating
    type: scale
    min: 1
    max: 5
    prompt: {en: "How good are they?"}
  - key: why_low
    type: long_text
    show_if: {question: rating, in: ["1", "2"]}
    prompt: {en: "Why?"}
  - key: comment
    type: text
    max_length: 20
    prompt: {en: "Anything else?"}
`

func parseSurvey(t *testing.T, def string) *surveys.Survey {
	t.Helper()
	s, err := surveys.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatalf("ParseDefinition: %v", err)
	}
	return s
}

// flowSurvey is flowYAML; noEqualitySurvey is the same without equality
// monitoring.
func flowSurvey(t *testing.T) *surveys.Survey { return parseSurvey(t, flowYAML) }

func noEqualitySurvey(t *testing.T) *surveys.Survey {
	return parseSurvey(t, strings.Replace(flowYAML, "equality_monitoring: true", "equality_monitoring: false", 1))
}

func draft(answers map[string][]string, equality map[string]string) *surveys.Draft {
	d := &surveys.Draft{Language: "en", Answers: map[string][]string{}, Equality: map[string]string{}}
	maps.Copy(d.Answers, answers)
	maps.Copy(d.Equality, equality)
	return d
}

func q(key string) channels.Step  { return channels.Step{Kind: channels.StepQuestion, Key: key} }
func eq(key string) channels.Step { return channels.Step{Kind: channels.StepEquality, Key: key} }

var (
	intro = channels.Step{Kind: channels.StepEqualityIntro}
	check = channels.Step{Kind: channels.StepCheck}
)

func steps(parts ...any) []channels.Step {
	var out []channels.Step
	for _, p := range parts {
		switch p := p.(type) {
		case channels.Step:
			out = append(out, p)
		case []channels.Step:
			out = append(out, p...)
		}
	}
	return out
}

// The questions of flowYAML when why_low is hidden, and when it is shown.
var (
	questionsShort = []channels.Step{q("visit"), q("likes"), q("rating"), q("comment")}
	questionsLong  = []channels.Step{q("visit"), q("likes"), q("rating"), q("why_low"), q("comment")}
	// The equality pages asked before any equality answer is given.
	equalityFirst = []channels.Step{eq("age_band"), eq("sex"), eq("gender_identity"), eq("sexual_orientation"),
		eq(channels.EqualityBroad), eq("religion"), eq("disability_condition"), eq("unpaid_care"), eq("main_language")}
)

func TestSteps(t *testing.T) {
	t.Parallel()
	flow, plain := flowSurvey(t), noEqualitySurvey(t)
	tests := []struct {
		name   string
		survey *surveys.Survey
		draft  *surveys.Draft
		want   []channels.Step
	}{
		{"nothing answered", flow, draft(nil, nil), steps(questionsShort, intro, check)},
		{"low rating shows why_low", flow, draft(map[string][]string{"rating": {"2"}}, nil), steps(questionsLong, intro, check)},
		{"good rating hides why_low", flow, draft(map[string][]string{"rating": {"3"}}, nil), steps(questionsShort, intro, check)},
		{"no equality monitoring", plain, draft(nil, map[string]string{channels.EqualityChoice: "yes"}), steps(questionsShort, check)},
		{"equality skipped", flow, draft(nil, map[string]string{channels.EqualityChoice: "no", "age_band": "25_34"}), steps(questionsShort, intro, check)},
		{"equality chosen", flow, draft(nil, map[string]string{channels.EqualityChoice: "yes"}), steps(questionsShort, intro, equalityFirst, check)},
		{"every equality follow-up", flow, draft(nil, map[string]string{channels.EqualityChoice: "yes",
			channels.EqualityBroad: "asian", "disability_condition": "yes", "main_language": "other"}),
			steps(questionsShort, intro, eq("age_band"), eq("sex"), eq("gender_identity"), eq("sexual_orientation"),
				eq(channels.EqualityBroad), eq("ethnic_group"), eq("religion"), eq("disability_condition"), eq("disability_impact"),
				eq("unpaid_care"), eq("main_language"), eq("english_proficiency"), check)},
		{"follow-ups not asked", flow, draft(nil, map[string]string{channels.EqualityChoice: "yes",
			channels.EqualityBroad: surveys.PreferNotToSay, "disability_condition": "no", "main_language": "english"}),
			steps(questionsShort, intro, equalityFirst, check)},
		{"prefer not to say main language", flow, draft(nil, map[string]string{channels.EqualityChoice: "yes",
			"disability_condition": surveys.PreferNotToSay, "main_language": surveys.PreferNotToSay}),
			steps(questionsShort, intro, equalityFirst, check)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channels.Steps(tt.survey, tt.draft); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Steps:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestNextAndPrevious(t *testing.T) {
	t.Parallel()
	list := steps(questionsShort, intro, eq("age_band"), check)
	tests := []struct {
		name     string
		step     channels.Step
		wantNext channels.Step
		wantPrev channels.Step
		wantOK   bool
	}{
		{"first", q("visit"), q("likes"), channels.Step{}, false},
		{"middle", q("rating"), q("comment"), q("likes"), true},
		{"last question", q("comment"), intro, q("rating"), true},
		{"equality intro", intro, eq("age_band"), q("comment"), true},
		{"last equality page", eq("age_band"), check, intro, true},
		{"check page", check, check, eq("age_band"), true},
		{"a step not in the list", q("why_low"), check, channels.Step{}, false},
		{"an unknown equality page", eq("sex"), check, channels.Step{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := channels.Next(list, tt.step), tt.wantNext; got != want {
				t.Errorf("Next(%v): got %v, want %v", tt.step, got, want)
			}
			got, ok := channels.Previous(list, tt.step)
			if got != tt.wantPrev || ok != tt.wantOK {
				t.Errorf("Previous(%v): got %v, %v; want %v, %v", tt.step, got, ok, tt.wantPrev, tt.wantOK)
			}
		})
	}
}

func TestResumeStep(t *testing.T) {
	t.Parallel()
	flow, plain := flowSurvey(t), noEqualitySurvey(t)
	all := map[string][]string{"visit": {"yes"}, "likes": {"trees"}, "rating": {"4"}, "comment": {"Lovely"}}
	tests := []struct {
		name     string
		survey   *surveys.Survey
		answers  map[string][]string
		equality map[string]string
		want     channels.Step
	}{
		{"nothing answered", flow, nil, nil, q("visit")},
		{"first answered", flow, map[string][]string{"visit": {"no"}}, nil, q("likes")},
		{"a gap", flow, map[string][]string{"visit": {"no"}, "rating": {"4"}}, nil, q("likes")},
		{"revealed follow-up unanswered", flow, map[string][]string{"visit": {"no"}, "likes": {"play"}, "rating": {"1"}, "comment": {"x"}}, nil, q("why_low")},
		{"hidden follow-up not waited for", flow, all, nil, intro},
		{"equality chosen", flow, all, map[string]string{channels.EqualityChoice: "yes"}, check},
		{"equality skipped", flow, all, map[string]string{channels.EqualityChoice: "no"}, check},
		{"no equality monitoring", plain, all, nil, check},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channels.ResumeStep(tt.survey, draft(tt.answers, tt.equality)); got != tt.want {
				t.Errorf("ResumeStep: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAnswerQuestion(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", surveys.OtherTextMaxLength+1)
	tests := []struct {
		name        string
		before      map[string][]string
		key         string
		values      []string
		other       string
		want        map[string][]string
		wantProblem string
	}{
		{"yes normalised", nil, "visit", []string{"Y"}, "", map[string][]string{"visit": {"yes"}}, ""},
		{"required left empty", map[string][]string{"visit": {"yes"}}, "visit", []string{""}, "",
			map[string][]string{"visit": {"yes"}}, "choose_one_required"},
		{"not an option", nil, "likes", []string{"trees", "ponds"}, "", map[string][]string{}, "not_an_option"},
		{"text too long", nil, "comment", []string{strings.Repeat("x", 21)}, "", map[string][]string{}, "too_long"},
		{"optional answer cleared", map[string][]string{"comment": {"old"}}, "comment", nil, "", map[string][]string{}, ""},
		{"other text kept with other", nil, "likes", []string{"trees", "other"}, "  Ducks  ", map[string][]string{
			"likes": {"trees", "other"}, "likes_other": {"Ducks"}}, ""},
		{"other text dropped without other", nil, "likes", []string{"trees"}, "Ducks", map[string][]string{"likes": {"trees"}}, ""},
		{"old other text dropped when other unticked", map[string][]string{"likes": {"other"}, "likes_other": {"Ducks"}}, "likes",
			[]string{"play"}, "Ducks", map[string][]string{"likes": {"play"}}, ""},
		{"other text of only spaces", nil, "likes", []string{"other"}, "   ", map[string][]string{"likes": {"other"}}, ""},
		{"other text too long", map[string][]string{"likes": {"trees"}}, "likes", []string{"other"}, long,
			map[string][]string{"likes": {"trees"}}, "too_long"},
		{"other text on a question without other", nil, "visit", []string{"yes"}, "Ducks", map[string][]string{"visit": {"yes"}}, ""},
		{"rating 1 keeps nothing to discard", nil, "rating", []string{"1"}, "", map[string][]string{"rating": {"1"}}, ""},
		{"rating 4 discards why_low", map[string][]string{"rating": {"1"}, "why_low": {"Dirty"}}, "rating", []string{"4"}, "",
			map[string][]string{"rating": {"4"}}, ""},
		{"rating 2 keeps why_low", map[string][]string{"rating": {"1"}, "why_low": {"Dirty"}}, "rating", []string{"2"}, "",
			map[string][]string{"rating": {"2"}, "why_low": {"Dirty"}}, ""},
		{"rating cleared discards why_low", map[string][]string{"rating": {"1"}, "why_low": {"Dirty"}}, "rating", nil, "",
			map[string][]string{}, ""},
		{"refused rating keeps why_low", map[string][]string{"rating": {"1"}, "why_low": {"Dirty"}}, "rating", []string{"9"}, "",
			map[string][]string{"rating": {"1"}, "why_low": {"Dirty"}}, "scale_range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := flowSurvey(t)
			d := draft(tt.before, nil)
			p := channels.AnswerQuestion(s, d, s.Question(tt.key), tt.values, tt.other)
			gotProblem := ""
			if p != nil {
				gotProblem = p.Code
			}
			if gotProblem != tt.wantProblem {
				t.Errorf("problem: got %q, want %q", gotProblem, tt.wantProblem)
			}
			if got, want := d.Answers, tt.want; !reflect.DeepEqual(got, want) {
				t.Errorf("answers:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestAnswerEquality(t *testing.T) {
	t.Parallel()
	const broad = channels.EqualityBroad
	urdu200 := strings.Repeat("ب", 200) // 200 characters, 400 bytes
	tests := []struct {
		name        string
		before      map[string]string
		key, value  string
		writeIn     string
		want        map[string]string
		wantProblem string
	}{
		{"an answer", nil, "age_band", "35_49", "", map[string]string{"age_band": "35_49"}, ""},
		{"prefer not to say", nil, "sex", surveys.PreferNotToSay, "", map[string]string{"sex": surveys.PreferNotToSay}, ""},
		{"cleared", map[string]string{"sex": "male"}, "sex", "", "", map[string]string{}, ""},
		{"not an option", map[string]string{"sex": "male"}, "sex", "robot", "", map[string]string{"sex": "male"}, "not_an_option"},
		{"broad group not an option", nil, broad, "martian", "", map[string]string{}, "not_an_option"},
		{"write-in kept", nil, "main_language", "other", "  Urdu  ", map[string]string{"main_language": "other", "main_language_other": "Urdu"}, ""},
		{"write-in of 200 characters", nil, "main_language", "other", urdu200, map[string]string{"main_language": "other", "main_language_other": urdu200}, ""},
		{"write-in of 201 characters", map[string]string{"main_language": "english"}, "main_language", "other", urdu200 + "ب",
			map[string]string{"main_language": "english"}, "write_in_too_long"},
		{"write-in dropped for an option without one", nil, "religion", "muslim", "Sufi", map[string]string{"religion": "muslim"}, ""},
		{"old write-in dropped", map[string]string{"religion": "other", "religion_other": "Pagan"}, "religion", "hindu", "",
			map[string]string{"religion": "hindu"}, ""},
		{"disability impact discarded", map[string]string{"disability_condition": "yes", "disability_impact": "a_lot"},
			"disability_condition", "no", "", map[string]string{"disability_condition": "no"}, ""},
		{"disability impact kept", map[string]string{"disability_condition": "yes", "disability_impact": "a_lot"},
			"disability_condition", "yes", "", map[string]string{"disability_condition": "yes", "disability_impact": "a_lot"}, ""},
		{"english proficiency discarded", map[string]string{"main_language": "other", "main_language_other": "Polish", "english_proficiency": "well"},
			"main_language", "english", "", map[string]string{"main_language": "english"}, ""},
		{"english proficiency discarded when cleared", map[string]string{"main_language": "other", "english_proficiency": "well"},
			"main_language", "", "", map[string]string{}, ""},
		{"broad group changed", map[string]string{broad: "black", "ethnic_group": "black_african", "ethnic_group_other": "Somali"},
			broad, "white", "", map[string]string{broad: "white"}, ""},
		{"broad group unchanged", map[string]string{broad: "black", "ethnic_group": "black_african", "ethnic_group_other": "Somali"},
			broad, "black", "", map[string]string{broad: "black", "ethnic_group": "black_african", "ethnic_group_other": "Somali"}, ""},
		{"broad group prefer not to say", map[string]string{broad: "asian", "ethnic_group": "asian_indian"},
			broad, surveys.PreferNotToSay, "", map[string]string{broad: surveys.PreferNotToSay}, ""},
		{"detailed group with write-in", map[string]string{broad: "white"}, "ethnic_group", "white_other", "Polish",
			map[string]string{broad: "white", "ethnic_group": "white_other", "ethnic_group_other": "Polish"}, ""},
		{"detailed group from another broad group", map[string]string{broad: "asian"}, "ethnic_group", "white_british", "",
			map[string]string{broad: "asian"}, "not_an_option"},
		{"internal keys kept", map[string]string{channels.EqualityChoice: "yes", broad: "asian"}, "age_band", "16_24", "",
			map[string]string{channels.EqualityChoice: "yes", broad: "asian", "age_band": "16_24"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := draft(nil, tt.before)
			p := channels.AnswerEquality(d, tt.key, tt.value, tt.writeIn)
			gotProblem := ""
			if p != nil {
				gotProblem = p.Code
			}
			if gotProblem != tt.wantProblem {
				t.Errorf("problem: got %q, want %q", gotProblem, tt.wantProblem)
			}
			if got, want := d.Equality, tt.want; !reflect.DeepEqual(got, want) {
				t.Errorf("equality:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestDraftSubmission(t *testing.T) {
	t.Parallel()
	flow, plain := flowSurvey(t), noEqualitySurvey(t)
	answers := map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"Ducks"}, "rating": {"2"}, "why_low": {"Litter"}}
	tests := []struct {
		name         string
		survey       *surveys.Survey
		answers      map[string][]string
		equality     map[string]string
		wantAnswers  map[string][]string
		wantEquality map[string]string
	}{
		{"answers and equality", flow, answers,
			map[string]string{channels.EqualityChoice: "yes", channels.EqualityBroad: "asian", "ethnic_group": "asian_pakistani", "age_band": "35_49"},
			answers, map[string]string{"ethnic_group": "asian_pakistani", "age_band": "35_49"}},
		{"hidden answer left out", flow, map[string][]string{"visit": {"yes"}, "rating": {"5"}, "why_low": {"Litter"}}, nil,
			map[string][]string{"visit": {"yes"}, "rating": {"5"}}, map[string]string{}},
		{"equality skipped", flow, answers, map[string]string{channels.EqualityChoice: "no", "age_band": "35_49"}, answers, map[string]string{}},
		{"equality not chosen", flow, answers, map[string]string{"age_band": "35_49"}, answers, map[string]string{}},
		{"no equality monitoring", plain, answers, map[string]string{channels.EqualityChoice: "yes", "age_band": "35_49"}, answers, map[string]string{}},
		{"broad group prefer not to say", flow, answers, map[string]string{channels.EqualityChoice: "yes", channels.EqualityBroad: surveys.PreferNotToSay},
			answers, map[string]string{"ethnic_group": surveys.PreferNotToSay}},
		{"broad group only (detail skipped)", flow, answers, map[string]string{channels.EqualityChoice: "yes", channels.EqualityBroad: "black", "sex": "male"},
			answers, map[string]string{"ethnic_group_broad": "black", "sex": "male"}},
		{"write-ins", flow, answers, map[string]string{channels.EqualityChoice: "yes", "main_language": "other", "main_language_other": "Urdu"},
			answers, map[string]string{"main_language": "other", "main_language_other": "Urdu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := draft(tt.answers, tt.equality)
			d.Language = "ur"
			sub := channels.DraftSubmission(tt.survey, d, surveys.ChannelWeb)
			if sub.Channel != surveys.ChannelWeb || sub.Language != "ur" || sub.Mediation.EnteredBy != surveys.EnteredBySelf {
				t.Errorf("got channel %q, language %q, entered by %q; want web, ur, self", sub.Channel, sub.Language, sub.Mediation.EnteredBy)
			}
			if got, want := sub.Answers, tt.wantAnswers; !reflect.DeepEqual(got, want) {
				t.Errorf("answers:\n got %v\nwant %v", got, want)
			}
			if got, want := sub.Equality, tt.wantEquality; !reflect.DeepEqual(got, want) {
				t.Errorf("equality:\n got %v\nwant %v", got, want)
			}
			for k := range sub.Equality {
				if strings.HasPrefix(k, "_") {
					t.Errorf("equality: the internal key %q reached the submission", k)
				}
			}
			for k := range sub.Answers {
				if strings.HasPrefix(k, "_") {
					t.Errorf("answers: the internal key %q reached the submission", k)
				}
			}
			// What the web form sends must pass the same checks as every channel.
			if _, err := tt.survey.CheckSubmission(sub); err != nil {
				t.Errorf("CheckSubmission: %v", err)
			}
		})
	}
}

// A resident comes back to the page they were on, if it is still asked.
func TestResumeStepRemembersThePage(t *testing.T) {
	s := parseSurvey(t, `
slug: resume
title: {en: Resume}
languages: [en]
status: open
questions:
  - {key: a, type: text, prompt: {en: "A"}}
  - {key: b, type: yes_no, prompt: {en: "B"}}
  - {key: c, type: text, prompt: {en: "C"}, show_if: {question: b, in: ["yes"]}}
  - {key: d, type: text, prompt: {en: "D"}}
`)
	tests := []struct {
		name    string
		answers map[string][]string
		step    string
		want    channels.Step
	}{
		{"the page they were on", map[string][]string{"a": {"x"}}, "question:d", channels.Step{Kind: channels.StepQuestion, Key: "d"}},
		{"a page no longer asked falls back to the first unanswered", map[string][]string{"a": {"x"}, "b": {"no"}}, "question:c", channels.Step{Kind: channels.StepQuestion, Key: "d"}},
		{"no page remembered", map[string][]string{}, "", channels.Step{Kind: channels.StepQuestion, Key: "a"}},
		{"the check page", map[string][]string{"a": {"x"}, "b": {"no"}, "d": {"y"}}, "check:", channels.Step{Kind: channels.StepCheck}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &surveys.Draft{Answers: tt.answers, Equality: map[string]string{}, Step: tt.step}
			if got := channels.ResumeStep(s, d); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
