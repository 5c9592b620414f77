package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

const definition = `
slug: parks
title: {en: "Parks", ur: "پارک"}
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
    prompt: {en: "What do you like?"}
    other: true
    options:
      - {value: trees, label: {en: "Trees"}}
      - {value: play, label: {en: "Play areas"}}
  - key: comment
    type: long_text
    prompt: {en: "Anything else?"}
`

func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newSurvey(t testing.TB, db *sqlite.DB) (*surveys.Service, *surveys.Survey) {
	t.Helper()
	svc := &surveys.Service{Store: db}
	s, err := svc.CreateSurvey(context.Background(), []byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	return svc, s
}

func TestMigrateIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "voices.db")
	for i := 0; i < 2; i++ {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("open %d: Migrate applied %v again, want nothing", i, applied)
		}
		db.Close()
	}
}

func TestSurveyRoundTrip(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	_, s := newSurvey(t, db)
	got, err := db.Survey(ctx, "parks")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != s.ID || got.Title["ur"] != "پارک" || len(got.Questions) != 3 || got.Questions[1].Options[1].Value != "play" {
		t.Errorf("got %+v, want the stored survey back", got)
	}
	if err := db.CreateSurvey(ctx, s); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("creating the same slug again: got %v, want conflict", err)
	}
	if _, err := db.Survey(ctx, "nope"); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("unknown slug: got %v, want not found", err)
	}
	if err := db.SetSurveyStatus(ctx, "parks", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	closed, _ := db.Surveys(ctx, surveys.StatusClosed)
	open, _ := db.Surveys(ctx, surveys.StatusOpen)
	if len(closed) != 1 || len(open) != 0 {
		t.Errorf("after closing: got %d closed and %d open, want 1 and 0", len(closed), len(open))
	}
}

