package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// run does one whole run: set-up, the ceiling, the load, the check, the
// report. It returns errVerification when the check fails.
func run(ctx context.Context, args []string, out, errOut io.Writer) (*Report, error) {
	cfg, err := parseConfig(args, errOut)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.seed, 0))
	rep := &Report{Concurrency: cfg.concurrency, Mix: cfg.mix.String(), CPUs: runtime.NumCPU(), SelfStarted: cfg.self()}

	var srv *selfServer
	scratch := cfg.dir // for the SQLite ceiling's database
	if cfg.self() {
		if srv, err = startSelf(ctx, cfg, errOut); err != nil {
			return nil, err
		}
		defer srv.close(cfg.keep, errOut)
		cfg.url, cfg.db, cfg.token, cfg.survey = srv.url, srv.db, srv.token, srv.slug
		cfg.twilioToken, cfg.publicURL = srv.authToken, selfPublic
		scratch = srv.dir
		fmt.Fprintf(errOut, "voices-load: voices serve is listening on %s (database %s)\n", srv.url, srv.db)
	} else if scratch == "" {
		// Beside the server's database, so both ceilings' disk is its disk.
		scratch = filepath.Dir(cfg.db)
	}
	rep.Target, rep.Survey = cfg.url, cfg.survey

	client := newHTTPClient(cfg.concurrency, cfg.timeout, nil)
	defer client.CloseIdleConnections()
	smsClients, err := sourceClients(cfg)
	if err != nil {
		return nil, err
	}
	for _, c := range smsClients {
		defer c.CloseIdleConnections()
	}
	sv, err := fetchSurvey(ctx, client, cfg)
	if err != nil {
		return nil, err
	}
	gen, err := newAnswerGen(sv)
	if err != nil {
		return nil, err
	}
	if cfg.mix.weight(kindSMS) > 0 && sv.SMS == nil {
		return nil, fmt.Errorf("survey %s has no SMS keyword: leave sms out of --mix", sv.Slug)
	}
	t := &target{base: cfg.url, client: client, smsClients: smsClients, survey: sv, gen: gen, token: cfg.token,
		runID: fmt.Sprintf("%08x", rng.Uint32()), twilioToken: cfg.twilioToken, publicURL: cfg.publicURL,
		smsTo: cfg.smsTo, smsRepeat: cfg.smsRepeat, phoneBase: rng.Uint64N(1_000_000_000)}
	before, err := readStored(ctx, cfg.db, sv.Slug, gen.markerKey)
	if err != nil {
		return nil, fmt.Errorf("reading the database before the run: %w", err)
	}

	rep.LoadAverageBefore = loadAverage()
	// The ceiling is measured before the load and again after it: the
	// machine is shared, and the two say how much it changed meanwhile.
	var ceiling [2]*ceilingRun
	if cfg.ceilingDuration > 0 {
		fmt.Fprintf(errOut, "voices-load: measuring the ceiling: bare SQLite inserts, then a bare Fiber handler, %s each\n", cfg.ceilingDuration)
		if ceiling[0], err = measureCeiling(ctx, cfg, t, scratch, rng.Uint64()); err != nil {
			return nil, err
		}
	}

	if cfg.requests > 0 {
		fmt.Fprintf(errOut, "voices-load: %d clients, %d submissions and exports, mix %s\n", cfg.concurrency, cfg.requests, cfg.mix)
	} else {
		fmt.Fprintf(errOut, "voices-load: %d clients for %s, mix %s\n", cfg.concurrency, cfg.duration, cfg.mix)
	}
	cpuBefore, clientBefore := 0.0, processCPU(os.Getpid())
	if srv != nil {
		cpuBefore = srv.cpuSeconds()
	}
	st, elapsed := drive(ctx, cfg.concurrency, cfg.duration, cfg.requests, cfg.mix, rng.Uint64(), t,
		map[string]flowFunc{kindWeb: webFlow, kindAPI: apiFlow, kindSMS: smsFlow, kindExport: exportFlow})
	rep.LoadAverageAfter = loadAverage()
	rep.Seconds = elapsed.Seconds()
	rep.Rows = rows(st, cfg.mix, elapsed)
	rep.Errors = errorCounts(st)
	rep.SMSRepeats, rep.SMSSources, rep.ExportBytes = st.repeats, cfg.smsSources, st.bytes
	if srv != nil {
		info := &ServerInfo{CPUSeconds: srv.cpuSeconds() - cpuBefore, ClientCPUSeconds: processCPU(os.Getpid()) - clientBefore}
		client.CloseIdleConnections()
		for _, c := range smsClients {
			c.CloseIdleConnections()
		}
		if err := srv.stop(); err != nil {
			info.StopError = err.Error()
		}
		info.LogLevels, info.LogMessages = srv.log.counts()
		info.TwilioAccepted, info.TwilioRefused = srv.twilio.accepted.Load(), srv.twilio.refused.Load()
		rep.Server = info
	}
	if cfg.ceilingDuration > 0 {
		fmt.Fprintf(errOut, "voices-load: measuring the ceiling again\n")
		if ceiling[1], err = measureCeiling(ctx, cfg, t, scratch, rng.Uint64()); err != nil {
			return nil, err
		}
		rep.Ceiling = ceilingReport(ceiling, cfg.ceilingDuration)
	}
	if c := rep.Ceiling; c != nil {
		c.API = makeRow("voices api", st.rows[kindAPI], elapsed, 0)
		for _, e := range rep.Errors {
			if e.Kind == kindAPI {
				c.API.Errors += e.Count
			}
		}
		c.MixedLoad = len(cfg.mix) > 1 || cfg.mix[0].kind != kindAPI
		c.RatioToSQLite, c.RatioToFiber = ratio(c.API.PerSecond, c.SQLite.PerSecond), ratio(c.API.PerSecond, c.Fiber.PerSecond)
		c.P99RatioToSQLite, c.P99RatioToFiber = ratio(c.API.P99Ms, c.SQLite.P99Ms), ratio(c.API.P99Ms, c.Fiber.P99Ms)
	}

	after, err := readStored(ctx, cfg.db, sv.Slug, gen.markerKey)
	if err != nil {
		return nil, fmt.Errorf("reading the database after the run: %w", err)
	}
	rep.Verification = verify(st.acks, st.inDoubt, before, after, t.runID, gen.markerKey != "")
	if srv != nil {
		// The server has stopped: the whole file can be checked.
		rep.Verification.Integrity = "ok"
		if err := sqlite.CheckIntegrity(ctx, cfg.db); err != nil {
			rep.Verification.Integrity = err.Error()
			rep.Verification.Problems = append(rep.Verification.Problems, "the database fails PRAGMA integrity_check: "+err.Error())
			rep.Verification.OK = false
		}
	}
	rep.print(out)
	if cfg.jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return rep, err
		}
		if err := os.WriteFile(cfg.jsonOut, append(data, '\n'), 0o644); err != nil {
			return rep, err
		}
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if !rep.Verification.OK {
		return rep, errVerification
	}
	return rep, nil
}

