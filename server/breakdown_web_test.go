package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// breakdownPage is the officers' breakdown page of breakdownYAML's survey.
const breakdownPage = "/dashboard/s/parks/breakdown"

// ruleText is the sentence under every table and chart.
var ruleText = html.EscapeString(disclosure.RuleText(disclosure.DefaultThreshold, disclosure.DefaultRounding))

// breakdownFixture is breakdownYAML's survey with a known small group:
// 60 women (45 visit parks), 40 men (10 visit) and 7 who prefer not to
// say their sex (all visit). The 7 must never be published, nor 5 (7
// rounded), nor the 40 men (hidden with them, or 107 - 60 - 40 would give
// the 7 back).
type breakdownFixture struct {
	*webFixture
	officer *webBrowser
	token   string
}

func newBreakdownFixture(t *testing.T) *breakdownFixture {
	t.Helper()
	f := &breakdownFixture{webFixture: newWebFixture(t, 0)}
	f.survey(t, breakdownYAML)
	groups := []struct {
		n          int
		sex, visit string
		age        string
	}{
		{45, "female", "yes", "25_34"},
		{15, "female", "no", "50_64"},
		{10, "male", "yes", "25_34"},
		{30, "male", "no", "50_64"},
		{7, surveys.PreferNotToSay, "yes", "25_34"},
	}
	for _, g := range groups {
		for i := 0; i < g.n; i++ {
			sub := &surveys.Submission{Language: "en", Channel: surveys.ChannelWeb, Answers: map[string][]string{"visit": {g.visit}},
				Equality: map[string]string{"sex": g.sex, "age_band": g.age}, Mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf}}
			if _, err := f.svc.Submit(f.ctx, "parks", sub); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
	}
	f.officer = f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	token, err := f.svc.CreateToken(f.ctx, "olu@example.org")
	if err != nil {
		t.Fatal(err)
	}
	f.token = token
	return f
}

