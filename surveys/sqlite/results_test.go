package sqlite_test

import (
	"context"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// A survey with no codebook yet still has results figures: who took part,
// and nothing themed (rather than ENOTFOUND for the missing codebook).
func TestResultsFiguresWithoutCodebook(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s := newSurvey(t, db)
	for _, ch := range []surveys.Channel{surveys.ChannelAPI, surveys.ChannelAPI, surveys.ChannelSMS} {
		if _, err := svc.Submit(ctx, "parks", &surveys.Submission{Channel: ch, Answers: map[string][]string{"visit": {"yes"}}}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := svc.ResultsFigures(ctx, s)
	if err != nil {
		t.Fatalf("ResultsFigures without a codebook: %v", err)
	}
	if f.Respondents != 3 || f.ByChannel["api"] != 2 || f.ByChannel["sms"] != 1 || f.Summary != nil {
		t.Errorf("ResultsFigures: got %+v, want 3 respondents (2 api, 1 sms) and no themed summary", f)
	}
}
