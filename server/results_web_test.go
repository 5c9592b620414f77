package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// The results pages: "we asked, you said, we did". The public page and its
// open data show only the latest publication; the officers' page records
// actions, reviews what would be published, publishes and archives.

const resultsYAML = `
slug: library
title: {en: "Library opening hours", ur: "لائبریری کے اوقات"}
description: {en: "How should the library's hours change?", ur: "لائبریری کے اوقات کیسے بدلنے چاہییں؟"}
languages: [en, ur]
status: open
questions:
  - {key: visit, type: yes_no, required: true, prompt: {en: "Do you use the library?", ur: "کیا آپ لائبریری استعمال کرتے ہیں؟"}}
  - {key: comment, type: long_text, prompt: {en: "What would make it better?"}}
`

const resultsCodebook = `themes:
  - {id: hours, name: Opening hours, description: "Opening earlier, later or at weekends."}
  - {id: books, name: More books}
  - {id: quiet, name: A quiet space}
`

// resultsFixture is the library survey with 40 answers: 37 on the web and
// 3 by text; 25 coded "hours", 12 "books" and 3 "quiet" (too few to show).
type resultsFixture struct {
	*webFixture
	token   string      // the officer's API token
	officer *webBrowser // the officer, signed in
	sv      *surveys.Survey
}

func newResultsFixture(t *testing.T) *resultsFixture {
	t.Helper()
	f := &resultsFixture{webFixture: newWebFixture(t, 0)}
	f.survey(t, resultsYAML)
	f.token = webOfficerToken(t, f.webFixture)
	f.officer = f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	sv, err := f.db.Survey(f.ctx, "library")
	if err != nil {
		t.Fatal(err)
	}
	f.sv = sv
	if _, err := f.svc.PutCodebook(f.ctx, sv, []byte(resultsCodebook)); err != nil {
		t.Fatal(err)
	}
	decisions := map[surveys.AnswerKey][]string{}
	for i := 0; i < 40; i++ {
		sub := &surveys.Submission{Language: "en", Channel: surveys.ChannelWeb,
			Answers: map[string][]string{"visit": {"yes"}, "comment": {fmt.Sprintf("Please open the library later on weekday evenings, answer %d.", i)}}}
		if i >= 37 {
			sub.Channel, sub.Language = surveys.ChannelSMS, "ur"
		}
		r, err := f.svc.Submit(f.ctx, "library", sub)
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		var themes []string
		switch {
		case i < 25:
			themes = []string{"hours"}
		case i < 37:
			themes = []string{"books"}
		default:
			themes = []string{"quiet"}
		}
		decisions[surveys.AnswerKey{ResponseID: r.ID, QuestionKey: "comment"}] = themes
	}
	if err := f.svc.Review(f.ctx, sv, f.user(t, "olu@example.org"), decisions); err != nil {
		t.Fatalf("Review: %v", err)
	}
	return f
}

