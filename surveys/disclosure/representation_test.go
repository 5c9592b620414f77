package disclosure

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestDefaultBaselineIsTheSharedFile(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/data/equality/birmingham-census2021.csv")
	if err != nil {
		t.Skip("shared/data not next to this clone:", err)
	}
	if string(shared) != birminghamCSV {
		t.Errorf("surveys/disclosure/birmingham-census2021.csv differs from shared/data/equality; copy it again")
	}
}

func TestDefaultBaseline(t *testing.T) {
	b := DefaultBaseline()
	if got, want := len(b.Rows), 123; got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	if b.Attribution != "Source: Office for National Statistics, Census 2021 (Open Government Licence v3.0)" {
		t.Errorf("attribution = %q", b.Attribution)
	}
	order, rows := b.universeRows(false)
	if slices.Contains(order, populationTotal) {
		t.Errorf("population_total is compared")
	}
	for _, tc := range []struct{ characteristic, universe string }{
		{"ethnic_group_broad", "usual residents aged 16+"},
		{"ethnic_group", "all usual residents (all ages)"}, // no adult table of the 19 groups
		{"unpaid_care", "usual residents aged 16+"},
		{"main_language", "usual residents aged 3+"},
	} {
		if got := rows[tc.characteristic][0].Universe; got != tc.universe {
			t.Errorf("%s compared with %q, want %q", tc.characteristic, got, tc.universe)
		}
	}
	_, all := b.universeRows(true)
	if got := all["ethnic_group_broad"][0].Universe; got != "all usual residents (all ages)" {
		t.Errorf("with AllAges, ethnic_group_broad compared with %q", got)
	}
}

// Which census categories have a Voices answer, once renamed or coarsened.
// This pins the mismatches between the census file and the questions
// Voices asks; a new mismatch fails here.
func TestCensusCategoriesMatchVoices(t *testing.T) {
	options := map[string][]string{}
	for _, q := range surveys.EqualityQuestions {
		for _, o := range q.Options {
			options[q.Key] = append(options[q.Key], o.ID)
		}
	}
	options[surveys.EqualityEthnicGroupBroad] = []string{"white", "mixed", "asian", "black", "other"}
	options[surveys.EqualityDisability] = surveys.DisabilityMeasures
	var unmatched []string
	_, rows := DefaultBaseline().universeRows(false)
	for characteristic, rs := range rows {
		voices, asked := options[characteristic]
		if !asked {
			continue // e.g. age_band_5yr, disability_broad: no Voices field
		}
		for _, r := range rs {
			id := voicesID(characteristic, r.Category)
			if excludedFromShares(characteristic, r.Category) || slices.Contains(voices, id) {
				continue
			}
			finer := false
			for v, coarse := range voicesToCoarser[characteristic] {
				finer = finer || (coarse == id && slices.Contains(voices, v))
			}
			if !finer {
				unmatched = append(unmatched, characteristic+"/"+r.Category)
			}
		}
	}
	if len(unmatched) > 0 {
		t.Errorf("census categories with no Voices answer: %v", unmatched)
	}
}

