package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
	"github.com/voices-uk/voices/surveys/export"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// stdio is what a command may touch of the outside world, so that tests can
// run every command in-process.
type stdio struct {
	in       io.Reader
	out, err io.Writer
	getenv   func(string) string
	// listening, when set, is told the address serve listens on (tests
	// start it on 127.0.0.1:0).
	listening func(addr string)
}

const usage = `Voices: hear from everyone a council serves, and act on it.

Usage:
  voices serve [--addr 127.0.0.1:8080] [--db voices.db] [--demo] [--public-url URL]
               [--draft-ttl 672h] [--form-posts-per-minute 60] [--body-limit BYTES]
               [--disclosure-threshold 10] [--disclosure-rounding 5]
               [--api-posts-per-minute 120] [--metrics-token T]
               [--retention-sms-days 90] [--retention-contacts-days 0] [--retention-equality-days 0]
  voices migrate --db PATH
  voices user add --db PATH --email E --name N --role admin|officer|partner|interpreter [--org NAME]
                  (the password is read from standard input)
  voices user list --db PATH
  voices user disable --db PATH --email E   (signs them out everywhere; deletes their API tokens)
  voices user enable --db PATH --email E
  voices user password --db PATH --email E < newpassword   (for someone who has forgotten theirs; ends their sessions)
  voices org add --db PATH --name N
  voices org list --db PATH
  voices audit export --db PATH --out FILE.csv   (--out - for standard output)
  voices token create --db PATH --email E
  voices survey import --db PATH [--replace] FILE
  voices export --db PATH --survey SLUG --format csv|json|xlsx [--out FILE]
  voices subject-access --db PATH --reference R   (everything held about a response, as JSON)
  voices erase --db PATH --reference R            (delete a response and everything held about it)
  voices backup --db PATH --out FILE              (a consistent copy, while serve runs; see README)
  voices sms invite --db PATH --survey SLUG FILE.csv   (queue invitations; serve sends them)
  voices sms simulate --db PATH --survey SLUG          (try the text conversation in the terminal)
  voices sms segments --db PATH --survey SLUG          (how many texts each message needs)
  voices themes discover --input TEXTS.csv [--out CLUSTERS.csv] [--clusters N] [--seed N]   (candidate themes)
  voices themes predict --train LABELLED.csv --input TEXTS.csv [--out PRED.csv]
                  (learn themes from text,themes rows; theme id,text rows)
  voices themes evaluate --train LABELLED.csv [--folds 5] [--group-column respondent]
                  (cross-validated micro/macro F1 and each theme's precision and recall)

Text messages (serve): --twilio-account-sid, --twilio-auth-token (or the standard
TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN), --sms-from +44... or MG..., and
--public-url, which Twilio's signatures are checked against. Also --council-name,
--sms-per-second 1, --sms-conversation-ttl 168h, --sms-quiet-unknown,
--twilio-api-url, --trusted-proxy CIDR[,CIDR].

Email (serve; updates to residents who asked for them by email): --smtp-addr
host:port and --smtp-from ADDRESS turn it on; --smtp-user and --smtp-password
(STARTTLS and AUTH PLAIN), --email-per-second 1.

Every flag can also be set by an environment variable VOICES_<FLAG>,
e.g. VOICES_DB=/data/voices.db or VOICES_PUBLIC_URL=https://voices.example.gov.uk.
`

// errUsage marks mistakes in how a command was called (exit status 2).
var errUsage = errors.New("usage")

// run runs the command in args and returns the exit status.
func run(ctx context.Context, args []string, sys stdio) int {
	// What the command line changes is recorded in the audit log as "cli".
	err := dispatch(surveys.WithActor(ctx, surveys.Actor{Name: "cli"}), args, sys)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(sys.err, "voices: %v\n\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(sys.err, "voices: %s\n", errorText(err))
		return 1
	}
}

