package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// Translations returns every stored text: language -> key -> text.
func (db *DB) Translations(ctx context.Context) (map[string]map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT language, key, text FROM translations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var lang, key, text string
		if err := rows.Scan(&lang, &key, &text); err != nil {
			return nil, err
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		out[lang][key] = text
	}
	return out, rows.Err()
}

// ReplaceTranslations replaces all stored texts of one language.
func (db *DB) ReplaceTranslations(ctx context.Context, lang string, texts map[string]string) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM translations WHERE language = ?`, lang); err != nil {
			return struct{}{}, err
		}
		now := formatTime(time.Now())
		for k, v := range texts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO translations (language, key, text, updated_at) VALUES (?, ?, ?, ?)`, lang, k, v, now); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return err
}
