// Package sqlite is the only code in Voices that speaks SQL. It stores
// surveys, responses and users in an embedded SQLite database (modernc.org/sqlite,
// pure Go) and implements surveys.Store.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/voices-uk/voices/migrations"
	"github.com/voices-uk/voices/surveys"
)

// DB is an open Voices database. Writes go through one connection, so they
// never wait on each other's locks (SQLITE_BUSY); reads use a pool of
// read-only connections, which WAL mode lets run alongside the writer.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// Applied lists the migrations that Open applied (none when the
	// database was up to date).
	Applied []string

	// definitions caches parsed survey definitions by slug. Every change to
	// a survey moves its updated_at, so an entry is used only while the
	// stored updated_at still matches it.
	mu          sync.Mutex
	definitions map[string]cachedSurvey
	name        string          // the file's URI, for connections of their own (Backup)
	group       *groupCommitter // see groupcommit.go

	codes breakdownCodes // see profiles.go
}

type cachedSurvey struct {
	updatedAt string
	survey    surveys.Survey
}

var _ surveys.Store = (*DB)(nil)

// Pragmas every connection gets. They go in the DSN so that each pooled
// connection has them, not just the first.
//
// synchronous(FULL): in WAL mode, NORMAL can lose the last transactions on
// power loss; a response we have acknowledged must survive that.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// Open opens (creating if need be) the database at path and applies any
// migrations not yet applied.
func Open(ctx context.Context, path string) (*DB, error) {
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	write, err := sql.Open("sqlite", name+"?"+pragmas+"&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := &DB{write: write, name: name, definitions: map[string]cachedSurvey{}}
	if db.Applied, err = db.Migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", name+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db.read = read
	db.startGroupCommit()
	if slices.Contains(db.Applied, "0012_equality_breakdowns.sql") {
		// The migration made the tables; the responses already stored get
		// their profiles now (see profiles.go).
		if err := db.RebuildBreakdownProfiles(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("filling the breakdown profiles: %w", err)
		}
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stopGroupCommit()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Migrate applies, in order, each migration file not yet recorded in
// schema_migrations, each in its own transaction, and returns their names.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var applied []string
	for _, name := range names {
		done, err := db.migrate(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", name, err)
		}
		if done {
			applied = append(applied, name)
		}
	}
	return applied, nil
}

func (db *DB) migrate(ctx context.Context, name string) (bool, error) {
	return inTx(ctx, db.write, func(tx *sql.Tx) (bool, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
			return false, err
		}
		body, err := migrations.FS.ReadFile(name)
		if err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return false, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, formatTime(time.Now()))
		return err == nil, err
	})
}

// inTx runs fn in a transaction, committing if it returns no error.
func inTx[T any](ctx context.Context, db *sql.DB, fn func(*sql.Tx) (T, error)) (T, error) {
	var zero T
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	v, err := fn(tx)
	if err != nil {
		return zero, err
	}
	return v, tx.Commit()
}

// timeFormat sorts in time order as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// isUnique reports whether err is a UNIQUE constraint failure on column
// (e.g. "surveys.slug").
func isUnique(err error, column string) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE && strings.Contains(e.Error(), column)
}

// isPrimaryKey reports whether err is a PRIMARY KEY constraint failure.
func isPrimaryKey(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
