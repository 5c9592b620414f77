package surveys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Role says what a signed-in user may do.
type Role string

const (
	RoleAdmin       Role = "admin"       // everything, including managing users
	RoleOfficer     Role = "officer"     // council officer: builds surveys, sees all responses
	RolePartner     Role = "partner"     // community group member: enters responses for people
	RoleInterpreter Role = "interpreter" // interpreter (including BSL): enters responses for people
)

// IsOfficer reports whether the role may run surveys and read all responses.
func (r Role) IsOfficer() bool { return r == RoleAdmin || r == RoleOfficer }

// EntersAs is the mediation recorded when this role enters a response and
// does not say otherwise.
func (r Role) EntersAs() string {
	switch r {
	case RolePartner:
		return EnteredByCommunityGroup
	case RoleInterpreter:
		return EnteredByInterpreter
	}
	return EnteredByOfficer
}

// User is someone who signs in: an officer, a community group member or an
// interpreter.
type User struct {
	ID             int64
	Email          string
	Name           string
	Role           Role
	OrganisationID int64 // 0 when the user belongs to none
	Organisation   string
	CreatedAt      time.Time
	DisabledAt     time.Time // zero while the user may sign in
}

// Disabled reports whether an administrator has turned the account off.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// SeesEquality reports whether u may see equality answers beside one
// person's response. Only officers may: equality answers are for counting
// who was heard, and a community group or interpreter who entered someone's
// response has no need to read them back next to it.
func (u *User) SeesEquality() bool { return u != nil && u.Role.IsOfficer() }

// NewUser is what is needed to add a user.
type NewUser struct {
	Email        string `validate:"required,max=254,email"`
	Name         string `validate:"required,max=200"`
	Role         Role   `validate:"required,oneof=admin officer partner interpreter"`
	Organisation string `validate:"max=200"`
	Password     string
}

// Minimum and maximum password length, in characters. Long passphrases
// and pasting from a password manager are welcome (WCAG 2.2 3.3.8).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 1000
)

// Check validates a new user, naming each problem.
func (u *NewUser) Check() error {
	fields := fieldErrors{}
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.Organisation = strings.TrimSpace(u.Organisation)
	if err := validate.Struct(u); err != nil {
		validatorMessages(err, fields)
		if _, ok := fields["Email"]; ok {
			delete(fields, "Email")
			fields.add("email", "enter an email address like name@example.org")
		}
		if u.Name == "" {
			delete(fields, "Name")
			fields.add("name", "enter their full name")
		}
		renameRoleFields(fields, u.Role)
		for _, k := range []string{"Name", "Organisation"} {
			if m, ok := fields[k]; ok {
				delete(fields, k)
				fields.add(strings.ToLower(k), "%s", m)
			}
		}
	}
	if _, err := mail.ParseAddress(u.Email); err != nil && fields["email"] == "" {
		fields.add("email", "enter an email address like name@example.org")
	}
	checkMembership(fields, u.Role, u.Organisation)
	if n := utf8.RuneCountInString(u.Password); n < MinPasswordLength || n > MaxPasswordLength {
		fields.add("password", "must be between %d and %d characters long", MinPasswordLength, MaxPasswordLength)
	}
	return fields.err("The user could not be added. Fix each problem listed.")
}

// renameRoleFields names the validator's problem with Role as "role",
// saying what to do when none was chosen.
func renameRoleFields(fields fieldErrors, role Role) {
	m, ok := fields["Role"]
	if !ok {
		return
	}
	delete(fields, "Role")
	if role == "" {
		m = "choose one of: admin, officer, partner, interpreter"
	}
	fields.add("role", "%s", m)
}

// checkMembership is the rule on roles and organisations, for new users and
// changed ones alike: a community group member's responses are shared with
// their organisation, so they must have one.
func checkMembership(fields fieldErrors, role Role, organisation string) {
	if role == RolePartner && organisation == "" {
		fields.add("organisation", "a community group member must belong to an organisation; give its name")
	}
}

// argon2id parameters: RFC 9106's second recommended option, with two lanes
// for our two-core machines.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash from HashPassword.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// A damaged or hostile stored hash must not crash the process or make
	// it allocate without bound: argon2 panics on t=0 or p=0.
	if t < 1 || t > 10 || p < 1 || m < 8*uint32(p) || m > 1<<20 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// tokenPrefix marks Voices API tokens, so that secret scanners and people
// can recognise one that has leaked.
const tokenPrefix = "voices_"

// NewToken returns a new random API token and the hash to store. Only the
// hash is stored: a token has 256 random bits, so a fast hash is enough.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of an API token.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Scope narrows f to the responses u may see: officers and admins see
// every response; a community group member sees those their organisation
// entered; an interpreter sees those they entered themselves. The rule is
// here, not in each handler, so every list and export applies it alike.
func (u *User) Scope(f ResponseFilter) (ResponseFilter, error) {
	switch {
	case u == nil:
		return f, Errorf(EUNAUTHORIZED, "Sign in or send an API token to see responses.")
	case u.Role.IsOfficer():
		f.OrganisationID, f.UserID = 0, 0
	case u.Role == RolePartner && u.OrganisationID != 0:
		f.OrganisationID, f.UserID = u.OrganisationID, 0
	case u.Role == RoleInterpreter || u.Role == RolePartner:
		f.OrganisationID, f.UserID = 0, u.ID
	default:
		return f, Errorf(EFORBIDDEN, "Your role cannot see responses.")
	}
	return f, nil
}
