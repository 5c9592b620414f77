package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// breakdownYAML asks equality questions and a choice question.
const breakdownYAML = `
slug: parks
title: {en: "Parks"}
languages: [en]
status: open
equality_monitoring: true
questions:
  - {key: visit, type: yes_no, required: true, prompt: {en: "Do you visit parks?"}}
`

type breakdownCell struct {
	Group      map[string]string `json:"group"`
	Value      string            `json:"value"`
	Count      *int              `json:"count"`
	Suppressed bool              `json:"suppressed"`
	Share      *float64          `json:"share"`
	Lift       *float64          `json:"lift"`
	P          *float64          `json:"p"`
}

func TestBreakdownAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, breakdownYAML)
	submit := func(n int, sex, visit string) []string {
		var refs []string
		for i := 0; i < n; i++ {
			refs = append(refs, f.submit(t, slug, "", fmt.Sprintf(`{"answers": {"visit": %q}, "equality": {"sex": %q}}`, visit, sex)))
		}
		return refs
	}
	// 100 women (72 visit), 60 men (24 visit).
	women := submit(72, "female", "yes")
	submit(28, "female", "no")
	submit(24, "male", "yes")
	submit(36, "male", "no")

	get := func(query string, token string) (int, []breakdownCell, map[string]any) {
		resp, body := f.send(t, http.MethodGet, "/api/v1/surveys/"+slug+"/breakdown?"+query, token, "", "")
		var got struct {
			By        []string        `json:"by"`
			Threshold int             `json:"threshold"`
			Rounding  int             `json:"rounding"`
			Cells     []breakdownCell `json:"cells"`
		}
		var raw map[string]any
		json.Unmarshal(body, &got)
		json.Unmarshal(body, &raw)
		return resp.StatusCode, got.Cells, raw
	}
	cell := func(cells []breakdownCell, sex, value string) *breakdownCell {
		for i := range cells {
			if cells[i].Group["sex"] == sex && cells[i].Value == value {
				return &cells[i]
			}
		}
		return nil
	}
	if status, _, _ := get("by=sex", f.partner); status != http.StatusForbidden {
		t.Errorf("a partner: got %d, want 403", status)
	}
	if status, _, raw := get("by=shoe_size", f.officer); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown dimension: got %d %v, want 422", status, raw)
	}
	// By the answer to a question: women visit far more than men.
	status, cells, _ := get("by=sex&question=visit", f.officer)
	if status != http.StatusOK {
		t.Fatalf("by sex and visit: got %d", status)
	}
	visit := cell(cells, "female", "yes")
	if visit == nil || visit.Count == nil || *visit.Count != 70 || visit.Lift == nil || *visit.Lift <= 1 || visit.P == nil || *visit.P >= 0.05 {
		data, _ := json.Marshal(visit)
		t.Errorf("women who visit: got %s, want 70 (72 rounded), a lift above 1 and p < 0.05", data)
	}
	if men := cell(cells, "male", "yes"); men == nil || men.Lift == nil || *men.Lift >= 1 {
		t.Errorf("men who visit: got %+v, want a lift below 1", men)
	}

	// Three who prefer not to say: their cell is hidden, and so is another
	// in its line (the smallest), or the published total would give it back.
	submit(3, "prefer_not_to_say", "yes")

	status, cells, raw := get("by=sex", f.officer)
	if status != http.StatusOK || raw["threshold"] != 10.0 || raw["rounding"] != 5.0 {
		t.Fatalf("by sex: got %d %v", status, raw)
	}
	tests := []struct {
		sex        string
		count      int
		suppressed bool
	}{
		{"female", 100, false},
		{"male", 0, true},              // secondary: the smallest other cell of the line
		{"prefer_not_to_say", 0, true}, // 3 is below 10
		{"*", 165, false},              // 163 rounds to 165
	}
	for _, tt := range tests {
		c := cell(cells, tt.sex, "")
		switch {
		case c == nil:
			t.Errorf("%s: no cell", tt.sex)
		case c.Suppressed != tt.suppressed:
			t.Errorf("%s: suppressed %v, want %v", tt.sex, c.Suppressed, tt.suppressed)
		case tt.suppressed && (c.Count != nil || c.Share != nil):
			t.Errorf("%s: a suppressed cell shows a count or share", tt.sex)
		case !tt.suppressed && (c.Count == nil || *c.Count != tt.count):
			t.Errorf("%s: got count %v, want %d", tt.sex, c.Count, tt.count)
		}
	}
	hidden := 0
	for _, sex := range []string{"female", "male", "prefer_not_to_say", "not_answered"} {
		if c := cell(cells, sex, ""); c != nil && c.Suppressed {
			hidden++
		}
	}
	if hidden == 1 {
		t.Errorf("exactly one hidden cell in a line with a published total")
	}

	// Withdrawal by reference: the respondent's answers go.
	resp, body := f.send(t, http.MethodPost, "/api/v1/responses/"+women[0]+"/equality/withdraw", "", "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("withdraw: got %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.send(t, http.MethodPost, "/api/v1/responses/AAA-AAA/equality/withdraw", "", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("withdrawing an unknown reference: got %d, want 404", resp.StatusCode)
	}
	if r := f.byReference(t, slug, women[0]); r.Equality != nil {
		t.Errorf("after withdrawal the response still has equality answers: %v", r.Equality)
	}
}

