package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Tests of the resident's web form (server/web.go), driven like a browser
// without JavaScript: a cookie jar, the csrf token read from each page, and
// redirects that are checked rather than followed.

// webDemo is the demo consultation's address.
const webDemo = "/s/care-strategy-2027"

// webBinsYAML is a small open survey with one question of each kind the
// error tests need, in English and Urdu, without equality questions.
const webBinsYAML = `
slug: bins
title: {en: "Bin collections", ur: "کوڑا اٹھانے کا نظام"}
languages: [en, ur]
status: open
questions:
  - key: name
    type: text
    required: true
    max_length: 10
    prompt: {en: "What should we call the new bins?", ur: "نئے کوڑے دانوں کا نام کیا ہو؟"}
  - key: count
    type: number
    min: 0
    max: 168
    prompt: {en: "How many bags do you put out each week?"}
  - key: pick
    type: single_choice
    required: true
    prompt: {en: "Which day suits you best?"}
    options:
      - {value: monday, label: {en: "Monday"}}
      - {value: friday, label: {en: "Friday"}}
  - key: extras
    type: multiple_choice
    other: true
    prompt: {en: "What else should we collect?"}
    options:
      - {value: glass, label: {en: "Glass"}}
      - {value: garden, label: {en: "Garden waste"}}
`

// webBins is the small survey's address.
const webBins = "/s/bins"

// webClock is a clock the tests move by hand (svc.Now).
type webClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *webClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *webClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// webFixture is a server on a real database with a controllable clock.
type webFixture struct {
	ctx   context.Context
	db    *sqlite.DB
	svc   *surveys.Service
	app   *fiber.App
	clock *webClock
}

// newWebFixture builds a server allowing postsPerMinute form posts (a
// generous limit when 0, so that long walks through the form never hit it).
func newWebFixture(t *testing.T, postsPerMinute int) *webFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &webClock{now: time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)}
	svc := &surveys.Service{Store: db, Now: clock.Now}
	if postsPerMinute == 0 {
		postsPerMinute = 100000
	}
	app, err := server.New(server.Config{APIPostsPerMinute: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FormPostsPerMinute: postsPerMinute}, svc)
	if err != nil {
		t.Fatal(err)
	}
	return &webFixture{ctx: ctx, db: db, svc: svc, app: app, clock: clock}
}

// webDemoFixture is a fixture with the demo consultation loaded.
func webDemoFixture(t *testing.T) *webFixture {
	t.Helper()
	f := newWebFixture(t, 0)
	if _, err := f.svc.LoadDemo(f.ctx); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	return f
}

// survey stores a survey definition and returns its address.
func (f *webFixture) survey(t *testing.T, definition string) string {
	t.Helper()
	s, err := f.svc.CreateSurvey(f.ctx, []byte(definition))
	if err != nil {
		t.Fatalf("CreateSurvey: %v", err)
	}
	return "/s/" + s.Slug
}

// responses returns every stored response to the survey at address base.
func (f *webFixture) responses(t *testing.T, base string) []*surveys.Response {
	t.Helper()
	return storedResponses(t, f.ctx, f.db, strings.TrimPrefix(base, "/s/"))
}

// response finds the stored response with reference ref.
func (f *webFixture) response(t *testing.T, base, ref string) *surveys.Response {
	t.Helper()
	return storedResponse(t, f.ctx, f.db, strings.TrimPrefix(base, "/s/"), ref)
}

// draft stores a draft with these answers, as if the resident had filled
// them in, and gives the browser its cookie. It returns the resume code.
func (f *webFixture) draft(t testing.TB, b *webBrowser, base string, answers map[string][]string, equality map[string]string) string {
	t.Helper()
	sv, err := f.db.Survey(f.ctx, strings.TrimPrefix(base, "/s/"))
	if err != nil {
		t.Fatalf("Survey(%s): %v", base, err)
	}
	d, code, err := f.svc.StartDraft(f.ctx, sv, "en")
	if err != nil {
		t.Fatalf("StartDraft: %v", err)
	}
	maps.Copy(d.Answers, answers)
	maps.Copy(d.Equality, equality)
	if err := f.svc.SaveDraft(f.ctx, d); err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	if b != nil {
		b.setCookie("voices_draft_"+sv.Slug, code, base)
	}
	return code
}

// webPage is one response as the browser saw it.
type webPage struct {
	method, path string
	status       int
	header       http.Header
	body         string
}

func (p *webPage) String() string { return p.method + " " + p.path + " → " + strconv.Itoa(p.status) }

// location is where a redirect leads.
func (p *webPage) location() string { return p.header.Get("Location") }

// webBrowser keeps cookies between requests like a browser, remembers the
// csrf token of the last page with a form, and never follows redirects.
type webBrowser struct {
	t       testing.TB
	app     *fiber.App
	cookies []*http.Cookie
	header  http.Header // sent with every request, e.g. Accept-Language
	csrf    string
}

func (f *webFixture) browser(t testing.TB) *webBrowser {
	return &webBrowser{t: t, app: f.app, header: http.Header{}}
}

// setCookie stores a cookie as if a response had set it.
func (b *webBrowser) setCookie(name, value, path string) {
	b.store(&http.Cookie{Name: name, Value: value, Path: path})
}

// dropCookie forgets every cookie called name.
func (b *webBrowser) dropCookie(name string) {
	kept := b.cookies[:0]
	for _, c := range b.cookies {
		if c.Name != name {
			kept = append(kept, c)
		}
	}
	b.cookies = kept
}

// cookie returns the value of the cookie called name sent to path, or "".
func (b *webBrowser) cookie(name, path string) string {
	for _, c := range b.cookies {
		if c.Name == name && webPathMatch(path, c.Path) {
			return c.Value
		}
	}
	return ""
}

func (b *webBrowser) store(c *http.Cookie) {
	if c.Path == "" {
		c.Path = "/"
	}
	for i, old := range b.cookies {
		if old.Name == c.Name && old.Path == c.Path {
			b.cookies = append(b.cookies[:i], b.cookies[i+1:]...)
			break
		}
	}
	if c.MaxAge < 0 || c.Value == "" {
		return // deleted
	}
	b.cookies = append(b.cookies, c)
}

// webPathMatch is RFC 6265's path-match.
func webPathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	return strings.HasPrefix(reqPath, cookiePath) &&
		(strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/')
}

var (
	webOwnScript        = regexp.MustCompile(`<script src="/static/[a-z-]+-[0-9a-f]{8}\.js" defer></script>`)
	webCSRFPattern      = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	webTitlePattern     = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	webReferencePattern = regexp.MustCompile(`<strong class="reference" dir="ltr">([^<]*)</strong>`)
	webStylePattern     = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)
	webResumeCode       = regexp.MustCompile(`^[346789ABCDEFGHJKMNPQRTWXY]{4}-[346789ABCDEFGHJKMNPQRTWXY]{4}-[346789ABCDEFGHJKMNPQRTWXY]{4}$`)
	webReferenceFormat  = regexp.MustCompile(`^[346789ABCDEFGHJKMNPQRTWXY]{3}-[346789ABCDEFGHJKMNPQRTWXY]{3}$`)
)

