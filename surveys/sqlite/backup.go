package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// Backup writes a consistent copy of the database to path while Voices
// keeps running: VACUUM INTO reads one snapshot (WAL readers do not block
// writers), so the copy is as the database was at one moment, compacted,
// and needs no WAL file beside it. The copy is then opened and checked
// with PRAGMA integrity_check. path must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: choose a new file for the backup", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// A connection of its own: the readers are query-only, which VACUUM
	// INTO refuses, and the one writer must stay free for responses.
	conn, err := sql.Open("sqlite", db.name+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backing up: %w", err)
	}
	if err := CheckIntegrity(ctx, path); err != nil {
		return fmt.Errorf("the backup %s did not pass its check: %w", path, err)
	}
	return nil
}

// CheckIntegrity opens the database file at path and runs PRAGMA
// integrity_check, returning what it found if that is not "ok". Opening
// it recovers a write-ahead log left by a crash, as Voices would.
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	return nil
}
