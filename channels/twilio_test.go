package channels_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// Tests of the Twilio adapter (channels/twilio.go): reading webhook forms,
// checking signatures against vectors computed here (not by twilio-go),
// writing TwiML, and sending through a fake Messages API on 127.0.0.1.

// twilioSign signs a webhook as Twilio does: base64 of HMAC-SHA1, keyed by
// the auth token, over the full URL followed by each POST parameter's name
// and value, sorted by name (byte order, case-sensitive).
func twilioSign(authToken, fullURL string, form map[string]string) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(form[k])
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// twilioInboundBody is an incoming-message webhook as Twilio sends it.
func twilioInboundBody(sid, from, text string) string {
	return url.Values{
		"ToCountry": {"GB"}, "ToState": {""}, "SmsMessageSid": {sid}, "NumMedia": {"0"}, "ToCity": {""},
		"FromZip": {""}, "SmsSid": {sid}, "FromState": {""}, "SmsStatus": {"received"}, "FromCity": {""},
		"Body": {text}, "FromCountry": {"GB"}, "To": {"+447700900999"}, "ToZip": {""}, "NumSegments": {"1"},
		"MessageSid": {sid}, "AccountSid": {"AC00000000000000000000000000000000"}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}.Encode()
}

const twilioFormType = "application/x-www-form-urlencoded"

