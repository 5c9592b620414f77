package export

import (
	"io"
	"strconv"

	"github.com/voices-uk/voices/surveys/disclosure"
)

// A breakdown as a spreadsheet: one row per published cell, exactly as
// disclosure protected it (hidden counts are blank, never the raw number),
// and the rules as a last note, as under every table on the page.

// CategoryLabel names a category for people: a category of the
// by-dimension dimension, or, with dimension "", a value of the
// breakdown's question or theme. "*" is the total.
type CategoryLabel func(dimension, category string) string

// BreakdownRows returns the header and one row per cell: for each
// by-dimension its category id and label, then the value and its label,
// count (blank when suppressed), suppressed, share, lift and p (blank when
// not published).
func BreakdownRows(b *disclosure.Breakdown, label CategoryLabel) [][]string {
	var header []string
	for _, d := range b.By {
		header = append(header, d, d+"_label")
	}
	header = append(header, "value", "value_label", "count", "suppressed", "share", "lift", "p")
	rows := [][]string{header}
	number := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'g', -1, 64) // shortest: 0.0153, 1.22e-24
	}
	for _, c := range b.Cells {
		var row []string
		for _, d := range b.By {
			row = append(row, c.Group[d], label(d, c.Group[d]))
		}
		valueLabel := ""
		if c.Value != "" {
			valueLabel = label("", c.Value)
		}
		count := ""
		if c.Count != nil {
			count = strconv.Itoa(*c.Count)
		}
		row = append(row, c.Value, valueLabel, count, strconv.FormatBool(c.Suppressed), number(c.Share), number(c.Lift), number(c.P))
		rows = append(rows, row)
	}
	return rows
}

// BreakdownCSV writes the breakdown as CSV, with the rules in the first
// cell of a last row (see TableCSV).
func BreakdownCSV(w io.Writer, b *disclosure.Breakdown, label CategoryLabel) error {
	rows := BreakdownRows(b, label)
	note := make([]string, len(rows[0])) // as wide as the rest, for readers that want every row alike
	note[0] = disclosure.RuleText(b.Threshold, b.Rounding)
	return TableCSV(w, append(rows, note))
}

// BreakdownXLSX writes the breakdown as an Excel workbook: counts, shares,
// lifts and p-values as numbers, and the rules on a line of their own
// after a blank one (see TableXLSX).
func BreakdownXLSX(w io.Writer, b *disclosure.Breakdown, label CategoryLabel) error {
	rows := append(BreakdownRows(b, label), nil, []string{disclosure.RuleText(b.Threshold, b.Rounding)})
	return TableXLSX(w, "Breakdown", rows, func(column string) bool {
		return column == "count" || column == "share" || column == "lift" || column == "p"
	})
}
