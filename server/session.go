package server

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// The signed-in side of Voices, for officers, community group members and
// interpreters. A session cookie (HttpOnly, SameSite=Lax, Secure over
// HTTPS) holds a random token whose hash is stored. It signs in web pages
// only: the JSON API takes bearer tokens, so a cookie can never be ridden
// by another site's form into the API.

const cookieSession = "voices_session"

// staffPages sets the language of the signed-in pages (English, or the
// browser's language when Voices has a catalogue for it) and the user of
// the session cookie, if any.
func (s *Server) staffPages(c *fiber.Ctx) error {
	c.Locals(langKey, chooseLanguage(s.staffLanguages(), c.Query("lang"), c.Cookies(cookieLanguage), ""))
	if token := c.Cookies(cookieSession); token != "" {
		u, err := s.svc.SessionUser(c.UserContext(), token)
		switch {
		case err == nil:
			setUser(c, u)
		case surveys.ErrorCode(err) == surveys.EUNAUTHORIZED:
			s.clearSession(c) // ended or unknown: forget it
		default:
			return err
		}
	}
	return c.Next()
}

// staffTextPrefixes are the catalogue keys of the signed-in pages.
var staffTextPrefixes = []string{"login.", "dashboard.", "entry.", "responses.", "correct.", "import.", "definition.", "admin.",
	"themes.", "codebook.", "review.", "report.", "agreement.", "discover.", "representation.", "publish."}

// staffLanguages are the languages whose catalogue has every text of the
// signed-in pages. A half-translated page, English in one line and Urdu in
// the next, serves no one, so the signed-in pages stay in English until a
// language's catalogue (shipped, or an officer's overrides) has them all.
func (s *Server) staffLanguages() []string {
	var out []string
	for _, lang := range s.tr.Languages() {
		complete := true
		for _, k := range s.tr.Missing(lang) {
			for _, p := range staffTextPrefixes {
				complete = complete && !strings.HasPrefix(k, p)
			}
		}
		if complete {
			out = append(out, lang)
		}
	}
	return out
}

// requireSession sends people who are not signed in to the sign-in page,
// and back here afterwards.
func (s *Server) requireSession(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		next := c.Path()
		if c.Method() != fiber.MethodGet {
			// A form sent after the session ended: after signing in, go
			// back to the page it came from, not to an address that only
			// takes forms.
			next = "/dashboard"
			if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Host == string(c.Request().Host()) && strings.HasPrefix(ref.Path, "/dashboard") {
				next = ref.Path
			}
		}
		return c.Redirect("/login?next="+next, fiber.StatusSeeOther)
	}
	return c.Next()
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: cookieSession, Value: "", Path: "/", HTTPOnly: true, Secure: s.secure, SameSite: "Lax",
		Expires: time.Unix(0, 0), MaxAge: -1})
}

type loginData struct{ Email, Error, Next string }

// safeNext keeps a redirect after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/dashboard"
	}
	return next
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.StatusOK, loginData{Next: safeNext(c.Query("next"))})
}

func (s *Server) renderLogin(c *fiber.Ctx, status int, d loginData) error {
	lang := c.Locals(langKey).(string)
	p := &page{Lang: lang, Title: s.tr.T(lang, "login.title"), Data: d}
	if d.Error != "" {
		p.Errors = []summaryError{{Href: "#email", Text: d.Error}}
	}
	return s.render(c, status, "login", p)
}

// signIn checks the email address and password. A wrong one, an unknown
// address and a locked account each get a message saying what to do; the
// first two the same message.
func (s *Server) signIn(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	next := safeNext(c.FormValue("next"))
	token, _, err := s.svc.SignIn(c.UserContext(), email, c.FormValue("password"))
	if err != nil {
		code := surveys.ErrorCode(err)
		if code != surveys.EUNAUTHORIZED && code != surveys.EFORBIDDEN {
			return err
		}
		msg := surveys.ErrorMessage(err)
		if f := surveys.ErrorFields(err)["email"]; f != "" {
			msg += " " + strings.ToUpper(f[:1]) + f[1:] + "."
		}
		return s.renderLogin(c, fiber.StatusUnauthorized, loginData{Email: email, Error: msg, Next: next})
	}
	c.Cookie(&fiber.Cookie{Name: cookieSession, Value: token, Path: "/", HTTPOnly: true, Secure: s.secure, SameSite: "Lax"})
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) signOut(c *fiber.Ctx) error {
	if err := s.svc.SignOut(c.UserContext(), c.Cookies(cookieSession)); err != nil {
		return err
	}
	s.clearSession(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}
