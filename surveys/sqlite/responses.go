package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// equalityInsert is built once from surveys.EqualityColumns, which are
// constants of the domain, never input.
var equalityInsert = "INSERT INTO equality_answers (response_id, standard, " +
	strings.Join(surveys.EqualityColumns, ", ") + ") VALUES (?, ?" +
	strings.Repeat(", ?", len(surveys.EqualityColumns)) + ")"

// CreateResponse stores a response, its answers and equality answers in one
// transaction: all of it or nothing.
// It shares its commit with other responses arriving at the same moment
// (see groupcommit.go), and returns once the commit is on disk.
func (db *DB) CreateResponse(ctx context.Context, r *surveys.Response) error {
	var id int64
	err := db.grouped(ctx, func(tx *sql.Tx) (err error) {
		id, err = db.insertResponse(ctx, tx, r)
		return err
	})
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

// insertResponse writes one response with everything it holds in tx.
func (db *DB) insertResponse(ctx context.Context, tx *sql.Tx, r *surveys.Response) (int64, error) {
	w := &responseWriter{db: db, ctx: ctx, tx: tx}
	id, err := w.write(r)
	return id, errors.Join(err, w.close(err == nil))
}

// responseWriter writes responses in a transaction. Its statements are
// prepared once and answers from many responses share multi-row INSERTs,
// so a batch of imported responses costs little more than its rows.
type responseWriter struct {
	db                         *DB // for the breakdown codes
	ctx                        context.Context
	tx                         *sql.Tx
	insert, equality, original *sql.Stmt
	profileStmt                *sql.Stmt
	answers                    strings.Builder
	args                       []any
}

// answersPerInsert bounds one INSERT's rows: 4 parameters each must stay
// under SQLite's limit of 32,766 bound parameters.
const answersPerInsert = 1000

func (w *responseWriter) prepare(stmt **sql.Stmt, query string) (*sql.Stmt, error) {
	if *stmt == nil {
		s, err := w.tx.PrepareContext(w.ctx, query)
		if err != nil {
			return nil, err
		}
		*stmt = s
	}
	return *stmt, nil
}

// write inserts a response, its originals and equality answers, claims its
// draft, and queues its answers (written by the next flush or close).
func (w *responseWriter) write(r *surveys.Response) (int64, error) {
	insert, err := w.prepare(&w.insert, `INSERT INTO responses (survey_id, reference, submitted_at, channel, language,
		entered_by, mode, interpreter_language, interpreter, consent_confirmed, organisation_id, user_id, import_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	m := r.Mediation
	res, err := insert.ExecContext(w.ctx, r.SurveyID, r.Reference, formatTime(r.SubmittedAt), r.Channel, r.Language,
		m.EnteredBy, nullString(m.Mode), nullString(m.InterpreterLanguage), nullString(m.Interpreter),
		m.ConsentConfirmed, nullInt(m.OrganisationID), nullInt(m.UserID), nullString(r.ImportKey))
	if isUnique(err, "responses.reference") {
		return 0, surveys.ErrReferenceTaken
	}
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if r.Draft != nil {
		if err := claimDraft(w.ctx, w.tx, r.Draft); err != nil {
			return 0, err
		}
	}
	if err := w.contents(id, r); err != nil {
		return 0, err
	}
	return id, w.profile(id, r)
}

// contents inserts r's originals and equality answers under response id,
// and queues its answers (written by the next flush or close).
func (w *responseWriter) contents(id int64, r *surveys.Response) error {
	for _, a := range r.Answers {
		for pos, v := range a.Values {
			if len(w.args) == 0 {
				w.answers.WriteString("INSERT INTO answers (response_id, question_key, position, value) VALUES (?, ?, ?, ?)")
			} else {
				w.answers.WriteString(", (?, ?, ?, ?)")
			}
			w.args = append(w.args, id, a.Key, pos, v)
			if len(w.args) == 4*answersPerInsert {
				if err := w.flush(); err != nil {
					return err
				}
			}
		}
	}
	for key, o := range r.Originals {
		st, err := w.prepare(&w.original, `INSERT INTO answer_originals (response_id, question_key, language, text) VALUES (?, ?, ?, ?)`)
		if err == nil {
			_, err = st.ExecContext(w.ctx, id, key, o.Language, o.Text)
		}
		if err != nil {
			return err
		}
	}
	if len(r.Equality) > 0 {
		args := []any{id, surveys.EqualityStandard}
		for _, c := range surveys.EqualityColumns {
			args = append(args, nullString(r.Equality[c]))
		}
		st, err := w.prepare(&w.equality, equalityInsert)
		if err == nil {
			_, err = st.ExecContext(w.ctx, args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flush writes the queued answers in one multi-row INSERT: a round trip
// per value would dominate the cost of a submission.
func (w *responseWriter) flush() error {
	if len(w.args) == 0 {
		return nil
	}
	_, err := w.tx.ExecContext(w.ctx, w.answers.String(), w.args...)
	w.answers.Reset()
	w.args = w.args[:0]
	return err
}

// close writes what is queued (when ok) and closes the statements.
func (w *responseWriter) close(ok bool) error {
	var err error
	if ok {
		err = w.flush()
	}
	for _, st := range []*sql.Stmt{w.insert, w.equality, w.original, w.profileStmt} {
		if st != nil {
			err = errors.Join(err, st.Close())
		}
	}
	return err
}

// responseQuery selects responses with their organisation and equality
// answers (one row each); answers are read by a second query alongside.
var responseQuery = `SELECT r.id, r.survey_id, r.reference, r.submitted_at, r.channel, r.language,
	r.entered_by, COALESCE(r.mode, ''), COALESCE(r.interpreter_language, ''), COALESCE(r.interpreter, ''),
	r.consent_confirmed, COALESCE(r.organisation_id, 0), COALESCE(o.name, ''), COALESCE(r.user_id, 0),
	e.response_id IS NOT NULL, ` + prefixed("e.", surveys.EqualityColumns) + `
	FROM responses r
	LEFT JOIN organisations o ON o.id = r.organisation_id
	LEFT JOIN equality_answers e ON e.response_id = r.id`

func prefixed(prefix string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "COALESCE(" + prefix + c + ", '')"
	}
	return strings.Join(out, ", ")
}

// where builds the WHERE clause and arguments for a filter.
func where(surveyID int64, f surveys.ResponseFilter) (string, []any) {
	clause := ` WHERE r.survey_id = ? AND r.id > ?`
	args := []any{surveyID, f.AfterID}
	if f.Channel != "" {
		clause += ` AND r.channel = ?`
		args = append(args, f.Channel)
	}
	if f.EnteredBy != "" {
		clause += ` AND r.entered_by = ?`
		args = append(args, f.EnteredBy)
	}
	if f.Language != "" {
		clause += ` AND r.language = ?`
		args = append(args, f.Language)
	}
	if f.Reference != "" {
		clause += ` AND r.reference = ?`
		args = append(args, f.Reference)
	}
	if !f.From.IsZero() {
		clause += ` AND r.submitted_at >= ?`
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		clause += ` AND r.submitted_at < ?`
		args = append(args, formatTime(f.To))
	}
	if f.OrganisationID != 0 {
		clause += ` AND r.organisation_id = ?`
		args = append(args, f.OrganisationID)
	}
	if f.UserID != 0 {
		clause += ` AND r.user_id = ?`
		args = append(args, f.UserID)
	}
	return clause, args
}

// Responses returns one page of responses.
func (db *DB) Responses(ctx context.Context, surveyID int64, f surveys.ResponseFilter) ([]*surveys.Response, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var list []*surveys.Response
	err := db.eachResponse(ctx, surveyID, f, f.Limit, func(r *surveys.Response) error {
		list = append(list, r)
		return nil
	})
	return list, err
}

// EachResponse streams every response that f selects.
func (db *DB) EachResponse(ctx context.Context, surveyID int64, f surveys.ResponseFilter, fn func(*surveys.Response) error) error {
	return db.eachResponse(ctx, surveyID, f, -1, fn)
}

// eachResponse reads responses and their answers with two queries walked
// side by side in id order, inside one read transaction so both see the
// same snapshot. Memory holds one response at a time.
func (db *DB) eachResponse(ctx context.Context, surveyID int64, f surveys.ResponseFilter, limit int, fn func(*surveys.Response) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	clause, args := where(surveyID, f)
	rows, err := tx.QueryContext(ctx, responseQuery+clause+` ORDER BY r.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The answers of the same responses, in the same order. The bounds on
	// response_id come from the first and last response read, so the
	// answers query starts once the first response is known.
	answerQuery := `SELECT a.response_id, a.question_key, a.value FROM answers a
		JOIN responses r ON r.id = a.response_id` + clause + ` ORDER BY a.response_id, a.question_key, a.position`
	answers, err := tx.QueryContext(ctx, answerQuery, args...)
	if err != nil {
		return err
	}
	defer answers.Close()
	// And their original words, a third cursor walked the same way.
	originalQuery := `SELECT o.response_id, o.question_key, o.language, o.text FROM answer_originals o
		JOIN responses r ON r.id = o.response_id` + clause + ` ORDER BY o.response_id, o.question_key`
	originals, err := tx.QueryContext(ctx, originalQuery, args...)
	if err != nil {
		return err
	}
	defer originals.Close()
	var (
		oPending           bool
		oID                int64
		oKey, oLang, oText string
	)

	var (
		pending    bool // a read answer not yet used
		aID        int64
		aKey, aVal string
		eqPresent  bool
		eq         = make([]string, len(surveys.EqualityColumns))
		dest       = make([]any, 0, 15+len(eq))
	)
	for rows.Next() {
		r := &surveys.Response{}
		var submitted string
		m := &r.Mediation
		dest = append(dest[:0], &r.ID, &r.SurveyID, &r.Reference, &submitted, &r.Channel, &r.Language,
			&m.EnteredBy, &m.Mode, &m.InterpreterLanguage, &m.Interpreter, &m.ConsentConfirmed,
			&m.OrganisationID, &m.Organisation, &m.UserID, &eqPresent)
		for i := range eq {
			dest = append(dest, &eq[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		r.SubmittedAt = parseTime(submitted)
		if eqPresent {
			r.Equality = make(map[string]string, len(eq))
			for i, c := range surveys.EqualityColumns {
				if eq[i] != "" {
					r.Equality[c] = eq[i]
				}
			}
		}
		for {
			if !pending {
				if !answers.Next() {
					break
				}
				if err := answers.Scan(&aID, &aKey, &aVal); err != nil {
					return err
				}
				pending = true
			}
			if aID > r.ID {
				break
			}
			pending = false
			if aID < r.ID {
				continue
			}
			if n := len(r.Answers); n > 0 && r.Answers[n-1].Key == aKey {
				r.Answers[n-1].Values = append(r.Answers[n-1].Values, aVal)
			} else {
				r.Answers = append(r.Answers, surveys.Answer{Key: aKey, Values: []string{aVal}})
			}
		}
		for {
			if !oPending {
				if !originals.Next() {
					break
				}
				if err := originals.Scan(&oID, &oKey, &oLang, &oText); err != nil {
					return err
				}
				oPending = true
			}
			if oID > r.ID {
				break
			}
			oPending = false
			if oID == r.ID {
				if r.Originals == nil {
					r.Originals = map[string]surveys.Original{}
				}
				r.Originals[oKey] = surveys.Original{Language: oLang, Text: oText}
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return errors.Join(rows.Err(), answers.Err(), originals.Err())
}

// importBatch is how many imported responses share a transaction: one
// commit (one fsync) per row would make a 50,000-row file take a minute.
const importBatch = 1000

// ImportResponses stores imported responses, skipping rows already stored.
func (db *DB) ImportResponses(ctx context.Context, rs []*surveys.Response, newReference func() string) ([]bool, error) {
	duplicate := make([]bool, len(rs))
	for start := 0; start < len(rs); start += importBatch {
		end := min(start+importBatch, len(rs))
		_, err := inTx(ctx, db.write, func(tx *sql.Tx) (_ struct{}, err error) {
			exists, err := tx.PrepareContext(ctx, `SELECT COUNT(*) FROM responses WHERE survey_id = ? AND import_key = ?`)
			if err != nil {
				return struct{}{}, err
			}
			defer exists.Close()
			w := &responseWriter{db: db, ctx: ctx, tx: tx}
			defer func() { err = errors.Join(err, w.close(err == nil)) }()
			for i := start; i < end; i++ {
				r := rs[i]
				var n int
				if err := exists.QueryRowContext(ctx, r.SurveyID, r.ImportKey).Scan(&n); err != nil {
					return struct{}{}, err
				}
				if n > 0 {
					duplicate[i] = true
					continue
				}
				for tries := 0; ; tries++ {
					r.ID, err = w.write(r)
					if !errors.Is(err, surveys.ErrReferenceTaken) || tries == 10 {
						break
					}
					r.Reference = newReference()
				}
				if err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return duplicate, nil
}

// CountResponses counts responses by survey, channel and who entered them.
func (db *DB) CountResponses(ctx context.Context, f surveys.ResponseFilter) ([]surveys.ResponseCount, error) {
	query := `SELECT survey_id, channel, entered_by, COUNT(*) FROM responses WHERE 1 = 1`
	var args []any
	if f.OrganisationID != 0 {
		query += ` AND organisation_id = ?`
		args = append(args, f.OrganisationID)
	}
	if f.UserID != 0 {
		query += ` AND user_id = ?`
		args = append(args, f.UserID)
	}
	rows, err := db.read.QueryContext(ctx, query+` GROUP BY survey_id, channel, entered_by ORDER BY survey_id, channel, entered_by`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveys.ResponseCount
	for rows.Next() {
		var c surveys.ResponseCount
		if err := rows.Scan(&c.SurveyID, &c.Channel, &c.EnteredBy, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
