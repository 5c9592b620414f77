package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// Closing the loop, the officer's API: actions ("we did", linked to the
// themes of "you said"), the draft and published results, publishing, and
// archiving. The figures are protected in surveys/disclosure; the public
// page and open data are in results_web.go.

func actionID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, surveys.Errorf(surveys.ENOTFOUND, "There is no such action for this survey.")
	}
	return id, nil
}

// listActions answers GET /api/v1/surveys/{slug}/actions.
func (s *Server) listActions(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	list, err := s.svc.Actions(c.UserContext(), sv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"actions": list})
}

// getAction answers GET /api/v1/surveys/{slug}/actions/{id}.
func (s *Server) getAction(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	a, err := s.svc.Action(c.UserContext(), sv, id)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// actionBody is the JSON of a new action.
type actionBody struct {
	Title       surveys.Text         `json:"title"`
	Description surveys.Text         `json:"description"`
	Themes      []string             `json:"themes"`
	Status      surveys.ActionStatus `json:"status"`
	Reason      surveys.Text         `json:"reason"`
	Due         string               `json:"due"`
}

// createAction answers POST /api/v1/surveys/{slug}/actions with 201 and
// the action (its "id" among its fields).
func (s *Server) createAction(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	var b actionBody
	if err := channels.DecodeJSON(c.Body(), &b); err != nil {
		return err
	}
	if b.Status == "" {
		b.Status = surveys.ActionPlanned
	}
	a, err := s.svc.CreateAction(c.UserContext(), sv, &surveys.Action{Title: b.Title, Description: b.Description,
		Themes: b.Themes, Status: b.Status, Reason: b.Reason, Due: b.Due})
	if err != nil {
		return err
	}
	c.Location("/api/v1/surveys/" + sv.Slug + "/actions/" + strconv.FormatInt(a.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(a)
}

// changeAction answers PATCH /api/v1/surveys/{slug}/actions/{id}: the
// fields given change, the others stay.
func (s *Server) changeAction(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	var ch surveys.ActionChange
	if err := channels.DecodeJSON(c.Body(), &ch); err != nil {
		return err
	}
	a, err := s.svc.ChangeAction(c.UserContext(), sv, id, &ch)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// deleteAction answers DELETE /api/v1/surveys/{slug}/actions/{id}.
func (s *Server) deleteAction(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAction(c.UserContext(), sv, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// protectedFigures counts who took part and what they said in sv, and
// protects the counts for publishing.
func (s *Server) protectedFigures(c *fiber.Ctx, sv *surveys.Survey) (*surveys.PublishedFigures, error) {
	raw, err := s.svc.ResultsFigures(c.UserContext(), sv)
	if err != nil {
		return nil, err
	}
	return disclosure.ProtectResults(sv, raw, s.disclosure)
}

// draftPublication is what publishing sv now would publish.
func (s *Server) draftPublication(c *fiber.Ctx, sv *surveys.Survey) (*surveys.Publication, error) {
	figures, err := s.protectedFigures(c, sv)
	if err != nil {
		return nil, err
	}
	return s.svc.DraftPublication(c.UserContext(), sv, figures)
}

// latestPublication is sv's published results, or nil.
func (s *Server) latestPublication(c *fiber.Ctx, sv *surveys.Survey) (*surveys.Publication, error) {
	p, err := s.svc.Publication(c.UserContext(), sv)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

// getResults answers GET /api/v1/surveys/{slug}/results: the draft (what
// publishing now would publish, for review) and what is published.
func (s *Server) getResults(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	draft, err := s.draftPublication(c, sv)
	if err != nil {
		return err
	}
	published, err := s.latestPublication(c, sv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"draft": draft, "published": published, "changed_actions": actionIDs(surveys.ChangedActions(published, draft))})
}

func actionIDs(list []surveys.Action) []int64 {
	ids := []int64{}
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

// publish publishes sv's results as they stand and queues the updates.
func (s *Server) publish(c *fiber.Ctx, sv *surveys.Survey) (*surveys.Publication, surveys.PublishResult, error) {
	if sv.Status == surveys.StatusDraft {
		return nil, surveys.PublishResult{}, surveys.Errorf(surveys.ECONFLICT, "Open the survey before publishing its results: a draft has had no answers.")
	}
	figures, err := s.protectedFigures(c, sv)
	if err != nil {
		return nil, surveys.PublishResult{}, err
	}
	return s.svc.PublishResults(c.UserContext(), sv, figures, s.updates, s.publicURL(c))
}

// publishResults answers POST /api/v1/surveys/{slug}/results/publish.
func (s *Server) publishResults(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	p, res, err := s.publish(c, sv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"version": res.Version, "published_at": p.PublishedAt, "changed_actions": res.Changed,
		"texts": res.Texts, "emails_queued": res.Emails, "url": s.publicURL(c) + "/s/" + sv.Slug + "/results"})
}

// archiveSurvey answers POST /api/v1/surveys/{slug}/archive.
func (s *Server) archiveSurvey(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	res, err := s.svc.ArchiveSurvey(c.UserContext(), sv)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
