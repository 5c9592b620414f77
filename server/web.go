package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// The resident's web form: server-rendered pages that work without
// JavaScript, one question per page, after the GOV.UK Design System.

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/voices.css
var stylesheet []byte

// cssPath carries a hash of the stylesheet, so it can be cached for ever.
var cssPath = func() string {
	sum := sha256.Sum256(stylesheet)
	return fmt.Sprintf("/static/voices-%x.css", sum[:4])
}()

// templateFuncs are the functions templates may call.
var templateFuncs = template.FuncMap{
	// withField passes a page and one of its fields to a sub-template.
	"withField": func(p *page, f *field) struct {
		*page
		Field *field
	} {
		return struct {
			*page
			Field *field
		}{p, f}
	},
	"add": func(a ...int) int {
		n := 0
		for _, v := range a {
			n += v
		}
		return n
	},
	"sub":     func(a, b int) int { return a - b },
	"percent": func(share float64) string { return fmt.Sprintf("%.0f%%", share*100) },
}

// parseTemplates builds one template set per page: the layout, the
// partials (files named _*.html, shared by several pages) and the page.
func parseTemplates() (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", p)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// page is what every template gets.
type page struct {
	t           *channels.Translator
	Lang, Dir   string
	Title       string
	SurveyTitle string
	CSS         string
	CSRF        string
	Back        string
	Errors      []summaryError
	Languages   []languageLink
	NeedsReview bool
	Data        any
}

// fieldError puts f's error, if any, in the error summary and returns the
// status the page is sent with.
func (p *page) fieldError(f *field) int {
	switch {
	case f.Error != "":
		p.Errors = []summaryError{{Href: "#" + f.ID, Text: f.Error}}
	case f.WriteIn != nil && f.WriteIn.Error != "":
		p.Errors = []summaryError{{Href: "#" + f.WriteIn.ID, Text: f.WriteIn.Error}}
	default:
		return fiber.StatusOK
	}
	return fiber.StatusUnprocessableEntity
}

// setProblem puts a problem's words on the part of the field it is about:
// the question, or its "Other" or write-in box.
func (s *Server) setProblem(f *field, lang string, problem *surveys.Problem) {
	text := s.problemText(lang, problem)
	if problem.Field != "" && f.WriteIn != nil && problem.Field == f.WriteIn.Name {
		f.WriteIn.Error = text
		return
	}
	f.Error = text
}

// T is the page's text for key, in its language.
func (p *page) T(key string, args ...any) string { return p.t.T(p.Lang, key, args...) }

type summaryError struct{ Href, Text string }

type languageLink struct {
	Code, Name, Dir, Href string
	Current               bool
}

// field is one form control group: a question, an equality question or
// the resume code.
type field struct {
	ID, Name, Kind string // Kind: text, textarea, number, radio, checkbox
	Label, Hint    string
	Caption        string
	Optional       bool
	Error          string
	Value          string
	Options        []option
	WriteIn        *field
	Fieldset       bool
}

type option struct {
	ID, Value, Label string
	Checked, Divider bool
}

// DescribedBy lists the hint and error that describe the field.
func (f *field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// Cookie names. The draft cookie holds the resume code of the draft in
// progress, per survey; the form cookie is the random half of the CSRF
// token; the language cookie remembers the chosen language.
const (
	cookieForm     = "voices_form"
	cookieLanguage = "voices_lang"
	draftCookieFor = "voices_draft_"
)

// securityHeaders are set on every response: no inline script or style, no
// third-party anything, no framing; and, when Voices is reached over HTTPS
// (its public URL says so), browsers are told to use nothing else.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	if s.secure {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

func (s *Server) styles(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(stylesheet)
}

// render writes a page. Pages with answers on them are never cached.
func (s *Server) render(c *fiber.Ctx, status int, name string, p *page) error {
	p.t = s.tr
	p.CSS = cssPath
	if p.Lang == "" {
		p.Lang = channels.FallbackLanguage
	}
	p.Dir = direction(p.Lang)
	if st, _ := s.tr.Status(p.Lang); st == channels.StatusMachineDrafted {
		p.NeedsReview = true
	}
	if p.CSRF == "" {
		p.CSRF = s.formToken(c)
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// message renders a page with a title and some paragraphs.
func (s *Server) message(c *fiber.Ctx, status int, lang, titleKey string, paragraphs []string, link *linkData) error {
	return s.render(c, status, "message", &page{Lang: lang, Title: s.tr.T(lang, titleKey),
		Data: struct {
			Paragraphs []string
			Link       *linkData
		}{paragraphs, link}})
}

type linkData struct{ Href, Text string }

// formToken returns the CSRF token for this browser: an HMAC of a random
// cookie, so a page on another site can neither read nor forge it. The key
// is kept in the database, so tokens survive restarts.
func (s *Server) formToken(c *fiber.Ctx) string {
	r := c.Cookies(cookieForm)
	if len(r) != 43 {
		b := make([]byte, 32)
		rand.Read(b)
		r = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: cookieForm, Value: r, Path: "/", HTTPOnly: true, Secure: s.secure, SameSite: "Lax"})
		// The new cookie is the one to sign: later reads in this request see it.
		c.Request().Header.SetCookie(cookieForm, r)
	}
	mac := hmac.New(sha256.New, s.formKey)
	mac.Write([]byte("form|" + r))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkForm guards every form post: a valid CSRF token, and the honeypot
// left empty (people cannot see it; form-filling robots fill it in).
func (s *Server) checkForm(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	lang := c.Locals(langKey).(string)
	given := c.FormValue("csrf")
	if c.Cookies(cookieForm) == "" || !hmac.Equal([]byte(given), []byte(s.formToken(c))) {
		return s.message(c, fiber.StatusForbidden, lang, "page.forbidden.title", []string{s.tr.T(lang, "page.forbidden.text")}, nil)
	}
	if c.FormValue("website") != "" {
		return s.message(c, fiber.StatusBadRequest, lang, "page.spam.title", []string{s.tr.T(lang, "page.spam.text")}, nil)
	}
	return c.Next()
}

// tooManyPosts answers when a browser sends more form posts than the rate
// limit allows.
func (s *Server) tooManyPosts(c *fiber.Ctx) error {
	lang, _ := c.Locals(langKey).(string)
	c.Set(fiber.HeaderRetryAfter, "60")
	if !isWebPage(c) {
		return surveys.Errorf(surveys.ETOOMANY, "Too many requests from your address. Wait a minute and try again.")
	}
	return s.message(c, fiber.StatusTooManyRequests, lang, "page.rate.title", []string{s.tr.T(lang, "page.rate.text")}, nil)
}

const (
	surveyKey      = "voices.survey"
	langKey        = "voices.lang"
	sectionStarted = "voices.equality_started" // set when the resident has just chosen to answer the equality questions
)

// webSurvey loads the survey of a /s/{slug} page and picks the language.
// Drafts do not exist for residents.
func (s *Server) webSurvey(c *fiber.Ctx) error {
	sv, err := s.store.Survey(c.UserContext(), c.Params("slug"))
	lang := chooseLanguage(s.tr.Languages(), c.Query("lang"), c.Cookies(cookieLanguage), c.Get(fiber.HeaderAcceptLanguage))
	if err == nil && sv.Status == surveys.StatusDraft {
		err = surveys.Errorf(surveys.ENOTFOUND, "no such survey")
	}
	if err != nil {
		c.Locals(langKey, lang)
		return s.webError(c, err)
	}
	lang = chooseLanguage(sv.Languages, c.Query("lang"), c.Cookies(cookieLanguage), c.Get(fiber.HeaderAcceptLanguage))
	if q := c.Query("lang"); q != "" && q == lang {
		c.Cookie(&fiber.Cookie{Name: cookieLanguage, Value: lang, Path: "/", HTTPOnly: true, Secure: s.secure, SameSite: "Lax", MaxAge: 365 * 24 * 3600})
	}
	c.Locals(surveyKey, sv)
	c.Locals(langKey, lang)
	return c.Next()
}

// webError shows a domain error as a page in the resident's language.
func (s *Server) webError(c *fiber.Ctx, err error) error {
	lang, _ := c.Locals(langKey).(string)
	switch surveys.ErrorCode(err) {
	case surveys.ENOTFOUND:
		return s.message(c, fiber.StatusNotFound, lang, "page.not_found.title", []string{s.tr.T(lang, "page.not_found.text")}, nil)
	case surveys.ECONFLICT:
		if sv, ok := c.Locals(surveyKey).(*surveys.Survey); ok && (sv.Status == surveys.StatusClosed || (sv.ClosesAt != nil && !s.svc.Clock().Before(*sv.ClosesAt))) {
			return s.message(c, fiber.StatusConflict, lang, "page.closed.title", []string{s.tr.T(lang, "page.closed.text")}, nil)
		}
		return s.message(c, fiber.StatusConflict, lang, "page.not_open.title", []string{s.tr.T(lang, "page.not_open.text")}, nil)
	}
	s.log.Error("web page failed", "route", c.Route().Path, "request_id", c.Locals(requestid.ConfigDefault.ContextKey), "error", err.Error())
	return s.message(c, fiber.StatusInternalServerError, lang, "page.error.title", []string{s.tr.T(lang, "page.error.text")}, nil)
}

// surveyPage starts a page for the survey in the request's language, with
// the language switcher.
func (s *Server) surveyPage(c *fiber.Ctx, title string) (*surveys.Survey, *page) {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	p := &page{Lang: lang, Title: title, SurveyTitle: sv.Title.In(lang, sv.DefaultLanguage())}
	for _, l := range sv.Languages {
		u := *c.Request().URI()
		q := c.Queries()
		vals := url.Values{}
		for k, v := range q {
			vals.Set(k, v)
		}
		vals.Set("lang", l)
		p.Languages = append(p.Languages, languageLink{Code: l, Name: s.tr.Endonym(l), Dir: direction(l),
			Href: string(u.Path()) + "?" + vals.Encode(), Current: l == lang})
	}
	return sv, p
}

// base is the survey's address, e.g. /s/care-strategy-2027.
func base(sv *surveys.Survey) string { return "/s/" + sv.Slug }

func stepHref(sv *surveys.Survey, st channels.Step) string {
	switch st.Kind {
	case channels.StepQuestion:
		return base(sv) + "/q/" + st.Key
	case channels.StepEqualityIntro:
		return base(sv) + "/equality"
	case channels.StepEquality:
		return base(sv) + "/equality/" + st.Key
	}
	return base(sv) + "/check"
}

// formatDate writes a date as "31 January 2027" in the page's language.
func (s *Server) formatDate(lang string, t time.Time) string {
	t = t.In(s.zone)
	return fmt.Sprintf("%d %s %d", t.Day(), s.tr.T(lang, fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}

func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// minutes estimates how long a survey takes: a minute or two for each free
// text question, less for choices, two more for the equality questions.
func minutes(sv *surveys.Survey) int {
	total := 0.0
	for _, q := range sv.Questions {
		switch q.Type {
		case surveys.TypeLongText:
			total += 2
		case surveys.TypeText:
			total += 1
		default:
			total += 0.5
		}
	}
	if sv.EqualityMonitoring {
		total += 2
	}
	return int(math.Max(2, math.Ceil(total)))
}

// home lists the consultations open now.
func (s *Server) home(c *fiber.Ctx) error {
	lang := chooseLanguage(s.tr.Languages(), c.Query("lang"), c.Cookies(cookieLanguage), c.Get(fiber.HeaderAcceptLanguage))
	list, err := s.store.Surveys(c.UserContext(), surveys.StatusOpen)
	if err != nil {
		return err
	}
	type item struct{ Href, Title, Lang, Dir, Closes string }
	var items []item
	now := s.svc.Clock()
	for _, sv := range list {
		if sv.CheckOpen(now) != nil {
			continue
		}
		l := lang
		if !sv.HasLanguage(l) {
			l = sv.DefaultLanguage()
		}
		it := item{Href: base(sv) + "?lang=" + l, Title: sv.Title.In(l, sv.DefaultLanguage()), Lang: l, Dir: direction(l)}
		if sv.ClosesAt != nil {
			it.Closes = s.tr.T(lang, "home.closes", s.formatDate(lang, *sv.ClosesAt))
		}
		items = append(items, it)
	}
	p := &page{Lang: lang, Data: struct{ Surveys []item }{items}}
	p.t = s.tr
	p.Title = p.T("home.title")
	p.Languages = s.siteLanguages(c, lang)
	return s.render(c, fiber.StatusOK, "home", p)
}

// siteLanguages is the language switcher of pages that belong to no survey.
func (s *Server) siteLanguages(c *fiber.Ctx, current string) []languageLink {
	var links []languageLink
	for _, l := range s.tr.Languages() {
		links = append(links, languageLink{Code: l, Name: s.tr.Endonym(l), Dir: direction(l), Href: c.Path() + "?lang=" + l, Current: l == current})
	}
	return links
}

func (s *Server) accessibility(c *fiber.Ctx) error {
	lang := chooseLanguage(s.tr.Languages(), c.Query("lang"), c.Cookies(cookieLanguage), c.Get(fiber.HeaderAcceptLanguage))
	can := []string{"accessibility.can_1", "accessibility.can_2", "accessibility.can_3", "accessibility.can_4",
		"accessibility.can_5", "accessibility.can_6", "accessibility.can_7"}
	p := &page{Lang: lang, Data: struct{ Can []string }{can}}
	p.t = s.tr
	p.Title = p.T("accessibility.title")
	p.Languages = s.siteLanguages(c, lang)
	return s.render(c, fiber.StatusOK, "accessibility", p)
}

// startPage is the survey's front page.
func (s *Server) startPage(c *fiber.Ctx) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	if err := sv.CheckOpen(s.svc.Clock()); err != nil {
		return s.webError(c, err)
	}
	lang := c.Locals(langKey).(string)
	def := sv.DefaultLanguage()
	_, p := s.surveyPage(c, sv.Title.In(lang, def))
	p.SurveyTitle = ""
	data := struct {
		Title                 string
		Description, Privacy  []string
		Minutes               int
		Closes                string
		StartHref, ResumeHref string
	}{Title: p.Title, Description: paragraphs(sv.Description.In(lang, def)), Privacy: paragraphs(sv.PrivacyNotice.In(lang, def)),
		Minutes: minutes(sv), StartHref: base(sv) + "/start", ResumeHref: base(sv) + "/resume"}
	if sv.ClosesAt != nil {
		data.Closes = s.formatDate(lang, *sv.ClosesAt)
	}
	p.Data = data
	return s.render(c, fiber.StatusOK, "start", p)
}

// currentDraft returns the draft in this browser's cookie for the survey.
func (s *Server) currentDraft(c *fiber.Ctx, sv *surveys.Survey) (*surveys.Draft, error) {
	code := c.Cookies(draftCookieFor + sv.Slug)
	if code == "" {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "no draft")
	}
	d, err := s.svc.Draft(c.UserContext(), sv, code)
	if err != nil {
		return nil, err
	}
	if d.Reference != "" {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "already sent")
	}
	return d, nil
}

func (s *Server) setDraftCookie(c *fiber.Ctx, sv *surveys.Survey, code string) {
	c.Cookie(&fiber.Cookie{Name: draftCookieFor + sv.Slug, Value: code, Path: base(sv), HTTPOnly: true, Secure: s.secure,
		SameSite: "Lax", Expires: s.svc.Clock().Add(s.svc.DraftLifetime())})
}

// withDraft loads the draft for a form page; without one, the resident is
// told their answers could not be found and offered a fresh start. When it
// returns a nil survey, a page has been written (or err says why not).
func (s *Server) withDraft(c *fiber.Ctx) (*surveys.Survey, *surveys.Draft, error) {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	if err := sv.CheckOpen(s.svc.Clock()); err != nil {
		return nil, nil, s.webError(c, err)
	}
	d, err := s.currentDraft(c, sv)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		lang := c.Locals(langKey).(string)
		return nil, nil, s.message(c, fiber.StatusNotFound, lang, "page.session.title", []string{s.tr.T(lang, "page.session.text")},
			&linkData{Href: base(sv) + "?lang=" + lang, Text: s.tr.T(lang, "page.session.start")})
	}
	if err != nil {
		return nil, nil, s.webError(c, err)
	}
	// The language chosen on this page is the response's language.
	if lang := c.Locals(langKey).(string); d.Language != lang {
		d.Language = lang
	}
	return sv, d, nil
}

func (s *Server) startDraft(c *fiber.Ctx) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	d, code, err := s.svc.StartDraft(c.UserContext(), sv, lang)
	if err != nil {
		return s.webError(c, err)
	}
	s.setDraftCookie(c, sv, code)
	return c.Redirect(stepHref(sv, channels.Steps(sv, d)[0]), fiber.StatusSeeOther)
}

