package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// TableCSV writes rows, the first being the header, as CSV (UTF-8 with a
// BOM, so Excel reads it), every cell made safe from formulas.
func TableCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, row := range rows {
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

// TableXLSX writes rows, the first being the header, as a workbook of one
// sheet. Cells in the columns numeric names are numbers where they parse,
// so a spreadsheet can add them up; everything else is text, never a
// formula.
func TableXLSX(w io.Writer, sheet string, rows [][]string, numeric func(column string) bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	var header []string
	if len(rows) > 0 {
		header = rows[0]
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = SafeCell(c)
			if i == 0 || j >= len(header) || !numeric(header[j]) {
				continue
			}
			if n, err := strconv.ParseFloat(c, 64); err == nil {
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
