package server

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/disclosure"
	"github.com/voices-uk/voices/surveys/export"
)

// The officers' breakdown page, "Who we heard from" (issue 7): a GET form
// (so a breakdown can be bookmarked, and no script is needed) choosing up
// to three characteristics and what to count; the protected table it
// gives, as SVG bar charts and data tables with plain-language flags; and
// exactly the same published figures as CSV and XLSX, from the page and
// the API. Nothing here counts or protects: surveys counts, disclosure
// protects, and this file only lays out what disclosure published.
//
// Layout:
//   - one characteristic, respondents: a bar chart of the categories, then
//     a table of every category and "All" (count, share of everyone);
//   - one characteristic with a question or theme: per answer (or the
//     theme) a chart of each group's share giving it, "All" last for
//     comparison, then a table (answered, gave it, share, lift, p);
//   - two or three characteristics, respondents: a cross-table, rows the
//     combinations of all but the last characteristic, columns the last
//     one's categories and "All". Each row has one row header per
//     characteristic, so a screen reader names the whole combination;
//   - two or three with a question or theme: per answer, one row per
//     combination, with the same columns as for one characteristic.
//
// Crossed tables get no chart (bars for dozens of combinations do not
// read), and leave out the combinations with nobody in them, saying so.
// Tables can be wide (22 detailed ethnic groups as columns), so each
// scrolls sideways inside a focusable region rather than the page
// scrolling: WCAG 1.4.10 lets data tables keep their two dimensions.

// Markers for figures not shown, after the ONS's: [c] confidential,
// [x] not available.
const (
	hiddenMarker      = "[c]"
	unavailableMarker = "[x]"
)

// breakdownQuery reads a breakdown from the address. "by" comes once per
// list of the page's form (empty for "(none)"), or comma-separated as the
// API takes it; empty names are left out, as the API does. "count" is the
// page's single list of what to count ("question:KEY" or "theme:ID", empty
// for respondents), beside the API's question and theme. picked is every
// "by" as given, in order, to put back in the form.
func (s *Server) breakdownQuery(c *fiber.Ctx) (q surveys.BreakdownQuery, picked []string, err error) {
	for _, v := range c.Context().QueryArgs().PeekMulti("by") {
		for _, d := range strings.Split(string(v), ",") {
			d = strings.TrimSpace(d)
			picked = append(picked, d)
			if d != "" {
				q.By = append(q.By, d)
			}
		}
	}
	q.Question, q.Theme = c.Query("question"), c.Query("theme")
	if since := strings.TrimSpace(c.Query("since")); since != "" {
		day, err := time.ParseInLocation(time.DateOnly, since, s.zone)
		if err != nil {
			return q, picked, &surveys.Error{Code: surveys.EINVALID, Message: "The breakdown cannot be made as asked. Check each parameter listed.",
				Fields: map[string]string{"since": fmt.Sprintf("%q is not a date; give it as year-month-day, such as 2026-11-02", since)}}
		}
		q.Since = day
	}
	if count := c.Query("count"); count != "" {
		switch kind, id, _ := strings.Cut(count, ":"); kind {
		case "question":
			q.Question = id
		case "theme":
			q.Theme = id
		default:
			return q, picked, &surveys.Error{Code: surveys.EINVALID, Message: "The breakdown cannot be made as asked. Check each parameter listed.",
				Fields: map[string]string{"count": "choose respondents, a question or a theme from the list"}}
		}
	}
	return q, picked, nil
}

// exportQuery is q as the exports' and the API's query string.
func exportQuery(q surveys.BreakdownQuery) string {
	v := url.Values{"by": {strings.Join(q.By, ",")}}
	if q.Question != "" {
		v.Set("question", q.Question)
	}
	if q.Theme != "" {
		v.Set("theme", q.Theme)
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.Format(time.DateOnly))
	}
	return "?" + v.Encode()
}

