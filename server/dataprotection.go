package server

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// Subject access and erasure by reference, for officers: the API, and the
// download and erase form on a response's page. The Service checks the
// officer again and records each in the audit log.

// subjectAccessAPI answers GET /api/v1/responses/{reference}/subject-access.
func (s *Server) subjectAccessAPI(c *fiber.Ctx) error {
	sar, err := s.svc.SubjectAccess(c.UserContext(), currentUser(c), c.Params("reference"))
	if err != nil {
		return err
	}
	return c.JSON(sar)
}

// eraseAPI answers DELETE /api/v1/responses/{reference} with what went.
func (s *Server) eraseAPI(c *fiber.Ctx) error {
	res, err := s.svc.Erase(c.UserContext(), currentUser(c), c.Params("reference"))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// subjectAccessDownload answers GET /dashboard/s/{slug}/r/{ref}/subject-access.json.
func (s *Server) subjectAccessDownload(c *fiber.Ctx) error {
	_, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	sar, err := s.svc.SubjectAccess(c.UserContext(), currentUser(c), r.Reference)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="subject-access-`+r.Reference+`.json"`)
	return c.JSON(sar)
}

// eraseResponse answers POST /dashboard/s/{slug}/r/{ref}/erase: the
// officer types the reference again to confirm, as erasing cannot be
// undone.
func (s *Server) eraseResponse(c *fiber.Ctx) error {
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	detail := "/dashboard" + base(sv) + "/r/" + url.PathEscape(r.Reference)
	if surveys.NormaliseReference(c.FormValue("confirm")) != r.Reference {
		return c.Redirect(detail+"?erase=confirm#erase", fiber.StatusSeeOther)
	}
	if _, err := s.svc.Erase(c.UserContext(), currentUser(c), r.Reference); err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	return s.message(c, fiber.StatusOK, lang, "responses.erased_title", []string{s.tr.T(lang, "responses.erased", r.Reference)},
		&linkData{Href: "/dashboard" + base(sv), Text: s.tr.T(lang, "responses.back_to_survey")})
}
