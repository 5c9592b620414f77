package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// SMSReply returns the reply given to an incoming message already handled.
func (db *DB) SMSReply(ctx context.Context, sid string) (string, bool, error) {
	var reply string
	err := db.read.QueryRowContext(ctx, `SELECT reply FROM sms_messages WHERE sid = ?`, sid).Scan(&reply)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return reply, err == nil, err
}

// ActiveSMSConversation returns a number's active, unexpired conversation, or nil.
func (db *DB) ActiveSMSConversation(ctx context.Context, phoneHash string, now time.Time) (*surveys.SMSConversation, error) {
	var (
		c                         surveys.SMSConversation
		answers, equality         string
		reference                 sql.NullString
		started, updated, expires string
	)
	err := db.read.QueryRowContext(ctx, `SELECT c.id, c.survey_id, s.slug, c.phone_hash, c.status, c.language, c.answers, c.equality,
		c.step, c.tries, c.turns, c.reference, c.started_at, c.updated_at, c.expires_at
		FROM sms_conversations c JOIN surveys s ON s.id = c.survey_id
		WHERE c.phone_hash = ? AND c.status = 'active' AND c.expires_at > ?`, phoneHash, formatTime(now)).
		Scan(&c.ID, &c.SurveyID, &c.SurveySlug, &c.PhoneHash, &c.Status, &c.Draft.Language, &answers, &equality, &c.Draft.Step,
			&c.Tries, &c.Turns, &reference, &started, &updated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := errors.Join(json.Unmarshal([]byte(answers), &c.Draft.Answers), json.Unmarshal([]byte(equality), &c.Draft.Equality)); err != nil {
		return nil, err
	}
	c.Reference = reference.String
	c.StartedAt, c.UpdatedAt, c.ExpiresAt = parseTime(started), parseTime(updated), parseTime(expires)
	c.Draft.SurveyID, c.Draft.CreatedAt, c.Draft.UpdatedAt, c.Draft.ExpiresAt = c.SurveyID, c.StartedAt, c.UpdatedAt, c.ExpiresAt
	return &c, nil
}

// SaveSMSTurn stores everything one incoming message changed, in one
// transaction. The message's row goes first: its primary key makes a
// message delivered twice fail before it changes anything.
func (db *DB) SaveSMSTurn(ctx context.Context, t *surveys.SMSTurn) error {
	// Grouped with other writes of responses, as CreateResponse is.
	return db.grouped(ctx, func(tx *sql.Tx) error { return db.saveSMSTurn(ctx, tx, t) })
}

// saveSMSTurn writes a turn in tx.
func (db *DB) saveSMSTurn(ctx context.Context, tx *sql.Tx, t *surveys.SMSTurn) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sms_messages (sid, phone_hash, reply, received_at) VALUES (?, ?, ?, ?)`,
		t.MessageSID, t.PhoneHash, t.Reply, formatTime(t.ReceivedAt))
	if isUnique(err, "sms_messages.sid") || isPrimaryKey(err) {
		return surveys.ErrSMSDuplicate
	}
	if err != nil {
		return err
	}
	if r := t.Response(); r != nil {
		if r.ID, err = db.insertResponse(ctx, tx, r); err != nil {
			return err
		}
		if t.OfferUpdates && t.Conversation != nil {
			if err := offerUpdates(ctx, tx, r, t); err != nil {
				return err
			}
		}
	}
	if u := t.Updates; u != nil {
		if err := answerUpdateOffer(ctx, tx, u); err != nil {
			return err
		}
	}
	if c := t.Conversation; c != nil {
		if err := saveConversation(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sms_messages SET conversation_id = ? WHERE sid = ?`, c.ID, t.MessageSID); err != nil {
			return err
		}
	}
	switch t.Subscribe {
	case surveys.SubscriptionStop:
		return suppress(ctx, tx, t.PhoneHash, true, "stop", t.ReceivedAt)
	case surveys.SubscriptionStart:
		return suppress(ctx, tx, t.PhoneHash, false, "", t.ReceivedAt)
	}
	return nil
}

