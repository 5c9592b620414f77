package channels_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// scriptedSender answers each Send with the next result, and counts calls.
type scriptedSender struct {
	results []channels.SendResult
	calls   int
}

func (s *scriptedSender) Send(to, body string) channels.SendResult {
	r := s.results[min(s.calls, len(s.results)-1)]
	s.calls++
	if r.SID != "" {
		r.SID = fmt.Sprintf("%s%d", r.SID, s.calls) // Twilio's sids are unique
	}
	return r
}

// Wrong Twilio credentials must not use up the queue: the pass stops, the
// messages stay queued with their numbers, and the try does not count.
func TestOutboxWrongCredentials(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	svc := &surveys.Service{Store: db, Now: func() time.Time { return now }}
	s, err := svc.CreateSurvey(ctx, []byte("slug: bins\ntitle: {en: Bins}\nlanguages: [en]\nstatus: open\nsms: {keyword: BINS}\n"+
		"questions:\n  - {key: weekly, type: yes_no, prompt: {en: \"Weekly?\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := channels.NewTranslator()
	engine := &channels.SMSEngine{Tr: tr}
	list, err := channels.ParseInvitations(strings.NewReader("phone\n07700 900001\n07700 900002\n07700 900003\n"), s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := channels.QueueInvitations(ctx, svc, engine, surveys.PhoneHasher{Key: []byte("k")}, s, list); err != nil {
		t.Fatal(err)
	}
	sender := &scriptedSender{results: []channels.SendResult{{Code: 20003, Status: http.StatusUnauthorized}}}
	o := &channels.OutboxSender{Service: svc, Sender: sender, PerSecond: 1000}
	if _, err := o.SendDue(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("SendDue with wrong credentials: got %v, want an error about the credentials", err)
	}
	if sender.calls != 1 {
		t.Errorf("calls to Twilio: got %d, want 1 (the pass stops)", sender.calls)
	}
	counts, _ := db.OutboxCounts(ctx)
	if counts[surveys.OutboxQueued] != 3 || len(counts) != 1 {
		t.Errorf("outbox: got %v, want all 3 still queued", counts)
	}

	// Once the credentials are right, all three go.
	now = now.Add(time.Hour)
	sender.results = []channels.SendResult{{SID: "SM1"}}
	if n, err := o.SendDue(ctx); err != nil || n != 3 {
		t.Errorf("SendDue after fixing: got %d, %v; want 3", n, err)
	}
	counts, _ = db.OutboxCounts(ctx)
	if counts[surveys.OutboxAccepted] != 3 {
		t.Errorf("outbox: got %v, want 3 accepted", counts)
	}
}
