package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestCodebookAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, entryYAML)
	path := "/api/v1/surveys/" + slug + "/codebook"
	if status, got := f.do(t, http.MethodGet, path, f.officer, ""); status != http.StatusNotFound {
		t.Errorf("before any codebook: got %d %v, want 404", status, got)
	}
	book := "themes:\n  - {id: paths, name: Paths and lighting, phrases: [path, dark, light]}\n  - {id: play, name: Play areas}\n"
	steps := []struct {
		name, token, contentType, body string
		want, version                  int
	}{
		{"partner", f.partner, "application/yaml", book, http.StatusForbidden, 0},
		{"bad", f.officer, "application/yaml", "themes: [{id: Bad Id, name: x}]", http.StatusUnprocessableEntity, 0},
		{"first", f.officer, "application/yaml", book, http.StatusOK, 1},
		{"the same again", f.officer, "application/yaml", book, http.StatusOK, 1},
		{"changed, as CSV", f.officer, "text/csv", "id,name,phrases\npaths,Paths and lighting,path|dark\nplay,Play areas,\n", http.StatusOK, 2},
	}
	for _, st := range steps {
		resp, body := f.send(t, http.MethodPut, path, st.token, st.contentType, st.body)
		if resp.StatusCode != st.want {
			t.Fatalf("%s: got %d %s, want %d", st.name, resp.StatusCode, body, st.want)
		}
		if st.version > 0 && !strings.Contains(string(body), `"version":`+string(rune('0'+st.version))) {
			t.Errorf("%s: got %s, want version %d", st.name, body, st.version)
		}
	}
	resp, body := f.send(t, http.MethodGet, path+".csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "paths,Paths and lighting,,,path|dark,") {
		t.Errorf("CSV: got %d %q", resp.StatusCode, body)
	}
	// Reused on another survey: what one exports, another takes.
	other := f.create(t, strings.Replace(entryYAML, "slug: parks", "slug: parks-2028", 1))
	if resp, body := f.send(t, http.MethodPut, "/api/v1/surveys/"+other+"/codebook", f.officer, "text/csv", string(body)); resp.StatusCode != http.StatusOK {
		t.Errorf("reusing the codebook: got %d %s", resp.StatusCode, body)
	}
}
