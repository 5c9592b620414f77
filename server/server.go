// Package server is Voices' HTTP face: the Fiber app, its one list of
// routes, the handlers, and the one place where domain errors become HTTP
// statuses.
package server

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/voices-uk/voices/surveys"
)

// Config holds the server's settings.
type Config struct {
	// BodyLimit is the largest request body accepted, in bytes (default 1 MiB).
	BodyLimit int
	Logger    *slog.Logger
}

// Server holds what the handlers need.
type Server struct {
	svc   *surveys.Service
	store surveys.Store
	log   *slog.Logger
}

// DefaultBodyLimit is the largest request body accepted unless configured.
const DefaultBodyLimit = 1 << 20

// New returns the Fiber app serving Voices.
func New(cfg Config, svc *surveys.Service) *fiber.App {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{svc: svc, store: svc.Store, log: cfg.Logger}
	app := fiber.New(fiber.Config{
		AppName:               "Voices",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// Slow clients may not hold connections open forever; exports of
		// large surveys stream for a while, so writes get longer.
		ReadTimeout:  15 * time.Second,
		WriteTimeout: 10 * time.Minute,
		IdleTimeout:  60 * time.Second,
		// Proxy headers are not trusted: no X-Forwarded-* is read.
		EnableTrustedProxyCheck: true,
	})
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(s.logRequests)
	s.routes(app)
	return app
}

// logRequests writes one structured log line per request. Query strings and
// bodies are never logged: they may hold personal data.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	s.log.Info("request", "request_id", c.Locals(requestid.ConfigDefault.ContextKey), "method", c.Method(),
		"path", c.Path(), "status", c.Response().StatusCode(), "duration_ms", time.Since(start).Milliseconds())
	return nil
}
