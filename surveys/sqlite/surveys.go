package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// CreateSurvey stores a new survey.
func (db *DB) CreateSurvey(ctx context.Context, s *surveys.Survey) error {
	def, err := json.Marshal(s)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	res, err := db.write.ExecContext(ctx, `INSERT INTO surveys (slug, status, opens_at, closes_at, definition, sms_keyword, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Slug, s.Status, nullTime(s.OpensAt), nullTime(s.ClosesAt), def, smsKeyword(s), formatTime(now), formatTime(now))
	if isUnique(err, "surveys.slug") {
		return surveys.Errorf(surveys.ECONFLICT, "A survey with the slug %q already exists. Choose another slug, or replace it with PUT /api/v1/surveys/%s.", s.Slug, s.Slug)
	}
	if err != nil {
		return err
	}
	s.ID, err = res.LastInsertId()
	s.CreatedAt, s.UpdatedAt = now, now
	return err
}

// ReplaceSurvey replaces a survey's definition if check allows it.
func (db *DB) ReplaceSurvey(ctx context.Context, s *surveys.Survey, check func(old *surveys.Survey, used map[string][]string) error) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		old, err := scanSurvey(tx.QueryRowContext(ctx, surveyColumns+` WHERE slug = ?`, s.Slug))
		if err != nil {
			return struct{}{}, err
		}
		used, err := usedAnswers(ctx, tx, old)
		if err != nil {
			return struct{}{}, err
		}
		if err := check(old, used); err != nil {
			return struct{}{}, err
		}
		def, err := json.Marshal(s)
		if err != nil {
			return struct{}{}, err
		}
		now := time.Now().UTC()
		_, err = tx.ExecContext(ctx, `UPDATE surveys SET status = ?, opens_at = ?, closes_at = ?, definition = ?, sms_keyword = ?, updated_at = ?,
			closed_at = `+closedAt+` WHERE id = ?`,
			s.Status, nullTime(s.OpensAt), nullTime(s.ClosesAt), def, smsKeyword(s), formatTime(now), s.Status, formatTime(now), old.ID)
		s.ID, s.CreatedAt, s.UpdatedAt = old.ID, old.CreatedAt, now
		return struct{}{}, err
	})
	return err
}

// usedAnswers returns the question keys answered in stored responses and,
// for questions that are not free text, the distinct values given.
func usedAnswers(ctx context.Context, tx *sql.Tx, s *surveys.Survey) (map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a.question_key FROM answers a
		JOIN responses r ON r.id = a.response_id WHERE r.survey_id = ?`, s.ID)
	if err != nil {
		return nil, err
	}
	used := map[string][]string{}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			rows.Close()
			return nil, err
		}
		used[key] = nil
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	for key := range used {
		q := s.Question(key)
		if q == nil || q.Type == surveys.TypeText || q.Type == surveys.TypeLongText {
			continue
		}
		vals, err := tx.QueryContext(ctx, `SELECT DISTINCT a.value FROM answers a
			JOIN responses r ON r.id = a.response_id WHERE r.survey_id = ? AND a.question_key = ?`, s.ID, key)
		if err != nil {
			return nil, err
		}
		for vals.Next() {
			var v string
			if err := vals.Scan(&v); err != nil {
				vals.Close()
				return nil, err
			}
			used[key] = append(used[key], v)
		}
		if err := errors.Join(vals.Err(), vals.Close()); err != nil {
			return nil, err
		}
	}
	return used, nil
}

const surveyColumns = `SELECT id, status, opens_at, closes_at, definition, created_at, updated_at FROM surveys`

type scanner interface{ Scan(...any) error }

