package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// importResult is the JSON answer of POST /api/v1/surveys/{slug}/imports.
type importResult struct {
	Accepted   int              `json:"accepted"`
	Duplicates int              `json:"duplicates"`
	Rejected   []importRejected `json:"rejected"`
}

type importRejected struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func importPath(slug string) string { return "/api/v1/surveys/" + slug + "/imports" }

// postImport uploads body as text/csv and returns the status and the raw
// answer.
func (f *fixture) postImport(t *testing.T, slug, token, body string) (int, []byte) {
	t.Helper()
	resp, data := f.send(t, "POST", importPath(slug), token, "text/csv", body)
	return resp.StatusCode, data
}

// importOK uploads body, which must be answered 200, and returns the result.
func (f *fixture) importOK(t *testing.T, slug, token, body string) importResult {
	t.Helper()
	status, data := f.postImport(t, slug, token, body)
	if status != http.StatusOK {
		t.Fatalf("POST %s: got %d %s, want 200", importPath(slug), status, data)
	}
	var res importResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("POST %s: body %q is not an import result: %v", importPath(slug), data, err)
	}
	if res.Rejected == nil {
		t.Errorf("rejected: got %s, want a list (empty when none)", data)
	}
	return res
}

// importError uploads body, which must be refused, and checks the error.
func (f *fixture) importError(t *testing.T, slug, token, contentType, body string, wantStatus int, wantField string) {
	t.Helper()
	resp, data := f.send(t, "POST", importPath(slug), token, contentType, body)
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", data, err)
	}
	checkError(t, resp.StatusCode, got, wantStatus, wantField)
}

// csvOf writes rows (the header first) as a CSV with CRLF line endings.
func csvOf(t testing.TB, rows ...[]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// answerMap returns answers by question key.
func answerMap(answers []surveys.Answer) map[string][]string {
	m := map[string][]string{}
	for _, a := range answers {
		m[a.Key] = a.Values
	}
	return m
}

// commentsOf returns the "comment" answer of each response, sorted.
func commentsOf(rs []*surveys.Response) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, strings.Join(r.Answer("comment"), "|"))
	}
	sort.Strings(out)
	return out
}

// listed returns the comments of the responses a token sees in
// GET /api/v1/surveys/{slug}/responses, sorted, and their channels.
func (f *fixture) listed(t *testing.T, slug, token string) (comments []string, channels []string) {
	t.Helper()
	status, got := f.do(t, "GET", "/api/v1/surveys/"+slug+"/responses", token, "")
	if status != http.StatusOK {
		t.Fatalf("GET responses: got %d %v, want 200", status, got)
	}
	comments, channels = []string{}, []string{}
	for _, item := range got["responses"].([]any) {
		r := item.(map[string]any)
		c, _ := r["answers"].(map[string]any)["comment"].(string)
		comments = append(comments, c)
		channels = append(channels, fmt.Sprint(r["channel"]))
	}
	sort.Strings(comments)
	return comments, channels
}

// parksImportColumns is every import column of parksJSON, in the
// template's order, written out by hand.
func parksImportColumns(equality bool) []string {
	cols := []string{"form_id", "language", "visit", "likes", "likes_other", "rating",
		"why_low", "why_low_original", "why_low_original_language",
		"comment", "comment_original", "comment_original_language"}
	if equality {
		for _, c := range surveys.EqualityColumns {
			cols = append(cols, "equality_"+c)
		}
	}
	return append(cols, "entered_by", "mode", "interpreter_language", "interpreter", "consent_confirmed")
}

func TestImportTemplate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	plain := f.create(t, strings.Replace(withSlug(parksJSON, "plain"), `"equality_monitoring": true`, `"equality_monitoring": false`, 1))
	draft := f.create(t, strings.Replace(withSlug(parksJSON, "draft"), `"status": "open",`, ``, 1))
	closed := f.create(t, strings.Replace(withSlug(parksJSON, "closed"), `"status": "open"`, `"status": "closed"`, 1))
	tests := []struct {
		name       string
		slug       string
		token      string
		wantStatus int
		wantHeader []string
	}{
		{"officer", slug, f.officer, 200, parksImportColumns(true)},
		{"partner", slug, f.partner, 200, parksImportColumns(true)},
		{"interpreter", slug, f.interpreter, 200, parksImportColumns(true)},
		{"no equality monitoring", plain, f.partner, 200, parksImportColumns(false)},
		{"closed survey", closed, f.partner, 200, parksImportColumns(true)},
		{"draft, officer", draft, f.officer, 200, parksImportColumns(true)},
		{"draft, partner", draft, f.partner, 404, nil},
		{"no token", slug, "", 401, nil},
		{"garbage token", slug, "voices_not-a-real-token", 401, nil},
		{"unknown survey", "no-such-survey", f.officer, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.send(t, "GET", "/api/v1/surveys/"+tt.slug+"/imports/template.csv", tt.token, "", "")
			if tt.wantStatus != http.StatusOK {
				var got map[string]any
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatalf("body %q is not a JSON error: %v", body, err)
				}
				checkError(t, resp.StatusCode, got, tt.wantStatus, "")
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status: got %d %s, want 200", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/csv") {
				t.Errorf("Content-Type: got %q, want text/csv", got)
			}
			if got, want := resp.Header.Get("Content-Disposition"), tt.slug+"-import-template.csv"; !strings.Contains(got, "attachment") || !strings.Contains(got, want) {
				t.Errorf("Content-Disposition: got %q, want an attachment named %s", got, want)
			}
			if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
				t.Errorf("body starts %q, want a UTF-8 byte order mark", body[:min(len(body), 10)])
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
			if err != nil {
				t.Fatalf("template is not CSV: %v\n%s", err, body)
			}
			if len(rows) != 1 {
				t.Fatalf("template: got %d rows, want the header only", len(rows))
			}
			if got, want := rows[0], tt.wantHeader; !reflect.DeepEqual(got, want) {
				t.Errorf("header:\n got %v\nwant %v", got, want)
			}
			sv, err := f.db.Survey(f.ctx, tt.slug)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rows[0], channels.ImportColumns(sv); !reflect.DeepEqual(got, want) {
				t.Errorf("header:\n got %v\nwant channels.ImportColumns %v", got, want)
			}
		})
	}
}

