package server

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
)

// The officers' representation page: who we have heard from against the
// population, the groups heard from too little, each characteristic as a
// chart with its data table, the same over the life of the consultation,
// and the baseline to compare with.

// repCategory is one category's figures as shown.
type repCategory struct {
	Label, Respondents, Share, Population, Ratio string
	Under                                        bool
	// Bars: respondents' and population's shares, in chart units.
	RespondentsWidth, PopulationWidth, Y int
	Hidden                               bool
}

// repSection is one characteristic: a chart and its table.
type repSection struct {
	ID, Title string
	Height    int
	Rows      []repCategory
}

// trackChart is one category's ratio over the days shown, drawn small.
type trackChart struct {
	ID, Label, Summary string
	Points             string // SVG polyline points
	Dots               []trackDot
	OneY, UnderY       int // where ratio 1 and the under-represented line fall
}

type trackDot struct{ X, Y int }

// trackTable is the day-by-day figures of one characteristic: a column per
// category, a row per day shown, the latest first.
type trackTable struct {
	Characteristic string
	Title          string
	Categories     []string
	Days           []trackDay
	Charts         []trackChart
	HiddenDays     int
	Threshold      int
}

type trackDay struct {
	Day    string
	Ratios []repCategory
}

const (
	repChartWidth = 560 // the longest bar, for a share of 100%
	repGroupStep  = 68  // a label above two bars, and a gap
	trackWidth    = 240
	trackHeight   = 80
	trackMaxRatio = 2.0 // ratios above are drawn at the top
)

// dimensionName names a characteristic, as the breakdown page does.
func (s *Server) dimensionName(lang, dim string) string {
	return (&breakdownLabels{tr: s.tr, lang: lang}).dimension(dim)
}

func (s *Server) representationPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	return s.renderRepresentation(c, fiber.StatusOK, sv, nil)
}

func (s *Server) renderRepresentation(c *fiber.Ctx, status int, sv *surveys.Survey, problem error) error {
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	rep, tr, stored, err := s.compareWithBaseline(c, sv, true)
	if err != nil {
		return err
	}
	home := "/dashboard" + base(sv)
	d := struct {
		Survey, Base, Baseline, SetBy, Rule, Name string
		BuiltIn                                   bool
		Under                                     []string
		Sections                                  []repSection
		Track                                     trackTable
		TrackOptions                              []option
		Width                                     int
	}{Survey: sv.Title.In(lang, sv.DefaultLanguage()), Base: home, Baseline: rep.Baseline, BuiltIn: stored == nil,
		Rule: disclosure.RuleText(s.disclosure.Threshold, s.disclosure.Rounding), Width: repChartWidth + 140}
	if stored != nil {
		d.SetBy = T("representation.set_by", stored.SetBy, s.formatDateTime(lang, stored.SetAt))
	}
	if problem != nil {
		d.Name = c.FormValue("name")
	}
	var order []string
	for _, r := range rep.Rows {
		if !slices.Contains(order, r.Characteristic) {
			order = append(order, r.Characteristic)
		}
		if r.UnderRepresented {
			d.Under = append(d.Under, r.Sentence(T("representation.group", r.Label, s.dimensionName(lang, r.Characteristic)), "the"))
		}
	}
	for _, ch := range order {
		sec := repSection{ID: "rep-" + ch, Title: s.dimensionName(lang, ch)}
		for _, r := range rep.Rows {
			if r.Characteristic != ch {
				continue
			}
			row := s.repCategory(lang, r.Label, r.Respondents, r.RespondentsShare, r.Ratio, r.UnderRepresented)
			row.Population = fmt.Sprintf("%.1f%%", r.PopulationShare*100)
			row.PopulationWidth = max(1, int(math.Round(r.PopulationShare*repChartWidth)))
			if r.RespondentsShare != nil {
				row.RespondentsWidth = max(1, int(math.Round(*r.RespondentsShare*repChartWidth)))
			}
			row.Y = len(sec.Rows) * repGroupStep
			sec.Rows = append(sec.Rows, row)
		}
		sec.Height = max(len(sec.Rows)*repGroupStep, repGroupStep)
		d.Sections = append(d.Sections, sec)
	}
	track := c.Query("track", surveys.EqualityEthnicGroupBroad)
	if !slices.Contains(order, track) && len(order) > 0 {
		track = order[0]
	}
	for _, ch := range order {
		d.TrackOptions = append(d.TrackOptions, option{Value: ch, Label: s.dimensionName(lang, ch), Checked: ch == track})
	}
	d.Track = s.trackTable(lang, tr, track)
	p := &page{Lang: lang, Title: T("representation.title", d.Survey), Back: home, Data: d}
	if problem != nil {
		field := surveys.ErrorFields(problem)
		p.Errors = append(p.Errors, summaryError{Href: "#baseline-file", Text: surveys.ErrorMessage(problem)})
		if msg, ok := field["name"]; ok {
			p.Errors = append(p.Errors, summaryError{Href: "#baseline-name", Text: T("representation.baseline_name") + ": " + msg})
		}
		if msg, ok := field["file"]; ok {
			for _, m := range strings.Split(msg, "; ") {
				p.Errors = append(p.Errors, summaryError{Href: "#baseline-file", Text: m})
			}
		}
	}
	return s.render(c, status, "representation", p)
}