// api gets path with the officer's token.
func (f *breakdownFixture) api(t *testing.T, path string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// tableRow returns the cells of the first row of a table whose row headers
// are heads, or nil.
func tableRow(body string, heads ...string) []string {
	var pattern strings.Builder
	pattern.WriteString(`<tr>`)
	for _, h := range heads {
		pattern.WriteString(`<th scope="row" class="table-row-head">` + regexp.QuoteMeta(html.EscapeString(h)) + `</th>`)
	}
	pattern.WriteString(`((?:<td class="numeric">[^<]*</td>)+)</tr>`)
	m := regexp.MustCompile(pattern.String()).FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var cells []string
	for _, c := range regexp.MustCompile(`<td class="numeric">([^<]*)</td>`).FindAllStringSubmatch(m[1], -1) {
		cells = append(cells, html.UnescapeString(c[1]))
	}
	return cells
}

func TestBreakdownPage(t *testing.T) {
	f := newBreakdownFixture(t)
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	interpreter := f.signedIn(t, "sam@example.org", surveys.RoleInterpreter, "")
	for _, b := range []*webBrowser{partner, interpreter} {
		for _, path := range []string{breakdownPage, breakdownPage + "?by=sex", breakdownPage + ".csv?by=sex", breakdownPage + ".xlsx?by=sex"} {
			if p := b.get(path); p.status != http.StatusForbidden {
				t.Errorf("%s: got %d, want 403", p, p.status)
			}
		}
	}
	if p := f.officer.get("/dashboard/s/parks"); !strings.Contains(p.body, `href="`+breakdownPage+`"`) {
		t.Errorf("the survey's dashboard does not link to the breakdown page")
	}

	// Before the form is sent: the form alone.
	p := f.officer.get(breakdownPage)
	if p.status != http.StatusOK || !strings.Contains(p.body, `<select class="select" id="by-1" name="by">`) || strings.Contains(p.body, "<table") {
		t.Fatalf("the empty page: got %d, want 200 with the form and no table\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, `<option value="question:visit">Do you visit parks?</option>`) {
		t.Errorf("the Count list does not offer the yes/no question")
	}

	tests := []struct {
		name, query string
		want        []string
		tables      int
		charts      int
	}{
		{"one characteristic", "by=sex&by=&by=&count=", []string{
			"<caption class=\"table-caption\" id=\"table-1-caption\">Respondents by Sex: numbers and share of all respondents</caption>",
			`<th scope="col">Sex</th>`, `<th scope="row" class="table-row-head">Female</th><td class="numeric">60</td><td class="numeric">57%</td>`,
			`<th scope="row" class="table-row-head">All</th><td class="numeric">105</td>`, "Not answered", "[c]: hidden",
			`href="` + breakdownPage + `.csv?by=sex"`, `href="` + breakdownPage + `.xlsx?by=sex"`,
		}, 1, 1},
		{"two characteristics", "by=age_band&by=sex", []string{
			"Respondents by Age band in rows and Sex in columns", `<th scope="col">Age band</th><th scope="col">Female</th>`,
			"Combinations with nobody in them are left out", `<th scope="row" class="table-row-head">All</th><td class="numeric">60 (57%)</td>`,
		}, 1, 0},
		{"a question", "by=sex&count=question:visit", []string{
			"Answers to “Do you visit parks?” by Sex", "Respondents who gave the answer “Yes”, by Sex",
			`<th scope="col">Lift</th>`, "Respondents (Sex: Female) raised “Yes”", "as often as everyone (p &lt; 0.001)",
			"Lift is observed ÷ expected", "by chance alone",
		}, 2, 2},
		{"two characteristics and a question", "by=sex&by=age_band&count=question:visit", []string{
			`<th scope="col">Sex</th><th scope="col">Age band</th><th scope="col">Answered the question</th>`,
			`<th scope="row" class="table-row-head">Female</th><th scope="row" class="table-row-head">25 to 34</th>`,
		}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.officer.get(breakdownPage + "?" + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("got %d, want 200\n%s", p.status, p.body)
			}
			for _, want := range tt.want {
				if !strings.Contains(p.body, want) {
					t.Errorf("want %q in the page", want)
				}
			}
			if got := strings.Count(p.body, "<table"); got != tt.tables {
				t.Errorf("got %d tables, want %d", got, tt.tables)
			}
			if got := strings.Count(p.body, `<svg class="chart" role="img"`); got != tt.charts {
				t.Errorf("got %d charts, want %d", got, tt.charts)
			}
			// The rules, under every table and every chart.
			if got, want := strings.Count(p.body, "</table></div>\n<p class=\"meta\">"+ruleText+"</p>"), tt.tables; got != want {
				t.Errorf("got the rules under %d tables, want %d", got, want)
			}
			if got, want := strings.Count(p.body, "</svg>\n<p class=\"meta\">"+ruleText+"</p>"), tt.charts; got != want {
				t.Errorf("got the rules under %d charts, want %d", got, want)
			}
			if strings.Contains(p.body, "<script") {
				t.Errorf("the page has a script")
			}
			// The choices are kept in the form.
			if !strings.Contains(p.body, `<option value="sex" selected>`) {
				t.Errorf("the chosen characteristic is not selected in the form")
			}
		})
	}
}

func TestBreakdownPageErrors(t *testing.T) {
	f := newBreakdownFixture(t)
	tests := []struct {
		name, query string
		href        string // where the error summary links
		want        string // in the summary and beside the list
		kept        string // what the form keeps
	}{
		{"the same characteristic twice", "by=sex&by=sex&by=", "#by-2", "Break down by: &#34;sex&#34; is given twice", `id="by-2" name="by" aria-describedby="by-error"><option value="">(none)</option><option value="age_band">Age band</option><option value="sex" selected>`},
		{"nothing to break down by", "by=&by=&by=&count=question:visit", "#by-1", "Break down by: give 1 to 3 of", `<option value="question:visit" selected>`},
		{"an unknown characteristic", "by=shoe_size", "#by-1", "Break down by: &#34;shoe_size&#34; is not something to break down by", ""},
		{"an unknown question", "by=sex&count=question:nope", "#count", "Count: there is no question &#34;nope&#34;", `<option value="sex" selected>`},
		{"a count not in the list", "by=sex&count=everything", "#count", "Count: choose respondents, a question or a theme from the list", ""},
		{"a theme without a codebook", "by=sex&count=theme:paths", "#count", "Count: add a codebook", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.officer.get(breakdownPage + "?" + tt.query)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422\n%s", p.status, p.body)
			}
			summary := regexp.MustCompile(`(?s)<div class="error-summary" role="alert">.*?</div>`).FindString(p.body)
			if !strings.Contains(summary, `<a href="`+tt.href+`">`+tt.want) {
				t.Errorf("error summary: got %s, want a link to %s saying %q", summary, tt.href, tt.want)
			}
			if !strings.Contains(p.body, `class="error-message"><span class="visually-hidden">Error:</span> `+tt.want) {
				t.Errorf("want %q beside the list", tt.want)
			}
			if !strings.Contains(p.body, "<title>Error: ") {
				t.Errorf("the title does not start with Error:")
			}
			if tt.kept != "" && !strings.Contains(p.body, tt.kept) {
				t.Errorf("the form does not keep what was chosen: want %q", tt.kept)
			}
			if strings.Contains(p.body, "<table") {
				t.Errorf("a refused breakdown shows a table")
			}
		})
	}
	// The exports refuse the same.
	if p := f.officer.get(breakdownPage + ".csv?by=sex,sex"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("CSV of a refused breakdown: got %d, want 422", p.status)
	}
}

