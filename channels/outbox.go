package channels

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Invitations: an officer uploads numbers of people who agreed to be
// contacted; each gets one text inviting them to reply with the survey's
// keyword. Texts wait in the outbox (in the database) and OutboxSender
// sends them at a steady rate, retrying when Twilio is busy or down.

// Invitee is one row of an invitation list.
type Invitee struct {
	Phone    string // E.164
	Language string
}

// MaxInvitees bounds one upload.
const MaxInvitees = 50000

// ParseInvitations reads a CSV with a header row: a "phone" column
// (required) and a "language" column (optional; one of the survey's
// languages, its default when empty). A file with any bad row is refused
// whole, each bad row named by its line, so nothing is half-queued.
func ParseInvitations(r io.Reader, s *surveys.Survey) ([]Invitee, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, surveys.Errorf(surveys.EINVALID, "The file is empty. Send a CSV whose first row names its columns: phone, and optionally language.")
	}
	if err != nil {
		return nil, surveys.Errorf(surveys.EMALFORMED, "The file could not be read as CSV: %v.", err)
	}
	phoneCol, langCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "phone", "phone_number", "mobile", "number":
			phoneCol = i
		case "language", "lang":
			langCol = i
		}
	}
	if phoneCol < 0 {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: "The file needs a column named phone.",
			Fields: map[string]string{"line 1": "name one column phone (and optionally one language)"}}
	}
	languages := map[string]bool{}
	for _, l := range s.Languages {
		languages[l] = true
	}
	var (
		list   []Invitee
		fields = map[string]string{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, surveys.Errorf(surveys.EMALFORMED, "The file could not be read as CSV: %v.", err)
		}
		line, _ := cr.FieldPos(0)
		if len(list) == MaxInvitees {
			return nil, surveys.Errorf(surveys.ETOOLARGE, "The file has more than %d numbers; split it into smaller files.", MaxInvitees)
		}
		at := fmt.Sprintf("line %d", line)
		cell := func(i int) string {
			if i >= 0 && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		raw, lang := cell(phoneCol), cell(langCol)
		if raw == "" && lang == "" {
			continue // blank rows are common at the end of spreadsheets
		}
		phone := surveys.NormalisePhone(raw)
		switch {
		case phone == "":
			fields[at] = fmt.Sprintf("phone %q is not a phone number; write it like 07700 900123 or +447700900123", raw)
			continue
		case lang == "":
			lang = s.DefaultLanguage()
		case !languages[lang]:
			fields[at] = fmt.Sprintf("language %q is not one of the survey's languages %v", lang, s.Languages)
			continue
		}
		list = append(list, Invitee{Phone: phone, Language: lang})
	}
	if len(fields) > 0 {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: fmt.Sprintf("%d rows need to be corrected; nothing was queued.", len(fields)), Fields: fields}
	}
	if len(list) == 0 {
		return nil, surveys.Errorf(surveys.EINVALID, "The file has no phone numbers.")
	}
	return list, nil
}

// Invitation is the text inviting someone to answer s in lang.
func (e *SMSEngine) Invitation(s *surveys.Survey, lang string) string {
	return e.Tr.T(lang, "sms.invitation", e.council(), s.Title.In(lang, s.DefaultLanguage()), s.SMS.Keyword)
}

// QueueInvitations puts an invitation to s for each invitee in the outbox.
// The survey must be open and have an SMS keyword. Numbers already invited
// to s, and numbers that said STOP, are skipped.
func QueueInvitations(ctx context.Context, svc *surveys.Service, e *SMSEngine, phones surveys.PhoneHasher, s *surveys.Survey, invitees []Invitee) (surveys.QueueResult, error) {
	if s.SMS == nil {
		return surveys.QueueResult{}, &surveys.Error{Code: surveys.EINVALID, Message: "This survey cannot be answered by text: it has no SMS keyword.",
			Fields: map[string]string{"sms.keyword": "add sms: {keyword: WORD} to the survey's definition"}}
	}
	now := svc.Clock()
	if err := s.CheckOpen(now); err != nil {
		return surveys.QueueResult{}, err
	}
	msgs := make([]*surveys.OutboxMessage, 0, len(invitees))
	for _, in := range invitees {
		msgs = append(msgs, &surveys.OutboxMessage{SurveyID: s.ID, Kind: surveys.KindInvitation, Phone: in.Phone,
			PhoneHash: phones.Hash(in.Phone), Language: in.Language, Body: e.Invitation(s, in.Language),
			NextAttemptAt: now, CreatedAt: now})
	}
	return svc.Store.QueueSMS(ctx, msgs)
}

// Sender sends one text; TwilioSender is the real one.
type Sender interface {
	Send(to, body string) SendResult
}

// OptOutCode is Twilio's error for a number that replied STOP to the
// sending number: Voices treats it as a STOP of its own.
const OptOutCode = 21610

// OutboxSender works through the outbox.
type OutboxSender struct {
	Service *surveys.Service
	Sender  Sender
	Log     *slog.Logger
	// PerSecond is the most messages sent per second (default 1, a UK long
	// code's usual limit).
	PerSecond float64
	// MaxAttempts is how many tries a message gets (default 8).
	MaxAttempts int
	// RetryAfter is the first wait before retrying; it doubles each time,
	// up to an hour (default 30 seconds).
	RetryAfter time.Duration
}

