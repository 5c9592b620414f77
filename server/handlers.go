package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// readyz answers 200 only when the database answers.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("readiness check failed", "error", err.Error())
		return c.Status(fiber.StatusServiceUnavailable).SendString("database not answering")
	}
	return c.SendString("ready")
}

// surveyJSON is a survey as the API shows it.
type surveyJSON struct {
	*surveys.Survey
	Open bool `json:"open"` // taking responses right now
}

func (s *Server) showSurvey(sv *surveys.Survey) surveyJSON {
	return surveyJSON{Survey: sv, Open: sv.CheckOpen(s.svc.Clock()) == nil}
}

// listSurveys lists surveys: officers see all (or ?status=), everyone else
// sees only those that are not drafts.
func (s *Server) listSurveys(c *fiber.Ctx) error {
	status := surveys.Status(c.Query("status"))
	switch status {
	case "", surveys.StatusDraft, surveys.StatusOpen, surveys.StatusClosed:
	default:
		return &surveys.Error{Code: surveys.EINVALID, Message: "The filter is not valid.",
			Fields: map[string]string{"status": "must be draft, open or closed"}}
	}
	list, err := s.store.Surveys(c.UserContext(), status)
	if err != nil {
		return err
	}
	isOfficer := currentUser(c) != nil && currentUser(c).Role.IsOfficer()
	out := []surveyJSON{}
	for _, sv := range list {
		if sv.Status == surveys.StatusDraft && !isOfficer {
			continue
		}
		out = append(out, s.showSurvey(sv))
	}
	return c.JSON(fiber.Map{"surveys": out})
}

// loadSurvey returns the survey named in the path. Drafts are hidden from
// everyone but officers, as if they did not exist.
func (s *Server) loadSurvey(c *fiber.Ctx) (*surveys.Survey, error) {
	sv, err := s.store.Survey(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if sv.Status == surveys.StatusDraft && (currentUser(c) == nil || !currentUser(c).Role.IsOfficer()) {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no survey at this address.")
	}
	return sv, nil
}

func (s *Server) getSurvey(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	return c.JSON(s.showSurvey(sv))
}

func (s *Server) createSurvey(c *fiber.Ctx) error {
	sv, err := s.svc.CreateSurvey(c.UserContext(), c.Body())
	if err != nil {
		return err
	}
	c.Location("/api/v1/surveys/" + sv.Slug)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"slug": sv.Slug})
}

func (s *Server) replaceSurvey(c *fiber.Ctx) error {
	sv, err := s.svc.ReplaceSurvey(c.UserContext(), c.Params("slug"), c.Body())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"slug": sv.Slug})
}

func (s *Server) setStatus(status surveys.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := s.svc.SetStatus(c.UserContext(), c.Params("slug"), status); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"slug": c.Params("slug"), "status": status})
	}
}

// submitResponse takes a response sent as JSON (the API channel).
func (s *Server) submitResponse(c *fiber.Ctx) error {
	sub, err := channels.DecodeAPISubmission(c.Body(), currentUser(c))
	if err != nil {
		return err
	}
	r, err := s.svc.Submit(c.UserContext(), c.Params("slug"), sub)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"reference": r.Reference, "id": r.ID})
}

// responseFilter reads ?channel=, ?from=, ?to=, ?after= and ?limit=.
func responseFilter(c *fiber.Ctx) (surveys.ResponseFilter, error) {
	var f surveys.ResponseFilter
	fields := map[string]string{}
	if ch := c.Query("channel"); ch != "" {
		f.Channel = surveys.Channel(ch)
		found := false
		for _, known := range surveys.Channels {
			found = found || known == f.Channel
		}
		if !found {
			fields["channel"] = fmt.Sprintf("%q is not a channel; use one of: web, api, sms, assisted, import", ch)
		}
	}
	if e := c.Query("entered_by"); e != "" {
		f.EnteredBy = e
		if !slices.Contains(enteredByValues, e) {
			fields["entered_by"] = fmt.Sprintf("%q is not a way of entering responses; use one of: %s", e, strings.Join(enteredByValues, ", "))
		}
	}
	if l := c.Query("language"); l != "" {
		f.Language = l
		if !surveys.IsLanguageCode(l) {
			fields["language"] = "must be a language code such as en or ur"
		}
	}
	parseTime := func(name string, dst *time.Time) {
		v := c.Query(name)
		if v == "" {
			return
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				*dst = t
				return
			}
		}
		fields[name] = "must be a date like 2027-01-31 or a time like 2027-01-31T09:00:00Z"
	}
	parseTime("from", &f.From)
	parseTime("to", &f.To)
	parseInt := func(name string, dst *int64, lo, hi int64) {
		v := c.Query(name)
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			fields[name] = fmt.Sprintf("must be a whole number from %d to %d", lo, hi)
			return
		}
		*dst = n
	}
	var limit int64 = 50
	parseInt("limit", &limit, 1, 1000)
	parseInt("after", &f.AfterID, 0, 1<<62)
	f.Limit = int(limit)
	if len(fields) > 0 {
		return f, &surveys.Error{Code: surveys.EINVALID, Message: "The filter is not valid.", Fields: fields}
	}
	return f, nil
}

