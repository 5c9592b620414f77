package export_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
	"github.com/voices-uk/voices/surveys/export"
)

// protectedSummary has a theme of 30 (24 on the web, 6 by text message,
// so both hidden), a theme of 7 (hidden) named like a formula, and no
// rating question.
func protectedSummary(t *testing.T) *disclosure.Summary {
	t.Helper()
	q := surveys.QuestionSummary{Question: "comment", Respondents: 31, Themes: []surveys.ThemeCount{
		{Theme: "paths", Name: "Paths", Respondents: 30, ByChannel: map[string]int{"web": 24, "sms": 6},
			ByEnteredBy: map[string]int{"self": 30}, ByMonth: []surveys.MonthCount{{Month: "2026-03", Respondents: 30}},
			Quotes: []surveys.Quote{{Text: "=too dark"}}},
		{Theme: "sums", Name: "=SUM(A1)", Respondents: 7, ByChannel: map[string]int{"web": 7},
			ByEnteredBy: map[string]int{"self": 7}, ByMonth: []surveys.MonthCount{{Month: "2026-03", Respondents: 7}}},
	}}
	overall := q
	overall.Question = ""
	sum, err := disclosure.ProtectSummary(&surveys.ThemeSummary{CodebookVersion: 3, Overall: overall, Questions: []surveys.QuestionSummary{q}}, disclosure.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestSummaryCSV(t *testing.T) {
	sum := protectedSummary(t)
	var b bytes.Buffer
	if err := export.SummaryCSV(&b, sum); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back (every row must be as wide as the header): %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	tests := []struct {
		row          int
		column, want string
	}{
		{1, "question", "all"},
		{1, "respondents_answering", "30"}, // 31, rounded
		{1, "respondents", "30"},
		{1, "share", "1.0000"},
		{1, "channel_web", "[c]"}, // 24, hidden so 6 cannot be had from 30
		{1, "channel_sms", "[c]"},
		{1, "channel_api", "0"},
		{1, "entered_by_self", "30"},
		{1, "positive", ""}, // no rating question
		{1, "quote_1", "'=too dark"},
		{2, "name", "'=SUM(A1)"},
		{2, "respondents", "[c]"},
		{2, "share", "[c]"},
		{2, "channel_web", "[c]"},
		{2, "entered_by_officer", "[c]"}, // nothing about a hidden theme is split out
		{3, "question", "comment"},
		{5, "codebook_version", "[c] marks a hidden number. " + sum.Rule},
	}
	if len(rows) != 6 {
		t.Fatalf("got %d rows, want a header, 4 themes and a note", len(rows))
	}
	for _, tt := range tests {
		if got := rows[tt.row][col[tt.column]]; got != tt.want {
			t.Errorf("row %d, %s: got %q, want %q", tt.row, tt.column, got, tt.want)
		}
	}
}

func TestSummaryXLSX(t *testing.T) {
	sum := protectedSummary(t)
	var b bytes.Buffer
	if err := export.SummaryXLSX(&b, sum); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	tests := []struct {
		cell, want string
		typ        excelize.CellType
	}{
		{"G2", "30", excelize.CellTypeUnset}, // respondents: a number (excelize leaves its type unset)
		{"I2", "[c]", excelize.CellTypeSharedString},
		{"G3", "[c]", excelize.CellTypeSharedString},
		{"E3", "'=SUM(A1)", excelize.CellTypeSharedString},
		{"A6", "[c] marks a hidden number. " + sum.Rule, excelize.CellTypeSharedString},
	}
	for _, tt := range tests {
		got, err := book.GetCellValue("Themes", tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := book.GetCellType("Themes", tt.cell)
		if got != tt.want || typ != tt.typ {
			t.Errorf("%s: got %q of type %v, want %q of type %v", tt.cell, got, typ, tt.want, tt.typ)
		}
		if f, _ := book.GetCellFormula("Themes", tt.cell); f != "" {
			t.Errorf("%s: got the formula %q", tt.cell, f)
		}
	}
}
