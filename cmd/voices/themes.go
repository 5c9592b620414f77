package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voices-uk/voices/surveys/themes"
)

// themesPredict trains a model on labelled answers and suggests themes for
// other answers: `voices themes predict --train LABELLED.csv --input
// TEXTS.csv --out PRED.csv`.
func themesPredict(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("themes predict", flag.ContinueOnError)
	train := fs.String("train", "", "labelled answers: a CSV file with text and themes columns (themes separated by |)")
	input := fs.String("input", "", "answers to theme: a CSV file with id and text columns")
	out := fs.String("out", "", "file to write, with id and themes columns (default: standard output)")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("train", *train, "input", *input); err != nil {
		return err
	}
	examples, _, err := readLabelledCSV(*train, "", false, sys)
	if err != nil {
		return err
	}
	ids, texts, err := readAnswers(*input, sys)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := themes.Train(examples, themes.DefaultOptions())
	if err != nil {
		return fmt.Errorf("training on %s: %w", *train, err)
	}
	trained := time.Since(start)
	start = time.Now()
	suggestions := themes.NewSuggester(nil, m).SuggestAll(texts, 0)
	fmt.Fprintf(sys.err, "trained on %d answers (%d themes) in %.1fs; themed %d answers in %.1fs\n",
		len(examples), len(m.Themes()), trained.Seconds(), len(texts), time.Since(start).Seconds())
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"id", "themes"})
		for i, id := range ids {
			var names []string
			for _, s := range suggestions[i] {
				names = append(names, s.Theme)
			}
			cw.Write([]string{id, strings.Join(names, "|")})
		}
		cw.Flush()
		return cw.Error()
	}
	if *out == "" {
		return write(sys.out)
	}
	return writeFileReplacing(*out, write)
}

// themesEvaluate cross-validates the model on labelled answers and prints
// micro and macro F1 and each theme's precision and recall.
func themesEvaluate(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("themes evaluate", flag.ContinueOnError)
	train := fs.String("train", "", "labelled answers: a CSV file with text and themes columns (themes separated by |)")
	folds := fs.Int("folds", 5, "number of cross-validation folds")
	group := fs.String("group-column", "respondent", "column whose rows stay in one fold (e.g. the respondent); empty for none")
	seed := fs.Int64("seed", 1, "seed for shuffling answers into folds")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("train", *train); err != nil {
		return err
	}
	if *folds < 2 {
		return fmt.Errorf("%w: --folds must be at least 2", errUsage)
	}
	// The default column is used when the file has it; one asked for by
	// name must be there.
	groupAsked := false
	fs.Visit(func(f *flag.Flag) { groupAsked = groupAsked || f.Name == "group-column" })
	examples, grouped, err := readLabelledCSV(*train, *group, groupAsked, sys)
	if err != nil {
		return err
	}
	start := time.Now()
	r := themes.CrossValidate(examples, *folds, themes.DefaultOptions(), *seed)
	if r.Folds < 2 {
		return fmt.Errorf("%s: too few answers (or groups) to cross-validate", *train)
	}
	how := "not grouped"
	if grouped {
		how = "grouped by " + *group
	}
	fmt.Fprintf(sys.out, "%d-fold cross-validation (%s) of %d answers, %d themes, in %.1fs\n\n",
		r.Folds, how, len(examples), len(r.PerTheme), time.Since(start).Seconds())
	fmt.Fprintf(sys.out, "micro-F1  %.3f  (precision %.3f, recall %.3f)\n", r.MicroF1, r.MicroPrecision, r.MicroRecall)
	fmt.Fprintf(sys.out, "macro-F1  %.3f  (mean over the %d themes)\n\n", r.MacroF1, len(r.PerTheme))
	tw := tabwriter.NewWriter(sys.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "support\tprecision\trecall\tF1\t\ttheme")
	for _, s := range r.PerTheme {
		fmt.Fprintf(tw, "%d\t%.3f\t%.3f\t%.3f\t\t%s\n", s.Support, s.Precision, s.Recall, s.F1, s.Theme)
	}
	return tw.Flush()
}

// readLabelledCSV reads labelled answers: text and themes columns (themes
// separated by |), any other columns ignored. group names the column that
// groups answers for cross-validation ("" for none), which must be there
// if required, and grouped says whether it was. Rows without text or
// themes are left out, and said so.
func readLabelledCSV(path, group string, required bool, sys stdio) (examples []themes.Example, grouped bool, err error) {
	want := []string{"text", "themes"}
	if group != "" && required {
		want = append(want, strings.ToLower(group))
	}
	rows, col, err := readCSVColumns(path, want...)
	if err != nil {
		return nil, false, err
	}
	g, hasGroup := col[strings.ToLower(group)]
	hasGroup = hasGroup && group != ""
	skipped := 0
	for _, row := range rows {
		text := strings.TrimSpace(row[col["text"]])
		var names []string
		for _, t := range strings.Split(row[col["themes"]], "|") {
			if t = strings.TrimSpace(t); t != "" {
				names = append(names, t)
			}
		}
		if text == "" || len(names) == 0 {
			skipped++
			continue
		}
		e := themes.Example{Text: text, Themes: names}
		if hasGroup {
			e.Group = row[g]
		}
		examples = append(examples, e)
	}
	if skipped > 0 {
		fmt.Fprintf(sys.err, "%s: left out %d rows without text or themes\n", path, skipped)
	}
	if len(examples) == 0 {
		return nil, false, fmt.Errorf("%s has no rows with both text and themes", path)
	}
	return examples, hasGroup, nil
}

// readCSVColumns reads a CSV file with a header row (a byte order mark and CRLF
// line ends are fine), checks it has the columns named (in any order, any
// case), and returns the rows after the header and each column's index by
// its lower-case name.
func readCSVColumns(path string, columns ...string) ([][]string, map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s is empty: it needs a header row with the columns %s", path, strings.Join(columns, ", "))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a readable CSV file: %w", path, err)
	}
	col := map[string]int{}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := col[name]; !dup {
			col[name] = i
		}
	}
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("%s has no %q column (its header is: %s)", path, c, strings.Join(header, ","))
		}
	}
	rows, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a readable CSV file: %w", path, err)
	}
	return rows, col, nil
}

// writeFileReplacing writes path through a temporary file beside it, so
// a failure never leaves half a file where a whole one is expected.
func writeFileReplacing(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".voices-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
