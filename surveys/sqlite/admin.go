package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Managing users and organisations, and reading the audit log.

// Users lists every user by name.
func (db *DB) Users(ctx context.Context) ([]*surveys.User, error) {
	rows, err := db.read.QueryContext(ctx, userColumns+` ORDER BY u.name COLLATE NOCASE, u.email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.User
	for rows.Next() {
		u, err := scanUser(rows, nil)
		if err != nil {
			return nil, err
		}
		list = append(list, u)
	}
	return list, rows.Err()
}

func userNotFound(id int64) error {
	return surveys.Errorf(surveys.ENOTFOUND, "There is no user with the number %d.", id)
}

// UserByID returns the user with id.
func (db *DB) UserByID(ctx context.Context, id int64) (*surveys.User, error) {
	return scanUser(db.read.QueryRowContext(ctx, userColumns+` WHERE u.id = ?`, id), userNotFound(id))
}

// ChangeUser sets a user's role and organisation, creating the
// organisation if it is new (as CreateUser does).
func (db *DB) ChangeUser(ctx context.Context, id int64, c *surveys.UserChange) (*surveys.User, error) {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		var orgID int64
		if c.Organisation != "" {
			id, _, err := organisation(ctx, tx, c.Organisation, time.Now())
			if err != nil {
				return struct{}{}, err
			}
			orgID = id
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, organisation_id = ? WHERE id = ?`, c.Role, nullInt(orgID), id)
		if err != nil {
			return struct{}{}, err
		}
		if err := changedOne(res, id); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	return db.UserByID(ctx, id)
}

// DisableUser turns an account off and deletes its sessions and API tokens
// in the same transaction, so no request can start with them afterwards.
func (db *DB) DisableUser(ctx context.Context, id int64, at time.Time) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, formatTime(at), id)
		if err != nil {
			return struct{}{}, err
		}
		if err := changedOne(res, id); err != nil {
			return struct{}{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return struct{}{}, err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, id)
		return struct{}{}, err
	})
	return err
}

// SetPassword replaces a user's password and ends their sessions.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL WHERE id = ?`, hash, id)
		if err != nil {
			return struct{}{}, err
		}
		if err := changedOne(res, id); err != nil {
			return struct{}{}, err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		return struct{}{}, err
	})
	return err
}

// EnableUser turns an account on again.
func (db *DB) EnableUser(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return changedOne(res, id)
}

// changedOne turns an UPDATE of user id that changed no row into ENOTFOUND.
func changedOne(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = userNotFound(id)
	}
	return err
}

// Organisations lists organisations by name, with their member counts.
func (db *DB) Organisations(ctx context.Context) ([]*surveys.Organisation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.name, o.created_at, COUNT(u.id)
		FROM organisations o LEFT JOIN users u ON u.organisation_id = o.id
		GROUP BY o.id ORDER BY o.name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.Organisation
	for rows.Next() {
		var (
			o       surveys.Organisation
			created string
		)
		if err := rows.Scan(&o.ID, &o.Name, &created, &o.Members); err != nil {
			return nil, err
		}
		o.CreatedAt = parseTime(created)
		list = append(list, &o)
	}
	return list, rows.Err()
}

// CreateOrganisation adds an organisation. Names differing only in case
// count as the same: two "Ladywood Community Group"s would split a group's
// responses between them.
func (db *DB) CreateOrganisation(ctx context.Context, name string, at time.Time) (*surveys.Organisation, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (*surveys.Organisation, error) {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE name = ? COLLATE NOCASE`, name).Scan(&existing)
		if err == nil {
			return nil, &surveys.Error{Code: surveys.ECONFLICT, Message: "The organisation could not be added.",
				Fields: map[string]string{"name": "there is already an organisation called " + existing + "; choose it when you add its members"}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO organisations (name, created_at) VALUES (?, ?)`, name, formatTime(at))
		if err != nil {
			return nil, err
		}
		o := &surveys.Organisation{Name: name, CreatedAt: at.UTC()}
		o.ID, err = res.LastInsertId()
		return o, err
	})
}

const auditColumns = `SELECT id, at, COALESCE(user_id, 0), actor, action, target, detail FROM audit_log`

func scanAudit(rows *sql.Rows) (*surveys.AuditEvent, error) {
	var (
		e  surveys.AuditEvent
		at string
	)
	if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
		return nil, err
	}
	e.At = parseTime(at)
	return &e, nil
}

// AuditEvents returns the events q selects, newest first.
func (db *DB) AuditEvents(ctx context.Context, q surveys.AuditQuery) ([]*surveys.AuditEvent, error) {
	rows, err := db.read.QueryContext(ctx, auditColumns+` WHERE (? = 0 OR id < ?) AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ?`,
		q.Before, q.Before, q.Action, q.Action, q.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// EachAuditEvent calls fn for every event, oldest first, from one query:
// one snapshot of the log, read a row at a time.
func (db *DB) EachAuditEvent(ctx context.Context, fn func(*surveys.AuditEvent) error) error {
	rows, err := db.read.QueryContext(ctx, auditColumns+` ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
