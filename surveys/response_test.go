package surveys_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// submissionSurveyYAML has a question of every type; "story" is the only
// question that is always required, and "why_low" is required when asked.
const submissionSurveyYAML = `slug: every-type
title: {en: "Every type", ur: "ہر قسم"}
languages: [en, ur]
status: open
equality_monitoring: true
questions:
  - {key: nickname, type: text, prompt: {en: "Nickname"}}
  - {key: story, type: long_text, required: true, max_length: 10, prompt: {en: "Your story"}}
  - key: contact
    type: single_choice
    other: true
    prompt: {en: "How should we contact you?"}
    options:
      - {value: email, label: {en: "Email"}}
      - {value: phone, label: {en: "Phone"}}
  - key: services
    type: multiple_choice
    other: true
    prompt: {en: "Which services?"}
    options:
      - {value: home_care, label: {en: "Care at home"}}
      - {value: day_centre, label: {en: "Day centres"}}
      - {value: equipment, label: {en: "Equipment"}}
  - {key: rating, type: scale, min: 1, max: 5, prompt: {en: "Rating"}}
  - {key: why_low, type: long_text, required: true, show_if: {question: rating, in: ["1", "2"]}, prompt: {en: "Why?"}}
  - {key: carer, type: yes_no, prompt: {en: "Are you a carer?"}}
  - {key: hours, type: number, min: 0, max: 168, prompt: {en: "Hours a week"}}
`

func submissionSurvey(t *testing.T) *surveys.Survey {
	t.Helper()
	return parseDefForTest(t, submissionSurveyYAML)
}

// answers returns a set of answers with "story" (the required question)
// answered, plus the given ones; a nil value removes an answer.
func answers(extra map[string][]string) map[string][]string {
	a := map[string][]string{"story": {"hello"}}
	for k, v := range extra {
		if v == nil {
			delete(a, k)
			continue
		}
		a[k] = v
	}
	return a
}

