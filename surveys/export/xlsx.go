package export

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
)

// xlsxWriter streams rows into one worksheet. excelize's StreamWriter keeps
// rows in a temporary file once they pass a small buffer, so memory stays flat.
type xlsxWriter struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	s      *surveys.Survey
	rowNum int
}

func newXLSX(w io.Writer, s *surveys.Survey) (*xlsxWriter, error) {
	f := excelize.NewFile()
	const sheet = "Responses"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	// Panes must be set before the first row: keep the header in view.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	x := &xlsxWriter{w: w, f: f, sw: sw, s: s}
	return x, x.writeRow(Columns(s))
}

func (x *xlsxWriter) writeRow(cells []string) error {
	x.rowNum++
	row := make([]any, len(cells))
	for i, c := range cells {
		// Every cell is written as text, so nothing is ever read as a formula;
		// SafeCell also marks formula-like text for anyone who re-saves as CSV.
		row[i] = excelize.Cell{Value: SafeCell(c)}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.rowNum)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, row)
}

func (x *xlsxWriter) Write(r *surveys.Response) error {
	return x.writeRow(Row(x.s, r))
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}
