package disclosure

import (
	"github.com/voices-uk/voices/surveys"
)

// ProtectResults makes the figures of a public results page from exact
// counts, by the package's rules: the respondents are a count on their
// own; each split of them (by channel, by language, by who entered the
// response) is a line whose total is published, so it gets secondary
// suppression; themes are as in ProtectSummary (overall), hidden themes
// without quotes. Languages are the survey's, in its order.
func ProtectResults(s *surveys.Survey, f *surveys.ResultsFigures, opts Options) (*surveys.PublishedFigures, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	out := &surveys.PublishedFigures{Threshold: opts.Threshold, Rounding: opts.Rounding,
		Respondents: publishedCount(protectCount(f.Respondents, opts)), Themes: []surveys.PublishedTheme{}}
	channels := make([]string, len(surveys.Channels))
	for i, c := range surveys.Channels {
		channels[i] = string(c)
	}
	enteredBy := []string{surveys.EnteredBySelf, surveys.EnteredByCommunityGroup, surveys.EnteredByInterpreter, surveys.EnteredByOfficer}
	for _, split := range []struct {
		name   string
		order  []string
		counts map[string]int
		to     *[]surveys.PublishedCount
	}{
		{"channel", channels, f.ByChannel, &out.ByChannel},
		{"language", s.Languages, f.ByLanguage, &out.ByLanguage},
		{"entered_by", enteredBy, f.ByEnteredBy, &out.ByEnteredBy},
	} {
		counts := map[string]int{}
		for _, c := range split.order {
			counts[c] = 0 // every category listed, zeros too
		}
		for c, n := range split.counts {
			counts[c] += n
		}
		cells, err := protectLine(split.name, split.order, counts, opts)
		if err != nil {
			return nil, err
		}
		*split.to = []surveys.PublishedCount{}
		for _, c := range cells {
			*split.to = append(*split.to, surveys.PublishedCount{Category: c.Category, Count: c.Respondents, Suppressed: c.Suppressed, Share: c.Share})
		}
	}
	zero := 0
	out.Themed = surveys.PublishedCount{Count: &zero} // nothing themed yet, until there is a summary
	if f.Summary != nil {
		sum, err := ProtectSummary(f.Summary, opts)
		if err != nil {
			return nil, err
		}
		out.Themed = surveys.PublishedCount{Count: sum.Overall.Respondents, Suppressed: sum.Overall.Suppressed}
		for _, t := range sum.Overall.Themes {
			if t.Suppressed {
				// The public page gives no words under a theme too
				// small to count: a few people's words, on their own.
				t.Quotes = []surveys.Quote{}
			}
			out.Themes = append(out.Themes, surveys.PublishedTheme{ID: t.Theme, Name: t.Name, Description: t.Description,
				Respondents: t.Respondents, Suppressed: t.Suppressed, Share: t.Share, Quotes: t.Quotes})
		}
	}
	return out, nil
}

func publishedCount(c Count) surveys.PublishedCount {
	return surveys.PublishedCount{Count: c.Count, Suppressed: c.Suppressed}
}