func TestCheckSubmissionAnswers(t *testing.T) {
	s := submissionSurvey(t)
	type A = []surveys.Answer
	tests := []struct {
		name    string
		answers map[string][]string
		want    A        // the normalised answers, when the submission is fine
		fields  []string // the fields with problems, when it is not
	}{
		{
			name:    "only the required answer",
			answers: answers(nil),
			want:    A{{Key: "story", Values: []string{"hello"}}},
		},
		{
			name: "every question answered",
			answers: answers(map[string][]string{
				"nickname":       {"  Sam  "},
				"contact":        {"other"},
				"contact_other":  {"By letter"},
				"services":       {"home_care", "other", "equipment"},
				"services_other": {"Meals"},
				"rating":         {" 2 "},
				"why_low":        {"Late"},
				"carer":          {"Y"},
				"hours":          {"12.50"},
			}),
			want: A{
				{Key: "nickname", Values: []string{"Sam"}},
				{Key: "story", Values: []string{"hello"}},
				{Key: "contact", Values: []string{"other"}},
				{Key: "contact_other", Values: []string{"By letter"}},
				{Key: "services", Values: []string{"home_care", "other", "equipment"}},
				{Key: "services_other", Values: []string{"Meals"}},
				{Key: "rating", Values: []string{"2"}},
				{Key: "why_low", Values: []string{"Late"}},
				{Key: "carer", Values: []string{"yes"}},
				{Key: "hours", Values: []string{"12.5"}},
			},
		},
		{
			name:    "missing required answer",
			answers: answers(map[string][]string{"story": nil, "nickname": {"Sam"}}),
			fields:  []string{"story"},
		},
		{
			name:    "required answer empty string",
			answers: answers(map[string][]string{"story": {""}}),
			fields:  []string{"story"},
		},
		{
			name:    "required answer only spaces",
			answers: answers(map[string][]string{"story": {"  ", "\n"}}),
			fields:  []string{"story"},
		},
		{
			name:    "empty optional answers are not answers",
			answers: answers(map[string][]string{"nickname": {""}, "contact": {""}, "services": {"", " "}, "rating": {""}, "carer": {}}),
			want:    A{{Key: "story", Values: []string{"hello"}}},
		},
		{
			name:    "unknown question key",
			answers: answers(map[string][]string{"favourite_colour": {"red"}}),
			fields:  []string{"favourite_colour"},
		},
		{
			name:    "other text for a question without other",
			answers: answers(map[string][]string{"rating": {"3"}, "rating_other": {"x"}}),
			fields:  []string{"rating_other"},
		},
		{
			name:    "option not in the list",
			answers: answers(map[string][]string{"contact": {"fax"}}),
			fields:  []string{"contact"},
		},
		{
			name:    "option value in the wrong case",
			answers: answers(map[string][]string{"contact": {"Email"}}),
			fields:  []string{"contact"},
		},
		{
			name:    "two values for a single choice",
			answers: answers(map[string][]string{"contact": {"email", "phone"}}),
			fields:  []string{"contact"},
		},
		{
			name:    "one bad value among multiple choices",
			answers: answers(map[string][]string{"services": {"home_care", "bingo"}}),
			fields:  []string{"services"},
		},
		{
			name:    "duplicate multiple-choice values are kept once",
			answers: answers(map[string][]string{"services": {"day_centre", "home_care", "day_centre", " home_care "}}),
			want: A{
				{Key: "story", Values: []string{"hello"}},
				{Key: "services", Values: []string{"day_centre", "home_care"}},
			},
		},
		{
			name:    "Urdu text short in characters, long in bytes",
			answers: answers(map[string][]string{"story": {"سلام دنیا۔"}}), // 10 characters, 19 bytes
			want:    A{{Key: "story", Values: []string{"سلام دنیا۔"}}},
		},
		{
			name:    "emoji text at the limit",
			answers: answers(map[string][]string{"story": {strings.Repeat("😀", 10)}}), // 10 characters, 40 bytes
			want:    A{{Key: "story", Values: []string{strings.Repeat("😀", 10)}}},
		},
		{
			name:    "emoji text over the limit",
			answers: answers(map[string][]string{"story": {strings.Repeat("😀", 11)}}),
			fields:  []string{"story"},
		},
		{
			name:    "Urdu text over the limit",
			answers: answers(map[string][]string{"story": {"سلام دنیا، آپ کیسے ہیں؟"}}),
			fields:  []string{"story"},
		},
		{
			name:    "text with a NUL character",
			answers: answers(map[string][]string{"story": {"a\x00b"}}),
			fields:  []string{"story"},
		},
		{
			name:    "default max length of a text question",
			answers: answers(map[string][]string{"nickname": {strings.Repeat("x", surveys.DefaultTextMaxLength+1)}}),
			fields:  []string{"nickname"},
		},
		{
			name:    "scale above range",
			answers: answers(map[string][]string{"rating": {"6"}}),
			fields:  []string{"rating"},
		},
		{
			name:    "scale below range",
			answers: answers(map[string][]string{"rating": {"0"}}),
			fields:  []string{"rating"},
		},
		{
			name:    "scale not a whole number",
			answers: answers(map[string][]string{"rating": {"3.5"}}),
			fields:  []string{"rating"},
		},
		{
			name:    "scale not a number",
			answers: answers(map[string][]string{"rating": {"abc"}}),
			fields:  []string{"rating"},
		},
		{
			name:    "scale at both ends",
			answers: answers(map[string][]string{"rating": {"5"}}),
			want:    A{{Key: "story", Values: []string{"hello"}}, {Key: "rating", Values: []string{"5"}}},
		},
		{
			name:    "number above range",
			answers: answers(map[string][]string{"hours": {"169"}}),
			fields:  []string{"hours"},
		},
		{
			name:    "number below range",
			answers: answers(map[string][]string{"hours": {"-1"}}),
			fields:  []string{"hours"},
		},
		{
			name:    "number with thousands separator over range",
			answers: answers(map[string][]string{"hours": {"1,000"}}),
			fields:  []string{"hours"},
		},
		{
			name:    "not a number",
			answers: answers(map[string][]string{"hours": {"lots"}}),
			fields:  []string{"hours"},
		},
		{
			name:    "number NaN",
			answers: answers(map[string][]string{"hours": {"NaN"}}),
			fields:  []string{"hours"},
		},
		{
			name:    "number at the top of the range",
			answers: answers(map[string][]string{"hours": {"168"}}),
			want:    A{{Key: "story", Values: []string{"hello"}}, {Key: "hours", Values: []string{"168"}}},
		},
		{
			name:    "yes_no not yes or no",
			answers: answers(map[string][]string{"carer": {"maybe"}}),
			fields:  []string{"carer"},
		},
		{
			name:    "answer to a question hidden by show_if",
			answers: answers(map[string][]string{"rating": {"4"}, "why_low": {"Slow"}}),
			fields:  []string{"why_low"},
		},
		{
			name:    "answer to a show_if question whose condition is unanswered",
			answers: answers(map[string][]string{"why_low": {"Slow"}}),
			fields:  []string{"why_low"},
		},
		{
			name:    "hidden required question is not required",
			answers: answers(map[string][]string{"rating": {"4"}}),
			want:    A{{Key: "story", Values: []string{"hello"}}, {Key: "rating", Values: []string{"4"}}},
		},
		{
			name:    "shown required question is required",
			answers: answers(map[string][]string{"rating": {"1"}}),
			fields:  []string{"why_low"},
		},
		{
			name:    "bad answer to the show_if question reports only that question",
			answers: answers(map[string][]string{"rating": {"9"}, "why_low": {"Slow"}}),
			fields:  []string{"rating"},
		},
		{
			name:    "other text without choosing other",
			answers: answers(map[string][]string{"contact": {"email"}, "contact_other": {"By pigeon"}}),
			fields:  []string{"contact_other"},
		},
		{
			name:    "multiple-choice other text without choosing other",
			answers: answers(map[string][]string{"services": {"home_care"}, "services_other": {"Meals"}}),
			fields:  []string{"services_other"},
		},
		{
			name:    "other text without answering the question at all",
			answers: answers(map[string][]string{"contact_other": {"By pigeon"}}),
			fields:  []string{"contact_other"},
		},
		{
			name:    "other text too long",
			answers: answers(map[string][]string{"contact": {"other"}, "contact_other": {strings.Repeat("ا", surveys.OtherTextMaxLength+1)}}),
			fields:  []string{"contact_other"},
		},
		{
			name:    "other chosen without other text",
			answers: answers(map[string][]string{"contact": {"other"}}),
			want:    A{{Key: "story", Values: []string{"hello"}}, {Key: "contact", Values: []string{"other"}}},
		},
		{
			name: "several problems are all reported",
			answers: map[string][]string{
				"contact": {"fax"}, "rating": {"abc"}, "hours": {"lots"}, "bogus": {"x"},
			},
			fields: []string{"story", "contact", "rating", "hours", "bogus"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Answers: tt.answers, Channel: surveys.ChannelAPI})
			checkSubmissionResult(t, r, err, tt.fields)
			if err != nil || tt.fields != nil {
				return
			}
			if !reflect.DeepEqual(r.Answers, tt.want) {
				t.Errorf("answers: got %+v, want %+v", r.Answers, tt.want)
			}
		})
	}
}

