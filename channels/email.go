package channels

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Updates by email: Service.PublishResults queues emails in the email
// outbox (in the database); EmailSender sends them through the council's
// SMTP server at a steady rate, like OutboxSender sends texts: a message
// the server refuses for now (4xx, or the network) is tried again later,
// one it refuses for good (5xx) is given up, and either way the address is
// blanked once the message has left the outbox.

// SMTPConfig is how Voices reaches the council's mail server.
type SMTPConfig struct {
	// Addr is the server's host:port (usually port 587, submission).
	Addr string
	// From is who the emails are from: an address, or "Name <address>".
	From string
	// User and Password, when set, are sent with AUTH PLAIN, which
	// net/smtp allows only over TLS (STARTTLS) or to localhost.
	User, Password string
	// TLS is the configuration STARTTLS starts from (nil: the system's
	// certificate authorities, and the host of Addr as the server name).
	TLS *tls.Config
	// Timeout bounds the whole exchange for one message (default 1 minute).
	Timeout time.Duration
}

// Check reports what is wrong with the configuration, naming the flag.
func (c SMTPConfig) Check() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--smtp-addr %q must be host:port, e.g. smtp.example.gov.uk:587", c.Addr)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("--smtp-from %q must be an email address, or \"Name <address>\": %v", c.From, err)
	}
	if (c.User == "") != (c.Password == "") {
		return errors.New("--smtp-user and --smtp-password go together: give both, or neither")
	}
	return nil
}

// How a try to send ended, when it did not.
type mailFailure int

const (
	mailTemporary mailFailure = iota + 1 // 4xx, the network: try again later
	mailPermanent                        // 5xx about this message: give up
	mailSetup                            // STARTTLS, AUTH: the council's to fix; no message's fault
)

type mailError struct {
	kind mailFailure
	// stored is what the outbox keeps: the reply code, never the
	// server's words, which may repeat the address.
	stored string
	err    error
}

func (e *mailError) Error() string { return e.err.Error() }
func (e *mailError) Unwrap() error { return e.err }

// classify sorts an error from net/smtp: replies by their code, anything
// else (a dropped connection, a timeout) as temporary.
func classify(stage string, err error) *mailError {
	var te *textproto.Error
	if errors.As(err, &te) {
		e := &mailError{kind: mailPermanent, stored: fmt.Sprintf("SMTP %d at %s", te.Code, stage), err: fmt.Errorf("%s: %w", stage, err)}
		switch {
		case te.Code >= 400 && te.Code < 500:
			e.kind = mailTemporary
		case te.Code == 530 || stage == "AUTH" || stage == "MAIL" && strings.HasPrefix(te.Msg, "5.7."):
			// Authentication required or refused, or the sender not
			// allowed (a security or policy status, RFC 3463): the
			// settings are wrong, not the message.
			e.kind = mailSetup
		}
		return e
	}
	return &mailError{kind: mailTemporary, stored: "network error at " + stage, err: fmt.Errorf("%s: %w", stage, err)}
}

