package disclosure

import (
	"fmt"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func shownCounts(cells []surveys.PublishedCount) string {
	out := ""
	for _, c := range cells {
		v := "[c]"
		if c.Count != nil {
			v = fmt.Sprint(*c.Count)
		}
		out += c.Category + "=" + v + " "
	}
	return out
}

// The figures of a results page: a count on its own is hidden below the
// threshold or rounded; a split whose total is published never has just
// one hidden cell; a hidden theme has no quotes.
func TestProtectResults(t *testing.T) {
	s := &surveys.Survey{Languages: []string{"en", "ur"}}
	raw := &surveys.ResultsFigures{
		Respondents: 52,
		ByChannel:   map[string]int{"web": 40, "sms": 12},
		ByLanguage:  map[string]int{"en": 45, "ur": 7},
		ByEnteredBy: map[string]int{"self": 38, "community_group": 11, "interpreter": 3},
		Summary: &surveys.ThemeSummary{Overall: surveys.QuestionSummary{Respondents: 41, Themes: []surveys.ThemeCount{
			{Theme: "paths", Name: "Paths", Respondents: 23, ByChannel: map[string]int{"web": 23}, ByEnteredBy: map[string]int{"self": 23}, ByMonth: []surveys.MonthCount{{Month: "2027-01", Respondents: 23}},
				Quotes: []surveys.Quote{{Text: "The paths are dark"}}},
			{Theme: "dogs", Name: "Dogs", Respondents: 4, ByChannel: map[string]int{"web": 4}, ByEnteredBy: map[string]int{"self": 4}, ByMonth: []surveys.MonthCount{{Month: "2027-01", Respondents: 4}},
				Quotes: []surveys.Quote{{Text: "Dogs off the lead"}}},
		}}},
	}
	got, err := ProtectResults(s, raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Respondents.Count == nil || *got.Respondents.Count != 50 || got.Threshold != 10 || got.Rounding != 5 {
		t.Errorf("respondents: got %+v (threshold %d, rounding %d), want 50 of 10 and 5", got.Respondents, got.Threshold, got.Rounding)
	}
	tests := []struct {
		name  string
		cells []surveys.PublishedCount
		want  string
	}{
		{"by channel", got.ByChannel, "web=40 api=0 sms=10 assisted=0 import=0 "},
		// Urdu (7) is hidden, so English is too: 50 - 45 would give it away.
		{"by language", got.ByLanguage, "en=[c] ur=[c] "},
		// Interpreters (3) are hidden, and so is the next smallest cell.
		{"by who entered it", got.ByEnteredBy, "self=40 community_group=[c] interpreter=[c] officer=0 "},
	}
	for _, tt := range tests {
		if g := shownCounts(tt.cells); g != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, g, tt.want)
		}
	}
	paths, dogs := got.Theme("paths"), got.Theme("dogs")
	if paths == nil || *paths.Respondents != 25 || *paths.Share != 0.625 || len(paths.Quotes) != 1 {
		t.Errorf("paths: got %+v, want 25 of 40 (0.625) with its quote", paths)
	}
	if dogs == nil || !dogs.Suppressed || dogs.Respondents != nil || dogs.Share != nil || len(dogs.Quotes) != 0 {
		t.Errorf("dogs: got %+v, want hidden with no share and no quotes", dogs)
	}
}
