package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

const userKey = "voices.user"

// authenticate reads an optional bearer token. A token that is sent but not
// valid is refused (401) rather than quietly treated as no token.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return surveys.Errorf(surveys.EUNAUTHORIZED, "Send the API token as: Authorization: Bearer <token>.")
	}
	u, err := s.svc.Authenticate(c.UserContext(), strings.TrimSpace(token))
	if err != nil {
		return err
	}
	setUser(c, u)
	return c.Next()
}

// setUser makes u the request's user: for the handlers, and for the
// audit log, which the Service writes with the actor in the context.
func setUser(c *fiber.Ctx, u *surveys.User) {
	c.Locals(userKey, u)
	c.SetUserContext(surveys.WithActor(c.UserContext(), surveys.Actor{User: u}))
}

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *surveys.User {
	u, _ := c.Locals(userKey).(*surveys.User)
	return u
}

// officer lets only officers and admins through.
func (s *Server) officer(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return surveys.Errorf(surveys.EUNAUTHORIZED, "This needs an officer's API token: send Authorization: Bearer <token>.")
	}
	if !u.Role.IsOfficer() {
		return surveys.Errorf(surveys.EFORBIDDEN, "Only council officers can do this.")
	}
	return c.Next()
}
