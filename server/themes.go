package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
	"github.com/voices-uk/voices/surveys/export"
)

// themeTraining tracks background retraining, one at a time per survey.
type themeTraining struct {
	mu             sync.Mutex
	running, again map[int64]bool
}

// putCodebook makes the body (YAML, JSON or CSV) the survey's codebook.
func (s *Server) putCodebook(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	cb, err := s.svc.PutCodebook(c.UserContext(), sv, c.Body())
	if err != nil {
		return err
	}
	return c.JSON(cb)
}

// getCodebook returns the survey's latest codebook as JSON, or with
// .csv or .yaml as a file to reuse on another survey.
func (s *Server) getCodebook(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		cb, err := s.store.Codebook(c.UserContext(), sv.ID)
		if err != nil {
			return err
		}
		switch format {
		case "csv":
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
			c.Attachment(fmt.Sprintf("%s-codebook-v%d.csv", sv.Slug, cb.Version))
			return surveys.WriteCodebookCSV(c, cb)
		case "yaml":
			data, err := yaml.Marshal(cb)
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
			c.Attachment(fmt.Sprintf("%s-codebook-v%d.yaml", sv.Slug, cb.Version))
			return c.Send(data)
		}
		return c.JSON(cb)
	}
}

// suggestThemes runs suggestions for the answers nobody has decided
// (?all=true: every answer).
func (s *Server) suggestThemes(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	n, err := s.svc.SuggestThemes(c.UserContext(), sv, c.QueryBool("all"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"answers": n})
}

// themeFilter reads the review queue's filter from the query string.
func themeFilter(c *fiber.Ctx, u *surveys.User) (surveys.ThemeAnswerFilter, error) {
	f := surveys.ThemeAnswerFilter{Question: c.Query("question"), Theme: c.Query("theme"), Channel: surveys.Channel(c.Query("channel")),
		EnteredBy: c.Query("entered_by"), Status: c.Query("status"), CoderID: u.ID, Limit: c.QueryInt("limit", 20)}
	fields := map[string]string{}
	for name, dst := range map[string]*float64{"min_confidence": &f.MinConfidence, "max_confidence": &f.MaxConfidence} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n < 0 || n > 1 {
				fields[name] = "must be a number from 0 to 1, e.g. 0.5"
			}
			*dst = n
		}
	}
	switch f.Status {
	case "", surveys.ReviewToDo, surveys.ReviewDone, surveys.ReviewMine, surveys.ReviewNotMine:
	default:
		fields["status"] = "must be todo, done, mine or not_mine"
	}
	if after := c.Query("after"); after != "" {
		id, key, ok := strings.Cut(after, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			fields["after"] = "must be <response id>:<question key>, as next_after gives it"
		}
		f.After = surveys.AnswerKey{ResponseID: n, QuestionKey: key}
	}
	if f.Limit < 1 || f.Limit > 500 {
		fields["limit"] = "must be a whole number from 1 to 500"
	}
	if len(fields) > 0 {
		return f, &surveys.Error{Code: surveys.EINVALID, Message: "The filter is not valid.", Fields: fields}
	}
	return f, nil
}

// themeAnswers returns one page of the review queue.
func (s *Server) themeAnswers(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	f, err := themeFilter(c, currentUser(c))
	if err != nil {
		return err
	}
	list, err := s.store.ThemeAnswers(c.UserContext(), sv.ID, sv.FreeTextKeys(), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*surveys.ThemeAnswer{}
	}
	var next any
	if len(list) == f.Limit {
		last := list[len(list)-1]
		next = fmt.Sprintf("%d:%s", last.ResponseID, last.QuestionKey)
	}
	return c.JSON(fiber.Map{"answers": list, "next_after": next})
}

// decisionsBody is the JSON of POST .../themes/decisions.
type decisionsBody struct {
	Decisions []struct {
		ResponseID int64    `json:"response_id"`
		Question   string   `json:"question"`
		Themes     []string `json:"themes"`
	} `json:"decisions"`
}

