package sqlite_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
	"github.com/voices-uk/voices/surveys/sqlite"
)

const benchResponses = 100_000

var (
	seedOnce sync.Once
	seedPath string
	seedErr  error
)

// seeded returns a database holding benchResponses responses to the parks
// survey, each with four answers (two of them a multiple choice) and
// equality answers, built once per test binary run. Seeding uses SQL in
// bulk: what is measured is the export, not the insert.
func seeded(b *testing.B) string {
	seedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "voices-bench-")
		if err != nil {
			seedErr = err
			return
		}
		seedPath = filepath.Join(dir, "voices.db")
		db, err := sqlite.Open(context.Background(), seedPath)
		if err != nil {
			seedErr = err
			return
		}
		svc := &surveys.Service{Store: db}
		if _, seedErr = svc.CreateSurvey(context.Background(), []byte(definition)); seedErr != nil {
			return
		}
		db.Close()
		raw, err := sql.Open("sqlite", "file:"+seedPath+"?_pragma=synchronous(OFF)")
		if err != nil {
			seedErr = err
			return
		}
		defer raw.Close()
		_, seedErr = raw.Exec(`
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO responses (survey_id, reference, submitted_at, channel, language, entered_by)
SELECT 1, printf('%03X-%03X', i / 4096, i % 4096), strftime('%Y-%m-%dT%H:%M:%f000Z', '2026-11-01', '+' || i || ' seconds'),
       CASE i % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'sms' ELSE 'assisted' END,
       CASE i % 4 WHEN 0 THEN 'ur' ELSE 'en' END, 'self'
FROM n;
INSERT INTO answers SELECT id, 'visit', 0, CASE id % 2 WHEN 0 THEN 'yes' ELSE 'no' END FROM responses;
INSERT INTO answers SELECT id, 'likes', 0, 'trees' FROM responses;
INSERT INTO answers SELECT id, 'likes', 1, 'play' FROM responses WHERE id % 2 = 0;
INSERT INTO answers SELECT id, 'comment', 0, 'The park near us needs more benches and better lighting in the evenings, and the toilets are often closed. ' || id FROM responses;
INSERT INTO equality_answers (response_id, standard, age_band, ethnic_group, ethnic_group_broad, disability)
SELECT id, 'ons2021', '35_49', 'asian_pakistani', 'asian', 'no_ltc' FROM responses;`, benchResponses)
	})
	if seedErr != nil {
		b.Fatal(seedErr)
	}
	return seedPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seedPath != "" {
		os.RemoveAll(filepath.Dir(seedPath))
	}
	os.Exit(code)
}

// BenchmarkExport streams all 100,000 responses in each format to
// io.Discard, reporting rows per second and the peak heap in use while it
// runs (sampled every millisecond), which must not grow with the rows.
func BenchmarkExport(b *testing.B) {
	path := seeded(b)
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, err := db.Survey(context.Background(), "parks")
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	if err := db.EachResponse(context.Background(), s.ID, surveys.ResponseFilter{}, func(*surveys.Response) error {
		rows++
		return nil
	}); err != nil || rows != benchResponses {
		b.Fatalf("got %d rows (%v), want %d", rows, err, benchResponses)
	}
	for _, format := range export.Formats {
		b.Run(format, func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				tick := time.NewTicker(time.Millisecond)
				defer tick.Stop()
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			}()
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				counter := &countingWriter{w: io.Discard}
				if err := export.Responses(context.Background(), db, s, surveys.ResponseFilter{}, format, counter); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(counter.n)
			}
			b.StopTimer()
			close(stop)
			<-sampled
			b.ReportMetric(float64(benchResponses*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.w.Write(p)
}
