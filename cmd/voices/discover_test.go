package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// discoverInput is a TEXTS.csv with three clear subjects and two answers
// with nothing to group by, as a spreadsheet saves it: a byte order mark,
// CRLF line ends, quoted cells, and a column the command ignores.
func discoverInput() (string, map[string]string) {
	subjects := map[string][]string{
		"transport": {"The transport was late again", "Long waiting time for transport", "Transport late, long waiting time",
			"Waiting time for transport far too long", "Transport was late and the waiting time long", "Late transport"},
		"food": {"The food was cold", "Cold food, no choice of meals", "Meals cold and food tasteless",
			"Better food, hot meals please", "Food cold by the time meals arrived", "Cold meals"},
		"staff": {"Kind, caring nurses", "The nurses were kind and caring", "Caring nurses who were kind",
			"Kind nurses, caring staff", "Nurses kind and so caring", "Such caring, kind nurses"},
	}
	subject := map[string]string{}
	var b strings.Builder
	b.WriteString("\ufeffid,service,text\r\n")
	n := 0
	for i := 0; i < 6; i++ {
		for _, s := range []string{"food", "staff", "transport"} {
			n++
			id := fmt.Sprintf("r%d", n)
			subject[id] = s
			fmt.Fprintf(&b, "%s,\"ward, 2\",\"%s\"\r\n", id, subjects[s][i])
		}
	}
	b.WriteString("r98,x,ok\r\nr99,x,\"It was what it was, \"\"really\"\"\"\r\n")
	return b.String(), subject
}

func TestThemesDiscover(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "texts.csv")
	data, subject := discoverInput()
	if err := os.WriteFile(input, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clusters.csv")
	code, stdout, errOut := cli(t, "", nil, "themes", "discover", "--input", input, "--out", out, "--clusters", "3")
	if code != 0 {
		t.Fatalf("got exit %d: %s", code, errOut)
	}
	if stdout != "" {
		t.Errorf("with --out, got %q on standard output, want nothing", stdout)
	}
	if !strings.Contains(errOut, "3 candidate themes from 20 answers") {
		t.Errorf("got %q on standard error, want a summary of 3 candidate themes from 20 answers", errOut)
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
	if got, want := strings.Join(rows[0], ","), "id,cluster,label"; got != want {
		t.Errorf("got header %q, want %q", got, want)
	}
	if got, want := len(rows), 21; got != want {
		t.Fatalf("got %d rows, want %d: the header and one per answer", got, want)
	}
	clusterOf := map[string]string{} // subject → cluster
	labels := map[string]string{}    // cluster → label
	for i, r := range rows[1:] {
		id, cluster, label := r[0], r[1], r[2]
		if want := fmt.Sprintf("r%d", i+1); i < 18 && id != want {
			t.Errorf("row %d: got id %q, want %q: rows in the input's order", i+1, id, want)
		}
		if id == "r98" || id == "r99" {
			if cluster != "" || label != "" {
				t.Errorf("%s has nothing to group by: got cluster %q label %q, want both empty", id, cluster, label)
			}
			continue
		}
		if n, err := strconv.Atoi(cluster); err != nil || n < 1 || n > 3 {
			t.Errorf("%s: got cluster %q, want 1–3", id, cluster)
		}
		if label == "" {
			t.Errorf("%s: got an empty label", id)
		}
		if prev, ok := clusterOf[subject[id]]; ok && prev != cluster {
			t.Errorf("%s (%s) is in cluster %s, but others about %s are in %s", id, subject[id], cluster, subject[id], prev)
		}
		clusterOf[subject[id]] = cluster
		if prev, ok := labels[cluster]; ok && prev != label {
			t.Errorf("cluster %s: got labels %q and %q, want one per cluster", cluster, prev, label)
		}
		labels[cluster] = label
	}
	if len(labels) != 3 {
		t.Errorf("got clusters %v, want the three subjects in three clusters", clusterOf)
	}

	// To standard output, from standard input, the same clusters.
	code, stdout, errOut = cli(t, data, nil, "themes", "discover", "--input", "-", "--clusters", "3")
	want, _ := os.ReadFile(out)
	if code != 0 || stdout != string(want) {
		t.Errorf("from standard input to standard output: got exit %d %q (%s), want the file's contents %q", code, stdout, errOut, want)
	}
}

func TestThemesDiscoverMistakes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"no input", []string{"themes", "discover"}, 2, []string{"--input is required"}},
		{"unknown subcommand", []string{"themes", "frobnicate"}, 2, []string{"unknown command", "themes frobnicate"}},
		{"missing file", []string{"themes", "discover", "--input", filepath.Join(dir, "nope.csv")}, 1, []string{"reading", "nope.csv", "no such file"}},
		{"empty file", []string{"themes", "discover", "--input", write("empty.csv", "")}, 1, []string{"empty.csv is empty", "id and text"}},
		{"no text column", []string{"themes", "discover", "--input", write("notext.csv", "id,answer\n1,late\n")}, 1,
			[]string{"notext.csv", `no column "text"`, `"id", "answer"`}},
		{"no id column", []string{"themes", "discover", "--input", write("noid.csv", "text\nlate\n")}, 1, []string{"noid.csv", `no column "id"`}},
		{"text twice", []string{"themes", "discover", "--input", write("twice.csv", "id,text,Text\n1,a,b\n")}, 1, []string{"twice.csv", `"text" appears twice`}},
		{"empty id", []string{"themes", "discover", "--input", write("emptyid.csv", "id,text\n1,late\n,cold food\n")}, 1,
			[]string{"emptyid.csv line 3", `column "id" is empty`}},
		{"repeated id", []string{"themes", "discover", "--input", write("repeat.csv", "id,text\n7,late\n8,cold\n7,kind\n")}, 1,
			[]string{"repeat.csv line 4", `repeats "7" from line 2`}},
		{"stray quote", []string{"themes", "discover", "--input", write("quote.csv", "id,text\n1,late\n2,Best \"park\n")}, 1,
			[]string{"quote.csv line 3", "quote mark"}},
		{"wrong number of cells", []string{"themes", "discover", "--input", write("cells.csv", "id,text\n1,late\n2,cold,extra\n")}, 1,
			[]string{"cells.csv line 3", "number of cells"}},
		{"unwritable output", []string{"themes", "discover", "--input", write("ok.csv", "id,text\n1,late\n"), "--out", filepath.Join(dir, "no", "such", "dir.csv")}, 1,
			[]string{"no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, "", nil, tt.args...)
			if code != tt.wantCode {
				t.Errorf("got exit %d (%q), want %d", code, errOut, tt.wantCode)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("got %q, want a message containing %q", errOut, w)
				}
			}
		})
	}
}

func TestThemesDiscoverWindows1252(t *testing.T) {
	// "café" and "£5" saved by Excel as plain "CSV": é is 0xE9, £ is 0xA3.
	input := filepath.Join(t.TempDir(), "texts.csv")
	os.WriteFile(input, []byte("id,text\r\n1,The caf\xe9 costs \xa35\r\n2,The caf\xe9 was shut\r\n"), 0o600)
	code, out, errOut := cli(t, "", nil, "themes", "discover", "--input", input)
	if code != 0 {
		t.Fatalf("got exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "café") {
		t.Errorf("got %q, want the label decoded from Windows-1252 (café)", out)
	}
}
