package sqlite

import (
	"context"
	"fmt"
)

// QueryRowForTest runs a query for the package's external tests, which
// check what is (not) left in tables no method reads.
func (db *DB) QueryRowForTest(ctx context.Context, query string, dest ...any) error {
	return db.read.QueryRowContext(ctx, query).Scan(dest...)
}

// DumpForTest returns every row of every table, each as its columns' text
// joined, so tests can look for what must not be left anywhere.
func (db *DB) DumpForTest(ctx context.Context) (map[string][]string, error) {
	tables, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	tables.Close()
	out := map[string][]string{}
	for _, n := range names {
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM "`+n+`"`)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			line := ""
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					line += string(v) + "|"
				default:
					line += fmt.Sprint(v) + "|"
				}
			}
			out[n] = append(out[n], line)
		}
		rows.Close()
	}
	return out, nil
}