// Representation against Birmingham's Census 2021: a survey answered only
// by White British residents has heard from too few Pakistani residents.
func TestRepresentationAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, breakdownYAML)
	for i := 0; i < 60; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "white_british", "sex": "female"}}`)
	}
	for i := 0; i < 40; i++ {
		f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "asian_pakistani", "sex": "male"}}`)
	}
	resp, body := f.send(t, http.MethodGet, "/api/v1/surveys/"+slug+"/representation", f.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("representation: got %d %s", resp.StatusCode, body)
	}
	var got struct {
		Baseline string `json:"baseline"`
		Rows     []struct {
			Characteristic   string   `json:"characteristic"`
			Category         string   `json:"category"`
			Respondents      *int     `json:"respondents"`
			RespondentsShare *float64 `json:"respondents_share"`
			PopulationShare  float64  `json:"population_share"`
			Ratio            *float64 `json:"ratio"`
			UnderRepresented bool     `json:"under_represented"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Baseline, "Office for National Statistics, Census 2021") {
		t.Errorf("baseline %q: want the ONS attribution", got.Baseline)
	}
	found := map[string]bool{}
	for _, r := range got.Rows {
		switch {
		case r.Characteristic == "ethnic_group_broad" && r.Category == "black":
			found["black"] = true
			if !r.UnderRepresented || r.Respondents == nil || *r.Respondents != 0 {
				t.Errorf("Black residents: got %+v, want 0 respondents and under-represented", r)
			}
		case r.Characteristic == "ethnic_group" && r.Category == "white_british":
			found["white_british"] = true
			// 60 of 100 respondents against 42.9% of the city: over, not under.
			if r.UnderRepresented || r.Ratio == nil || *r.Ratio < 1.3 {
				t.Errorf("White British residents: got %+v, want a ratio near 1.4 and not under-represented", r)
			}
		}
	}
	if !found["black"] || !found["white_british"] {
		t.Errorf("rows: got %d, want Black and White British among them", len(got.Rows))
	}
}

// The threshold and rounding are the server's to set: with a threshold of
// 5 and no rounding, a group of 7 is published as 7.
func TestBreakdownDisclosureSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  disclosure.Options
		want string
	}{
		{"defaults", disclosure.Options{}, `"count":null`},
		{"threshold 5, no rounding", disclosure.Options{Threshold: 5, Rounding: 1}, `"count":7`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixtureWith(t, server.Config{Disclosure: tc.cfg})
			slug := f.create(t, breakdownYAML)
			for i := 0; i < 7; i++ {
				f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"sex": "male"}}`)
			}
			for i := 0; i < 30; i++ {
				f.submit(t, slug, "", `{"answers": {"visit": "yes"}, "equality": {"sex": "female"}}`)
			}
			resp, body := f.send(t, http.MethodGet, "/api/v1/surveys/"+slug+"/breakdown?by=sex", f.officer, "", "")
			i := strings.Index(string(body), `"sex":"male"`)
			if resp.StatusCode != http.StatusOK || i < 0 || !strings.Contains(string(body[i:min(len(body), i+60)]), tc.want) {
				t.Errorf("men: got %d %s, want %s", resp.StatusCode, body, tc.want)
			}
		})
	}
}

