package server_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// benchSubmission answers the demo consultation the way a resident would,
// with equality answers, so the benchmark covers the whole path: JSON
// decoding, survey lookup, validation, and a durable (synchronous=FULL)
// write of the response, its answers and equality answers.
const benchSubmission = `{"language": "ur",
 "answers": {"matters": "Being able to stay in my own home with help I can rely on. میری والدہ کے لیے",
             "services": ["home_care", "day_centre", "other"], "services_other": "Lunch club",
             "rating": 2, "why_low": "Carers keep changing.", "info_ease": "fairly_hard",
             "unpaid_carer": true, "carer_hours": 35, "one_change": "The same carer every visit"},
 "equality": {"ethnic_group": "asian_pakistani", "age_band": "35_49", "disability_condition": "yes", "disability_impact": "a_little", "sex": "female"}}`

func benchApp(b *testing.B) fasthttp.RequestHandler {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "voices.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := &surveys.Service{Store: db}
	if _, err := svc.CreateSurvey(context.Background(), surveys.DemoDefinition); err != nil {
		b.Fatal(err)
	}
	app, err := server.New(server.Config{APIPostsPerMinute: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, svc)
	if err != nil {
		b.Fatal(err)
	}
	return app.Handler()
}

// benchPost submits once and reports an unexpected status; it may run on
// RunParallel's goroutines, so it uses Error, not Fatal.
func benchPost(b *testing.B, handler fasthttp.RequestHandler) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(fasthttp.MethodPost)
	ctx.Request.SetRequestURI("/api/v1/surveys/care-strategy-2027/responses")
	ctx.Request.Header.SetContentType("application/json")
	ctx.Request.SetBodyString(benchSubmission)
	handler(&ctx)
	if got := ctx.Response.StatusCode(); got != fasthttp.StatusCreated {
		b.Errorf("got status %d (%s), want 201", got, ctx.Response.Body())
	}
}

// BenchmarkSubmitResponse submits one response at a time through the
// Fiber handler (no network), as one resident would.
func BenchmarkSubmitResponse(b *testing.B) {
	handler := benchApp(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchPost(b, handler)
	}
}

// BenchmarkSubmitResponseParallel submits from many goroutines at once, as
// a busy consultation would; writes share the one write connection.
func BenchmarkSubmitResponseParallel(b *testing.B) {
	handler := benchApp(b)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchPost(b, handler)
		}
	})
}