// checkSubmissionResult checks that err names exactly the fields wantFields,
// or that there is no error when wantFields is nil.
func checkSubmissionResult(t *testing.T, r *surveys.Response, err error, wantFields []string) {
	t.Helper()
	if wantFields == nil {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		if r == nil {
			t.Fatalf("got nil response, want one")
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error and answers %+v, want problems with %v", r.Answers, wantFields)
	}
	if r != nil {
		t.Errorf("got response %+v with the error, want nil", r)
	}
	if got := surveys.ErrorCode(err); got != surveys.EINVALID {
		t.Errorf("error code: got %q, want %q", got, surveys.EINVALID)
	}
	fields := surveys.ErrorFields(err)
	want := append([]string(nil), wantFields...)
	if got := fieldKeys(fields); !reflect.DeepEqual(got, sortedCopy(want)) {
		t.Errorf("fields: got %v, want %v (error: %v)", got, sortedCopy(want), err)
	}
	for k, msg := range fields {
		if strings.TrimSpace(msg) == "" {
			t.Errorf("fields[%q]: got an empty message, want one saying what to do", k)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestCheckSubmissionYesNo(t *testing.T) {
	s := submissionSurvey(t)
	tests := []struct {
		in   string
		want string
	}{
		{"yes", "yes"}, {"YES", "yes"}, {"Yes", "yes"}, {"y", "yes"}, {"Y", "yes"}, {"true", "yes"}, {"TRUE", "yes"}, {" yes ", "yes"},
		{"no", "no"}, {"No", "no"}, {"NO", "no"}, {"n", "no"}, {"N", "no"}, {"false", "no"}, {"False", "no"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Answers: answers(map[string][]string{"carer": {tt.in}}), Channel: surveys.ChannelWeb})
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := r.Answer("carer"); !reflect.DeepEqual(got, []string{tt.want}) {
				t.Errorf("carer: got %v, want [%s]", got, tt.want)
			}
		})
	}
}

// TestCheckSubmissionShowIfWrittenLikeAnAnswer checks that a show_if value
// that the definition accepts (it is a possible answer) also matches that
// answer once it is normalised.
func TestCheckSubmissionShowIfWrittenLikeAnAnswer(t *testing.T) {
	tests := []struct {
		name      string
		questions string
		answers   map[string][]string
	}{
		{
			name: "yes_no in canonical form",
			questions: `  - {key: carer, type: yes_no, prompt: {en: "Carer?"}}
  - {key: hours, type: number, show_if: {question: carer, in: ["yes"]}, prompt: {en: "Hours?"}}
`,
			answers: map[string][]string{"carer": {"Y"}, "hours": {"10"}},
		},
		{
			name: "yes_no written with a capital",
			questions: `  - {key: carer, type: yes_no, prompt: {en: "Carer?"}}
  - {key: hours, type: number, show_if: {question: carer, in: ["Yes"]}, prompt: {en: "Hours?"}}
`,
			answers: map[string][]string{"carer": {"yes"}, "hours": {"10"}},
		},
		{
			name: "scale written with a leading zero",
			questions: `  - {key: rating, type: scale, prompt: {en: "Rating"}}
  - {key: why, type: text, show_if: {question: rating, in: ["01"]}, prompt: {en: "Why?"}}
`,
			answers: map[string][]string{"rating": {"1"}, "why": {"Slow"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseDefForTest(t, defWithQuestions(tt.questions))
			r, err := s.CheckSubmission(&surveys.Submission{Answers: tt.answers, Channel: surveys.ChannelWeb})
			if err != nil {
				t.Fatalf("got error %v, want the dependent answer accepted", err)
			}
			if got := len(r.Answers); got != 2 {
				t.Errorf("answers: got %+v, want both stored", r.Answers)
			}
		})
	}
}

func TestCheckSubmissionLanguageAndEquality(t *testing.T) {
	withEquality := submissionSurvey(t)
	withoutEquality := parseDefForTest(t, strings.Replace(submissionSurveyYAML, "equality_monitoring: true", "equality_monitoring: false", 1))
	tests := []struct {
		name     string
		survey   *surveys.Survey
		language string
		equality map[string]string
		channel  surveys.Channel
		wantLang string
		fields   []string
	}{
		{name: "no language means the default", survey: withEquality, language: "", channel: surveys.ChannelWeb, wantLang: "en"},
		{name: "second language", survey: withEquality, language: "ur", channel: surveys.ChannelWeb, wantLang: "ur"},
		{name: "language not in the survey", survey: withEquality, language: "fr", channel: surveys.ChannelWeb, fields: []string{"language"}},
		{name: "language in the wrong case", survey: withEquality, language: "UR", channel: surveys.ChannelWeb, fields: []string{"language"}},
		{name: "equality when the survey asks none", survey: withoutEquality, equality: map[string]string{"sex": "female"}, channel: surveys.ChannelWeb, fields: []string{"equality"}},
		{name: "equality when the survey asks it", survey: withEquality, equality: map[string]string{"sex": "female"}, channel: surveys.ChannelWeb, wantLang: "en"},
		{name: "unknown channel", survey: withEquality, channel: surveys.Channel("fax"), fields: []string{"channel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.survey.CheckSubmission(&surveys.Submission{
				Language: tt.language, Answers: answers(nil), Equality: tt.equality, Channel: tt.channel,
			})
			checkSubmissionResult(t, r, err, tt.fields)
			if tt.fields != nil {
				return
			}
			if r.Language != tt.wantLang {
				t.Errorf("language: got %q, want %q", r.Language, tt.wantLang)
			}
			if r.Channel != tt.channel {
				t.Errorf("channel: got %q, want %q", r.Channel, tt.channel)
			}
		})
	}
}

