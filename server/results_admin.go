package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// The officers' results page (/dashboard/s/{slug}/results): the actions
// ("we did") with the themes they answer, a form to add one and a page to
// change or delete each, a review of exactly what publishing would publish
// (drawn with the public page's partial) and of the actions whose news
// would go to the people who asked to hear back, the Publish button, and
// archiving once the consultation is closed.

// actionTextField is one language of one of an action's texts.
type actionTextField struct {
	ID, Name, Kind     string // Kind: text or textarea
	Label, LangName    string
	Lang, Dir          string
	Hint, Value, Error string
	DescribedBy        string
	FieldKey           string // the domain's field, e.g. "title.en"
	Prefix             string // "Error:", read before the message
}

// actionForm is the form that adds or changes an action.
type actionForm struct {
	Action, Submit       string
	Titles, Descriptions []*actionTextField
	Reasons              []*actionTextField
	Themes, Statuses     []option
	ThemesError          string
	StatusError          string
	Due, DueError        string
	NoCodebook           bool
	CodebookHref         string
	// How the error summary names the fields that are not texts.
	themesLabel, statusLabel, dueLabel string
}

// actionForm lays out the form for sv, filled from a (nil: empty).
func (s *Server) actionForm(lang string, sv *surveys.Survey, cb *surveys.Codebook, a *surveys.Action, action, submit string) *actionForm {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	f := &actionForm{Action: action, Submit: submit, NoCodebook: cb == nil || len(cb.Themes) == 0,
		CodebookHref: "/dashboard" + base(sv) + "/themes/codebook",
		themesLabel:  T("publish.field.themes_short"), statusLabel: T("publish.field.status"), dueLabel: T("publish.field.due_short")}
	if a == nil {
		a = &surveys.Action{Status: surveys.ActionPlanned}
	}
	def := sv.DefaultLanguage()
	texts := func(name, label, kind string, t surveys.Text, hint string) []*actionTextField {
		var out []*actionTextField
		for _, l := range sv.Languages {
			tf := &actionTextField{ID: name + "_" + l, Name: name + "_" + l, Kind: kind, Label: label, LangName: s.tr.Endonym(l),
				Lang: l, Dir: direction(l), Value: t[l], FieldKey: name + "." + l, Prefix: T("error.title_prefix")}
			if l == def {
				tf.Hint = hint
			}
			out = append(out, tf)
		}
		return out
	}
	f.Titles = texts("title", T("publish.field.title"), "text", a.Title, T("publish.field.title_hint", s.tr.Endonym(def)))
	f.Descriptions = texts("description", T("publish.field.description"), "textarea", a.Description, T("publish.field.description_hint"))
	f.Reasons = texts("reason", T("publish.field.reason"), "textarea", a.Reason, T("publish.field.reason_hint"))
	if cb != nil {
		for i, t := range cb.Themes {
			id := "themes"
			if i > 0 {
				id = "themes-" + t.ID
			}
			f.Themes = append(f.Themes, option{ID: id, Value: t.ID, Label: t.Name, Checked: slices.Contains(a.Themes, t.ID)})
		}
	}
	for i, st := range surveys.ActionStatuses {
		id := "status"
		if i > 0 {
			id = "status-" + strings.ReplaceAll(string(st), "_", "-")
		}
		f.Statuses = append(f.Statuses, option{ID: id, Value: string(st), Label: T("results.status." + string(st)), Checked: a.Status == st})
	}
	f.Due = a.Due
	return f
}

// allTexts are the form's text fields, in the order of the page.
func (f *actionForm) allTexts() []*actionTextField {
	return slices.Concat(f.Titles, f.Descriptions, f.Reasons)
}

