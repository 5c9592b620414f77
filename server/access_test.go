package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// The access rules, as one table: every signed-in page and API endpoint,
// for every role, allowed or refused, and for lists and exports which
// responses each role gets. The rules are enforced on the server, so the
// table sends requests as anyone could, not only as the pages offer.

// accessRoles are the people in the table, in the order of each row's want.
var accessRoles = []string{"anonymous", "admin", "officer", "partner", "other partner", "interpreter"}

// Statuses, short so the table reads as a table.
const (
	ok      = http.StatusOK
	created = http.StatusCreated
	seeOth  = http.StatusSeeOther // a page done, or (anonymous) off to sign in
	unauth  = http.StatusUnauthorized
	forbid  = http.StatusForbidden
	missing = http.StatusNotFound
)

type accessFixture struct {
	*webFixture
	browsers map[string]*webBrowser
	tokens   map[string]string
	// References of responses entered by the partner's organisation, by
	// the interpreter, and by a resident themselves.
	partnerRef, interpRef, residentRef string
	partnerJob                         string // an import report of the partner's
}

func newAccessFixture(t *testing.T) *accessFixture {
	f := &accessFixture{webFixture: newWebFixture(t, 0), browsers: map[string]*webBrowser{}, tokens: map[string]string{}}
	base := f.survey(t, entryYAML)
	users := map[string]struct {
		role surveys.Role
		org  string
	}{
		"admin":         {surveys.RoleAdmin, ""},
		"officer":       {surveys.RoleOfficer, ""},
		"partner":       {surveys.RolePartner, "Ladywood Community Group"},
		"other partner": {surveys.RolePartner, "Handsworth Helpers"},
		"interpreter":   {surveys.RoleInterpreter, ""},
	}
	f.browsers["anonymous"] = f.browser(t)
	f.browsers["anonymous"].get("/login") // for a form token: refusals must not be only the CSRF check
	for name, u := range users {
		email := strings.ReplaceAll(name, " ", ".") + "@example.org"
		f.browsers[name] = f.signedIn(t, email, u.role, u.org)
		token, err := f.svc.CreateToken(f.ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = token
	}
	sv, err := f.db.Survey(f.ctx, "parks")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutCodebook(f.ctx, sv, []byte("themes: [{id: paths, name: Paths, phrases: [path]}]")); err != nil {
		t.Fatal(err)
	}
	// With an equality answer each, which only officers may see.
	f.partnerRef = enterFor(t, f.browsers["partner"], base, "visit", "yes", "equality_age_band", "35_49")
	f.interpRef = enterFor(t, f.browsers["interpreter"], base, "visit", "no", "equality_age_band", "35_49")
	resident := f.browser(t)
	f.draft(t, resident, base, map[string][]string{"visit": {"yes"}}, nil)
	f.residentRef = resident.submit(base)
	b := f.browsers["partner"]
	b.get("/dashboard/s/parks/import")
	p := b.postFile("/dashboard/s/parks/import", nil, "file", "forms.csv", []byte("form_id,visit,mode,consent_confirmed\nP1,yes,paper,yes\n"))
	f.partnerJob = p.location()
	waitForImport(t, b, f.partnerJob)
	return f
}

// api sends an API request with role's token (none for anonymous).
func (f *accessFixture) api(t *testing.T, role, method, path, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token := f.tokens[role]; token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// web sends a page request from role's browser; for a POST, after loading
// the dashboard, so the form token is fresh.
func (f *accessFixture) web(t *testing.T, role, method, path string, form url.Values, file []byte) (int, string) {
	t.Helper()
	b := f.browsers[role]
	if method == http.MethodGet {
		p := b.get(path)
		return p.status, p.body
	}
	if role != "anonymous" {
		b.get("/dashboard")
	}
	var p *webPage
	if file != nil {
		p = b.postFile(path, form, "file", "upload", file)
	} else {
		p = b.post(path, form)
	}
	if role == "anonymous" && p.status == seeOth && !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("anonymous %s %s: redirected to %q, want the sign-in page", method, path, p.location())
	}
	return p.status, p.body
}

type accessCase struct {
	api          bool // the JSON API, with tokens; otherwise pages, with sessions
	method, path string
	// body, when set, is sent for each role (a survey definition must have
	// a slug of its own for each, so that each creation can succeed).
	body func(role string) string
	form url.Values
	file []byte
	want [6]int // by accessRoles
	// scoped rows list or export responses: check which each role gets.
	scoped bool
}

func TestAccessTable(t *testing.T) {
	f := newAccessFixture(t)
	pr, ir, rr := url.PathEscape(f.partnerRef), url.PathEscape(f.interpRef), url.PathEscape(f.residentRef)
	slugged := func(slug string) string { return strings.Replace(entryYAML, "slug: parks", "slug: "+slug, 1) }
	definition := func(role string) string { return slugged("new-" + strings.ReplaceAll(role, " ", "-")) }
	// Without a token only a person answering for themselves is accepted.
	responseJSON := func(role string) string {
		if role == "anonymous" {
			return `{"answers": {"visit": "yes"}, "mediation": {"entered_by": "community_group", "mode": "phone", "consent_confirmed": true}}`
		}
		return `{"answers": {"visit": "yes"}, "mediation": {"mode": "phone", "consent_confirmed": true}}`
	}
	correction := `{"answers": {"visit": "no"}, "reason": "checked with the person"}`
	entry := webForm("visit", "yes", "mode", "phone", "consent_confirmed", "yes")
	fix := webForm("visit", "no", "reason", "checked with the person")
	importCSV := []byte("form_id,visit,mode,consent_confirmed\nA1,yes,paper,yes\n")
	csv := func(role string) string { return "form_id,visit,mode,consent_confirmed\nB1,yes,paper,yes\n" }

	//                                                                anonymous admin officer partner other interpreter
	cases := []accessCase{
		// Pages.
		{method: "GET", path: "/dashboard", want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/dashboard/surveys/new", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks", want: [6]int{seeOth, ok, ok, ok, ok, ok}, scoped: true},
		{method: "GET", path: "/dashboard/s/parks/edit", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/enter", want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/dashboard/s/parks/responses.csv", want: [6]int{seeOth, ok, ok, ok, ok, ok}, scoped: true},
		{method: "GET", path: "/dashboard/s/parks/responses.json", want: [6]int{seeOth, ok, ok, ok, ok, ok}, scoped: true},
		{method: "GET", path: "/dashboard/s/parks/responses.xlsx", want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/dashboard/s/parks/r/" + pr, want: [6]int{seeOth, ok, ok, ok, missing, missing}},
		{method: "GET", path: "/dashboard/s/parks/r/" + ir, want: [6]int{seeOth, ok, ok, missing, missing, ok}},
		{method: "GET", path: "/dashboard/s/parks/r/" + rr, want: [6]int{seeOth, ok, ok, missing, missing, missing}},
		{method: "GET", path: "/dashboard/s/parks/r/" + pr + "/correct", want: [6]int{seeOth, ok, ok, ok, missing, missing}},
		{method: "GET", path: "/dashboard/s/parks/import", want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/dashboard/s/parks/import/template.csv", want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "GET", path: f.partnerJob, want: [6]int{seeOth, missing, missing, ok, missing, missing}},
		{method: "GET", path: f.partnerJob + ".json", want: [6]int{seeOth, missing, missing, ok, missing, missing}},
		{method: "POST", path: "/dashboard/s/parks/enter", form: entry, want: [6]int{seeOth, ok, ok, ok, ok, ok}},
		{method: "POST", path: "/dashboard/s/parks/import", file: importCSV, want: [6]int{seeOth, seeOth, seeOth, seeOth, seeOth, seeOth}},
		// The first correction changes the answer; the same again changes nothing (422).
		{method: "POST", path: "/dashboard/s/parks/r/" + rr + "/correct", form: fix, want: [6]int{seeOth, seeOth, 422, missing, missing, missing}},
		{method: "POST", path: "/dashboard/s/parks/r/" + ir + "/correct", form: webForm("visit", "yes", "reason", "misheard"), want: [6]int{seeOth, seeOth, 422, missing, missing, 422}},
		{method: "POST", path: "/dashboard/surveys", form: webForm("definition", slugged("made-on-web")), want: [6]int{seeOth, seeOth, 422, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/edit", form: webForm("definition", entryYAML), want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/open", want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},

		// Themes: officers only.
		{method: "GET", path: "/dashboard/s/parks/themes", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/themes/review", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/themes/report", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/themes/discover", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/themes/agreement", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/themes/suggest", want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/codebook", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "PUT", path: "/api/v1/surveys/parks/codebook", body: func(string) string { return "themes: [{id: paths, name: Paths}]" }, want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/themes/suggest", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/themes/answers", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/themes/decisions", body: func(string) string { return `{"decisions": []}` }, want: [6]int{unauth, 422, 422, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/themes/summary", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/themes/summary.csv", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/themes/report", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/themes/agreement", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},

		// Who we heard from: officers only; withdrawal is by reference, for anyone who has it.
		{method: "GET", path: "/dashboard/s/parks/breakdown", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/breakdown?by=sex&count=question:visit", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/breakdown.csv?by=sex", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/breakdown.xlsx?by=sex", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/breakdown?by=sex", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/breakdown.csv?by=sex", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/breakdown.xlsx?by=sex", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/representation", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/representation.csv", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/representation/daily", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/baseline", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "PUT", path: "/api/v1/surveys/parks/baseline?name=X", body: func(string) string { return "a,b\n" }, want: [6]int{unauth, 422, 422, forbid, forbid, forbid}},
		{api: true, method: "DELETE", path: "/api/v1/surveys/parks/baseline", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/representation", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/representation.xlsx", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/baseline.csv", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/baseline", form: webForm("name", "X"), file: []byte("a,b\n"), want: [6]int{seeOth, 422, 422, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/baseline/clear", want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/responses/AAA-AAA/equality/withdraw", want: [6]int{missing, missing, missing, missing, missing, missing}},
		// Unsubscribe links work for whoever holds them, signed in or not.
		{method: "GET", path: "/updates/no-such-token", want: [6]int{missing, missing, missing, missing, missing, missing}},

		// Data protection: officers only. The erase form with the wrong
		// reference typed erases nothing (back to the page); erasing by the
		// API is tried on a reference that does not exist.
		{method: "GET", path: "/dashboard/s/parks/r/" + pr + "/subject-access.json", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/r/" + pr + "/erase", form: webForm("confirm", "ZZZ-ZZZ"), want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/responses/" + pr + "/subject-access", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "DELETE", path: "/api/v1/responses/AAA-AAA", want: [6]int{unauth, missing, missing, forbid, forbid, forbid}},

		// Results and actions ("we asked, you said, we did"): officers only;
		// the published page and its open data are for anyone. Action 1 is
		// the first one added here; a change made twice is no change (422);
		// an open survey cannot be archived (409).
		{method: "GET", path: "/s/parks/results", want: [6]int{missing, missing, missing, missing, missing, missing}},
		{method: "GET", path: "/dashboard/s/parks/results", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/actions", form: webForm("title_en", "Mend the paths", "status", "planned", "themes", "paths"), want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{method: "GET", path: "/dashboard/s/parks/actions/1", want: [6]int{seeOth, ok, ok, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/actions/1", form: webForm("title_en", "Mend the paths", "status", "done", "themes", "paths"), want: [6]int{seeOth, seeOth, 422, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/results/publish", want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/archive", form: webForm("confirm", "yes"), want: [6]int{seeOth, 409, 409, forbid, forbid, forbid}},
		{method: "POST", path: "/dashboard/s/parks/actions/1/delete", want: [6]int{seeOth, seeOth, missing, forbid, forbid, forbid}},
		{method: "GET", path: "/s/parks/results", want: [6]int{ok, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/s/parks/results.json", want: [6]int{ok, ok, ok, ok, ok, ok}},
		{method: "GET", path: "/s/parks/results.csv", want: [6]int{ok, ok, ok, ok, ok, ok}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/actions", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/actions", body: func(string) string { return `{"title": {"en": "Mend the paths"}, "themes": ["paths"]}` }, want: [6]int{unauth, created, created, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/actions/2", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/results", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/results/publish", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/archive", want: [6]int{unauth, 409, 409, forbid, forbid, forbid}},

		// The JSON API.
		{api: true, method: "GET", path: "/api/v1/surveys", want: [6]int{ok, ok, ok, ok, ok, ok}},
		{api: true, method: "POST", path: "/api/v1/surveys", body: definition, want: [6]int{unauth, created, created, forbid, forbid, forbid}},
		{api: true, method: "PUT", path: "/api/v1/surveys/parks", body: func(string) string { return entryYAML }, want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/open", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/responses", body: responseJSON, want: [6]int{422, created, created, created, created, created}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses", want: [6]int{unauth, ok, ok, ok, ok, ok}, scoped: true},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses.csv", want: [6]int{unauth, ok, ok, ok, ok, ok}, scoped: true},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses.json", want: [6]int{unauth, ok, ok, ok, ok, ok}, scoped: true},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses.xlsx", want: [6]int{unauth, ok, ok, ok, ok, ok}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses/" + pr, want: [6]int{unauth, ok, ok, ok, missing, missing}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/responses/" + rr, want: [6]int{unauth, ok, ok, missing, missing, missing}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/responses/" + pr + "/corrections", body: func(string) string { return correction }, want: [6]int{unauth, ok, 422, 422, missing, missing}},
		{api: true, method: "GET", path: "/api/v1/surveys/parks/imports/template.csv", want: [6]int{unauth, ok, ok, ok, ok, ok}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/imports", body: csv, want: [6]int{unauth, ok, ok, ok, ok, ok}},
		// Officers pass the role check and learn that text messages are not set up here.
		{api: true, method: "GET", path: "/api/v1/surveys/parks/sms", want: [6]int{unauth, 503, 503, forbid, forbid, forbid}},
		{api: true, method: "GET", path: "/api/v1/audit", want: [6]int{unauth, ok, forbid, forbid, forbid, forbid}},
		{api: true, method: "PUT", path: "/api/v1/translations/en", body: func(string) string { return "{" }, want: [6]int{unauth, 400, 400, forbid, forbid, forbid}},

		// Closing last, as it stops entries.
		{method: "POST", path: "/dashboard/s/parks/close", want: [6]int{seeOth, seeOth, seeOth, forbid, forbid, forbid}},
		{api: true, method: "POST", path: "/api/v1/surveys/parks/close", want: [6]int{unauth, ok, ok, forbid, forbid, forbid}},
	}
	for _, tc := range cases {
		kind := "page"
		if tc.api {
			kind = "api"
		}
		for i, role := range accessRoles {
			name := fmt.Sprintf("%s %s %s as %s", kind, tc.method, tc.path, role)
			var status int
			var body string
			if tc.api {
				ct, b := "", ""
				if tc.body != nil {
					b = tc.body(role)
					ct = "application/json"
					if strings.HasSuffix(tc.path, "/imports") {
						ct = "text/csv"
					}
				}
				status, body = f.api(t, role, tc.method, tc.path, ct, b)
			} else {
				status, body = f.web(t, role, tc.method, tc.path, tc.form, tc.file)
			}
			if status != tc.want[i] {
				t.Errorf("%s: got %d, want %d\n%.300s", name, status, tc.want[i], body)
				continue
			}
			if tc.scoped && status == ok {
				checkScope(t, name, role, body, f.partnerRef, f.interpRef, f.residentRef)
			}
		}
	}
}

// checkScope checks that a list or export holds exactly the responses role
// may see of the three: the partner organisation's, the interpreter's and
// the resident's own; and that only officers get equality answers (the
// partner's and the interpreter's responses have one each), neither the
// answers nor the columns for them.
func checkScope(t *testing.T, name, role, body, partnerRef, interpRef, residentRef string) {
	t.Helper()
	officer := role == "admin" || role == "officer"
	for _, equality := range []string{"35_49", "equality"} {
		if !strings.Contains(name, "/responses") {
			break // the dashboard's list shows no equality answers to anyone
		}
		if got := strings.Contains(body, equality); got != officer {
			t.Errorf("%s: holds %q = %v, want %v", name, equality, got, officer)
		}
	}
	want := map[string]bool{
		partnerRef:  officer || role == "partner",
		interpRef:   officer || role == "interpreter",
		residentRef: officer,
	}
	for ref, sees := range want {
		if got := strings.Contains(body, ref); got != sees {
			t.Errorf("%s: holds %s = %v, want %v", name, ref, got, sees)
		}
	}
}
