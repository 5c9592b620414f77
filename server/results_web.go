package server

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

// "We asked, you said, we did": the public results page and its open data
// (/s/{slug}/results, .json and .csv). They show only what an officer
// published: the latest stored publication, its figures protected when it
// was made. Nothing on them is counted live, so an action added or changed
// since, or a response received since, appears only when the results are
// published again. The officers' page, where actions are recorded, the
// draft is reviewed and published, is in results_admin.go; both draw the
// results with the same partial (templates/_results.html).

func init() {
	// hopen and hclose write a heading of the level given, so the same
	// partial sits at the top of the public page and one level down in the
	// officers' preview.
	templateFuncs["hopen"] = func(level int, id, class string) template.HTML {
		level = min(max(level, 1), 6)
		attrs := ""
		if id != "" {
			attrs += ` id="` + template.HTMLEscapeString(id) + `"`
		}
		if class != "" {
			attrs += ` class="` + template.HTMLEscapeString(class) + `"`
		}
		return template.HTML(fmt.Sprintf("<h%d%s>", level, attrs))
	}
	templateFuncs["hclose"] = func(level int) template.HTML {
		return template.HTML(fmt.Sprintf("</h%d>", min(max(level, 1), 6)))
	}
	templateFuncs["resultsTable"] = func(id, caption, column, people, share string, rows []resultsRow, rule string) resultsTable {
		return resultsTable{ID: id, Caption: caption, Column: column, People: people, Share: share, Rows: rows, Rule: rule}
	}
}

// resultsTable is a table of published counts, with the rule that
// protects them under it.
type resultsTable struct {
	ID, Caption, Column, People, Share string
	Rows                               []resultsRow
	Rule                               string
}

// ltext is a text shown on a page, with the language it is in when that is
// not the page's own (an English theme name on the Urdu page), so that
// screen readers speak it right and right-to-left pages lay it out right.
type ltext struct{ Text, Lang, Dir string }

// inLanguage marks text written in lang for a page in page.
func inLanguage(text, lang, page string) ltext {
	if text == "" || lang == "" || lang == page {
		return ltext{Text: text}
	}
	return ltext{Text: text, Lang: lang, Dir: direction(lang)}
}

// localText is t in the page's language, or in def (marked so) when it has
// no text in it.
func localText(t surveys.Text, lang, def string) ltext {
	if v := strings.TrimSpace(t[lang]); v != "" {
		return ltext{Text: v}
	}
	return inLanguage(t[def], def, lang)
}

// lparagraphs is text of several paragraphs, in one language.
type lparagraphs struct {
	Paragraphs []string
	Lang, Dir  string
}

func localParagraphs(t surveys.Text, lang, def string) lparagraphs {
	l := localText(t, lang, def)
	return lparagraphs{Paragraphs: paragraphs(l.Text), Lang: l.Lang, Dir: l.Dir}
}

// resultsView is a publication as the page shows it (the public page, or
// the officers' preview of what publishing would publish).
type resultsView struct {
	Level int    // the heading level of its sections
	ID    string // prefix of its element ids
	Lang  string

	Updated     string
	Description lparagraphs
	Ran         string
	Questions   []ltext

	Respondents string
	Splits      []resultsSplit
	Rule        string

	Themed     string
	ThemeChart resultsChart
	ThemeTable []resultsRow
	Themes     []resultsTheme

	Actions []resultsAction

	CSV, JSON string // open data; "" in a preview
}

// resultsSplit is one split of the people who took part: a chart and its
// table.
type resultsSplit struct {
	ID, Title, Column string
	Caption           string
	Chart             resultsChart
	Rows              []resultsRow
}

// resultsRow is one line of a table: a category and its published count.
type resultsRow struct {
	Label        ltext
	Count, Share string
	Hidden       bool
}

// resultsChart is an inline SVG bar chart: a label above each bar, the
// figure beside it, mirrored on right-to-left pages. Its text alternative
// lists every figure; the table after it has them too.
type resultsChart struct {
	ID, Title     string
	Desc          string
	Width, Height int
	RTL           bool
	Bars          []resultsBar
}