// send delivers one message to the server: STARTTLS when the server
// offers it, AUTH PLAIN when a user is set, then MAIL, RCPT and DATA.
func (c SMTPConfig) send(ctx context.Context, from, to string, msg []byte) *mailError {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return &mailError{kind: mailSetup, stored: "bad address", err: err}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return classify("connect", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	client, err := smtp.NewClient(conn, host)
	if err != nil {
		return classify("greeting", err)
	}
	defer client.Close()
	if domain := from[strings.LastIndex(from, "@")+1:]; domain != "" {
		if err := client.Hello(domain); err != nil {
			return classify("EHLO", err)
		}
	}
	if ok, _ := client.Extension("STARTTLS"); ok {
		cfg := &tls.Config{}
		if c.TLS != nil {
			cfg = c.TLS.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		if cfg.MinVersion == 0 {
			cfg.MinVersion = tls.VersionTLS12
		}
		if err := client.StartTLS(cfg); err != nil {
			var te *textproto.Error
			if errors.As(err, &te) && te.Code < 500 {
				return classify("STARTTLS", err) // "454 TLS not available now"
			}
			// A certificate that does not verify: the council's to fix.
			return &mailError{kind: mailSetup, stored: "STARTTLS failed", err: fmt.Errorf("STARTTLS: %w", err)}
		}
	}
	if c.User != "" {
		if ok, _ := client.Extension("AUTH"); !ok {
			return &mailError{kind: mailSetup, stored: "no AUTH", err: errors.New("the SMTP server does not offer AUTH (is STARTTLS offered?), but --smtp-user is set")}
		}
		if err := client.Auth(smtp.PlainAuth("", c.User, c.Password, host)); err != nil {
			if e := classify("AUTH", err); e.kind == mailTemporary {
				return e
			}
			return &mailError{kind: mailSetup, stored: "AUTH refused", err: fmt.Errorf("AUTH: %w", err)}
		}
	}
	if err := client.Mail(from); err != nil {
		return classify("MAIL", err)
	}
	if err := client.Rcpt(to); err != nil {
		return classify("RCPT", err)
	}
	w, err := client.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify("DATA", err)
	}
	if err := w.Close(); err != nil {
		return classify("DATA", err) // the server's answer to the message itself
	}
	client.Quit() // the message is the server's now, whatever QUIT says
	return nil
}

// ComposeEmail writes an update as an RFC 5322 message: plain text in
// UTF-8, quoted-printable (so it survives any relay), the subject encoded
// when it is not ASCII, and the List-Unsubscribe headers of RFC 2369 and
// RFC 8058 so mail clients offer one-click unsubscribing.
func ComposeEmail(m *surveys.EmailMessage, from *mail.Address, now time.Time) []byte {
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", from.String())
	header("To", (&mail.Address{Address: m.Address}).String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no out-of-office replies
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	qp.Write([]byte(body))
	qp.Close()
	return b.Bytes()
}

// encodeHeader makes s one header value: white space (line breaks too)
// folded to single spaces, then RFC 2047 Q-encoded when it is not plain
// ASCII, each encoded word on its own folded line so no line grows past
// the 998-character limit however long the title.
func encodeHeader(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(mime.QEncoding.Encode("UTF-8", s), "?= =?", "?=\r\n =?")
}

// messageID is a new Message-ID at the domain of the From address.
func messageID(from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := from[strings.LastIndex(from, "@")+1:]
	if domain == "" {
		domain = "voices.invalid"
	}
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

// EmailSender works through the email outbox.
type EmailSender struct {
	Service *surveys.Service
	SMTP    SMTPConfig
	Log     *slog.Logger
	// PerSecond is the most emails sent per second (default 1).
	PerSecond float64
	// MaxAttempts is how many tries an email gets (default 8).
	MaxAttempts int
	// RetryAfter is the first wait before trying again; it doubles each
	// time, up to an hour (default 1 minute).
	RetryAfter time.Duration
}

func (o *EmailSender) defaults() {
	if o.PerSecond <= 0 {
		o.PerSecond = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Minute
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
}

// Run sends due emails until ctx ends, looking for new ones every poll.
func (o *EmailSender) Run(ctx context.Context, poll time.Duration) {
	o.defaults()
	now := o.Service.Clock()
	if n, err := o.Service.Store.FailStuckEmail(ctx, now, now); err != nil {
		o.Log.Error("email: checking messages left sending", "error", err)
	} else if n > 0 {
		o.Log.Warn("email: messages were being sent when Voices stopped; marked failed rather than risk sending twice", "count", n)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := o.SendDue(ctx); err != nil && ctx.Err() == nil {
			o.Log.Error("email: sending", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue sends the emails due now, at most PerSecond a second, and
// returns how many it tried.
func (o *EmailSender) SendDue(ctx context.Context) (int, error) {
	o.defaults()
	from, err := mail.ParseAddress(o.SMTP.From)
	if err != nil {
		return 0, fmt.Errorf("email: the From address %q: %w", o.SMTP.From, err)
	}
	store := o.Service.Store
	msgs, err := store.ClaimDueEmail(ctx, o.Service.Clock(), max(1, int(o.PerSecond*10)))
	if err != nil {
		return 0, err
	}
	gap := time.Duration(float64(time.Second) / o.PerSecond)
	// giveBack returns what was claimed but not tried to the queue.
	giveBack := func(rest []*surveys.EmailMessage, err error) error {
		for _, m := range rest {
			m.Status = surveys.EmailQueued
			err = errors.Join(err, store.UpdateEmail(context.WithoutCancel(ctx), m))
		}
		return err
	}
	for i, m := range msgs {
		if i > 0 {
			select {
			case <-ctx.Done():
				return i, giveBack(msgs[i:], ctx.Err())
			case <-time.After(gap):
			}
		}
		if err := o.send(ctx, from, m); err != nil {
			return i + 1, giveBack(msgs[i+1:], err)
		}
	}
	return len(msgs), nil
}

func (o *EmailSender) send(ctx context.Context, from *mail.Address, m *surveys.EmailMessage) error {
	store := o.Service.Store
	now := o.Service.Clock()
	m.UpdatedAt = now
	if m.Address == "" {
		m.Status, m.Error = surveys.EmailFailed, "no address"
		return store.UpdateEmail(ctx, m)
	}
	m.Attempts++
	e := o.SMTP.send(ctx, from.Address, m.Address, ComposeEmail(m, from, now))
	switch {
	case e == nil:
		m.Status, m.Error, m.Address = surveys.EmailSent, "", ""
	case e.kind == mailSetup:
		// Wrong credentials or TLS are the council's to fix: the email
		// waits, with its address, and this try does not count.
		m.Status, m.Attempts, m.Error = surveys.EmailQueued, m.Attempts-1, e.stored
		m.NextAttemptAt = now.Add(o.RetryAfter)
		if err := store.UpdateEmail(ctx, m); err != nil {
			return err
		}
		return fmt.Errorf("email: the SMTP server %s refused Voices (%v); emails stay queued until --smtp-* settings are corrected", o.SMTP.Addr, e.err)
	case e.kind == mailTemporary && m.Attempts < o.MaxAttempts:
		m.Status, m.Error = surveys.EmailQueued, e.stored
		m.NextAttemptAt = now.Add(o.backoff(m.Attempts))
		o.Log.Warn("email: will retry", "message", m.ID, "attempt", m.Attempts, "error", e.stored)
	default:
		m.Status, m.Error, m.Address = surveys.EmailFailed, e.stored, ""
		o.Log.Warn("email: giving up", "message", m.ID, "attempts", m.Attempts, "error", e.stored)
	}
	return store.UpdateEmail(ctx, m)
}

// backoff is the wait before try number attempts+1: RetryAfter doubled
// for each failed try, at most an hour.
func (o *EmailSender) backoff(attempts int) time.Duration {
	d := o.RetryAfter
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}