// send makes one request with the browser's cookies; form, when not nil, is
// sent as it is, urlencoded.
func (b *webBrowser) send(method, path string, form url.Values) *webPage {
	b.t.Helper()
	if form == nil {
		return b.sendBody(method, path, "", nil)
	}
	return b.sendBody(method, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// postFile sends a multipart form, as a browser does for a form with a file
// input, with the csrf token and the empty honeypot.
func (b *webBrowser) postFile(path string, fields url.Values, fileField, fileName string, content []byte) *webPage {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields = maps.Clone(fields)
	if fields == nil {
		fields = url.Values{}
	}
	if !fields.Has("csrf") {
		fields.Set("csrf", b.csrf)
	}
	fields.Set("website", "")
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return b.sendBody(http.MethodPost, path, w.FormDataContentType(), &buf)
}

// sendBody makes one request with the browser's cookies and this body.
func (b *webBrowser) sendBody(method, path, contentType string, body io.Reader) *webPage {
	b.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	reqPath := req.URL.Path
	for _, c := range b.cookies {
		if webPathMatch(reqPath, c.Path) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	for _, c := range resp.Cookies() {
		b.store(c)
	}
	p := &webPage{method: method, path: path, status: resp.StatusCode, header: resp.Header, body: string(data)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		webCheckHTML(b.t, p)
		if m := webCSRFPattern.FindStringSubmatch(p.body); m != nil {
			b.csrf = m[1]
		}
	}
	return p
}

// webCheckHTML checks what every HTML page must be: a Content-Security-Policy
// that allows no inline code or style, and no script at all.
func webCheckHTML(t testing.TB, p *webPage) {
	t.Helper()
	csp := p.header.Get("Content-Security-Policy")
	if csp == "" {
		t.Errorf("%s: no Content-Security-Policy header", p)
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: Content-Security-Policy %q allows %s", p, csp, bad)
		}
	}
	// Only the import progress page runs script: one file of our own, which
	// its CSP names, and the page works without it.
	if strings.Contains(strings.ToLower(p.body), "<script") {
		if !strings.Contains(csp, "script-src 'self'") || !webOwnScript.MatchString(p.body) || strings.Count(strings.ToLower(p.body), "<script") != 1 {
			t.Errorf("%s: the page has a <script that is not one file of our own allowed by its CSP", p)
		}
	}
	if strings.Contains(p.body, ` style="`) {
		t.Errorf("%s: the page has an inline style attribute, which its CSP blocks", p)
	}
}

// get loads a page.
func (b *webBrowser) get(path string) *webPage {
	b.t.Helper()
	return b.send(http.MethodGet, path, nil)
}

// post sends a form as a browser would from the last page: with its csrf
// token and the empty honeypot, unless form sets them.
func (b *webBrowser) post(path string, form url.Values) *webPage {
	b.t.Helper()
	form = maps.Clone(form)
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", b.csrf)
	}
	if !form.Has("website") {
		form.Set("website", "")
	}
	return b.send(http.MethodPost, path, form)
}

// webForm makes form values from name, value pairs; a name may repeat
// (checkboxes).
func webForm(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

// answer loads the page at path, then presses Continue with the answer in
// pairs, and returns where the form leads.
func (b *webBrowser) answer(path string, pairs ...string) *webPage {
	b.t.Helper()
	if p := b.get(path); p.status != http.StatusOK {
		b.t.Fatalf("%s: got %d, want 200\n%s", p, p.status, webText(p.body))
	}
	form := webForm(pairs...)
	if !form.Has("action") {
		form.Set("action", "continue")
	}
	return b.post(path, form)
}

// start opens the survey's start page and presses Start now.
func (b *webBrowser) start(base string) *webPage {
	b.t.Helper()
	if p := b.get(base); p.status != http.StatusOK {
		b.t.Fatalf("%s: got %d, want 200\n%s", p, p.status, webText(p.body))
	}
	return b.post(base+"/start", nil)
}

// webStep is one page of a walk through a form: the answer given there and
// where Continue must lead (both relative to the survey's address).
type webStep struct {
	path string
	form []string
	next string
}

// walk starts the survey and answers each step, checking each redirect.
func (b *webBrowser) walk(base string, steps []webStep) {
	b.t.Helper()
	p := b.start(base)
	if got, want := p.location(), base+steps[0].path; p.status != http.StatusSeeOther || got != want {
		b.t.Fatalf("%s: got %d to %q, want 303 to %q", p, p.status, got, want)
	}
	for _, st := range steps {
		p := b.answer(base+st.path, st.form...)
		if got, want := p.location(), base+st.next; p.status != http.StatusSeeOther || got != want {
			b.t.Fatalf("%s with %v: got %d to %q, want 303 to %q\n%s", p, st.form, p.status, got, want, webText(p.body))
		}
	}
}

// submit sends the answers from the check page and returns the reference
// shown on the confirmation page.
func (b *webBrowser) submit(base string) string {
	b.t.Helper()
	if p := b.get(base + "/check"); p.status != http.StatusOK {
		b.t.Fatalf("%s: got %d, want 200\n%s", p, p.status, webText(p.body))
	}
	p := b.post(base+"/check", nil)
	if got, want := p.location(), base+"/done"; p.status != http.StatusSeeOther || got != want {
		b.t.Fatalf("%s: got %d to %q, want 303 to %q\n%s", p, p.status, got, want, webText(p.body))
	}
	done := b.get(base + "/done")
	if done.status != http.StatusOK {
		b.t.Fatalf("%s: got %d, want 200", done, done.status)
	}
	m := webReferencePattern.FindStringSubmatch(done.body)
	if m == nil || !webReferenceFormat.MatchString(m[1]) {
		b.t.Fatalf("%s: no reference like K7P-3QX on the page:\n%s", done, webText(done.body))
	}
	return m[1]
}

// webText is a page's main content, shortened, for failure messages.
func webText(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}

// webTitle is the page's <title>, unescaped.
func webTitle(body string) string {
	m := webTitlePattern.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// answersOf turns a stored response's answers into a map.
func answersOf(r *surveys.Response) map[string][]string {
	m := map[string][]string{}
	for _, a := range r.Answers {
		m[a.Key] = a.Values
	}
	return m
}

// webDemoQuestions is the start of every walk through the demo up to the
// rating page.
var webDemoStart = []webStep{
	{"/q/matters", []string{"matters", "Staying in my own home"}, "/q/services"},
	{"/q/services", []string{"services", "home_care", "services", "other", "services_other", "Lunch club"}, "/q/rating"},
}

func webSteps(parts ...[]webStep) []webStep {
	var out []webStep
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// webDemoLowRatingCarer answers every survey question, with a low rating
// and as an unpaid carer, so both follow-up questions are asked.
var webDemoLowRatingCarer = webSteps(webDemoStart, []webStep{
	{"/q/rating", []string{"rating", "1"}, "/q/why_low"},
	{"/q/why_low", []string{"why_low", "Carers keep changing"}, "/q/info_ease"},
	{"/q/info_ease", []string{"info_ease", "fairly_hard"}, "/q/info_source"},
	{"/q/info_source", []string{"info_source", "other", "info_source_other", "Mosque notice board"}, "/q/unpaid_carer"},
	{"/q/unpaid_carer", []string{"unpaid_carer", "yes"}, "/q/carer_hours"},
	{"/q/carer_hours", []string{"carer_hours", "35"}, "/q/one_change"},
	{"/q/one_change", []string{"one_change", "The same carer every visit"}, "/equality"},
})

var webDemoLowRatingCarerAnswers = map[string][]string{
	"matters": {"Staying in my own home"}, "services": {"home_care", "other"}, "services_other": {"Lunch club"},
	"rating": {"1"}, "why_low": {"Carers keep changing"}, "info_ease": {"fairly_hard"},
	"info_source": {"other"}, "info_source_other": {"Mosque notice board"},
	"unpaid_carer": {"yes"}, "carer_hours": {"35"}, "one_change": {"The same carer every visit"},
}

// webDemoHighRating answers with a good rating, as someone who is not a
// carer, leaving the optional questions blank: both follow-ups are skipped.
var webDemoHighRating = []webStep{
	{"/q/matters", []string{"matters", "Being treated with dignity"}, "/q/services"},
	{"/q/services", nil, "/q/rating"},
	{"/q/rating", []string{"rating", "4"}, "/q/info_ease"},
	{"/q/info_ease", []string{"info_ease", "very_easy"}, "/q/info_source"},
	{"/q/info_source", nil, "/q/unpaid_carer"},
	{"/q/unpaid_carer", []string{"unpaid_carer", "no"}, "/q/one_change"},
	{"/q/one_change", []string{"one_change", "Shorter waits"}, "/equality"},
}

var webDemoHighRatingAnswers = map[string][]string{
	"matters": {"Being treated with dignity"}, "rating": {"4"}, "info_ease": {"very_easy"},
	"unpaid_carer": {"no"}, "one_change": {"Shorter waits"},
}

// TestWebPageOrder walks the demo consultation along different paths and
// checks that show_if, on the server, decides which page comes next, and
// what is stored at the end.
func TestWebPageOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		steps        []webStep
		hidden       []string // pages that must not be shown on this path
		wantAnswers  map[string][]string
		wantEquality map[string]string
	}{
		{
			name: "every follow-up asked",
			steps: webSteps(webDemoLowRatingCarer, []webStep{
				{"/equality", []string{"answer", "yes"}, "/equality/age_band"},
				{"/equality/age_band", []string{"age_band", "35_49"}, "/equality/sex"},
				{"/equality/sex", []string{"sex", "female"}, "/equality/gender_identity"},
				{"/equality/gender_identity", []string{"gender_identity", "yes"}, "/equality/sexual_orientation"},
				{"/equality/sexual_orientation", []string{"sexual_orientation", "prefer_not_to_say"}, "/equality/_ethnic_group_broad"},
				{"/equality/_ethnic_group_broad", []string{"_ethnic_group_broad", "asian"}, "/equality/ethnic_group"},
				{"/equality/ethnic_group", []string{"ethnic_group", "asian_pakistani"}, "/equality/religion"},
				{"/equality/religion", []string{"religion", "muslim"}, "/equality/disability_condition"},
				{"/equality/disability_condition", []string{"disability_condition", "yes"}, "/equality/disability_impact"},
				{"/equality/disability_impact", []string{"disability_impact", "a_little"}, "/equality/unpaid_care"},
				{"/equality/unpaid_care", []string{"unpaid_care", "h35_49"}, "/equality/main_language"},
				{"/equality/main_language", []string{"main_language", "other", "main_language_other", "Urdu"}, "/equality/english_proficiency"},
				{"/equality/english_proficiency", []string{"english_proficiency", "well"}, "/check"},
			}),
			wantAnswers: webDemoLowRatingCarerAnswers,
			wantEquality: map[string]string{
				"age_band": "35_49", "sex": "female", "gender_identity": "yes", "sexual_orientation": "prefer_not_to_say",
				"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian", "religion": "muslim",
				"disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_little",
				"unpaid_care": "h35_49", "main_language": "other", "main_language_other": "Urdu", "english_proficiency": "well",
			},
		},
		{
			name: "every follow-up skipped",
			steps: webSteps(webDemoHighRating, []webStep{
				{"/equality", []string{"answer", "yes"}, "/equality/age_band"},
				{"/equality/age_band", []string{"age_band", "prefer_not_to_say"}, "/equality/sex"},
				{"/equality/sex", nil, "/equality/gender_identity"},
				{"/equality/gender_identity", nil, "/equality/sexual_orientation"},
				{"/equality/sexual_orientation", nil, "/equality/_ethnic_group_broad"},
				{"/equality/_ethnic_group_broad", []string{"_ethnic_group_broad", "prefer_not_to_say"}, "/equality/religion"},
				{"/equality/religion", nil, "/equality/disability_condition"},
				{"/equality/disability_condition", []string{"disability_condition", "no"}, "/equality/unpaid_care"},
				{"/equality/unpaid_care", []string{"unpaid_care", "no"}, "/equality/main_language"},
				{"/equality/main_language", []string{"main_language", "english"}, "/check"},
			}),
			hidden:      []string{"/q/why_low", "/q/carer_hours", "/equality/ethnic_group", "/equality/disability_impact", "/equality/english_proficiency"},
			wantAnswers: webDemoHighRatingAnswers,
			wantEquality: map[string]string{
				"age_band": "prefer_not_to_say", "ethnic_group": "prefer_not_to_say", "ethnic_group_broad": "prefer_not_to_say",
				"disability_condition": "no", "disability": "no_ltc", "unpaid_care": "no", "main_language": "english",
			},
		},
		{
			name: "equality questions skipped",
			steps: webSteps(webDemoLowRatingCarer, []webStep{
				{"/equality", []string{"answer", "no"}, "/check"},
			}),
			hidden:      []string{"/equality/age_band", "/equality/_ethnic_group_broad", "/equality/main_language"},
			wantAnswers: webDemoLowRatingCarerAnswers,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := webDemoFixture(t)
			b := f.browser(t)
			b.walk(webDemo, tt.steps)
			for _, path := range tt.hidden {
				if p := b.get(webDemo + path); p.status != http.StatusSeeOther {
					t.Errorf("%s: got %d, want 303 away from a page this path does not ask", p, p.status)
				}
			}
			ref := b.submit(webDemo)
			r := f.response(t, webDemo, ref)
			if got, want := r.Channel, surveys.ChannelWeb; got != want {
				t.Errorf("channel: got %q, want %q", got, want)
			}
			if got, want := r.Language, "en"; got != want {
				t.Errorf("language: got %q, want %q", got, want)
			}
			if got, want := r.Mediation.EnteredBy, surveys.EnteredBySelf; got != want {
				t.Errorf("entered_by: got %q, want %q", got, want)
			}
			if got, want := answersOf(r), tt.wantAnswers; !reflect.DeepEqual(got, want) {
				t.Errorf("answers:\n got %v\nwant %v", got, want)
			}
			if got, want := r.Equality, tt.wantEquality; !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
				t.Errorf("equality:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// TestWebChangeHidesFollowUp changes the rating from 1 to 4 after why_low
// was answered: the answer to why_low is discarded.
func TestWebChangeHidesFollowUp(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)
	b := f.browser(t)
	b.walk(webDemo, webSteps(webDemoLowRatingCarer, []webStep{{"/equality", []string{"answer", "no"}, "/check"}}))
	p := b.answer(webDemo+"/q/rating?return=check", "rating", "4")
	if got, want := p.location(), webDemo+"/check"; p.status != http.StatusSeeOther || got != want {
		t.Fatalf("%s: got %d to %q, want 303 to %q", p, p.status, got, want)
	}
	check := b.get(webDemo + "/check")
	for _, gone := range []string{"What is not working well?", "Carers keep changing", webDemo + "/q/why_low"} {
		if strings.Contains(check.body, gone) {
			t.Errorf("check page still shows %q after the rating changed to 4", gone)
		}
	}
	ref := b.submit(webDemo)
	got := answersOf(f.response(t, webDemo, ref))
	if v, ok := got["why_low"]; ok {
		t.Errorf("stored why_low: got %q, want no answer", v)
	}
	if got, want := got["rating"], []string{"4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored rating: got %q, want %q", got, want)
	}
}

// TestWebErrors posts answers the server must refuse: each comes back with
// a 422 page that says what is wrong, where, and keeps what was typed.
func TestWebErrors(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)
	longOther := strings.Repeat("x", surveys.OtherTextMaxLength+1)
	tests := []struct {
		name     string
		key      string
		form     []string
		wantText string   // the error message
		wantKept []string // HTML showing what the resident gave
	}{
		{"required text left empty", "name", []string{"name", ""}, "Enter your answer", nil},
		{"required text only spaces", "name", []string{"name", "   "}, "Enter your answer", nil},
		{"text too long", "name", []string{"name", "Wheelie bins"}, "Your answer must be 10 characters or fewer. It is 12 characters now.",
			[]string{`value="Wheelie bins"`}},
		{"not a number", "count", []string{"count", "lots"}, "Enter a number, for example 12 or 3.5", []string{`value="lots"`}},
		{"number out of range", "count", []string{"count", "200"}, "Enter a number from 0 to 168", []string{`value="200"`}},
		{"required choice left empty", "pick", nil, "Select an answer", nil},
		{"not an option", "pick", []string{"pick", "sunday"}, "Select one of the answers listed", nil},
		{"other text too long", "extras", []string{"extras", "glass", "extras", "other", "extras_other", longOther},
			"Your answer must be 500 characters or fewer. It is 501 characters now.",
			[]string{`value="glass" checked`, `value="other" checked`, `value="` + longOther + `"`}},
	}
	// Where the error belongs when it is not the question itself: the
	// summary must lead to the box with the problem.
	errorAt := map[string]string{"other text too long": "extras_other"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.key
			if id, ok := errorAt[tt.name]; ok {
				at = id
			}
			b := f.browser(t)
			b.start(webBins)
			p := b.answer(webBins+"/q/"+tt.key, tt.form...)
			if got, want := p.status, http.StatusUnprocessableEntity; got != want {
				t.Fatalf("%s: got %d, want %d\n%s", p, got, want, webText(p.body))
			}
			if !strings.Contains(p.body, "There is a problem") {
				t.Errorf("no error summary titled %q", "There is a problem")
			}
			if link := `<a href="#` + at + `">` + tt.wantText + `</a>`; !strings.Contains(p.body, link) {
				t.Errorf("error summary: no link %s\n%s", link, webText(p.body))
			}
			beside := regexp.MustCompile(`<p id="` + at + `-error" class="error-message">.*?` + regexp.QuoteMeta(tt.wantText) + `</p>`)
			if !beside.MatchString(p.body) {
				t.Errorf("no error message %q beside the field", tt.wantText)
			}
			if got := webTitle(p.body); !strings.HasPrefix(got, "Error: ") {
				t.Errorf("title: got %q, want it to start with %q", got, "Error: ")
			}
			if !regexp.MustCompile(`aria-describedby="[^"]*\b` + at + `-error"`).MatchString(p.body) {
				t.Errorf("the field is not described by its error message (aria-describedby)")
			}
			for _, kept := range tt.wantKept {
				if !strings.Contains(p.body, kept) {
					t.Errorf("what was given is not kept: no %.60s… in the page", kept)
				}
			}
			// Nothing was saved: the page, loaded again, is empty.
			again := b.get(webBins + "/q/" + tt.key)
			if again.status != http.StatusOK || strings.Contains(again.body, "checked") || strings.Contains(again.body, "There is a problem") {
				t.Errorf("%s: got %d, want 200 with no answer and no error", again, again.status)
			}
			for _, kept := range tt.wantKept {
				if strings.Contains(again.body, kept) {
					t.Errorf("the refused answer was saved: %.60s… is on the page loaded again", kept)
				}
			}
		})
	}
}

// TestWebCheckAnswers checks the Change links on the check page and that,
// after changing an answer, Continue goes back to the check page.
func TestWebCheckAnswers(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)

	t.Run("change links", func(t *testing.T) {
		b := f.browser(t)
		b.walk(webDemo, webSteps(webDemoLowRatingCarer, []webStep{
			{"/equality", []string{"answer", "yes"}, "/equality/age_band"},
			{"/equality/age_band", []string{"age_band", "35_49"}, "/equality/sex"},
			{"/equality/sex", []string{"sex", "female"}, "/equality/gender_identity"},
			{"/equality/gender_identity", nil, "/equality/sexual_orientation"},
			{"/equality/sexual_orientation", nil, "/equality/_ethnic_group_broad"},
			{"/equality/_ethnic_group_broad", []string{"_ethnic_group_broad", "black"}, "/equality/ethnic_group"},
			{"/equality/ethnic_group", []string{"ethnic_group", "black_african", "ethnic_group_other", "Somali"}, "/equality/religion"},
			{"/equality/religion", nil, "/equality/disability_condition"},
			{"/equality/disability_condition", nil, "/equality/unpaid_care"},
			{"/equality/unpaid_care", nil, "/equality/main_language"},
			{"/equality/main_language", nil, "/check"},
		}))
		p := b.get(webDemo + "/check")
		if p.status != http.StatusOK {
			t.Fatalf("%s: got %d, want 200", p, p.status)
		}
		for _, key := range []string{"matters", "services", "rating", "why_low", "info_ease", "info_source", "unpaid_carer", "carer_hours", "one_change"} {
			if href := `href="` + webDemo + "/q/" + key + `?return=check"`; !strings.Contains(p.body, href) {
				t.Errorf("check page: no Change link %s", href)
			}
		}
		for _, key := range []string{"age_band", "sex", "_ethnic_group_broad", "ethnic_group", "religion", "disability_condition", "main_language"} {
			if href := `href="` + webDemo + "/equality/" + key + `?return=check"`; !strings.Contains(p.body, href) {
				t.Errorf("check page: no Change link %s", href)
			}
		}
		for _, shown := range []string{"Staying in my own home", "Care at home", "Lunch club", "Mosque notice board", "35",
			"35 to 49", "Female", "Black, Black British, Caribbean or African", "African", "Somali"} {
			if !strings.Contains(p.body, ">"+shown+"<") {
				t.Errorf("check page: the answer %q is not shown", shown)
			}
		}
		// 9 questions, and 10 equality pages: not disability_impact or
		// english_proficiency, whose first questions were left blank.
		if got, want := strings.Count(p.body, `?return=check"`), 9+10; got != want {
			t.Errorf("check page: got %d Change links, want %d (one per question asked)", got, want)
		}
	})

	// The draft of someone at the check page who gave a rating of 4, is
	// not a carer and left the optional questions blank.
	answers := map[string][]string{"matters": {"Being treated with dignity"}, "rating": {"4"}, "info_ease": {"very_easy"},
		"unpaid_carer": {"no"}, "one_change": {"Shorter waits"}}
	equality := map[string]string{"_answer": "yes", "age_band": "35_49", "_ethnic_group_broad": "white", "ethnic_group": "white_irish"}
	tests := []struct {
		name  string
		steps []webStep // each path carries ?return=check, as the Change link does
	}{
		{"last question", []webStep{{"/q/one_change?return=check", []string{"one_change", "More respite"}, "/check"}}},
		{"followed by an answered question", []webStep{{"/q/rating?return=check", []string{"rating", "5"}, "/check"}}},
		{"followed by a question left blank", []webStep{{"/q/info_ease?return=check", []string{"info_ease", "fairly_hard"}, "/check"}}},
		{"first question", []webStep{{"/q/matters?return=check", []string{"matters", "Help at home"}, "/check"}}},
		{"equality answer", []webStep{{"/equality/age_band?return=check", []string{"age_band", "50_64"}, "/check"}}},
		{"equality choice", []webStep{{"/equality?return=check", []string{"answer", "yes"}, "/check"}}},
		{"answer that reveals a question", []webStep{
			{"/q/rating?return=check", []string{"rating", "2"}, "/q/why_low"},
			{"/q/why_low", []string{"why_low", "Nobody came"}, "/check"},
		}},
		{"equality answer that reveals a page", []webStep{
			{"/equality/disability_condition?return=check", []string{"disability_condition", "yes"}, "/equality/disability_impact"},
			{"/equality/disability_impact", []string{"disability_impact", "a_lot"}, "/check"},
		}},
		{"another broad ethnic group", []webStep{
			{"/equality/_ethnic_group_broad?return=check", []string{"_ethnic_group_broad", "asian"}, "/equality/ethnic_group"},
			{"/equality/ethnic_group", []string{"ethnic_group", "asian_bangladeshi"}, "/check"},
		}},
		{"yes that reveals a question", []webStep{
			{"/q/unpaid_carer?return=check", []string{"unpaid_carer", "yes"}, "/q/carer_hours"},
			{"/q/carer_hours", []string{"carer_hours", "20"}, "/check"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(t)
			f.draft(t, b, webDemo, answers, equality)
			path := webDemo + tt.steps[0].path
			for _, st := range tt.steps {
				p := b.answer(path, st.form...)
				loc := p.location()
				// A revealed question may be asked with or without ?return=check.
				if got, want := strings.SplitN(loc, "?", 2)[0], webDemo+st.next; p.status != http.StatusSeeOther || got != want {
					t.Fatalf("%s with %v: got %d to %q, want 303 to %q", p, st.form, p.status, loc, want)
				}
				path = loc
			}
		})
	}
}

// TestWebCSRF sends forms without a valid csrf token: each is refused with
// 403 and nothing is saved; the token from the page works.
func TestWebCSRF(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)
	tests := []struct {
		name    string
		prepare func(t *testing.T, b *webBrowser, form url.Values)
	}{
		{"no csrf field", func(t *testing.T, b *webBrowser, form url.Values) { form.Del("csrf") }},
		{"empty csrf field", func(t *testing.T, b *webBrowser, form url.Values) { form.Set("csrf", "") }},
		{"wrong csrf", func(t *testing.T, b *webBrowser, form url.Values) {
			form.Set("csrf", strings.Repeat("A", len(b.csrf)))
		}},
		{"token of another browser", func(t *testing.T, b *webBrowser, form url.Values) {
			other := f.browser(t)
			other.get(webBins)
			if other.csrf == "" || other.csrf == b.csrf {
				t.Fatalf("the other browser's token: got %q, want one that differs from %q", other.csrf, b.csrf)
			}
			form.Set("csrf", other.csrf)
		}},
		{"no form cookie", func(t *testing.T, b *webBrowser, form url.Values) { b.dropCookie("voices_form") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(t)
			b.start(webBins)
			b.get(webBins + "/q/name")
			form := webForm("csrf", b.csrf, "website", "", "action", "continue", "name", "Recycler")
			tt.prepare(t, b, form)
			p := b.send(http.MethodPost, webBins+"/q/name", form)
			if got, want := p.status, http.StatusForbidden; got != want {
				t.Fatalf("%s: got %d, want %d", p, got, want)
			}
			if !strings.Contains(p.body, "Sorry, there is a problem with this page") {
				t.Errorf("403 page: no explanation\n%s", webText(p.body))
			}
			page := b.get(webBins + "/q/name")
			if strings.Contains(page.body, "Recycler") {
				t.Errorf("the answer was saved despite the 403")
			}
			p = b.answer(webBins+"/q/name", "name", "Recycler")
			if got, want := p.location(), webBins+"/q/count"; p.status != http.StatusSeeOther || got != want {
				t.Errorf("with the page's token: got %d to %q, want 303 to %q", p.status, got, want)
			}
		})
	}

	t.Run("start without a token", func(t *testing.T) {
		b := f.browser(t)
		b.get(webBins)
		p := b.send(http.MethodPost, webBins+"/start", webForm("website", ""))
		if got, want := p.status, http.StatusForbidden; got != want {
			t.Errorf("%s: got %d, want %d", p, got, want)
		}
		if got := b.cookie("voices_draft_bins", webBins); got != "" {
			t.Errorf("a draft was started: cookie %q", got)
		}
	})
}

