package sqlite_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// wording is an UpdateComposer that says which language and actions a
// message is about, so tests can read who was told what.
type wording struct{}

func actionTitles(actions []surveys.Action) string {
	var t []string
	for _, a := range actions {
		t = append(t, a.Title["en"]+"="+string(a.Status))
	}
	return strings.Join(t, ",")
}

func (wording) UpdateText(s *surveys.Survey, lang string, actions []surveys.Action, link string) string {
	return lang + " " + actionTitles(actions) + " " + link
}

func (wording) UpdateEmail(s *surveys.Survey, lang string, actions []surveys.Action, link, unsubscribe string) (string, string) {
	return "subject " + lang, lang + " " + actionTitles(actions) + " " + link + " " + unsubscribe
}

// resultsSurvey is the parks survey with a codebook of three themes and
// one response per comment, each coded with the themes given.
func resultsSurvey(t *testing.T, db *sqlite.DB, coded map[string][]string) (*surveys.Service, *surveys.Survey, map[string]*surveys.Response) {
	t.Helper()
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	officer, err := svc.AddUser(ctx, &surveys.NewUser{Email: "amina@example.org", Name: "Amina", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutCodebook(ctx, s, []byte("themes:\n  - {id: paths, name: Paths}\n  - {id: seating, name: Seating}\n  - {id: dogs, name: Dogs}\n")); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(coded))
	for name := range coded {
		names = append(names, name)
	}
	sort.Strings(names)
	responses := map[string]*surveys.Response{}
	decisions := map[surveys.AnswerKey][]string{}
	for _, name := range names {
		lang := "en"
		if strings.HasPrefix(name, "ur-") {
			lang = "ur"
		}
		r, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelAPI, Language: lang,
			Answers: map[string][]string{"visit": {"yes"}, "comment": {"A comment from " + name}}})
		if err != nil {
			t.Fatal(err)
		}
		responses[name] = r
		decisions[surveys.AnswerKey{ResponseID: r.ID, QuestionKey: "comment"}] = coded[name]
	}
	if err := svc.Review(ctx, s, officer, decisions); err != nil {
		t.Fatal(err)
	}
	return svc, s, responses
}

func TestActionChecks(t *testing.T) {
	db := openDB(t)
	svc, s, _ := resultsSurvey(t, db, map[string][]string{"a": {"paths"}})
	ctx := context.Background()
	tests := []struct {
		name   string
		action surveys.Action
		field  string // "" when it is fine
	}{
		{"fine", surveys.Action{Title: surveys.Text{"en": "Light the paths"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}, ""},
		{"no title", surveys.Action{Title: surveys.Text{"ur": "راستے"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}, "title.en"},
		{"blank title", surveys.Action{Title: surveys.Text{"en": "   "}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}, "title.en"},
		{"language not in survey", surveys.Action{Title: surveys.Text{"en": "x", "pl": "y"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}, "title.pl"},
		{"long title", surveys.Action{Title: surveys.Text{"en": strings.Repeat("a", surveys.MaxActionTitle+1)}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}, "title.en"},
		{"no theme", surveys.Action{Title: surveys.Text{"en": "x"}, Status: surveys.ActionPlanned}, "themes"},
		{"unknown theme", surveys.Action{Title: surveys.Text{"en": "x"}, Themes: []string{"paths", "parking"}, Status: surveys.ActionPlanned}, "themes"},
		{"unknown status", surveys.Action{Title: surveys.Text{"en": "x"}, Themes: []string{"paths"}, Status: "maybe"}, "status"},
		{"not taken forward without a reason", surveys.Action{Title: surveys.Text{"en": "x"}, Themes: []string{"paths"}, Status: surveys.ActionNotTakenForward}, "reason.en"},
		{"not taken forward with a reason", surveys.Action{Title: surveys.Text{"en": "x"}, Themes: []string{"paths"}, Status: surveys.ActionNotTakenForward, Reason: surveys.Text{"en": "No money this year"}}, ""},
		{"bad due date", surveys.Action{Title: surveys.Text{"en": "x"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned, Due: "31/03/2027"}, "due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.action
			_, err := svc.CreateAction(ctx, s, &a)
			got := surveys.ErrorFields(err)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v, want it saved", err)
				}
				return
			}
			if surveys.ErrorCode(err) != surveys.EINVALID || got[tt.field] == "" {
				t.Errorf("got %v (fields %v), want invalid naming %s", err, got, tt.field)
			}
		})
	}
	list, err := svc.Actions(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 2; got != want {
		t.Errorf("actions stored: got %d, want %d (nothing stored from a refused one)", got, want)
	}
	// A reason is kept only for an action not taken forward.
	a := list[0]
	if _, err := svc.ChangeAction(ctx, s, a.ID, &surveys.ActionChange{Title: &a.Title}); surveys.ErrorCode(err) != surveys.EINVALID {
		t.Errorf("a change that changes nothing: got %v, want invalid", err)
	}
	done := surveys.ActionDone
	later := time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return later }
	changed, err := svc.ChangeAction(ctx, s, a.ID, &surveys.ActionChange{Status: &done})
	if err != nil {
		t.Fatal(err)
	}
	if !changed.StatusChangedAt.Equal(later) || changed.Status != done || changed.Title["en"] != "Light the paths" {
		t.Errorf("changed: got %+v, want status done at %v, title kept", changed, later)
	}
	if _, err := svc.ChangeAction(ctx, s, 9999, &surveys.ActionChange{Status: &done}); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("changing an action that does not exist: got %v, want not found", err)
	}
}