func scanSurvey(row scanner) (*surveys.Survey, error) {
	var (
		s                surveys.Survey
		def              []byte
		opens, closes    sql.NullString
		created, updated string
		id               int64
		status           string
	)
	err := row.Scan(&id, &status, &opens, &closes, &def, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no survey at this address.")
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(def, &s); err != nil {
		return nil, err
	}
	s.ID, s.Status = id, surveys.Status(status)
	s.OpensAt, s.ClosesAt = nullableTime(opens), nullableTime(closes)
	s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
	return &s, nil
}

// Survey returns the survey with slug. Decoding a definition costs more
// than the query, so definitions are cached while updated_at is unchanged.
func (db *DB) Survey(ctx context.Context, slug string) (*surveys.Survey, error) {
	var (
		id              int64
		status, updated string
		opens, closes   sql.NullString
	)
	err := db.read.QueryRowContext(ctx, `SELECT id, status, opens_at, closes_at, updated_at FROM surveys WHERE slug = ?`, slug).
		Scan(&id, &status, &opens, &closes, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no survey at this address.")
	}
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	cached, ok := db.definitions[slug]
	db.mu.Unlock()
	if ok && cached.updatedAt == updated && cached.survey.ID == id {
		s := cached.survey // a copy: callers may set fields, but never change questions
		// Status and dates come from the row just read, whatever the cache holds.
		s.Status, s.OpensAt, s.ClosesAt = surveys.Status(status), nullableTime(opens), nullableTime(closes)
		return &s, nil
	}
	s, err := scanSurvey(db.read.QueryRowContext(ctx, surveyColumns+` WHERE slug = ?`, slug))
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	db.definitions[slug] = cachedSurvey{updatedAt: formatTime(s.UpdatedAt), survey: *s}
	db.mu.Unlock()
	return s, nil
}

// Surveys lists surveys, newest first.
func (db *DB) Surveys(ctx context.Context, status surveys.Status) ([]*surveys.Survey, error) {
	rows, err := db.read.QueryContext(ctx, surveyColumns+` WHERE ? = '' OR status = ? ORDER BY created_at DESC, id DESC`, status, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*surveys.Survey
	for rows.Next() {
		s, err := scanSurvey(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

// SetSurveyStatus changes a survey's status. The status column, not the
// stored definition, is what counts (scanSurvey reads it over the definition).
func (db *DB) SetSurveyStatus(ctx context.Context, slug string, status surveys.Status) error {
	now := formatTime(time.Now())
	res, err := db.write.ExecContext(ctx, `UPDATE surveys SET status = ?, updated_at = ?, closed_at = `+closedAt+` WHERE slug = ?`,
		status, now, status, now, slug)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, surveys.Errorf(surveys.ENOTFOUND, "There is no survey at this address."))
	}
	return nil
}

// closedAt is the new closed_at of an UPDATE, given the new status and the
// time as its two parameters: when a survey is closed, kept if it already
// was (the columns on the right are the row before the update).
const closedAt = `CASE WHEN ? != 'closed' THEN NULL WHEN status = 'closed' AND closed_at IS NOT NULL THEN closed_at ELSE ? END`

func nullableTime(v sql.NullString) *time.Time {
	if !v.Valid {
		return nil
	}
	t := parseTime(v.String)
	return &t
}

func smsKeyword(s *surveys.Survey) any {
	if s.SMS == nil {
		return nil
	}
	return s.SMS.Keyword
}

// SurveysByKeyword returns the surveys with an SMS keyword, open ones first.
func (db *DB) SurveysByKeyword(ctx context.Context, keyword string) ([]*surveys.Survey, error) {
	return db.surveysWhere(ctx, `SELECT slug FROM surveys WHERE sms_keyword = ? ORDER BY status = 'open' DESC, created_at DESC, id DESC`, keyword)
}

// SMSSurveys lists the open surveys that have an SMS keyword.
func (db *DB) SMSSurveys(ctx context.Context) ([]*surveys.Survey, error) {
	return db.surveysWhere(ctx, `SELECT slug FROM surveys WHERE sms_keyword IS NOT NULL AND status = 'open' ORDER BY sms_keyword`)
}

// surveysWhere reads the slugs a query selects, then each survey through
// the definition cache.
func (db *DB) surveysWhere(ctx context.Context, query string, args ...any) ([]*surveys.Survey, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			rows.Close()
			return nil, err
		}
		slugs = append(slugs, slug)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	list := make([]*surveys.Survey, 0, len(slugs))
	for _, slug := range slugs {
		s, err := db.Survey(ctx, slug)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, nil
}
