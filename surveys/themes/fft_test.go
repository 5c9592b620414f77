package themes

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fftDevPath is the NHS Friends and Family Test data shared beside the
// repository (see its README); tests that need it skip when it is absent.
var fftDevPath = filepath.Join("..", "..", "..", "shared", "data", "themes", "fft-dev.csv")

// fftRow is one row of fft-dev.csv.
type fftRow struct {
	Example
	Sentiment string
}

func loadFFTRows(t testing.TB) []fftRow {
	t.Helper()
	f, err := os.Open(fftDevPath)
	if os.IsNotExist(err) {
		t.Skipf("%s is not here", fftDevPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	var rows []fftRow
	for _, r := range records[1:] {
		rows = append(rows, fftRow{
			Example:   Example{Text: r[col["text"]], Themes: strings.Split(r[col["themes"]], "|"), Group: r[col["respondent"]]},
			Sentiment: r[col["sentiment"]],
		})
	}
	return rows
}

func fftExamples(t testing.TB) []Example {
	rows := loadFFTRows(t)
	out := make([]Example, len(rows))
	for i, r := range rows {
		out[i] = r.Example
	}
	return out
}