// saveDecisions stores the signed-in officer's decisions, then retrains
// the model in the background.
func (s *Server) saveDecisions(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	var b decisionsBody
	if err := channels.DecodeJSON(c.Body(), &b); err != nil {
		return err
	}
	decisions := map[surveys.AnswerKey][]string{}
	for _, d := range b.Decisions {
		decisions[surveys.AnswerKey{ResponseID: d.ResponseID, QuestionKey: d.Question}] = d.Themes
	}
	if err := s.svc.Review(c.UserContext(), sv, currentUser(c), decisions); err != nil {
		return err
	}
	s.retrain(sv)
	return c.JSON(fiber.Map{"saved": len(decisions)})
}

// importTraining stores labelled answers (text,themes CSV) to train from.
func (s *Server) importTraining(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	n, err := s.svc.ImportTrainingCSV(c.UserContext(), sv, c.Body())
	if err != nil {
		return err
	}
	s.retrain(sv)
	return c.JSON(fiber.Map{"imported": n})
}

// trainThemes trains the model now and says on how much.
func (s *Server) trainThemes(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	rec, err := s.svc.TrainThemes(c.UserContext(), sv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"examples": rec.Examples, "trained_at": rec.TrainedAt, "codebook_version": rec.CodebookVersion})
}

// themeAgreement reports Cohen's kappa per theme for each pair of coders.
func (s *Server) themeAgreement(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	list, err := s.svc.Agreements(c.UserContext(), sv)
	if err != nil {
		return err
	}
	if list == nil {
		list = []surveys.Agreement{}
	}
	return c.JSON(fiber.Map{"pairs": list})
}

// protectedSummary is the survey's themed summary as it may leave Voices:
// small numbers hidden and the rest rounded (see surveys/disclosure).
func (s *Server) protectedSummary(c *fiber.Ctx, sv *surveys.Survey, lang string) (*disclosure.Summary, error) {
	sum, err := s.svc.ThemeSummary(c.UserContext(), sv, lang)
	if err != nil {
		return nil, err
	}
	return disclosure.ProtectSummary(sum, s.disclosure)
}

// themeSummary returns the themed summary as JSON, CSV or XLSX.
func (s *Server) themeSummary(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		sum, err := s.protectedSummary(c, sv, sv.DefaultLanguage())
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s-themes-codebook-v%d.%s", sv.Slug, sum.CodebookVersion, format)
		switch format {
		case "csv":
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
			c.Attachment(name)
			return export.SummaryCSV(c, sum)
		case "xlsx":
			c.Set(fiber.HeaderContentType, export.ContentType("xlsx"))
			c.Attachment(name)
			return export.SummaryXLSX(c, sum)
		}
		return c.JSON(sum)
	}
}

// retrain trains a survey's model in the background after new decisions or
// labelled answers: one training at a time per survey, and one more after
// it if more came in meanwhile.
func (s *Server) retrain(sv *surveys.Survey) {
	s.training.mu.Lock()
	defer s.training.mu.Unlock()
	if s.training.running == nil {
		s.training.running = map[int64]bool{}
		s.training.again = map[int64]bool{}
	}
	if s.training.running[sv.ID] {
		s.training.again[sv.ID] = true
		return
	}
	s.training.running[sv.ID] = true
	go func() {
		for {
			ctx, cancel := context.WithTimeout(surveys.WithActor(context.Background(), surveys.Actor{Name: "retraining"}), 10*time.Minute)
			_, err := s.svc.TrainThemes(ctx, sv)
			cancel()
			if err != nil && surveys.ErrorCode(err) != surveys.EINVALID {
				s.log.Error("retraining the theme model failed", "survey", sv.Slug, "error", err.Error())
			}
			s.training.mu.Lock()
			if !s.training.again[sv.ID] {
				delete(s.training.running, sv.ID)
				s.training.mu.Unlock()
				return
			}
			s.training.again[sv.ID] = false
			s.training.mu.Unlock()
		}
	}()
}

// discoverThemes finds candidate themes among uncovered answers.
func (s *Server) discoverThemes(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	list, err := s.svc.DiscoverThemes(c.UserContext(), sv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"candidates": list})
}

// listCandidates lists a survey's candidate themes, open ones first.
func (s *Server) listCandidates(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	list, err := s.store.Candidates(c.UserContext(), sv.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*surveys.ThemeCandidate{}
	}
	return c.JSON(fiber.Map{"candidates": list})
}
