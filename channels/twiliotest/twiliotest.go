// Package twiliotest fakes the parts of Twilio that voices talks to, for
// tests: Sign signs a webhook as Twilio does, and Server is Twilio's Messages
// API on 127.0.0.1. Like net/http/httptest, it is an ordinary package that
// only tests import, so that every package's tests share one fake instead of
// each keeping a near-copy that drifts from the others.
//
// Nothing here calls the code under test (channels, or twilio-go behind it):
// a fake that shared the product's signing or parsing would agree with a bug
// in it instead of catching it.
package twiliotest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sign is the X-Twilio-Signature Twilio sends with a webhook posted to
// fullURL: base64 of HMAC-SHA1, keyed by the auth token, over the full URL
// followed by each POST parameter's name and value, sorted by name (byte
// order, case-sensitive; a repeated name once for each of its values).
//
// It is written here from Twilio's description, independently of twilio-go
// and of channels.TwilioSignatureValid, so that tests of those compare two
// implementations rather than one with itself; a test checks it against a
// vector Twilio published.
func Sign(authToken, fullURL string, form url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range slices.Sorted(maps.Keys(form)) {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Reply is an answer the Server gives instead of accepting a message.
type Reply struct {
	Status      int
	ContentType string
	Body        string
}

// Twilio's answers to the requests the sender must tell apart, as Twilio
// writes them: the JSON error bodies carry the codes it acts on, and
// ProxyError is the HTML page a proxy in front of Twilio answers with, which
// has no code at all.
var (
	// OptOut is error 21610: the number replied STOP to Twilio.
	OptOut = Reply{400, "application/json", `{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`}
	// InvalidNumber is error 21211: Twilio will not send to the number.
	InvalidNumber = Reply{400, "application/json", `{"code":21211,"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`}
	// TooManyRequests is error 20429, a rate limit: worth trying again.
	TooManyRequests = Reply{429, "application/json", `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`}
	// ServerError is error 20500, Twilio failing: worth trying again.
	ServerError = Reply{500, "application/json", `{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":500}`}
	// ProxyError is a proxy's 502 page, HTML and no JSON: worth trying again.
	ProxyError = Reply{502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"}
	// WrongCredentials is error 20003, what the Server answers a request
	// whose Basic auth is not its account sid and auth token.
	WrongCredentials = Reply{401, "application/json", `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`}

	// notFound answers any request but a POST to the Messages resource.
	notFound = Reply{404, "application/json", `{"code":20404,"message":"The requested resource was not found","status":404}`}
)

// Request is one request the Server received, whatever it answered.
type Request struct {
	Method, Path   string
	User, Password string // Basic auth, "" without it
	AuthOK         bool   // Basic auth was the account sid and auth token
	ContentType    string
	Form           url.Values // the POST form
	SID            string     // the message sid answered; "" when refused
}

// Server is Twilio's Messages API (POST
// /2010-04-01/Accounts/{sid}/Messages.json) on 127.0.0.1. It checks Basic
// auth against its account sid and auth token (WrongCredentials when they
// differ), records every request, and accepts each message with 201 and a
// fresh sid, SM followed by the request's number in 32 hex digits, unless a
// Reply was queued for it.
type Server struct {
	URL        string // the API's base URL, http://127.0.0.1:port, for TwilioConfig.APIURL
	AccountSID string
	AuthToken  string

	srv       *httptest.Server
	mu        sync.Mutex
	prefix    string
	requests  []Request
	replies   []Reply
	repliesTo map[string][]Reply
	changed   chan struct{} // closed, and replaced, at each request
}

// NewServer starts a Server for the account; t's cleanup closes it.
func NewServer(t testing.TB, accountSID, authToken string) *Server {
	t.Helper()
	s := &Server{AccountSID: accountSID, AuthToken: authToken, repliesTo: map[string][]Reply{}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// SetPrefix serves the API under a path, such as "/twilio", as behind a
// proxy: the API's URL is then URL+prefix, and the bare path is not found.
func (s *Server) SetPrefix(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefix = prefix
}

// Reply queues answers for the next requests, one each, in order, whatever
// number they are to (after any ReplyTo queued for that number).
func (s *Server) Reply(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = append(s.replies, r...)
}

// ReplyTo queues answers for the next requests to the number to, one each,
// in order; requests to other numbers do not use them.
func (s *Server) ReplyTo(to string, r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repliesTo[to] = append(s.repliesTo[to], r...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	r.ParseForm()
	req := Request{Method: r.Method, Path: r.URL.Path, User: user, Password: pass,
		AuthOK:      ok && user == s.AccountSID && pass == s.AuthToken,
		ContentType: r.Header.Get("Content-Type"), Form: r.PostForm}
	to := r.PostForm.Get("To")

	s.mu.Lock()
	n := len(s.requests) + 1
	// A queued reply is used up by the request it falls to, even one refused
	// for its auth or path.
	var reply Reply
	if q := s.repliesTo[to]; len(q) > 0 {
		reply, s.repliesTo[to] = q[0], q[1:]
	} else if len(s.replies) > 0 {
		reply, s.replies = s.replies[0], s.replies[1:]
	}
	switch {
	case !req.AuthOK:
		reply = WrongCredentials
	case r.Method != http.MethodPost || r.URL.Path != s.prefix+"/2010-04-01/Accounts/"+s.AccountSID+"/Messages.json":
		reply = notFound
	case reply.Status == 0:
		req.SID = fmt.Sprintf("SM%032x", n)
		body, _ := json.Marshal(map[string]any{"sid": req.SID, "status": "queued", "account_sid": s.AccountSID,
			"to": to, "from": r.PostForm.Get("From"), "messaging_service_sid": r.PostForm.Get("MessagingServiceSid"),
			"body": r.PostForm.Get("Body"), "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
			"date_created": "Tue, 12 Jan 2027 09:30:00 +0000", "error_code": nil, "error_message": nil,
			"uri": "/2010-04-01/Accounts/" + s.AccountSID + "/Messages/" + req.SID + ".json"})
		reply = Reply{http.StatusCreated, "application/json", string(body)}
	}
	// Recorded before answering, so that a caller who has its answer finds
	// the request in Sent.
	s.requests = append(s.requests, req)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()

	w.Header().Set("Content-Type", reply.ContentType)
	w.WriteHeader(reply.Status)
	fmt.Fprint(w, reply.Body)
}

// Sent is every request received so far, in order.
func (s *Server) Sent() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Wait waits until n requests have been received or timeout has passed, and
// returns those received by then: for a sender that runs in the background.
func (s *Server) Wait(n int, timeout time.Duration) []Request {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.requests) >= n {
			defer s.mu.Unlock()
			return slices.Clone(s.requests)
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return s.Sent()
		}
	}
}

// SIDFor is the sid answered for the first message to phone that was
// accepted; the test fails when none was.
func (s *Server) SIDFor(t testing.TB, phone string) string {
	t.Helper()
	for _, r := range s.Sent() {
		if r.Form.Get("To") == phone && r.SID != "" {
			return r.SID
		}
	}
	t.Fatalf("twiliotest: no message to %s was accepted", phone)
	return ""
}
