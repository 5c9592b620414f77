package surveys

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Administrators manage who can sign in: they list, add, change and turn
// off users, add organisations, and read the audit log. Each method takes
// the acting user and checks here, in the Service, that they are an
// administrator, so the web pages, the API and the command line share one
// rule. Every change is recorded in the audit log.

// Organisation is a community group or other body whose members enter
// responses for people.
type Organisation struct {
	ID        int64
	Name      string
	Members   int // users who belong to it, turned off or not
	CreatedAt time.Time
}

// MaxOrganisationName is the longest organisation name, in characters.
const MaxOrganisationName = 200

// UserChange is what an administrator may change about a user.
type UserChange struct {
	Role         Role   `validate:"required,oneof=admin officer partner interpreter"`
	Organisation string `validate:"max=200"` // "" for none
}

// Check validates a change with the rules a new user is checked by.
func (c *UserChange) Check() error {
	fields := fieldErrors{}
	c.Organisation = strings.TrimSpace(c.Organisation)
	if err := validate.Struct(c); err != nil {
		validatorMessages(err, fields)
		renameRoleFields(fields, c.Role)
		if m, ok := fields["Organisation"]; ok {
			delete(fields, "Organisation")
			fields.add("organisation", "%s", m)
		}
	}
	checkMembership(fields, c.Role, c.Organisation)
	return fields.err("The user could not be changed. Fix each problem listed.")
}

// AdminStore is what managing users and organisations needs from the
// database.
type AdminStore interface {
	// Users lists every user by name, turned off or not.
	Users(ctx context.Context) ([]*User, error)
	// UserByID returns the user with id; ENOTFOUND if there is none.
	UserByID(ctx context.Context, id int64) (*User, error)
	// ChangeUser sets a user's role and organisation (created if new,
	// none when ""); ENOTFOUND if there is no such user.
	ChangeUser(ctx context.Context, id int64, c *UserChange) (*User, error)
	// DisableUser turns an account off and, in the same transaction,
	// deletes its sessions and API tokens; ENOTFOUND if there is none.
	DisableUser(ctx context.Context, id int64, at time.Time) error
	// EnableUser turns an account on again; ENOTFOUND if there is none.
	EnableUser(ctx context.Context, id int64) error
	// SetPassword replaces a user's password hash, clears their failed
	// sign-ins and lock, and ends their sessions; ENOTFOUND if there is none.
	SetPassword(ctx context.Context, id int64, hash string) error
	// Organisations lists organisations by name, with their member counts.
	Organisations(ctx context.Context) ([]*Organisation, error)
	// CreateOrganisation adds an organisation; ECONFLICT if one with the
	// same name, in any case, exists.
	CreateOrganisation(ctx context.Context, name string, at time.Time) (*Organisation, error)
}

// CommandLine is the user the voices command acts as in the administrator
// checks. Whoever can run it can open the database file, and so could do
// anything an administrator can without Voices; refusing them would
// protect nothing. It is no one's account (ID 0): it never matches a real
// user, cannot sign in, and the audit log names the actor from the context
// ("cli"), not from this.
func CommandLine() *User { return &User{Name: "command line", Role: RoleAdmin} }

// requireAdmin lets only administrators through; doing says what they
// tried, e.g. "manage users".
func requireAdmin(u *User, doing string) error {
	if u == nil {
		return Errorf(EUNAUTHORIZED, "Sign in or send an API token.")
	}
	if u.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "Only administrators can %s.", doing)
	}
	return nil
}

// Users lists every user.
func (svc *Service) Users(ctx context.Context, by *User) ([]*User, error) {
	if err := requireAdmin(by, "manage users"); err != nil {
		return nil, err
	}
	return svc.Store.Users(ctx)
}

// User returns one user.
func (svc *Service) User(ctx context.Context, by *User, id int64) (*User, error) {
	if err := requireAdmin(by, "manage users"); err != nil {
		return nil, err
	}
	return svc.Store.UserByID(ctx, id)
}

// AddUserAs adds a user on an administrator's behalf. (AddUser itself
// checks no one: its callers, the command line and set-up code, are
// trusted.)
func (svc *Service) AddUserAs(ctx context.Context, by *User, u *NewUser) (*User, error) {
	if err := requireAdmin(by, "add users"); err != nil {
		return nil, err
	}
	return svc.AddUser(ctx, u)
}

