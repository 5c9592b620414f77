package server_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// adminFixture is a server with one user of each role, all signed in with
// their own browser, and a community group member to be managed.
type adminFixture struct {
	*webFixture
	browsers map[string]*webBrowser // by role; "anonymous" is not signed in
	target   *surveys.User
}

var adminRoleNames = []string{"admin", "officer", "partner", "interpreter", "anonymous"}

func newAdminFixture(t *testing.T) *adminFixture {
	t.Helper()
	f := &adminFixture{webFixture: newWebFixture(t, 0), browsers: map[string]*webBrowser{}}
	for _, role := range adminRoleNames {
		b := f.browser(t)
		if role != "anonymous" {
			org := ""
			if role == "partner" {
				org = partnerOrg
			}
			email := role + "@example.org"
			f.staff(t, email, surveys.Role(role), org)
			if p := b.signIn(email, signInPassword, ""); p.status != http.StatusSeeOther {
				t.Fatalf("signing in as %s: got %d", role, p.status)
			}
		}
		b.get("/login") // every browser has a form token, as from any page
		f.browsers[role] = b
	}
	f.staff(t, "amina@example.org", surveys.RolePartner, partnerOrg)
	f.target = f.user(t, "amina@example.org")
	return f
}

// user returns the stored user with email.
func (f *webFixture) user(t *testing.T, email string) *surveys.User {
	t.Helper()
	u, err := f.db.UserByEmail(f.ctx, email)
	if err != nil {
		t.Fatalf("UserByEmail(%s): %v", email, err)
	}
	return u
}

// Every administrator's route: administrators get the page or make the
// change; officers, community group members and interpreters get 403 and
// change nothing; people not signed in are sent to sign in.
func TestAdminRoutesByRole(t *testing.T) {
	f := newAdminFixture(t)
	id := strconv.FormatInt(f.target.ID, 10)
	routes := []struct {
		method, path string
		form         func(role string) []string
		adminStatus  int
		adminGoesTo  string // where the administrator is sent after a change
	}{
		{"GET", "/dashboard/users", nil, 200, ""},
		{"GET", "/dashboard/users/new", nil, 200, ""},
		{"POST", "/dashboard/users", func(role string) []string {
			return []string{"name", "New " + role, "email", "new-" + role + "@example.org", "role", "officer", "password", signInPassword}
		}, 303, "/dashboard/users?done=added"},
		{"GET", "/dashboard/users/" + id + "/edit", nil, 200, ""},
		{"POST", "/dashboard/users/" + id, func(role string) []string {
			return []string{"role", "interpreter", "organisation", ""}
		}, 303, "/dashboard/users?done=changed"},
		{"POST", "/dashboard/users/" + id + "/disable", nil, 303, "/dashboard/users?done=disabled"},
		{"POST", "/dashboard/users/" + id + "/enable", nil, 303, "/dashboard/users?done=enabled"},
		{"GET", "/dashboard/organisations", nil, 200, ""},
		{"POST", "/dashboard/organisations", func(role string) []string {
			return []string{"name", "Group added by " + role}
		}, 303, "/dashboard/organisations?done=added"},
		{"GET", "/dashboard/audit", nil, 200, ""},
		{"GET", "/dashboard/audit.csv", nil, 200, ""},
	}
	// Everyone else first, so that the administrator's changes do not hide theirs.
	for _, role := range []string{"officer", "partner", "interpreter", "anonymous", "admin"} {
		for _, r := range routes {
			t.Run(role+" "+r.method+" "+r.path, func(t *testing.T) {
				b := f.browsers[role]
				var p *webPage
				if r.method == "GET" {
					p = b.get(r.path)
				} else {
					var pairs []string
					if r.form != nil {
						pairs = r.form(role)
					}
					p = b.post(r.path, webForm(pairs...))
				}
				switch role {
				case "admin":
					if p.status != r.adminStatus || !strings.HasPrefix(p.location(), r.adminGoesTo) {
						t.Errorf("%s: got %d to %q, want %d to %q\n%s", p, p.status, p.location(), r.adminStatus, r.adminGoesTo, webText(p.body))
					}
				case "anonymous":
					want := "/login?next=" + r.path
					if r.method != "GET" {
						want = "/login?next=/dashboard" // a form's address only takes forms
					}
					if p.status != http.StatusSeeOther || p.location() != want {
						t.Errorf("%s: got %d to %q, want 303 to %q", p, p.status, p.location(), want)
					}
				default:
					if p.status != http.StatusForbidden || !strings.Contains(p.body, "Only administrators can manage users") {
						t.Errorf("%s: got %d, want 403 with a page saying why\n%s", p, p.status, webText(p.body))
					}
					if !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
						t.Errorf("%s: got Content-Type %q, want an HTML page", p, p.header.Get("Content-Type"))
					}
				}
			})
		}
	}
	// Only the administrator's changes happened.
	events, err := f.db.AuditLog(f.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		if strings.HasPrefix(e.Action, "user.") || strings.HasPrefix(e.Action, "organisation.") || e.Action == surveys.AuditAuditExport {
			if e.Target == "user:amina@example.org" && e.Action == surveys.AuditUserAdd {
				continue // the fixture's
			}
			if e.Actor != "admin@example.org" && e.Action != surveys.AuditUserAdd {
				t.Errorf("event by %s: %s %s", e.Actor, e.Action, e.Target)
			}
			if e.Actor == "admin@example.org" {
				got = append(got, e.Action+" "+e.Target)
			}
		}
	}
	want := []string{"audit.export audit_log", "organisation.add organisation:Group added by admin", "user.enable user:amina@example.org",
		"user.disable user:amina@example.org", "user.change user:amina@example.org", "user.add user:new-admin@example.org"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("administrator's events, newest first:\ngot  %v\nwant %v", got, want)
	}
	for _, role := range []string{"officer", "partner", "interpreter", "anonymous"} {
		if _, err := f.db.UserByEmail(f.ctx, "new-"+role+"@example.org"); surveys.ErrorCode(err) != surveys.ENOTFOUND {
			t.Errorf("user added by %s: got %v, want none", role, err)
		}
	}
}

