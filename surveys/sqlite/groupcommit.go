package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit. Every response a resident is told we received must
// survive a crash or a power cut, so the database runs with
// synchronous=FULL: each commit waits for the disk (fsync). One commit per
// response would make the disk the limit; instead the responses that
// arrive while one commit is being written share the next one. A single
// goroutine takes each waiting write in turn into one transaction, each
// inside its own savepoint (so one that fails is undone alone and its
// caller told why, leaving the others), commits once, and only then
// answers every caller. Nobody is answered before their data is on disk,
// and nothing half-written is ever committed.

// maxGroup bounds how many writes share one commit, so a burst does not
// hold the first caller for long.
const maxGroup = 128

var errClosed = errors.New("sqlite: the database is closed")

type groupJob struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

type groupCommitter struct {
	jobs    chan *groupJob
	closing chan struct{}
	stopped chan struct{}
	stop    sync.Once
}

// startGroupCommit starts the goroutine that commits grouped writes.
func (db *DB) startGroupCommit() {
	db.group = &groupCommitter{jobs: make(chan *groupJob), closing: make(chan struct{}), stopped: make(chan struct{})}
	go db.commitLoop()
}

// stopGroupCommit lets the writes already taken finish, and stops.
func (db *DB) stopGroupCommit() {
	if db.group == nil {
		return
	}
	db.group.stop.Do(func() { close(db.group.closing) })
	<-db.group.stopped
}

// grouped runs fn in a transaction shared with other writes, and returns
// once that transaction is committed (nil) or fn failed (its error, with
// its writes undone). fn must write only through tx.
func (db *DB) grouped(ctx context.Context, fn func(tx *sql.Tx) error) error {
	job := &groupJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.group.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.group.closing:
		return errClosed
	}
	// Once taken, the job's fate is the commit's: wait for it, even if
	// the caller has gone, so what it is told is what happened.
	return <-job.done
}

func (db *DB) commitLoop() {
	g := db.group
	defer close(g.stopped)
	for {
		var first *groupJob
		select {
		case first = <-g.jobs:
		case <-g.closing:
			return
		}
		batch := []*groupJob{first}
	collect:
		for len(batch) < maxGroup {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break collect
			}
		}
		errs := db.commitGroup(batch)
		for i, j := range batch {
			j.done <- errs[i]
		}
	}
}

// commitGroup runs the jobs in one transaction, each in a savepoint, and
// commits; it returns each job's outcome.
func (db *DB) commitGroup(batch []*groupJob) []error {
	errs := make([]error, len(batch))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	kept := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT one_write`); err != nil {
			return fail(err)
		}
		if err := j.fn(tx); err != nil {
			errs[i] = err
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO one_write`); rerr != nil {
				return fail(fmt.Errorf("undoing a failed write: %w", rerr))
			}
		} else {
			kept++
		}
		if _, err := tx.ExecContext(ctx, `RELEASE one_write`); err != nil {
			return fail(err)
		}
	}
	if kept == 0 {
		return errs
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return errs
}