// protectedBreakdown counts and protects a breakdown exactly as
// GET /api/v1/surveys/{slug}/breakdown does, so the page, its exports and
// the API publish the same figures.
func (s *Server) protectedBreakdown(ctx context.Context, sv *surveys.Survey, q surveys.BreakdownQuery) (*disclosure.Breakdown, error) {
	count := func(q surveys.BreakdownQuery) (base, values []surveys.GroupCount, err error) {
		if base, err = s.svc.CountGroups(ctx, sv, surveys.BreakdownQuery{By: q.By, Since: q.Since}); err != nil {
			return nil, nil, err
		}
		if q.Question != "" || q.Theme != "" {
			values, err = s.svc.CountGroups(ctx, sv, q)
		}
		return base, values, err
	}
	base, values, err := count(q)
	if err != nil || q.Since.IsZero() {
		if err != nil {
			return nil, err
		}
		return disclosure.Build(sv, q, base, values, s.disclosure)
	}
	all := q
	all.Since = time.Time{}
	allBase, allValues, err := count(all)
	if err != nil {
		return nil, err
	}
	return disclosure.BuildFiltered(sv, q, base, values, allBase, allValues, s.disclosure)
}

// surveyCodebook is the survey's codebook, or nil when it has none yet.
func (s *Server) surveyCodebook(ctx context.Context, sv *surveys.Survey) (*surveys.Codebook, error) {
	cb, err := s.store.Codebook(ctx, sv.ID)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return nil, nil
	}
	return cb, err
}

// breakdownLabels names what a breakdown shows, in one language.
type breakdownLabels struct {
	tr     *channels.Translator
	lang   string
	values map[string]string // the question's answers, or the theme, by id; "*" is the base
}

func (s *Server) newBreakdownLabels(lang string, sv *surveys.Survey, cb *surveys.Codebook, q surveys.BreakdownQuery) *breakdownLabels {
	l := &breakdownLabels{tr: s.tr, lang: lang, values: map[string]string{}}
	switch {
	case q.Theme != "":
		l.values[disclosure.Total] = l.t("dashboard.breakdown.decided")
		l.values[q.Theme] = q.Theme
		if cb != nil && cb.Theme(q.Theme) != nil {
			l.values[q.Theme] = cb.Theme(q.Theme).Name
		}
	case q.Question != "":
		l.values[disclosure.Total] = l.t("dashboard.breakdown.answered")
		if qn := sv.Question(q.Question); qn != nil {
			// The labels the form shows, "1 – Very poor" and "Other" included.
			for _, o := range s.questionField(sv, qn, lang, &surveys.Draft{}).Options {
				l.values[o.Value] = o.Label
			}
		}
	}
	return l
}

func (l *breakdownLabels) t(key string, args ...any) string { return l.tr.T(l.lang, key, args...) }

// text is key's text, or fallback when the catalogue has no such key.
func (l *breakdownLabels) text(key, fallback string) string {
	if s, ok := l.tr.Lookup(l.lang, key); ok {
		return s
	}
	return fallback
}

// dimension names a characteristic: "Age band", "Who entered it".
func (l *breakdownLabels) dimension(dim string) string {
	return l.text("dashboard.breakdown.dim."+dim, dim)
}

// category names a category of dim, or with dim "" a value; it is an
// export.CategoryLabel.
func (l *breakdownLabels) category(dim, id string) string {
	switch {
	case dim == "":
		if v, ok := l.values[id]; ok {
			return v
		}
		return id
	case id == disclosure.Total:
		return l.t("dashboard.breakdown.all")
	case id == disclosure.NotAnsweredCategory:
		return l.t("dashboard.breakdown.not_answered")
	case id == surveys.PreferNotToSay:
		return l.t("equality.prefer_not_to_say")
	case dim == surveys.DimensionChannel:
		return l.text("responses.channel."+id, id)
	case dim == surveys.DimensionEnteredBy:
		return l.text("responses.entered_by."+id, id)
	case dim == surveys.EqualityEthnicGroupBroad:
		return l.text("equality.ethnic_group.group."+id, id)
	case dim == surveys.EqualityDisability:
		return l.text("dashboard.breakdown.disability."+id, id)
	case dim == "ethnic_group":
		// "Irish" or "African" alone would be ambiguous: name the broad group too.
		if o := surveys.EqualityQuestionByKey(dim).Option(id); o != nil {
			return l.text("equality.ethnic_group.group."+o.Group, o.Group) + ": " + l.text("equality.ethnic_group.option."+id, id)
		}
	}
	return l.text("equality."+dim+".option."+id, id)
}