// Every form post needs the page's token: a form on another site cannot
// add, change or turn off users.
func TestAdminFormsNeedTheFormToken(t *testing.T) {
	f := newAdminFixture(t)
	b := f.browsers["admin"]
	id := strconv.FormatInt(f.target.ID, 10)
	posts := []struct {
		path string
		form []string
	}{
		{"/dashboard/users", []string{"name", "Forged", "email", "forged@example.org", "role", "admin", "password", signInPassword}},
		{"/dashboard/users/" + id, []string{"role", "admin", "organisation", ""}},
		{"/dashboard/users/" + id + "/disable", nil},
		{"/dashboard/organisations", []string{"name", "Forged group"}},
	}
	for _, p := range posts {
		for _, csrf := range []string{"", "forged"} {
			form := webForm(p.form...)
			form.Set("csrf", csrf)
			got := b.post(p.path, form)
			if got.status != http.StatusForbidden || !strings.Contains(got.body, "Sorry, there is a problem with this page") {
				t.Errorf("%s with csrf %q: got %d, want 403", got, csrf, got.status)
			}
		}
	}
	u := f.user(t, "amina@example.org")
	if u.Role != surveys.RolePartner || u.Disabled() {
		t.Errorf("after forged posts: got role %s, disabled %v; want partner, not disabled", u.Role, u.Disabled())
	}
	if _, err := f.db.UserByEmail(f.ctx, "forged@example.org"); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("forged user: got %v, want not added", err)
	}
	orgs, _ := f.db.Organisations(f.ctx)
	for _, o := range orgs {
		if o.Name == "Forged group" {
			t.Errorf("forged organisation was added")
		}
	}
	// The honeypot, filled in, refuses too.
	if got := b.post("/dashboard/organisations", webForm("name", "Robot group", "website", "http://spam.example")); got.status != http.StatusBadRequest {
		t.Errorf("honeypot filled in: got %d, want 400", got.status)
	}
}

