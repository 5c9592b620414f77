package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// Updates to respondents, the resident's side: on the confirmation page a
// form asks whether they would like to hear what happened (by text, when
// text messages are set up, and by email, when an SMTP server is), and
// each message's unsubscribe link leads to a page with a button. The
// messages themselves are queued by Service.PublishResults.

// updatesForm is the "Hear what happened" form on the confirmation page.
type updatesForm struct {
	Action string
	// SMS and Email: the channels set up here. Choose: both are, so the
	// resident picks one with the radios.
	SMS, Email, Choose  bool
	How, Phone, Address string // as posted
	// The errors, each on its own field.
	HowError, PhoneError, EmailError string

	t    *channels.Translator
	lang string
}

// T is the form's text for key, in the page's language (for the
// templates of its fields).
func (f *updatesForm) T(key string, args ...any) string { return f.t.T(f.lang, key, args...) }

// updateChannels says which ways of hearing back are set up.
func (s *Server) updateChannels() (sms, email bool) {
	return s.smsReady() == nil, s.email
}

// updatesHasher is the keyed hash of numbers and addresses kept for
// updates: the SMS receiver's, so that STOP finds a number given on the
// web. Without a receiver (no text messages at all) a key is derived from
// the form key, which is also kept in the database.
func (s *Server) updatesHasher() surveys.PhoneHasher {
	if r := s.sms.Receiver; r != nil {
		return r.Phones
	}
	mac := hmac.New(sha256.New, s.formKey)
	mac.Write([]byte("update addresses"))
	return surveys.PhoneHasher{Key: mac.Sum(nil)}
}

// renderDone shows the confirmation page: the reference, the link to
// withdraw equality answers and, when any channel is set up, the form to
// hear what happened (form carries what was posted and its errors).
func (s *Server) renderDone(c *fiber.Ctx, sv *surveys.Survey, reference string, form *updatesForm) error {
	lang := c.Locals(langKey).(string)
	_, p := s.surveyPage(c, s.tr.T(lang, "done.title"))
	withdraw := ""
	if sv.EqualityMonitoring {
		withdraw = base(sv) + "/withdraw?lang=" + lang
	}
	sms, email := s.updateChannels()
	if form == nil && (sms || email) {
		form = &updatesForm{}
	}
	if form != nil {
		form.t, form.lang = s.tr, lang
		form.Action = base(sv) + "/updates?lang=" + lang
		form.SMS, form.Email, form.Choose = sms, email, sms && email
		for _, e := range []struct{ id, text string }{{"how", form.HowError}, {"phone", form.PhoneError}, {"email", form.EmailError}} {
			if e.text != "" {
				p.Errors = append(p.Errors, summaryError{Href: "#" + e.id, Text: e.text})
			}
		}
	}
	p.Data = struct {
		Reference, Withdraw string
		Updates             *updatesForm
	}{reference, withdraw, form}
	status := fiber.StatusOK
	if len(p.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "done", p)
}

// subscribeUpdates answers the form: POST /s/{slug}/updates. The
// response is the one whose reference this browser was shown (the draft
// cookie the confirmation page reads); without one, back to the start.
func (s *Server) subscribeUpdates(c *fiber.Ctx) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	d, err := s.svc.Draft(c.UserContext(), sv, c.Cookies(draftCookieFor+sv.Slug))
	if err != nil || d.Reference == "" {
		return c.Redirect(base(sv)+"?lang="+lang, fiber.StatusSeeOther)
	}
	sms, email := s.updateChannels()
	if !sms && !email {
		return s.webError(c, surveys.Errorf(surveys.ENOTFOUND, "updates are not set up"))
	}
	form := &updatesForm{How: c.FormValue("how"), Phone: strings.TrimSpace(c.FormValue("phone")), Address: strings.TrimSpace(c.FormValue("email"))}
	if sms != email {
		// One way is offered, so there was nothing to choose.
		form.How = map[bool]string{true: surveys.UpdateBySMS, false: surveys.UpdateByEmail}[sms]
	}
	req := surveys.UpdateRequest{Reference: d.Reference, Channel: form.How, Language: lang}
	switch {
	case form.How == surveys.UpdateBySMS && sms:
		req.Address = form.Phone
	case form.How == surveys.UpdateByEmail && email:
		req.Address = form.Address
	default:
		form.HowError = s.tr.T(lang, "updates.choose")
		return s.renderDone(c, sv, d.Reference, form)
	}
	err = s.svc.SubscribeToUpdates(c.UserContext(), sv, req, s.updatesHasher())
	if surveys.ErrorCode(err) == surveys.EINVALID {
		fields := surveys.ErrorFields(err)
		switch {
		case fields["phone"] != "":
			form.PhoneError = s.tr.T(lang, "updates.phone_invalid")
		case fields["email"] != "":
			form.EmailError = s.tr.T(lang, "updates.email_invalid")
		default:
			form.HowError = s.tr.T(lang, "updates.choose")
		}
		return s.renderDone(c, sv, d.Reference, form)
	}
	if err != nil {
		return s.webError(c, err)
	}
	shown := surveys.NormalisePhone(req.Address)
	key := "updates.subscribed_sms"
	if req.Channel == surveys.UpdateByEmail {
		shown, key = surveys.NormaliseEmail(req.Address), "updates.subscribed_email"
	}
	_, p := s.surveyPage(c, s.tr.T(lang, "updates.subscribed_title"))
	p.Data = struct {
		Text template.HTML
		Home string
	}{s.withAddress(lang, key, shown), "/?lang=" + lang}
	return s.render(c, fiber.StatusOK, "subscribed", p)
}