// errorText is err as a person reads it: the message, then each field.
func errorText(err error) string {
	if surveys.ErrorCode(err) == surveys.EINTERNAL {
		return err.Error()
	}
	var e *surveys.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

func dispatch(ctx context.Context, args []string, sys stdio) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command given", errUsage)
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "user" || cmd == "token" || cmd == "survey" || cmd == "sms" || cmd == "org" || cmd == "audit" || cmd == "themes") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, sys)
	case "migrate":
		return migrate(ctx, rest, sys)
	case "user add":
		return userAdd(ctx, rest, sys)
	case "user list":
		return userList(ctx, rest, sys)
	case "user disable":
		return userStatus(true)(ctx, rest, sys)
	case "user enable":
		return userStatus(false)(ctx, rest, sys)
	case "user password":
		return userPassword(ctx, rest, sys)
	case "org add":
		return orgAdd(ctx, rest, sys)
	case "org list":
		return orgList(ctx, rest, sys)
	case "audit export":
		return auditExport(ctx, rest, sys)
	case "token create":
		return tokenCreate(ctx, rest, sys)
	case "survey import":
		return surveyImport(ctx, rest, sys)
	case "export":
		return exportCmd(ctx, rest, sys)
	case "sms invite":
		return smsInvite(ctx, rest, sys)
	case "sms simulate":
		return smsSimulate(ctx, rest, sys)
	case "sms segments":
		return smsSegments(ctx, rest, sys)
	case "themes discover":
		return themesDiscover(ctx, rest, sys)
	case "themes predict":
		return themesPredict(ctx, rest, sys)
	case "themes evaluate":
		return themesEvaluate(ctx, rest, sys)
	case "subject-access":
		return subjectAccess(ctx, rest, sys)
	case "erase":
		return erase(ctx, rest, sys)
	case "backup":
		return backup(ctx, rest, sys)
	case "help", "-h", "--help":
		fmt.Fprint(sys.out, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, strings.Join(args[:min(2, len(args))], " "))
}

// parseFlags parses flags wherever they appear among args, then fills each
// flag not given on the command line from VOICES_<FLAG> (--public-url reads
// VOICES_PUBLIC_URL). It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, sys stdio) ([]string, error) {
	fs.SetOutput(sys.err)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "VOICES_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := sys.getenv(env); v != "" && !set[f.Name] && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%w: %s=%q: %v", errUsage, env, v, e)
			}
		}
	})
	return positional, err
}

func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return fmt.Errorf("%w: --%s is required", errUsage, pairs[i])
		}
	}
	return nil
}

func openDB(ctx context.Context, path string) (*sqlite.DB, *surveys.Service, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	return db, &surveys.Service{Store: db}, nil
}