func TestResponseRoundTrip(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	user, err := svc.AddUser(ctx, &surveys.NewUser{Email: "amina@example.org", Name: "Amina", Role: surveys.RolePartner,
		Organisation: "Sparkbrook Network", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	sub := &surveys.Submission{
		Language: "ur", Channel: surveys.ChannelAssisted, EnteredFor: user,
		Answers:   map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"Ducks 🦆"}, "comment": {"بہت اچھا"}},
		Equality:  map[string]string{"ethnic_group": "asian_pakistani", "age_band": "35_49", "disability_condition": "yes", "disability_impact": "a_little"},
		Mediation: surveys.Mediation{Mode: "face_to_face", InterpreterLanguage: "ur", ConsentConfirmed: true},
	}
	r, err := svc.Submit(ctx, "parks", sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelAPI, Answers: map[string][]string{"visit": {"no"}}}); err != nil {
		t.Fatal(err)
	}
	var got []*surveys.Response
	if err := db.EachResponse(ctx, s.ID, surveys.ResponseFilter{}, func(r *surveys.Response) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d responses, want 2", len(got))
	}
	first := got[0]
	if first.Reference != r.Reference || first.Language != "ur" || first.Channel != surveys.ChannelAssisted {
		t.Errorf("got %+v, want reference %s in ur by assisted", first, r.Reference)
	}
	wantAnswers := map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"Ducks 🦆"}, "comment": {"بہت اچھا"}}
	for k, want := range wantAnswers {
		if got := first.Answer(k); !reflect.DeepEqual(got, want) {
			t.Errorf("answer %s: got %q, want %q", k, got, want)
		}
	}
	wantMed := surveys.Mediation{EnteredBy: "community_group", Mode: "face_to_face", InterpreterLanguage: "ur", ConsentConfirmed: true,
		OrganisationID: user.OrganisationID, Organisation: "Sparkbrook Network", UserID: user.ID}
	if first.Mediation != wantMed {
		t.Errorf("mediation: got %+v, want %+v", first.Mediation, wantMed)
	}
	wantEq := map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian", "age_band": "35_49",
		"disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_little"}
	if !reflect.DeepEqual(first.Equality, wantEq) {
		t.Errorf("equality: got %v, want %v", first.Equality, wantEq)
	}
	if got[1].Equality != nil || !reflect.DeepEqual(got[1].Answer("visit"), []string{"no"}) {
		t.Errorf("second response: got %+v, want visit=no and no equality answers", got[1])
	}

	page, err := db.Responses(ctx, s.ID, surveys.ResponseFilter{Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != first.ID {
		t.Fatalf("first page: got %v, %v; want the first response", page, err)
	}
	page, err = db.Responses(ctx, s.ID, surveys.ResponseFilter{Limit: 1, AfterID: first.ID})
	if err != nil || len(page) != 1 || page[0].ID != got[1].ID || page[0].Answer("visit")[0] != "no" {
		t.Fatalf("second page: got %v, %v; want the second response", page, err)
	}
	byChannel, _ := db.Responses(ctx, s.ID, surveys.ResponseFilter{Channel: surveys.ChannelAPI})
	if len(byChannel) != 1 || byChannel[0].Channel != surveys.ChannelAPI {
		t.Errorf("filter by channel api: got %d responses, want 1", len(byChannel))
	}
	future, _ := db.Responses(ctx, s.ID, surveys.ResponseFilter{From: time.Now().Add(time.Hour)})
	if len(future) != 0 {
		t.Errorf("filter from the future: got %d responses, want 0", len(future))
	}
}

func TestReferenceClashIsReported(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	_, s := newSurvey(t, db)
	r := &surveys.Response{SurveyID: s.ID, Reference: "ABC-DEF", SubmittedAt: time.Now(), Channel: surveys.ChannelAPI, Language: "en",
		Mediation: surveys.Mediation{EnteredBy: "self"}, Answers: []surveys.Answer{{Key: "visit", Values: []string{"yes"}}}}
	if err := db.CreateResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	again := *r
	if err := db.CreateResponse(ctx, &again); !errors.Is(err, surveys.ErrReferenceTaken) {
		t.Errorf("same reference twice: got %v, want ErrReferenceTaken", err)
	}
}

// A response whose answers cannot be stored leaves nothing behind.
func TestFailedResponseWritesNothing(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	_, s := newSurvey(t, db)
	r := &surveys.Response{SurveyID: s.ID, Reference: "ABC-DEF", SubmittedAt: time.Now(), Channel: surveys.ChannelAPI, Language: "en",
		Mediation: surveys.Mediation{EnteredBy: "self"},
		// The same key and position twice breaks the answers primary key
		// after the response row is written.
		Answers: []surveys.Answer{{Key: "visit", Values: []string{"yes"}}, {Key: "visit", Values: []string{"no"}}}}
	if err := db.CreateResponse(ctx, r); err == nil {
		t.Fatal("storing clashing answers: got no error")
	}
	list, err := db.Responses(ctx, s.ID, surveys.ResponseFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("after a failed write: got %d responses (%v), want none", len(list), err)
	}
}

func TestReplaceSurveyKeepsAnswers(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string // error code, "" for success
	}{
		{"add a question", func(d string) string {
			return d + "  - {key: extra, type: text, prompt: {en: \"More?\"}}\n"
		}, ""},
		{"reword a prompt", func(d string) string { return replace(d, "Anything else?", "Anything more?") }, ""},
		{"long_text to text", func(d string) string {
			return replace(d, "key: comment\n    type: long_text", "key: comment\n    type: text")
		}, ""},
		{"remove an answered question", func(d string) string {
			return replace(d, "  - key: comment\n    type: long_text\n    prompt: {en: \"Anything else?\"}\n", "")
		}, surveys.ECONFLICT},
		{"retype an answered question", func(d string) string {
			return replace(d, "key: visit\n    type: yes_no", "key: visit\n    type: text")
		}, surveys.ECONFLICT},
		{"remove an answered option", func(d string) string {
			return replace(d, "      - {value: trees, label: {en: \"Trees\"}}\n", "      - {value: benches, label: {en: \"Benches\"}}\n")
		}, surveys.ECONFLICT},
		{"remove other that was used", func(d string) string { return replace(d, "    other: true\n", "") }, surveys.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			svc, _ := newSurvey(t, db)
			if _, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelAPI,
				Answers: map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"ducks"}, "comment": {"lovely"}}}); err != nil {
				t.Fatal(err)
			}
			_, err := svc.ReplaceSurvey(ctx, "parks", []byte(tt.edit(definition)))
			if got := surveys.ErrorCode(err); got != tt.wantErr {
				t.Fatalf("got error %v (code %q), want code %q", err, got, tt.wantErr)
			}
			stored, _ := db.Survey(ctx, "parks")
			changed := fmt.Sprint(stored.Questions) != fmt.Sprint(mustParse(t, definition).Questions)
			if changed != (tt.wantErr == "") {
				t.Errorf("stored definition changed = %v, want %v", changed, tt.wantErr == "")
			}
		})
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("replace: not found: " + old)
}

