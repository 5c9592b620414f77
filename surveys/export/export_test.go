package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{"+44 7700 900123", "'+44 7700 900123"},
		{"-2+3", "'-2+3"},
		{"@cmd", "'@cmd"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-5", "-5"},
		{"+3.5", "+3.5"},
		{"a=b", "a=b"},
		{"بہت اچھا", "بہت اچھا"},
	}
	for _, tt := range tests {
		if got := export.SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

const def = `
slug: parks
title: {en: Parks}
languages: [en, ur]
status: open
equality_monitoring: true
questions:
  - {key: likes, type: multiple_choice, other: true, prompt: {en: "Likes?"}, options: [{value: trees, label: {en: Trees}}, {value: play, label: {en: Play}}]}
  - {key: rating, type: scale, prompt: {en: "Rating?"}}
  - {key: comment, type: long_text, prompt: {en: "Comment?"}}
`

func sample(t *testing.T) (*surveys.Survey, *surveys.Response) {
	t.Helper()
	s, err := surveys.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CheckSubmission(&surveys.Submission{Channel: surveys.ChannelAPI, Language: "ur",
		Answers:  map[string][]string{"likes": {"trees", "other"}, "likes_other": {"@ducks"}, "rating": {"4"}, "comment": {"=1+1 بہت اچھا 🦆"}},
		Equality: map[string]string{"ethnic_group": "black_caribbean"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Reference, r.SubmittedAt = "K7P-3QX", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	// As stored for an interpreted answer: the person's own words beside it.
	r.Originals = map[string]surveys.Original{"comment": {Language: "ur", Text: "=بہت اچھا"}}
	return s, r
}

func TestCSV(t *testing.T) {
	s, r := sample(t)
	var buf bytes.Buffer
	w, err := export.New("csv", &buf, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(r); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("got %d rows (%v), want 2", len(rows), err)
	}
	cell := map[string]string{}
	for i, name := range rows[0] {
		cell[name] = rows[1][i]
	}
	want := map[string]string{
		"reference": "K7P-3QX", "submitted_at": "2026-11-23T09:30:00Z", "channel": "api", "language": "ur", "entered_by": "self",
		"likes": "trees; other", "likes_other": "'@ducks", "rating": "4", "comment": "'=1+1 بہت اچھا 🦆",
		"comment_original": "'=بہت اچھا", "comment_original_language": "ur",
		"equality_ethnic_group": "black_caribbean", "equality_ethnic_group_broad": "black", "equality_sex": "",
	}
	for k, v := range want {
		if cell[k] != v {
			t.Errorf("column %s: got %q, want %q", k, cell[k], v)
		}
	}
	if got, want := strings.Join(rows[0][9:15], ","), "likes,likes_other,rating,comment,comment_original,comment_original_language"; got != want {
		t.Errorf("question columns: got %s, want %s", got, want)
	}
	if got, want := len(rows[0]), 9+6+len(surveys.EqualityColumns); got != want {
		t.Errorf("got %d columns, want %d", got, want)
	}
}

func TestJSON(t *testing.T) {
	s, r := sample(t)
	var buf bytes.Buffer
	w, _ := export.New("json", &buf, s)
	w.Write(r)
	w.Write(r)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Reference string
		Answers   map[string]any
		Originals map[string]surveys.Original
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || len(got) != 2 {
		t.Fatalf("got %s (%v), want a JSON array of 2", buf.String(), err)
	}
	if !reflect.DeepEqual(got[0].Answers["likes"], []any{"trees", "other"}) || got[0].Answers["rating"] != 4.0 ||
		got[0].Answers["comment"] != "=1+1 بہت اچھا 🦆" {
		t.Errorf("answers: got %v, want a list, a number and the text as given", got[0].Answers)
	}
	if o := got[0].Originals["comment"]; o.Language != "ur" || o.Text != "=بہت اچھا" {
		t.Errorf("originals: got %+v, want the Urdu words as given", got[0].Originals)
	}

	buf.Reset()
	w, _ = export.New("json", &buf, s)
	w.Close()
	if got := strings.TrimSpace(buf.String()); got != "[]" {
		t.Errorf("no responses: got %q, want []", got)
	}
}

func TestXLSX(t *testing.T) {
	s, r := sample(t)
	var buf bytes.Buffer
	w, _ := export.New("xlsx", &buf, s)
	w.Write(r)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Responses")
	if err != nil || len(rows) != 2 {
		t.Fatalf("got %d rows (%v), want 2", len(rows), err)
	}
	if !reflect.DeepEqual(rows[0][:3], []string{"reference", "submitted_at", "channel"}) || rows[1][0] != "K7P-3QX" {
		t.Errorf("got header %v and first cell %q", rows[0][:3], rows[1][0])
	}
	if got, want := rows[1][12], "'=1+1 بہت اچھا 🦆"; rows[0][12] != "comment" || got != want {
		t.Errorf("column %s: got %q, want %q", rows[0][12], got, want)
	}
}

func TestUnknownFormat(t *testing.T) {
	s, _ := sample(t)
	if _, err := export.New("pdf", &bytes.Buffer{}, s); surveys.ErrorCode(err) != surveys.EINVALID {
		t.Errorf("format pdf: got %v, want invalid", err)
	}
}