// TestWebHoneypot fills in the field people cannot see: the form is
// refused with 400 and nothing is saved or stored.
func TestWebHoneypot(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)
	b := f.browser(t)
	b.start(webBins)

	b.get(webBins + "/q/name")
	p := b.post(webBins+"/q/name", webForm("name", "Recycler", "action", "continue", "website", "http://spam.example"))
	if got, want := p.status, http.StatusBadRequest; got != want {
		t.Fatalf("%s: got %d, want %d", p, got, want)
	}
	if !strings.Contains(p.body, "Sorry, we could not accept these answers") {
		t.Errorf("400 page: no explanation\n%s", webText(p.body))
	}
	if page := b.get(webBins + "/q/name"); strings.Contains(page.body, "Recycler") {
		t.Errorf("the answer was saved despite the honeypot")
	}

	for _, st := range []webStep{{"/q/name", []string{"name", "Recycler"}, "/q/count"}, {"/q/pick", []string{"pick", "friday"}, "/q/extras"}} {
		if p := b.answer(webBins+st.path, st.form...); p.location() != webBins+st.next {
			t.Fatalf("%s: got %d to %q, want 303 to %q", p, p.status, p.location(), webBins+st.next)
		}
	}
	b.get(webBins + "/check")
	p = b.post(webBins+"/check", webForm("website", "anything"))
	if got, want := p.status, http.StatusBadRequest; got != want {
		t.Errorf("%s: got %d, want %d", p, got, want)
	}
	if got := len(f.responses(t, webBins)); got != 0 {
		t.Errorf("stored responses: got %d, want 0", got)
	}
	b.submit(webBins)
	if got := len(f.responses(t, webBins)); got != 1 {
		t.Errorf("stored responses after sending without the honeypot: got %d, want 1", got)
	}
}

