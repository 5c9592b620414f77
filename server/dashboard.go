package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// The signed-in dashboard: the consultations a user works on with their
// response counts, each consultation's responses (filtered, paged and
// exported), a response's detail and its corrections. Every list, count,
// page and export is scoped by User.Scope, so a community group member
// sees only what their organisation entered and an interpreter only what
// they entered, whichever page or file they ask for.

// enteredByValues are the ways a response can be entered, in the order shown.
var enteredByValues = []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}

// countLine is one count in a breakdown ("Web 12").
type countLine struct {
	Label string
	Count int
}

// breakdown is a survey's response counts by channel and by who entered them.
type breakdown struct {
	Total               int
	Channels, EnteredBy []countLine
}

// breakdowns adds up counts by survey, labelling them in lang.
func (s *Server) breakdowns(lang string, counts []surveys.ResponseCount) map[int64]*breakdown {
	byChannel := map[int64]map[string]int{}
	byEntered := map[int64]map[string]int{}
	out := map[int64]*breakdown{}
	for _, c := range counts {
		b := out[c.SurveyID]
		if b == nil {
			b = &breakdown{}
			out[c.SurveyID] = b
			byChannel[c.SurveyID] = map[string]int{}
			byEntered[c.SurveyID] = map[string]int{}
		}
		b.Total += c.Count
		byChannel[c.SurveyID][string(c.Channel)] += c.Count
		byEntered[c.SurveyID][c.EnteredBy] += c.Count
	}
	for id, b := range out {
		for _, ch := range surveys.Channels {
			if n := byChannel[id][string(ch)]; n > 0 {
				b.Channels = append(b.Channels, countLine{s.tr.T(lang, "responses.channel."+string(ch)), n})
			}
		}
		for _, e := range enteredByValues {
			if n := byEntered[id][e]; n > 0 {
				b.EnteredBy = append(b.EnteredBy, countLine{s.tr.T(lang, "responses.entered_by."+e), n})
			}
		}
	}
	return out
}

type dashboardSurvey struct {
	Title, Href, Status, Closes string
	Counts                      *breakdown
}

// dashboard lists the consultations a signed-in user works on, with how
// many responses each has (of those they may see), by channel and by who
// entered them.
func (s *Server) dashboard(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	u := currentUser(c)
	scope, err := u.Scope(surveys.ResponseFilter{})
	if err != nil {
		return err
	}
	list, err := s.store.Surveys(c.UserContext(), "")
	if err != nil {
		return err
	}
	counts, err := s.store.CountResponses(c.UserContext(), scope)
	if err != nil {
		return err
	}
	byID := s.breakdowns(lang, counts)
	var rows []dashboardSurvey
	for _, sv := range list {
		if sv.Status == surveys.StatusDraft && !u.Role.IsOfficer() {
			continue // drafts are the officers' own until opened
		}
		row := dashboardSurvey{Title: sv.Title.In(lang, sv.DefaultLanguage()), Href: "/dashboard" + base(sv),
			Status: s.tr.T(lang, "dashboard.status."+string(sv.Status)), Counts: byID[sv.ID]}
		if row.Counts == nil {
			row.Counts = &breakdown{}
		}
		if sv.ClosesAt != nil {
			row.Closes = s.formatDate(lang, *sv.ClosesAt)
		}
		rows = append(rows, row)
	}
	return s.render(c, fiber.StatusOK, "dashboard", &page{Lang: lang, Title: s.tr.T(lang, "dashboard.title"),
		Data: struct {
			User    *surveys.User
			Role    string
			Officer bool
			Admin   bool
			Surveys []dashboardSurvey
		}{u, s.tr.T(lang, "dashboard.role."+string(u.Role)), u.Role.IsOfficer(), u.Role == surveys.RoleAdmin, rows}})
}

// responseRow is one response in the list.
type responseRow struct {
	Reference, Href, Submitted, Channel, EnteredBy, Mode, Language, Organisation string
}

// filterForm is the responses filter as the form shows it.
type filterForm struct {
	Channel, EnteredBy, Language, From, To []option
	FromValue, ToValue                     string
	Active                                 bool
}

