package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Responses written at the same moment share commits, yet each is stored
// whole or not at all: one whose reference is taken fails alone, and the
// others in its group are kept.
func TestGroupCommitKeepsEachWriteWhole(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	_, s := newSurvey(t, db)
	taken := &surveys.Response{SurveyID: s.ID, Reference: "TAK-ENN", SubmittedAt: time.Now(), Channel: surveys.ChannelAPI, Language: "en",
		Mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf}, Answers: []surveys.Answer{{Key: "visit", Values: []string{"yes"}}}}
	if err := db.CreateResponse(ctx, taken); err != nil {
		t.Fatal(err)
	}
	const good, clashing = 60, 6
	var wg sync.WaitGroup
	errs := make([]error, good+clashing)
	for i := range good + clashing {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref := fmt.Sprintf("G%02d-%03d", i%100, i)
			if i >= good {
				ref = taken.Reference
			}
			r := &surveys.Response{SurveyID: s.ID, Reference: ref, SubmittedAt: time.Now(), Channel: surveys.ChannelAPI, Language: "en",
				Mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf},
				Answers:   []surveys.Answer{{Key: "visit", Values: []string{"no"}}, {Key: "comment", Values: []string{fmt.Sprintf("answer %d", i)}}}}
			errs[i] = db.CreateResponse(ctx, r)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if want := i >= good; want != errors.Is(err, surveys.ErrReferenceTaken) || (!want && err != nil) {
			t.Errorf("write %d: got %v, want reference taken: %v", i, err, want)
		}
	}
	n, answers := 0, 0
	err := db.EachResponse(ctx, s.ID, surveys.ResponseFilter{}, func(r *surveys.Response) error {
		n++
		answers += len(r.Answers)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != good+1 || answers != 2*good+1 {
		t.Errorf("stored %d responses with %d answers, want %d with %d: nothing of the refused ones", n, answers, good+1, 2*good+1)
	}
	// A caller that gave up before its write was taken stores nothing.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	r := &surveys.Response{SurveyID: s.ID, Reference: "CAN-CEL", SubmittedAt: time.Now(), Channel: surveys.ChannelAPI, Language: "en",
		Mediation: surveys.Mediation{EnteredBy: surveys.EnteredBySelf}, Answers: []surveys.Answer{{Key: "visit", Values: []string{"yes"}}}}
	if err := db.CreateResponse(gone, r); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled write: got %v, want context.Canceled", err)
	}
	if _, err := db.ResponseByReference(ctx, s.ID, "CAN-CEL", surveys.ResponseFilter{}); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("the cancelled write: got %v, want not stored", err)
	}
}
