package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

// Administrators' commands: users, organisations and the audit log. They
// act as surveys.CommandLine(), which passes the Service's administrator
// checks: whoever can run them can open the database file anyway. The
// audit log records them as "cli" (see run).

func userList(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("user list", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := svc.Users(ctx, surveys.CommandLine())
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(sys.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tORGANISATION\tADDED\tSTATUS")
	for _, u := range users {
		status := "active"
		if u.Disabled() {
			status = "turned off " + u.DisabledAt.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, orDash(u.Organisation), u.CreatedAt.Format("2006-01-02"), status)
	}
	return w.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// forUser runs fn on the user named by --email, for the commands that act
// on one user.
func forUser(ctx context.Context, name string, args []string, sys stdio, fn func(*surveys.Service, *surveys.User) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	email := fs.String("email", "", "the user's email address")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "email", *email); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, *email)
	if err != nil {
		return err
	}
	return fn(svc, u)
}

// userStatus turns an account off (signing them out everywhere) or on.
func userStatus(disable bool) func(context.Context, []string, stdio) error {
	return func(ctx context.Context, args []string, sys stdio) error {
		name := "user enable"
		if disable {
			name = "user disable"
		}
		return forUser(ctx, name, args, sys, func(svc *surveys.Service, u *surveys.User) error {
			if disable {
				if _, err := svc.DisableUser(ctx, surveys.CommandLine(), u.ID); err != nil {
					return err
				}
				fmt.Fprintf(sys.err, "turned off %s: signed out everywhere, API tokens deleted\n", u.Email)
				return nil
			}
			if _, err := svc.EnableUser(ctx, surveys.CommandLine(), u.ID); err != nil {
				return err
			}
			fmt.Fprintf(sys.err, "turned on %s: they can sign in again; make new API tokens if they need them\n", u.Email)
			return nil
		})
	}
}

func orgAdd(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("org add", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	name := fs.String("name", "", "the organisation's name, e.g. the community group's")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "name", *name); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := svc.AddOrganisation(ctx, surveys.CommandLine(), *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(sys.err, "added organisation %s (organisation %d)\n", o.Name, o.ID)
	return nil
}

func orgList(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("org list", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs, err := svc.Organisations(ctx, surveys.CommandLine())
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(sys.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tMEMBERS\tADDED")
	for _, o := range orgs {
		fmt.Fprintf(w, "%s\t%d\t%s\n", o.Name, o.Members, o.CreatedAt.Format("2006-01-02"))
	}
	return w.Flush()
}

// auditExport writes the whole audit log as CSV, recording the export in
// it first, as the web page does.
func auditExport(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	out := fs.String("out", "", "file to write, or - for standard output")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "out", *out); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := svc.RecordAuditExport(ctx, surveys.CommandLine(), "csv"); err != nil {
		return err
	}
	if *out == "-" {
		return export.AuditCSV(ctx, db, sys.out)
	}
	// Beside the target and renamed, as exports of responses are.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".voices-audit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := export.AuditCSV(ctx, db, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}

// userPassword sets a new password for a user who has forgotten theirs,
// read from standard input like `user add`.
func userPassword(ctx context.Context, args []string, sys stdio) error {
	return forUser(ctx, "user password", args, sys, func(svc *surveys.Service, u *surveys.User) error {
		password, err := readPassword(sys.in)
		if err != nil {
			return err
		}
		if _, err := svc.SetPassword(ctx, surveys.CommandLine(), u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(sys.err, "set a new password for %s and signed them out of their browsers\n", u.Email)
		return nil
	})
}
