package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Closing the loop: actions, publications of results pages, subscriptions
// to updates and the email outbox (migration 0014).

const actionColumns = `SELECT id, title, description, themes, status, reason, COALESCE(due, ''), status_changed_at, created_at, updated_at FROM actions`

func scanAction(row scanner) (*surveys.Action, error) {
	var (
		a                                    surveys.Action
		title, description, themes, reason   string
		statusChanged, created, updated, due string
	)
	if err := row.Scan(&a.ID, &title, &description, &themes, &a.Status, &reason, &due, &statusChanged, &created, &updated); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		js string
		to any
	}{{title, &a.Title}, {description, &a.Description}, {themes, &a.Themes}, {reason, &a.Reason}} {
		if err := json.Unmarshal([]byte(f.js), f.to); err != nil {
			return nil, err
		}
	}
	a.Due = due
	a.StatusChangedAt, a.CreatedAt, a.UpdatedAt = parseTime(statusChanged), parseTime(created), parseTime(updated)
	return &a, nil
}

func actionJSON(a *surveys.Action) (title, description, themes, reason string, err error) {
	var out [4][]byte
	for i, v := range []any{a.Title, a.Description, a.Themes, a.Reason} {
		if out[i], err = json.Marshal(v); err != nil {
			return
		}
	}
	return string(out[0]), string(out[1]), string(out[2]), string(out[3]), nil
}