// surveyDashboard shows one consultation: what can be done with it, its
// response counts, and its responses, filtered and paged.
func (s *Server) surveyDashboard(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	u := currentUser(c)
	sv, f, err := s.surveyAndFilter(c)
	if surveys.ErrorCode(err) == surveys.EINVALID {
		// A hand-edited address: show the page unfiltered, saying why.
		c.Request().URI().SetQueryString("")
		sv, f, err = s.surveyAndFilter(c)
	}
	if err != nil {
		return err
	}
	scope, _ := u.Scope(surveys.ResponseFilter{})
	counts, err := s.store.CountResponses(c.UserContext(), scope)
	if err != nil {
		return err
	}
	b := s.breakdowns(lang, counts)[sv.ID]
	if b == nil {
		b = &breakdown{}
	}
	list, err := s.store.Responses(c.UserContext(), sv.ID, f)
	if err != nil {
		return err
	}
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	rows := make([]responseRow, len(list))
	for i, r := range list {
		rows[i] = s.responseRow(lang, sv, r)
	}
	query := filterQuery(f)
	var next string
	if len(list) == f.Limit {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("after", strconv.FormatInt(list[len(list)-1].ID, 10))
		next = "?" + q.Encode()
	}
	exportQuery := ""
	if len(query) > 0 {
		exportQuery = "?" + query.Encode()
	}
	open := sv.CheckOpen(s.svc.Clock()) == nil
	form := filterForm{FromValue: c.Query("from"), ToValue: c.Query("to"), Active: len(query) > 0}
	form.Channel = []option{{Value: "", Label: T("responses.filter.all")}}
	for _, ch := range surveys.Channels {
		form.Channel = append(form.Channel, option{Value: string(ch), Label: T("responses.channel." + string(ch)), Checked: f.Channel == ch})
	}
	form.EnteredBy = []option{{Value: "", Label: T("responses.filter.all")}}
	for _, e := range enteredByValues {
		form.EnteredBy = append(form.EnteredBy, option{Value: e, Label: T("responses.entered_by." + e), Checked: f.EnteredBy == e})
	}
	form.Language = []option{{Value: "", Label: T("responses.filter.all")}}
	for _, l := range sv.Languages {
		form.Language = append(form.Language, option{Value: l, Label: s.languageName(l), Checked: f.Language == l})
	}
	title := sv.Title.In(lang, sv.DefaultLanguage())
	return s.render(c, fiber.StatusOK, "survey_dashboard", &page{Lang: lang, Title: title, Back: "/dashboard",
		Data: struct {
			Slug, Title, Status, Public, Base, Closes string
			Officer, Open, Draft, Closed              bool
			Counts                                    *breakdown
			Filter                                    filterForm
			Responses                                 []responseRow
			Next, ExportQuery                         string
			First                                     bool
		}{sv.Slug, title, T("dashboard.status." + string(sv.Status)), base(sv), "/dashboard" + base(sv), s.closes(lang, sv),
			u.Role.IsOfficer(), open, sv.Status == surveys.StatusDraft, sv.Status == surveys.StatusClosed,
			b, form, rows, next, exportQuery, f.AfterID == 0}})
}

func (s *Server) closes(lang string, sv *surveys.Survey) string {
	if sv.ClosesAt == nil {
		return ""
	}
	return s.formatDate(lang, *sv.ClosesAt)
}

// filterQuery is the query string that selects the same responses as f
// (without paging or the user's scope).
func filterQuery(f surveys.ResponseFilter) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("channel", string(f.Channel))
	set("entered_by", f.EnteredBy)
	set("language", f.Language)
	if !f.From.IsZero() {
		q.Set("from", f.From.Format("2006-01-02"))
	}
	if !f.To.IsZero() {
		q.Set("to", f.To.Format("2006-01-02"))
	}
	return q
}

// languageName names a language in its own words when Voices knows it.
func (s *Server) languageName(code string) string { return s.tr.Endonym(code) }

func (s *Server) formatDateTime(lang string, t time.Time) string {
	t = t.In(s.zone)
	return fmt.Sprintf("%s %02d:%02d", s.formatDate(lang, t), t.Hour(), t.Minute())
}

