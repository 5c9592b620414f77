package server

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/voices-uk/voices/surveys"
)

// signInsPerMinute limits sign-in attempts from one IP address, on top of
// the lock on an account after repeated wrong passwords.
const signInsPerMinute = 10

// webhookFailuresPerMinute limits refused (unsigned, forged or malformed)
// webhook requests from one IP address.
const webhookFailuresPerMinute = 30

// routes is the one list of every route Voices serves.
func (s *Server) routes(app *fiber.App, formPostsPerMinute, apiPostsPerMinute int) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())
	app.Get(cssPath, s.styles)

	// The resident's web form (HTML; works without JavaScript).
	app.Get("/", s.home)
	app.Get("/accessibility", s.accessibility)
	postLimit := limiter.New(limiter.Config{
		Max:          formPostsPerMinute,
		Expiration:   time.Minute,
		Next:         func(c *fiber.Ctx) bool { return c.Method() != fiber.MethodPost },
		LimitReached: s.tooManyPosts,
	})
	web := app.Group("/s/:slug", s.webSurvey, postLimit, s.checkForm)
	web.Get("", s.startPage)
	web.Post("/start", s.startDraft)
	web.Get("/q/:key", s.questionPage)
	web.Post("/q/:key", s.answerQuestion)
	web.Get("/equality", s.equalityIntro)
	web.Post("/equality", s.chooseEquality)
	web.Get("/equality/:key", s.equalityPage)
	web.Post("/equality/:key", s.answerEquality)
	web.Get("/check", s.checkPage)
	web.Post("/check", s.submitDraft)
	web.Get("/done", s.donePage)
	web.Post("/updates", s.subscribeUpdates) // "hear what happened", on the confirmation page (updates_web.go)
	web.Get("/save", s.savedPage)
	web.Get("/resume", s.resumePage)
	web.Post("/resume", s.resume)
	web.Get("/withdraw", s.withdrawPage)
	web.Post("/withdraw", s.withdrawSubmit)
	// "We asked, you said, we did": the latest publication, and its open data.
	web.Get("/results", s.resultsPage)
	web.Get("/results.json", s.resultsJSON)
	web.Get("/results.csv", s.resultsCSV)

	// The signed-in side (officers, community groups, interpreters).
	signInLimit := limiter.New(limiter.Config{
		Max:          signInsPerMinute,
		Expiration:   time.Minute,
		Next:         func(c *fiber.Ctx) bool { return c.Method() != fiber.MethodPost },
		LimitReached: s.tooManyPosts,
	})
	app.Get("/login", s.staffPages, s.loginPage)
	app.Post("/login", s.staffPages, signInLimit, s.checkForm, s.signIn)
	app.Post("/logout", s.staffPages, s.checkForm, s.signOut)
	app.Get(progressScriptPath, s.progressScript)
	staff := app.Group("/dashboard", s.staffPages, postLimit, s.checkForm, s.requireSession)
	staff.Get("", s.dashboard)
	staff.Get("/surveys/new", s.officerPage, s.newSurveyPage)
	staff.Post("/surveys", s.officerPage, s.createSurveyPage)
	staff.Get("/s/:slug", s.surveyDashboard)
	staff.Get("/s/:slug/edit", s.officerPage, s.editSurveyPage)
	staff.Post("/s/:slug/edit", s.officerPage, s.replaceSurveyPage)
	staff.Post("/s/:slug/open", s.officerPage, s.setSurveyStatus(surveys.StatusOpen))
	staff.Post("/s/:slug/close", s.officerPage, s.setSurveyStatus(surveys.StatusClosed))
	staff.Get("/s/:slug/enter", s.entryPage)
	staff.Post("/s/:slug/enter", s.enterResponse)
	staff.Get("/s/:slug/responses.csv", s.exportResponses("csv"))
	staff.Get("/s/:slug/responses.json", s.exportResponses("json"))
	staff.Get("/s/:slug/responses.xlsx", s.exportResponses("xlsx"))
	staff.Get("/s/:slug/r/:ref", s.responseDetail)
	staff.Get("/s/:slug/r/:ref/correct", s.correctionPage)
	staff.Post("/s/:slug/r/:ref/correct", s.correctResponse)
	staff.Get("/s/:slug/r/:ref/subject-access.json", s.officerPage, s.subjectAccessDownload)
	staff.Post("/s/:slug/r/:ref/erase", s.officerPage, s.eraseResponse)
	staff.Get("/s/:slug/import", s.importPage)
	staff.Post("/s/:slug/import", s.uploadImport)
	staff.Get("/s/:slug/import/template.csv", s.importTemplate)
	themes := staff.Group("/s/:slug/themes", s.officerPage)
	themes.Get("", s.themesOverview)
	themes.Get("/codebook", s.codebookPage)
	themes.Post("/codebook", s.saveCodebookPage)
	themes.Get("/codebook.csv", s.getCodebook("csv"))
	themes.Post("/suggest", s.themesAction("suggest"))
	themes.Post("/train", s.themesAction("train"))
	themes.Post("/training", s.themesAction("training"))
	themes.Get("/review", s.reviewQueue)
	themes.Post("/review", s.saveReview)
	themes.Get("/report", s.themesReport)
	themes.Get("/agreement", s.agreementPage)
	themes.Get("/discover", s.discoveryPage)
	themes.Post("/discover", s.runDiscovery)
	themes.Post("/discover/:id", s.decideCandidate)
	staff.Get("/s/:slug/representation", s.officerPage, s.representationPage)
	staff.Get("/s/:slug/representation.csv", s.officerPage, s.representationExport("csv"))
	staff.Get("/s/:slug/representation.xlsx", s.officerPage, s.representationExport("xlsx"))
	staff.Get("/s/:slug/representation-daily.csv", s.officerPage, s.representationExport("daily.csv"))
	staff.Get("/s/:slug/baseline.csv", s.officerPage, s.baselineCSV)
	staff.Post("/s/:slug/baseline", s.officerPage, s.saveBaselinePage)
	staff.Post("/s/:slug/baseline/clear", s.officerPage, s.clearBaselinePage)
	staff.Get("/s/:slug/breakdown", s.officerPage, s.breakdownPage)
	staff.Get("/s/:slug/breakdown.csv", s.officerPage, s.breakdownExport("csv"))
	staff.Get("/s/:slug/breakdown.xlsx", s.officerPage, s.breakdownExport("xlsx"))
	staff.Get("/s/:slug/results", s.officerPage, s.resultsAdminPage)
	staff.Post("/s/:slug/results/publish", s.officerPage, s.publishPage)
	staff.Post("/s/:slug/actions", s.officerPage, s.createActionPage)
	staff.Get("/s/:slug/actions/:id", s.officerPage, s.actionPage)
	staff.Post("/s/:slug/actions/:id", s.officerPage, s.saveActionPage)
	staff.Post("/s/:slug/actions/:id/delete", s.officerPage, s.deleteActionPage)
	staff.Post("/s/:slug/archive", s.officerPage, s.archivePage)
	staff.Get("/imports/:id.json", s.importStatus)
	staff.Get("/imports/:id", s.importReport)

	// Administrators: users, organisations and the audit log (403 for
	// anyone else; the Service checks again). Inside the staff group, so
	// the session, form token and rate limit are applied once.
	admin := s.requireAdmin
	staff.Get("/users", admin, s.usersPage)
	staff.Get("/users/new", admin, s.newUserPage)
	staff.Post("/users", admin, s.addUser)
	staff.Get("/users/:id/edit", admin, s.editUserPage)
	staff.Post("/users/:id", admin, s.changeUser)
	staff.Post("/users/:id/disable", admin, s.setUserStatus(true))
	staff.Post("/users/:id/enable", admin, s.setUserStatus(false))
	staff.Get("/users/:id/password", admin, s.passwordPage)
	staff.Post("/users/:id/password", admin, s.setPassword)
	staff.Get("/organisations", admin, s.organisationsPage)
	staff.Post("/organisations", admin, s.addOrganisation)
	staff.Get("/audit", admin, s.auditPage)
	staff.Get("/audit.csv", admin, s.exportAuditLog)

	// Twilio's webhooks (signature-checked). Only refused requests count
	// towards the limit, after they are answered: a forged flood is cut
	// off, while Twilio's real messages (which it does not send again after
	// a 429) are never limited, however many arrive at once.
	webhookLimit := newRefusalLimit(s.webhookRefusals, time.Minute, s.tooManyPosts).handler
	app.Post("/sms/twilio", webhookLimit, answerErrorsHere, s.smsInbound)
	app.Post("/sms/twilio/status", webhookLimit, answerErrorsHere, s.smsStatus)

	// Unsubscribe links in updates to respondents (a button, or an RFC 8058
	// one-click POST from a mail client, which carries no form token).
	updates := app.Group("/updates/:token", s.unsubscribeLanguage, unlessOneClick(postLimit), unlessOneClick(s.checkForm))
	updates.Get("", s.unsubscribePage)
	updates.Post("", s.unsubscribe)

	// The JSON API.
	api := app.Group("/api/v1", s.authenticate)
	api.Get("/surveys", s.listSurveys)
	api.Post("/surveys", s.officer, s.createSurvey)
	api.Get("/surveys/:slug", s.getSurvey)
	api.Put("/surveys/:slug", s.officer, s.replaceSurvey)
	api.Post("/surveys/:slug/open", s.officer, s.setStatus("open"))
	api.Post("/surveys/:slug/close", s.officer, s.setStatus("closed"))
	apiLimit := limiter.New(limiter.Config{
		Max:          apiPostsPerMinute,
		Expiration:   time.Minute,
		Next:         func(*fiber.Ctx) bool { return apiPostsPerMinute < 0 },
		LimitReached: s.tooManyPosts,
	})
	api.Post("/surveys/:slug/responses", apiLimit, s.submitResponse)
	api.Get("/surveys/:slug/responses", s.signedIn, s.listResponses)
	api.Get("/surveys/:slug/responses/:ref", s.signedIn, s.getResponse)
	api.Post("/surveys/:slug/responses/:ref/corrections", s.signedIn, s.correctResponseAPI)
	api.Get("/surveys/:slug/responses.csv", s.signedIn, s.exportResponses("csv"))
	api.Get("/surveys/:slug/responses.json", s.signedIn, s.exportResponses("json"))
	api.Get("/surveys/:slug/responses.xlsx", s.signedIn, s.exportResponses("xlsx"))
	api.Get("/surveys/:slug/imports/template.csv", s.signedIn, s.importTemplate)
	api.Post("/surveys/:slug/imports", s.signedIn, s.importResponses)
	api.Get("/surveys/:slug/sms", s.officer, s.smsPreview)
	api.Post("/surveys/:slug/sms/invitations", s.officer, s.smsInvite)
	api.Get("/surveys/:slug/codebook", s.officer, s.getCodebook("json"))
	api.Get("/surveys/:slug/codebook.csv", s.officer, s.getCodebook("csv"))
	api.Get("/surveys/:slug/codebook.yaml", s.officer, s.getCodebook("yaml"))
	api.Put("/surveys/:slug/codebook", s.officer, s.putCodebook)
	api.Post("/surveys/:slug/themes/suggest", s.officer, s.suggestThemes)
	api.Get("/surveys/:slug/themes/answers", s.officer, s.themeAnswers)
	api.Post("/surveys/:slug/themes/decisions", s.officer, s.saveDecisions)
	api.Post("/surveys/:slug/themes/training", s.officer, s.importTraining)
	api.Post("/surveys/:slug/themes/train", s.officer, s.trainThemes)
	api.Get("/surveys/:slug/themes/agreement", s.officer, s.themeAgreement)
	api.Get("/surveys/:slug/themes/summary", s.officer, s.themeSummary("json"))
	api.Get("/surveys/:slug/themes/summary.csv", s.officer, s.themeSummary("csv"))
	api.Get("/surveys/:slug/themes/summary.xlsx", s.officer, s.themeSummary("xlsx"))
	api.Get("/surveys/:slug/themes/report", s.officer, s.themesReport)
	api.Post("/surveys/:slug/themes/discover", s.officer, s.discoverThemes)
	api.Get("/surveys/:slug/themes/candidates", s.officer, s.listCandidates)
	api.Get("/surveys/:slug/breakdown", s.officer, s.breakdown)
	api.Get("/surveys/:slug/breakdown.csv", s.officer, s.breakdownExport("csv"))
	api.Get("/surveys/:slug/breakdown.xlsx", s.officer, s.breakdownExport("xlsx"))
	api.Get("/surveys/:slug/representation", s.officer, s.representation)
	api.Get("/surveys/:slug/representation.csv", s.officer, s.representationExport("csv"))
	api.Get("/surveys/:slug/representation.xlsx", s.officer, s.representationExport("xlsx"))
	api.Get("/surveys/:slug/representation/daily", s.officer, s.representationDaily)
	api.Get("/surveys/:slug/representation/daily.csv", s.officer, s.representationExport("daily.csv"))
	api.Get("/surveys/:slug/baseline", s.officer, s.getBaseline)
	api.Get("/surveys/:slug/baseline.csv", s.officer, s.baselineCSV)
	api.Put("/surveys/:slug/baseline", s.officer, s.putBaseline)
	api.Delete("/surveys/:slug/baseline", s.officer, s.deleteBaseline)
	api.Get("/surveys/:slug/actions", s.officer, s.listActions)
	api.Post("/surveys/:slug/actions", s.officer, s.createAction)
	api.Get("/surveys/:slug/actions/:id", s.officer, s.getAction)
	api.Patch("/surveys/:slug/actions/:id", s.officer, s.changeAction)
	api.Delete("/surveys/:slug/actions/:id", s.officer, s.deleteAction)
	api.Get("/surveys/:slug/results", s.officer, s.getResults)
	api.Post("/surveys/:slug/results/publish", s.officer, s.publishResults)
	api.Post("/surveys/:slug/archive", s.officer, s.archiveSurvey)
	api.Get("/responses/:reference/subject-access", s.officer, s.subjectAccessAPI)
	api.Delete("/responses/:reference", s.officer, s.eraseAPI)
	api.Post("/responses/:reference/equality/withdraw", postLimit, s.withdrawEquality)
	api.Get("/audit", s.auditLog)
	api.Get("/audit.csv", s.exportAuditLog)
	api.Get("/translations", s.listTranslations)
	api.Get("/translations/:lang", s.getTranslations)
	api.Put("/translations/:lang", s.officer, s.replaceTranslations)

	app.Use(s.webNotFound)
}