// TestWebRateLimit sends more form posts than allowed in a minute.
func TestWebRateLimit(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 3)
	f.survey(t, webBinsYAML)
	b := f.browser(t)
	b.get(webBins)
	for i := 1; i <= 4; i++ {
		p := b.post(webBins+"/start", nil)
		want := http.StatusSeeOther
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if p.status != want {
			t.Fatalf("post %d: got %d, want %d", i, p.status, want)
		}
		if i < 4 {
			continue
		}
		if got := p.header.Get("Retry-After"); got == "" {
			t.Errorf("429: no Retry-After header")
		} else if n, err := strconv.Atoi(got); err != nil || n <= 0 {
			t.Errorf("Retry-After: got %q, want a number of seconds", got)
		}
		if !strings.Contains(p.body, "Too many attempts") {
			t.Errorf("429 page: no explanation\n%s", webText(p.body))
		}
	}
	if p := b.get(webBins); p.status != http.StatusOK {
		t.Errorf("%s: got %d, want 200 (pages are not limited, only posts)", p, p.status)
	}
}

// TestWebSaveAndResume saves part of the demo and comes back to it with the
// resume code, by link and typed in.
func TestWebSaveAndResume(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)
	before := len(f.responses(t, webDemo))
	b := f.browser(t)
	b.walk(webDemo, []webStep{{"/q/matters", []string{"matters", "Draft only: Respite for my mum"}, "/q/services"}})
	b.get(webDemo + "/q/services")
	p := b.post(webDemo+"/q/services", webForm("services", "home_care", "services", "day_centre", "action", "save"))
	if got, want := p.location(), webDemo+"/save"; p.status != http.StatusSeeOther || got != want {
		t.Fatalf("%s: got %d to %q, want 303 to %q", p, p.status, got, want)
	}
	saved := b.get(webDemo + "/save")
	if saved.status != http.StatusOK {
		t.Fatalf("%s: got %d, want 200", saved, saved.status)
	}
	m := webReferencePattern.FindStringSubmatch(saved.body)
	if m == nil || !webResumeCode.MatchString(m[1]) {
		t.Fatalf("saved page: no code like K7P3-QXWA-HC9M\n%s", webText(saved.body))
	}
	code := m[1]
	if link := webDemo + "/resume?code=" + code + "&amp;lang=en"; !strings.Contains(saved.body, link) {
		t.Errorf("saved page: no resume link ending %s\n%s", link, webText(saved.body))
	}
	if got, want := b.cookie("voices_draft_care-strategy-2027", webDemo), code; got != want {
		t.Errorf("draft cookie: got %q, want the code %q", got, want)
	}

	checkResumed := func(t *testing.T, nb *webBrowser, p *webPage) {
		t.Helper()
		if got, want := strings.SplitN(p.location(), "?", 2)[0], webDemo+"/q/services"; p.status != http.StatusSeeOther || got != want {
			t.Fatalf("%s: got %d to %q, want 303 to %q (the page they saved on)\n%s", p, p.status, p.location(), want, webText(p.body))
		}
		if next := nb.get(p.location()); next.status != http.StatusOK {
			t.Errorf("%s: got %d, want 200", next, next.status)
		}
		if page := nb.get(webDemo + "/q/matters"); !strings.Contains(page.body, ">Draft only: Respite for my mum</textarea>") {
			t.Errorf("resumed: the answer to matters is not in the form\n%s", webText(page.body))
		}
		page := nb.get(webDemo + "/q/services")
		for _, v := range []string{"home_care", "day_centre"} {
			if !strings.Contains(page.body, `value="`+v+`" checked`) {
				t.Errorf("resumed: %s is not checked on the services page", v)
			}
		}
	}
	t.Run("link", func(t *testing.T) {
		nb := f.browser(t)
		checkResumed(t, nb, nb.get(webDemo+"/resume?code="+code))
	})
	t.Run("typed in lower case with spaces", func(t *testing.T) {
		nb := f.browser(t)
		if p := nb.get(webDemo + "/resume"); p.status != http.StatusOK {
			t.Fatalf("%s: got %d, want 200", p, p.status)
		}
		typed := " " + strings.ToLower(strings.ReplaceAll(code, "-", " ")) + " "
		checkResumed(t, nb, nb.post(webDemo+"/resume", webForm("code", typed)))
	})
	wrong := []struct{ name, code, want string }{
		{"unknown code", "AAAA-AAAA-AAAA", "There are no saved answers with this code"},
		{"not a code", "hello", "Enter the 12-character code you were given"},
		{"too short", code[:9], "Enter the 12-character code you were given"},
	}
	for _, tt := range wrong {
		t.Run(tt.name, func(t *testing.T) {
			nb := f.browser(t)
			nb.get(webDemo + "/resume")
			for _, p := range []*webPage{nb.post(webDemo+"/resume", webForm("code", tt.code)), nb.get(webDemo + "/resume?code=" + url.QueryEscape(tt.code))} {
				if got, want := p.status, http.StatusUnprocessableEntity; got != want {
					t.Errorf("%s: got %d, want %d", p, got, want)
				}
				if !strings.Contains(p.body, "There is a problem") || !strings.Contains(p.body, `href="#code"`) || !strings.Contains(p.body, tt.want) {
					t.Errorf("%s: want an error summary linking to #code saying %q\n%s", p, tt.want, webText(p.body))
				}
				if got := nb.cookie("voices_draft_care-strategy-2027", webDemo); got != "" {
					t.Errorf("%s: a draft cookie was set: %q", p, got)
				}
			}
		})
	}

	t.Run("never a response", func(t *testing.T) {
		if got := len(f.responses(t, webDemo)); got != before {
			t.Errorf("stored responses: got %d, want %d (a saved draft is not a response)", got, before)
		}
		token := webOfficerToken(t, f)
		req := httptest.NewRequest(http.MethodGet, "/api/v1/surveys/care-strategy-2027/responses.csv", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("export: got %d %s, want 200", resp.StatusCode, body)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("reading the CSV: %v", err)
		}
		if got, want := len(rows)-1, before; got != want {
			t.Errorf("exported rows: got %d, want %d", got, want)
		}
		if bytes.Contains(body, []byte("Draft only")) {
			t.Errorf("the export holds an answer from an unfinished draft")
		}
	})
}