// surveyAndFilter loads the survey in the path and the response filter in
// the query string.
func (s *Server) surveyAndFilter(c *fiber.Ctx) (*surveys.Survey, surveys.ResponseFilter, error) {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return nil, surveys.ResponseFilter{}, err
	}
	f, err := responseFilter(c)
	if err != nil {
		return nil, f, err
	}
	f, err = currentUser(c).Scope(f)
	return responseView(c, sv), f, err
}

// responseView is the survey as the signed-in user may see its responses:
// without its equality columns for anyone who may not see equality answers
// beside one person's response (surveys.User.SeesEquality). The exports and
// export.JSON leave equality out of a survey without equality monitoring.
func responseView(c *fiber.Ctx, sv *surveys.Survey) *surveys.Survey {
	if !sv.EqualityMonitoring || currentUser(c).SeesEquality() {
		return sv
	}
	view := *sv
	view.EqualityMonitoring = false
	return &view
}

// listResponses returns one page of responses; "next_after" pages on.
func (s *Server) listResponses(c *fiber.Ctx) error {
	sv, f, err := s.surveyAndFilter(c)
	if err != nil {
		return err
	}
	list, err := s.store.Responses(c.UserContext(), sv.ID, f)
	if err != nil {
		return err
	}
	out := make([]export.ResponseJSON, len(list))
	for i, r := range list {
		out[i] = export.JSON(sv, r)
	}
	var next any
	if len(list) == f.Limit && f.Limit > 0 {
		next = list[len(list)-1].ID
	}
	return c.JSON(fiber.Map{"responses": out, "next_after": next})
}

// exportResponses streams every response as CSV, JSON or XLSX. The body is
// written as rows are read, so memory does not grow with the survey.
func (s *Server) exportResponses(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, f, err := s.surveyAndFilter(c)
		if err != nil {
			return err
		}
		if err := s.svc.RecordExport(c.UserContext(), sv, format, f); err != nil {
			return err // an export that cannot be recorded does not happen
		}
		c.Set(fiber.HeaderContentType, export.ContentType(format))
		c.Attachment(fmt.Sprintf("%s-responses.%s", sv.Slug, format))
		c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
			// The request is finished when this runs, so it has its own context.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			if err := export.Responses(ctx, s.store, sv, f, format, w); err != nil && !errors.Is(err, io.ErrClosedPipe) {
				s.log.Error("export failed part way", "survey", sv.Slug, "format", format, "error", err.Error())
			}
			w.Flush()
		})
		return nil
	}
}

// auditLog returns the audit log to administrators, newest first;
// ?before=<id> pages back.
func (s *Server) auditLog(c *fiber.Ctx) error {
	before, limit := int64(c.QueryInt("before")), c.QueryInt("limit")
	list, err := s.svc.AuditLog(c.UserContext(), currentUser(c), before, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*surveys.AuditEvent{}
	}
	return c.JSON(fiber.Map{"events": list})
}

// getResponse returns one response the user may see.
func (s *Server) getResponse(c *fiber.Ctx) error {
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	corrections, err := s.store.Corrections(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	if corrections == nil {
		corrections = []*surveys.Correction{}
	}
	if !currentUser(c).SeesEquality() {
		for _, k := range corrections {
			k.Before, k.After = k.Before.WithoutEquality(), k.After.WithoutEquality()
		}
	}
	return c.JSON(fiber.Map{"response": export.JSON(responseView(c, sv), r), "corrections": corrections})
}

// correctResponseAPI records a correction to a response the user may see.
func (s *Server) correctResponseAPI(c *fiber.Ctx) error {
	sv, r, err := s.visibleResponse(c)
	if err != nil {
		return err
	}
	sub, reason, err := channels.DecodeCorrection(c.Body())
	if err != nil {
		return err
	}
	sub.Channel, sub.Mediation = r.Channel, r.Mediation
	corrected, err := s.svc.CorrectResponse(c.UserContext(), sv, currentUser(c), r.Reference, sub, reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"response": export.JSON(responseView(c, sv), corrected)})
}
