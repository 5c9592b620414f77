package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// addUser stores a user with a placeholder password hash (hashing is the
// Service's business, and slow).
func addUser(t *testing.T, db *sqlite.DB, email, name string, role surveys.Role, org string) *surveys.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), &surveys.NewUser{Email: email, Name: name, Role: role, Organisation: org}, "not a real hash")
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func TestUsersAndOrganisations(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	addUser(t, db, "zara@example.org", "zara Ahmed", surveys.RoleOfficer, "")
	amina := addUser(t, db, "amina@example.org", "Amina Khan", surveys.RolePartner, "Ladywood Community Group")
	addUser(t, db, "bilal@example.org", "Bilal Khan", surveys.RolePartner, "Ladywood Community Group")

	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if got, want := strings.Join(names, ", "), "Amina Khan, Bilal Khan, zara Ahmed"; got != want {
		t.Errorf("Users: got %s, want %s (by name, any case)", got, want)
	}
	if u := users[0]; u.Organisation != "Ladywood Community Group" || u.Role != surveys.RolePartner || u.Disabled() || u.CreatedAt.IsZero() {
		t.Errorf("Users[0]: got %+v, want Amina with her organisation, active, with a creation time", u)
	}
	got, err := db.UserByID(ctx, amina.ID)
	if err != nil || got.Email != "amina@example.org" {
		t.Errorf("UserByID: got %+v, %v", got, err)
	}
	if _, err := db.UserByID(ctx, 999); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("UserByID(999): got %v, want not found", err)
	}

	at := time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)
	o, err := db.CreateOrganisation(ctx, "Handsworth Elders", at)
	if err != nil || o.ID == 0 || !o.CreatedAt.Equal(at) {
		t.Fatalf("CreateOrganisation: got %+v, %v", o, err)
	}
	_, err = db.CreateOrganisation(ctx, "LADYWOOD community group", at)
	var e *surveys.Error
	if !errors.As(err, &e) || e.Code != surveys.ECONFLICT || !strings.Contains(e.Fields["name"], "Ladywood Community Group") {
		t.Errorf("CreateOrganisation of an existing name in another case: got %v, want a conflict naming the one there", err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var counts []string
	for _, o := range orgs {
		counts = append(counts, fmt.Sprintf("%s %d", o.Name, o.Members))
	}
	if got, want := strings.Join(counts, ", "), "Handsworth Elders 0, Ladywood Community Group 2"; got != want {
		t.Errorf("Organisations: got %s, want %s", got, want)
	}

	changed, err := db.ChangeUser(ctx, amina.ID, &surveys.UserChange{Role: surveys.RolePartner, Organisation: "Sparkbrook Women's Group"})
	if err != nil || changed.Organisation != "Sparkbrook Women's Group" || changed.OrganisationID == 0 {
		t.Errorf("ChangeUser to a new organisation: got %+v, %v; want it created and joined", changed, err)
	}
	changed, err = db.ChangeUser(ctx, amina.ID, &surveys.UserChange{Role: surveys.RoleOfficer})
	if err != nil || changed.Organisation != "" || changed.OrganisationID != 0 || changed.Role != surveys.RoleOfficer {
		t.Errorf("ChangeUser to no organisation: got %+v, %v", changed, err)
	}
	if _, err := db.ChangeUser(ctx, 999, &surveys.UserChange{Role: surveys.RoleOfficer}); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("ChangeUser(999): got %v, want not found", err)
	}
}

