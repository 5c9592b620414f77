package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// The themed summary as a spreadsheet: one row per question and theme
// (the overall rows first, question "all"), with the splits as columns, and
// a last row stating how small numbers are protected. Only a protected
// summary is written: a hidden count is "[c]", as in ONS tables.

// Hidden marks a count hidden to protect the people who answered.
const Hidden = "[c]"

// SummaryNote is the note written under the summary's table.
func SummaryNote(sum *disclosure.Summary) string {
	return Hidden + " marks a hidden number. " + sum.Rule
}

// SummaryRows returns the summary's header, rows and note.
func SummaryRows(sum *disclosure.Summary) [][]string {
	channels := make([]string, len(surveys.Channels))
	for i, c := range surveys.Channels {
		channels[i] = string(c)
	}
	entered := []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}
	sentiments := []string{"positive", "neutral", "negative", "not_rated"}
	header := []string{"codebook_version", "question", "respondents_answering", "theme", "name", "parent", "respondents", "share"}
	for _, c := range channels {
		header = append(header, "channel_"+c)
	}
	for _, e := range entered {
		header = append(header, "entered_by_"+e)
	}
	header = append(header, sentiments...)
	for i := 1; i <= surveys.QuotesPerTheme; i++ {
		header = append(header, fmt.Sprintf("quote_%d", i), fmt.Sprintf("quote_%d_original", i))
	}
	rows := [][]string{header}
	for _, q := range append([]disclosure.SummaryQuestion{sum.Overall}, sum.Questions...) {
		question := q.Question
		if question == "" {
			question = "all"
		}
		for _, t := range q.Themes {
			share := Hidden
			if t.Share != nil {
				share = strconv.FormatFloat(*t.Share, 'f', 4, 64)
			}
			row := []string{strconv.Itoa(sum.CodebookVersion), question, countCell(q.Respondents), t.Theme, t.Name, t.Parent,
				countCell(t.Respondents), share}
			for _, c := range channels {
				row = append(row, splitCell(t, t.ByChannel, c))
			}
			for _, e := range entered {
				row = append(row, splitCell(t, t.ByEnteredBy, e))
			}
			for _, s := range sentiments {
				if sum.Sentiment == "" {
					row = append(row, "")
				} else {
					row = append(row, splitCell(t, t.Sentiment, s))
				}
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
	// The note is a row as wide as the others, so CSV readers that expect
	// every row to have the same fields still read the file.
	note := make([]string, len(header))
	note[0] = SummaryNote(sum)
	return append(rows, note)
}

func countCell(n *int) string {
	if n == nil {
		return Hidden
	}
	return strconv.Itoa(*n)
}

// splitCell is the theme's count in one category of a split: hidden with
// the theme, 0 when the category is not in the split.
func splitCell(t disclosure.SummaryTheme, split []disclosure.SummaryCell, category string) string {
	if t.Suppressed {
		return Hidden
	}
	for _, c := range split {
		if c.Category == category {
			return countCell(c.Respondents)
		}
	}
	return "0"
}

// SummaryCSV writes the summary as CSV (see TableCSV).
func SummaryCSV(w io.Writer, sum *disclosure.Summary) error {
	return TableCSV(w, SummaryRows(sum))
}

// SummaryXLSX writes the summary as an Excel workbook: counts and shares as
// numbers ("[c]" where hidden), everything else as text.
func SummaryXLSX(w io.Writer, sum *disclosure.Summary) error {
	return TableXLSX(w, "Themes", SummaryRows(sum), func(h string) bool {
		return h == "codebook_version" || h == "respondents_answering" || h == "respondents" || h == "share" ||
			h == "positive" || h == "neutral" || h == "negative" || h == "not_rated" || strings.HasPrefix(h, "channel_") || strings.HasPrefix(h, "entered_by_")
	})
}
