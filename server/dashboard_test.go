package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// enterFor enters a response through the entry form as the signed-in user
// of b and returns its reference.
func enterFor(t *testing.T, b *webBrowser, base string, pairs ...string) string {
	t.Helper()
	enter := "/dashboard" + base + "/enter"
	b.get(enter)
	form := webForm(append([]string{"mode", "face_to_face", "consent_confirmed", "yes"}, pairs...)...)
	p := b.post(enter, form)
	m := webReferencePattern.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		t.Fatalf("entering a response: got %s, want 200 with a reference\n%s", p, p.body)
	}
	return m[1]
}

// signedIn adds a user and returns a browser signed in as them.
func (f *webFixture) signedIn(t *testing.T, email string, role surveys.Role, org string) *webBrowser {
	t.Helper()
	f.staff(t, email, role, org)
	b := f.browser(t)
	if p := b.signIn(email, signInPassword, ""); p.status != http.StatusSeeOther {
		t.Fatalf("signing in as %s: got %s", email, p)
	}
	return b
}

func TestDashboardCounts(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	interp := f.signedIn(t, "sam@example.org", surveys.RoleInterpreter, "")
	resident := f.browser(t)
	f.draft(t, resident, base, map[string][]string{"visit": {"yes"}}, nil)
	resident.submit(base)
	enterFor(t, partner, base, "visit", "yes")
	enterFor(t, partner, base, "visit", "no")
	enterFor(t, interp, base, "visit", "yes")

	tests := []struct {
		who  string
		b    *webBrowser
		want []string
	}{
		{"officer", officer, []string{`<td class="numeric">4</td>`, "Web form: 1", "Entered for someone: 3", "The person themselves: 1", "Community group: 2", "Interpreter: 1"}},
		{"partner", partner, []string{`<td class="numeric">2</td>`, "Entered for someone: 2", "Community group: 2"}},
		{"interpreter", interp, []string{`<td class="numeric">1</td>`, "Interpreter: 1"}},
	}
	for _, tt := range tests {
		p := tt.b.get("/dashboard")
		for _, want := range tt.want {
			if !strings.Contains(p.body, want) {
				t.Errorf("%s's dashboard: want %q", tt.who, want)
			}
		}
		if tt.who != "officer" && strings.Contains(p.body, "Web form") {
			t.Errorf("%s's dashboard counts residents' own responses, which they may not see", tt.who)
		}
	}
}

var webResponseLink = regexp.MustCompile(`href="/dashboard/s/[a-z0-9-]+/r/([^"]+)"`)

// listed returns the references the survey's dashboard page lists.
func listed(t *testing.T, b *webBrowser, path string) []string {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("%s: got %d", path, p.status)
	}
	var refs []string
	for _, m := range webResponseLink.FindAllStringSubmatch(p.body, -1) {
		if !strings.HasSuffix(m[1], "/correct") {
			refs = append(refs, m[1])
		}
	}
	return refs
}

func TestSurveyDashboardFilters(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	resident := f.browser(t)
	f.draft(t, resident, base, map[string][]string{"visit": {"yes"}}, nil)
	web := resident.submit(base)
	entered := enterFor(t, partner, base, "visit", "yes")
	f.clock.advance(48 * time.Hour)
	officer.signIn("olu@example.org", signInPassword, "") // the session has expired
	partner.signIn("amina@example.org", signInPassword, "")
	later := enterFor(t, officer, base, "visit", "no")

	page := "/dashboard" + base
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{web, entered, later}},
		{"?channel=web", []string{web}},
		{"?channel=assisted", []string{entered, later}},
		{"?entered_by=community_group", []string{entered}},
		{"?entered_by=officer", []string{later}},
		{"?language=en", []string{web, entered, later}},
		{"?language=ur", nil},
		{"?from=2027-01-13", []string{later}},
		{"?to=2027-01-13", []string{web, entered}},
		{"?channel=carrier-pigeon", []string{web, entered, later}}, // a bad filter shows everything
	}
	for _, tt := range tests {
		got := listed(t, officer, page+tt.query)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("officer %s: got %v, want %v", tt.query, got, tt.want)
		}
	}
	if got := listed(t, partner, page); strings.Join(got, ",") != entered {
		t.Errorf("partner: got %v, want only %s", got, entered)
	}
	// The export links carry the filters.
	if p := officer.get(page + "?channel=assisted"); !strings.Contains(p.body, base+"/responses.csv?channel=assisted") {
		t.Errorf("the export link does not carry the filter")
	}
	p := officer.get(page + "/responses.csv?channel=web")
	if p.status != http.StatusOK || !strings.Contains(p.body, web) || strings.Contains(p.body, entered) {
		t.Errorf("filtered CSV export: got %d, want only %s\n%s", p.status, web, p.body)
	}
	p = partner.get(page + "/responses.csv")
	if p.status != http.StatusOK || !strings.Contains(p.body, entered) || strings.Contains(p.body, web) || strings.Contains(p.body, later) {
		t.Errorf("partner's CSV export: got %d, want only their organisation's %s\n%s", p.status, entered, p.body)
	}
}