// dimensions names several characteristics: "Sex", "Sex and Age band",
// "Sex, Age band and Religion".
func (l *breakdownLabels) dimensions(by []string) string {
	names := make([]string, len(by))
	for i, d := range by {
		names[i] = l.dimension(d)
	}
	if len(names) == 1 {
		return names[0]
	}
	return l.t("dashboard.breakdown.and", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// group describes a cell's group: "Sex: Female; Age band: 25 to 34".
func (l *breakdownLabels) group(by []string, g map[string]string) string {
	var parts []string
	for _, d := range by {
		if g[d] != disclosure.Total {
			parts = append(parts, l.dimension(d)+": "+l.category(d, g[d]))
		}
	}
	return strings.Join(parts, "; ")
}

// The page's view of a breakdown.
type (
	breakdownForm struct {
		By                [surveys.MaxBreakdownDimensions][]option
		Questions, Themes []option
		Respondents       option
		ByError           string
		ByErrorAt         int // the list the error is about (0-based)
		CountError        string
		Since, SinceError string // the since date as typed, and what is wrong with it
	}
	breakdownResult struct {
		Heading, Rule string
		Sections      []breakdownSection
		LeftOut       bool // combinations with nobody in them were left out
		Values        bool // a question or theme: lifts, p-values and flags
		Flags         []string
		Theme         bool // a theme: only decided answers count, which the key says
		Threshold     int
		Tests         int // comparisons tested, for the caution about chance
		CSV, XLSX     string
	}
	breakdownSection struct {
		Heading string // the answer or theme, in a table of values
		Chart   *barChart
		Table   dataTable
	}
	barChart struct {
		ID, Title, Desc string
		Height          int
		Bars            []chartBar
	}
	chartBar struct {
		Name, Label            string
		NameY, BarY, Width     int
		ValueX, ValueY, Height int
	}
	dataTable struct {
		ID, Caption string
		Head        []string // column headers, row headers' columns first
		Rows        []dataRow
	}
	dataRow struct {
		Heads, Cells []string
	}
)

// Chart geometry, in the SVG's own units: each bar has its name above it.
const (
	chartBarMax    = 440
	chartRowHeight = 48
	chartBarHeight = 18
)

// breakdownPage shows the form and, once it has been sent, the breakdown.
func (s *Server) breakdownPage(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	ctx := c.UserContext()
	cb, err := s.surveyCodebook(ctx, sv)
	if err != nil {
		return err
	}
	q, picked, err := s.breakdownQuery(c)
	var b *disclosure.Breakdown
	asked := c.Context().QueryArgs().Has("by") || c.Query("count") != "" || q.Question != "" || q.Theme != ""
	if asked && err == nil {
		b, err = s.protectedBreakdown(ctx, sv, q)
	}
	if err != nil && surveys.ErrorCode(err) != surveys.EINVALID {
		return err
	}
	l := s.newBreakdownLabels(lang, sv, cb, q)
	form := s.breakdownFormData(l, sv, cb, q, picked)
	form.Since = c.Query("since")
	title := l.t("dashboard.breakdown.title", sv.Title.In(lang, sv.DefaultLanguage()))
	p := &page{Lang: lang, Title: title, Back: "/dashboard" + base(sv)}
	status := fiber.StatusOK
	var result *breakdownResult
	if err != nil {
		status = fiber.StatusUnprocessableEntity
		p.Errors = breakdownErrors(l, &form, picked, err)
	} else if b != nil {
		subject := ""
		if qn := sv.Question(q.Question); qn != nil {
			subject = qn.Prompt.In(lang, sv.DefaultLanguage())
		}
		result = breakdownView(l, q, subject, b)
		path := "/dashboard" + base(sv) + "/breakdown"
		result.CSV, result.XLSX = path+".csv"+exportQuery(q), path+".xlsx"+exportQuery(q)
	}
	p.Data = struct {
		Title  string
		Form   breakdownForm
		Result *breakdownResult
	}{title, form, result}
	return s.render(c, status, "breakdown", p)
}

// breakdownFormData fills the form's lists, with what was chosen selected.
func (s *Server) breakdownFormData(l *breakdownLabels, sv *surveys.Survey, cb *surveys.Codebook, q surveys.BreakdownQuery, picked []string) breakdownForm {
	var f breakdownForm
	for i := range f.By {
		chosen := ""
		if i < len(picked) {
			chosen = picked[i]
		}
		if i > 0 { // only the first is required
			f.By[i] = append(f.By[i], option{Value: "", Label: l.t("dashboard.breakdown.none"), Checked: chosen == ""})
		}
		for _, d := range surveys.BreakdownDimensions {
			f.By[i] = append(f.By[i], option{Value: d, Label: l.dimension(d), Checked: chosen == d})
		}
	}
	f.Respondents = option{Value: "", Label: l.t("dashboard.breakdown.count_respondents"), Checked: q.Question == "" && q.Theme == ""}
	def := sv.DefaultLanguage()
	for _, k := range sv.BreakdownQuestionKeys() {
		f.Questions = append(f.Questions, option{Value: "question:" + k, Label: sv.Question(k).Prompt.In(l.lang, def), Checked: q.Question == k})
	}
	if cb != nil {
		for _, t := range cb.Themes {
			f.Themes = append(f.Themes, option{Value: "theme:" + t.ID, Label: t.Name, Checked: q.Theme == t.ID})
		}
	}
	return f
}

// breakdownErrors puts the problems the service found (its Fields) beside
// the lists they are about, and returns the error summary linking to them.
func breakdownErrors(l *breakdownLabels, f *breakdownForm, picked []string, err error) []summaryError {
	fields := surveys.ErrorFields(err)
	var out []summaryError
	if msg, ok := fields["by"]; ok {
		// A characteristic chosen twice: point at the second list that has it.
		seen := map[string]bool{}
		for i, d := range picked {
			if d != "" && seen[d] && i < len(f.By) {
				f.ByErrorAt = i
				break
			}
			seen[d] = true
		}
		f.ByError = l.t("dashboard.breakdown.by_legend") + ": " + msg
		out = append(out, summaryError{Href: fmt.Sprintf("#by-%d", f.ByErrorAt+1), Text: f.ByError})
	}
	for _, k := range []string{"count", "question", "theme"} {
		if msg, ok := fields[k]; ok && f.CountError == "" {
			f.CountError = l.t("dashboard.breakdown.count") + ": " + msg
			out = append(out, summaryError{Href: "#count", Text: f.CountError})
		}
	}
	if msg, ok := fields["since"]; ok {
		f.SinceError = l.t("dashboard.breakdown.since") + ": " + msg
		out = append(out, summaryError{Href: "#since", Text: f.SinceError})
	}
	if len(out) == 0 {
		f.ByError = surveys.ErrorMessage(err)
		out = append(out, summaryError{Href: "#by-1", Text: f.ByError})
	}
	return out
}

// breakdownView lays out a protected breakdown (see the layout above).
// subject is the question's prompt, for a breakdown of its answers.
func breakdownView(l *breakdownLabels, q surveys.BreakdownQuery, subject string, b *disclosure.Breakdown) *breakdownResult {
	r := &breakdownResult{Rule: disclosure.RuleText(b.Threshold, b.Rounding), Threshold: b.Threshold, Values: q.Question != "" || q.Theme != "", Theme: q.Theme != ""}
	cells := map[string]*disclosure.Cell{}
	var groups [][]string // every combination of categories, in the table's order
	var values []string   // the answers (or the theme), without the base
	seenGroup, seenValue := map[string]bool{}, map[string]bool{}
	for i := range b.Cells {
		c := &b.Cells[i]
		g := make([]string, len(b.By))
		for d, dim := range b.By {
			g[d] = c.Group[dim]
		}
		key := strings.Join(g, "\x00")
		if !seenGroup[key] {
			seenGroup[key] = true
			groups = append(groups, g)
		}
		cells[key+"\x00"+c.Value] = c
		if c.Value != "" && c.Value != disclosure.Total && !seenValue[c.Value] {
			seenValue[c.Value] = true
			values = append(values, c.Value)
		}
	}
	cell := func(g []string, value string) *disclosure.Cell { return cells[strings.Join(g, "\x00")+"\x00"+value] }
	dims := l.dimensions(b.By)
	crossed := len(b.By) > 1

	if !r.Values {
		r.Heading = l.t("dashboard.breakdown.heading_respondents", dims)
		if !crossed {
			r.Sections = []breakdownSection{respondentsSection(l, b.By[0], groups, cell)}
		} else {
			sec, leftOut := crossSection(l, b.By, groups, cell)
			r.Sections, r.LeftOut = []breakdownSection{sec}, leftOut
		}
		return r
	}
	if q.Theme != "" {
		r.Heading = l.t("dashboard.breakdown.heading_theme", l.category("", q.Theme), dims)
	} else {
		r.Heading = l.t("dashboard.breakdown.heading_question", subject, dims)
	}
	for i, v := range values {
		sec, leftOut := valueSection(l, q, b.By, groups, v, i, cell)
		r.Sections = append(r.Sections, sec)
		r.LeftOut = r.LeftOut || leftOut
	}
	for _, c := range b.Cells {
		if c.Value == "" || c.Value == disclosure.Total || allTotal(c.Group) {
			continue
		}
		if c.P != nil {
			r.Tests++
		}
		if c.Notable(b.Threshold) {
			r.Flags = append(r.Flags, disclosure.Flag(l.t("dashboard.breakdown.flag_group", l.group(b.By, c.Group)),
				"“"+l.category("", c.Value)+"”", *c.Lift, *c.P))
		}
	}
	return r
}

func allTotal(g map[string]string) bool {
	for _, v := range g {
		if v != disclosure.Total {
			return false
		}
	}
	return true
}

// Figures as the tables show them: [c] for any figure of a hidden cell,
// [x] for one not published (it would need a hidden count, or does not
// apply, as the lift of everyone against everyone).
func countText(c *disclosure.Cell) string {
	switch {
	case c != nil && c.Suppressed:
		return hiddenMarker
	case c == nil || c.Count == nil:
		return unavailableMarker
	}
	return strconv.Itoa(*c.Count)
}

func figureText(c *disclosure.Cell, v *float64, format func(float64) string) string {
	switch {
	case c != nil && c.Suppressed:
		return hiddenMarker
	case c == nil || v == nil:
		return unavailableMarker
	}
	return format(*v)
}

func shareText(c *disclosure.Cell) string {
	if c == nil {
		return unavailableMarker
	}
	return figureText(c, c.Share, func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) })
}

