package channels

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"

	"github.com/voices-uk/voices/surveys"
)

// The Twilio adapter: checking webhook signatures, reading webhook forms,
// answering with TwiML, and sending through the REST API. Everything a
// text says is left to SMSReceiver.

// MaxTwilioForm bounds a webhook body: Twilio's own are a few kilobytes
// (a text is at most 1,600 characters).
const MaxTwilioForm = 64 << 10

// DecodeTwilioForm reads a webhook's application/x-www-form-urlencoded body.
// Every key must be valid UTF-8 and given once: Twilio never repeats one,
// and a signature over repeated keys would be ambiguous.
func DecodeTwilioForm(contentType string, body []byte) (map[string]string, error) {
	if ct, _, _ := strings.Cut(contentType, ";"); !strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded") {
		return nil, surveys.Errorf(surveys.EMALFORMED, "Send the webhook as application/x-www-form-urlencoded.")
	}
	if len(body) > MaxTwilioForm {
		return nil, surveys.Errorf(surveys.ETOOLARGE, "The webhook body is larger than %d bytes.", MaxTwilioForm)
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, surveys.Errorf(surveys.EMALFORMED, "The webhook body could not be read as a form: %v.", err)
	}
	form := make(map[string]string, len(values))
	for k, v := range values {
		if len(v) != 1 {
			return nil, surveys.Errorf(surveys.EMALFORMED, "The form field %q is given %d times; give it once.", k, len(v))
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v[0]) {
			return nil, surveys.Errorf(surveys.EMALFORMED, "The form field %q is not valid UTF-8.", k)
		}
		form[k] = v[0]
	}
	return form, nil
}

// TwilioSignatureValid checks X-Twilio-Signature: an HMAC-SHA1, keyed by
// the account's auth token, of the URL Twilio called and the form.
func TwilioSignatureValid(authToken, fullURL string, form map[string]string, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	v := twclient.NewRequestValidator(authToken)
	return v.Validate(fullURL, form, signature)
}

// TwiML wraps a reply as a TwiML <Response> (empty for no reply).
func TwiML(reply string) (string, error) {
	if reply == "" {
		return twiml.Messages(nil)
	}
	return twiml.Messages([]twiml.Element{&twiml.MessagingMessage{Body: reply}})
}

// IncomingFromForm reads an inbound message webhook.
func IncomingFromForm(form map[string]string) IncomingSMS {
	return IncomingSMS{SID: form["MessageSid"], From: form["From"], Body: form["Body"]}
}

// TwilioConfig holds the account and where to send from.
type TwilioConfig struct {
	AccountSID string
	AuthToken  string
	// From is a +44 number, or a Messaging Service SID (MG...).
	From string
	// APIURL replaces https://api.twilio.com (for Twilio-compatible
	// providers, and for tests); empty for Twilio.
	APIURL string
	// StatusCallback is the URL Twilio posts delivery statuses to.
	StatusCallback string
}

// Configured reports whether there are credentials to use.
func (c TwilioConfig) Configured() bool { return c.AccountSID != "" && c.AuthToken != "" }

// SendResult says what happened to one message handed to the provider.
type SendResult struct {
	SID string
	// Code is the provider's error code (21610: the number opted out) and
	// Status its HTTP status; both 0 when the message was accepted.
	Code   int
	Status int
}

// Retry reports whether trying again later may work: rate limits, server
// errors and failed connections.
func (r SendResult) Retry() bool {
	return r.Status == http.StatusTooManyRequests || r.Status >= 500 || r.Status == 0 && r.SID == ""
}

// TwilioSender sends messages through Twilio's REST API with twilio-go.
type TwilioSender struct {
	client *twilio.RestClient
	cfg    TwilioConfig
}

// NewTwilioSender returns a sender for cfg.
func NewTwilioSender(cfg TwilioConfig) (*TwilioSender, error) {
	httpClient := &http.Client{Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, surveys.Errorf(surveys.EINVALID, "The Twilio API URL %q is not an http(s) address.", cfg.APIURL)
		}
		httpClient.Transport = rewriteHost{to: u, next: http.DefaultTransport}
	}
	base := &twclient.Client{Credentials: twclient.NewCredentials(cfg.AccountSID, cfg.AuthToken), HTTPClient: httpClient}
	base.SetAccountSid(cfg.AccountSID)
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{Username: cfg.AccountSID, Password: cfg.AuthToken, Client: base})
	return &TwilioSender{client: rc, cfg: cfg}, nil
}

// rewriteHost sends every request to another scheme and host, keeping the
// path: twilio-go builds api.twilio.com URLs itself.
type rewriteHost struct {
	to   *url.URL
	next http.RoundTripper
}

func (t rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.to.Scheme, t.to.Host, t.to.Host
	if p := strings.TrimSuffix(t.to.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
	}
	return t.next.RoundTrip(r)
}

// Send sends one text. A failure to reach Twilio, or a response Twilio
// rejects, comes back in the result, not as an error. (twilio-go takes no
// context; the HTTP client's timeout bounds the call.)
func (s *TwilioSender) Send(to, body string) SendResult {
	p := &openapi.CreateMessageParams{}
	p.SetTo(to)
	p.SetBody(body)
	if strings.HasPrefix(s.cfg.From, "MG") {
		p.SetMessagingServiceSid(s.cfg.From)
	} else {
		p.SetFrom(s.cfg.From)
	}
	if s.cfg.StatusCallback != "" {
		p.SetStatusCallback(s.cfg.StatusCallback)
	}
	msg, err := s.client.Api.CreateMessage(p)
	var rest *twclient.TwilioRestError
	var netErr net.Error
	switch {
	case err == nil && msg.Sid != nil:
		return SendResult{SID: *msg.Sid}
	case errors.As(err, &rest):
		return SendResult{Code: rest.Code, Status: rest.Status}
	case errors.As(err, &netErr):
		return SendResult{}
	case err != nil && strings.Contains(err.Error(), "HTTP error code: "):
		// A non-JSON error page (a proxy's 502, say): retry.
		return SendResult{Status: http.StatusBadGateway}
	}
	return SendResult{}
}