// saveConversation inserts a new conversation (ending any other active one
// of the same number) or updates one, if no other message changed it since
// it was read (turns).
func saveConversation(ctx context.Context, tx *sql.Tx, c *surveys.SMSConversation) error {
	answers, equality, err := draftJSON(&c.Draft)
	if err != nil {
		return err
	}
	if c.ID == 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sms_conversations SET status = 'expired', answers = '{}', equality = '{}', updated_at = ?
			WHERE phone_hash = ? AND status = 'active'`, formatTime(c.UpdatedAt), c.PhoneHash); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sms_conversations (survey_id, phone_hash, status, language, answers, equality, step,
			tries, turns, reference, started_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.SurveyID, c.PhoneHash, c.Status, c.Draft.Language, answers, equality, c.Draft.Step, c.Tries, c.Turns,
			nullString(c.Reference), formatTime(c.StartedAt), formatTime(c.UpdatedAt), formatTime(c.ExpiresAt))
		if err != nil {
			return err
		}
		c.ID, err = res.LastInsertId()
		return err
	}
	if c.Status != surveys.SMSActive {
		// A finished conversation keeps no answers: the response has them.
		answers, equality = "{}", "{}"
	}
	res, err := tx.ExecContext(ctx, `UPDATE sms_conversations SET status = ?, language = ?, answers = ?, equality = ?, step = ?,
		tries = ?, turns = ?, reference = ?, updated_at = ?, expires_at = ? WHERE id = ? AND turns = ? AND status = 'active'`,
		c.Status, c.Draft.Language, answers, equality, c.Draft.Step, c.Tries, c.Turns, nullString(c.Reference),
		formatTime(c.UpdatedAt), formatTime(c.ExpiresAt), c.ID, c.Turns-1)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, surveys.ErrSMSConversationChanged)
	}
	return nil
}

// SMSSuppressed reports whether a number is on the suppression list.
func (db *DB) SMSSuppressed(ctx context.Context, phoneHash string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_suppressions WHERE phone_hash = ?`, phoneHash).Scan(&n)
	return n > 0, err
}

// SuppressSMS adds a number to the suppression list or takes it off.
func (db *DB) SuppressSMS(ctx context.Context, phoneHash string, on bool, reason string, now time.Time) error {
	return suppress(ctx, db.write, phoneHash, on, reason, now)
}

func suppress(ctx context.Context, e execer, phoneHash string, on bool, reason string, now time.Time) error {
	if !on {
		_, err := e.ExecContext(ctx, `DELETE FROM sms_suppressions WHERE phone_hash = ?`, phoneHash)
		return err
	}
	_, err := e.ExecContext(ctx, `INSERT INTO sms_suppressions (phone_hash, reason, created_at) VALUES (?, ?, ?)
		ON CONFLICT (phone_hash) DO NOTHING`, phoneHash, reason, formatTime(now))
	if err != nil {
		return err
	}
	// STOP also ends every request to hear back by text: the number is
	// kept for nothing else.
	_, err = e.ExecContext(ctx, `DELETE FROM update_subscriptions WHERE channel = 'sms' AND address_hash = ?`, phoneHash)
	return err
}

// ExpireSMSConversations marks conversations whose time ran out as expired
// and empties their answers: an unfinished conversation is never counted.
func (db *DB) ExpireSMSConversations(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE sms_conversations SET status = 'expired', answers = '{}', equality = '{}'
		WHERE status = 'active' AND expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueueSMS adds messages to the outbox, skipping suppressed numbers and
// numbers already sent the same kind of message for the same survey.
func (db *DB) QueueSMS(ctx context.Context, msgs []*surveys.OutboxMessage) (surveys.QueueResult, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (surveys.QueueResult, error) { return queueSMS(ctx, tx, msgs) })
}

// queueSMS is QueueSMS within a transaction.
func queueSMS(ctx context.Context, tx *sql.Tx, msgs []*surveys.OutboxMessage) (surveys.QueueResult, error) {
	var result surveys.QueueResult
	for _, m := range msgs {
		var suppressed int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_suppressions WHERE phone_hash = ?`, m.PhoneHash).Scan(&suppressed); err != nil {
			return result, err
		}
		if suppressed > 0 {
			result.Suppressed++
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sms_outbox (survey_id, kind, phone, phone_hash, language, body, status, attempts,
				next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
				ON CONFLICT (survey_id, kind, phone_hash) DO NOTHING`,
			nullInt(m.SurveyID), m.Kind, m.Phone, m.PhoneHash, m.Language, m.Body,
			formatTime(m.NextAttemptAt), formatTime(m.CreatedAt), formatTime(m.CreatedAt))
		if err != nil {
			return result, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			result.AlreadyQueued++
			continue
		}
		m.ID, _ = res.LastInsertId()
		m.Status = surveys.OutboxQueued
		result.Queued++
	}
	return result, nil
}