func liftText(c *disclosure.Cell) string {
	if c == nil {
		return unavailableMarker
	}
	return figureText(c, c.Lift, func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) })
}

// pText is "< 0.01" or "0.03": the column's header says it is p.
func pText(c *disclosure.Cell) string {
	if c == nil {
		return unavailableMarker
	}
	return figureText(c, c.P, func(v float64) string {
		return strings.TrimPrefix(strings.TrimPrefix(disclosure.FormatP(v), "p "), "= ")
	})
}

// countAndShare is "60 (56%)", or the count alone when it has no share.
func countAndShare(c *disclosure.Cell) string {
	if c == nil || c.Suppressed || c.Share == nil {
		return countText(c)
	}
	return countText(c) + " (" + shareText(c) + ")"
}

// shownZero reports whether a cell is published as nobody.
func shownZero(c *disclosure.Cell) bool {
	return c != nil && !c.Suppressed && c.Count != nil && *c.Count == 0
}

// with is g with one more category, in a new slice.
func with(g []string, category string) []string {
	return append(append([]string(nil), g...), category)
}

// add puts a bar under the chart's others, its name above it and its
// figure after it. A hidden or zero count has no bar, only its figure.
func (ch *barChart) add(name, label string, width int) {
	y := len(ch.Bars) * chartRowHeight
	bar := chartBar{Name: name, Label: label, NameY: y + 16, BarY: y + 22, Width: width, Height: chartBarHeight, ValueY: y + 36}
	if width > 0 {
		bar.ValueX = width + 6
	}
	ch.Bars = append(ch.Bars, bar)
	ch.Height = len(ch.Bars) * chartRowHeight
}

