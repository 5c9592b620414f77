package surveys_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

const adminTestPassword = "correct horse battery staple"

// adminService is a Service on a real database with an administrator, an
// officer, a community group member and an interpreter.
func adminService(t *testing.T) (*surveys.Service, *sqlite.DB, map[surveys.Role]*surveys.User) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &surveys.Service{Store: db, Now: func() time.Time { return time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC) }}
	users := map[surveys.Role]*surveys.User{}
	for _, nu := range []surveys.NewUser{
		{Email: "ada@example.org", Name: "Ada", Role: surveys.RoleAdmin},
		{Email: "olu@example.org", Name: "Olu", Role: surveys.RoleOfficer},
		{Email: "amina@example.org", Name: "Amina", Role: surveys.RolePartner, Organisation: "Ladywood Community Group"},
		{Email: "iqbal@example.org", Name: "Iqbal", Role: surveys.RoleInterpreter},
	} {
		nu.Password = adminTestPassword
		u, err := svc.AddUser(ctx, &nu)
		if err != nil {
			t.Fatal(err)
		}
		users[u.Role] = u
	}
	return svc, db, users
}

// Only administrators (and the command line) may manage users and
// organisations or read the audit log: no one → unauthorized, other roles
// → forbidden.
func TestAdminOnly(t *testing.T) {
	svc, _, users := adminService(t)
	ctx := context.Background()
	target := users[surveys.RoleInterpreter].ID
	n := 0
	unique := func(s string) string { n++; return fmt.Sprintf(s, n) }
	actions := map[string]func(by *surveys.User) error{
		"Users": func(by *surveys.User) error { _, err := svc.Users(ctx, by); return err },
		"User":  func(by *surveys.User) error { _, err := svc.User(ctx, by, target); return err },
		"AddUserAs": func(by *surveys.User) error {
			_, err := svc.AddUserAs(ctx, by, &surveys.NewUser{Email: unique("new-%d@example.org"), Name: "New", Role: surveys.RoleOfficer, Password: adminTestPassword})
			return err
		},
		"ChangeUser": func(by *surveys.User) error {
			_, err := svc.ChangeUser(ctx, by, target, &surveys.UserChange{Role: surveys.RoleInterpreter, Organisation: "Deaf Community Centre"})
			return err
		},
		"DisableUser":       func(by *surveys.User) error { _, err := svc.DisableUser(ctx, by, target); return err },
		"EnableUser":        func(by *surveys.User) error { _, err := svc.EnableUser(ctx, by, target); return err },
		"Organisations":     func(by *surveys.User) error { _, err := svc.Organisations(ctx, by); return err },
		"AddOrganisation":   func(by *surveys.User) error { _, err := svc.AddOrganisation(ctx, by, unique("Group %d")); return err },
		"AuditEvents":       func(by *surveys.User) error { _, err := svc.AuditEvents(ctx, by, surveys.AuditQuery{}); return err },
		"AuditLog":          func(by *surveys.User) error { _, err := svc.AuditLog(ctx, by, 0, 0); return err },
		"RecordAuditExport": func(by *surveys.User) error { return svc.RecordAuditExport(ctx, by, "csv") },
	}
	tests := []struct {
		who  string
		by   *surveys.User
		want string
	}{
		{"no one", nil, surveys.EUNAUTHORIZED},
		{"officer", users[surveys.RoleOfficer], surveys.EFORBIDDEN},
		{"partner", users[surveys.RolePartner], surveys.EFORBIDDEN},
		{"interpreter", users[surveys.RoleInterpreter], surveys.EFORBIDDEN},
		{"admin", users[surveys.RoleAdmin], ""},
		{"command line", surveys.CommandLine(), ""},
	}
	for _, tt := range tests {
		for name, act := range actions {
			if got := surveys.ErrorCode(act(tt.by)); got != tt.want {
				t.Errorf("%s by %s: got %q, want %q", name, tt.who, got, tt.want)
			}
		}
	}
}

func TestChangeUserRules(t *testing.T) {
	svc, _, users := adminService(t)
	ctx := context.Background()
	admin, partner := users[surveys.RoleAdmin], users[surveys.RolePartner]
	tests := []struct {
		name      string
		id        int64
		change    surveys.UserChange
		wantCode  string
		wantField string
	}{
		{"partner without organisation", partner.ID, surveys.UserChange{Role: surveys.RolePartner}, surveys.EINVALID, "organisation"},
		{"partner with spaces for an organisation", partner.ID, surveys.UserChange{Role: surveys.RolePartner, Organisation: "   "}, surveys.EINVALID, "organisation"},
		{"no role", partner.ID, surveys.UserChange{Organisation: "X"}, surveys.EINVALID, "role"},
		{"unknown role", partner.ID, surveys.UserChange{Role: "king"}, surveys.EINVALID, "role"},
		{"organisation too long", partner.ID, surveys.UserChange{Role: surveys.RolePartner, Organisation: strings.Repeat("x", 201)}, surveys.EINVALID, "organisation"},
		{"own role", admin.ID, surveys.UserChange{Role: surveys.RoleOfficer}, surveys.EINVALID, "role"},
		{"no such user", 999, surveys.UserChange{Role: surveys.RoleOfficer}, surveys.ENOTFOUND, ""},
		{"own organisation", admin.ID, surveys.UserChange{Role: surveys.RoleAdmin, Organisation: "Council"}, "", ""},
		{"partner to interpreter", partner.ID, surveys.UserChange{Role: surveys.RoleInterpreter}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.ChangeUser(ctx, admin, tt.id, &tt.change)
			if got := surveys.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("got %q (%v), want %q", got, err, tt.wantCode)
			}
			if tt.wantField != "" && surveys.ErrorFields(err)[tt.wantField] == "" {
				t.Errorf("got fields %v, want a problem with %s", surveys.ErrorFields(err), tt.wantField)
			}
		})
	}
}