const outboxColumns = `SELECT id, COALESCE(survey_id, 0), kind, phone, phone_hash, language, body, status, attempts,
	next_attempt_at, COALESCE(message_sid, ''), COALESCE(error_code, 0), created_at, updated_at FROM sms_outbox`

func scanOutbox(row scanner) (*surveys.OutboxMessage, error) {
	var (
		m                      surveys.OutboxMessage
		next, created, updated string
	)
	err := row.Scan(&m.ID, &m.SurveyID, &m.Kind, &m.Phone, &m.PhoneHash, &m.Language, &m.Body, &m.Status, &m.Attempts,
		&next, &m.MessageSID, &m.ErrorCode, &created, &updated)
	if err != nil {
		return nil, err
	}
	m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = parseTime(next), parseTime(created), parseTime(updated)
	return &m, nil
}

// ClaimDueSMS marks up to limit due messages as sending and returns them.
func (db *DB) ClaimDueSMS(ctx context.Context, now time.Time, limit int) ([]*surveys.OutboxMessage, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) ([]*surveys.OutboxMessage, error) {
		rows, err := tx.QueryContext(ctx, outboxColumns+` WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
			formatTime(now), limit)
		if err != nil {
			return nil, err
		}
		var list []*surveys.OutboxMessage
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			list = append(list, m)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
		for _, m := range list {
			m.Status, m.UpdatedAt = surveys.OutboxSending, now
			if _, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET status = 'sending', updated_at = ? WHERE id = ?`, formatTime(now), m.ID); err != nil {
				return nil, err
			}
		}
		return list, nil
	})
}

// UpdateSMS stores the outcome of a try to send a message.
func (db *DB) UpdateSMS(ctx context.Context, m *surveys.OutboxMessage) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sms_outbox SET phone = ?, status = ?, attempts = ?, next_attempt_at = ?, message_sid = ?,
		error_code = ?, updated_at = ? WHERE id = ?`, m.Phone, m.Status, m.Attempts, formatTime(m.NextAttemptAt), nullString(m.MessageSID),
		nullInt(int64(m.ErrorCode)), formatTime(m.UpdatedAt), m.ID)
	return err
}

// RecordSMSStatus records a delivery status, if it moves the message forward.
func (db *DB) RecordSMSStatus(ctx context.Context, sid string, status surveys.OutboxStatus, errorCode int, now time.Time) (*surveys.OutboxMessage, bool, error) {
	type result struct {
		m       *surveys.OutboxMessage
		changed bool
	}
	r, err := inTx(ctx, db.write, func(tx *sql.Tx) (result, error) {
		m, err := scanOutbox(tx.QueryRowContext(ctx, outboxColumns+` WHERE message_sid = ?`, sid))
		if errors.Is(err, sql.ErrNoRows) {
			return result{}, nil
		}
		if err != nil {
			return result{}, err
		}
		old, _ := surveys.OutboxStatusRank(m.Status)
		if rank, ok := surveys.OutboxStatusRank(status); !ok || rank <= old {
			return result{m: m}, nil
		}
		m.Status, m.UpdatedAt = status, now
		if errorCode != 0 {
			m.ErrorCode = errorCode
		}
		_, err = tx.ExecContext(ctx, `UPDATE sms_outbox SET status = ?, error_code = ?, updated_at = ? WHERE id = ?`,
			m.Status, nullInt(int64(m.ErrorCode)), formatTime(now), m.ID)
		return result{m: m, changed: true}, err
	})
	return r.m, r.changed, err
}

// FailStuckSMS marks messages left sending since before as failed.
func (db *DB) FailStuckSMS(ctx context.Context, before, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE sms_outbox SET status = 'failed', phone = '', updated_at = ?
		WHERE status = 'sending' AND updated_at < ?`, formatTime(now), formatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OutboxCounts counts outbox messages by status.
func (db *DB) OutboxCounts(ctx context.Context) (map[surveys.OutboxStatus]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT status, COUNT(*) FROM sms_outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[surveys.OutboxStatus]int{}
	for rows.Next() {
		var (
			s surveys.OutboxStatus
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		counts[s] = n
	}
	return counts, rows.Err()
}