// The template, filled in row by row under its own header (the byte order
// mark kept), imports without a rejected row.
func TestImportTemplateRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	resp, template := f.send(t, "GET", "/api/v1/surveys/"+slug+"/imports/template.csv", f.partner, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("template: got %d %s", resp.StatusCode, template)
	}
	header, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(template, []byte("\xef\xbb\xbf")))).Read()
	if err != nil {
		t.Fatal(err)
	}
	filled := []map[string]string{
		{"form_id": "1", "visit": "yes", "likes": "trees; play", "rating": "5", "comment": "round trip 1",
			"equality_age_band": "25_34", "equality_sex": "female", "mode": "paper", "consent_confirmed": "yes"},
		{"form_id": "2", "language": "ur", "visit": "yes", "likes": "other", "likes_other": "The pond", "rating": "1",
			"why_low": "Dogs off leads", "why_low_original": "کتے کھلے پھرتے ہیں", "why_low_original_language": "ur",
			"comment": "round trip 2", "entered_by": "community_group", "mode": "face_to_face",
			"interpreter_language": "ur", "interpreter": "Sana", "consent_confirmed": "yes"},
		{"form_id": "3", "visit": "no", "comment": "round trip 3", "equality_ethnic_group": "black_caribbean",
			"equality_disability_condition": "no", "mode": "group_session", "consent_confirmed": "y"},
	}
	var body bytes.Buffer
	body.Write(template) // BOM and header as served
	w := csv.NewWriter(&body)
	w.UseCRLF = true
	for _, m := range filled {
		row := make([]string, len(header))
		for i, col := range header {
			row[i] = m[col]
		}
		w.Write(row)
	}
	w.Flush()
	res := f.importOK(t, slug, f.partner, body.String())
	if got, want := res, (importResult{Accepted: 3, Rejected: []importRejected{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("result: got %+v, want %+v", got, want)
	}
	if got, want := commentsOf(f.stored(t, slug)), []string{"round trip 1", "round trip 2", "round trip 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
}

// A community group types up its paper forms: every kind of answer, the
// person's own words, equality answers and the mediation record are stored
// as given, entered by the group, and seen by the group but not by another.
func TestImportAsPartner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := time.Date(2027, 3, 4, 11, 0, 0, 0, time.UTC)
	f.svc.Now = func() time.Time { return now }
	slug := f.create(t, parksJSON)
	otherGroup := f.addUser(t, surveys.NewUser{Email: "other-group@example.org", Name: "Cai", Role: surveys.RolePartner, Organisation: "Handsworth Carers"})

	const urdu = "رات کو راستے بہت اندھیرے ہوتے ہیں"
	body := csvOf(t,
		[]string{"form_id", "language", "visit", "likes", "likes_other", "rating", "why_low", "why_low_original", "why_low_original_language",
			"comment", "equality_age_band", "equality_ethnic_group", "equality_disability_condition", "equality_disability_impact",
			"entered_by", "mode", "interpreter_language", "interpreter", "consent_confirmed"},
		[]string{"P-001", "", "yes", "trees; play", "", "4", "", "", "", "first form", "35_49", "asian_pakistani", "yes", "a_little", "", "paper", "", "", "yes"},
		[]string{"P-002", "ur", "Yes", "other", "The ducks", "2", "The paths are too dark at night", urdu, "ur", "second form",
			"", "", "", "", "community_group", "face_to_face", "ur", "Community interpreting service", "yes"},
		[]string{"P-003", "en", "no", "", "", "", "", "", "", "third form", "prefer_not_to_say", "", "", "", "self", "paper", "", "", ""},
	)
	res := f.importOK(t, slug, f.partner, body)
	if got, want := res, (importResult{Accepted: 3, Rejected: []importRejected{}}); !reflect.DeepEqual(got, want) {
		t.Fatalf("result: got %+v, want %+v", got, want)
	}

	org, user := f.partnerUser.OrganisationID, f.partnerUser.ID
	want := map[string]*surveys.Response{
		"first form": {Language: "en",
			Answers:   []surveys.Answer{{Key: "visit", Values: []string{"yes"}}, {Key: "likes", Values: []string{"trees", "play"}}, {Key: "rating", Values: []string{"4"}}, {Key: "comment", Values: []string{"first form"}}},
			Equality:  map[string]string{"age_band": "35_49", "ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian", "disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_little"},
			Mediation: surveys.Mediation{EnteredBy: "community_group", Mode: "paper", ConsentConfirmed: true, OrganisationID: org, Organisation: partnerOrg, UserID: user}},
		"second form": {Language: "ur",
			Answers: []surveys.Answer{{Key: "visit", Values: []string{"yes"}}, {Key: "likes", Values: []string{"other"}}, {Key: "likes_other", Values: []string{"The ducks"}},
				{Key: "rating", Values: []string{"2"}}, {Key: "why_low", Values: []string{"The paths are too dark at night"}}, {Key: "comment", Values: []string{"second form"}}},
			Originals: map[string]surveys.Original{"why_low": {Language: "ur", Text: urdu}},
			Mediation: surveys.Mediation{EnteredBy: "community_group", Mode: "face_to_face", InterpreterLanguage: "ur", Interpreter: "Community interpreting service",
				ConsentConfirmed: true, OrganisationID: org, Organisation: partnerOrg, UserID: user}},
		"third form": {Language: "en",
			Answers:   []surveys.Answer{{Key: "visit", Values: []string{"no"}}, {Key: "comment", Values: []string{"third form"}}},
			Equality:  map[string]string{"age_band": "prefer_not_to_say"},
			Mediation: surveys.Mediation{EnteredBy: "self", Mode: "paper", OrganisationID: org, Organisation: partnerOrg, UserID: user}},
	}
	stored := f.stored(t, slug)
	if len(stored) != len(want) {
		t.Fatalf("stored: got %d responses, want %d", len(stored), len(want))
	}
	for _, r := range stored {
		comment := strings.Join(r.Answer("comment"), "")
		w, ok := want[comment]
		if !ok {
			t.Errorf("stored a response with comment %q, want one of the three forms", comment)
			continue
		}
		t.Run(comment, func(t *testing.T) {
			if r.Channel != surveys.ChannelImport {
				t.Errorf("channel: got %q, want %q", r.Channel, surveys.ChannelImport)
			}
			if r.Language != w.Language {
				t.Errorf("language: got %q, want %q", r.Language, w.Language)
			}
			if got, want := answerMap(r.Answers), answerMap(w.Answers); !reflect.DeepEqual(got, want) {
				t.Errorf("answers:\n got %v\nwant %v", got, want)
			}
			if !reflect.DeepEqual(r.Equality, w.Equality) {
				t.Errorf("equality:\n got %v\nwant %v", r.Equality, w.Equality)
			}
			if !reflect.DeepEqual(r.Originals, w.Originals) {
				t.Errorf("originals: got %v, want %v", r.Originals, w.Originals)
			}
			if r.Mediation != w.Mediation {
				t.Errorf("mediation:\n got %+v\nwant %+v", r.Mediation, w.Mediation)
			}
			if !r.SubmittedAt.Equal(now) {
				t.Errorf("submitted_at: got %v, want %v", r.SubmittedAt, now)
			}
			if !referencePattern.MatchString(r.Reference) {
				t.Errorf("reference: got %q, want one like K7P-3QX", r.Reference)
			}
		})
	}

	// Another group's own upload, to tell the two apart.
	other := f.importOK(t, slug, otherGroup, csvOf(t, []string{"visit", "comment", "consent_confirmed"}, []string{"yes", "other group's form", "yes"}))
	if other.Accepted != 1 {
		t.Fatalf("other group's upload: got %+v, want 1 accepted", other)
	}
	views := []struct {
		who   string
		token string
		want  []string
	}{
		{"the partner", f.partner, []string{"first form", "second form", "third form"}},
		{"another organisation", otherGroup, []string{"other group's form"}},
		{"an interpreter", f.interpreter, []string{}},
		{"an officer", f.officer, []string{"first form", "other group's form", "second form", "third form"}},
	}
	for _, v := range views {
		t.Run("seen by "+v.who, func(t *testing.T) {
			got, chans := f.listed(t, slug, v.token)
			if !reflect.DeepEqual(got, v.want) {
				t.Errorf("responses: got %v, want %v", got, v.want)
			}
			for _, c := range chans {
				if c != "import" {
					t.Errorf("channel: got %q, want import", c)
				}
			}
		})
	}
	t.Run("filter by channel", func(t *testing.T) {
		status, got := f.do(t, "GET", "/api/v1/surveys/"+slug+"/responses?channel=import", f.partner, "")
		if list, _ := got["responses"].([]any); status != http.StatusOK || len(list) != 3 {
			t.Errorf("?channel=import: got %d with %d responses, want 200 with 3", status, len(list))
		}
	})
}

// Bad rows are listed by their line in the file (the header is line 1, and
// a quoted cell over several lines counts them all); the good rows of the
// same file are stored, and nothing of the bad ones.
func TestImportRejectedRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	header := "visit,likes,likes_other,rating,why_low,comment,comment_original,comment_original_language,equality_age_band,language,entered_by,mode,consent_confirmed"
	long := strings.Repeat("x", 51)
	rows := []struct {
		name       string
		csv        string // one record, maybe over several lines, without its final CRLF
		wantReason []string
	}{
		{"good", `yes,trees; play,,4,,good 1,,,35_49,,,paper,yes`, nil},
		{"good, why_low over two lines", "yes,,,2,\"Too far,\r\nand \"\"dark\"\"\",good 2,,,,,,paper,yes", nil},
		{"missing required answer", `,trees,,3,,bad 1,,,,,,paper,yes`, []string{"visit"}},
		{"unknown option", `yes,trees; swings,,3,,bad 2,,,,,,paper,yes`, []string{"likes", "swings"}},
		{"scale out of range", `yes,,,6,,bad 3,,,,,,paper,yes`, []string{"rating"}},
		{"scale not a number", `yes,,,three,,bad 4,,,,,,paper,yes`, []string{"rating"}},
		{"consent not given", `yes,,,3,,bad 5,,,,,,paper,no`, []string{"mediation.consent_confirmed"}},
		{"consent left empty", `yes,,,3,,bad 6,,,,,,paper,`, []string{"mediation.consent_confirmed"}},
		{"consent maybe", `yes,,,3,,bad 7,,,,,,paper,maybe`, []string{"consent_confirmed", "maybe"}},
		{"too few cells", `yes,,,3,,bad 8`, []string{"6 cells", "13 columns"}},
		{"too many cells", `yes,,,3,,bad 9,,,,,,paper,yes,extra`, []string{"14 cells", "13 columns"}},
		{"good after bad ones", `no,,,,,good 3,,,,ur,,group_session,Y`, nil},
		{"yes/no neither", `perhaps,,,3,,bad 10,,,,,,paper,yes`, []string{"visit"}},
		{"question not asked", `yes,,,4,Because,bad 11,,,,,,paper,yes`, []string{"why_low"}},
		{"Other text without Other", `yes,trees,The ducks,3,,bad 12,,,,,,paper,yes`, []string{"likes_other"}},
		{"original without the answer", `yes,,,3,,,اچھا,ur,,,,paper,yes`, []string{"originals.comment"}},
		{"original language not a code", `yes,,,3,,bad 13,اچھا,Urdu,,,,paper,yes`, []string{"originals.comment.language"}},
		{"equality answer not an option", `yes,,,3,,bad 14,,,35-49,,,paper,yes`, []string{"equality.age_band"}},
		{"language not the survey's", `yes,,,3,,bad 15,,,,fr,,paper,yes`, []string{"language"}},
		{"mode unknown", `yes,,,3,,bad 16,,,,,,carrier_pigeon,yes`, []string{"mediation.mode"}},
		{"partner entering as officer", `yes,,,3,,bad 17,,,,,officer,paper,yes`, []string{"mediation.entered_by"}},
		{"too long, over three lines", "yes,,,3,,\"bad 18\r\n" + long + "\r\nend\",,,,,,paper,yes", []string{"comment", "50"}},
		{"good, last", `yes,,,5,,good 4,,,,,community_group,paper,true`, nil},
	}
	var (
		body         strings.Builder
		wantRejected []importRejected
		reasons      = map[int][]string{}
		lines        = map[string]int{}
	)
	body.WriteString(header + "\r\n")
	line := 2
	for _, r := range rows {
		lines[r.name] = line
		if r.wantReason != nil {
			wantRejected = append(wantRejected, importRejected{Line: line})
			reasons[line] = r.wantReason
		}
		body.WriteString(r.csv + "\r\n")
		line += strings.Count(r.csv, "\n") + 1
	}
	if lines["missing required answer"] != 5 || lines["good, last"] != 27 {
		t.Fatalf("the file is not laid out as the test means: lines %v", lines)
	}

	status, data := f.postImport(t, slug, f.partner, body.String())
	if status != http.StatusOK {
		t.Fatalf("got %d %s, want 200", status, data)
	}
	var res importResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if got, want := res.Accepted, 4; got != want {
		t.Errorf("accepted: got %d, want %d", got, want)
	}
	if got, want := res.Duplicates, 0; got != want {
		t.Errorf("duplicates: got %d, want %d", got, want)
	}
	var gotLines, wantLines []int
	for _, r := range res.Rejected {
		gotLines = append(gotLines, r.Line)
	}
	for _, r := range wantRejected {
		wantLines = append(wantLines, r.Line)
	}
	if !reflect.DeepEqual(gotLines, wantLines) {
		t.Errorf("rejected lines:\n got %v\nwant %v\n(%s)", gotLines, wantLines, data)
	}
	for _, r := range res.Rejected {
		for _, want := range reasons[r.Line] {
			if !strings.Contains(r.Reason, want) {
				t.Errorf("line %d: reason %q, want it to name %q", r.Line, r.Reason, want)
			}
		}
	}
	stored := f.stored(t, slug)
	if got, want := commentsOf(stored), []string{"good 1", "good 2", "good 3", "good 4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored comments: got %v, want %v", got, want)
	}
	for _, r := range stored {
		if c := strings.Join(r.Answer("comment"), ""); c == "good 2" {
			if got, want := r.Answer("why_low"), []string{"Too far,\nand \"dark\""}; !reflect.DeepEqual(got, want) {
				t.Errorf("why_low over two lines: got %q, want %q", got, want)
			}
		}
		if len(r.Originals) != 0 {
			t.Errorf("response %s: originals %v stored, want none (only rejected rows had them)", r.Reference, r.Originals)
		}
	}
}

func TestImportIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	colleague := f.addUser(t, surveys.NewUser{Email: "colleague@example.org", Name: "Bea", Role: surveys.RolePartner, Organisation: partnerOrg})
	otherGroup := f.addUser(t, surveys.NewUser{Email: "other@example.org", Name: "Cai", Role: surveys.RolePartner, Organisation: "Handsworth Carers"})
	header := []string{"form_id", "visit", "rating", "comment", "mode", "consent_confirmed"}
	row := func(formID, comment string) []string { return []string{formID, "yes", "3", comment, "paper", "yes"} }
	file := func(rows ...[]string) string { return csvOf(t, append([][]string{header}, rows...)...) }
	three := file(row("", "a"), row("", "b"), row("", "c"))
	n := 0
	survey := func(t *testing.T) string {
		t.Helper()
		n++
		return f.create(t, withSlug(parksJSON, fmt.Sprintf("idem-%d", n)))
	}
	type upload struct {
		token string
		body  string
		want  importResult
	}
	ok := func(accepted, duplicates int) importResult {
		return importResult{Accepted: accepted, Duplicates: duplicates, Rejected: []importRejected{}}
	}
	tests := []struct {
		name       string
		uploads    []upload
		wantStored []string
	}{
		{"the same file twice", []upload{
			{f.partner, three, ok(3, 0)},
			{f.partner, three, ok(0, 3)},
		}, []string{"a", "b", "c"}},
		{"the same rows reordered inside a bigger file", []upload{
			{f.partner, three, ok(3, 0)},
			{f.partner, file(row("", "d"), row("", "c"), row("", "a"), row("", "e"), row("", "b")), ok(2, 3)},
		}, []string{"a", "b", "c", "d", "e"}},
		{"the same file again with CRLF, a BOM and other spacing", []upload{
			{f.partner, three, ok(3, 0)},
			{f.partner, "\ufeff form_id , VISIT,rating,comment,mode,consent_confirmed\n, yes ,3, a ,paper,Yes\n,y,3,b,paper,1\n,YES,03,c,paper,true\n", ok(0, 3)},
		}, []string{"a", "b", "c"}},
		{"two identical rows without form_id", []upload{
			{f.partner, file(row("", "same"), row("", "same")), ok(1, 1)},
		}, []string{"same"}},
		{"two identical rows with different form_id", []upload{
			{f.partner, file(row("17", "same"), row("18", "same")), ok(2, 0)},
			{f.partner, file(row("18", "same"), row("17", "same")), ok(0, 2)},
		}, []string{"same", "same"}},
		{"a form number is the paper form: changed answers are still a duplicate", []upload{
			{f.partner, file(row("17", "first typing")), ok(1, 0)},
			{f.partner, file(row("17", "corrected typing")), ok(0, 1)},
		}, []string{"first typing"}},
		{"a colleague of the same organisation", []upload{
			{f.partner, three, ok(3, 0)},
			{colleague, three, ok(0, 3)},
		}, []string{"a", "b", "c"}},
		{"another organisation enters its own", []upload{
			{f.partner, three, ok(3, 0)},
			{otherGroup, three, ok(3, 0)},
			{otherGroup, three, ok(0, 3)},
		}, []string{"a", "a", "b", "b", "c", "c"}},
		{"rejected rows are rejected again, not counted as duplicates", []upload{
			{f.partner, file(row("", "a"), []string{"", "", "3", "no visit", "paper", "yes"}),
				importResult{Accepted: 1, Rejected: []importRejected{{Line: 3}}}},
			{f.partner, file(row("", "a"), []string{"", "", "3", "no visit", "paper", "yes"}),
				importResult{Duplicates: 1, Rejected: []importRejected{{Line: 3}}}},
		}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := survey(t)
			for i, u := range tt.uploads {
				got := f.importOK(t, slug, u.token, u.body)
				for j := range got.Rejected {
					got.Rejected[j].Reason = "" // the lines are what this test is about
				}
				if !reflect.DeepEqual(got, u.want) {
					t.Errorf("upload %d: got %+v, want %+v", i+1, got, u.want)
				}
			}
			if got := commentsOf(f.stored(t, slug)); !reflect.DeepEqual(got, tt.wantStored) {
				t.Errorf("stored comments: got %v, want %v", got, tt.wantStored)
			}
		})
	}

	// The key is per survey: the same file to another survey is new.
	t.Run("another survey", func(t *testing.T) {
		first, second := survey(t), survey(t)
		f.importOK(t, first, f.partner, three)
		if got, want := f.importOK(t, second, f.partner, three), ok(3, 0); !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

func TestImportMessyCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	type answers = map[string][]string
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantField  string
		want       []answers // the stored responses' answers (visit, likes, rating, why_low, comment), by comment
	}{
		{"byte order mark and CRLF",
			"\ufeffvisit,comment,consent_confirmed\r\nyes,café,yes\r\nno,x,yes\r\n", 200, "",
			[]answers{{"visit": {"yes"}, "comment": {"café"}}, {"visit": {"no"}, "comment": {"x"}}}},
		{"Excel quoting: commas, quotes and line breaks in cells",
			"visit,rating,why_low,comment,consent_confirmed\r\nyes,1,\"Too far, too dark, \"\"unsafe\"\"\r\nat night\",\"He said \"\"hi\"\", then left\",yes\r\n", 200, "",
			[]answers{{"visit": {"yes"}, "rating": {"1"}, "why_low": {"Too far, too dark, \"unsafe\"\nat night"}, "comment": {`He said "hi", then left`}}}},
		{"Windows-1252 text from Excel's plain CSV",
			"visit,rating,why_low,comment,consent_confirmed\r\nyes,2,\x93quoted\x94 \x96 \x80 5,caf\xe9,yes\r\n", 200, "",
			[]answers{{"visit": {"yes"}, "rating": {"2"}, "why_low": {"“quoted” – € 5"}, "comment": {"café"}}}},
		{"header in other case with spaces",
			" VISIT ,\tComment , Consent_Confirmed\nyes,spaced,yes\n", 200, "",
			[]answers{{"visit": {"yes"}, "comment": {"spaced"}}}},
		{"columns in any order, and any subset",
			"consent_confirmed,comment,likes,visit\nyes,reordered,play;benches,no\n", 200, "",
			[]answers{{"visit": {"no"}, "likes": {"play", "benches"}, "comment": {"reordered"}}}},
		{"trailing blank rows ignored",
			"visit,comment,consent_confirmed\r\nyes,x,yes\r\n,,\r\n, ,\r\n\r\n\r\n", 200, "",
			[]answers{{"visit": {"yes"}, "comment": {"x"}}}},
		{"header only", "visit,comment,consent_confirmed\r\n", 200, "", []answers{}},
		{"unknown column", "visit,colour,consent_confirmed\r\nyes,green,yes\r\n", 422, "colour", nil},
		{"duplicated column", "visit,comment,Visit,consent_confirmed\r\nyes,x,yes,yes\r\n", 422, "visit", nil},
		{"empty header cell", "visit,,consent_confirmed\r\nyes,,yes\r\n", 422, "column 2", nil},
		{"empty body", "", 422, "", nil},
		{"only a byte order mark", "\ufeff", 422, "", nil},
		{"an .xlsx sent as text/csv", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00\x13\x00\x08\x02[Content_Types].xml", 422, "", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := f.create(t, withSlug(parksJSON, fmt.Sprintf("messy-%d", i)))
			if tt.wantStatus != http.StatusOK {
				f.importError(t, slug, f.partner, "text/csv", tt.body, tt.wantStatus, tt.wantField)
				if n := len(f.stored(t, slug)); n != 0 {
					t.Errorf("stored: got %d responses, want none from a refused file", n)
				}
				return
			}
			res := f.importOK(t, slug, f.partner, tt.body)
			if got, want := res, (importResult{Accepted: len(tt.want), Rejected: []importRejected{}}); !reflect.DeepEqual(got, want) {
				t.Errorf("result: got %+v, want %+v", got, want)
			}
			got := []answers{}
			for _, r := range f.stored(t, slug) {
				got = append(got, answerMap(r.Answers))
			}
			sort.Slice(got, func(i, j int) bool { return strings.Join(got[i]["comment"], "") < strings.Join(got[j]["comment"], "") })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stored answers:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Cells a spreadsheet would run as formulas are stored exactly as typed;
// the CSV export neutralises them (SafeCell) as for any other channel.
func TestImportFormulaCells(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	cells := []struct{ stored, exported string }{
		{"=1+1", "'=1+1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"+44 7700 900123", "'+44 7700 900123"},
		{`=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{"-2+3", "'-2+3"},
		{"+44", "+44"}, // a plain number runs nothing: left alone (export.SafeCell)
	}
	rows := [][]string{{"form_id", "visit", "comment", "interpreter", "consent_confirmed"}}
	for i, c := range cells {
		rows = append(rows, []string{fmt.Sprint(i), "yes", c.stored, c.stored, "yes"})
	}
	if res := f.importOK(t, slug, f.partner, csvOf(t, rows...)); res.Accepted != len(cells) || len(res.Rejected) != 0 {
		t.Fatalf("result: got %+v, want %d accepted", res, len(cells))
	}
	want := []string{}
	for _, c := range cells {
		want = append(want, c.stored)
	}
	sort.Strings(want)
	stored := f.stored(t, slug)
	if got := commentsOf(stored); !reflect.DeepEqual(got, want) {
		t.Errorf("stored comments: got %q, want %q", got, want)
	}
	for _, r := range stored {
		if got, want := r.Mediation.Interpreter, strings.Join(r.Answer("comment"), ""); got != want {
			t.Errorf("stored interpreter: got %q, want %q", got, want)
		}
	}

	resp, data := f.send(t, "GET", "/api/v1/surveys/"+slug+"/responses.csv", f.partner, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: got %d", resp.StatusCode)
	}
	exported, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(exported) != len(cells)+1 {
		t.Fatalf("export: got %d rows, %v; want %d", len(exported), err, len(cells)+1)
	}
	comment, interpreter := slices.Index(exported[0], "comment"), slices.Index(exported[0], "interpreter")
	var gotCells []string
	for _, row := range exported[1:] {
		gotCells = append(gotCells, row[comment])
		if row[interpreter] != row[comment] {
			t.Errorf("export: interpreter %q, comment %q; want the same cell", row[interpreter], row[comment])
		}
	}
	var wantCells []string
	for _, c := range cells {
		wantCells = append(wantCells, c.exported)
	}
	sort.Strings(gotCells)
	sort.Strings(wantCells)
	if !reflect.DeepEqual(gotCells, wantCells) {
		t.Errorf("exported comments:\n got %q\nwant %q", gotCells, wantCells)
	}
}

func TestImportRequestErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	closed := f.create(t, strings.Replace(withSlug(parksJSON, "closed"), `"status": "open"`, `"status": "closed"`, 1))
	draft := f.create(t, strings.Replace(withSlug(parksJSON, "draft"), `"status": "open",`, ``, 1))
	f.svc.Now = func() time.Time { return time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC) }
	future := f.create(t, strings.Replace(withSlug(parksJSON, "future"), `"status": "open",`, `"status": "open", "opens_at": "2027-03-01T09:00:00Z",`, 1))
	ended := f.create(t, strings.Replace(withSlug(parksJSON, "ended"), `"status": "open",`, `"status": "open", "closes_at": "2027-01-31T23:59:00Z",`, 1))
	body := "visit,comment,consent_confirmed\r\nyes,x,yes\r\n"
	tests := []struct {
		name        string
		slug        string
		token       string
		contentType string
		wantStatus  int
	}{
		{"JSON content type", slug, f.partner, "application/json", 400},
		{"plain text", slug, f.partner, "text/plain", 400},
		{"no content type", slug, f.partner, "", 400},
		{"no token", slug, "", "text/csv", 401},
		{"garbage token", slug, "voices_not-a-real-token", "text/csv", 401},
		{"unknown survey", "no-such-survey", f.partner, "text/csv", 404},
		{"closed survey", closed, f.partner, "text/csv", 409},
		{"closed survey, officer", closed, f.officer, "text/csv", 409},
		{"closes_at passed", ended, f.partner, "text/csv", 409},
		{"opens_at to come", future, f.partner, "text/csv", 409},
		{"draft, partner", draft, f.partner, "text/csv", 404},
		{"draft, officer", draft, f.officer, "text/csv", 409},
		{"text/csv with a charset", slug, f.partner, "text/csv; charset=utf-8", 200},
		{"TEXT/CSV", slug, f.interpreter, "TEXT/CSV", 200},
		{"officer", slug, f.officer, "text/csv", 200},
	}
	want := map[string]int{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantStatus == http.StatusOK {
				resp, data := f.send(t, "POST", importPath(tt.slug), tt.token, tt.contentType, body)
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(data), `"accepted":1`) {
					t.Errorf("got %d %s, want 200 with 1 accepted", resp.StatusCode, data)
				}
				want[tt.slug]++
				return
			}
			f.importError(t, tt.slug, tt.token, tt.contentType, body, tt.wantStatus, "")
		})
	}
	for _, s := range []string{slug, closed, future, ended} {
		if got := len(f.stored(t, s)); got != want[s] {
			t.Errorf("%s: stored %d responses, want %d", s, got, want[s])
		}
	}
}

// listen serves the fixture's app on a real listener: fasthttp applies
// body limits there, which app.Test does not show.
func (f *fixture) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.app.Listener(ln)
	t.Cleanup(func() { f.app.Shutdown() })
	return ln.Addr().String()
}

// announce sends only the request line and headers of a POST with a body of
// size bytes and reads the answer: a limit is applied from Content-Length
// alone, so the client is never cut off mid-upload.
func announce(t *testing.T, addr, path, token, contentType string, size int) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: voices\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, token, contentType, size)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&got)
	return resp.StatusCode, got.Error
}

// An import file may be far larger than any other request body.
func TestImportBodyLimitOnRealListener(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	addr := f.listen(t)

	// More than 2 MiB of valid rows, each with a long why_low.
	reason := strings.Repeat("The paths are too dark and the lights are broken. ", 80) // 4,000 characters
	var body bytes.Buffer
	body.WriteString("form_id,visit,rating,why_low,mode,consent_confirmed\r\n")
	rows := 0
	for body.Len() <= 2<<20 {
		rows++
		fmt.Fprintf(&body, "%d,yes,1,%s,paper,yes\r\n", rows, reason)
	}
	req, err := http.NewRequest("POST", "http://"+addr+importPath(slug), bytes.NewReader(body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+f.partner)
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var res importResult
	json.Unmarshal(data, &res)
	if resp.StatusCode != http.StatusOK || res.Accepted != rows || len(res.Rejected) != 0 {
		t.Errorf("POST %d bytes to imports: got %d %.300s, want 200 with %d accepted", body.Len(), resp.StatusCode, data, rows)
	}
	if got := len(f.stored(t, slug)); got != rows {
		t.Errorf("stored: got %d responses, want %d", got, rows)
	}

	// Every other route keeps the ordinary limit.
	status, msg := announce(t, addr, "/api/v1/surveys/"+slug+"/responses", f.partner, "application/json", 2<<20)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "too large") {
		t.Errorf("2 MiB to responses: got %d %q, want 413 saying it is too large", status, msg)
	}
	status, _ = announce(t, addr, "/api/v1/surveys/"+slug+"/sms/invitations", f.officer, "text/csv", 2<<20)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB to sms/invitations: got %d, want 413", status)
	}
	// And the import route has a limit of its own.
	status, _ = announce(t, addr, importPath(slug), f.partner, "text/csv", server.DefaultImportLimit+1)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes to imports: got %d, want 413", server.DefaultImportLimit+1, status)
	}
	if got := len(f.stored(t, slug)); got != rows {
		t.Errorf("stored after refused bodies: got %d responses, want %d", got, rows)
	}
}

// The refusal of an import over its limit tells the uploader that limit.
func TestImportOverLimitMessage(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	addr := f.listen(t)
	status, msg := announce(t, addr, importPath(slug), f.partner, "text/csv", server.DefaultImportLimit+1<<20)
	if status != http.StatusRequestEntityTooLarge || strings.Contains(msg, "1 MiB") || !strings.Contains(msg, "32 MiB") {
		t.Errorf("33 MiB to imports: got %d %q, want 413 naming the 32 MiB limit", status, msg)
	}
}

// The import route is served at the same path with a trailing slash or in
// another case (Fiber routing is neither strict nor case-sensitive), so the
// larger body limit should follow it there.
func TestImportLimitFollowsRoute(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	addr := f.listen(t)
	for _, path := range []string{importPath(slug) + "/", "/api/v1/surveys/" + slug + "/IMPORTS"} {
		if resp, data := f.send(t, "POST", path, f.partner, "text/csv", "visit,consent_confirmed\r\nyes,yes\r\n"); resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: got %d %s, want it routed to the import", path, resp.StatusCode, data)
		}
		// 2 MiB of rows (a long comment each) sent for real over the listener.
		var body strings.Builder
		body.WriteString("form_id,visit,comment,consent_confirmed\r\n")
		for i := 0; body.Len() < 2<<20; i++ {
			fmt.Fprintf(&body, "%s-%d,yes,%s,yes\r\n", path[len(path)-1:], i, strings.Repeat("x", 4000))
		}
		req, err := http.NewRequest("POST", "http://"+addr+path, strings.NewReader(body.String()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+f.partner)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("2 MiB to %s: got %d, want 200 under the import limit (32 MiB)", path, resp.StatusCode)
		}
	}
}

// benchSurvey is a realistic survey for the import benchmark: seven
// questions of six kinds, one shown only after a low rating, free text in
// two of them, and equality monitoring.
const benchSurvey = `{
  "slug": "bench-%d", "title": {"en": "Libraries and community spaces"}, "languages": ["en", "ur", "pl"],
  "status": "open", "equality_monitoring": true,
  "questions": [
    {"key": "ward", "type": "single_choice", "required": true, "prompt": {"en": "Which ward do you live in?"},
     "options": [{"value": "ladywood", "label": {"en": "Ladywood"}}, {"value": "aston", "label": {"en": "Aston"}},
                 {"value": "handsworth", "label": {"en": "Handsworth"}}, {"value": "sparkbrook", "label": {"en": "Sparkbrook"}},
                 {"value": "erdington", "label": {"en": "Erdington"}}]},
    {"key": "uses", "type": "multiple_choice", "other": true, "prompt": {"en": "What do you use the library for?"},
     "options": [{"value": "books", "label": {"en": "Books"}}, {"value": "computers", "label": {"en": "Computers"}},
                 {"value": "children", "label": {"en": "Children's activities"}}, {"value": "warm_space", "label": {"en": "A warm space"}},
                 {"value": "advice", "label": {"en": "Advice sessions"}}]},
    {"key": "rating", "type": "scale", "min": 1, "max": 5, "required": true, "prompt": {"en": "How good is your library?"}},
    {"key": "why_low", "type": "long_text", "show_if": {"question": "rating", "in": ["1", "2"]}, "prompt": {"en": "What should change?"}},
    {"key": "visits", "type": "number", "min": 0, "max": 365, "prompt": {"en": "Visits in the last year"}},
    {"key": "carer", "type": "yes_no", "prompt": {"en": "Do you look after someone?"}},
    {"key": "comment", "type": "text", "prompt": {"en": "Anything else?"}}
  ]
}`

// benchImportCSV is n rows of paper forms typed up by a community group.
func benchImportCSV(n int) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"form_id", "language", "ward", "uses", "uses_other", "rating", "why_low", "why_low_original", "why_low_original_language",
		"visits", "carer", "comment", "equality_age_band", "equality_sex", "equality_ethnic_group", "equality_religion",
		"equality_disability_condition", "equality_disability_impact", "mode", "consent_confirmed"})
	wards := []string{"ladywood", "aston", "handsworth", "sparkbrook", "erdington"}
	uses := []string{"books", "books; computers", "children; warm_space", "advice; other", "computers; advice; books"}
	ages := []string{"16_24", "25_34", "35_49", "50_64", "65_74", "prefer_not_to_say"}
	ethnic := []string{"white_british", "asian_pakistani", "black_caribbean", "mixed_white_asian", "asian_bangladeshi", ""}
	for i := range n {
		rating := 1 + i%5
		row := []string{fmt.Sprintf("LIB-%06d", i), "en", wards[i%5], uses[i%5], "", fmt.Sprint(rating), "", "", "",
			fmt.Sprint(i % 120), []string{"yes", "no", ""}[i%3], fmt.Sprintf("Form %d: open on Sundays please, and more quiet study desks.", i),
			ages[i%6], []string{"female", "male", ""}[i%3], ethnic[i%6], []string{"muslim", "christian", "no_religion", ""}[i%4],
			[]string{"yes", "no"}[i%2], "", "paper", "yes"}
		if strings.Contains(row[3], "other") {
			row[4] = "Job club"
		}
		if rating <= 2 {
			row[6] = "The opening hours were cut and the children's corner closed; we have nowhere warm to go after school."
			if i%2 == 0 {
				row[1], row[7], row[8] = "ur", "کھلنے کے اوقات کم کر دیے گئے اور بچوں کا کونا بند ہو گیا", "ur"
			}
		}
		if row[16] == "yes" {
			row[17] = []string{"a_lot", "a_little", "not_at_all"}[i%3]
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// BenchmarkImport50000 reads, checks and stores a 50,000-row file as
// POST .../imports does (channels.ReadImport, then Service.Import with its
// batched transactions), into a real SQLite database; each iteration
// imports into a new survey, so every row is stored.
func BenchmarkImport50000(b *testing.B) {
	const rows = 50000
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "voices.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := &surveys.Service{Store: db}
	partner, err := svc.AddUser(ctx, &surveys.NewUser{Email: "partner@example.org", Name: "Amina", Role: surveys.RolePartner,
		Organisation: partnerOrg, Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	data := benchImportCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sv, err := svc.CreateSurvey(ctx, []byte(fmt.Sprintf(benchSurvey, i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		parsed, err := channels.ReadImport(data, sv)
		if err != nil {
			b.Fatal(err)
		}
		res, err := svc.Import(ctx, sv, partner, parsed)
		if err != nil {
			b.Fatal(err)
		}
		if res.Accepted != rows || len(res.Rejected) != 0 {
			b.Fatalf("got %d accepted, %d duplicates, rejected %v; want %d accepted", res.Accepted, res.Duplicates, res.Rejected[:min(len(res.Rejected), 3)], rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
