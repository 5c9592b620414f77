package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// listTranslations lists the interface languages, each with its status
// (reviewed, or machine_drafted and waiting for a native speaker) and how
// many English texts it lacks.
func (s *Server) listTranslations(c *fiber.Ctx) error {
	type lang struct {
		Code    string `json:"code"`
		Name    string `json:"name"`
		Status  string `json:"status"`
		Missing int    `json:"missing"`
		Dir     string `json:"dir"`
	}
	var out []lang
	for _, l := range s.tr.Languages() {
		st, _ := s.tr.Status(l)
		out = append(out, lang{Code: l, Name: s.tr.Endonym(l), Status: st, Missing: len(s.tr.Missing(l)), Dir: direction(l)})
	}
	return c.JSON(fiber.Map{"languages": out})
}

// getTranslations returns one language's texts as the interface uses them
// (shipped catalogue with officers' changes), and the keys still missing.
func (s *Server) getTranslations(c *fiber.Ctx) error {
	lang := c.Params("lang")
	st, ok := s.tr.Status(lang)
	if !ok {
		return surveys.Errorf(surveys.ENOTFOUND, "There are no translations for %q yet: add them with PUT.", lang)
	}
	return c.JSON(fiber.Map{"language": lang, "status": st, "texts": s.tr.Texts(lang), "missing": s.tr.Missing(lang)})
}

// replaceTranslations stores an officer's texts for a language (YAML or
// JSON: a flat map of key to text, with an optional _meta), on top of the
// shipped catalogue. Keys must be ones the English catalogue has.
func (s *Server) replaceTranslations(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if !surveys.IsLanguageCode(lang) {
		return &surveys.Error{Code: surveys.EINVALID, Message: "The language code is not valid.",
			Fields: map[string]string{"lang": "use a code such as ur, pl or pa-Arab"}}
	}
	cat, err := channels.ParseCatalogue(c.Body())
	if err != nil {
		return err
	}
	fields := map[string]string{}
	for k := range cat.Text {
		if !s.tr.HasKey(k) {
			fields[k] = "is not a text of the interface; see GET /api/v1/translations/en for the keys"
		}
	}
	if len(fields) > 0 {
		return &surveys.Error{Code: surveys.EINVALID, Message: "Some translations are for texts Voices does not have.", Fields: fields}
	}
	stored := map[string]string{"_meta.status": cat.Status}
	if cat.Name != "" {
		stored["_meta.language_name"] = cat.Name
	}
	for k, v := range cat.Text {
		stored[k] = v
	}
	if err := s.store.ReplaceTranslations(c.UserContext(), lang, stored); err != nil {
		return err
	}
	if err := s.tr.LoadOverrides(c.UserContext(), s.store); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"language": lang, "status": cat.Status, "missing": s.tr.Missing(lang)})
}
