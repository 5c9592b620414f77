package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelledCSV is a small labelled file as a spreadsheet saves it: a byte
// order mark, CRLF line ends, the columns in another order and one more.
func labelledCSV() string {
	rows := []string{"respondent,themes,text,sentiment"}
	add := func(themes string, texts ...string) {
		for i, t := range texts {
			rows = append(rows, "r"+themes[:2]+string(rune('a'+i/2))+","+themes+",\""+t+"\",2")
		}
	}
	add("Transport", "the ambulance was late", "ambulance driver got lost", "the transport driver was rude",
		"van broke down", "driver and ambulance crew", "waited for the transport van", "the ambulance never came", "driver lost again")
	add("Food", "the food was cold", "lunch was cold again", "more food choices please", "meals were tasty",
		"the lunch menu is boring", "hot meals would help", "food portions too small", "tasty lunch")
	add("Staff|Food", "kind nurses brought lunch", "lovely staff, cold food")
	add("Staff", "nurses were kind", "the nurse was lovely", "kind and caring staff", "staff were lovely",
		"caring nurses", "lovely kind staff", "the staff listened", "nurse listened to me")
	rows = append(rows, "rx,,no themes here: left out,3", "ry,Food,,3")
	return "\ufeff" + strings.Join(rows, "\r\n") + "\r\n"
}

func themesFixture(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestThemesPredict(t *testing.T) {
	dir := t.TempDir()
	train := themesFixture(t, dir, "labelled.csv", labelledCSV())
	input := themesFixture(t, dir, "texts.csv", "\ufefftext,id\r\n"+
		"The ambulance driver was late,a1\r\n"+
		"\"cold lunch, again\",a2\r\n"+
		"lovely caring nurses,a3\r\n"+
		",a4\r\n")
	out := filepath.Join(dir, "pred.csv")

	code, stdout, stderr := cli(t, "", nil, "themes", "predict", "--train", train, "--input", input, "--out", out)
	if code != 0 {
		t.Fatalf("got %d, %s", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "trained on 26 answers (3 themes)") || !strings.Contains(stderr, "left out 2 rows") {
		t.Errorf("got output %q and %q, want the summary on standard error", stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != "id,themes" {
		t.Fatalf("got %q, want a header and 4 rows", rows)
	}
	want := map[string]string{"a1": "Transport", "a2": "Food", "a3": "Staff"}
	for _, row := range rows[1:] {
		if w, ok := want[row[0]]; ok && strings.Split(row[1], "|")[0] != w {
			t.Errorf("%s: got themes %q, want %s first", row[0], row[1], w)
		}
	}
	if rows[4][0] != "a4" {
		t.Errorf("got %q, want the rows in the input's order", rows)
	}

	// Without --out, the predictions go to standard output.
	code, stdout, _ = cli(t, "", nil, "themes", "predict", "--train", train, "--input", input)
	if code != 0 || !strings.HasPrefix(stdout, "id,themes\n") || !strings.Contains(stdout, "a1,Transport") {
		t.Errorf("to standard output: got %d %q", code, stdout)
	}
}

func TestThemesEvaluate(t *testing.T) {
	dir := t.TempDir()
	train := themesFixture(t, dir, "labelled.csv", labelledCSV())
	code, stdout, stderr := cli(t, "", nil, "themes", "evaluate", "--train", train, "--folds", "3")
	if code != 0 {
		t.Fatalf("got %d, %s", code, stderr)
	}
	for _, want := range []string{"3-fold cross-validation (grouped by respondent) of 26 answers, 3 themes", "micro-F1", "macro-F1",
		"support  precision  recall", "Transport\n", "Staff\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want %q in it", stdout, want)
		}
	}
	// No respondent column: not grouped, unless one was asked for by name.
	plain := themesFixture(t, dir, "plain.csv", "text,themes\na,A\nb,B\nc,A\nd,B\n")
	if code, stdout, stderr := cli(t, "", nil, "themes", "evaluate", "--train", plain, "--folds", "2"); code != 0 || !strings.Contains(stdout, "(not grouped)") {
		t.Errorf("no respondent column: got %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, "", nil, "themes", "evaluate", "--train", plain, "--group-column", "respondent"); code != 1 ||
		!strings.Contains(stderr, `plain.csv has no "respondent" column`) {
		t.Errorf("asked-for column missing: got %d %q", code, stderr)
	}
}

func TestThemesBadInput(t *testing.T) {
	dir := t.TempDir()
	good := themesFixture(t, dir, "good.csv", labelledCSV())
	texts := themesFixture(t, dir, "texts.csv", "id,text\n1,hello\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --train", []string{"themes", "predict", "--input", texts}, 2, "--train is required"},
		{"no --input", []string{"themes", "predict", "--train", good}, 2, "--input is required"},
		{"a missing file", []string{"themes", "predict", "--train", filepath.Join(dir, "nope.csv"), "--input", texts}, 1, "reading " + filepath.Join(dir, "nope.csv")},
		{"an empty file", []string{"themes", "predict", "--train", themesFixture(t, dir, "empty.csv", ""), "--input", texts}, 1,
			"empty.csv is empty: it needs a header row with the columns text, themes"},
		{"no themes column", []string{"themes", "predict", "--train", themesFixture(t, dir, "nothemes.csv", "text,theme\nhi,A\n"), "--input", texts}, 1,
			`nothemes.csv has no "themes" column (its header is: text,theme)`},
		{"no text column in the input", []string{"themes", "predict", "--train", good, "--input", themesFixture(t, dir, "notext.csv", "id,answer\n1,hi\n")}, 1,
			`notext.csv: no column "text"`},
		{"not CSV", []string{"themes", "predict", "--train", themesFixture(t, dir, "broken.csv", "text,themes\n\"hi,A\nbye\",B,C\n"), "--input", texts}, 1,
			"broken.csv is not a readable CSV file"},
		{"a short row", []string{"themes", "predict", "--train", good, "--input", themesFixture(t, dir, "short.csv", "id,text\n1,hi\n2\n")}, 1,
			"short.csv line 3: the row has a different number of cells from the first row"},
		{"nothing labelled", []string{"themes", "predict", "--train", themesFixture(t, dir, "unlabelled.csv", "text,themes\nhi,\n"), "--input", texts}, 1,
			"unlabelled.csv has no rows with both text and themes"},
		{"one fold", []string{"themes", "evaluate", "--train", good, "--folds", "1"}, 2, "--folds must be at least 2"},
		{"too few to cross-validate", []string{"themes", "evaluate", "--train", themesFixture(t, dir, "one.csv", "text,themes\nhi,A\n")}, 1,
			"one.csv: too few answers"},
		{"unknown sub-command", []string{"themes", "guess"}, 2, `unknown command "themes guess"`},
	}
	for _, tt := range tests {
		code, _, stderr := cli(t, "", nil, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: got %d %q, want %d and %q", tt.name, code, stderr, tt.code, tt.want)
		}
	}
}