// questionField describes a survey question as a form field.
func (s *Server) questionField(sv *surveys.Survey, q *surveys.Question, lang string, d *surveys.Draft) *field {
	def := sv.DefaultLanguage()
	f := &field{ID: q.Key, Name: q.Key, Label: q.Prompt.In(lang, def), Hint: q.Hint.In(lang, def), Optional: !q.Required}
	values := d.Answers[q.Key]
	checked := func(v string) bool {
		for _, x := range values {
			if x == v {
				return true
			}
		}
		return false
	}
	addOption := func(value, label string) {
		id := q.Key
		if len(f.Options) > 0 {
			id = q.Key + "-" + value
		}
		f.Options = append(f.Options, option{ID: id, Value: value, Label: label, Checked: checked(value)})
	}
	switch q.Type {
	case surveys.TypeText:
		f.Kind = "text"
	case surveys.TypeLongText:
		f.Kind = "textarea"
		if f.Hint == "" {
			f.Hint = s.tr.T(lang, "question.characters", q.MaxTextLength())
		} else {
			f.Hint += " " + s.tr.T(lang, "question.characters", q.MaxTextLength())
		}
	case surveys.TypeNumber:
		f.Kind = "number"
		if f.Hint == "" && q.Min != nil && q.Max != nil {
			f.Hint = s.tr.T(lang, "question.number_between", surveys.FormatNumber(*q.Min), surveys.FormatNumber(*q.Max))
		}
	case surveys.TypeYesNo:
		f.Kind, f.Fieldset = "radio", true
		addOption("yes", s.tr.T(lang, "answer.yes"))
		addOption("no", s.tr.T(lang, "answer.no"))
	case surveys.TypeScale:
		f.Kind, f.Fieldset = "radio", true
		for n := int(*q.Min); n <= int(*q.Max); n++ {
			label := fmt.Sprint(n)
			if n == int(*q.Min) && q.MinLabel.In(lang, def) != "" {
				label += " – " + q.MinLabel.In(lang, def)
			}
			if n == int(*q.Max) && q.MaxLabel.In(lang, def) != "" {
				label += " – " + q.MaxLabel.In(lang, def)
			}
			addOption(fmt.Sprint(n), label)
		}
	case surveys.TypeSingleChoice, surveys.TypeMultipleChoice:
		f.Kind, f.Fieldset = "radio", true
		if q.Type == surveys.TypeMultipleChoice {
			f.Kind = "checkbox"
		}
		for _, o := range q.Options {
			addOption(o.Value, o.Label.In(lang, def))
		}
		if q.Other {
			addOption(surveys.OtherValue, s.tr.T(lang, "question.other"))
			other := d.Answers[surveys.OtherKey(q.Key)]
			f.WriteIn = &field{ID: surveys.OtherKey(q.Key), Name: surveys.OtherKey(q.Key), Label: s.tr.T(lang, "question.other_text"), Value: strings.Join(other, "")}
		}
	}
	if !f.Fieldset {
		f.Value = strings.Join(values, "")
	}
	return f
}

