package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
)

// The themed summary as a spreadsheet: one row per question and theme
// (the overall rows first, question "all"), with the splits as columns.

// SummaryRows returns the summary's header and rows.
func SummaryRows(sum *surveys.ThemeSummary) [][]string {
	channels := make([]string, len(surveys.Channels))
	for i, c := range surveys.Channels {
		channels[i] = string(c)
	}
	entered := []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}
	header := []string{"codebook_version", "question", "respondents_answering", "theme", "name", "parent", "respondents", "share"}
	for _, c := range channels {
		header = append(header, "channel_"+c)
	}
	for _, e := range entered {
		header = append(header, "entered_by_"+e)
	}
	header = append(header, "positive", "neutral", "negative")
	for i := 1; i <= surveys.QuotesPerTheme; i++ {
		header = append(header, fmt.Sprintf("quote_%d", i), fmt.Sprintf("quote_%d_original", i))
	}
	rows := [][]string{header}
	for _, q := range append([]surveys.QuestionSummary{sum.Overall}, sum.Questions...) {
		question := q.Question
		if question == "" {
			question = "all"
		}
		for _, t := range q.Themes {
			row := []string{strconv.Itoa(sum.CodebookVersion), question, strconv.Itoa(q.Respondents), t.Theme, t.Name, t.Parent,
				strconv.Itoa(t.Respondents), strconv.FormatFloat(t.Share, 'f', 4, 64)}
			for _, c := range channels {
				row = append(row, strconv.Itoa(t.ByChannel[c]))
			}
			for _, e := range entered {
				row = append(row, strconv.Itoa(t.ByEnteredBy[e]))
			}
			if s := t.Sentiment; s != nil {
				row = append(row, strconv.Itoa(s.Positive), strconv.Itoa(s.Neutral), strconv.Itoa(s.Negative))
			} else {
				row = append(row, "", "", "")
			}
			for i := 0; i < surveys.QuotesPerTheme; i++ {
				if i < len(t.Quotes) {
					row = append(row, t.Quotes[i].Text, t.Quotes[i].Original)
				} else {
					row = append(row, "", "")
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// SummaryCSV writes the summary as CSV (UTF-8 with a BOM, so Excel reads
// it), every cell made safe from formulas.
func SummaryCSV(w io.Writer, sum *surveys.ThemeSummary) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, row := range SummaryRows(sum) {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = SafeCell(c)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SummaryXLSX writes the summary as an Excel workbook, every cell as text.
func SummaryXLSX(w io.Writer, sum *surveys.ThemeSummary) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Themes"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	rows := SummaryRows(sum)
	numeric := make([]bool, len(rows[0]))
	for j, h := range rows[0] {
		// Counts and shares are numbers, so a spreadsheet can add them up;
		// everything else is text, never a formula.
		numeric[j] = h == "codebook_version" || h == "respondents_answering" || h == "respondents" || h == "share" ||
			h == "positive" || h == "neutral" || h == "negative" || strings.HasPrefix(h, "channel_") || strings.HasPrefix(h, "entered_by_")
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = SafeCell(c)
			if n, err := strconv.ParseFloat(c, 64); err == nil && i > 0 && numeric[j] {
				cells[j] = n
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	return f.Write(w)
}
