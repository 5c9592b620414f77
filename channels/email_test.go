package channels_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/channels/smtptest"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Tests of the email sender (email.go) against a mail server on 127.0.0.1
// (channels/smtptest), with the outbox in a real database and a clock the
// test moves.

// emailEnv is an email outbox with messages queued, and a clock.
type emailEnv struct {
	t    testing.TB
	ctx  context.Context
	path string
	now  time.Time
	db   *sqlite.DB
	svc  *surveys.Service
	s    *surveys.Survey
}

func newEmailEnv(t testing.TB) *emailEnv {
	t.Helper()
	e := &emailEnv{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "voices.db"),
		now: time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(e.ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	e.svc = &surveys.Service{Store: db, Now: func() time.Time { return e.now }}
	e.s, err = e.svc.CreateSurvey(e.ctx, []byte("slug: parks\ntitle: {en: Parks, ur: پارک}\nlanguages: [en, ur]\nstatus: open\n"+
		"questions:\n  - {key: say, type: text, prompt: {en: \"Say?\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// queue puts emails in the outbox, as publishing does.
func (e *emailEnv) queue(msgs ...*surveys.EmailMessage) {
	e.t.Helper()
	for i, m := range msgs {
		m.SurveyID, m.Kind, m.Status = e.s.ID, "update:1", surveys.EmailQueued
		m.AddressHash = fmt.Sprintf("hash%d", i)
		m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = e.now, e.now, e.now
	}
	p := &surveys.Publication{SurveyID: e.s.ID, Survey: e.s.Slug, Version: 1, PublishedAt: e.now}
	if _, n, err := e.db.PublishResults(e.ctx, p, "test", nil, msgs); err != nil || n != len(msgs) {
		e.t.Fatalf("queueing: got %d, %v; want %d queued", n, err, len(msgs))
	}
}

// emailRow is an email as stored.
type emailRow struct {
	Status, Address, Error string
	Attempts               int
	Next                   string
}

func (e *emailEnv) rows() []emailRow {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: e.path}).EscapedPath()+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(e.ctx, `SELECT status, address, error, attempts, next_attempt_at FROM email_outbox ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var list []emailRow
	for rows.Next() {
		var r emailRow
		if err := rows.Scan(&r.Status, &r.Address, &r.Error, &r.Attempts, &r.Next); err != nil {
			e.t.Fatal(err)
		}
		list = append(list, r)
	}
	return list
}

func (e *emailEnv) sender(cfg channels.SMTPConfig) *channels.EmailSender {
	return &channels.EmailSender{Service: e.svc, SMTP: cfg, PerSecond: 1000, RetryAfter: time.Minute,
		Log: discardLog()}
}

const (
	emailFrom        = "Test Council <updates@council.example>"
	emailTo          = "amina@example.org"
	emailUnsubscribe = "https://voices.example.gov.uk/updates/abcdef"
)

// An update in Urdu, delivered over STARTTLS with AUTH PLAIN, with every
// header a mail client needs, and its address then blanked.
func TestEmailSenderDelivers(t *testing.T) {
	t.Parallel()
	e := newEmailEnv(t)
	mail := smtptest.NewServer(t, smtptest.Config{TLS: true, User: "voices", Password: "secret"})
	subject := "کیا ہوا: پارکوں کا سروے"
	body := "Test Council\n\nآپ نے \"پارک\" میں حصہ لیا۔\n\n- نئی بتیاں (منصوبہ بند)\n\nدیکھیں: https://voices.example.gov.uk/s/parks/results?lang=ur\n" +
		"A line that is longer than seventy-six characters, so quoted-printable has to break it somewhere.\n.\nA dot alone above.\n"
	e.queue(&surveys.EmailMessage{Address: emailTo, Subject: subject, Body: body, Unsubscribe: emailUnsubscribe})
	cfg := channels.SMTPConfig{Addr: mail.Addr, From: emailFrom, User: "voices", Password: "secret", TLS: mail.ClientTLS()}
	if err := cfg.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if n, err := e.sender(cfg).SendDue(e.ctx); n != 1 || err != nil {
		t.Fatalf("SendDue: got %d, %v; want 1, nil", n, err)
	}
	got := mail.Messages()
	if len(got) != 1 {
		t.Fatalf("messages delivered: got %d, want 1", len(got))
	}
	m := got[0]
	if m.From != "updates@council.example" || len(m.To) != 1 || m.To[0] != emailTo || !m.TLS || m.User != "voices" {
		t.Errorf("envelope: got from %q to %v, TLS %v, user %q; want from updates@council.example to %s over TLS as voices", m.From, m.To, m.TLS, m.User, emailTo)
	}
	for i, line := range strings.Split(string(m.Data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d characters long; RFC 5322 allows 998", i+1, len(line))
		}
	}
	msg, err := m.Parse()
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, m.Data)
	}
	dec := new(mime.WordDecoder)
	gotSubject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || gotSubject != subject {
		t.Errorf("Subject: got %q (%v), raw %q; want %q", gotSubject, err, msg.Header.Get("Subject"), subject)
	}
	if raw := msg.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?q?") && !strings.HasPrefix(raw, "=?UTF-8?Q?") {
		t.Errorf("Subject: got %q, want it Q-encoded", raw)
	}
	for name, want := range map[string]string{
		"From":                      `"Test Council" <updates@council.example>`,
		"To":                        "<" + emailTo + ">",
		"Date":                      "Mon, 01 Mar 2027 10:00:00 +0000",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=UTF-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"List-Unsubscribe":          "<" + emailUnsubscribe + ">",
		"List-Unsubscribe-Post":     "List-Unsubscribe=One-Click",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := msg.Header.Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@council.example>") {
		t.Errorf("Message-ID: got %q, want <...@council.example>", id)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if got := strings.ReplaceAll(string(decoded), "\r\n", "\n"); got != body {
		t.Errorf("body:\n got %q\nwant %q", got, body)
	}
	if rows := e.rows(); len(rows) != 1 || rows[0].Status != surveys.EmailSent || rows[0].Address != "" || rows[0].Attempts != 1 {
		t.Errorf("outbox: got %+v, want it sent once, its address blanked", rows)
	}
	// Nothing is sent twice.
	if n, err := e.sender(cfg).SendDue(e.ctx); n != 0 || err != nil || len(mail.Messages()) != 1 {
		t.Errorf("SendDue again: got %d, %v, %d delivered; want nothing more", n, err, len(mail.Messages()))
	}
}

// Refusals and failures: a temporary one is tried again later, a
// permanent one given up; wrong settings leave the email queued, the try
// not counted.
func TestEmailSenderFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cfg      smtptest.Config
		refuse   []smtptest.Refusal
		user     string // sent as the SMTP user, with "secret"
		down     bool   // nothing listens at the address
		attempts int    // MaxAttempts (default 8)
		passErr  bool   // the pass stops with an error
		// The email after the first pass.
		want emailRow
		// The second pass, RetryAfter later: whether it delivers.
		delivered bool
	}{
		{name: "451 at RCPT is tried again", refuse: []smtptest.Refusal{{Stage: "RCPT", Code: 451}},
			want: emailRow{Status: "queued", Address: emailTo, Error: "SMTP 451 at RCPT", Attempts: 1}, delivered: true},
		{name: "421 at MAIL is tried again", refuse: []smtptest.Refusal{{Stage: "MAIL", Code: 421}},
			want: emailRow{Status: "queued", Address: emailTo, Error: "SMTP 421 at MAIL", Attempts: 1}, delivered: true},
		{name: "452 after DATA is tried again", refuse: []smtptest.Refusal{{Stage: "DATA", Code: 452}},
			want: emailRow{Status: "queued", Address: emailTo, Error: "SMTP 452 at DATA", Attempts: 1}, delivered: true},
		{name: "550 at RCPT is given up", refuse: []smtptest.Refusal{{Stage: "RCPT", Code: 550}},
			want: emailRow{Status: "failed", Error: "SMTP 550 at RCPT", Attempts: 1}},
		{name: "554 after DATA is given up", refuse: []smtptest.Refusal{{Stage: "DATA", Code: 554}},
			want: emailRow{Status: "failed", Error: "SMTP 554 at DATA", Attempts: 1}},
		{name: "the last try is given up", refuse: []smtptest.Refusal{{Stage: "RCPT", Code: 451}}, attempts: 1,
			want: emailRow{Status: "failed", Error: "SMTP 451 at RCPT", Attempts: 1}},
		{name: "a server that is down is tried again", down: true,
			want: emailRow{Status: "queued", Address: emailTo, Error: "network error at connect", Attempts: 1}, delivered: true},
		{name: "a wrong password leaves it queued, the try not counted", cfg: smtptest.Config{User: "voices", Password: "right"}, user: "voices",
			passErr: true, want: emailRow{Status: "queued", Address: emailTo, Error: "AUTH refused", Attempts: 0}},
		{name: "a certificate that does not verify leaves it queued", cfg: smtptest.Config{TLS: true},
			passErr: true, want: emailRow{Status: "queued", Address: emailTo, Error: "STARTTLS failed", Attempts: 0}},
		{name: "no password where one is needed leaves it queued", cfg: smtptest.Config{User: "voices", Password: "right"},
			passErr: true, want: emailRow{Status: "queued", Address: emailTo, Error: "SMTP 502 at MAIL", Attempts: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEmailEnv(t)
			mail := smtptest.NewServer(t, tt.cfg)
			mail.Refuse(tt.refuse...)
			addr := mail.Addr
			if tt.down {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr = ln.Addr().String()
				ln.Close()
			}
			e.queue(&surveys.EmailMessage{Address: emailTo, Subject: "What happened: Parks", Body: "Hello\n", Unsubscribe: emailUnsubscribe})
			cfg := channels.SMTPConfig{Addr: addr, From: emailFrom, Timeout: 10 * time.Second}
			if tt.user != "" {
				cfg.User, cfg.Password = tt.user, "secret"
			}
			o := e.sender(cfg)
			o.MaxAttempts = tt.attempts
			_, err := o.SendDue(e.ctx)
			if (err != nil) != tt.passErr {
				t.Errorf("SendDue: got error %v, want an error: %v", err, tt.passErr)
			}
			rows := e.rows()
			if len(rows) != 1 {
				t.Fatalf("outbox: got %d emails, want 1", len(rows))
			}
			got := rows[0]
			got.Next = ""
			if got != tt.want {
				t.Errorf("after the first pass: got %+v, want %+v", got, tt.want)
			}
			if n := len(mail.Messages()); n != 0 {
				t.Errorf("delivered on the first pass: got %d, want 0", n)
			}
			e.now = e.now.Add(time.Minute)
			if tt.down {
				o.SMTP.Addr = mail.Addr // the server is back
			}
			o.SendDue(e.ctx)
			if n := len(mail.Messages()); (n == 1) != tt.delivered {
				t.Errorf("delivered on the second pass: got %d, want delivered %v", n, tt.delivered)
			}
			if tt.delivered {
				if rows := e.rows(); rows[0].Status != surveys.EmailSent || rows[0].Address != "" || rows[0].Attempts != 2 {
					t.Errorf("after the second pass: got %+v, want sent on the second try, the address blanked", rows[0])
				}
			}
		})
	}
}

// A title as long as a survey's can be still makes a subject whose lines
// stay short, and that decodes to itself.
func TestComposeEmailLongSubject(t *testing.T) {
	t.Parallel()
	subject := "کیا ہوا: " + strings.Repeat("پارکوں اور سبز جگہوں کا سروے، ", 12)
	from, _ := mailAddress(emailFrom)
	data := channels.ComposeEmail(&surveys.EmailMessage{Address: emailTo, Subject: subject + "\r\nBcc: someone@example.org", Body: "x"}, from, time.Now())
	head, _, _ := strings.Cut(string(data), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 998 {
			t.Errorf("a header line is %d characters long", len(line))
		}
		if strings.HasPrefix(line, "Bcc:") {
			t.Errorf("a line break in the subject made a header: %q", line)
		}
	}
	msg, err := (smtptest.Message{Data: data}).Parse()
	if err != nil {
		t.Fatal(err)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if want := strings.Join(strings.Fields(subject+" Bcc: someone@example.org"), " "); err != nil || got != want {
		t.Errorf("Subject: got %q (%v), want %q", got, err, want)
	}
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mailAddress(s string) (*netmail.Address, error) { return netmail.ParseAddress(s) }

// BenchmarkEmailSender measures one email through the outbox to a mail
// server on 127.0.0.1: claim, a new connection (STARTTLS and AUTH PLAIN
// with tls), the message, and the outbox updated.
func BenchmarkEmailSender(b *testing.B) {
	for _, tls := range []bool{false, true} {
		b.Run(fmt.Sprintf("tls=%v", tls), func(b *testing.B) {
			e := newEmailEnv(b)
			cfg := smtptest.Config{TLS: tls}
			if tls {
				cfg.User, cfg.Password = "voices", "secret"
			}
			mail := smtptest.NewServer(b, cfg)
			smtp := channels.SMTPConfig{Addr: mail.Addr, From: emailFrom}
			if tls {
				smtp.User, smtp.Password, smtp.TLS = "voices", "secret", mail.ClientTLS()
			}
			o := e.sender(smtp)
			msgs := make([]*surveys.EmailMessage, b.N)
			for i := range msgs {
				msgs[i] = &surveys.EmailMessage{Address: fmt.Sprintf("person%d@example.org", i), Subject: "کیا ہوا: پارک", Body: "Hello\n", Unsubscribe: emailUnsubscribe}
			}
			e.queue(msgs...)
			b.ResetTimer()
			for sent := 0; sent < b.N; {
				n, err := o.SendDue(e.ctx)
				if err != nil || n == 0 {
					b.Fatalf("SendDue: %d, %v", n, err)
				}
				sent += n
			}
		})
	}
}