// setProblems puts err's problems on the fields they name, and returns the
// error summary: one line per field, linking to it.
func (f *actionForm) setProblems(err error) []summaryError {
	fields := surveys.ErrorFields(err)
	word := func(label, msg string) string {
		if strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "must ") {
			return label + " " + msg
		}
		return label + ": " + msg
	}
	var out []summaryError
	used := map[string]bool{}
	add := func(key, href, label string, set *string) {
		msg, ok := fields[key]
		if !ok {
			return
		}
		used[key] = true
		text := word(label, msg)
		*set = text
		out = append(out, summaryError{Href: "#" + href, Text: text})
	}
	for _, tf := range f.Titles {
		add(tf.FieldKey, tf.ID, tf.Label+" ("+tf.LangName+")", &tf.Error)
	}
	for _, tf := range f.Descriptions {
		add(tf.FieldKey, tf.ID, tf.Label+" ("+tf.LangName+")", &tf.Error)
	}
	add("status", "status", f.statusLabel, &f.StatusError)
	for _, tf := range f.Reasons {
		add(tf.FieldKey, tf.ID, tf.Label+" ("+tf.LangName+")", &tf.Error)
	}
	add("themes", "themes", f.themesLabel, &f.ThemesError)
	add("due", "due", f.dueLabel, &f.DueError)
	first := "#" + f.Titles[0].ID
	for _, k := range sortedFieldKeys(fields) {
		if !used[k] {
			out = append(out, summaryError{Href: first, Text: k + ": " + fields[k]})
		}
	}
	if len(out) == 0 || len(fields) == 0 {
		// A problem with no field (nothing changed, too many actions).
		out = append([]summaryError{{Href: first, Text: surveys.ErrorMessage(err)}}, out...)
	}
	f.describe()
	return out
}

// describe sets which hint and error describe each text field.
func (f *actionForm) describe() {
	for _, tf := range f.allTexts() {
		var ids []string
		if tf.Hint != "" {
			ids = append(ids, tf.ID+"-hint")
		}
		if tf.Error != "" {
			ids = append(ids, tf.ID+"-error")
		}
		tf.DescribedBy = strings.Join(ids, " ")
	}
}

// postedAction reads the action form.
func postedAction(c *fiber.Ctx, sv *surveys.Survey) *surveys.Action {
	a := &surveys.Action{Title: surveys.Text{}, Description: surveys.Text{}, Reason: surveys.Text{},
		Status: surveys.ActionStatus(c.FormValue("status")), Due: strings.TrimSpace(c.FormValue("due")), Themes: []string{}}
	for _, l := range sv.Languages {
		a.Title[l] = c.FormValue("title_" + l)
		a.Description[l] = c.FormValue("description_" + l)
		a.Reason[l] = c.FormValue("reason_" + l)
	}
	a.Themes = append(a.Themes, postedValues(c, "themes")...)
	return a
}

// adminAction is one action in the officers' list.
type adminAction struct {
	Title, Status, Due, Href string
	Themes                   []string
}

// resultsAdminData is the officers' results page.
type resultsAdminData struct {
	Survey, Base, Public     string
	Published, Archived      string
	Version                  int
	Notice                   string
	Actions                  []adminAction
	Form                     *actionForm
	DraftVersion             int
	Changed, Edited, Removed []string
	CanPublish, Closed       bool
	ArchiveError             string
	View                     *resultsView
}

// resultsAdminPage answers GET /dashboard/s/{slug}/results.
func (s *Server) resultsAdminPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	return s.renderResultsAdmin(c, fiber.StatusOK, sv, nil, nil)
}

