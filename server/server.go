// Package server is Voices' HTTP face: the Fiber app, its one list of
// routes, the handlers, and the one place where domain errors become HTTP
// statuses.
package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// Config holds the server's settings.
type Config struct {
	// BodyLimit is the largest request body accepted, in bytes (default 1 MiB).
	BodyLimit int
	// ImportLimit is the largest import file accepted (default 32 MiB).
	ImportLimit int
	Logger      *slog.Logger
	// FormKey signs the web form's CSRF tokens; keep it stable across
	// restarts (cmd/voices keeps it in the database). Random when empty.
	FormKey []byte
	// PublicURL is where residents reach Voices, e.g. https://voices.example.gov.uk;
	// cookies are marked Secure when it is https. Empty: taken from each request.
	PublicURL string
	// FormPostsPerMinute limits form posts from one IP address (default 60).
	FormPostsPerMinute int
	// APIPostsPerMinute limits responses submitted through the API from one
	// IP address (default 120; negative: no limit, e.g. behind a proxy that
	// limits, or for load tests).
	APIPostsPerMinute int
	// WebhookRefusalsPerMinute limits refused Twilio webhook requests from
	// one IP address (default 30; negative: no limit, for tests that send
	// forged and real requests from one address).
	WebhookRefusalsPerMinute int
	// Location is the time zone dates are shown in (default Europe/London).
	Location *time.Location
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For is believed (for rate limits); none by default.
	TrustedProxies []string
	// SMS sets up text messages.
	SMS SMSConfig
	// ReadTimeout is how long a client may take to send a request, headers
	// and body (default 15 s; imports get 2 minutes): a client that
	// trickles bytes to hold connections open (slow-loris) is cut off.
	ReadTimeout time.Duration
	// MetricsToken lets a Prometheus scraper on another machine read
	// /metrics (Authorization: Bearer <token>); without it, only this
	// machine can.
	MetricsToken string
	// Email: an SMTP server is set up (cmd/voices sends the email outbox),
	// so residents may ask for updates by email.
	Email bool
	// Disclosure sets how small numbers are protected in every breakdown,
	// representation and themed summary: the threshold below which a count
	// is hidden (default 10) and the rounding (default 5).
	Disclosure disclosure.Options
}

// Server holds what the handlers need.
type Server struct {
	svc     *surveys.Service
	store   surveys.Store
	log     *slog.Logger
	tr      *channels.Translator
	pages   map[string]*template.Template
	formKey []byte
	secure  bool
	public  string
	zone    *time.Location
	sms     SMSConfig
	// disclosure protects every published table (see Config.Disclosure).
	disclosure disclosure.Options
	// updates words the messages to people who asked to hear back.
	updates *channels.UpdateMessages
	// email: an SMTP server is set up, so residents are offered updates by email.
	email bool
	// metrics are served at /metrics (see metrics.go).
	metrics      *metrics
	metricsToken string
	// webhookRefusals: refused webhook requests allowed per address per minute (negative: any).
	webhookRefusals int

	bodyLimit, importLimit int
	imports                importJobs
	training               themeTraining
}

// DefaultBodyLimit is the largest request body accepted unless configured.
const DefaultBodyLimit = 1 << 20

// DefaultFormPostsPerMinute is the rate limit on form posts from one IP
// address: plenty for a person (a survey is 10 to 30 posts), and for a few
// people sharing a community centre's connection.
const DefaultFormPostsPerMinute = 60

// DefaultAPIPostsPerMinute is the rate limit on API submissions from one
// IP address: a partner's system sending responses as they come, not a
// flood.
const DefaultAPIPostsPerMinute = 120