// api sends a JSON request with the officer's token.
func (f *resultsFixture) api(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+f.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// addAction creates an action through the API and returns its id.
func (f *resultsFixture) addAction(t *testing.T, body string) int64 {
	t.Helper()
	status, data := f.api(t, http.MethodPost, "/api/v1/surveys/library/actions", body)
	var a struct{ ID int64 }
	if status != http.StatusCreated || json.Unmarshal(data, &a) != nil {
		t.Fatalf("creating an action: got %d %s", status, data)
	}
	return a.ID
}

func (f *resultsFixture) publish(t *testing.T) {
	t.Helper()
	if status, data := f.api(t, http.MethodPost, "/api/v1/surveys/library/results/publish", ""); status != http.StatusOK {
		t.Fatalf("publishing: got %d %s", status, data)
	}
}

// public fetches a public address with a fresh browser.
func (f *resultsFixture) public(t *testing.T, path string) *webPage {
	t.Helper()
	return f.browser(t).get(path)
}

var (
	resultsTablePattern = regexp.MustCompile(`(?s)<table class="table">.*?</table></div>\s*<p class="hint">([^<]*)</p>`)
	resultsRulePattern  = regexp.MustCompile(`numbers from 1 to 9 are not shown`)
)

func TestResultsNotPublishedYet(t *testing.T) {
	f := newResultsFixture(t)
	for _, path := range []string{"/s/library/results", "/s/library/results.json", "/s/library/results.csv", "/s/library/results?lang=ur"} {
		p := f.public(t, path)
		if p.status != http.StatusNotFound {
			t.Errorf("%s before publishing: got %d, want 404", path, p.status)
		}
		if strings.HasSuffix(path, "/results") && !strings.Contains(p.body, "The results are not published yet") {
			t.Errorf("%s: want the page saying the results are not published yet\n%s", path, webText(p.body))
		}
	}
	// Actions are recorded but not published: still nothing to see.
	f.addAction(t, `{"title": {"en": "Open until 8pm on Thursdays"}, "themes": ["hours"]}`)
	if p := f.public(t, "/s/library/results.json"); p.status != http.StatusNotFound || strings.Contains(p.body, "8pm") {
		t.Errorf("results.json with an action recorded but not published: got %d %s", p.status, p.body)
	}
	// A draft survey has no results page at all.
	f.survey(t, strings.Replace(strings.Replace(resultsYAML, "slug: library", "slug: draft-one", 1), "status: open", "status: draft", 1))
	if p := f.public(t, "/s/draft-one/results"); p.status != http.StatusNotFound {
		t.Errorf("a draft survey's results: got %d, want 404", p.status)
	}
}

func TestResultsPublishedOnlyAsPublished(t *testing.T) {
	f := newResultsFixture(t)
	hours := f.addAction(t, `{"title": {"en": "Open until 8pm on Thursdays", "ur": "جمعرات کو رات 8 بجے تک کھلا"}, "themes": ["hours"], "status": "planned", "due": "2027-04-01"}`)
	f.addAction(t, `{"title": {"en": "Buy 500 more books"}, "themes": ["books", "quiet"], "status": "not_taken_forward", "reason": {"en": "The book budget is spent for this year."}}`)
	f.publish(t)

	// Afterwards: a new action, a new status, a new title. None of them is
	// published until the results are published again.
	f.addAction(t, `{"title": {"en": "A secret plan nobody published"}, "themes": ["quiet"]}`)
	if status, data := f.api(t, http.MethodPatch, fmt.Sprintf("/api/v1/surveys/library/actions/%d", hours), `{"status": "done", "title": {"en": "Open until 9pm on Thursdays"}}`); status != http.StatusOK {
		t.Fatalf("changing an action: got %d %s", status, data)
	}
	// A response received since is not counted on the public page either.
	if _, err := f.svc.Submit(f.ctx, "library", &surveys.Submission{Language: "en", Channel: surveys.ChannelWeb, Answers: map[string][]string{"visit": {"no"}}}); err != nil {
		t.Fatal(err)
	}

	p := f.public(t, "/s/library/results")
	if p.status != http.StatusOK {
		t.Fatalf("results page: got %d\n%s", p.status, webText(p.body))
	}
	for _, want := range []string{
		"We asked, you said, we did", "Last updated 12 January 2027", "Library opening hours", "How should the library&#39;s hours change?",
		"Do you use the library?", "What would make it better?", "40 people took part.",
		"Open until 8pm on Thursdays", "Planned", "1 April 2027", "Buy 500 more books", "Not taken forward", "The book budget is spent for this year.",
		`href="#theme-hours"`, "Opening earlier, later or at weekends.", "Please open the library later",
		`href="/s/library/results.csv?lang=en"`, `href="/s/library/results.json"`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("results page: no %q", want)
		}
	}
	for _, leak := range []string{"A secret plan", "9pm", "41 people"} {
		if strings.Contains(p.body, leak) {
			t.Errorf("results page shows %q, which was not published", leak)
		}
	}
	if strings.Contains(p.body, "<script") {
		t.Errorf("results page has a script: it must work without JavaScript")
	}
	// Every table has the protection rule under it, and every chart a text alternative.
	tables := strings.Count(p.body, `<table class="table">`)
	rules := resultsTablePattern.FindAllStringSubmatch(p.body, -1)
	if tables != 4 || len(rules) != tables {
		t.Errorf("results page: %d tables, %d with the rule under them; want 4 and 4", tables, len(rules))
	}
	for _, m := range rules {
		if !resultsRulePattern.MatchString(m[1]) || !strings.Contains(m[1], "nearest 5") {
			t.Errorf("rule under a table: %q", m[1])
		}
	}
	if n := strings.Count(p.body, `<svg class="chart" role="img" aria-labelledby=`); n != 4 {
		t.Errorf("results page: %d charts with a text alternative, want 4", n)
	}

	// The open data: only what was published.
	j := f.public(t, "/s/library/results.json")
	var pub surveys.Publication
	if j.status != http.StatusOK || json.Unmarshal([]byte(j.body), &pub) != nil {
		t.Fatalf("results.json: got %d %s", j.status, j.body)
	}
	if pub.Version != 1 || len(pub.Actions) != 2 || pub.Actions[0].Status != surveys.ActionPlanned || pub.Actions[0].Title["en"] != "Open until 8pm on Thursdays" {
		t.Errorf("results.json: got version %d, actions %+v; want version 1 with the two actions as published", pub.Version, pub.Actions)
	}
	if strings.Contains(j.body, "secret") {
		t.Errorf("results.json holds an action that was never published")
	}
	c := f.public(t, "/s/library/results.csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\ufeff"))).ReadAll()
	if c.status != http.StatusOK || err != nil {
		t.Fatalf("results.csv: got %d %v", c.status, err)
	}
	if got := strings.Join(rows[0], ","); got != "section,category,name,count,share,suppressed,status,due,status_changed,themes" {
		t.Errorf("results.csv header: %s", got)
	}
	var actions []string
	for _, r := range rows {
		if r[0] == "action" {
			actions = append(actions, r[2]+"|"+r[6])
		}
	}
	if strings.Join(actions, ";") != "Open until 8pm on Thursdays|planned;Buy 500 more books|not_taken_forward" {
		t.Errorf("results.csv actions: %v", actions)
	}
	if strings.Contains(c.body, "secret") || strings.Contains(c.body, "9pm") {
		t.Errorf("results.csv holds what was not published")
	}

	// The officers' page says what publishing again would change.
	o := f.officer.get("/dashboard/s/library/results")
	if o.status != http.StatusOK {
		t.Fatalf("officers' results page: got %d", o.status)
	}
	for _, want := range []string{"Last published 12 January 2027", "(version 1)", "version 2 of the public page",
		"A secret plan nobody published (Planned)", "Open until 9pm on Thursdays (Done)", `href="/s/library/results"`} {
		if !strings.Contains(o.body, want) {
			t.Errorf("officers' results page: no %q", want)
		}
	}
	// Publishing from the page shows the new version, and the public page follows.
	if p := f.officer.post("/dashboard/s/library/results/publish", nil); p.status != http.StatusSeeOther || !strings.Contains(p.location(), "published=2") {
		t.Fatalf("publishing from the page: got %s to %q", p, p.location())
	}
	if o := f.officer.get("/dashboard/s/library/results?published=2&texts=0&emails=0"); !strings.Contains(o.body, "Version 2 was published") {
		t.Errorf("after publishing: no notice of version 2\n%s", webText(o.body))
	}
	p = f.public(t, "/s/library/results")
	for _, want := range []string{"A secret plan nobody published", "Open until 9pm on Thursdays", "Done"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("results page after publishing again: no %q", want)
		}
	}
}