// withAddress is the catalogue text key with a number or email address in
// it, kept left to right inside right-to-left text ("+44..." would
// otherwise show its plus sign at the wrong end).
func (s *Server) withAddress(lang, key, address string) template.HTML {
	const marker = "\x00address\x00"
	text := template.HTMLEscapeString(s.tr.T(lang, key, marker))
	return template.HTML(strings.Replace(text, template.HTMLEscapeString(marker),
		`<strong dir="ltr">`+template.HTMLEscapeString(address)+`</strong>`, 1))
}

// Unsubscribing: /updates/{token} is the link in every email (and its
// List-Unsubscribe header). GET shows a button, so that mail scanners that
// follow links unsubscribe nobody; POST unsubscribes, with the form token,
// or without one for an RFC 8058 one-click POST from a mail client (the
// link's token is the secret).

// unsubscribeLanguage picks the language of an unsubscribe page: ?lang=,
// then the cookie, then the language the person subscribed in, then the
// browser's.
func (s *Server) unsubscribeLanguage(c *fiber.Ctx) error {
	offered := s.tr.Languages()
	lang := chooseLanguage(offered, c.Query("lang"), c.Cookies(cookieLanguage), "")
	if c.Query("lang") == "" && c.Cookies(cookieLanguage) == "" {
		lang = chooseLanguage(offered, "", "", c.Get(fiber.HeaderAcceptLanguage))
		if sub, err := s.store.UpdateSubscriptionByToken(c.UserContext(), strings.ToLower(c.Params("token"))); err == nil {
			lang = chooseLanguage(offered, sub.Language, "", c.Get(fiber.HeaderAcceptLanguage))
		}
	}
	c.Locals(langKey, lang)
	return c.Next()
}

// oneClick reports whether a POST is an RFC 8058 one-click unsubscribe.
func oneClick(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && c.FormValue("List-Unsubscribe") == "One-Click"
}

// unlessOneClick runs h (the form check, the rate limit) on every request
// but a one-click POST: that comes from a mail provider, without the
// form's cookie, and many at once from the same few addresses.
func unlessOneClick(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if oneClick(c) {
			return c.Next()
		}
		return h(c)
	}
}

// unsubscribeTitle is the title of the survey a subscription is about.
func (s *Server) unsubscribeTitle(c *fiber.Ctx, sub *surveys.UpdateSubscription, lang string) string {
	list, err := s.store.Surveys(c.UserContext(), "")
	if err != nil {
		return ""
	}
	for _, sv := range list {
		if sv.ID == sub.SurveyID {
			return sv.Title.In(lang, sv.DefaultLanguage())
		}
	}
	return ""
}

func (s *Server) unsubscribeUnknown(c *fiber.Ctx, lang string) error {
	return s.message(c, fiber.StatusNotFound, lang, "updates.unknown_title", []string{s.tr.T(lang, "updates.unknown")},
		&linkData{Href: "/?lang=" + lang, Text: s.tr.T(lang, "done.home")})
}

// unsubscribePage answers GET /updates/{token}.
func (s *Server) unsubscribePage(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	sub, err := s.store.UpdateSubscriptionByToken(c.UserContext(), strings.ToLower(c.Params("token")))
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return s.unsubscribeUnknown(c, lang)
	}
	if err != nil {
		return s.webError(c, err)
	}
	p := &page{Lang: lang, Languages: s.siteLanguages(c, lang)}
	p.t = s.tr
	p.Title = p.T("updates.unsubscribe_title")
	p.Data = struct{ About string }{p.T("updates.unsubscribe_about", s.unsubscribeTitle(c, sub, lang))}
	return s.render(c, fiber.StatusOK, "unsubscribe", p)
}

// unsubscribe answers POST /updates/{token}.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	err := s.svc.Unsubscribe(c.UserContext(), c.Params("token"))
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return s.unsubscribeUnknown(c, lang)
	}
	if err != nil {
		return s.webError(c, err)
	}
	return s.message(c, fiber.StatusOK, lang, "updates.unsubscribed_title", []string{s.tr.T(lang, "updates.unsubscribed")},
		&linkData{Href: "/?lang=" + lang, Text: s.tr.T(lang, "done.home")})
}