// renderResultsAdmin shows the page; form, when set, is the add form as
// posted (with its problems), and errs the error summary.
func (s *Server) renderResultsAdmin(c *fiber.Ctx, status int, sv *surveys.Survey, form *actionForm, errs []summaryError) error {
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	ctx := c.UserContext()
	cb, names, err := s.themeNames(c, sv)
	if err != nil {
		return err
	}
	home := "/dashboard" + base(sv)
	d := resultsAdminData{Survey: sv.Title.In(lang, sv.DefaultLanguage()), Base: home, Public: base(sv) + "/results",
		CanPublish: sv.Status != surveys.StatusDraft, Closed: sv.Status == surveys.StatusClosed, Form: form}
	if d.Form == nil {
		d.Form = s.actionForm(lang, sv, cb, nil, home+"/actions", T("publish.add_button"))
		d.Form.describe()
	}
	actions, err := s.svc.Actions(ctx, sv)
	if err != nil {
		return err
	}
	for _, a := range actions {
		row := adminAction{Title: a.Title.In(lang, sv.DefaultLanguage()), Status: T("results.status." + string(a.Status)),
			Due: a.Due, Href: fmt.Sprintf("%s/actions/%d", home, a.ID)}
		for _, t := range a.Themes {
			row.Themes = append(row.Themes, cmp(names[t], t))
		}
		d.Actions = append(d.Actions, row)
	}
	published, err := s.latestPublication(c, sv)
	if err != nil {
		return err
	}
	if published != nil {
		d.Published, d.Version = s.formatDateTime(lang, published.PublishedAt), published.Version
	}
	if at, err := s.store.SurveyArchived(ctx, sv.ID); err != nil {
		return err
	} else if !at.IsZero() {
		d.Archived = s.formatDateTime(lang, at)
	}
	draft, err := s.draftPublication(c, sv)
	if err != nil {
		return err
	}
	d.DraftVersion = draft.Version
	def := sv.DefaultLanguage()
	for _, a := range surveys.ChangedActions(published, draft) {
		d.Changed = append(d.Changed, T("publish.changed_item", a.Title.In(lang, def), T("results.status."+string(a.Status))))
	}
	if published != nil {
		before := map[int64]surveys.Action{}
		for _, a := range published.Actions {
			before[a.ID] = a
		}
		for _, a := range draft.Actions {
			if old, ok := before[a.ID]; ok && old.Status == a.Status && !a.UpdatedAt.Equal(old.UpdatedAt) {
				d.Edited = append(d.Edited, a.Title.In(lang, def))
			}
			delete(before, a.ID)
		}
		for _, a := range published.Actions {
			if _, gone := before[a.ID]; gone {
				d.Removed = append(d.Removed, a.Title.In(lang, def))
			}
		}
	}
	d.View = s.resultsView(sv, draft, lang, 3, "preview-")
	d.Notice = s.resultsNotice(c, lang)
	for _, e := range errs {
		if e.Href == "#confirm" {
			d.ArchiveError = e.Text
		}
	}
	p := &page{Lang: lang, Title: T("publish.title", d.Survey), Back: home, Data: d, Errors: errs}
	return s.render(c, status, "results_admin", p)
}

// resultsNotice is what the last form did, from the address it led to.
func (s *Server) resultsNotice(c *fiber.Ctx, lang string) string {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	num := func(k string) int { n, _ := strconv.Atoi(c.Query(k)); return n }
	switch {
	case c.Query("published") != "":
		return T("publish.published_notice", num("published"), num("texts"), num("emails"))
	case c.Query("archived") != "":
		return T("publish.archived_notice", num("subscriptions"), num("messages"))
	case c.Query("added") != "":
		return T("publish.added")
	case c.Query("saved") != "":
		return T("publish.saved")
	case c.Query("deleted") != "":
		return T("publish.deleted")
	}
	return ""
}

// createActionPage answers POST /dashboard/s/{slug}/actions.
func (s *Server) createActionPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	a := postedAction(c, sv)
	posted := *a
	_, err = s.svc.CreateAction(c.UserContext(), sv, a)
	if surveys.ErrorCode(err) == surveys.EINVALID {
		lang := c.Locals(langKey).(string)
		cb, _, cerr := s.themeNames(c, sv)
		if cerr != nil {
			return cerr
		}
		form := s.actionForm(lang, sv, cb, &posted, "/dashboard"+base(sv)+"/actions", s.tr.T(lang, "publish.add_button"))
		errs := form.setProblems(err)
		return s.renderResultsAdmin(c, fiber.StatusUnprocessableEntity, sv, form, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/results?added=1#actions", fiber.StatusSeeOther)
}

// actionPage answers GET /dashboard/s/{slug}/actions/{id}: the action to
// change or delete.
func (s *Server) actionPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	a, err := s.svc.Action(c.UserContext(), sv, id)
	if err != nil {
		return err
	}
	return s.renderActionPage(c, fiber.StatusOK, sv, a, a, nil)
}