// Turning an account off deletes its sessions and tokens in the same
// transaction; turning it on again brings neither back.
func TestDisableUser(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	u := addUser(t, db, "olu@example.org", "Olu", surveys.RoleOfficer, "")
	other := addUser(t, db, "ada@example.org", "Ada", surveys.RoleAdmin, "")
	now := time.Now().UTC()
	session, token, otherSession := []byte("session-hash"), []byte("token-hash"), []byte("other-session")
	if err := db.CreateSession(ctx, u.ID, session, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateToken(ctx, u.ID, token); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, other.ID, otherSession, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	at := now.Truncate(time.Microsecond)
	if err := db.DisableUser(ctx, u.ID, at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, session, now, now.Add(time.Hour), 12*time.Hour); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("session after DisableUser: got %v, want unauthorized", err)
	}
	if _, err := db.UserByToken(ctx, token); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("token after DisableUser: got %v, want unauthorized", err)
	}
	if _, err := db.SessionUser(ctx, otherSession, now, now.Add(time.Hour), 12*time.Hour); err != nil {
		t.Errorf("another user's session after DisableUser: got %v, want it kept", err)
	}
	c, err := db.Credentials(ctx, "olu@example.org")
	if err != nil || !c.User.DisabledAt.Equal(at) {
		t.Errorf("Credentials: got %+v, %v; want disabled at %v", c, err, at)
	}
	if got, _ := db.UserByID(ctx, u.ID); !got.DisabledAt.Equal(at) {
		t.Errorf("UserByID: got disabled at %v, want %v", got.DisabledAt, at)
	}

	// A session or token that somehow outlived it is still refused.
	if err := db.CreateSession(ctx, u.ID, []byte("late-session"), now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, []byte("late-session"), now, now.Add(time.Hour), 12*time.Hour); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("a session of a turned-off user: got %v, want unauthorized", err)
	}

	if err := db.EnableUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.UserByID(ctx, u.ID); got.Disabled() {
		t.Errorf("after EnableUser: still disabled at %v", got.DisabledAt)
	}
	if _, err := db.UserByToken(ctx, token); surveys.ErrorCode(err) != surveys.EUNAUTHORIZED {
		t.Errorf("old token after EnableUser: got %v, want it still gone", err)
	}
	for name, err := range map[string]error{"DisableUser": db.DisableUser(ctx, 999, now), "EnableUser": db.EnableUser(ctx, 999)} {
		if surveys.ErrorCode(err) != surveys.ENOTFOUND {
			t.Errorf("%s(999): got %v, want not found", name, err)
		}
	}
}

func TestAuditEvents(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	at := time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)
	for i, action := range []string{"sign_in", "export", "sign_in", "user.disable", "sign_in"} {
		e := &surveys.AuditEvent{At: at.Add(time.Duration(i) * time.Second), Actor: "ada@example.org", Action: action, Target: "x"}
		if err := db.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(list []*surveys.AuditEvent) []int64 {
		var out []int64
		for _, e := range list {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    surveys.AuditQuery
		want []int64
	}{
		{"all", surveys.AuditQuery{Limit: 10}, []int64{5, 4, 3, 2, 1}},
		{"a page", surveys.AuditQuery{Limit: 2}, []int64{5, 4}},
		{"older", surveys.AuditQuery{Before: 4, Limit: 2}, []int64{3, 2}},
		{"one action", surveys.AuditQuery{Action: "sign_in", Limit: 10}, []int64{5, 3, 1}},
		{"one action, older", surveys.AuditQuery{Action: "sign_in", Before: 5, Limit: 1}, []int64{3}},
		{"no such action", surveys.AuditQuery{Action: "nope", Limit: 10}, nil},
	}
	for _, tt := range tests {
		list, err := db.AuditEvents(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(list); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	var seen []int64
	if err := db.EachAuditEvent(ctx, func(e *surveys.AuditEvent) error {
		seen = append(seen, e.ID)
		return nil
	}); err != nil || !slices.Equal(seen, []int64{1, 2, 3, 4, 5}) {
		t.Errorf("EachAuditEvent: got %v (%v), want every event, oldest first", seen, err)
	}
	stop := errors.New("stop")
	n := 0
	if err := db.EachAuditEvent(ctx, func(*surveys.AuditEvent) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachAuditEvent when fn fails: got %v after %d events, want fn's error after 1", err, n)
	}
}