func (s *Server) responseRow(lang string, sv *surveys.Survey, r *surveys.Response) responseRow {
	T := func(k string) string { return s.tr.T(lang, k) }
	row := responseRow{Reference: r.Reference, Href: "/dashboard" + base(sv) + "/r/" + url.PathEscape(r.Reference),
		Submitted: s.formatDateTime(lang, r.SubmittedAt), Channel: T("responses.channel." + string(r.Channel)),
		EnteredBy: T("responses.entered_by." + r.Mediation.EnteredBy), Language: s.languageName(r.Language),
		Organisation: r.Mediation.Organisation}
	if r.Mediation.Mode != "" {
		row.Mode = T("entry.mode." + r.Mediation.Mode)
	}
	return row
}

// detailRow is one line of a response's detail: a question and its answer,
// with the person's own words beside a translated answer.
type detailRow struct {
	Question         string
	Values           []string
	Original         string
	OriginalLanguage string
}

// responseDetail shows one response, how it was given, and its corrections.
func (s *Server) responseDetail(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	corrections, err := s.store.Corrections(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	rows, equality := s.detailRows(lang, sv, r)
	if !currentUser(c).SeesEquality() {
		equality = nil
	}
	m := r.Mediation
	facts := []summaryRow{
		{Question: T("responses.submitted"), Values: []string{s.formatDateTime(lang, r.SubmittedAt)}},
		{Question: T("responses.channel"), Values: []string{T("responses.channel." + string(r.Channel))}},
		{Question: T("responses.language"), Values: []string{s.languageName(r.Language)}},
		{Question: T("responses.entered_by"), Values: []string{T("responses.entered_by." + m.EnteredBy)}},
	}
	add := func(label, value string) {
		if value != "" {
			facts = append(facts, summaryRow{Question: label, Values: []string{value}})
		}
	}
	if m.Mode != "" {
		add(T("responses.mode"), T("entry.mode."+m.Mode))
	}
	add(T("responses.organisation"), m.Organisation)
	add(T("responses.interpreter_language"), m.InterpreterLanguage)
	add(T("responses.interpreter"), m.Interpreter)
	if m.EnteredBy != surveys.EnteredBySelf {
		add(T("responses.consent"), T("responses.consent_confirmed"))
	}
	var history []correctionRow
	for _, k := range corrections {
		if !currentUser(c).SeesEquality() {
			k.Before, k.After = k.Before.WithoutEquality(), k.After.WithoutEquality()
		}
		history = append(history, correctionRow{s.formatDateTime(lang, k.At), k.Actor, k.Reason, strings.Join(k.Changed(), ", ")})
	}
	title := T("responses.detail_title", r.Reference)
	data := responsePage{Title: title, Survey: sv.Title.In(lang, sv.DefaultLanguage()),
		Correct: "/dashboard" + base(sv) + "/r/" + url.PathEscape(r.Reference) + "/correct",
		Facts:   toDetail(facts), Answers: rows, Equality: equality, Corrections: history}
	if c.Query("corrected") == "1" {
		data.Notice = T("responses.corrected")
	}
	if currentUser(c).Role.IsOfficer() {
		detail := "/dashboard" + base(sv) + "/r/" + url.PathEscape(r.Reference)
		data.Officer, data.Reference = true, r.Reference
		data.SubjectAccess, data.Erase = detail+"/subject-access.json", detail+"/erase"
		if c.Query("erase") == "confirm" {
			data.EraseProblem = T("responses.erase_confirm_problem", r.Reference)
		}
	}
	return s.render(c, fiber.StatusOK, "response", &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv), Data: data})
}

type correctionRow struct{ At, By, Reason, Changed string }

type responsePage struct {
	Title, Survey, Correct, Notice string
	// For officers: subject access and erasure (see dataprotection.go).
	Officer                  bool
	SubjectAccess, Erase     string
	Reference, EraseProblem  string
	Facts, Answers, Equality []detailRow
	Corrections              []correctionRow
}

func toDetail(rows []summaryRow) []detailRow {
	out := make([]detailRow, len(rows))
	for i, r := range rows {
		out[i] = detailRow{Question: r.Question, Values: r.Values}
	}
	return out
}

