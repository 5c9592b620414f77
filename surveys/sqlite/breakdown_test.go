package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// breakdownSurvey stores five responses to the parks survey, of a known
// distribution:
//
//	ref  channel   entered_by  ethnic_group_broad  age_band           disability         visit likes       comment coded
//	0    web       self        asian               35_49              no_ltc             yes   trees, play transport
//	1    web       self        asian               35_49              disabled_a_lot     no    trees       (nothing)
//	2    sms       self        white               prefer_not_to_say  prefer_not_to_say  yes   -           cost, then cost+transport
//	3    assisted  officer     (no equality answers at all)                              yes   play        -
//	4    api       self        -                   16_24              -                  no    -           -
func breakdownSurvey(t *testing.T) (*sqlite.DB, *surveys.Service, *surveys.Survey, []*surveys.Response) {
	t.Helper()
	db := openDB(t)
	svc, s := newSurvey(t, db)
	ctx := context.Background()
	officer, err := svc.AddUser(ctx, &surveys.NewUser{Email: "officer@example.org", Name: "Officer", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	subs := []*surveys.Submission{
		{Channel: surveys.ChannelWeb, Answers: map[string][]string{"visit": {"yes"}, "likes": {"trees", "play"}, "comment": {"Buses"}},
			Equality: map[string]string{"ethnic_group": "asian_pakistani", "age_band": "35_49", "disability_condition": "no"}},
		{Channel: surveys.ChannelWeb, Answers: map[string][]string{"visit": {"no"}, "likes": {"trees"}, "comment": {"Fine"}},
			Equality: map[string]string{"ethnic_group_broad": "asian", "age_band": "35_49", "disability": "disabled_a_lot"}},
		{Channel: surveys.ChannelSMS, Answers: map[string][]string{"visit": {"yes"}, "comment": {"Too dear"}},
			Equality: map[string]string{"ethnic_group": "white_british", "age_band": "prefer_not_to_say", "disability_condition": "prefer_not_to_say"}},
		{Channel: surveys.ChannelAssisted, Answers: map[string][]string{"visit": {"yes"}, "likes": {"play"}},
			EnteredFor: officer, Mediation: surveys.Mediation{EnteredBy: surveys.EnteredByOfficer, ConsentConfirmed: true}},
		{Channel: surveys.ChannelAPI, Answers: map[string][]string{"visit": {"no"}},
			Equality: map[string]string{"age_band": "16_24"}},
	}
	var rs []*surveys.Response
	for _, sub := range subs {
		r, err := svc.Submit(ctx, "parks", sub)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	other, err := svc.AddUser(ctx, &surveys.NewUser{Email: "other@example.org", Name: "Other", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	keys, at := s.FreeTextKeys(), time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	key := func(i int) surveys.AnswerKey { return surveys.AnswerKey{ResponseID: rs[i].ID, QuestionKey: "comment"} }
	if err := db.SaveCodings(ctx, s.ID, keys, officer, 1, at, map[surveys.AnswerKey][]string{
		key(0): {"transport"}, key(1): {}, key(2): {"cost"}}); err != nil {
		t.Fatal(err)
	}
	// A later decision by someone else is the coding of answer 2.
	if err := db.SaveCodings(ctx, s.ID, keys, other, 1, at.Add(time.Hour), map[surveys.AnswerKey][]string{
		key(2): {"cost", "transport"}}); err != nil {
		t.Fatal(err)
	}
	return db, svc, s, rs
}

func gc(value string, count int, groups ...string) surveys.GroupCount {
	return surveys.GroupCount{Groups: groups, Value: value, Count: count}
}

func TestCountGroups(t *testing.T) {
	db, _, s, _ := breakdownSurvey(t)
	for _, tc := range []struct {
		name string
		q    surveys.BreakdownQuery
		want []surveys.GroupCount
	}{
		{"one-way", surveys.BreakdownQuery{By: []string{"ethnic_group_broad"}}, []surveys.GroupCount{
			gc("", 2, ""), gc("", 2, "asian"), gc("", 1, "white"),
		}},
		{"two-way", surveys.BreakdownQuery{By: []string{"ethnic_group_broad", "age_band"}}, []surveys.GroupCount{
			gc("", 1, "", ""), gc("", 1, "", "16_24"), gc("", 2, "asian", "35_49"), gc("", 1, "white", "prefer_not_to_say"),
		}},
		{"three-way", surveys.BreakdownQuery{By: []string{"ethnic_group_broad", "age_band", "disability"}}, []surveys.GroupCount{
			gc("", 1, "", "", ""), gc("", 1, "", "16_24", ""),
			gc("", 1, "asian", "35_49", "disabled_a_lot"), gc("", 1, "asian", "35_49", "no_ltc"),
			gc("", 1, "white", "prefer_not_to_say", "prefer_not_to_say"),
		}},
		{"order of by is kept", surveys.BreakdownQuery{By: []string{"disability", "ethnic_group_broad"}}, []surveys.GroupCount{
			gc("", 2, "", ""), gc("", 1, "disabled_a_lot", "asian"), gc("", 1, "no_ltc", "asian"),
			gc("", 1, "prefer_not_to_say", "white"),
		}},
		{"channel and mediation", surveys.BreakdownQuery{By: []string{"channel", "entered_by"}}, []surveys.GroupCount{
			gc("", 1, "api", "self"), gc("", 1, "assisted", "officer"), gc("", 1, "sms", "self"), gc("", 2, "web", "self"),
		}},
		{"detailed ethnic group", surveys.BreakdownQuery{By: []string{"ethnic_group"}}, []surveys.GroupCount{
			gc("", 3, ""), gc("", 1, "asian_pakistani"), gc("", 1, "white_british"),
		}},
		{"multiple choice: a respondent counts once per option", surveys.BreakdownQuery{By: []string{"ethnic_group_broad"}, Question: "likes"}, []surveys.GroupCount{
			gc("", 1, ""), gc("play", 1, ""), gc("play", 1, "asian"), gc("trees", 2, "asian"), gc("", 1, "white"),
		}},
		{"yes/no question", surveys.BreakdownQuery{By: []string{"channel"}, Question: "visit"}, []surveys.GroupCount{
			gc("no", 1, "api"), gc("yes", 1, "assisted"), gc("yes", 1, "sms"), gc("no", 1, "web"), gc("yes", 1, "web"),
		}},
		{"theme: latest decision, undecided apart", surveys.BreakdownQuery{By: []string{"ethnic_group_broad"}, Theme: "transport"}, []surveys.GroupCount{
			gc(surveys.ThemeUndecided, 2, ""), gc(surveys.ThemeNo, 1, "asian"), gc(surveys.ThemeYes, 1, "asian"), gc(surveys.ThemeYes, 1, "white"),
		}},
		{"theme only in an earlier decision", surveys.BreakdownQuery{By: []string{"channel"}, Theme: "cost"}, []surveys.GroupCount{
			gc("", 1, "api"), gc("", 1, "assisted"), gc("yes", 1, "sms"), gc("no", 2, "web"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.CountGroups(context.Background(), s.ID, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestCountGroupsEmptySurvey(t *testing.T) {
	db := openDB(t)
	_, s := newSurvey(t, db)
	got, err := db.CountGroups(context.Background(), s.ID, surveys.BreakdownQuery{By: []string{"sex"}})
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no cells", got, err)
	}
}

func TestWithdrawEquality(t *testing.T) {
	db, svc, s, rs := breakdownSurvey(t)
	ctx := context.Background()
	by := surveys.BreakdownQuery{By: []string{"ethnic_group_broad", "age_band"}}
	if err := svc.WithdrawEquality(ctx, rs[0].Reference); err != nil {
		t.Fatal(err)
	}
	// Again, typed as a person might: idempotent.
	if err := svc.WithdrawEquality(ctx, " "+rs[0].Reference[:3]+" "+rs[0].Reference[4:]+" "); err != nil {
		t.Errorf("withdrawing again: %v", err)
	}
	got, err := svc.CountGroups(ctx, s, by)
	if err != nil {
		t.Fatal(err)
	}
	want := []surveys.GroupCount{gc("", 2, "", ""), gc("", 1, "", "16_24"), gc("", 1, "asian", "35_49"), gc("", 1, "white", "prefer_not_to_say")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after withdrawal got  %v\nwant %v", got, want)
	}
	stored, err := db.ResponseByReference(ctx, s.ID, rs[0].Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if stored.Equality != nil {
		t.Errorf("stored equality answers after withdrawal: got %v, want none", stored.Equality)
	}
	if len(stored.Answers) == 0 {
		t.Error("the answers went too; only the equality answers should")
	}
	// Nothing puts them back: a correction with equality answers is refused.
	stored.Equality = map[string]string{"age_band": "35_49"}
	err = db.CorrectResponse(ctx, stored, &surveys.Correction{ResponseID: stored.ID, At: time.Now(), Actor: "t", Reason: "typo"})
	if surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("correction adding equality answers back: got %v, want %s", err, surveys.ECONFLICT)
	}

	for _, tc := range []struct {
		reference, want string
	}{
		{"K7P-3QX", surveys.ENOTFOUND},
		{"", surveys.EINVALID},
		{"not a reference", surveys.EINVALID},
	} {
		if err := svc.WithdrawEquality(ctx, tc.reference); surveys.ErrorCode(err) != tc.want {
			t.Errorf("WithdrawEquality(%q): got %v, want %s", tc.reference, err, tc.want)
		}
	}
	events, err := db.AuditEvents(ctx, surveys.AuditQuery{Action: surveys.AuditEqualityWithdraw, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Target != "response:"+rs[0].Reference || events[0].Actor != "anonymous" {
		t.Errorf("audit events: got %+v, want two for response:%s by anonymous", events, rs[0].Reference)
	}
}

// A correction made before the withdrawal keeps a copy of the equality
// answers in its before and after: withdrawal removes them there too, and
// the response can still be corrected.
func TestWithdrawEqualityScrubsCorrections(t *testing.T) {
	db, svc, s, rs := breakdownSurvey(t)
	ctx := context.Background()
	r, err := db.ResponseByReference(ctx, s.ID, rs[1].Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	before := r.Contents()
	r.Answers = []surveys.Answer{{Key: "visit", Values: []string{"yes"}}}
	if err := db.CorrectResponse(ctx, r, &surveys.Correction{ResponseID: r.ID, At: time.Now(), Actor: "t", Reason: "typo", Before: before, After: r.Contents()}); err != nil {
		t.Fatal(err)
	}
	if err := svc.WithdrawEquality(ctx, rs[1].Reference); err != nil {
		t.Fatal(err)
	}
	cs, err := db.Corrections(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Before.Equality != nil || cs[0].After.Equality != nil {
		t.Fatalf("corrections after withdrawal: got %+v, want one without equality answers", cs)
	}
	r, err = db.ResponseByReference(ctx, s.ID, rs[1].Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	before = r.Contents()
	r.Answers = []surveys.Answer{{Key: "visit", Values: []string{"no"}}}
	if err := db.CorrectResponse(ctx, r, &surveys.Correction{ResponseID: r.ID, At: time.Now(), Actor: "t", Reason: "again", Before: before, After: r.Contents()}); err != nil {
		t.Errorf("correcting after withdrawal: %v", err)
	}
}

func TestServiceCountGroupsThemeNeedsCodebook(t *testing.T) {
	_, svc, s, _ := breakdownSurvey(t)
	_, err := svc.CountGroups(context.Background(), s, surveys.BreakdownQuery{By: []string{"sex"}, Theme: "transport"})
	if surveys.ErrorCode(err) != surveys.EINVALID || surveys.ErrorFields(err)["theme"] == "" {
		t.Errorf("theme without a codebook: got %v, want %s naming theme", err, surveys.EINVALID)
	}
}

// A correction that changes equality answers changes the breakdown with it,
// in the same transaction as the answers.
func TestBreakdownFollowsCorrections(t *testing.T) {
	db, svc, s, rs := breakdownSurvey(t)
	ctx := context.Background()
	count := func(age string) int {
		t.Helper()
		got, err := svc.CountGroups(ctx, s, surveys.BreakdownQuery{By: []string{"age_band"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			if c.Groups[0] == age {
				return c.Count
			}
		}
		return 0
	}
	if got := count("16_24"); got != 1 {
		t.Fatalf("16_24 before: got %d, want 1", got)
	}
	stored, err := db.ResponseByReference(ctx, s.ID, rs[4].Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	after := *stored
	after.Equality = map[string]string{"age_band": "65_74"}
	if err := db.CorrectResponse(ctx, &after, &surveys.Correction{ResponseID: stored.ID, At: time.Now(), Actor: "t", Reason: "typo",
		Before: stored.Contents(), After: after.Contents()}); err != nil {
		t.Fatal(err)
	}
	if got16, got65 := count("16_24"), count("65_74"); got16 != 0 || got65 != 1 {
		t.Errorf("after the correction: got 16_24 %d and 65_74 %d, want 0 and 1", got16, got65)
	}
}

// Profiles are an index: rebuilt from the responses (as when the migration
// that adds them is applied to a database with responses), they count the same.
func TestRebuildBreakdownProfiles(t *testing.T) {
	db, svc, s, _ := breakdownSurvey(t)
	ctx := context.Background()
	q := surveys.BreakdownQuery{By: []string{"ethnic_group_broad", "age_band", "channel"}}
	before, err := svc.CountGroups(ctx, s, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RebuildBreakdownProfiles(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := svc.CountGroups(ctx, s, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) || len(after) == 0 {
		t.Errorf("after rebuilding: got %v, want %v", after, before)
	}
}
