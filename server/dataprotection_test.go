package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// Officers answer subject access requests and erase responses by
// reference, from a response's page or the API; nobody else can.
func TestSubjectAccessAndErasePages(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	partner := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	ref := enterFor(t, partner, base, "visit", "yes", "comment", "The paths by number 12 are dark")
	detail := "/dashboard" + base + "/r/" + ref

	if p := partner.get(detail); p.status != http.StatusOK || strings.Contains(p.body, "/erase") || strings.Contains(p.body, "subject-access") {
		t.Errorf("partner's detail page: got %d, want it without the erase form or the download", p.status)
	}
	for _, path := range []string{detail + "/subject-access.json"} {
		if p := partner.get(path); p.status != http.StatusForbidden {
			t.Errorf("partner GET %s: got %d, want 403", path, p.status)
		}
	}
	if p := partner.post(detail+"/erase", webForm("confirm", ref)); p.status != http.StatusForbidden {
		t.Errorf("partner erasing: got %d, want 403", p.status)
	}

	p := officer.get(detail)
	if p.status != http.StatusOK || !strings.Contains(p.body, `action="`+detail+`/erase"`) || !strings.Contains(p.body, detail+"/subject-access.json") {
		t.Fatalf("officer's detail page: got %d, want the erase form and the download", p.status)
	}
	p = officer.get(detail + "/subject-access.json")
	if p.status != http.StatusOK || !strings.Contains(p.body, "The paths by number 12 are dark") || !strings.Contains(p.body, `"reference":"`+ref+`"`) {
		t.Errorf("subject access download: got %d %s", p.status, p.body)
	}
	// The reference must be typed again; a wrong one erases nothing.
	officer.get(detail)
	p = officer.post(detail+"/erase", webForm("confirm", "ABC-DEF"))
	if p.status != http.StatusSeeOther || !strings.Contains(p.location(), "erase=confirm") {
		t.Fatalf("erase with the wrong reference: got %s to %q, want back to the page", p, p.location())
	}
	if p = officer.get(p.location()); !strings.Contains(p.body, "Type the reference "+ref+" exactly") || !strings.Contains(p.body, "form-group-error") {
		t.Errorf("the page after a wrong confirmation: want the problem shown at the field")
	}
	f.response(t, base, ref) // still there
	p = officer.post(detail+"/erase", webForm("confirm", strings.ToLower(ref)))
	if p.status != http.StatusOK || !strings.Contains(p.body, "was erased from every table") {
		t.Fatalf("erase: got %d, want the confirmation", p.status)
	}
	if p := officer.get(detail); p.status != http.StatusNotFound {
		t.Errorf("the erased response's page: got %d, want 404", p.status)
	}
}

func TestSubjectAccessAndEraseAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	ref := f.submit(t, slug, "", `{"answers": {"visit": "yes", "comment": "Near my house"}}`)
	path := "/api/v1/responses/" + ref
	for _, token := range []string{f.partner, f.interpreter} {
		if status, _ := f.do(t, http.MethodGet, path+"/subject-access", token, ""); status != http.StatusForbidden {
			t.Errorf("subject access without being an officer: got %d, want 403", status)
		}
		if status, _ := f.do(t, http.MethodDelete, path, token, ""); status != http.StatusForbidden {
			t.Errorf("erasing without being an officer: got %d, want 403", status)
		}
	}
	if status, _ := f.do(t, http.MethodGet, path+"/subject-access", "", ""); status != http.StatusUnauthorized {
		t.Errorf("subject access without a token: got %d, want 401", status)
	}
	status, got := f.do(t, http.MethodGet, path+"/subject-access", f.officer, "")
	if status != http.StatusOK || got["reference"] != ref || got["answers"].(map[string]any)["comment"] != "Near my house" {
		t.Errorf("subject access: got %d %v", status, got)
	}
	status, got = f.do(t, http.MethodDelete, path, f.officer, "")
	if status != http.StatusOK || got["deleted"].(map[string]any)["responses"] != 1.0 {
		t.Errorf("erase: got %d %v", status, got)
	}
	for _, method := range []string{http.MethodDelete, http.MethodGet} {
		p := path
		if method == http.MethodGet {
			p += "/subject-access"
		}
		if status, _ := f.do(t, method, p, f.officer, ""); status != http.StatusNotFound {
			t.Errorf("%s %s after erasure: got %d, want 404", method, p, status)
		}
	}
	if len(f.stored(t, slug)) != 0 {
		t.Error("the response is still stored")
	}
}