// problemText words a problem in the page's language.
func (s *Server) problemText(lang string, p *surveys.Problem) string {
	return s.tr.T(lang, "problem."+p.Code, p.Args...)
}

// questionStep loads the draft and the question in the path. A question
// that does not exist or is not asked (show_if) sends the resident back to
// where they were; then, and when withDraft wrote a page, q is nil.
func (s *Server) questionStep(c *fiber.Ctx) (*surveys.Survey, *surveys.Draft, *surveys.Question, error) {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return nil, nil, nil, err
	}
	q := sv.Question(c.Params("key"))
	if q == nil || !q.Visible(d.Answers) {
		return nil, nil, nil, c.Redirect(stepHref(sv, channels.ResumeStep(sv, d)), fiber.StatusSeeOther)
	}
	return sv, d, q, nil
}

func (s *Server) questionPage(c *fiber.Ctx) error {
	sv, d, q, err := s.questionStep(c)
	if q == nil {
		return err
	}
	return s.renderQuestion(c, sv, d, q, nil, nil)
}

func (s *Server) renderQuestion(c *fiber.Ctx, sv *surveys.Survey, d *surveys.Draft, q *surveys.Question, problem *surveys.Problem, posted *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	f := s.questionField(sv, q, lang, d)
	steps := channels.Steps(sv, d)
	step := channels.Step{Kind: channels.StepQuestion, Key: q.Key}
	if i := channels.Index(steps, step); i >= 0 {
		asked := 0 // the questions this resident is asked, given their answers
		for _, st := range steps {
			if st.Kind == channels.StepQuestion {
				asked++
			}
		}
		f.Caption = s.tr.T(lang, "question.progress", i+1, asked)
	}
	_, p := s.surveyPage(c, f.Label)
	if problem != nil {
		s.setProblem(f, lang, problem)
		// Keep what the resident typed or chose, even though it was refused.
		if posted != nil {
			keepPosted(f, posted)
		}
	}
	p.Back = base(sv) + "?lang=" + lang
	if prev, ok := channels.Previous(steps, step); ok {
		p.Back = stepHref(sv, prev)
	}
	p.Data = struct{ Field *field }{f}
	return s.render(c, p.fieldError(f), "question", p)
}