type resultsBar struct {
	Label                ltext
	Value                string
	Hidden               bool
	LabelX, LabelY       int
	BarX, BarY, BarWidth int
	ValueX, ValueY       int
}

// resultsTheme is one theme of what people said, with their words.
type resultsTheme struct {
	ID                string
	Name, Description ltext
	Raised            string
	Quotes            []resultsQuote
}

type resultsQuote struct {
	Text, Original, OriginalLang, OriginalDir string
}

// resultsAction is one action, with the themes it answers.
type resultsAction struct {
	ID                 string
	Title              ltext
	Description        lparagraphs
	Status, StatusCode string
	Due, Since         string
	Reason             lparagraphs
	Themes             []resultsThemeLink
}

type resultsThemeLink struct {
	Href string
	Name ltext
}

const (
	resultsChartWidth = 480
	resultsBarMax     = 300 // the bar of a share of 100%
	resultsRowStep    = 46
)

// newResultsChart lays out bars for rows, each sized by its share (0..1).
func newResultsChart(id, title string, rtl bool, rows []resultsRow, shares []*float64, T func(string, ...any) string) resultsChart {
	ch := resultsChart{ID: id, Title: title, Width: resultsChartWidth, Height: max(len(rows), 1) * resultsRowStep, RTL: rtl}
	var desc []string
	for i, r := range rows {
		y := i * resultsRowStep
		b := resultsBar{Label: r.Label, Hidden: r.Hidden, LabelY: y + 15, BarY: y + 21, ValueY: y + 35}
		b.Value = r.Count
		if r.Share != "" {
			b.Value += " (" + r.Share + ")"
		}
		if !r.Hidden && shares[i] != nil {
			b.BarWidth = int(math.Round(*shares[i] * resultsBarMax))
		}
		b.LabelX, b.BarX, b.ValueX = 0, 0, b.BarWidth+6
		if rtl {
			// Right to left: the text runs from its start at the right.
			b.LabelX, b.BarX, b.ValueX = ch.Width, ch.Width-b.BarWidth, ch.Width-b.BarWidth-6
		}
		ch.Bars = append(ch.Bars, b)
		desc = append(desc, T("results.chart_item", r.Label.Text, b.Value))
	}
	ch.Desc = T("results.chart_desc", strings.Join(desc, "; "))
	return ch
}

