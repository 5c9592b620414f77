package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Subject access, erasure and backup from the command line, with a
// restore: the backup is a working database of its own.
func TestCLIDataProtection(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "voices.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc := &surveys.Service{Store: db}
	if _, err := svc.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Submit(ctx, "care-strategy-2027", &surveys.Submission{Channel: surveys.ChannelAPI, Language: "en",
		Answers: map[string][]string{"matters": {"Someone to ring me back, please: my name is on the form"},
			"info_ease": {"very_easy"}, "one_change": {"Call back"}, "unpaid_carer": {"no"}}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := cli(t, "", nil, "subject-access", "--db", path, "--reference", strings.ToLower(r.Reference))
	var sar surveys.SubjectAccess
	if code != 0 || json.Unmarshal([]byte(out), &sar) != nil || sar.Reference != r.Reference || !strings.Contains(out, "Someone to ring me back") {
		t.Fatalf("subject-access: got %d %q %q, want the response as JSON", code, out, errOut)
	}

	backupPath := filepath.Join(dir, "backup.db")
	if code, _, errOut := cli(t, "", nil, "backup", "--db", path, "--out", backupPath); code != 0 || !strings.Contains(errOut, "integrity check ok") {
		t.Fatalf("backup: got %d %q", code, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "backup", "--db", path, "--out", backupPath); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("backup over an existing file: got %d %q, want 1 saying so", code, errOut)
	}

	code, out, errOut = cli(t, "", nil, "erase", "--db", path, "--reference", r.Reference)
	if code != 0 || !strings.Contains(out, `"responses": 1`) {
		t.Fatalf("erase: got %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "subject-access", "--db", path, "--reference", r.Reference); code != 1 || !strings.Contains(errOut, "no response") {
		t.Errorf("subject-access after erase: got %d %q, want 1 (not found)", code, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "erase", "--db", path); code != 2 || !strings.Contains(errOut, "--reference is required") {
		t.Errorf("erase without a reference: got %d %q, want usage", code, errOut)
	}

	// Restoring is copying the backup into place (with Voices stopped):
	// it opens, migrates nothing, and still has the response erased since.
	restored := filepath.Join(dir, "restored.db")
	data, err := os.ReadFile(backupPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(restored, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = cli(t, "", nil, "subject-access", "--db", restored, "--reference", r.Reference)
	if code != 0 || !strings.Contains(out, r.Reference) {
		t.Errorf("subject-access on the restored backup: got %d, want the response found", code)
	}
	// Every action above is in the audit log, by "cli".
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	events, err := db.AuditEvents(ctx, surveys.AuditQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range events {
		if e.Actor == "cli" {
			seen = append(seen, e.Action)
		}
	}
	if got := strings.Join(seen, " "); !strings.Contains(got, surveys.AuditErase) || !strings.Contains(got, surveys.AuditSubjectAccess) {
		t.Errorf("audit log: got %q, want erasure and subject access by cli", got)
	}
}
