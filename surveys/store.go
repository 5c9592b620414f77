package surveys

import (
	"context"
	"time"
)

// Store is what Voices needs from its database. The SQLite adapter in
// surveys/sqlite implements it; a PostgreSQL adapter could too, without any
// change to channels, server or analysis.
type Store interface {
	DraftStore
	TranslationStore
	SMSStore
	ImportStore
	SessionStore
	AuditStore
	CorrectionStore
	CodebookStore
	ThemeStore
	CandidateStore
	AdminStore
	BreakdownStore
	RepresentationStore
	ResultsStore
	DataProtectionStore
	RetentionStore

	// CreateSurvey stores a new survey and sets its ID; ECONFLICT if the
	// slug is taken.
	CreateSurvey(ctx context.Context, s *Survey) error
	// ReplaceSurvey replaces the survey with s.Slug. In the same transaction
	// it calls check with the stored survey and the answers stored for it
	// (question key -> distinct values), and stores nothing if check fails.
	ReplaceSurvey(ctx context.Context, s *Survey, check func(old *Survey, used map[string][]string) error) error
	// Survey returns the survey with slug; ENOTFOUND if there is none.
	Survey(ctx context.Context, slug string) (*Survey, error)
	// Surveys lists surveys, newest first; filter by status when not "".
	Surveys(ctx context.Context, status Status) ([]*Survey, error)
	// SurveysByKeyword returns the surveys whose SMS keyword is keyword
	// (upper case), open ones first, then newest first.
	SurveysByKeyword(ctx context.Context, keyword string) ([]*Survey, error)
	// SMSSurveys lists the open surveys that have an SMS keyword.
	SMSSurveys(ctx context.Context) ([]*Survey, error)
	// SetSurveyStatus opens or closes a survey.
	SetSurveyStatus(ctx context.Context, slug string, status Status) error

	// CreateResponse stores a response, its answers and its equality answers
	// in one transaction, and sets its ID. It returns ErrReferenceTaken if
	// the reference is already used.
	CreateResponse(ctx context.Context, r *Response) error
	// Responses returns one page of responses to a survey, oldest first.
	Responses(ctx context.Context, surveyID int64, f ResponseFilter) ([]*Response, error)
	// EachResponse calls fn for every response that f selects, oldest
	// first, reading them as it goes so memory does not grow with their
	// number. f.Limit is ignored.
	EachResponse(ctx context.Context, surveyID int64, f ResponseFilter, fn func(*Response) error) error

	// CountResponses counts the responses to every survey that the scope
	// in f (from User.Scope) lets its user see, by channel and by who
	// entered them; the other fields of f are ignored.
	CountResponses(ctx context.Context, f ResponseFilter) ([]ResponseCount, error)

	// CreateUser adds a user (and their organisation, if new).
	CreateUser(ctx context.Context, u *NewUser, passwordHash string) (*User, error)
	// UserByEmail returns the user with email; ENOTFOUND if there is none.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// CreateToken stores the hash of a new API token for a user.
	CreateToken(ctx context.Context, userID int64, hash []byte) error
	// UserByToken returns the user whose token has this hash; EUNAUTHORIZED
	// if there is none.
	UserByToken(ctx context.Context, hash []byte) (*User, error)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
}

// ResponseFilter selects responses.
type ResponseFilter struct {
	Channel   Channel   // "" for every channel
	EnteredBy string    // "" for all; otherwise self, community_group, interpreter or officer
	Language  string    // "" for all; the language the response was given in
	Reference string    // "" for all; otherwise the one response with this reference
	From      time.Time // submitted at or after, when not zero
	To        time.Time // submitted before, when not zero
	AfterID   int64     // for paging: responses with a larger ID
	Limit     int       // page size
	// Set by User.Scope, never from a request: only responses entered by
	// this organisation, or by this user, when not 0.
	OrganisationID int64
	UserID         int64
}

// ResponseCount is how many responses a survey has from one channel,
// entered one way.
type ResponseCount struct {
	SurveyID  int64
	Channel   Channel
	EnteredBy string
	Count     int
}

// ErrReferenceTaken is returned by Store.CreateResponse when the reference
// is already used by another response.
var ErrReferenceTaken = &Error{Code: ECONFLICT, Message: "The response reference is already in use."}
