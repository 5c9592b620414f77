package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

// Administrators' pages: users, organisations and the audit log. The
// Service checks that the acting user is an administrator; requireAdmin
// checks it first, so that anyone else gets a page saying so rather than
// the Service's error.

// requireAdmin lets only administrators through, after requireSession.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if u := currentUser(c); u == nil || u.Role != surveys.RoleAdmin {
		lang := c.Locals(langKey).(string)
		return s.message(c, fiber.StatusForbidden, lang, "admin.forbidden.title", []string{s.tr.T(lang, "admin.forbidden.text")},
			&linkData{Href: "/dashboard", Text: s.tr.T(lang, "entry.dashboard")})
	}
	return c.Next()
}

// adminRoles are the roles offered, most common first.
var adminRoles = []surveys.Role{surveys.RoleOfficer, surveys.RolePartner, surveys.RoleInterpreter, surveys.RoleAdmin}

// adminNav is the navigation between the administrators' pages.
type adminNav struct{ Href, Label, Current string }

func (s *Server) adminNav(lang, current string) []adminNav {
	var nav []adminNav
	for _, n := range []struct{ href, key string }{
		{"/dashboard", "entry.dashboard"}, {"/dashboard/users", "admin.users.title"},
		{"/dashboard/organisations", "admin.organisations.title"}, {"/dashboard/audit", "admin.audit.title"},
	} {
		item := adminNav{Href: n.href, Label: s.tr.T(lang, n.key)}
		if n.href == current {
			item.Current = "page"
		}
		nav = append(nav, item)
	}
	return nav
}

// doneMessage is the confirmation shown after a change (Post/Redirect/Get:
// the change is named in the query string, and the page finds the record).
func (s *Server) doneMessage(c *fiber.Ctx, lang string, names map[int64]string) string {
	done, id := c.Query("done"), int64(c.QueryInt("id"))
	name, ok := names[id]
	if !ok || !slices.Contains([]string{"added", "changed", "disabled", "enabled", "password"}, done) {
		return ""
	}
	return s.tr.T(lang, "admin.done."+done, name)
}

func doneHref(path, done string, id int64) string {
	return path + "?" + url.Values{"done": {done}, "id": {strconv.FormatInt(id, 10)}}.Encode()
}

type userRow struct {
	*surveys.User
	RoleName, Status, Edit string
}

