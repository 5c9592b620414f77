package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
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
	// The counting, before protection: each theme once per respondent,
	// split by channel and rating.
	sv, err := f.db.Survey(f.ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.svc.ThemeSummary(f.ctx, sv, "en")
	if err != nil {
		t.Fatal(err)
	}
	if raw.Decided != len(themeComments) || raw.Undecided != 0 || raw.CodebookVersion != 1 || raw.Sentiment == "" {
		t.Errorf("summary: got %d decided, %d undecided, version %d, sentiment %q", raw.Decided, raw.Undecided, raw.CodebookVersion, raw.Sentiment)
	}
	counts := map[string]surveys.ThemeCount{}
	for _, tc := range raw.Overall.Themes {
		counts[tc.Theme] = tc
	}
	if counts["lighting"].Respondents != 5 || counts["seating"].Respondents != 4 || counts["dogs"].Respondents != 4 {
		t.Errorf("respondents by theme: got %+v", raw.Overall.Themes)
	}
	if got, want := counts["dogs"].Share, 4.0/float64(len(themeComments)); got != want {
		t.Errorf("share of dogs: got %v, want %v", got, want)
	}
	if got, want := fmt.Sprint(counts["dogs"].ByChannel, counts["dogs"].Sentiment), "map[api:4] &{0 0 4 0}"; got != want {
		t.Errorf("dogs by channel and rating: got %s, want %s", got, want)
	}
	for _, q := range counts["dogs"].Quotes {
		if strings.Contains(q.Text, "@") {
			t.Errorf("a quote shows an email address: %q", q.Text)
		}
	}
	// What leaves Voices: 12 respondents are published as 10, and every
	// theme, raised by 4 or 5 people, is hidden, with its quotes kept.
	status, got = f.do(t, http.MethodGet, base+"/themes/summary", f.officer, "")
	if status != http.StatusOK {
		t.Fatalf("summary: %d %v", status, got)
	}
	summary := got
	if got, want := fmt.Sprint(summary["decided_answers"], summary["threshold"], summary["rounding"]), "map[count:10 suppressed:false] 10 5"; got != want {
		t.Errorf("summary: got decided answers, threshold and rounding %s, want %s", got, want)
	}
	overall := summary["overall"].(map[string]any)
	if overall["respondents"] != 10.0 {
		t.Errorf("respondents overall: got %v, want 10", overall["respondents"])
	}
	for _, th := range overall["themes"].([]any) {
		th := th.(map[string]any)
		if th["respondents"] != nil || th["suppressed"] != true || th["share"] != nil || th["by_channel"] != nil || len(th["quotes"].([]any)) == 0 {
			t.Errorf("theme %v: got %v, want it hidden, with no share or splits, and its quotes", th["theme"], th)
		}
	}
	resp, csvBody := f.send(t, http.MethodGet, base+"/themes/summary.csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(csvBody), "all,10,lighting,Lighting and feeling safe,,[c],[c],") {
		t.Errorf("summary CSV: got %d\n%s", resp.StatusCode, csvBody)
	}
	resp, xlsx := f.send(t, http.MethodGet, base+"/themes/summary.xlsx", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(xlsx), "PK") {
		t.Errorf("summary XLSX: got %d", resp.StatusCode)
	}
	resp, html := f.send(t, http.MethodGet, base+"/themes/report", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), "Lighting and feeling safe") ||
		strings.Contains(string(html), `class="chart-bar"`) {
		t.Errorf("report: got %d, want a chart of hidden themes with no bars\n%s", resp.StatusCode, html)
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

// pathsYAML asks for equality answers as well as a rating and a comment.
const pathsYAML = `
slug: paths
title: {en: "Paths"}
languages: [en]
status: open
equality_monitoring: true
questions:
  - {key: rating, type: scale, min: 1, max: 5, prompt: {en: "How good are our paths?"}}
  - {key: comment, type: long_text, prompt: {en: "What should change?"}}
`

// The summary leaves Voices with small numbers protected, in every format:
// 30 respondents raised lighting, 24 by the API and 6 on paper forms typed
// up by a community group (and those 6 left the rating out); 23 raised
// seating, 7 dogs. Some described their ethnic group in their own words,
// which must appear nowhere in a summary.
func TestThemeSummaryProtected(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, pathsYAML)
	base := "/api/v1/surveys/" + slug
	const writeIn = "Zorblaxian heritage"
	themesOf := map[string][]string{}
	for i := 0; i < 24; i++ {
		text := fmt.Sprintf("The paths are too dark at night, lamp %d is broken", i)
		equality := `{"age_band": "35_49"}`
		if i < 3 {
			equality = fmt.Sprintf(`{"ethnic_group": "other_any", "ethnic_group_other": %q}`, writeIn)
		}
		f.submit(t, slug, "", fmt.Sprintf(`{"answers": {"rating": 1, "comment": %q}, "equality": %s}`, text, equality))
		themesOf[text] = []string{"lighting", "seating"}
		if i == 23 {
			themesOf[text] = []string{"lighting", "dogs"}
		}
	}
	rows := [][]string{{"form_id", "comment", "entered_by", "consent_confirmed", "equality_ethnic_group", "equality_ethnic_group_other"}}
	for i := 0; i < 6; i++ {
		text := fmt.Sprintf("Form %d: dark paths and dogs off the lead", i)
		rows = append(rows, []string{fmt.Sprint(i + 1), text, "community_group", "yes", "other_any", writeIn})
		themesOf[text] = []string{"lighting", "dogs"}
	}
	if res := f.importOK(t, slug, f.partner, csvOf(t, rows...)); res.Accepted != 6 {
		t.Fatalf("import: got %+v, want 6 accepted", res)
	}
	codebook := "themes:\n  - {id: dogs, name: Dogs}\n  - {id: lighting, name: Lighting}\n  - {id: seating, name: Seating}\n"
	if resp, body := f.send(t, http.MethodPut, base+"/codebook", f.officer, "application/yaml", codebook); resp.StatusCode != http.StatusOK {
		t.Fatalf("codebook: %d %s", resp.StatusCode, body)
	}
	status, got := f.do(t, http.MethodGet, base+"/themes/answers?status=todo&limit=100", f.officer, "")
	answers, _ := got["answers"].([]any)
	if status != http.StatusOK || len(answers) != 30 {
		t.Fatalf("review queue: got %d with %d answers, want 30", status, len(answers))
	}
	var decisions []string
	for _, a := range answers {
		a := a.(map[string]any)
		themes, _ := json.Marshal(themesOf[a["text"].(string)])
		decisions = append(decisions, fmt.Sprintf(`{"response_id": %v, "question": "comment", "themes": %s}`, a["response_id"], themes))
	}
	if status, got := f.do(t, http.MethodPost, base+"/themes/decisions", f.officer, `{"decisions": [`+strings.Join(decisions, ",")+`]}`); status != http.StatusOK {
		t.Fatalf("deciding: got %d %v", status, got)
	}

	resp, jsonBody := f.send(t, http.MethodGet, base+"/themes/summary", f.officer, "", "")
	_, csvBody := f.send(t, http.MethodGet, base+"/themes/summary.csv", f.officer, "", "")
	_, xlsxBody := f.send(t, http.MethodGet, base+"/themes/summary.xlsx", f.officer, "", "")
	_, html := f.send(t, http.MethodGet, base+"/themes/report", f.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("summary: got %d %s", resp.StatusCode, jsonBody)
	}
	rule := disclosure.RuleText(10, 5)

	// JSON: hidden counts are null beside "suppressed": true.
	var sum struct {
		Rule    string `json:"rule"`
		Overall struct {
			Respondents *int `json:"respondents"`
			Themes      []struct {
				Theme       string   `json:"theme"`
				Respondents *int     `json:"respondents"`
				Suppressed  bool     `json:"suppressed"`
				Share       *float64 `json:"share"`
				ByChannel   []cell   `json:"by_channel"`
				ByEnteredBy []cell   `json:"by_entered_by"`
				Sentiment   []cell   `json:"sentiment"`
			} `json:"themes"`
		} `json:"overall"`
	}
	if err := json.Unmarshal(jsonBody, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Rule != rule || sum.Overall.Respondents == nil || *sum.Overall.Respondents != 30 {
		t.Errorf("summary: got rule %q and %v respondents, want the rule and 30", sum.Rule, sum.Overall.Respondents)
	}
	var gotThemes []string
	for _, th := range sum.Overall.Themes {
		share := "none"
		if th.Share != nil {
			share = fmt.Sprint(*th.Share)
		}
		gotThemes = append(gotThemes, fmt.Sprintf("%s %s %v share %s; %s; %s; %s", th.Theme, countText(th.Respondents), th.Suppressed, share,
			cellsText(th.ByChannel), cellsText(th.ByEnteredBy), cellsText(th.Sentiment)))
	}
	wantThemes := []string{
		// 24 and 6: both hidden, or 30 - 24 would give the 6 away.
		"lighting 30 false share 1; api=hidden import=hidden; self=hidden community_group=hidden; positive=0 neutral=0 negative=hidden not_rated=hidden",
		"seating 25 false share 0.8333; api=25; self=25; positive=0 neutral=0 negative=25 not_rated=0", // 23, shared as 25 of 30
		"dogs hidden true share none; ; ; ", // 7
	}
	if fmt.Sprintf("%q", gotThemes) != fmt.Sprintf("%q", wantThemes) {
		t.Errorf("themes:\ngot  %q\nwant %q", gotThemes, wantThemes)
	}

	// CSV: "[c]" where hidden, and the rule in a last row as wide as the rest.
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvBody, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, csvBody)
	}
	wantCells := []struct{ question, theme, column, want string }{
		{"all", "lighting", "respondents_answering", "30"},
		{"all", "lighting", "respondents", "30"},
		{"all", "lighting", "share", "1.0000"},
		{"all", "lighting", "channel_api", "[c]"},
		{"all", "lighting", "channel_import", "[c]"},
		{"all", "lighting", "channel_web", "0"},
		{"all", "lighting", "entered_by_community_group", "[c]"},
		{"all", "lighting", "not_rated", "[c]"},
		{"all", "seating", "respondents", "25"},
		{"all", "seating", "share", "0.8333"},
		{"comment", "dogs", "respondents", "[c]"},
		{"comment", "dogs", "share", "[c]"},
		{"comment", "dogs", "channel_import", "[c]"},
		{"comment", "dogs", "negative", "[c]"},
	}
	checkSummarySheet(t, "CSV", records, wantCells, rule)

	// XLSX: the same cells, counts as numbers.
	book, err := excelize.OpenReader(bytes.NewReader(xlsxBody))
	if err != nil {
		t.Fatalf("opening the XLSX: %v", err)
	}
	defer book.Close()
	sheet, err := book.GetRows("Themes")
	if err != nil {
		t.Fatal(err)
	}
	for i := range sheet { // GetRows leaves out empty cells at the end of a row
		sheet[i] = append(sheet[i], make([]string, len(sheet[0])-len(sheet[i]))...)
	}
	for i := range wantCells {
		if wantCells[i].want == "1.0000" {
			wantCells[i].want = "1" // a number, as a spreadsheet shows it
		}
	}
	checkSummarySheet(t, "XLSX", sheet, wantCells, rule)
	if typ, _ := book.GetCellType("Themes", "G2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("XLSX respondents cell G2: got type %v, want a number", typ)
	}

	// The report: no bar and no number for a hidden theme, and the rule
	// under every table.
	page := string(html)
	tables, rules := strings.Count(page, "<table"), strings.Count(page, "<p class=\"meta\" id=\"chart-")
	for _, want := range []string{">30 (100%)</text>", ">25 (83%)</text>", ">hidden</text>", "<li>API: hidden</li>", "<td>hidden</td>", rule} {
		if !strings.Contains(page, want) {
			t.Errorf("report: want %q in it\n%s", want, page)
		}
	}
	if tables != 2 || rules != tables || strings.Count(page, rule) != tables {
		t.Errorf("report: got %d tables, %d notes and the rule %d times; want 2 of each", tables, rules, strings.Count(page, rule))
	}
	if got, want := strings.Count(page, `class="chart-bar"`), 4; got != want {
		t.Errorf("report: got %d bars, want %d (lighting and seating, overall and for the question)", got, want)
	}
	for _, number := range []string{">24<", ">6<", ">23<", ">7<", ": 24<", ": 6<", ": 23<", ": 7<"} {
		if strings.Contains(page, number) {
			t.Errorf("report: shows an exact count %q", number)
		}
	}

	// Equality answers appear in no output.
	for name, body := range map[string][]byte{"JSON": jsonBody, "CSV": csvBody, "report": html} {
		for _, secret := range []string{writeIn, "other_any", "Any other ethnic group", "35_49"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("%s: shows the equality answer %q", name, secret)
			}
		}
	}
	for _, row := range sheet {
		for _, c := range row {
			if strings.Contains(c, "Zorblaxian") || c == "other_any" {
				t.Errorf("XLSX: shows the equality answer %q", c)
			}
		}
	}
}

