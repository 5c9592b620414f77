package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// smsFlags are the settings every SMS command shares.
type smsFlags struct {
	council      *string
	quietUnknown *bool
	ttl          *time.Duration
}

func addSMSFlags(fs *flag.FlagSet) smsFlags {
	return smsFlags{
		council:      fs.String("council-name", "", "who is asking, named in texts, e.g. \"Birmingham City Council\""),
		quietUnknown: fs.Bool("sms-quiet-unknown", false, "send no reply to texts that are not a keyword or part of a conversation"),
		ttl:          fs.Duration("sms-conversation-ttl", surveys.DefaultSMSConversationTTL, "how long an unfinished text conversation waits for a reply"),
	}
}

// smsReceiver wires the SMS engine to a database. The phone number key is
// kept in the database's settings, so hashes stay the same across restarts.
func smsReceiver(ctx context.Context, db *sqlite.DB, svc *surveys.Service, f smsFlags) (*channels.SMSReceiver, error) {
	tr, err := channels.NewTranslator()
	if err != nil {
		return nil, err
	}
	if err := tr.LoadOverrides(ctx, db); err != nil {
		return nil, err
	}
	key, err := db.Secret(ctx, "phone_hash_key")
	if err != nil {
		return nil, err
	}
	return &channels.SMSReceiver{Service: svc, Phones: surveys.PhoneHasher{Key: key},
		Engine: &channels.SMSEngine{Tr: tr, Council: *f.council, QuietUnknown: *f.quietUnknown, ConversationTTL: *f.ttl}}, nil
}

// twilioSettings reads the Twilio flags, falling back to the standard
// TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN environment variables.
type twilioFlags struct {
	accountSID, authToken, from, apiURL *string
}

func addTwilioFlags(fs *flag.FlagSet) twilioFlags {
	return twilioFlags{
		accountSID: fs.String("twilio-account-sid", "", "Twilio account SID (or TWILIO_ACCOUNT_SID)"),
		authToken:  fs.String("twilio-auth-token", "", "Twilio auth token (or TWILIO_AUTH_TOKEN; prefer the environment to a flag)"),
		from:       fs.String("sms-from", "", "the number texts come from (+44...) or a Messaging Service SID (MG...)"),
		apiURL:     fs.String("twilio-api-url", "", "Twilio REST API base URL, for Twilio-compatible providers and tests (default https://api.twilio.com)"),
	}
}

func (t twilioFlags) config(sys stdio, publicURL string) channels.TwilioConfig {
	cfg := channels.TwilioConfig{AccountSID: *t.accountSID, AuthToken: *t.authToken, From: *t.from, APIURL: *t.apiURL}
	if cfg.AccountSID == "" {
		cfg.AccountSID = sys.getenv("TWILIO_ACCOUNT_SID")
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = sys.getenv("TWILIO_AUTH_TOKEN")
	}
	if publicURL != "" {
		cfg.StatusCallback = strings.TrimSuffix(publicURL, "/") + "/sms/twilio/status"
	}
	return cfg
}