func TestSurveyDashboardPaging(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	var refs []string
	for i := 0; i < 3; i++ {
		refs = append(refs, enterFor(t, officer, base, "visit", "yes"))
	}
	first := officer.get("/dashboard" + base + "?limit=2")
	next := regexp.MustCompile(`href="(\?[^"]*after=[0-9]+[^"]*)"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatalf("first page of 2: no link to the next page")
	}
	got := listed(t, officer, "/dashboard"+base+strings.ReplaceAll(next[1], "&amp;", "&"))
	if strings.Join(got, ",") != refs[2] {
		t.Errorf("second page: got %v, want %v", got, refs[2:])
	}
}

func TestResponseDetailAndCorrection(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	colleague := f.signedIn(t, "bea@example.org", surveys.RolePartner, "Ladywood Community Group")
	other := f.signedIn(t, "kai@example.org", surveys.RolePartner, "Handsworth Helpers")
	interp := f.signedIn(t, "sam@example.org", surveys.RoleInterpreter, "")
	ref := enterFor(t, partner, base, "visit", "yes", "comment", "The paths are dark",
		"comment_original", "راستے اندھیرے ہیں", "comment_original_language", "ur")
	detail := "/dashboard" + base + "/r/" + ref

	p := partner.get(detail)
	for _, want := range []string{"The paths are dark", "راستے اندھیرے ہیں", `lang="ur"`, "Community group", "Face to face", "Ladywood Community Group"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("detail page: want %q", want)
		}
	}
	// Someone who may not see it gets the same answer as for a response
	// that does not exist.
	for who, b := range map[string]*webBrowser{"another organisation": other, "an interpreter": interp} {
		for _, path := range []string{detail, detail + "/correct", "/dashboard" + base + "/r/NOT-REAL"} {
			if p := b.get(path); p.status != http.StatusNotFound {
				t.Errorf("%s: GET %s: got %d, want 404", who, path, p.status)
			}
		}
		b.get("/dashboard")
		if p := b.post(detail+"/correct", webForm("visit", "no", "reason", "mine now")); p.status != http.StatusNotFound {
			t.Errorf("%s: correcting: got %d, want 404", who, p.status)
		}
	}
	if p := colleague.get(detail); p.status != http.StatusOK {
		t.Errorf("a colleague in the same organisation: got %d, want 200", p.status)
	}

	// A correction needs a reason, and keeps what was typed.
	partner.get(detail + "/correct")
	p = partner.post(detail+"/correct", webForm("visit", "no", "comment", "The paths are very dark"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#reason"`) || !strings.Contains(p.body, "The paths are very dark") {
		t.Errorf("correction without a reason: got %d, want 422 naming the reason and keeping the answers", p.status)
	}
	if r := f.response(t, base, ref); r.Answers[len(r.Answers)-1].Values[0] != "yes" {
		t.Errorf("a refused correction changed the response: %+v", r.Answers)
	}
	// A bad answer is refused the same way as when it was entered.
	p = partner.post(detail+"/correct", webForm("visit", "perhaps", "reason", "typo"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#visit"`) {
		t.Errorf("correction with a bad answer: got %d, want 422 naming the question", p.status)
	}
	p = partner.post(detail+"/correct", webForm("visit", "no", "comment", "The paths are very dark",
		"comment_original", "راستے بہت اندھیرے ہیں", "comment_original_language", "ur", "reason", "Typed from the paper form wrongly"))
	if p.status != http.StatusSeeOther || p.location() != detail+"?corrected=1" {
		t.Fatalf("correction: got %s to %q, want 303 to the detail page", p, p.location())
	}
	r := f.response(t, base, ref)
	got := map[string]string{}
	for _, a := range r.Answers {
		got[a.Key] = strings.Join(a.Values, "|")
	}
	if got["visit"] != "no" || got["comment"] != "The paths are very dark" || r.Originals["comment"].Text != "راستے بہت اندھیرے ہیں" {
		t.Errorf("after the correction: got %v %v", got, r.Originals)
	}
	if r.Channel != surveys.ChannelAssisted || r.Mediation.EnteredBy != surveys.EnteredByCommunityGroup || r.Mediation.Mode != "face_to_face" {
		t.Errorf("the correction changed how the response was given: %+v", r.Mediation)
	}
	p = partner.get(detail + "?corrected=1")
	for _, want := range []string{"The correction was saved", "Typed from the paper form wrongly", "amina@example.org", "comment, originals.comment, visit"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("detail after correction: want %q", want)
		}
	}
	// Nothing changed is not a correction.
	partner.get(detail + "/correct")
	p = partner.post(detail+"/correct", webForm("visit", "no", "comment", "The paths are very dark",
		"comment_original", "راستے بہت اندھیرے ہیں", "comment_original_language", "ur", "reason", "again"))
	if p.status != http.StatusUnprocessableEntity {
		t.Errorf("a correction that changes nothing: got %d, want 422", p.status)
	}
	events, err := f.svc.AuditLog(f.ctx, &surveys.User{Role: surveys.RoleAdmin}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range events {
		if e.Action == surveys.AuditCorrection && e.Target == "response:"+ref && e.Actor == "amina@example.org" {
			found++
		}
	}
	if found != 1 {
		t.Errorf("audit log: got %d correction events for %s, want 1", found, ref)
	}

	// A resident's own response: only officers see it, and so correct it.
	resident := f.browser(t)
	f.draft(t, resident, base, map[string][]string{"visit": {"yes"}}, nil)
	web := resident.submit(base)
	own := "/dashboard" + base + "/r/" + web
	if p := partner.get(own); p.status != http.StatusNotFound {
		t.Errorf("partner opening a resident's response: got %d, want 404", p.status)
	}
	officer.get(own + "/correct")
	if p := officer.post(own+"/correct", webForm("visit", "no", "reason", "The resident phoned to change it")); p.status != http.StatusSeeOther {
		t.Errorf("officer correcting a resident's response: got %s, want 303", p)
	}
}

func TestCorrectionAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, entryYAML)
	otherPartner := f.token(t, "kai@example.org", surveys.RolePartner, "Handsworth Helpers")
	ref := f.submit(t, slug, f.partner, `{"answers": {"visit": "yes"}, "mediation": {"mode": "phone", "consent_confirmed": true}}`)
	path := "/api/v1/surveys/" + slug + "/responses/" + ref
	tests := []struct {
		name, token, body string
		want              int
		field             string
	}{
		{"no token", "", `{"answers": {"visit": "no"}, "reason": "x"}`, http.StatusUnauthorized, ""},
		{"another organisation", otherPartner, `{"answers": {"visit": "no"}, "reason": "x"}`, http.StatusNotFound, ""},
		{"an interpreter", f.interpreter, `{"answers": {"visit": "no"}, "reason": "x"}`, http.StatusNotFound, ""},
		{"no reason", f.partner, `{"answers": {"visit": "no"}}`, http.StatusUnprocessableEntity, "reason"},
		{"bad answer", f.partner, `{"answers": {"visit": "perhaps"}, "reason": "x"}`, http.StatusUnprocessableEntity, "visit"},
		{"unknown field", f.partner, `{"answers": {"visit": "no"}, "reason": "x", "mediation": {}}`, http.StatusUnprocessableEntity, "mediation"},
		{"good", f.partner, `{"answers": {"visit": "no"}, "reason": "misheard on the phone"}`, http.StatusOK, ""},
		{"officer", f.officer, `{"answers": {"visit": "yes"}, "reason": "checked with the person"}`, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := f.do(t, http.MethodPost, path+"/corrections", tt.token, tt.body)
			if tt.want >= 400 {
				checkError(t, status, got, tt.want, tt.field)
			} else if status != tt.want {
				t.Errorf("got %d %v, want %d", status, got, tt.want)
			}
		})
	}
	status, got := f.do(t, http.MethodGet, path, f.partner, "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: got %d %v", path, status, got)
	}
	corrections, _ := got["corrections"].([]any)
	if len(corrections) != 2 {
		t.Fatalf("got %d corrections, want 2: %v", len(corrections), got)
	}
	first := corrections[0].(map[string]any)
	data, _ := json.Marshal(first)
	if first["reason"] != "misheard on the phone" || !strings.Contains(string(data), `"before":{"answers":{"visit":["yes"]}}`) {
		t.Errorf("first correction: got %s", data)
	}
	if status, _ := f.do(t, http.MethodGet, path, otherPartner, ""); status != http.StatusNotFound {
		t.Errorf("another organisation reading it: got %d, want 404", status)
	}
}

