package server

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"

	"github.com/voices-uk/voices/surveys"
)

// putCodebook makes the body (YAML, JSON or CSV) the survey's codebook.
func (s *Server) putCodebook(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	cb, err := s.svc.PutCodebook(c.UserContext(), sv, c.Body())
	if err != nil {
		return err
	}
	return c.JSON(cb)
}

// getCodebook returns the survey's latest codebook as JSON, or with
// .csv or .yaml as a file to reuse on another survey.
func (s *Server) getCodebook(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		cb, err := s.store.Codebook(c.UserContext(), sv.ID)
		if err != nil {
			return err
		}
		switch format {
		case "csv":
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
			c.Attachment(fmt.Sprintf("%s-codebook-v%d.csv", sv.Slug, cb.Version))
			return surveys.WriteCodebookCSV(c, cb)
		case "yaml":
			data, err := yaml.Marshal(cb)
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
			c.Attachment(fmt.Sprintf("%s-codebook-v%d.yaml", sv.Slug, cb.Version))
			return c.Send(data)
		}
		return c.JSON(cb)
	}
}
