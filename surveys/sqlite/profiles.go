package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/voices-uk/voices/surveys"
)

// Breakdown profiles (migrations/0012_equality_breakdowns.sql): one row of
// small integer codes per response, written here in the same transaction
// as the response and its equality answers, so breakdowns sort integers.

// profileDimensions are breakdown_profiles' dimension columns, in order.
var profileDimensions = surveys.BreakdownDimensions

// profileUpsert writes a response's profile, replacing an older one.
var profileUpsert = func() string {
	cols := strings.Join(profileDimensions, ", ")
	set := make([]string, len(profileDimensions))
	for i, d := range profileDimensions {
		set[i] = d + " = excluded." + d
	}
	return `INSERT INTO breakdown_profiles (survey_id, response_id, submitted, ` + cols + `) VALUES (?, ?, ?` +
		strings.Repeat(", ?", len(profileDimensions)) + `)
		ON CONFLICT (survey_id, response_id) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// codeKey names one value of one dimension.
type codeKey struct{ dim, value string }

// breakdownCodes caches breakdown_codes as committed. A writer that meets a
// value the cache lacks looks it up, or adds it, in its own transaction,
// and does not cache it: if that transaction rolled back, a cached code
// would name nothing, or later something else. The next miss reloads.
type breakdownCodes struct {
	mu sync.RWMutex
	m  map[codeKey]int64
}

func (c *breakdownCodes) get(k codeKey) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	code, ok := c.m[k]
	return code, ok
}

// reload reads the committed codes.
func (c *breakdownCodes) reload(ctx context.Context, read *sql.DB) error {
	rows, err := read.QueryContext(ctx, `SELECT dimension, value, code FROM breakdown_codes`)
	if err != nil {
		return err
	}
	defer rows.Close()
	m := map[codeKey]int64{}
	for rows.Next() {
		var k codeKey
		var code int64
		if err := rows.Scan(&k.dim, &k.value, &code); err != nil {
			return err
		}
		m[k] = code
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.m = m
	c.mu.Unlock()
	return nil
}

// code returns the code of value in dimension dim (0 for no answer).
func (w *responseWriter) code(dim, value string) (int64, error) {
	if value == "" {
		return 0, nil
	}
	k := codeKey{dim, value}
	if code, ok := w.db.codes.get(k); ok {
		return code, nil
	}
	if err := w.db.codes.reload(w.ctx, w.db.read); err != nil {
		return 0, err
	}
	if code, ok := w.db.codes.get(k); ok {
		return code, nil
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT OR IGNORE INTO breakdown_codes (dimension, value) VALUES (?, ?)`, dim, value); err != nil {
		return 0, err
	}
	var code int64
	err := w.tx.QueryRowContext(w.ctx, `SELECT code FROM breakdown_codes WHERE dimension = ? AND value = ?`, dim, value).Scan(&code)
	return code, err
}

// profile writes response id's breakdown profile from r.
func (w *responseWriter) profile(id int64, r *surveys.Response) error {
	if w.db == nil {
		return errors.New("sqlite: a response writer without its database cannot write breakdown profiles")
	}
	args := make([]any, 0, 3+len(profileDimensions))
	args = append(args, r.SurveyID, id, r.SubmittedAt.Unix())
	for _, dim := range profileDimensions {
		var value string
		switch dim {
		case surveys.DimensionChannel:
			value = string(r.Channel)
		case surveys.DimensionEnteredBy:
			value = r.Mediation.EnteredBy
		default:
			value = r.Equality[dim]
		}
		code, err := w.code(dim, value)
		if err != nil {
			return err
		}
		args = append(args, code)
	}
	st, err := w.prepare(&w.profileStmt, profileUpsert)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(w.ctx, args...)
	return err
}

// rebuildProfiles fills breakdown_codes and breakdown_profiles from the
// stored responses and equality answers.
const rebuildProfiles = `DELETE FROM breakdown_profiles;
INSERT OR IGNORE INTO breakdown_codes (dimension, value)
    SELECT DISTINCT 'channel', channel FROM responses UNION SELECT DISTINCT 'entered_by', entered_by FROM responses;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'age_band', age_band FROM equality_answers WHERE age_band IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'sex', sex FROM equality_answers WHERE sex IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'gender_identity', gender_identity FROM equality_answers WHERE gender_identity IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'sexual_orientation', sexual_orientation FROM equality_answers WHERE sexual_orientation IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'ethnic_group', ethnic_group FROM equality_answers WHERE ethnic_group IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'ethnic_group_broad', ethnic_group_broad FROM equality_answers WHERE ethnic_group_broad IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'religion', religion FROM equality_answers WHERE religion IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'disability', disability FROM equality_answers WHERE disability IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'unpaid_care', unpaid_care FROM equality_answers WHERE unpaid_care IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'main_language', main_language FROM equality_answers WHERE main_language IS NOT NULL;
INSERT OR IGNORE INTO breakdown_codes (dimension, value) SELECT DISTINCT 'english_proficiency', english_proficiency FROM equality_answers WHERE english_proficiency IS NOT NULL;
INSERT INTO breakdown_profiles (survey_id, response_id, submitted, channel, entered_by, age_band, sex, gender_identity, sexual_orientation, ethnic_group, ethnic_group_broad, religion, disability, unpaid_care, main_language, english_proficiency)
SELECT r.survey_id, r.id, CAST(strftime('%s', r.submitted_at) AS INTEGER),
    (SELECT code FROM breakdown_codes WHERE dimension = 'channel' AND value = r.channel),
    (SELECT code FROM breakdown_codes WHERE dimension = 'entered_by' AND value = r.entered_by),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'age_band' AND value = e.age_band), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'sex' AND value = e.sex), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'gender_identity' AND value = e.gender_identity), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'sexual_orientation' AND value = e.sexual_orientation), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'ethnic_group' AND value = e.ethnic_group), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'ethnic_group_broad' AND value = e.ethnic_group_broad), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'religion' AND value = e.religion), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'disability' AND value = e.disability), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'unpaid_care' AND value = e.unpaid_care), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'main_language' AND value = e.main_language), 0),
    COALESCE((SELECT code FROM breakdown_codes WHERE dimension = 'english_proficiency' AND value = e.english_proficiency), 0)
FROM responses r LEFT JOIN equality_answers e ON e.response_id = r.id;
`

// RebuildBreakdownProfiles fills the breakdown profiles of every stored
// response: when the migration that adds them is applied, and to repair
// them (they are an index of responses and equality answers, so nothing is
// lost by rebuilding).
func (db *DB) RebuildBreakdownProfiles(ctx context.Context) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		_, err := tx.ExecContext(ctx, rebuildProfiles)
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	return db.codes.reload(ctx, db.read)
}