// The messages publishing queues: to everyone who asked to hear back and
// raised a theme of an action that is new or changed since the last
// publication, in their language, once each; nobody else.
func TestPublishNotifiesThoseWhoRaisedTheTheme(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s, rs := resultsSurvey(t, db, map[string][]string{
		"sms-paths":           {"paths"},
		"ur-sms-paths":        {"paths", "dogs"},
		"email-paths":         {"paths"},
		"email-seating":       {"seating"},
		"no-optin-paths":      {"paths"},
		"stopped-paths":       {"paths"},
		"unsubscribed-path":   {"paths"},
		"sms-dogs":            {"dogs"},
		"opted-in-after-stop": {"paths"},
	})
	h := surveys.PhoneHasher{Key: []byte("test key")}
	subscribe := map[string]surveys.UpdateRequest{
		"sms-paths":         {Channel: surveys.UpdateBySMS, Address: "07700 900001", Language: "en"},
		"ur-sms-paths":      {Channel: surveys.UpdateBySMS, Address: "+44 7700 900002", Language: "ur"},
		"email-paths":       {Channel: surveys.UpdateByEmail, Address: "paths@example.org", Language: "en"},
		"email-seating":     {Channel: surveys.UpdateByEmail, Address: "seating@example.org", Language: "en"},
		"stopped-paths":     {Channel: surveys.UpdateBySMS, Address: "07700 900003", Language: "en"},
		"unsubscribed-path": {Channel: surveys.UpdateByEmail, Address: "gone@example.org", Language: "en"},
		"sms-dogs":          {Channel: surveys.UpdateBySMS, Address: "07700 900004", Language: "en"},
	}
	for name, req := range subscribe {
		req.Reference = rs[name].Reference
		if err := svc.SubscribeToUpdates(ctx, s, req, h); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// STOP by text: the number is suppressed and its subscriptions go.
	if err := db.SuppressSMS(ctx, h.Hash("07700 900003"), true, "stop", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The same number asks for updates on the web later: it stays
	// suppressed until it texts START, so it is not texted.
	if err := svc.SubscribeToUpdates(ctx, s, surveys.UpdateRequest{Reference: rs["opted-in-after-stop"].Reference,
		Channel: surveys.UpdateBySMS, Address: "07700 900003"}, h); err != nil {
		t.Fatal(err)
	}
	subs, err := db.UpdateSubscriptions(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		if sub.Address == "gone@example.org" {
			if err := svc.Unsubscribe(ctx, sub.Token); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := svc.Unsubscribe(ctx, "no-such-token"); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("unsubscribing with an unknown token: got %v, want not found", err)
	}

	light, err := svc.CreateAction(ctx, s, &surveys.Action{Title: surveys.Text{"en": "Light the paths"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned})
	if err != nil {
		t.Fatal(err)
	}
	figures := &surveys.PublishedFigures{Threshold: 10, Rounding: 5}
	publish := func() (surveys.PublishResult, map[string]string) {
		t.Helper()
		_, res, err := svc.PublishResults(ctx, s, figures, wording{}, "https://voices.example.gov.uk/")
		if err != nil {
			t.Fatal(err)
		}
		return res, queued(t, db, s.ID, fmt.Sprintf("update:%d", res.Version))
	}
	res, got := publish()
	want := map[string]string{
		"+447700900001":     "en Light the paths=planned https://voices.example.gov.uk/s/parks/results?lang=en",
		"+447700900002":     "ur Light the paths=planned https://voices.example.gov.uk/s/parks/results?lang=ur",
		"paths@example.org": "en Light the paths=planned https://voices.example.gov.uk/s/parks/results?lang=en https://voices.example.gov.uk/updates/",
	}
	checkQueued(t, "first publication", got, want)
	if res.Version != 1 || fmt.Sprint(res.Changed) != fmt.Sprint([]int64{light.ID}) || res.Texts.Queued != 2 || res.Texts.Suppressed != 1 || res.Emails != 1 {
		t.Errorf("first publication: got %+v, want version 1, action %d changed, 2 texts (1 suppressed) and 1 email", res, light.ID)
	}

	// Nothing changed: nobody hears anything.
	res, got = publish()
	checkQueued(t, "publishing again with nothing changed", got, map[string]string{})
	if res.Version != 2 || len(res.Changed) != 0 {
		t.Errorf("second publication: got %+v, want version 2, nothing changed", res)
	}

	// A new status for the paths action and a new action on dogs: each
	// person is told once, about the actions on what they raised.
	done := surveys.ActionDone
	if _, err := svc.ChangeAction(ctx, s, light.ID, &surveys.ActionChange{Status: &done}); err != nil {
		t.Fatal(err)
	}
	bins, err := svc.CreateAction(ctx, s, &surveys.Action{Title: surveys.Text{"en": "Dog bins"}, Themes: []string{"dogs"}, Status: surveys.ActionInProgress})
	if err != nil {
		t.Fatal(err)
	}
	_, got = publish()
	checkQueued(t, "third publication", got, map[string]string{
		"+447700900001":     "en Light the paths=done https://voices.example.gov.uk/s/parks/results?lang=en",
		"+447700900002":     "ur Light the paths=done,Dog bins=in_progress https://voices.example.gov.uk/s/parks/results?lang=ur",
		"+447700900004":     "en Dog bins=in_progress https://voices.example.gov.uk/s/parks/results?lang=en",
		"paths@example.org": "en Light the paths=done https://voices.example.gov.uk/s/parks/results?lang=en https://voices.example.gov.uk/updates/",
	})

	// Archiving deletes every contact detail and cancels what is queued
	// (two texts about the bins, not sent yet).
	if _, err := svc.ChangeAction(ctx, s, bins.ID, &surveys.ActionChange{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if _, res, err := svc.PublishResults(ctx, s, figures, wording{}, "https://voices.example.gov.uk"); err != nil || res.Texts.Queued != 2 {
		t.Fatalf("fourth publication: got %+v, %v, want 2 texts queued", res, err)
	}
	if _, err := svc.ArchiveSurvey(ctx, s); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("archiving an open survey: got %v, want conflict (close it first)", err)
	}
	if err := svc.SetStatus(ctx, "parks", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	s.Status = surveys.StatusClosed
	ar, err := svc.ArchiveSurvey(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if ar.Subscriptions != 6 || ar.Messages != 2 {
		t.Errorf("archive: got %+v, want 6 subscriptions deleted and 2 queued messages cancelled", ar)
	}
	var left int
	if err := db.QueryRowForTest(ctx, `SELECT (SELECT COUNT(*) FROM update_subscriptions) + (SELECT COUNT(*) FROM sms_outbox WHERE phone != '')
		+ (SELECT COUNT(*) FROM email_outbox WHERE address != '')`, &left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after archiving: %d contact details left, want none", left)
	}
	if err := svc.SetStatus(ctx, "parks", surveys.StatusOpen); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("reopening an archived survey: got %v, want conflict", err)
	}
	if err := svc.SubscribeToUpdates(ctx, s, surveys.UpdateRequest{Reference: rs["sms-paths"].Reference, Channel: surveys.UpdateBySMS, Address: "07700 900001"}, h); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("subscribing to an archived survey: got %v, want conflict", err)
	}
}

// queued returns the queued messages of one kind, by address.
func queued(t *testing.T, db *sqlite.DB, surveyID int64, kind string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ctx := context.Background()
	texts, err := db.ClaimDueSMS(ctx, time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range texts {
		if m.Kind == kind && m.SurveyID == surveyID {
			out[m.Phone] = m.Body
		}
		m.Status, m.Phone = surveys.OutboxSent, ""
		if err := db.UpdateSMS(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	emails, err := db.ClaimDueEmail(ctx, time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range emails {
		if m.Kind == kind && m.SurveyID == surveyID {
			// The unsubscribe token differs for each person: keep the link's start.
			out[m.Address] = m.Body[:strings.LastIndex(m.Body, "/")+1]
			if !strings.HasPrefix(m.Unsubscribe, "https://voices.example.gov.uk/updates/") || m.Subject != "subject en" {
				t.Errorf("email to %s: got unsubscribe %q and subject %q", m.Address, m.Unsubscribe, m.Subject)
			}
		}
		m.Status, m.Address = surveys.EmailSent, ""
		if err := db.UpdateEmail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func checkQueued(t *testing.T, when string, got, want map[string]string) {
	t.Helper()
	for addr, body := range want {
		if got[addr] != body {
			t.Errorf("%s: to %s got %q, want %q", when, addr, got[addr], body)
		}
	}
	for addr, body := range got {
		if _, ok := want[addr]; !ok {
			t.Errorf("%s: got a message to %s (%q), want none", when, addr, body)
		}
	}
}

// A publication is a snapshot: later edits stay private until published.
func TestPublicationIsASnapshot(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s, _ := resultsSurvey(t, db, map[string][]string{"a": {"paths"}})
	if _, err := svc.Publication(ctx, s); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("before publishing: got %v, want not found", err)
	}
	a, err := svc.CreateAction(ctx, s, &surveys.Action{Title: surveys.Text{"en": "Light the paths"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.PublishResults(ctx, s, &surveys.PublishedFigures{}, wording{}, "http://127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	title := surveys.Text{"en": "Light the paths and the car park"}
	if _, err := svc.ChangeAction(ctx, s, a.ID, &surveys.ActionChange{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAction(ctx, s, &surveys.Action{Title: surveys.Text{"en": "Secret plan"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Publication(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 1 || p.Actions[0].Title["en"] != "Light the paths" || p.Version != 1 {
		t.Errorf("published: got %+v, want version 1 with the one action as it was", p.Actions)
	}
}

// A survey with no codebook yet still has results figures: who took part,
// and nothing themed (rather than ENOTFOUND for the missing codebook).
func TestResultsFiguresWithoutCodebook(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	for _, ch := range []surveys.Channel{surveys.ChannelAPI, surveys.ChannelAPI, surveys.ChannelSMS} {
		if _, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: ch, Answers: map[string][]string{"visit": {"yes"}}}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := svc.ResultsFigures(ctx, s)
	if err != nil {
		t.Fatalf("ResultsFigures without a codebook: %v", err)
	}
	if f.Respondents != 3 || f.ByChannel["api"] != 2 || f.ByChannel["sms"] != 1 || f.Summary != nil {
		t.Errorf("ResultsFigures: got %+v, want 3 respondents (2 api, 1 sms) and no themed summary", f)
	}
}