// cell is one category of a split in the summary's JSON.
type cell struct {
	Category    string `json:"category"`
	Respondents *int   `json:"respondents"`
	Suppressed  bool   `json:"suppressed"`
}

func countText(n *int) string {
	if n == nil {
		return "hidden"
	}
	return fmt.Sprint(*n)
}

func cellsText(cells []cell) string {
	var parts []string
	for _, c := range cells {
		if c.Suppressed != (c.Respondents == nil) {
			parts = append(parts, c.Category+"=inconsistent")
			continue
		}
		parts = append(parts, c.Category+"="+countText(c.Respondents))
	}
	return strings.Join(parts, " ")
}

// checkSummarySheet checks cells of the summary's CSV or XLSX rows, found
// by question, theme and column, and the note in the last row.
func checkSummarySheet(t *testing.T, format string, rows [][]string, want []struct{ question, theme, column, want string }, rule string) {
	t.Helper()
	if len(rows) < 2 {
		t.Fatalf("%s: got %d rows", format, len(rows))
	}
	column := map[string]int{}
	for i, h := range rows[0] {
		column[h] = i
	}
	for _, w := range want {
		found := false
		for _, r := range rows[1:] {
			if r[column["question"]] == w.question && r[column["theme"]] == w.theme {
				found = true
				if got := r[column[w.column]]; got != w.want {
					t.Errorf("%s: %s, %s, %s: got %q, want %q", format, w.question, w.theme, w.column, got, w.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no row for %s, %s", format, w.question, w.theme)
		}
	}
	note := rows[len(rows)-1][0]
	if !strings.HasPrefix(note, "[c] marks a hidden number. ") || !strings.HasSuffix(note, rule) {
		t.Errorf("%s: got last row %q, want the note with the rule", format, note)
	}
}