// resultsView lays out publication p for a page in lang; level is the
// heading level of its sections and id the prefix of its element ids.
func (s *Server) resultsView(sv *surveys.Survey, p *surveys.Publication, lang string, level int, id string) *resultsView {
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	def := sv.DefaultLanguage()
	if len(p.Languages) > 0 {
		def = p.Languages[0]
	}
	rtl := direction(lang) == "rtl"
	v := &resultsView{Level: level, ID: id, Lang: lang, Updated: T("results.updated", s.formatDate(lang, p.PublishedAt)),
		Description: localParagraphs(p.Description, lang, def)}
	now := s.svc.Clock()
	switch {
	case p.ClosesAt != nil && sv.Status == surveys.StatusOpen && now.Before(*p.ClosesAt):
		v.Ran = T("results.open_until", s.formatDate(lang, *p.ClosesAt))
	case sv.Status == surveys.StatusOpen && p.ClosesAt == nil:
		v.Ran = T("results.open")
	case p.OpensAt != nil && p.ClosesAt != nil && !now.Before(*p.ClosesAt):
		v.Ran = T("results.ran", s.formatDate(lang, *p.OpensAt), s.formatDate(lang, *p.ClosesAt))
	case p.ClosesAt != nil && !now.Before(*p.ClosesAt):
		v.Ran = T("results.ran_until", s.formatDate(lang, *p.ClosesAt))
	default:
		v.Ran = T("results.closed")
	}
	for _, q := range p.Asked {
		v.Questions = append(v.Questions, localText(q.Prompt, lang, def))
	}

	f := p.Figures
	if f == nil {
		f = &surveys.PublishedFigures{}
	}
	v.Rule = T("results.rule", f.Threshold-1, f.Rounding)
	fewer := func(n *int) string {
		if n == nil {
			return T("results.fewer_than", f.Threshold)
		}
		return strconv.Itoa(*n)
	}
	if f.Respondents.Count == nil {
		v.Respondents = T("results.respondents_few", f.Threshold)
	} else {
		v.Respondents = T("results.respondents", *f.Respondents.Count)
	}
	share := func(sh *float64) string {
		if sh == nil {
			return ""
		}
		return fmt.Sprintf("%.0f%%", *sh*100)
	}
	for _, split := range []struct {
		key    string
		counts []surveys.PublishedCount
		label  func(string) ltext
	}{
		{"channel", f.ByChannel, func(c string) ltext { return ltext{Text: s.catalogueLabel(lang, "results.channel."+c, c)} }},
		{"language", f.ByLanguage, func(c string) ltext { return inLanguage(s.tr.Endonym(c), c, lang) }},
		{"entered_by", f.ByEnteredBy, func(c string) ltext { return ltext{Text: s.catalogueLabel(lang, "results.entered_by."+c, c)} }},
	} {
		sp := resultsSplit{ID: id + "took-part-" + strings.ReplaceAll(split.key, "_", "-"), Title: T("results.by_" + split.key), Column: T("results.col_" + split.key)}
		sp.Caption = T("results.table_caption", sp.Title)
		var shares []*float64
		for _, c := range split.counts {
			row := resultsRow{Label: split.label(c.Category), Hidden: c.Suppressed || c.Count == nil}
			if row.Hidden {
				// A hidden cell of a split may be hidden because it is
				// small, or so that a small one cannot be worked out from
				// the total: it is "not shown", never "fewer than".
				row.Count = T("results.hidden")
			} else {
				row.Count, row.Share = strconv.Itoa(*c.Count), share(c.Share)
			}
			sp.Rows = append(sp.Rows, row)
			shares = append(shares, c.Share)
		}
		sp.Chart = newResultsChart(sp.ID+"-chart", T("results.chart_title", sp.Title), rtl, sp.Rows, shares, T)
		v.Splits = append(v.Splits, sp)
	}

	// Nothing themed yet (no codebook, or no answer decided): no themes.
	themed := f.Themed.Suppressed || (f.Themed.Count != nil && *f.Themed.Count > 0)
	if themed {
		v.Themed = T("results.themed", fewer(f.Themed.Count))
	}
	var shares []*float64
	for _, t := range f.Themes {
		if !themed {
			break
		}
		name := inLanguage(t.Name, def, lang)
		th := resultsTheme{ID: id + "theme-" + t.ID, Name: name, Description: inLanguage(t.Description, def, lang)}
		row := resultsRow{Label: name, Hidden: t.Suppressed || t.Respondents == nil}
		switch {
		case row.Hidden:
			row.Count = T("results.fewer_than", f.Threshold)
			th.Raised = T("results.theme_raised_few", f.Threshold)
		case t.Share != nil:
			row.Count, row.Share = strconv.Itoa(*t.Respondents), share(t.Share)
			th.Raised = T("results.theme_raised", *t.Respondents, row.Share)
		default:
			row.Count = strconv.Itoa(*t.Respondents)
			th.Raised = T("results.theme_raised_count", *t.Respondents)
		}
		for _, q := range t.Quotes {
			rq := resultsQuote{Text: q.Text}
			if q.Original != "" {
				rq.Original, rq.OriginalLang, rq.OriginalDir = q.Original, q.OriginalLanguage, "auto"
				if q.OriginalLanguage != "" {
					rq.OriginalDir = direction(q.OriginalLanguage)
				}
			}
			th.Quotes = append(th.Quotes, rq)
		}
		v.ThemeTable = append(v.ThemeTable, row)
		v.Themes = append(v.Themes, th)
		shares = append(shares, t.Share)
	}
	v.ThemeChart = newResultsChart(id+"themes-chart", T("results.chart_title", T("results.themes_heading")), rtl, v.ThemeTable, shares, T)

	for _, a := range p.Actions {
		ra := resultsAction{ID: fmt.Sprintf("%saction-%d", id, a.ID), Title: localText(a.Title, lang, def),
			Description: localParagraphs(a.Description, lang, def), StatusCode: string(a.Status),
			Status: T("results.status." + string(a.Status))}
		if !a.StatusChangedAt.IsZero() {
			ra.Since = s.formatDate(lang, a.StatusChangedAt)
		}
		if d, err := time.ParseInLocation(time.DateOnly, a.Due, s.zone); err == nil {
			ra.Due = s.formatDate(lang, d)
		}
		if a.Status == surveys.ActionNotTakenForward {
			ra.Reason = localParagraphs(a.Reason, lang, def)
		}
		for _, tid := range a.Themes {
			link := resultsThemeLink{Name: ltext{Text: tid}}
			if t := f.Theme(tid); t != nil {
				link.Name = inLanguage(t.Name, def, lang)
				if themed {
					link.Href = "#" + id + "theme-" + tid
				}
			}
			ra.Themes = append(ra.Themes, link)
		}
		v.Actions = append(v.Actions, ra)
	}
	return v
}

