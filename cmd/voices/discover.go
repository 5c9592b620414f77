package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/voices-uk/voices/surveys/themes"
	"golang.org/x/text/encoding/charmap"
)

// themesDiscover groups free-text answers into candidate themes:
// voices themes discover --input TEXTS.csv --out CLUSTERS.csv
func themesDiscover(_ context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("themes discover", flag.ContinueOnError)
	input := fs.String("input", "", "CSV of answers with the columns id and text (- for standard input)")
	out := fs.String("out", "", "CSV to write, with the columns id, cluster and label (default: standard output)")
	defaults := themes.DefaultDiscoverOptions()
	clusters := fs.Int("clusters", 0, "how many candidate themes (default: √(answers/2), between --min-clusters and --max-clusters)")
	minClusters := fs.Int("min-clusters", defaults.MinClusters, "fewest candidate themes when their number is chosen")
	maxClusters := fs.Int("max-clusters", defaults.MaxClusters, "most candidate themes when their number is chosen")
	seed := fs.Int64("seed", defaults.Seed, "seed for the random starts: the same seed gives the same clusters")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("input", *input); err != nil {
		return err
	}
	ids, texts, err := readAnswers(*input, sys)
	if err != nil {
		return err
	}

	opts := defaults
	opts.Clusters, opts.MinClusters, opts.MaxClusters, opts.Seed = *clusters, *minClusters, *maxClusters, *seed
	cands := themes.Discover(texts, opts)
	cluster := make([]int, len(texts)) // 0: left out
	for c, cand := range cands {
		for _, m := range cand.Members {
			cluster[m] = c + 1
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "cluster", "label"})
	for i, id := range ids {
		// The id is written as given, so the file joins back to the input.
		row := []string{id, "", ""}
		if c := cluster[i]; c > 0 {
			row[1], row[2] = strconv.Itoa(c), cands[c-1].Label
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	left := 0
	for _, c := range cluster {
		if c == 0 {
			left++
		}
	}
	fmt.Fprintf(sys.err, "%d candidate themes from %d answers; %d answers had no words shared with any other answer and are in none\n", len(cands), len(texts), left)
	if *out == "" || *out == "-" {
		_, err := sys.out.Write(buf.Bytes())
		return err
	}
	return writeFileReplacing(*out, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// readAnswers reads the answers of a CSV file of id and text columns, or of
// standard input when path is "-".
func readAnswers(path string, sys stdio) (ids, texts []string, err error) {
	var data []byte
	name := path
	if path == "-" {
		name = "standard input"
		data, err = io.ReadAll(sys.in)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return readAnswersCSV(name, data)
}

// readAnswersCSV reads a CSV with a header naming the columns id and text (in
// any order, other columns ignored), as spreadsheets save it: a byte order
// mark, CRLF line ends, or Windows-1252 instead of UTF-8 are all fine.
// Every mistake names the file, and the line and column where it can.
func readAnswersCSV(name string, data []byte) (ids, texts []string, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		// Excel's "CSV" (not "CSV UTF-8") is Windows-1252 in the UK.
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return nil, nil, fmt.Errorf("%s is not UTF-8 or Windows-1252 text: save it from your spreadsheet as \"CSV UTF-8\"", name)
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s is empty: its first row must name the columns id and text", name)
	}
	if err != nil {
		return nil, nil, csvProblem(name, err)
	}
	idCol, textCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "id":
			if idCol >= 0 {
				return nil, nil, fmt.Errorf("%s: the column \"id\" appears twice in the first row; keep one", name)
			}
			idCol = i
		case "text":
			if textCol >= 0 {
				return nil, nil, fmt.Errorf("%s: the column \"text\" appears twice in the first row; keep one", name)
			}
			textCol = i
		}
	}
	for _, col := range []struct {
		name string
		at   int
	}{{"id", idCol}, {"text", textCol}} {
		if col.at < 0 {
			return nil, nil, fmt.Errorf("%s: no column \"%s\": the first row must name the columns id and text (it names %s)", name, col.name, quotedCells(header))
		}
	}
	cr.FieldsPerRecord = len(header)
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvProblem(name, err)
		}
		line, _ := cr.FieldPos(0)
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			if strings.TrimSpace(strings.Join(rec, "")) == "" {
				continue // spreadsheets end with empty rows
			}
			return nil, nil, fmt.Errorf("%s line %d: the column \"id\" is empty; give every answer an id", name, line)
		}
		if first, ok := firstLine[id]; ok {
			return nil, nil, fmt.Errorf("%s line %d: the column \"id\" repeats %q from line %d; ids must be unique", name, line, id, first)
		}
		firstLine[id] = line
		ids = append(ids, id)
		texts = append(texts, rec[textCol])
	}
	return ids, texts, nil
}

// csvProblem says where and how a CSV file is broken.
func csvProblem(name string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	switch {
	case errors.Is(err, csv.ErrFieldCount):
		return fmt.Errorf("%s line %d: the row has a different number of cells from the first row", name, pe.StartLine)
	case errors.Is(err, csv.ErrBareQuote), errors.Is(err, csv.ErrQuote):
		return fmt.Errorf("%s line %d, column %d: a quote mark inside a cell that is not quoted as a whole; put the whole cell in double quotes and double each quote inside it", name, pe.Line, pe.Column)
	}
	return fmt.Errorf("%s line %d: %v", name, pe.Line, pe.Err)
}

func quotedCells(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = strconv.Quote(c)
	}
	return strings.Join(q, ", ")
}
