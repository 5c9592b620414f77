package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode"
)

// A resident can answer a survey by text message: a conversation holds
// their answers so far, like a web draft, until the last question. Phone
// numbers are never stored as they are: conversations, responses and the
// suppression list keep a keyed hash (PhoneHash), so a leaked database does
// not list who took part. Only the outbox holds a number, until it is sent.

// SMSStatus is where a conversation stands.
type SMSStatus string

const (
	SMSActive    SMSStatus = "active"    // waiting for the resident's next reply
	SMSSubmitted SMSStatus = "submitted" // finished: its answers are a response
	SMSExpired   SMSStatus = "expired"   // left unfinished, or replaced by a new start; never counted
	SMSStopped   SMSStatus = "stopped"   // ended by STOP; never counted
)

// DefaultSMSConversationTTL is how long an unfinished conversation waits
// for a reply before it expires.
const DefaultSMSConversationTTL = 7 * 24 * time.Hour

// SMSConversation is one resident's text conversation about one survey.
type SMSConversation struct {
	ID         int64
	SurveyID   int64
	SurveySlug string
	PhoneHash  string
	Status     SMSStatus
	// Draft holds the language, answers so far and the step being asked,
	// as the web form's drafts do.
	Draft Draft
	// Tries counts replies to the current step that could not be understood.
	Tries int
	// Turns counts the messages handled, so two messages handled at once
	// cannot both change the same conversation (see ErrSMSConversationChanged).
	Turns     int
	Reference string // set when submitted
	StartedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// SMSTurn is everything one incoming text message changes, stored in one
// transaction: the message's ID and the reply (so a repeat gets the same
// reply and changes nothing), the conversation, the response when the last
// answer arrived, and the suppression list.
type SMSTurn struct {
	MessageSID string
	PhoneHash  string
	Reply      string
	ReceivedAt time.Time
	// Conversation is created (ID 0) or updated (ID set, expecting Turns-1
	// stored turns); nil when the message changed none. Creating one ends
	// any other active conversation of the same number.
	Conversation *SMSConversation
	// Submission, when set, is stored as a response in the same transaction
	// and the conversation marked submitted with its reference.
	Submission *Submission
	// Thanks makes the reply once the response has its reference.
	Thanks func(reference string) string
	// Subscribe: SubscriptionStop puts the number on the suppression list,
	// SubscriptionStart takes it off.
	Subscribe Subscription
	// OfferUpdates, with a Submission: the thanks offers to text the
	// resident what happened; the offer is stored (without the number) in
	// the same transaction, for a YES to find.
	OfferUpdates bool
	// Updates is the resident's answer to that offer.
	Updates *UpdateOfferReply

	response *Response // set by the Service from Submission
}

// Response is the response this turn stores, if any (for the Store).
func (t *SMSTurn) Response() *Response { return t.response }

// UpdateOfferReply is a YES (Accept, keeping Phone) or NO to the offer
// with ID.
type UpdateOfferReply struct {
	ID     int64
	Accept bool
	Phone  string // E.164
}

// Subscription is a change to whether Voices may text a number.
type Subscription string

const (
	SubscriptionStop  Subscription = "stop"
	SubscriptionStart Subscription = "start"
)

// SMSStore keeps text conversations, the suppression list and the outbox.
type SMSStore interface {
	// SMSReply returns the reply already given to the message with sid.
	SMSReply(ctx context.Context, sid string) (reply string, found bool, err error)
	// ActiveSMSConversation returns the number's active, unexpired
	// conversation, or nil.
	ActiveSMSConversation(ctx context.Context, phoneHash string, now time.Time) (*SMSConversation, error)
	// SaveSMSTurn stores a turn in one transaction. It returns
	// ErrSMSDuplicate if the message was handled already, and
	// ErrSMSConversationChanged if another message changed the conversation
	// first; then nothing is stored.
	SaveSMSTurn(ctx context.Context, t *SMSTurn) error
	// SMSSuppressed reports whether the number is on the suppression list.
	SMSSuppressed(ctx context.Context, phoneHash string) (bool, error)
	// SuppressSMS puts a number on the suppression list (reason: "stop",
	// "carrier_opt_out") or, with suppress false, takes it off.
	SuppressSMS(ctx context.Context, phoneHash string, suppress bool, reason string, now time.Time) error
	// ExpireSMSConversations marks active conversations whose time ran out
	// as expired, and returns how many.
	ExpireSMSConversations(ctx context.Context, now time.Time) (int64, error)

	OutboxStore
}

var (
	// ErrSMSDuplicate: this message ID was handled before.
	ErrSMSDuplicate = &Error{Code: ECONFLICT, Message: "This text message was handled already."}
	// ErrSMSConversationChanged: another message changed the conversation first.
	ErrSMSConversationChanged = &Error{Code: ECONFLICT, Message: "The conversation changed while this message was handled."}
)

// SaveSMSTurn stores a turn; if it carries a submission, that is checked
// like every channel's and stored as a response in the same transaction.
func (svc *Service) SaveSMSTurn(ctx context.Context, store SMSStore, s *Survey, t *SMSTurn) error {
	if t.Submission == nil {
		return store.SaveSMSTurn(ctx, t)
	}
	now := svc.Clock()
	if err := s.CheckOpen(now); err != nil {
		return err
	}
	r, err := s.CheckSubmission(t.Submission)
	if err != nil {
		return err
	}
	r.SubmittedAt = now
	t.response = r
	err = svc.withReference(r, func() error {
		if t.Conversation != nil {
			t.Conversation.Reference = r.Reference
		}
		if t.Thanks != nil {
			t.Reply = t.Thanks(r.Reference)
		}
		return store.SaveSMSTurn(ctx, t)
	})
	if err == nil {
		svc.stored(ChannelSMS, 1)
	}
	return err
}

// withReference gives r a new reference and calls save, drawing another
// if the reference is taken.
func (svc *Service) withReference(r *Response, save func() error) error {
	for tries := 0; ; tries++ {
		r.Reference = NewReference()
		err := save()
		if !errors.Is(err, ErrReferenceTaken) || tries == 10 {
			return err
		}
	}
}

// Words a texter can always send, whatever they are being asked: Twilio and
// UK carriers treat the stop words as opting out, so Voices does too, and
// never takes them as answers or as a survey's keyword.
const (
	CommandStop  = "STOP"
	CommandStart = "START"
	CommandHelp  = "HELP"
)

var smsCommands = map[string]string{
	"STOP": CommandStop, "STOPALL": CommandStop, "UNSUBSCRIBE": CommandStop, "END": CommandStop,
	"QUIT": CommandStop, "CANCEL": CommandStop, "REVOKE": CommandStop, "OPTOUT": CommandStop,
	"START": CommandStart, "UNSTOP": CommandStart, "HELP": CommandHelp, "INFO": CommandHelp,
}

// SMSCommand returns CommandStop, CommandStart or CommandHelp if text is
// one of their words (in any case, with any spaces or punctuation around
// or inside it: "Stop.", "stop all"), or "".
func SMSCommand(text string) string {
	return smsCommands[SMSKeyword(text)]
}

// SMSKeyword is text as a keyword is compared: letters and digits only,
// upper case ("care " and "C.A.R.E" are CARE).
func SMSKeyword(text string) string {
	if len(text) > 64 {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, text)
}

// PhoneHasher turns phone numbers into keyed hashes (HMAC-SHA-256 with a
// key kept in the database's settings): the same number always gives the
// same hash, so a conversation and the suppression list can be found, but
// the number cannot be read back without the key.
type PhoneHasher struct{ Key []byte }

// Hash returns the hash of a phone number, normalised first.
func (h PhoneHasher) Hash(phone string) string {
	m := hmac.New(sha256.New, h.Key)
	m.Write([]byte(NormalisePhone(phone)))
	return hex.EncodeToString(m.Sum(nil))
}

// NormalisePhone turns a UK or international number into E.164
// ("+447700900123"): spaces, dashes and brackets go, a leading 00 or a UK
// 0 becomes + and +44. It returns "" for something that cannot be a number.
func NormalisePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9' || r == '+':
			return r
		case unicode.IsSpace(r) || r == '-' || r == '(' || r == ')' || r == '.':
			return -1
		}
		return 'x'
	}, strings.Replace(strings.TrimSpace(s), "(0)", "", 1)) // "+44 (0)7700 900123": the 0 is dialled only within the UK
	switch {
	case strings.ContainsRune(s, 'x') || strings.LastIndex(s, "+") > 0:
		return ""
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	case strings.HasPrefix(s, "0"):
		s = "+44" + s[1:]
	default:
		return ""
	}
	if n := len(s) - 1; n < 8 || n > 15 || s[1] == '0' {
		return ""
	}
	return s
}