// webOfficerToken adds an officer and returns their API token.
func webOfficerToken(t *testing.T, f *webFixture) string {
	t.Helper()
	u := &surveys.NewUser{Email: "officer@example.org", Name: "Olu", Role: surveys.RoleOfficer, Password: "a long enough password"}
	if _, err := f.svc.AddUser(f.ctx, u); err != nil {
		t.Fatalf("AddUser: %v", err)
	}
	token, err := f.svc.CreateToken(f.ctx, u.Email)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return token
}

// TestWebDraftExpiry lets a saved draft expire: it can no longer be
// resumed, and PurgeExpiredDrafts deletes it.
func TestWebDraftExpiry(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)
	f.svc.DraftTTL = 24 * time.Hour
	b := f.browser(t)
	b.walk(webBins, []webStep{{"/q/name", []string{"name", "Recycler"}, "/q/count"}})
	code := b.cookie("voices_draft_bins", webBins)
	if !webResumeCode.MatchString(code) {
		t.Fatalf("draft cookie: got %q, want a resume code", code)
	}

	// Every change moves the expiry on.
	f.clock.advance(23 * time.Hour)
	if p := b.answer(webBins+"/q/count", "count", "3"); p.status != http.StatusSeeOther {
		t.Fatalf("%s: got %d, want 303 before the draft expires", p, p.status)
	}
	f.clock.advance(23 * time.Hour)
	if p := f.browser(t).get(webBins + "/resume?code=" + code); p.status != http.StatusSeeOther {
		t.Fatalf("%s: got %d, want 303: the last change was 23 hours ago", p, p.status)
	}
	if n, err := f.svc.PurgeExpiredDrafts(f.ctx); err != nil || n != 0 {
		t.Errorf("PurgeExpiredDrafts before expiry: got %d, %v; want 0, nil", n, err)
	}

	f.clock.advance(2 * time.Hour)
	p := f.browser(t).get(webBins + "/resume?code=" + code)
	if got, want := p.status, http.StatusUnprocessableEntity; got != want {
		t.Errorf("%s: got %d, want %d", p, got, want)
	}
	if !strings.Contains(p.body, "There are no saved answers with this code") {
		t.Errorf("resume after expiry: no not-found message\n%s", webText(p.body))
	}
	if p := b.get(webBins + "/q/pick"); p.status != http.StatusNotFound || !strings.Contains(p.body, "Sorry, we could not find your answers") {
		t.Errorf("%s with the expired draft's cookie: got %d, want 404 saying the answers were not found", p, p.status)
	}
	n, err := f.svc.PurgeExpiredDrafts(f.ctx)
	if err != nil || n != 1 {
		t.Errorf("PurgeExpiredDrafts: got %d, %v; want 1, nil", n, err)
	}
	// Deleted, not just hidden: even at an earlier time it is gone.
	f.clock.advance(-10 * time.Hour)
	if p := f.browser(t).get(webBins + "/resume?code=" + code); p.status != http.StatusUnprocessableEntity {
		t.Errorf("%s after the purge: got %d, want 422", p, p.status)
	}
	if got := len(f.responses(t, webBins)); got != 0 {
		t.Errorf("stored responses: got %d, want 0", got)
	}
}

