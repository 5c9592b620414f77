package sqlite_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestCorrectResponse(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	officer, err := svc.AddUser(ctx, &surveys.NewUser{Email: "olu@example.org", Name: "Olu", Role: surveys.RoleOfficer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: surveys.ChannelAPI,
		Answers:  map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"Ducks"}},
		Equality: map[string]string{"age_band": "35_49"}})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.ResponseByReference(ctx, s.ID, r.Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	after := *stored
	after.Answers = []surveys.Answer{{Key: "visit", Values: []string{"no"}}, {Key: "comment", Values: []string{"Too far"}}}
	after.Equality = nil
	c := &surveys.Correction{ResponseID: stored.ID, UserID: officer.ID, Actor: officer.Email, Reason: "phoned to change it",
		Before: stored.Contents(), After: after.Contents()}
	if err := db.CorrectResponse(ctx, &after, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.ResponseByReference(ctx, s.ID, r.Reference, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"visit": {"no"}, "comment": {"Too far"}}; !reflect.DeepEqual(got.Contents().Answers, want) || got.Equality != nil {
		t.Errorf("after the correction: got %v %v, want %v and no equality answers", got.Contents().Answers, got.Equality, want)
	}
	// A second correction made from the same, now stale, reading would
	// undo the first without anyone knowing: it is refused.
	stale := &surveys.Correction{ResponseID: stored.ID, Actor: "someone", Reason: "x", Before: stored.Contents(), After: stored.Contents()}
	if err := db.CorrectResponse(ctx, stored, stale); surveys.ErrorCode(err) != surveys.ECONFLICT {
		t.Errorf("correcting from a stale reading: got %v, want a conflict", err)
	}
	list, err := db.Corrections(ctx, stored.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("Corrections: got %d, %v; want 1", len(list), err)
	}
	if !reflect.DeepEqual(list[0].Before, stored.Contents()) || list[0].Reason != "phoned to change it" || list[0].UserID != officer.ID {
		t.Errorf("the recorded correction: got %+v", list[0])
	}
	// Scoped look-ups do not find what the scope excludes.
	if _, err := db.ResponseByReference(ctx, s.ID, r.Reference, surveys.ResponseFilter{UserID: officer.ID + 100}); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("out of scope: got %v, want not found", err)
	}
}
