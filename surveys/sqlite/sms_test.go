package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

var smsNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func newConversation(s *surveys.Survey, hash string) *surveys.SMSConversation {
	return &surveys.SMSConversation{SurveyID: s.ID, PhoneHash: hash, Status: surveys.SMSActive, Turns: 1,
		Draft:     surveys.Draft{Language: "en", Answers: map[string][]string{"visit": {"yes"}}, Equality: map[string]string{}, Step: "question:likes"},
		StartedAt: smsNow, UpdatedAt: smsNow, ExpiresAt: smsNow.Add(time.Hour)}
}

// A turn stores the message, the conversation and the suppression in one
// transaction, and a message ID can only be handled once.
func TestSMSTurns(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	_, s := newSurvey(t, db)
	c := newConversation(s, "hash-1")
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM1", PhoneHash: "hash-1", Reply: "first", ReceivedAt: smsNow, Conversation: c}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ActiveSMSConversation(ctx, "hash-1", smsNow)
	if err != nil || got == nil {
		t.Fatalf("ActiveSMSConversation: got %v, %v; want the conversation", got, err)
	}
	if got.SurveySlug != "parks" || got.Draft.Step != "question:likes" || got.Draft.Answers["visit"][0] != "yes" || got.Turns != 1 {
		t.Errorf("conversation: got %+v", got)
	}

	// The same message again changes nothing.
	again := *got
	again.Turns++
	again.Draft.Step = "question:comment"
	err = db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM1", PhoneHash: "hash-1", Reply: "other", ReceivedAt: smsNow, Conversation: &again})
	if !errors.Is(err, surveys.ErrSMSDuplicate) {
		t.Fatalf("repeated sid: got %v, want ErrSMSDuplicate", err)
	}
	if reply, found, _ := db.SMSReply(ctx, "SM1"); !found || reply != "first" {
		t.Errorf("SMSReply: got %q, %v; want the first reply", reply, found)
	}

	// Two messages that read the same turn: the second loses.
	next := *got
	next.Turns++
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM2", PhoneHash: "hash-1", ReceivedAt: smsNow, Conversation: &next}); err != nil {
		t.Fatal(err)
	}
	stale := *got
	stale.Turns++
	err = db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM3", PhoneHash: "hash-1", ReceivedAt: smsNow, Conversation: &stale})
	if !errors.Is(err, surveys.ErrSMSConversationChanged) {
		t.Fatalf("stale turn: got %v, want ErrSMSConversationChanged", err)
	}
	if _, found, _ := db.SMSReply(ctx, "SM3"); found {
		t.Errorf("a turn that failed left its message stored")
	}

	// STOP suppresses; START lifts it.
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM4", PhoneHash: "hash-1", ReceivedAt: smsNow, Subscribe: surveys.SubscriptionStop}); err != nil {
		t.Fatal(err)
	}
	if on, _ := db.SMSSuppressed(ctx, "hash-1"); !on {
		t.Errorf("after STOP: not suppressed")
	}
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM5", PhoneHash: "hash-1", ReceivedAt: smsNow, Subscribe: surveys.SubscriptionStart}); err != nil {
		t.Fatal(err)
	}
	if on, _ := db.SMSSuppressed(ctx, "hash-1"); on {
		t.Errorf("after START: still suppressed")
	}
}

