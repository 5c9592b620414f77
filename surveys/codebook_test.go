package surveys

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseCodebook(t *testing.T) {
	yamlBook := `
themes:
  - id: waiting
    name: Waiting times
    description: Time spent waiting for care or transport.
    phrases: [wait, late, "kept waiting", انتظار]
    exclude: [no wait]
  - {id: late_transport, name: Late transport, parent: waiting}
`
	jsonList := `[{"id": "waiting", "name": "Waiting times"}]`
	csvBook := "\ufeffid,name,description,parent,phrases\r\nwaiting,Waiting times,\"Time spent waiting, for care\",,wait|late\r\nstaff,Staff attitude,,,\r\n"
	tests := []struct {
		name   string
		data   string
		themes int
		field  string // the problem expected, if any
	}{
		{"yaml", yamlBook, 2, ""},
		{"json list", jsonList, 1, ""},
		{"csv with BOM and CRLF", csvBook, 2, ""},
		{"empty", "  ", 0, "malformed"},
		{"unknown field", "themes: [{id: a, name: A, colour: red}]", 0, "malformed"},
		{"bad id", "themes: [{id: Waiting Times, name: A}]", 0, "themes[0].id"},
		{"duplicate id", "themes: [{id: a, name: A}, {id: a, name: B}]", 0, "themes[1].id"},
		{"no name", "themes: [{id: a}]", 0, "themes[0].name"},
		{"unknown parent", "themes: [{id: a, name: A, parent: b}]", 0, "themes[0].parent"},
		{"parent cycle", "themes: [{id: a, name: A, parent: b}, {id: b, name: B, parent: a}]", 0, "themes[0].parent"},
		{"own parent", "themes: [{id: a, name: A, parent: a}]", 0, "themes[0].parent"},
		{"csv unknown column", "id,name,colour\na,A,red\n", 0, "header"},
		{"csv without name", "id,description\na,x\n", 0, "header"},
		{"no themes", "themes: []", 0, "themes"},
		{"not UTF-8", "id,name\na,Caf\xe9\n", 0, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCodebook([]byte(tt.data))
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.field == "":
				if len(c.Themes) != tt.themes {
					t.Errorf("got %d themes, want %d", len(c.Themes), tt.themes)
				}
			case tt.field == "malformed":
				if ErrorCode(err) != EMALFORMED {
					t.Errorf("got %v, want a malformed error", err)
				}
			default:
				if _, ok := ErrorFields(err)[tt.field]; !ok {
					t.Errorf("got %v (%v), want a problem with %s", err, ErrorFields(err), tt.field)
				}
			}
		})
	}
}

func TestCodebookCSVRoundTrip(t *testing.T) {
	c, err := ParseCodebook([]byte("themes:\n  - {id: waiting, name: \"Waiting, and delays\", description: 'Say \"when\"', phrases: [wait, kept waiting], exclude: [no wait]}\n  - {id: late, name: Late, parent: waiting}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteCodebookCSV(&buf, c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "id,name,description,parent,phrases,exclude\n") {
		t.Errorf("header: got %q", buf.String())
	}
	back, err := ParseCodebook(buf.Bytes())
	if err != nil {
		t.Fatalf("reading back %q: %v", buf.String(), err)
	}
	if !reflect.DeepEqual(back.Themes, c.Themes) {
		t.Errorf("round trip: got %+v, want %+v", back.Themes, c.Themes)
	}
}
