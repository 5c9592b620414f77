package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels/twiliotest"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// cli runs voices in-process with args and returns the exit status and
// what it printed.
func cli(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, stdio{
		in: strings.NewReader(stdin), out: &out, err: &errOut,
		getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errOut.String()
}

const surveyYAML = `slug: libraries
title: {en: "Libraries", ur: "لائبریریاں"}
languages: [en, ur]
status: open
questions:
  - {key: use, type: yes_no, required: true, prompt: {en: "Do you use a library?"}}
  - {key: why, type: long_text, prompt: {en: "Why?"}}
`

func TestCLIEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")

	if code, out, errOut := cli(t, "", nil, "migrate", "--db", db); code != 0 || !strings.Contains(out, "applied 0001_foundation.sql") {
		t.Fatalf("migrate: got %d %q %q, want 0 and the applied migration", code, out, errOut)
	}
	if code, out, _ := cli(t, "", nil, "migrate", "--db", db); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("migrate again: got %d %q, want 0 and up to date", code, out)
	}

	code, _, errOut := cli(t, "correct horse battery staple\n", nil, "user", "add", "--db", db,
		"--email", "olu@example.org", "--name", "Olu Officer", "--role", "officer")
	if code != 0 {
		t.Fatalf("user add: got %d, %s", code, errOut)
	}
	code, token, errOut := cli(t, "", nil, "token", "create", "--db", db, "--email", "olu@example.org")
	if code != 0 || !regexp.MustCompile(`^voices_[A-Za-z0-9_-]{43}\n$`).MatchString(token) {
		t.Fatalf("token create: got %d %q %q, want only a token", code, token, errOut)
	}

	file := filepath.Join(dir, "libraries.yaml")
	if err := os.WriteFile(file, []byte(surveyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	// The flag comes after the file here, and the database comes from the environment.
	code, out, errOut := cli(t, "", map[string]string{"VOICES_DB": db}, "survey", "import", file)
	if code != 0 || out != "libraries\n" {
		t.Fatalf("survey import: got %d %q %q, want only the slug", code, out, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "survey", "import", "--db", db, file); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("importing again: got %d %q, want 1 and already exists", code, errOut)
	}
	if code, out, errOut := cli(t, "", nil, "survey", "import", "--db", db, "--replace", file); code != 0 || out != "libraries\n" {
		t.Errorf("import --replace: got %d %q %q, want the slug", code, out, errOut)
	}

	// Serve on a free port, submit through the API, then stop.
	base, stop := startServe(t, map[string]string{"VOICES_DB": db}, "serve", "--addr", "127.0.0.1:0")
	body := `{"language": "ur", "answers": {"use": "yes", "why": "=1+1 کتابیں"}}`
	resp, err := http.Post(base+"/api/v1/surveys/libraries/responses", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Reference string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || created.Reference == "" {
		t.Fatalf("submit: got %d %+v, want 201 with a reference", resp.StatusCode, created)
	}
	if code, logs := stop(); code != 0 {
		t.Errorf("serve after cancel: got exit %d, want 0: %s", code, logs)
	}

	// Export to stdout and to a file.
	code, out, errOut = cli(t, "", nil, "export", "--db", db, "--survey", "libraries", "--format", "csv")
	if code != 0 {
		t.Fatalf("export csv: got %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export csv: got %d rows (%v), want header and 1 row", len(rows), err)
	}
	if got, want := rows[1][0], created.Reference; got != want {
		t.Errorf("exported reference: got %q, want %q", got, want)
	}
	if got, want := rows[1][len(rows[1])-3], "'=1+1 کتابیں"; got != want { // then why_original, why_original_language
		t.Errorf("exported formula-looking answer: got %q, want %q", got, want)
	}
	outFile := filepath.Join(dir, "out.json")
	if code, _, errOut := cli(t, "", nil, "export", "--db", db, "--survey", "libraries", "--format", "json", "--out", outFile); code != 0 {
		t.Fatalf("export json: got %d %s", code, errOut)
	}
	var list []map[string]any
	data, _ := os.ReadFile(outFile)
	if err := json.Unmarshal(data, &list); err != nil || len(list) != 1 || list[0]["reference"] != created.Reference {
		t.Errorf("export json file: got %s (%v), want one response %s", data, err, created.Reference)
	}
	xlsx := filepath.Join(dir, "out.xlsx")
	if code, _, errOut := cli(t, "", nil, "export", "--db", db, "--survey", "libraries", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatalf("export xlsx: got %d %s", code, errOut)
	}
	if data, _ := os.ReadFile(xlsx); !bytes.HasPrefix(data, []byte("PK")) {
		t.Errorf("export xlsx: got a file starting %q, want a zip (PK)", data[:min(4, len(data))])
	}
}

func TestCLIMistakes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("slug: Bad Slug\ntitle: {en: x}\nlanguages: [en]\nquestions: []\n"), 0o600)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no command", "", nil, 2, "no command"},
		{"unknown command", "", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", "", []string{"migrate", "--nope"}, 2, "flag provided but not defined"},
		{"migrate without db", "", []string{"migrate"}, 2, "--db is required"},
		{"user without password", "", []string{"user", "add", "--db", db, "--email", "a@example.org", "--name", "A", "--role", "officer"}, 2, "password on standard input"},
		{"user with short password", "short\n", []string{"user", "add", "--db", db, "--email", "a@example.org", "--name", "A", "--role", "officer"}, 1, "password: must be between"},
		{"user with bad role", "a long enough password\n", []string{"user", "add", "--db", db, "--email", "a@example.org", "--name", "A", "--role", "king"}, 1, "role: must be one of"},
		{"partner without org", "a long enough password\n", []string{"user", "add", "--db", db, "--email", "a@example.org", "--name", "A", "--role", "partner"}, 1, "organisation"},
		{"token for unknown user", "", []string{"token", "create", "--db", db, "--email", "nobody@example.org"}, 1, "no user"},
		{"import a bad definition", "", []string{"survey", "import", "--db", db, bad}, 1, "slug: must use only lower-case"},
		{"import two files", "", []string{"survey", "import", "--db", db, bad, bad}, 2, "one survey definition"},
		{"export unknown survey", "", []string{"export", "--db", db, "--survey", "nope"}, 1, "no survey"},
		{"export bad format", "", []string{"export", "--db", db, "--survey", "x", "--format", "pdf"}, 2, "--format must be"},
		{"serve with bad public url", "", []string{"serve", "--db", db, "--public-url", "voices.example"}, 2, "--public-url must start with https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.stdin, nil, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("got exit %d and %q, want %d and a message containing %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "voices.db")
	base, stop := startServe(t, map[string]string{"VOICES_DB": db}, "serve", "--demo", "--addr", "127.0.0.1:0")
	defer stop()
	resp, err := http.Get(base + "/api/v1/surveys/care-strategy-2027")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		Open      bool
		Languages []string
		Questions []struct{ Type string }
	}
	json.NewDecoder(resp.Body).Decode(&s)
	types := map[string]bool{}
	for _, q := range s.Questions {
		types[q.Type] = true
	}
	if resp.StatusCode != 200 || !s.Open || len(types) != 7 || strings.Join(s.Languages, ",") != "en,ur" {
		t.Errorf("demo survey: got status %d, open %v, %d question types, languages %v; want 200, open, all 7 types, en and ur",
			resp.StatusCode, s.Open, len(types), s.Languages)
	}
	if _, logs := stop(); !strings.Contains(logs, `"responses_added":600`) {
		t.Errorf("demo log: got %s, want 600 responses added", logs)
	}
}

