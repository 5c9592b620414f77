package server_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Tests of the resident's side of updates (server/updates_web.go): the
// "hear what happened" form on the confirmation page, and the unsubscribe
// pages, driven like a browser without JavaScript.

// updatesYAML is a small open survey in English and Urdu.
const updatesYAML = `
slug: bins
title: {en: "Bin collections", ur: "کوڑا اٹھانے کا نظام"}
languages: [en, ur]
status: open
questions:
  - {key: say, type: long_text, prompt: {en: "What should we change?", ur: "ہمیں کیا بدلنا چاہیے؟"}}
`

const updatesBase = "/s/bins"

// updatesFixture is a web fixture with text messages and email set up as
// asked, and the phone key the SMS receiver hashes with.
type updatesFixture struct {
	*webFixture
	phones surveys.PhoneHasher
	survey *surveys.Survey
}

func newUpdatesFixture(t *testing.T, sms, email bool) *updatesFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &webClock{now: time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)}
	svc := &surveys.Service{Store: db, Now: clock.Now}
	phones := surveys.PhoneHasher{Key: []byte("phone key")}
	cfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FormPostsPerMinute: 100000, Email: email}
	if sms {
		tr, err := channels.NewTranslator()
		if err != nil {
			t.Fatal(err)
		}
		cfg.SMS = server.SMSConfig{AuthToken: smsAuthToken,
			Receiver: &channels.SMSReceiver{Service: svc, Phones: phones, Engine: &channels.SMSEngine{Tr: tr}}}
	}
	app, err := server.New(cfg, svc)
	if err != nil {
		t.Fatal(err)
	}
	f := &updatesFixture{webFixture: &webFixture{ctx: ctx, db: db, svc: svc, app: app, clock: clock}, phones: phones}
	f.survey, err = svc.CreateSurvey(ctx, []byte(updatesYAML))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// answered is a browser that has sent its answers (in lang) and is on the
// confirmation page; it returns the page.
func (f *updatesFixture) answered(t *testing.T, lang string) (*webBrowser, *webPage) {
	t.Helper()
	b := f.browser(t)
	f.draft(t, b, updatesBase, map[string][]string{"say": {"Collect every week"}}, nil)
	b.get(updatesBase + "?lang=" + lang) // the language cookie
	b.submit(updatesBase)
	done := b.get(updatesBase + "/done")
	if done.status != http.StatusOK {
		t.Fatalf("%s: got %d, want 200", done, done.status)
	}
	return b, done
}

