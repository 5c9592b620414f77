package server

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
	"github.com/voices-uk/voices/surveys/export"
)

// Representation: who we have heard from against the population, now and
// day by day, for officers (API, page and exports), and the population
// baseline an officer may set for a survey. The figures come from
// surveys/disclosure, protected there; nothing here counts or rounds.

// surveyBaseline returns the population sv's respondents are compared
// with: the baseline an officer set (stored), or the built-in one (stored
// is nil).
func (s *Server) surveyBaseline(c *fiber.Ctx, sv *surveys.Survey) (b *disclosure.Baseline, stored *surveys.Baseline, err error) {
	stored, err = s.store.SurveyBaseline(c.UserContext(), sv.ID)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return disclosure.DefaultBaseline(), nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	b, err = disclosure.ParseBaseline(bytes.NewReader(stored.CSV), stored.Name)
	if err != nil { // it was checked when it was set
		return nil, nil, fmt.Errorf("the baseline stored for %s no longer reads: %w", sv.Slug, err)
	}
	return b, stored, nil
}

// respondentsByDay counts sv's respondents by day (in the server's time
// zone) and equality characteristic.
func (s *Server) respondentsByDay(c *fiber.Ctx, sv *surveys.Survey) ([]surveys.DayCount, error) {
	return s.store.CountByDay(c.UserContext(), sv.ID, s.zone)
}

// sumDays adds the days up: respondents so far, per characteristic and
// category, as disclosure.Baseline.Compare takes them.
func sumDays(days []surveys.DayCount) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, d := range days {
		if out[d.Dimension] == nil {
			out[d.Dimension] = map[string]int{}
		}
		out[d.Dimension][d.Value] += d.Count
	}
	return out
}

// compareWithBaseline compares sv's respondents with its baseline now,
// and, when daily, day by day too.
func (s *Server) compareWithBaseline(c *fiber.Ctx, sv *surveys.Survey, daily bool) (*disclosure.Representation, *disclosure.Tracking, *surveys.Baseline, error) {
	b, stored, err := s.surveyBaseline(c, sv)
	if err != nil {
		return nil, nil, nil, err
	}
	days, err := s.respondentsByDay(c, sv)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := disclosure.CompareOptions{Threshold: s.disclosure.Threshold, Rounding: s.disclosure.Rounding}
	rep, err := b.Compare(sumDays(days), opts)
	if err != nil || !daily {
		return rep, nil, stored, err
	}
	tr, err := b.Track(days, opts)
	return rep, tr, stored, err
}

