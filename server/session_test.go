package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

const signInPassword = "correct horse battery staple"

// staff adds a user who signs in.
func (f *webFixture) staff(t *testing.T, email string, role surveys.Role, org string) {
	t.Helper()
	if _, err := f.svc.AddUser(f.ctx, &surveys.NewUser{Email: email, Name: "Olu Officer", Role: role, Organisation: org, Password: signInPassword}); err != nil {
		t.Fatal(err)
	}
}

// signIn loads the sign-in page and sends the form.
func (b *webBrowser) signIn(email, password, next string) *webPage {
	b.t.Helper()
	b.get("/login")
	return b.post("/login", webForm("email", email, "password", password, "next", next))
}

func TestSignIn(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)

	if p := b.get("/dashboard"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?next=/dashboard" {
		t.Errorf("dashboard before signing in: got %d %q, want a redirect to sign in", p.status, p.header.Get("Location"))
	}
	p := b.get("/login")
	for _, want := range []string{`autocomplete="username"`, `type="password"`, `autocomplete="current-password"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("sign-in page: want %s (password managers and pasting must work)", want)
		}
	}

	p = b.signIn("olu@example.org", "wrong password here", "/dashboard")
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "The email address or password is not right.") || !strings.Contains(p.body, `href="#email"`) {
		t.Errorf("wrong password: got %d, want 401 with the message in an error summary linking to the field", p.status)
	}
	unknown := b.signIn("nobody@example.org", "wrong password here", "/dashboard")
	if unknown.status != p.status || !strings.Contains(unknown.body, "The email address or password is not right.") {
		t.Errorf("unknown address: got %d, want the same answer as a wrong password", unknown.status)
	}

	p = b.signIn("OLU@example.org", signInPassword, "/dashboard")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dashboard" {
		t.Fatalf("right password: got %d %q, want a redirect to the dashboard", p.status, p.header.Get("Location"))
	}
	cookie := p.header.Get("Set-Cookie")
	for _, want := range []string{"voices_session=", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q: want %s", cookie, want)
		}
	}
	if p := b.get("/dashboard"); p.status != http.StatusOK || !strings.Contains(p.body, "Signed in as Olu Officer, council officer") {
		t.Errorf("dashboard: got %d, want the signed-in page", p.status)
	}
	// The session cookie does not open the JSON API: that takes bearer tokens.
	if p := b.get("/api/v1/surveys/x/responses"); p.status != http.StatusUnauthorized {
		t.Errorf("API with only a session cookie: got %d, want 401", p.status)
	}

	b.get("/dashboard")
	if p := b.post("/logout", nil); p.status != http.StatusSeeOther {
		t.Errorf("sign out: got %d, want a redirect", p.status)
	}
	if p := b.get("/dashboard"); p.status != http.StatusSeeOther {
		t.Errorf("dashboard after signing out: got %d, want a redirect to sign in", p.status)
	}
}

func TestSignInNeedsTheFormToken(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)
	b.get("/login")
	p := b.post("/login", webForm("email", "olu@example.org", "password", signInPassword, "csrf", "forged"))
	if p.status != http.StatusForbidden || b.cookie("voices_session", "/") != "" {
		t.Errorf("sign-in without the form's token: got %d, want 403 and no session", p.status)
	}
}

// After too many wrong passwords the account is locked, even against the
// right one, until the lock ends.
func TestSignInLock(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)
	for i := 0; i < surveys.MaxSignInFailures; i++ {
		b.signIn("olu@example.org", "wrong password here", "")
	}
	p := b.signIn("olu@example.org", signInPassword, "")
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "locked") || !strings.Contains(p.body, "15 minutes") {
		t.Errorf("right password while locked: got %d, want it refused, saying how long to wait", p.status)
	}
	f.clock.advance(surveys.SignInLock + time.Second)
	if p := b.signIn("olu@example.org", signInPassword, ""); p.status != http.StatusSeeOther {
		t.Errorf("after the lock: got %d, want signed in", p.status)
	}
}

// Success clears the count of wrong passwords.
func TestSignInClearsFailures(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)
	for round := 0; round < 2; round++ {
		for i := 0; i < surveys.MaxSignInFailures-1; i++ {
			b.signIn("olu@example.org", "wrong password here", "")
		}
		if p := b.signIn("olu@example.org", signInPassword, ""); p.status != http.StatusSeeOther {
			t.Errorf("round %d, after %d wrong passwords: got %d, want signed in", round, surveys.MaxSignInFailures-1, p.status)
		}
	}
}

// Sign-in attempts from one address are limited, whatever the account.
func TestSignInRateLimit(t *testing.T) {
	f := newWebFixture(t, 0)
	b := f.browser(t)
	var last *webPage
	for i := 0; i < 11; i++ {
		last = b.signIn(fmt.Sprintf("person%d@example.org", i), "wrong password here", "")
	}
	if last.status != http.StatusTooManyRequests {
		t.Errorf("11th attempt in a minute: got %d, want 429", last.status)
	}
}

// Sessions end after a spell of disuse, and after a day's work however busy.
func TestSessionExpiry(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)
	b.signIn("olu@example.org", signInPassword, "")
	f.clock.advance(surveys.SessionIdle - time.Minute)
	if p := b.get("/dashboard"); p.status != http.StatusOK {
		t.Fatalf("just inside the idle limit: got %d, want 200", p.status)
	}
	f.clock.advance(surveys.SessionIdle - time.Minute) // kept alive by the last visit
	if p := b.get("/dashboard"); p.status != http.StatusOK {
		t.Fatalf("used again within the idle limit: got %d, want 200", p.status)
	}
	f.clock.advance(surveys.SessionIdle + time.Minute)
	if p := b.get("/dashboard"); p.status != http.StatusSeeOther {
		t.Errorf("after the idle limit: got %d, want a redirect to sign in", p.status)
	}

	b.signIn("olu@example.org", signInPassword, "")
	for spent := time.Duration(0); spent < surveys.SessionMax; spent += time.Hour {
		f.clock.advance(time.Hour)
		b.get("/dashboard")
	}
	if p := b.get("/dashboard"); p.status != http.StatusSeeOther {
		t.Errorf("after %v of constant use: got %d, want a redirect to sign in", surveys.SessionMax, p.status)
	}
}

// After signing in, people go back where they were, but only on this site.
func TestSignInNext(t *testing.T) {
	f := newWebFixture(t, 0)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	for _, tt := range []struct{ next, want string }{
		{"/dashboard", "/dashboard"},
		{"/s/bins", "/s/bins"},
		{"https://evil.example/", "/dashboard"},
		{"//evil.example/", "/dashboard"},
		{`/\evil.example`, "/dashboard"},
		{"", "/dashboard"},
	} {
		b := f.browser(t)
		if p := b.signIn("olu@example.org", signInPassword, tt.next); p.header.Get("Location") != tt.want {
			t.Errorf("next %q: got %q, want %q", tt.next, p.header.Get("Location"), tt.want)
		}
	}
}

// Drafts are listed only for officers.
func TestDashboardDrafts(t *testing.T) {
	f := newWebFixture(t, 0)
	f.survey(t, strings.Replace(webBinsYAML, "status: open", "status: draft", 1))
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	f.staff(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	for _, tt := range []struct {
		email string
		want  bool
	}{{"olu@example.org", true}, {"amina@example.org", false}} {
		b := f.browser(t)
		b.signIn(tt.email, signInPassword, "")
		p := b.get("/dashboard")
		if got := strings.Contains(p.body, "Draft"); got != tt.want {
			t.Errorf("%s sees the draft: got %v, want %v", tt.email, got, tt.want)
		}
	}
}

// A form sent after the session ended leads, after signing in, back to the
// page the form was on, never to an address that only takes forms.
func TestSignInAfterAFormSentSignedOut(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	b := f.browser(t)
	b.get("/login")
	enter := "/dashboard" + base + "/enter"
	for _, tt := range []struct{ referer, want string }{
		{"", "/login?next=/dashboard"},
		{"http://example.com" + enter, "/login?next=" + enter},
		{"http://evil.example" + enter, "/login?next=/dashboard"},
	} {
		b.header.Set("Referer", tt.referer)
		if p := b.post(enter, webForm("visit", "yes")); p.status != http.StatusSeeOther || p.location() != tt.want {
			t.Errorf("referer %q: got %s to %q, want 303 to %q", tt.referer, p, p.location(), tt.want)
		}
	}
}