func TestParseBaselineProblems(t *testing.T) {
	for _, tc := range []struct{ name, csv, want string }{
		{"empty", "", "line 1: the file is empty"},
		{"missing column", "characteristic,category_id,count\n", "line 1: the column category_label is missing"},
		{"unknown column", strings.Join(BaselineColumns, ",") + ",notes\n", `line 1, column 9: "notes" is not a baseline column`},
		{"no rows", strings.Join(BaselineColumns, ",") + "\n", "line 2: there are no rows"},
		{"bad count", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,lots,100,50.00,all,x\n", `line 2, column count: "lots" must be a whole number`},
		{"bad id", strings.Join(BaselineColumns, ",") + "\nSex,female,Female,50,100,50.00,all,x\n", `line 2, column characteristic: "Sex" must be an id`},
		{"count above denominator", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,150,100,100,all,x\n", "line 2, column count: 150 is more than the denominator 100"},
		{"percent", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,50,100,60.00,all,x\nsex,male,Male,50,100,50.00,all,x\n", "line 2, column percent: 60 does not agree"},
		{"duplicate", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,50,100,50.00,all,x\nsex,female,Female,50,100,50.00,all,x\n", "line 3, column category_id: sex female for \"all\" is already on line 2"},
		{"sum", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,50,100,50.00,all,x\nsex,male,Male,30,100,30.00,all,x\n", "line 2, column count: the counts of sex (all) add up to 80, not the denominator 100"},
		{"denominators differ", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,50,100,50.00,all,x\nsex,male,Male,50,200,25.00,all,x\n", "line 3, column denominator: 200 differs"},
		{"short row", strings.Join(BaselineColumns, ",") + "\nsex,female,Female\n", "line 2: 3 fields, but the first line names 8 columns"},
		{"no universe", strings.Join(BaselineColumns, ",") + "\nsex,female,Female,50,50,100,,x\n", "line 2, column universe: say who was counted"},
	} {
		_, err := ParseBaseline(strings.NewReader(tc.csv), "test")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// Columns in another order, with a byte-order mark, are fine.
	ok := "\ufeffuniverse,source,characteristic,category_id,category_label,count,denominator,percent\nall,x,sex,female,Female,50,100,50.00\nall,x,sex,male,Male,50,100,50.00\n"
	if b, err := ParseBaseline(strings.NewReader(ok), "reordered"); err != nil || len(b.Rows) != 2 || b.Rows[1].Line != 3 {
		t.Errorf("reordered columns: %v, %v", b, err)
	}
}

func TestCompare(t *testing.T) {
	// Synthetic respondents of known distribution, against Birmingham's
	// adults: white 472231, mixed 30408, asian 257770, black 92703, other
	// 36512, of 889624. Expected values by:
	//   python3 -c 'import math
	//   pop={"white":472231,"mixed":30408,"asian":257770,"black":92703,"other":36512};T=sum(pop.values())
	//   resp={"white":600,"asian":200,"black":120,"mixed":50,"other":30};N=sum(resp.values())
	//   for k in pop:
	//     s=resp[k]/N;ps=pop[k]/T;e=N*ps;x=(resp[k]-e)**2/e+((N-resp[k])-(N-e))**2/(N-e)
	//     print(k,round(s,4),round(ps,4),round(s/ps,2),math.erfc(math.sqrt(x/2)))'
	//   white 0.6 0.5308 1.13 1.17e-05 / mixed 0.05 0.0342 1.46 0.0059 /
	//   asian 0.2 0.2898 0.69 3.94e-10 / black 0.12 0.1042 1.15 0.102 /
	//   other 0.03 0.041 0.73 0.0784
	respondents := map[string]map[string]int{
		"ethnic_group_broad": {"white": 600, "asian": 200, "black": 120, "mixed": 50, "other": 30, surveys.PreferNotToSay: 40},
	}
	rep, err := DefaultBaseline().Compare(respondents, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		share, pop, ratio float64
		under             bool
	}{
		"white": {0.6, 0.5308, 1.13, false},
		"mixed": {0.05, 0.0342, 1.46, false},
		"asian": {0.2, 0.2898, 0.69, true},
		"black": {0.12, 0.1042, 1.15, false},
		"other": {0.03, 0.041, 0.73, false}, // below 0.8, but p = 0.078: not flagged
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("rows = %d, want %d: %+v", len(rep.Rows), len(want), rep.Rows)
	}
	for _, r := range rep.Rows {
		w := want[r.Category]
		if r.RespondentsShare == nil || *r.RespondentsShare != w.share || r.PopulationShare != w.pop ||
			r.Ratio == nil || *r.Ratio != w.ratio || r.UnderRepresented != w.under {
			t.Errorf("%s: share %v pop %v ratio %v under %v, want %v %v %v %v", r.Category,
				deref(r.RespondentsShare), r.PopulationShare, deref(r.Ratio), r.UnderRepresented, w.share, w.pop, w.ratio, w.under)
		}
	}
	under := rep.UnderRepresented()
	if len(under) != 1 {
		t.Fatalf("under-represented = %+v, want asian only", under)
	}
	if got, want := under[0].Sentence("Asian residents", "the city's"), "We have heard from 31% fewer Asian residents than the city's population would suggest"; got != want {
		t.Errorf("sentence = %q, want %q", got, want)
	}
	if !strings.HasSuffix(rep.Baseline, ". "+Attribution) {
		t.Errorf("baseline %q does not end with the attribution", rep.Baseline)
	}
	out, _ := json.Marshal(rep.Rows[2])
	if got, want := string(out), `{"characteristic":"ethnic_group_broad","category":"asian","respondents":200,"respondents_share":0.2,"population_share":0.2898,"ratio":0.69,"under_represented":true}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func TestCompareSmallNumbers(t *testing.T) {
	// 2 Bangladeshi respondents of 300 where 4.21% (12.6) were expected:
	// hidden, yet flagged. The hidden 2 forces a second hidden cell.
	respondents := map[string]map[string]int{
		"ethnic_group": {"white_british": 200, "asian_pakistani": 58, "asian_indian": 40, "asian_bangladeshi": 2},
	}
	rep, err := DefaultBaseline().Compare(respondents, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, r := range rep.Rows {
		if r.Respondents == nil {
			hidden++
			if r.RespondentsShare != nil || r.Ratio != nil {
				t.Errorf("%s: hidden count with share or ratio", r.Category)
			}
		}
		if r.Category == "asian_bangladeshi" {
			if r.Respondents != nil || !r.UnderRepresented {
				t.Errorf("bangladeshi: respondents %v under %v, want hidden and under-represented", r.Respondents, r.UnderRepresented)
			}
			if got, want := r.Sentence("Bangladeshi residents", "the city's"), "We have heard from fewer Bangladeshi residents than the city's population would suggest (too few to give a number)"; got != want {
				t.Errorf("sentence = %q, want %q", got, want)
			}
		}
	}
	if hidden != 2 {
		t.Errorf("hidden rows = %d, want 2 (the small one and its partner)", hidden)
	}

	// 30 respondents, none Bangladeshi: 1.3 expected, p ≈ 0.3, so not
	// flagged though the ratio is 0.
	small := map[string]map[string]int{"ethnic_group": {"white_british": 30}}
	rep, _ = DefaultBaseline().Compare(small, CompareOptions{})
	for _, r := range rep.Rows {
		if r.Category == "asian_bangladeshi" && r.UnderRepresented {
			t.Errorf("0 of 30 Bangladeshi flagged as under-represented")
		}
	}
}

// Renamed and coarser categories line up with Voices's answers.
func TestCompareMapsCategories(t *testing.T) {
	respondents := map[string]map[string]int{
		"age_band":           {"16_24": 100, "25_34": 100},
		"sexual_orientation": {"straight": 180, "gay_lesbian": 20},
		"disability":         {"disabled_a_lot": 40, "ltc_not_limited": 60, "no_ltc": 100},
		"unpaid_care":        {"no": 150, "h0_9": 20, "h10_19": 30},
		"gender_identity":    {"yes": 190, "no": 10},
	}
	rep, err := DefaultBaseline().Compare(respondents, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rep.Rows {
		if r.Respondents != nil {
			got[r.Characteristic+"/"+r.Category] = *r.Respondents
		}
	}
	for key, want := range map[string]int{
		"age_band/16_24": 100, "sexual_orientation/straight": 180,
		"disability/not_disabled": 160, "unpaid_care/h0_19": 50, "gender_identity/no": 10,
	} {
		if got[key] != want {
			t.Errorf("%s = %d, want %d", key, got[key], want)
		}
	}
	if len(rep.Unmatched) != 0 {
		t.Errorf("unmatched = %v, want none", rep.Unmatched)
	}
}

func TestBaselineAttribution(t *testing.T) {
	for _, tc := range []struct{ sources, want string }{
		{"ONS table TS021", Attribution},
		{"Census 2021 via Nomis", Attribution},
		{"Office for National Statistics", Attribution},
		{"Persons counted by the council's own survey", "Source: Persons counted by the council's own survey"},
		{"", ""},
	} {
		csv := "characteristic,category_id,category_label,count,denominator,percent,universe,source\n" +
			"sex,female,Female,50,100,50,adults,\"" + tc.sources + "\"\nsex,male,Male,50,100,50,adults,\"" + tc.sources + "\"\n"
		b, err := ParseBaseline(strings.NewReader(csv), "Somewhere")
		if err != nil {
			t.Fatal(err)
		}
		if b.Attribution != tc.want {
			t.Errorf("sources %q: attribution %q, want %q", tc.sources, b.Attribution, tc.want)
		}
	}
}

func TestSentenceForNobodyHeard(t *testing.T) {
	r := RepresentationRow{Ratio: ptr(0.0), PopulationShare: 0.0401, UnderRepresented: true}
	if got, want := r.Sentence("White Other residents", "the city's"), "We have not heard from any White Other residents yet, though they are 4.0% of the city's population"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