func TestSurveyDefinitionPages(t *testing.T) {
	f := newWebFixture(t, 0)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	if p := partner.get("/dashboard/surveys/new"); p.status != http.StatusForbidden || !strings.Contains(p.body, "Only council officers") {
		t.Errorf("partner opening the new survey page: got %d, want 403 saying why", p.status)
	}
	officer.get("/dashboard/surveys/new")
	bad := strings.Replace(entryYAML, "type: yes_no", "type: yes_or_no", 1)
	p := officer.postFile("/dashboard/surveys", webForm("definition", bad), "", "", nil)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "questions[0].type") || !strings.Contains(p.body, "yes_or_no") {
		t.Errorf("bad definition: got %d, want 422 naming questions[0].type and keeping the text\n%s", p.status, p.body)
	}
	p = officer.postFile("/dashboard/surveys", webForm("definition", ""), "file", "parks.yaml", []byte(entryYAML))
	if p.status != http.StatusSeeOther || p.location() != "/dashboard/s/parks" {
		t.Fatalf("uploaded definition: got %s to %q, want 303 to /dashboard/s/parks\n%s", p, p.location(), p.body)
	}
	p = officer.get("/dashboard/s/parks/edit")
	if !strings.Contains(p.body, "slug: parks") {
		t.Errorf("edit page: want the stored definition as YAML")
	}
	changed := strings.Replace(entryYAML, `title: {en: "Parks"}`, `title: {en: "Parks and green spaces"}`, 1)
	p = officer.postFile("/dashboard/s/parks/edit", webForm("definition", changed), "", "", nil)
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving the definition: got %s\n%s", p, p.body)
	}
	if p := officer.get("/dashboard/s/parks"); !strings.Contains(p.body, "Parks and green spaces") {
		t.Errorf("the survey page does not show the new title")
	}
	// Closing and reopening from the page.
	officer.get("/dashboard/s/parks")
	if p := officer.post("/dashboard/s/parks/close", nil); p.status != http.StatusSeeOther {
		t.Fatalf("close: got %s", p)
	}
	if sv, _ := f.db.Survey(f.ctx, "parks"); sv.Status != surveys.StatusClosed {
		t.Errorf("after close: status %s", sv.Status)
	}
	partner.get("/dashboard")
	if p := partner.post("/dashboard/s/parks/open", nil); p.status != http.StatusForbidden {
		t.Errorf("partner reopening: got %d, want 403", p.status)
	}
	if sv, _ := f.db.Survey(f.ctx, "parks"); sv.Status != surveys.StatusClosed {
		t.Errorf("a partner reopened the survey")
	}
}

