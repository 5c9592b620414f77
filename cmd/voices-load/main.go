// Command voices-load drives a running Voices server over real HTTP with a
// mix of residents answering by web form, by the API and by text message,
// and officers exporting, at a set concurrency. It prints throughput,
// latency percentiles and errors for each kind of request and overall,
// measures the machine's ceiling in the same run (a bare SQLite insert loop
// and a bare Fiber handler at the same concurrency), and then checks in the
// database that every submission acknowledged to a client is stored exactly
// once.
//
// Without --url it starts everything itself: it builds `voices`, imports a
// survey into a fresh database in a temporary folder, adds an officer and a
// token, starts a fake of Twilio's Messages API and `voices serve` on
// 127.0.0.1:0 with rate limits off, runs the load, stops the server and
// checks the database. See README, "Load testing".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const usage = `voices-load: load a Voices server over HTTP and check nothing acknowledged is lost.

Usage:
  voices-load [flags]                      start a server of its own (fresh database), load it, check it
  voices-load --url URL --db PATH --survey SLUG [--token T] [--twilio-auth-token T] [flags]
                                           load a running server, then check its database (read-only)

Flags:
`

// errUsage marks mistakes in how the command was called (exit status 2).
var errUsage = errors.New("usage")

// errVerification is returned when the database check fails (exit status 1).
var errVerification = errors.New("verification failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintf(os.Stderr, "voices-load: %v\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "voices-load: %v\n", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	url, db, survey, surveyFile string
	token, twilioToken          string
	publicURL, smsTo            string
	duration                    time.Duration
	requests                    int
	concurrency                 int
	mix                         mix
	timeout                     time.Duration
	smsRepeat                   float64
	smsSources                  int
	ceilingDuration             time.Duration
	voicesBin, dir              string
	keep                        bool
	jsonOut                     string
	seed                        uint64
}

func (c *config) self() bool { return c.url == "" }

func parseConfig(args []string, errOut io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("voices-load", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprint(errOut, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.url, "url", "", "base URL of a running Voices server, e.g. http://127.0.0.1:8080 (empty: start one)")
	fs.StringVar(&c.db, "db", "", "the server's SQLite file, read (read-only) after the run to check what was stored; required with --url")
	fs.StringVar(&c.survey, "survey", "", "slug of an open survey to answer (without --url: "+loadSlug+", or "+demoSlug+" for the demo)")
	fs.StringVar(&c.surveyFile, "survey-file", "", "without --url: a survey definition (YAML or JSON) to import instead")
	fs.StringVar(&c.token, "token", "", "an officer's API token, for exports (without --url one is created)")
	fs.StringVar(&c.twilioToken, "twilio-auth-token", os.Getenv("TWILIO_AUTH_TOKEN"), "the server's Twilio auth token, to sign text-message webhooks (default $TWILIO_AUTH_TOKEN)")
	fs.StringVar(&c.publicURL, "public-url", "", "the server's --public-url, which webhooks are signed for (default --url)")
	fs.StringVar(&c.smsTo, "sms-to", "+447700900999", "the council's number, the To of incoming texts")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long to start new submissions for")
	fs.IntVar(&c.requests, "requests", 0, "stop after this many submissions and exports instead of after --duration")
	fs.IntVar(&c.concurrency, "concurrency", 50, "clients, each doing one submission or export at a time")
	mixFlag := fs.String("mix", "web=2,api=5,sms=2,export=1", "relative weights of the kinds: web (the HTML form), api (JSON), sms (a text conversation), export (CSV)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "time limit of each HTTP request")
	fs.Float64Var(&c.smsRepeat, "sms-repeat", 0.05, "share of texts sent twice with the same MessageSid, as Twilio does when it retries")
	fs.IntVar(&c.smsSources, "sms-sources", 1, "send texts from this many loopback addresses (127.0.1.1 up), as Twilio sends from many; only with a server on 127.0.0.1")
	fs.DurationVar(&c.ceilingDuration, "ceiling-duration", 10*time.Second, "how long to measure each ceiling (bare SQLite, bare Fiber) for, before the load and again after it; 0 skips them")
	fs.StringVar(&c.voicesBin, "voices-bin", "", "without --url: the voices binary to run (default: go build ./cmd/voices)")
	fs.StringVar(&c.dir, "dir", "", "where to make the temporary folder (databases for the server and the SQLite ceiling); default the system's")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary folder (database, server log) afterwards")
	fs.StringVar(&c.jsonOut, "json", "", "also write the report as JSON to this file")
	fs.Uint64Var(&c.seed, "seed", 0, "random seed (0: from the clock)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var err error
	if c.mix, err = parseMix(*mixFlag); err != nil {
		return nil, fmt.Errorf("%w: --mix: %v", errUsage, err)
	}
	switch {
	case c.concurrency < 1:
		return nil, fmt.Errorf("%w: --concurrency must be 1 or more", errUsage)
	case c.requests < 0 || (c.requests == 0 && c.duration <= 0):
		return nil, fmt.Errorf("%w: give a --duration above 0 or a number of --requests", errUsage)
	case c.smsRepeat < 0 || c.smsRepeat > 1:
		return nil, fmt.Errorf("%w: --sms-repeat is a share from 0 to 1", errUsage)
	case c.smsSources < 1 || c.smsSources > 250:
		return nil, fmt.Errorf("%w: --sms-sources is from 1 to 250", errUsage)
	case c.timeout <= 0:
		return nil, fmt.Errorf("%w: --timeout must be above 0", errUsage)
	}
	if c.self() {
		if c.db != "" || c.token != "" || c.publicURL != "" {
			return nil, fmt.Errorf("%w: --db, --token and --public-url go with --url (without it, voices-load makes its own)", errUsage)
		}
		if c.surveyFile != "" && c.survey != "" {
			return nil, fmt.Errorf("%w: give --survey or --survey-file, not both", errUsage)
		}
		if c.survey == "" && c.surveyFile == "" {
			c.survey = loadSlug
		}
		if c.survey != "" && c.survey != loadSlug && c.survey != demoSlug {
			return nil, fmt.Errorf("%w: without --url, --survey is %s or %s; give --survey-file for another", errUsage, loadSlug, demoSlug)
		}
	} else {
		c.url = strings.TrimSuffix(c.url, "/")
		if !strings.HasPrefix(c.url, "http://") && !strings.HasPrefix(c.url, "https://") {
			return nil, fmt.Errorf("%w: --url must start with http:// or https://", errUsage)
		}
		if c.db == "" || c.survey == "" {
			return nil, fmt.Errorf("%w: with --url, give --db (to check what was stored) and --survey", errUsage)
		}
		if c.surveyFile != "" || c.voicesBin != "" {
			return nil, fmt.Errorf("%w: --survey-file and --voices-bin are for when voices-load starts its own server", errUsage)
		}
		if c.mix.weight(kindExport) > 0 && c.token == "" {
			return nil, fmt.Errorf("%w: exports need an officer's --token (or leave export out of --mix)", errUsage)
		}
		if c.mix.weight(kindSMS) > 0 && c.twilioToken == "" {
			return nil, fmt.Errorf("%w: texts need the server's --twilio-auth-token to sign them (or leave sms out of --mix)", errUsage)
		}
		if c.publicURL == "" {
			c.publicURL = c.url
		}
		c.publicURL = strings.TrimSuffix(c.publicURL, "/")
	}
	if c.seed == 0 {
		c.seed = uint64(time.Now().UnixNano())
	}
	return c, nil
}

// kinds of work in the mix.
const (
	kindWeb    = "web"
	kindAPI    = "api"
	kindSMS    = "sms"
	kindExport = "export"
)

var kinds = []string{kindWeb, kindAPI, kindSMS, kindExport}

// mix is the relative weight of each kind, in the order of kinds.
type mix []mixPart

type mixPart struct {
	kind   string
	weight int
}

// parseMix reads "web=2,api=5,sms=2,export=1"; kinds left out weigh 0.
func parseMix(s string) (mix, error) {
	weights := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case !ok || err != nil || n < 0:
			return nil, fmt.Errorf("%q: want kind=weight, a whole number 0 or more", part)
		case !slices.Contains(kinds, k):
			return nil, fmt.Errorf("%q is not a kind; use %s", k, strings.Join(kinds, ", "))
		}
		if _, dup := weights[k]; dup {
			return nil, fmt.Errorf("%s is given twice", k)
		}
		weights[k] = n
	}
	var m mix
	total := 0
	for _, k := range kinds {
		if w := weights[k]; w > 0 {
			m = append(m, mixPart{k, w})
			total += w
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("no kind has a weight above 0")
	}
	return m, nil
}

func (m mix) weight(kind string) int {
	for _, p := range m {
		if p.kind == kind {
			return p.weight
		}
	}
	return 0
}

func (m mix) String() string {
	var parts []string
	for _, p := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", p.kind, p.weight))
	}
	return strings.Join(parts, ",")
}

// pick draws a kind by weight.
func (m mix) pick(rng *rand.Rand) string {
	total := 0
	for _, p := range m {
		total += p.weight
	}
	n := rng.IntN(total)
	for _, p := range m {
		if n < p.weight {
			return p.kind
		}
		n -= p.weight
	}
	return m[len(m)-1].kind
}
