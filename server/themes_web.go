package server

import (
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// The officers' theme pages: an overview of a survey's coding, its
// codebook, the review queue (keyboard-first: plain checkboxes and one
// Save button per page of answers, no script), and the printable themed
// report with SVG charts and the same numbers as tables.

// themesOverview shows where a survey's coding stands and what to do next.
func (s *Server) themesOverview(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	ctx := c.UserContext()
	type overview struct {
		Title, Base, Notice string
		Codebook            *surveys.Codebook
		Model               *surveys.ThemeModelRecord
		Decided, Undecided  int
		ModelTrained        string
		MinExamples         int
	}
	d := overview{Title: sv.Title.In(lang, sv.DefaultLanguage()), Base: "/dashboard" + base(sv) + "/themes", MinExamples: surveys.MinTrainingExamples}
	if cb, err := s.store.Codebook(ctx, sv.ID); err == nil {
		d.Codebook = cb
	} else if surveys.ErrorCode(err) != surveys.ENOTFOUND {
		return err
	}
	if m, err := s.store.ThemeModel(ctx, sv.ID); err == nil {
		d.Model, d.ModelTrained = m, s.formatDateTime(lang, m.TrainedAt)
	} else if surveys.ErrorCode(err) != surveys.ENOTFOUND {
		return err
	}
	if d.Codebook != nil {
		// Counting is all this page needs: not the summary's splits and quotes.
		for _, undecided := range []bool{false, true} {
			n := 0
			err := s.store.EachFreeTextAnswer(ctx, sv.ID, sv.FreeTextKeys(), undecided, func(surveys.AnswerKey, string) error { n++; return nil })
			if err != nil {
				return err
			}
			if undecided {
				d.Undecided, d.Decided = n, d.Decided-n
			} else {
				d.Decided = n
			}
		}
	}
	if n := c.Query("suggested"); n != "" {
		d.Notice = s.tr.T(lang, "themes.suggested", n)
	}
	if n := c.Query("imported"); n != "" {
		d.Notice = s.tr.T(lang, "themes.imported", n)
	}
	if c.Query("trained") != "" {
		d.Notice = s.tr.T(lang, "themes.trained")
	}
	return s.render(c, fiber.StatusOK, "themes", &page{Lang: lang, Title: s.tr.T(lang, "themes.title", d.Title), Back: "/dashboard" + base(sv), Data: d})
}

// themesAction runs one of the overview's buttons and comes back to it,
// or shows the overview's problem on a page of its own.
func (s *Server) themesAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		back := "/dashboard" + base(sv) + "/themes"
		var query string
		switch action {
		case "suggest":
			var n int
			n, err = s.svc.SuggestThemes(c.UserContext(), sv, false)
			query = "?suggested=" + strconv.Itoa(n)
		case "train":
			_, err = s.svc.TrainThemes(c.UserContext(), sv)
			query = "?trained=1"
		case "training":
			var data []byte
			if data, err = uploadedFile(c, "file"); err == nil {
				var n int
				n, err = s.svc.ImportTrainingCSV(c.UserContext(), sv, data)
				query = "?imported=" + strconv.Itoa(n)
				if err == nil {
					s.retrain(sv)
				}
			}
		}
		if code := surveys.ErrorCode(err); code == surveys.EINVALID || code == surveys.EMALFORMED || code == surveys.ENOTFOUND {
			lang := c.Locals(langKey).(string)
			return s.message(c, fiber.StatusUnprocessableEntity, lang, "themes.problem", []string{fileProblem(err)}, &linkData{Href: back, Text: s.tr.T(lang, "themes.back")})
		}
		if err != nil {
			return err
		}
		return c.Redirect(back+query, fiber.StatusSeeOther)
	}
}

// uploadedFile reads a form's file, or says to choose one.
func uploadedFile(c *fiber.Ctx, name string) ([]byte, error) {
	fh, err := c.FormFile(name)
	if err != nil || fh.Size == 0 {
		return nil, surveys.Errorf(surveys.EINVALID, "Choose a file to upload.")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// codebookPage shows the codebook to change, as YAML, like a definition.
func (s *Server) codebookPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	text := ""
	if cb, err := s.store.Codebook(c.UserContext(), sv.ID); err == nil {
		var b strings.Builder
		if err := surveys.WriteCodebookYAML(&b, cb); err != nil {
			return err
		}
		text = b.String()
	}
	return s.renderCodebook(c, fiber.StatusOK, sv, text, nil)
}

func (s *Server) renderCodebook(c *fiber.Ctx, status int, sv *surveys.Survey, text string, problem error) error {
	lang := c.Locals(langKey).(string)
	title := sv.Title.In(lang, sv.DefaultLanguage())
	d := definitionForm{Title: s.tr.T(lang, "codebook.title", title), Action: "/dashboard" + base(sv) + "/themes/codebook", Definition: text, Survey: title, Edit: true}
	d.Codebook = true
	p := &page{Lang: lang, Title: d.Title, Back: "/dashboard" + base(sv) + "/themes", Data: d}
	if problem != nil {
		p.Errors = append(p.Errors, summaryError{Href: "#definition", Text: surveys.ErrorMessage(problem)})
		fields := surveys.ErrorFields(problem)
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			p.Errors = append(p.Errors, summaryError{Href: "#definition", Text: k + ": " + fields[k]})
		}
	}
	return s.render(c, status, "definition", p)
}

