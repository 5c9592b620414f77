package channels_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// Fuzz tests for the channels' parsers of outside input (the SMS answer
// parser, Twilio forms and API bodies have theirs beside their tests).
// Their seeds run with go test; run longer with, for example:
//   go test -run '^$' -fuzz FuzzReadImport -fuzztime 5m ./channels/

func demoSurvey(t testing.TB) *surveys.Survey {
	s, err := surveys.ParseDefinition([]byte(surveys.DemoDefinition))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzReadImport: no CSV file makes reading an import panic; every row it
// gives back is either refused with a problem or checks as a submission
// without panicking.
func FuzzReadImport(f *testing.F) {
	s := demoSurvey(f)
	var template bytes.Buffer
	if err := channels.ImportTemplate(&template, s); err != nil {
		f.Fatal(err)
	}
	header := strings.SplitN(template.String(), "\n", 2)[0]
	f.Add([]byte(template.String()))
	f.Add([]byte(header + "\n" + strings.Repeat(",", strings.Count(header, ",")) + "\n"))
	f.Add([]byte("\ufeffmatters,info_ease\n\"a\"\"b\",very_easy\n"))
	f.Add([]byte("matters\n\"unterminated\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := channels.ReadImport(data, s)
		if err != nil {
			if surveys.ErrorCode(err) == "" || surveys.ErrorCode(err) == surveys.EINTERNAL {
				t.Fatalf("got %v, want one of our errors", err)
			}
			return
		}
		for _, r := range rows {
			if r.Problem != "" || r.Submission == nil {
				continue
			}
			s.CheckSubmission(r.Submission)
		}
	})
}

// FuzzParseInvitations: no invitation list makes parsing panic, and every
// number accepted is in E.164.
func FuzzParseInvitations(f *testing.F) {
	s := demoSurvey(f)
	for _, seed := range []string{"phone,language\n07700 900123,ur\n+44 7700 900124,\n", "phone\n", "number\n\"", "language\nur\n", ""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := channels.ParseInvitations(bytes.NewReader(data), s)
		if err != nil {
			if surveys.ErrorCode(err) == "" {
				t.Fatalf("got %v, want one of our errors", err)
			}
			return
		}
		for _, in := range list {
			if surveys.NormalisePhone(in.Phone) != in.Phone || !strings.HasPrefix(in.Phone, "+") {
				t.Fatalf("accepted %q, not a normalised number", in.Phone)
			}
			if !s.HasLanguage(in.Language) {
				t.Fatalf("accepted language %q, not the survey's", in.Language)
			}
		}
	})
}

// FuzzWebFormAnswer: whatever a form post sends for a question (values and
// "Other" text), recording it never panics, and an answer it accepts is
// accepted by the final check of the whole response, as the web form's
// Send relies on.
func FuzzWebFormAnswer(f *testing.F) {
	s := demoSurvey(f)
	for i := range s.Questions {
		f.Add(i, "", "")
	}
	f.Add(0, "x\x00y", "other text")
	f.Add(1, "other", strings.Repeat("a", 300))
	f.Add(2, "1e9", "")
	f.Fuzz(func(t *testing.T, i int, values, other string) {
		if i < 0 || i >= len(s.Questions) {
			return
		}
		q := &s.Questions[i]
		d := &surveys.Draft{SurveyID: s.ID, Language: s.DefaultLanguage(), Answers: map[string][]string{}, Equality: map[string]string{}}
		if p := channels.AnswerQuestion(s, d, q, strings.Split(values, "\x00"), other); p != nil {
			return
		}
		// Only this answer: the check may want other required answers,
		// but must never call this one wrong.
		sub := channels.DraftSubmission(s, d, surveys.ChannelWeb)
		_, err := s.CheckSubmission(sub)
		for field := range surveys.ErrorFields(err) {
			if field == q.Key || field == surveys.OtherKey(q.Key) {
				t.Fatalf("the form accepted %q (other %q) for %s, but the check refuses it: %v", values, other, q.Key, err)
			}
		}
	})
}

// FuzzWebFormEquality: no equality answer from a form post panics, and an
// accepted one passes the final check.
func FuzzWebFormEquality(f *testing.F) {
	for _, seed := range [][3]string{{"ethnic_group", "asian_pakistani", ""}, {"disability", "yes_limited_a_lot", ""},
		{"age_band", "85_plus", ""}, {"religion", "other", "Jain"}, {"sex", "prefer_not_to_say", ""}, {"x", "y", "z"}} {
		f.Add(seed[0], seed[1], seed[2])
	}
	s := demoSurvey(f)
	f.Fuzz(func(t *testing.T, key, value, writeIn string) {
		d := &surveys.Draft{Language: "en", Answers: map[string][]string{}, Equality: map[string]string{}}
		if p := channels.AnswerEquality(d, key, value, writeIn); p != nil {
			return
		}
		sub := channels.DraftSubmission(s, d, surveys.ChannelWeb)
		_, err := s.CheckSubmission(sub)
		for field := range surveys.ErrorFields(err) {
			if strings.HasPrefix(field, "equality") {
				t.Fatalf("the form accepted %s=%q (%q), but the check refuses it: %v", key, value, writeIn, err)
			}
		}
	})
}
