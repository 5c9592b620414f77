package server

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// SMSConfig sets up the SMS channel.
type SMSConfig struct {
	// Receiver handles incoming texts; its Engine also words invitations
	// and measures messages.
	Receiver *channels.SMSReceiver
	// AuthToken checks Twilio's webhook signatures. Without it the
	// webhooks and invitations answer 503, and everything else works.
	AuthToken string
}

func (s *Server) smsReady() error {
	if s.sms.Receiver == nil || s.sms.AuthToken == "" {
		return surveys.Errorf(surveys.EUNAVAILABLE, "Text messages are not set up on this server: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and VOICES_SMS_FROM.")
	}
	return nil
}

// twilioForm reads a Twilio webhook and checks its signature against the
// public URL Twilio was given (never the Host or X-Forwarded-* headers,
// which a caller controls). A request that fails changes nothing.
func (s *Server) twilioForm(c *fiber.Ctx) (map[string]string, error) {
	if err := s.smsReady(); err != nil {
		return nil, err
	}
	form, err := channels.DecodeTwilioForm(c.Get(fiber.HeaderContentType), c.Body())
	if err != nil {
		return nil, err
	}
	base := s.public
	if base == "" {
		base = c.BaseURL()
	}
	if !channels.TwilioSignatureValid(s.sms.AuthToken, base+c.OriginalURL(), form, c.Get("X-Twilio-Signature")) {
		return nil, surveys.Errorf(surveys.EFORBIDDEN, "The X-Twilio-Signature header is missing or does not match this request.")
	}
	return form, nil
}

// smsInbound is Twilio's webhook for an incoming text: it answers with
// TwiML holding the reply.
func (s *Server) smsInbound(c *fiber.Ctx) error {
	form, err := s.twilioForm(c)
	if err != nil {
		return err
	}
	reply, err := s.sms.Receiver.Receive(c.UserContext(), channels.IncomingFromForm(form))
	if err != nil {
		return err
	}
	xml, err := channels.TwiML(reply)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.SendString(xml)
}

// smsStatus is Twilio's status callback for texts Voices sent.
func (s *Server) smsStatus(c *fiber.Ctx) error {
	form, err := s.twilioForm(c)
	if err != nil {
		return err
	}
	if err := channels.RecordDeliveryStatus(c.UserContext(), s.svc, form); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// smsInvite queues invitations to a survey from a CSV of numbers.
func (s *Server) smsInvite(c *fiber.Ctx) error {
	if err := s.smsReady(); err != nil {
		return err
	}
	sv, err := s.store.Survey(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	list, err := channels.ParseInvitations(bytes.NewReader(c.Body()), sv)
	if err != nil {
		return err
	}
	r := s.sms.Receiver
	res, err := channels.QueueInvitations(c.UserContext(), s.svc, r.Engine, r.Phones, sv, list)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(res)
}

// smsPreview measures every message of a survey's text conversation.
func (s *Server) smsPreview(c *fiber.Ctx) error {
	if s.sms.Receiver == nil {
		return s.smsReady()
	}
	sv, err := s.store.Survey(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	msgs := s.sms.Receiver.Engine.PreviewSMS(sv)
	warnings := 0
	for _, m := range msgs {
		if m.Warning != "" {
			warnings++
		}
	}
	keyword := ""
	if sv.SMS != nil {
		keyword = sv.SMS.Keyword
	}
	return c.JSON(fiber.Map{"keyword": keyword, "warnings": warnings, "messages": msgs})
}