// Hidden cells never show a number: not on the page (table or chart), not
// in the CSV or XLSX, whether counting respondents or answers.
func TestBreakdownHiddenCells(t *testing.T) {
	f := newBreakdownFixture(t)
	for _, query := range []string{"by=sex", "by=sex&question=visit"} {
		p := f.officer.get(breakdownPage + "?" + query)
		if p.status != http.StatusOK {
			t.Fatalf("%s: got %d", query, p.status)
		}
		// The first section: respondents, or those who visit parks (yes
		// comes first). Of those who do not, 30 men and 0 who prefer not
		// to say are shown, rightly: the 7 are not among them.
		first := p.body[strings.Index(p.body, "<section>"):]
		first = first[:strings.Index(first, "</section>")]
		for _, sex := range []string{"Prefer not to say", "Male"} {
			cells := tableRow(first, sex)
			if cells == nil {
				t.Fatalf("%s: no row for %s", query, sex)
			}
			// Every figure of the hidden cell is [c]; in a table of answers
			// the group's base (first column) is hidden too.
			if !slicesAll(cells, hiddenMark) {
				t.Errorf("%s: %s's row: got %q, want every figure [c]", query, sex, cells)
			}
			bar := regexp.MustCompile(`>` + sex + `</text>(?:<rect[^>]*></rect>)?<text[^>]*>([^<]*)</text>`).FindStringSubmatch(first)
			if bar == nil || bar[1] != hiddenMark {
				t.Errorf("%s: %s's bar is labelled %q, want [c]", query, sex, bar)
			}
			if !strings.Contains(first, sex+": [c]") {
				t.Errorf("%s: the chart's text alternative does not give %s as [c]", query, sex)
			}
		}
		if strings.Contains(p.body, ">107<") || strings.Contains(p.body, "107 ") {
			t.Errorf("%s: the raw total 107 is shown", query)
		}

		for _, format := range []string{"csv", "xlsx"} {
			e := f.officer.get(breakdownPage + "." + format + "?" + query)
			if e.status != http.StatusOK {
				t.Fatalf("%s %s: got %d", format, query, e.status)
			}
			rows := sheetRows(t, format, []byte(e.body))
			col := columns(rows[0])
			hidden := 0
			for _, row := range rows[1:] {
				if sex := cellAt(row, col["sex"]); sex != surveys.PreferNotToSay && sex != "male" || cellAt(row, col["value"]) == "no" {
					continue
				}
				hidden++
				for _, k := range []string{"count", "share", "lift", "p"} {
					if v := cellAt(row, col[k]); v != "" {
						t.Errorf("%s %s: %s's %s is %q, want blank", format, query, row[col["sex"]], k, v)
					}
				}
				if strings.ToLower(cellAt(row, col["suppressed"])) != "true" {
					t.Errorf("%s %s: %s is not marked suppressed", format, query, row[col["sex"]])
				}
			}
			if hidden == 0 {
				t.Errorf("%s %s: no rows for the hidden groups", format, query)
			}
			last := rows[len(rows)-1]
			if last[0] != disclosure.RuleText(disclosure.DefaultThreshold, disclosure.DefaultRounding) {
				t.Errorf("%s %s: last row %q, want the rules", format, query, last)
			}
		}
	}
}