// TestWebLanguage chooses Urdu in the different ways a resident can.
func TestWebLanguage(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)
	const (
		urduHTML  = `<html lang="ur" dir="rtl">`
		enHTML    = `<html lang="en" dir="ltr">`
		urduTitle = "بالغوں کی سماجی دیکھ بھال کی حکمت عملی"
		urduStart = "ابھی شروع کریں"
	)
	t.Run("lang parameter and cookie", func(t *testing.T) {
		b := f.browser(t)
		p := b.get(webDemo + "?lang=ur")
		if !strings.Contains(p.body, urduHTML) || !strings.Contains(p.body, urduTitle) || !strings.Contains(p.body, urduStart) {
			t.Errorf("%s: want an Urdu page (%s)\n%s", p, urduHTML, webText(p.body))
		}
		if got := b.cookie("voices_lang", webDemo); got != "ur" {
			t.Errorf("language cookie: got %q, want %q", got, "ur")
		}
		if p := b.get(webDemo); !strings.Contains(p.body, urduHTML) {
			t.Errorf("%s without ?lang: want the page in Urdu still", p)
		}
		if p := b.get("/"); !strings.Contains(p.body, urduHTML) {
			t.Errorf("%s: want the home page in Urdu too", p)
		}
	})
	t.Run("Accept-Language", func(t *testing.T) {
		b := f.browser(t)
		b.header.Set("Accept-Language", "ur")
		if p := b.get(webDemo); !strings.Contains(p.body, urduHTML) || !strings.Contains(p.body, urduStart) {
			t.Errorf("%s with Accept-Language: ur: want an Urdu page", p)
		}
		b.header.Set("Accept-Language", "ur-PK,ur;q=0.9,en;q=0.5")
		if p := b.get(webDemo); !strings.Contains(p.body, urduHTML) {
			t.Errorf("%s with Accept-Language: ur-PK: want an Urdu page", p)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		b := f.browser(t)
		p := b.get(webDemo + "?lang=xx")
		if p.status != http.StatusOK || !strings.Contains(p.body, enHTML) || !strings.Contains(p.body, "Start now") {
			t.Errorf("%s: got %d, want 200 in English", p, p.status)
		}
		if got := b.cookie("voices_lang", webDemo); got != "" {
			t.Errorf("language cookie: got %q, want none", got)
		}
	})
	t.Run("stored in Urdu", func(t *testing.T) {
		b := f.browser(t)
		b.get(webDemo + "?lang=ur")
		b.walk(webDemo, []webStep{
			{"/q/matters", []string{"matters", "میری والدہ کے لیے مدد"}, "/q/services"},
			{"/q/services", nil, "/q/rating"},
			{"/q/rating", nil, "/q/info_ease"},
			{"/q/info_ease", []string{"info_ease", "not_tried"}, "/q/info_source"},
			{"/q/info_source", nil, "/q/unpaid_carer"},
			{"/q/unpaid_carer", []string{"unpaid_carer", "no"}, "/q/one_change"},
			{"/q/one_change", []string{"one_change", "اردو میں معلومات"}, "/equality"},
			{"/equality", []string{"answer", "no"}, "/check"},
		})
		if p := b.get(webDemo + "/q/matters"); !strings.Contains(p.body, urduHTML) || !strings.Contains(p.body, "دیکھ بھال اور مدد کے بارے میں آپ کے لیے سب سے زیادہ اہم کیا ہے؟") {
			t.Errorf("%s: want the question in Urdu", p)
		}
		ref := b.submit(webDemo)
		if got, want := f.response(t, webDemo, ref).Language, "ur"; got != want {
			t.Errorf("stored language: got %q, want %q", got, want)
		}
	})
}