// keepPosted puts the refused answer back into the form.
func keepPosted(f *field, c *fiber.Ctx) {
	args := c.Request().PostArgs()
	var values []string
	for _, v := range args.PeekMulti(f.Name) {
		values = append(values, string(v))
	}
	if len(f.Options) == 0 {
		f.Value = strings.Join(values, "")
	}
	for i := range f.Options {
		f.Options[i].Checked = false
		for _, v := range values {
			if f.Options[i].Value == v {
				f.Options[i].Checked = true
			}
		}
	}
	if f.WriteIn != nil {
		f.WriteIn.Value = string(args.Peek(f.WriteIn.Name))
	}
}

func postedValues(c *fiber.Ctx, name string) []string {
	var values []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		values = append(values, string(v))
	}
	return values
}

func (s *Server) answerQuestion(c *fiber.Ctx) error {
	sv, d, q, err := s.questionStep(c)
	if q == nil {
		return err
	}
	saving := c.FormValue("action") == "save"
	problem := channels.AnswerQuestion(sv, d, q, postedValues(c, q.Key), c.FormValue(surveys.OtherKey(q.Key)))
	if problem != nil && !saving {
		return s.renderQuestion(c, sv, d, q, problem, c)
	}
	return s.saveAndGo(c, sv, d, channels.Step{Kind: channels.StepQuestion, Key: q.Key}, saving)
}