// usersPage lists everyone who can sign in, or could.
func (s *Server) usersPage(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	list, err := s.svc.Users(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	rows := make([]userRow, len(list))
	names := map[int64]string{}
	for i, u := range list {
		status := "admin.status.active"
		if u.Disabled() {
			status = "admin.status.disabled"
		}
		rows[i] = userRow{User: u, RoleName: s.tr.T(lang, "admin.role_short."+string(u.Role)), Status: s.tr.T(lang, status),
			Edit: "/dashboard/users/" + strconv.FormatInt(u.ID, 10) + "/edit"}
		names[u.ID] = u.Name
	}
	return s.render(c, fiber.StatusOK, "users", &page{Lang: lang, Title: s.tr.T(lang, "admin.users.title"),
		Data: struct {
			Nav   []adminNav
			Done  string
			Users []userRow
		}{s.adminNav(lang, "/dashboard/users"), s.doneMessage(c, lang, names), rows}})
}

// userForm is the page that adds a user (New) or changes one.
type userForm struct {
	New               bool
	User              *surveys.User // the user changed
	Self              bool          // the user changed is the one signed in
	Action            string
	Name, Email, Role *field
	Organisation      *field
	Organisations     []string
	Password          *field
	StatusAction      string // where the turn off (or on) form posts
	StatusError       string
	Created, Disabled string // dates
}

// userFields builds the form's fields with the values typed (never the
// password) and each problem by its field.
func (s *Server) userFields(c *fiber.Ctx, lang string, d *userForm, name, email string, role surveys.Role, org string, fields map[string]string) error {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	d.Name = &field{ID: "name", Name: "name", Kind: "text", Label: T("admin.user.name"), Value: name, Error: fields["name"]}
	d.Email = &field{ID: "email", Name: "email", Kind: "email", Label: T("admin.user.email"), Hint: T("admin.user.email_hint"), Value: email, Error: fields["email"]}
	d.Role = &field{ID: "role", Name: "role", Kind: "radio", Fieldset: true, Label: T("admin.user.role"), Error: fields["role"]}
	for i, r := range adminRoles {
		id := "role"
		if i > 0 {
			id = "role-" + string(r)
		}
		d.Role.Options = append(d.Role.Options, option{ID: id, Value: string(r), Label: T("admin.role." + string(r)), Checked: role == r})
	}
	d.Organisation = &field{ID: "organisation", Name: "organisation", Kind: "text", Label: T("admin.user.organisation"),
		Hint: T("admin.user.organisation_hint"), Value: org, Error: fields["organisation"]}
	d.Password = &field{ID: "password", Name: "password", Kind: "password", Label: T("admin.user.password"),
		Hint: T("admin.user.password_hint", surveys.MinPasswordLength), Error: fields["password"]}
	orgs, err := s.svc.Organisations(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		d.Organisations = append(d.Organisations, o.Name)
	}
	return nil
}

// renderUserForm shows the add or change page, with an error summary
// linking to each field with a problem.
func (s *Server) renderUserForm(c *fiber.Ctx, status int, lang string, d *userForm) error {
	p := &page{Lang: lang, Back: "/dashboard/users"}
	if d.New {
		p.Title = s.tr.T(lang, "admin.user_new.title")
	} else {
		p.Title = s.tr.T(lang, "admin.user_edit.title", d.User.Name)
	}
	for _, f := range []*field{d.Name, d.Email, d.Role, d.Organisation, d.Password} {
		if f.Error != "" {
			p.Errors = append(p.Errors, summaryError{Href: "#" + f.ID, Text: f.Label + ": " + f.Error})
		}
	}
	if d.StatusError != "" {
		p.Errors = append(p.Errors, summaryError{Href: "#status", Text: d.StatusError})
	}
	p.Data = d
	return s.render(c, status, "user", p)
}

// formStatus is the status a form is shown again with after err: 422 for
// mistakes, 409 for a clash with what is stored.
func formStatus(err error) int {
	if surveys.ErrorCode(err) == surveys.ECONFLICT {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

// isFormError reports whether err is a problem to show on the form.
func isFormError(err error) bool {
	code := surveys.ErrorCode(err)
	return (code == surveys.EINVALID || code == surveys.ECONFLICT) && len(surveys.ErrorFields(err)) > 0
}

func (s *Server) newUserPage(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	d := &userForm{New: true, Action: "/dashboard/users"}
	if err := s.userFields(c, lang, d, "", "", "", "", nil); err != nil {
		return err
	}
	return s.renderUserForm(c, fiber.StatusOK, lang, d)
}

// addUser adds a user with the first password the administrator chose.
func (s *Server) addUser(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	nu := &surveys.NewUser{Name: c.FormValue("name"), Email: c.FormValue("email"), Role: surveys.Role(c.FormValue("role")),
		Organisation: c.FormValue("organisation"), Password: c.FormValue("password")}
	u, err := s.svc.AddUserAs(c.UserContext(), currentUser(c), nu)
	if isFormError(err) {
		d := &userForm{New: true, Action: "/dashboard/users"}
		if err := s.userFields(c, lang, d, nu.Name, nu.Email, nu.Role, nu.Organisation, surveys.ErrorFields(err)); err != nil {
			return err
		}
		return s.renderUserForm(c, formStatus(err), lang, d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(doneHref("/dashboard/users", "added", u.ID), fiber.StatusSeeOther)
}

// pathUser loads the user named by :id.
func (s *Server) pathUser(c *fiber.Ctx) (*surveys.User, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no such user.")
	}
	return s.svc.User(c.UserContext(), currentUser(c), id)
}

// editForm is the change page of u, showing role and organisation.
func (s *Server) editForm(c *fiber.Ctx, lang string, u *surveys.User, role surveys.Role, org string, fields map[string]string) (*userForm, error) {
	id := strconv.FormatInt(u.ID, 10)
	d := &userForm{User: u, Self: u.ID == currentUser(c).ID, Action: "/dashboard/users/" + id,
		Created: s.formatDate(lang, u.CreatedAt)}
	if u.Disabled() {
		d.StatusAction = "/dashboard/users/" + id + "/enable"
		d.Disabled = s.formatDate(lang, u.DisabledAt)
	} else {
		d.StatusAction = "/dashboard/users/" + id + "/disable"
	}
	return d, s.userFields(c, lang, d, u.Name, u.Email, role, org, fields)
}

func (s *Server) editUserPage(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	d, err := s.editForm(c, lang, u, u.Role, u.Organisation, nil)
	if err != nil {
		return err
	}
	return s.renderUserForm(c, fiber.StatusOK, lang, d)
}

// changeUser saves a user's role and organisation.
func (s *Server) changeUser(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	change := &surveys.UserChange{Role: surveys.Role(c.FormValue("role")), Organisation: c.FormValue("organisation")}
	_, err = s.svc.ChangeUser(c.UserContext(), currentUser(c), u.ID, change)
	if isFormError(err) {
		d, err2 := s.editForm(c, lang, u, change.Role, change.Organisation, surveys.ErrorFields(err))
		if err2 != nil {
			return err2
		}
		return s.renderUserForm(c, formStatus(err), lang, d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(doneHref("/dashboard/users", "changed", u.ID), fiber.StatusSeeOther)
}

// setUserStatus turns a user off (signing them out everywhere) or on.
func (s *Server) setUserStatus(disable bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		lang := c.Locals(langKey).(string)
		u, err := s.pathUser(c)
		if err != nil {
			return err
		}
		done := "enabled"
		if disable {
			done = "disabled"
			_, err = s.svc.DisableUser(c.UserContext(), currentUser(c), u.ID)
		} else {
			_, err = s.svc.EnableUser(c.UserContext(), currentUser(c), u.ID)
		}
		if isFormError(err) {
			d, err2 := s.editForm(c, lang, u, u.Role, u.Organisation, nil)
			if err2 != nil {
				return err2
			}
			d.StatusError = surveys.ErrorMessage(err)
			for _, m := range surveys.ErrorFields(err) {
				d.StatusError += " " + strings.ToUpper(m[:1]) + m[1:] + "."
			}
			return s.renderUserForm(c, formStatus(err), lang, d)
		}
		if err != nil {
			return err
		}
		return c.Redirect(doneHref("/dashboard/users", done, u.ID), fiber.StatusSeeOther)
	}
}

type organisationRow struct {
	*surveys.Organisation
	Added string
}

func (s *Server) organisationsPage(c *fiber.Ctx) error {
	return s.renderOrganisations(c, fiber.StatusOK, "", nil)
}

// renderOrganisations shows the organisations and the form to add one,
// with name typed and its problem, if any.
func (s *Server) renderOrganisations(c *fiber.Ctx, status int, name string, fields map[string]string) error {
	lang := c.Locals(langKey).(string)
	list, err := s.svc.Organisations(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	rows := make([]organisationRow, len(list))
	names := map[int64]string{}
	for i, o := range list {
		rows[i] = organisationRow{Organisation: o, Added: s.formatDate(lang, o.CreatedAt)}
		names[o.ID] = o.Name
	}
	f := &field{ID: "name", Name: "name", Kind: "text", Label: s.tr.T(lang, "admin.organisations.name"),
		Hint: s.tr.T(lang, "admin.organisations.name_hint"), Value: name, Error: fields["name"]}
	p := &page{Lang: lang, Title: s.tr.T(lang, "admin.organisations.title")}
	if f.Error != "" {
		p.Errors = []summaryError{{Href: "#name", Text: f.Label + ": " + f.Error}}
	}
	p.Data = struct {
		Nav           []adminNav
		Done          string
		Organisations []organisationRow
		Name          *field
	}{s.adminNav(lang, "/dashboard/organisations"), s.doneMessage(c, lang, names), rows, f}
	return s.render(c, status, "organisations", p)
}

func (s *Server) addOrganisation(c *fiber.Ctx) error {
	name := c.FormValue("name")
	o, err := s.svc.AddOrganisation(c.UserContext(), currentUser(c), name)
	if isFormError(err) {
		return s.renderOrganisations(c, formStatus(err), name, surveys.ErrorFields(err))
	}
	if err != nil {
		return err
	}
	return c.Redirect(doneHref("/dashboard/organisations", "added", o.ID), fiber.StatusSeeOther)
}

// auditPageSize is how many events the audit page shows at a time.
const auditPageSize = 100

type auditRow struct {
	*surveys.AuditEvent
	When, Datetime string
}

// auditPage shows the audit log newest first, a page at a time, for one
// action or all.
func (s *Server) auditPage(c *fiber.Ctx) error {
	lang := c.Locals(langKey).(string)
	q := surveys.AuditQuery{Before: int64(c.QueryInt("before")), Action: c.Query("action"), Limit: auditPageSize + 1}
	list, err := s.svc.AuditEvents(c.UserContext(), currentUser(c), q)
	if err != nil {
		return err
	}
	var older string
	if len(list) > auditPageSize {
		list = list[:auditPageSize]
		v := url.Values{"before": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		if q.Action != "" {
			v.Set("action", q.Action)
		}
		older = "/dashboard/audit?" + v.Encode()
	}
	var newest string
	if q.Before != 0 {
		newest = "/dashboard/audit"
		if q.Action != "" {
			newest += "?" + url.Values{"action": {q.Action}}.Encode()
		}
	}
	rows := make([]auditRow, len(list))
	for i, e := range list {
		rows[i] = auditRow{AuditEvent: e, When: s.formatDate(lang, e.At) + ", " + e.At.In(s.zone).Format("15:04:05 MST"),
			Datetime: e.At.UTC().Format(time.RFC3339)}
	}
	actions := []option{{Value: "", Label: s.tr.T(lang, "admin.audit.all_actions"), Checked: q.Action == ""}}
	for _, a := range surveys.AuditActions {
		actions = append(actions, option{Value: a, Label: a, Checked: q.Action == a})
	}
	return s.render(c, fiber.StatusOK, "audit", &page{Lang: lang, Title: s.tr.T(lang, "admin.audit.title"),
		Data: struct {
			Nav           []adminNav
			Events        []auditRow
			Actions       []option
			Older, Newest string
		}{s.adminNav(lang, "/dashboard/audit"), rows, actions, older, newest}})
}

// exportAuditLog streams the whole audit log as CSV, oldest first. The
// export is recorded before it starts, and does not start if it cannot be.
func (s *Server) exportAuditLog(c *fiber.Ctx) error {
	if err := s.svc.RecordAuditExport(c.UserContext(), currentUser(c), "csv"); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, export.ContentType("csv"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Attachment("voices-audit-log-" + s.svc.Clock().Format("2006-01-02") + ".csv")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The request is finished when this runs, so it has its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := export.AuditCSV(ctx, s.store, w); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			s.log.Error("audit log export failed part way", "error", err.Error())
		}
		w.Flush()
	})
	return nil
}

// passwordPage lets an administrator set a new password for a user who
// has forgotten theirs.
func (s *Server) passwordPage(c *fiber.Ctx) error {
	u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	return s.renderPassword(c, fiber.StatusOK, u, "")
}

func (s *Server) renderPassword(c *fiber.Ctx, status int, u *surveys.User, problem string) error {
	lang := c.Locals(langKey).(string)
	title := s.tr.T(lang, "admin.password.title", u.Name)
	f := &field{ID: "password", Name: "password", Kind: "password", Label: s.tr.T(lang, "admin.password.label"),
		Hint: s.tr.T(lang, "admin.password.hint", surveys.MinPasswordLength), Error: problem}
	p := &page{Lang: lang, Title: title, Back: fmt.Sprintf("/dashboard/users/%d/edit", u.ID),
		Data: struct {
			Title, Action string
			Field         *field
		}{title, fmt.Sprintf("/dashboard/users/%d/password", u.ID), f}}
	if problem != "" {
		p.Errors = []summaryError{{Href: "#password", Text: problem}}
	}
	return s.render(c, status, "password", p)
}

func (s *Server) setPassword(c *fiber.Ctx) error {
	u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.SetPassword(c.UserContext(), currentUser(c), u.ID, c.FormValue("password")); err != nil {
		if surveys.ErrorCode(err) == surveys.EINVALID {
			lang := c.Locals(langKey).(string)
			msg := s.tr.T(lang, "admin.password.problem", surveys.MinPasswordLength, surveys.MaxPasswordLength)
			return s.renderPassword(c, fiber.StatusUnprocessableEntity, u, msg)
		}
		return err
	}
	return c.Redirect(doneHref("/dashboard/users", "password", u.ID), fiber.StatusSeeOther)
}