func TestDecodeTwilioForm(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        map[string]string
		wantCode    string // "" when accepted
	}{
		{"inbound message", twilioFormType, twilioInboundBody("SM1", "+447700900001", "BINS"), map[string]string{
			"ToCountry": "GB", "ToState": "", "SmsMessageSid": "SM1", "NumMedia": "0", "ToCity": "", "FromZip": "", "SmsSid": "SM1",
			"FromState": "", "SmsStatus": "received", "FromCity": "", "Body": "BINS", "FromCountry": "GB", "To": "+447700900999",
			"ToZip": "", "NumSegments": "1", "MessageSid": "SM1", "AccountSid": "AC00000000000000000000000000000000",
			"From": "+447700900001", "ApiVersion": "2010-04-01"}, ""},
		{"charset parameter and capitals", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", "Body=hi", map[string]string{"Body": "hi"}, ""},
		{"spaces around the type", " application/x-www-form-urlencoded ;charset=utf-8", "Body=hi", map[string]string{"Body": "hi"}, ""},
		{"Urdu and emoji", twilioFormType, "Body=" + url.QueryEscape("جی ہاں 👍🏽") + "&From=%2B447700900001",
			map[string]string{"Body": "جی ہاں 👍🏽", "From": "+447700900001"}, ""},
		{"raw UTF-8 bytes", twilioFormType, "Body=café", map[string]string{"Body": "café"}, ""},
		{"plus is a space, %2B a plus", twilioFormType, "Body=yes+please&From=%2B44", map[string]string{"Body": "yes please", "From": "+44"}, ""},
		{"key without a value", twilioFormType, "Body", map[string]string{"Body": ""}, ""},
		{"empty value", twilioFormType, "Body=", map[string]string{"Body": ""}, ""},
		{"empty key", twilioFormType, "=x", map[string]string{"": "x"}, ""},
		{"empty body", twilioFormType, "", map[string]string{}, ""},
		{"stray ampersands", twilioFormType, "&&Body=a&&", map[string]string{"Body": "a"}, ""},
		{"body at the limit", twilioFormType, "Body=" + strings.Repeat("a", channels.MaxTwilioForm-5), map[string]string{"Body": strings.Repeat("a", channels.MaxTwilioForm-5)}, ""},

		{"no content type", "", "Body=hi", nil, surveys.EMALFORMED},
		{"JSON", "application/json", `{"Body": "hi"}`, nil, surveys.EMALFORMED},
		{"plain text", "text/plain", "Body=hi", nil, surveys.EMALFORMED},
		{"multipart", "multipart/form-data; boundary=x", "Body=hi", nil, surveys.EMALFORMED},
		{"bad escape", twilioFormType, "%zz", nil, surveys.EMALFORMED},
		{"lone percent", twilioFormType, "Body=%", nil, surveys.EMALFORMED},
		{"semicolon", twilioFormType, "Body=a;From=b", nil, surveys.EMALFORMED},
		{"repeated key", twilioFormType, "Body=a&Body=b", nil, surveys.EMALFORMED},
		{"repeated key, same value", twilioFormType, "Body=a&Body=a", nil, surveys.EMALFORMED},
		{"repeated key without values", twilioFormType, "Body&Body", nil, surveys.EMALFORMED},
		{"invalid UTF-8 key", twilioFormType, "%ff=1", nil, surveys.EMALFORMED},
		{"invalid UTF-8 value", twilioFormType, "Body=%c3%28", nil, surveys.EMALFORMED},
		{"raw invalid UTF-8", twilioFormType, "Body=\xff", nil, surveys.EMALFORMED},
		{"over the limit", twilioFormType, "Body=" + strings.Repeat("a", channels.MaxTwilioForm-4), nil, surveys.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := channels.DecodeTwilioForm(tt.contentType, []byte(tt.body))
			if tt.wantCode != "" {
				if code := surveys.ErrorCode(err); code != tt.wantCode || got != nil {
					t.Errorf("got %v, error code %q (%v), want no form and %q", got, code, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// twilioVectorParams and twilioVectorSignature are a published example of
// Twilio's signatures (twilio-go's own test vector): auth token 12345, URL
// https://mycompany.com/myapp.php?foo=1&bar=2.
var twilioVectorParams = map[string]string{
	"Digits": "1234", "CallSid": "CA1234567890ABCDE", "To": "+18005551212", "Caller": "+14158675309",
	"From": "+14158675309", "ReasonConferenceEnded": "test", "Reason": "Participant",
}

const (
	twilioVectorURL       = "https://mycompany.com/myapp.php?foo=1&bar=2"
	twilioVectorSignature = "vOEb5UThFn24KEfnOFLQY2AE5FY="
)

// The test's own signer must agree with the published vector, or the
// signature tests below would prove nothing.
func TestTwilioSignVector(t *testing.T) {
	if got := twilioSign("12345", twilioVectorURL, twilioVectorParams); got != twilioVectorSignature {
		t.Fatalf("twilioSign: got %q, want the published %q", got, twilioVectorSignature)
	}
}

func TestTwilioSignatureValid(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	const hook = "https://voices.example.gov.uk/sms/twilio"
	form := map[string]string{"MessageSid": "SM1", "From": "+447700900001", "Body": "BINS"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for key, val := range form {
			m[key] = val
		}
		m[k] = v
		return m
	}
	without := func(k string) map[string]string {
		m := with("", "")
		delete(m, "")
		delete(m, k)
		return m
	}
	sig := twilioSign(token, hook, form)
	urdu := map[string]string{"MessageSid": "SM2", "From": "+447700900001", "Body": "جی ہاں 👍🏽", "a": "lower", "B": "upper", "_": "underscore"}
	tests := []struct {
		name      string
		token     string
		url       string
		form      map[string]string
		signature string
		want      bool
	}{
		{"published vector", "12345", twilioVectorURL, twilioVectorParams, twilioVectorSignature, true},
		{"published vector, another token", "54321", twilioVectorURL, twilioVectorParams, twilioVectorSignature, false},
		{"published vector, query reordered", "12345", "https://mycompany.com/myapp.php?bar=2&foo=1", twilioVectorParams, twilioVectorSignature, false},
		{"published vector, http", "12345", strings.Replace(twilioVectorURL, "https", "http", 1), twilioVectorParams, twilioVectorSignature, false},
		{"published vector, with the default port", "12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", twilioVectorParams, twilioVectorSignature, true},
		{"webhook", token, hook, form, sig, true},
		{"webhook with a query", token, hook + "?site=north", form, twilioSign(token, hook+"?site=north", form), true},
		{"query signed, not sent", token, hook, form, twilioSign(token, hook+"?site=north", form), false},
		{"query sent, not signed", token, hook + "?site=north", form, sig, false},
		{"another host", token, "https://evil.example/sms/twilio", form, sig, false},
		{"another path", token, "https://voices.example.gov.uk/sms/twilio/status", form, sig, false},
		{"trailing slash", token, hook + "/", form, sig, false},
		{"Urdu, emoji and key order", token, hook, urdu, twilioSign(token, hook, urdu), true},
		{"body changed", token, hook, with("Body", "STOP"), sig, false},
		{"from changed", token, hook, with("From", "+447700900002"), sig, false},
		{"parameter added", token, hook, with("Extra", ""), sig, false},
		{"parameter removed", token, hook, without("Body"), sig, false},
		{"name case changed", token, hook, map[string]string{"messageSid": "SM1", "From": "+447700900001", "Body": "BINS"}, sig, false},
		{"wrong token", "ffffffffffffffffffffffffffffffff", hook, form, sig, false},
		{"empty token, even signed with it", "", hook, form, twilioSign("", hook, form), false},
		{"no signature", token, hook, form, "", false},
		{"garbage signature", token, hook, form, "not base64!", false},
		{"unpadded signature", token, hook, form, strings.TrimRight(sig, "="), false},
		{"hex signature", token, hook, form, fmt.Sprintf("%x", twilioBase64(t, sig)), false},
		{"signature of another form", token, hook, form, twilioSign(token, hook, with("Body", "STOP")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channels.TwilioSignatureValid(tt.token, tt.url, tt.form, tt.signature); got != tt.want {
				t.Errorf("TwilioSignatureValid(%q, %q, %v, %q): got %v, want %v", tt.token, tt.url, tt.form, tt.signature, got, tt.want)
			}
		})
	}
}

func twilioBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// twilioTwiMLDoc is a TwiML messaging response as Twilio reads it.
type twilioTwiMLDoc struct {
	XMLName  xml.Name `xml:"Response"`
	Messages []string `xml:"Message"`
}

func TestTwilioTwiML(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		want  []string // the <Message> texts
		// raw must appear in the XML as written, and notRaw must not.
		raw, notRaw []string
	}{
		{"no reply", "", nil, nil, []string{"<Message"}},
		{"plain", "Reply YES or NO.", []string{"Reply YES or NO."}, []string{"<Message>Reply YES or NO.</Message>"}, nil},
		{"markup characters", `Fish & chips <b>now</b> "quoted" 'too'`, []string{`Fish & chips <b>now</b> "quoted" 'too'`},
			[]string{"&amp;", "&lt;b&gt;"}, []string{"<b>", "& chips"}},
		{"looks like TwiML", "</Message><Redirect>https://evil.example/</Redirect><Message>", []string{"</Message><Redirect>https://evil.example/</Redirect><Message>"},
			nil, []string{"<Redirect>"}},
		{"entity already", "&amp; &#60;", []string{"&amp; &#60;"}, []string{"&amp;amp;"}, nil},
		{"lines, Urdu and emoji", "(1/3) کیا آپ پارک جاتے ہیں؟\n1 ہاں\n2 نہیں 🌳", []string{"(1/3) کیا آپ پارک جاتے ہیں؟\n1 ہاں\n2 نہیں 🌳"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := channels.TwiML(tt.reply)
			if err != nil {
				t.Fatalf("TwiML(%q): %v", tt.reply, err)
			}
			if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) {
				t.Errorf("TwiML(%q) = %q: want an XML declaration first", tt.reply, out)
			}
			var doc twilioTwiMLDoc
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("TwiML(%q) = %q is not XML: %v", tt.reply, out, err)
			}
			if !reflect.DeepEqual(doc.Messages, tt.want) {
				t.Errorf("TwiML(%q) messages: got %q, want %q (XML %q)", tt.reply, doc.Messages, tt.want, out)
			}
			for _, s := range tt.raw {
				if !strings.Contains(out, s) {
					t.Errorf("TwiML(%q) = %q: want %q in it", tt.reply, out, s)
				}
			}
			for _, s := range tt.notRaw {
				if strings.Contains(out, s) {
					t.Errorf("TwiML(%q) = %q: want no %q in it", tt.reply, out, s)
				}
			}
		})
	}
}

func TestTwilioIncomingFromForm(t *testing.T) {
	form, err := channels.DecodeTwilioForm(twilioFormType, []byte(twilioInboundBody("SMabc", "+447700900001", "yes please")))
	if err != nil {
		t.Fatal(err)
	}
	got := channels.IncomingFromForm(form)
	if want := (channels.IncomingSMS{SID: "SMabc", From: "+447700900001", Body: "yes please"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// twilioMessagesAPI is a fake of Twilio's Messages API: it checks Basic auth,
// records each request, and answers as scripted (201 with a new sid when
// nothing is scripted).
type twilioMessagesAPI struct {
	account, token string
	srv            *httptest.Server
	mu             sync.Mutex
	requests       []twilioAPIRequest
	script         []twilioAPIReply
}

type twilioAPIRequest struct {
	method, path string
	user, pass   string
	authOK       bool
	contentType  string
	form         url.Values
}

type twilioAPIReply struct {
	status      int
	contentType string
	body        string
}

var (
	twilioAPIOptOut  = twilioAPIReply{400, "application/json", `{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`}
	twilioAPIInvalid = twilioAPIReply{400, "application/json", `{"code":21211,"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`}
	twilioAPITooMany = twilioAPIReply{429, "application/json", `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`}
	twilioAPIDown    = twilioAPIReply{500, "application/json", `{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":500}`}
	twilioAPIProxy   = twilioAPIReply{502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"}
)

func newTwilioMessagesAPI(t *testing.T, prefix string) *twilioMessagesAPI {
	a := &twilioMessagesAPI{account: "AC0123456789abcdef0123456789abcdef", token: "0123456789abcdef0123456789abcdef"}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		req := twilioAPIRequest{method: r.Method, path: r.URL.Path, user: user, pass: pass, contentType: r.Header.Get("Content-Type"),
			authOK: ok && user == a.account && pass == a.token}
		r.ParseForm()
		req.form = r.PostForm
		a.mu.Lock()
		a.requests = append(a.requests, req)
		n := len(a.requests)
		reply := twilioAPIReply{}
		if len(a.script) > 0 {
			reply, a.script = a.script[0], a.script[1:]
		}
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case !req.authOK:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
		case r.Method != http.MethodPost || r.URL.Path != prefix+"/2010-04-01/Accounts/"+a.account+"/Messages.json":
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":20404,"message":"The requested resource was not found","status":404}`)
		case reply.status != 0:
			w.Header().Set("Content-Type", reply.contentType)
			w.WriteHeader(reply.status)
			fmt.Fprint(w, reply.body)
		default:
			from := r.PostForm.Get("From")
			body, _ := json.Marshal(map[string]any{"sid": fmt.Sprintf("SM%032x", n), "status": "queued", "account_sid": a.account,
				"to": r.PostForm.Get("To"), "from": from, "messaging_service_sid": r.PostForm.Get("MessagingServiceSid"),
				"body": r.PostForm.Get("Body"), "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
				"date_created": "Tue, 12 Jan 2027 09:30:00 +0000", "error_code": nil, "error_message": nil,
				"uri": fmt.Sprintf("/2010-04-01/Accounts/%s/Messages/SM%032x.json", a.account, n)})
			w.WriteHeader(http.StatusCreated)
			w.Write(body)
		}
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *twilioMessagesAPI) sent() []twilioAPIRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.requests)
}

func TestTwilioSender(t *testing.T) {
	const callback = "https://voices.example.gov.uk/sms/twilio/status"
	tests := []struct {
		name      string
		from      string
		prefix    string // a path the API is served under
		script    []twilioAPIReply
		token     string // "" for the right one
		want      channels.SendResult
		wantRetry bool
	}{
		{"accepted", "+447700900999", "", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"messaging service", "MG0123456789abcdef0123456789abcdef", "", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"API under a path", "+447700900999", "/twilio", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"opted out", "+447700900999", "", []twilioAPIReply{twilioAPIOptOut}, "", channels.SendResult{Code: 21610, Status: 400}, false},
		{"not a valid number", "+447700900999", "", []twilioAPIReply{twilioAPIInvalid}, "", channels.SendResult{Code: 21211, Status: 400}, false},
		{"too many requests", "+447700900999", "", []twilioAPIReply{twilioAPITooMany}, "", channels.SendResult{Code: 20429, Status: 429}, true},
		{"server error", "+447700900999", "", []twilioAPIReply{twilioAPIDown}, "", channels.SendResult{Code: 20500, Status: 500}, true},
		{"proxy's HTML error page", "+447700900999", "", []twilioAPIReply{twilioAPIProxy}, "", channels.SendResult{Status: 502}, true},
		{"wrong auth token", "+447700900999", "", nil, "ffffffffffffffffffffffffffffffff", channels.SendResult{Code: 20003, Status: 401}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTwilioMessagesAPI(t, tt.prefix)
			api.script = tt.script
			token := api.token
			if tt.token != "" {
				token = tt.token
			}
			s, err := channels.NewTwilioSender(channels.TwilioConfig{AccountSID: api.account, AuthToken: token, From: tt.from,
				APIURL: api.srv.URL + tt.prefix, StatusCallback: callback})
			if err != nil {
				t.Fatal(err)
			}
			got := s.Send("+447700900001", "Reply BINS to take part 🗑️ & <more>")
			if got != tt.want || got.Retry() != tt.wantRetry {
				t.Errorf("Send: got %+v (retry %v), want %+v (retry %v)", got, got.Retry(), tt.want, tt.wantRetry)
			}
			reqs := api.sent()
			if len(reqs) != 1 {
				t.Fatalf("requests to the API: got %d, want 1", len(reqs))
			}
			r := reqs[0]
			if want := tt.prefix + "/2010-04-01/Accounts/" + api.account + "/Messages.json"; r.method != http.MethodPost || r.path != want {
				t.Errorf("request: got %s %s, want POST %s", r.method, r.path, want)
			}
			if r.user != api.account || r.pass != token {
				t.Errorf("Basic auth: got %q:%q, want %q:%q", r.user, r.pass, api.account, token)
			}
			if !strings.HasPrefix(r.contentType, twilioFormType) {
				t.Errorf("Content-Type: got %q, want %s", r.contentType, twilioFormType)
			}
			want := url.Values{"To": {"+447700900001"}, "Body": {"Reply BINS to take part 🗑️ & <more>"}, "StatusCallback": {callback}}
			if strings.HasPrefix(tt.from, "MG") {
				want.Set("MessagingServiceSid", tt.from)
			} else {
				want.Set("From", tt.from)
			}
			if !reflect.DeepEqual(r.form, want) {
				t.Errorf("form: got %v, want %v", r.form, want)
			}
		})
	}
}

// A Twilio that cannot be reached is worth trying again; no request leaves
// the machine (the address is a closed port on 127.0.0.1).
func TestTwilioSenderUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := channels.NewTwilioSender(channels.TwilioConfig{AccountSID: "AC0123456789abcdef0123456789abcdef",
		AuthToken: "0123456789abcdef0123456789abcdef", From: "+447700900999", APIURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Send("+447700900001", "hello"); got != (channels.SendResult{}) || !got.Retry() {
		t.Errorf("Send to a closed port: got %+v (retry %v), want an empty result to retry", got, got.Retry())
	}
}

func TestTwilioSenderAPIURL(t *testing.T) {
	for _, u := range []string{"ftp://api.example", "api.example", "http://", "://x", "http://%zz"} {
		if _, err := channels.NewTwilioSender(channels.TwilioConfig{AccountSID: "AC1", AuthToken: "t", From: "+447700900999", APIURL: u}); surveys.ErrorCode(err) != surveys.EINVALID {
			t.Errorf("NewTwilioSender(APIURL %q): got %v, want an invalid error", u, err)
		}
	}
}

func TestTwilioSendResultRetry(t *testing.T) {
	tests := []struct {
		r    channels.SendResult
		want bool
	}{
		{channels.SendResult{SID: "SM1"}, false},
		{channels.SendResult{Code: 21610, Status: 400}, false},
		{channels.SendResult{Code: 21211, Status: 400}, false},
		{channels.SendResult{Code: 20003, Status: 401}, false},
		{channels.SendResult{Code: 20429, Status: 429}, true},
		{channels.SendResult{Code: 20500, Status: 500}, true},
		{channels.SendResult{Status: 502}, true},
		{channels.SendResult{Status: 503}, true},
		{channels.SendResult{}, true}, // no answer at all
	}
	for _, tt := range tests {
		if got := tt.r.Retry(); got != tt.want {
			t.Errorf("%+v.Retry(): got %v, want %v", tt.r, got, tt.want)
		}
	}
}

// FuzzDecodeTwilioForm checks that no body makes decoding panic, that every
// refusal is one of our errors, and that every accepted form is valid UTF-8
// and survives encoding and decoding again unchanged. Run longer with:
// go test -fuzz FuzzDecodeTwilioForm ./channels/
func FuzzDecodeTwilioForm(f *testing.F) {
	for _, seed := range []struct{ contentType, body string }{
		{twilioFormType, twilioInboundBody("SM1", "+447700900001", "BINS")},
		{twilioFormType, twilioInboundBody("SM2", "+447700900001", "جی ہاں، بالکل 👍🏽 🇬🇧")},
		{twilioFormType + "; charset=utf-8", "Body=caf%C3%A9&From=%2B447700900001"},
		{twilioFormType, ""},
		{twilioFormType, "%"},
		{twilioFormType, "Body=%zz"},
		{twilioFormType, "Body=a&Body=b"},
		{twilioFormType, "Body&Body="},
		{twilioFormType, "a;b"},
		{twilioFormType, "=&=&"},
		{twilioFormType, "%ff=%fe"},
		{twilioFormType, "\xff\xfe=1"},
		{twilioFormType, strings.Repeat("K", 4096) + "=" + strings.Repeat("v", 4096)},
		{twilioFormType, strings.Repeat("a", channels.MaxTwilioForm+1)},
		{"text/plain", "Body=hi"},
		{"", ""},
	} {
		f.Add(seed.contentType, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		form, err := channels.DecodeTwilioForm(contentType, body)
		if err != nil {
			if code := surveys.ErrorCode(err); code != surveys.EMALFORMED && code != surveys.ETOOLARGE {
				t.Fatalf("DecodeTwilioForm(%q, %q): got error code %q (%v), want malformed or too large", contentType, body, code, err)
			}
			if form != nil {
				t.Fatalf("DecodeTwilioForm(%q, %q): got %v with an error, want no form", contentType, body, form)
			}
			return
		}
		if form == nil {
			t.Fatalf("DecodeTwilioForm(%q, %q): got a nil form and no error", contentType, body)
		}
		if len(body) > channels.MaxTwilioForm {
			t.Fatalf("DecodeTwilioForm accepted %d bytes, over the limit of %d", len(body), channels.MaxTwilioForm)
		}
		values := url.Values{}
		for k, v := range form {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatalf("DecodeTwilioForm(%q): accepted %q=%q, not valid UTF-8", body, k, v)
			}
			values.Set(k, v)
		}
		again, err := channels.DecodeTwilioForm(twilioFormType, []byte(values.Encode()))
		if err != nil {
			// Encoding escapes every byte, so only the size can grow past the limit.
			if surveys.ErrorCode(err) == surveys.ETOOLARGE {
				return
			}
			t.Fatalf("decoding %q, re-encoded from %q: %v", values.Encode(), body, err)
		}
		if !reflect.DeepEqual(again, form) {
			t.Fatalf("round trip of %q: got %v, want %v", body, again, form)
		}
	})
}

// A CSV that cannot be read is refused as malformed, wherever the mistake
// is. (Here, not in an outbox test file, only because this change may add
// no other file.)
func TestParseInvitationsMalformedCSV(t *testing.T) {
	s, err := surveys.ParseDefinition([]byte("slug: bins\ntitle: {en: Bins}\nlanguages: [en]\nstatus: open\nsms: {keyword: BINS}\n" +
		"questions:\n  - {key: weekly, type: yes_no, prompt: {en: \"Weekly\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, csv string
		bug       string
	}{
		{"bad quote in the second field", "phone,language\n07700 900001,\"e\"n\n", ""},
		{"unclosed quote in the first field", "phone\n\"07700 900001\n",
			""},
		{"bad quote in the first field", "phone\n\"07700\"900001\n",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bug != "" {
				t.Skip("BUG: " + tt.bug)
			}
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("ParseInvitations(%q) panicked: %v", tt.csv, p)
				}
			}()
			list, err := channels.ParseInvitations(strings.NewReader(tt.csv), s)
			if code := surveys.ErrorCode(err); code != surveys.EMALFORMED || list != nil {
				t.Errorf("ParseInvitations(%q): got %v, %v (code %q), want nothing and a malformed error", tt.csv, list, err, code)
			}
		})
	}
}