// ChangeUser changes a user's role and organisation. Administrators cannot
// change their own role, so there is always one left who can undo a
// mistake.
func (svc *Service) ChangeUser(ctx context.Context, by *User, id int64, c *UserChange) (*User, error) {
	if err := requireAdmin(by, "change users"); err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	old, err := svc.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.ID == by.ID && c.Role != old.Role {
		return nil, &Error{Code: EINVALID, Message: "You cannot change your own role.",
			Fields: map[string]string{"role": "keep it as " + string(old.Role) + ", or ask another administrator to change it"}}
	}
	if c.Role == old.Role && c.Organisation == old.Organisation {
		return old, nil // nothing to change or record
	}
	u, err := svc.Store.ChangeUser(ctx, id, c)
	if err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditUserChange, "user:"+u.Email, fmt.Sprintf("role %s → %s; organisation %s → %s",
		old.Role, u.Role, orNone(old.Organisation), orNone(u.Organisation)))
	return u, nil
}

func orNone(organisation string) string {
	if organisation == "" {
		return "(none)"
	}
	return organisation
}

// DisableUser turns a user's account off: they cannot sign in, and their
// sessions and API tokens are deleted at once, so they are signed out
// everywhere. Administrators cannot turn themselves off.
func (svc *Service) DisableUser(ctx context.Context, by *User, id int64) (*User, error) {
	if err := requireAdmin(by, "turn users off"); err != nil {
		return nil, err
	}
	u, err := svc.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.ID == by.ID {
		return nil, &Error{Code: EINVALID, Message: "You cannot turn off your own account.",
			Fields: map[string]string{"user": "ask another administrator to turn off your account"}}
	}
	if u.Disabled() {
		return u, nil // already off: nothing to do or record
	}
	u.DisabledAt = svc.Clock()
	if err := svc.Store.DisableUser(ctx, u.ID, u.DisabledAt); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditUserDisable, "user:"+u.Email, "sessions and API tokens deleted")
	return u, nil
}

// EnableUser turns a user's account on again. They sign in with their
// password as before; API tokens deleted when it was turned off stay
// deleted, so new ones must be made.
func (svc *Service) EnableUser(ctx context.Context, by *User, id int64) (*User, error) {
	if err := requireAdmin(by, "turn users on"); err != nil {
		return nil, err
	}
	u, err := svc.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.Disabled() {
		return u, nil
	}
	if err := svc.Store.EnableUser(ctx, u.ID); err != nil {
		return nil, err
	}
	u.DisabledAt = time.Time{}
	svc.audit(ctx, AuditUserEnable, "user:"+u.Email, "")
	return u, nil
}

// Organisations lists the organisations with their member counts.
func (svc *Service) Organisations(ctx context.Context, by *User) ([]*Organisation, error) {
	if err := requireAdmin(by, "manage organisations"); err != nil {
		return nil, err
	}
	return svc.Store.Organisations(ctx)
}

// AddOrganisation adds an organisation, so that its members can be added
// to it by choosing its name.
func (svc *Service) AddOrganisation(ctx context.Context, by *User, name string) (*Organisation, error) {
	if err := requireAdmin(by, "add organisations"); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	fields := fieldErrors{}
	switch {
	case name == "":
		fields.add("name", "enter the organisation's name")
	case utf8.RuneCountInString(name) > MaxOrganisationName:
		fields.add("name", "must be %d characters or fewer; shorten it", MaxOrganisationName)
	}
	if err := fields.err("The organisation could not be added. Fix the problem listed."); err != nil {
		return nil, err
	}
	o, err := svc.Store.CreateOrganisation(ctx, name, svc.Clock())
	if err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditOrganisationAdd, "organisation:"+o.Name, "")
	return o, nil
}

// SetPassword gives a user a new password, set by an administrator for
// someone who has forgotten theirs (there is no email in Voices to send a
// reset link). It ends the user's sessions, so a browser left signed in
// elsewhere is signed out; their API tokens are kept.
func (svc *Service) SetPassword(ctx context.Context, by *User, id int64, password string) (*User, error) {
	if err := requireAdmin(by, "set passwords"); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLength || n > MaxPasswordLength {
		return nil, &Error{Code: EINVALID, Message: "The password could not be set.",
			Fields: map[string]string{"password": fmt.Sprintf("must be between %d and %d characters long", MinPasswordLength, MaxPasswordLength)}}
	}
	u, err := svc.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	if err := svc.Store.SetPassword(ctx, id, hash); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditUserPassword, "user:"+u.Email, "")
	return u, nil
}
