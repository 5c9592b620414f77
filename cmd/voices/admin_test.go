package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// The administrators' commands: users listed, turned off (signed out, tokens
// deleted) and on, organisations added and listed, the audit log exported;
// each change recorded as "cli".
func TestCLIAdmin(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	for _, u := range [][]string{
		{"--email", "ada@example.org", "--name", "Ada Admin", "--role", "admin"},
		{"--email", "amina@example.org", "--name", "Amina Khan", "--role", "partner", "--org", "Ladywood Community Group"},
	} {
		if code, _, errOut := cli(t, "correct horse battery staple\n", nil, append([]string{"user", "add", "--db", db}, u...)...); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
	}
	code, token, errOut := cli(t, "", nil, "token", "create", "--db", db, "--email", "amina@example.org")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}

	if code, _, errOut := cli(t, "", nil, "user", "disable", "--db", db, "--email", "amina@example.org"); code != 0 || !strings.Contains(errOut, "signed out everywhere") {
		t.Errorf("user disable: got %d %q", code, errOut)
	}
	code, out, errOut := cli(t, "", nil, "user", "list", "--db", db)
	if code != 0 {
		t.Fatalf("user list: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "EMAIL") ||
		!strings.Contains(lines[1], "ada@example.org") || !strings.Contains(lines[1], "active") ||
		!strings.Contains(lines[2], "Ladywood Community Group") || !strings.Contains(lines[2], "turned off") {
		t.Errorf("user list: got\n%s\nwant a header, Ada active, Amina turned off", out)
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.UserByToken(context.Background(), surveys.HashToken(strings.TrimSpace(token))); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("Amina's token after user disable: got %v, want deleted", err)
	}
	store.Close()
	if code, _, errOut := cli(t, "", nil, "token", "create", "--db", db, "--email", "amina@example.org"); code != 1 || !strings.Contains(errOut, "turned off") {
		t.Errorf("token create for a turned-off user: got %d %q, want 1 saying why", code, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "user", "enable", "--db", db, "--email", "amina@example.org"); code != 0 || !strings.Contains(errOut, "turned on") {
		t.Errorf("user enable: got %d %q", code, errOut)
	}
	if _, out, _ := cli(t, "", nil, "user", "list", "--db", db); strings.Contains(out, "turned off") {
		t.Errorf("user list after enable: got\n%s\nwant everyone active", out)
	}

	if code, _, errOut := cli(t, "", nil, "org", "add", "--db", db, "--name", "=Handsworth Elders"); code != 0 {
		t.Errorf("org add: got %d %q", code, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "org", "add", "--db", db, "--name", "ladywood community group"); code != 1 || !strings.Contains(errOut, "already an organisation called Ladywood Community Group") {
		t.Errorf("org add of an existing name: got %d %q", code, errOut)
	}
	code, out, _ = cli(t, "", nil, "org", "list", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 ||
		!strings.HasPrefix(lines[1], "=Handsworth Elders") || !strings.Contains(lines[2], "Ladywood Community Group  1") {
		t.Errorf("org list: got %d\n%s\nwant both organisations with their members", code, out)
	}

	file := filepath.Join(dir, "audit.csv")
	if code, _, errOut := cli(t, "", nil, "audit", "export", "--db", db, "--out", file); code != 0 {
		t.Fatalf("audit export: %d %s", code, errOut)
	}
	data, _ := os.ReadFile(file)
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[2]+" "+r[3]+" "+r[4])
	}
	want := []string{
		"cli user.add user:ada@example.org",
		"cli user.add user:amina@example.org",
		"cli token.create user:amina@example.org",
		"cli user.disable user:amina@example.org",
		"cli user.enable user:amina@example.org",
		"cli organisation.add organisation:=Handsworth Elders", // only a cell that starts with = is changed
		"cli audit.export audit_log",
	}
	if strings.Join(rows[0], ",") != "id,at,actor,action,target,detail" || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit export:\ngot  %q %q\nwant the header and %q", rows[0], got, want)
	}
	code, out, _ = cli(t, "", nil, "audit", "export", "--db", db, "--out", "-")
	if code != 0 || !strings.HasPrefix(out, "id,at,actor,action,target,detail\n") || strings.Count(out, "audit.export") != 2 {
		t.Errorf("audit export to standard output: got %d\n%s\nwant the log with both exports", code, out)
	}
}

func TestCLIAdminMistakes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "voices.db")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"disable without email", []string{"user", "disable", "--db", db}, 2, "--email is required"},
		{"disable unknown user", []string{"user", "disable", "--db", db, "--email", "nobody@example.org"}, 1, "no user"},
		{"enable unknown user", []string{"user", "enable", "--db", db, "--email", "nobody@example.org"}, 1, "no user"},
		{"org add without name", []string{"org", "add", "--db", db}, 2, "--name is required"},
		{"org add with a blank name", []string{"org", "add", "--db", db, "--name", "  "}, 1, "name: enter the organisation's name"},
		{"audit export without out", []string{"audit", "export", "--db", db}, 2, "--out is required"},
		{"unknown org command", []string{"org", "remove", "--db", db}, 2, `unknown command "org remove"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, "", nil, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("got exit %d and %q, want %d and a message containing %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// An administrator sets a new password for someone who forgot theirs: the
// old one stops working, the new one works, and it is in the audit log.
func TestCLIUserPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "voices.db")
	if code, _, errOut := cli(t, "correct horse battery staple\n", nil, "user", "add", "--db", db, "--email", "amina@example.org", "--name", "Amina", "--role", "officer"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	if code, _, errOut := cli(t, "short\n", nil, "user", "password", "--db", db, "--email", "amina@example.org"); code != 1 || !strings.Contains(errOut, "password") {
		t.Errorf("a short password: got %d %q, want 1 naming the password", code, errOut)
	}
	if code, _, errOut := cli(t, "a brand new long passphrase\n", nil, "user", "password", "--db", db, "--email", "nobody@example.org"); code != 1 {
		t.Errorf("an unknown user: got %d %q, want 1", code, errOut)
	}
	if code, _, errOut := cli(t, "a brand new long passphrase\n", nil, "user", "password", "--db", db, "--email", "amina@example.org"); code != 0 {
		t.Fatalf("user password: got %d %q", code, errOut)
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := &surveys.Service{Store: store}
	if _, _, err := svc.SignIn(context.Background(), "amina@example.org", "correct horse battery staple"); err == nil {
		t.Errorf("the old password still signs in")
	}
	if _, _, err := svc.SignIn(context.Background(), "amina@example.org", "a brand new long passphrase"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	events, err := svc.AuditLog(context.Background(), surveys.CommandLine(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		found = found || (e.Action == surveys.AuditUserPassword && e.Target == "user:amina@example.org" && e.Actor == "cli")
	}
	if !found {
		t.Errorf("the audit log does not record the new password")
	}
}