func TestResultsSuppressedCounts(t *testing.T) {
	f := newResultsFixture(t)
	f.addAction(t, `{"title": {"en": "A quiet room on Saturdays"}, "themes": ["quiet"]}`)
	f.publish(t)
	p := f.public(t, "/s/library/results")
	// 3 people raised "quiet" and 3 answered by text: never shown as numbers.
	quiet := tableRow(p.body, "A quiet space")
	if len(quiet) < 2 || quiet[0] != "fewer than 10" || quiet[1] != "" {
		t.Errorf("the quiet theme's row: got %q, want fewer than 10 and no share", quiet)
	}
	if !strings.Contains(p.body, "Raised by fewer than 10 people.") {
		t.Errorf("the quiet theme: want \"Raised by fewer than 10 people.\"")
	}
	sms := tableRow(p.body, "Text message")
	if len(sms) < 2 || sms[0] != "not shown" || sms[1] != "" {
		t.Errorf("the text message row: got %q, want not shown", sms)
	}
	// Secondary suppression: the web form's count would give the texts away.
	if web := tableRow(p.body, "Online form"); len(web) < 1 || web[0] != "not shown" {
		t.Errorf("the web form row: got %q, want not shown (else 40 - 37 gives the texts away)", web)
	}
	for _, small := range []string{">3<", ">3 (", ": 3 ", ": 3;", "(8%)", ">37<", ">35<"} {
		if strings.Contains(p.body, small) {
			t.Errorf("results page shows a protected number: %q", small)
		}
	}
	// The shown counts are rounded to 5.
	if hours := tableRow(p.body, "Opening hours"); len(hours) < 2 || hours[0] != "25" || hours[1] != "62%" {
		t.Errorf("the hours theme's row: got %q, want 25 and 62%% (25 of 40)", hours)
	}
	if books := tableRow(p.body, "More books"); len(books) < 1 || books[0] != "10" {
		t.Errorf("the books theme's row: got %q, want 10 (12 rounded to 5)", books)
	}

	c := f.public(t, "/s/library/results.csv")
	rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\ufeff"))).ReadAll()
	found := 0
	for _, r := range rows {
		if (r[0] == "theme" && r[1] == "quiet") || (r[0] == "by_channel" && (r[1] == "sms" || r[1] == "web")) {
			found++
			if r[3] != "" || r[4] != "" || r[5] != "suppressed" {
				t.Errorf("results.csv row %q: want a blank count and share, marked suppressed", r)
			}
		}
	}
	if found != 3 {
		t.Errorf("results.csv: found %d of the 3 suppressed rows", found)
	}
	if last := rows[len(rows)-1]; last[0] != "note" || !strings.Contains(last[2], "numbers from 1 to 9 are not shown") {
		t.Errorf("results.csv: the last row is %q, want the rule", last)
	}
	j := f.public(t, "/s/library/results.json")
	var pub surveys.Publication
	json.Unmarshal([]byte(j.body), &pub)
	if q := pub.Figures.Theme("quiet"); q == nil || q.Respondents != nil || !q.Suppressed || len(q.Quotes) != 0 {
		t.Errorf("results.json quiet theme: %+v, want no count, suppressed, no quotes", q)
	}
}