func (f *updatesFixture) subscriptions(t *testing.T) []*surveys.UpdateSubscription {
	t.Helper()
	list, err := f.db.UpdateSubscriptions(f.ctx, f.survey.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// errorSummaryLinks are the hrefs in a page's error summary.
func errorSummaryLinks(body string) []string {
	i := strings.Index(body, `class="error-summary"`)
	if i < 0 {
		return nil
	}
	end := strings.Index(body[i:], "</div>")
	var hrefs []string
	for _, part := range strings.Split(body[i:i+end], `href="`)[1:] {
		hrefs = append(hrefs, part[:strings.Index(part, `"`)])
	}
	return hrefs
}

func TestUpdatesOptIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		sms, email bool
		lang       string
		form       url.Values
		wantStatus int
		wantError  string // the field the error summary links to, "" for none
		wantText   string // on the page
		// The subscription stored, if any.
		wantChannel, wantAddress string
	}{
		{name: "by text", sms: true, email: true, lang: "en", form: webForm("how", "sms", "phone", "07700 900 982", "email", ""),
			wantStatus: 200, wantText: `We will text <strong dir="ltr">+447700900982</strong>`, wantChannel: "sms", wantAddress: "+447700900982"},
		{name: "by email", sms: true, email: true, lang: "en", form: webForm("how", "email", "phone", "", "email", " amina@example.org "),
			wantStatus: 200, wantText: `We will email <strong dir="ltr">amina@example.org</strong>`, wantChannel: "email", wantAddress: "amina@example.org"},
		{name: "by email, in Urdu", sms: true, email: true, lang: "ur", form: webForm("how", "email", "email", "amina@example.org"),
			wantStatus: 200, wantText: `ہم <strong dir="ltr">amina@example.org</strong> پر ای میل بھیجیں گے`, wantChannel: "email", wantAddress: "amina@example.org"},
		{name: "email only: nothing to choose", email: true, lang: "en", form: webForm("how", "email", "email", "amina@example.org"),
			wantStatus: 200, wantChannel: "email", wantAddress: "amina@example.org"},
		{name: "a bad phone number names the phone field", sms: true, email: true, lang: "en", form: webForm("how", "sms", "phone", "12345"),
			wantStatus: 422, wantError: "#phone", wantText: "Enter a mobile phone number, like 07700 900 982"},
		{name: "a bad email address names the email field", sms: true, email: true, lang: "en", form: webForm("how", "email", "email", "amina@"),
			wantStatus: 422, wantError: "#email", wantText: "Enter an email address, like name@example.com"},
		{name: "a bad email address, in Urdu", sms: true, email: true, lang: "ur", form: webForm("how", "email", "email", "amina"),
			wantStatus: 422, wantError: "#email", wantText: "ای میل ایڈریس درج کریں"},
		{name: "no choice names the radios", sms: true, email: true, lang: "en", form: webForm("phone", "07700 900 982"),
			wantStatus: 422, wantError: "#how", wantText: "Choose how you would like to hear from us"},
		{name: "only email set up: a number is not an address", email: true, lang: "en", form: webForm("how", "sms", "phone", "07700 900 982"),
			wantStatus: 422, wantError: "#email"},
		{name: "a header in the address is refused", sms: true, email: true, lang: "en", form: webForm("how", "email", "email", "a@example.org\r\nBcc: b@example.org"),
			wantStatus: 422, wantError: "#email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newUpdatesFixture(t, tt.sms, tt.email)
			b, _ := f.answered(t, tt.lang)
			p := b.post(updatesBase+"/updates?lang="+tt.lang, tt.form)
			if p.status != tt.wantStatus {
				t.Fatalf("%s: got %d, want %d\n%s", p, p.status, tt.wantStatus, webText(p.body))
			}
			if tt.wantText != "" && !strings.Contains(p.body, tt.wantText) {
				t.Errorf("%s: the page does not say %q\n%s", p, tt.wantText, webText(p.body))
			}
			if got := errorSummaryLinks(p.body); tt.wantError == "" && got != nil || tt.wantError != "" && (len(got) != 1 || got[0] != tt.wantError) {
				t.Errorf("%s: error summary links to %v, want [%s]", p, got, tt.wantError)
			}
			if tt.wantError != "" {
				// The field named is on the page, marked, and what was typed is kept.
				id := strings.TrimPrefix(tt.wantError, "#")
				if !strings.Contains(p.body, `id="`+id+`-error"`) || !strings.Contains(p.body, `id="`+id+`"`) {
					t.Errorf("%s: no field %q with its error message", p, id)
				}
				for _, v := range tt.form["email"] {
					if v != "" && !strings.Contains(p.body, html.EscapeString(v)) && !strings.ContainsRune(v, '\r') {
						t.Errorf("%s: the email typed (%q) is not kept", p, v)
					}
				}
				if !strings.Contains(webTitle(p.body), f.tr(tt.lang, "error.title_prefix")) {
					t.Errorf("%s: title %q does not start with the error prefix", p, webTitle(p.body))
				}
			}
			if want := map[string]string{"en": `lang="en" dir="ltr"`, "ur": `lang="ur" dir="rtl"`}[tt.lang]; !strings.Contains(p.body, want) {
				t.Errorf("%s: the page is not %s", p, want)
			}
			subs := f.subscriptions(t)
			if tt.wantChannel == "" {
				if len(subs) != 0 {
					t.Errorf("subscriptions: got %+v, want none", subs[0])
				}
				return
			}
			if len(subs) != 1 {
				t.Fatalf("subscriptions: got %d, want 1", len(subs))
			}
			s := subs[0]
			wantHash := f.phones.Hash(tt.wantAddress)
			if tt.wantChannel == "email" {
				wantHash = ""
			}
			if s.Channel != tt.wantChannel || s.Address != tt.wantAddress || s.Language != tt.lang || s.Offered || s.Token == "" ||
				(wantHash != "" && s.AddressHash != wantHash) {
				t.Errorf("subscription: got %+v, want %s to %s in %s (hash %s)", s, tt.wantChannel, tt.wantAddress, tt.lang, wantHash)
			}
		})
	}
}

