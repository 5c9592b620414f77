package server

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// DefaultImportLimit is the largest import file accepted unless configured:
// room for 100,000 rows of a typical survey.
const DefaultImportLimit = 32 << 20

// isImport reports whether a request uploads an import file, the one kind
// of request allowed past the ordinary body limit.
func isImport(method, uri string) bool {
	// Fiber routes are neither case-sensitive nor strict about a final
	// slash, so neither is this.
	path, _, _ := strings.Cut(strings.ToLower(uri), "?")
	path = strings.TrimSuffix(path, "/")
	return method == fiber.MethodPost && strings.HasPrefix(path, "/api/v1/surveys/") && strings.HasSuffix(path, "/imports")
}

// signedIn lets any signed-in user through; what they may see is scoped
// by their role where the data is read.
func (s *Server) signedIn(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return surveys.Errorf(surveys.EUNAUTHORIZED, "Sign in or send an API token.")
	}
	return c.Next()
}

// importTemplate sends the CSV template of a survey's import.
func (s *Server) importTemplate(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Attachment(fmt.Sprintf("%s-import-template.csv", sv.Slug))
	return channels.ImportTemplate(c, sv)
}

// importResponses stores the good rows of an uploaded CSV and reports the
// rest by line.
func (s *Server) importResponses(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "text/csv") {
		return surveys.Errorf(surveys.EMALFORMED, "Send the file as text/csv.")
	}
	rows, err := channels.ReadImport(c.Body(), sv)
	if err != nil {
		return err
	}
	res, err := s.svc.Import(c.UserContext(), sv, currentUser(c), rows)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
