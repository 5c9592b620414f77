// Package migrations holds the database schema as numbered, append-only SQL
// files. A shipped file is never edited: changes go in a new file.
package migrations

import "embed"

// FS holds the migration files, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