// Turning a user off signs them out everywhere at once: their session and
// API token stop working, they cannot sign in, and turning them on again
// lets them sign in but does not bring old tokens back.
func TestDisableSignsOut(t *testing.T) {
	f := newAdminFixture(t)
	officer := f.browsers["officer"]
	token, err := f.svc.CreateToken(f.ctx, "officer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	api := func(token string) int {
		req := httptest.NewRequest("GET", "/api/v1/surveys", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if p := officer.get("/dashboard"); p.status != http.StatusOK {
		t.Fatalf("officer's dashboard before: got %d", p.status)
	}
	if got := api(token); got != http.StatusOK {
		t.Fatalf("officer's token before: got %d", got)
	}

	u := f.user(t, "officer@example.org")
	admin := f.browsers["admin"]
	admin.get(fmt.Sprintf("/dashboard/users/%d/edit", u.ID))
	p := admin.post(fmt.Sprintf("/dashboard/users/%d/disable", u.ID), nil)
	if p.status != http.StatusSeeOther {
		t.Fatalf("disable: got %d\n%s", p.status, webText(p.body))
	}
	if p := admin.get(p.location()); !strings.Contains(p.body, "Olu Officer&#39;s account has been turned off. They have been signed out everywhere") {
		t.Errorf("users page after disabling: no confirmation\n%s", webText(p.body))
	}

	if p := officer.get("/dashboard"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("officer's session after disabling: got %d to %q, want a redirect to sign in", p.status, p.location())
	}
	if got := api(token); got != http.StatusUnauthorized {
		t.Errorf("officer's API token after disabling: got %d, want 401", got)
	}
	again := f.browser(t)
	p = again.signIn("officer@example.org", signInPassword, "")
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "This account has been turned off. Ask an administrator") {
		t.Errorf("signing in while turned off: got %d, want 401 saying the account is turned off\n%s", p.status, webText(p.body))
	}
	if p := again.signIn("officer@example.org", "not the password at all", ""); strings.Contains(p.body, "turned off") {
		t.Errorf("a wrong password for a turned-off account: the page says it is turned off; only the right password may learn that")
	}
	if _, err := f.svc.CreateToken(f.ctx, "officer@example.org"); surveys.ErrorCode(err) != surveys.EFORBIDDEN {
		t.Errorf("a token for a turned-off user: got %v, want forbidden", err)
	}

	admin.get(fmt.Sprintf("/dashboard/users/%d/edit", u.ID))
	if p := admin.post(fmt.Sprintf("/dashboard/users/%d/enable", u.ID), nil); p.status != http.StatusSeeOther {
		t.Fatalf("enable: got %d\n%s", p.status, webText(p.body))
	}
	if p := f.browser(t).signIn("officer@example.org", signInPassword, ""); p.status != http.StatusSeeOther {
		t.Errorf("signing in after turning on: got %d, want signed in", p.status)
	}
	if got := api(token); got != http.StatusUnauthorized {
		t.Errorf("the old token after turning on: got %d, want 401 (new tokens must be made)", got)
	}
	fresh, err := f.svc.CreateToken(f.ctx, "officer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if got := api(fresh); got != http.StatusOK {
		t.Errorf("a new token after turning on: got %d, want 200", got)
	}
}

// An administrator cannot turn off their own account or change their own
// role; the page does not offer it, and a post is refused naming why.
func TestAdminCannotDisableThemselves(t *testing.T) {
	f := newAdminFixture(t)
	admin := f.browsers["admin"]
	me := f.user(t, "admin@example.org")
	page := admin.get(fmt.Sprintf("/dashboard/users/%d/edit", me.ID))
	if strings.Contains(page.body, "/disable") || !strings.Contains(page.body, "This is your own account") {
		t.Errorf("own edit page: want no turn-off button, and a note why\n%s", webText(page.body))
	}
	p := admin.post(fmt.Sprintf("/dashboard/users/%d/disable", me.ID), nil)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "You cannot turn off your own account.") || !strings.Contains(p.body, `href="#status"`) {
		t.Errorf("turning oneself off: got %d, want 422 with the reason in the error summary\n%s", p.status, webText(p.body))
	}
	p = admin.post(fmt.Sprintf("/dashboard/users/%d", me.ID), webForm("role", "officer"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#role"`) || !strings.Contains(p.body, "ask another administrator") {
		t.Errorf("changing one's own role: got %d, want 422 naming the role\n%s", p.status, webText(p.body))
	}
	if p := admin.get("/dashboard/users"); p.status != http.StatusOK {
		t.Errorf("still an administrator afterwards: got %d", p.status)
	}
}

var inputValue = func(id string) *regexp.Regexp {
	return regexp.MustCompile(`id="` + id + `"[^>]*value="([^"]*)"`)
}

// The add-user form shows each problem by its field and in the error
// summary, keeps what was typed, and never shows the password again.
func TestAddUserForm(t *testing.T) {
	f := newAdminFixture(t)
	admin := f.browsers["admin"]
	page := admin.get("/dashboard/users/new")
	for _, want := range []string{`<label class="label label-m" for="name">`, `<label class="label label-m" for="email">`,
		`<legend class="legend label-m">Role</legend>`, `list="organisation-list"`, `<option value="` + partnerOrg + `">`,
		`type="password" autocomplete="new-password"`, "At least 12 characters"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("add-user page: want %s", want)
		}
	}
	tests := []struct {
		name       string
		form       []string
		wantStatus int
		wantFields []string // ids linked from the error summary
	}{
		{"nothing", nil, 422, []string{"name", "email", "role", "password"}},
		{"partner without organisation", []string{"name", "Bilal", "email", "bilal@example.org", "role", "partner", "password", "a secret of my own"},
			422, []string{"organisation"}},
		{"short password", []string{"name", "Bilal", "email", "bilal@example.org", "role", "officer", "password", "short one"}, 422, []string{"password"}},
		{"bad email", []string{"name", "Bilal", "email", "bilal at example", "role", "officer", "password", "a secret of my own"}, 422, []string{"email"}},
		{"email taken", []string{"name", "Amina again", "email", "AMINA@example.org", "role", "officer", "password", "a secret of my own"}, 409, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := webForm(tt.form...)
			p := admin.post("/dashboard/users", form)
			if p.status != tt.wantStatus {
				t.Fatalf("%s: got %d, want %d\n%s", p, p.status, tt.wantStatus, webText(p.body))
			}
			if !strings.Contains(p.body, "There is a problem") || !strings.HasPrefix(webTitle(p.body), "Error: ") {
				t.Errorf("error state: want the error summary and Error: in the title")
			}
			for _, id := range tt.wantFields {
				if !strings.Contains(p.body, `href="#`+id+`"`) || !strings.Contains(p.body, `id="`+id+`-error"`) {
					t.Errorf("want %s linked from the summary and its message beside it", id)
				}
			}
			if n := strings.Count(p.body, `<li><a href="#`); n != len(tt.wantFields) {
				t.Errorf("error summary: got %d problems, want %d", n, len(tt.wantFields))
			}
			if v := form.Get("email"); v != "" {
				if m := inputValue("email").FindStringSubmatch(p.body); m == nil || m[1] != v {
					t.Errorf("email kept: got %v, want %q", m, v)
				}
			}
			if pw := form.Get("password"); pw != "" && strings.Contains(p.body, pw) {
				t.Errorf("the password typed is shown again")
			}
			if strings.Contains(regexp.MustCompile(`<input[^>]*id="password"[^>]*>`).FindString(p.body), "value=") {
				t.Errorf("the password field has a value")
			}
			if r := form.Get("role"); r != "" && !strings.Contains(p.body, `value="`+r+`" checked`) {
				t.Errorf("the role chosen is not kept")
			}
		})
	}

	p := admin.post("/dashboard/users", webForm("name", "Bilal Khan", "email", "bilal@example.org", "role", "partner",
		"organisation", "Sparkbrook Women's Group", "password", "a secret of my own"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("adding: got %d\n%s", p.status, webText(p.body))
	}
	if p := admin.get(p.location()); !strings.Contains(p.body, "Bilal Khan has been added") || !strings.Contains(p.body, "Sparkbrook Women&#39;s Group") {
		t.Errorf("users page after adding: want the confirmation and the new user\n%s", webText(p.body))
	}
	if p := f.browser(t).signIn("bilal@example.org", "a secret of my own", ""); p.status != http.StatusSeeOther {
		t.Errorf("the new user signing in: got %d", p.status)
	}
}