func serve(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := fs.String("db", "voices.db", "SQLite database file (created if missing)")
	demo := fs.Bool("demo", false, "load the demo consultation if it is not there yet")
	var retention surveys.RetentionDefaults
	fs.IntVar(&retention.SMSDays, "retention-sms-days", surveys.DefaultSMSRetentionDays, "days after a survey closes that its text conversations and logs are deleted (0 keeps them), unless its definition says")
	fs.IntVar(&retention.ContactsDays, "retention-contacts-days", 0, "days after a survey closes that requests for updates are deleted (0: kept until the survey is archived), unless its definition says")
	fs.IntVar(&retention.EqualityDays, "retention-equality-days", 0, "days after a survey closes that equality answers are deleted (0 keeps them), unless its definition says")
	publicURL := fs.String("public-url", "", "the address residents and Twilio reach Voices at, e.g. https://voices.example.gov.uk")
	bodyLimit := fs.Int("body-limit", server.DefaultBodyLimit, "largest request body accepted, in bytes")
	draftTTL := fs.Duration("draft-ttl", surveys.DefaultDraftTTL, "how long unfinished web answers are kept after their last change")
	postsPerMinute := fs.Int("form-posts-per-minute", server.DefaultFormPostsPerMinute, "form posts allowed from one IP address per minute")
	apiPerMinute := fs.Int("api-posts-per-minute", server.DefaultAPIPostsPerMinute, "responses submitted through the API from one IP address per minute (0: no limit)")
	metricsToken := fs.String("metrics-token", "", "bearer token a Prometheus on another machine sends to read /metrics (this machine can read it without)")
	trusted := fs.String("trusted-proxy", "", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed")
	smsPerSecond := fs.Float64("sms-per-second", 1, "most texts sent per second")
	threshold := fs.Int("disclosure-threshold", disclosure.DefaultThreshold, "counts from 1 to this less one are hidden in every breakdown, representation and summary")
	rounding := fs.Int("disclosure-rounding", disclosure.DefaultRounding, "other published counts are rounded to a multiple of this (1: not rounded)")
	sf := addSMSFlags(fs)
	tf := addTwilioFlags(fs)
	ef := addEmailFlags(fs) // email.go
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if retention.SMSDays < 0 || retention.ContactsDays < 0 || retention.EqualityDays < 0 {
		return fmt.Errorf("%w: --retention-*-days must be 0 (keep) or more", errUsage)
	}
	if *threshold < 1 || *rounding < 1 {
		return fmt.Errorf("%w: --disclosure-threshold and --disclosure-rounding must be 1 or more", errUsage)
	}
	if *publicURL != "" && !strings.HasPrefix(*publicURL, "https://") && !strings.HasPrefix(*publicURL, "http://") {
		return fmt.Errorf("%w: --public-url must start with https:// (or http:// for local testing)", errUsage)
	}
	logger := slog.New(slog.NewJSONHandler(sys.err, nil))
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	svc.DraftTTL = *draftTTL
	if *demo {
		res, err := svc.LoadDemo(ctx)
		if err != nil {
			return fmt.Errorf("loading the demo: %w", err)
		}
		logger.Info("demo consultation ready", "survey", res.Slug, "created", res.Created, "responses_added", res.Responses)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	formKey, err := db.Secret(ctx, "form_token_key")
	if err != nil {
		return err
	}
	receiver, err := smsReceiver(ctx, db, svc, sf)
	if err != nil {
		return err
	}
	twilioCfg := tf.config(sys, *publicURL)
	smsCfg := server.SMSConfig{Receiver: receiver}
	if twilioCfg.Configured() {
		sender, err := channels.NewTwilioSender(twilioCfg)
		if err != nil {
			return err
		}
		if twilioCfg.From == "" {
			return fmt.Errorf("%w: --sms-from (VOICES_SMS_FROM) is required with Twilio credentials: a +44 number or a Messaging Service SID", errUsage)
		}
		if *publicURL == "" {
			logger.Warn("SMS: without --public-url, Twilio signatures are checked against the Host header of each request; set it to the address Twilio calls")
		}
		smsCfg.AuthToken = twilioCfg.AuthToken
		outbox := &channels.OutboxSender{Service: svc, Sender: sender, Log: logger, PerSecond: *smsPerSecond}
		go outbox.Run(ctx, 5*time.Second)
		logger.Info("SMS ready", "webhook", *publicURL+"/sms/twilio", "status_callback", *publicURL+"/sms/twilio/status")
	} else {
		logger.Warn("SMS is off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and VOICES_SMS_FROM to turn it on; /sms/twilio answers 503 until then")
	}
	emailOn, err := ef.startEmail(ctx, svc, logger)
	if err != nil {
		return err
	}
	app, err := server.New(server.Config{BodyLimit: *bodyLimit, Email: emailOn, Logger: logger, FormKey: formKey,
		PublicURL: *publicURL, FormPostsPerMinute: *postsPerMinute, APIPostsPerMinute: noLimitIfZero(*apiPerMinute),
		MetricsToken: *metricsToken, TrustedProxies: splitList(*trusted), SMS: smsCfg,
		Disclosure: disclosure.Options{Threshold: *threshold, Rounding: *rounding}}, svc)
	if err != nil {
		return err
	}
	go purgeDrafts(ctx, svc, logger, retention)
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	logger.Info("Voices is listening", "addr", "http://"+ln.Addr().String(), "db", *dbPath)
	if sys.listening != nil {
		sys.listening(ln.Addr().String())
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	if err := app.ShutdownWithTimeout(30 * time.Second); err != nil {
		return err
	}
	// A stop that comes before the server has started serving finds no
	// listener to close and returns at once; the server would then serve
	// for ever. Closing the listener ends it either way.
	ln.Close()
	return <-served
}

func migrate(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, name := range db.Applied {
		fmt.Fprintf(sys.out, "applied %s\n", name)
	}
	if len(db.Applied) == 0 {
		fmt.Fprintln(sys.out, "the database is up to date")
	}
	return nil
}

func userAdd(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	email := fs.String("email", "", "email address (used to sign in)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, officer, partner (community group member) or interpreter")
	org := fs.String("org", "", "organisation, e.g. the community group (required for partners)")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "email", *email, "name", *name, "role", *role); err != nil {
		return err
	}
	password, err := readPassword(sys.in)
	if err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := svc.AddUser(ctx, &surveys.NewUser{Email: *email, Name: *name, Role: surveys.Role(*role), Organisation: *org, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(sys.err, "added %s %s (user %d)\n", u.Role, u.Email, u.ID)
	return nil
}

// readPassword reads the first line of r: the whole of it, spaces kept,
// without the line ending.
func readPassword(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%w: give the password on standard input, e.g. from a password manager or: read -rs PW; printf '%%s' \"$PW\" | voices user add ...", errUsage)
	}
	return line, nil
}

func tokenCreate(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	email := fs.String("email", "", "the user the token acts as")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "email", *email); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := svc.CreateToken(ctx, *email)
	if err != nil {
		return err
	}
	fmt.Fprintln(sys.out, token)
	return nil
}

func surveyImport(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("survey import", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	replace := fs.Bool("replace", false, "replace the survey if its slug exists (refused if it would lose stored answers)")
	files, err := parseFlags(fs, args, sys)
	if err != nil {
		return err
	}
	if err := required("db", *dbPath); err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: give one survey definition file (YAML or JSON), or - for standard input", errUsage)
	}
	var data []byte
	if files[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(sys.in, surveys.MaxDefinitionSize+1))
	} else {
		data, err = os.ReadFile(files[0])
	}
	if err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := svc.CreateSurvey(ctx, data)
	if *replace && surveys.ErrorCode(err) == surveys.ECONFLICT {
		var parsed *surveys.Survey
		if parsed, err = surveys.ParseDefinition(data); err == nil {
			s, err = svc.ReplaceSurvey(ctx, parsed.Slug, data)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(sys.out, s.Slug)
	return nil
}

func exportCmd(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	slug := fs.String("survey", "", "the survey's slug")
	format := fs.String("format", "csv", "csv, json or xlsx")
	out := fs.String("out", "", "file to write (default: standard output)")
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "survey", *slug); err != nil {
		return err
	}
	if !slices.Contains(export.Formats, *format) {
		return fmt.Errorf("%w: --format must be csv, json or xlsx", errUsage)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Survey(ctx, *slug)
	if err != nil {
		return err
	}
	if err := (&surveys.Service{Store: db}).RecordExport(ctx, s, *format, surveys.ResponseFilter{}); err != nil {
		return err
	}
	if *out == "" {
		return export.Responses(ctx, db, s, surveys.ResponseFilter{}, *format, sys.out)
	}
	// Write beside the target and rename, so a failed export never leaves
	// a half-written file where a good one is expected.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".voices-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := export.Responses(ctx, db, s, surveys.ResponseFilter{}, *format, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}

// noLimitIfZero turns a flag's 0 ("no limit") into server.Config's -1
// (where 0 takes the default).
func noLimitIfZero(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// purgeDrafts deletes expired unfinished web answers, applies retention,
// ends text conversations whose time ran out, and deletes offers of
// updates by text nobody answered, every hour until ctx ends: personal
// data is kept no longer than the resident was told.
func purgeDrafts(ctx context.Context, svc *surveys.Service, log *slog.Logger, retention surveys.RetentionDefaults) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := svc.PurgeExpiredDrafts(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging expired drafts", "error", err.Error())
		} else if n > 0 {
			log.Info("purged expired drafts", "count", n)
		}
		if _, err := svc.Store.DeleteExpiredSessions(ctx, svc.Clock()); err != nil && ctx.Err() == nil {
			log.Error("deleting ended sessions", "error", err.Error())
		}
		if deleted, err := svc.ApplyRetention(ctx, retention); err != nil && ctx.Err() == nil {
			log.Error("applying retention", "error", err.Error())
		} else if len(deleted) > 0 {
			log.Info("deleted personal data past its retention", "surveys", len(deleted))
		}
		if n, err := svc.Store.ExpireSMSConversations(ctx, svc.Clock()); err != nil && ctx.Err() == nil {
			log.Error("expiring text conversations", "error", err.Error())
		} else if n > 0 {
			log.Info("expired unfinished text conversations", "count", n)
		}
		if n, err := svc.PurgeUpdateOffers(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging unanswered offers of updates", "error", err.Error())
		} else if n > 0 {
			log.Info("purged unanswered offers of updates by text", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
