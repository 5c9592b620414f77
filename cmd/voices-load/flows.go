package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// The kinds of work, each done as its user does it: a resident walking
// through the HTML form page by page (cookies and the form token, as a
// browser without JavaScript), a resident's app posting JSON, a resident
// texting (each text a webhook signed as Twilio signs it), and an officer
// downloading the CSV export.

// target is what every client talks to.
type target struct {
	base   string // http://host:port
	client *http.Client
	// smsClients, when there are any, send the webhooks instead of client,
	// each client's from its own loopback address (--sms-sources).
	smsClients []*http.Client
	survey     *surveys.Survey
	gen        *answerGen
	token      string // an officer's, for exports
	runID      string

	twilioToken, publicURL, smsTo string
	smsRepeat                     float64
	phoneBase                     uint64
}

// Steps as the report names them (paths with their parameters).
const (
	stepAPI       = "POST /api/v1/surveys/{slug}/responses"
	stepExport    = "GET /api/v1/surveys/{slug}/responses.csv"
	stepSMS       = "POST /sms/twilio"
	stepWebSend   = "POST /s/{slug}/check"
	stepWebDone   = "GET /s/{slug}/done"
	rowWebSend    = "web send"  // the request that submits a web draft
	rowSMSFinal   = "sms final" // the text that completes a conversation
	maxWebPages   = 200
	maxSMSTurns   = 200
	referenceChar = "[346789ABCDEFGHJKMNPQRTWXY]"
)

var (
	csrfPattern        = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	webReferencePat    = regexp.MustCompile(`<strong class="reference" dir="ltr">([^<]*)</strong>`)
	smsReferencePat    = regexp.MustCompile(`\b(` + referenceChar + `{3}-` + referenceChar + `{3})\b`)
	webQuestionPath    = regexp.MustCompile(`^/s/[^/]+/q/([^/?]+)$`)
	webEqualityPath    = regexp.MustCompile(`^/s/[^/]+/equality(/[^/?]+)?$`)
	referenceFormatPat = regexp.MustCompile(`^` + referenceChar + `{3}-` + referenceChar + `{3}$`)
)

// apiFlow submits one response as JSON, as a resident's app would (no
// token: a resident answering for themselves).
func apiFlow(ctx context.Context, w *worker) {
	marker := w.marker(kindAPI)
	answers := w.t.gen.answers(w.rng, marker)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.t.base+"/api/v1/surveys/"+w.t.survey.Slug+"/responses",
		bytes.NewReader(apiBody(w.t.survey, answers)))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	r, err := w.do(req, kindAPI, stepAPI, http.StatusCreated, true, nil)
	if err != nil {
		w.failed(kindAPI, marker, mayBeStored(r, err))
		return
	}
	var got struct {
		Reference string `json:"reference"`
	}
	if json.Unmarshal(r.body, &got) != nil || !referenceFormatPat.MatchString(got.Reference) {
		w.problem(kindAPI, stepAPI, "201 without a reference")
		w.failed(kindAPI, marker, true)
		return
	}
	w.acknowledged(kindAPI, got.Reference, marker)
}

// apiBody is the JSON of a submission: one value as a string, several as a
// list.
func apiBody(s *surveys.Survey, answers map[string][]string) []byte {
	out := map[string]any{}
	for k, v := range answers {
		if q := s.Question(k); q != nil && q.Type == surveys.TypeMultipleChoice {
			out[k] = v
		} else {
			out[k] = v[0]
		}
	}
	body, err := json.Marshal(map[string]any{"language": s.DefaultLanguage(), "answers": out})
	if err != nil {
		panic(err)
	}
	return body
}

// exportFlow downloads every response as CSV with an officer's token.
func exportFlow(ctx context.Context, w *worker) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.t.base+"/api/v1/surveys/"+w.t.survey.Slug+"/responses.csv", nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.t.token)
	r, err := w.do(req, kindExport, stepExport, http.StatusOK, false, nil)
	if err != nil {
		w.failed(kindExport, "", false)
		return
	}
	if r.lines < 1 {
		w.problem(kindExport, stepExport, "200 without a header row")
		w.failed(kindExport, "", false)
		return
	}
	w.st.bytes += r.size
	w.finished(kindExport)
}

