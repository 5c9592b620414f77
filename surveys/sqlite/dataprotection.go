package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// Subject access and erasure by reference (surveys/dataprotection.go).

// ResponseSurvey returns the slug of the survey a reference belongs to.
func (db *DB) ResponseSurvey(ctx context.Context, reference string) (string, error) {
	var slug string
	err := db.read.QueryRowContext(ctx, `SELECT s.slug FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE r.reference = ?`, reference).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", surveys.Errorf(surveys.ENOTFOUND, "There is no response with this reference.")
	}
	return slug, err
}

// querier is what both *sql.DB and *sql.Tx can read with.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// linked is what ties a response to a person's number or address.
type linked struct {
	surveyID      int64
	reference     string
	conversations []int64  // text conversations that gave the response
	phones        []string // hashes of the numbers that gave it or asked for updates
	emails        []string // hashes of the addresses that asked for updates
}

func findLinked(ctx context.Context, q querier, responseID int64) (*linked, error) {
	l := &linked{}
	err := q.QueryRowContext(ctx, `SELECT survey_id, reference FROM responses WHERE id = ?`, responseID).Scan(&l.surveyID, &l.reference)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no response with this reference.")
	}
	if err != nil {
		return nil, err
	}
	add := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, phone_hash FROM sms_conversations WHERE survey_id = ? AND reference = ?`, l.surveyID, l.reference)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			id   int64
			hash string
		)
		if err := rows.Scan(&id, &hash); err != nil {
			rows.Close()
			return nil, err
		}
		l.conversations = append(l.conversations, id)
		add(&l.phones, hash)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT channel, address_hash FROM update_subscriptions WHERE response_id = ?`, responseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var channel, hash string
		if err := rows.Scan(&channel, &hash); err != nil {
			rows.Close()
			return nil, err
		}
		if channel == surveys.UpdateByEmail {
			add(&l.emails, hash)
		} else {
			add(&l.phones, hash)
		}
	}
	return l, errors.Join(rows.Err(), rows.Close())
}

// inList returns "(?, ?, ...)" for n values, and the values as arguments.
func inList[T any](values []T) (string, []any) {
	if len(values) == 0 {
		return "(NULL)", nil
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")", args
}

// HeldData returns what is held beside a response.
func (db *DB) HeldData(ctx context.Context, responseID int64) (surveys.HeldData, error) {
	held := surveys.HeldData{TextsSent: []surveys.HeldMessage{}, EmailsSent: []surveys.HeldMessage{}, Updates: []surveys.HeldUpdate{}, OtherReplies: []string{}}
	l, err := findLinked(ctx, db.read, responseID)
	if err != nil {
		return held, err
	}
	if len(l.conversations) > 0 {
		var c surveys.HeldConversation
		var started, updated string
		err := db.read.QueryRowContext(ctx, `SELECT status, language, started_at, updated_at FROM sms_conversations WHERE id = ?`, l.conversations[0]).
			Scan(&c.Status, &c.Language, &started, &updated)
		if err != nil {
			return held, err
		}
		c.StartedAt, c.UpdatedAt = parseTime(started), parseTime(updated)
		in, args := inList(l.conversations)
		rows, err := db.read.QueryContext(ctx, `SELECT reply FROM sms_messages WHERE conversation_id IN `+in+` ORDER BY received_at`, args...)
		if err != nil {
			return held, err
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return held, err
			}
			c.Replies = append(c.Replies, r)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return held, err
		}
		held.SMSConversation = &c
	}
	if len(l.phones) > 0 {
		in, args := inList(l.phones)
		rows, err := db.read.QueryContext(ctx, `SELECT reply FROM sms_messages WHERE conversation_id IS NULL AND phone_hash IN `+in+` ORDER BY received_at`, args...)
		if err != nil {
			return held, err
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return held, err
			}
			held.OtherReplies = append(held.OtherReplies, r)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return held, err
		}
	}
	for _, q := range []struct {
		query  string
		hashes []string
		to     *[]surveys.HeldMessage
	}{
		{`SELECT kind, status, body, created_at FROM sms_outbox WHERE survey_id = ? AND phone_hash IN `, l.phones, &held.TextsSent},
		{`SELECT kind, status, body, created_at FROM email_outbox WHERE survey_id = ? AND address_hash IN `, l.emails, &held.EmailsSent},
	} {
		in, args := inList(q.hashes)
		rows, err := db.read.QueryContext(ctx, q.query+in+` ORDER BY id`, append([]any{l.surveyID}, args...)...)
		if err != nil {
			return held, err
		}
		for rows.Next() {
			var (
				m       surveys.HeldMessage
				created string
			)
			if err := rows.Scan(&m.Kind, &m.Status, &m.Body, &created); err != nil {
				rows.Close()
				return held, err
			}
			m.CreatedAt = parseTime(created)
			*q.to = append(*q.to, m)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return held, err
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT channel, address, language, status, created_at FROM update_subscriptions WHERE response_id = ? ORDER BY id`, responseID)
	if err != nil {
		return held, err
	}
	for rows.Next() {
		var (
			u       surveys.HeldUpdate
			created string
		)
		if err := rows.Scan(&u.Channel, &u.Address, &u.Language, &u.Status, &created); err != nil {
			rows.Close()
			return held, err
		}
		u.CreatedAt = parseTime(created)
		held.Updates = append(held.Updates, u)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return held, err
	}
	if len(l.phones) > 0 {
		in, args := inList(l.phones)
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_suppressions WHERE phone_hash IN `+in, args...).Scan(&n); err != nil {
			return held, err
		}
		held.Suppressed = n > 0
	}
	return held, nil
}

