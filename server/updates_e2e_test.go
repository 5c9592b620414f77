package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/channels/smtptest"
	"github.com/voices-uk/voices/channels/twiliotest"
	"github.com/voices-uk/voices/surveys"
)

// Closing the loop end to end: residents opt in to updates by text and on
// the web, officers theme what they said, link an action to a theme and
// publish; the texts reach the fake Twilio and the email the fake mail
// server, in each person's language, and only the people who raised the
// theme, asked, and did not stop hear anything.

const greenYAML = `
slug: green
title: {en: "Green spaces", ur: "سبز جگہیں"}
languages: [en, ur]
status: open
sms: {keyword: GREEN}
questions:
  - key: say
    type: long_text
    required: true
    prompt: {en: "What would make our green spaces better?", ur: "ہماری سبز جگہیں کیسے بہتر ہو سکتی ہیں؟"}
`

// api calls the JSON API as the officer and decodes the answer.
func (f *smsFixture) api(t *testing.T, method, path, body string) map[string]any {
	t.Helper()
	r := f.request(t, method, path, map[string]string{"Authorization": "Bearer " + f.officer, "Content-Type": "application/json"}, body)
	if r.status >= 300 {
		t.Fatalf("%s %s: got %d %s", method, path, r.status, r.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, r.body)
	}
	return got
}

// textSurvey answers the green survey by text from phone, in English or
// Urdu, and returns the thanks.
func (f *smsFixture) textSurvey(t *testing.T, phone, lang, say string) string {
	t.Helper()
	sid := func(step string) string { return "SM" + strings.TrimPrefix(phone, "+") + step }
	f.text(t, sid("a"), phone, "GREEN")
	f.text(t, sid("b"), phone, map[string]string{"en": "1", "ur": "2"}[lang])
	thanks := f.text(t, sid("c"), phone, say)
	if !smsReference.MatchString(thanks) {
		t.Fatalf("%s: got %q, want the thanks with a reference", phone, thanks)
	}
	return thanks
}