func (s *Server) renderActionPage(c *fiber.Ctx, status int, sv *surveys.Survey, stored, shown *surveys.Action, problem error) error {
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	cb, _, err := s.themeNames(c, sv)
	if err != nil {
		return err
	}
	home := "/dashboard" + base(sv)
	self := fmt.Sprintf("%s/actions/%d", home, stored.ID)
	form := s.actionForm(lang, sv, cb, shown, self, T("publish.save_button"))
	var errs []summaryError
	if problem != nil {
		errs = form.setProblems(problem)
	} else {
		form.describe()
	}
	title := stored.Title.In(lang, sv.DefaultLanguage())
	p := &page{Lang: lang, Title: T("publish.edit_title", title), Back: home + "/results", Errors: errs,
		Data: struct {
			Survey, Title, Delete string
			Form                  *actionForm
		}{sv.Title.In(lang, sv.DefaultLanguage()), title, self + "/delete", form}}
	return s.render(c, status, "action", p)
}

// saveActionPage answers POST /dashboard/s/{slug}/actions/{id}.
func (s *Server) saveActionPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	stored, err := s.svc.Action(c.UserContext(), sv, id)
	if err != nil {
		return err
	}
	a := postedAction(c, sv)
	ch := &surveys.ActionChange{Title: &a.Title, Description: &a.Description, Themes: &a.Themes, Status: &a.Status, Reason: &a.Reason, Due: &a.Due}
	if _, err := s.svc.ChangeAction(c.UserContext(), sv, id, ch); surveys.ErrorCode(err) == surveys.EINVALID {
		return s.renderActionPage(c, fiber.StatusUnprocessableEntity, sv, stored, a, err)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/results?saved=1#actions", fiber.StatusSeeOther)
}

// deleteActionPage answers POST /dashboard/s/{slug}/actions/{id}/delete.
func (s *Server) deleteActionPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAction(c.UserContext(), sv, id); err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/results?deleted=1#actions", fiber.StatusSeeOther)
}

// publishPage answers POST /dashboard/s/{slug}/results/publish.
func (s *Server) publishPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	_, res, err := s.publish(c, sv)
	if code := surveys.ErrorCode(err); code == surveys.ECONFLICT || code == surveys.EINVALID {
		return s.renderResultsAdmin(c, fiber.StatusConflict, sv, nil, []summaryError{{Href: "#publish", Text: surveys.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	q := url.Values{}
	q.Set("published", strconv.Itoa(res.Version))
	q.Set("texts", strconv.Itoa(res.Texts.Queued))
	q.Set("emails", strconv.Itoa(res.Emails))
	return c.Redirect("/dashboard"+base(sv)+"/results?"+q.Encode(), fiber.StatusSeeOther)
}

// archivePage answers POST /dashboard/s/{slug}/archive: once the box
// saying what it does is ticked.
func (s *Server) archivePage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	if c.FormValue("confirm") != "yes" {
		return s.renderResultsAdmin(c, fiber.StatusUnprocessableEntity, sv, nil,
			[]summaryError{{Href: "#confirm", Text: s.tr.T(lang, "publish.archive_confirm_error")}})
	}
	res, err := s.svc.ArchiveSurvey(c.UserContext(), sv)
	if surveys.ErrorCode(err) == surveys.ECONFLICT {
		return s.renderResultsAdmin(c, fiber.StatusConflict, sv, nil, []summaryError{{Href: "#archive", Text: surveys.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	q := url.Values{}
	q.Set("archived", "1")
	q.Set("subscriptions", strconv.FormatInt(res.Subscriptions, 10))
	q.Set("messages", strconv.FormatInt(res.Messages, 10))
	return c.Redirect("/dashboard"+base(sv)+"/results?"+q.Encode(), fiber.StatusSeeOther)
}

// themeNames are the names of the codebook's themes, by id.
func (s *Server) themeNames(c *fiber.Ctx, sv *surveys.Survey) (*surveys.Codebook, map[string]string, error) {
	cb, err := s.store.Codebook(c.UserContext(), sv.ID)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return nil, map[string]string{}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, t := range cb.Themes {
		names[t.ID] = t.Name
	}
	return cb, names, nil
}

// sortedFieldKeys lists an error's fields in a stable order.
func sortedFieldKeys(fields map[string]string) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
