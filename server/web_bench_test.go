package server_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// The web form's benchmarks call the Fiber handler directly with a
// fasthttp.RequestCtx, as bench_test.go does: no network and no app.Test
// (whose in-memory connection and goroutine would dominate the figures).

// webBenchFormCookie is the browser's random form cookie (43 characters, as
// the server makes them), so no new one is made on each request.
const webBenchFormCookie = "benchmarkbenchmarkbenchmarkbenchmarkbenchma"

// webBench is the demo consultation served by a handler, with its service.
type webBench struct {
	ctx     context.Context
	svc     *surveys.Service
	survey  *surveys.Survey
	handler fasthttp.RequestHandler
	csrf    string // the csrf token that goes with webBenchFormCookie
}

func newWebBench(b *testing.B) *webBench {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "voices.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := &surveys.Service{Store: db}
	if _, err := svc.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	sv, err := db.Survey(ctx, "care-strategy-2027")
	if err != nil {
		b.Fatal(err)
	}
	// No rate limit to speak of: the benchmark posts far more than a person.
	app, err := server.New(server.Config{APIPostsPerMinute: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FormPostsPerMinute: 1 << 30}, svc)
	if err != nil {
		b.Fatal(err)
	}
	w := &webBench{ctx: ctx, svc: svc, survey: sv, handler: app.Handler()}
	// The token is read from a page, as a browser would.
	ctx0 := w.request(fasthttp.MethodGet, webDemo, "", "")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(ctx0.Response.Body())
	if ctx0.Response.StatusCode() != fasthttp.StatusOK || m == nil {
		b.Fatalf("start page: got %d, want 200 with a csrf token", ctx0.Response.StatusCode())
	}
	w.csrf = string(m[1])
	return w
}

// request runs one request through the handler with the form cookie and,
// when code is not "", the draft cookie.
func (w *webBench) request(method, uri, code, form string) *fasthttp.RequestCtx {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetCookie("voices_form", webBenchFormCookie)
	if code != "" {
		ctx.Request.Header.SetCookie("voices_draft_"+w.survey.Slug, code)
	}
	if form != "" {
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.SetBodyString(form)
	}
	w.handler(&ctx)
	return &ctx
}

// filledDraft stores a draft with every question answered and the
// equality questions too, and returns its resume code.
func (w *webBench) filledDraft(b *testing.B) string {
	d, code, err := w.svc.StartDraft(w.ctx, w.survey, "ur")
	if err != nil {
		b.Fatal(err)
	}
	d.Answers = map[string][]string{
		"matters":  {"Being able to stay in my own home with help I can rely on. میری والدہ کے لیے"},
		"services": {"home_care", "day_centre", "other"}, "services_other": {"Lunch club"},
		"rating": {"2"}, "why_low": {"Carers keep changing."}, "info_ease": {"fairly_hard"},
		"unpaid_carer": {"yes"}, "carer_hours": {"35"}, "one_change": {"The same carer every visit"},
	}
	d.Equality = map[string]string{"_answer": "yes", "_ethnic_group_broad": "asian", "ethnic_group": "asian_pakistani",
		"age_band": "35_49", "disability_condition": "yes", "disability_impact": "a_little", "sex": "female"}
	if err := w.svc.SaveDraft(w.ctx, d); err != nil {
		b.Fatal(err)
	}
	return code
}

// BenchmarkRenderQuestionPage renders a question page of the demo for a
// resident with a draft in progress: survey and draft lookups, the flow,
// the template and the headers.
func BenchmarkRenderQuestionPage(b *testing.B) {
	w := newWebBench(b)
	code := w.filledDraft(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx := w.request(fasthttp.MethodGet, webDemo+"/q/services", code, "")
		if got := ctx.Response.StatusCode(); got != fasthttp.StatusOK {
			b.Fatalf("got status %d, want 200", got)
		}
	}
}

// BenchmarkSubmitWebForm sends a filled-in draft from the check page: the
// draft is loaded, turned into a submission, checked and stored with the
// draft emptied in the same transaction. Each iteration needs a fresh
// draft, made through the service with the timer stopped.
func BenchmarkSubmitWebForm(b *testing.B) {
	w := newWebBench(b)
	form := "csrf=" + w.csrf + "&website="
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		code := w.filledDraft(b)
		b.StartTimer()
		ctx := w.request(fasthttp.MethodPost, webDemo+"/check", code, form)
		if got, loc := ctx.Response.StatusCode(), string(ctx.Response.Header.Peek("Location")); got != fasthttp.StatusSeeOther || !strings.HasSuffix(loc, "/done") {
			b.Fatalf("got status %d to %q, want 303 to /done (%s)", got, loc, ctx.Response.Body())
		}
	}
}