// webFlow walks through the survey's HTML form as a browser without
// JavaScript does: the start page, Start now, each page the server leads
// to (GET it, then post the answer with the page's form token), no to the
// equality questions, the check page's Send, and the page with the
// reference.
func webFlow(ctx context.Context, w *worker) {
	s := w.t.survey
	base := "/s/" + s.Slug
	marker := w.marker(kindWeb)
	answers := w.t.gen.answers(w.rng, marker)
	jar := cookieJar{}
	csrf := ""
	get := func(path, step string) (*reply, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.t.base+path, nil)
		if err != nil {
			panic(err)
		}
		r, err := w.do(req, kindWeb, step, http.StatusOK, true, jar)
		if err == nil {
			if m := csrfPattern.FindSubmatch(r.body); m != nil {
				csrf = html.UnescapeString(string(m[1]))
			}
		}
		return r, err
	}
	post := func(path, step string, form url.Values) (*reply, error) {
		form.Set("csrf", csrf)
		form.Set("website", "") // the honeypot people leave empty
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.t.base+path, strings.NewReader(form.Encode()))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return w.do(req, kindWeb, step, http.StatusSeeOther, true, jar)
	}
	if _, err := get(base, "GET /s/{slug}"); err != nil {
		w.failed(kindWeb, marker, false)
		return
	}
	r, err := post(base+"/start", "POST /s/{slug}/start", url.Values{})
	if err != nil {
		w.failed(kindWeb, marker, false)
		return
	}
	for range maxWebPages {
		next, err := location(r)
		if err != nil {
			w.problem(kindWeb, "redirect", err.Error())
			w.failed(kindWeb, marker, false)
			return
		}
		path := strings.SplitN(next, "?", 2)[0]
		switch {
		case path == base+"/done":
			page, err := get(next, stepWebDone)
			if err != nil {
				w.failed(kindWeb, marker, true)
				return
			}
			m := webReferencePat.FindSubmatch(page.body)
			if m == nil || !referenceFormatPat.Match(m[1]) {
				w.problem(kindWeb, stepWebDone, "no reference on the page")
				w.failed(kindWeb, marker, true)
				return
			}
			w.acknowledged(kindWeb, string(m[1]), marker)
			return
		case path == base+"/check":
			if _, err := get(next, "GET /s/{slug}/check"); err != nil {
				w.failed(kindWeb, marker, false)
				return
			}
			r, err = post(next, stepWebSend, url.Values{})
			send := w.st.row(rowWebSend)
			send.latencies = append(send.latencies, r.latency)
			if err != nil {
				send.failed++
				w.failed(kindWeb, marker, mayBeStored(r, err))
				return
			}
			send.done++
		case webQuestionPath.MatchString(path):
			key := webQuestionPath.FindStringSubmatch(path)[1]
			if _, err := get(next, "GET /s/{slug}/q/{key}"); err != nil {
				w.failed(kindWeb, marker, false)
				return
			}
			form := url.Values{"action": {"continue"}}
			if v, ok := answers[key]; ok {
				form[key] = v
			}
			if r, err = post(next, "POST /s/{slug}/q/{key}", form); err != nil {
				w.failed(kindWeb, marker, false)
				return
			}
		case webEqualityPath.MatchString(path):
			step := "/s/{slug}/equality"
			if strings.Count(path, "/") > 3 {
				step += "/{key}"
			}
			if _, err := get(next, "GET "+step); err != nil {
				w.failed(kindWeb, marker, false)
				return
			}
			// No to the optional questions about oneself; on a page
			// past the choice, Continue with it left blank.
			form := url.Values{"action": {"continue"}}
			if step == "/s/{slug}/equality" {
				form.Set("answer", "no")
			}
			if r, err = post(next, "POST "+step, form); err != nil {
				w.failed(kindWeb, marker, false)
				return
			}
		default:
			w.problem(kindWeb, "redirect", "to an unexpected page")
			w.failed(kindWeb, marker, false)
			return
		}
	}
	w.problem(kindWeb, "redirect", fmt.Sprintf("more than %d pages", maxWebPages))
	w.failed(kindWeb, marker, true)
}

// mayBeStored says whether a submission whose request failed this way
// may have been stored: not when the server refused it (4xx), which
// stores nothing; when the answer did not come (a timeout, a dropped
// connection), when the server failed (5xx), or when a 2xx answer made no
// sense.
func mayBeStored(r *reply, err error) bool {
	return !(errors.Is(err, errStatus) && r.status >= 400 && r.status < 500)
}

// location is where a redirect leads, as a path on the same server.
func location(r *reply) (string, error) {
	loc := r.header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("303 without a Location")
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("Location is not a URL")
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery, nil
	}
	return u.Path, nil
}