func mustParse(t *testing.T, def string) *surveys.Survey {
	s, err := surveys.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUsersAndTokens(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc := &surveys.Service{Store: db}
	u, err := svc.AddUser(ctx, &surveys.NewUser{Email: "Officer@Example.org", Name: "Olu", Role: surveys.RoleOfficer, Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUser(ctx, &surveys.NewUser{Email: "officer@example.org", Name: "Olu", Role: surveys.RoleOfficer, Password: "a long enough password"}); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("same email in another case: got %v, want conflict", err)
	}
	token, err := svc.CreateToken(ctx, "officer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Authenticate(ctx, token)
	if err != nil || got.ID != u.ID || got.Role != surveys.RoleOfficer {
		t.Errorf("Authenticate: got %+v, %v; want user %d", got, err, u.ID)
	}
	if _, err := svc.Authenticate(ctx, token+"x"); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("wrong token: got %v, want unauthorized", err)
	}
}

// Concurrent submissions all land, each exactly once, without SQLITE_BUSY.
func TestConcurrentSubmissions(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelAPI, Answers: map[string][]string{"visit": {"yes"}}})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	refs := map[string]bool{}
	if err := db.EachResponse(ctx, s.ID, surveys.ResponseFilter{}, func(r *surveys.Response) error {
		refs[r.Reference] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(refs) != workers*each {
		t.Errorf("got %d distinct stored responses, want %d", len(refs), workers*each)
	}
}

func TestLoadDemoTwiceChangesNothing(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc := &surveys.Service{Store: db}
	first, err := svc.LoadDemo(ctx)
	if err != nil || !first.Created || first.Responses != 600 {
		t.Fatalf("first load: got %+v, %v; want created with 600 responses", first, err)
	}
	again, err := svc.LoadDemo(ctx)
	if err != nil || again.Created || again.Responses != 0 {
		t.Errorf("second load: got %+v, %v; want nothing added", again, err)
	}
	s, _ := db.Survey(ctx, first.Slug)
	if err := s.CheckOpen(time.Now()); err != nil {
		t.Errorf("demo survey: got %v, want it open", err)
	}
	channels, days := map[surveys.Channel]int{}, map[string]bool{}
	db.EachResponse(ctx, s.ID, surveys.ResponseFilter{}, func(r *surveys.Response) error {
		channels[r.Channel]++
		days[r.SubmittedAt.Format(time.DateOnly)] = true
		return nil
	})
	if total := channels["web"] + channels["sms"] + channels["assisted"]; total != 600 || channels["sms"] == 0 || channels["assisted"] == 0 {
		t.Errorf("demo responses by channel: got %v, want 600 across web, sms and assisted", channels)
	}
	if len(days) < 15 {
		t.Errorf("demo responses came on %d days, want them spread over three weeks", len(days))
	}
}
