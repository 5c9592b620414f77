package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// breakdownParts is how many ranges of response ids a breakdown is split
// into, each counted on its own read connection at the same time: SQLite
// runs one query on one core, and the machines Voices runs on have two.
var breakdownParts = min(runtime.NumCPU(), 4)

// CountGroups counts a survey's respondents in breakdown_profiles (see
// migrations/0012_equality_breakdowns.sql): each response's dimensions are
// small integer codes in one narrow table keyed by survey, so no other
// table is read per response. The codes of the dimensions asked for are
// packed into one integer per row, and the GROUP BY sorts that integer:
// SQLite has no hash aggregate, and its sorter compares one integer three
// to four times faster than three text columns. EXPLAIN QUERY PLAN:
//
//	SEARCH p USING PRIMARY KEY (survey_id=? AND response_id>? AND response_id<?)
//	USE TEMP B-TREE FOR GROUP BY
//
// With a question, answers is searched by its primary key for each
// response (SEARCH a USING PRIMARY KEY (response_id=? AND question_key=?)
// LEFT-JOIN) and the value joins the sort; with a theme, the latest
// decisions are grouped per response first (a MATERIALIZE of t, then
// SEARCH t USING AUTOMATIC COVERING INDEX (response_id=?) LEFT-JOIN).
//
// The survey's id range is split into breakdownParts parts counted at the
// same time and added up. Each part reads its own snapshot, so while
// responses arrive the parts may differ by a moment; every response is in
// exactly one part, so none is counted twice.
func (db *DB) CountGroups(ctx context.Context, surveyID int64, q surveys.BreakdownQuery) ([]surveys.GroupCount, error) {
	if len(q.By) == 0 || len(q.By) > surveys.MaxBreakdownDimensions {
		return nil, fmt.Errorf("sqlite: a breakdown needs 1 to %d dimensions, not %d", surveys.MaxBreakdownDimensions, len(q.By))
	}
	for _, dim := range q.By {
		// Column names come from surveys.BreakdownDimensions, never from input as such.
		if !slices.Contains(surveys.BreakdownDimensions, dim) {
			return nil, fmt.Errorf("sqlite: %q is not a breakdown dimension", dim)
		}
	}
	values, err := db.codeValues(ctx)
	if err != nil {
		return nil, err
	}
	var radix int64 = 1
	for code := range values {
		radix = max(radix, code+1)
	}
	var lo, hi sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT MIN(response_id), MAX(response_id) FROM breakdown_profiles WHERE survey_id = ?`,
		surveyID).Scan(&lo, &hi); err != nil || !lo.Valid {
		return nil, err
	}

	// key packs the codes: ((c0 * radix) + c1) * radix + c2.
	key := "p." + q.By[0]
	for _, dim := range q.By[1:] {
		key = fmt.Sprintf("(%s) * %d + p.%s", key, radix, dim)
	}
	// Without a question or theme the value is always '', and grouping by
	// it too would only slow the sort.
	value, groupBy, from := "''", "k", "breakdown_profiles p"
	if q.Question != "" || q.Theme != "" {
		groupBy = "k, v"
	}
	var args []any
	switch {
	case q.Question != "":
		value = "COALESCE(a.value, '')"
		from += ` LEFT JOIN answers a ON a.response_id = p.response_id AND a.question_key = ?`
		args = append(args, q.Question)
	case q.Theme != "":
		value = `CASE t.raised WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '' END`
		from += ` LEFT JOIN (SELECT l.response_id, MAX(instr(l.themes, ?) > 0) AS raised
			FROM (` + latestCoding + `) l JOIN responses r ON r.id = l.response_id
			WHERE r.survey_id = ? AND l.response_id BETWEEN ? AND ?
			GROUP BY l.response_id) t ON t.response_id = p.response_id`
		args = append(args, `"`+q.Theme+`"`, surveyID)
	}
	since := ""
	if !q.Since.IsZero() {
		since = ` AND p.submitted >= ?`
	}
	query := `SELECT ` + key + ` AS k, ` + value + ` AS v, COUNT(*) FROM ` + from + `
		WHERE p.survey_id = ? AND p.response_id BETWEEN ? AND ?` + since + ` GROUP BY ` + groupBy

	type cell struct {
		key   int64
		value string
	}
	var (
		mu     sync.Mutex
		counts = map[cell]int{}
		wg     sync.WaitGroup
		errs   []error
	)
	step := (hi.Int64-lo.Int64)/int64(breakdownParts) + 1
	for from := lo.Int64; from <= hi.Int64; from += step {
		to := min(from+step-1, hi.Int64)
		count := func() error {
			partArgs := slices.Clone(args)
			if q.Theme != "" {
				partArgs = append(partArgs, from, to)
			}
			partArgs = append(partArgs, surveyID, from, to)
			if !q.Since.IsZero() {
				partArgs = append(partArgs, q.Since.Unix())
			}
			rows, err := db.read.QueryContext(ctx, query, partArgs...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c cell
				var n int
				if err := rows.Scan(&c.key, &c.value, &n); err != nil {
					return err
				}
				mu.Lock()
				counts[c] += n
				mu.Unlock()
			}
			return rows.Err()
		}
		wg.Go(func() {
			if err := count(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	out := make([]surveys.GroupCount, 0, len(counts))
	for c, n := range counts {
		gc := surveys.GroupCount{Groups: make([]string, len(q.By)), Value: c.value, Count: n}
		k := c.key
		for i := len(q.By) - 1; i >= 0; i-- {
			v, ok := values[k%radix]
			if !ok {
				return nil, fmt.Errorf("sqlite: breakdown code %d has no value", k%radix)
			}
			gc.Groups[i] = v
			k /= radix
		}
		out = append(out, gc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := slices.Compare(a.Groups, b.Groups); c != 0 {
			return c < 0
		}
		return a.Value < b.Value
	})
	return out, nil
}

// WithdrawEquality deletes a response's equality answers, removes them from
// the before and after of its corrections (which keep a copy of what a
// response said), and records when, in one transaction.
func (db *DB) WithdrawEquality(ctx context.Context, reference string) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		var id, surveyID int64
		err := tx.QueryRowContext(ctx, `SELECT id, survey_id FROM responses WHERE reference = ?`, reference).Scan(&id, &surveyID)
		if err == sql.ErrNoRows {
			return struct{}{}, surveys.Errorf(surveys.ENOTFOUND, "There is no response with this reference. Check it against the one you were shown when you answered.")
		}
		if err != nil {
			return struct{}{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM equality_answers WHERE response_id = ?`, id); err != nil {
			return struct{}{}, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breakdown_profiles SET `+equalityCodesZero+` WHERE survey_id = ? AND response_id = ?`, surveyID, id); err != nil {
			return struct{}{}, err
		}
		if err := scrubCorrections(ctx, tx, id); err != nil {
			return struct{}{}, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE responses SET equality_withdrawn_at = ? WHERE id = ? AND equality_withdrawn_at IS NULL`,
			formatTime(time.Now()), id)
		return struct{}{}, err
	})
	return err
}

