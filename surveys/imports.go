package surveys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Imports: responses typed up from paper forms, or collected offline by a
// community group, arrive as rows of a CSV. Every row is checked exactly as
// a web submission; good rows are stored, bad rows are reported by line,
// and a row stored before (same survey, same uploader's organisation, same
// paper form number or, without one, the same answers) is not stored again.

// ImportRow is one row of an import, read into a submission.
type ImportRow struct {
	Line       int // in the file, for the report
	Submission *Submission
	// FormID is the paper form's number, if the file gives one: two people
	// may give the same answers, and the number tells them apart.
	FormID string
	// Problem is set when the row could not even be read into a
	// submission (e.g. a column with two values where one is allowed).
	Problem string
}

// ImportResult reports an import.
type ImportResult struct {
	Accepted   int              `json:"accepted"`
	Duplicates int              `json:"duplicates"`
	Rejected   []RejectedImport `json:"rejected"`
}

// RejectedImport is a row that was not stored, and why.
type RejectedImport struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ImportStore stores imported responses.
type ImportStore interface {
	// ImportResponses stores responses in as few transactions as it can,
	// each with its ImportKey, skipping any whose key is already stored for
	// the survey. It sets the ID of each stored response and returns, in
	// order, whether each was a duplicate. A reference clash draws a new
	// reference (newReference) rather than failing the import.
	ImportResponses(ctx context.Context, rs []*Response, newReference func() string) ([]bool, error)
}

// MaxImportRows bounds one import file.
const MaxImportRows = 100000

// Import checks each row as a submission to s from user u (who must be
// signed in) and stores the good ones.
func (svc *Service) Import(ctx context.Context, s *Survey, u *User, rows []ImportRow) (ImportResult, error) {
	return svc.ImportWithProgress(ctx, s, u, rows, nil)
}

// importChunk is how many good rows are stored between progress reports.
const importChunk = 5000

// ImportWithProgress is Import, calling progress (when not nil) with how
// many rows are done: all of them checked, then the good ones stored a
// chunk at a time, so a person uploading 50,000 rows sees it move.
func (svc *Service) ImportWithProgress(ctx context.Context, s *Survey, u *User, rows []ImportRow, progress func(done, total int)) (ImportResult, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	result := ImportResult{Rejected: []RejectedImport{}}
	if u == nil {
		return result, Errorf(EUNAUTHORIZED, "Sign in or send an API token to import responses.")
	}
	now := svc.Clock()
	if err := s.CheckOpen(now); err != nil {
		return result, err
	}
	var good []*Response
	for _, row := range rows {
		if row.Problem != "" {
			result.Rejected = append(result.Rejected, RejectedImport{Line: row.Line, Reason: row.Problem})
			continue
		}
		sub := row.Submission
		sub.Channel, sub.EnteredFor = ChannelImport, u
		r, err := s.CheckSubmission(sub)
		if err != nil {
			result.Rejected = append(result.Rejected, RejectedImport{Line: row.Line, Reason: reason(err)})
			continue
		}
		r.SubmittedAt = now
		r.ImportKey = importKey(s, u, row.FormID, r)
		r.Reference = NewReference()
		good = append(good, r)
	}
	// Checking is quick; storing is most of the time, so the bar counts
	// each row once: bad rows as they are checked, good rows as stored.
	done := len(rows) - len(good)
	progress(done, len(rows))
	for start := 0; start < len(good); start += importChunk {
		chunk := good[start:min(start+importChunk, len(good))]
		duplicate, err := svc.Store.ImportResponses(ctx, chunk, NewReference)
		if err != nil {
			// Chunks stored before stay stored; uploading the file again
			// stores only the rest, as the import keys say.
			svc.audit(WithActor(ctx, Actor{User: u}), AuditImport, "survey:"+s.Slug,
				fmt.Sprintf("failed after %d accepted, %d duplicates: %v", result.Accepted, result.Duplicates, err))
			return ImportResult{}, err
		}
		stored := map[Channel]int{}
		for i, d := range duplicate {
			if d {
				result.Duplicates++
			} else {
				result.Accepted++
				stored[chunk[i].Channel]++
			}
		}
		for channel, n := range stored {
			svc.stored(channel, n)
		}
		done += len(chunk)
		progress(done, len(rows))
	}
	svc.audit(WithActor(ctx, Actor{User: u}), AuditImport, "survey:"+s.Slug,
		fmt.Sprintf("%d accepted, %d duplicates, %d rejected", result.Accepted, result.Duplicates, len(result.Rejected)))
	return result, nil
}

// reason is an error as one line: the message, then each field.
func reason(err error) string {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return ErrorMessage(err)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// importKey identifies a row across uploads: the survey, who uploaded it
// (their organisation, or themselves without one) and the paper form's
// number, or without one everything the row says.
func importKey(s *Survey, u *User, formID string, r *Response) string {
	who := fmt.Sprintf("org:%d", u.OrganisationID)
	if u.OrganisationID == 0 {
		who = fmt.Sprintf("user:%d", u.ID)
	}
	m := r.Mediation
	m.UserID = 0 // a colleague uploading the same file is the same upload
	var what any = struct {
		Language  string
		Answers   []Answer
		Equality  map[string]string
		Mediation Mediation
		Originals map[string]Original
	}{r.Language, r.Answers, r.Equality, m, r.Originals} // maps marshal with sorted keys
	if formID = strings.TrimSpace(formID); formID != "" {
		what = "form:" + formID
	}
	data, _ := json.Marshal([]any{s.ID, who, what})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