// saveAndGo saves the draft after an answer on step, remembering where to
// come back to: this page when saving for later, else the one after it.
// Then it leads on: to the saved page, or to the next page.
func (s *Server) saveAndGo(c *fiber.Ctx, sv *surveys.Survey, d *surveys.Draft, step channels.Step, saving bool) error {
	d.Step = step.String()
	if !saving {
		d.Step = channels.Next(channels.Steps(sv, d), step).String()
	}
	if err := s.svc.SaveDraft(c.UserContext(), d); err != nil {
		return s.webError(c, err)
	}
	if saving {
		return c.Redirect(base(sv)+"/save", fiber.StatusSeeOther)
	}
	return c.Redirect(s.next(sv, d, step, c), fiber.StatusSeeOther)
}

// next is where Continue leads: the next step or, when the resident came
// from the check page to change an answer, back there, unless the change
// revealed a question that follows from it and is not answered yet, which
// is asked first (and then leads back to the check page too).
func (s *Server) next(sv *surveys.Survey, d *surveys.Draft, step channels.Step, c *fiber.Ctx) string {
	steps := channels.Steps(sv, d)
	next := channels.Next(steps, step)
	if c.Query("return") != "check" {
		return stepHref(sv, next)
	}
	// Choosing to answer the equality questions from the check page (after
	// skipping them) goes through the whole section before going back.
	if next.Kind == channels.StepEquality && (c.Query("section") == "equality" || c.Locals(sectionStarted) != nil) {
		return stepHref(sv, next) + "?return=check&section=equality"
	}
	if revealed := revealedBy(sv, d, step, next); revealed {
		return stepHref(sv, next) + "?return=check"
	}
	return stepHref(sv, channels.Step{Kind: channels.StepCheck})
}

// revealedBy reports whether next is a follow-up of step that the resident
// has not answered: a show_if question depending on it, or an equality
// page that only this answer opens.
func revealedBy(sv *surveys.Survey, d *surveys.Draft, step, next channels.Step) bool {
	switch next.Kind {
	case channels.StepQuestion:
		q := sv.Question(next.Key)
		return q != nil && q.ShowIf != nil && q.ShowIf.Question == step.Key && len(d.Answers[next.Key]) == 0
	case channels.StepEquality:
		if _, answered := d.Equality[next.Key]; answered {
			return false
		}
		if q := surveys.EqualityQuestionByKey(next.Key); q != nil && q.AskIf != nil {
			return q.AskIf.Key == step.Key
		}
		return step.Key == channels.EqualityBroad && next.Key == "ethnic_group"
	}
	return false
}

// equalityIntro asks whether the resident wants to answer the equality
// questions at all.
func (s *Server) equalityIntro(c *fiber.Ctx) error {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return err // the page saying why was written, or err
	}
	if !sv.EqualityMonitoring {
		return c.Redirect(base(sv)+"/check", fiber.StatusSeeOther)
	}
	return s.renderEqualityIntro(c, sv, d, "")
}

