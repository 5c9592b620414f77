package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/voices-uk/voices/surveys"
)

// statusOf maps each domain error code to its HTTP status: the only place
// this mapping is made.
var statusOf = map[string]int{
	surveys.EINVALID:      http.StatusUnprocessableEntity,
	surveys.EMALFORMED:    http.StatusBadRequest,
	surveys.ENOTFOUND:     http.StatusNotFound,
	surveys.ECONFLICT:     http.StatusConflict,
	surveys.EUNAUTHORIZED: http.StatusUnauthorized,
	surveys.EFORBIDDEN:    http.StatusForbidden,
	surveys.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	surveys.EUNAVAILABLE:  http.StatusServiceUnavailable,
	surveys.ETOOMANY:      http.StatusTooManyRequests,
	surveys.EINTERNAL:     http.StatusInternalServerError,
}

// fiberErrors turns errors raised by Fiber itself (no route, body too large)
// into domain errors with messages a person can act on.
var fiberErrors = map[int]*surveys.Error{
	http.StatusNotFound:         {Code: surveys.ENOTFOUND, Message: "There is nothing at this address."},
	http.StatusMethodNotAllowed: {Code: surveys.ENOTFOUND, Message: "There is nothing at this address for this method."},
	http.StatusRequestTimeout:   {Code: surveys.EMALFORMED, Message: "The request took too long to arrive."},
}

// isWebPage reports whether the request is for a page people read, rather
// than the API or the health checks.
func isWebPage(c *fiber.Ctx) bool {
	p := c.Path()
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/sms/") && p != "/healthz" && p != "/readyz" && !strings.HasPrefix(p, "/static/")
}

// errorBody is the JSON every API error returns.
type errorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// handleError writes err as a JSON error with the status its code maps to.
// Internal errors are logged with the request id and shown generically.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fe.Code == http.StatusRequestTimeout {
			// No request arrived in time on a new connection (fasthttp
			// answers even then): a bare 408 and close, not a page with a
			// cookie that no request asked for.
			c.Set(fiber.HeaderConnection, "close")
			return c.SendStatus(http.StatusRequestTimeout)
		}
		if fe.Code == http.StatusRequestEntityTooLarge {
			// Say the limit of the route that refused it.
			limit := s.bodyLimit
			if isImport(c.Method(), c.OriginalURL()) {
				limit = s.importLimit
			}
			err = surveys.Errorf(surveys.ETOOLARGE, "The request is too large. Send at most %s, or split it up.", formatBytes(limit))
		} else if mapped, ok := fiberErrors[fe.Code]; ok {
			err = mapped
		} else if fe.Code < 500 {
			err = &surveys.Error{Code: surveys.EMALFORMED, Message: fe.Message}
		}
	}
	code := surveys.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 && code != surveys.EUNAVAILABLE {
		s.log.Error("request failed", "request_id", c.Locals(requestid.ConfigDefault.ContextKey),
			"method", c.Method(), "route", c.Route().Path, "error", err.Error())
	}
	if isWebPage(c) {
		// People get a page in their language, never JSON.
		lang, _ := c.Locals(langKey).(string)
		if status == http.StatusNotFound {
			return s.message(c, status, lang, "page.not_found.title", []string{s.tr.T(lang, "page.not_found.text")}, nil)
		}
		if status < 500 && strings.HasPrefix(c.Path(), "/dashboard") {
			// Signed-in staff get the reason, which says what to do.
			return s.message(c, status, lang, "page.error.title", []string{surveys.ErrorMessage(err)}, &linkData{Href: "/dashboard", Text: s.tr.T(lang, "entry.dashboard")})
		}
		return s.message(c, status, lang, "page.error.title", []string{s.tr.T(lang, "page.error.text")}, nil)
	}
	return c.Status(status).JSON(errorBody{Error: surveys.ErrorMessage(err), Fields: surveys.ErrorFields(err)})
}

// formatBytes writes a size as people read it: 1 MiB, 32 MiB, 512 KiB.
func formatBytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// answerErrorsHere turns an error from the handlers after it into its
// answer at once, so the middleware before it (a rate limit that counts
// refusals) sees the status the client will get.
func answerErrorsHere(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return c.App().ErrorHandler(c, err)
	}
	return nil
}
