package disclosure

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// The themed summary, protected: the same rules as a breakdown, applied to
// surveys.ThemeSummary before it is published as JSON, CSV, XLSX or the
// printable report.
//
//   - The respondents of each question, of each theme and the decided and
//     undecided answers are counts on their own: one from 1 to Threshold-1
//     is hidden, the rest rounded. Themes are not a line that adds up (one
//     person may raise several), so no secondary suppression across them.
//   - Each split of a theme's respondents (by channel, by who entered the
//     answer, by sentiment, by month) adds up to the theme's respondents, so
//     it is a one-dimensional Table with the theme as its total: secondary
//     suppression makes sure a hidden cell cannot be had by subtraction.
//   - A theme's share is its rounded count ÷ the question's rounded count.
//   - A hidden theme has no splits at all: even which channels or months it
//     came from, or that all its respondents rated it alike, would say
//     something about those few people.

// Count is a published count on its own: Count is nil when Suppressed.
type Count struct {
	Count      *int `json:"count"`
	Suppressed bool `json:"suppressed"`
}

// Summary is a themed summary that is safe to publish. It marshals to the
// JSON of GET /api/v1/surveys/{slug}/themes/summary.
type Summary struct {
	Survey          string            `json:"survey"`
	Title           string            `json:"title"`
	CodebookVersion int               `json:"codebook_version"`
	GeneratedAt     time.Time         `json:"generated_at"`
	Decided         Count             `json:"decided_answers"`
	Undecided       Count             `json:"undecided_answers"`
	Sentiment       string            `json:"sentiment_source"`
	Threshold       int               `json:"threshold"`
	Rounding        int               `json:"rounding"`
	Rule            string            `json:"rule"` // RuleText, to print under every table
	Overall         SummaryQuestion   `json:"overall"`
	Questions       []SummaryQuestion `json:"questions"`
}

// SummaryQuestion is the themes of one question (or of all), the most
// often raised first, hidden ones last.
type SummaryQuestion struct {
	Question    string         `json:"question,omitempty"` // "" overall
	Prompt      string         `json:"prompt,omitempty"`
	Respondents *int           `json:"respondents"` // nil when Suppressed
	Suppressed  bool           `json:"suppressed"`
	Themes      []SummaryTheme `json:"themes"`
}