// A new conversation ends the number's other active one, and expiry
// empties what an unfinished conversation held.
func TestSMSConversationLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	_, s := newSurvey(t, db)
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM1", PhoneHash: "h", ReceivedAt: smsNow, Conversation: newConversation(s, "h")}); err != nil {
		t.Fatal(err)
	}
	second := newConversation(s, "h")
	second.Draft.Step = "question:visit"
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM2", PhoneHash: "h", ReceivedAt: smsNow, Conversation: second}); err != nil {
		t.Fatalf("starting again: %v", err)
	}
	got, _ := db.ActiveSMSConversation(ctx, "h", smsNow)
	if got == nil || got.ID != second.ID {
		t.Fatalf("active conversation: got %+v, want the new one (%d)", got, second.ID)
	}
	if got, _ := db.ActiveSMSConversation(ctx, "h", smsNow.Add(2*time.Hour)); got != nil {
		t.Errorf("after its expiry: got %+v, want none", got)
	}
	n, err := db.ExpireSMSConversations(ctx, smsNow.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Errorf("ExpireSMSConversations: got %d, %v; want 1", n, err)
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	_, s := newSurvey(t, db)
	msg := func(hash string) *surveys.OutboxMessage {
		return &surveys.OutboxMessage{SurveyID: s.ID, Kind: surveys.KindInvitation, Phone: "+447700900" + hash, PhoneHash: hash,
			Language: "en", Body: "Reply PARKS", NextAttemptAt: smsNow, CreatedAt: smsNow}
	}
	if err := db.SuppressSMS(ctx, "003", true, "stop", smsNow); err != nil {
		t.Fatal(err)
	}
	res, err := db.QueueSMS(ctx, []*surveys.OutboxMessage{msg("001"), msg("002"), msg("003")})
	if want := (surveys.QueueResult{Queued: 2, Suppressed: 1}); err != nil || res != want {
		t.Fatalf("QueueSMS: got %+v, %v; want %+v", res, err, want)
	}
	res, _ = db.QueueSMS(ctx, []*surveys.OutboxMessage{msg("001")})
	if want := (surveys.QueueResult{AlreadyQueued: 1}); res != want {
		t.Errorf("QueueSMS again: got %+v, want %+v", res, want)
	}
	if due, _ := db.ClaimDueSMS(ctx, smsNow.Add(-time.Second), 10); len(due) != 0 {
		t.Errorf("ClaimDueSMS before they are due: got %d", len(due))
	}
	due, err := db.ClaimDueSMS(ctx, smsNow, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("ClaimDueSMS: got %d, %v; want 2", len(due), err)
	}
	if again, _ := db.ClaimDueSMS(ctx, smsNow, 10); len(again) != 0 {
		t.Errorf("claimed twice: %d", len(again))
	}
	m := due[0]
	m.Status, m.MessageSID, m.Phone, m.Attempts, m.UpdatedAt = surveys.OutboxAccepted, "SMx", "", 1, smsNow
	if err := db.UpdateSMS(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		status      surveys.OutboxStatus
		wantChanged bool
	}{
		{surveys.OutboxSent, true},
		{surveys.OutboxDelivered, true},
		{surveys.OutboxSent, false}, // late: never moves back
		{surveys.OutboxDelivered, false},
		{surveys.OutboxRead, true},
	} {
		_, changed, err := db.RecordSMSStatus(ctx, "SMx", tt.status, 0, smsNow)
		if err != nil || changed != tt.wantChanged {
			t.Errorf("RecordSMSStatus(%s): got changed %v, %v; want %v", tt.status, changed, err, tt.wantChanged)
		}
	}
	if m, _, _ := db.RecordSMSStatus(ctx, "SMunknown", surveys.OutboxSent, 0, smsNow); m != nil {
		t.Errorf("unknown sid: got %+v", m)
	}
	// The other claimed message was never finished: a crash. It is failed,
	// not sent again.
	if n, err := db.FailStuckSMS(ctx, smsNow.Add(time.Minute), smsNow.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("FailStuckSMS: got %d, %v; want 1", n, err)
	}
	counts, _ := db.OutboxCounts(ctx)
	if counts[surveys.OutboxRead] != 1 || counts[surveys.OutboxFailed] != 1 {
		t.Errorf("OutboxCounts: got %v", counts)
	}
}

// Keywords are looked up through their own column, open surveys first.
func TestSurveysByKeyword(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	svc := &surveys.Service{Store: db}
	def := replace(definition, "status: open\n", "status: open\nsms: {keyword: Parks}\n")
	if _, err := svc.CreateSurvey(ctx, []byte(def)); err != nil {
		t.Fatal(err)
	}
	list, err := db.SurveysByKeyword(ctx, "PARKS")
	if err != nil || len(list) != 1 || list[0].Slug != "parks" {
		t.Fatalf("SurveysByKeyword: got %v, %v", list, err)
	}
	open, _ := db.SMSSurveys(ctx)
	if len(open) != 1 {
		t.Errorf("SMSSurveys: got %d, want 1", len(open))
	}
	// Another open survey may not take the same keyword.
	other := replace(def, "slug: parks", "slug: parks-two")
	_, err = svc.CreateSurvey(ctx, []byte(other))
	if surveys.ErrorCode(err) != surveys.ECONFLICT || surveys.ErrorFields(err)["sms.keyword"] == "" {
		t.Errorf("duplicate keyword: got %v, want a conflict naming sms.keyword", err)
	}
	// Once the first is closed, it may.
	if err := svc.SetStatus(ctx, "parks", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateSurvey(ctx, []byte(other)); err != nil {
		t.Fatalf("keyword of a closed survey: %v", err)
	}
	list, _ = db.SurveysByKeyword(ctx, "PARKS")
	if len(list) != 2 || list[0].Slug != "parks-two" {
		t.Errorf("open survey first: got %v", slugs(list))
	}
}

func slugs(list []*surveys.Survey) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Slug)
	}
	return out
}