// Changing a role and organisation is checked like a new user, and takes
// effect on the user's next page.
func TestChangeUserForm(t *testing.T) {
	f := newAdminFixture(t)
	admin := f.browsers["admin"]
	path := fmt.Sprintf("/dashboard/users/%d", f.target.ID)
	page := admin.get(path + "/edit")
	if !strings.Contains(page.body, `value="partner" checked`) || inputValue("organisation").FindStringSubmatch(page.body)[1] != partnerOrg {
		t.Errorf("edit page: want the current role and organisation chosen")
	}
	p := admin.post(path, webForm("role", "partner", "organisation", ""))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#organisation"`) {
		t.Errorf("partner without organisation: got %d, want 422 naming the organisation", p.status)
	}
	p = admin.post(path, webForm("role", "king"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#role"`) {
		t.Errorf("unknown role: got %d, want 422 naming the role", p.status)
	}
	p = admin.post(path, webForm("role", "partner", "organisation", "Handsworth Elders"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("change: got %d\n%s", p.status, webText(p.body))
	}
	if u := f.user(t, "amina@example.org"); u.Organisation != "Handsworth Elders" || u.Role != surveys.RolePartner {
		t.Errorf("after the change: got %s of %q, want partner of Handsworth Elders", u.Role, u.Organisation)
	}
	if p := admin.get("/dashboard/organisations"); !strings.Contains(p.body, "<td>Handsworth Elders</td><td>1</td>") ||
		!strings.Contains(p.body, "<td>"+partnerOrg+"</td><td>1</td>") {
		t.Errorf("organisations page: want the new organisation and the member counts\n%s", webText(p.body))
	}
}

func TestOrganisationsPage(t *testing.T) {
	f := newAdminFixture(t)
	admin := f.browsers["admin"]
	page := admin.get("/dashboard/organisations")
	for _, want := range []string{`<caption id="organisations-caption"`, `<th scope="col">Members</th>`, `<label class="label label-m" for="name">`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("organisations page: want %s", want)
		}
	}
	tests := []struct {
		name, typed string
		wantStatus  int
		wantText    string
	}{
		{"empty", "  ", 422, "enter the organisation&#39;s name"},
		{"too long", strings.Repeat("ب", 201), 422, "must be 200 characters or fewer"},
		{"taken, in another case", strings.ToUpper(partnerOrg), 409, "there is already an organisation called " + partnerOrg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := admin.post("/dashboard/organisations", webForm("name", tt.typed))
			if p.status != tt.wantStatus || !strings.Contains(p.body, tt.wantText) || !strings.Contains(p.body, `href="#name"`) {
				t.Errorf("%s: got %d, want %d with %q linked to the field\n%s", p, p.status, tt.wantStatus, tt.wantText, webText(p.body))
			}
			if tt.typed != "  " && !strings.Contains(p.body, `value="`+tt.typed+`"`) {
				t.Errorf("what was typed is not kept")
			}
		})
	}
	p := admin.post("/dashboard/organisations", webForm("name", "انجمن خواتین"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("adding: got %d", p.status)
	}
	if p := admin.get(p.location()); !strings.Contains(p.body, "انجمن خواتین has been added") || !strings.Contains(p.body, "<td>انجمن خواتین</td><td>0</td>") {
		t.Errorf("after adding: want the confirmation and the organisation with no members\n%s", webText(p.body))
	}
}