func TestUpdatesEndToEnd(t *testing.T) {
	f := newSMSFixture(t, smsOptions{publicURL: smsPublicURL, authToken: smsAuthToken, email: true})
	sv, err := f.svc.CreateSurvey(f.ctx, []byte(greenYAML))
	if err != nil {
		t.Fatal(err)
	}
	web := &webFixture{ctx: f.ctx, db: f.db, svc: f.svc, app: f.app, clock: f.clock}

	// Who took part, what they raised, and whether they asked to hear back.
	type person struct {
		name, how, address, lang, theme string
		// then: what they did after opting in.
		then string
		// wantHear: whether they hear about the lighting action.
		wantHear bool
		ref      string
		token    string
	}
	people := []*person{
		{name: "Urdu texter", how: "sms", address: "+447700900101", lang: "ur", theme: "lighting", then: "ہاں", wantHear: true},
		{name: "English texter", how: "sms", address: "+447700900102", lang: "en", theme: "lighting", then: "YES", wantHear: true},
		{name: "texter about benches", how: "sms", address: "+447700900103", lang: "en", theme: "benches", then: "YES"},
		{name: "texter who said NO", how: "sms", address: "+447700900104", lang: "en", theme: "lighting", then: "NO"},
		{name: "texter who said STOP", how: "sms", address: "+447700900105", lang: "en", theme: "lighting", then: "YES, STOP"},
		{name: "web, by email", how: "email", address: "amina@example.org", lang: "en", theme: "lighting", wantHear: true},
		{name: "web, by text in Urdu", how: "web-sms", address: "07700 900107", lang: "ur", theme: "lighting", wantHear: true},
		{name: "web, did not opt in", how: "none", lang: "en", theme: "lighting"},
		{name: "web, unsubscribed by one click", how: "email", address: "bilal@example.org", lang: "en", theme: "lighting", then: "unsubscribe"},
	}
	for _, p := range people {
		switch p.how {
		case "sms":
			thanks := f.textSurvey(t, p.address, p.lang, "More lights on the paths, and "+p.theme)
			p.ref = smsReference.FindString(thanks)
			for i, word := range strings.Split(p.then, ", ") {
				f.text(t, fmt.Sprintf("SM%s-then%d", p.address, i), p.address, word)
			}
		default:
			b := web.browser(t)
			web.draft(t, b, "/s/green", map[string][]string{"say": {"More lights on the paths, and " + p.theme}}, nil)
			b.get("/s/green?lang=" + p.lang)
			p.ref = b.submit("/s/green")
			form := map[string]formPairs{"email": {"how", "email", "email", p.address}, "web-sms": {"how", "sms", "phone", p.address}}[p.how]
			if form != nil {
				if page := b.post("/s/green/updates?lang="+p.lang, webForm(form...)); page.status != http.StatusOK {
					t.Fatalf("%s opting in: got %d\n%s", p.name, page.status, webText(page.body))
				}
			}
			if p.then == "unsubscribe" {
				subs, _ := f.db.UpdateSubscriptions(f.ctx, sv.ID)
				for _, s := range subs {
					if s.Address == p.address {
						p.token = s.Token
					}
				}
				page := web.browser(t).sendBody(http.MethodPost, "/updates/"+p.token, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
				if page.status != http.StatusOK {
					t.Fatalf("%s: one-click unsubscribe got %d", p.name, page.status)
				}
			}
		}
	}
	subs, err := f.db.UpdateSubscriptions(f.ctx, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 5 {
		t.Errorf("subscriptions: got %d, want 5 (two Urdu and one English texter about lighting, one about benches, one email)", len(subs))
	}

	// The officer themes every answer, as coded by hand.
	base := "/api/v1/surveys/green"
	if r := f.request(t, http.MethodPut, base+"/codebook", map[string]string{"Authorization": "Bearer " + f.officer, "Content-Type": "application/yaml"},
		"themes:\n  - {id: lighting, name: Lighting, phrases: [light]}\n  - {id: benches, name: Benches, phrases: [bench]}\n"); r.status != http.StatusOK {
		t.Fatalf("codebook: %d %s", r.status, r.body)
	}
	responses, err := f.db.Responses(f.ctx, sv.ID, surveys.ResponseFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var decisions []string
	for _, p := range people {
		for _, r := range responses {
			if r.Reference == p.ref {
				decisions = append(decisions, fmt.Sprintf(`{"response_id": %d, "question": "say", "themes": [%q]}`, r.ID, p.theme))
			}
		}
	}
	if len(decisions) != len(people) {
		t.Fatalf("responses found: %d of %d", len(decisions), len(people))
	}
	f.api(t, http.MethodPost, base+"/themes/decisions", `{"decisions": [`+strings.Join(decisions, ",")+`]}`)

	// An action linked to lighting, published.
	action := f.api(t, http.MethodPost, base+"/actions", `{"title": {"en": "Brighter paths", "ur": "روشن راستے"}, "themes": ["lighting"], "status": "planned"}`)
	published := f.api(t, http.MethodPost, base+"/results/publish", "")
	if got := fmt.Sprint(published["changed_actions"], published["texts"].(map[string]any)["queued"], published["emails_queued"]); got != fmt.Sprintf("[%v] 3 1", action["id"]) {
		t.Errorf("publish: got changed actions, texts and emails queued %s, want [%v] 3 1 (%v)", got, action["id"], published)
	}

	fakeTwilio := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
	texts := f.outbox(t, fakeTwilio, 3)
	mail := smtptest.NewServer(t, smtptest.Config{})
	emails := &channels.EmailSender{Service: f.svc, SMTP: channels.SMTPConfig{Addr: mail.Addr, From: "Test Borough Council <updates@council.example>"},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PerSecond: 1000}
	deliver := func(round string) (map[string]string, map[string]smtptest.Message) {
		t.Helper()
		before, beforeMail := len(fakeTwilio.Sent()), len(mail.Messages())
		sendDue(t, texts)
		if _, err := emails.SendDue(context.Background()); err != nil {
			t.Fatalf("%s: sending emails: %v", round, err)
		}
		gotTexts := map[string]string{}
		for _, r := range fakeTwilio.Sent()[before:] {
			gotTexts[r.Form.Get("To")] = r.Form.Get("Body")
		}
		gotMail := map[string]smtptest.Message{}
		for _, m := range mail.Messages()[beforeMail:] {
			gotMail[m.To[0]] = m
		}
		return gotTexts, gotMail
	}
	check := func(round, status string, gotTexts map[string]string, gotMail map[string]smtptest.Message) {
		t.Helper()
		var heard []string
		for _, p := range people {
			to := p.address
			if p.how == "web-sms" {
				to = surveys.NormalisePhone(p.address)
			}
			body, texted := gotTexts[to]
			m, emailed := gotMail[to]
			if (texted || emailed) != p.wantHear {
				t.Errorf("%s: %s heard (text %v, email %v), want %v", round, p.name, texted, emailed, p.wantHear)
			}
			if texted || emailed {
				heard = append(heard, p.name)
			}
			link := smsPublicURL + "/s/green/results?lang=" + p.lang
			switch {
			case texted && p.lang == "ur":
				if !strings.Contains(body, "آپ نے \"سبز جگہیں\" میں حصہ لیا") || !strings.Contains(body, link) || !strings.Contains(body, "STOP") {
					t.Errorf("%s: the text to %s: got %q, want it in Urdu with %s and STOP", round, p.name, body, link)
				}
			case texted:
				if want := smsCouncil + ": you took part in \"Green spaces\". See what we are doing about what you told us: " + link + " Reply STOP to stop these texts."; body != want {
					t.Errorf("%s: the text to %s:\n got %q\nwant %q", round, p.name, body, want)
				}
			case emailed:
				msg, err := m.Parse()
				if err != nil {
					t.Fatalf("%s: the email to %s does not parse: %v", round, p.name, err)
				}
				subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
				text, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
				subs, _ := f.db.UpdateSubscriptions(f.ctx, sv.ID)
				i := slices.IndexFunc(subs, func(s *surveys.UpdateSubscription) bool { return s.Address == p.address })
				if i < 0 {
					t.Fatalf("%s: no subscription for %s", round, p.address)
				}
				unsubscribe := smsPublicURL + "/updates/" + subs[i].Token
				if subject != "What happened: Green spaces" || !strings.Contains(string(text), "- Brighter paths ("+status+")") ||
					!strings.Contains(string(text), link) || !strings.Contains(string(text), unsubscribe) ||
					msg.Header.Get("List-Unsubscribe") != "<"+unsubscribe+">" {
					t.Errorf("%s: the email to %s: got subject %q, List-Unsubscribe %q and\n%s\nwant the action %s, %s and %s",
						round, p.name, subject, msg.Header.Get("List-Unsubscribe"), text, status, link, unsubscribe)
				}
			}
		}
		t.Logf("%s: heard %v", round, heard)
	}
	gotTexts, gotMail := deliver("first publication")
	check("first publication", "Planned", gotTexts, gotMail)
	if len(gotTexts) != 3 || len(gotMail) != 1 {
		t.Errorf("first publication: %d texts and %d emails, want 3 and 1", len(gotTexts), len(gotMail))
	}

	// The action moves on: everyone who heard hears again.
	f.api(t, http.MethodPatch, fmt.Sprintf("%s/actions/%v", base, action["id"]), `{"status": "in_progress"}`)
	f.clock.advance(time.Hour)
	published = f.api(t, http.MethodPost, base+"/results/publish", "")
	if got := fmt.Sprint(published["version"], published["texts"].(map[string]any)["queued"], published["emails_queued"]); got != "2 3 1" {
		t.Errorf("second publication: got version, texts and emails %s, want 2 3 1", got)
	}
	gotTexts, gotMail = deliver("status changed")
	check("status changed", "In progress", gotTexts, gotMail)

	// Nothing changed: nobody hears anything.
	f.clock.advance(time.Hour)
	published = f.api(t, http.MethodPost, base+"/results/publish", "")
	if got := fmt.Sprint(published["changed_actions"], published["texts"].(map[string]any)["queued"], published["emails_queued"]); got != "[] 0 0" {
		t.Errorf("publishing again unchanged: got %s, want [] 0 0", got)
	}
	if gotTexts, gotMail = deliver("unchanged"); len(gotTexts)+len(gotMail) != 0 {
		t.Errorf("publishing again unchanged: sent %v and %v, want nothing", gotTexts, gotMail)
	}

	// Archiving deletes every contact detail kept for updates.
	f.api(t, http.MethodPost, base+"/close", "")
	if archived := f.api(t, http.MethodPost, base+"/archive", ""); archived["subscriptions_deleted"] != 5.0 {
		t.Errorf("archive: got %v, want 5 subscriptions deleted", archived)
	}
	if subs, err := f.db.UpdateSubscriptions(f.ctx, sv.ID); err != nil || len(subs) != 0 {
		t.Errorf("after archiving: got %d subscriptions (%v), want none", len(subs), err)
	}

	// Every number and address has left the outboxes.
	var left int
	for _, r := range f.outboxRows(t) {
		if r.Phone != "" {
			left++
		}
	}
	if left != 0 {
		t.Errorf("texts sent still holding their number: %d", left)
	}
}

// formPairs is a form as name, value pairs (for webForm).
type formPairs = []string
