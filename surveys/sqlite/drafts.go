package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// CreateDraft stores a new draft.
func (db *DB) CreateDraft(ctx context.Context, d *surveys.Draft, codeHash []byte) error {
	answers, equality, err := draftJSON(d)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO drafts (survey_id, code_hash, language, answers, equality, step, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.SurveyID, codeHash, d.Language, answers, equality, d.Step,
		formatTime(d.CreatedAt), formatTime(d.UpdatedAt), formatTime(d.ExpiresAt))
	if err != nil {
		return err
	}
	d.ID, err = res.LastInsertId()
	return err
}

func draftJSON(d *surveys.Draft) (string, string, error) {
	answers, err := json.Marshal(d.Answers)
	if err != nil {
		return "", "", err
	}
	equality, err := json.Marshal(d.Equality)
	return string(answers), string(equality), err
}

// Draft returns an unexpired draft by its code hash.
func (db *DB) Draft(ctx context.Context, surveyID int64, codeHash []byte, now time.Time) (*surveys.Draft, error) {
	var (
		d                         surveys.Draft
		answers, equality         string
		reference                 sql.NullString
		created, updated, expires string
	)
	err := db.read.QueryRowContext(ctx, `SELECT id, survey_id, language, answers, equality, reference, step, created_at, updated_at, expires_at
		FROM drafts WHERE survey_id = ? AND code_hash = ? AND expires_at > ?`, surveyID, codeHash, formatTime(now)).
		Scan(&d.ID, &d.SurveyID, &d.Language, &answers, &equality, &reference, &d.Step, &created, &updated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There are no saved answers with this code. They may have expired.")
	}
	if err != nil {
		return nil, err
	}
	if err := errors.Join(json.Unmarshal([]byte(answers), &d.Answers), json.Unmarshal([]byte(equality), &d.Equality)); err != nil {
		return nil, err
	}
	d.Reference = reference.String
	d.CreatedAt, d.UpdatedAt, d.ExpiresAt = parseTime(created), parseTime(updated), parseTime(expires)
	return &d, nil
}

// SaveDraft stores a draft's answers, reference and times.
func (db *DB) SaveDraft(ctx context.Context, d *surveys.Draft) error {
	return saveDraft(ctx, db.write, d)
}

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

func saveDraft(ctx context.Context, e execer, d *surveys.Draft) error {
	answers, equality, err := draftJSON(d)
	if err != nil {
		return err
	}
	res, err := e.ExecContext(ctx, `UPDATE drafts SET language = ?, answers = ?, equality = ?, reference = ?, step = ?, updated_at = ?, expires_at = ?
		WHERE id = ?`, d.Language, answers, equality, nullString(d.Reference), d.Step, formatTime(d.UpdatedAt), formatTime(d.ExpiresAt), d.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, surveys.Errorf(surveys.ENOTFOUND, "There are no saved answers with this code. They may have expired."))
	}
	return nil
}

// claimDraft marks a draft as sent, in the transaction that stores its
// response. Only one transaction can do so: if the draft was sent already
// (two clicks on Send at once), it fails and the response is not stored.
func claimDraft(ctx context.Context, tx *sql.Tx, d *surveys.Draft) error {
	res, err := tx.ExecContext(ctx, `UPDATE drafts SET answers = '{}', equality = '{}', reference = ?, updated_at = ?, expires_at = ?
		WHERE id = ? AND reference IS NULL`, d.Reference, formatTime(d.UpdatedAt), formatTime(d.ExpiresAt), d.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, surveys.ErrAlreadySent)
	}
	return nil
}

// DeleteExpiredDrafts deletes drafts that expired before now.
func (db *DB) DeleteExpiredDrafts(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM drafts WHERE expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Secret returns the named secret, making a random 32-byte one the first
// time it is asked for. It survives restarts, so signed form tokens do too.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) ([]byte, error) {
		var v []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return v, err
		}
		v = make([]byte, 32)
		if _, err := rand.Read(v); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, v)
		return v, err
	})
}
