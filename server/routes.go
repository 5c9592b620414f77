package server

import "github.com/gofiber/fiber/v2"

// routes is the one list of every route Voices serves.
func (s *Server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	api := app.Group("/api/v1", s.authenticate)
	api.Get("/surveys", s.listSurveys)
	api.Post("/surveys", s.officer, s.createSurvey)
	api.Get("/surveys/:slug", s.getSurvey)
	api.Put("/surveys/:slug", s.officer, s.replaceSurvey)
	api.Post("/surveys/:slug/open", s.officer, s.setStatus("open"))
	api.Post("/surveys/:slug/close", s.officer, s.setStatus("closed"))
	api.Post("/surveys/:slug/responses", s.submitResponse)
	api.Get("/surveys/:slug/responses", s.officer, s.listResponses)
	api.Get("/surveys/:slug/responses.csv", s.officer, s.exportResponses("csv"))
	api.Get("/surveys/:slug/responses.json", s.officer, s.exportResponses("json"))
	api.Get("/surveys/:slug/responses.xlsx", s.officer, s.exportResponses("xlsx"))

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
