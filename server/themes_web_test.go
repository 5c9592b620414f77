package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestThemePages(t *testing.T) {
	f := webDemoFixture(t)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	themes := "/dashboard/s/care-strategy-2027/themes"
	for _, path := range []string{themes, themes + "/review", themes + "/report", themes + "/codebook", themes + "/discover", themes + "/agreement"} {
		if p := partner.get(path); p.status != http.StatusForbidden {
			t.Errorf("partner GET %s: got %d, want 403", path, p.status)
		}
	}
	p := officer.get(themes)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Version 1, 10 themes, by demo.") {
		t.Fatalf("overview: got %d\n%s", p.status, p.body)
	}
	p = officer.post(themes+"/suggest", nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), themes+"?suggested=") {
		t.Fatalf("suggest: got %s to %q", p, p.location())
	}
	// The queue: a page of answers, suggested themes ticked, with why.
	p = officer.get(themes + "/review")
	answers := regexp.MustCompile(`name="answer" value="([^"]+)"`).FindAllStringSubmatch(p.body, -1)
	if p.status != http.StatusOK || len(answers) != 10 || !strings.Contains(p.body, "Suggested: ") || !strings.Contains(p.body, "because of: ") {
		t.Fatalf("review queue: got %d with %d answers, want 10 with suggestions and evidence", p.status, len(answers))
	}
	checked := regexp.MustCompile(`name="(themes:[^"]+)" type="checkbox" value="([^"]+)" checked`).FindAllStringSubmatch(p.body, -1)
	form := webForm()
	for _, a := range answers {
		form.Add("answer", a[1])
	}
	for _, c := range checked {
		form.Add(c[1], c[2]) // accept every suggestion as it is
	}
	p = officer.post(themes+"/review?status=todo", form)
	if p.status != http.StatusSeeOther || !strings.Contains(p.location(), "saved=10") {
		t.Fatalf("saving decisions: got %s to %q\n%s", p, p.location(), p.body)
	}
	next := officer.get(p.location())
	for _, a := range answers {
		if strings.Contains(next.body, `value="`+a[1]+`"`) {
			t.Errorf("a decided answer %s is still in the queue of undecided ones", a[1])
		}
	}
	if !strings.Contains(next.body, "10 decisions saved.") {
		t.Errorf("the queue does not say the decisions were saved")
	}
	if p := officer.get(themes); !regexp.MustCompile(`Decided by a person</dt><dd class="summary-value">10</dd>`).MatchString(p.body) {
		t.Errorf("the overview does not count the 10 decided answers")
	}
	// A theme that is not in the codebook is refused.
	officer.get(themes + "/review")
	if p := officer.post(themes+"/review", webForm("answer", answers[0][1], "themes:"+answers[0][1], "weather")); p.status != http.StatusUnprocessableEntity {
		t.Errorf("deciding a theme not in the codebook: got %d, want 422", p.status)
	}
	p = officer.get(themes + "/report")
	if p.status != http.StatusOK || !strings.Contains(p.body, `<svg class="chart" role="img"`) || !strings.Contains(p.body, "Codebook version 1.") ||
		!strings.Contains(p.body, "from 10 answers decided by a person") {
		t.Errorf("report: got %d\n%s", p.status, p.body)
	}
	// The codebook page starts from the stored codebook and saves a version.
	p = officer.get(themes + "/codebook")
	if !strings.Contains(p.body, "id: waiting") {
		t.Errorf("codebook page: want the codebook as YAML")
	}
	p = officer.postFile(themes+"/codebook", webForm("definition", "themes: [{id: Bad, name: x}]"), "", "", nil)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "themes[0].id") {
		t.Errorf("bad codebook: got %d, want 422 naming themes[0].id", p.status)
	}
}

func TestDiscoveryPages(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, strings.Replace(themesYAML, "slug: parks", "slug: parks", 1))
	for i := 0; i < 12; i++ {
		for _, text := range []string{"The toilets are always locked and dirty", "Toilets closed again, nowhere to go with children",
			"The cafe is too expensive and shuts early", "A cheaper cafe with longer hours please"} {
			r := f.browser(t)
			f.draft(t, r, base, map[string][]string{"comment": {fmt.Sprintf("%s (%d)", text, i)}}, nil)
			r.submit(base)
		}
	}
	if _, err := f.svc.PutCodebook(f.ctx, mustSurvey(t, f, "parks"), []byte("themes: [{id: dogs, name: Dogs, phrases: [dog]}]")); err != nil {
		t.Fatal(err)
	}
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	page := "/dashboard/s/parks/themes/discover"
	officer.get(page)
	if p := officer.post(page, nil); p.status != http.StatusSeeOther {
		t.Fatalf("finding candidates: got %s\n%s", p, p.body)
	}
	p := officer.get(page)
	ids := regexp.MustCompile(`id="candidate-([0-9]+)"`).FindAllStringSubmatch(p.body, -1)
	if len(ids) < 2 || !strings.Contains(p.body, "Key phrases:") {
		t.Fatalf("candidates: got %d, want at least 2 with key phrases\n%s", len(ids), p.body)
	}
	first, second := ids[0][1], ids[1][1]
	// Accepting needs a good id; the page says which candidate failed.
	p = officer.post(page+"/"+first, webForm("decision", "accept", "id", "Not An Id", "name", "Toilets"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#candidate-`+first+`"`) {
		t.Errorf("accepting with a bad id: got %d, want 422 pointing at the candidate", p.status)
	}
	if p := officer.post(page+"/"+first, webForm("decision", "accept", "id", "toilets", "name", "Toilets")); p.status != http.StatusSeeOther {
		t.Fatalf("accepting: got %s\n%s", p, p.body)
	}
	if p := officer.post(page+"/"+second, webForm("decision", "merge", "into", "dogs")); p.status != http.StatusSeeOther {
		t.Fatalf("merging: got %s\n%s", p, p.body)
	}
	cb, err := f.db.Codebook(f.ctx, mustSurvey(t, f, "parks").ID)
	if err != nil {
		t.Fatal(err)
	}
	if cb.Version != 3 || cb.Theme("toilets") == nil || len(cb.Theme("toilets").Phrases) == 0 || len(cb.Theme("dogs").Phrases) < 2 {
		t.Errorf("codebook after accepting and merging: got version %d, %+v", cb.Version, cb.Themes)
	}
	if p := officer.post(page+"/"+first, webForm("decision", "dismiss")); p.status != http.StatusUnprocessableEntity && p.status != http.StatusNotFound {
		t.Errorf("deciding a decided candidate again: got %d, want it refused", p.status)
	}
	p = officer.get(page)
	if !strings.Contains(p.body, "Added to the codebook as toilets by olu@example.org.") || !strings.Contains(p.body, "Merged into dogs by olu@example.org.") {
		t.Errorf("decided candidates are not recorded on the page")
	}
}

func mustSurvey(t *testing.T, f *webFixture, slug string) *surveys.Survey {
	t.Helper()
	sv, err := f.db.Survey(f.ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}
