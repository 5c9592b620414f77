package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestCodebookAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, entryYAML)
	path := "/api/v1/surveys/" + slug + "/codebook"
	if status, got := f.do(t, http.MethodGet, path, f.officer, ""); status != http.StatusNotFound {
		t.Errorf("before any codebook: got %d %v, want 404", status, got)
	}
	book := "themes:\n  - {id: paths, name: Paths and lighting, phrases: [path, dark, light]}\n  - {id: play, name: Play areas}\n"
	steps := []struct {
		name, token, contentType, body string
		want, version                  int
	}{
		{"partner", f.partner, "application/yaml", book, http.StatusForbidden, 0},
		{"bad", f.officer, "application/yaml", "themes: [{id: Bad Id, name: x}]", http.StatusUnprocessableEntity, 0},
		{"first", f.officer, "application/yaml", book, http.StatusOK, 1},
		{"the same again", f.officer, "application/yaml", book, http.StatusOK, 1},
		{"changed, as CSV", f.officer, "text/csv", "id,name,phrases\npaths,Paths and lighting,path|dark\nplay,Play areas,\n", http.StatusOK, 2},
	}
	for _, st := range steps {
		resp, body := f.send(t, http.MethodPut, path, st.token, st.contentType, st.body)
		if resp.StatusCode != st.want {
			t.Fatalf("%s: got %d %s, want %d", st.name, resp.StatusCode, body, st.want)
		}
		if st.version > 0 && !strings.Contains(string(body), `"version":`+string(rune('0'+st.version))) {
			t.Errorf("%s: got %s, want version %d", st.name, body, st.version)
		}
	}
	resp, body := f.send(t, http.MethodGet, path+".csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "paths,Paths and lighting,,,path|dark,") {
		t.Errorf("CSV: got %d %q", resp.StatusCode, body)
	}
	// Reused on another survey: what one exports, another takes.
	other := f.create(t, strings.Replace(entryYAML, "slug: parks", "slug: parks-2028", 1))
	if resp, body := f.send(t, http.MethodPut, "/api/v1/surveys/"+other+"/codebook", f.officer, "text/csv", string(body)); resp.StatusCode != http.StatusOK {
		t.Errorf("reusing the codebook: got %d %s", resp.StatusCode, body)
	}
}

// themesYAML has a free-text question and a rating, for sentiment.
const themesYAML = `
slug: parks
title: {en: "Parks"}
languages: [en]
status: open
questions:
  - {key: rating, type: scale, min: 1, max: 5, prompt: {en: "How good are our parks?"}}
  - {key: comment, type: long_text, prompt: {en: "What should change?"}}
`

// themeComments are answers about three things, with the rating each gave.
var themeComments = []struct {
	text   string
	rating int
	themes []string
}{
	{"The paths are too dark at night, I do not feel safe", 1, []string{"lighting"}},
	{"Please put more lights along the paths, it is dark after 4pm", 2, []string{"lighting"}},
	{"Dark paths in winter, lighting is poor", 1, []string{"lighting"}},
	{"Not enough benches for older people to rest", 3, []string{"seating"}},
	{"More benches and seats near the playground please", 4, []string{"seating"}},
	{"Somewhere to sit would help, there are no benches", 3, []string{"seating"}},
	{"Dogs off the lead scare my children", 2, []string{"dogs"}},
	{"Dog mess everywhere, owners do not clean up", 1, []string{"dogs"}},
	{"Too many dogs running loose near the play area", 2, []string{"dogs"}},
	{"Lovely park, the benches are great but the paths are dark", 4, []string{"seating", "lighting"}},
	{"Email me at sam.jones@example.org about the dog problem", 2, []string{"dogs"}},
	{"Brighter lamps on the main path would make it safer", 5, []string{"lighting"}},
}