// TestWebPages checks the pages around the form and its error pages.
func TestWebPages(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)
	f.survey(t, librariesYAML) // a draft
	closed := f.survey(t, strings.NewReplacer("slug: bins", "slug: closed-bins").Replace(webBinsYAML))
	if err := f.svc.SetStatus(f.ctx, "closed-bins", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	ended := f.survey(t, strings.NewReplacer("slug: bins", "slug: ended-bins", "status: open", "status: open\ncloses_at: 2027-01-01T00:00:00Z").Replace(webBinsYAML))
	future := f.survey(t, strings.NewReplacer("slug: bins", "slug: future-bins", "status: open", "status: open\nopens_at: 2027-06-01T00:00:00Z").Replace(webBinsYAML))
	tests := []struct {
		path       string
		wantStatus int
		wantText   string
	}{
		{"/", http.StatusOK, "Adult social care strategy: what matters to you"},
		{"/accessibility", http.StatusOK, "Accessibility statement"},
		{"/no/such/page", http.StatusNotFound, "Page not found"},
		{webDemo, http.StatusOK, "Start now"},
		{"/s/libraries", http.StatusNotFound, "Page not found"},
		{"/s/libraries/q/use", http.StatusNotFound, "Page not found"},
		{"/s/no-such-survey", http.StatusNotFound, "Page not found"},
		{closed, http.StatusConflict, "This consultation has closed"},
		{ended, http.StatusConflict, "This consultation has closed"},
		{future, http.StatusConflict, "This consultation is not open"},
		{webDemo + "/q/matters", http.StatusNotFound, "Sorry, we could not find your answers"},
		{webDemo + "/resume", http.StatusOK, "Continue with your saved answers"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b := f.browser(t)
			p := b.get(tt.path)
			if p.status != tt.wantStatus || !strings.Contains(p.body, tt.wantText) {
				t.Errorf("%s: got %d, want %d with %q\n%s", p, p.status, tt.wantStatus, tt.wantText, webText(p.body))
			}
			if got := p.header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
				t.Errorf("Content-Type: got %q, want text/html", got)
			}
		})
	}
	t.Run("a draft survey's title is not shown", func(t *testing.T) {
		if p := f.browser(t).get("/s/libraries"); strings.Contains(p.body, "Libraries") {
			t.Errorf("the 404 page of a draft survey shows its title")
		}
	})
	t.Run("the home page lists only open surveys", func(t *testing.T) {
		p := f.browser(t).get("/")
		for _, s := range []string{closed, ended, future, "/s/libraries"} {
			if strings.Contains(p.body, `href="`+s+`?`) {
				t.Errorf("the home page links to %s, which is not open", s)
			}
		}
	})
}