const hiddenMark = "[c]"

// sameFigures compares exported figures: the same text, or numbers equal
// to 12 significant digits (a spreadsheet reads back its own rendering of
// a number, such as 1.21999999999999e-24 for 1.22e-24).
func sameFigures(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		a, errA := strconv.ParseFloat(got[i], 64)
		b, errB := strconv.ParseFloat(want[i], 64)
		if errA != nil || errB != nil || math.Abs(a-b) > 1e-12*math.Max(math.Abs(a), math.Abs(b)) {
			return false
		}
	}
	return true
}

// cellAt is row's cell i, or "" (a spreadsheet leaves out blank cells at
// the end of a row).
func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func slicesAll(list []string, v string) bool {
	for _, x := range list {
		if x != v {
			return false
		}
	}
	return len(list) > 0
}

// columns maps a header row's names to their positions.
func columns(header []string) map[string]int {
	out := map[string]int{}
	for i, h := range header {
		out[strings.TrimPrefix(h, "\ufeff")] = i
	}
	return out
}

// sheetRows reads a CSV or XLSX export's rows, blank rows left out.
func sheetRows(t *testing.T, format string, body []byte) [][]string {
	t.Helper()
	if format == "csv" {
		r := csv.NewReader(bytes.NewReader(body))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("reading the CSV: %v", err)
		}
		return rows
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("reading the XLSX: %v", err)
	}
	all, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, r := range all {
		if len(r) > 0 {
			rows = append(rows, r)
		}
	}
	return rows
}

// The exports publish exactly the JSON API's cells, from the page and the
// API alike, as text and numbers a spreadsheet reads.
func TestBreakdownExportsMatchAPI(t *testing.T) {
	f := newBreakdownFixture(t)
	for _, query := range []string{"by=sex", "by=age_band,sex", "by=sex&question=visit", "by=sex,age_band&question=visit"} {
		status, body := f.api(t, "/api/v1/surveys/parks/breakdown?"+query)
		if status != http.StatusOK {
			t.Fatalf("%s: API got %d %s", query, status, body)
		}
		var got struct {
			By    []string        `json:"by"`
			Cells []breakdownCell `json:"cells"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{}
		number := func(f *float64) string {
			if f == nil {
				return ""
			}
			return strconv.FormatFloat(*f, 'g', -1, 64)
		}
		for _, c := range got.Cells {
			var key []string
			for _, d := range got.By {
				key = append(key, c.Group[d])
			}
			count := ""
			if c.Count != nil {
				count = strconv.Itoa(*c.Count)
			}
			want[strings.Join(append(key, c.Value), "|")] = []string{count, strconv.FormatBool(c.Suppressed), number(c.Share), number(c.Lift), number(c.P)}
		}
		exports := map[string][]byte{}
		for _, format := range []string{"csv", "xlsx"} {
			e := f.officer.get(breakdownPage + "." + format + "?" + query)
			if e.status != http.StatusOK {
				t.Fatalf("%s %s from the page: got %d", format, query, e.status)
			}
			exports["page "+format] = []byte(e.body)
			status, body := f.api(t, "/api/v1/surveys/parks/breakdown."+format+"?"+query)
			if status != http.StatusOK {
				t.Fatalf("%s %s from the API: got %d", format, query, status)
			}
			exports["API "+format] = body
		}
		for name, data := range exports {
			_, format, _ := strings.Cut(name, " ")
			rows := sheetRows(t, format, data)
			col := columns(rows[0])
			seen := 0
			for _, row := range rows[1 : len(rows)-1] { // the last is the rules
				var key []string
				for _, d := range got.By {
					key = append(key, row[col[d]])
				}
				k := strings.Join(append(key, row[col["value"]]), "|")
				var gotCells []string
				for _, c := range []string{"count", "suppressed", "share", "lift", "p"} {
					gotCells = append(gotCells, strings.ToLower(cellAt(row, col[c]))) // Excel writes TRUE for a boolean read back
				}
				if w, ok := want[k]; !ok || !sameFigures(gotCells, w) {
					t.Errorf("%s %s, cell %s: got %q, want %q", name, query, k, gotCells, w)
				}
				seen++
			}
			if seen != len(want) {
				t.Errorf("%s %s: got %d cells, want %d", name, query, seen, len(want))
			}
		}
	}
}
