package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// The check must fail when an acknowledged submission is missing, stored
// twice or stored with other answers, and must not blame the run for what
// a failed request may have stored: otherwise it could pass whatever the
// server did.

const testRun = "0000abcd"

func mark(kind string, n int) string { return fmt.Sprintf("voices-load %s %s 0-%d", testRun, kind, n) }

func TestVerify(t *testing.T) {
	before := []storedRow{{"OLD-111", "an earlier answer"}}
	stored := append(slices.Clone(before),
		storedRow{"AAA-111", mark("api", 1)},
		storedRow{"AAA-222", mark("web", 2)},
		storedRow{"AAA-333", mark("sms", 3)},
	)
	good := []ack{{"api", "AAA-111", mark("api", 1)}, {"web", "AAA-222", mark("web", 2)}, {"sms", "AAA-333", mark("sms", 3)}}
	tests := []struct {
		name    string
		acks    []ack
		inDoubt []string
		after   []storedRow
		marked  bool
		check   func(t *testing.T, v *Verification)
	}{
		{name: "all stored once", acks: good, after: stored, marked: true, check: func(t *testing.T, v *Verification) {
			if !v.OK || v.Acknowledged != 3 || v.StoredByRun != 3 || v.StoredBefore != 1 || v.ByKind["web"] != 1 {
				t.Errorf("got %+v, want OK with 3 acknowledged and stored", v)
			}
		}},
		{name: "an acknowledged reference not stored", acks: append(slices.Clone(good), ack{"api", "ZZZ-999", mark("api", 9)}),
			after: stored, marked: true, check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Equal(v.Lost, []string{"ZZZ-999"}) {
					t.Errorf("got OK=%v lost %v, want not OK and ZZZ-999 lost", v.OK, v.Lost)
				}
			}},
		{name: "lost without markers too", acks: append(slices.Clone(good), ack{"api", "ZZZ-999", ""}),
			after: stored, marked: false, check: func(t *testing.T, v *Verification) {
				if v.OK || len(v.Lost) != 1 {
					t.Errorf("got OK=%v lost %v, want not OK and one lost", v.OK, v.Lost)
				}
			}},
		{name: "the same submission stored twice", acks: good,
			after: append(slices.Clone(stored), storedRow{"AAA-444", mark("web", 2)}), marked: true,
			check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Equal(v.Duplicated, []string{"AAA-222"}) {
					t.Errorf("got OK=%v duplicated %v, want AAA-222", v.OK, v.Duplicated)
				}
			}},
		{name: "one reference acknowledged to two submissions", acks: append(slices.Clone(good), ack{"api", "AAA-111", mark("api", 5)}),
			after: stored, marked: true, check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Contains(v.Duplicated, "AAA-111") {
					t.Errorf("got OK=%v duplicated %v, want AAA-111", v.OK, v.Duplicated)
				}
			}},
		{name: "a reference holding another submission's answers", acks: []ack{{"api", "AAA-111", mark("api", 7)}},
			after: stored, marked: true, check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Equal(v.WrongContents, []string{"AAA-111"}) {
					t.Errorf("got OK=%v wrong %v, want AAA-111", v.OK, v.WrongContents)
				}
			}},
		{name: "a reference that was stored before the run", acks: append(slices.Clone(good), ack{"api", "OLD-111", ""}),
			after: stored, marked: false, check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Equal(v.WrongContents, []string{"OLD-111"}) {
					t.Errorf("got OK=%v wrong %v, want OLD-111", v.OK, v.WrongContents)
				}
			}},
		{name: "stored after a timeout is not lost nor unexplained", acks: good[:2], inDoubt: []string{mark("sms", 3), mark("api", 8)},
			after: stored, marked: true, check: func(t *testing.T, v *Verification) {
				if !v.OK || v.StoredNotAcked != 1 || v.InDoubt != 2 || len(v.Lost) != 0 {
					t.Errorf("got %+v, want OK, 1 of 2 in doubt stored", v)
				}
			}},
		{name: "stored though nobody sent it", acks: good[:2], after: stored, marked: true,
			check: func(t *testing.T, v *Verification) {
				if v.OK || !slices.Equal(v.Unexplained, []string{"AAA-333"}) {
					t.Errorf("got OK=%v unexplained %v, want AAA-333", v.OK, v.Unexplained)
				}
			}},
		{name: "unmarked: more stored than acknowledged and in doubt", acks: good[:1], inDoubt: []string{"x"}, after: stored, marked: false,
			check: func(t *testing.T, v *Verification) {
				if v.OK || len(v.Unexplained) != 1 || v.StoredNotAcked != 1 {
					t.Errorf("got %+v, want one unexplained", v)
				}
			}},
		{name: "other traffic is counted, not blamed", acks: good,
			after: append(slices.Clone(stored), storedRow{"OTH-111", "a resident meanwhile"}), marked: true,
			check: func(t *testing.T, v *Verification) {
				if !v.OK || v.Other != 1 || v.StoredByRun != 3 {
					t.Errorf("got %+v, want OK with 1 other", v)
				}
			}},
		{name: "nothing acknowledged", after: before, marked: true, check: func(t *testing.T, v *Verification) {
			if v.OK {
				t.Errorf("got OK with nothing acknowledged")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doubt := map[string]bool{}
			for _, m := range tt.inDoubt {
				doubt[m] = true
			}
			tt.check(t, verify(tt.acks, doubt, before, tt.after, testRun, tt.marked))
		})
	}
}

// TestVerifyDatabase checks the whole path through a real database:
// responses stored by Voices, read back read-only, compared with a list
// of acknowledgements that has one reference the database does not hold.
func TestVerifyDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "voices.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &surveys.Service{Store: db}
	s, err := svc.CreateSurvey(ctx, loadSurvey)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := newAnswerGen(s)
	if err != nil {
		t.Fatal(err)
	}
	if gen.markerKey != "matters" {
		t.Fatalf("marker question: got %q, want matters", gen.markerKey)
	}
	var acks []ack
	for i := range 5 {
		m := mark("api", i)
		r, err := svc.Submit(ctx, s.Slug, &surveys.Submission{Channel: surveys.ChannelAPI, Answers: map[string][]string{
			"use": {"yes"}, "rating": {"4"}, "matters": {m}}, Equality: map[string]string{}})
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, ack{"api", r.Reference, m})
	}
	rows, err := readStored(ctx, path, s.Slug, gen.markerKey)
	if err != nil {
		t.Fatal(err)
	}
	if v := verify(acks, nil, nil, rows, testRun, true); !v.OK || v.StoredByRun != 5 {
		t.Fatalf("five stored and acknowledged: got %+v, want OK", v)
	}
	missing := append(slices.Clone(acks), ack{"api", "XXX-XXX", mark("api", 99)})
	if v := verify(missing, nil, nil, rows, testRun, true); v.OK || !slices.Equal(v.Lost, []string{"XXX-XXX"}) {
		t.Fatalf("with an acknowledged reference not in the database: got OK=%v lost %v, want it lost", v.OK, v.Lost)
	}
	swapped := slices.Clone(acks)
	swapped[0].Marker, swapped[1].Marker = swapped[1].Marker, swapped[0].Marker
	if v := verify(swapped, nil, nil, rows, testRun, true); v.OK || len(v.WrongContents) != 2 {
		t.Fatalf("with two references' answers swapped: got OK=%v wrong %v, want both", v.OK, v.WrongContents)
	}
	if _, err := readStored(ctx, filepath.Join(t.TempDir(), "missing.db"), s.Slug, "matters"); err == nil {
		t.Errorf("readStored of a file that is not there: got no error (it must not create one)")
	}
}
