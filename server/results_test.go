package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The officer's API for closing the loop: actions linked to themes, status
// changes, the draft for review, publishing, archiving.
func TestActionsAndPublishingAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	base := "/api/v1/surveys/" + slug
	codebook := "themes:\n  - {id: paths, name: Paths}\n  - {id: seating, name: Seating}\n"
	if resp, body := f.send(t, http.MethodPut, base+"/codebook", f.officer, "application/yaml", codebook); resp.StatusCode != http.StatusOK {
		t.Fatalf("codebook: %d %s", resp.StatusCode, body)
	}

	tests := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"no title", `{"title": {}, "themes": ["paths"]}`, http.StatusUnprocessableEntity, "title.en"},
		{"unknown theme", `{"title": {"en": "Benches"}, "themes": ["parking"]}`, http.StatusUnprocessableEntity, "themes"},
		{"no reason", `{"title": {"en": "Benches"}, "themes": ["seating"], "status": "not_taken_forward"}`, http.StatusUnprocessableEntity, "reason.en"},
		{"unknown field", `{"title": {"en": "Benches"}, "themes": ["seating"], "owner": "me"}`, http.StatusUnprocessableEntity, "owner"},
		{"fine", `{"title": {"en": "Light the paths", "ur": "راستوں پر روشنی"}, "themes": ["paths"], "status": "planned", "due": "2027-03-31"}`, http.StatusCreated, ""},
	}
	var id float64
	for _, tt := range tests {
		status, got := f.do(t, http.MethodPost, base+"/actions", f.officer, tt.body)
		if status != tt.status {
			t.Errorf("%s: got %d %v, want %d", tt.name, status, got, tt.status)
			continue
		}
		if tt.field != "" {
			if fields, _ := got["fields"].(map[string]any); fields[tt.field] == nil {
				t.Errorf("%s: got fields %v, want %s named", tt.name, got["fields"], tt.field)
			}
		}
		if status == http.StatusCreated {
			id, _ = got["id"].(float64)
		}
	}
	if id == 0 {
		t.Fatal("no action created")
	}
	action := fmt.Sprintf("%s/actions/%d", base, int64(id))
	for _, token := range []string{f.partner, f.interpreter, ""} {
		if status, _ := f.do(t, http.MethodPost, base+"/actions", token, tests[len(tests)-1].body); status != http.StatusForbidden && status != http.StatusUnauthorized {
			t.Errorf("creating an action without being an officer: got %d, want 401 or 403", status)
		}
	}

	// Nothing is public yet; the draft shows the action as new.
	status, got := f.do(t, http.MethodGet, base+"/results", f.officer, "")
	if status != http.StatusOK || got["published"] != nil || fmt.Sprint(got["changed_actions"]) != fmt.Sprintf("[%v]", id) {
		t.Fatalf("results before publishing: got %d %v, want a draft with action %v new and nothing published", status, got, id)
	}
	status, got = f.do(t, http.MethodPost, base+"/results/publish", f.officer, "")
	if status != http.StatusOK || got["version"] != 1.0 || !strings.HasSuffix(fmt.Sprint(got["url"]), "/s/parks/results") {
		t.Fatalf("publish: got %d %v, want version 1 and the page's address", status, got)
	}

	// Status changes by PATCH; the draft shows it as changed, the
	// published version still has the old status.
	status, got = f.do(t, http.MethodPatch, action, f.officer, `{"status": "in_progress"}`)
	if status != http.StatusOK || got["status"] != "in_progress" || got["due"] != "2027-03-31" {
		t.Fatalf("patch: got %d %v, want in_progress with the due date kept", status, got)
	}
	if status, got = f.do(t, http.MethodPatch, action, f.officer, `{"status": "in_progress"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("patch changing nothing: got %d %v, want 422", status, got)
	}
	if status, got = f.do(t, http.MethodPatch, base+"/actions/999", f.officer, `{"status": "done"}`); status != http.StatusNotFound {
		t.Errorf("patch of an unknown action: got %d %v, want 404", status, got)
	}
	status, got = f.do(t, http.MethodGet, base+"/results", f.officer, "")
	published := got["published"].(map[string]any)["actions"].([]any)[0].(map[string]any)
	if status != http.StatusOK || published["status"] != "planned" || fmt.Sprint(got["changed_actions"]) != fmt.Sprintf("[%v]", id) {
		t.Errorf("results after a change: got %d %v, want the published action still planned and the change pending", status, got)
	}

	// Deleting: gone from the draft, still published until the next publication.
	if status, _ := f.do(t, http.MethodDelete, action, f.officer, ""); status != http.StatusNoContent {
		t.Errorf("delete: got %d, want 204", status)
	}
	if status, _ := f.do(t, http.MethodGet, action, f.officer, ""); status != http.StatusNotFound {
		t.Errorf("deleted action: got %d, want 404", status)
	}

	// Archiving: only a closed survey; then it cannot be opened again.
	if status, got := f.do(t, http.MethodPost, base+"/archive", f.officer, ""); status != http.StatusConflict {
		t.Errorf("archiving an open survey: got %d %v, want 409", status, got)
	}
	if status, _ := f.do(t, http.MethodPost, base+"/close", f.officer, ""); status != http.StatusOK && status != http.StatusNoContent {
		t.Fatalf("close: %d", status)
	}
	if status, got := f.do(t, http.MethodPost, base+"/archive", f.officer, ""); status != http.StatusOK {
		t.Errorf("archive: got %d %v, want 200", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/open", f.officer, ""); status != http.StatusConflict {
		t.Errorf("reopening an archived survey: got %d %v, want 409", status, got)
	}
	if status, got := f.do(t, http.MethodPost, base+"/archive", f.officer, ""); status != http.StatusConflict {
		t.Errorf("archiving twice: got %d %v, want 409", status, got)
	}

	// A draft survey has nothing to publish.
	draft := f.create(t, withSlug(strings.Replace(parksJSON, `"status": "open"`, `"status": "draft"`, 1), "parks-draft"))
	if status, got := f.do(t, http.MethodPost, "/api/v1/surveys/"+draft+"/results/publish", f.officer, ""); status != http.StatusConflict {
		t.Errorf("publishing a draft survey: got %d %v, want 409", status, got)
	}
}
