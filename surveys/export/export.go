// Package export writes responses out as CSV, JSON or XLSX, one row (or
// object) per response, streaming: memory does not grow with the number of
// responses.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Formats lists the export formats.
var Formats = []string{"csv", "json", "xlsx"}

// ContentType returns the media type of a format.
func ContentType(format string) string {
	switch format {
	case "csv":
		return "text/csv; charset=utf-8"
	case "json":
		return "application/json"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// Writer writes responses one at a time; Close finishes the file.
type Writer interface {
	Write(r *surveys.Response) error
	Close() error
}

// New returns a Writer for format ("csv", "json" or "xlsx").
func New(format string, w io.Writer, s *surveys.Survey) (Writer, error) {
	switch format {
	case "csv":
		return newCSV(w, s)
	case "json":
		return newJSON(w, s), nil
	case "xlsx":
		return newXLSX(w, s)
	}
	return nil, surveys.Errorf(surveys.EINVALID, "Export format %q is not known; use csv, json or xlsx.", format)
}

// Responses writes every response to s that f selects, in format, to w.
func Responses(ctx context.Context, store surveys.Store, s *surveys.Survey, f surveys.ResponseFilter, format string, w io.Writer) error {
	out, err := New(format, w, s)
	if err != nil {
		return err
	}
	if err := store.EachResponse(ctx, s.ID, f, out.Write); err != nil {
		return err
	}
	return out.Close()
}

// Columns are the export's column names: the response's own fields, one per
// question key (and its "_other" text), then the equality fields.
func Columns(s *surveys.Survey) []string {
	cols := []string{"reference", "submitted_at", "channel", "language", "entered_by", "mode", "interpreter_language", "interpreter", "organisation"}
	for i := range s.Questions {
		cols = append(cols, s.Questions[i].Columns()...)
	}
	if s.EqualityMonitoring {
		for _, c := range surveys.EqualityColumns {
			cols = append(cols, "equality_"+c)
		}
	}
	return cols
}

// Row returns the cells of r in the order of Columns(s). Multiple choice
// answers are joined by "; ".
func Row(s *surveys.Survey, r *surveys.Response) []string {
	m := r.Mediation
	row := []string{r.Reference, r.SubmittedAt.UTC().Format(time.RFC3339), string(r.Channel), r.Language,
		m.EnteredBy, m.Mode, m.InterpreterLanguage, m.Interpreter, m.Organisation}
	for _, q := range s.Questions {
		row = append(row, strings.Join(r.Answer(q.Key), "; "))
		if q.Other {
			row = append(row, strings.Join(r.Answer(surveys.OtherKey(q.Key)), "; "))
		}
		if q.Type == surveys.TypeText || q.Type == surveys.TypeLongText {
			o := r.Originals[q.Key]
			row = append(row, o.Text, o.Language)
		}
	}
	if s.EqualityMonitoring {
		for _, c := range surveys.EqualityColumns {
			row = append(row, r.Equality[c])
		}
	}
	return row
}

// SafeCell stops a spreadsheet from running a cell as a formula: text that
// starts with = + - @, a tab or a carriage return gets a leading apostrophe.
// Plain numbers such as -5 are left alone: they cannot run anything.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' {
			return s
		}
		return "'" + s
	}
	return s
}

type csvWriter struct {
	buf *bufio.Writer
	csv *csv.Writer
	s   *surveys.Survey
	row []string
}

func newCSV(w io.Writer, s *surveys.Survey) (*csvWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	c := &csvWriter{buf: buf, csv: csv.NewWriter(buf), s: s}
	return c, c.csv.Write(Columns(s))
}

func (c *csvWriter) Write(r *surveys.Response) error {
	c.row = Row(c.s, r)
	for i := range c.row {
		c.row[i] = SafeCell(c.row[i])
	}
	return c.csv.Write(c.row)
}

func (c *csvWriter) Close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// jsonWriter writes a JSON array with one object per response.
type jsonWriter struct {
	buf   *bufio.Writer
	enc   *json.Encoder
	s     *surveys.Survey
	count int
}

func newJSON(w io.Writer, s *surveys.Survey) *jsonWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &jsonWriter{buf: buf, enc: enc, s: s}
}

func (j *jsonWriter) Write(r *surveys.Response) error {
	sep := ",\n"
	if j.count == 0 {
		sep = "[\n"
	}
	j.count++
	if _, err := j.buf.WriteString(sep); err != nil {
		return err
	}
	return j.enc.Encode(JSON(j.s, r))
}

func (j *jsonWriter) Close() error {
	end := "]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	if _, err := j.buf.WriteString(end); err != nil {
		return err
	}
	return j.buf.Flush()
}

// ResponseJSON is the JSON form of a response, in exports and the API.
type ResponseJSON struct {
	ID          int64                       `json:"id"`
	Reference   string                      `json:"reference"`
	SubmittedAt time.Time                   `json:"submitted_at"`
	Channel     surveys.Channel             `json:"channel"`
	Language    string                      `json:"language"`
	Mediation   surveys.Mediation           `json:"mediation"`
	Answers     map[string]any              `json:"answers"`
	Equality    map[string]string           `json:"equality,omitempty"`
	Originals   map[string]surveys.Original `json:"originals,omitempty"`
}

// JSON returns the JSON form of r: multiple choice answers as lists, scale
// and number answers as numbers, everything else as text.
func JSON(s *surveys.Survey, r *surveys.Response) ResponseJSON {
	answers := make(map[string]any, len(r.Answers))
	for _, a := range r.Answers {
		q := s.Question(a.Key)
		switch {
		case q != nil && q.Type == surveys.TypeMultipleChoice:
			answers[a.Key] = a.Values
		case q != nil && (q.Type == surveys.TypeScale || q.Type == surveys.TypeNumber):
			answers[a.Key] = json.Number(a.Values[0])
		default:
			answers[a.Key] = strings.Join(a.Values, "; ")
		}
	}
	out := ResponseJSON{ID: r.ID, Reference: r.Reference, SubmittedAt: r.SubmittedAt.UTC(), Channel: r.Channel,
		Language: r.Language, Mediation: r.Mediation, Answers: answers, Originals: r.Originals}
	if s.EqualityMonitoring { // as in Columns: a view without equality (see User.SeesEquality) has none
		out.Equality = r.Equality
	}
	return out
}