// Actions lists a survey's actions, oldest first.
func (db *DB) Actions(ctx context.Context, surveyID int64) ([]*surveys.Action, error) {
	rows, err := db.read.QueryContext(ctx, actionColumns+` WHERE survey_id = ? ORDER BY id`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*surveys.Action{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

var errNoAction = surveys.Errorf(surveys.ENOTFOUND, "There is no such action for this survey.")

// Action returns one of a survey's actions.
func (db *DB) Action(ctx context.Context, surveyID, id int64) (*surveys.Action, error) {
	a, err := scanAction(db.read.QueryRowContext(ctx, actionColumns+` WHERE survey_id = ? AND id = ?`, surveyID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoAction
	}
	return a, err
}

// CreateAction stores a new action.
func (db *DB) CreateAction(ctx context.Context, surveyID int64, a *surveys.Action) error {
	title, description, themes, reason, err := actionJSON(a)
	if err != nil {
		return err
	}
	a.ID, err = inTx(ctx, db.write, func(tx *sql.Tx) (int64, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM actions WHERE survey_id = ?`, surveyID).Scan(&n); err != nil {
			return 0, err
		}
		if n >= surveys.MaxActions {
			return 0, surveys.Errorf(surveys.EINVALID, "A survey can have at most %d actions; combine some, or delete ones not needed.", surveys.MaxActions)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO actions (survey_id, title, description, themes, status, reason, due,
			status_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			surveyID, title, description, themes, a.Status, reason, nullString(a.Due),
			formatTime(a.StatusChangedAt), formatTime(a.CreatedAt), formatTime(a.UpdatedAt))
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	})
	return err
}

// UpdateAction stores a changed action.
func (db *DB) UpdateAction(ctx context.Context, surveyID int64, a *surveys.Action) error {
	title, description, themes, reason, err := actionJSON(a)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE actions SET title = ?, description = ?, themes = ?, status = ?, reason = ?, due = ?,
		status_changed_at = ?, updated_at = ? WHERE survey_id = ? AND id = ?`,
		title, description, themes, a.Status, reason, nullString(a.Due), formatTime(a.StatusChangedAt), formatTime(a.UpdatedAt), surveyID, a.ID)
	return oneRow(res, err, errNoAction)
}

// DeleteAction deletes an action.
func (db *DB) DeleteAction(ctx context.Context, surveyID, id int64) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM actions WHERE survey_id = ? AND id = ?`, surveyID, id)
	return oneRow(res, err, errNoAction)
}

// oneRow turns an UPDATE or DELETE that touched no row into notFound.
func oneRow(res sql.Result, err error, notFound error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, notFound)
	}
	return nil
}

// CountParticipation counts a survey's responses by channel, language and
// who entered them.
func (db *DB) CountParticipation(ctx context.Context, surveyID int64) ([]surveys.ParticipationCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT channel, language, entered_by, COUNT(*) FROM responses
		WHERE survey_id = ? GROUP BY channel, language, entered_by`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveys.ParticipationCount
	for rows.Next() {
		var c surveys.ParticipationCount
		if err := rows.Scan(&c.Channel, &c.Language, &c.EnteredBy, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LatestPublication returns a survey's latest publication, or nil.
func (db *DB) LatestPublication(ctx context.Context, surveyID int64) (*surveys.Publication, error) {
	var content string
	err := db.read.QueryRowContext(ctx, `SELECT content FROM result_publications WHERE survey_id = ? ORDER BY version DESC LIMIT 1`, surveyID).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p surveys.Publication
	if err := json.Unmarshal([]byte(content), &p); err != nil {
		return nil, err
	}
	p.SurveyID = surveyID
	return &p, nil
}

// PublishResults stores a publication and queues its messages in one
// transaction.
func (db *DB) PublishResults(ctx context.Context, p *surveys.Publication, publishedBy string, texts []*surveys.OutboxMessage, emails []*surveys.EmailMessage) (surveys.QueueResult, int, error) {
	content, err := json.Marshal(p)
	if err != nil {
		return surveys.QueueResult{}, 0, err
	}
	type result struct {
		texts  surveys.QueueResult
		emails int
	}
	r, err := inTx(ctx, db.write, func(tx *sql.Tx) (result, error) {
		var r result
		_, err := tx.ExecContext(ctx, `INSERT INTO result_publications (survey_id, version, published_at, published_by, content)
			VALUES (?, ?, ?, ?, ?)`, p.SurveyID, p.Version, formatTime(p.PublishedAt), publishedBy, string(content))
		if isPrimaryKey(err) || isUnique(err, "result_publications") {
			return r, surveys.Errorf(surveys.ECONFLICT, "Someone else published these results at the same moment; look at the page again before publishing.")
		}
		if err != nil {
			return r, err
		}
		if r.texts, err = queueSMS(ctx, tx, texts); err != nil {
			return r, err
		}
		for _, m := range emails {
			res, err := tx.ExecContext(ctx, `INSERT INTO email_outbox (survey_id, kind, address, address_hash, subject, body, unsubscribe,
				status, attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
				ON CONFLICT (survey_id, kind, address_hash) DO NOTHING`,
				m.SurveyID, m.Kind, m.Address, m.AddressHash, m.Subject, m.Body, m.Unsubscribe,
				formatTime(m.NextAttemptAt), formatTime(m.CreatedAt), formatTime(m.CreatedAt))
			if err != nil {
				return r, err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				m.ID, _ = res.LastInsertId()
				r.emails++
			}
		}
		return r, nil
	})
	return r.texts, r.emails, err
}

const subscriptionColumns = `SELECT id, survey_id, response_id, channel, address, address_hash, language, status, token, created_at,
	COALESCE(expires_at, '') FROM update_subscriptions`

func scanSubscription(row scanner) (*surveys.UpdateSubscription, error) {
	var (
		s                        surveys.UpdateSubscription
		status, created, expires string
	)
	err := row.Scan(&s.ID, &s.SurveyID, &s.ResponseID, &s.Channel, &s.Address, &s.AddressHash, &s.Language, &status, &s.Token, &created, &expires)
	if err != nil {
		return nil, err
	}
	s.Offered = status == "offered"
	s.CreatedAt = parseTime(created)
	if expires != "" {
		s.ExpiresAt = parseTime(expires)
	}
	return &s, nil
}

// SaveUpdateSubscription stores a subscription, replacing one for the same
// response and channel.
func (db *DB) SaveUpdateSubscription(ctx context.Context, sub *surveys.UpdateSubscription) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO update_subscriptions (survey_id, response_id, channel, address, address_hash,
		language, status, token, created_at) VALUES (?, ?, ?, ?, ?, ?, 'subscribed', ?, ?)
		ON CONFLICT (response_id, channel) DO UPDATE SET address = excluded.address, address_hash = excluded.address_hash,
		language = excluded.language, status = 'subscribed', token = excluded.token, created_at = excluded.created_at, expires_at = NULL`,
		sub.SurveyID, sub.ResponseID, sub.Channel, sub.Address, sub.AddressHash, sub.Language, sub.Token, formatTime(sub.CreatedAt))
	if err != nil {
		return err
	}
	sub.ID, err = res.LastInsertId()
	return err
}

// UpdateSubscriptions lists a survey's subscriptions (not offers).
func (db *DB) UpdateSubscriptions(ctx context.Context, surveyID int64) ([]*surveys.UpdateSubscription, error) {
	rows, err := db.read.QueryContext(ctx, subscriptionColumns+` WHERE survey_id = ? AND status = 'subscribed' ORDER BY id`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.UpdateSubscription
	for rows.Next() {
		s, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

// UpdateOffer returns the newest unexpired SMS offer to a number.
func (db *DB) UpdateOffer(ctx context.Context, phoneHash string, now time.Time) (*surveys.UpdateSubscription, error) {
	s, err := scanSubscription(db.read.QueryRowContext(ctx, subscriptionColumns+` WHERE address_hash = ? AND channel = 'sms'
		AND status = 'offered' AND expires_at > ? ORDER BY id DESC LIMIT 1`, phoneHash, formatTime(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

var errNoSubscription = surveys.Errorf(surveys.ENOTFOUND, "This link is not, or no longer, an unsubscribe link: there is nothing to stop.")

// UpdateSubscriptionByToken returns the subscription with this token.
func (db *DB) UpdateSubscriptionByToken(ctx context.Context, token string) (*surveys.UpdateSubscription, error) {
	s, err := scanSubscription(db.read.QueryRowContext(ctx, subscriptionColumns+` WHERE token = ? AND status = 'subscribed'`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSubscription
	}
	return s, err
}

// DeleteUpdateSubscription deletes a subscription and cancels the
// messages still queued for its address about its survey.
func (db *DB) DeleteUpdateSubscription(ctx context.Context, token string) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		s, err := scanSubscription(tx.QueryRowContext(ctx, subscriptionColumns+` WHERE token = ? AND status = 'subscribed'`, token))
		if errors.Is(err, sql.ErrNoRows) {
			return struct{}{}, errNoSubscription
		}
		if err != nil {
			return struct{}{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM update_subscriptions WHERE id = ?`, s.ID); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, cancelQueued(ctx, tx, s.SurveyID, s.AddressHash)
	})
	return err
}

// cancelQueued gives up the update messages still queued about a survey
// for one address, blanking it.
func cancelQueued(ctx context.Context, tx *sql.Tx, surveyID int64, addressHash string) error {
	now := formatTime(time.Now())
	_, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET phone = '', status = 'failed', updated_at = ?
		WHERE survey_id = ? AND phone_hash = ? AND status = 'queued' AND kind LIKE 'update:%'`, now, surveyID, addressHash)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE email_outbox SET address = '', status = 'failed', error = 'unsubscribed', updated_at = ?
		WHERE survey_id = ? AND address_hash = ? AND status = 'queued'`, now, surveyID, addressHash)
	return err
}

// PurgeUpdateOffers deletes SMS offers that expired.
func (db *DB) PurgeUpdateOffers(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM update_subscriptions WHERE status = 'offered' AND expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// offerUpdates stores the offer made with the thanks of an SMS response.
func offerUpdates(ctx context.Context, tx *sql.Tx, r *surveys.Response, t *surveys.SMSTurn) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO update_subscriptions (survey_id, response_id, channel, address, address_hash, language,
		status, token, created_at, expires_at) VALUES (?, ?, 'sms', '', ?, ?, 'offered', ?, ?, ?) ON CONFLICT (response_id, channel) DO NOTHING`,
		r.SurveyID, r.ID, t.PhoneHash, r.Language, surveys.NewUpdateToken(), formatTime(t.ReceivedAt), formatTime(t.ReceivedAt.Add(surveys.UpdateOfferTTL)))
	return err
}

// answerUpdateOffer turns an offer into a subscription (YES), keeping the
// number, or deletes it (NO).
func answerUpdateOffer(ctx context.Context, tx *sql.Tx, u *surveys.UpdateOfferReply) error {
	if !u.Accept {
		_, err := tx.ExecContext(ctx, `DELETE FROM update_subscriptions WHERE id = ? AND status = 'offered'`, u.ID)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE update_subscriptions SET status = 'subscribed', address = ?, expires_at = NULL
		WHERE id = ? AND status = 'offered'`, u.Phone, u.ID)
	return err
}

// ArchiveSurvey archives a survey and deletes its contact details.
func (db *DB) ArchiveSurvey(ctx context.Context, surveyID int64, at time.Time, by string) (surveys.ArchiveResult, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (surveys.ArchiveResult, error) {
		var r surveys.ArchiveResult
		_, err := tx.ExecContext(ctx, `INSERT INTO survey_archives (survey_id, archived_at, archived_by) VALUES (?, ?, ?)`, surveyID, formatTime(at), by)
		if isPrimaryKey(err) || isUnique(err, "survey_archives") {
			return r, surveys.Errorf(surveys.ECONFLICT, "This survey is already archived.")
		}
		if err != nil {
			return r, err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM update_subscriptions WHERE survey_id = ?`, surveyID)
		if err != nil {
			return r, err
		}
		r.Subscriptions, _ = res.RowsAffected()
		// Every message still waiting about the survey, invitations too:
		// their numbers are contact details.
		res, err = tx.ExecContext(ctx, `UPDATE sms_outbox SET phone = '', status = 'failed', updated_at = ? WHERE survey_id = ? AND status = 'queued'`,
			formatTime(at), surveyID)
		if err != nil {
			return r, err
		}
		n, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE email_outbox SET address = '', status = 'failed', error = 'archived', updated_at = ?
			WHERE survey_id = ? AND status = 'queued'`, formatTime(at), surveyID)
		if err != nil {
			return r, err
		}
		m, _ := res.RowsAffected()
		r.Messages = n + m
		return r, nil
	})
}

