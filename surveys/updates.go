package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
)

// Updates to the people who took part: at the end of a survey (web or
// text) a resident may ask to hear what happened; their number or address
// is kept apart from their answers, only for this, until they unsubscribe,
// say STOP, or the survey is archived (see ArchiveSurvey).

// UpdateOfferTTL is how long a text-message offer waits for YES.
const UpdateOfferTTL = 7 * 24 * time.Hour

// MaxEmailLength bounds an email address (RFC 5321's limit on a path).
const MaxEmailLength = 254

// NewUpdateToken returns the random token of an unsubscribe link.
func NewUpdateToken() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// HashEmail returns the keyed hash of an email address, lower-cased.
func (h PhoneHasher) HashEmail(address string) string {
	m := hmac.New(sha256.New, h.Key)
	m.Write([]byte("email:" + strings.ToLower(strings.TrimSpace(address))))
	return hex.EncodeToString(m.Sum(nil))
}

// NormaliseEmail checks an email address and returns it trimmed, or "".
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmailLength || strings.ContainsAny(s, " \r\n<>\"") {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return ""
	}
	at := strings.LastIndex(s, "@")
	if at < 1 || !strings.Contains(s[at+1:], ".") {
		return ""
	}
	return s
}

// UpdateRequest is a resident asking to hear back about their response.
type UpdateRequest struct {
	Reference string
	Channel   string // UpdateBySMS or UpdateByEmail
	Address   string // a mobile number or an email address, as typed
	Language  string
}

// SubscribeToUpdates records that the person who gave the response with
// this reference wants to hear what happened. The field named in an error
// is "phone" or "email".
func (svc *Service) SubscribeToUpdates(ctx context.Context, s *Survey, req UpdateRequest, h PhoneHasher) error {
	if archived, err := svc.Store.SurveyArchived(ctx, s.ID); err != nil {
		return err
	} else if !archived.IsZero() {
		return Errorf(ECONFLICT, "This consultation is archived: there will be no more updates about it.")
	}
	sub := &UpdateSubscription{SurveyID: s.ID, Channel: req.Channel, Language: req.Language, Token: NewUpdateToken(), CreatedAt: svc.Clock()}
	switch req.Channel {
	case UpdateBySMS:
		sub.Address = NormalisePhone(req.Address)
		if sub.Address == "" {
			return &Error{Code: EINVALID, Message: "Check the mobile phone number.",
				Fields: map[string]string{"phone": "Enter a mobile phone number, like 07700 900 982 or +44 7700 900 982"}}
		}
		sub.AddressHash = h.Hash(sub.Address)
	case UpdateByEmail:
		sub.Address = NormaliseEmail(req.Address)
		if sub.Address == "" {
			return &Error{Code: EINVALID, Message: "Check the email address.",
				Fields: map[string]string{"email": "Enter an email address, like name@example.com"}}
		}
		sub.AddressHash = h.HashEmail(sub.Address)
	default:
		return &Error{Code: EINVALID, Message: "Choose how to hear back.", Fields: map[string]string{"channel": "must be sms or email"}}
	}
	if !s.HasLanguage(sub.Language) {
		sub.Language = s.DefaultLanguage()
	}
	list, err := svc.Store.Responses(ctx, s.ID, ResponseFilter{Reference: NormaliseReference(req.Reference), Limit: 1})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return Errorf(ENOTFOUND, "There is no response with this reference to this survey.")
	}
	sub.ResponseID = list[0].ID
	if err := svc.Store.SaveUpdateSubscription(ctx, sub); err != nil {
		return err
	}
	svc.audit(ctx, AuditUpdatesSubscribe, "survey:"+s.Slug, sub.Channel)
	return nil
}

// Unsubscribe deletes the subscription whose unsubscribe link has this
// token, with any message still waiting for it.
func (svc *Service) Unsubscribe(ctx context.Context, token string) error {
	token = strings.ToLower(strings.TrimSpace(token))
	if token == "" || len(token) > 64 {
		return Errorf(ENOTFOUND, "This link is not, or no longer, an unsubscribe link.")
	}
	if err := svc.Store.DeleteUpdateSubscription(ctx, token); err != nil {
		return err
	}
	svc.audit(ctx, AuditUpdatesUnsubscribe, "subscription", "")
	return nil
}

// ArchiveSurvey puts a closed survey away: it cannot be opened again, and
// the contact details kept to send updates about it are deleted (the
// results page stays up).
func (svc *Service) ArchiveSurvey(ctx context.Context, s *Survey) (ArchiveResult, error) {
	if s.Status != StatusClosed {
		return ArchiveResult{}, Errorf(ECONFLICT, "Close the survey before archiving it.")
	}
	res, err := svc.Store.ArchiveSurvey(ctx, s.ID, svc.Clock(), actorName(ctx))
	if err != nil {
		return res, err
	}
	svc.audit(ctx, AuditSurveyArchive, "survey:"+s.Slug, "")
	return res, nil
}

// PurgeUpdateOffers deletes text-message offers nobody answered; run it now
// and then.
func (svc *Service) PurgeUpdateOffers(ctx context.Context) (int64, error) {
	return svc.Store.PurgeUpdateOffers(ctx, svc.Clock())
}
