package surveys

import (
	"context"
	"log/slog"
	"time"
)

// The audit log records who did what, when, to which record, so a council
// can answer "who saw or changed this?". The Service records events itself,
// taking the actor from the context (WithActor), so every way in (API, web
// pages, CLI) is recorded alike. Events are written after the action they
// record, in their own transaction: an action that has happened is not
// reported as failed because its log line could not be written; that
// failure goes to the server's log instead.

// Audit actions.
const (
	AuditSignIn        = "sign_in"
	AuditSignInFailed  = "sign_in.failed"
	AuditSignOut       = "sign_out"
	AuditSurveyCreate  = "survey.create"
	AuditSurveyReplace = "survey.replace"
	AuditSurveyStatus  = "survey.status"
	AuditEnteredFor    = "response.entered_for"
	AuditCorrection    = "response.correct"
	AuditCodebook      = "codebook.change"
	AuditThemeReview   = "themes.review"
	AuditThemeSuggest  = "themes.suggest"
	AuditThemeDiscover = "themes.discover"
	AuditThemeTraining = "themes.training_import"
	AuditImport        = "import"
	AuditExport        = "export"
	AuditUserAdd       = "user.add"
	AuditTokenCreate   = "token.create"

	AuditUserChange      = "user.change"
	AuditUserDisable     = "user.disable"
	AuditUserEnable      = "user.enable"
	AuditUserPassword    = "user.password"
	AuditOrganisationAdd = "organisation.add"
	AuditAuditExport     = "audit.export"
)

// AuditActions lists every action, for choosing one to read.
var AuditActions = []string{AuditSignIn, AuditSignInFailed, AuditSignOut, AuditSurveyCreate, AuditSurveyReplace,
	AuditSurveyStatus, AuditEnteredFor, AuditImport, AuditExport, AuditUserAdd, AuditTokenCreate,
	AuditUserChange, AuditUserDisable, AuditUserEnable, AuditUserPassword, AuditOrganisationAdd, AuditAuditExport,
	AuditCorrection, AuditCodebook, AuditThemeSuggest, AuditThemeReview, AuditThemeTraining, AuditThemeDiscover, AuditEqualityWithdraw,
	AuditBaselineSet, AuditBaselineClear, AuditActionCreate, AuditActionChange, AuditActionDelete, AuditResultsPublish,
	AuditSurveyArchive, AuditUpdatesSubscribe, AuditUpdatesUnsubscribe, AuditErase, AuditSubjectAccess, AuditRetention}

// Audit actions of closing the loop (results.go).
const (
	AuditActionCreate       = "action.create"
	AuditActionChange       = "action.change"
	AuditActionDelete       = "action.delete"
	AuditResultsPublish     = "results.publish"
	AuditSurveyArchive      = "survey.archive"
	AuditUpdatesSubscribe   = "updates.subscribe"
	AuditUpdatesUnsubscribe = "updates.unsubscribe"
)

// AuditEvent is one line of the audit log.
type AuditEvent struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id,omitempty"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail,omitempty"`
}

// AuditStore keeps the audit log.
type AuditStore interface {
	RecordAudit(ctx context.Context, e *AuditEvent) error
	// AuditLog returns events newest first, before the event with ID
	// before (all when 0), at most limit.
	AuditLog(ctx context.Context, before int64, limit int) ([]*AuditEvent, error)
	// AuditEvents returns the events q selects, newest first.
	AuditEvents(ctx context.Context, q AuditQuery) ([]*AuditEvent, error)
	// EachAuditEvent calls fn for every event, oldest first, reading them
	// as it goes so memory does not grow with the log.
	EachAuditEvent(ctx context.Context, fn func(*AuditEvent) error) error
}

// AuditQuery selects a page of the audit log.
type AuditQuery struct {
	Before int64  // only events older than the one with this ID, when not 0
	Action string // only this action, when not ""
	Limit  int    // at most this many (100 when 0, never more than 1000)
}

type actorKey struct{}

// Actor is who is acting: a signed-in user, or a name for those who are
// not users ("cli" for the command line).
type Actor struct {
	User *User
	Name string
}

// WithActor returns a context saying who acts in it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorName is who acts in ctx, as the audit log names them.
func actorName(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.User != nil {
		return a.User.Email
	}
	if a.Name != "" {
		return a.Name
	}
	return "anonymous"
}

// audit records an event by the context's actor.
func (svc *Service) audit(ctx context.Context, action, target, detail string) {
	if err := svc.recordAudit(ctx, action, target, detail); err != nil {
		slog.Error("audit log: could not record an event", "action", action, "target", target, "error", err.Error())
	}
}

func (svc *Service) recordAudit(ctx context.Context, action, target, detail string) error {
	a, _ := ctx.Value(actorKey{}).(Actor)
	e := &AuditEvent{At: svc.Clock(), Actor: a.Name, Action: action, Target: target, Detail: detail}
	if a.User != nil {
		e.UserID, e.Actor = a.User.ID, a.User.Email
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	return svc.Store.RecordAudit(ctx, e)
}

// RecordExport logs that the context's actor exported a survey's
// responses. It is called before the export starts, and an export whose
// log line cannot be written does not start.
func (svc *Service) RecordExport(ctx context.Context, s *Survey, format string, f ResponseFilter) error {
	detail := format
	if f.OrganisationID != 0 || f.UserID != 0 {
		detail += " (their own entries)"
	}
	return svc.recordAudit(ctx, AuditExport, "survey:"+s.Slug, detail)
}

// AuditLog returns the audit log, newest first; only admins may read it.
func (svc *Service) AuditLog(ctx context.Context, u *User, before int64, limit int) ([]*AuditEvent, error) {
	return svc.AuditEvents(ctx, u, AuditQuery{Before: before, Limit: limit})
}

// AuditEvents returns the events q selects, newest first; only admins may
// read them.
func (svc *Service) AuditEvents(ctx context.Context, u *User, q AuditQuery) ([]*AuditEvent, error) {
	if err := requireAdmin(u, "read the audit log"); err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	return svc.Store.AuditEvents(ctx, q)
}

// RecordAuditExport checks that u may export the audit log, and logs that
// they do. It is called before the export starts, and an export whose log
// line cannot be written does not start: reading the whole log is itself
// something the log must show.
func (svc *Service) RecordAuditExport(ctx context.Context, u *User, format string) error {
	if err := requireAdmin(u, "export the audit log"); err != nil {
		return err
	}
	return svc.recordAudit(ctx, AuditAuditExport, "audit_log", format)
}