func TestCheckSubmissionMediation(t *testing.T) {
	s := submissionSurvey(t)
	partner := &surveys.User{ID: 7, Email: "p@example.org", Role: surveys.RolePartner, OrganisationID: 3, Organisation: "Sparkbrook Neighbourhood Network"}
	interpreter := &surveys.User{ID: 8, Email: "i@example.org", Role: surveys.RoleInterpreter}
	officer := &surveys.User{ID: 9, Email: "o@example.org", Role: surveys.RoleOfficer}
	tests := []struct {
		name      string
		mediation surveys.Mediation
		by        *surveys.User
		want      surveys.Mediation
		fields    []string
	}{
		{
			name: "resident answering for themselves",
			want: surveys.Mediation{EnteredBy: surveys.EnteredBySelf},
		},
		{
			name:      "resident cannot claim an organisation",
			mediation: surveys.Mediation{Organisation: "Made-up group", OrganisationID: 99, UserID: 42},
			want:      surveys.Mediation{EnteredBy: surveys.EnteredBySelf},
		},
		{
			name:      "no user claiming an interpreter",
			mediation: surveys.Mediation{EnteredBy: surveys.EnteredByInterpreter, ConsentConfirmed: true},
			fields:    []string{"mediation.entered_by"},
		},
		{
			name:      "no user claiming a community group",
			mediation: surveys.Mediation{EnteredBy: surveys.EnteredByCommunityGroup},
			fields:    []string{"mediation.entered_by"},
		},
		{
			name:   "partner without consent",
			by:     partner,
			fields: []string{"mediation.consent_confirmed"},
		},
		{
			name:      "partner with consent",
			by:        partner,
			mediation: surveys.Mediation{ConsentConfirmed: true, Mode: "face_to_face", Organisation: "Another group"},
			want: surveys.Mediation{
				EnteredBy: surveys.EnteredByCommunityGroup, Mode: "face_to_face", ConsentConfirmed: true,
				UserID: 7, OrganisationID: 3, Organisation: "Sparkbrook Neighbourhood Network",
			},
		},
		{
			name:      "interpreter with consent, BSL relay",
			by:        interpreter,
			mediation: surveys.Mediation{ConsentConfirmed: true, Mode: "bsl_video_relay", InterpreterLanguage: "bsl", Interpreter: "Relay service"},
			want: surveys.Mediation{
				EnteredBy: surveys.EnteredByInterpreter, Mode: "bsl_video_relay", InterpreterLanguage: "bsl",
				Interpreter: "Relay service", ConsentConfirmed: true, UserID: 8,
			},
		},
		{
			name:      "officer with consent",
			by:        officer,
			mediation: surveys.Mediation{ConsentConfirmed: true, Mode: "phone"},
			want:      surveys.Mediation{EnteredBy: surveys.EnteredByOfficer, Mode: "phone", ConsentConfirmed: true, UserID: 9},
		},
		{
			name:      "signed-in user entering their own answers",
			by:        officer,
			mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf},
			want:      surveys.Mediation{EnteredBy: surveys.EnteredBySelf, UserID: 9},
		},
		{
			name:      "bad mode",
			by:        partner,
			mediation: surveys.Mediation{ConsentConfirmed: true, Mode: "carrier_pigeon"},
			fields:    []string{"mediation.mode"},
		},
		{
			name:      "bad entered_by",
			by:        partner,
			mediation: surveys.Mediation{ConsentConfirmed: true, EnteredBy: "neighbour"},
			fields:    []string{"mediation.entered_by"},
		},
		{
			name:      "bad interpreter language",
			by:        interpreter,
			mediation: surveys.Mediation{ConsentConfirmed: true, InterpreterLanguage: "Sign Language"},
			fields:    []string{"mediation.interpreter_language"},
		},
		{
			name:      "interpreter name too long",
			by:        interpreter,
			mediation: surveys.Mediation{ConsentConfirmed: true, Interpreter: strings.Repeat("x", 201)},
			fields:    []string{"mediation.interpreter"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := &surveys.Submission{Answers: answers(nil), Channel: surveys.ChannelAssisted, Mediation: tt.mediation, EnteredFor: tt.by}
			r, err := s.CheckSubmission(sub)
			checkSubmissionResult(t, r, err, tt.fields)
			if !reflect.DeepEqual(sub.Mediation, tt.mediation) {
				t.Errorf("submission's mediation: got %+v after the check, want it unchanged %+v", sub.Mediation, tt.mediation)
			}
			if tt.fields != nil {
				return
			}
			if !reflect.DeepEqual(r.Mediation, tt.want) {
				t.Errorf("mediation: got %+v, want %+v", r.Mediation, tt.want)
			}
		})
	}
}

