package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/voices-uk/voices/surveys"
)

// Codebook returns the latest version of a survey's codebook.
func (db *DB) Codebook(ctx context.Context, surveyID int64) (*surveys.Codebook, error) {
	var (
		c      surveys.Codebook
		at, js string
	)
	err := db.read.QueryRowContext(ctx, `SELECT version, created_at, created_by, themes FROM codebook_versions
		WHERE survey_id = ? ORDER BY version DESC LIMIT 1`, surveyID).Scan(&c.Version, &at, &c.CreatedBy, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "This survey has no codebook yet: put one with its themes.")
	}
	if err != nil {
		return nil, err
	}
	c.CreatedAt = parseTime(at)
	return &c, json.Unmarshal([]byte(js), &c.Themes)
}

// AddCodebookVersion stores the next version of a survey's codebook.
func (db *DB) AddCodebookVersion(ctx context.Context, surveyID int64, after int, c *surveys.Codebook) error {
	themes, err := json.Marshal(c.Themes)
	if err != nil {
		return err
	}
	_, err = inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM codebook_versions WHERE survey_id = ?`, surveyID).Scan(&latest); err != nil {
			return struct{}{}, err
		}
		if latest != after {
			return struct{}{}, surveys.Errorf(surveys.ECONFLICT, "Someone else changed the codebook at the same time (it is now version %d). Get it again and make your change to that.", latest)
		}
		c.Version = latest + 1
		_, err := tx.ExecContext(ctx, `INSERT INTO codebook_versions (survey_id, version, created_at, created_by, themes) VALUES (?, ?, ?, ?, ?)`,
			surveyID, c.Version, formatTime(c.CreatedAt), c.CreatedBy, string(themes))
		return struct{}{}, err
	})
	return err
}
