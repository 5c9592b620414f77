package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// breakdown answers GET /api/v1/surveys/{slug}/breakdown?by=A[,B[,C]]
// [&question=KEY|&theme=ID]: who answered, crossed by up to three
// characteristics, with small numbers protected (see surveys/disclosure).
func (s *Server) breakdown(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	q := surveys.BreakdownQuery{Question: c.Query("question"), Theme: c.Query("theme")}
	for _, d := range strings.Split(c.Query("by"), ",") {
		if d = strings.TrimSpace(d); d != "" {
			q.By = append(q.By, d)
		}
	}
	b, err := s.protectedBreakdown(c.UserContext(), sv, q)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// withdrawEquality answers POST /api/v1/responses/{reference}/equality/withdraw:
// a resident, by the reference they were shown, stops Voices using their
// equality answers. It needs no sign-in: the reference is the key.
func (s *Server) withdrawEquality(c *fiber.Ctx) error {
	if err := s.svc.WithdrawEquality(c.UserContext(), c.Params("reference")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"withdrawn": true})
}