// describe gives the chart its text alternative: every bar's name and
// figure, so nothing is in the picture alone.
func (ch *barChart) describe(l *breakdownLabels) {
	parts := make([]string, len(ch.Bars))
	for i, b := range ch.Bars {
		parts[i] = b.Name + ": " + b.Label
	}
	ch.Desc = strings.Join(parts, "; ") + ". " + l.t("dashboard.breakdown.chart_desc")
}

// respondentsSection is one characteristic's respondents: a chart of the
// categories (not "All", which would dwarf them) and a table of all.
func respondentsSection(l *breakdownLabels, dim string, groups [][]string, cell func([]string, string) *disclosure.Cell) breakdownSection {
	name := l.dimension(dim)
	t := dataTable{ID: "table-1", Caption: l.t("dashboard.breakdown.caption_respondents", name),
		Head: []string{name, l.t("dashboard.breakdown.col_respondents"), l.t("dashboard.breakdown.col_share_all")}}
	chart := &barChart{ID: "chart-1", Title: l.t("dashboard.breakdown.chart_respondents", name)}
	most := 0
	for _, g := range groups {
		if c := cell(g, ""); g[0] != disclosure.Total && c.Count != nil {
			most = max(most, *c.Count)
		}
	}
	for _, g := range groups {
		c, label := cell(g, ""), l.category(dim, g[0])
		t.Rows = append(t.Rows, dataRow{Heads: []string{label}, Cells: []string{countText(c), shareText(c)}})
		if g[0] == disclosure.Total {
			continue
		}
		width := 0
		if c.Count != nil && most > 0 {
			width = *c.Count * chartBarMax / most
		}
		chart.add(label, countAndShare(c), width)
	}
	chart.describe(l)
	return breakdownSection{Chart: chart, Table: t}
}