// catalogueLabel is key's text in lang, or fallback when the catalogue
// has no such key (a channel added later).
func (s *Server) catalogueLabel(lang, key, fallback string) string {
	if t, ok := s.tr.Lookup(lang, key); ok {
		return t
	}
	return fallback
}

// publishedResults loads the survey's latest publication; ENOTFOUND
// until there is one.
func (s *Server) publishedResults(c *fiber.Ctx) (*surveys.Survey, *surveys.Publication, error) {
	sv := c.Locals(surveyKey).(*surveys.Survey)
	pub, err := s.svc.Publication(c.UserContext(), sv)
	if err != nil {
		return sv, nil, err
	}
	return sv, pub, nil
}

// notPublished is the 404 page of a survey whose results are not out yet.
func (s *Server) notPublished(c *fiber.Ctx, sv *surveys.Survey) error {
	lang := c.Locals(langKey).(string)
	_, p := s.surveyPage(c, s.tr.T(lang, "results.not_published.title"))
	var link *linkData
	if sv.CheckOpen(s.svc.Clock()) == nil {
		link = &linkData{Href: base(sv) + "?lang=" + lang, Text: s.tr.T(lang, "results.take_part")}
	}
	p.Data = struct {
		Paragraphs []string
		Link       *linkData
	}{[]string{s.tr.T(lang, "results.not_published.text")}, link}
	return s.render(c, fiber.StatusNotFound, "message", p)
}

// resultsPage answers GET /s/{slug}/results: the latest publication, in
// the language chosen.
func (s *Server) resultsPage(c *fiber.Ctx) error {
	sv, pub, err := s.publishedResults(c)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return s.notPublished(c, sv)
	}
	if err != nil {
		return s.webError(c, err)
	}
	lang := c.Locals(langKey).(string)
	_, p := s.surveyPage(c, s.tr.T(lang, "results.heading"))
	v := s.resultsView(sv, pub, lang, 2, "")
	v.CSV, v.JSON = base(sv)+"/results.csv?lang="+lang, base(sv)+"/results.json"
	def := sv.DefaultLanguage()
	if len(pub.Languages) > 0 {
		def = pub.Languages[0]
	}
	data := struct {
		View     *resultsView
		Title    ltext
		TakePart string
	}{View: v, Title: localText(pub.Title, lang, def)}
	if sv.CheckOpen(s.svc.Clock()) == nil {
		data.TakePart = base(sv) + "?lang=" + lang
	}
	p.SurveyTitle = ""
	p.Data = data
	return s.render(c, fiber.StatusOK, "results", p)
}