func (o *OutboxSender) defaults() {
	if o.PerSecond <= 0 {
		o.PerSecond = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
}

// Run sends due messages until ctx ends, looking for new ones every poll.
func (o *OutboxSender) Run(ctx context.Context, poll time.Duration) {
	o.defaults()
	now := o.Service.Clock()
	if n, err := o.Service.Store.FailStuckSMS(ctx, now, now); err != nil {
		o.Log.Error("outbox: checking messages left sending", "error", err)
	} else if n > 0 {
		o.Log.Warn("outbox: messages were being sent when Voices stopped; marked failed rather than risk sending twice", "count", n)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := o.SendDue(ctx); err != nil && ctx.Err() == nil {
			o.Log.Error("outbox: sending", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue sends the messages due now, at most PerSecond a second, and
// returns how many it tried.
func (o *OutboxSender) SendDue(ctx context.Context) (int, error) {
	o.defaults()
	store := o.Service.Store
	batch := max(1, int(o.PerSecond*10))
	msgs, err := store.ClaimDueSMS(ctx, o.Service.Clock(), batch)
	if err != nil {
		return 0, err
	}
	gap := time.Duration(float64(time.Second) / o.PerSecond)
	// giveBack returns what was claimed but not tried to the queue.
	giveBack := func(rest []*surveys.OutboxMessage, err error) error {
		for _, m := range rest {
			m.Status = surveys.OutboxQueued
			err = errors.Join(err, store.UpdateSMS(context.WithoutCancel(ctx), m))
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
		if err := o.send(ctx, m); err != nil {
			return i + 1, giveBack(msgs[i+1:], err)
		}
	}
	return len(msgs), nil
}

// errTwilioCredentials stops a pass: every message would fail alike.
var errTwilioCredentials = errors.New("outbox: Twilio refused the account SID and auth token (HTTP 401); texts stay queued until they are corrected")

func (o *OutboxSender) send(ctx context.Context, m *surveys.OutboxMessage) error {
	store := o.Service.Store
	now := o.Service.Clock()
	m.UpdatedAt = now
	suppressed, err := store.SMSSuppressed(ctx, m.PhoneHash)
	if err != nil {
		return err
	}
	if suppressed {
		m.Status, m.Phone = surveys.OutboxSuppressed, ""
		return store.UpdateSMS(ctx, m)
	}
	m.Attempts++
	r := o.Sender.Send(m.Phone, m.Body)
	switch {
	case r.Status == http.StatusUnauthorized:
		// Wrong credentials are the council's to fix, not the message's
		// fault: it waits, untouched, and this try does not count.
		m.Status, m.Attempts = surveys.OutboxQueued, m.Attempts-1
		m.NextAttemptAt = now.Add(o.RetryAfter)
		if err := store.UpdateSMS(ctx, m); err != nil {
			return err
		}
		return errTwilioCredentials
	case r.SID != "":
		m.Status, m.MessageSID, m.ErrorCode, m.Phone = surveys.OutboxAccepted, r.SID, 0, ""
	case r.Code == OptOutCode:
		m.Status, m.ErrorCode, m.Phone = surveys.OutboxOptedOut, r.Code, ""
		if err := store.SuppressSMS(ctx, m.PhoneHash, true, "carrier_opt_out", now); err != nil {
			return err
		}
	case r.Retry() && m.Attempts < o.MaxAttempts:
		m.Status, m.ErrorCode = surveys.OutboxQueued, r.Code
		m.NextAttemptAt = now.Add(o.backoff(m.Attempts))
		o.Log.Warn("outbox: will retry", "message", m.ID, "attempt", m.Attempts, "http_status", r.Status, "twilio_code", r.Code)
	case r.Retry():
		m.Status, m.ErrorCode, m.Phone = surveys.OutboxFailed, r.Code, ""
		o.Log.Error("outbox: giving up", "message", m.ID, "attempts", m.Attempts, "http_status", r.Status, "twilio_code", r.Code)
	default:
		m.Status, m.ErrorCode, m.Phone = surveys.OutboxRejected, r.Code, ""
		o.Log.Warn("outbox: refused by Twilio", "message", m.ID, "http_status", r.Status, "twilio_code", r.Code)
	}
	return store.UpdateSMS(ctx, m)
}

// backoff is the wait before try number attempts+1: RetryAfter doubled
// for each failed try, at most an hour.
func (o *OutboxSender) backoff(attempts int) time.Duration {
	d := o.RetryAfter
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// RecordDeliveryStatus records a status callback. Error 21610 on a
// delivery also puts the number on the suppression list.
func RecordDeliveryStatus(ctx context.Context, svc *surveys.Service, form map[string]string) error {
	sid, status := form["MessageSid"], surveys.OutboxStatus(form["MessageStatus"])
	if sid == "" || status == "" {
		return &surveys.Error{Code: surveys.EMALFORMED, Message: "A status callback needs MessageSid and MessageStatus.",
			Fields: map[string]string{"MessageSid": "required", "MessageStatus": "required"}}
	}
	if status == "queued" || status == "scheduled" {
		status = surveys.OutboxAccepted // Twilio's queue, not ours
	}
	if _, ok := surveys.OutboxStatusRank(status); !ok {
		return nil // statuses Voices does not track (e.g. "canceled") change nothing
	}
	code := 0
	fmt.Sscan(form["ErrorCode"], &code)
	now := svc.Clock()
	m, _, err := svc.Store.RecordSMSStatus(ctx, sid, status, code, now)
	if err != nil || m == nil {
		return err
	}
	if code == OptOutCode {
		return svc.Store.SuppressSMS(ctx, m.PhoneHash, true, "carrier_opt_out", now)
	}
	return nil
}