func (s *Server) saveCodebookPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	text, err := definitionText(c)
	if err == nil {
		if _, err = s.svc.PutCodebook(c.UserContext(), sv, []byte(text)); err == nil {
			return c.Redirect("/dashboard"+base(sv)+"/themes", fiber.StatusSeeOther)
		}
	}
	if definitionProblem(err) {
		return s.renderCodebook(c, fiber.StatusUnprocessableEntity, sv, text, err)
	}
	return err
}

// reviewAnswer is one answer in the review queue's form.
type reviewAnswer struct {
	ID, Legend, Text, Original, OriginalLanguage, Decided string
	Suggestions                                           []string
	Likely, Others                                        []option // suggested or decided themes first; the rest folded away
}

// reviewQueue shows a page of answers to decide, filtered.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	cb, err := s.store.Codebook(c.UserContext(), sv.ID)
	if err != nil {
		return err
	}
	if c.Query("status") == "" && !c.Request().URI().QueryArgs().Has("status") {
		c.Request().URI().QueryArgs().Set("status", surveys.ReviewToDo) // the queue starts with what nobody has decided
	}
	f, err := themeFilter(c, currentUser(c))
	if surveys.ErrorCode(err) == surveys.EINVALID {
		c.Request().URI().SetQueryString("status=" + surveys.ReviewToDo)
		f, err = themeFilter(c, currentUser(c))
	}
	if err != nil {
		return err
	}
	if f.Limit == 20 {
		f.Limit = 10 // a page a person can decide at once
	}
	list, err := s.store.ThemeAnswers(c.UserContext(), sv.ID, sv.FreeTextKeys(), f)
	if err != nil {
		return err
	}
	def := sv.DefaultLanguage()
	var answers []reviewAnswer
	for i, a := range list {
		id := fmt.Sprintf("%d:%s", a.ResponseID, a.QuestionKey)
		ra := reviewAnswer{ID: id, Text: a.Text,
			Legend: T("review.legend", i+1, len(list), sv.Question(a.QuestionKey).Prompt.In(lang, def), a.Reference)}
		if a.Original != nil {
			ra.Original, ra.OriginalLanguage = a.Original.Text, a.Original.Language
		}
		checked := map[string]bool{}
		switch {
		case a.Mine != nil:
			for _, t := range a.Mine.Themes {
				checked[t] = true
			}
			ra.Decided = T("review.decided_by_you")
		case a.Coding != nil:
			for _, t := range a.Coding.Themes {
				checked[t] = true
			}
			ra.Decided = T("review.decided_by", a.Coding.Coder)
		default:
			for _, sg := range a.Suggestions {
				checked[sg.Theme] = true
			}
		}
		suggested := map[string]bool{}
		for _, sg := range a.Suggestions {
			if t := cb.Theme(sg.Theme); t != nil {
				suggested[sg.Theme] = true
				line := T("review.suggestion", t.Name, int(math.Round(sg.Confidence*100)))
				if len(sg.Evidence) > 0 {
					line += " " + T("review.because", strings.Join(sg.Evidence, ", "))
				}
				ra.Suggestions = append(ra.Suggestions, line)
			}
		}
		for _, t := range cb.Themes {
			o := option{ID: fmt.Sprintf("t-%d-%s-%s", a.ResponseID, a.QuestionKey, t.ID), Value: t.ID, Label: t.Name, Checked: checked[t.ID]}
			if checked[t.ID] || suggested[t.ID] {
				ra.Likely = append(ra.Likely, o)
			} else {
				ra.Others = append(ra.Others, o)
			}
		}
		answers = append(answers, ra)
	}
	query := c.Request().URI().QueryArgs().String()
	var next string
	if len(list) == f.Limit {
		q, _ := url.ParseQuery(query)
		last := list[len(list)-1]
		q.Set("after", fmt.Sprintf("%d:%s", last.ResponseID, last.QuestionKey))
		next = "?" + q.Encode()
	}
	filter := s.reviewFilterForm(lang, sv, cb, f)
	title := T("review.title", sv.Title.In(lang, def))
	return s.render(c, fiber.StatusOK, "review", &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv) + "/themes",
		Data: struct {
			Title, Action, Next, Saved string
			Answers                    []reviewAnswer
			Filter                     reviewFilter
		}{title, c.Path() + "?" + query, next, c.Query("saved"), answers, filter}})
}

