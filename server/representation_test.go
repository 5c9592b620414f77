package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// testshireCSV is another area's baseline: adults by broad ethnic group,
// half White, three in ten Asian, one in ten Black.
const testshireCSV = `characteristic,category_id,category_label,count,denominator,percent,universe,source
ethnic_group_broad,white,White,500,1000,50,usual residents aged 16+,Testshire Census 2021 (ONS)
ethnic_group_broad,mixed,Mixed,50,1000,5,usual residents aged 16+,Testshire Census 2021 (ONS)
ethnic_group_broad,asian,Asian,300,1000,30,usual residents aged 16+,Testshire Census 2021 (ONS)
ethnic_group_broad,black,Black,100,1000,10,usual residents aged 16+,Testshire Census 2021 (ONS)
ethnic_group_broad,other,Other,50,1000,5,usual residents aged 16+,Testshire Census 2021 (ONS)
`

type representationRow struct {
	Characteristic   string   `json:"characteristic"`
	Category         string   `json:"category"`
	Respondents      *int     `json:"respondents"`
	RespondentsShare *float64 `json:"respondents_share"`
	PopulationShare  float64  `json:"population_share"`
	Ratio            *float64 `json:"ratio"`
	UnderRepresented bool     `json:"under_represented"`
}

func TestRepresentationWithAnotherBaseline(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, breakdownYAML)
	for i := 0; i < 60; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "white_british"}}`)
	}
	for i := 0; i < 40; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "asian_pakistani"}}`)
	}
	api := "/api/v1/surveys/" + slug
	if resp, _ := f.send(t, http.MethodPut, api+"/baseline?name=Testshire", f.partner, "text/csv", testshireCSV); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a partner setting the baseline: got %d, want 403", resp.StatusCode)
	}
	resp, body := f.send(t, http.MethodPut, api+"/baseline?name=Testshire", f.officer, "text/csv", testshireCSV)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"built_in":false`) {
		t.Fatalf("setting the baseline: got %d %s", resp.StatusCode, body)
	}
	// A broken file is refused, naming each problem by line, and the
	// baseline set before stays.
	broken := strings.Replace(testshireCSV, "300,1000,30", "three hundred,1000,30", 1)
	resp, body = f.send(t, http.MethodPut, api+"/baseline?name=Broken", f.officer, "text/csv", broken)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "line 4") {
		t.Errorf("a broken baseline: got %d %s, want 422 naming line 4", resp.StatusCode, body)
	}

	resp, body = f.send(t, http.MethodGet, api+"/representation", f.officer, "", "")
	var got struct {
		Baseline string              `json:"baseline"`
		Rows     []representationRow `json:"rows"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("representation: got %d %s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(got.Baseline, "Testshire") || !strings.Contains(got.Baseline, "Office for National Statistics") {
		t.Errorf("baseline %q: want Testshire, credited to the ONS", got.Baseline)
	}
	// Worked out by hand: 60 and 40 of 100 respondents against 50% and
	// 30% of the population; none of the 10% who are Black (expected 10,
	// P(0) = 0.9^100, far below 0.05) nor of the 5% Mixed or Other
	// (P(0) = 0.95^100 = 0.006): all three under-represented.
	want := map[string]struct {
		respondents int
		ratio       float64
		under       bool
	}{"white": {60, 1.2, false}, "asian": {40, 1.33, false}, "black": {0, 0, true}, "mixed": {0, 0, true}, "other": {0, 0, true}}
	if len(got.Rows) != len(want) {
		t.Errorf("rows: got %d, want %d (the baseline has one characteristic)", len(got.Rows), len(want))
	}
	for _, r := range got.Rows {
		w, ok := want[r.Category]
		if !ok || r.Respondents == nil || r.Ratio == nil {
			t.Errorf("row %+v: not wanted, or a figure missing", r)
			continue
		}
		if *r.Respondents != w.respondents || *r.Ratio != w.ratio || r.UnderRepresented != w.under {
			t.Errorf("%s: got %d respondents, ratio %v, under %v; want %d, %v, %v", r.Category, *r.Respondents, *r.Ratio, r.UnderRepresented, w.respondents, w.ratio, w.under)
		}
	}
	// Back to the built-in baseline.
	if resp, body := f.send(t, http.MethodDelete, api+"/baseline", f.officer, "", ""); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"built_in":true`) {
		t.Errorf("clearing the baseline: got %d %s", resp.StatusCode, body)
	}
}

func TestRepresentationDailyAndExports(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, breakdownYAML)
	for i := 0; i < 30; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "white_british"}}`)
	}
	for i := 0; i < 20; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "asian_indian"}}`)
	}
	for i := 0; i < 4; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "black_african"}}`)
	}
	api := "/api/v1/surveys/" + slug
	resp, body := f.send(t, http.MethodGet, api+"/representation/daily", f.officer, "", "")
	var tr struct {
		Days []string `json:"days"`
		Rows []struct {
			Characteristic string `json:"characteristic"`
			Category       string `json:"category"`
			Points         []struct {
				Shown       bool `json:"shown"`
				Respondents *int `json:"respondents"`
			} `json:"points"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("daily: got %d %s", resp.StatusCode, body)
	}
	if len(tr.Days) != 1 {
		t.Errorf("days: got %v, want today only", tr.Days)
	}
	for _, r := range tr.Rows {
		if r.Characteristic == "ethnic_group_broad" && r.Category == "black" {
			if len(r.Points) != 1 || !r.Points[0].Shown || r.Points[0].Respondents != nil {
				t.Errorf("4 Black respondents today: got %+v, want the day shown with the count hidden", r.Points)
			}
		}
	}

	// The CSV: the published figures only, the rule and the attribution
	// last; the 4 never appear.
	resp, body = f.send(t, http.MethodGet, api+"/representation.csv", f.officer, "", "")
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1 // the note rows are shorter
	rows, err := cr.ReadAll()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("representation.csv: got %d, %v", resp.StatusCode, err)
	}
	byCategory := map[string][]string{}
	for _, r := range rows[1 : len(rows)-2] {
		if r[0] == "ethnic_group_broad" {
			byCategory[r[1]] = r
		}
	}
	if got := byCategory["black"]; got == nil || got[3] != "[c]" || got[4] != "" || got[6] != "" {
		t.Errorf("black row: got %q, want count [c], share and ratio blank (hidden)", got)
	}
	// With the total published, one hidden cell could be worked out: the
	// smallest other one is hidden too.
	if got := byCategory["asian"]; got == nil || got[3] != "[c]" {
		t.Errorf("asian row: got %q, want hidden so the 4 cannot be worked out", got)
	}
	if got := byCategory["white"]; got == nil || got[3] != "30" {
		t.Errorf("white row: got %q, want 30 respondents", got)
	}
	note, source := rows[len(rows)-2], rows[len(rows)-1]
	if note[0] != "note" || !strings.Contains(note[1], "numbers from 1 to 9 are not shown") || source[0] != "baseline" || !strings.Contains(source[1], "Office for National Statistics") {
		t.Errorf("last rows: got %q and %q, want the rule and the baseline's attribution", note, source)
	}
	// The XLSX holds the same, counts as numbers.
	resp, body = f.send(t, http.MethodGet, api+"/representation.xlsx", f.officer, "", "")
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("representation.xlsx: got %d, %v", resp.StatusCode, err)
	}
	xrows, _ := x.GetRows("Representation")
	if len(xrows) != len(rows) {
		t.Errorf("xlsx rows: got %d, want %d as in the CSV", len(xrows), len(rows))
	}
	if resp, _ := f.send(t, http.MethodGet, api+"/representation.csv", f.partner, "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a partner: got %d, want 403", resp.StatusCode)
	}
	resp, body = f.send(t, http.MethodGet, api+"/representation/daily.csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("day,characteristic,category")) {
		t.Errorf("daily.csv: got %d %.200s", resp.StatusCode, body)
	}
}

// The page: every table has the rule under it, the baseline is credited,
// hidden counts show as hidden, and an officer can set another baseline
// or is told what is wrong with the file.
func TestRepresentationPage(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	sv, err := f.db.Survey(f.ctx, "parks")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		group := "white_british"
		if i%10 == 0 {
			group = "black_african" // 4
		}
		if _, err := f.svc.Submit(f.ctx, sv.Slug, &surveys.Submission{Channel: surveys.ChannelWeb,
			Answers: map[string][]string{"visit": {"yes"}}, Equality: map[string]string{"ethnic_group": group}}); err != nil {
			t.Fatal(err)
		}
	}
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	page := "/dashboard" + base + "/representation"
	if p := partner.get(page); p.status != http.StatusForbidden {
		t.Errorf("a partner: got %s, want 403", p)
	}
	p := officer.get(page)
	if p.status != http.StatusOK {
		t.Fatalf("the page: got %s\n%s", p, p.body)
	}
	rule := disclosure.RuleText(disclosure.DefaultThreshold, disclosure.DefaultRounding)
	tables := strings.Count(p.body, "<table")
	if got := strings.Count(p.body, rule); got != tables || tables < 2 {
		t.Errorf("rule text: shown %d times for %d tables, want once under each", got, tables)
	}
	for _, want := range []string{"Office for National Statistics, Census 2021", "Ethnic group (broad)", "We have not heard from any people in", "hidden"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	// The 4 Black African respondents are never a number on the page.
	i := strings.Index(p.body, `id="rep-ethnic_group_broad"`)
	j := strings.Index(p.body[i:], "</section>")
	section := p.body[i : i+j]
	if k := strings.Index(section, "<th scope=\"row\" class=\"table-row-head\">Black"); k < 0 || strings.Contains(section[k:k+200], ">4<") || !strings.Contains(section[k:k+200], ">hidden<") {
		t.Errorf("Black respondents' row: want hidden, never 4\n%s", section)
	}

	// Setting another baseline through the form.
	post := func(name, file string) *webPage {
		officer.get(page)
		return officer.postFile("/dashboard"+base+"/baseline", webForm("name", name), "file", "testshire.csv", []byte(file))
	}
	if p := post("Testshire", strings.Replace(testshireCSV, "300,1000,30", "300,1000,31", 1)); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "line 4") || !strings.Contains(p.body, `value="Testshire"`) {
		t.Errorf("a wrong percent: got %s, want 422 naming line 4 and keeping the name\n%.2000s", p, p.body)
	}
	if p := post("", testshireCSV); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "name the population") {
		t.Errorf("no name: got %s, want 422 asking for the name", p)
	}
	if p := post("Testshire", testshireCSV); p.status != http.StatusSeeOther {
		t.Fatalf("a good baseline: got %s\n%s", p, p.body)
	}
	p = officer.get(page)
	if !strings.Contains(p.body, "Testshire") || !strings.Contains(p.body, "Baseline set by olu@example.org") {
		t.Errorf("after setting: the page does not name the new baseline and who set it")
	}
	if b := officer.get("/dashboard" + base + "/baseline.csv"); b.body != testshireCSV {
		t.Errorf("baseline.csv: got %.200q, want the file set", b.body)
	}
	officer.get(page)
	if p := officer.post("/dashboard"+base+"/baseline/clear", nil); p.status != http.StatusSeeOther {
		t.Errorf("going back to the built-in baseline: got %s", p)
	}
	if p := officer.get(page); !strings.Contains(p.body, "Birmingham (E08000025)") {
		t.Errorf("after clearing: the page does not compare with Birmingham")
	}
}
