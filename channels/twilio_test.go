package channels_test

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/channels/twiliotest"
	"github.com/voices-uk/voices/surveys"
)

// Tests of the Twilio adapter (channels/twilio.go): reading webhook forms,
// checking signatures against vectors computed here (not by twilio-go),
// writing TwiML, and sending through a fake Messages API on 127.0.0.1.

// twilioSign is twiliotest.Sign for the map form that
// channels.TwilioSignatureValid takes.
func twilioSign(authToken, fullURL string, form map[string]string) string {
	values := url.Values{}
	for k, v := range form {
		values.Set(k, v)
	}
	return twiliotest.Sign(authToken, fullURL, values)
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

// The tests' own signer must agree with the published vector, or the
// signature tests here and in server would prove nothing.
func TestTwilioSignVector(t *testing.T) {
	params := url.Values{}
	for k, v := range twilioVectorParams {
		params.Set(k, v)
	}
	if got := twiliotest.Sign("12345", twilioVectorURL, params); got != twilioVectorSignature {
		t.Fatalf("twiliotest.Sign: got %q, want the published %q", got, twilioVectorSignature)
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

func TestTwilioSender(t *testing.T) {
	const callback = "https://voices.example.gov.uk/sms/twilio/status"
	tests := []struct {
		name      string
		from      string
		prefix    string // a path the API is served under
		script    []twiliotest.Reply
		token     string // "" for the right one
		want      channels.SendResult
		wantRetry bool
	}{
		{"accepted", "+447700900999", "", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"messaging service", "MG0123456789abcdef0123456789abcdef", "", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"API under a path", "+447700900999", "/twilio", nil, "", channels.SendResult{SID: "SM00000000000000000000000000000001"}, false},
		{"opted out", "+447700900999", "", []twiliotest.Reply{twiliotest.OptOut}, "", channels.SendResult{Code: 21610, Status: 400}, false},
		{"not a valid number", "+447700900999", "", []twiliotest.Reply{twiliotest.InvalidNumber}, "", channels.SendResult{Code: 21211, Status: 400}, false},
		{"too many requests", "+447700900999", "", []twiliotest.Reply{twiliotest.TooManyRequests}, "", channels.SendResult{Code: 20429, Status: 429}, true},
		{"server error", "+447700900999", "", []twiliotest.Reply{twiliotest.ServerError}, "", channels.SendResult{Code: 20500, Status: 500}, true},
		{"proxy's HTML error page", "+447700900999", "", []twiliotest.Reply{twiliotest.ProxyError}, "", channels.SendResult{Status: 502}, true},
		{"wrong auth token", "+447700900999", "", nil, "ffffffffffffffffffffffffffffffff", channels.SendResult{Code: 20003, Status: 401}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := twiliotest.NewServer(t, "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")
			api.SetPrefix(tt.prefix)
			api.Reply(tt.script...)
			token := api.AuthToken
			if tt.token != "" {
				token = tt.token
			}
			s, err := channels.NewTwilioSender(channels.TwilioConfig{AccountSID: api.AccountSID, AuthToken: token, From: tt.from,
				APIURL: api.URL + tt.prefix, StatusCallback: callback})
			if err != nil {
				t.Fatal(err)
			}
			got := s.Send("+447700900001", "Reply BINS to take part 🗑️ & <more>")
			if got != tt.want || got.Retry() != tt.wantRetry {
				t.Errorf("Send: got %+v (retry %v), want %+v (retry %v)", got, got.Retry(), tt.want, tt.wantRetry)
			}
			reqs := api.Sent()
			if len(reqs) != 1 {
				t.Fatalf("requests to the API: got %d, want 1", len(reqs))
			}
			r := reqs[0]
			if want := tt.prefix + "/2010-04-01/Accounts/" + api.AccountSID + "/Messages.json"; r.Method != http.MethodPost || r.Path != want {
				t.Errorf("request: got %s %s, want POST %s", r.Method, r.Path, want)
			}
			if r.User != api.AccountSID || r.Password != token {
				t.Errorf("Basic auth: got %q:%q, want %q:%q", r.User, r.Password, api.AccountSID, token)
			}
			if !strings.HasPrefix(r.ContentType, twilioFormType) {
				t.Errorf("Content-Type: got %q, want %s", r.ContentType, twilioFormType)
			}
			want := url.Values{"To": {"+447700900001"}, "Body": {"Reply BINS to take part 🗑️ & <more>"}, "StatusCallback": {callback}}
			if strings.HasPrefix(tt.from, "MG") {
				want.Set("MessagingServiceSid", tt.from)
			} else {
				want.Set("From", tt.from)
			}
			if !reflect.DeepEqual(r.Form, want) {
				t.Errorf("form: got %v, want %v", r.Form, want)
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
	}{
		{"bad quote in the second field", "phone,language\n07700 900001,\"e\"n\n"},
		{"unclosed quote in the first field", "phone\n\"07700 900001\n"},
		{"bad quote in the first field", "phone\n\"07700\"900001\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