// SummaryTheme is one theme of a question. When Suppressed, Respondents,
// Share and every split are nil.
type SummaryTheme struct {
	Theme       string          `json:"theme"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parent      string          `json:"parent,omitempty"`
	Respondents *int            `json:"respondents"`
	Suppressed  bool            `json:"suppressed"`
	Share       *float64        `json:"share,omitempty"` // of the question's respondents, 0..1
	ByChannel   []SummaryCell   `json:"by_channel"`
	ByEnteredBy []SummaryCell   `json:"by_entered_by"`
	Sentiment   []SummaryCell   `json:"sentiment"` // positive, neutral, negative, not_rated; nil without a rating question
	ByMonth     []SummaryCell   `json:"by_month"`  // YYYY-MM
	Quotes      []surveys.Quote `json:"quotes"`
}

// SummaryCell is one category of a split of a theme's respondents.
type SummaryCell struct {
	Category    string   `json:"category"`
	Respondents *int     `json:"respondents"` // nil when Suppressed
	Suppressed  bool     `json:"suppressed"`
	Share       *float64 `json:"share,omitempty"` // of the theme's respondents
}

// Sentiment categories, in display order.
var sentimentCategories = []string{"positive", "neutral", "negative", "not_rated"}

// ProtectSummary hides small numbers in sum and rounds the rest, as the
// package's rules say; sum is not changed.
func ProtectSummary(sum *surveys.ThemeSummary, opts Options) (*Summary, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	out := &Summary{Survey: sum.Survey, Title: sum.Title, CodebookVersion: sum.CodebookVersion, GeneratedAt: sum.GeneratedAt,
		Decided: protectCount(sum.Decided, opts), Undecided: protectCount(sum.Undecided, opts), Sentiment: sum.Sentiment,
		Threshold: opts.Threshold, Rounding: opts.Rounding, Rule: RuleText(opts.Threshold, opts.Rounding),
		Questions: []SummaryQuestion{}}
	if out.Overall, err = protectQuestion(sum.Overall, opts); err != nil {
		return nil, err
	}
	for _, q := range sum.Questions {
		pq, err := protectQuestion(q, opts)
		if err != nil {
			return nil, err
		}
		out.Questions = append(out.Questions, pq)
	}
	return out, nil
}

func protectCount(n int, opts Options) Count {
	if n > 0 && n < opts.Threshold {
		return Count{Suppressed: true}
	}
	rounded := RoundCount(n, opts.Rounding)
	return Count{Count: &rounded}
}

func protectQuestion(q surveys.QuestionSummary, opts Options) (SummaryQuestion, error) {
	respondents := protectCount(q.Respondents, opts)
	out := SummaryQuestion{Question: q.Question, Prompt: q.Prompt, Respondents: respondents.Count,
		Suppressed: respondents.Suppressed, Themes: []SummaryTheme{}}
	for _, t := range q.Themes {
		pt, err := protectTheme(t, opts)
		if err != nil {
			return out, err
		}
		if pt.Respondents != nil && out.Respondents != nil && *out.Respondents > 0 {
			pt.Share = ptr(round(float64(*pt.Respondents)/float64(*out.Respondents), 4))
		}
		out.Themes = append(out.Themes, pt)
	}
	// By published count, so the order says no more than the numbers do;
	// equal counts keep the codebook's order.
	sort.SliceStable(out.Themes, func(i, j int) bool {
		a, b := out.Themes[i].Respondents, out.Themes[j].Respondents
		return a != nil && (b == nil || *a > *b)
	})
	return out, nil
}

func protectTheme(t surveys.ThemeCount, opts Options) (SummaryTheme, error) {
	respondents := protectCount(t.Respondents, opts)
	out := SummaryTheme{Theme: t.Theme, Name: t.Name, Description: t.Description, Parent: t.Parent,
		Respondents: respondents.Count, Suppressed: respondents.Suppressed, Quotes: t.Quotes}
	if out.Quotes == nil {
		out.Quotes = []surveys.Quote{}
	}
	if out.Suppressed {
		return out, nil
	}
	channels := make([]string, len(surveys.Channels))
	for i, c := range surveys.Channels {
		channels[i] = string(c)
	}
	enteredBy := []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}
	months := map[string]int{}
	for _, m := range t.ByMonth {
		months[m.Month] += m.Respondents
	}
	var err error
	if out.ByChannel, err = protectSplit(t, "channel", channels, t.ByChannel, opts); err != nil {
		return out, err
	}
	if out.ByEnteredBy, err = protectSplit(t, "entered_by", enteredBy, t.ByEnteredBy, opts); err != nil {
		return out, err
	}
	if out.ByMonth, err = protectSplit(t, "month", nil, months, opts); err != nil {
		return out, err
	}
	if s := t.Sentiment; s != nil {
		// Every sentiment is listed, zeros too, as the raw summary does.
		counts := map[string]int{"positive": s.Positive, "neutral": s.Neutral, "negative": s.Negative, "not_rated": s.NotRated}
		if out.Sentiment, err = protectSplit(t, "sentiment", sentimentCategories, counts, opts); err != nil {
			return out, err
		}
	}
	return out, nil
}

// protectSplit protects one split of theme t's respondents as a
// one-dimensional table whose total is the theme. Its categories are the
// keys of counts: those in order first, in that order, then the rest
// sorted. The theme's own count is published beside the split, so the
// table's total must be exactly the theme's respondents; it is never hidden
// by secondary suppression, since a line with one hidden cell always has a
// smaller shown one when its total is at or above the threshold.
func protectSplit(t surveys.ThemeCount, name string, order []string, counts map[string]int, opts Options) ([]SummaryCell, error) {
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != t.Respondents {
		return nil, fmt.Errorf("disclosure: theme %s by %s adds up to %d, not to its %d respondents", t.Theme, name, total, t.Respondents)
	}
	return protectLine(name, order, counts, opts)
}

// protectLine protects the counts of one line of categories whose total is
// published beside them (see protectSplit). Its categories are the keys of
// counts: those in order first, in that order, then the rest sorted.
func protectLine(name string, order []string, counts map[string]int, opts Options) ([]SummaryCell, error) {
	var categories, rest []string
	for c := range counts {
		if !slices.Contains(order, c) {
			rest = append(rest, c)
		}
	}
	for _, c := range order {
		if _, ok := counts[c]; ok {
			categories = append(categories, c)
		}
	}
	sort.Strings(rest)
	categories = append(categories, rest...)
	if len(categories) == 0 {
		return []SummaryCell{}, nil
	}
	tab, err := NewTable([]Dimension{{Name: name, Categories: categories}}, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range categories {
		if err := tab.Add([]string{c}, counts[c]); err != nil {
			return nil, err
		}
	}
	b, err := tab.Protect(opts)
	if err != nil {
		return nil, err
	}
	cells := make([]SummaryCell, 0, len(categories))
	for _, c := range b.Cells {
		if c.Group[name] == Total {
			continue
		}
		cells = append(cells, SummaryCell{Category: c.Group[name], Respondents: c.Count, Suppressed: c.Suppressed, Share: c.Share})
	}
	return cells, nil
}