// startServe runs `voices serve` in the background until stop is called,
// which cancels it (as SIGTERM would), waits, and returns its exit status
// and logs.
func startServe(t *testing.T, env map[string]string, args ...string) (base string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	var logs safeBuffer
	go func() {
		done <- run(ctx, args, stdio{
			in: strings.NewReader(""), out: &bytes.Buffer{}, err: &logs,
			getenv:    func(k string) string { return env[k] },
			listening: func(a string) { addr <- a },
		})
	}()
	select {
	case a := <-addr:
		base = "http://" + a
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before listening: %s", code, logs.String())
	}
	var (
		once sync.Once
		code = -1
	)
	// stop may be called more than once (directly and deferred).
	return base, func() (int, string) {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Error("serve did not shut down within 30 s")
			}
		})
		return code, logs.String()
	}
}

// safeBuffer is a bytes.Buffer that the server's logger and the test may
// use at the same time.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const smsSurveyYAML = `slug: libraries
title: {en: "Libraries"}
languages: [en]
status: open
sms: {keyword: books}
questions:
  - {key: use, type: yes_no, required: true, prompt: {en: "Do you use a library?"}}
  - {key: why, type: long_text, prompt: {en: "Why?"}, sms_prompt: {en: "Why? (short answer)"}}
`

func TestCLISMS(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	file := filepath.Join(dir, "libraries.yaml")
	os.WriteFile(file, []byte(smsSurveyYAML), 0o600)
	if code, _, errOut := cli(t, "", nil, "survey", "import", "--db", db, file); code != 0 {
		t.Fatalf("survey import: %d %s", code, errOut)
	}

	// segments: one row per message, the sms_prompt measured.
	code, out, errOut := cli(t, "", nil, "sms", "segments", "--db", db, "--survey", "libraries")
	if code != 0 || !strings.Contains(out, "question:why") || !strings.Contains(out, "GSM-7") {
		t.Errorf("sms segments: got %d %q %q, want a row for question:why in GSM-7", code, out, errOut)
	}

	// simulate: the whole conversation, and nothing stored in the real database.
	code, out, errOut = cli(t, "books\nyes\nthe quiet\n", nil, "sms", "simulate", "--db", db, "--survey", "libraries")
	if code != 0 || !strings.Contains(out, "Why? (short answer)") || !regexp.MustCompile(`reference is [0-9A-Z]{3}-[0-9A-Z]{3}`).MatchString(out) {
		t.Errorf("sms simulate: got %d %q %q, want the sms_prompt and a reference", code, out, errOut)
	}
	if _, csvOut, _ := cli(t, "", nil, "export", "--db", db, "--survey", "libraries"); strings.Count(csvOut, "\n") != 1 {
		t.Errorf("after simulate, export: got %q, want only the header row", csvOut)
	}

	// invite: queued once, however often the list is uploaded.
	list := filepath.Join(dir, "numbers.csv")
	os.WriteFile(list, []byte("phone,language\n07700 900001,en\n+447700900002,\n"), 0o600)
	code, out, errOut = cli(t, "", nil, "sms", "invite", "--db", db, "--survey", "libraries", list)
	if code != 0 || !strings.Contains(out, "queued 2 invitations") {
		t.Errorf("sms invite: got %d %q %q, want 2 queued", code, out, errOut)
	}
	if _, out, _ = cli(t, "", nil, "sms", "invite", "--db", db, "--survey", "libraries", list); !strings.Contains(out, "queued 0 invitations; 2 numbers were invited before") {
		t.Errorf("sms invite again: got %q, want none queued", out)
	}
	os.WriteFile(list, []byte("phone\n07700 900001\nnot a number\n"), 0o600)
	if code, _, errOut = cli(t, "", nil, "sms", "invite", "--db", db, "--survey", "libraries", list); code != 1 || !strings.Contains(errOut, "line 3") {
		t.Errorf("sms invite with a bad row: got %d %q, want 1 naming line 3", code, errOut)
	}
}

// serve with Twilio credentials sends queued invitations through the
// configured API (here a fake on loopback); without them, SMS answers 503.
func TestServeSMS(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	file := filepath.Join(dir, "libraries.yaml")
	os.WriteFile(file, []byte(smsSurveyYAML), 0o600)
	cli(t, "", nil, "survey", "import", "--db", db, file)

	base, stop := startServe(t, map[string]string{"VOICES_DB": db}, "serve", "--addr", "127.0.0.1:0")
	resp, err := http.Post(base+"/sms/twilio", "application/x-www-form-urlencoded", strings.NewReader("From=%2B447700900001&Body=books&MessageSid=SM1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/sms/twilio without Twilio: got %d, want 503", resp.StatusCode)
	}
	if _, logs := stop(); !strings.Contains(logs, "SMS is off") {
		t.Errorf("start-up log: got %s, want it to say SMS is off", logs)
	}

	fake := twiliotest.NewServer(t, "ACtest", "secret")
	env := map[string]string{"VOICES_DB": db, "TWILIO_ACCOUNT_SID": "ACtest", "TWILIO_AUTH_TOKEN": "secret",
		"VOICES_SMS_FROM": "+447700900999", "VOICES_TWILIO_API_URL": fake.URL, "VOICES_SMS_PER_SECOND": "100",
		"VOICES_PUBLIC_URL": "https://voices.example.gov.uk", "VOICES_COUNCIL_NAME": "Test Council"}
	_, stop = startServe(t, env, "serve", "--addr", "127.0.0.1:0")
	defer stop()
	os.WriteFile(filepath.Join(dir, "one.csv"), []byte("phone\n07700 900001\n"), 0o600)
	if code, _, errOut := cli(t, "", nil, "sms", "invite", "--db", db, "--survey", "libraries", "--council-name", "Test Council", filepath.Join(dir, "one.csv")); code != 0 {
		t.Fatalf("sms invite: %d %s", code, errOut)
	}
	sent := fake.Wait(1, 30*time.Second)
	if len(sent) == 0 {
		t.Fatal("the invitation was not sent within 30 s")
	}
	got := sent[0].Path + " " + sent[0].Form.Get("To") + " " + sent[0].Form.Get("Body")
	want := "/2010-04-01/Accounts/ACtest/Messages.json +447700900001 Test Council would like your views: Libraries. Reply BOOKS"
	if !strings.HasPrefix(got, want) {
		t.Errorf("sent: got %q, want it to start %q", got, want)
	}
	if _, logs := stop(); !strings.Contains(logs, "SMS ready") {
		t.Errorf("start-up log: got %s, want SMS ready", logs)
	}
}

func TestServeSMSNeedsSender(t *testing.T) {
	db := filepath.Join(t.TempDir(), "voices.db")
	code, _, errOut := cli(t, "", map[string]string{"TWILIO_ACCOUNT_SID": "ACtest", "TWILIO_AUTH_TOKEN": "secret"}, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--sms-from") {
		t.Errorf("serve with Twilio but no sender: got %d %q, want 2 naming --sms-from", code, errOut)
	}
}

// What the command line changes is in the audit log as "cli".
func TestCLIAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voices.db")
	file := filepath.Join(dir, "libraries.yaml")
	os.WriteFile(file, []byte(surveyYAML), 0o600)
	if code, _, errOut := cli(t, "", nil, "survey", "import", "--db", db, file); code != 0 {
		t.Fatalf("survey import: %d %s", code, errOut)
	}
	if code, _, errOut := cli(t, "", nil, "export", "--db", db, "--survey", "libraries"); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	events, err := store.AuditLog(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Actor+" "+e.Action+" "+e.Target)
	}
	want := []string{"cli export survey:libraries", "cli survey.create survey:libraries"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit log: got %v, want %v", got, want)
	}
}
