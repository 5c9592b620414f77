package channels_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// flowColumns is every import column of flowYAML, in the template's order.
func flowColumns(equality bool) []string {
	cols := []string{"form_id", "language",
		"visit", "likes", "likes_other", "rating",
		"why_low", "why_low_original", "why_low_original_language",
		"comment", "comment_original", "comment_original_language"}
	if equality {
		for _, c := range surveys.EqualityColumns {
			cols = append(cols, "equality_"+c)
		}
	}
	return append(cols, "entered_by", "mode", "interpreter_language", "interpreter", "consent_confirmed")
}

func TestImportColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		survey *surveys.Survey
		want   []string
	}{
		{"with equality monitoring", flowSurvey(t), flowColumns(true)},
		{"without equality monitoring", noEqualitySurvey(t), flowColumns(false)},
		{"one yes/no question", parseSurvey(t, `
slug: tiny
title: {en: "Tiny"}
languages: [en]
questions:
  - {key: use, type: yes_no, prompt: {en: "Use?"}}
`), []string{"form_id", "language", "use", "entered_by", "mode", "interpreter_language", "interpreter", "consent_confirmed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channels.ImportColumns(tt.survey); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ImportColumns:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestImportTemplate(t *testing.T) {
	t.Parallel()
	s := flowSurvey(t)
	var buf bytes.Buffer
	if err := channels.ImportTemplate(&buf, s); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Errorf("template starts %q, want a UTF-8 byte order mark", data[:min(len(data), 8)])
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != 1 {
		t.Errorf("template %q: want one row ending in CRLF, for Excel", data)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows, [][]string{flowColumns(true)}; !reflect.DeepEqual(got, want) {
		t.Errorf("template rows:\n got %v\nwant %v", got, want)
	}
	// The template, read back as an import, is a file with no rows.
	imported, err := channels.ReadImport(data, s)
	if err != nil || len(imported) != 0 {
		t.Errorf("ReadImport(template): got %d rows, %v; want none, no error", len(imported), err)
	}
}

// importedRow is what a test compares of one surveys.ImportRow; empty maps
// are nil so that a want can leave them out.
type importedRow struct {
	Line      int
	FormID    string
	Problem   string
	Language  string
	Answers   map[string][]string
	Equality  map[string]string
	Originals map[string]surveys.Original
	Mediation surveys.Mediation
}

func summarise(rows []surveys.ImportRow) []importedRow {
	out := []importedRow{}
	for _, r := range rows {
		s := importedRow{Line: r.Line, FormID: r.FormID, Problem: r.Problem}
		if sub := r.Submission; sub != nil && r.Problem == "" {
			s.Language, s.Mediation = sub.Language, sub.Mediation
			if len(sub.Answers) > 0 {
				s.Answers = sub.Answers
			}
			if len(sub.Equality) > 0 {
				s.Equality = sub.Equality
			}
			if len(sub.Originals) > 0 {
				s.Originals = sub.Originals
			}
		}
		out = append(out, s)
	}
	return out
}

func answers(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

func TestReadImport(t *testing.T) {
	t.Parallel()
	s := flowSurvey(t)
	tooFew := "the row has 2 cells but the first row names 3 columns"
	tests := []struct {
		name string
		data string
		want []importedRow
	}{
		{"header only", "visit,likes,rating\r\n", []importedRow{}},
		{"one row of each kind of answer",
			"visit,likes,rating,comment\nyes,trees; play,4,Lovely\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"visit": {"yes"}, "likes": {"trees", "play"}, "rating": {"4"}, "comment": {"Lovely"}}}}},
		{"multiple choice splits on ; and drops empty parts",
			"likes\n\" trees ;; play ; \"\nother;\n",
			[]importedRow{
				{Line: 2, Answers: map[string][]string{"likes": {"trees", "play"}}},
				{Line: 3, Answers: map[string][]string{"likes": {"other"}}}}},
		{"text is never split",
			"comment,why_low\na; b,c; d\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"comment": {"a; b"}, "why_low": {"c; d"}}}}},
		{"empty and blank cells are no answer; cells are trimmed",
			"visit,likes,rating,comment\n  yes ,, ,  \n",
			[]importedRow{{Line: 2, Answers: answers("visit", "yes")}}},
		{"form_id and language are not answers",
			"form_id,language,visit\n P-0042 ,ur,no\n",
			[]importedRow{{Line: 2, FormID: "P-0042", Language: "ur", Answers: answers("visit", "no")}}},
		{"likes_other is the Other text",
			"likes,likes_other\nother,The ducks\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"likes": {"other"}, "likes_other": {"The ducks"}}}}},
		{"originals are assembled from two columns",
			"rating,why_low,why_low_original,why_low_original_language,comment_original_language\n" +
				"2,Too far away,بہت دور ہے,ur,pa\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"rating": {"2"}, "why_low": {"Too far away"}},
				Originals: map[string]surveys.Original{"why_low": {Language: "ur", Text: "بہت دور ہے"}, "comment": {Language: "pa"}}}}},
		{"equality columns lose their prefix",
			"equality_age_band,equality_ethnic_group,equality_sex\n35_49,asian_pakistani,\n",
			[]importedRow{{Line: 2, Equality: map[string]string{"age_band": "35_49", "ethnic_group": "asian_pakistani"}}}},
		{"mediation columns",
			"entered_by,mode,interpreter_language,interpreter,consent_confirmed\ninterpreter,bsl_video_relay,bfi,Iqbal,yes\n",
			[]importedRow{{Line: 2, Mediation: surveys.Mediation{EnteredBy: "interpreter", Mode: "bsl_video_relay",
				InterpreterLanguage: "bfi", Interpreter: "Iqbal", ConsentConfirmed: true}}}},
		{"consent_confirmed yes and no, any case",
			"form_id,consent_confirmed\n1,Y\n2,TRUE\n3,1\n4,No\n5,n\n6,false\n7,0\n8,\n",
			[]importedRow{
				{Line: 2, FormID: "1", Mediation: surveys.Mediation{ConsentConfirmed: true}},
				{Line: 3, FormID: "2", Mediation: surveys.Mediation{ConsentConfirmed: true}},
				{Line: 4, FormID: "3", Mediation: surveys.Mediation{ConsentConfirmed: true}},
				{Line: 5, FormID: "4"}, {Line: 6, FormID: "5"}, {Line: 7, FormID: "6"}, {Line: 8, FormID: "7"}, {Line: 9, FormID: "8"}}},
		{"consent_confirmed neither yes nor no",
			"form_id,consent_confirmed\n1,maybe\n",
			[]importedRow{{Line: 2, FormID: "1", Problem: `consent_confirmed: "maybe" is not yes or no`}}},
		{"blank rows are skipped, lines still counted",
			"visit,likes,rating\n\nyes,,\n,,\n , ,\nno,,\n,,\n\n\n",
			[]importedRow{{Line: 3, Answers: answers("visit", "yes")}, {Line: 6, Answers: answers("visit", "no")}}},
		{"a quoted cell over two lines: later rows keep their file line",
			"visit,comment,rating\nyes,\"line one\nline two\",3\nno,x,\nmaybe,y\nyes,\"a\r\nb\r\nc\",1\nno,z,2\n",
			[]importedRow{
				{Line: 2, Answers: map[string][]string{"visit": {"yes"}, "comment": {"line one\nline two"}, "rating": {"3"}}},
				{Line: 4, Answers: map[string][]string{"visit": {"no"}, "comment": {"x"}}},
				{Line: 5, Problem: tooFew},
				{Line: 6, Answers: map[string][]string{"visit": {"yes"}, "comment": {"a\nb\nc"}, "rating": {"1"}}},
				{Line: 9, Answers: map[string][]string{"visit": {"no"}, "comment": {"z"}, "rating": {"2"}}}}},
		{"too few and too many cells",
			"visit,comment,rating\nyes,x\nno,x,3,extra\nyes,x,1\n",
			[]importedRow{
				{Line: 2, Problem: tooFew},
				{Line: 3, Problem: "the row has 4 cells but the first row names 3 columns"},
				{Line: 4, Answers: map[string][]string{"visit": {"yes"}, "comment": {"x"}, "rating": {"1"}}}}},
		{"byte order mark, CRLF, header in another case with spaces",
			"\ufeff Visit ,LIKES,\tComment \r\nyes,trees,\"He said \"\"hi\"\", then, left\"\r\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"visit": {"yes"}, "likes": {"trees"}, "comment": {`He said "hi", then, left`}}}}},
		{"Windows-1252 from Excel's plain CSV",
			"visit,comment,why_low\nyes,caf\xe9,\x93quoted\x94 \x80 5\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"visit": {"yes"}, "comment": {"café"}, "why_low": {"“quoted” € 5"}}}}},
		{"formula-looking cells are kept as text",
			"comment,why_low,interpreter\n=1+1,@SUM(A1),+44\n",
			[]importedRow{{Line: 2, Answers: map[string][]string{"comment": {"=1+1"}, "why_low": {"@SUM(A1)"}},
				Mediation: surveys.Mediation{Interpreter: "+44"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := channels.ReadImport([]byte(tt.data), s)
			if err != nil {
				t.Fatalf("ReadImport: %v", err)
			}
			if got := summarise(rows); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// Values a survey would refuse still come back as read: checking is the
// submission rules' job, the same for every channel.
func TestReadImportLeavesCheckingToSubmission(t *testing.T) {
	t.Parallel()
	rows, err := channels.ReadImport([]byte("visit,likes,rating\nperhaps,swings,11\n"), flowSurvey(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []importedRow{{Line: 2, Answers: map[string][]string{"visit": {"perhaps"}, "likes": {"swings"}, "rating": {"11"}}}}
	if got := summarise(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", got, want)
	}
	if _, err := flowSurvey(t).CheckSubmission(rows[0].Submission); err == nil {
		t.Errorf("CheckSubmission(%v): got no error, want the three answers refused", rows[0].Submission.Answers)
	}
}

func TestReadImportRefused(t *testing.T) {
	t.Parallel()
	flow, plain := flowSurvey(t), noEqualitySurvey(t)
	tests := []struct {
		name       string
		survey     *surveys.Survey
		data       string
		wantCode   string
		wantFields []string
	}{
		{"empty", flow, "", surveys.EINVALID, nil},
		{"only a byte order mark", flow, "\ufeff", surveys.EINVALID, nil},
		{"only blank lines", flow, "\r\n\r\n", surveys.EINVALID, nil},
		{"unknown column", flow, "visit,colour\nyes,green\n", surveys.EINVALID, []string{"colour"}},
		{"misspelt column, named as typed (lower case)", flow, "Visit,Ratting\nyes,3\n", surveys.EINVALID, []string{"ratting"}},
		{"column twice", flow, "visit,rating,visit\nyes,3,no\n", surveys.EINVALID, []string{"visit"}},
		{"column twice, in two cases", flow, "visit,VISIT \nyes,no\n", surveys.EINVALID, []string{"visit"}},
		{"empty header cell", flow, "visit,,rating\nyes,,3\n", surveys.EINVALID, []string{"column 2"}},
		{"blank header cell", flow, "visit,rating,  \nyes,3,\n", surveys.EINVALID, []string{"column 3"}},
		{"several problems named at once", flow, "visit,x,,x\n", surveys.EINVALID, []string{"x", "column 3"}},
		{"equality column without equality monitoring", plain, "visit,equality_sex\nyes,female\n", surveys.EINVALID, []string{"equality_sex"}},
		{"an unknown equality column", flow, "visit,equality_star_sign\nyes,leo\n", surveys.EINVALID, []string{"equality_star_sign"}},
		{"Other text of a question without Other", flow, "visit,comment_other\nyes,x\n", surveys.EINVALID, []string{"comment_other"}},
		{"original of a question that is not text", flow, "visit,rating_original\nyes,x\n", surveys.EINVALID, []string{"rating_original"}},
		{"export-only column", flow, "reference,visit\nABC-DEF,yes\n", surveys.EINVALID, []string{"reference"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := channels.ReadImport([]byte(tt.data), tt.survey)
			if err == nil {
				t.Fatalf("ReadImport: got %d rows and no error, want %s", len(rows), tt.wantCode)
			}
			if got, want := surveys.ErrorCode(err), tt.wantCode; got != want {
				t.Errorf("code: got %q, want %q (%v)", got, want, err)
			}
			if surveys.ErrorMessage(err) == "" {
				t.Errorf("message: got none, want what to fix")
			}
			fields := surveys.ErrorFields(err)
			for _, f := range tt.wantFields {
				if fields[f] == "" {
					t.Errorf("fields: got %v, want %q named", fields, f)
				}
			}
			if len(tt.wantFields) > 0 && len(fields) != len(tt.wantFields) {
				t.Errorf("fields: got %v, want only %v", fields, tt.wantFields)
			}
		})
	}
}

func TestReadImportRowLimit(t *testing.T) {
	t.Parallel()
	s := flowSurvey(t)
	file := func(rows int) []byte {
		var b bytes.Buffer
		b.WriteString("form_id,visit\n")
		for i := range rows {
			fmt.Fprintf(&b, "%d,yes\n", i)
		}
		return b.Bytes()
	}
	rows, err := channels.ReadImport(file(surveys.MaxImportRows), s)
	if err != nil || len(rows) != surveys.MaxImportRows {
		t.Errorf("%d rows: got %d rows, %v; want them all", surveys.MaxImportRows, len(rows), err)
	}
	_, err = channels.ReadImport(file(surveys.MaxImportRows+1), s)
	if got, want := surveys.ErrorCode(err), surveys.ETOOLARGE; got != want {
		t.Errorf("%d rows: got %q (%v), want %q", surveys.MaxImportRows+1, got, err, want)
	}
}

// Every row of a file is stored, counted as a duplicate or reported by
// line. A cell that begins with a quoted phrase but goes on after the
// closing quote (typed by hand, or written by a tool that does not quote
// the whole cell) must not make the rows after it disappear.
func TestReadImportStrayQuoteKeepsLaterRows(t *testing.T) {
	t.Parallel()
	s := flowSurvey(t)
	data := "visit,why_low,rating\nyes,\"Best park\" says my son,1\nno,fine,3\nno,also fine,4\n"
	rows, err := channels.ReadImport([]byte(data), s)
	if err != nil {
		return // refusing the file, naming the line, is as good as reading it
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
		if r.Submission != nil && strings.Contains(strings.Join(r.Submission.Answers["why_low"], ""), "fine") {
			t.Errorf("line %d: why_low got %q, want the next lines kept out of it", r.Line, r.Submission.Answers["why_low"])
		}
	}
	if want := []int{2, 3, 4}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines read or reported: got %v, want %v", lines, want)
	}
}

// A line holding nothing but spaces is as blank as ",,": skipped, not
// reported as a row with too few cells.
func TestReadImportWhitespaceLineIsBlank(t *testing.T) {
	t.Parallel()
	rows, err := channels.ReadImport([]byte("visit,comment\r\nyes,x\r\n   \r\n\"\"\r\n"), flowSurvey(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []importedRow{{Line: 2, Answers: map[string][]string{"visit": {"yes"}, "comment": {"x"}}}}
	if got := summarise(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", got, want)
	}
}

// A question may be keyed form_id (the definition rules allow it), and
// then the template names form_id twice and no file filled from it can be
// imported. Either the definition refuses the key or the columns differ.
func TestImportColumnsUnique(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"form_id", "language", "mode"} {
		def := fmt.Sprintf(`
slug: clash
title: {en: "Clash"}
languages: [en]
questions:
  - {key: %s, type: text, prompt: {en: "Number on the form?"}}
`, key)
		s, err := surveys.ParseDefinition([]byte(def))
		if err != nil {
			continue // refused: fine
		}
		cols := channels.ImportColumns(s)
		sorted := slices.Clone(cols)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(cols) {
			t.Errorf("question %q: ImportColumns got %v, want each column once", key, cols)
		}
	}
}