// The form is offered only in the ways set up here.
func TestUpdatesFormShown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                        string
		sms, email                  bool
		form, radios, phone, mailIn bool
	}{
		{name: "neither set up: no form"},
		{name: "email only", email: true, form: true, mailIn: true},
		{name: "text only", sms: true, form: true, phone: true},
		{name: "both: a choice", sms: true, email: true, form: true, radios: true, phone: true, mailIn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newUpdatesFixture(t, tt.sms, tt.email)
			_, done := f.answered(t, "en")
			for what, c := range map[string]struct {
				want   bool
				needle string
			}{
				"the form":        {tt.form, `action="/s/bins/updates?lang=en"`},
				"the heading":     {tt.form, "Hear what happened"},
				"the privacy":     {tt.form, "delete it when the consultation is archived"},
				"the radios":      {tt.radios, `type="radio"`},
				"the phone input": {tt.phone, `type="tel" autocomplete="tel"`},
				"the email input": {tt.mailIn, `type="email" autocomplete="email"`},
			} {
				if got := strings.Contains(done.body, c.needle); got != c.want {
					t.Errorf("%s shown: got %v, want %v", what, got, c.want)
				}
			}
			if !webReferencePattern.MatchString(done.body) {
				t.Errorf("the reference is not on the page")
			}
		})
	}
}

// Without the cookie of a sent response there is nothing to hear back
// about: back to the start.
func TestUpdatesWithoutReference(t *testing.T) {
	t.Parallel()
	f := newUpdatesFixture(t, true, true)
	b := f.browser(t)
	b.get(updatesBase) // a form token, and no draft
	p := b.post(updatesBase+"/updates", webForm("how", "email", "email", "amina@example.org"))
	if p.status != http.StatusSeeOther || p.location() != updatesBase+"?lang=en" {
		t.Errorf("%s: got %d to %q, want 303 to %s?lang=en", p, p.status, p.location(), updatesBase)
	}
	// A draft not yet sent has no reference either.
	f.draft(t, b, updatesBase, map[string][]string{"say": {"Hello"}}, nil)
	if p := b.post(updatesBase+"/updates", webForm("how", "email", "email", "amina@example.org")); p.status != http.StatusSeeOther {
		t.Errorf("%s with an unsent draft: got %d, want 303", p, p.status)
	}
	if subs := f.subscriptions(t); len(subs) != 0 {
		t.Errorf("subscriptions: got %d, want none", len(subs))
	}
	// And the form post needs its token, as every form does.
	b2, _ := f.answered(t, "en")
	b2.csrf = "forged"
	if p := b2.post(updatesBase+"/updates", webForm("how", "email", "email", "amina@example.org")); p.status != http.StatusForbidden {
		t.Errorf("%s with a wrong form token: got %d, want 403", p, p.status)
	}
}

// tr is a catalogue text, for checking pages.
func (f *updatesFixture) tr(lang, key string) string {
	tr, _ := channels.NewTranslator()
	return tr.T(lang, key)
}

// subscribe opts a new respondent in by email, in lang, and returns the
// token of their unsubscribe link.
func (f *updatesFixture) subscribe(t *testing.T, lang, address string) string {
	t.Helper()
	b, _ := f.answered(t, lang)
	if p := b.post(updatesBase+"/updates?lang="+lang, webForm("how", "email", "email", address)); p.status != http.StatusOK {
		t.Fatalf("%s: got %d, want 200\n%s", p, p.status, webText(p.body))
	}
	for _, s := range f.subscriptions(t) {
		if s.Address == address {
			return s.Token
		}
	}
	t.Fatalf("no subscription for %s", address)
	return ""
}

