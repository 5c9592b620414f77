package surveys

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Coding free-text answers with themes. Voices suggests themes for each
// answer (codebook phrases and a model learned from people's decisions);
// a person decides. Every decision is kept per person, so two officers
// coding the same answers can measure their agreement; an answer's coding
// is its latest decision, and only decided answers count in a themed
// summary, so a person stands behind every theme that is published.

// AnswerKey names one free-text answer: a response and a question.
type AnswerKey struct {
	ResponseID  int64  `json:"response_id"`
	QuestionKey string `json:"question"`
}

// ThemeSuggestion is a theme suggested for an answer, and why.
type ThemeSuggestion struct {
	Theme      string   `json:"theme"`
	Confidence float64  `json:"confidence"`
	Source     string   `json:"source"` // rule, model or rule+model
	Evidence   []string `json:"evidence"`
}

// ThemeCoding is one person's decision on an answer.
type ThemeCoding struct {
	CoderID         int64     `json:"-"`
	Coder           string    `json:"coder"`
	Themes          []string  `json:"themes"`
	CodebookVersion int       `json:"codebook_version"`
	At              time.Time `json:"at"`
}

// ThemeAnswer is a free-text answer as the review queue shows it.
type ThemeAnswer struct {
	AnswerKey
	Reference   string            `json:"reference"`
	Text        string            `json:"text"`
	Original    *Original         `json:"original,omitempty"`
	Channel     Channel           `json:"channel"`
	EnteredBy   string            `json:"entered_by"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Suggestions []ThemeSuggestion `json:"suggestions"`
	Coding      *ThemeCoding      `json:"coding,omitempty"` // the latest decision by anyone
	Mine        *ThemeCoding      `json:"mine,omitempty"`   // the asking person's own decision
}

// Review statuses for the queue's filter.
const (
	ReviewToDo    = "todo"     // nobody has decided yet
	ReviewDone    = "done"     // someone has decided
	ReviewMine    = "mine"     // the asking person has decided
	ReviewNotMine = "not_mine" // someone else has decided, the asking person not: the agreement sample
)

// ThemeAnswerFilter selects answers for the review queue.
type ThemeAnswerFilter struct {
	Question      string  // "" for every free-text question
	Theme         string  // suggested or decided; "" for any
	MinConfidence float64 // of the best suggestion (or of Theme's); 0 for any
	MaxConfidence float64 // 0 for no upper bound
	Channel       Channel
	EnteredBy     string
	Status        string // one of the Review constants, or "" for all
	CoderID       int64  // the asking person, for Mine and the mine/not_mine statuses
	After         AnswerKey
	Limit         int
}

// TrainingExample is a labelled answer to learn from.
type TrainingExample struct {
	Text   string
	Themes []string
	Group  string // answers from one response share a group
}

// ThemeModelRecord is a trained model as stored.
type ThemeModelRecord struct {
	SurveyID        int64
	TrainedAt       time.Time
	Examples        int
	CodebookVersion int
	Model           []byte
}

// CodedAnswer is a decided answer with what a summary splits it by.
type CodedAnswer struct {
	AnswerKey
	Text        string
	Original    *Original
	Channel     Channel
	EnteredBy   string
	SubmittedAt time.Time
	Themes      []string
	Answers     map[string]string // the response's other answers (first value), e.g. a rating
}

// ThemeStore keeps suggestions, decisions, training data and models.
type ThemeStore interface {
	// EachFreeTextAnswer calls fn with every non-empty answer to the
	// questions keys, in order; with undecided, only those nobody decided.
	EachFreeTextAnswer(ctx context.Context, surveyID int64, keys []string, undecided bool, fn func(AnswerKey, string) error) error
	// ReplaceSuggestions replaces the suggestions of each answer given.
	ReplaceSuggestions(ctx context.Context, codebookVersion int, suggestions map[AnswerKey][]ThemeSuggestion) error
	// ThemeAnswers returns one page of the review queue.
	ThemeAnswers(ctx context.Context, surveyID int64, keys []string, f ThemeAnswerFilter) ([]*ThemeAnswer, error)
	// SaveCodings stores a person's decisions, replacing their earlier ones
	// on the same answers, in one transaction; ENOTFOUND if an answer is
	// not a free-text answer of the survey.
	SaveCodings(ctx context.Context, surveyID int64, keys []string, coder *User, codebookVersion int, at time.Time, codings map[AnswerKey][]string) error
	// AddTrainingExamples stores imported labelled answers.
	AddTrainingExamples(ctx context.Context, surveyID int64, examples []TrainingExample) error
	// TrainingData returns the imported examples and every decided answer
	// (its latest decision).
	TrainingData(ctx context.Context, surveyID int64) ([]TrainingExample, error)
	SaveThemeModel(ctx context.Context, m *ThemeModelRecord) error
	// ThemeModel returns the survey's trained model; ENOTFOUND if none.
	ThemeModel(ctx context.Context, surveyID int64) (*ThemeModelRecord, error)
	// EachCodedAnswer calls fn with every decided answer (latest decision).
	EachCodedAnswer(ctx context.Context, surveyID int64, fn func(*CodedAnswer) error) error
	// Decisions returns every person's decisions on the survey's answers.
	Decisions(ctx context.Context, surveyID int64) (map[AnswerKey][]ThemeCoding, error)
}

// FreeTextKeys are the keys of a survey's free-text questions: the answers
// that are coded with themes.
func (s *Survey) FreeTextKeys() []string {
	var keys []string
	for i := range s.Questions {
		if isFreeText(s.Questions[i].Type) {
			keys = append(keys, s.Questions[i].Key)
		}
	}
	return keys
}

// MaxReviewBatch bounds the decisions sent at once.
const MaxReviewBatch = 500

// Review stores u's decisions on answers: for each, the themes it has
// (maybe none). Theme ids must be in the survey's codebook.
func (svc *Service) Review(ctx context.Context, s *Survey, u *User, decisions map[AnswerKey][]string) error {
	if u == nil || !u.Role.IsOfficer() {
		return Errorf(EFORBIDDEN, "Only council officers code answers with themes.")
	}
	if len(decisions) == 0 {
		return Errorf(EINVALID, "There are no decisions to save.")
	}
	if len(decisions) > MaxReviewBatch {
		return Errorf(EINVALID, "Send at most %d decisions at once.", MaxReviewBatch)
	}
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return err
	}
	fields := fieldErrors{}
	clean := make(map[AnswerKey][]string, len(decisions))
	for k, themes := range decisions {
		seen := map[string]bool{}
		var out []string
		for _, t := range themes {
			t = strings.TrimSpace(t)
			if cb.Theme(t) == nil {
				fields.add(fmt.Sprintf("%d.%s", k.ResponseID, k.QuestionKey), "%q is not a theme of the codebook (version %d)", t, cb.Version)
				continue
			}
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
		sort.Strings(out)
		clean[k] = out
	}
	if err := fields.err("Some decisions name themes that are not in the codebook."); err != nil {
		return err
	}
	if err := svc.Store.SaveCodings(ctx, s.ID, s.FreeTextKeys(), u, cb.Version, svc.Clock(), clean); err != nil {
		return err
	}
	svc.audit(WithActor(ctx, Actor{User: u}), AuditThemeReview, "survey:"+s.Slug, fmt.Sprintf("%d answers decided", len(clean)))
	return nil
}

// ImportTrainingCSV reads labelled answers (columns text and themes, themes
// separated by "|", named by id or by name as in the codebook, other
// columns ignored) and stores them to train from. It returns how many were
// stored; a file naming themes the codebook does not have is refused whole,
// listing them.
func (svc *Service) ImportTrainingCSV(ctx context.Context, s *Survey, data []byte) (int, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return 0, err
	}
	examples, err := ReadLabelledCSV(data, cb)
	if err != nil {
		return 0, err
	}
	if err := svc.Store.AddTrainingExamples(ctx, s.ID, examples); err != nil {
		return 0, err
	}
	svc.audit(ctx, AuditThemeTraining, "survey:"+s.Slug, fmt.Sprintf("%d labelled answers imported", len(examples)))
	return len(examples), nil
}

// ReadLabelledCSV reads a text,themes CSV, mapping theme names to the
// codebook's ids.
func ReadLabelledCSV(data []byte, cb *Codebook) ([]TrainingExample, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, Errorf(EMALFORMED, "The file is not UTF-8 text. Save it as UTF-8 (in Excel: CSV UTF-8).")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, Errorf(EMALFORMED, "The file could not be read as CSV: %v.", err)
	}
	textCol, themesCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "text":
			textCol = i
		case "themes":
			themesCol = i
		}
	}
	if textCol < 0 || themesCol < 0 {
		return nil, &Error{Code: EINVALID, Message: "The file needs a text column and a themes column.",
			Fields: map[string]string{"header": "name the columns text and themes (themes separated by |)"}}
	}
	byName := map[string]string{}
	for _, t := range cb.Themes {
		byName[strings.ToLower(t.ID)] = t.ID
		byName[strings.ToLower(t.Name)] = t.ID
	}
	var (
		out     []TrainingExample
		unknown = map[string]bool{}
	)
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Errorf(EMALFORMED, "Line %d could not be read: %v.", line, err)
		}
		if textCol >= len(rec) || strings.TrimSpace(rec[textCol]) == "" {
			continue
		}
		ex := TrainingExample{Text: strings.TrimSpace(rec[textCol]), Group: fmt.Sprintf("import:%d", line)}
		if themesCol < len(rec) {
			for _, name := range strings.Split(rec[themesCol], "|") {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				id, ok := byName[strings.ToLower(name)]
				if !ok {
					unknown[name] = true
					continue
				}
				ex.Themes = append(ex.Themes, id)
			}
		}
		out = append(out, ex)
	}
	if len(unknown) > 0 {
		names := make([]string, 0, len(unknown))
		for n := range unknown {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, &Error{Code: EINVALID, Message: "The file names themes the codebook does not have. Add them to the codebook, or correct the names.",
			Fields: map[string]string{"themes": strings.Join(names, "; ")}}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "The file has no labelled answers.")
	}
	return out, nil
}