// Withdrawal by reference needs no sign-in, so it is rate-limited like the
// web form; the API is told so in JSON, not with a page.
func TestWithdrawEqualityRateLimited(t *testing.T) {
	f := newFixtureWith(t, server.Config{FormPostsPerMinute: 2})
	var resp *http.Response
	var body []byte
	for i := 0; i < 3; i++ {
		resp, body = f.send(t, http.MethodPost, "/api/v1/responses/AAA-AAA/equality/withdraw", "", "", "")
	}
	if resp.StatusCode != http.StatusTooManyRequests || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(string(body), "Wait a minute") || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("third withdrawal in a minute: got %d %s %s, want 429 JSON with Retry-After", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// A breakdown narrowed to answers since a date is protected against the
// whole survey: set beside it, the view must not single anyone out.
func TestBreakdownSince(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, breakdownYAML)
	day1, day2 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC)
	submit := func(at time.Time, n int, sex string) {
		f.svc.Now = func() time.Time { return at }
		for i := 0; i < n; i++ {
			f.submit(t, slug, "", fmt.Sprintf(`{"answers": {"visit": "yes"}, "equality": {"sex": %q}}`, sex))
		}
	}
	// Before: 40 women and 4 men. Since 9 November: 25 women, 12 men.
	submit(day1, 40, "female")
	submit(day1, 4, "male")
	submit(day2, 25, "female")
	submit(day2, 12, "male")
	f.svc.Now = nil
	get := func(query string) (int, []breakdownCell, string) {
		resp, body := f.send(t, http.MethodGet, "/api/v1/surveys/"+slug+"/breakdown?"+query, f.officer, "", "")
		var got struct {
			Cells []breakdownCell `json:"cells"`
		}
		json.Unmarshal(body, &got)
		return resp.StatusCode, got.Cells, string(body)
	}
	status, cells, body := get("by=sex&since=2026-11-09")
	if status != http.StatusOK {
		t.Fatalf("since 9 November: got %d %s", status, body)
	}
	for _, c := range cells {
		switch c.Group["sex"] {
		case "male":
			// 12 since, but only 4 before: the two views would give the 4 away.
			if !c.Suppressed || c.Count != nil {
				t.Errorf("men since 9 November: got %+v, want hidden (4 left out)", c)
			}
		case "female":
			// Hidden too: with the total shown, the men could be worked out.
			if !c.Suppressed {
				t.Errorf("women since 9 November: got %+v, want hidden (secondary)", c)
			}
		}
	}
	// Nobody answered since 10 November: an empty view is about no one.
	if status, _, body := get("by=sex&since=2026-11-10"); status != http.StatusOK {
		t.Errorf("since 10 November: got %d %s, want 200", status, body)
	}
	if status, _, body := get("by=sex&since=9+November"); status != http.StatusUnprocessableEntity || !strings.Contains(body, `"since"`) || !strings.Contains(body, "year-month-day") {
		t.Errorf("a date in words: got %d %s, want 422 naming since", status, body)
	}
	// A date leaving only a few out is refused: 3 women answered on 1
	// November, everyone else later.
	submit(day1.Add(-24*time.Hour), 3, "female")
	f.svc.Now = nil
	if status, _, body := get("by=sex&since=2026-11-02"); status != http.StatusUnprocessableEntity || !strings.Contains(body, "fewer than 10 respondents in, or fewer than 10 out") {
		t.Errorf("a date leaving 3 out: got %d %s, want 422 naming since", status, body)
	}
}

// A resident withdraws their equality answers on a page, by reference: the
// confirmation page links to it, each mistake is named, and afterwards the
// answers are gone.
func TestWithdrawEqualityPage(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	resident := f.browser(t)
	f.draft(t, resident, base, map[string][]string{"visit": {"yes"}}, map[string]string{"age_band": "35_49"})
	ref := resident.submit(base)
	if p := resident.get(base + "/done"); !strings.Contains(p.body, `href="`+base+`/withdraw?lang=en"`) {
		t.Errorf("the confirmation page does not link to withdrawal\n%s", p.body)
	}
	for _, tc := range []struct {
		typed, want string
		status      int
	}{
		{"", "Enter your reference", http.StatusUnprocessableEntity},
		{"K7P-3QX", "There are no answers with this reference", http.StatusUnprocessableEntity},
		{strings.ToLower(ref), "have been deleted", http.StatusOK},
	} {
		resident.get(base + "/withdraw")
		p := resident.post(base+"/withdraw", webForm("reference", tc.typed))
		if p.status != tc.status || !strings.Contains(p.body, tc.want) {
			t.Errorf("reference %q: got %s, want %d saying %q\n%.1500s", tc.typed, p, tc.status, tc.want, p.body)
		}
	}
	if r := f.response(t, base, ref); len(r.Equality) != 0 || r.Answer("visit")[0] != "yes" {
		t.Errorf("after withdrawing: equality %v, visit %v; want none, and the answers kept", r.Equality, r.Answer("visit"))
	}
}
