package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	_ "modernc.org/sqlite" // the driver Voices uses
)

// The ceiling: what this machine does, in the same run and at the same
// concurrency, with none of Voices in the way. Voices' figures are then
// reported as a ratio to it, which says more than a bare number on a
// shared machine whose speed changes from hour to hour.
//
// (a) a bare SQLite insert loop: each client inserts a row about the size
// of a submission into a fresh database with the pragmas Voices uses, one
// transaction (and so one fsync) per insert, through one write connection.
// Voices' group commit shares one fsync among many submissions, so it can
// go faster than this; what this measures is the disk's durable-commit
// rate as a plain program sees it.
//
// (b) a bare Fiber handler: a minimal Fiber app on 127.0.0.1 answering
// each POST with a small JSON 201, driven by the same client code as the
// API submissions (apiFlow), so it measures HTTP on this machine: the most
// any handler could answer.

// voicesPragmas are the pragmas of surveys/sqlite (db.go), which keeps
// them unexported; keep the two the same.
const voicesPragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

const (
	kindSQLite = "sqlite insert"
	kindFiber  = "fiber POST"
)

// sqliteCeiling runs the bare insert loop in a new database in dir.
func sqliteCeiling(ctx context.Context, dir string, concurrency int, d time.Duration, rowBody []byte, seed uint64) (*stats, time.Duration, error) {
	path := filepath.Join(dir, "ceiling.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}()
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	db, err := sql.Open("sqlite", name+"?"+voicesPragmas+"&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if _, err := db.ExecContext(ctx, `CREATE TABLE rows (
		id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, submitted_at TEXT NOT NULL, body TEXT NOT NULL)`); err != nil {
		return nil, 0, fmt.Errorf("SQLite ceiling: %w", err)
	}
	body := string(rowBody)
	insert := func(ctx context.Context, w *worker) {
		ref := fmt.Sprintf("%d-%d-%x", w.id, w.seq, w.rng.Uint32())
		w.seq++
		start := time.Now()
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, `INSERT INTO rows (reference, submitted_at, body) VALUES (?, ?, ?)`,
				ref, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"), body); err != nil {
				return err
			}
			return tx.Commit()
		}()
		row := w.st.row(kindSQLite)
		row.latencies = append(row.latencies, time.Since(start))
		if err != nil {
			w.st.errors[errorKey{kindSQLite, "INSERT", errorClass(err)}]++
			row.failed++
			return
		}
		row.done++
	}
	st, elapsed := drive(ctx, concurrency, d, 0, mix{{kindSQLite, 1}}, seed, &target{},
		map[string]flowFunc{kindSQLite: insert})
	return st, elapsed, nil
}

// fiberCeiling serves the bare handler and posts to it with apiFlow.
func fiberCeiling(ctx context.Context, t *target, concurrency int, d, timeout time.Duration, seed uint64) (*stats, time.Duration, error) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	var id atomic.Int64
	app.Post("/api/v1/surveys/:slug/responses", func(c *fiber.Ctx) error {
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"reference": "K7P-3QX", "id": id.Add(1)})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	go app.Listener(ln)
	defer app.Shutdown()
	client := newHTTPClient(concurrency, timeout, nil)
	defer client.CloseIdleConnections()
	bare := *t
	bare.base, bare.client = "http://"+ln.Addr().String(), client
	st, elapsed := drive(ctx, concurrency, d, 0, mix{{kindAPI, 1}}, seed, &bare, map[string]flowFunc{kindAPI: apiFlow})
	// The bare handler's figures are reported under their own name.
	st.rows[kindFiber] = st.rows[kindAPI]
	delete(st.rows, kindAPI)
	for k, n := range st.errors {
		delete(st.errors, k)
		k.Kind = kindFiber
		st.errors[k] = n
	}
	st.acks = nil
	return st, elapsed, nil
}

// sampleBody is a submission's JSON as apiFlow sends it, for the size of
// the ceiling's rows.
func sampleBody(t *target) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	return apiBody(t.survey, t.gen.answers(rng, "voices-load ceiling "+t.runID+" 0-0"))
}