// smsFlow is one resident's text conversation from a number of its own:
// the keyword, then a reply to each question the server asks (found by
// its prompt), SKIP for the equality questions, until the reply with the
// reference. Each text is a webhook signed as Twilio signs it; some are
// sent twice with the same MessageSid, as Twilio does when it retries,
// and must get the same reply.
func smsFlow(ctx context.Context, w *worker) {
	s := w.t.survey
	marker := w.marker(kindSMS)
	answers := w.t.gen.answers(w.rng, marker)
	phone := fmt.Sprintf("+447%09d", (w.t.phoneBase+uint64(w.id)*10_000_000+uint64(w.seq))%1_000_000_000)
	lang, def := s.DefaultLanguage(), s.DefaultLanguage()
	text := s.SMS.Keyword
	skippedEquality := false
	for turn := range maxSMSTurns {
		msg, r, err := w.text(ctx, phone, text)
		if err != nil {
			w.failed(kindSMS, marker, mayBeStored(r, err))
			return
		}
		switch q := promptedQuestion(s, lang, def, msg); {
		case turn == 0 && len(s.Languages) > 1:
			text = "1" // the language menu: the first, the survey's default
		case q != nil:
			text = smsAnswer(q, answers[q.Key])
		case smsReferencePat.MatchString(msg):
			final := w.st.row(rowSMSFinal)
			final.latencies = append(final.latencies, r.latency)
			final.done++
			w.acknowledged(kindSMS, smsReferencePat.FindStringSubmatch(msg)[1], marker)
			return
		case s.EqualityMonitoring && !skippedEquality:
			text, skippedEquality = "SKIP", true
		default:
			w.problem(kindSMS, stepSMS, "unexpected reply: "+firstLine(msg))
			w.failed(kindSMS, marker, true)
			return
		}
	}
	w.problem(kindSMS, stepSMS, fmt.Sprintf("more than %d texts", maxSMSTurns))
	w.failed(kindSMS, marker, true)
}

// text sends one incoming text from phone, sometimes twice, and returns
// the reply in the TwiML.
func (w *worker) text(ctx context.Context, phone, body string) (string, *reply, error) {
	sid := fmt.Sprintf("SM%016x%016x", w.rng.Uint64(), w.rng.Uint64())
	msg, r, err := w.textOnce(ctx, sid, phone, body)
	if err != nil || w.rng.Float64() >= w.t.smsRepeat {
		return msg, r, err
	}
	w.st.repeats++
	again, _, err := w.textOnce(ctx, sid, phone, body)
	if err != nil {
		// Twilio sends again only when the first answer did not reach it,
		// so the conversation stops here, with r (the first, a 200) as
		// the reply that counts: what that text did may be stored.
		return "", r, err
	}
	if again != msg {
		w.problem(kindSMS, stepSMS, "a repeated text got a different reply")
		return "", r, fmt.Errorf("repeat differs")
	}
	return msg, r, nil
}

