package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels/smtptest"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// serve with --smtp-addr and --smtp-from (here from VOICES_SMTP_*) sends
// the email outbox to that server, offers updates by email on the
// confirmation page, and says so at start-up; without them email is off.
func TestServeEmail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc := &surveys.Service{Store: store}
	s, err := svc.CreateSurvey(ctx, []byte(surveyYAML))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	email := &surveys.EmailMessage{SurveyID: s.ID, Kind: "update:1", Address: "amina@example.org", AddressHash: "h", Subject: "What happened: Libraries",
		Body: "Hello\n", Unsubscribe: "https://voices.example.gov.uk/updates/t", Status: surveys.EmailQueued, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
	if _, _, err := store.PublishResults(ctx, &surveys.Publication{SurveyID: s.ID, Survey: s.Slug, Version: 1, PublishedAt: now}, "test", nil, []*surveys.EmailMessage{email}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	_, stop := startServe(t, map[string]string{"VOICES_DB": db}, "serve", "--addr", "127.0.0.1:0")
	if _, logs := stop(); !strings.Contains(logs, "email is off") {
		t.Errorf("start-up log without SMTP settings: got %s, want it to say email is off", logs)
	}

	mail := smtptest.NewServer(t, smtptest.Config{User: "voices", Password: "secret"})
	env := map[string]string{"VOICES_DB": db, "VOICES_SMTP_ADDR": mail.Addr, "VOICES_SMTP_FROM": "Test Council <updates@council.example>",
		"VOICES_SMTP_USER": "voices", "VOICES_SMTP_PASSWORD": "secret", "VOICES_EMAIL_PER_SECOND": "10"}
	base, stop := startServe(t, env, "serve", "--addr", "127.0.0.1:0")
	defer stop()
	got := mail.Wait(1, 30*time.Second)
	if len(got) != 1 || got[0].To[0] != "amina@example.org" || got[0].User != "voices" || !strings.Contains(string(got[0].Data), "Subject: What happened: Libraries") {
		t.Fatalf("delivered: got %+v, want the queued email, sent as voices", got)
	}
	// The confirmation page then offers updates by email.
	if done := webDone(t, base+"/s/libraries"); !strings.Contains(done, `type="email" autocomplete="email"`) || strings.Contains(done, `type="tel"`) {
		t.Errorf("the confirmation page does not offer updates by email (only):\n%s", done)
	}
	if _, logs := stop(); !strings.Contains(logs, `"msg":"email is on"`) || strings.Contains(logs, "secret") {
		t.Errorf("start-up log: got %s, want it to say email is on, without the password", logs)
	}
}

// The email settings are checked before serve starts.
func TestServeEmailMistakes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "voices.db")
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"an address without a sender", map[string]string{"VOICES_SMTP_ADDR": "smtp.example.org:587"}, "--smtp-addr and --smtp-from go together"},
		{"a sender without an address", map[string]string{"VOICES_SMTP_FROM": "a@example.org"}, "--smtp-addr and --smtp-from go together"},
		{"no port", map[string]string{"VOICES_SMTP_ADDR": "smtp.example.org", "VOICES_SMTP_FROM": "a@example.org"}, "must be host:port"},
		{"a bad sender", map[string]string{"VOICES_SMTP_ADDR": "smtp.example.org:587", "VOICES_SMTP_FROM": "council"}, "--smtp-from \"council\" must be an email address"},
		{"a user without a password", map[string]string{"VOICES_SMTP_ADDR": "smtp.example.org:587", "VOICES_SMTP_FROM": "a@example.org", "VOICES_SMTP_USER": "u"}, "give both, or neither"},
		{"no rate", map[string]string{"VOICES_SMTP_ADDR": "smtp.example.org:587", "VOICES_SMTP_FROM": "a@example.org", "VOICES_EMAIL_PER_SECOND": "0"}, "--email-per-second must be more than 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["VOICES_DB"] = db
			code, _, errOut := cli(t, "", tt.env, "serve", "--addr", "127.0.0.1:0")
			if code != 2 || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("got exit %d and %q, want 2 and %q", code, errOut, tt.wantErr)
			}
		})
	}
}

// webDone answers the survey at base as a browser without JavaScript and
// returns the confirmation page.
func webDone(t *testing.T, base string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	// No connection is kept open: serve's shutdown waits for open ones.
	client := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	token := ""
	get := func(u string) string {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if m := csrf.FindSubmatch(body); m != nil {
			token = string(m[1])
		}
		return string(body)
	}
	post := func(u string, form url.Values) string {
		form.Set("csrf", token)
		resp, err := client.PostForm(u, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: got %d, want 303", u, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	get(base)
	next := post(base+"/start", url.Values{})
	for _, answer := range []url.Values{{"use": {"yes"}, "action": {"continue"}}, {"why": {"Quiet"}, "action": {"continue"}}} {
		get(strings.Split(base, "/s/")[0] + next)
		next = post(strings.Split(base, "/s/")[0]+next, answer)
	}
	get(base + "/check")
	post(base+"/check", url.Values{})
	return get(base + "/done")
}
