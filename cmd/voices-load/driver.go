package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The driver: a fixed number of clients (closed loop), each doing one
// piece of work (a submission through some channel, or an export) at a
// time and starting the next as soon as it is done, until the time is up
// or the number of requests is reached. Each client keeps its own figures,
// merged at the end, so measuring does not make the clients wait on each
// other.

// flowFunc does one piece of work of a kind, recording what it does in w.
type flowFunc func(ctx context.Context, w *worker)

// drive runs the clients and returns their merged figures and the time
// from the first start to the last finish.
func drive(ctx context.Context, concurrency int, duration time.Duration, requests int, m mix, seed uint64,
	t *target, flows map[string]flowFunc) (*stats, time.Duration) {
	var (
		started  atomic.Int64
		wg       sync.WaitGroup
		all      = make([]*stats, concurrency)
		begin    = time.Now()
		deadline = begin.Add(duration)
	)
	for i := range concurrency {
		w := &worker{id: i, rng: rand.New(rand.NewPCG(seed, uint64(i))), st: newStats(), t: t}
		all[i] = w.st
		wg.Go(func() {
			for ctx.Err() == nil {
				if requests > 0 {
					if started.Add(1) > int64(requests) {
						return
					}
				} else if !time.Now().Before(deadline) {
					return
				}
				flows[m.pick(w.rng)](ctx, w)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	total := newStats()
	for _, s := range all {
		total.merge(s)
	}
	return total, elapsed
}

// worker is one client.
type worker struct {
	id  int
	rng *rand.Rand
	seq int
	st  *stats
	t   *target
}

// marker is a text unique to one submission of this run, put in its
// free-text answer so the check afterwards can tell which stored response
// came from which submission.
func (w *worker) marker(kind string) string {
	w.seq++
	return fmt.Sprintf("voices-load %s %s %d-%d", w.t.runID, kind, w.id, w.seq)
}

// stats are one client's figures, or everyone's once merged.
type stats struct {
	rows     map[string]*series
	errors   map[errorKey]int
	examples map[errorKey]string // the start of an answer with an unexpected status
	acks     []ack
	inDoubt  map[string]bool // markers of submissions that failed once sent: they may be stored
	repeats  int             // texts sent twice
	bytes    int64           // export bodies read
}

// series is the figures of one row of the report.
type series struct {
	latencies []time.Duration // one per request
	done      int             // pieces of work finished well
	failed    int             // pieces of work that failed
}

// errorKey is one kind of failure: which request, and what came back (a
// status code, "timeout", or what was wrong with the answer).
type errorKey struct {
	Kind, Step, Status string
}

// ack is a submission a client was told was stored.
type ack struct {
	Kind, Reference, Marker string
}

func newStats() *stats {
	return &stats{rows: map[string]*series{}, errors: map[errorKey]int{}, examples: map[errorKey]string{}, inDoubt: map[string]bool{}}
}

func (s *stats) row(name string) *series {
	r := s.rows[name]
	if r == nil {
		r = &series{}
		s.rows[name] = r
	}
	return r
}

func (s *stats) merge(o *stats) {
	for name, r := range o.rows {
		mine := s.row(name)
		mine.latencies = append(mine.latencies, r.latencies...)
		mine.done += r.done
		mine.failed += r.failed
	}
	for k, n := range o.errors {
		s.errors[k] += n
	}
	for k, e := range o.examples {
		if _, ok := s.examples[k]; !ok {
			s.examples[k] = e
		}
	}
	s.acks = append(s.acks, o.acks...)
	for m := range o.inDoubt {
		s.inDoubt[m] = true
	}
	s.repeats += o.repeats
	s.bytes += o.bytes
}

// reply is an HTTP answer as a client saw it.
type reply struct {
	status  int
	header  http.Header
	body    []byte // when kept
	size    int64
	lines   int64
	latency time.Duration
}

// errStatus is an answer with a status the step does not expect.
var errStatus = errors.New("unexpected status")

// do sends req, reads the whole answer (keeping the body when keep is
// set), and records the time it took under kind. A transport failure or a
// status other than want is recorded as an error of kind at step and
// returned.
func (w *worker) do(req *http.Request, kind, step string, want int, keep bool, jar cookieJar) (*reply, error) {
	jar.addTo(req)
	start := time.Now()
	client := w.t.client
	if kind == kindSMS && len(w.t.smsClients) > 0 {
		client = w.t.smsClients[w.id%len(w.t.smsClients)]
	}
	resp, err := client.Do(req)
	var r reply
	if err == nil {
		r.status, r.header = resp.StatusCode, resp.Header
		if keep {
			r.body, err = io.ReadAll(resp.Body)
			r.size = int64(len(r.body))
		} else {
			r.size, r.lines, err = countBody(resp.Body)
		}
		resp.Body.Close()
		jar.take(resp)
	}
	r.latency = time.Since(start)
	row := w.st.row(kind)
	row.latencies = append(row.latencies, r.latency)
	if err != nil {
		w.st.errors[errorKey{kind, step, errorClass(err)}]++
		return &r, err
	}
	if r.status != want {
		k := errorKey{kind, step, strconv.Itoa(r.status)}
		w.st.errors[k]++
		if _, ok := w.st.examples[k]; !ok {
			w.st.examples[k] = example(r.body)
		}
		return &r, fmt.Errorf("%w %d", errStatus, r.status)
	}
	return &r, nil
}

// countBody reads a body to its end, counting bytes and lines.
func countBody(r io.Reader) (size, lines int64, err error) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		size += int64(n)
		for _, b := range buf[:n] {
			if b == '\n' {
				lines++
			}
		}
		if err == io.EOF {
			return size, lines, nil
		}
		if err != nil {
			return size, lines, err
		}
	}
}

// example is the start of a body, on one line, for the report: what the
// server said when it refused.
func example(body []byte) string {
	if i := bytes.Index(body, []byte("<h1")); i >= 0 {
		body = body[i:] // an HTML page: its heading says what went wrong
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}

// problem records something wrong with an answer that had the expected
// status (no reference on the page, a text reply that makes no sense).
func (w *worker) problem(kind, step, what string) {
	w.st.errors[errorKey{kind, step, what}]++
}

// finished records a piece of work done; failed one that was not. A
// submission that failed after it was sent may have been stored
// (inDoubt): the check afterwards does not count it as lost, nor its
// response, if stored, as unexplained.
func (w *worker) finished(kind string) { w.st.row(kind).done++ }

func (w *worker) failed(kind, marker string, inDoubt bool) {
	w.st.row(kind).failed++
	if inDoubt && marker != "" {
		w.st.inDoubt[marker] = true
	}
}

func (w *worker) acknowledged(kind, reference, marker string) {
	w.st.acks = append(w.st.acks, ack{kind, reference, marker})
	w.finished(kind)
}

// errorClass names a transport failure without the URL in it.
func errorClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	for _, known := range []string{"connection refused", "connection reset by peer", "broken pipe", "EOF"} {
		if strings.Contains(msg, known) {
			return known
		}
	}
	if len(msg) > 60 {
		msg = msg[:60] + "..."
	}
	return msg
}

// cookieJar keeps a resident's cookies for one walk through the form: by
// name only, since one walk visits one survey, and whatever the Secure
// flag says (a server with an https public URL sets it, even when the
// load reaches it over http on loopback). A nil jar keeps nothing.
type cookieJar map[string]string

func (j cookieJar) addTo(req *http.Request) {
	for _, name := range slices.Sorted(maps.Keys(j)) {
		req.AddCookie(&http.Cookie{Name: name, Value: j[name]})
	}
}

func (j cookieJar) take(resp *http.Response) {
	if j == nil {
		return
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(j, c.Name)
		} else {
			j[c.Name] = c.Value
		}
	}
}

// newHTTPClient is the client every kind of work, and the Fiber ceiling,
// shares: keep-alive connections enough for every client, redirects not
// followed (the form's 303s are checked, not chased). source, when not
// nil, is the local address connections are made from.
func newHTTPClient(concurrency int, timeout time.Duration, source net.IP) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if source != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: source}
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: 2 * concurrency,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