func TestCheckOpen(t *testing.T) {
	opens := time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC)
	closes := time.Date(2027, time.January, 31, 23, 59, 0, 0, time.UTC)
	during := time.Date(2027, time.January, 10, 12, 0, 0, 0, time.UTC)
	survey := func(status surveys.Status, o, c *time.Time) *surveys.Survey {
		return &surveys.Survey{
			Slug: "s", Title: surveys.Text{"en": "Care strategy"}, Languages: []string{"en"},
			Status: status, OpensAt: o, ClosesAt: c,
		}
	}
	tests := []struct {
		name   string
		survey *surveys.Survey
		now    time.Time
		msg    string // "" when the survey is open
	}{
		{"draft", survey(surveys.StatusDraft, nil, nil), during, "not open yet"},
		{"draft within dates", survey(surveys.StatusDraft, &opens, &closes), during, "not open yet"},
		{"closed", survey(surveys.StatusClosed, nil, nil), during, "closed"},
		{"closed within dates", survey(surveys.StatusClosed, &opens, &closes), during, "no longer takes responses"},
		{"before opens_at", survey(surveys.StatusOpen, &opens, &closes), opens.Add(-time.Second), "not open yet: it opens on 1 December 2026"},
		{"after closes_at", survey(surveys.StatusOpen, &opens, &closes), closes.Add(time.Hour), "not open: it closed on 31 January 2027"},
		{"at closes_at", survey(surveys.StatusOpen, &opens, &closes), closes, "not open"},
		{"at opens_at", survey(surveys.StatusOpen, &opens, &closes), opens, ""},
		{"open within dates", survey(surveys.StatusOpen, &opens, &closes), during, ""},
		{"open without dates", survey(surveys.StatusOpen, nil, nil), during, ""},
		{"open with only closes_at", survey(surveys.StatusOpen, nil, &closes), closes.Add(-time.Minute), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.survey.CheckOpen(tt.now)
			if tt.msg == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got nil, want %s error", surveys.ECONFLICT)
			}
			if got := surveys.ErrorCode(err); got != surveys.ECONFLICT {
				t.Errorf("error code: got %q, want %q", got, surveys.ECONFLICT)
			}
			msg := surveys.ErrorMessage(err)
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("message: got %q, want it to contain %q", msg, tt.msg)
			}
			// Drafts are private, so their messages do not name them.
			named := strings.Contains(msg, "Care strategy")
			if isDraft := tt.survey.Status == surveys.StatusDraft; named == isDraft {
				t.Errorf("message: got %q; want the survey named only when it is not a draft", msg)
			}
		})
	}
}