// TestWebClosedWhileAnswering closes a survey while a resident is half way
// through it: the next page says it has closed, and nothing is stored.
func TestWebClosedWhileAnswering(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)
	b := f.browser(t)
	b.walk(webBins, []webStep{
		{"/q/name", []string{"name", "Recycler"}, "/q/count"},
		{"/q/count", nil, "/q/pick"},
		{"/q/pick", []string{"pick", "monday"}, "/q/extras"},
		{"/q/extras", nil, "/check"},
	})
	b.get(webBins + "/check")
	if err := f.svc.SetStatus(f.ctx, "bins", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*webPage{b.get(webBins + "/q/name"), b.get(webBins + "/check"), b.post(webBins+"/check", nil)} {
		if p.status != http.StatusConflict || !strings.Contains(p.body, "This consultation has closed") {
			t.Errorf("%s: got %d, want 409 saying the consultation has closed\n%s", p, p.status, webText(p.body))
		}
	}
	if got := len(f.responses(t, webBins)); got != 0 {
		t.Errorf("stored responses: got %d, want 0", got)
	}
}

// TestWebSubmitTwice sends the answers again after they were sent.
func TestWebSubmitTwice(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t, 0)
	f.survey(t, webBinsYAML)

	t.Run("again from the same browser", func(t *testing.T) {
		b := f.browser(t)
		b.walk(webBins, []webStep{
			{"/q/name", []string{"name", "Recycler"}, "/q/count"},
			{"/q/count", nil, "/q/pick"},
			{"/q/pick", []string{"pick", "monday"}, "/q/extras"},
			{"/q/extras", nil, "/check"},
		})
		before := len(f.responses(t, webBins))
		ref := b.submit(webBins)
		p := b.post(webBins+"/check", nil) // as if Back was pressed and the form sent again
		if p.status >= 500 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") && p.status != http.StatusSeeOther {
			t.Errorf("%s: got %d %q, want a page for the resident (or a redirect), not a server error", p, p.status, p.header.Get("Content-Type"))
		}
		if got, want := len(f.responses(t, webBins)), before+1; got != want {
			t.Errorf("stored responses: got %d, want %d", got, want)
		}
		if done := b.get(webBins + "/done"); !strings.Contains(done.body, ref) {
			t.Errorf("the confirmation page no longer shows %s", ref)
		}
	})

	// Two posts of the same draft at once (a double click) each load the
	// draft before either sends it; this does that interleaving in order.
	t.Run("two copies of one draft", func(t *testing.T) {
		code := f.draft(t, nil, webBins, map[string][]string{"name": {"Twice"}, "pick": {"friday"}}, nil)
		sv, err := f.db.Survey(f.ctx, "bins")
		if err != nil {
			t.Fatal(err)
		}
		before := len(f.responses(t, webBins))
		first, err1 := f.svc.Draft(f.ctx, sv, code)
		second, err2 := f.svc.Draft(f.ctx, sv, code)
		if err1 != nil || err2 != nil {
			t.Fatalf("Draft: %v, %v", err1, err2)
		}
		sub := func(d *surveys.Draft) *surveys.Submission {
			return &surveys.Submission{Channel: surveys.ChannelWeb, Language: d.Language, Answers: d.Answers}
		}
		if _, err := f.svc.SubmitDraft(f.ctx, "bins", first, sub(first)); err != nil {
			t.Fatalf("first SubmitDraft: %v", err)
		}
		if _, err := f.svc.SubmitDraft(f.ctx, "bins", second, sub(second)); err == nil {
			t.Errorf("second SubmitDraft of the same draft: got no error, want one")
		}
		if got, want := len(f.responses(t, webBins)), before+1; got != want {
			t.Errorf("stored responses: got %d, want %d (one per draft)", got, want)
		}
	})
}

// TestWebPageWeight checks that a question page and its stylesheet stay
// small enough for a slow phone connection.
func TestWebPageWeight(t *testing.T) {
	t.Parallel()
	f := webDemoFixture(t)
	b := f.browser(t)
	b.start(webDemo)
	p := b.get(webDemo + "/q/services") // the longest question page
	if p.status != http.StatusOK {
		t.Fatalf("%s: got %d, want 200", p, p.status)
	}
	m := webStylePattern.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no <link rel=\"stylesheet\"> on the page")
	}
	css := b.get(m[1])
	if css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Fatalf("%s: got %d %q, want 200 text/css", css, css.status, css.header.Get("Content-Type"))
	}
	if got := css.header.Get("Cache-Control"); !strings.Contains(got, "max-age") {
		t.Errorf("stylesheet Cache-Control: got %q, want it cached", got)
	}
	total := len(p.body) + len(css.body)
	t.Logf("page weight: question page %d bytes + stylesheet %d bytes = %d bytes (%.1f KB)", len(p.body), len(css.body), total, float64(total)/1024)
	if limit := 30 * 1024; total >= limit {
		t.Errorf("page weight: got %d bytes, want under %d", total, limit)
	}
}