// repCategory words one category's published figures; a hidden count is
// shown as the marker the page's key explains, never as a number.
func (s *Server) repCategory(lang, label string, n *int, share, ratio *float64, under bool) repCategory {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	row := repCategory{Label: label, Under: under, Respondents: T("representation.hidden"), Share: "–", Ratio: "–", Hidden: n == nil}
	if n != nil {
		row.Respondents = fmt.Sprint(*n)
	}
	if share != nil {
		row.Share = fmt.Sprintf("%.1f%%", *share*100)
	}
	if ratio != nil {
		row.Ratio = fmt.Sprintf("%.2f", *ratio)
	}
	return row
}

// trackTable lays out one characteristic's days: the days shown, newest
// first, and a small chart per category of its ratio over them.
func (s *Server) trackTable(lang string, tr *disclosure.Tracking, ch string) trackTable {
	t := trackTable{Characteristic: ch, Title: s.dimensionName(lang, ch), Threshold: tr.Threshold}
	var rows []disclosure.TrackRow
	for _, r := range tr.Rows {
		if r.Characteristic == ch {
			rows = append(rows, r)
			t.Categories = append(t.Categories, r.Label)
		}
	}
	if len(rows) == 0 {
		return t
	}
	var shown []int // indexes of the days shown, oldest first
	for i, p := range rows[0].Points {
		if p.Shown {
			shown = append(shown, i)
		} else {
			t.HiddenDays++
		}
	}
	for k := len(shown) - 1; k >= 0; k-- {
		i := shown[k]
		day := trackDay{Day: tr.Days[i]}
		for _, r := range rows {
			p := r.Points[i]
			day.Ratios = append(day.Ratios, s.repCategory(lang, r.Label, p.Respondents, p.RespondentsShare, p.Ratio, p.UnderRepresented))
		}
		t.Days = append(t.Days, day)
	}
	y := func(ratio float64) int {
		return trackHeight - int(math.Round(min(ratio, trackMaxRatio)/trackMaxRatio*trackHeight))
	}
	for j, r := range rows {
		ch := trackChart{ID: fmt.Sprintf("track-%s-%d", ch, j), Label: r.Label, OneY: y(1), UnderY: y(0.8)}
		var pts []string
		var first, last *disclosure.TrackPoint
		for k, i := range shown {
			p := r.Points[i]
			if p.Ratio == nil {
				continue
			}
			if first == nil {
				first = &r.Points[i]
			}
			last = &r.Points[i]
			x := trackWidth / 2
			if len(shown) > 1 {
				x = k * trackWidth / (len(shown) - 1)
			}
			pts = append(pts, fmt.Sprintf("%d,%d", x, y(*p.Ratio)))
			ch.Dots = append(ch.Dots, trackDot{x, y(*p.Ratio)})
		}
		ch.Points = strings.Join(pts, " ")
		switch {
		case first == nil:
			ch.Summary = s.tr.T(lang, "representation.track_none", r.Label)
		case first == last:
			ch.Summary = s.tr.T(lang, "representation.track_one", r.Label, *last.Ratio, last.Day)
		default:
			ch.Summary = s.tr.T(lang, "representation.track_summary", r.Label, *first.Ratio, first.Day, *last.Ratio, last.Day)
		}
		t.Charts = append(t.Charts, ch)
	}
	return t
}

// saveBaselinePage sets the survey's baseline from the form (a name and a
// CSV file), or shows the page again with each problem.
func (s *Server) saveBaselinePage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	data, err := uploadedFile(c, "file")
	if surveys.ErrorCode(err) == surveys.EINVALID {
		data, err = nil, nil // SetSurveyBaseline names the missing file, with any other problem
	}
	if err == nil {
		err = s.setBaseline(c, sv, c.FormValue("name"), data)
	}
	if surveys.ErrorCode(err) == surveys.EINVALID {
		return s.renderRepresentation(c, fiber.StatusUnprocessableEntity, sv, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/representation", fiber.StatusSeeOther)
}

// clearBaselinePage goes back to the built-in baseline.
func (s *Server) clearBaselinePage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if err := s.svc.ClearSurveyBaseline(c.UserContext(), sv); err != nil {
		return err
	}
	return c.Redirect("/dashboard"+base(sv)+"/representation", fiber.StatusSeeOther)
}