func (w *worker) textOnce(ctx context.Context, sid, phone, body string) (string, *reply, error) {
	form := url.Values{
		"ToCountry": {"GB"}, "ToState": {""}, "SmsMessageSid": {sid}, "NumMedia": {"0"}, "ToCity": {""},
		"FromZip": {""}, "SmsSid": {sid}, "FromState": {""}, "SmsStatus": {"received"}, "FromCity": {""},
		"Body": {body}, "FromCountry": {"GB"}, "To": {w.t.smsTo}, "ToZip": {""}, "NumSegments": {"1"},
		"MessageSid": {sid}, "AccountSid": {"AC" + strings.Repeat("0", 32)}, "From": {phone}, "ApiVersion": {"2010-04-01"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.t.base+"/sms/twilio", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilioSignature(w.t.twilioToken, w.t.publicURL+"/sms/twilio", form))
	r, err := w.do(req, kindSMS, stepSMS, http.StatusOK, true, nil)
	if err != nil {
		return "", r, err
	}
	var doc struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(r.body, &doc); err != nil || len(doc.Messages) != 1 {
		w.problem(kindSMS, stepSMS, "reply is not TwiML with one message")
		return "", r, fmt.Errorf("not TwiML")
	}
	return doc.Messages[0], r, nil
}

// twilioSignature is the X-Twilio-Signature Twilio sends with a webhook to
// fullURL: base64 of HMAC-SHA1, keyed by the auth token, over the URL and
// then each parameter's name and value, sorted by name.
func twilioSignature(authToken, fullURL string, form url.Values) string {
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

// promptedQuestion is the question msg asks: the one whose prompt (as
// the server words it for a text) follows a progress mark like "(2/5) ";
// the longest, if prompts overlap.
func promptedQuestion(s *surveys.Survey, lang, def, msg string) *surveys.Question {
	var found *surveys.Question
	best := 0
	for i := range s.Questions {
		q := &s.Questions[i]
		prompt := q.SMSPrompt.In(lang, "")
		if prompt == "" {
			prompt = q.Prompt.In(lang, def)
		}
		if prompt != "" && len(prompt) > best && strings.Contains(msg, ") "+prompt) {
			found, best = q, len(prompt)
		}
	}
	return found
}

// smsAnswer is the text that gives values as the answer to q: option
// numbers for choices, YES or NO, the number or the words; SKIP for none.
func smsAnswer(q *surveys.Question, values []string) string {
	if len(values) == 0 {
		return "SKIP"
	}
	switch q.Type {
	case surveys.TypeSingleChoice, surveys.TypeMultipleChoice:
		var nums []string
		for _, v := range values {
			for i, o := range q.Options {
				if o.Value == v {
					nums = append(nums, strconv.Itoa(i+1))
				}
			}
		}
		return strings.Join(nums, " ")
	case surveys.TypeYesNo:
		return strings.ToUpper(values[0])
	}
	return values[0]
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

// answerGen makes answers to a survey that it accepts: every question that
// is asked (show_if followed), required ones always, optional ones three
// times in four; the marker as the answer to one free-text question.
type answerGen struct {
	s         *surveys.Survey
	markerKey string // "" when no free-text question can hold the marker
}

func newAnswerGen(s *surveys.Survey) (*answerGen, error) {
	g := &answerGen{s: s}
	// The marker goes in a free-text question every path asks: the first
	// without show_if, a required one if there is one.
	for _, required := range []bool{true, false} {
		for i := range s.Questions {
			q := &s.Questions[i]
			if g.markerKey == "" && q.ShowIf == nil && q.Required == required &&
				(q.Type == surveys.TypeText || q.Type == surveys.TypeLongText) && q.MaxTextLength() >= 80 {
				g.markerKey = q.Key
			}
		}
	}
	// Check a few against the survey's own rules, so that a survey this
	// cannot answer is found now rather than as errors under load.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		sub := &surveys.Submission{Language: s.DefaultLanguage(), Channel: surveys.ChannelAPI,
			Answers: g.answers(rng, fmt.Sprintf("voices-load check %d", i)), Equality: map[string]string{}}
		if _, err := s.CheckSubmission(sub); err != nil {
			return nil, fmt.Errorf("voices-load cannot make answers survey %s accepts: %v (answers %v)", s.Slug, err, sub.Answers)
		}
	}
	return g, nil
}

var loadWords = []string{"opening hours", "the staff", "quiet space to study", "books for children", "free wifi",
	"the building", "parking", "events for older people", "help with forms", "the mobile library"}

func (g *answerGen) answers(rng *rand.Rand, marker string) map[string][]string {
	a := map[string][]string{}
	for i := range g.s.Questions {
		q := &g.s.Questions[i]
		if c := q.ShowIf; c != nil && !slices.ContainsFunc(a[c.Question], func(v string) bool { return slices.Contains(c.In, v) }) {
			continue
		}
		if q.Key == g.markerKey {
			a[q.Key] = []string{marker}
			continue
		}
		if !q.Required && rng.IntN(4) == 0 {
			continue
		}
		if v := answerFor(q, rng); len(v) > 0 {
			a[q.Key] = v
		}
	}
	return a
}

// answerFor is a valid answer to q, never "Other" (which needs its own
// text on every channel).
func answerFor(q *surveys.Question, rng *rand.Rand) []string {
	switch q.Type {
	case surveys.TypeText, surveys.TypeLongText:
		t := "Load test: " + loadWords[rng.IntN(len(loadWords))]
		if max := q.MaxTextLength(); len(t) > max {
			t = t[:max]
		}
		return []string{t}
	case surveys.TypeSingleChoice:
		if len(q.Options) == 0 {
			return nil
		}
		return []string{q.Options[rng.IntN(len(q.Options))].Value}
	case surveys.TypeMultipleChoice:
		if len(q.Options) == 0 {
			return nil
		}
		picked := rng.Perm(len(q.Options))[:1+rng.IntN(min(2, len(q.Options)))]
		slices.Sort(picked)
		var out []string
		for _, i := range picked {
			out = append(out, q.Options[i].Value)
		}
		return out
	case surveys.TypeYesNo:
		return []string{[]string{"yes", "no"}[rng.IntN(2)]}
	case surveys.TypeScale, surveys.TypeNumber:
		lo, hi := 1, 5
		if q.Type == surveys.TypeNumber {
			lo, hi = 0, 100
		}
		if q.Min != nil {
			lo = int(*q.Min)
			if float64(lo) < *q.Min {
				lo++
			}
		}
		if q.Max != nil {
			hi = int(*q.Max)
			if float64(hi) > *q.Max {
				hi--
			}
		} else if q.Min != nil {
			hi = lo + 100
		}
		if hi < lo {
			return nil
		}
		return []string{strconv.Itoa(lo + rng.IntN(hi-lo+1))}
	}
	return nil
}