// reviewFilter is the queue's filter form.
type reviewFilter struct {
	Question, Theme, Status, Channel, EnteredBy []option
	Min, Max                                    string
}

func (s *Server) reviewFilterForm(lang string, sv *surveys.Survey, cb *surveys.Codebook, f surveys.ThemeAnswerFilter) reviewFilter {
	T := func(k string) string { return s.tr.T(lang, k) }
	all := option{Value: "", Label: T("responses.filter.all")}
	rf := reviewFilter{Question: []option{all}, Theme: []option{all}, Channel: []option{all}, EnteredBy: []option{all}}
	for _, k := range sv.FreeTextKeys() {
		rf.Question = append(rf.Question, option{Value: k, Label: sv.Question(k).Prompt.In(lang, sv.DefaultLanguage()), Checked: f.Question == k})
	}
	for _, t := range cb.Themes {
		rf.Theme = append(rf.Theme, option{Value: t.ID, Label: t.Name, Checked: f.Theme == t.ID})
	}
	for _, st := range []string{surveys.ReviewToDo, surveys.ReviewNotMine, surveys.ReviewMine, surveys.ReviewDone, ""} {
		rf.Status = append(rf.Status, option{Value: st, Label: T("review.status." + cmp(st, "all")), Checked: f.Status == st})
	}
	for _, ch := range surveys.Channels {
		rf.Channel = append(rf.Channel, option{Value: string(ch), Label: T("responses.channel." + string(ch)), Checked: f.Channel == ch})
	}
	for _, e := range enteredByValues {
		rf.EnteredBy = append(rf.EnteredBy, option{Value: e, Label: T("responses.entered_by." + e), Checked: f.EnteredBy == e})
	}
	if f.MinConfidence > 0 {
		rf.Min = strconv.FormatFloat(f.MinConfidence, 'f', -1, 64)
	}
	if f.MaxConfidence > 0 {
		rf.Max = strconv.FormatFloat(f.MaxConfidence, 'f', -1, 64)
	}
	return rf
}

// cmp returns s, or otherwise when s is empty.
func cmp(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// saveReview stores the decisions on a page of the queue and shows the
// next page of the same filter.
func (s *Server) saveReview(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	args := c.Request().PostArgs()
	decisions := map[surveys.AnswerKey][]string{}
	for _, v := range args.PeekMulti("answer") {
		id, key, ok := strings.Cut(string(v), ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			return surveys.Errorf(surveys.EMALFORMED, "The form names an answer Voices cannot read; reload the page.")
		}
		k := surveys.AnswerKey{ResponseID: n, QuestionKey: key}
		decisions[k] = []string{}
		for _, t := range args.PeekMulti("themes:" + string(v)) {
			decisions[k] = append(decisions[k], string(t))
		}
	}
	if err := s.svc.Review(c.UserContext(), sv, currentUser(c), decisions); err != nil {
		return err
	}
	s.retrain(sv)
	q := c.Request().URI().QueryArgs()
	q.Set("saved", strconv.Itoa(len(decisions)))
	q.Del("after")
	return c.Redirect(c.Path()+"?"+q.String(), fiber.StatusSeeOther)
}

// themesReport is the printable themed summary.
func (s *Server) themesReport(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang, _ := c.Locals(langKey).(string) // not set on the API's address
	if lang == "" {
		lang = channels.FallbackLanguage
		c.Locals(langKey, lang)
	}
	sum, err := s.protectedSummary(c, sv, lang)
	if err != nil {
		return err
	}
	// A hidden bar is no bar at all, labelled "hidden": a bar's length
	// would give the number away.
	type bar struct {
		Name, Label             string
		Hidden                  bool
		Y, Width, TextY, Height int
	}
	type chart struct {
		ID, Title, Respondents string
		Height, Left           int
		Bars                   []bar
		Summary                disclosure.SummaryQuestion
	}
	var charts []chart
	for i, q := range append([]disclosure.SummaryQuestion{sum.Overall}, sum.Questions...) {
		title := s.tr.T(lang, "report.overall")
		if q.Question != "" {
			title = q.Prompt
		}
		respondents := s.tr.T(lang, "report.respondents_hidden", sum.Threshold)
		if q.Respondents != nil {
			respondents = s.tr.T(lang, "report.respondents", *q.Respondents)
		}
		ch := chart{ID: fmt.Sprintf("chart-%d", i), Title: title, Respondents: respondents, Summary: q, Left: 260}
		most := 1
		for _, t := range q.Themes {
			if t.Respondents != nil {
				most = max(most, *t.Respondents)
			}
		}
		for j, t := range q.Themes {
			b := bar{Name: t.Name, Hidden: true, Label: s.tr.T(lang, "report.hidden"), Y: j * 28, TextY: j*28 + 17, Height: 20}
			if t.Respondents != nil {
				b.Hidden, b.Width, b.Label = false, max(*t.Respondents*380/most, 1), strconv.Itoa(*t.Respondents)
				if t.Share != nil {
					b.Label += fmt.Sprintf(" (%.0f%%)", *t.Share*100)
				}
			}
			ch.Bars = append(ch.Bars, b)
		}
		ch.Height = max(len(ch.Bars)*28, 28)
		charts = append(charts, ch)
	}
	// The decided and undecided answers are counts like any other.
	answers := func(n disclosure.Count) string {
		if n.Count == nil {
			return s.tr.T(lang, "report.fewer_than", sum.Threshold)
		}
		return strconv.Itoa(*n.Count)
	}
	title := s.tr.T(lang, "report.title", sum.Title)
	return s.render(c, fiber.StatusOK, "report", &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv) + "/themes",
		Data: struct {
			Title              string
			Summary            *disclosure.Summary
			Generated          string
			Decided, Undecided string
			Charts             []chart
		}{title, sum, s.formatDateTime(lang, sum.GeneratedAt), answers(sum.Decided), answers(sum.Undecided), charts}})
}

