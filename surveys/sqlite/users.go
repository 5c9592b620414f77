package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// CreateUser adds a user, creating their organisation if it is new.
func (db *DB) CreateUser(ctx context.Context, u *surveys.NewUser, passwordHash string) (*surveys.User, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (*surveys.User, error) {
		now := time.Now().UTC()
		user := &surveys.User{Email: u.Email, Name: u.Name, Role: u.Role, Organisation: u.Organisation, CreatedAt: now}
		if u.Organisation != "" {
			id, name, err := organisation(ctx, tx, u.Organisation, now)
			if err != nil {
				return nil, err
			}
			user.OrganisationID, user.Organisation = id, name
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, organisation_id, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, u.Email, u.Name, u.Role, nullInt(user.OrganisationID), passwordHash, formatTime(now))
		if isUnique(err, "users.email") {
			return nil, &surveys.Error{Code: surveys.ECONFLICT, Message: "The user could not be added.",
				Fields: map[string]string{"email": "a user with this email address already exists"}}
		}
		if err != nil {
			return nil, err
		}
		user.ID, err = res.LastInsertId()
		return user, err
	})
}

const userColumns = `SELECT u.id, u.email, u.name, u.role, COALESCE(u.organisation_id, 0), COALESCE(o.name, ''), u.created_at,
	COALESCE(u.disabled_at, '') FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id`

func scanUser(row scanner, notFound error) (*surveys.User, error) {
	var u surveys.User
	var created, disabled string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrganisationID, &u.Organisation, &created, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	u.CreatedAt = parseTime(created)
	if disabled != "" {
		u.DisabledAt = parseTime(disabled)
	}
	return &u, err
}

// UserByEmail returns the user with email (any case).
func (db *DB) UserByEmail(ctx context.Context, email string) (*surveys.User, error) {
	return scanUser(db.read.QueryRowContext(ctx, userColumns+` WHERE u.email = ?`, email),
		surveys.Errorf(surveys.ENOTFOUND, "There is no user with the email address %q.", email))
}

// CreateToken stores a token hash for a user.
func (db *DB) CreateToken(ctx context.Context, userID int64, hash []byte) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`,
		userID, hash, formatTime(time.Now()))
	return err
}

// UserByToken returns the user a token hash belongs to.
func (db *DB) UserByToken(ctx context.Context, hash []byte) (*surveys.User, error) {
	// A turned-off user's tokens are deleted as it is turned off; the
	// disabled_at test is a second guard.
	return scanUser(db.read.QueryRowContext(ctx, userColumns+` JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ? AND u.disabled_at IS NULL`, hash),
		surveys.Errorf(surveys.EUNAUTHORIZED, "The API token is not valid. Create a new one with: voices token create --email YOUR-EMAIL"))
}

// Credentials returns what signing in checks for the user with email.
func (db *DB) Credentials(ctx context.Context, email string) (*surveys.Credentials, error) {
	var (
		c       surveys.Credentials
		u       surveys.User
		locked  sql.NullString
		created string
		off     sql.NullString
	)
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, COALESCE(u.organisation_id, 0), COALESCE(o.name, ''), u.created_at,
		u.password_hash, u.failed_sign_ins, u.locked_until, u.disabled_at
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrganisationID, &u.Organisation, &created, &c.PasswordHash, &c.FailedSignIns, &locked, &off)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no user with this email address.")
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = parseTime(created)
	if locked.Valid {
		c.LockedUntil = parseTime(locked.String)
	}
	if off.Valid {
		u.DisabledAt = parseTime(off.String)
	}
	c.User = &u
	return &c, nil
}

// RecordSignInFailure stores wrong passwords in a row and any lock.
func (db *DB) RecordSignInFailure(ctx context.Context, userID int64, failures int, lockedUntil time.Time) error {
	var locked any
	if !lockedUntil.IsZero() {
		locked = formatTime(lockedUntil)
	}
	_, err := db.write.ExecContext(ctx, `UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?`, failures, locked, userID)
	return err
}

// CreateSession stores a session and clears the user's failures.
func (db *DB) CreateSession(ctx context.Context, userID int64, hash []byte, now, expires time.Time) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?`, userID); err != nil {
			return struct{}{}, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, userID, formatTime(now), formatTime(expires))
		return struct{}{}, err
	})
	return err
}

// SessionUser returns a session's user and moves its expiry on. Every
// signed-in page view comes here, so the session is read on the read pool
// and written only when its expiry would move by a minute or more: not a
// durable commit per page.
func (db *DB) SessionUser(ctx context.Context, hash []byte, now, expires time.Time, max time.Duration) (*surveys.User, error) {
	var created, until string
	err := db.read.QueryRowContext(ctx, `SELECT created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		hash, formatTime(now)).Scan(&created, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return nil, err
	}
	if limit := parseTime(created).Add(max); expires.After(limit) {
		expires = limit
	}
	if expires.Sub(parseTime(until)) >= time.Minute {
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, formatTime(expires), hash); err != nil {
			return nil, err
		}
	}
	return scanUser(db.read.QueryRowContext(ctx, userColumns+` JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND u.disabled_at IS NULL`, hash),
		surveys.Errorf(surveys.EUNAUTHORIZED, "Sign in to continue."))
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return err
}

// DeleteExpiredSessions deletes sessions that ended before now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RecordAudit adds an event to the audit log.
func (db *DB) RecordAudit(ctx context.Context, e *surveys.AuditEvent) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), nullInt(e.UserID), e.Actor, e.Action, e.Target, e.Detail)
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}

// AuditLog returns events newest first.
func (db *DB) AuditLog(ctx context.Context, before int64, limit int) ([]*surveys.AuditEvent, error) {
	return db.AuditEvents(ctx, surveys.AuditQuery{Before: before, Limit: limit})
}

// organisation returns the organisation called name, whatever its case
// ("Ladywood Network" and "ladywood network" are one group), adding it if
// there is none; it returns the name as first written.
func organisation(ctx context.Context, tx *sql.Tx, name string, now time.Time) (int64, string, error) {
	var id int64
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT id, name FROM organisations WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, name).Scan(&id, &stored)
	if err == nil {
		return id, stored, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, "", err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO organisations (name, created_at) VALUES (?, ?)`, name, formatTime(now))
	if err != nil {
		return 0, "", err
	}
	id, err = res.LastInsertId()
	return id, name, err
}