// withSMSSurvey parses the flags that sms invite and sms segments share,
// opens the database and the survey, and calls fn with the positional
// arguments.
func withSMSSurvey(ctx context.Context, name string, args []string, sys stdio,
	fn func(svc *surveys.Service, r *channels.SMSReceiver, s *surveys.Survey, files []string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	slug := fs.String("survey", "", "the survey's slug")
	sf := addSMSFlags(fs)
	files, err := parseFlags(fs, args, sys)
	if err != nil {
		return err
	}
	if err := required("db", *dbPath, "survey", *slug); err != nil {
		return err
	}
	db, svc, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := smsReceiver(ctx, db, svc, sf)
	if err != nil {
		return err
	}
	s, err := db.Survey(ctx, *slug)
	if err != nil {
		return err
	}
	return fn(svc, r, s, files)
}

// smsInvite queues invitations; a running `voices serve` with Twilio
// credentials sends them.
func smsInvite(ctx context.Context, args []string, sys stdio) error {
	return withSMSSurvey(ctx, "sms invite", args, sys, func(svc *surveys.Service, r *channels.SMSReceiver, s *surveys.Survey, files []string) error {
		if len(files) != 1 {
			return fmt.Errorf("%w: give one CSV file of numbers (a phone column, optionally a language column), or - for standard input", errUsage)
		}
		in := sys.in
		if files[0] != "-" {
			f, err := os.Open(files[0])
			if err != nil {
				return err
			}
			defer f.Close()
			in = f
		}
		list, err := channels.ParseInvitations(in, s)
		if err != nil {
			return err
		}
		res, err := channels.QueueInvitations(ctx, svc, r.Engine, r.Phones, s, list)
		if err != nil {
			return err
		}
		fmt.Fprintf(sys.out, "queued %d invitations; %d numbers were invited before; %d said STOP and were left out\n",
			res.Queued, res.AlreadyQueued, res.Suppressed)
		fmt.Fprintln(sys.err, "voices serve sends them, at --sms-per-second, when it has Twilio credentials")
		return nil
	})
}

// smsSegments prints how many texts each message of a survey needs.
func smsSegments(ctx context.Context, args []string, sys stdio) error {
	return withSMSSurvey(ctx, "sms segments", args, sys, func(_ *surveys.Service, r *channels.SMSReceiver, s *surveys.Survey, _ []string) error {
		w := tabwriter.NewWriter(sys.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "MESSAGE\tLANGUAGE\tENCODING\tCHARACTERS\tTEXTS\tWARNING")
		warnings := 0
		for _, m := range r.Engine.PreviewSMS(s) {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\n", m.Message, m.Language, m.Encoding, m.Characters, m.Segments, m.Warning)
			if m.Warning != "" {
				warnings++
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if warnings > 0 {
			fmt.Fprintf(sys.err, "%d messages need more than %d texts\n", warnings, channels.MaxSegments)
		}
		return nil
	})
}

// smsSimulate runs a survey's text conversation in the terminal. It works
// on a copy of the survey in a temporary database, opened whatever its
// status, so an officer can try a draft survey and nothing is stored.
func smsSimulate(ctx context.Context, args []string, sys stdio) error {
	fs := flag.NewFlagSet("sms simulate", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file")
	slug := fs.String("survey", "", "the survey's slug")
	sf := addSMSFlags(fs)
	if _, err := parseFlags(fs, args, sys); err != nil {
		return err
	}
	if err := required("db", *dbPath, "survey", *slug); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	s, err := db.Survey(ctx, *slug)
	db.Close()
	if err != nil {
		return err
	}
	if s.SMS == nil {
		return &surveys.Error{Code: surveys.EINVALID, Message: "This survey has no SMS keyword, so nobody can start it by text.",
			Fields: map[string]string{"sms.keyword": "add sms: {keyword: WORD} to the survey's definition"}}
	}
	s.Status, s.OpensAt, s.ClosesAt = surveys.StatusOpen, nil, nil
	def, err := json.Marshal(s)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "voices-simulate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sim, svc, err := openDB(ctx, filepath.Join(dir, "simulate.db"))
	if err != nil {
		return err
	}
	defer sim.Close()
	if _, err := svc.CreateSurvey(ctx, def); err != nil {
		return err
	}
	r, err := smsReceiver(ctx, sim, svc, sf)
	if err != nil {
		return err
	}
	fmt.Fprintf(sys.out, "Simulating texts to %q. Nothing is stored. Text %s to start; an empty line or Ctrl-D ends.\n\n", *slug, s.SMS.Keyword)
	lines := bufio.NewScanner(sys.in)
	for n := 1; ; n++ {
		fmt.Fprint(sys.out, "you> ")
		if !lines.Scan() || strings.TrimSpace(lines.Text()) == "" {
			fmt.Fprintln(sys.out)
			return lines.Err()
		}
		reply, err := r.Receive(ctx, channels.IncomingSMS{SID: fmt.Sprintf("SIM%06d", n), From: "+447700900000", Body: lines.Text()})
		if err != nil {
			return err
		}
		if reply == "" {
			fmt.Fprintln(sys.out, "(no reply)")
			continue
		}
		info := channels.Segments(reply)
		fmt.Fprintf(sys.out, "\n%s\n  [%d text(s), %s, %d characters]\n\n", reply, info.Segments, info.Encoding, info.Characters)
	}
}