// agreementPage shows Cohen's kappa per theme for each pair of coders.
func (s *Server) agreementPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	pairs, err := s.svc.Agreements(c.UserContext(), sv)
	if err != nil {
		return err
	}
	title := s.tr.T(lang, "agreement.title", sv.Title.In(lang, sv.DefaultLanguage()))
	return s.render(c, fiber.StatusOK, "agreement", &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv) + "/themes",
		Data: struct {
			Title, Review string
			Pairs         []surveys.Agreement
		}{title, "/dashboard" + base(sv) + "/themes/review?status=" + surveys.ReviewNotMine, pairs}})
}

// discoveryPage lists the candidate themes found in uncovered answers.
func (s *Server) discoveryPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	return s.renderDiscovery(c, fiber.StatusOK, sv, nil, 0)
}

func (s *Server) renderDiscovery(c *fiber.Ctx, status int, sv *surveys.Survey, problem error, problemID int64) error {
	lang := c.Locals(langKey).(string)
	list, err := s.store.Candidates(c.UserContext(), sv.ID)
	if err != nil {
		return err
	}
	var themes []option
	if cb, err := s.store.Codebook(c.UserContext(), sv.ID); err == nil {
		for _, t := range cb.Themes {
			themes = append(themes, option{Value: t.ID, Label: t.Name})
		}
	}
	title := s.tr.T(lang, "discover.title", sv.Title.In(lang, sv.DefaultLanguage()))
	p := &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv) + "/themes",
		Data: struct {
			Title, Action string
			Candidates    []*surveys.ThemeCandidate
			Themes        []option
			ProblemID     int64
			Fields        map[string]string
		}{title, "/dashboard" + base(sv) + "/themes/discover", list, themes, problemID, surveys.ErrorFields(problem)}}
	if problem != nil {
		p.Errors = []summaryError{{Href: fmt.Sprintf("#candidate-%d", problemID), Text: fileProblem(problem)}}
	}
	return s.render(c, status, "discover", p)
}

// runDiscovery finds candidates afresh.
func (s *Server) runDiscovery(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.DiscoverThemes(c.UserContext(), sv); err != nil {
		if surveys.ErrorCode(err) == surveys.EINVALID {
			return s.renderDiscovery(c, fiber.StatusUnprocessableEntity, sv, err, 0)
		}
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/themes/discover", fiber.StatusSeeOther)
}

// decideCandidate accepts, merges or dismisses a candidate.
func (s *Server) decideCandidate(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return surveys.Errorf(surveys.ENOTFOUND, "There is no such candidate theme.")
	}
	ctx, u := c.UserContext(), currentUser(c)
	switch c.FormValue("decision") {
	case "accept":
		_, err = s.svc.AcceptCandidate(ctx, sv, u, id, c.FormValue("id"), c.FormValue("name"), c.FormValue("description"))
	case "merge":
		_, err = s.svc.MergeCandidate(ctx, sv, u, id, c.FormValue("into"))
	case "dismiss":
		err = s.svc.DismissCandidate(ctx, sv, u, id)
	default:
		err = surveys.Errorf(surveys.EINVALID, "Choose to add it to the codebook, merge it into a theme, or dismiss it.")
	}
	if code := surveys.ErrorCode(err); code == surveys.EINVALID || code == surveys.ECONFLICT {
		return s.renderDiscovery(c, fiber.StatusUnprocessableEntity, sv, err, id)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/themes/discover", fiber.StatusSeeOther)
}
