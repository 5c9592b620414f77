package disclosure

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// shown prints a published count, or "hidden".
func shown(n *int) string {
	if n == nil {
		return "hidden"
	}
	return fmt.Sprint(*n)
}

// splitText prints a split as "web=hidden sms=hidden".
func splitText(cells []SummaryCell) string {
	var parts []string
	for _, c := range cells {
		parts = append(parts, c.Category+"="+shown(c.Respondents))
	}
	return strings.Join(parts, " ")
}

// themeOf returns a theme raised by n respondents, all on the web, entered
// by themselves, in March 2026, rated positive, with one quote.
func themeOf(id string, n int) surveys.ThemeCount {
	return surveys.ThemeCount{Theme: id, Name: id, Respondents: n, Quotes: []surveys.Quote{{Text: "About " + id}},
		ByChannel: map[string]int{"web": n}, ByEnteredBy: map[string]int{"self": n},
		Sentiment: &surveys.SentimentSplit{Positive: n}, ByMonth: []surveys.MonthCount{{Month: "2026-03", Respondents: n}}}
}

// knownSummary is a summary of 48 respondents with known counts: lighting
// raised by 30 (24 on the web, 6 by text message), seating by 23, dogs by 7.
func knownSummary() *surveys.ThemeSummary {
	lighting := surveys.ThemeCount{Theme: "lighting", Name: "Lighting", Respondents: 30,
		ByChannel:   map[string]int{"web": 24, "sms": 6},
		ByEnteredBy: map[string]int{"self": 18, "community_group": 12},
		Sentiment:   &surveys.SentimentSplit{Positive: 3, Neutral: 0, Negative: 22, NotRated: 5},
		ByMonth:     []surveys.MonthCount{{Month: "2026-02", Respondents: 11}, {Month: "2026-03", Respondents: 19}},
		Quotes:      []surveys.Quote{{Text: "The paths are too dark"}}}
	dogs := themeOf("dogs", 7)
	dogs.Quotes = []surveys.Quote{{Text: "Dogs off the lead scare my children"}}
	q := surveys.QuestionSummary{Question: "comment", Prompt: "What should change?", Respondents: 48,
		Themes: []surveys.ThemeCount{dogs, themeOf("seating", 23), lighting}}
	return &surveys.ThemeSummary{Survey: "parks", Title: "Parks", CodebookVersion: 2, Decided: 48, Undecided: 7,
		Sentiment: "rating", Overall: q, Questions: []surveys.QuestionSummary{q}}
}