// sourceClients are the clients texts are sent with when they come from
// several addresses (--sms-sources): each connects from its own loopback
// address, which a server on 127.0.0.1 sees as another sender.
func sourceClients(cfg *config) ([]*http.Client, error) {
	if cfg.smsSources <= 1 {
		return nil, nil
	}
	u, err := url.Parse(cfg.url)
	if ip := net.ParseIP(u.Hostname()); err != nil || ip == nil || !ip.IsLoopback() || ip.To4() == nil {
		return nil, fmt.Errorf("%w: --sms-sources needs a server on a 127.x address", errUsage)
	}
	var out []*http.Client
	for i := range cfg.smsSources {
		out = append(out, newHTTPClient(cfg.concurrency, cfg.timeout, net.IPv4(127, 0, 1, byte(i+1))))
	}
	return out, nil
}

// ceilingRun is one measurement of both ceilings.
type ceilingRun struct {
	sqlite, fiber               *stats
	sqliteElapsed, fiberElapsed time.Duration
}

// measureCeiling measures the bare SQLite loop in a folder of its own in
// dir, then the bare Fiber handler.
func measureCeiling(ctx context.Context, cfg *config, t *target, dir string, seed uint64) (*ceilingRun, error) {
	tmp, err := os.MkdirTemp(dir, ".voices-load-ceiling-*")
	if err != nil {
		return nil, fmt.Errorf("a folder for the SQLite ceiling beside the database (or give --dir): %w", err)
	}
	defer os.RemoveAll(tmp)
	var c ceilingRun
	if c.sqlite, c.sqliteElapsed, err = sqliteCeiling(ctx, tmp, cfg.concurrency, cfg.ceilingDuration, sampleBody(t), seed); err != nil {
		return nil, err
	}
	if c.fiber, c.fiberElapsed, err = fiberCeiling(ctx, t, cfg.concurrency, cfg.ceilingDuration, cfg.timeout, seed+1); err != nil {
		return nil, err
	}
	return &c, nil
}

// ceilingReport puts the two measurements together: rates over both,
// percentiles over every sample of both, and each one's rate.
func ceilingReport(runs [2]*ceilingRun, each time.Duration) *Ceiling {
	sq, fb := newStats(), newStats()
	var sqElapsed, fbElapsed time.Duration
	c := &Ceiling{Seconds: each.Seconds()}
	for i, r := range runs {
		sq.merge(r.sqlite)
		fb.merge(r.fiber)
		sqElapsed += r.sqliteElapsed
		fbElapsed += r.fiberElapsed
		c.SQLiteRuns[i] = makeRow(kindSQLite, r.sqlite.rows[kindSQLite], r.sqliteElapsed, 0).PerSecond
		c.FiberRuns[i] = makeRow(kindFiber, r.fiber.rows[kindFiber], r.fiberElapsed, 0).PerSecond
	}
	count := func(s *stats) int {
		n := 0
		for _, v := range s.errors {
			n += v
		}
		return n
	}
	c.SQLite = makeRow(kindSQLite, sq.rows[kindSQLite], sqElapsed, count(sq))
	c.Fiber = makeRow(kindFiber, fb.rows[kindFiber], fbElapsed, count(fb))
	return c
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// fetchSurvey reads the survey's definition from the API, which the
// answers are made from; it must be open.
func fetchSurvey(ctx context.Context, client *http.Client, cfg *config) (*surveys.Survey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.url+"/api/v1/surveys/"+cfg.survey, nil)
	if err != nil {
		return nil, err
	}
	if cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reaching the server: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/surveys/%s: %d %s", cfg.survey, resp.StatusCode, body)
	}
	var got struct {
		surveys.Survey
		Open bool `json:"open"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return nil, fmt.Errorf("reading survey %s: %w", cfg.survey, err)
	}
	if !got.Open {
		return nil, fmt.Errorf("survey %s is not open: it takes no responses", cfg.survey)
	}
	return &got.Survey, nil
}
