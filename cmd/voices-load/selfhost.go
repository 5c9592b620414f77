package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Starting everything: `voices` built (or given), a survey imported into
// a fresh database, an officer with a token, a fake of Twilio's Messages
// API, and `voices serve` on 127.0.0.1:0 with Twilio pointed at the fake
// and the rate limits off, all through the same commands an operator
// uses.

// loadSurvey is the survey imported by default.
//
//go:embed survey.yaml
var loadSurvey []byte

const (
	loadSlug     = "voices-load"
	demoSlug     = "care-strategy-2027"
	voicesPkg    = "github.com/voices-uk/voices/cmd/voices"
	selfEmail    = "load-officer@voices-load.invalid"
	selfFrom     = "+447700900999"
	selfPublic   = "http://voices-load.localhost" // what webhooks are signed for; the server is reached on 127.0.0.1
	selfPassword = "voices-load officer password"
)

// selfServer is a `voices serve` this command started.
type selfServer struct {
	dir, bin, db, url, token, slug string
	authToken, accountSID          string
	cmd                            *exec.Cmd
	done                           chan error
	log                            *serverLog
	twilio                         *fakeTwilio
	stopped                        bool
}

func startSelf(ctx context.Context, cfg *config, errOut io.Writer) (s *selfServer, err error) {
	dir, err := os.MkdirTemp(cfg.dir, "voices-load-*")
	if err != nil {
		return nil, err
	}
	s = &selfServer{dir: dir, db: filepath.Join(dir, "voices.db"), bin: cfg.voicesBin}
	defer func() {
		if err != nil {
			s.close(cfg.keep, errOut)
		}
	}()
	if s.bin == "" {
		s.bin = filepath.Join(dir, "voices")
		fmt.Fprintf(errOut, "voices-load: building %s\n", voicesPkg)
		build := exec.CommandContext(ctx, "go", "build", "-o", s.bin, voicesPkg)
		if out, err := build.CombinedOutput(); err != nil {
			return s, fmt.Errorf("building voices (run from inside the voices module, or give --voices-bin): %v\n%s", err, out)
		}
	}
	def := loadSurvey
	switch {
	case cfg.surveyFile != "":
		if def, err = os.ReadFile(cfg.surveyFile); err != nil {
			return s, err
		}
	case cfg.survey == demoSlug:
		def = openDemo(surveys.DemoDefinition)
	}
	defPath := filepath.Join(dir, "survey.yaml")
	if err := os.WriteFile(defPath, def, 0o600); err != nil {
		return s, err
	}
	out, err := s.voices(ctx, "", "survey", "import", "--db", s.db, defPath)
	if err != nil {
		return s, err
	}
	s.slug = strings.TrimSpace(out)
	if _, err := s.voices(ctx, selfPassword+"\n", "user", "add", "--db", s.db, "--email", selfEmail, "--name", "Load test officer", "--role", "officer"); err != nil {
		return s, err
	}
	if out, err = s.voices(ctx, "", "token", "create", "--db", s.db, "--email", selfEmail); err != nil {
		return s, err
	}
	s.token = strings.TrimSpace(out)

	s.authToken, s.accountSID = randomHex(16), "AC"+randomHex(16)
	if s.twilio, err = startFakeTwilio(s.accountSID, s.authToken); err != nil {
		return s, err
	}
	s.log = &serverLog{levels: map[string]int{}, messages: map[string]int{}}
	if s.log.file, err = os.Create(filepath.Join(dir, "serve.log")); err != nil {
		return s, err
	}
	s.cmd = exec.Command(s.bin, "serve", "--addr", "127.0.0.1:0", "--db", s.db, "--public-url", selfPublic,
		"--api-posts-per-minute", "0", "--form-posts-per-minute", "100000000",
		"--twilio-account-sid", s.accountSID, "--twilio-auth-token", s.authToken, "--sms-from", selfFrom,
		"--twilio-api-url", s.twilio.url)
	s.cmd.Env = cleanEnv()
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return s, err
	}
	if err := s.cmd.Start(); err != nil {
		return s, err
	}
	s.done = make(chan error, 1)
	addr := make(chan string, 1)
	go func() {
		s.log.read(stderr, addr)
		s.done <- s.cmd.Wait()
	}()
	select {
	case a := <-addr:
		s.url = a
	case err := <-s.done:
		s.stopped = true
		return s, fmt.Errorf("voices serve stopped before listening (%v); its log is %s", err, s.log.file.Name())
	case <-time.After(60 * time.Second):
		return s, fmt.Errorf("voices serve did not start listening within a minute; its log is %s", s.log.file.Name())
	}
	// Ready when the database answers.
	probe := &http.Client{Timeout: 2 * time.Second}
	defer probe.CloseIdleConnections()
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		resp, err := probe.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			return s, fmt.Errorf("voices serve at %s is not ready after 30 s", s.url)
		}
	}
	return s, nil
}

