package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

func TestCountByDay(t *testing.T) {
	db := openDB(t)
	svc, s := newSurvey(t, db)
	ctx := context.Background()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 1 June is 00:30 on 2 June in London (summer time).
	for _, tc := range []struct {
		at    time.Time
		group string
	}{
		{time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), "asian_pakistani"},
		{time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC), "asian_pakistani"},
		{time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC), "white_british"},
	} {
		svc.Now = func() time.Time { return tc.at }
		if _, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelWeb,
			Answers: map[string][]string{"visit": {"yes"}}, Equality: map[string]string{"ethnic_group": tc.group}}); err != nil {
			t.Fatal(err)
		}
	}
	broad := func(loc *time.Location) []surveys.DayCount {
		t.Helper()
		counts, err := db.CountByDay(ctx, s.ID, loc)
		if err != nil {
			t.Fatal(err)
		}
		var out []surveys.DayCount
		for _, c := range counts {
			if c.Dimension == "ethnic_group_broad" {
				out = append(out, c)
			}
		}
		return out
	}
	day := func(d, v string, n int) surveys.DayCount {
		return surveys.DayCount{Day: d, Dimension: "ethnic_group_broad", Value: v, Count: n}
	}
	// Rebuilt from the responses, as when migration 0013 fills in the
	// times of responses stored before it, the days are the same.
	rebuilt := func() {
		if err := db.RebuildBreakdownProfiles(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		loc  *time.Location
		want []surveys.DayCount
		then func()
	}{
		{"London", london, []surveys.DayCount{day("2026-06-01", "asian", 1), day("2026-06-02", "asian", 1), day("2026-06-02", "white", 1)}, nil},
		{"UTC", time.UTC, []surveys.DayCount{day("2026-06-01", "asian", 2), day("2026-06-02", "white", 1)}, rebuilt},
		{"London, rebuilt", london, []surveys.DayCount{day("2026-06-01", "asian", 1), day("2026-06-02", "asian", 1), day("2026-06-02", "white", 1)}, nil},
	} {
		if got := broad(tc.loc); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
		if tc.then != nil {
			tc.then()
		}
	}
	// Every characteristic is counted for every response: those with no
	// answer under NotAnswered.
	counts, err := db.CountByDay(ctx, s.ID, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]int{}
	for _, c := range counts {
		total[c.Dimension] += c.Count
	}
	for _, dim := range surveys.BreakdownDimensions {
		if surveys.IsEqualityDimension(dim) && total[dim] != 3 {
			t.Errorf("%s counts %d respondents, want 3", dim, total[dim])
		}
	}
	if _, ok := total["channel"]; ok {
		t.Errorf("channel is counted; want equality characteristics only")
	}
}

func TestSurveyBaseline(t *testing.T) {
	db := openDB(t)
	svc, s := newSurvey(t, db)
	ctx := context.Background()
	if _, err := db.SurveyBaseline(ctx, s.ID); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Fatalf("before any is set: got %v, want ENOTFOUND", err)
	}
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return at }
	ctx = surveys.WithActor(ctx, surveys.Actor{Name: "cli"})
	for _, name := range []string{"Sandwell", "Walsall"} {
		if _, err := svc.SetSurveyBaseline(ctx, s, name, []byte("csv of "+name)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.SurveyBaseline(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &surveys.Baseline{SurveyID: s.ID, Name: "Walsall", CSV: []byte("csv of Walsall"), SetAt: at, SetBy: "cli"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if err := svc.ClearSurveyBaseline(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SurveyBaseline(ctx, s.ID); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("after clearing: got %v, want ENOTFOUND", err)
	}
	events, err := db.AuditEvents(ctx, surveys.AuditQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if want := []string{surveys.AuditBaselineClear, surveys.AuditBaselineSet, surveys.AuditBaselineSet}; !reflect.DeepEqual(actions[:3], want) {
		t.Errorf("audit log: got %v, want %v first", actions, want)
	}
}

func TestSetSurveyBaselineNamesEachProblem(t *testing.T) {
	db := openDB(t)
	svc, s := newSurvey(t, db)
	for _, tc := range []struct {
		name  string
		csv   []byte
		field string
	}{
		{"", []byte("x"), "name"},
		{"Sandwell\x00", []byte("x"), "name"},
		{"Sandwell", nil, "file"},
		{"Sandwell", make([]byte, surveys.MaxBaselineSize+1), "file"},
	} {
		_, err := svc.SetSurveyBaseline(context.Background(), s, tc.name, tc.csv)
		if _, ok := surveys.ErrorFields(err)[tc.field]; !ok || surveys.ErrorCode(err) != surveys.EINVALID {
			t.Errorf("name %q, %d bytes: got %v, want EINVALID naming %s", tc.name, len(tc.csv), err, tc.field)
		}
	}
	if _, err := db.SurveyBaseline(context.Background(), s.ID); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("a refused baseline was stored: %v", err)
	}
}
