package surveys

import (
	"context"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/voices-uk/voices/surveys/themes"
)

// The themed summary: for each free-text question and overall, each theme
// with how many respondents raised it and their share, split by channel and
// by who entered the answer, a sentiment split where the survey has a
// rating, representative quotes with personal details redacted, and how it
// changed month by month. Only decided answers count: a theme Voices
// suggested and nobody confirmed is not in it.
//
// The counts here are exact, so a summary leaves Voices only through
// disclosure.ProtectSummary, which hides small numbers and rounds the rest.
// Quotes come from the answers to free-text questions alone: equality
// answers are kept in their own table and never reach a summary.

// ThemeSummary is a survey's themed summary.
type ThemeSummary struct {
	Survey          string            `json:"survey"`
	Title           string            `json:"title"`
	CodebookVersion int               `json:"codebook_version"`
	GeneratedAt     time.Time         `json:"generated_at"`
	Decided         int               `json:"decided_answers"`   // free-text answers a person has coded
	Undecided       int               `json:"undecided_answers"` // not yet coded, not counted below
	Sentiment       string            `json:"sentiment_source"`  // how sentiment is worked out, or "" when it is not
	Overall         QuestionSummary   `json:"overall"`
	Questions       []QuestionSummary `json:"questions"`
}

// QuestionSummary is the themes of one question's answers (or of all), in
// codebook order.
type QuestionSummary struct {
	Question    string       `json:"question,omitempty"` // "" overall
	Prompt      string       `json:"prompt,omitempty"`
	Respondents int          `json:"respondents"` // with a decided answer here
	Themes      []ThemeCount `json:"themes"`
}

