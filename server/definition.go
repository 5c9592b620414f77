package server

import (
	"io"
	"maps"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"

	"github.com/voices-uk/voices/surveys"
)

// Officers create and change surveys from the dashboard by pasting or
// uploading a definition (YAML or JSON, the format in DESIGN.md), checked
// by the same ParseDefinition as the API and the command line. A rejected
// definition comes back with every problem listed and the text kept.

type definitionForm struct {
	Title, Action, Definition, Survey string
	Edit, Codebook                    bool // Codebook: the same form, for a survey's codebook
}

func (s *Server) newSurveyPage(c *fiber.Ctx) error {
	return s.renderDefinition(c, fiber.StatusOK, nil, "", nil)
}

// editSurveyPage shows the stored definition, as YAML, to change.
func (s *Server) editSurveyPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	data, err := yaml.Marshal(sv)
	if err != nil {
		return err
	}
	return s.renderDefinition(c, fiber.StatusOK, sv, string(data), nil)
}

func (s *Server) renderDefinition(c *fiber.Ctx, status int, sv *surveys.Survey, text string, problem error) error {
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	d := definitionForm{Title: T("definition.new_title"), Action: "/dashboard/surveys", Definition: text}
	back := "/dashboard"
	if sv != nil {
		d.Survey = sv.Title.In(lang, sv.DefaultLanguage())
		d.Title, d.Action, d.Edit = T("definition.edit_title", d.Survey), "/dashboard"+base(sv)+"/edit", true
		back = "/dashboard" + base(sv)
	}
	p := &page{Lang: lang, Title: d.Title, Back: back, Data: d}
	if problem != nil {
		p.Errors = append(p.Errors, summaryError{Href: "#definition", Text: surveys.ErrorMessage(problem)})
		fields := surveys.ErrorFields(problem)
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			p.Errors = append(p.Errors, summaryError{Href: "#definition", Text: k + ": " + fields[k]})
		}
	}
	return s.render(c, status, "definition", p)
}

// definitionText is the uploaded file if one was chosen, else the pasted text.
func definitionText(c *fiber.Ctx) (string, error) {
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > surveys.MaxDefinitionSize {
			return "", surveys.Errorf(surveys.ETOOLARGE, "The survey definition is larger than %d bytes.", surveys.MaxDefinitionSize)
		}
		f, err := fh.Open()
		if err != nil {
			return "", err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, surveys.MaxDefinitionSize+1))
		return string(data), err
	}
	return c.FormValue("definition"), nil
}

// definitionProblem reports whether err is a problem with the definition
// that the officer can fix, rather than a fault.
func definitionProblem(err error) bool {
	switch surveys.ErrorCode(err) {
	case surveys.EINVALID, surveys.EMALFORMED, surveys.ECONFLICT, surveys.ETOOLARGE:
		return true
	}
	return false
}

func (s *Server) createSurveyPage(c *fiber.Ctx) error {
	text, err := definitionText(c)
	if err == nil {
		var sv *surveys.Survey
		if sv, err = s.svc.CreateSurvey(c.UserContext(), []byte(text)); err == nil {
			return c.Redirect("/dashboard"+base(sv), fiber.StatusSeeOther)
		}
	}
	if definitionProblem(err) {
		return s.renderDefinition(c, fiber.StatusUnprocessableEntity, nil, text, err)
	}
	return err
}

func (s *Server) replaceSurveyPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	text, err := definitionText(c)
	if err == nil {
		if _, err = s.svc.ReplaceSurvey(c.UserContext(), sv.Slug, []byte(text)); err == nil {
			return c.Redirect("/dashboard"+base(sv)+"?"+url.Values{"saved": {"1"}}.Encode(), fiber.StatusSeeOther)
		}
	}
	if definitionProblem(err) {
		return s.renderDefinition(c, fiber.StatusUnprocessableEntity, sv, text, err)
	}
	return err
}