// waitForImport follows an import's progress until it finishes.
func waitForImport(t *testing.T, b *webBrowser, report string) map[string]any {
	t.Helper()
	for i := 0; i < 600; i++ {
		p := b.get(report + ".json")
		var st map[string]any
		if err := json.Unmarshal([]byte(p.body), &st); err != nil || p.status != http.StatusOK {
			t.Fatalf("%s.json: got %d %s", report, p.status, p.body)
		}
		if st["finished"] == true {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the import at %s did not finish", report)
	return nil
}

func TestImportPages(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	other := f.signedIn(t, "kai@example.org", surveys.RolePartner, "Handsworth Helpers")
	page := "/dashboard" + base + "/import"
	p := partner.get(page)
	if p.status != http.StatusOK || !strings.Contains(p.body, page+"/template.csv") || !strings.Contains(p.body, `enctype="multipart/form-data"`) {
		t.Fatalf("import page: got %d, want a template link and an upload form", p.status)
	}
	if tpl := partner.get(page + "/template.csv"); tpl.status != http.StatusOK || !strings.Contains(tpl.body, "visit") {
		t.Errorf("template: got %d %q", tpl.status, tpl.body)
	}
	if p := partner.postFile(page, nil, "", "", nil); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#file"`) {
		t.Errorf("no file: got %d, want 422 pointing at the file input", p.status)
	}
	if p := partner.postFile(page, nil, "file", "x.csv", []byte("visits,colour\nyes,blue\n")); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "visits") {
		t.Errorf("wrong header: got %d, want 422 naming the column\n%s", p.status, p.body)
	}
	csv := "form_id,visit,comment,mode,consent_confirmed\r\nP1,yes,Lovely,paper,yes\r\nP2,perhaps,,paper,yes\r\nP3,no,=SUM(A1),paper,yes\r\n"
	p = partner.postFile(page, nil, "file", "forms.csv", []byte(csv))
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/dashboard/imports/") {
		t.Fatalf("upload: got %s to %q, want 303 to the report\n%s", p, p.location(), p.body)
	}
	report := p.location()
	st := waitForImport(t, partner, report)
	result := st["result"].(map[string]any)
	if result["accepted"] != 2.0 || len(result["rejected"].([]any)) != 1 {
		t.Errorf("result: got %v, want 2 accepted, 1 rejected", result)
	}
	p = partner.get(report)
	for _, want := range []string{"Import finished", "Responses saved", `<td class="numeric">3</td>`, "visit"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("report page: want %q\n%s", want, p.body)
		}
	}
	if strings.Contains(p.body, "<script") {
		t.Errorf("a finished report runs script")
	}
	if p := other.get(report); p.status != http.StatusNotFound {
		t.Errorf("someone else's import report: got %d, want 404", p.status)
	}
	// The same file again adds nobody.
	p = partner.postFile(page, nil, "file", "forms.csv", []byte(csv))
	st = waitForImport(t, partner, p.location())
	if r := st["result"].(map[string]any); r["accepted"] != 0.0 || r["duplicates"] != 2.0 {
		t.Errorf("re-upload: got %v, want 0 accepted, 2 duplicates", r)
	}
	if n := len(f.responses(t, base)); n != 2 {
		t.Errorf("stored %d responses, want 2", n)
	}
	for _, r := range f.responses(t, base) {
		for _, a := range r.Answers {
			if a.Key == "comment" && a.Values[0] == "=SUM(A1)" {
				return // stored as the text it is
			}
		}
	}
	t.Errorf("the formula-looking cell was not stored as text")
}

