package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// The crash test: every response Voices acknowledged (201) survives the
// server being killed with SIGKILL at a random moment under load, and the
// database is sound afterwards. It builds the real binary, runs it against
// a database in a temporary folder, and kills it VOICES_CRASH_KILLS times
// (10 by default, the short form CI runs; set more for a longer run).
// A power cut cannot be simulated here: that rests on synchronous=FULL
// (see README, "Durability").
func TestCrashKeepsAcknowledgedResponses(t *testing.T) {
	kills := 10
	if v := os.Getenv("VOICES_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("VOICES_CRASH_KILLS=%q: want a number of kills", v)
		}
		kills = n
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "voices")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building voices: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "voices.db")
	def := filepath.Join(dir, "survey.yaml")
	if err := os.WriteFile(def, []byte(surveyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "survey", "import", "--db", db, def).CombinedOutput(); err != nil {
		t.Fatalf("survey import: %v\n%s", err, out)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	acked := map[string]bool{}
	total := 0
	for round := range kills {
		refs, err := loadUntilKilled(t, bin, db, time.Duration(100+rng.IntN(900))*time.Millisecond)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, r := range refs {
			if acked[r] {
				t.Errorf("round %d: reference %s acknowledged twice", round, r)
			}
			acked[r] = true
		}
		total += len(refs)
		if err := sqlite.CheckIntegrity(context.Background(), db); err != nil {
			t.Fatalf("after kill %d: %v", round+1, err)
		}
	}
	if total < kills {
		t.Fatalf("only %d responses were acknowledged over %d runs: the load did not reach the server", total, kills)
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s, err := store.Survey(context.Background(), "libraries")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	err = store.EachResponse(context.Background(), s.ID, surveys.ResponseFilter{}, func(r *surveys.Response) error {
		stored[r.Reference]++
		if len(r.Answers) != 2 {
			t.Errorf("response %s has %d answers, want 2: a response is stored whole or not at all", r.Reference, len(r.Answers))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for ref := range acked {
		if stored[ref] != 1 {
			lost++
			t.Errorf("acknowledged response %s stored %d times, want once", ref, stored[ref])
		}
	}
	t.Logf("%d kills: %d responses acknowledged, %d stored (the rest were in flight when killed), %d lost", kills, len(acked), len(stored), lost)
}

var listeningAddr = regexp.MustCompile(`"addr":"(http://127\.0\.0\.1:\d+)"`)

// loadUntilKilled starts voices serve, submits responses from 16 clients
// until after has passed, kills the server with SIGKILL mid-load, and
// returns the references it acknowledged.
func loadUntilKilled(t *testing.T, bin, db string, after time.Duration) ([]string, error) {
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--api-posts-per-minute", "0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer cmd.Wait()
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
		}
	}()
	base := make(chan string, 1)
	var logs bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if m := listeningAddr.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-base:
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("the server did not start listening: %s", logs.String())
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu   sync.Mutex
		refs []string
		wg   sync.WaitGroup
		stop = make(chan struct{})
	)
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"answers": {"use": "yes", "why": "client %d, answer %d"}}`, c, i)
				resp, err := client.Post(url+"/api/v1/surveys/libraries/responses", "application/json", strings.NewReader(body))
				if err != nil {
					continue // killed mid-request: not acknowledged
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					continue
				}
				var got struct{ Reference string }
				if json.Unmarshal(data, &got) == nil && got.Reference != "" {
					mu.Lock()
					refs = append(refs, got.Reference)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(after)
	killed = true
	err = cmd.Process.Kill() // SIGKILL: no shutdown, no flushing
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return refs, err
}
