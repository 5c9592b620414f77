package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// Every action the audit log must hold is recorded with who, what and
// which record, and only administrators can read it.
func TestAuditLog(t *testing.T) {
	f := newFixture(t)
	admin := f.addUser(t, surveys.NewUser{Email: "admin@example.org", Name: "Ada", Role: surveys.RoleAdmin})
	slug := f.create(t, withSlug(parksJSON, "audited"))
	if status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/close", f.officer, ""); status != http.StatusOK {
		t.Fatalf("close: %d %v", status, got)
	}
	f.do(t, "POST", "/api/v1/surveys/"+slug+"/open", f.officer, "")
	ref := f.submit(t, slug, f.partner, `{"answers": {"visit": "yes"}, "mediation": {"mode": "phone", "consent_confirmed": true}}`)
	f.submit(t, slug, "", `{"answers": {"visit": "no"}}`) // a resident's own: not an audit event
	if resp, _ := f.send(t, "POST", "/api/v1/surveys/"+slug+"/imports", f.partner, "text/csv", "visit,consent_confirmed\r\nyes,yes\r\n"); resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	if resp, _ := f.send(t, "GET", "/api/v1/surveys/"+slug+"/responses.csv", f.interpreter, "", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	if _, _, err := f.svc.SignIn(f.ctx, "officer@example.org", "not the password at all"); err == nil {
		t.Fatal("sign-in with a wrong password succeeded")
	}
	if _, _, err := f.svc.SignIn(f.ctx, "officer@example.org", "a long enough password"); err != nil {
		t.Fatal(err)
	}

	resp, data := f.send(t, "GET", "/api/v1/audit?limit=1000", admin, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("audit log as admin: got %d %s", resp.StatusCode, data)
	}
	var got struct{ Events []surveys.AuditEvent }
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, e := range got.Events {
		lines[e.Actor+" "+e.Action+" "+e.Target+" "+e.Detail] = true
	}
	for _, want := range []string{
		"officer@example.org survey.create survey:audited ",
		"officer@example.org survey.status survey:audited closed",
		"officer@example.org survey.status survey:audited open",
		"partner@example.org response.entered_for response:" + ref + " survey:audited community_group",
		"partner@example.org import survey:audited 1 accepted, 0 duplicates, 0 rejected",
		"interpreter@example.org export survey:audited csv (their own entries)",
		"anonymous sign_in.failed user:officer@example.org wrong password",
		"officer@example.org sign_in user:officer@example.org ",
		"anonymous user.add user:admin@example.org admin",
		"anonymous token.create user:admin@example.org ",
	} {
		if !lines[want] {
			t.Errorf("audit log: want %q; got:\n%s", want, strings.Join(keys(lines), "\n"))
		}
	}
	entered := 0
	for _, e := range got.Events {
		if e.Action == surveys.AuditEnteredFor {
			entered++
		}
	}
	if entered != 1 {
		t.Errorf("response.entered_for events: got %d, want 1 (residents' own responses are not audited)", entered)
	}
	// Newest first, and paging goes back.
	if len(got.Events) < 2 || got.Events[0].ID < got.Events[1].ID {
		t.Fatalf("order: want newest first")
	}
	_, older := f.do(t, "GET", "/api/v1/audit?before="+jsonNumber(got.Events[0].ID)+"&limit=1", admin, "")
	if evs := older["events"].([]any); len(evs) != 1 || int64(evs[0].(map[string]any)["id"].(float64)) != got.Events[1].ID {
		t.Errorf("paging: got %v, want the second newest event", older)
	}

	for _, tt := range []struct {
		who, token string
		want       int
	}{{"officer", f.officer, 403}, {"partner", f.partner, 403}, {"nobody", "", 401}} {
		status, got := f.do(t, "GET", "/api/v1/audit", tt.token, "")
		checkError(t, status, got, tt.want, "")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
