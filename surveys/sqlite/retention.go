package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Retention (surveys/retention.go): deleting a closed survey's personal
// data when its time is up.

// SurveyClosedAt returns when a survey's status became closed.
func (db *DB) SurveyClosedAt(ctx context.Context, surveyID int64) (time.Time, error) {
	var status string
	var closed sql.NullString
	var updated string
	err := db.read.QueryRowContext(ctx, `SELECT status, closed_at, updated_at FROM surveys WHERE id = ?`, surveyID).Scan(&status, &closed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, surveys.Errorf(surveys.ENOTFOUND, "There is no such survey.")
	}
	if err != nil || status != string(surveys.StatusClosed) {
		return time.Time{}, err
	}
	if closed.Valid {
		return parseTime(closed.String), nil
	}
	return parseTime(updated), nil // created closed
}

// ApplyRetention deletes the kinds of personal data due for a survey.
func (db *DB) ApplyRetention(ctx context.Context, surveyID int64, due surveys.RetentionDue) (map[string]int64, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (map[string]int64, error) {
		deleted := map[string]int64{}
		exec := func(table, query string, args ...any) error {
			res, err := tx.ExecContext(ctx, query, args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				deleted[table] += n
			}
			return nil
		}
		var steps [][2]string // table, query (of the survey)
		if due.SMS {
			steps = append(steps,
				[2]string{"sms_messages", `DELETE FROM sms_messages WHERE conversation_id IN (SELECT id FROM sms_conversations WHERE survey_id = ?)`},
				[2]string{"sms_conversations", `DELETE FROM sms_conversations WHERE survey_id = ? AND status != 'active'`},
				// The record of invitations sent; updates go with the contacts.
				[2]string{"sms_outbox", `DELETE FROM sms_outbox WHERE survey_id = ? AND kind NOT LIKE 'update:%' AND status NOT IN ('queued', 'sending')`},
				[2]string{"update_subscriptions", `DELETE FROM update_subscriptions WHERE survey_id = ? AND status = 'offered'`})
		}
		if due.Contacts {
			steps = append(steps,
				[2]string{"update_subscriptions", `DELETE FROM update_subscriptions WHERE survey_id = ?`},
				[2]string{"sms_outbox", `DELETE FROM sms_outbox WHERE survey_id = ? AND kind LIKE 'update:%'`},
				[2]string{"email_outbox", `DELETE FROM email_outbox WHERE survey_id = ?`})
		}
		for _, st := range steps {
			if err := exec(st[0], st[1], surveyID); err != nil {
				return nil, err
			}
		}
		if due.Equality {
			if err := exec("equality_answers", `DELETE FROM equality_answers WHERE response_id IN (SELECT id FROM responses WHERE survey_id = ?)`, surveyID); err != nil {
				return nil, err
			}
			if deleted["equality_answers"] > 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE breakdown_profiles SET `+equalityCodesZero+` WHERE survey_id = ?`, surveyID); err != nil {
					return nil, err
				}
				// Corrections keep a copy of what a response said.
				rows, err := tx.QueryContext(ctx, `SELECT DISTINCT c.response_id FROM corrections c JOIN responses r ON r.id = c.response_id WHERE r.survey_id = ?`, surveyID)
				if err != nil {
					return nil, err
				}
				var ids []int64
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return nil, err
					}
					ids = append(ids, id)
				}
				if err := errors.Join(rows.Err(), rows.Close()); err != nil {
					return nil, err
				}
				for _, id := range ids {
					if err := scrubCorrections(ctx, tx, id); err != nil {
						return nil, err
					}
				}
			}
		}
		return deleted, nil
	})
}
