package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

func TestCodingStore(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	amina, err := svc.AddUser(ctx, &surveys.NewUser{Email: "amina@example.org", Name: "Amina", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	olu, err := svc.AddUser(ctx, &surveys.NewUser{Email: "olu@example.org", Name: "Olu", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	var refs []*surveys.Response
	for _, comment := range []string{"The paths are dark", "More benches please", ""} {
		sub := &surveys.Submission{Channel: surveys.ChannelAPI, Answers: map[string][]string{"visit": {"yes"}}}
		if comment != "" {
			sub.Answers["comment"] = []string{comment}
		}
		r, err := svc.Submit(ctx, "parks", sub)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	keys := s.FreeTextKeys()
	if !reflect.DeepEqual(keys, []string{"comment"}) {
		t.Fatalf("FreeTextKeys: got %v", keys)
	}
	var texts []string
	if err := db.EachFreeTextAnswer(ctx, s.ID, keys, true, func(k surveys.AnswerKey, text string) error {
		texts = append(texts, text)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(texts, []string{"The paths are dark", "More benches please"}) {
		t.Errorf("free-text answers: got %q", texts)
	}
	first := surveys.AnswerKey{ResponseID: refs[0].ID, QuestionKey: "comment"}
	second := surveys.AnswerKey{ResponseID: refs[1].ID, QuestionKey: "comment"}
	if err := db.ReplaceSuggestions(ctx, 1, map[surveys.AnswerKey][]surveys.ThemeSuggestion{
		first:  {{Theme: "paths", Confidence: 0.9, Source: "rule", Evidence: []string{"paths"}}, {Theme: "safety", Confidence: 0.4, Source: "model"}},
		second: {{Theme: "seating", Confidence: 0.7, Source: "model", Evidence: []string{"benches"}}},
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	if err := db.SaveCodings(ctx, s.ID, keys, amina, 1, at, map[surveys.AnswerKey][]string{first: {"paths", "safety"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCodings(ctx, s.ID, keys, olu, 1, at.Add(time.Hour), map[surveys.AnswerKey][]string{first: {"paths"}}); err != nil {
		t.Fatal(err)
	}
	bad := surveys.AnswerKey{ResponseID: refs[2].ID, QuestionKey: "comment"} // no comment given
	if err := db.SaveCodings(ctx, s.ID, keys, olu, 1, at, map[surveys.AnswerKey][]string{bad: {}}); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("coding an answer that does not exist: got %v, want not found", err)
	}

	tests := []struct {
		name string
		f    surveys.ThemeAnswerFilter
		want []int64
	}{
		{"all", surveys.ThemeAnswerFilter{}, []int64{refs[0].ID, refs[1].ID}},
		{"to do", surveys.ThemeAnswerFilter{Status: surveys.ReviewToDo}, []int64{refs[1].ID}},
		{"done", surveys.ThemeAnswerFilter{Status: surveys.ReviewDone}, []int64{refs[0].ID}},
		{"amina's", surveys.ThemeAnswerFilter{Status: surveys.ReviewMine, CoderID: amina.ID}, []int64{refs[0].ID}},
		{"not yet amina's", surveys.ThemeAnswerFilter{Status: surveys.ReviewNotMine, CoderID: amina.ID}, nil},
		{"suggested theme", surveys.ThemeAnswerFilter{Theme: "seating"}, []int64{refs[1].ID}},
		{"decided theme", surveys.ThemeAnswerFilter{Theme: "paths"}, []int64{refs[0].ID}},
		{"confidence at least 0.8", surveys.ThemeAnswerFilter{MinConfidence: 0.8}, []int64{refs[0].ID}},
		{"confidence at most 0.8", surveys.ThemeAnswerFilter{MaxConfidence: 0.8}, []int64{refs[1].ID}},
		{"theme and confidence", surveys.ThemeAnswerFilter{Theme: "safety", MaxConfidence: 0.5}, []int64{refs[0].ID}},
		{"channel", surveys.ThemeAnswerFilter{Channel: surveys.ChannelWeb}, nil},
		{"after the first", surveys.ThemeAnswerFilter{After: first}, []int64{refs[1].ID}},
		{"page of one", surveys.ThemeAnswerFilter{Limit: 1}, []int64{refs[0].ID}},
	}
	for _, tt := range tests {
		list, err := db.ThemeAnswers(ctx, s.ID, keys, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []int64
		for _, a := range list {
			got = append(got, a.ResponseID)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	list, _ := db.ThemeAnswers(ctx, s.ID, keys, surveys.ThemeAnswerFilter{CoderID: amina.ID, Limit: 1})
	a := list[0]
	if len(a.Suggestions) != 2 || a.Suggestions[0].Theme != "paths" || a.Suggestions[0].Evidence[0] != "paths" {
		t.Errorf("suggestions: got %+v, want paths then safety", a.Suggestions)
	}
	if a.Coding == nil || a.Coding.Coder != "olu@example.org" || !reflect.DeepEqual(a.Coding.Themes, []string{"paths"}) {
		t.Errorf("latest coding: got %+v, want olu's", a.Coding)
	}
	if a.Mine == nil || !reflect.DeepEqual(a.Mine.Themes, []string{"paths", "safety"}) {
		t.Errorf("amina's coding: got %+v", a.Mine)
	}

	var coded []*surveys.CodedAnswer
	if err := db.EachCodedAnswer(ctx, s.ID, func(c *surveys.CodedAnswer) error { coded = append(coded, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(coded) != 1 || !reflect.DeepEqual(coded[0].Themes, []string{"paths"}) || coded[0].Answers["visit"] != "yes" || coded[0].Text != "The paths are dark" {
		t.Errorf("coded answers: got %+v", coded)
	}
	decisions, err := db.Decisions(ctx, s.ID)
	if err != nil || len(decisions[first]) != 2 {
		t.Errorf("decisions: got %v, %v; want two on the first answer", decisions, err)
	}
	if err := db.AddTrainingExamples(ctx, s.ID, []surveys.TrainingExample{{Text: "Dark at night", Themes: []string{"safety"}}}); err != nil {
		t.Fatal(err)
	}
	data, err := db.TrainingData(ctx, s.ID)
	if err != nil || len(data) != 2 || data[0].Text != "Dark at night" || data[1].Text != "The paths are dark" {
		t.Errorf("training data: got %+v, %v", data, err)
	}
	if _, err := db.ThemeModel(ctx, s.ID); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("model before training: got %v, want not found", err)
	}
	rec := &surveys.ThemeModelRecord{SurveyID: s.ID, TrainedAt: at, Examples: 2, CodebookVersion: 1, Model: []byte{1, 2, 3}}
	if err := db.SaveThemeModel(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, err := db.ThemeModel(ctx, s.ID)
	if err != nil || !reflect.DeepEqual(got, rec) {
		t.Errorf("model: got %+v, %v; want %+v", got, err, rec)
	}
}

// Organisations are one whatever the case their name is typed in.
func TestOrganisationNamesIgnoreCase(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc := &surveys.Service{Store: db}
	a, err := svc.AddUser(ctx, &surveys.NewUser{Email: "a@example.org", Name: "A", Role: surveys.RolePartner, Organisation: "Ladywood Network", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.AddUser(ctx, &surveys.NewUser{Email: "b@example.org", Name: "B", Role: surveys.RolePartner, Organisation: "ladywood NETWORK", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if a.OrganisationID != b.OrganisationID || b.Organisation != "Ladywood Network" {
		t.Errorf("got organisations %d %q and %d %q, want one, as first written", a.OrganisationID, a.Organisation, b.OrganisationID, b.Organisation)
	}
}
