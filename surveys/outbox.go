package surveys

import (
	"context"
	"time"
)

// The outbox holds the text messages Voices sends (invitations to answer a
// survey) until Twilio has accepted them. It lives in the database, so a
// restart loses none, and one sender works through it at a set rate.

// OutboxStatus is where an outgoing message stands. Statuses reported by
// Twilio only ever move forward (see OutboxStatusRank).
type OutboxStatus string

const (
	OutboxQueued      OutboxStatus = "queued"      // waiting to be sent (again)
	OutboxSending     OutboxStatus = "sending"     // handed to Twilio, no answer yet
	OutboxAccepted    OutboxStatus = "accepted"    // Twilio took it (has a MessageSid)
	OutboxSent        OutboxStatus = "sent"        // Twilio passed it to the carrier
	OutboxDelivered   OutboxStatus = "delivered"   // the carrier delivered it
	OutboxUndelivered OutboxStatus = "undelivered" // the carrier could not deliver it
	OutboxFailed      OutboxStatus = "failed"      // not sent: Twilio or Voices gave up
	OutboxRead        OutboxStatus = "read"        // read receipts, where a channel has them
	OutboxSuppressed  OutboxStatus = "suppressed"  // not sent: the number said STOP
	OutboxOptedOut    OutboxStatus = "opted_out"   // not sent: the carrier says the number opted out (21610)
	OutboxRejected    OutboxStatus = "rejected"    // not sent: Twilio refused it (e.g. not a mobile number)
)

// outboxRanks orders statuses: a status callback may arrive late or twice,
// and must never move a message back (delivered, then a late "sent").
var outboxRanks = map[OutboxStatus]int{
	OutboxQueued: 0, OutboxSending: 1, OutboxAccepted: 2, OutboxSent: 3,
	OutboxDelivered: 4, OutboxUndelivered: 4, OutboxFailed: 4, OutboxRead: 5,
	OutboxSuppressed: 4, OutboxOptedOut: 4, OutboxRejected: 4,
}

// OutboxStatusRank returns how far a status is along, and whether it is known.
func OutboxStatusRank(s OutboxStatus) (int, bool) {
	r, ok := outboxRanks[s]
	return r, ok
}

// KindInvitation is an invitation to answer a survey by text.
const KindInvitation = "invitation"

// OutboxMessage is one text message to send.
type OutboxMessage struct {
	ID            int64
	SurveyID      int64
	Kind          string
	Phone         string // E.164; blank once the message has left the outbox
	PhoneHash     string
	Language      string
	Body          string
	Status        OutboxStatus
	Attempts      int
	NextAttemptAt time.Time
	MessageSID    string
	ErrorCode     int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// QueueResult counts what queueing a list of messages did.
type QueueResult struct {
	Queued        int `json:"queued"`
	AlreadyQueued int `json:"already_invited"` // the same number was invited to this survey before
	Suppressed    int `json:"suppressed"`      // the number said STOP: not queued
}

// OutboxStore keeps the outbox.
type OutboxStore interface {
	// QueueSMS adds messages in one transaction, skipping numbers on the
	// suppression list and numbers already sent the same kind of message
	// for the same survey.
	QueueSMS(ctx context.Context, msgs []*OutboxMessage) (QueueResult, error)
	// ClaimDueSMS marks up to limit queued messages due at now as sending
	// and returns them, oldest first.
	ClaimDueSMS(ctx context.Context, now time.Time, limit int) ([]*OutboxMessage, error)
	// UpdateSMS stores a message's status, attempts, next attempt, sid,
	// error code and number after a try.
	UpdateSMS(ctx context.Context, m *OutboxMessage) error
	// RecordSMSStatus records a status Twilio reported for the message with
	// sid, if it moves the message forward, and returns the message (nil if
	// no message has this sid) and whether it changed.
	RecordSMSStatus(ctx context.Context, sid string, status OutboxStatus, errorCode int, now time.Time) (*OutboxMessage, bool, error)
	// FailStuckSMS marks messages left "sending" since before (by a crash)
	// as failed: Voices sends at most once, rather than risk texting a
	// resident twice.
	FailStuckSMS(ctx context.Context, before, now time.Time) (int64, error)
	// OutboxCounts counts outbox messages by status.
	OutboxCounts(ctx context.Context) (map[OutboxStatus]int, error)
}
