package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is everything a run measured and found; printed as text, and
// written as JSON with --json.
type Report struct {
	Target            string        `json:"target"`
	SelfStarted       bool          `json:"self_started"`
	Survey            string        `json:"survey"`
	Concurrency       int           `json:"concurrency"`
	Mix               string        `json:"mix"`
	Seconds           float64       `json:"seconds"`
	CPUs              int           `json:"cpus"`
	LoadAverageBefore string        `json:"load_average_before"`
	LoadAverageAfter  string        `json:"load_average_after"`
	Rows              []Row         `json:"rows"`
	Errors            []ErrorCount  `json:"errors"`
	SMSRepeats        int           `json:"sms_repeats"`
	SMSSources        int           `json:"sms_sources"` // addresses texts came from
	ExportBytes       int64         `json:"export_bytes"`
	Ceiling           *Ceiling      `json:"ceiling,omitempty"`
	Verification      *Verification `json:"verification"`
	Server            *ServerInfo   `json:"server,omitempty"`
}

// Row is one line of the table: a kind of work, the submitting request of
// a kind (web send, sms final), or all of them.
type Row struct {
	Name              string  `json:"name"`
	Done              int     `json:"done"`   // submissions acknowledged, or exports finished
	Failed            int     `json:"failed"` // pieces of work that failed
	PerSecond         float64 `json:"per_second"`
	Requests          int     `json:"requests"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	P50Ms             float64 `json:"p50_ms"` // of each HTTP request (each insert, for the SQLite ceiling)
	P95Ms             float64 `json:"p95_ms"`
	P99Ms             float64 `json:"p99_ms"`
	MaxMs             float64 `json:"max_ms"`
	Errors            int     `json:"errors"`
}

// ErrorCount is how often one request failed one way.
type ErrorCount struct {
	Kind    string `json:"kind"`
	Step    string `json:"step"`
	Status  string `json:"status"`
	Count   int    `json:"count"`
	Example string `json:"example,omitempty"` // the start of one such answer
}

// Ceiling is the machine's, measured in the same run at the same
// concurrency, and Voices' API submissions as a ratio to it.
type Ceiling struct {
	Seconds          float64    `json:"seconds"` // each was measured for, before the load and after it
	SQLite           Row        `json:"sqlite"`  // both measurements together
	Fiber            Row        `json:"fiber"`
	SQLiteRuns       [2]float64 `json:"sqlite_per_second_before_after"`
	FiberRuns        [2]float64 `json:"fiber_per_second_before_after"`
	API              Row        `json:"voices_api"`
	RatioToSQLite    float64    `json:"ratio_to_sqlite"` // Voices API submissions/s ÷ bare inserts/s
	RatioToFiber     float64    `json:"ratio_to_fiber"`  // ÷ bare Fiber requests/s
	P99RatioToSQLite float64    `json:"p99_ratio_to_sqlite"`
	P99RatioToFiber  float64    `json:"p99_ratio_to_fiber"`
	MixedLoad        bool       `json:"mixed_load"` // the API shared the server with other kinds
}

// ServerInfo is what was seen of a server this command started.
type ServerInfo struct {
	CPUSeconds       float64          `json:"cpu_seconds"`        // during the load
	ClientCPUSeconds float64          `json:"client_cpu_seconds"` // this command's, during the load
	LogLevels        map[string]int   `json:"log_levels"`
	LogMessages      []countedMessage `json:"log_messages"` // warnings and errors
	TwilioAccepted   int64            `json:"twilio_accepted"`
	TwilioRefused    int64            `json:"twilio_refused"`
	StopError        string           `json:"stop_error,omitempty"`
}

// makeRow sums a series over elapsed.
func makeRow(name string, s *series, elapsed time.Duration, errors int) Row {
	if s == nil {
		s = &series{}
	}
	r := Row{Name: name, Done: s.done, Failed: s.failed, Requests: len(s.latencies), Errors: errors}
	if sec := elapsed.Seconds(); sec > 0 {
		r.PerSecond, r.RequestsPerSecond = float64(s.done)/sec, float64(len(s.latencies))/sec
	}
	lat := slices.Clone(s.latencies)
	slices.Sort(lat)
	r.P50Ms, r.P95Ms, r.P99Ms = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	if len(lat) > 0 {
		r.MaxMs = ms(lat[len(lat)-1])
	}
	return r
}

// percentile of sorted latencies, in milliseconds (nearest rank).
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return ms(sorted[max(0, min(i, len(sorted)-1))])
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rows are the table of a load: each kind in the mix (with its submitting
// request after it), then all together.
func rows(st *stats, m mix, elapsed time.Duration) []Row {
	errs := map[string]int{}
	for k, n := range st.errors {
		errs[k.Kind] += n
	}
	var out []Row
	all := &series{}
	allErrors := 0
	for _, p := range m {
		s := st.rows[p.kind]
		out = append(out, makeRow(p.kind, s, elapsed, errs[p.kind]))
		if s != nil {
			all.latencies = append(all.latencies, s.latencies...)
			all.done += s.done
			all.failed += s.failed
		}
		allErrors += errs[p.kind]
		sub := map[string]string{kindWeb: rowWebSend, kindSMS: rowSMSFinal}[p.kind]
		if s := st.rows[sub]; s != nil {
			out = append(out, makeRow("  "+sub, s, elapsed, s.failed))
		}
	}
	return append(out, makeRow("all", all, elapsed, allErrors))
}

func errorCounts(st *stats) []ErrorCount {
	out := []ErrorCount{}
	for k, n := range st.errors {
		out = append(out, ErrorCount{k.Kind, k.Step, k.Status, n, st.examples[k]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return fmt.Sprint(out[i]) < fmt.Sprint(out[j])
	})
	return out
}

// loadAverage is the first three fields of /proc/loadavg, as uptime
// shows them ("" where there is none).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func printRows(out io.Writer, rows []Row, unit string) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "kind\t%s\t%s/s\trequests\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\t\n", unit, unit)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.1f\t%d\t\n",
			r.Name, r.Done, r.PerSecond, r.Requests, r.RequestsPerSecond, r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs, r.Errors)
	}
	tw.Flush()
}

// print writes the report as people read it.
func (r *Report) print(out io.Writer) {
	how := "a running server"
	if r.SelfStarted {
		how = "a server voices-load started (fresh database, rate limits off, Twilio faked)"
	}
	fmt.Fprintf(out, "\nvoices-load: %d clients, %.1f s, mix %s, survey %s\n", r.Concurrency, r.Seconds, r.Mix, r.Survey)
	fmt.Fprintf(out, "target: %s, %s\n", r.Target, how)
	fmt.Fprintf(out, "machine: %d CPUs, load average %s before, %s after (1, 5, 15 min)\n\n", r.CPUs, r.LoadAverageBefore, r.LoadAverageAfter)
	printRows(out, r.Rows, "done")
	fmt.Fprintln(out, "\n(done: submissions acknowledged with a reference, or exports read to the end; latency is per HTTP request;")
	fmt.Fprintln(out, " web send is the POST that submits the form, sms final the text that completes a conversation)")
	if r.SMSRepeats > 0 {
		fmt.Fprintf(out, "texts sent twice with the same MessageSid: %d; texts came from %d address(es)\n", r.SMSRepeats, r.SMSSources)
	}
	if r.ExportBytes > 0 {
		fmt.Fprintf(out, "exports read: %.1f MB\n", float64(r.ExportBytes)/1e6)
	}
	fmt.Fprintln(out, "\nerrors:")
	if len(r.Errors) == 0 {
		fmt.Fprintln(out, "  none")
	}
	for _, e := range r.Errors {
		fmt.Fprintf(out, "  %-7s %-42s %-30s %d\n", e.Kind, e.Step, e.Status, e.Count)
		if e.Example != "" {
			fmt.Fprintf(out, "          e.g. %s\n", e.Example)
		}
		if e.Kind == kindSMS && e.Status == "429" && r.SMSSources <= 1 {
			fmt.Fprintln(out, "          (all texts came from one address; Twilio sends from many: see --sms-sources)")
		}
	}
	if c := r.Ceiling; c != nil {
		fmt.Fprintf(out, "\nceiling of this machine, same run, %d clients, %.1f s before the load and %.1f s after it:\n", r.Concurrency, c.Seconds, c.Seconds)
		printRows(out, []Row{c.SQLite, c.Fiber, c.API}, "done")
		fmt.Fprintf(out, "(a) %s: bare SQLite, one transaction per insert, WAL, synchronous=FULL, one write connection, _txlock=immediate;\n    %.0f/s before, %.0f/s after\n",
			kindSQLite, c.SQLiteRuns[0], c.SQLiteRuns[1])
		fmt.Fprintf(out, "(b) %s: bare Fiber handler on 127.0.0.1 answering 201 with small JSON, same client code; %.0f/s before, %.0f/s after\n",
			kindFiber, c.FiberRuns[0], c.FiberRuns[1])
		fmt.Fprintf(out, "Voices API submissions: %.1f/s at p99 %.2f ms = %.2f× (a) and %.3f× (b) in throughput; p99 %.1f× (a) and %.1f× (b)\n",
			c.API.PerSecond, c.API.P99Ms, c.RatioToSQLite, c.RatioToFiber, c.P99RatioToSQLite, c.P99RatioToFiber)
		if c.MixedLoad {
			fmt.Fprintln(out, "(the API shared the server with the other kinds in the mix; run --mix api=1 for the API alone)")
		}
	}
	if s := r.Server; s != nil {
		fmt.Fprintf(out, "\nserver: %.1f s of CPU during the load", s.CPUSeconds)
		if r.Seconds > 0 {
			fmt.Fprintf(out, " (%.0f%% of one core)", 100*s.CPUSeconds/r.Seconds)
		}
		fmt.Fprintf(out, "; voices-load itself %.1f s", s.ClientCPUSeconds)
		fmt.Fprintf(out, "; log lines by level %v; texts sent to the fake Twilio %d (refused %d)\n", s.LogLevels, s.TwilioAccepted, s.TwilioRefused)
		for i, m := range s.LogMessages {
			if i == 10 {
				fmt.Fprintf(out, "  ... and %d more kinds\n", len(s.LogMessages)-10)
				break
			}
			fmt.Fprintf(out, "  %6d × %s\n", m.Count, m.Message)
		}
		if s.StopError != "" {
			fmt.Fprintf(out, "  stopping: %s\n", s.StopError)
		}
	}
	if v := r.Verification; v != nil {
		fmt.Fprintln(out, "\nverification (the database read after the run, read-only):")
		var by []string
		for _, k := range kinds {
			if n := v.ByKind[k]; n > 0 {
				by = append(by, fmt.Sprintf("%s %d", k, n))
			}
		}
		fmt.Fprintf(out, "  acknowledged %d (%s); responses stored before %d, by this run %d", v.Acknowledged, strings.Join(by, ", "), v.StoredBefore, v.StoredByRun)
		if v.Other > 0 {
			fmt.Fprintf(out, ", by others meanwhile %d", v.Other)
		}
		fmt.Fprintln(out)
		checked := "by reference and by each submission's own answer"
		if !v.MarkerChecked {
			checked = "by reference only (the survey has no free-text question to mark submissions with)"
		}
		fmt.Fprintf(out, "  each acknowledged submission stored exactly once, checked %s\n", checked)
		fmt.Fprintf(out, "  lost %d, duplicated %d, wrong contents %d, unexplained %d\n", len(v.Lost), len(v.Duplicated), len(v.WrongContents), len(v.Unexplained))
		fmt.Fprintf(out, "  in doubt (sent, then no answer, a 5xx, or Twilio's retry refused): %d, of which stored %d\n", v.InDoubt, v.StoredNotAcked)
		if v.Integrity != "" {
			fmt.Fprintf(out, "  PRAGMA integrity_check: %s\n", v.Integrity)
		}
		for _, p := range v.Problems {
			fmt.Fprintf(out, "  PROBLEM: %s\n", p)
		}
		if v.OK {
			fmt.Fprintln(out, "  PASS")
		} else {
			fmt.Fprintln(out, "  FAIL")
		}
	}
}