func (s *Server) renderEqualityIntro(c *fiber.Ctx, sv *surveys.Survey, d *surveys.Draft, problem string) error {
	lang := c.Locals(langKey).(string)
	f := &field{ID: "answer", Name: "answer", Kind: "radio", Fieldset: true, Label: s.tr.T(lang, "equality.choose_legend"), Error: problem}
	for i, v := range []string{"yes", "no"} {
		id := "answer"
		if i > 0 {
			id = "answer-" + v
		}
		f.Options = append(f.Options, option{ID: id, Value: v, Label: s.tr.T(lang, "equality.choose_"+v), Checked: d.Equality[channels.EqualityChoice] == v})
	}
	_, p := s.surveyPage(c, s.tr.T(lang, "equality.section_title"))
	steps := channels.Steps(sv, d)
	if prev, ok := channels.Previous(steps, channels.Step{Kind: channels.StepEqualityIntro}); ok {
		p.Back = stepHref(sv, prev)
	}
	p.Data = struct{ Field *field }{f}
	return s.render(c, p.fieldError(f), "equality_intro", p)
}

func (s *Server) chooseEquality(c *fiber.Ctx) error {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return err // the page saying why was written, or err
	}
	lang := c.Locals(langKey).(string)
	choice := c.FormValue("answer")
	saving := c.FormValue("action") == "save"
	if choice != "yes" && choice != "no" {
		if !saving {
			return s.renderEqualityIntro(c, sv, d, s.tr.T(lang, "problem.equality_choose"))
		}
	} else {
		if choice == "yes" && d.Equality[channels.EqualityChoice] != "yes" {
			c.Locals(sectionStarted, true)
		}
		d.Equality[channels.EqualityChoice] = choice
	}
	return s.saveAndGo(c, sv, d, channels.Step{Kind: channels.StepEqualityIntro}, saving)
}

// equalityField describes an equality question as radios, with "Prefer
// not to say" after an "or", and a write-in box where the standard has one.
func (s *Server) equalityField(key, lang string, d *surveys.Draft) *field {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	f := &field{ID: key, Name: key, Kind: "radio", Fieldset: true, Optional: true}
	var opts []surveys.EqualityOption
	switch key {
	case channels.EqualityBroad:
		f.Label, f.Hint = T("equality.ethnic_group_broad.question"), T("equality.ethnic_group.hint")
		opts, _ = channels.EqualityOptions(key)
	case "ethnic_group":
		group := d.Equality[channels.EqualityBroad]
		f.Label, f.Hint = T("equality.ethnic_group.question"), T("equality.ethnic_group.group."+group)
		opts = channels.EthnicGroupOptions(group)
	default:
		f.Label = T("equality." + key + ".question")
		if h, ok := s.tr.Lookup(lang, "equality."+key+".hint"); ok {
			f.Hint = h
		}
		opts, _ = channels.EqualityOptions(key)
	}
	current := d.Equality[key]
	label := func(o surveys.EqualityOption) string {
		if key == channels.EqualityBroad {
			return T("equality.ethnic_group.group." + o.ID)
		}
		return T("equality." + key + ".option." + o.ID)
	}
	for i, o := range opts {
		id := key
		if i > 0 {
			id = key + "-" + o.ID
		}
		f.Options = append(f.Options, option{ID: id, Value: o.ID, Label: label(o), Checked: current == o.ID})
		if o.WriteIn && f.WriteIn == nil {
			wl, ok := s.tr.Lookup(lang, "equality."+key+".write_in")
			if !ok {
				wl = T("equality.write_in")
			}
			f.WriteIn = &field{ID: surveys.OtherKey(key), Name: surveys.OtherKey(key), Label: wl, Value: d.Equality[surveys.OtherKey(key)]}
		}
	}
	f.Options = append(f.Options, option{ID: key + "-" + surveys.PreferNotToSay, Value: surveys.PreferNotToSay,
		Label: T("equality.prefer_not_to_say"), Checked: current == surveys.PreferNotToSay, Divider: true})
	return f
}

func (s *Server) equalityStep(c *fiber.Ctx) (*surveys.Survey, *surveys.Draft, string, error) {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return nil, nil, "", err
	}
	key := c.Params("key")
	step := channels.Step{Kind: channels.StepEquality, Key: key}
	if !sv.EqualityMonitoring || channels.Index(channels.Steps(sv, d), step) < 0 {
		return nil, nil, "", c.Redirect(stepHref(sv, channels.ResumeStep(sv, d)), fiber.StatusSeeOther)
	}
	return sv, d, key, nil
}

func (s *Server) equalityPage(c *fiber.Ctx) error {
	sv, d, key, err := s.equalityStep(c)
	if err != nil || sv == nil {
		return err
	}
	return s.renderEquality(c, sv, d, key, nil)
}

