package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// emailFlags set up email (updates to respondents who asked for them by
// email) on `voices serve`; each also reads VOICES_SMTP_* as every flag
// reads VOICES_<FLAG>.
type emailFlags struct {
	addr, from, user, password *string
	perSecond                  *float64
}

func addEmailFlags(fs *flag.FlagSet) emailFlags {
	return emailFlags{
		addr:      fs.String("smtp-addr", "", "the council's SMTP server, host:port (e.g. smtp.example.gov.uk:587); with --smtp-from, turns email on"),
		from:      fs.String("smtp-from", "", "who emails are from: an address, or \"Name <address>\""),
		user:      fs.String("smtp-user", "", "SMTP user name, sent with AUTH PLAIN over STARTTLS"),
		password:  fs.String("smtp-password", "", "SMTP password (prefer VOICES_SMTP_PASSWORD to a flag)"),
		perSecond: fs.Float64("email-per-second", 1, "most emails sent per second"),
	}
}

// startEmail starts sending the email outbox when --smtp-addr and
// --smtp-from are set, and reports whether email is on.
func (f emailFlags) startEmail(ctx context.Context, svc *surveys.Service, logger *slog.Logger) (bool, error) {
	if *f.addr == "" && *f.from == "" {
		logger.Info("email is off: set --smtp-addr and --smtp-from (VOICES_SMTP_ADDR, VOICES_SMTP_FROM) to offer updates by email")
		return false, nil
	}
	if *f.addr == "" || *f.from == "" {
		return false, fmt.Errorf("%w: --smtp-addr and --smtp-from go together: give both to turn email on, or neither", errUsage)
	}
	cfg := channels.SMTPConfig{Addr: *f.addr, From: *f.from, User: *f.user, Password: *f.password}
	if err := cfg.Check(); err != nil {
		return false, fmt.Errorf("%w: %v", errUsage, err)
	}
	if *f.perSecond <= 0 {
		return false, fmt.Errorf("%w: --email-per-second must be more than 0", errUsage)
	}
	sender := &channels.EmailSender{Service: svc, SMTP: cfg, Log: logger, PerSecond: *f.perSecond}
	go sender.Run(ctx, 5*time.Second)
	logger.Info("email is on", "smtp", cfg.Addr, "from", cfg.From, "auth", cfg.User != "", "per_second", *f.perSecond)
	return true, nil
}
