package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// placeholders returns "?, ?, ?" for n values, and the values as []any.
func placeholders(values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}

// freeTextFrom selects a survey's free-text answers (first value) with
// their response; the caller appends conditions and an order.
func freeTextFrom(surveyID int64, keys []string) (string, []any) {
	marks, args := placeholders(keys)
	if len(keys) == 0 {
		marks = "NULL" // no free-text questions: nothing matches
	}
	return `FROM answers a JOIN responses r ON r.id = a.response_id
		WHERE r.survey_id = ? AND a.position = 0 AND a.value <> '' AND a.question_key IN (` + marks + `)`,
		append([]any{surveyID}, args...)
}

// decided is the condition that someone has decided the answer a.
const decided = `EXISTS (SELECT 1 FROM theme_codings c WHERE c.response_id = a.response_id AND c.question_key = a.question_key)`

// EachFreeTextAnswer calls fn with each free-text answer.
func (db *DB) EachFreeTextAnswer(ctx context.Context, surveyID int64, keys []string, undecided bool, fn func(surveys.AnswerKey, string) error) error {
	from, args := freeTextFrom(surveyID, keys)
	if undecided {
		from += ` AND NOT ` + decided
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.response_id, a.question_key, a.value `+from+` ORDER BY a.response_id, a.question_key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k surveys.AnswerKey
		var text string
		if err := rows.Scan(&k.ResponseID, &k.QuestionKey, &text); err != nil {
			return err
		}
		if err := fn(k, text); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReplaceSuggestions replaces the suggestions of the answers given, in
// transactions of a few thousand answers.
func (db *DB) ReplaceSuggestions(ctx context.Context, version int, suggestions map[surveys.AnswerKey][]surveys.ThemeSuggestion) error {
	keys := make([]surveys.AnswerKey, 0, len(suggestions))
	for k := range suggestions {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	const batch = 2000
	for start := 0; start < len(keys); start += batch {
		chunk := keys[start:min(start+batch, len(keys))]
		_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
			del, err := tx.PrepareContext(ctx, `DELETE FROM theme_suggestions WHERE response_id = ? AND question_key = ?`)
			if err != nil {
				return struct{}{}, err
			}
			defer del.Close()
			ins, err := tx.PrepareContext(ctx, `INSERT INTO theme_suggestions (response_id, question_key, theme, confidence, source, evidence, codebook_version)
				VALUES (?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return struct{}{}, err
			}
			defer ins.Close()
			for _, k := range chunk {
				if _, err := del.ExecContext(ctx, k.ResponseID, k.QuestionKey); err != nil {
					return struct{}{}, err
				}
				for _, s := range suggestions[k] {
					ev, _ := json.Marshal(s.Evidence)
					if _, err := ins.ExecContext(ctx, k.ResponseID, k.QuestionKey, s.Theme, s.Confidence, s.Source, string(ev), version); err != nil {
						return struct{}{}, err
					}
				}
			}
			return struct{}{}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func lessKey(a, b surveys.AnswerKey) bool {
	if a.ResponseID != b.ResponseID {
		return a.ResponseID < b.ResponseID
	}
	return a.QuestionKey < b.QuestionKey
}

// ThemeAnswers returns one page of the review queue.
func (db *DB) ThemeAnswers(ctx context.Context, surveyID int64, keys []string, f surveys.ThemeAnswerFilter) ([]*surveys.ThemeAnswer, error) {
	if f.Question != "" {
		keys = []string{f.Question}
	}
	from, args := freeTextFrom(surveyID, keys)
	from += ` AND (a.response_id > ? OR (a.response_id = ? AND a.question_key > ?))`
	args = append(args, f.After.ResponseID, f.After.ResponseID, f.After.QuestionKey)
	if f.Channel != "" {
		from += ` AND r.channel = ?`
		args = append(args, f.Channel)
	}
	if f.EnteredBy != "" {
		from += ` AND r.entered_by = ?`
		args = append(args, f.EnteredBy)
	}
	mine := `EXISTS (SELECT 1 FROM theme_codings c WHERE c.response_id = a.response_id AND c.question_key = a.question_key AND c.coder_id = ?)`
	others := `EXISTS (SELECT 1 FROM theme_codings c WHERE c.response_id = a.response_id AND c.question_key = a.question_key AND c.coder_id <> ?)`
	switch f.Status {
	case surveys.ReviewToDo:
		from += ` AND NOT ` + decided
	case surveys.ReviewDone:
		from += ` AND ` + decided
	case surveys.ReviewMine:
		from += ` AND ` + mine
		args = append(args, f.CoderID)
	case surveys.ReviewNotMine:
		from += ` AND ` + others + ` AND NOT ` + mine
		args = append(args, f.CoderID, f.CoderID)
	}
	// Confidence bounds apply to the theme asked for, or to the best suggestion.
	conf := `SELECT MAX(s.confidence) FROM theme_suggestions s WHERE s.response_id = a.response_id AND s.question_key = a.question_key`
	if f.Theme != "" {
		conf += ` AND s.theme = ?`
		from += ` AND (EXISTS (SELECT 1 FROM theme_suggestions s WHERE s.response_id = a.response_id AND s.question_key = a.question_key AND s.theme = ?)
			OR EXISTS (SELECT 1 FROM theme_codings c, json_each(c.themes) j WHERE c.response_id = a.response_id AND c.question_key = a.question_key AND j.value = ?))`
		args = append(args, f.Theme, f.Theme)
	}
	if f.MinConfidence > 0 {
		from += ` AND COALESCE((` + conf + `), 0) >= ?`
		if f.Theme != "" {
			args = append(args, f.Theme)
		}
		args = append(args, f.MinConfidence)
	}
	if f.MaxConfidence > 0 {
		from += ` AND COALESCE((` + conf + `), 0) <= ?`
		if f.Theme != "" {
			args = append(args, f.Theme)
		}
		args = append(args, f.MaxConfidence)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT a.response_id, a.question_key, a.value, r.reference, r.channel, r.entered_by, r.submitted_at,
		COALESCE(o.language, ''), COALESCE(o.text, '')
		`+strings.Replace(from, "FROM answers a JOIN responses r ON r.id = a.response_id",
		"FROM answers a JOIN responses r ON r.id = a.response_id LEFT JOIN answer_originals o ON o.response_id = a.response_id AND o.question_key = a.question_key", 1)+
		` ORDER BY a.response_id, a.question_key LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	var (
		list  []*surveys.ThemeAnswer
		index = map[surveys.AnswerKey]*surveys.ThemeAnswer{}
	)
	for rows.Next() {
		a := &surveys.ThemeAnswer{}
		var at, lang, original string
		if err := rows.Scan(&a.ResponseID, &a.QuestionKey, &a.Text, &a.Reference, &a.Channel, &a.EnteredBy, &at, &lang, &original); err != nil {
			rows.Close()
			return nil, err
		}
		a.SubmittedAt = parseTime(at)
		if original != "" {
			a.Original = &surveys.Original{Language: lang, Text: original}
		}
		a.Suggestions = []surveys.ThemeSuggestion{}
		list = append(list, a)
		index[a.AnswerKey] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return list, err
	}
	lo, hi := list[0].ResponseID, list[len(list)-1].ResponseID
	sugg, err := tx.QueryContext(ctx, `SELECT response_id, question_key, theme, confidence, source, evidence FROM theme_suggestions
		WHERE response_id BETWEEN ? AND ? ORDER BY response_id, question_key, confidence DESC, theme`, lo, hi)
	if err != nil {
		return nil, err
	}
	for sugg.Next() {
		var k surveys.AnswerKey
		var s surveys.ThemeSuggestion
		var ev string
		if err := sugg.Scan(&k.ResponseID, &k.QuestionKey, &s.Theme, &s.Confidence, &s.Source, &ev); err != nil {
			sugg.Close()
			return nil, err
		}
		if a := index[k]; a != nil {
			json.Unmarshal([]byte(ev), &s.Evidence)
			a.Suggestions = append(a.Suggestions, s)
		}
	}
	sugg.Close()
	codings, err := tx.QueryContext(ctx, `SELECT c.response_id, c.question_key, c.coder_id, COALESCE(u.email, ''), c.themes, c.codebook_version, c.coded_at
		FROM theme_codings c LEFT JOIN users u ON u.id = c.coder_id
		WHERE c.response_id BETWEEN ? AND ? ORDER BY c.coded_at`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer codings.Close()
	for codings.Next() {
		k, c, err := scanCoding(codings)
		if err != nil {
			return nil, err
		}
		if a := index[k]; a != nil {
			a.Coding = c // ordered by time: the last one read is the latest
			if c.CoderID == f.CoderID {
				a.Mine = c
			}
		}
	}
	return list, codings.Err()
}

func scanCoding(rows *sql.Rows) (surveys.AnswerKey, *surveys.ThemeCoding, error) {
	var (
		k          surveys.AnswerKey
		c          surveys.ThemeCoding
		themes, at string
	)
	if err := rows.Scan(&k.ResponseID, &k.QuestionKey, &c.CoderID, &c.Coder, &themes, &c.CodebookVersion, &at); err != nil {
		return k, nil, err
	}
	c.At = parseTime(at)
	if err := json.Unmarshal([]byte(themes), &c.Themes); err != nil {
		return k, nil, err
	}
	return k, &c, nil
}

// SaveCodings stores a person's decisions.
func (db *DB) SaveCodings(ctx context.Context, surveyID int64, keys []string, coder *surveys.User, version int, at time.Time, codings map[surveys.AnswerKey][]string) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		check, err := tx.PrepareContext(ctx, `SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id
			WHERE a.response_id = ? AND a.question_key = ? AND a.position = 0 AND r.survey_id = ?`)
		if err != nil {
			return struct{}{}, err
		}
		defer check.Close()
		put, err := tx.PrepareContext(ctx, `INSERT INTO theme_codings (response_id, question_key, coder_id, themes, codebook_version, coded_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (response_id, question_key, coder_id) DO UPDATE SET themes = excluded.themes,
				codebook_version = excluded.codebook_version, coded_at = excluded.coded_at`)
		if err != nil {
			return struct{}{}, err
		}
		defer put.Close()
		for k, themes := range codings {
			var n int
			if err := check.QueryRowContext(ctx, k.ResponseID, k.QuestionKey, surveyID).Scan(&n); err != nil {
				return struct{}{}, err
			}
			if n == 0 || !slices.Contains(keys, k.QuestionKey) {
				return struct{}{}, surveys.Errorf(surveys.ENOTFOUND, "There is no free-text answer %d to %q in this survey.", k.ResponseID, k.QuestionKey)
			}
			if themes == nil {
				themes = []string{}
			}
			js, _ := json.Marshal(themes)
			if _, err := put.ExecContext(ctx, k.ResponseID, k.QuestionKey, coder.ID, string(js), version, formatTime(at)); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return err
}

// AddTrainingExamples stores imported labelled answers.
func (db *DB) AddTrainingExamples(ctx context.Context, surveyID int64, examples []surveys.TrainingExample) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		st, err := tx.PrepareContext(ctx, `INSERT INTO theme_training (survey_id, text, themes) VALUES (?, ?, ?)`)
		if err != nil {
			return struct{}{}, err
		}
		defer st.Close()
		for _, e := range examples {
			themes := e.Themes
			if themes == nil {
				themes = []string{}
			}
			js, _ := json.Marshal(themes)
			if _, err := st.ExecContext(ctx, surveyID, e.Text, string(js)); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return err
}

// latestCoding selects each decided answer's latest decision.
const latestCoding = `SELECT c.response_id, c.question_key, c.themes FROM theme_codings c
	WHERE c.coded_at = (SELECT MAX(c2.coded_at) FROM theme_codings c2 WHERE c2.response_id = c.response_id AND c2.question_key = c.question_key)`

// TrainingData returns imported examples and decided answers.
func (db *DB) TrainingData(ctx context.Context, surveyID int64) ([]surveys.TrainingExample, error) {
	var out []surveys.TrainingExample
	rows, err := db.read.QueryContext(ctx, `SELECT id, text, themes FROM theme_training WHERE survey_id = ? ORDER BY id`, surveyID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var e surveys.TrainingExample
		var themes string
		if err := rows.Scan(&id, &e.Text, &themes); err != nil {
			rows.Close()
			return nil, err
		}
		json.Unmarshal([]byte(themes), &e.Themes)
		e.Group = fmt.Sprintf("import:%d", id)
		out = append(out, e)
	}
	rows.Close()
	err = db.EachCodedAnswer(ctx, surveyID, func(a *surveys.CodedAnswer) error {
		out = append(out, surveys.TrainingExample{Text: a.Text, Themes: a.Themes, Group: fmt.Sprintf("response:%d", a.ResponseID)})
		return nil
	})
	return out, err
}

// SaveThemeModel stores a survey's trained model, replacing the last.
func (db *DB) SaveThemeModel(ctx context.Context, m *surveys.ThemeModelRecord) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO theme_models (survey_id, trained_at, examples, codebook_version, model) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (survey_id) DO UPDATE SET trained_at = excluded.trained_at, examples = excluded.examples,
			codebook_version = excluded.codebook_version, model = excluded.model`,
		m.SurveyID, formatTime(m.TrainedAt), m.Examples, m.CodebookVersion, m.Model)
	return err
}

// ThemeModel returns a survey's trained model.
func (db *DB) ThemeModel(ctx context.Context, surveyID int64) (*surveys.ThemeModelRecord, error) {
	m := &surveys.ThemeModelRecord{SurveyID: surveyID}
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT trained_at, examples, codebook_version, model FROM theme_models WHERE survey_id = ?`, surveyID).
		Scan(&at, &m.Examples, &m.CodebookVersion, &m.Model)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "No theme model has been trained for this survey yet.")
	}
	m.TrainedAt = parseTime(at)
	return m, err
}

// EachCodedAnswer calls fn with each decided answer, its latest decision,
// and the first value of each of the response's answers.
func (db *DB) EachCodedAnswer(ctx context.Context, surveyID int64, fn func(*surveys.CodedAnswer) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT l.response_id, l.question_key, l.themes, a.value, r.channel, r.entered_by, r.submitted_at,
		COALESCE(o.language, ''), COALESCE(o.text, '')
		FROM (`+latestCoding+`) l
		JOIN responses r ON r.id = l.response_id
		JOIN answers a ON a.response_id = l.response_id AND a.question_key = l.question_key AND a.position = 0
		LEFT JOIN answer_originals o ON o.response_id = l.response_id AND o.question_key = l.question_key
		WHERE r.survey_id = ? ORDER BY l.response_id, l.question_key`, surveyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	others, err := tx.PrepareContext(ctx, `SELECT question_key, value FROM answers WHERE response_id = ? AND position = 0`)
	if err != nil {
		return err
	}
	defer others.Close()
	var (
		lastID  int64
		answers map[string]string
	)
	var list []*surveys.CodedAnswer
	for rows.Next() {
		a := &surveys.CodedAnswer{}
		var themes, at, lang, original string
		if err := rows.Scan(&a.ResponseID, &a.QuestionKey, &themes, &a.Text, &a.Channel, &a.EnteredBy, &at, &lang, &original); err != nil {
			return err
		}
		a.SubmittedAt = parseTime(at)
		if original != "" {
			a.Original = &surveys.Original{Language: lang, Text: original}
		}
		if err := json.Unmarshal([]byte(themes), &a.Themes); err != nil {
			return err
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range list {
		if a.ResponseID != lastID {
			lastID, answers = a.ResponseID, map[string]string{}
			vals, err := others.QueryContext(ctx, a.ResponseID)
			if err != nil {
				return err
			}
			for vals.Next() {
				var k, v string
				if err := vals.Scan(&k, &v); err != nil {
					vals.Close()
					return err
				}
				answers[k] = v
			}
			vals.Close()
		}
		a.Answers = answers
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// Decisions returns every person's decisions on a survey's answers.
func (db *DB) Decisions(ctx context.Context, surveyID int64) (map[surveys.AnswerKey][]surveys.ThemeCoding, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.response_id, c.question_key, c.coder_id, COALESCE(u.email, ''), c.themes, c.codebook_version, c.coded_at
		FROM theme_codings c JOIN responses r ON r.id = c.response_id LEFT JOIN users u ON u.id = c.coder_id
		WHERE r.survey_id = ? ORDER BY c.response_id, c.question_key, c.coded_at`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[surveys.AnswerKey][]surveys.ThemeCoding{}
	for rows.Next() {
		k, c, err := scanCoding(rows)
		if err != nil {
			return nil, err
		}
		out[k] = append(out[k], *c)
	}
	return out, rows.Err()
}

// ReplaceOpenCandidates drops a survey's open candidates and stores list.
func (db *DB) ReplaceOpenCandidates(ctx context.Context, surveyID int64, list []*surveys.ThemeCandidate) error {
	_, err := inTx(ctx, db.write, func(tx *sql.Tx) (struct{}, error) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM theme_candidates WHERE survey_id = ? AND status = 'open'`, surveyID); err != nil {
			return struct{}{}, err
		}
		for _, c := range list {
			phrases, _ := json.Marshal(c.KeyPhrases)
			quotes, _ := json.Marshal(c.Quotes)
			res, err := tx.ExecContext(ctx, `INSERT INTO theme_candidates (survey_id, found_at, label, key_phrases, size, quotes, status)
				VALUES (?, ?, ?, ?, ?, ?, 'open')`, surveyID, formatTime(c.FoundAt), c.Label, string(phrases), c.Size, string(quotes))
			if err != nil {
				return struct{}{}, err
			}
			if c.ID, err = res.LastInsertId(); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return err
}

// Candidates lists a survey's candidates, open ones first, biggest first.
func (db *DB) Candidates(ctx context.Context, surveyID int64) ([]*surveys.ThemeCandidate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, found_at, label, key_phrases, size, quotes, status, COALESCE(theme, ''), COALESCE(decided_by, '')
		FROM theme_candidates WHERE survey_id = ? ORDER BY status <> 'open', size DESC, id`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*surveys.ThemeCandidate
	for rows.Next() {
		c := &surveys.ThemeCandidate{}
		var at, phrases, quotes string
		if err := rows.Scan(&c.ID, &at, &c.Label, &phrases, &c.Size, &quotes, &c.Status, &c.Theme, &c.DecidedBy); err != nil {
			return nil, err
		}
		c.FoundAt = parseTime(at)
		json.Unmarshal([]byte(phrases), &c.KeyPhrases)
		json.Unmarshal([]byte(quotes), &c.Quotes)
		out = append(out, c)
	}
	return out, rows.Err()
}

// DecideCandidate records the decision on an open candidate.
func (db *DB) DecideCandidate(ctx context.Context, surveyID, id int64, status, theme, by string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE theme_candidates SET status = ?, theme = NULLIF(?, ''), decided_by = ?
		WHERE id = ? AND survey_id = ? AND status = 'open'`, status, theme, by, id, surveyID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return surveys.Errorf(surveys.ENOTFOUND, "There is no open candidate theme %d in this survey.", id)
	}
	return nil
}