func TestDisableUserRules(t *testing.T) {
	svc, db, users := adminService(t)
	ctx := surveys.WithActor(context.Background(), surveys.Actor{User: users[surveys.RoleAdmin]})
	admin, officer := users[surveys.RoleAdmin], users[surveys.RoleOfficer]

	_, err := svc.DisableUser(ctx, admin, admin.ID)
	var e *surveys.Error
	if !errors.As(err, &e) || e.Code != surveys.EINVALID || e.Fields["user"] == "" {
		t.Errorf("an administrator turning themselves off: got %v, want invalid naming the user", err)
	}
	if _, err := svc.DisableUser(ctx, admin, 999); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("turning off no one: got %v, want not found", err)
	}

	token, err := svc.CreateToken(ctx, officer.Email)
	if err != nil {
		t.Fatal(err)
	}
	session, _, err := svc.SignIn(ctx, officer.Email, adminTestPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.DisableUser(ctx, admin, officer.ID)
	if err != nil || !u.Disabled() {
		t.Fatalf("DisableUser: got %+v, %v", u, err)
	}
	if _, err := svc.DisableUser(ctx, admin, officer.ID); err != nil {
		t.Errorf("turning off again: got %v, want nothing to do", err)
	}
	if _, err := svc.SessionUser(ctx, session); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("their session: got %v, want ended", err)
	}
	if _, err := svc.Authenticate(ctx, token); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("their token: got %v, want deleted", err)
	}
	if _, _, err := svc.SignIn(ctx, officer.Email, adminTestPassword); err != surveys.ErrAccountDisabled {
		t.Errorf("signing in with the right password: got %v, want %v", err, surveys.ErrAccountDisabled)
	}
	if _, _, err := svc.SignIn(ctx, officer.Email, "not the password at all"); err != surveys.ErrSignIn {
		t.Errorf("signing in with a wrong password: got %v, want the usual answer, saying nothing of the account", err)
	}
	if _, err := svc.CreateToken(ctx, officer.Email); surveys.ErrorCode(err) != surveys.EFORBIDDEN {
		t.Errorf("a token for a turned-off user: got %v, want forbidden", err)
	}

	if _, err := svc.EnableUser(ctx, admin, officer.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SignIn(ctx, officer.Email, adminTestPassword); err != nil {
		t.Errorf("signing in after turning on: got %v", err)
	}

	events, err := db.AuditLog(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		if e.Target == "user:"+officer.Email && e.Action != surveys.AuditUserAdd && e.Action != surveys.AuditTokenCreate {
			got = append(got, e.Actor+" "+e.Action+" "+e.Detail)
		}
	}
	want := []string{
		"olu@example.org sign_in ",
		"ada@example.org user.enable ",
		"ada@example.org sign_in.failed wrong password",
		"ada@example.org sign_in.failed account turned off",
		"ada@example.org user.disable sessions and API tokens deleted",
		"olu@example.org sign_in ",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit log, newest first:\ngot  %q\nwant %q", got, want)
	}
}

// Changes are recorded with who made them, by the context's actor.
func TestAdminAudit(t *testing.T) {
	svc, db, users := adminService(t)
	ctx := surveys.WithActor(context.Background(), surveys.Actor{Name: "cli"})
	by := surveys.CommandLine()
	partner := users[surveys.RolePartner]
	if _, err := svc.ChangeUser(ctx, by, partner.ID, &surveys.UserChange{Role: surveys.RolePartner, Organisation: partner.Organisation}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeUser(ctx, by, partner.ID, &surveys.UserChange{Role: surveys.RoleInterpreter}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrganisation(ctx, by, "  Handsworth Elders "); err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordAuditExport(ctx, by, "csv"); err != nil {
		t.Fatal(err)
	}
	events, err := db.AuditLog(context.Background(), 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Actor+" "+e.Action+" "+e.Target+" "+e.Detail)
	}
	want := []string{
		"cli audit.export audit_log csv",
		"cli organisation.add organisation:Handsworth Elders ",
		"cli user.change user:amina@example.org role partner → interpreter; organisation Ladywood Community Group → (none)",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit log, newest first (a change that changes nothing is not recorded):\ngot  %q\nwant %q", got, want)
	}
}

func TestAddOrganisationRules(t *testing.T) {
	svc, _, users := adminService(t)
	ctx := context.Background()
	admin := users[surveys.RoleAdmin]
	tests := []struct {
		name, org string
		wantCode  string
	}{
		{"empty", "", surveys.EINVALID},
		{"spaces", "   ", surveys.EINVALID},
		{"201 characters", strings.Repeat("ب", 201), surveys.EINVALID},
		{"200 characters", strings.Repeat("ب", 200), ""},
		{"existing", "Ladywood Community Group", surveys.ECONFLICT},
		{"existing in another case", "ladywood community group", surveys.ECONFLICT},
		{"new", "Deaf Community Centre", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := svc.AddOrganisation(ctx, admin, tt.org)
			if got := surveys.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("got %q (%v), want %q", got, err, tt.wantCode)
			}
			if err != nil && surveys.ErrorFields(err)["name"] == "" {
				t.Errorf("got fields %v, want a problem with name", surveys.ErrorFields(err))
			}
			if err == nil && o.Name != strings.TrimSpace(tt.org) {
				t.Errorf("name: got %q, want %q", o.Name, tt.org)
			}
		})
	}
}
