package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// Data protection on the command line: subject access and erasure by
// reference, and backups. Each is recorded in the audit log as "cli".

// byReference opens the database named by --db and calls fn with the
// --reference given.
func byReference(ctx context.Context, name string, args []string, sys stdio, fn func(*sqlite.DB, *surveys.Service, string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	reference := fs.String("reference", "", "the response's reference, e.g. K7P-3QX")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "reference", *reference); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, svc, *reference)
}

func printJSON(sys stdio, v any) error {
	enc := json.NewEncoder(sys.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// subjectAccess prints, as JSON, everything held about a response.
func subjectAccess(ctx context.Context, args []string, sys stdio) error {
	return byReference(ctx, "subject-access", args, sys, func(db *sqlite.DB, svc *surveys.Service, ref string) error {
		sar, err := svc.SubjectAccess(ctx, surveys.CommandLine(), ref)
		if err != nil {
			return err
		}
		return printJSON(sys, sar)
	})
}

// erase deletes a response and everything held about it, and prints what
// went, by table.
func erase(ctx context.Context, args []string, sys stdio) error {
	return byReference(ctx, "erase", args, sys, func(db *sqlite.DB, svc *surveys.Service, ref string) error {
		res, err := svc.Erase(ctx, surveys.CommandLine(), ref)
		if err != nil {
			return err
		}
		return printJSON(sys, res)
	})
}

// backup writes a consistent copy of a database that may be in use.
func backup(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file (may be in use by voices serve)")
	out := fs.String("out", "", "the backup file to write (must not exist)")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "out", *out); err != nil {
		return err
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	db, _, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, abs); err != nil {
		return err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return err
	}
	fmt.Fprintf(sys.err, "backed up %s to %s (%d bytes, integrity check ok)\n", *dbPath, abs, info.Size())
	return nil
}