func TestResultsInUrdu(t *testing.T) {
	f := newResultsFixture(t)
	f.addAction(t, `{"title": {"en": "Open until 8pm on Thursdays", "ur": "جمعرات کو رات 8 بجے تک کھلا"}, "themes": ["hours"]}`)
	f.addAction(t, `{"title": {"en": "Buy 500 more books"}, "themes": ["books"]}`)
	f.publish(t)
	p := f.public(t, "/s/library/results?lang=ur")
	if p.status != http.StatusOK {
		t.Fatalf("Urdu results page: got %d", p.status)
	}
	for _, want := range []string{
		`<html lang="ur" dir="rtl">`, "ہم نے پوچھا، آپ نے کہا، ہم نے کیا", "لائبریری کے اوقات", "کیا آپ لائبریری استعمال کرتے ہیں؟",
		"جمعرات کو رات 8 بجے تک کھلا", "منصوبہ بند", "40 لوگوں نے حصہ لیا۔",
		// English on the Urdu page is marked as English, left to right.
		`<span lang="en" dir="ltr">Buy 500 more books</span>`, `<span lang="en" dir="ltr">Opening hours</span>`,
		`<span lang="en" dir="ltr">What would make it better?</span>`,
		// Language names in their own language and direction.
		`<span lang="en" dir="ltr">English</span>`,
		// Charts run right to left.
		`direction="rtl"`, `href="/s/library/results.csv?lang=ur"`, "1 سے 9 تک کے اعداد نہیں دکھائے جاتے",
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("Urdu results page: no %q", want)
		}
	}
	if strings.Contains(p.body, `<span lang="en" dir="ltr">Open until 8pm`) {
		t.Errorf("Urdu results page shows the English title of an action that has one in Urdu")
	}
	// The language switcher leads to the English page.
	if !strings.Contains(p.body, `href="/s/library/results?lang=en"`) {
		t.Errorf("Urdu results page: no link to the page in English")
	}
	// The CSV in Urdu names categories in Urdu.
	if c := f.public(t, "/s/library/results.csv?lang=ur"); !strings.Contains(c.body, "آن لائن فارم") {
		t.Errorf("Urdu results.csv: no Urdu channel names")
	}
}

