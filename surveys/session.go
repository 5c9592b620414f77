package surveys

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Signing in: officers, community group members and interpreters sign in
// with their email address and password (no puzzle, pasting welcome: WCAG
// 2.2 "accessible authentication"). A session is a random cookie whose hash
// is stored; it ends after a spell of disuse or, however busy, after a day's
// work. Repeated wrong passwords lock the account for a while.

const (
	// SessionIdle ends a session not used for this long.
	SessionIdle = 2 * time.Hour
	// SessionMax ends every session this long after sign-in.
	SessionMax = 12 * time.Hour
	// MaxSignInFailures wrong passwords in a row lock the account for SignInLock.
	MaxSignInFailures = 5
	SignInLock        = 15 * time.Minute
)

// Credentials are what signing in checks.
type Credentials struct {
	User          *User
	PasswordHash  string
	FailedSignIns int
	LockedUntil   time.Time
}

// SessionStore keeps sessions and sign-in failures.
type SessionStore interface {
	// Credentials returns the user with email and what sign-in checks;
	// ENOTFOUND if there is none.
	Credentials(ctx context.Context, email string) (*Credentials, error)
	// RecordSignInFailure stores the count of wrong passwords in a row and
	// the lock, if any.
	RecordSignInFailure(ctx context.Context, userID int64, failures int, lockedUntil time.Time) error
	// CreateSession stores a session and clears the user's failures.
	CreateSession(ctx context.Context, userID int64, hash []byte, now, expires time.Time) error
	// SessionUser returns the user of an unexpired session and moves its
	// expiry to expires (never past created + max); EUNAUTHORIZED if none.
	SessionUser(ctx context.Context, hash []byte, now, expires time.Time, max time.Duration) (*User, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions deletes sessions that ended before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// ErrSignIn is the one answer to a wrong email address or password: which
// of the two was wrong is not said.
var ErrSignIn = &Error{Code: EUNAUTHORIZED, Message: "The email address or password is not right.",
	Fields: map[string]string{"email": "check the email address and password, then try again"}}

// ErrAccountDisabled is the answer to the right password for an account
// an administrator has turned off.
var ErrAccountDisabled = &Error{Code: EFORBIDDEN, Message: "This account has been turned off.",
	Fields: map[string]string{"email": "ask an administrator if you need to sign in again"}}

// dummyHash is checked against when there is no such user, so that an
// unknown address takes as long to refuse as a wrong password.
var dummyHash, _ = HashPassword("voices-dummy-password-for-timing")

// SignIn checks an email address and password and starts a session. It
// returns the session's cookie value (kept only as a hash) and the user.
func (svc *Service) SignIn(ctx context.Context, email, password string) (string, *User, error) {
	now := svc.Clock()
	c, err := svc.Store.Credentials(ctx, email)
	if ErrorCode(err) == ENOTFOUND {
		CheckPassword(dummyHash, password)
		svc.audit(ctx, AuditSignInFailed, "user:"+email, "no such user")
		return "", nil, ErrSignIn
	}
	if err != nil {
		return "", nil, err
	}
	if now.Before(c.LockedUntil) {
		svc.audit(ctx, AuditSignInFailed, "user:"+c.User.Email, "account locked")
		return "", nil, &Error{Code: EFORBIDDEN, Message: "There have been too many wrong passwords for this account, so it is locked for a while.",
			Fields: map[string]string{"email": "wait " + waitText(c.LockedUntil.Sub(now)) + " and try again, or ask an administrator to reset your password"}}
	}
	if !CheckPassword(c.PasswordHash, password) {
		failures, locked := c.FailedSignIns+1, time.Time{}
		if failures >= MaxSignInFailures {
			failures, locked = 0, now.Add(SignInLock)
		}
		if err := svc.Store.RecordSignInFailure(ctx, c.User.ID, failures, locked); err != nil {
			return "", nil, err
		}
		detail := "wrong password"
		if !locked.IsZero() {
			detail += "; account locked"
		}
		svc.audit(ctx, AuditSignInFailed, "user:"+c.User.Email, detail)
		return "", nil, ErrSignIn
	}
	// Checked after the password, so that only someone who knows it learns
	// that the account exists and is turned off.
	if c.User.Disabled() {
		svc.audit(ctx, AuditSignInFailed, "user:"+c.User.Email, "account turned off")
		return "", nil, ErrAccountDisabled
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", nil, err
	}
	if err := svc.Store.CreateSession(ctx, c.User.ID, hash, now, now.Add(SessionIdle)); err != nil {
		return "", nil, err
	}
	svc.audit(WithActor(ctx, Actor{User: c.User}), AuditSignIn, "user:"+c.User.Email, "")
	return token, c.User, nil
}

func waitText(d time.Duration) string {
	if m := int(d.Round(time.Minute).Minutes()); m > 1 {
		return strconv.Itoa(m) + " minutes"
	}
	return "a minute"
}

// SessionUser returns the signed-in user of a session cookie, keeping the
// session alive.
func (svc *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errNoSession
	}
	now := svc.Clock()
	u, err := svc.Store.SessionUser(ctx, HashToken(token), now, now.Add(SessionIdle), SessionMax)
	if errors.Is(err, errNoSession) || ErrorCode(err) == EUNAUTHORIZED {
		return nil, errNoSession
	}
	return u, err
}

var errNoSession = &Error{Code: EUNAUTHORIZED, Message: "Sign in to continue."}

// SignOut ends a session.
func (svc *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return svc.Store.DeleteSession(ctx, HashToken(token))
}