func (f *updatesFixture) subscribed(t *testing.T, token string) bool {
	t.Helper()
	_, err := f.db.UpdateSubscriptionByToken(f.ctx, token)
	if err != nil && surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func TestUnsubscribe(t *testing.T) {
	t.Parallel()
	f := newUpdatesFixture(t, false, true)
	token := f.subscribe(t, "en", "amina@example.org")
	link := "/updates/" + token

	// Following the link (as a mail scanner does) shows a button and
	// changes nothing.
	b := f.browser(t)
	p := b.get(link)
	if p.status != http.StatusOK || !strings.Contains(p.body, `<form method="post"`) || !strings.Contains(p.body, "Stop my updates") ||
		!strings.Contains(p.body, "&#34;Bin collections&#34;") {
		t.Fatalf("%s: got %d, want a page with the survey's title and a button\n%s", p, p.status, webText(p.body))
	}
	if !f.subscribed(t, token) {
		t.Fatalf("GET %s unsubscribed", link)
	}
	// A post from another site (no form token, not one-click) is refused.
	if p := f.browser(t).send(http.MethodPost, link, url.Values{}); p.status != http.StatusForbidden || !f.subscribed(t, token) {
		t.Errorf("POST %s without the form token: got %d, subscribed %v; want 403, still subscribed", link, p.status, f.subscribed(t, token))
	}
	// The button.
	if p := b.post(link, nil); p.status != http.StatusOK || !strings.Contains(p.body, "You will get no more updates") {
		t.Errorf("%s: got %d, want 200 and the confirmation\n%s", p, p.status, webText(p.body))
	}
	if f.subscribed(t, token) {
		t.Errorf("still subscribed after pressing the button")
	}
	// The link again, and links that never worked: a clear page, 404.
	for _, path := range []string{link, "/updates/notatoken", "/updates/" + strings.Repeat("a", 200)} {
		p := f.browser(t).get(path)
		if p.status != http.StatusNotFound || !strings.Contains(p.body, "This link does not work any more") {
			t.Errorf("%s: got %d, want 404 saying the link does not work\n%s", p, p.status, webText(p.body))
		}
	}
	if p := b.post(link, nil); p.status != http.StatusNotFound {
		t.Errorf("%s again: got %d, want 404", p, p.status)
	}
}

// RFC 8058: a mail client's one-click POST needs no form token.
func TestUnsubscribeOneClick(t *testing.T) {
	t.Parallel()
	f := newUpdatesFixture(t, false, true)
	token := f.subscribe(t, "en", "amina@example.org")
	other := f.subscribe(t, "en", "bilal@example.org")
	mailer := f.browser(t) // no cookies, no token
	p := mailer.sendBody(http.MethodPost, "/updates/"+token, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if p.status != http.StatusOK {
		t.Errorf("one-click POST: got %d, want 200\n%s", p.status, webText(p.body))
	}
	if f.subscribed(t, token) || !f.subscribed(t, other) {
		t.Errorf("after one-click: subscribed %v (want false), the other %v (want true)", f.subscribed(t, token), f.subscribed(t, other))
	}
	p = mailer.sendBody(http.MethodPost, "/updates/nosuchtoken", "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if p.status != http.StatusNotFound {
		t.Errorf("one-click POST to an unknown token: got %d, want 404", p.status)
	}
	// Anything else is not one-click: it needs the form token.
	p = mailer.sendBody(http.MethodPost, "/updates/"+other, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=Yes"))
	if p.status != http.StatusForbidden || !f.subscribed(t, other) {
		t.Errorf("POST with List-Unsubscribe=Yes: got %d, subscribed %v; want 403, still subscribed", p.status, f.subscribed(t, other))
	}
}

// The unsubscribe page is in the language the person subscribed in,
// unless they choose another.
func TestUnsubscribeLanguage(t *testing.T) {
	t.Parallel()
	f := newUpdatesFixture(t, false, true)
	token := f.subscribe(t, "ur", "amina@example.org")
	tests := []struct {
		name, query, accept, want string
	}{
		{"the subscription's language", "", "", `lang="ur" dir="rtl"`},
		{"over the browser's", "", "en-GB,en;q=0.9", `lang="ur" dir="rtl"`},
		{"?lang= wins", "?lang=en", "", `lang="en" dir="ltr"`},
	}
	for _, tt := range tests {
		b := f.browser(t)
		if tt.accept != "" {
			b.header.Set("Accept-Language", tt.accept)
		}
		p := b.get("/updates/" + token + tt.query)
		if p.status != http.StatusOK || !strings.Contains(p.body, tt.want) {
			t.Errorf("%s: %s got %d, want %s", tt.name, p, p.status, tt.want)
		}
	}
	b := f.browser(t)
	b.header.Set("Accept-Language", "ur")
	if p := b.get("/updates/unknown"); !strings.Contains(p.body, `lang="ur" dir="rtl"`) || !strings.Contains(p.body, "یہ لنک اب کام نہیں کرتا") {
		t.Errorf("an unknown link asked for in Urdu: got %d\n%s", p.status, webText(p.body))
	}
}