// EraseResponse deletes a response and everything held about it.
func (db *DB) EraseResponse(ctx context.Context, responseID int64, texts, redacted []string) (map[string]int64, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (map[string]int64, error) {
		deleted := map[string]int64{}
		l, err := findLinked(ctx, tx, responseID)
		if err != nil {
			return nil, err
		}
		exec := func(table, query string, args ...any) error {
			res, err := tx.ExecContext(ctx, query, args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			deleted[table] += n
			return nil
		}
		convs, convArgs := inList(l.conversations)
		phones, phoneArgs := inList(l.phones)
		emails, emailArgs := inList(l.emails)
		// Counted before the cascade takes them with the response.
		for table, query := range map[string]string{
			"answers":              `SELECT COUNT(*) FROM answers WHERE response_id = ?`,
			"equality_answers":     `SELECT COUNT(*) FROM equality_answers WHERE response_id = ?`,
			"answer_originals":     `SELECT COUNT(*) FROM answer_originals WHERE response_id = ?`,
			"corrections":          `SELECT COUNT(*) FROM corrections WHERE response_id = ?`,
			"theme_suggestions":    `SELECT COUNT(*) FROM theme_suggestions WHERE response_id = ?`,
			"theme_codings":        `SELECT COUNT(*) FROM theme_codings WHERE response_id = ?`,
			"update_subscriptions": `SELECT COUNT(*) FROM update_subscriptions WHERE response_id = ?`,
		} {
			var n int64
			if err := tx.QueryRowContext(ctx, query, responseID).Scan(&n); err != nil {
				return nil, err
			}
			deleted[table] = n
		}
		steps := []struct {
			table, query string
			args         []any
		}{
			// The text conversation and its log, and messages from
			// that number with no conversation (HELP, YES to an offer).
			{"sms_messages", `DELETE FROM sms_messages WHERE conversation_id IN ` + convs + ` OR (conversation_id IS NULL AND phone_hash IN ` + phones + `)`,
				append(append([]any{}, convArgs...), phoneArgs...)},
			{"sms_conversations", `DELETE FROM sms_conversations WHERE id IN ` + convs, convArgs},
			// Texts and emails to that number or address about the survey.
			{"sms_outbox", `DELETE FROM sms_outbox WHERE survey_id = ? AND phone_hash IN ` + phones, append([]any{l.surveyID}, phoneArgs...)},
			{"email_outbox", `DELETE FROM email_outbox WHERE survey_id = ? AND address_hash IN ` + emails, append([]any{l.surveyID}, emailArgs...)},
			{"drafts", `DELETE FROM drafts WHERE survey_id = ? AND reference = ?`, []any{l.surveyID, l.reference}},
			{"breakdown_profiles", `DELETE FROM breakdown_profiles WHERE survey_id = ? AND response_id = ?`, []any{l.surveyID, responseID}},
			{"responses", `DELETE FROM responses WHERE id = ?`, []any{responseID}},
		}
		if len(texts) > 0 {
			in, args := inList(texts)
			steps = append(steps, struct {
				table, query string
				args         []any
			}{"theme_training", `DELETE FROM theme_training WHERE survey_id = ? AND text IN ` + in, append([]any{l.surveyID}, args...)})
		}
		for _, st := range steps {
			if err := exec(st.table, st.query, st.args...); err != nil {
				return nil, err
			}
		}
		if len(redacted) > 0 {
			if deleted["theme_candidates"], err = scrubCandidateQuotes(ctx, tx, l.surveyID, redacted); err != nil {
				return nil, err
			}
			if deleted["result_publications"], err = scrubPublishedQuotes(ctx, tx, l.surveyID, redacted); err != nil {
				return nil, err
			}
		}
		for table, n := range deleted {
			if n == 0 {
				delete(deleted, table)
			}
		}
		return deleted, nil
	})
}