// New returns the Fiber app serving Voices.
func New(cfg Config, svc *surveys.Service) (*fiber.App, error) {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.ImportLimit <= 0 {
		cfg.ImportLimit = DefaultImportLimit
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.FormPostsPerMinute <= 0 {
		cfg.FormPostsPerMinute = DefaultFormPostsPerMinute
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 15 * time.Second
	}
	if cfg.Location == nil {
		london, err := time.LoadLocation("Europe/London")
		if err != nil {
			london = time.UTC
		}
		cfg.Location = london
	}
	if cfg.Disclosure.Threshold == 0 {
		cfg.Disclosure.Threshold = disclosure.DefaultThreshold
	}
	if cfg.Disclosure.Rounding == 0 {
		cfg.Disclosure.Rounding = disclosure.DefaultRounding
	}
	if cfg.Disclosure.Threshold < 1 || cfg.Disclosure.Rounding < 1 {
		return nil, fmt.Errorf("the disclosure threshold and rounding must be 1 or more (got %d and %d)", cfg.Disclosure.Threshold, cfg.Disclosure.Rounding)
	}
	if len(cfg.FormKey) == 0 {
		cfg.FormKey = make([]byte, 32)
		rand.Read(cfg.FormKey)
	}
	// One translator for web pages and texts, so an officer's correction
	// reaches both.
	var (
		tr  *channels.Translator
		err error
	)
	if r := cfg.SMS.Receiver; r != nil && r.Engine != nil && r.Engine.Tr != nil {
		tr = r.Engine.Tr
	} else if tr, err = channels.NewTranslator(); err != nil {
		return nil, err
	}
	if err := tr.LoadOverrides(context.Background(), svc.Store); err != nil {
		return nil, err
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, store: svc.Store, log: cfg.Logger, tr: tr, pages: pages, formKey: cfg.FormKey,
		secure: strings.HasPrefix(cfg.PublicURL, "https://"), public: strings.TrimSuffix(cfg.PublicURL, "/"), zone: cfg.Location, sms: cfg.SMS,
		bodyLimit: cfg.BodyLimit, importLimit: cfg.ImportLimit, disclosure: cfg.Disclosure, email: cfg.Email}
	s.metrics, s.metricsToken = newMetrics(svc.Store), cfg.MetricsToken
	if previous := svc.Stored; previous != nil {
		svc.Stored = func(ch surveys.Channel, n int) { previous(ch, n); s.metrics.stored(ch, n) }
	} else {
		svc.Stored = s.metrics.stored
	}
	s.updates = &channels.UpdateMessages{Tr: tr}
	if r := cfg.SMS.Receiver; r != nil && r.Engine != nil {
		s.updates.Council = r.Engine.Council
	}
	app := fiber.New(fiber.Config{
		AppName:               "Voices",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// Slow clients may not hold connections open forever; exports of
		// large surveys stream for a while, so writes get longer.
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: 10 * time.Minute,
		IdleTimeout:  60 * time.Second,
		// Request line and headers together may not pass 8 KiB (431
		// otherwise): enough for any browser, too little to hoard memory.
		ReadBufferSize: 8192,
		// X-Forwarded-For is read only from the proxies configured; Twilio
		// signatures are checked against PublicURL, never a forwarded host.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
	})
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(s.securityHeaders)
	// Import files may be larger than any other body; the limit is chosen
	// from the request line, before the body is read.
	app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if isImport(string(h.Method()), string(h.RequestURI())) {
			return fasthttp.RequestConfig{MaxRequestBodySize: cfg.ImportLimit, ReadTimeout: 2 * time.Minute}
		}
		return fasthttp.RequestConfig{}
	}
	if cfg.APIPostsPerMinute == 0 {
		cfg.APIPostsPerMinute = DefaultAPIPostsPerMinute
	}
	if cfg.WebhookRefusalsPerMinute == 0 {
		cfg.WebhookRefusalsPerMinute = webhookFailuresPerMinute
	}
	s.webhookRefusals = cfg.WebhookRefusalsPerMinute
	s.routes(app, cfg.FormPostsPerMinute, cfg.APIPostsPerMinute)
	return app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// logRequests writes one structured log line per request, and counts it
// for the metrics. Paths, query strings and bodies are never logged: they
// may hold personal data.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	// The route's pattern, not the path: a path can hold a reference or an
	// unsubscribe token.
	route := c.Route().Path
	took := time.Since(start)
	status := c.Response().StatusCode()
	s.metrics.observe(route, c.Method(), status, took)
	s.log.Info("request", "request_id", c.Locals(requestid.ConfigDefault.ContextKey), "method", c.Method(),
		"route", route, "status", status, "duration_ms", took.Milliseconds())
	return nil
}
