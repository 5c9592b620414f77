package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/channels/twiliotest"
	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Tests of the SMS channel end to end (server/sms.go): Twilio's webhooks
// posted to a real listener on 127.0.0.1 and signed here exactly as Twilio
// signs them, invitations queued through the API, and the outbox sent to a
// fake of Twilio's Messages API (net/http/httptest, also on 127.0.0.1).
// Nothing reaches the internet, and time is the fixture's clock.

const (
	smsPublicURL  = "https://voices.example.gov.uk"
	smsStatusURL  = smsPublicURL + "/sms/twilio/status"
	smsAccountSID = "AC0123456789abcdef0123456789abcdef"
	smsAuthToken  = "0123456789abcdef0123456789abcdef"
	smsFrom       = "+447700900999"
	smsCouncil    = "Test Borough Council"
)

// messagesPath is where the outbox posts to Twilio for the account.
const messagesPath = "/2010-04-01/Accounts/" + smsAccountSID + "/Messages.json"

// smsBinsYAML is an English survey answered by text with the keyword BINS:
// a required yes/no, a choice, and a text question whose prompt has
// characters XML must escape.
const smsBinsYAML = `
slug: bins
title: {en: "Bin collections"}
languages: [en]
status: open
sms: {keyword: BINS}
questions:
  - key: weekly
    type: yes_no
    required: true
    prompt: {en: "Should bins be collected every week?"}
  - key: day
    type: single_choice
    prompt: {en: "Which day suits you best?"}
    options:
      - {value: monday, label: {en: "Monday"}}
      - {value: friday, label: {en: "Friday"}}
  - key: comment
    type: text
    prompt: {en: "Anything else about <bins> & boxes?"}
`

// smsParksYAML is in English and Urdu, so invitations come in either.
const smsParksYAML = `
slug: parks
title: {en: "Parks and green spaces", ur: "پارک اور سبز جگہیں"}
languages: [en, ur]
status: open
sms: {keyword: PARKS}
questions:
  - key: visit
    type: yes_no
    prompt: {en: "Do you visit parks?", ur: "کیا آپ پارک جاتے ہیں؟"}
`

const smsRoadsYAML = `
slug: roads
title: {en: "Roads and pavements"}
languages: [en]
status: open
sms: {keyword: ROADS}
questions:
  - {key: potholes, type: yes_no, prompt: {en: "Are potholes a problem near you?"}}
`

// smsLibrariesYAML is open but has no keyword: it cannot be answered by text.
const smsLibrariesYAML = `
slug: libraries
title: {en: "Libraries"}
languages: [en]
status: open
questions:
  - {key: use, type: yes_no, prompt: {en: "Do you use a library?"}}
`

// smsOptions sets up a fixture's SMS channel.
type smsOptions struct {
	publicURL      string
	authToken      string // "": Twilio not configured
	noReceiver     bool
	trustedProxies []string
	email          bool // an SMTP server is set up (updates by email)
}

// smsReady is the usual set-up: a public URL and Twilio configured.
var smsReady = smsOptions{publicURL: smsPublicURL, authToken: smsAuthToken}

// smsFixture is the server with its SMS channel on a real database, with a
// controllable clock, an officer and a partner.
type smsFixture struct {
	ctx              context.Context
	db               *sqlite.DB
	dbPath           string
	svc              *surveys.Service
	app              *fiber.App
	clock            *webClock
	phones           surveys.PhoneHasher
	officer, partner string
	base             string // http://127.0.0.1:port once listening
	client           *http.Client
}

func newSMSFixture(tb testing.TB, o smsOptions) *smsFixture {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "voices.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	clock := &webClock{now: time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)}
	svc := &surveys.Service{Store: db, Now: clock.Now}
	for _, def := range []string{smsBinsYAML, smsParksYAML, smsRoadsYAML, smsLibrariesYAML} {
		if _, err := svc.CreateSurvey(ctx, []byte(def)); err != nil {
			tb.Fatalf("CreateSurvey: %v", err)
		}
	}
	// Wired as cmd/voices wires it: the phone key kept in the database.
	tr, err := channels.NewTranslator()
	if err != nil {
		tb.Fatal(err)
	}
	if err := tr.LoadOverrides(ctx, db); err != nil {
		tb.Fatal(err)
	}
	key, err := db.Secret(ctx, "phone_hash_key")
	if err != nil {
		tb.Fatal(err)
	}
	phones := surveys.PhoneHasher{Key: key}
	cfg := server.SMSConfig{AuthToken: o.authToken}
	if !o.noReceiver {
		cfg.Receiver = &channels.SMSReceiver{Service: svc, Phones: phones, Engine: &channels.SMSEngine{Tr: tr, Council: smsCouncil}}
	}
	app, err := server.New(server.Config{APIPostsPerMinute: -1, WebhookRefusalsPerMinute: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: o.publicURL,
		TrustedProxies: o.trustedProxies, FormPostsPerMinute: 100000, SMS: cfg, Email: o.email}, svc)
	if err != nil {
		tb.Fatal(err)
	}
	f := &smsFixture{ctx: ctx, db: db, dbPath: path, svc: svc, app: app, clock: clock, phones: phones}
	for _, u := range []struct {
		user  surveys.NewUser
		token *string
	}{
		{surveys.NewUser{Email: "officer@example.org", Name: "Olu", Role: surveys.RoleOfficer}, &f.officer},
		{surveys.NewUser{Email: "partner@example.org", Name: "Amina", Role: surveys.RolePartner, Organisation: partnerOrg}, &f.partner},
	} {
		u.user.Password = "a long enough password"
		if _, err := svc.AddUser(ctx, &u.user); err != nil {
			tb.Fatalf("AddUser(%s): %v", u.user.Email, err)
		}
		if *u.token, err = svc.CreateToken(ctx, u.user.Email); err != nil {
			tb.Fatalf("CreateToken(%s): %v", u.user.Email, err)
		}
	}
	f.listen(tb)
	return f
}

// url is the address of the app's listener.
func (f *smsFixture) url(testing.TB) string { return f.base }

// listen serves the app on a real listener on 127.0.0.1 until tb ends.
func (f *smsFixture) listen(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go f.app.Listener(ln)
	tb.Cleanup(func() { f.app.Shutdown() })
	transport := &http.Transport{}
	tb.Cleanup(transport.CloseIdleConnections) // before the shutdown
	f.client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	f.base = "http://" + ln.Addr().String()
}

