package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// A backup taken while responses keep arriving is a consistent database
// holding at least every response stored before it began.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	svc, s := newSurvey(t, db)
	submit := func() error {
		_, err := svc.Submit(ctx, s.Slug, &surveys.Submission{Channel: surveys.ChannelAPI, Answers: map[string][]string{"visit": {"yes"}}})
		return err
	}
	for range 50 {
		if err := submit(); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				if err := submit(); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	copy, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if len(copy.Applied) != 0 {
		t.Errorf("opening the backup applied migrations %v, want none", copy.Applied)
	}
	n := 0
	if err := copy.EachResponse(ctx, s.ID, surveys.ResponseFilter{}, func(*surveys.Response) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("backup holds %d responses, want at least the 50 stored before it began", n)
	}
	if err := sqlite.CheckIntegrity(ctx, path); err != nil {
		t.Error(err)
	}
}
