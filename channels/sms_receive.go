package channels

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/voices-uk/voices/surveys"
)

// SMSReceiver handles incoming text messages: it finds the number's
// conversation, lets the engine work out the reply, and stores the turn.
// It knows nothing of Twilio: the adapter hands it a message ID, a number
// and a text.
type SMSReceiver struct {
	Service *surveys.Service
	Engine  *SMSEngine
	Phones  surveys.PhoneHasher

	// numbers serialises the messages of one number within this process
	// (striped by hash), so a burst of texts is handled in turn rather than
	// racing; the conversation's turn counter still guards across processes.
	numbers [64]sync.Mutex
}

// IncomingSMS is one text message from a resident.
type IncomingSMS struct {
	SID  string // the provider's message ID (Twilio's MessageSid), unique per message
	From string // the sender's number, E.164
	Body string
}

// Receive handles a message and returns the reply to send ("" for none).
// A message handled before gets the same reply and changes nothing.
func (r *SMSReceiver) Receive(ctx context.Context, m IncomingSMS) (string, error) {
	if m.SID == "" || surveys.NormalisePhone(m.From) == "" {
		return "", &surveys.Error{Code: surveys.EMALFORMED, Message: "The message needs a MessageSid and a From number.",
			Fields: map[string]string{"MessageSid": "required", "From": "must be a phone number"}}
	}
	store := r.Service.Store
	if reply, found, err := store.SMSReply(ctx, m.SID); err != nil || found {
		return reply, err
	}
	hash := r.Phones.Hash(m.From)
	// The hash is hex: two of its digits pick one of the stripes, so all
	// 64 are used (one digit would give only 16).
	stripe, _ := strconv.ParseUint(hash[:2], 16, 8)
	lock := &r.numbers[int(stripe)%len(r.numbers)]
	lock.Lock()
	defer lock.Unlock()
	for tries := 0; ; tries++ {
		reply, err := r.receive(ctx, m, hash)
		switch {
		case errors.Is(err, surveys.ErrSMSDuplicate):
			// The same message, handled at the same moment by another request.
			reply, _, err = store.SMSReply(ctx, m.SID)
			return reply, err
		case errors.Is(err, surveys.ErrSMSConversationChanged) && tries < 5:
			continue // another message from the same number came first: read again
		}
		return reply, err
	}
}

func (r *SMSReceiver) receive(ctx context.Context, m IncomingSMS, hash string) (string, error) {
	store := r.Service.Store
	now := r.Service.Clock()
	input := SMSInput{Text: m.Body, Now: now}
	var err error
	if input.Conversation, err = store.ActiveSMSConversation(ctx, hash, now); err != nil {
		return "", err
	}
	if c := input.Conversation; c != nil {
		if input.Survey, err = store.Survey(ctx, c.SurveySlug); err != nil {
			return "", err
		}
	}
	if word := surveys.SMSKeyword(m.Body); word != "" && len(word) <= 20 {
		list, err := store.SurveysByKeyword(ctx, word)
		if err != nil {
			return "", err
		}
		if len(list) > 0 {
			input.Keyword = list[0]
		}
	}
	if input.Suppressed, err = store.SMSSuppressed(ctx, hash); err != nil {
		return "", err
	}
	if input.Conversation == nil && input.Keyword == nil && !r.Engine.QuietUnknown {
		if input.Open, err = store.SMSSurveys(ctx); err != nil {
			return "", err
		}
	}
	if input.Conversation == nil && input.Keyword == nil && !input.Suppressed {
		// A YES or NO may answer the offer of updates made with a thanks.
		if input.UpdateOffer, err = store.UpdateOffer(ctx, hash, now); err != nil {
			return "", err
		}
	}
	out := r.Engine.Handle(input)
	turn := &surveys.SMSTurn{MessageSID: m.SID, PhoneHash: hash, Reply: out.Reply, ReceivedAt: now,
		Conversation: out.Conversation, Submission: out.Submission, Subscribe: out.Subscribe, Updates: out.Updates}
	if u := turn.Updates; u != nil && u.Accept {
		u.Phone = surveys.NormalisePhone(m.From)
	}
	if c := turn.Conversation; c != nil {
		c.PhoneHash = hash
		if out.Submission != nil {
			turn.OfferUpdates = out.OfferUpdates
			turn.Thanks = func(reference string) string {
				if out.OfferUpdates {
					return r.Engine.ThanksOffer(c.Draft.Language, reference)
				}
				return r.Engine.Thanks(c.Draft.Language, reference)
			}
		}
	}
	err = r.Service.SaveSMSTurn(ctx, store, out.Survey, turn)
	var e *surveys.Error
	if out.Submission != nil && errors.As(err, &e) && e.Code != surveys.EINTERNAL && !errors.Is(err, surveys.ErrSMSDuplicate) && !errors.Is(err, surveys.ErrSMSConversationChanged) {
		// The survey closed during the last answer, or the answers no
		// longer fit a changed survey: say so, and end the conversation.
		c := turn.Conversation
		c.Status = surveys.SMSExpired
		turn.Submission, turn.Thanks, turn.OfferUpdates = nil, nil, false
		turn.Reply = r.Engine.notOpen(out.Survey, c.Draft.Language, now)
		if e.Code == surveys.EINVALID {
			turn.Reply = r.Engine.Tr.T(c.Draft.Language, "sms.not_accepted")
		}
		err = r.Service.SaveSMSTurn(ctx, store, out.Survey, turn)
	}
	if err != nil {
		return "", err
	}
	return turn.Reply, nil
}