func TestResultsClosedSurveyAndArchive(t *testing.T) {
	f := newResultsFixture(t)
	f.addAction(t, `{"title": {"en": "Open until 8pm on Thursdays"}, "themes": ["hours"]}`)
	f.publish(t)
	o := f.officer.get("/dashboard/s/library/results")
	if !strings.Contains(o.body, "A consultation can be archived once it is closed.") || strings.Contains(o.body, `action="/dashboard/s/library/archive"`) {
		t.Errorf("officers' page of an open survey: want no archive form, only why")
	}
	if status, data := f.api(t, http.MethodPost, "/api/v1/surveys/library/close", ""); status != http.StatusOK {
		t.Fatalf("closing: got %d %s", status, data)
	}
	if p := f.public(t, "/s/library/results"); p.status != http.StatusOK || !strings.Contains(p.body, "Open until 8pm") || !strings.Contains(p.body, "It has closed.") {
		t.Errorf("a closed survey's results page: got %d\n%s", p.status, webText(p.body))
	}
	o = f.officer.get("/dashboard/s/library/results")
	if !strings.Contains(o.body, `action="/dashboard/s/library/archive"`) || !strings.Contains(o.body, "cannot be reopened") {
		t.Fatalf("officers' page of a closed survey: want the archive form with its warning")
	}
	// Not ticking the box is refused, naming it.
	p := f.officer.post("/dashboard/s/library/archive", nil)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `<a href="#confirm">Tick the box`) || !strings.Contains(p.body, `id="confirm-error"`) {
		t.Errorf("archiving without confirming: got %d\n%s", p.status, webText(p.body))
	}
	p = f.officer.post("/dashboard/s/library/archive", webForm("confirm", "yes"))
	if p.status != http.StatusSeeOther || !strings.Contains(p.location(), "archived=1") {
		t.Fatalf("archiving: got %s to %q", p, p.location())
	}
	o = f.officer.get(p.location())
	if !strings.Contains(o.body, "The consultation was archived") || !strings.Contains(o.body, "This consultation was archived on") {
		t.Errorf("after archiving: no notice\n%s", webText(o.body))
	}
	if p := f.public(t, "/s/library/results"); p.status != http.StatusOK {
		t.Errorf("an archived survey's results page: got %d, want 200", p.status)
	}
}