// resultsJSON answers GET /s/{slug}/results.json: the publication as it
// was stored, nothing else.
func (s *Server) resultsJSON(c *fiber.Ctx) error {
	_, pub, err := s.publishedResults(c)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return c.Status(fiber.StatusNotFound).JSON(errorBody{Error: surveys.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(pub)
}

// resultsCSV answers GET /s/{slug}/results.csv: one row per published
// figure (a hidden count is blank, marked "suppressed"), then each theme,
// then each action with its status, and the protection rule last. Names
// are in the language chosen; every cell is safe from spreadsheet formulas.
func (s *Server) resultsCSV(c *fiber.Ctx) error {
	sv, pub, err := s.publishedResults(c)
	if surveys.ErrorCode(err) == surveys.ENOTFOUND {
		return s.notPublished(c, sv)
	}
	if err != nil {
		return s.webError(c, err)
	}
	lang := c.Locals(langKey).(string)
	var buf bytes.Buffer
	if err := export.TableCSV(&buf, s.resultsRows(pub, lang)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-results-v%d.csv"`, sv.Slug, pub.Version))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(buf.Bytes())
}

// resultsColumns are the columns of results.csv.
var resultsColumns = []string{"section", "category", "name", "count", "share", "suppressed", "status", "due", "status_changed", "themes"}

// resultsRows are the rows of results.csv, the header first.
func (s *Server) resultsRows(p *surveys.Publication, lang string) [][]string {
	def := lang
	if len(p.Languages) > 0 {
		def = p.Languages[0]
	}
	rows := [][]string{resultsColumns}
	count := func(section, category, name string, n *int, suppressed bool, share *float64) {
		row := make([]string, len(resultsColumns))
		row[0], row[1], row[2] = section, category, name
		if n != nil && !suppressed {
			row[3] = strconv.Itoa(*n)
		}
		if share != nil && !suppressed {
			row[4] = strconv.FormatFloat(*share, 'f', -1, 64)
		}
		if suppressed {
			row[5] = "suppressed"
		}
		rows = append(rows, row)
	}
	f := p.Figures
	if f == nil {
		f = &surveys.PublishedFigures{}
	}
	count("respondents", "", s.tr.T(lang, "results.csv.respondents"), f.Respondents.Count, f.Respondents.Suppressed, nil)
	for _, c := range f.ByChannel {
		count("by_channel", c.Category, s.catalogueLabel(lang, "results.channel."+c.Category, c.Category), c.Count, c.Suppressed, c.Share)
	}
	for _, c := range f.ByLanguage {
		count("by_language", c.Category, s.tr.Endonym(c.Category), c.Count, c.Suppressed, c.Share)
	}
	for _, c := range f.ByEnteredBy {
		count("by_entered_by", c.Category, s.catalogueLabel(lang, "results.entered_by."+c.Category, c.Category), c.Count, c.Suppressed, c.Share)
	}
	count("themed_respondents", "", s.tr.T(lang, "results.csv.themed"), f.Themed.Count, f.Themed.Suppressed, nil)
	for _, t := range f.Themes {
		count("theme", t.ID, t.Name, t.Respondents, t.Suppressed, t.Share)
	}
	for _, a := range p.Actions {
		row := make([]string, len(resultsColumns))
		row[0], row[1], row[2] = "action", strconv.FormatInt(a.ID, 10), a.Title.In(lang, def)
		row[6], row[7] = string(a.Status), a.Due
		if !a.StatusChangedAt.IsZero() {
			row[8] = a.StatusChangedAt.In(s.zone).Format(time.DateOnly)
		}
		row[9] = strings.Join(a.Themes, ";")
		rows = append(rows, row)
	}
	note := make([]string, len(resultsColumns))
	note[0], note[2] = "note", s.tr.T(lang, "results.rule", f.Threshold-1, f.Rounding)
	return append(rows, note)
}
