package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
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
	ctx := c.UserContext()
	base, err := s.svc.CountGroups(ctx, sv, surveys.BreakdownQuery{By: q.By})
	if err != nil {
		return err
	}
	var values []surveys.GroupCount
	if q.Question != "" || q.Theme != "" {
		if values, err = s.svc.CountGroups(ctx, sv, q); err != nil {
			return err
		}
	}
	b, err := disclosure.Build(sv, q, base, values, disclosure.Options{})
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
