package server

import (
	"github.com/gofiber/fiber/v2"
)

// breakdown answers GET /api/v1/surveys/{slug}/breakdown?by=A[,B[,C]]
// [&question=KEY|&theme=ID]: who answered, crossed by up to three
// characteristics, with small numbers protected (see surveys/disclosure).
func (s *Server) breakdown(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	q, _, err := s.breakdownQuery(c)
	if err != nil {
		return err
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