// inboundForm is an incoming text's webhook, with the fields Twilio sends.
func inboundForm(sid, from, body string) url.Values {
	return url.Values{
		"ToCountry": {"GB"}, "ToState": {""}, "SmsMessageSid": {sid}, "NumMedia": {"0"}, "ToCity": {""},
		"FromZip": {""}, "SmsSid": {sid}, "FromState": {""}, "SmsStatus": {"received"}, "FromCity": {""},
		"Body": {body}, "FromCountry": {"GB"}, "To": {smsFrom}, "ToZip": {""}, "NumSegments": {"1"},
		"MessageSid": {sid}, "AccountSid": {smsAccountSID}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
}

// statusForm is a status callback's webhook.
func statusForm(sid, status, errorCode string) url.Values {
	v := url.Values{"SmsSid": {sid}, "SmsStatus": {status}, "MessageStatus": {status}, "To": {"+447700900001"},
		"MessageSid": {sid}, "AccountSid": {smsAccountSID}, "From": {smsFrom}, "ApiVersion": {"2010-04-01"}}
	if errorCode != "" {
		v.Set("ErrorCode", errorCode)
	}
	return v
}

// httpReply is an answer from the listener.
type httpReply struct {
	status int
	header http.Header
	body   string
}

// request sends one request to the listener; header may set Host.
func (f *smsFixture) request(t testing.TB, method, path string, header map[string]string, body string) httpReply {
	t.Helper()
	req, err := http.NewRequest(method, f.url(t)+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return httpReply{resp.StatusCode, resp.Header, string(data)}
}

// webhook posts a form to path, signed for signedURL with the auth token
// (not signed when signedURL is "").
func (f *smsFixture) webhook(t testing.TB, path string, form url.Values, signedURL string, header map[string]string) httpReply {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if signedURL != "" {
		h["X-Twilio-Signature"] = twiliotest.Sign(smsAuthToken, signedURL, form)
	}
	for k, v := range header {
		h[k] = v
	}
	return f.request(t, http.MethodPost, path, h, form.Encode())
}

// twiml is a TwiML messaging response as Twilio reads it.
type twiml struct {
	XMLName  xml.Name `xml:"Response"`
	Messages []string `xml:"Message"`
}

// textAt sends a correctly signed incoming text to path and returns the
// reply in its TwiML, failing unless the answer is one TwiML message.
func (f *smsFixture) textAt(t testing.TB, path, sid, from, body string) (reply string, raw httpReply) {
	t.Helper()
	raw = f.webhook(t, path, inboundForm(sid, from, body), smsPublicURL+path, nil)
	if raw.status != http.StatusOK {
		t.Fatalf("text %q from %s to %s: got %d %s, want 200", body, from, path, raw.status, raw.body)
	}
	if mt, _, _ := mime.ParseMediaType(raw.header.Get("Content-Type")); mt != "text/xml" {
		t.Errorf("text %q: Content-Type got %q, want text/xml", body, raw.header.Get("Content-Type"))
	}
	if !strings.HasPrefix(raw.body, `<?xml version="1.0" encoding="UTF-8"?><Response>`) {
		t.Errorf("text %q: got %q, want a TwiML <Response>", body, raw.body)
	}
	var doc twiml
	if err := xml.Unmarshal([]byte(raw.body), &doc); err != nil {
		t.Fatalf("text %q: reply %q is not XML: %v", body, raw.body, err)
	}
	if len(doc.Messages) != 1 {
		t.Fatalf("text %q: got %d <Message> in %q, want 1", body, len(doc.Messages), raw.body)
	}
	return doc.Messages[0], raw
}

func (f *smsFixture) text(t testing.TB, sid, from, body string) string {
	t.Helper()
	reply, _ := f.textAt(t, "/sms/twilio", sid, from, body)
	return reply
}

// checkNotStored checks that a refused webhook changed nothing: the message
// is not recorded, the number has no conversation and is not suppressed.
func (f *smsFixture) checkNotStored(t *testing.T, sid, from string) {
	t.Helper()
	if _, found, err := f.db.SMSReply(f.ctx, sid); err != nil || found {
		t.Errorf("SMSReply(%s): got found=%v (%v), want not found", sid, found, err)
	}
	if c, err := f.db.ActiveSMSConversation(f.ctx, f.phones.Hash(from), f.clock.Now()); err != nil || c != nil {
		t.Errorf("ActiveSMSConversation(%s): got %+v (%v), want none", from, c, err)
	}
	if s, err := f.db.SMSSuppressed(f.ctx, f.phones.Hash(from)); err != nil || s {
		t.Errorf("SMSSuppressed(%s): got %v (%v), want false", from, s, err)
	}
}

func (f *smsFixture) suppressed(t *testing.T, phone string) bool {
	t.Helper()
	s, err := f.db.SMSSuppressed(f.ctx, f.phones.Hash(phone))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// invite uploads a CSV of numbers to a survey with token.
func (f *smsFixture) invite(t *testing.T, slug, token, csv string) (int, map[string]any) {
	t.Helper()
	h := map[string]string{"Content-Type": "text/csv"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	r := f.request(t, http.MethodPost, "/api/v1/surveys/"+slug+"/sms/invitations", h, csv)
	var got map[string]any
	if json.Unmarshal([]byte(r.body), &got) != nil {
		t.Fatalf("invitations to %s: got %d %q, want a JSON object", slug, r.status, r.body)
	}
	return r.status, got
}

// queued uploads a CSV that must be accepted and returns the counts.
func (f *smsFixture) queued(t *testing.T, slug, csv string) map[string]any {
	t.Helper()
	status, got := f.invite(t, slug, f.officer, csv)
	if status != http.StatusAccepted {
		t.Fatalf("invitations to %s: got %d %v, want 202", slug, status, got)
	}
	return got
}

func queueResult(queued, already, suppressed int) map[string]any {
	return map[string]any{"queued": float64(queued), "already_invited": float64(already), "suppressed": float64(suppressed)}
}

func (f *smsFixture) counts(t *testing.T) map[surveys.OutboxStatus]int {
	t.Helper()
	c, err := f.db.OutboxCounts(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outboxRow is an outbox message as stored. The store has no method that
// lists messages without a sid, so these are read with SQL (read-only).
type outboxRow struct {
	Status    surveys.OutboxStatus
	Phone     string
	Attempts  int
	ErrorCode int
}

func (f *smsFixture) outboxRows(t *testing.T) []outboxRow {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: f.dbPath}).EscapedPath()+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(f.ctx, `SELECT status, phone, attempts, COALESCE(error_code, 0) FROM sms_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Status, &r.Phone, &r.Attempts, &r.ErrorCode); err != nil {
			t.Fatal(err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// outbox is the sender serve runs, sending to the fake; fast, so that no
// test waits.
func (f *smsFixture) outbox(t *testing.T, ft *twiliotest.Server, maxAttempts int) *channels.OutboxSender {
	t.Helper()
	sender, err := channels.NewTwilioSender(channels.TwilioConfig{AccountSID: smsAccountSID, AuthToken: smsAuthToken, From: smsFrom,
		APIURL: ft.URL, StatusCallback: smsStatusURL})
	if err != nil {
		t.Fatal(err)
	}
	return &channels.OutboxSender{Service: f.svc, Sender: sender, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PerSecond: 1000, MaxAttempts: maxAttempts, RetryAfter: 30 * time.Second}
}

func sendDue(t *testing.T, o *channels.OutboxSender) int {
	t.Helper()
	n, err := o.SendDue(context.Background())
	if err != nil {
		t.Fatalf("SendDue: %v", err)
	}
	return n
}

var smsReference = regexp.MustCompile(`[A-Z0-9]{3}-[A-Z0-9]{3}`)

// A whole conversation through the webhook: each reply is TwiML with the
// next question, the last is the thanks, and one response is stored.
// Signatures are over PublicURL, the path and the query string.
func TestSMSWebhookConversation(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	const from = "+447700900001"
	const withQuery = "/sms/twilio?site=north&ref=a%2Fb"
	steps := []struct {
		path, sid, body string
		want            []string // in the reply
		wantRaw         string   // in the XML as written
	}{
		{"/sms/twilio", "SM0001", "BINS", []string{"Bin collections", "(1/3) Should bins be collected every week?", "Reply Yes or No."}, ""},
		{withQuery, "SM0002", "Yes", []string{"(2/3) Which day suits you best?\n1 Monday\n2 Friday"}, ""},
		{withQuery, "SM0003", "2", []string{"(3/3) Anything else about <bins> & boxes?"}, "about &lt;bins&gt; &amp; boxes?"},
		{withQuery, "SM0004", "Fewer foxes & less mess <3", []string{"Thank you. Your answers have been sent.", "Your reference is "}, ""},
	}
	var replies []string
	for i, st := range steps {
		reply, raw := f.textAt(t, st.path, st.sid, from, st.body)
		for _, want := range st.want {
			if !strings.Contains(reply, want) {
				t.Errorf("step %d, text %q: reply %q, want %q in it", i+1, st.body, reply, want)
			}
		}
		if st.wantRaw != "" && !strings.Contains(raw.body, st.wantRaw) {
			t.Errorf("step %d: TwiML %q, want %q (escaped) in it", i+1, raw.body, st.wantRaw)
		}
		if n := len(storedResponses(t, f.ctx, f.db, "bins")); i < len(steps)-1 && n != 0 {
			t.Errorf("step %d: got %d responses stored, want 0 before the last answer", i+1, n)
		}
		replies = append(replies, reply)
	}
	ref := smsReference.FindString(replies[len(replies)-1])
	if ref == "" {
		t.Fatalf("thanks %q: want a reference in it", replies[len(replies)-1])
	}
	list := storedResponses(t, f.ctx, f.db, "bins")
	if len(list) != 1 {
		t.Fatalf("responses stored: got %d, want 1", len(list))
	}
	r := list[0]
	if r.Channel != surveys.ChannelSMS || r.Reference != ref || r.Language != "en" {
		t.Errorf("response: got channel %q reference %q language %q, want sms %q en", r.Channel, r.Reference, r.Language, ref)
	}
	if got, want := answersOf(r), map[string][]string{"weekly": {"yes"}, "day": {"friday"}, "comment": {"Fewer foxes & less mess <3"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("answers: got %v, want %v", got, want)
	}
	if c, err := f.db.ActiveSMSConversation(f.ctx, f.phones.Hash(from), f.clock.Now()); err != nil || c != nil {
		t.Errorf("conversation after the thanks: got %+v (%v), want none active", c, err)
	}
	for i, st := range steps {
		if got, found, err := f.db.SMSReply(f.ctx, st.sid); err != nil || !found || got != replies[i] {
			t.Errorf("SMSReply(%s): got %q found=%v (%v), want %q", st.sid, got, found, err, replies[i])
		}
	}
}

// A request whose signature is missing, wrong or made for any URL but
// PublicURL + path + query is refused and changes nothing. Forwarded
// headers, even from a trusted proxy, never change the URL checked.
func TestSMSWebhookSignature(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsOptions{publicURL: smsPublicURL, authToken: smsAuthToken, trustedProxies: []string{"127.0.0.1"}})
	const hook = smsPublicURL + "/sms/twilio"
	host := strings.TrimPrefix(f.url(t), "http://")
	forwarded := map[string]string{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
	tests := []struct {
		name   string
		path   string
		form   url.Values
		sig    string // X-Twilio-Signature; "" for none
		header map[string]string
	}{
		{"no signature", "/sms/twilio", nil, "", nil},
		{"garbage", "/sms/twilio", nil, "bm90IGEgc2lnbmF0dXJl", nil},
		{"empty after trimming", "/sms/twilio", nil, " ", nil},
		{"wrong auth token", "/sms/twilio", nil, "token:ffffffffffffffffffffffffffffffff", nil},
		{"signed for the Host header's URL", "/sms/twilio", nil, "url:http://" + host + "/sms/twilio", nil},
		{"signed for the Host header's URL over https", "/sms/twilio", nil, "url:https://" + host + "/sms/twilio", nil},
		{"signed for a spoofed Host", "/sms/twilio", nil, "url:https://evil.example/sms/twilio", map[string]string{"Host": "evil.example"}},
		{"signed for the forwarded host", "/sms/twilio", nil, "url:https://evil.example/sms/twilio", forwarded},
		{"signed for PublicURL over http", "/sms/twilio", nil, "url:http://voices.example.gov.uk/sms/twilio", map[string]string{"X-Forwarded-Proto": "http"}},
		{"signed without the query sent", "/sms/twilio?site=north", nil, "url:" + hook, nil},
		{"signed with a query not sent", "/sms/twilio", nil, "url:" + hook + "?site=north", nil},
		{"signed with another query", "/sms/twilio?site=north", nil, "url:" + hook + "?site=south", nil},
		{"signed for the status callback", "/sms/twilio", nil, "url:" + smsStatusURL, nil},
		{"signed over another text", "/sms/twilio", inboundForm("SMx", "+447700900001", "BINS"), "url:" + hook, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid := fmt.Sprintf("SMforged%04d", i)
			from := fmt.Sprintf("+4477009001%02d", i)
			form := inboundForm(sid, from, "STOP") // a forged STOP must not suppress anyone
			signed := form
			if tt.form != nil {
				signed = tt.form
				signed.Set("MessageSid", sid)
				signed.Set("From", from)
			}
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			switch {
			case strings.HasPrefix(tt.sig, "url:"):
				h["X-Twilio-Signature"] = twiliotest.Sign(smsAuthToken, strings.TrimPrefix(tt.sig, "url:"), signed)
			case strings.HasPrefix(tt.sig, "token:"):
				h["X-Twilio-Signature"] = twiliotest.Sign(strings.TrimPrefix(tt.sig, "token:"), smsPublicURL+tt.path, signed)
			case tt.sig != "":
				h["X-Twilio-Signature"] = tt.sig
			}
			for k, v := range tt.header {
				h[k] = v
			}
			r := f.request(t, http.MethodPost, tt.path, h, form.Encode())
			var got map[string]any
			json.Unmarshal([]byte(r.body), &got)
			checkError(t, r.status, got, http.StatusForbidden, "")
			f.checkNotStored(t, sid, from)
		})
	}

	// The same headers on a request signed for PublicURL change nothing.
	for i, h := range []map[string]string{nil, forwarded, {"Host": "evil.example"}, {"X-Forwarded-Proto": "http", "X-Forwarded-Host": host}} {
		sid, from := fmt.Sprintf("SMgood%04d", i), fmt.Sprintf("+4477009002%02d", i)
		r := f.webhook(t, "/sms/twilio?site=north", inboundForm(sid, from, "BINS"), hook+"?site=north", h)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Should bins be collected every week?") {
			t.Errorf("signed for PublicURL with headers %v: got %d %q, want 200 and the first question", h, r.status, r.body)
		}
		if _, found, _ := f.db.SMSReply(f.ctx, sid); !found {
			t.Errorf("signed for PublicURL with headers %v: message %s not stored", h, sid)
		}
	}
}

// Without PublicURL the URL comes from the Host header and the scheme of
// the connection; X-Forwarded-* from a proxy that is not trusted are ignored.
func TestSMSWebhookSignatureWithoutPublicURL(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsOptions{authToken: smsAuthToken})
	local := f.url(t) + "/sms/twilio"
	forwarded := map[string]string{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
	tests := []struct {
		name      string
		signedURL string
		header    map[string]string
		want      int
	}{
		{"signed for the Host header's URL", local, nil, http.StatusOK},
		{"signed for the Host header's URL, forwarded headers ignored", local, forwarded, http.StatusOK},
		{"signed for the forwarded URL", "https://evil.example/sms/twilio", forwarded, http.StatusForbidden},
		{"signed for https", strings.Replace(local, "http://", "https://", 1), map[string]string{"X-Forwarded-Proto": "https"}, http.StatusForbidden},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid, from := fmt.Sprintf("SMlocal%04d", i), fmt.Sprintf("+4477009003%02d", i)
			r := f.webhook(t, "/sms/twilio", inboundForm(sid, from, "BINS"), tt.signedURL, tt.header)
			if r.status != tt.want {
				t.Fatalf("got %d %q, want %d", r.status, r.body, tt.want)
			}
			if tt.want != http.StatusOK {
				f.checkNotStored(t, sid, from)
			} else if _, found, _ := f.db.SMSReply(f.ctx, sid); !found {
				t.Errorf("message %s not stored", sid)
			}
		})
	}
}

// PublicURL written with a trailing slash is the same address.
func TestSMSWebhookPublicURLTrailingSlash(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsOptions{publicURL: smsPublicURL + "/", authToken: smsAuthToken})
	if reply := f.text(t, "SM1", "+447700900001", "BINS"); !strings.Contains(reply, "Should bins be collected every week?") {
		t.Errorf("reply: got %q, want the first question", reply)
	}
	r := f.webhook(t, "/sms/twilio", inboundForm("SM2", "+447700900002", "BINS"), smsPublicURL+"//sms/twilio", nil)
	if r.status != http.StatusForbidden {
		t.Errorf("signed for %s//sms/twilio: got %d, want 403", smsPublicURL, r.status)
	}
}

// Bodies that are not a Twilio form are refused before anything happens.
func TestSMSWebhookMalformed(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	const hook = smsPublicURL + "/sms/twilio"
	const from = "+447700900001"
	good := inboundForm("SMbad", from, "STOP").Encode()
	sign := func(body string) string {
		v, _ := url.ParseQuery(body)
		return twiliotest.Sign(smsAuthToken, hook, v)
	}
	tests := []struct {
		name        string
		contentType string
		body        string
		want        int
	}{
		{"bad escape", "application/x-www-form-urlencoded", "%zz", http.StatusBadRequest},
		{"bad escape after good fields", "application/x-www-form-urlencoded", good + "&Extra=%zz", http.StatusBadRequest},
		{"repeated key", "application/x-www-form-urlencoded", good + "&Body=BINS", http.StatusBadRequest},
		{"repeated MessageSid", "application/x-www-form-urlencoded", good + "&MessageSid=SMother", http.StatusBadRequest},
		{"semicolons", "application/x-www-form-urlencoded", strings.ReplaceAll(good, "&", ";"), http.StatusBadRequest},
		{"invalid UTF-8", "application/x-www-form-urlencoded", good + "&Extra=%ff", http.StatusBadRequest},
		{"JSON", "application/json", `{"MessageSid": "SMbad", "From": "+447700900001", "Body": "STOP"}`, http.StatusBadRequest},
		{"plain text", "text/plain", good, http.StatusBadRequest},
		{"no content type", "", good, http.StatusBadRequest},
		{"multipart", "multipart/form-data; boundary=xyz",
			"--xyz\r\nContent-Disposition: form-data; name=\"MessageSid\"\r\n\r\nSMbad\r\n--xyz\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n+447700900001\r\n--xyz\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nSTOP\r\n--xyz--\r\n",
			http.StatusBadRequest},
		{"over 64 KiB", "application/x-www-form-urlencoded", good + "&Extra=" + strings.Repeat("a", channels.MaxTwilioForm), http.StatusRequestEntityTooLarge},
		{"signed, no MessageSid", "application/x-www-form-urlencoded", "From=%2B447700900001&Body=STOP", http.StatusBadRequest},
		{"signed, From not a number", "application/x-www-form-urlencoded", "MessageSid=SMbad&From=Anonymous&Body=STOP", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"X-Twilio-Signature": sign(tt.body)}
			if tt.contentType != "" {
				h["Content-Type"] = tt.contentType
			}
			r := f.request(t, http.MethodPost, "/sms/twilio", h, tt.body)
			var got map[string]any
			json.Unmarshal([]byte(r.body), &got)
			checkError(t, r.status, got, tt.want, "")
			f.checkNotStored(t, "SMbad", from)
		})
	}
}

// Without Twilio's auth token (or without a receiver) the SMS routes
// answer 503; everything else works.
func TestSMSNotConfigured(t *testing.T) {
	t.Parallel()
	for _, o := range []struct {
		name string
		opts smsOptions
	}{
		{"no auth token", smsOptions{publicURL: smsPublicURL}},
		{"no receiver", smsOptions{publicURL: smsPublicURL, authToken: smsAuthToken, noReceiver: true}},
	} {
		t.Run(o.name, func(t *testing.T) {
			f := newSMSFixture(t, o.opts)
			const from = "+447700900001"
			requests := []struct {
				name string
				do   func() httpReply
			}{
				{"inbound", func() httpReply {
					return f.webhook(t, "/sms/twilio", inboundForm("SM1", from, "BINS"), smsPublicURL+"/sms/twilio", nil)
				}},
				{"status callback", func() httpReply {
					return f.webhook(t, "/sms/twilio/status", statusForm("SM1", "delivered", ""), smsStatusURL, nil)
				}},
				{"invitations", func() httpReply {
					return f.request(t, http.MethodPost, "/api/v1/surveys/bins/sms/invitations",
						map[string]string{"Authorization": "Bearer " + f.officer, "Content-Type": "text/csv"}, "phone\n07700 900001\n")
				}},
			}
			for _, rq := range requests {
				r := rq.do()
				var got map[string]any
				json.Unmarshal([]byte(r.body), &got)
				if r.status != http.StatusServiceUnavailable || !strings.Contains(errorText(got), "TWILIO_AUTH_TOKEN") {
					t.Errorf("%s: got %d %q, want 503 saying how to set Twilio up", rq.name, r.status, r.body)
				}
			}
			f.checkNotStored(t, "SM1", from)
			if c := f.counts(t); len(c) != 0 {
				t.Errorf("outbox: got %v, want empty", c)
			}
			if r := f.request(t, http.MethodGet, "/healthz", nil, ""); r.status != http.StatusOK {
				t.Errorf("GET /healthz: got %d, want 200", r.status)
			}
			r := f.request(t, http.MethodGet, "/s/bins", nil, "")
			if r.status != http.StatusOK || !strings.Contains(r.body, "Bin collections") {
				t.Errorf("GET /s/bins: got %d, want 200 with the survey's start page", r.status)
			}
		})
	}
}

// Twilio retries a webhook it thinks failed: the same MessageSid gets the
// same TwiML and changes nothing, even when the copies arrive at once.
func TestSMSRepeatedMessageSid(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	const from = "+447700900001"
	hash := f.phones.Hash(from)
	conversation := func() *surveys.SMSConversation {
		t.Helper()
		c, err := f.db.ActiveSMSConversation(f.ctx, hash, f.clock.Now())
		if err != nil || c == nil {
			t.Fatalf("ActiveSMSConversation: got %v (%v), want one", c, err)
		}
		return c
	}
	_, first := f.textAt(t, "/sms/twilio", "SM1", from, "BINS")
	if _, again := f.textAt(t, "/sms/twilio", "SM1", from, "BINS"); again.body != first.body {
		t.Errorf("SM1 again: got %q, want %q", again.body, first.body)
	}
	_, second := f.textAt(t, "/sms/twilio", "SM2", from, "yes")
	before := conversation()
	for _, body := range []string{"yes", "no"} { // a replay with another body is still the same message
		if _, again := f.textAt(t, "/sms/twilio", "SM2", from, body); again.body != second.body {
			t.Errorf("SM2 again with %q: got %q, want %q", body, again.body, second.body)
		}
	}
	// The first message again, after the conversation moved on, does not restart it.
	if _, again := f.textAt(t, "/sms/twilio", "SM1", from, "BINS"); again.body != first.body {
		t.Errorf("SM1 after SM2: got %q, want %q", again.body, first.body)
	}
	after := conversation()
	if after.Turns != before.Turns || after.Draft.Step != before.Draft.Step || after.ID != before.ID ||
		!reflect.DeepEqual(after.Draft.Answers, before.Draft.Answers) {
		t.Errorf("conversation after repeats: got turns %d step %q answers %v (id %d), want turns %d step %q answers %v (id %d)",
			after.Turns, after.Draft.Step, after.Draft.Answers, after.ID, before.Turns, before.Draft.Step, before.Draft.Answers, before.ID)
	}
	f.text(t, "SM3", from, "1")

	// The last answer, delivered eight times at once.
	const copies = 8
	form := inboundForm("SM4", from, "Bigger bins")
	sig := twiliotest.Sign(smsAuthToken, smsPublicURL+"/sms/twilio", form)
	post := func() string {
		req, err := http.NewRequest(http.MethodPost, f.url(t)+"/sms/twilio", strings.NewReader(form.Encode()))
		if err != nil {
			return err.Error()
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := f.client.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%d %s", resp.StatusCode, data)
	}
	bodies := make([]string, copies)
	var wg sync.WaitGroup
	for i := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = post() // not f.webhook: no t.Fatal off the test's goroutine
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		if b != bodies[0] || !strings.HasPrefix(b, "200 ") || !strings.Contains(b, "Your reference is") {
			t.Errorf("copy %d of SM4: got %q, want 200 with the thanks, as copy 0 (%q)", i, b, bodies[0])
		}
	}
	if _, again := f.textAt(t, "/sms/twilio", "SM4", from, "Bigger bins"); "200 "+again.body != bodies[0] {
		t.Errorf("SM4 later: got %q, want %q", again.body, bodies[0])
	}
	list := storedResponses(t, f.ctx, f.db, "bins")
	if len(list) != 1 {
		t.Fatalf("responses stored: got %d, want 1", len(list))
	}
	if ref := smsReference.FindString(bodies[0]); list[0].Reference != ref {
		t.Errorf("stored reference: got %q, want %q as in the thanks", list[0].Reference, ref)
	}
}

// Texts from one number that arrive together are each handled once, in
// some order: none is lost to another changing the conversation first.
func TestSMSConcurrentTextsFromOneNumber(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	const from = "+447700900001"
	f.text(t, "SM0", from, "BINS")
	f.text(t, "SM1", from, "yes")
	// Four texts at once: each can lose the race to the other three at
	// most, within the receiver's five tries.
	const texts = 4
	statuses := make([]int, texts)
	var wg sync.WaitGroup
	for i := range texts {
		form := inboundForm(fmt.Sprintf("SMc%d", i), from, "back") // every one changes the conversation
		sig := twiliotest.Sign(smsAuthToken, smsPublicURL+"/sms/twilio", form)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPost, f.url(t)+"/sms/twilio", strings.NewReader(form.Encode()))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", sig)
			resp, err := f.client.Do(req)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("text %d: got status %d, want 200", i, s)
		}
		if _, found, _ := f.db.SMSReply(f.ctx, fmt.Sprintf("SMc%d", i)); !found {
			t.Errorf("text %d: not stored", i)
		}
	}
	c, err := f.db.ActiveSMSConversation(f.ctx, f.phones.Hash(from), f.clock.Now())
	if err != nil || c == nil {
		t.Fatalf("ActiveSMSConversation: got %v (%v), want one", c, err)
	}
	if want := 2 + texts; c.Turns != want {
		t.Errorf("conversation turns: got %d, want %d (each text counted once)", c.Turns, want)
	}
}

// Officers upload numbers; each gets one invitation in their language,
// sent through Twilio with the number blanked afterwards.
func TestSMSInvitations(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	const good = "phone,language\n07700 900001,en\n+447700900002,ur\n"
	closed := strings.NewReplacer("slug: roads", "slug: old-roads", "status: open", "status: closed", "ROADS", "OLDROADS").Replace(smsRoadsYAML)
	if _, err := f.svc.CreateSurvey(f.ctx, []byte(closed)); err != nil {
		t.Fatal(err)
	}
	var tooMany strings.Builder
	tooMany.WriteString("phone\n")
	for i := range channels.MaxInvitees + 1 {
		fmt.Fprintf(&tooMany, "+44770%07d\n", i)
	}

	refused := []struct {
		name       string
		slug       string
		token      string
		csv        string
		wantStatus int
		wantFields []string
	}{
		{"no token", "parks", "", good, http.StatusUnauthorized, nil},
		{"bad token", "parks", "voices_not-a-real-token", good, http.StatusUnauthorized, nil},
		{"partner", "parks", f.partner, good, http.StatusForbidden, nil},
		{"unknown survey", "nope", f.officer, good, http.StatusNotFound, nil},
		{"survey without a keyword", "libraries", f.officer, "phone\n07700 900001\n", http.StatusUnprocessableEntity, []string{"sms.keyword"}},
		{"bad number and unknown language", "parks", f.officer, "phone,language\n07700 900001,en\nnot a number,en\n+447700900002,fr\n",
			http.StatusUnprocessableEntity, []string{"line 3", "line 4"}},
		{"no phone column", "parks", f.officer, "mobile_no,language\n07700 900001,en\n", http.StatusUnprocessableEntity, []string{"line 1"}},
		{"closed survey", "old-roads", f.officer, "phone\n07700 900001\n", http.StatusConflict, nil},
		{"too many numbers", "parks", f.officer, tooMany.String(), http.StatusRequestEntityTooLarge, nil},
		{"no numbers", "parks", f.officer, "phone,language\n", http.StatusUnprocessableEntity, nil},
		{"empty", "parks", f.officer, "", http.StatusUnprocessableEntity, nil},
		{"CSV error in a row's first field", "parks", f.officer, "phone\n\"07700 900001\n", http.StatusBadRequest, nil},
		{"CSV error later in a row", "parks", f.officer, "phone,language\n07700 900001,\"e\"n\n", http.StatusBadRequest, nil},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			status, got := f.invite(t, tt.slug, tt.token, tt.csv)
			checkError(t, status, got, tt.wantStatus, "")
			fields, _ := got["fields"].(map[string]any)
			for _, field := range tt.wantFields {
				if msg, _ := fields[field].(string); msg == "" {
					t.Errorf("fields: got %v, want %q named", fields, field)
				}
			}
			if c := f.counts(t); len(c) != 0 {
				t.Errorf("outbox after a refused upload: got %v, want empty", c)
			}
		})
	}
	status, got := f.invite(t, "parks", f.officer, "phone,language\n07700 900001,en\nnot a number,en\n+447700900002,fr\n")
	fields, _ := got["fields"].(map[string]any)
	if msg, _ := fields["line 3"].(string); status != http.StatusUnprocessableEntity || !strings.Contains(msg, "not a number") {
		t.Errorf("bad number: got %d, fields[line 3] %q, want 422 naming the number", status, msg)
	}
	if msg, _ := fields["line 4"].(string); !strings.Contains(msg, `"fr"`) {
		t.Errorf("unknown language: fields[line 4] %q, want the language named", msg)
	}

	if got, want := f.queued(t, "parks", good), queueResult(2, 0, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("first upload: got %v, want %v", got, want)
	}
	if got, want := f.queued(t, "parks", good), queueResult(0, 2, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("second upload: got %v, want %v", got, want)
	}
	if got, want := f.queued(t, "parks", "phone\n+447700900003\n07700 900003\n"), queueResult(1, 1, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("one number twice in a file: got %v, want %v", got, want)
	}
	// As Excel saves it: a byte order mark, capitals, CRLF, an empty
	// language (the survey's default) and a blank row at the end.
	if got, want := f.queued(t, "parks", "\ufeffPhone,Language\r\n+447700900004,\r\n,\r\n"), queueResult(1, 0, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("Excel's CSV: got %v, want %v", got, want)
	}
	if got, want := f.counts(t), map[surveys.OutboxStatus]int{surveys.OutboxQueued: 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("outbox: got %v, want %v", got, want)
	}

	ft := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
	if n := sendDue(t, f.outbox(t, ft, 0)); n != 4 {
		t.Errorf("SendDue: got %d tried, want 4", n)
	}
	sent := ft.Sent()
	if len(sent) != 4 {
		t.Fatalf("requests to Twilio: got %d, want 4", len(sent))
	}
	wantWords := map[string][]string{
		"+447700900001": {smsCouncil, "would like your views", "Parks and green spaces", "Reply PARKS", "STOP"},
		"+447700900002": {smsCouncil, "آپ کی رائے", "پارک اور سبز جگہیں", "PARKS", "STOP"},
		"+447700900003": {smsCouncil, "would like your views", "Parks and green spaces", "Reply PARKS", "STOP"},
		"+447700900004": {smsCouncil, "would like your views", "Parks and green spaces", "Reply PARKS", "STOP"},
	}
	for _, r := range sent {
		to := r.Form.Get("To")
		if r.Method != http.MethodPost || r.Path != messagesPath || !r.AuthOK {
			t.Errorf("request to %s: got %s %s (auth ok %v), want POST %s with the account's Basic auth", to, r.Method, r.Path, r.AuthOK, messagesPath)
		}
		if got := r.Form.Get("From"); got != smsFrom {
			t.Errorf("request to %s: From got %q, want %q", to, got, smsFrom)
		}
		if got := r.Form.Get("StatusCallback"); got != smsStatusURL {
			t.Errorf("request to %s: StatusCallback got %q, want %q", to, got, smsStatusURL)
		}
		words, ok := wantWords[to]
		if !ok {
			t.Errorf("request to %q: want one of %v", to, slices.Collect(maps.Keys(wantWords)))
			continue
		}
		delete(wantWords, to)
		body := r.Form.Get("Body")
		for _, w := range words {
			if !strings.Contains(body, w) {
				t.Errorf("invitation to %s: %q, want %q in it", to, body, w)
			}
		}
		if to == "+447700900002" && strings.Contains(body, "would like your views") {
			t.Errorf("Urdu invitation: %q, want no English", body)
		}
	}
	if got, want := f.counts(t), map[surveys.OutboxStatus]int{surveys.OutboxAccepted: 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("outbox after sending: got %v, want %v", got, want)
	}
	for _, r := range sent {
		// Reporting the status a message has already changes nothing and returns it.
		m, changed, err := f.db.RecordSMSStatus(f.ctx, r.SID, surveys.OutboxAccepted, 0, f.clock.Now())
		if err != nil || m == nil || changed {
			t.Fatalf("RecordSMSStatus(%s): got %+v changed=%v (%v), want the message unchanged", r.SID, m, changed, err)
		}
		if m.Phone != "" || m.MessageSID != r.SID || m.Status != surveys.OutboxAccepted || m.Attempts != 1 || m.PhoneHash != f.phones.Hash(r.Form.Get("To")) {
			t.Errorf("message to %s: got phone %q sid %q status %q attempts %d, want phone blank, sid %q, accepted, 1 attempt",
				r.Form.Get("To"), m.Phone, m.MessageSID, m.Status, m.Attempts, r.SID)
		}
	}
	if n := sendDue(t, f.outbox(t, ft, 0)); n != 0 || len(ft.Sent()) != 4 {
		t.Errorf("SendDue again: got %d tried and %d requests, want 0 and still 4", n, len(ft.Sent()))
	}
}

// A number that texted STOP is never texted: not queued after the STOP,
// and not sent when it was queued before.
func TestSMSStopSuppresses(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	ft := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
	o := f.outbox(t, ft, 0)

	if got, want := f.queued(t, "parks", "phone\n07700 900001\n07700 900002\n"), queueResult(2, 0, 0); !reflect.DeepEqual(got, want) {
		t.Fatalf("upload: got %v, want %v", got, want)
	}
	if reply := f.text(t, "SMstop", "+447700900002", "Stop."); !strings.Contains(reply, "You will get no more texts from us") {
		t.Errorf("reply to STOP: got %q, want the confirmation", reply)
	}
	if !f.suppressed(t, "+447700900002") {
		t.Fatalf("after STOP: number not on the suppression list")
	}
	sendDue(t, o)
	sent := ft.Sent()
	if len(sent) != 1 || sent[0].Form.Get("To") != "+447700900001" {
		t.Fatalf("requests to Twilio: got %d (%v), want 1 to +447700900001", len(sent), sent)
	}
	if got, want := f.counts(t), map[surveys.OutboxStatus]int{surveys.OutboxAccepted: 1, surveys.OutboxSuppressed: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("outbox: got %v, want %v", got, want)
	}

	// STOP first: the upload says so and queues the others.
	if got, want := f.queued(t, "roads", "phone\n+447700900002\n+447700900003\n"), queueResult(1, 0, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("upload after STOP: got %v, want %v", got, want)
	}
	sendDue(t, o)
	for _, r := range ft.Sent() {
		if r.Form.Get("To") == "+447700900002" {
			t.Errorf("a number that said STOP was sent %q", r.Form.Get("Body"))
		}
	}
	if n := len(ft.Sent()); n != 2 {
		t.Errorf("requests to Twilio: got %d, want 2", n)
	}

	// START takes the number off the list.
	if reply := f.text(t, "SMstart", "+447700900002", "START"); !strings.Contains(reply, "You can get texts from us again") {
		t.Errorf("reply to START: got %q, want the confirmation", reply)
	}
	if got, want := f.queued(t, "bins", "phone\n+447700900002\n"), queueResult(1, 0, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("upload after START: got %v, want %v", got, want)
	}
	sendDue(t, o)
	if sent := ft.Sent(); len(sent) != 3 || sent[2].Form.Get("To") != "+447700900002" || !strings.Contains(sent[2].Form.Get("Body"), "BINS") {
		t.Errorf("after START: got %d requests, want a third, the BINS invitation to +447700900002", len(sent))
	}
	for _, r := range f.outboxRows(t) {
		if r.Phone != "" {
			t.Errorf("outbox message %s still holds the number %q", r.Status, r.Phone)
		}
	}
}

// Twilio's error 21610 (the number replied STOP to Twilio) is a STOP:
// the message is opted_out and the number is never invited again.
func TestSMSCarrierOptOut(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	ft := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
	ft.ReplyTo("+447700900001", twiliotest.OptOut)
	o := f.outbox(t, ft, 0)
	f.queued(t, "parks", "phone\n07700 900001\n07700 900002\n")
	sendDue(t, o)
	if n := len(ft.Sent()); n != 2 {
		t.Fatalf("requests to Twilio: got %d, want 2", n)
	}
	if got, want := f.counts(t), map[surveys.OutboxStatus]int{surveys.OutboxOptedOut: 1, surveys.OutboxAccepted: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("outbox: got %v, want %v", got, want)
	}
	if !f.suppressed(t, "+447700900001") || f.suppressed(t, "+447700900002") {
		t.Errorf("suppressed: got +447700900001 %v, +447700900002 %v, want true, false", f.suppressed(t, "+447700900001"), f.suppressed(t, "+447700900002"))
	}
	want := []outboxRow{{surveys.OutboxOptedOut, "", 1, channels.OptOutCode}, {surveys.OutboxAccepted, "", 1, 0}}
	if got := f.outboxRows(t); !reflect.DeepEqual(got, want) {
		t.Errorf("outbox rows: got %+v, want %+v", got, want)
	}
	if got, want := f.queued(t, "roads", "phone\n07700 900001\n"), queueResult(0, 0, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("later upload: got %v, want %v", got, want)
	}
	sendDue(t, o)
	if n := len(ft.Sent()); n != 2 {
		t.Errorf("requests to Twilio after the later upload: got %d, want still 2", n)
	}
}

// Rate limits and server errors are retried after a backoff on the
// fixture's clock, up to MaxAttempts; other refusals are not retried.
func TestSMSOutboxRetries(t *testing.T) {
	t.Parallel()
	type step struct {
		advance      time.Duration
		wantRequests int
		wantStatus   surveys.OutboxStatus
	}
	tests := []struct {
		name        string
		maxAttempts int
		script      []twiliotest.Reply
		steps       []step
		want        outboxRow // at the end
	}{
		{"429 then 201", 3, []twiliotest.Reply{twiliotest.TooManyRequests}, []step{
			{0, 1, surveys.OutboxQueued},
			{0, 1, surveys.OutboxQueued}, // not due yet
			{29 * time.Second, 1, surveys.OutboxQueued},
			{2 * time.Second, 2, surveys.OutboxAccepted},
			{time.Hour, 2, surveys.OutboxAccepted},
		}, outboxRow{surveys.OutboxAccepted, "", 2, 0}},
		{"proxy's 502 page then 201", 3, []twiliotest.Reply{twiliotest.ProxyError}, []step{
			{0, 1, surveys.OutboxQueued},
			{31 * time.Second, 2, surveys.OutboxAccepted},
		}, outboxRow{surveys.OutboxAccepted, "", 2, 0}},
		{"500 until MaxAttempts", 3, []twiliotest.Reply{twiliotest.ServerError, twiliotest.ServerError, twiliotest.ServerError, twiliotest.ServerError}, []step{
			{0, 1, surveys.OutboxQueued},
			{31 * time.Second, 2, surveys.OutboxQueued},
			{59 * time.Second, 2, surveys.OutboxQueued}, // the second wait is twice the first
			{2 * time.Second, 3, surveys.OutboxFailed},
			{2 * time.Hour, 3, surveys.OutboxFailed},
		}, outboxRow{surveys.OutboxFailed, "", 3, 20500}},
		{"429 every time", 2, []twiliotest.Reply{twiliotest.TooManyRequests, twiliotest.TooManyRequests, twiliotest.TooManyRequests}, []step{
			{0, 1, surveys.OutboxQueued},
			{time.Minute, 2, surveys.OutboxFailed},
			{time.Hour, 2, surveys.OutboxFailed},
		}, outboxRow{surveys.OutboxFailed, "", 2, 20429}},
		{"400 not 21610", 3, []twiliotest.Reply{twiliotest.InvalidNumber}, []step{
			{0, 1, surveys.OutboxRejected},
			{2 * time.Hour, 1, surveys.OutboxRejected},
		}, outboxRow{surveys.OutboxRejected, "", 1, 21211}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSMSFixture(t, smsReady)
			ft := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
			ft.ReplyTo("+447700900001", tt.script...)
			o := f.outbox(t, ft, tt.maxAttempts)
			f.queued(t, "bins", "phone\n07700 900001\n")
			for i, st := range tt.steps {
				f.clock.advance(st.advance)
				sendDue(t, o)
				if got := len(ft.Sent()); got != st.wantRequests {
					t.Errorf("step %d: requests to Twilio: got %d, want %d", i+1, got, st.wantRequests)
				}
				if got, want := f.counts(t), map[surveys.OutboxStatus]int{st.wantStatus: 1}; !reflect.DeepEqual(got, want) {
					t.Errorf("step %d: outbox got %v, want %v", i+1, got, want)
				}
				if rows := f.outboxRows(t); st.wantStatus == surveys.OutboxQueued && (len(rows) != 1 || rows[0].Phone != "+447700900001") {
					t.Errorf("step %d: queued message %+v, want it to keep its number for the retry", i+1, rows)
				}
			}
			sent := ft.Sent()
			for i, r := range sent {
				if r.Form.Get("To") != "+447700900001" || r.Form.Get("Body") != sent[0].Form.Get("Body") || !strings.Contains(r.Form.Get("Body"), "BINS") {
					t.Errorf("request %d: To %q Body %q, want the same invitation to +447700900001 each time", i+1, r.Form.Get("To"), r.Form.Get("Body"))
				}
			}
			if got := f.outboxRows(t); len(got) != 1 || got[0] != tt.want {
				t.Errorf("outbox at the end: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// Twilio's status callbacks move a message forward, never back; they must
// be signed; 21610 in a callback suppresses the number.
func TestSMSStatusCallbacks(t *testing.T) {
	t.Parallel()
	f := newSMSFixture(t, smsReady)
	ft := twiliotest.NewServer(t, smsAccountSID, smsAuthToken)
	f.queued(t, "parks", "phone\n07700 900001\n07700 900002\n")
	sendDue(t, f.outbox(t, ft, 0))
	sid1, sid2 := ft.SIDFor(t, "+447700900001"), ft.SIDFor(t, "+447700900002")

	const (
		signed   = "signed"
		unsigned = "unsigned"
		badSig   = "bad"
		wrongURL = "wrong-url"
	)
	type counts = map[surveys.OutboxStatus]int
	steps := []struct {
		name       string
		form       url.Values
		sign       string
		wantStatus int
		wantCounts counts
	}{
		{"sent", statusForm(sid1, "sent", ""), signed, http.StatusNoContent, counts{"sent": 1, "accepted": 1}},
		{"delivered", statusForm(sid1, "delivered", ""), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"late sent", statusForm(sid1, "sent", ""), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"late queued", statusForm(sid1, "queued", ""), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"late sending", statusForm(sid1, "sending", ""), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"unsigned", statusForm(sid2, "undelivered", "21610"), unsigned, http.StatusForbidden, counts{"delivered": 1, "accepted": 1}},
		{"bad signature", statusForm(sid2, "undelivered", "21610"), badSig, http.StatusForbidden, counts{"delivered": 1, "accepted": 1}},
		{"signed for the inbound URL", statusForm(sid2, "undelivered", "21610"), wrongURL, http.StatusForbidden, counts{"delivered": 1, "accepted": 1}},
		{"unknown sid", statusForm("SMffffffffffffffffffffffffffffffff", "delivered", "21610"), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"status not tracked", statusForm(sid2, "canceled", ""), signed, http.StatusNoContent, counts{"delivered": 1, "accepted": 1}},
		{"no status", url.Values{"MessageSid": {sid2}}, signed, http.StatusBadRequest, counts{"delivered": 1, "accepted": 1}},
		{"undelivered, 21610", statusForm(sid2, "undelivered", "21610"), signed, http.StatusNoContent, counts{"delivered": 1, "undelivered": 1}},
		{"read", statusForm(sid1, "read", ""), signed, http.StatusNoContent, counts{"read": 1, "undelivered": 1}},
	}
	for i, st := range steps {
		if st.name == "undelivered, 21610" && f.suppressed(t, "+447700900002") {
			t.Fatalf("before step %d (%s): +447700900002 suppressed already, by a refused or unknown callback", i+1, st.name)
		}
		var r httpReply
		switch st.sign {
		case signed:
			r = f.webhook(t, "/sms/twilio/status", st.form, smsStatusURL, nil)
		case unsigned:
			r = f.webhook(t, "/sms/twilio/status", st.form, "", nil)
		case badSig:
			r = f.webhook(t, "/sms/twilio/status", st.form, "", map[string]string{"X-Twilio-Signature": "c2lnbmF0dXJlIG9mIG5vdGhpbmc="})
		case wrongURL:
			r = f.webhook(t, "/sms/twilio/status", st.form, smsPublicURL+"/sms/twilio", nil)
		}
		if r.status != st.wantStatus {
			t.Errorf("step %d (%s): got %d %q, want %d", i+1, st.name, r.status, r.body, st.wantStatus)
		}
		if got := f.counts(t); !reflect.DeepEqual(got, st.wantCounts) {
			t.Errorf("step %d (%s): outbox got %v, want %v", i+1, st.name, got, st.wantCounts)
		}
	}
	if !f.suppressed(t, "+447700900002") || f.suppressed(t, "+447700900001") {
		t.Errorf("suppressed: got +447700900001 %v, +447700900002 %v, want false, true", f.suppressed(t, "+447700900001"), f.suppressed(t, "+447700900002"))
	}
	if got, want := f.queued(t, "roads", "phone\n07700 900002\n07700 900001\n"), queueResult(1, 0, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("upload after the 21610 callback: got %v, want %v", got, want)
	}
}

// BenchmarkInboundSMS handles incoming texts through the Fiber handler
// (no network, as bench_test.go does): signature check, conversation state
// and a durable write each. Every iteration is a new MessageSid; the texts
// come from many numbers in turn, each walking through the survey, so
// conversations start, progress and finish (storing a response) across b.N.
func BenchmarkInboundSMS(b *testing.B) {
	f := newSMSFixture(b, smsReady)
	handler := f.app.Handler()
	const phones = 50
	script := []string{"BINS", "yes", "2", "Collect glass separately please"}
	type request struct{ body, signature string }
	reqs := make([]request, b.N)
	for i := range reqs {
		form := inboundForm(fmt.Sprintf("SMbench%08d", i), fmt.Sprintf("+447700%06d", 900000+i%phones), script[(i/phones)%len(script)])
		reqs[i] = request{form.Encode(), twiliotest.Sign(smsAuthToken, smsPublicURL+"/sms/twilio", form)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(fasthttp.MethodPost)
		ctx.Request.SetRequestURI("/sms/twilio")
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.Header.Set("X-Twilio-Signature", reqs[i].signature)
		ctx.Request.SetBodyString(reqs[i].body)
		handler(&ctx)
		if got := ctx.Response.StatusCode(); got != fasthttp.StatusOK {
			b.Fatalf("text %d: got %d %s, want 200", i, got, ctx.Response.Body())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.StopTimer()
	// Every number that sent the whole script k times finished k surveys.
	want := 0
	for p := range phones {
		sent := 0
		if p < b.N {
			sent = (b.N-1-p)/phones + 1
		}
		want += sent / len(script)
	}
	sv, err := f.db.Survey(f.ctx, "bins")
	if err != nil {
		b.Fatal(err)
	}
	list, err := f.db.Responses(f.ctx, sv.ID, surveys.ResponseFilter{Limit: b.N + 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(list) != want {
		b.Errorf("responses stored: got %d, want %d", len(list), want)
	}
}

// FuzzTwilioWebhook texts anything, correctly signed, from a few numbers
// in turn through the real handler, so conversations are in every state:
// the answer is always TwiML with at most one message, never a server
// error; only text that is not UTF-8 is refused (400). Run longer with:
// go test -fuzz FuzzTwilioWebhook ./server/
func FuzzTwilioWebhook(f *testing.F) {
	for _, seed := range []string{"BINS", "yes", "2", "1 2", "STOP", "START", "HELP", "back", "SKIP", "", " ", "B.I.N.S", "bins!",
		"PARKS", "1", "ROADS", "جی ہاں", "👍🏽", "<Response/>", "&amp;", "\x00", "\xff", strings.Repeat("کیا ", 400)} {
		f.Add(uint8(0), seed)
		f.Add(uint8(1), seed)
	}
	fx := newSMSFixture(f, smsReady)
	handler := fx.app.Handler()
	n := 0
	f.Fuzz(func(t *testing.T, who uint8, text string) {
		n++
		form := inboundForm(fmt.Sprintf("SMfuzz%012d", n), fmt.Sprintf("+4477009004%02d", who%4), text)
		body := form.Encode()
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(fasthttp.MethodPost)
		ctx.Request.SetRequestURI("/sms/twilio")
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.Header.Set("X-Twilio-Signature", twiliotest.Sign(smsAuthToken, smsPublicURL+"/sms/twilio", form))
		ctx.Request.SetBodyString(body)
		handler(&ctx)
		status, reply := ctx.Response.StatusCode(), ctx.Response.Body()
		switch {
		case !utf8.ValidString(text):
			if status != http.StatusBadRequest {
				t.Fatalf("text %q (not UTF-8): got %d %s, want 400", text, status, reply)
			}
		case len(body) > channels.MaxTwilioForm:
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("text of %d bytes: got %d, want 413", len(text), status)
			}
		default:
			if status != http.StatusOK {
				t.Fatalf("text %q: got %d %s, want 200", text, status, reply)
			}
			var doc twiml
			if err := xml.Unmarshal(reply, &doc); err != nil || len(doc.Messages) > 1 {
				t.Fatalf("text %q: got %q (%v), want TwiML with at most one message", text, reply, err)
			}
		}
	})
}
