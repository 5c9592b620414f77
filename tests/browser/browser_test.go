// Package browser drives the resident web form in a real browser
// (Debian's Chromium, through playwright-core) and checks it with axe-core.
// The Go test starts Voices in-process with the demo consultation and runs
// the node:test files in this folder against it. See README.md.
package browser

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// chromium is Debian's Chromium, the only browser these tests use.
const chromium = "/usr/bin/chromium"

// The officer the signed-in pages' tests sign in as, and the administrator
// the administrators' pages' tests sign in as.
const (
	staffEmail    = "officer@example.org"
	staffPassword = "correct horse battery staple"
	adminEmail    = "admin@example.org"
)

// suiteTimeout bounds the whole node run.
const suiteTimeout = 8 * time.Minute

func TestBrowser(t *testing.T) {
	required := os.Getenv("VOICES_BROWSER_TESTS") == "require"
	missing := func(what, fix string) {
		t.Helper()
		if required {
			t.Fatalf("%s is missing (%s); VOICES_BROWSER_TESTS=require, so this is a failure", what, fix)
		}
		t.Skipf("skipping the browser tests: %s is missing (%s); set VOICES_BROWSER_TESTS=require to make this a failure", what, fix)
	}
	if testing.Short() && !required {
		t.Skip("skipping the browser tests in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing(chromium, "apt-get install -y chromium")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core")); err != nil {
		missing("tests/browser/node_modules", "cd tests/browser && npm ci")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node", "install Node.js 20 or later")
	}
	files, err := filepath.Glob("*.test.mjs")
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.test.mjs files found in tests/browser (%v)", err)
	}

	addr := startVoices(t)

	ctx, cancel := context.WithTimeout(context.Background(), suiteTimeout)
	defer cancel()
	args := []string{"--test", "--test-reporter=spec"}
	if p := os.Getenv("VOICES_BROWSER_TEST_PATTERN"); p != "" {
		args = append(args, "--test-name-pattern="+p)
	}
	cmd := exec.CommandContext(ctx, node, append(args, files...)...)
	cmd.Env = append(os.Environ(), "VOICES_URL=http://"+addr, "VOICES_STAFF_EMAIL="+staffEmail, "VOICES_STAFF_PASSWORD="+staffPassword, "VOICES_ADMIN_EMAIL="+adminEmail, "CHROMIUM="+chromium, "NO_COLOR=1", "FORCE_COLOR=0")
	cmd.WaitDelay = 10 * time.Second
	stopAll := ownProcessGroup(cmd)
	defer stopAll()
	// node's output goes straight to the test's output, as it happens.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	err = cmd.Wait()
	t.Logf("node --test took %s", time.Since(start).Round(time.Second))
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the browser tests did not finish within %s", suiteTimeout)
	}
	if err != nil {
		t.Fatalf("the browser tests failed (%v): see the node output above", err)
	}
}

// startVoices serves Voices with the demo consultation on a free local
// port until the test ends, and returns its address.
func startVoices(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatalf("opening the database: %v", err)
	}
	svc := &surveys.Service{Store: db}
	if _, err := svc.LoadDemo(ctx); err != nil {
		db.Close()
		t.Fatalf("loading the demo consultation: %v", err)
	}
	// The signed-in pages' tests sign in as this officer (signin.test.mjs).
	if _, err := svc.AddUser(ctx, &surveys.NewUser{Email: staffEmail, Name: "Olu Officer", Role: surveys.RoleOfficer, Password: staffPassword}); err != nil {
		db.Close()
		t.Fatalf("adding the officer: %v", err)
	}
	// admin.test.mjs signs in as this administrator, with the same password.
	if _, err := svc.AddUser(ctx, &surveys.NewUser{Email: adminEmail, Name: "Ada Admin", Role: surveys.RoleAdmin, Password: staffPassword}); err != nil {
		db.Close()
		t.Fatalf("adding the administrator: %v", err)
	}
	// Text messages and email "set up" (nothing is sent: no outbox runs),
	// so the confirmation page offers updates both ways (updates.test.mjs).
	tr, err := channels.NewTranslator()
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	sms := server.SMSConfig{AuthToken: "browser-tests", Receiver: &channels.SMSReceiver{Service: svc,
		Phones: surveys.PhoneHasher{Key: []byte("browser-tests")}, Engine: &channels.SMSEngine{Tr: tr}}}
	app, err := server.New(server.Config{APIPostsPerMinute: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FormPostsPerMinute: 100000, SMS: sms, Email: true}, svc)
	if err != nil {
		db.Close()
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
			t.Errorf("shutting Voices down: %v", err)
		}
		if err := <-served; err != nil && !strings.Contains(err.Error(), "closed") {
			t.Errorf("Voices stopped with: %v", err)
		}
		db.Close()
	})
	return ln.Addr().String()
}