// voices runs a command of the binary with input on its standard input,
// and returns its standard output.
func (s *selfServer) voices(ctx context.Context, input string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(input)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("voices %s: %v: %s", strings.Join(args[:2], " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// cleanEnv is this environment without VOICES_* and TWILIO_*, so that
// the server runs with exactly the flags given here.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VOICES_") && !strings.HasPrefix(kv, "TWILIO_") {
			env = append(env, kv)
		}
	}
	return env
}

// openDemo is the demo definition without its closing date, so that it
// stays open whatever the date.
func openDemo(def []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(def, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("closes_at:")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// stop asks the server to finish (SIGTERM: requests in flight are
// finished) and waits for it; it is killed after 45 s.
func (s *selfServer) stop() error {
	if s.cmd == nil || s.cmd.Process == nil || s.stopped {
		return nil
	}
	s.stopped = true
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(45 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("voices serve did not stop within 45 s of SIGTERM, and was killed")
	}
}

// close stops everything still running and removes the folder unless it
// is to be kept.
func (s *selfServer) close(keep bool, errOut io.Writer) {
	if s.cmd != nil && s.cmd.Process != nil && !s.stopped {
		s.stopped = true
		s.cmd.Process.Kill()
		<-s.done
	}
	if s.twilio != nil {
		s.twilio.close()
	}
	if s.log != nil && s.log.file != nil {
		s.log.file.Close()
	}
	if keep {
		fmt.Fprintf(errOut, "voices-load: kept %s (database voices.db, server log serve.log)\n", s.dir)
		return
	}
	os.RemoveAll(s.dir)
}

// cpuSeconds is the user and system CPU time the server has used so far
// (Linux: /proc; 0 elsewhere).
func (s *selfServer) cpuSeconds() float64 {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return processCPU(s.cmd.Process.Pid)
}

// processCPU reads utime and stime of a process from /proc, in seconds
// (the kernel counts in ticks of 1/100 s on every Linux we run on).
func processCPU(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100
}

// serverLog keeps the server's log (JSON lines on standard error) in a
// file, and counts its warnings and errors by message.
type serverLog struct {
	file     *os.File
	mu       sync.Mutex
	levels   map[string]int
	messages map[string]int // "ERROR: message"
}

var listening = regexp.MustCompile(`"addr":"(http://127\.0\.0\.1:\d+)"`)

func (l *serverLog) read(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Bytes()
		l.file.Write(append(line, '\n'))
		if !sent {
			if m := listening.FindSubmatch(line); m != nil {
				addr <- string(m[1])
				sent = true
			}
		}
		var entry struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
			Error string `json:"error"`
		}
		if json.Unmarshal(line, &entry) != nil {
			continue
		}
		l.mu.Lock()
		l.levels[entry.Level]++
		if entry.Level == "ERROR" || entry.Level == "WARN" {
			msg := entry.Level + ": " + entry.Msg
			if entry.Error != "" {
				msg += ": " + entry.Error
			}
			l.messages[msg]++
		}
		l.mu.Unlock()
	}
}

// counts returns how many lines there were of each level, and the
// warnings and errors by message, most frequent first.
func (l *serverLog) counts() (map[string]int, []countedMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	levels := map[string]int{}
	for k, v := range l.levels {
		levels[k] = v
	}
	var msgs []countedMessage
	for m, n := range l.messages {
		msgs = append(msgs, countedMessage{m, n})
	}
	sort.Slice(msgs, func(i, j int) bool {
		if msgs[i].Count != msgs[j].Count {
			return msgs[i].Count > msgs[j].Count
		}
		return msgs[i].Message < msgs[j].Message
	})
	return levels, msgs
}

type countedMessage struct {
	Message string `json:"message"`
	Count   int    `json:"count"`
}

// fakeTwilio is Twilio's Messages API on 127.0.0.1: it accepts every
// message with Basic auth of the account (201 and a new sid), so that
// whatever the server sends while loaded (invitations, updates) goes
// nowhere.
type fakeTwilio struct {
	url      string
	srv      *http.Server
	accepted atomic.Int64
	refused  atomic.Int64
}

func startFakeTwilio(accountSID, authToken string) (*fakeTwilio, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeTwilio{url: "http://" + ln.Addr().String()}
	path := "/2010-04-01/Accounts/" + accountSID + "/Messages.json"
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if !ok || user != accountSID || pass != authToken || r.Method != http.MethodPost || r.URL.Path != path {
			f.refused.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":20003,"message":"Authenticate","status":401}`)
			return
		}
		n := f.accepted.Add(1)
		sid := fmt.Sprintf("SM%032x", n)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"sid": sid, "status": "queued", "account_sid": accountSID,
			"to": r.PostForm.Get("To"), "from": r.PostForm.Get("From"), "body": r.PostForm.Get("Body"),
			"num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"})
	})}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeTwilio) close() { f.srv.Close() }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
