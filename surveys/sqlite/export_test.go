package sqlite

import "context"

// QueryRowForTest runs a query for the package's external tests, which
// check what is (not) left in tables no method reads.
func (db *DB) QueryRowForTest(ctx context.Context, query string, dest ...any) error {
	return db.read.QueryRowContext(ctx, query).Scan(dest...)
}
