package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
)

// The check after the load: every submission a client was told was
// stored (a 2xx with a reference: the API's 201, the web form's page with
// the reference, the text with it) is in the database exactly once, under
// that reference and with that submission's answers. A submission that
// failed once sent (a timeout, the connection dropped) may or may not be
// stored: it is not lost if it is not, and not unexplained if it is.

// storedRow is one stored response: its reference and the answer to the
// question that holds the marker ("" without one).
type storedRow struct {
	Reference, Marker string
}

// readStored reads the survey's responses from the database file, opened
// read-only (it may be a running server's).
func readStored(ctx context.Context, path, slug, markerKey string) ([]storedRow, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var surveyID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM surveys WHERE slug = ?`, slug).Scan(&surveyID); err != nil {
		return nil, fmt.Errorf("finding survey %s in %s: %w", slug, path, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT r.reference,
		COALESCE((SELECT a.value FROM answers a WHERE a.response_id = r.id AND a.question_key = ? ORDER BY a.position LIMIT 1), '')
		FROM responses r WHERE r.survey_id = ? ORDER BY r.id`, markerKey, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedRow
	for rows.Next() {
		var r storedRow
		if err := rows.Scan(&r.Reference, &r.Marker); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Verification is what the check found.
type Verification struct {
	Acknowledged   int            `json:"acknowledged"`
	ByKind         map[string]int `json:"acknowledged_by_kind"`
	StoredBefore   int            `json:"stored_before"`    // the survey's responses before the run
	StoredByRun    int            `json:"stored_by_run"`    // responses this run's submissions made
	MarkerChecked  bool           `json:"marker_checked"`   // answers compared, not only references
	Lost           []string       `json:"lost"`             // acknowledged, not stored
	Duplicated     []string       `json:"duplicated"`       // acknowledged, stored (or acknowledged) more than once
	WrongContents  []string       `json:"wrong_contents"`   // stored under the reference with other answers
	InDoubt        int            `json:"in_doubt"`         // submissions that failed once sent
	StoredNotAcked int            `json:"stored_not_acked"` // of those, how many were stored
	Unexplained    []string       `json:"unexplained"`      // stored by this run, neither acknowledged nor in doubt
	Other          int            `json:"other"`            // new responses not from this run (other traffic)
	Integrity      string         `json:"integrity,omitempty"`
	OK             bool           `json:"ok"`
	Problems       []string       `json:"problems"`
}

// verify compares what clients were told (acks, and the markers of
// submissions in doubt) with the rows stored before and after the run.
// marked says the rows carry markers (the survey has a question for them).
func verify(acks []ack, inDoubt map[string]bool, before, after []storedRow, runID string, marked bool) *Verification {
	v := &Verification{Acknowledged: len(acks), ByKind: map[string]int{}, StoredBefore: len(before),
		MarkerChecked: marked, InDoubt: len(inDoubt), Lost: []string{}, Duplicated: []string{},
		WrongContents: []string{}, Unexplained: []string{}, Problems: []string{}}
	existed := map[string]bool{}
	for _, r := range before {
		existed[r.Reference] = true
	}
	byRef := map[string][]storedRow{}
	byMarker := map[string]int{}
	for _, r := range after {
		byRef[r.Reference] = append(byRef[r.Reference], r)
		if marked {
			byMarker[r.Marker]++
		}
	}
	ackedRefs := map[string]int{}
	ackedMarkers := map[string]bool{}
	for _, a := range acks {
		ackedRefs[a.Reference]++
		ackedMarkers[a.Marker] = true
	}
	dup := map[string]bool{}
	for _, a := range acks {
		v.ByKind[a.Kind]++
		rows := byRef[a.Reference]
		switch {
		case len(rows) == 0:
			v.Lost = append(v.Lost, a.Reference)
			continue
		case len(rows) > 1 || ackedRefs[a.Reference] > 1:
			dup[a.Reference] = true
		case existed[a.Reference]:
			// A reference given out again for a new submission.
			v.WrongContents = append(v.WrongContents, a.Reference)
			continue
		}
		if marked {
			if rows[0].Marker != a.Marker {
				v.WrongContents = append(v.WrongContents, a.Reference)
			} else if byMarker[a.Marker] > 1 {
				dup[a.Reference] = true // the same submission stored twice
			}
		}
	}
	for ref := range dup {
		v.Duplicated = append(v.Duplicated, ref)
	}
	slices.Sort(v.Duplicated)
	prefix := "voices-load " + runID + " "
	unackedNew := 0
	for _, r := range after {
		if existed[r.Reference] {
			continue
		}
		if !marked {
			v.StoredByRun++
			if ackedRefs[r.Reference] == 0 {
				unackedNew++
			}
			continue
		}
		if !strings.HasPrefix(r.Marker, prefix) {
			v.Other++
			continue
		}
		v.StoredByRun++
		switch {
		case ackedMarkers[r.Marker]:
		case inDoubt[r.Marker]:
			v.StoredNotAcked++
		default:
			v.Unexplained = append(v.Unexplained, r.Reference)
		}
	}
	if !marked {
		// Without markers, the new responses not acknowledged can only be
		// counted: no more than the submissions in doubt.
		v.StoredNotAcked = min(unackedNew, len(inDoubt))
		for i := len(inDoubt); i < unackedNew; i++ {
			v.Unexplained = append(v.Unexplained, "(unmarked)")
		}
	}
	if v.Acknowledged == 0 {
		v.Problems = append(v.Problems, "no submission was acknowledged: the load did not reach the server")
	}
	if n := len(v.Lost); n > 0 {
		v.Problems = append(v.Problems, fmt.Sprintf("%d acknowledged submissions are not stored, e.g. %s", n, v.Lost[0]))
	}
	if n := len(v.Duplicated); n > 0 {
		v.Problems = append(v.Problems, fmt.Sprintf("%d acknowledged submissions are stored or acknowledged more than once, e.g. %s", n, v.Duplicated[0]))
	}
	if n := len(v.WrongContents); n > 0 {
		v.Problems = append(v.Problems, fmt.Sprintf("%d acknowledged references hold another submission's answers, e.g. %s", n, v.WrongContents[0]))
	}
	if n := len(v.Unexplained); n > 0 {
		v.Problems = append(v.Problems, fmt.Sprintf("%d responses from this run were stored though their submissions were refused (4xx) or never sent, e.g. %s", n, v.Unexplained[0]))
	}
	v.OK = len(v.Problems) == 0
	return v
}