// representation answers GET /api/v1/surveys/{slug}/representation: for
// each equality characteristic, respondents' shares against the
// population's (Birmingham's Census 2021 unless an officer set another
// baseline), with the groups we have heard from too little flagged, and
// small numbers protected.
func (s *Server) representation(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	rep, _, _, err := s.compareWithBaseline(c, sv, false)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// representationDaily answers GET /api/v1/surveys/{slug}/representation/daily:
// the same comparison for everyone who had answered by the end of each day.
func (s *Server) representationDaily(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	_, tr, _, err := s.compareWithBaseline(c, sv, true)
	if err != nil {
		return err
	}
	return c.JSON(tr)
}

// baselineProblem turns a baseline file's problems into the error every
// form and the API show, each problem named by line and column.
func baselineProblem(err error) error {
	var be *disclosure.BaselineError
	if !errors.As(err, &be) {
		return err
	}
	return &surveys.Error{Code: surveys.EINVALID, Message: "The baseline file has problems. Fix each one listed and upload it again.",
		Fields: map[string]string{"file": strings.Join(be.Problems, "; ")}}
}

// setBaseline checks data as a baseline and sets it for sv under name.
func (s *Server) setBaseline(c *fiber.Ctx, sv *surveys.Survey, name string, data []byte) error {
	if len(data) > 0 && len(data) <= surveys.MaxBaselineSize {
		if _, err := disclosure.ParseBaseline(bytes.NewReader(data), name); err != nil {
			return baselineProblem(err)
		}
	}
	_, err := s.svc.SetSurveyBaseline(c.UserContext(), sv, name, data)
	return err
}

// putBaseline answers PUT /api/v1/surveys/{slug}/baseline?name=...: the
// body, a CSV in the format of the built-in baseline, becomes the
// population the survey's respondents are compared with.
func (s *Server) putBaseline(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if err := s.setBaseline(c, sv, c.Query("name"), c.Body()); err != nil {
		return err
	}
	return s.getBaseline(c)
}

// getBaseline answers GET /api/v1/surveys/{slug}/baseline: which baseline
// the survey uses.
func (s *Server) getBaseline(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	b, stored, err := s.surveyBaseline(c, sv)
	if err != nil {
		return err
	}
	out := fiber.Map{"name": b.Name, "attribution": b.Attribution, "built_in": stored == nil}
	if stored != nil {
		out["set_at"], out["set_by"] = stored.SetAt.UTC(), stored.SetBy
	}
	return c.JSON(out)
}

// deleteBaseline answers DELETE /api/v1/surveys/{slug}/baseline: back to
// the built-in baseline.
func (s *Server) deleteBaseline(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if err := s.svc.ClearSurveyBaseline(c.UserContext(), sv); err != nil {
		return err
	}
	return s.getBaseline(c)
}

// baselineCSV answers GET …/baseline.csv with the baseline in use, so an
// officer can see what they are compared with, or start another from it.
func (s *Server) baselineCSV(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	_, stored, err := s.surveyBaseline(c, sv)
	if err != nil {
		return err
	}
	data := []byte(disclosure.DefaultBaselineCSV())
	if stored != nil {
		data = stored.CSV
	}
	c.Set(fiber.HeaderContentType, export.ContentType("csv"))
	c.Attachment(sv.Slug + "-baseline.csv")
	return c.Send(data)
}

// representationRows are the published figures as rows for CSV and XLSX,
// the disclosure rule and the baseline's attribution last.
func (s *Server) representationRows(rep *disclosure.Representation) [][]string {
	rows := [][]string{{"characteristic", "category", "label", "respondents", "respondents_share", "population_share", "ratio", "under_represented"}}
	for _, r := range rep.Rows {
		rows = append(rows, []string{r.Characteristic, r.Category, r.Label, hiddenOr(r.Respondents), floatText(r.RespondentsShare),
			strconv.FormatFloat(r.PopulationShare, 'f', -1, 64), floatText(r.Ratio), strconv.FormatBool(r.UnderRepresented)})
	}
	return append(rows, []string{"note", disclosure.RuleText(s.disclosure.Threshold, s.disclosure.Rounding) +
		" " + export.Hidden + " marks a hidden count; a blank share or ratio would need one."}, []string{"baseline", rep.Baseline})
}

// trackingRows are the day-by-day figures as rows for CSV.
func trackingRows(tr *disclosure.Tracking) [][]string {
	rows := [][]string{{"day", "characteristic", "category", "label", "shown", "respondents", "respondents_share", "population_share", "ratio", "under_represented"}}
	for _, r := range tr.Rows {
		for _, p := range r.Points {
			rows = append(rows, []string{p.Day, r.Characteristic, r.Category, r.Label, strconv.FormatBool(p.Shown), hiddenOr(p.Respondents),
				floatText(p.RespondentsShare), strconv.FormatFloat(r.PopulationShare, 'f', -1, 64), floatText(p.Ratio), strconv.FormatBool(p.UnderRepresented)})
		}
	}
	return append(rows, []string{"note", disclosure.RuleText(tr.Threshold, tr.Rounding) +
		" " + export.Hidden + " marks a hidden count; a blank share or ratio would need one. A day is not shown when, set against a later day, it would reveal fewer than " +
		strconv.Itoa(tr.Threshold) + " people who answered in between."}, []string{"baseline", tr.Baseline})
}

// hiddenOr is a published count, or export.Hidden.
func hiddenOr(n *int) string {
	if n == nil {
		return export.Hidden
	}
	return strconv.Itoa(*n)
}

func floatText(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// representationExport writes the published representation figures as
// CSV or XLSX, or the day-by-day ones as CSV ("daily.csv").
func (s *Server) representationExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		rep, tr, _, err := s.compareWithBaseline(c, sv, format == "daily.csv")
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		switch format {
		case "csv":
			err = export.TableCSV(&buf, s.representationRows(rep))
		case "daily.csv":
			err = export.TableCSV(&buf, trackingRows(tr))
		case "xlsx":
			err = export.TableXLSX(&buf, "Representation", s.representationRows(rep), func(col string) bool {
				return col == "respondents" || strings.HasSuffix(col, "_share") || col == "ratio"
			})
		}
		if err != nil {
			return err
		}
		ext := format
		if format == "daily.csv" {
			ext = "csv"
		}
		c.Set(fiber.HeaderContentType, export.ContentType(ext))
		c.Attachment(fmt.Sprintf("%s-representation.%s", sv.Slug, format))
		return c.Send(buf.Bytes())
	}
}