// crossSection is respondents by two or three characteristics: rows the
// combinations of all but the last, columns the last one's categories.
func crossSection(l *breakdownLabels, by []string, groups [][]string, cell func([]string, string) *disclosure.Cell) (sec breakdownSection, leftOut bool) {
	n := len(by)
	rowDims, colDim := by[:n-1], by[n-1]
	var rows [][]string
	var cols []string
	seenRow, seenCol := map[string]bool{}, map[string]bool{}
	for _, g := range groups {
		if key := strings.Join(g[:n-1], "\x00"); !seenRow[key] {
			seenRow[key] = true
			rows = append(rows, g[:n-1])
		}
		if !seenCol[g[n-1]] {
			seenCol[g[n-1]] = true
			cols = append(cols, g[n-1])
		}
	}
	t := dataTable{ID: "table-1", Caption: l.t("dashboard.breakdown.caption_cross", l.dimensions(rowDims), l.dimension(colDim))}
	for _, d := range rowDims {
		t.Head = append(t.Head, l.dimension(d))
	}
	for _, col := range cols {
		t.Head = append(t.Head, l.category(colDim, col))
	}
	for _, row := range rows {
		if shownZero(cell(with(row, disclosure.Total), "")) {
			leftOut = true
			continue
		}
		var r dataRow
		for d, category := range row {
			r.Heads = append(r.Heads, l.category(rowDims[d], category))
		}
		for _, col := range cols {
			r.Cells = append(r.Cells, countAndShare(cell(with(row, col), "")))
		}
		t.Rows = append(t.Rows, r)
	}
	return breakdownSection{Table: t}, leftOut
}

