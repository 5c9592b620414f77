package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Retention deletes each kind of personal data when its days after the
// close have passed, and nothing before; an open survey keeps everything.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	svc := &surveys.Service{Store: db}
	def := strings.Replace(definition, "status: open\n", "status: open\nretention: {sms_days: 30, contacts_days: 60, equality_days: 90}\n", 1)
	s, err := svc.CreateSurvey(ctx, []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	if s.Retention == nil || s.Retention.SMSDays != 30 {
		t.Fatalf("retention read as %+v", s.Retention)
	}
	if _, err := svc.CreateSurvey(ctx, []byte(strings.Replace(def, "sms_days: 30", "sms_days: 0.5", 1))); surveys.ErrorCode(err) == "" {
		t.Errorf("a retention of half a day: got %v, want refused", err)
	}
	if _, err := svc.CreateSurvey(ctx, []byte(strings.Replace(strings.Replace(def, "slug: parks", "slug: parks-2", 1), "sms_days: 30", "sms_days: 9999", 1))); surveys.ErrorFields(err)["retention.sms_days"] == "" {
		t.Errorf("a retention of 9999 days: got %v %v, want retention.sms_days named", err, surveys.ErrorFields(err))
	}
	h := surveys.PhoneHasher{Key: []byte("k")}
	hash := h.Hash("+447700900123")
	now := time.Now()
	turn := &surveys.SMSTurn{MessageSID: "SM1", PhoneHash: hash, ReceivedAt: now, OfferUpdates: true,
		Conversation: &surveys.SMSConversation{SurveyID: s.ID, PhoneHash: hash, Status: surveys.SMSSubmitted, Turns: 1, StartedAt: now, UpdatedAt: now,
			ExpiresAt: now.Add(time.Hour), Draft: surveys.Draft{SurveyID: s.ID, Language: "en", Answers: map[string][]string{}, Equality: map[string]string{}}},
		Submission: &surveys.Submission{Channel: surveys.ChannelSMS, Language: "en", Answers: map[string][]string{"visit": {"yes"}},
			Equality: map[string]string{"age_band": "35_49"}}}
	if err := svc.SaveSMSTurn(ctx, db, s, turn); err != nil {
		t.Fatal(err)
	}
	ref := turn.Response().Reference
	if err := svc.SubscribeToUpdates(ctx, s, surveys.UpdateRequest{Reference: ref, Channel: surveys.UpdateByEmail, Address: "a@example.org"}, h); err != nil {
		t.Fatal(err)
	}
	count := func(query string) int {
		var n int
		if err := db.QueryRowForTest(ctx, query, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	left := func() [4]int {
		return [4]int{count(`SELECT COUNT(*) FROM sms_conversations`) + count(`SELECT COUNT(*) FROM sms_messages`),
			count(`SELECT COUNT(*) FROM update_subscriptions WHERE status = 'subscribed'`),
			count(`SELECT COUNT(*) FROM update_subscriptions WHERE status = 'offered'`),
			count(`SELECT COUNT(*) FROM equality_answers`)}
	}
	defaults := surveys.RetentionDefaults{SMSDays: surveys.DefaultSMSRetentionDays}
	apply := func(at time.Time) {
		t.Helper()
		svc.Now = func() time.Time { return at }
		if _, err := svc.ApplyRetention(ctx, defaults); err != nil {
			t.Fatal(err)
		}
	}
	apply(now.AddDate(1, 0, 0)) // open: nothing goes, however late
	if got, want := left(), [4]int{2, 1, 1, 1}; got != want {
		t.Fatalf("open survey a year on: got %v, want everything kept %v", got, want)
	}
	if err := svc.SetStatus(ctx, s.Slug, surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	closed, err := db.SurveyClosedAt(ctx, s.ID)
	if err != nil || closed.IsZero() {
		t.Fatalf("closed at: %v %v", closed, err)
	}
	tests := []struct {
		days int
		want [4]int // conversations and messages, subscriptions, offers, equality answers
	}{
		{29, [4]int{2, 1, 1, 1}},
		{30, [4]int{0, 1, 0, 1}},
		{60, [4]int{0, 0, 0, 1}},
		{90, [4]int{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		apply(closed.AddDate(0, 0, tt.days))
		if got := left(); got != tt.want {
			t.Errorf("%d days after closing: got %v, want %v", tt.days, got, tt.want)
		}
	}
	// The response itself is kept, without its equality answers.
	r, err := db.ResponseByReference(ctx, s.ID, ref, surveys.ResponseFilter{})
	if err != nil || len(r.Equality) != 0 {
		t.Errorf("the response after retention: got %+v, %v; want kept, with no equality answers", r, err)
	}
	events, err := db.AuditEvents(ctx, surveys.AuditQuery{Action: surveys.AuditRetention, Limit: 10})
	if err != nil || len(events) != 3 {
		t.Errorf("audit log: got %d retention events (%v), want 3", len(events), err)
	}
}