func (s *Server) renderEquality(c *fiber.Ctx, sv *surveys.Survey, d *surveys.Draft, key string, problem *surveys.Problem) error {
	lang := c.Locals(langKey).(string)
	f := s.equalityField(key, lang, d)
	f.Caption = s.tr.T(lang, "equality.section_title")
	_, p := s.surveyPage(c, f.Label)
	steps := channels.Steps(sv, d)
	if prev, ok := channels.Previous(steps, channels.Step{Kind: channels.StepEquality, Key: key}); ok {
		p.Back = stepHref(sv, prev)
	}
	if problem != nil {
		s.setProblem(f, lang, problem)
		keepPosted(f, c) // what the resident chose stays chosen
	}
	p.Data = struct{ Field *field }{f}
	return s.render(c, p.fieldError(f), "question", p)
}

func (s *Server) answerEquality(c *fiber.Ctx) error {
	sv, d, key, err := s.equalityStep(c)
	if err != nil || sv == nil {
		return err
	}
	saving := c.FormValue("action") == "save"
	if problem := channels.AnswerEquality(d, key, c.FormValue(key), c.FormValue(surveys.OtherKey(key))); problem != nil && !saving {
		return s.renderEquality(c, sv, d, key, problem)
	}
	return s.saveAndGo(c, sv, d, channels.Step{Kind: channels.StepEquality, Key: key}, saving)
}

type summaryRow struct {
	Question string
	Values   []string
	Href     string
}

// checkPage lists every answer with a Change link.
func (s *Server) checkPage(c *fiber.Ctx) error {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return err // the page saying why was written, or err
	}
	return s.renderCheck(c, sv, d, nil)
}

func (s *Server) renderCheck(c *fiber.Ctx, sv *surveys.Survey, d *surveys.Draft, errs []summaryError) error {
	lang := c.Locals(langKey).(string)
	def := sv.DefaultLanguage()
	var rows []summaryRow
	for i := range sv.Questions {
		q := &sv.Questions[i]
		if !q.Visible(d.Answers) {
			continue
		}
		f := s.questionField(sv, q, lang, d)
		row := summaryRow{Question: q.Prompt.In(lang, def), Href: base(sv) + "/q/" + q.Key + "?return=check"}
		if len(f.Options) > 0 {
			for _, o := range f.Options {
				if o.Checked {
					row.Values = append(row.Values, o.Label)
				}
			}
			if f.WriteIn != nil && f.WriteIn.Value != "" {
				row.Values = append(row.Values, f.WriteIn.Value)
			}
		} else if f.Value != "" {
			row.Values = []string{f.Value}
		}
		rows = append(rows, row)
	}
	var equality []summaryRow
	choice := d.Equality[channels.EqualityChoice]
	if sv.EqualityMonitoring && choice == "yes" {
		for _, key := range channels.EqualityKeys(d.Equality) {
			f := s.equalityField(key, lang, d)
			row := summaryRow{Question: f.Label, Href: base(sv) + "/equality/" + key + "?return=check"}
			for _, o := range f.Options {
				if o.Checked {
					row.Values = append(row.Values, o.Label)
				}
			}
			if f.WriteIn != nil && f.WriteIn.Value != "" {
				row.Values = append(row.Values, f.WriteIn.Value)
			}
			equality = append(equality, row)
		}
	}
	_, p := s.surveyPage(c, s.tr.T(lang, "check.title"))
	steps := channels.Steps(sv, d)
	if prev, ok := channels.Previous(steps, channels.Step{Kind: channels.StepCheck}); ok {
		p.Back = stepHref(sv, prev)
	}
	p.Errors = errs
	p.Data = struct {
		Rows, Equality                []summaryRow
		ShowEquality, EqualitySkipped bool
		EqualityHref                  string
	}{rows, equality, sv.EqualityMonitoring, choice != "yes", base(sv) + "/equality?return=check"}
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "check", p)
}

// submitDraft sends the answers as a response, through the same Submit
// every channel uses.
func (s *Server) submitDraft(c *fiber.Ctx) error {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return err // the page saying why was written, or err
	}
	_, err = s.svc.SubmitDraft(c.UserContext(), sv.Slug, d, channels.DraftSubmission(sv, d, surveys.ChannelWeb))
	if errors.Is(err, surveys.ErrAlreadySent) {
		return c.Redirect(base(sv)+"/done", fiber.StatusSeeOther) // a second click, or a reload
	}
	if surveys.ErrorCode(err) == surveys.EINVALID {
		// Only possible if a required question was skipped by jumping
		// ahead: send the resident to each one.
		lang := c.Locals(langKey).(string)
		var errs []summaryError
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if _, bad := surveys.ErrorFields(err)[q.Key]; bad {
				_, p := q.CheckAnswer(d.Answers[q.Key])
				text := q.Prompt.In(lang, sv.DefaultLanguage())
				if p != nil {
					text += ": " + s.problemText(lang, p)
				}
				errs = append(errs, summaryError{Href: base(sv) + "/q/" + q.Key + "?return=check", Text: text})
			}
		}
		return s.renderCheck(c, sv, d, errs)
	}
	if err != nil {
		return s.webError(c, err)
	}
	return c.Redirect(base(sv)+"/done", fiber.StatusSeeOther)
}

// donePage shows the reference of the response just sent.
func (s *Server) donePage(c *fiber.Ctx) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	code := c.Cookies(draftCookieFor + sv.Slug)
	d, err := s.svc.Draft(c.UserContext(), sv, code)
	if err != nil || d.Reference == "" {
		return c.Redirect(base(sv)+"?lang="+lang, fiber.StatusSeeOther)
	}
	return s.renderDone(c, sv, d.Reference, nil) // updates_web.go: with the form to hear what happened
}