func TestSubmissionRulesAddedAfterReview(t *testing.T) {
	s, err := surveys.ParseDefinition([]byte(`
slug: rules
title: {en: Rules}
languages: [en]
status: open
questions:
  - {key: note, type: text, prompt: {en: "Note"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	partner := &surveys.User{ID: 7, Role: surveys.RolePartner, OrganisationID: 3, Organisation: "Group"}
	officer := &surveys.User{ID: 8, Role: surveys.RoleOfficer}
	tests := []struct {
		name      string
		sub       surveys.Submission
		wantField string // "" for success
	}{
		{"partner recording as an interpreter", surveys.Submission{EnteredFor: partner,
			Mediation: surveys.Mediation{EnteredBy: "interpreter", ConsentConfirmed: true}}, "mediation.entered_by"},
		{"partner recording as a community group", surveys.Submission{EnteredFor: partner,
			Mediation: surveys.Mediation{EnteredBy: "community_group", ConsentConfirmed: true}}, ""},
		{"officer typing up a community group's paper form", surveys.Submission{EnteredFor: officer,
			Mediation: surveys.Mediation{EnteredBy: "community_group", Mode: "paper", ConsentConfirmed: true}}, ""},
		{"a list for a text answer", surveys.Submission{Answers: map[string][]string{"note": {"a", "b"}}}, "note"},
		{"blank equality answers on a survey without equality monitoring", surveys.Submission{
			Equality: map[string]string{"sex": "", "age_band": " "}}, ""},
		{"a real equality answer on a survey without equality monitoring", surveys.Submission{
			Equality: map[string]string{"sex": "female"}}, "equality"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.sub.Channel = surveys.ChannelAPI
			_, err := s.CheckSubmission(&tt.sub)
			fields := surveys.ErrorFields(err)
			if tt.wantField == "" && err != nil {
				t.Fatalf("got %v, want success", err)
			}
			if _, ok := fields[tt.wantField]; tt.wantField != "" && !ok {
				t.Errorf("got fields %v, want a problem with %s", fields, tt.wantField)
			}
		})
	}
}

// The person's own words are kept beside a translated free-text answer,
// only when someone entered the response for them.
func TestCheckSubmissionOriginals(t *testing.T) {
	s := submissionSurvey(t)
	interpreter := &surveys.User{ID: 8, Email: "i@example.org", Role: surveys.RoleInterpreter}
	mediated := surveys.Mediation{EnteredBy: surveys.EnteredByInterpreter, Mode: "face_to_face", InterpreterLanguage: "ur", ConsentConfirmed: true}
	tests := []struct {
		name       string
		by         *surveys.User
		mediation  surveys.Mediation
		answers    map[string][]string
		originals  map[string]surveys.Original
		wantFields []string
	}{
		{"kept beside the answer", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"story": {Language: "ur", Text: " میری کہانی "}}, nil},
		{"several", interpreter, mediated, answers(map[string][]string{"nickname": {"Sam"}}),
			map[string]surveys.Original{"story": {Language: "ur", Text: "کہانی"}, "nickname": {Language: "pa", Text: "ਸੈਮ"}}, nil},
		{"not for a resident's own answers", nil, surveys.Mediation{}, answers(nil),
			map[string]surveys.Original{"story": {Language: "ur", Text: "کہانی"}}, []string{"originals.story"}},
		{"unknown question", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"nope": {Language: "ur", Text: "x"}}, []string{"originals.nope"}},
		{"not a text question", interpreter, mediated, answers(map[string][]string{"carer": {"yes"}}),
			map[string]surveys.Original{"carer": {Language: "ur", Text: "ہاں"}}, []string{"originals.carer"}},
		{"without the translated answer", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"nickname": {Language: "ur", Text: "سام"}}, []string{"originals.nickname"}},
		{"language not a code", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"story": {Language: "Urdu", Text: "کہانی"}}, []string{"originals.story.language"}},
		{"empty words", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"story": {Language: "ur", Text: "  "}}, []string{"originals.story.text"}},
		{"longer than the question allows", interpreter, mediated, answers(nil),
			map[string]surveys.Original{"story": {Language: "ur", Text: "ایک بہت لمبی کہانی"}}, []string{"originals.story.text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.CheckSubmission(&surveys.Submission{Channel: surveys.ChannelAssisted, Answers: tt.answers,
				Mediation: tt.mediation, EnteredFor: tt.by, Originals: tt.originals})
			checkSubmissionResult(t, r, err, tt.wantFields)
			if err != nil {
				return
			}
			for key, o := range tt.originals {
				if got, want := r.Originals[key], (surveys.Original{Language: o.Language, Text: strings.TrimSpace(o.Text)}); got != want {
					t.Errorf("original %s: got %+v, want %+v", key, got, want)
				}
			}
		})
	}
}

func TestOriginalColumnsAreReserved(t *testing.T) {
	for _, key := range []string{"why_original", "why_original_language"} {
		def := strings.Replace(submissionSurveyYAML, "key: nickname", "key: "+key, 1)
		_, err := surveys.ParseDefinition([]byte(def))
		if surveys.ErrorFields(err)["questions[0].key"] == "" {
			t.Errorf("question key %q: got %v, want it refused", key, err)
		}
	}
}