// quoteText is the text of a stored quote: a string, or an object with a
// "text" (and maybe an "original").
func quoteTexts(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var q surveys.Quote
	if json.Unmarshal(raw, &q) == nil {
		return []string{q.Text, q.Original}
	}
	return nil
}

// dropQuotes removes the quotes whose text is one of words; it reports
// whether any went.
func dropQuotes(quotes []json.RawMessage, words []string) ([]json.RawMessage, bool) {
	out := quotes[:0:0]
	dropped := false
	for _, q := range quotes {
		if slices.ContainsFunc(quoteTexts(q), func(t string) bool { return t != "" && slices.Contains(words, t) }) {
			dropped = true
			continue
		}
		out = append(out, q)
	}
	return out, dropped
}

func scrubCandidateQuotes(ctx context.Context, tx *sql.Tx, surveyID int64, words []string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, quotes FROM theme_candidates WHERE survey_id = ?`, surveyID)
	if err != nil {
		return 0, err
	}
	type change struct {
		id     int64
		quotes []byte
	}
	var changes []change
	for rows.Next() {
		var (
			id int64
			js string
			qs []json.RawMessage
		)
		if err := rows.Scan(&id, &js); err != nil {
			rows.Close()
			return 0, err
		}
		if json.Unmarshal([]byte(js), &qs) != nil {
			continue
		}
		if kept, dropped := dropQuotes(qs, words); dropped {
			b, err := json.Marshal(kept)
			if err != nil {
				rows.Close()
				return 0, err
			}
			changes = append(changes, change{id, b})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE theme_candidates SET quotes = ? WHERE id = ?`, string(c.quotes), c.id); err != nil {
			return 0, err
		}
	}
	return int64(len(changes)), nil
}

func scrubPublishedQuotes(ctx context.Context, tx *sql.Tx, surveyID int64, words []string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version, content FROM result_publications WHERE survey_id = ?`, surveyID)
	if err != nil {
		return 0, err
	}
	type change struct {
		version int
		content []byte
	}
	var changes []change
	for rows.Next() {
		var (
			version int
			js      string
			p       surveys.Publication
		)
		if err := rows.Scan(&version, &js); err != nil {
			rows.Close()
			return 0, err
		}
		if json.Unmarshal([]byte(js), &p) != nil || p.Figures == nil {
			continue
		}
		changed := false
		for i := range p.Figures.Themes {
			t := &p.Figures.Themes[i]
			kept := t.Quotes[:0:0]
			for _, q := range t.Quotes {
				if slices.Contains(words, q.Text) || (q.Original != "" && slices.Contains(words, q.Original)) {
					changed = true
					continue
				}
				kept = append(kept, q)
			}
			t.Quotes = kept
		}
		if changed {
			b, err := json.Marshal(&p)
			if err != nil {
				rows.Close()
				return 0, err
			}
			changes = append(changes, change{version, b})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE result_publications SET content = ? WHERE survey_id = ? AND version = ?`, string(c.content), surveyID, c.version); err != nil {
			return 0, err
		}
	}
	return int64(len(changes)), nil
}