func TestThemesEndToEnd(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, themesYAML)
	base := "/api/v1/surveys/" + slug
	var refs []string
	for _, c := range themeComments {
		refs = append(refs, f.submit(t, slug, "", fmt.Sprintf(`{"answers": {"rating": %d, "comment": %q}}`, c.rating, c.text)))
	}
	codebook := "themes:\n" +
		"  - {id: lighting, name: Lighting and feeling safe, description: Dark paths and lighting., phrases: [dark, light, lamp]}\n" +
		"  - {id: seating, name: Benches and seating, description: Places to sit., phrases: [bench, seat, sit]}\n" +
		"  - {id: dogs, name: Dogs, description: Dogs off the lead and dog mess., phrases: [dog]}\n"
	if resp, body := f.send(t, http.MethodPut, base+"/codebook", f.officer, "application/yaml", codebook); resp.StatusCode != http.StatusOK {
		t.Fatalf("codebook: %d %s", resp.StatusCode, body)
	}
	// Labelled answers from "last year", themes named as in the codebook.
	var labelled strings.Builder
	labelled.WriteString("id,text,themes\n")
	for i := 0; i < 8; i++ {
		for _, c := range themeComments[:9] {
			names := map[string]string{"lighting": "Lighting and feeling safe", "seating": "Benches and seating", "dogs": "Dogs"}
			fmt.Fprintf(&labelled, "%d,\"%s (%d)\",%s\n", i, c.text, i, names[c.themes[0]])
		}
	}
	if status, got := f.doCSV(t, base+"/themes/training", f.officer, "text,themes\nHello,Weather\n"); status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(got), "Weather") {
		t.Errorf("labelled answers naming a theme not in the codebook: got %d %v, want 422 naming it", status, got)
	}
	if status, got := f.doCSV(t, base+"/themes/training", f.officer, labelled.String()); status != http.StatusOK || got["imported"] != 72.0 {
		t.Fatalf("importing labelled answers: got %d %v, want 72 imported", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/train", f.officer, ""); status != http.StatusOK || got["examples"] != 72.0 {
		t.Fatalf("training: got %d %v", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/suggest", f.officer, ""); status != http.StatusOK || got["answers"] != float64(len(themeComments)) {
		t.Fatalf("suggesting: got %d %v", status, got)
	}
	status, got := f.do(t, http.MethodGet, base+"/themes/answers?status=todo&limit=100", f.officer, "")
	if status != http.StatusOK {
		t.Fatalf("review queue: %d %v", status, got)
	}
	answers := got["answers"].([]any)
	if len(answers) != len(themeComments) {
		t.Fatalf("review queue: got %d answers, want %d", len(answers), len(themeComments))
	}
	// Suggestions carry evidence; the first answer is about lighting.
	first := answers[0].(map[string]any)
	suggestions := first["suggestions"].([]any)
	if len(suggestions) == 0 || suggestions[0].(map[string]any)["theme"] != "lighting" || len(suggestions[0].(map[string]any)["evidence"].([]any)) == 0 {
		t.Errorf("suggestions for %q: got %v, want lighting first, with evidence", themeComments[0].text, suggestions)
	}
	// Decide every answer as the people who wrote the comments meant.
	var decisions []string
	for i, a := range answers {
		id := a.(map[string]any)["response_id"].(float64)
		themes, _ := json.Marshal(themeComments[i].themes)
		decisions = append(decisions, fmt.Sprintf(`{"response_id": %d, "question": "comment", "themes": %s}`, int64(id), themes))
	}
	body := `{"decisions": [` + strings.Join(decisions, ",") + `]}`
	if status, got := f.do(t, http.MethodPost, base+"/themes/decisions", f.partner, body); status != http.StatusForbidden {
		t.Errorf("a partner deciding: got %d %v, want 403", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/decisions", f.officer, `{"decisions": [{"response_id": 1, "question": "comment", "themes": ["weather"]}]}`); status != http.StatusUnprocessableEntity {
		t.Errorf("a theme not in the codebook: got %d %v, want 422", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/decisions", f.officer, body); status != http.StatusOK {
		t.Fatalf("deciding: got %d %v", status, got)
	}
	status, got = f.do(t, http.MethodGet, base+"/themes/summary", f.officer, "")
	if status != http.StatusOK {
		t.Fatalf("summary: %d %v", status, got)
	}
	data, _ := json.Marshal(got)
	var sum surveys.ThemeSummary
	json.Unmarshal(data, &sum)
	if sum.Decided != len(themeComments) || sum.Undecided != 0 || sum.CodebookVersion != 1 || sum.Sentiment == "" {
		t.Errorf("summary: got %d decided, %d undecided, version %d, sentiment %q", sum.Decided, sum.Undecided, sum.CodebookVersion, sum.Sentiment)
	}
	counts := map[string]surveys.ThemeCount{}
	for _, tc := range sum.Overall.Themes {
		counts[tc.Theme] = tc
	}
	if counts["lighting"].Respondents != 5 || counts["seating"].Respondents != 4 || counts["dogs"].Respondents != 4 {
		t.Errorf("respondents by theme: got %+v", sum.Overall.Themes)
	}
	if got, want := counts["dogs"].Share, 4.0/float64(len(themeComments)); got != want {
		t.Errorf("share of dogs: got %v, want %v", got, want)
	}
	if counts["dogs"].ByChannel["api"] != 4 || counts["dogs"].Sentiment == nil || counts["dogs"].Sentiment.Negative != 4 {
		t.Errorf("dogs: got channels %v, sentiment %+v; want 4 by api, 4 negative", counts["dogs"].ByChannel, counts["dogs"].Sentiment)
	}
	for _, q := range counts["dogs"].Quotes {
		if strings.Contains(q.Text, "@") {
			t.Errorf("a quote shows an email address: %q", q.Text)
		}
	}
	resp, csvBody := f.send(t, http.MethodGet, base+"/themes/summary.csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(csvBody), "all,12,lighting,Lighting and feeling safe,,5,") {
		t.Errorf("summary CSV: got %d\n%s", resp.StatusCode, csvBody)
	}
	resp, xlsx := f.send(t, http.MethodGet, base+"/themes/summary.xlsx", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(xlsx), "PK") {
		t.Errorf("summary XLSX: got %d", resp.StatusCode)
	}
	resp, html := f.send(t, http.MethodGet, base+"/themes/report", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), "Lighting and feeling safe") {
		t.Errorf("report: got %d", resp.StatusCode)
	}

	// A second officer decides the first four answers: agreement per theme.
	second := f.token(t, "bea@example.org", surveys.RoleOfficer, "")
	var again []string
	for i, a := range answers[:4] {
		id := a.(map[string]any)["response_id"].(float64)
		themes := `["lighting"]` // they call everything lighting
		if i == 3 {
			themes = `["seating"]`
		}
		again = append(again, fmt.Sprintf(`{"response_id": %d, "question": "comment", "themes": %s}`, int64(id), themes))
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/decisions", second, `{"decisions": [`+strings.Join(again, ",")+`]}`); status != http.StatusOK {
		t.Fatalf("second coder: got %d %v", status, got)
	}
	status, got = f.do(t, http.MethodGet, base+"/themes/agreement", f.officer, "")
	pairs, _ := got["pairs"].([]any)
	if status != http.StatusOK || len(pairs) != 1 {
		t.Fatalf("agreement: got %d %v, want one pair", status, got)
	}
	pair := pairs[0].(map[string]any)
	if pair["answers"] != 4.0 {
		t.Errorf("agreement: got %v answers, want 4", pair["answers"])
	}
	for _, th := range pair["themes"].([]any) {
		m := th.(map[string]any)
		// lighting: both on 3 answers, differ on none of the 4 → kappa 1.
		if m["theme"] == "lighting" && (m["kappa"] != 1.0 || m["both"] != 3.0) {
			t.Errorf("lighting agreement: got %v", m)
		}
	}
	_ = refs
}

// doCSV posts a CSV body and returns the status and JSON object answered.
func (f *fixture) doCSV(t *testing.T, path, token, body string) (int, map[string]any) {
	t.Helper()
	resp, data := f.send(t, http.MethodPost, path, token, "text/csv", body)
	var got map[string]any
	json.Unmarshal(data, &got)
	return resp.StatusCode, got
}