// valueSection is one answer (or the theme) by the characteristics: per
// group its base, how many gave it, their share, lift and p; with one
// characteristic, a chart of the shares too, "All" last to compare with.
func valueSection(l *breakdownLabels, q surveys.BreakdownQuery, by []string, groups [][]string, value string, i int,
	cell func([]string, string) *disclosure.Cell) (sec breakdownSection, leftOut bool) {
	dims, valueLabel := l.dimensions(by), l.category("", value)
	baseHead, gaveHead, caption := "col_answered", "col_gave", "caption_question"
	if q.Theme != "" {
		baseHead, gaveHead, caption = "col_decided", "col_raised", "caption_theme"
	}
	t := dataTable{ID: fmt.Sprintf("table-%d", i+1), Caption: l.t("dashboard.breakdown."+caption, valueLabel, dims)}
	for _, d := range by {
		t.Head = append(t.Head, l.dimension(d))
	}
	t.Head = append(t.Head, l.t("dashboard.breakdown."+baseHead), l.t("dashboard.breakdown."+gaveHead),
		l.t("dashboard.breakdown.col_share"), l.t("dashboard.breakdown.col_lift"), l.t("dashboard.breakdown.col_p"))
	var chart *barChart
	if len(by) == 1 {
		chart = &barChart{ID: fmt.Sprintf("chart-%d", i+1), Title: l.t("dashboard.breakdown.chart_value", valueLabel, dims)}
	}
	for _, g := range groups {
		base, c := cell(g, disclosure.Total), cell(g, value)
		if len(by) > 1 && shownZero(base) {
			leftOut = true
			continue
		}
		var r dataRow
		for d, category := range g {
			r.Heads = append(r.Heads, l.category(by[d], category))
		}
		r.Cells = []string{countText(base), countText(c), shareText(c), liftText(c), pText(c)}
		t.Rows = append(t.Rows, r)
		if chart != nil {
			width, label := 0, countText(c)+" "+l.t("dashboard.breakdown.of", countText(base))
			if c != nil && !c.Suppressed && c.Share != nil {
				width = int(*c.Share * chartBarMax)
				label = shareText(c) + " (" + label + ")"
			}
			if c != nil && c.Suppressed {
				label = hiddenMarker
			}
			chart.add(r.Heads[0], label, width)
		}
	}
	if chart != nil {
		chart.describe(l)
	}
	return breakdownSection{Heading: valueLabel, Chart: chart, Table: t}, leftOut
}

// breakdownExport writes the published figures of a breakdown as CSV or
// XLSX, for the page's download links and the API alike.
func (s *Server) breakdownExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sv, err := s.loadSurvey(c)
		if err != nil {
			return err
		}
		lang, _ := c.Locals(langKey).(string) // not set on the API's address
		if lang == "" {
			lang = channels.FallbackLanguage
		}
		ctx := c.UserContext()
		q, _, err := s.breakdownQuery(c)
		if err != nil {
			return err
		}
		b, err := s.protectedBreakdown(ctx, sv, q)
		if err != nil {
			return err
		}
		cb, err := s.surveyCodebook(ctx, sv)
		if err != nil {
			return err
		}
		l := s.newBreakdownLabels(lang, sv, cb, q)
		name := sv.Slug + "-breakdown-" + strings.Join(q.By, "-")
		if q.Question != "" || q.Theme != "" {
			name += "-" + q.Question + q.Theme
		}
		c.Attachment(name + "." + format)
		c.Set(fiber.HeaderCacheControl, "no-store")
		if format == "xlsx" {
			c.Set(fiber.HeaderContentType, export.ContentType("xlsx"))
			return export.BreakdownXLSX(c, b, l.category)
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		return export.BreakdownCSV(c, b, l.category)
	}
}