// detailRows labels a response's answers and equality answers as the
// questions show them.
func (s *Server) detailRows(lang string, sv *surveys.Survey, r *surveys.Response) (answers, equality []detailRow) {
	def := sv.DefaultLanguage()
	sub := r.Submission()
	d := &surveys.Draft{Answers: sub.Answers, Equality: sub.Equality}
	for i := range sv.Questions {
		q := &sv.Questions[i]
		if _, ok := sub.Answers[q.Key]; !ok {
			continue
		}
		f := s.questionField(sv, q, def, d)
		row := detailRow{Question: q.Prompt.In(lang, def), Values: chosen(f)}
		if o, ok := r.Originals[q.Key]; ok {
			row.Original, row.OriginalLanguage = o.Text, o.Language
		}
		answers = append(answers, row)
	}
	for _, q := range surveys.EqualityQuestions {
		v, ok := r.Equality[q.Key]
		if !ok {
			continue
		}
		// Labelled from the stored answer itself: the resident's form asks
		// some questions in two steps, and its fields follow those steps.
		label := s.tr.T(lang, "equality."+q.Key+".option."+v)
		if v == surveys.PreferNotToSay {
			label = s.tr.T(lang, "equality.prefer_not_to_say")
		}
		row := detailRow{Question: s.tr.T(lang, "equality."+q.Key+".question"), Values: []string{label}}
		if other := r.Equality[surveys.OtherKey(q.Key)]; other != "" {
			row.Values = append(row.Values, other)
		}
		equality = append(equality, row)
	}
	return answers, equality
}

// chosen is what a field shows as answered: its checked options' labels
// and any write-in, or its text.
func chosen(f *field) []string {
	if len(f.Options) == 0 {
		if f.Value == "" {
			return nil
		}
		return []string{f.Value}
	}
	var out []string
	for _, o := range f.Options {
		if o.Checked {
			out = append(out, o.Label)
		}
	}
	if f.WriteIn != nil && f.WriteIn.Value != "" {
		out = append(out, f.WriteIn.Value)
	}
	return out
}

// visibleResponse loads the survey and the response in the path that the
// user may see; not found, the same as a response that does not exist,
// otherwise.
func (s *Server) visibleResponse(c *fiber.Ctx) (*surveys.Survey, *surveys.Response, error) {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return nil, nil, err
	}
	ref, err := url.PathUnescape(c.Params("ref"))
	if err != nil {
		return nil, nil, surveys.Errorf(surveys.ENOTFOUND, "There is no response with this reference that you can see.")
	}
	r, err := s.svc.FindResponse(c.UserContext(), sv, currentUser(c), ref)
	return sv, r, err
}

// correctionPage shows a response's answers in the entry form, to correct.
func (s *Server) correctionPage(c *fiber.Ctx) error {
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	return s.renderEntry(c, fiber.StatusOK, sv, r.Submission(), nil, &entryCorrection{Reference: r.Reference})
}

// correctResponse saves a correction, or shows the form again with each
// problem by its field.
func (s *Server) correctResponse(c *fiber.Ctx) error {
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	sub := entrySubmission(c, sv)
	sub.Channel, sub.Mediation = r.Channel, r.Mediation
	reason := c.FormValue("reason")
	_, err = s.svc.CorrectResponse(c.UserContext(), sv, currentUser(c), r.Reference, sub, reason)
	if surveys.ErrorCode(err) == surveys.EINVALID || surveys.ErrorCode(err) == surveys.ECONFLICT {
		fields := surveys.ErrorFields(err)
		if len(fields) == 0 {
			fields = map[string]string{"reason": surveys.ErrorMessage(err)}
		}
		status := fiber.StatusUnprocessableEntity
		if surveys.ErrorCode(err) == surveys.ECONFLICT {
			status = fiber.StatusConflict
		}
		return s.renderEntry(c, status, sv, sub, fields, &entryCorrection{Reference: r.Reference, Reason: reason})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/r/"+url.PathEscape(r.Reference)+"?corrected=1", fiber.StatusSeeOther)
}

// setSurveyStatus opens or closes a survey from its dashboard page.
func (s *Server) setSurveyStatus(status surveys.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		if err := s.svc.SetStatus(c.UserContext(), sv.Slug, status); err != nil {
			return err
		}
		return c.Redirect("/dashboard"+base(sv), fiber.StatusSeeOther)
	}
}

// officerPage lets only officers and admins see a signed-in page.
func (s *Server) officerPage(c *fiber.Ctx) error {
	if !currentUser(c).Role.IsOfficer() {
		return surveys.Errorf(surveys.EFORBIDDEN, "Only council officers can do this. Ask an officer if you need it done.")
	}
	return c.Next()
}
