package server_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voices-uk/voices/server"
)

// lockedBuffer collects log lines written from many requests at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Operations: metrics by route and channel, with no reference in any label
// or log line; the metrics token; security headers, HSTS over HTTPS.
func TestMetricsAndLogs(t *testing.T) {
	logs := &lockedBuffer{}
	f := newFixtureWith(t, server.Config{MetricsToken: "scrape-me", PublicURL: "https://voices.example.gov.uk",
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	slug := f.create(t, parksJSON)
	ref := f.submit(t, slug, "", `{"answers": {"visit": "yes"}}`)
	if status, _ := f.do(t, http.MethodGet, "/api/v1/responses/"+ref+"/subject-access", f.officer, ""); status != http.StatusOK {
		t.Fatalf("subject access: %d", status)
	}
	resp, body := f.send(t, http.MethodGet, "/metrics", "", "", "")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("metrics from another machine without the token: got %d, want 403", resp.StatusCode)
	}
	resp, body = f.send(t, http.MethodGet, "/metrics", "scrape-me", "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics with the token: got %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`voices_responses_stored_total{channel="api"} 1`,
		`voices_responses_stored_total{channel="sms"} 0`,
		`voices_http_requests_total{method="POST",route="/api/v1/surveys/:slug/responses",status="201"} 1`,
		`voices_http_request_duration_seconds_bucket{route="/api/v1/responses/:reference/subject-access",le="+Inf"} 1`,
		`voices_sms_outbox_depth 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics: want %s", want)
		}
	}
	if strings.Contains(string(body), ref) {
		t.Errorf("metrics hold the reference %s", ref)
	}
	if !strings.Contains(logs.String(), `"route":"/api/v1/responses/:reference/subject-access"`) || strings.Contains(logs.String(), ref) {
		t.Errorf("logs: want the route's pattern and never the reference %s:\n%s", ref, logs.String())
	}
	if !strings.Contains(logs.String(), `"request_id":"`) {
		t.Errorf("logs: want a request id on each line")
	}
	for name, want := range map[string]string{"Strict-Transport-Security": "max-age=31536000", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "Content-Security-Policy": "frame-ancestors 'none'"} {
		if got := resp.Header.Get(name); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	// On this machine (loopback), no token is needed.
	addr := f.listen(t)
	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Errorf("metrics from this machine: got %d, want 200", r.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != http.StatusForbidden {
		t.Errorf("metrics forwarded by a proxy on this machine: got %v %v, want 403", r, err)
	}
	// Without HTTPS, no HSTS.
	plain := newFixture(t)
	if resp, _ := plain.send(t, http.MethodGet, "/healthz", "", "", ""); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over plain HTTP: got %q, want none", resp.Header.Get("Strict-Transport-Security"))
	}
}

// Limits on hostile input: API submissions per address per minute, refused
// webhook requests, and the size of the request's headers.
func TestRequestLimits(t *testing.T) {
	f := newFixtureWith(t, server.Config{APIPostsPerMinute: 3})
	slug := f.create(t, parksJSON)
	for i := range 4 {
		status, got := f.do(t, http.MethodPost, "/api/v1/surveys/"+slug+"/responses", "", `{"answers": {"visit": "yes"}}`)
		if want := map[bool]int{true: http.StatusCreated, false: http.StatusTooManyRequests}[i < 3]; status != want {
			t.Errorf("submission %d: got %d %v, want %d", i+1, status, got, want)
		}
	}
	// Refused webhook requests (SMS is not set up here: 503) are limited.
	last := 0
	for range 31 {
		resp, _ := f.send(t, http.MethodPost, "/sms/twilio", "", "application/x-www-form-urlencoded", "From=%2B447700900123&Body=HI")
		last = resp.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the 31st refused webhook request: got %d, want 429", last)
	}
	// Headers over 8 KiB are refused before any handler runs (fasthttp
	// answers 400 when the request does not fit its read buffer).
	addr := f.listen(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: %s\r\n\r\n", strings.Repeat("a", 9000))
	line, _ := io.ReadAll(io.LimitReader(conn, 64))
	if !strings.Contains(string(line), " 431 ") && !strings.Contains(string(line), " 400 ") {
		t.Errorf("a request with 9 KB of headers: got %q, want it refused (431 or 400)", line)
	}
}

// A client that trickles its request to hold a connection open is cut off
// when the read timeout passes.
func TestSlowClientIsCutOff(t *testing.T) {
	f := newFixtureWith(t, server.Config{ReadTimeout: 500 * time.Millisecond})
	addr := f.listen(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := false
	for i := 0; i < 40 && !closed; i++ {
		if _, err := conn.Write([]byte("G")); err != nil {
			closed = true
			break
		}
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		buf := make([]byte, 64)
		if _, err := conn.Read(buf); err != nil && !isTimeout(err) {
			closed = true // the server closed the connection
		}
	}
	if !closed {
		t.Fatalf("a client sending a byte every 100 ms was still connected after %v", time.Since(start))
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// A connection that sends nothing is closed when the read timeout passes,
// with a bare 408: no page, no cookie.
func TestIdleConnectionGetsNoPage(t *testing.T) {
	f := newFixtureWith(t, server.Config{ReadTimeout: 300 * time.Millisecond})
	addr := f.listen(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(conn)
	if strings.Contains(string(got), "Set-Cookie") || strings.Contains(string(got), "<html") {
		t.Errorf("an idle connection got %q, want at most a bare status and close", got)
	}
}