func TestProtectSummary(t *testing.T) {
	sum, err := ProtectSummary(knownSummary(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(sum.Threshold, sum.Rounding, sum.Rule), fmt.Sprint(10, 5, RuleText(10, 5)); got != want {
		t.Errorf("threshold, rounding and rule: got %s, want %s", got, want)
	}
	if got, want := shown(sum.Decided.Count)+" "+shown(sum.Undecided.Count), "50 hidden"; got != want {
		t.Errorf("decided and undecided answers: got %s, want %s", got, want)
	}
	if !sum.Undecided.Suppressed || sum.Decided.Suppressed {
		t.Errorf("suppressed markers: got decided %v, undecided %v; want false, true", sum.Decided.Suppressed, sum.Undecided.Suppressed)
	}
	for _, q := range append([]SummaryQuestion{sum.Overall}, sum.Questions...) {
		if got, want := shown(q.Respondents), "50"; got != want {
			t.Errorf("question %q respondents: got %s, want %s", q.Question, got, want)
		}
		var order []string
		themes := map[string]SummaryTheme{}
		for _, th := range q.Themes {
			order = append(order, th.Theme)
			themes[th.Theme] = th
		}
		if got, want := strings.Join(order, ","), "lighting,seating,dogs"; got != want {
			t.Errorf("order of themes: got %s, want %s (by published count, hidden last)", got, want)
		}
		tests := []struct {
			theme                                  string
			respondents, share                     string
			channel, enteredBy, sentiment, byMonth string
		}{
			// 30 = 24 web + 6 sms: 6 is hidden, and so is 24, or 30 - 24
			// would give it back.
			{"lighting", "30", "0.6", "web=hidden sms=hidden", "self=20 community_group=10",
				"positive=hidden neutral=0 negative=20 not_rated=hidden", "2026-02=10 2026-03=20"},
			{"seating", "25", "0.5", "web=25", "self=25", "positive=25 neutral=0 negative=0 not_rated=0", "2026-03=25"},
			// Raised by 7: hidden, and nothing about those 7 is split out.
			{"dogs", "hidden", "<nil>", "", "", "", ""},
		}
		for _, tt := range tests {
			th := themes[tt.theme]
			share := "<nil>"
			if th.Share != nil {
				share = fmt.Sprint(*th.Share)
			}
			got := []string{shown(th.Respondents), share, splitText(th.ByChannel), splitText(th.ByEnteredBy), splitText(th.Sentiment), splitText(th.ByMonth)}
			want := []string{tt.respondents, tt.share, tt.channel, tt.enteredBy, tt.sentiment, tt.byMonth}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
				t.Errorf("question %q, %s: got %q, want %q", q.Question, tt.theme, got, want)
			}
			if th.Suppressed != (th.Respondents == nil) {
				t.Errorf("question %q, %s: suppressed %v beside respondents %s", q.Question, tt.theme, th.Suppressed, shown(th.Respondents))
			}
			if len(th.Quotes) == 0 {
				t.Errorf("question %q, %s: got no quotes, want them kept", q.Question, tt.theme)
			}
		}
	}
}

// Shares are worked out from the rounded counts, never from exact ones.
func TestProtectSummaryShares(t *testing.T) {
	raw := &surveys.ThemeSummary{Overall: surveys.QuestionSummary{Respondents: 37, // published as 35
		Themes: []surveys.ThemeCount{themeOf("a", 12) /* 10 */, themeOf("b", 13) /* 15 */}}}
	sum, err := ProtectSummary(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, th := range sum.Overall.Themes {
		got[th.Theme] = *th.Share
	}
	want := map[string]float64{"a": 0.2857, "b": 0.4286} // 10/35, 15/35: not 12/37 or 13/37
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("shares: got %v, want %v", got, want)
	}
	web := sum.Overall.Themes[1].ByChannel[0] // b: 15 of 15 on the web
	if web.Share == nil || *web.Share != 1 {
		t.Errorf("share of b on the web: got %v, want 1", web.Share)
	}
}

// No split of a published theme may have exactly one hidden cell: its
// total, the theme's respondents, is published beside it. Checked over
// many splits of every size.
func TestProtectSummaryNothingRecoverable(t *testing.T) {
	checked := 0
	for web := 0; web <= 40; web++ {
		for sms := 0; sms <= 40; sms += 3 {
			for post := 0; post <= 12; post += 4 {
				n := web + sms + post
				th := themeOf("t", n)
				th.ByChannel = map[string]int{"web": web, "sms": sms, "import": post}
				raw := &surveys.ThemeSummary{Overall: surveys.QuestionSummary{Respondents: n, Themes: []surveys.ThemeCount{th}}}
				sum, err := ProtectSummary(raw, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := sum.Overall.Themes[0]
				if got.Suppressed {
					continue
				}
				checked++
				hidden := 0
				for _, c := range got.ByChannel {
					if c.Suppressed {
						hidden++
					}
					if c.Suppressed == (c.Respondents == nil) {
						continue
					}
					t.Errorf("%d web, %d sms, %d import: cell %s marked suppressed %v with %s", web, sms, post, c.Category, c.Suppressed, shown(c.Respondents))
				}
				if hidden == 1 {
					t.Errorf("%d web, %d sms, %d import: got %s beside a total of %s, want no single hidden cell",
						web, sms, post, splitText(got.ByChannel), shown(got.Respondents))
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d splits were published; the test checks too little", checked)
	}
}

func TestProtectSummaryRules(t *testing.T) {
	tests := []struct {
		name        string
		respondents int // the question's
		theme       int
		opts        Options
		want        string // question respondents, theme respondents
	}{
		{"a small question hides all its themes", 9, 9, Options{}, "hidden hidden"},
		{"zero is shown", 0, 0, Options{}, "0 0"},
		{"at the threshold", 10, 10, Options{}, "10 10"},
		{"rounded", 23, 12, Options{}, "25 10"},
		{"a threshold of 5, no rounding", 23, 7, Options{Threshold: 5, Rounding: 1}, "23 7"},
		{"a threshold of 20", 23, 19, Options{Threshold: 20}, "25 hidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := themeOf("t", tt.theme)
			if tt.theme == 0 {
				th.ByChannel, th.ByEnteredBy, th.ByMonth = nil, nil, nil
			}
			raw := &surveys.ThemeSummary{Overall: surveys.QuestionSummary{Respondents: tt.respondents, Themes: []surveys.ThemeCount{th}}}
			sum, err := ProtectSummary(raw, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := shown(sum.Overall.Respondents) + " " + shown(sum.Overall.Themes[0].Respondents); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if got, want := sum.Rule, RuleText(sum.Threshold, sum.Rounding); got != want {
				t.Errorf("rule: got %q, want %q", got, want)
			}
		})
	}
}

// A split that does not add up to its theme is a mistake in the counting,
// and is refused rather than published.
func TestProtectSummaryRefusesSplitsThatDoNotAddUp(t *testing.T) {
	th := themeOf("t", 20)
	th.ByChannel = map[string]int{"web": 12, "sms": 5}
	_, err := ProtectSummary(&surveys.ThemeSummary{Overall: surveys.QuestionSummary{Respondents: 20, Themes: []surveys.ThemeCount{th}}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "adds up to 17, not to its 20") {
		t.Errorf("got %v, want an error saying the channels add up to 17, not 20", err)
	}
}

// The JSON follows the breakdown API: a hidden count is null beside
// "suppressed": true, with no share.
func TestProtectSummaryJSON(t *testing.T) {
	sum, err := ProtectSummary(knownSummary(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"threshold":10,"rounding":5,"rule":"To protect`,
		`"undecided_answers":{"count":null,"suppressed":true}`,
		`"theme":"dogs","name":"dogs","respondents":null,"suppressed":true,"by_channel":null,"by_entered_by":null,"sentiment":null,"by_month":null,"quotes":[{"text":"Dogs off the lead`,
		`"theme":"seating","name":"seating","respondents":25,"suppressed":false,"share":0.5,"by_channel":[{"category":"web","respondents":25,"suppressed":false,"share":1}]`,
		`{"category":"sms","respondents":null,"suppressed":true}`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON: got %s\nwant it to contain %s", data, want)
		}
	}
}