// The resident's side of "stop using my equality data": a form for the
// reference they were shown (which is all it takes, as residents do not
// sign in), on any survey's address so it is in the survey's languages.

func (s *Server) withdrawField(lang, value, problem string) *field {
	return &field{ID: "reference", Name: "reference", Kind: "text", Label: s.tr.T(lang, "withdraw.title"),
		Hint: s.tr.T(lang, "withdraw.hint"), Value: value, Error: problem}
}

func (s *Server) renderWithdraw(c *fiber.Ctx, value, problem string) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	f := s.withdrawField(lang, value, problem)
	_, p := s.surveyPage(c, f.Label)
	p.Back = base(sv) + "?lang=" + lang
	p.Data = struct {
		Field *field
		About string
	}{f, s.tr.T(lang, "withdraw.about")}
	return s.render(c, p.fieldError(f), "withdraw", p)
}

func (s *Server) withdrawPage(c *fiber.Ctx) error {
	return s.renderWithdraw(c, "", "")
}

func (s *Server) withdrawSubmit(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	typed := c.FormValue("reference")
	err := s.svc.WithdrawEquality(c.UserContext(), typed)
	switch surveys.ErrorCode(err) {
	case "":
		return s.message(c, fiber.StatusOK, lang, "withdraw.done_title", []string{s.tr.T(lang, "withdraw.done")},
			&linkData{Href: "/?lang=" + lang, Text: s.tr.T(lang, "done.home")})
	case surveys.EINVALID:
		return s.renderWithdraw(c, typed, s.tr.T(lang, "withdraw.invalid"))
	case surveys.ENOTFOUND:
		return s.renderWithdraw(c, typed, s.tr.T(lang, "withdraw.not_found"))
	}
	return s.webError(c, err)
}

// savedPage shows the code (and link) that brings the answers back.
func (s *Server) savedPage(c *fiber.Ctx) error {
	sv, d, err := s.withDraft(c)
	if sv == nil {
		return err // the page saying why was written, or err
	}
	lang := c.Locals(langKey).(string)
	code := c.Cookies(draftCookieFor + sv.Slug)
	_, p := s.surveyPage(c, s.tr.T(lang, "saved.title"))
	link := s.publicURL(c) + base(sv) + "/resume?code=" + url.QueryEscape(code) + "&lang=" + lang
	p.Data = struct{ Code, Until, Link, ContinueHref string }{code, s.formatDate(lang, d.ExpiresAt), link, stepHref(sv, channels.ResumeStep(sv, d))}
	return s.render(c, fiber.StatusOK, "saved", p)
}

// publicURL is the address residents reach Voices at.
func (s *Server) publicURL(c *fiber.Ctx) string {
	if s.public != "" {
		return s.public
	}
	return c.BaseURL()
}

func (s *Server) resumeField(lang, value, problem string) *field {
	return &field{ID: "code", Name: "code", Kind: "text", Label: s.tr.T(lang, "resume.title"), Hint: s.tr.T(lang, "resume.code_hint"), Value: value, Error: problem}
}

// resumePage asks for the code; a link with ?code= goes straight in.
func (s *Server) resumePage(c *fiber.Ctx) error {
	if code := c.Query("code"); code != "" {
		return s.resumeWith(c, code)
	}
	return s.renderResume(c, "", "")
}

func (s *Server) renderResume(c *fiber.Ctx, value, problem string) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	f := s.resumeField(lang, value, problem)
	_, p := s.surveyPage(c, f.Label)
	p.Back = base(sv) + "?lang=" + lang
	p.Data = struct{ Field *field }{f}
	return s.render(c, p.fieldError(f), "resume", p)
}

func (s *Server) resume(c *fiber.Ctx) error {
	return s.resumeWith(c, c.FormValue("code"))
}

func (s *Server) resumeWith(c *fiber.Ctx, typed string) error {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	lang := c.Locals(langKey).(string)
	if err := sv.CheckOpen(s.svc.Clock()); err != nil {
		return s.webError(c, err)
	}
	code := surveys.NormaliseResumeCode(typed)
	if code == "" {
		return s.renderResume(c, typed, s.tr.T(lang, "problem.resume_code"))
	}
	d, err := s.svc.Draft(c.UserContext(), sv, code)
	if err != nil || d.Reference != "" {
		if err == nil || surveys.ErrorCode(err) == surveys.ENOTFOUND {
			return s.renderResume(c, typed, s.tr.T(lang, "resume.not_found", int(s.svc.DraftLifetime().Hours()/24)))
		}
		return s.webError(c, err)
	}
	s.setDraftCookie(c, sv, code)
	return c.Redirect(stepHref(sv, channels.ResumeStep(sv, d))+"?lang="+lang, fiber.StatusSeeOther)
}

// webNotFound is the 404 page for addresses outside the API.
func (s *Server) webNotFound(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return fiber.ErrNotFound
	}
	lang := chooseLanguage(s.tr.Languages(), c.Query("lang"), c.Cookies(cookieLanguage), c.Get(fiber.HeaderAcceptLanguage))
	return s.message(c, fiber.StatusNotFound, lang, "page.not_found.title", []string{s.tr.T(lang, "page.not_found.text")}, nil)
}