// scrubCorrections removes the equality answers from every correction of
// response id. A correction's before and after are rewritten in the same
// canonical form CorrectResponse compares, so the next correction still
// matches the latest one.
func scrubCorrections(ctx context.Context, tx *sql.Tx, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, before, after FROM corrections WHERE response_id = ?`, id)
	if err != nil {
		return err
	}
	type scrubbed struct {
		id            int64
		before, after string
	}
	var changed []scrubbed
	for rows.Next() {
		var c scrubbed
		if err := rows.Scan(&c.id, &c.before, &c.after); err != nil {
			rows.Close()
			return err
		}
		changed = append(changed, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, c := range changed {
		var before, after surveys.ResponseContents
		if err := errors.Join(json.Unmarshal([]byte(c.before), &before), json.Unmarshal([]byte(c.after), &after)); err != nil {
			return err
		}
		before.Equality, after.Equality = nil, nil
		b, err := canonical(before)
		if err != nil {
			return err
		}
		a, err := canonical(after)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE corrections SET before = ?, after = ? WHERE id = ?`, b, a, c.id); err != nil {
			return err
		}
	}
	return nil
}

// equalityCodesZero sets every equality column of a profile to "not answered".
var equalityCodesZero = func() string {
	var set []string
	for _, d := range profileDimensions {
		if surveys.IsEqualityDimension(d) {
			set = append(set, d+" = 0")
		}
	}
	return strings.Join(set, ", ")
}()

// codeValues reads what each breakdown code stands for; code 0 is
// surveys.NotAnswered.
func (db *DB) codeValues(ctx context.Context) (map[int64]string, error) {
	values := map[int64]string{0: surveys.NotAnswered}
	rows, err := db.read.QueryContext(ctx, `SELECT code, value FROM breakdown_codes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code int64
		var value string
		if err := rows.Scan(&code, &value); err != nil {
			return nil, err
		}
		values[code] = value
	}
	return values, rows.Err()
}