// ThemeCount is one theme in a summary.
type ThemeCount struct {
	Theme       string          `json:"theme"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parent      string          `json:"parent,omitempty"`
	Respondents int             `json:"respondents"`
	Share       float64         `json:"share"` // of the respondents counted for the question, 0..1
	ByChannel   map[string]int  `json:"by_channel"`
	ByEnteredBy map[string]int  `json:"by_entered_by"`
	Sentiment   *SentimentSplit `json:"sentiment,omitempty"`
	Quotes      []Quote         `json:"quotes"`
	ByMonth     []MonthCount    `json:"by_month"`
}

// SentimentSplit counts respondents by how they rated. NotRated are those
// who left the rating question unanswered, so the four add up to the
// theme's respondents.
type SentimentSplit struct {
	Positive int `json:"positive"`
	Neutral  int `json:"neutral"`
	Negative int `json:"negative"`
	NotRated int `json:"not_rated"`
}

// Quote is a representative answer, redacted.
type Quote struct {
	Text             string `json:"text"`
	Original         string `json:"original,omitempty"`
	OriginalLanguage string `json:"original_language,omitempty"`
}

// MonthCount is respondents raising a theme in one month (YYYY-MM).
type MonthCount struct {
	Month       string `json:"month"`
	Respondents int    `json:"respondents"`
}

// QuotesPerTheme is how many quotes a summary shows for each theme.
const QuotesPerTheme = 3

// ratingQuestion is the survey's first scale question: its answers give
// each respondent's sentiment (the lowest third negative, the highest
// third positive).
func (s *Survey) ratingQuestion() *Question {
	for i := range s.Questions {
		if s.Questions[i].Type == TypeScale {
			return &s.Questions[i]
		}
	}
	return nil
}

func sentimentOf(q *Question, value string) (string, bool) {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || q == nil {
		return "", false
	}
	lo, hi := *q.Min, *q.Max
	third := (hi - lo) / 3
	switch {
	case v <= lo+third:
		return "negative", true
	case v >= hi-third:
		return "positive", true
	}
	return "neutral", true
}

// themeTally gathers one theme's counts within one question (or overall).
type themeTally struct {
	respondents map[int64]bool
	channel     map[string]map[int64]bool
	enteredBy   map[string]map[int64]bool
	sentiment   map[string]map[int64]bool
	month       map[string]map[int64]bool
	quotes      []*CodedAnswer
}

func newTally() *themeTally {
	return &themeTally{respondents: map[int64]bool{}, channel: map[string]map[int64]bool{}, enteredBy: map[string]map[int64]bool{},
		sentiment: map[string]map[int64]bool{}, month: map[string]map[int64]bool{}}
}

func mark(m map[string]map[int64]bool, key string, id int64) {
	if m[key] == nil {
		m[key] = map[int64]bool{}
	}
	m[key][id] = true
}

func sizes(m map[string]map[int64]bool) map[string]int {
	out := make(map[string]int, len(m))
	for k, ids := range m {
		out[k] = len(ids)
	}
	return out
}

// ThemeSummary builds the survey's themed summary from decided answers.
func (svc *Service) ThemeSummary(ctx context.Context, s *Survey, lang string) (*ThemeSummary, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	def := s.DefaultLanguage()
	sum := &ThemeSummary{Survey: s.Slug, Title: s.Title.In(lang, def), CodebookVersion: cb.Version, GeneratedAt: svc.Clock()}
	rating := s.ratingQuestion()
	if rating != nil {
		sum.Sentiment = "rating: the answer to \"" + rating.Prompt.In(lang, def) + "\" (lowest third negative, highest third positive)"
	}
	keys := s.FreeTextKeys()
	tallies := map[string]map[string]*themeTally{} // question ("" overall) -> theme -> tally
	respondents := map[string]map[int64]bool{}
	for _, k := range append([]string{""}, keys...) {
		tallies[k], respondents[k] = map[string]*themeTally{}, map[int64]bool{}
	}
	err = svc.Store.EachCodedAnswer(ctx, s.ID, func(a *CodedAnswer) error {
		sum.Decided++
		mood, hasMood := "", false
		if rating != nil {
			mood, hasMood = sentimentOf(rating, a.Answers[rating.Key])
		}
		month := a.SubmittedAt.UTC().Format("2006-01")
		for _, q := range []string{a.QuestionKey, ""} {
			if tallies[q] == nil {
				continue // a question no longer free text
			}
			respondents[q][a.ResponseID] = true
			for _, t := range a.Themes {
				if cb.Theme(t) == nil {
					continue
				}
				tl := tallies[q][t]
				if tl == nil {
					tl = newTally()
					tallies[q][t] = tl
				}
				if tl.respondents[a.ResponseID] {
					continue // counted once per respondent, overall too
				}
				tl.respondents[a.ResponseID] = true
				mark(tl.channel, string(a.Channel), a.ResponseID)
				mark(tl.enteredBy, a.EnteredBy, a.ResponseID)
				mark(tl.month, month, a.ResponseID)
				if hasMood {
					mark(tl.sentiment, mood, a.ResponseID)
				}
				tl.quotes = append(tl.quotes, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = svc.Store.EachFreeTextAnswer(ctx, s.ID, keys, true, func(AnswerKey, string) error {
		sum.Undecided++
		return nil
	})
	if err != nil {
		return nil, err
	}
	build := func(q string) QuestionSummary {
		qs := QuestionSummary{Question: q, Respondents: len(respondents[q]), Themes: []ThemeCount{}}
		if question := s.Question(q); question != nil {
			qs.Prompt = question.Prompt.In(lang, def)
		}
		for _, t := range cb.Themes {
			tl := tallies[q][t.ID]
			if tl == nil {
				continue
			}
			tc := ThemeCount{Theme: t.ID, Name: t.Name, Description: t.Description, Parent: t.Parent,
				Respondents: len(tl.respondents), ByChannel: sizes(tl.channel), ByEnteredBy: sizes(tl.enteredBy), Quotes: pickQuotes(tl.quotes)}
			if qs.Respondents > 0 {
				tc.Share = float64(tc.Respondents) / float64(qs.Respondents)
			}
			if rating != nil {
				sm := sizes(tl.sentiment)
				tc.Sentiment = &SentimentSplit{Positive: sm["positive"], Neutral: sm["neutral"], Negative: sm["negative"]}
				tc.Sentiment.NotRated = tc.Respondents - tc.Sentiment.Positive - tc.Sentiment.Neutral - tc.Sentiment.Negative
			}
			for m, n := range sizes(tl.month) {
				tc.ByMonth = append(tc.ByMonth, MonthCount{Month: m, Respondents: n})
			}
			sort.Slice(tc.ByMonth, func(i, j int) bool { return tc.ByMonth[i].Month < tc.ByMonth[j].Month })
			qs.Themes = append(qs.Themes, tc)
		}
		// Themes stay in codebook order: ordering them by their exact
		// counts would tell apart themes whose published counts are the
		// same (disclosure.ProtectSummary orders by published counts).
		return qs
	}
	sum.Overall = build("")
	for _, k := range keys {
		sum.Questions = append(sum.Questions, build(k))
	}
	return sum, nil
}

// pickQuotes chooses up to QuotesPerTheme quotes spread across the
// answers, preferring ones long enough to say something and short enough
// to read (20 to 400 characters), each redacted.
func pickQuotes(answers []*CodedAnswer) []Quote {
	var good []*CodedAnswer
	for _, a := range answers {
		if n := utf8.RuneCountInString(a.Text); n >= 20 && n <= 400 {
			good = append(good, a)
		}
	}
	if len(good) == 0 {
		good = answers
	}
	out := []Quote{}
	seen := map[string]bool{}
	for i := 0; i < QuotesPerTheme && i < len(good); i++ {
		a := good[i*len(good)/min(QuotesPerTheme, len(good))] // first, middle, last third
		q := Quote{Text: themes.Redact(a.Text)}
		if a.Original != nil {
			q.Original, q.OriginalLanguage = themes.Redact(a.Original.Text), a.Original.Language
		}
		if !seen[q.Text] {
			seen[q.Text] = true
			out = append(out, q)
		}
	}
	return out
}