// The audit page shows the log newest first, 100 events a page, with UK
// times, and can show one action only.
func TestAuditPage(t *testing.T) {
	f := newAdminFixture(t)
	f.clock.advance(181 * 24 * time.Hour) // 12 July 2027: British Summer Time
	admin := f.browser(t)
	admin.signIn("admin@example.org", signInPassword, "")
	for i := 0; i < 120; i++ {
		e := &surveys.AuditEvent{At: f.svc.Clock(), Actor: "anonymous", Action: surveys.AuditSignInFailed, Target: "user:nobody@example.org", Detail: "no such user"}
		if err := f.db.RecordAudit(f.ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	page := admin.get("/dashboard/audit")
	for _, want := range []string{`<caption id="audit-caption" class="table-caption">Events, newest first</caption>`, `<th scope="col">When</th>`,
		`<time datetime="2027-07-12T09:30:00Z">12 July 2027, 10:30:00 BST</time>`, `<label class="label" for="action">`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("audit page: want %s", want)
		}
	}
	if n := strings.Count(page.body, "<time "); n != 100 {
		t.Errorf("first page: got %d events, want 100", n)
	}
	older := regexp.MustCompile(`<a href="(/dashboard/audit\?before=\d+)">Older events</a>`).FindStringSubmatch(page.body)
	if older == nil {
		t.Fatalf("first page: no Older events link")
	}
	next := admin.get(older[1])
	events, _ := f.db.AuditLog(f.ctx, 0, 1000)
	if n := strings.Count(next.body, "<time "); n != len(events)-100 {
		t.Errorf("second page: got %d events, want %d", n, len(events)-100)
	}
	if strings.Contains(next.body, "Older events") || !strings.Contains(next.body, "Newest events") {
		t.Errorf("last page: want a link to the newest and none to older")
	}

	filtered := admin.get("/dashboard/audit?action=sign_in")
	if n := strings.Count(filtered.body, "<code>sign_in</code>"); n != 5 || strings.Contains(filtered.body, "<code>sign_in.failed</code>") {
		t.Errorf("only sign_in: got %d sign-ins (want 5: the fixture's four and this one) and failed ones: %v", n, strings.Contains(filtered.body, "sign_in.failed</code>"))
	}
	if !strings.Contains(filtered.body, `<option value="sign_in" selected>`) {
		t.Errorf("the filter chosen is not shown as chosen")
	}
}

// The CSV export is the whole log, with formula-looking cells made safe,
// recorded in the log before it starts; on the web and the API alike.
func TestAuditCSV(t *testing.T) {
	f := newAdminFixture(t)
	for _, e := range []*surveys.AuditEvent{
		{At: f.svc.Clock(), Actor: "=cmd|' /C calc'!A0", Action: "-test", Target: "+44 7700 900123", Detail: "@SUM(1,1)"},
		{At: f.svc.Clock(), Actor: "\tTAB", Action: "test", Target: "\rCR", Detail: "انجمن خواتین"},
	} {
		if err := f.db.RecordAudit(f.ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	p := f.browsers["admin"].get("/dashboard/audit.csv")
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%s: got %d %q %q, want 200, CSV, an attachment", p, p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0], ","), "id,at,actor,action,target,detail"; got != want {
		t.Errorf("header: got %q, want %q", got, want)
	}
	byActor := map[string][]string{}
	for _, r := range rows[1:] {
		byActor[r[2]] = r
	}
	if r := byActor["'=cmd|' /C calc'!A0"]; r == nil || r[3] != "'-test" || r[4] != "'+44 7700 900123" || r[5] != "'@SUM(1,1)" {
		t.Errorf("formula cells: got %q, want each prefixed with '", r)
	}
	if r := byActor["'\tTAB"]; r == nil || r[4] != "'\rCR" || r[5] != "انجمن خواتین" {
		t.Errorf("tab and CR cells: got %q, want prefixed with ', Urdu as it is", r)
	}
	last := rows[len(rows)-1]
	if last[2] != "admin@example.org" || last[3] != "audit.export" || last[4] != "audit_log" {
		t.Errorf("last row: got %q, want the export itself, recorded before it started", last)
	}
	events, _ := f.db.AuditLog(f.ctx, 0, 1000)
	if len(rows)-1 != len(events) {
		t.Errorf("rows: got %d, want every event (%d)", len(rows)-1, len(events))
	}
	if _, err := time.Parse(time.RFC3339, rows[1][1]); err != nil {
		t.Errorf("at: got %q, want RFC 3339", rows[1][1])
	}

	// The API: an administrator's token, no one else's.
	adminToken, err := f.svc.CreateToken(f.ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	officerToken, _ := f.svc.CreateToken(f.ctx, "officer@example.org")
	for _, tt := range []struct {
		who, token string
		want       int
	}{{"admin", adminToken, 200}, {"officer", officerToken, 403}, {"nobody", "", 401}} {
		req := httptest.NewRequest("GET", "/api/v1/audit.csv", nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("API audit.csv as %s: got %d, want %d", tt.who, resp.StatusCode, tt.want)
		}
	}
}

// An administrator sets a new password on the web: the form names a short
// one, and a good one signs the user out and lets them in with it.
func TestAdminSetsPassword(t *testing.T) {
	f := newWebFixture(t, 0)
	admin := f.signedIn(t, "ada@example.org", surveys.RoleAdmin, "")
	amina := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	u, err := f.db.UserByEmail(f.ctx, "amina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/dashboard/users/%d/password", u.ID)
	if p := amina.get(page); p.status != http.StatusForbidden {
		t.Errorf("a partner opening it: got %d, want 403", p.status)
	}
	if p := admin.get(fmt.Sprintf("/dashboard/users/%d/edit", u.ID)); !strings.Contains(p.body, `href="`+page+`"`) {
		t.Errorf("the user's page does not link to setting a password")
	}
	admin.get(page)
	if p := admin.post(page, webForm("password", "short")); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#password"`) {
		t.Errorf("a short password: got %d, want 422 pointing at the field", p.status)
	}
	if p := admin.post(page, webForm("password", "a brand new long passphrase")); p.status != http.StatusSeeOther || !strings.Contains(p.location(), "done=password") {
		t.Fatalf("setting it: got %s to %q", p, p.location())
	}
	if p := amina.get("/dashboard"); p.status != http.StatusSeeOther {
		t.Errorf("Amina's old session: got %d, want signed out (303)", p.status)
	}
	if p := amina.signIn("amina@example.org", "a brand new long passphrase", ""); p.status != http.StatusSeeOther || p.location() != "/dashboard" {
		t.Errorf("signing in with the new password: got %s to %q", p, p.location())
	}
}
