package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	twclient "github.com/twilio/twilio-go/client"

	"github.com/voices-uk/voices/channels/twiliotest"
	"github.com/voices-uk/voices/surveys"
)

// The voices binary, built once for the package's tests.
var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func buildVoices(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "voices-load-test-*"); buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "voices")
		if out, err := exec.Command("go", "build", "-o", builtBin, voicesPkg).CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building voices: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// TestLoadSelfStarted runs the tool as `make load` does, briefly and with
// few clients: it builds voices, starts it, loads it with every kind of
// work, stops it and checks the database. The run must pass its check and
// report every figure.
func TestLoadSelfStarted(t *testing.T) {
	dir := t.TempDir()
	bin := buildVoices(t)
	jsonPath := filepath.Join(dir, "report.json")
	var out, errOut bytes.Buffer
	rep, err := run(context.Background(), []string{"--voices-bin", bin, "--dir", dir, "--duration", "2s", "--concurrency", "4",
		"--mix", "web=2,api=3,sms=2,export=1", "--sms-repeat", "0.2", "--sms-sources", "2", "--ceiling-duration", "300ms", "--json", jsonPath}, &out, &errOut)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	v := rep.Verification
	if !v.OK || len(v.Lost) != 0 || len(v.Duplicated) != 0 || !v.MarkerChecked || v.Integrity != "ok" {
		t.Errorf("verification: got %+v, want OK, nothing lost or duplicated, answers compared, integrity ok", v)
	}
	for _, k := range []string{kindWeb, kindAPI, kindSMS} {
		if v.ByKind[k] == 0 {
			t.Errorf("no %s submission was acknowledged", k)
		}
	}
	names := map[string]Row{}
	for _, r := range rep.Rows {
		names[strings.TrimSpace(r.Name)] = r
	}
	for _, name := range []string{kindWeb, rowWebSend, kindAPI, kindSMS, rowSMSFinal, kindExport, "all"} {
		r, ok := names[name]
		if !ok || r.Done == 0 || r.Requests == 0 || r.PerSecond <= 0 || r.P50Ms <= 0 || r.P99Ms < r.P95Ms || r.P95Ms < r.P50Ms {
			t.Errorf("row %q: got %+v (present %v), want work done and percentiles in order", name, r, ok)
		}
	}
	if all := names["all"]; all.Done != names[kindWeb].Done+names[kindAPI].Done+names[kindSMS].Done+names[kindExport].Done {
		t.Errorf("all: got %d done, want the sum of the kinds", all.Done)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("errors under light load: got %+v, want none", rep.Errors)
	}
	c := rep.Ceiling
	if c == nil || c.SQLiteRuns[0] <= 0 || c.SQLiteRuns[1] <= 0 || c.FiberRuns[0] <= 0 || c.FiberRuns[1] <= 0 || c.SQLite.PerSecond <= 0 || c.Fiber.PerSecond <= 0 || c.API.PerSecond <= 0 || c.RatioToSQLite <= 0 || c.RatioToFiber <= 0 || c.P99RatioToFiber <= 0 {
		t.Errorf("ceiling: got %+v, want both ceilings and the ratios", c)
	}
	if rep.SMSRepeats == 0 || rep.Server == nil || rep.LoadAverageBefore == "" {
		t.Errorf("got %d repeated texts, server %+v, load average %q: want them reported", rep.SMSRepeats, rep.Server, rep.LoadAverageBefore)
	}
	text := out.String()
	for _, want := range []string{"p50 ms", "p95 ms", "p99 ms", "done/s", "errors:", "ceiling of this machine", "sqlite insert", "fiber POST",
		"Voices API submissions:", "before, ", "load average", "lost 0, duplicated 0", "PASS"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report has no %q", want)
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("--json: %v", err)
	}
	for _, field := range []string{"rows", "errors", "ceiling", "verification", "load_average_before", "concurrency", "mix"} {
		if _, ok := got[field]; !ok {
			t.Errorf("--json has no %q", field)
		}
	}
	// The folder it made is gone, unless --keep.
	if left, _ := filepath.Glob(filepath.Join(dir, "voices-load-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestLoadRunningServer loads a server it did not start (--url), checks
// its database while it runs, and fails the run when told about a
// database that holds none of what was acknowledged.
func TestLoadRunningServer(t *testing.T) {
	dir := t.TempDir()
	bin := buildVoices(t)
	ctx := context.Background()
	srv, err := startSelf(ctx, &config{voicesBin: bin, dir: dir, survey: loadSlug}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close(false, io.Discard)
	args := func(db string, more ...string) []string {
		return append([]string{"--url", srv.url, "--db", db, "--survey", srv.slug, "--token", srv.token,
			"--twilio-auth-token", srv.authToken, "--public-url", selfPublic, "--ceiling-duration", "0"}, more...)
	}
	var out bytes.Buffer
	rep, err := run(ctx, args(srv.db, "--requests", "30", "--concurrency", "3"), &out, io.Discard)
	if err != nil || !rep.Verification.OK || rep.Verification.Integrity != "" || rep.Ceiling != nil {
		t.Fatalf("against a running server: got %v, %+v\n%s", err, rep.Verification, out.String())
	}
	if n := rep.Rows[len(rep.Rows)-1].Done; n != 30 {
		t.Errorf("--requests 30: got %d done", n)
	}

	// Another database, with the survey but none of the responses: every
	// acknowledged submission is lost there, and the run must say so.
	other := filepath.Join(dir, "other.db")
	if _, err := srv.voices(ctx, "", "survey", "import", "--db", other, filepath.Join(srv.dir, "survey.yaml")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	rep, err = run(ctx, args(other, "--requests", "5", "--concurrency", "1", "--mix", "api=1"), &out, io.Discard)
	if err == nil || rep == nil || rep.Verification.OK || len(rep.Verification.Lost) != 5 || !strings.Contains(out.String(), "FAIL") {
		t.Fatalf("checked against the wrong database: got %v, %+v, want a failure with 5 lost\n%s", err, rep, out.String())
	}
}

func TestTwilioSignature(t *testing.T) {
	form := url.Values{"Body": {"LOADTEST"}, "From": {"+447700900123"}, "MessageSid": {"SM123"}, "To": {"+447700900999"}, "Empty": {""}}
	const token, u = "0123456789abcdef0123456789abcdef", "http://voices-load.localhost/sms/twilio"
	got := twilioSignature(token, u, form)
	if want := twiliotest.Sign(token, u, form); got != want {
		t.Errorf("got %s, want %s (twiliotest.Sign)", got, want)
	}
	params := map[string]string{}
	for k, v := range form {
		params[k] = v[0]
	}
	validator := twclient.NewRequestValidator(token)
	if !validator.Validate(u, params, got) {
		t.Errorf("twilio-go's validator refuses the signature %s", got)
	}
}

func TestParseMix(t *testing.T) {
	m, err := parseMix("web=2, api=5,sms=0,export=1")
	if err != nil || m.String() != "web=2,api=5,export=1" {
		t.Fatalf("got %v %v, want web=2,api=5,export=1", m, err)
	}
	for _, bad := range []string{"", "api=0", "api", "api=-1", "api=x", "ftp=1", "api=1,api=2"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q): got no error", bad)
		}
	}
}

func TestParseConfig(t *testing.T) {
	for _, args := range [][]string{
		{"--url", "http://127.0.0.1:8080"},                                                             // no --db or --survey
		{"--url", "127.0.0.1:8080", "--db", "x", "--survey", "s"},                                      // no scheme
		{"--url", "http://h", "--db", "x", "--survey", "s"},                                            // export without a token
		{"--url", "http://h", "--db", "x", "--survey", "s", "--token", "t", "--twilio-auth-token", ""}, // sms without the auth token
		{"--db", "x"},             // --db goes with --url
		{"--survey", "libraries"}, // unknown without --url
		{"--concurrency", "0"},    //
		{"--duration", "0"},       //
		{"--sms-repeat", "2"},     //
		{"extra"},                 //
		{"--mix", "api=1,poll=2"}, //
	} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("parseConfig(%q): got no error", args)
		}
	}
	if _, err := sourceClients(&config{url: "http://voices.example.org", smsSources: 2}); err == nil {
		t.Errorf("--sms-sources with a server that is not on 127.x: got no error")
	}
	c, err := parseConfig([]string{"--survey", demoSlug, "--duration", "1s"}, io.Discard)
	if err != nil || !c.self() || c.concurrency != 50 || c.mix.String() != "web=2,api=5,sms=2,export=1" {
		t.Errorf("defaults: got %+v %v", c, err)
	}
}

// TestAnswersDemo makes answers to the demo consultation (show_if,
// choices, "Other", equality monitoring) that it accepts, and text
// answers to its SMS prompts.
func TestAnswersDemo(t *testing.T) {
	s, err := surveys.ParseDefinition(openDemo(surveys.DemoDefinition))
	if err != nil {
		t.Fatal(err)
	}
	if s.ClosesAt != nil {
		t.Errorf("openDemo kept the closing date %v", s.ClosesAt)
	}
	g, err := newAnswerGen(s)
	if err != nil {
		t.Fatal(err)
	}
	if g.markerKey != "matters" {
		t.Errorf("marker question: got %q, want matters", g.markerKey)
	}
	q := s.Question("info_ease")
	if got := smsAnswer(q, []string{"fairly_hard"}); got != "3" {
		t.Errorf("smsAnswer(info_ease, fairly_hard): got %q, want 3", got)
	}
	if got := smsAnswer(s.Question("services"), nil); got != "SKIP" {
		t.Errorf("smsAnswer of no answer: got %q, want SKIP", got)
	}
	msg := "(2/9) " + s.Question("services").Prompt.In("en", "en") + "\n1 Care at home"
	if got := promptedQuestion(s, "en", "en", msg); got == nil || got.Key != "services" {
		t.Errorf("promptedQuestion: got %v, want services", got)
	}
}

func TestMayBeStored(t *testing.T) {
	for _, tt := range []struct {
		status int
		err    error
		want   bool
	}{
		{429, errStatus, false},
		{403, errStatus, false},
		{500, errStatus, true},
		{200, errStatus, true}, // a 200 where a redirect was expected: unclear
		{0, context.DeadlineExceeded, true},
		{201, fmt.Errorf("not TwiML"), true},
	} {
		if got := mayBeStored(&reply{status: tt.status}, tt.err); got != tt.want {
			t.Errorf("mayBeStored(%d, %v): got %v, want %v", tt.status, tt.err, got, tt.want)
		}
	}
}
