package surveys

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/voices-uk/voices/surveys/themes"
)

// Running the theme engine (package themes) on a survey's answers:
// suggesting, training and measuring agreement. The engine knows theme ids
// only; the codebook gives them names.

// engineThemes are a codebook's themes as the engine takes them, named by id.
func engineThemes(cb *Codebook) []themes.Theme {
	out := make([]themes.Theme, len(cb.Themes))
	for i, t := range cb.Themes {
		out[i] = themes.Theme{Name: t.ID, Description: t.Description, Include: t.Phrases, Exclude: t.Exclude}
	}
	return out
}

// suggester builds the survey's suggester: its codebook's phrases, and its
// trained model when there is one.
func (svc *Service) suggester(ctx context.Context, s *Survey) (*themes.Suggester, *Codebook, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return nil, nil, err
	}
	var model *themes.Model
	rec, err := svc.Store.ThemeModel(ctx, s.ID)
	switch {
	case ErrorCode(err) == ENOTFOUND:
	case err != nil:
		return nil, nil, err
	default:
		model = &themes.Model{}
		if err := model.UnmarshalBinary(rec.Model); err != nil {
			return nil, nil, fmt.Errorf("reading the stored theme model: %w", err)
		}
	}
	return themes.NewSuggester(engineThemes(cb), model), cb, nil
}

// SuggestThemes suggests themes for the survey's free-text answers that
// nobody has decided (every answer with all), replacing earlier
// suggestions, and returns how many answers it looked at.
func (svc *Service) SuggestThemes(ctx context.Context, s *Survey, all bool) (int, error) {
	sug, cb, err := svc.suggester(ctx, s)
	if err != nil {
		return 0, err
	}
	var (
		keys  []AnswerKey
		texts []string
	)
	err = svc.Store.EachFreeTextAnswer(ctx, s.ID, s.FreeTextKeys(), !all, func(k AnswerKey, text string) error {
		keys = append(keys, k)
		texts = append(texts, text)
		return nil
	})
	if err != nil {
		return 0, err
	}
	results := sug.SuggestAll(texts, runtime.GOMAXPROCS(0))
	out := make(map[AnswerKey][]ThemeSuggestion, len(keys))
	for i, k := range keys {
		list := []ThemeSuggestion{}
		for _, r := range results[i] {
			if cb.Theme(r.Theme) == nil {
				continue // a theme the model learned that the codebook has since dropped
			}
			list = append(list, ThemeSuggestion{Theme: r.Theme, Confidence: r.Confidence, Source: r.Source, Evidence: r.Evidence})
		}
		out[k] = list
	}
	if err := svc.Store.ReplaceSuggestions(ctx, cb.Version, out); err != nil {
		return 0, err
	}
	svc.audit(ctx, AuditThemeSuggest, "survey:"+s.Slug, fmt.Sprintf("%d answers, codebook version %d", len(keys), cb.Version))
	return len(keys), nil
}

// MinTrainingExamples is how many labelled answers training needs: fewer
// teach a model nothing it can be trusted with.
const MinTrainingExamples = 20

// TrainThemes trains the survey's model on its imported labelled answers
// and every decided answer, and stores it.
func (svc *Service) TrainThemes(ctx context.Context, s *Survey) (*ThemeModelRecord, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	data, err := svc.Store.TrainingData(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	examples := make([]themes.Example, 0, len(data))
	for _, d := range data {
		ex := themes.Example{Text: d.Text, Group: d.Group}
		for _, t := range d.Themes {
			if cb.Theme(t) != nil {
				ex.Themes = append(ex.Themes, t)
			}
		}
		examples = append(examples, ex)
	}
	if len(examples) < MinTrainingExamples {
		return nil, Errorf(EINVALID, "There are %d labelled answers; training needs at least %d. Decide more answers in the review queue, or import labelled answers.", len(examples), MinTrainingExamples)
	}
	m, err := themes.Train(examples, themes.DefaultOptions())
	if err != nil {
		return nil, Errorf(EINVALID, "The model could not be trained: %v.", err)
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rec := &ThemeModelRecord{SurveyID: s.ID, TrainedAt: svc.Clock(), Examples: len(examples), CodebookVersion: cb.Version, Model: blob}
	if err := svc.Store.SaveThemeModel(ctx, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// ThemeAgreement is how far two people agree on one theme.
type ThemeAgreement struct {
	Theme   string  `json:"theme"`
	Name    string  `json:"name"`
	Kappa   float64 `json:"kappa"`
	Defined bool    `json:"defined"` // false when kappa cannot be computed (see themes.CohenKappa)
	Both    int     `json:"both"`    // answers both gave the theme
	OnlyA   int     `json:"only_a"`
	OnlyB   int     `json:"only_b"`
}

// Agreement compares two people's decisions on the answers both decided.
type Agreement struct {
	CoderA  string           `json:"coder_a"`
	CoderB  string           `json:"coder_b"`
	Answers int              `json:"answers"`
	Themes  []ThemeAgreement `json:"themes"`
}

// Agreements measures, for every pair of people who decided the same
// answers, their agreement per theme (Cohen's kappa), so a council can
// show its coding is consistent.
func (svc *Service) Agreements(ctx context.Context, s *Survey) ([]Agreement, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := svc.Store.Decisions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	type pair struct{ a, b string }
	shared := map[pair][][2][]string{} // for each pair, the two decisions on each answer both decided
	for _, list := range decisions {
		for i := 0; i < len(list); i++ {
			for j := i + 1; j < len(list); j++ {
				a, b := list[i], list[j]
				if a.Coder > b.Coder {
					a, b = b, a
				}
				p := pair{a.Coder, b.Coder}
				shared[p] = append(shared[p], [2][]string{a.Themes, b.Themes})
			}
		}
	}
	var out []Agreement
	for p, answers := range shared {
		ag := Agreement{CoderA: p.a, CoderB: p.b, Answers: len(answers)}
		for _, t := range cb.Themes {
			ta := ThemeAgreement{Theme: t.ID, Name: t.Name}
			as, bs := make([]bool, len(answers)), make([]bool, len(answers))
			for i, pairOf := range answers {
				as[i], bs[i] = contains(pairOf[0], t.ID), contains(pairOf[1], t.ID)
				switch {
				case as[i] && bs[i]:
					ta.Both++
				case as[i]:
					ta.OnlyA++
				case bs[i]:
					ta.OnlyB++
				}
			}
			ta.Kappa, ta.Defined = themes.CohenKappa(as, bs)
			ag.Themes = append(ag.Themes, ta)
		}
		out = append(out, ag)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CoderA != out[j].CoderA {
			return out[i].CoderA < out[j].CoderA
		}
		return out[i].CoderB < out[j].CoderB
	})
	return out, nil
}
