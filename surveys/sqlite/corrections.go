package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/voices-uk/voices/surveys"
)

// ResponseByReference returns one response that the scope f lets its user see.
func (db *DB) ResponseByReference(ctx context.Context, surveyID int64, reference string, f surveys.ResponseFilter) (*surveys.Response, error) {
	if reference == "" {
		return nil, notFoundResponse
	}
	scope := surveys.ResponseFilter{Reference: reference, OrganisationID: f.OrganisationID, UserID: f.UserID}
	var found *surveys.Response
	err := db.eachResponse(ctx, surveyID, scope, 1, func(r *surveys.Response) error {
		found = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, notFoundResponse
	}
	return found, nil
}

// notFoundResponse says the same whether a response does not exist or the
// user may not see it, so that neither is revealed.
var notFoundResponse = surveys.Errorf(surveys.ENOTFOUND, "There is no response with this reference that you can see.")

// canonical is a response's contents as stored in a correction. Maps
// marshal with sorted keys, so equal contents give equal text.
func canonical(c surveys.ResponseContents) (string, error) {
	data, err := json.Marshal(c)
	return string(data), err
}

// CorrectResponse replaces a response's contents and records the correction.
func (db *DB) CorrectResponse(ctx context.Context, r *surveys.Response, c *surveys.Correction) error {
	before, err := canonical(c.Before)
	if err != nil {
		return err
	}
	after, err := canonical(c.After)
	if err != nil {
		return err
	}
	id, err := inTx(ctx, db.write, func(tx *sql.Tx) (int64, error) {
		// Someone else's correction since c.Before was read would be
		// silently undone: refuse instead. A response changes only by
		// corrections, so the latest one's "after" is what it says now.
		var latest string
		err := tx.QueryRowContext(ctx, `SELECT after FROM corrections WHERE response_id = ? ORDER BY id DESC LIMIT 1`, r.ID).Scan(&latest)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		if err == nil && latest != before {
			return 0, surveys.Errorf(surveys.ECONFLICT, "Someone else corrected this response while you were working on it. Open it again to see their change, then make yours.")
		}
		// Equality answers the person withdrew must not come back, even
		// from a form that still held them.
		var withdrawn bool
		if err := tx.QueryRowContext(ctx, `SELECT equality_withdrawn_at IS NOT NULL FROM responses WHERE id = ?`, r.ID).Scan(&withdrawn); err != nil {
			return 0, err
		}
		if withdrawn && len(r.Equality) > 0 {
			return 0, surveys.Errorf(surveys.ECONFLICT, "The person withdrew their equality answers from this response, so they cannot be added back. Leave the equality answers empty.")
		}
		for _, table := range []string{"answers", "answer_originals", "equality_answers"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE response_id = ?`, r.ID); err != nil {
				return 0, err
			}
		}
		w := &responseWriter{db: db, ctx: ctx, tx: tx}
		err = w.contents(r.ID, r)
		if err == nil {
			err = w.profile(r.ID, r)
		}
		if err = errors.Join(err, w.close(err == nil)); err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO corrections (response_id, at, user_id, actor, reason, before, after)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, formatTime(c.At), nullInt(c.UserID), c.Actor, c.Reason, before, after)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	})
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// Corrections lists a response's corrections, oldest first.
func (db *DB) Corrections(ctx context.Context, responseID int64) ([]*surveys.Correction, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), actor, reason, before, after
		FROM corrections WHERE response_id = ? ORDER BY id`, responseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.Correction
	for rows.Next() {
		c := &surveys.Correction{ResponseID: responseID}
		var at, before, after string
		if err := rows.Scan(&c.ID, &at, &c.UserID, &c.Actor, &c.Reason, &before, &after); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		if err := errors.Join(json.Unmarshal([]byte(before), &c.Before), json.Unmarshal([]byte(after), &c.After)); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}
