package channels

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/voices-uk/voices/surveys"
)

// Paper forms and offline collection: a CSV with one row per response. Its
// columns are those of ImportColumns, in any order and any subset; the
// template lists them all. Files come from Excel as often as not, so a byte
// order mark, Windows line endings, Excel's quoting and Windows-1252 text
// are all read as meant.

// Import columns besides the questions'.
const (
	ColumnFormID  = "form_id"  // the paper form's number: two identical rows with different numbers are two people
	ColumnLang    = "language" // the survey language the person answered in (default: the survey's first)
	equalityStart = "equality_"
)

// mediationColumns are the mediation record's columns, as in exports.
var mediationColumns = []string{"entered_by", "mode", "interpreter_language", "interpreter", "consent_confirmed"}

// ImportColumns lists every column an import of s may have, in the order
// the template gives them: the form number and language, each question
// (with its "Other" text and, for free text, the person's own words), the
// equality answers, then the mediation record.
func ImportColumns(s *surveys.Survey) []string {
	cols := []string{ColumnFormID, ColumnLang}
	for i := range s.Questions {
		cols = append(cols, s.Questions[i].Columns()...)
	}
	if s.EqualityMonitoring {
		for _, c := range surveys.EqualityColumns {
			cols = append(cols, equalityStart+c)
		}
	}
	return append(cols, mediationColumns...)
}

// ImportTemplate writes the CSV template for s: the header row, with a
// byte order mark so that Excel opens it as UTF-8.
func ImportTemplate(w io.Writer, s *surveys.Survey) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ImportColumns(s)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// ReadImport reads an import file for s into rows. A file it cannot read
// as a whole (not CSV, unknown columns) is refused with what to fix; a row
// it cannot read comes back with its Problem set, to be reported by line.
func ReadImport(data []byte, s *surveys.Survey) ([]surveys.ImportRow, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		// Excel's "CSV" (not "CSV UTF-8") is Windows-1252 in the UK.
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, surveys.Errorf(surveys.EMALFORMED, "The file is not UTF-8 or Windows-1252 text. Save it from your spreadsheet as \"CSV UTF-8\".")
		}
		data = decoded
	}
	// Quotes are read strictly: a forgiving reader lets a cell such as
	// "Best park" says my son swallow the rest of the file into one answer.
	// A stray quote refuses the file, naming its line.
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, surveys.Errorf(surveys.EINVALID, "The file is empty. Start from the template: its first row names the columns.")
	}
	if err != nil {
		return nil, surveys.Errorf(surveys.EMALFORMED, "The file could not be read as CSV: %v.", err)
	}
	known := map[string]bool{}
	for _, c := range ImportColumns(s) {
		known[c] = true
	}
	fields := map[string]string{}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		header[i] = h
		switch {
		case h == "":
			fields[fmt.Sprintf("column %d", i+1)] = "has no name; name it as in the template, or delete the column"
		case !known[h]:
			fields[h] = "is not a column of this survey's template; check its spelling against the template, or delete the column"
		case seen[h]:
			fields[h] = "appears twice; keep one"
		}
		seen[h] = true
	}
	if len(fields) > 0 {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: "The first row must name the template's columns. Fix the columns listed.", Fields: fields}
	}
	cr.FieldsPerRecord = len(header)
	var rows []surveys.ImportRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var line int
		if err == nil || errors.Is(err, csv.ErrFieldCount) {
			line, _ = cr.FieldPos(0)
		}
		switch {
		case errors.Is(err, csv.ErrFieldCount) && blank(rec):
			continue // a line of spaces, or a lone ""
		case errors.Is(err, csv.ErrFieldCount):
			rows = append(rows, surveys.ImportRow{Line: line,
				Problem: fmt.Sprintf("the row has %d cells but the first row names %d columns", len(rec), len(header))})
			continue
		case err != nil:
			return nil, csvError(err)
		}
		if blank(rec) {
			continue // spreadsheets end with empty rows
		}
		if len(rows) == surveys.MaxImportRows {
			return nil, surveys.Errorf(surveys.ETOOLARGE, "The file has more than %d rows; split it into smaller files.", surveys.MaxImportRows)
		}
		rows = append(rows, importRow(s, header, rec, line))
	}
	return rows, nil
}

// csvError says where a file stops being CSV and what to do about it.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(err, csv.ErrBareQuote) || errors.Is(err, csv.ErrQuote)) {
		return surveys.Errorf(surveys.EMALFORMED, "Line %d has a quote mark inside a cell that is not quoted as a whole. "+
			"Put the whole cell in double quotes and double each quote inside it (\"Best park\"\" says my son\"), as spreadsheets do when they save CSV; nothing was imported.", pe.Line)
	}
	return surveys.Errorf(surveys.EMALFORMED, "The file could not be read as CSV: %v. Nothing was imported.", err)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// importRow reads one row into a submission. Cells are taken as typed:
// multiple choice answers are separated by ";", and an empty cell is no
// answer. Checking is left to the submission rules, as for every channel.
func importRow(s *surveys.Survey, header, rec []string, line int) surveys.ImportRow {
	sub := &surveys.Submission{Answers: map[string][]string{}, Equality: map[string]string{}, Originals: map[string]surveys.Original{}}
	row := surveys.ImportRow{Line: line, Submission: sub}
	for i, col := range header {
		cell := strings.TrimSpace(rec[i])
		if cell == "" {
			continue
		}
		switch {
		case col == ColumnFormID:
			row.FormID = cell
		case col == ColumnLang:
			sub.Language = cell
		case col == "entered_by":
			sub.Mediation.EnteredBy = cell
		case col == "mode":
			sub.Mediation.Mode = cell
		case col == "interpreter_language":
			sub.Mediation.InterpreterLanguage = cell
		case col == "interpreter":
			sub.Mediation.Interpreter = cell
		case col == "consent_confirmed":
			switch strings.ToLower(cell) {
			case "yes", "y", "true", "1":
				sub.Mediation.ConsentConfirmed = true
			case "no", "n", "false", "0":
			default:
				row.Problem = fmt.Sprintf("consent_confirmed: %q is not yes or no", cell)
				return row
			}
		case strings.HasPrefix(col, equalityStart):
			sub.Equality[strings.TrimPrefix(col, equalityStart)] = cell
		case strings.HasSuffix(col, surveys.OriginalLanguageSuffix):
			key := strings.TrimSuffix(col, surveys.OriginalLanguageSuffix)
			o := sub.Originals[key]
			o.Language = cell
			sub.Originals[key] = o
		case strings.HasSuffix(col, surveys.OriginalSuffix):
			key := strings.TrimSuffix(col, surveys.OriginalSuffix)
			o := sub.Originals[key]
			o.Text = cell
			sub.Originals[key] = o
		default:
			if q := s.Question(col); q != nil && q.Type == surveys.TypeMultipleChoice {
				for _, v := range strings.Split(cell, ";") {
					if v = strings.TrimSpace(v); v != "" {
						sub.Answers[col] = append(sub.Answers[col], v)
					}
				}
			} else {
				sub.Answers[col] = []string{cell}
			}
		}
	}
	return row
}