func TestImportProgressPage(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	var csv strings.Builder
	csv.WriteString("form_id,visit,mode,consent_confirmed\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&csv, "F%d,yes,paper,yes\n", i)
	}
	page := "/dashboard" + base + "/import"
	partner.get(page)
	p := partner.postFile(page, nil, "file", "big.csv", []byte(csv.String()))
	report := p.location()
	p = partner.get(report)
	// 20,000 rows take a second or more to store, so the page is seen
	// while running: a progress bar, a way to see progress without
	// script, and the script.
	if !strings.Contains(p.body, "Importing responses") {
		t.Fatalf("the report page did not show the import running")
	}
	{
		for _, want := range []string{`<progress id="import-progress"`, `data-status="` + report + `.json"`, "Refresh to see progress", `<script src="/static/import-progress-`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("running report: want %q", want)
			}
		}
	}
	waitForImport(t, partner, report)
	script := regexp.MustCompile(`/static/import-progress-[0-9a-f]{8}\.js`).FindString(p.body)
	if script != "" {
		if s := partner.get(script); s.status != http.StatusOK || !strings.Contains(s.body, "fetch(") {
			t.Errorf("the progress script: got %d", s.status)
		}
	}
}

// token adds a user and returns an API token for them.
func (f *fixture) token(t *testing.T, email string, role surveys.Role, org string) string {
	t.Helper()
	if _, err := f.svc.AddUser(f.ctx, &surveys.NewUser{Email: email, Name: "Kai", Role: role, Organisation: org, Password: signInPassword}); err != nil {
		t.Fatal(err)
	}
	token, err := f.svc.CreateToken(f.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// The signed-in pages are not half translated: without every staff text in
// Urdu, someone who chose Urdu on the residents' form gets them in English.
func TestStaffPagesNotHalfTranslated(t *testing.T) {
	f := newWebFixture(t, 0)
	f.survey(t, entryYAML)
	b := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	b.setCookie("voices_lang", "ur", "/")
	for _, path := range []string{"/dashboard", "/dashboard/s/parks", "/dashboard/s/parks/enter", "/dashboard?lang=ur"} {
		p := b.get(path)
		if !strings.Contains(p.body, `<html lang="en" dir="ltr">`) {
			t.Errorf("%s with Urdu chosen: want the page wholly in English", path)
		}
	}
}

// A community group sees no equality answers beside one person's response,
// and correcting the answers keeps the equality answers as they were.
func TestPartnersSeeNoEqualityBesideAResponse(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	ref := enterFor(t, partner, base, "visit", "yes", "equality_ethnic_group", "asian_pakistani", "equality_age_band", "35_49")
	detail := "/dashboard" + base + "/r/" + ref
	if p := partner.get(detail); strings.Contains(p.body, "Pakistani") || strings.Contains(p.body, "35 to 49") {
		t.Errorf("the partner's detail page shows equality answers")
	}
	if p := officer.get(detail); !strings.Contains(p.body, "Pakistani") {
		i := strings.Index(p.body, "best describes your background")
		t.Errorf("the officer's detail page does not show the equality answers\n%s", p.body[i:i+400])
	}
	if p := partner.get(detail + "/correct"); strings.Contains(p.body, `name="equality_ethnic_group"`) {
		t.Errorf("the partner's correction form shows equality questions")
	}
	if p := partner.post(detail+"/correct", webForm("visit", "no", "reason", "misheard")); p.status != http.StatusSeeOther {
		t.Fatalf("the partner's correction: got %s\n%s", p, p.body)
	}
	r := f.response(t, base, ref)
	if r.Equality["ethnic_group"] != "asian_pakistani" || r.Equality["age_band"] != "35_49" {
		t.Errorf("after the partner's correction: equality %v, want kept", r.Equality)
	}

	// Through the API, equality answers sent in a partner's correction are
	// ignored, and none come back, in the response or its corrections.
	token, err := f.svc.CreateToken(f.ctx, "amina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	api := "/api/v1/surveys/parks/responses/" + ref
	body := `{"reason": "typed wrongly", "answers": {"visit": "yes"}, "equality": {"ethnic_group": "white_irish", "age_band": "16_24"}}`
	for _, req := range []*http.Request{httptest.NewRequest("POST", api+"/corrections", strings.NewReader(body)), httptest.NewRequest("GET", api, nil)} {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.Contains(string(data), "equality") {
			t.Errorf("%s %s as the partner: got %d, want 200 without equality answers\n%s", req.Method, req.URL.Path, resp.StatusCode, data)
		}
	}
	r = f.response(t, base, ref)
	if r.Equality["ethnic_group"] != "asian_pakistani" || r.Equality["age_band"] != "35_49" || r.Answer("visit")[0] != "yes" {
		t.Errorf("after the partner's API correction: visit %v, equality %v; want yes, and equality kept", r.Answer("visit"), r.Equality)
	}
}
