package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// SurveyBaseline returns the population baseline set for a survey.
func (db *DB) SurveyBaseline(ctx context.Context, surveyID int64) (*surveys.Baseline, error) {
	b := &surveys.Baseline{SurveyID: surveyID}
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT name, data, set_at, set_by FROM survey_baselines WHERE survey_id = ?`,
		surveyID).Scan(&b.Name, &b.CSV, &at, &b.SetBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "This survey has no baseline of its own: the built-in one is used.")
	}
	if err != nil {
		return nil, err
	}
	b.SetAt = parseTime(at)
	return b, nil
}

// SetSurveyBaseline stores b as its survey's baseline, replacing any.
func (db *DB) SetSurveyBaseline(ctx context.Context, b *surveys.Baseline) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO survey_baselines (survey_id, name, data, set_at, set_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (survey_id) DO UPDATE SET name = excluded.name, data = excluded.data, set_at = excluded.set_at, set_by = excluded.set_by`,
		b.SurveyID, b.Name, b.CSV, formatTime(b.SetAt), b.SetBy)
	return err
}

// DeleteSurveyBaseline removes a survey's baseline.
func (db *DB) DeleteSurveyBaseline(ctx context.Context, surveyID int64) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM survey_baselines WHERE survey_id = ?`, surveyID)
	return err
}

// CountByDay reads the survey's breakdown profiles once and tallies them
// by day and by each equality characteristic. Counting in Go rather than
// with one GROUP BY per characteristic reads the rows once instead of
// eleven times, and days are cut in loc, which SQLite's date functions know
// nothing of.
func (db *DB) CountByDay(ctx context.Context, surveyID int64, loc *time.Location) ([]surveys.DayCount, error) {
	var dims []string
	for _, d := range surveys.BreakdownDimensions {
		if surveys.IsEqualityDimension(d) {
			dims = append(dims, d) // column names from the list, never from input
		}
	}
	values, err := db.codeValues(ctx)
	if err != nil {
		return nil, err
	}
	var lo, hi sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT MIN(response_id), MAX(response_id) FROM breakdown_profiles WHERE survey_id = ?`,
		surveyID).Scan(&lo, &hi); err != nil || !lo.Valid {
		return nil, err
	}
	query := `SELECT submitted, ` + strings.Join(dims, ", ") +
		` FROM breakdown_profiles WHERE survey_id = ? AND response_id BETWEEN ? AND ?`
	// Tallied by quarter hour, not by day: every time zone's offset is a
	// whole number of quarter hours, so each quarter hour falls in one day,
	// and an integer key is cheaper than the day's text for each of eleven
	// counts a row. The parts are read at the same time, as in CountGroups.
	type key struct {
		quarter int64
		dim     int
		code    int64
	}
	var (
		mu    sync.Mutex
		tally = map[key]int{}
		wg    sync.WaitGroup
		errs  []error
	)
	count := func(from, to int64) error {
		rows, err := db.read.QueryContext(ctx, query, surveyID, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		part := map[key]int{}
		codes := make([]int64, len(dims))
		dest := make([]any, 1+len(dims))
		var unix int64
		dest[0] = &unix
		for i := range codes {
			dest[1+i] = &codes[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			for d, code := range codes {
				part[key{unix / 900, d, code}]++
			}
		}
		mu.Lock()
		for k, n := range part {
			tally[k] += n
		}
		mu.Unlock()
		return rows.Err()
	}
	step := (hi.Int64-lo.Int64)/int64(breakdownParts) + 1
	for from := lo.Int64; from <= hi.Int64; from += step {
		to := min(from+step-1, hi.Int64)
		wg.Go(func() {
			if err := count(from, to); err != nil {
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
	type dayKey struct {
		day  string
		dim  int
		code int64
	}
	byDay := map[dayKey]int{}
	for k, n := range tally {
		byDay[dayKey{time.Unix(k.quarter*900, 0).In(loc).Format(time.DateOnly), k.dim, k.code}] += n
	}
	out := make([]surveys.DayCount, 0, len(byDay))
	for k, n := range byDay {
		out = append(out, surveys.DayCount{Day: k.day, Dimension: dims[k.dim], Value: values[k.code], Count: n})
	}
	dimOrder := func(d string) int { return slices.Index(dims, d) }
	slices.SortFunc(out, func(a, b surveys.DayCount) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(dimOrder(a.Dimension), dimOrder(b.Dimension)), cmp.Compare(a.Value, b.Value))
	})
	return out, nil
}