// SurveyArchived returns when a survey was archived (zero if not).
func (db *DB) SurveyArchived(ctx context.Context, surveyID int64) (time.Time, error) {
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT archived_at FROM survey_archives WHERE survey_id = ?`, surveyID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return parseTime(at), err
}

const emailColumns = `SELECT id, COALESCE(survey_id, 0), kind, address, address_hash, subject, body, unsubscribe, status, attempts,
	next_attempt_at, error, created_at, updated_at FROM email_outbox`

func scanEmail(row scanner) (*surveys.EmailMessage, error) {
	var (
		m                        surveys.EmailMessage
		next, created, updatedAt string
	)
	err := row.Scan(&m.ID, &m.SurveyID, &m.Kind, &m.Address, &m.AddressHash, &m.Subject, &m.Body, &m.Unsubscribe, &m.Status, &m.Attempts,
		&next, &m.Error, &created, &updatedAt)
	if err != nil {
		return nil, err
	}
	m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = parseTime(next), parseTime(created), parseTime(updatedAt)
	return &m, nil
}

// ClaimDueEmail marks up to limit due emails as sending and returns them.
func (db *DB) ClaimDueEmail(ctx context.Context, now time.Time, limit int) ([]*surveys.EmailMessage, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) ([]*surveys.EmailMessage, error) {
		rows, err := tx.QueryContext(ctx, emailColumns+` WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
			formatTime(now), limit)
		if err != nil {
			return nil, err
		}
		var list []*surveys.EmailMessage
		for rows.Next() {
			m, err := scanEmail(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			list = append(list, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, m := range list {
			m.Status, m.UpdatedAt = surveys.EmailSending, now
			if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'sending', updated_at = ? WHERE id = ?`, formatTime(now), m.ID); err != nil {
				return nil, err
			}
		}
		return list, nil
	})
}

// UpdateEmail stores an email's state after a try.
func (db *DB) UpdateEmail(ctx context.Context, m *surveys.EmailMessage) error {
	res, err := db.write.ExecContext(ctx, `UPDATE email_outbox SET status = ?, attempts = ?, next_attempt_at = ?, error = ?, address = ?,
		updated_at = ? WHERE id = ?`, m.Status, m.Attempts, formatTime(m.NextAttemptAt), m.Error, m.Address, formatTime(m.UpdatedAt), m.ID)
	return oneRow(res, err, fmt.Errorf("sqlite: no email %d in the outbox", m.ID))
}

// FailStuckEmail marks emails left "sending" by a crash as failed: Voices
// sends at most once rather than risk a second copy.
func (db *DB) FailStuckEmail(ctx context.Context, before, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE email_outbox SET status = 'failed', address = '', error = 'interrupted', updated_at = ?
		WHERE status = 'sending' AND updated_at < ?`, formatTime(now), formatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