func TestResultsOfficerForms(t *testing.T) {
	f := newResultsFixture(t)
	// Officers only.
	for _, role := range []surveys.Role{surveys.RolePartner, surveys.RoleInterpreter} {
		b := f.signedIn(t, string(role)+"@example.org", role, map[surveys.Role]string{surveys.RolePartner: partnerOrg}[role])
		if p := b.get("/dashboard/s/library/results"); p.status != http.StatusForbidden {
			t.Errorf("%s on the results page: got %d, want 403", role, p.status)
		}
	}
	// The survey's dashboard links to the page.
	if p := f.officer.get("/dashboard/s/library"); !strings.Contains(p.body, `href="/dashboard/s/library/results"`) {
		t.Errorf("the survey's dashboard: no link to the results page")
	}
	page := f.officer.get("/dashboard/s/library/results")
	for _, want := range []string{`id="title_en"`, `id="title_ur"`, `lang="ur"`, `id="themes"`, `id="themes-books"`, `value="quiet"`,
		`id="status"`, `id="status-not-taken-forward"`, `type="date"`, "YYYY-MM-DD", "The results have not been published yet",
		"No action is new or has a new status", `id="preview-theme-hours"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("officers' results page: no %s", want)
		}
	}
	// Every problem is named and linked to its field.
	p := f.officer.post("/dashboard/s/library/actions", webForm("title_en", " ", "title_ur", "کچھ", "status", "not_taken_forward", "due", "next spring"))
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("an action with problems: got %d, want 422", p.status)
	}
	for _, want := range []string{`<a href="#title_en">Title (English) is required`, `<a href="#reason_en">Why it is not taken forward (English) is required`,
		`<a href="#themes">Themes: link the action`, `<a href="#due">Expected by must be a date written YYYY-MM-DD`,
		`id="title_en-error"`, `id="f-themes-error"`, `id="due-error"`, `aria-describedby="title_en-hint title_en-error"`,
		`value="next spring"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("an action with problems: no %s\n", want)
		}
	}
	if !strings.Contains(p.body, `value="کچھ"`) || !strings.Contains(p.body, `id="status-not-taken-forward" name="status" type="radio" value="not_taken_forward" checked`) {
		t.Errorf("an action with problems: what was typed and chosen is not kept")
	}
	// A good one is added and listed.
	p = f.officer.post("/dashboard/s/library/actions", webForm("title_en", "Open on Sunday afternoons", "status", "in_progress", "themes", "hours", "themes", "quiet", "due", "2027-06-30"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("adding an action: got %s\n%s", p, webText(p.body))
	}
	page = f.officer.get(p.location())
	link := regexp.MustCompile(`href="(/dashboard/s/library/actions/\d+)">Open on Sunday afternoons`).FindStringSubmatch(page.body)
	if link == nil || !strings.Contains(page.body, "The action was added") || !strings.Contains(page.body, "Opening hours, A quiet space") ||
		!strings.Contains(page.body, "Open on Sunday afternoons (In progress)") {
		t.Fatalf("after adding: the action is not listed with its themes, or no notice\n%s", webText(page.body))
	}
	// Changing it: the form is filled in, a problem is named, a change is saved.
	edit := f.officer.get(link[1])
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="Open on Sunday afternoons"`) || !strings.Contains(edit.body, `value="2027-06-30"`) ||
		!strings.Contains(edit.body, `id="themes-quiet" name="themes" type="checkbox" value="quiet" checked`) {
		t.Fatalf("the action's page: got %d, not filled in\n%s", edit.status, webText(edit.body))
	}
	p = f.officer.post(link[1], webForm("title_en", "Open on Sunday afternoons", "status", "in_progress", "due", "2027-06-30"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `<a href="#themes">Themes: link the action`) {
		t.Errorf("saving with no theme: got %d\n%s", p.status, webText(p.body))
	}
	p = f.officer.post(link[1], webForm("title_en", "Open on Sunday afternoons", "status", "in_progress", "themes", "hours", "themes", "quiet", "due", "2027-06-30"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Nothing was changed") {
		t.Errorf("saving with no change: got %d, want 422 saying nothing was changed", p.status)
	}
	p = f.officer.post(link[1], webForm("title_en", "Open on Sunday afternoons", "status", "done", "themes", "hours"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving a change: got %s\n%s", p, webText(p.body))
	}
	a, err := f.svc.Action(f.ctx, f.sv, mustID(t, link[1]))
	if err != nil || a.Status != surveys.ActionDone || a.Due != "" || len(a.Themes) != 1 {
		t.Errorf("after saving: %+v %v, want done, no due date, one theme", a, err)
	}
	// Deleting it.
	if p := f.officer.post(link[1]+"/delete", nil); p.status != http.StatusSeeOther {
		t.Fatalf("deleting: got %s", p)
	}
	if p := f.officer.get(link[1]); p.status != http.StatusNotFound {
		t.Errorf("a deleted action's page: got %d, want 404", p.status)
	}
	// Publishing a survey in draft is refused on the page, saying why.
	if status, _ := f.api(t, http.MethodPost, "/api/v1/surveys", strings.Replace(strings.Replace(resultsYAML, "slug: library", "slug: drafted", 1), "status: open", "status: draft", 1)); status != http.StatusCreated {
		t.Fatalf("creating a draft: %d", status)
	}
	f.officer.get("/dashboard/s/drafted/results")
	if p := f.officer.post("/dashboard/s/drafted/results/publish", nil); p.status != http.StatusConflict || !strings.Contains(p.body, "Open the survey before publishing") {
		t.Errorf("publishing a draft: got %d", p.status)
	}
}

func TestResultsCSVFormulas(t *testing.T) {
	f := newResultsFixture(t)
	f.addAction(t, `{"title": {"en": "=HYPERLINK(\"http://evil.example\",\"x\")"}, "themes": ["hours"]}`)
	f.publish(t)
	c := f.public(t, "/s/library/results.csv")
	rows, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(c.body, "\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r[0] == "action" && !strings.HasPrefix(r[2], "'=") {
			t.Errorf("results.csv: the formula %q is not neutralised", r[2])
		}
	}
	if !strings.Contains(c.header.Get("Content-Disposition"), `filename="library-results-v1.csv"`) {
		t.Errorf("results.csv: Content-Disposition %q", c.header.Get("Content-Disposition"))
	}
}

func mustID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path[strings.LastIndex(path, "/")+1:], "%d", &id); err != nil {
		t.Fatalf("no id in %q", path)
	}
	return id
}

// A survey without a codebook can still be published: who took part, and
// no themes yet. (Counting its figures used to fail for want of one.)
func TestResultsWithoutCodebook(t *testing.T) {
	f := newWebFixture(t, 0)
	f.survey(t, resultsYAML)
	token := webOfficerToken(t, f)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	for i := 0; i < 12; i++ {
		if _, err := f.svc.Submit(f.ctx, "library", &surveys.Submission{Language: "en", Channel: surveys.ChannelWeb, Answers: map[string][]string{"visit": {"yes"}}}); err != nil {
			t.Fatal(err)
		}
	}
	o := officer.get("/dashboard/s/library/results")
	if o.status != http.StatusOK || !strings.Contains(o.body, "create the codebook first") || !strings.Contains(o.body, `href="/dashboard/s/library/themes/codebook"`) {
		t.Fatalf("officers' results page without a codebook: got %d\n%s", o.status, webText(o.body))
	}
	rf := &resultsFixture{webFixture: f, token: token}
	rf.publish(t)
	p := rf.public(t, "/s/library/results")
	if p.status != http.StatusOK || !strings.Contains(p.body, "No answers have been grouped into themes yet.") || !strings.Contains(p.body, "10 people took part.") {
		t.Errorf("results page without a codebook: got %d\n%s", p.status, webText(p.body))
	}
}

// The page shows the publication as stored, whatever is counted now: here
// one written by hand, with a quote translated for the person, whose own
// words are shown in their language.
func TestResultsQuotesInTheirWords(t *testing.T) {
	f := newResultsFixture(t)
	n, share := 25, 0.625
	pub := &surveys.Publication{SurveyID: f.sv.ID, Survey: "library", Version: 1, PublishedAt: f.clock.Now(), Title: f.sv.Title,
		Languages: f.sv.Languages, Figures: &surveys.PublishedFigures{Threshold: 10, Rounding: 5,
			Respondents: surveys.PublishedCount{Count: &n}, Themed: surveys.PublishedCount{Count: &n},
			Themes: []surveys.PublishedTheme{{ID: "hours", Name: "Opening hours", Respondents: &n, Share: &share,
				Quotes: []surveys.Quote{{Text: "Open later so I can come after work.", Original: "دیر تک کھولیں تاکہ میں کام کے بعد آ سکوں۔", OriginalLanguage: "ur"}}}}},
		Actions: []surveys.Action{}}
	if _, _, err := f.db.PublishResults(f.ctx, pub, "test", nil, nil); err != nil {
		t.Fatal(err)
	}
	p := f.public(t, "/s/library/results")
	for _, want := range []string{"25 people took part.", "Open later so I can come after work.",
		`In their own words: <span lang="ur" dir="rtl">دیر تک کھولیں تاکہ میں کام کے بعد آ سکوں۔</span>`, "We have not yet said what we will do."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("results page: no %q", want)
		}
	}
	if strings.Contains(p.body, "40 people") {
		t.Errorf("results page counts live figures, not the publication's")
	}
}
