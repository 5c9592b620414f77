package surveys

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Closing the loop: "we asked, you said, we did". Officers record actions
// (what the council will do), each linked to the themes it answers, and
// publish a results page. A publication is a snapshot: the figures already
// protected (disclosure.ProtectResults) and the actions as they stood, so
// the public page and its open data show exactly what an officer
// published, and nothing of later drafts. When a publication adds an
// action, or changes one's status, the people who raised one of its themes
// and asked to hear back get a short message in their language.

// ActionStatus is where an action stands.
type ActionStatus string

const (
	ActionPlanned         ActionStatus = "planned"
	ActionInProgress      ActionStatus = "in_progress"
	ActionDone            ActionStatus = "done"
	ActionNotTakenForward ActionStatus = "not_taken_forward" // with the reason
)

// ActionStatuses lists the statuses in the order of an action's life.
var ActionStatuses = []ActionStatus{ActionPlanned, ActionInProgress, ActionDone, ActionNotTakenForward}

// Limits on what an action holds.
const (
	MaxActionTitle       = 200
	MaxActionDescription = 2000
	MaxActionReason      = 1000
	MaxActions           = 200 // per survey
)

// Action is one thing the council will do (or has decided not to) about
// what people said.
type Action struct {
	ID              int64        `json:"id"`
	Title           Text         `json:"title"`
	Description     Text         `json:"description"`
	Themes          []string     `json:"themes"` // codebook theme ids: the "you said" it answers
	Status          ActionStatus `json:"status"`
	Reason          Text         `json:"reason,omitempty"` // why it is not taken forward
	Due             string       `json:"due,omitempty"`    // YYYY-MM-DD, when it is expected
	StatusChangedAt time.Time    `json:"status_changed_at"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// ActionChange changes some of an action's fields: nil ones stay as they
// are (the body of PATCH /api/v1/surveys/{slug}/actions/{id}).
type ActionChange struct {
	Title       *Text         `json:"title"`
	Description *Text         `json:"description"`
	Themes      *[]string     `json:"themes"`
	Status      *ActionStatus `json:"status"`
	Reason      *Text         `json:"reason"`
	Due         *string       `json:"due"`
}

// Apply returns a copy of a with the change made.
func (ch *ActionChange) Apply(a *Action) *Action {
	n := *a
	if ch.Title != nil {
		n.Title = *ch.Title
	}
	if ch.Description != nil {
		n.Description = *ch.Description
	}
	if ch.Themes != nil {
		n.Themes = *ch.Themes
	}
	if ch.Status != nil {
		n.Status = *ch.Status
	}
	if ch.Reason != nil {
		n.Reason = *ch.Reason
	}
	if ch.Due != nil {
		n.Due = *ch.Due
	}
	return &n
}

// checkActionText tidies t (trimmed, empty languages dropped) and checks
// its languages and length; the default language is required when
// required is set.
func (s *Survey) checkActionText(field string, t Text, required bool, limit int, fields fieldErrors) Text {
	out := Text{}
	for lang, v := range t {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			continue
		case !s.HasLanguage(lang):
			fields.add(field+"."+lang, "is not one of this survey's languages (%s)", strings.Join(s.Languages, ", "))
		case utf8.RuneCountInString(v) > limit:
			fields.add(field+"."+lang, "is %d characters long; keep it to %d", utf8.RuneCountInString(v), limit)
		}
		out[lang] = v
	}
	if required && out[s.DefaultLanguage()] == "" {
		fields.add(field+"."+s.DefaultLanguage(), "is required: write it in %s, the survey's first language", s.DefaultLanguage())
	}
	return out
}

// CheckAction checks an action against the survey and its codebook, and
// tidies it; every problem is named by its field.
func (s *Survey) CheckAction(a *Action, cb *Codebook) error {
	fields := fieldErrors{}
	a.Title = s.checkActionText("title", a.Title, true, MaxActionTitle, fields)
	a.Description = s.checkActionText("description", a.Description, false, MaxActionDescription, fields)
	if !slices.Contains(ActionStatuses, a.Status) {
		fields.add("status", "must be planned, in_progress, done or not_taken_forward")
	}
	a.Reason = s.checkActionText("reason", a.Reason, a.Status == ActionNotTakenForward, MaxActionReason, fields)
	if a.Status != ActionNotTakenForward {
		a.Reason = Text{}
	}
	var themes []string
	for _, id := range a.Themes {
		id = strings.TrimSpace(id)
		switch {
		case id == "" || slices.Contains(themes, id):
			continue
		case cb == nil || cb.Theme(id) == nil:
			fields.add("themes", "%q is not a theme in this survey's codebook; use the id of one of its themes", id)
		}
		themes = append(themes, id)
	}
	if len(themes) == 0 {
		fields.add("themes", "link the action to at least one theme of the codebook: what people said that it answers")
	}
	a.Themes = themes
	a.Due = strings.TrimSpace(a.Due)
	if a.Due != "" {
		if _, err := time.Parse(time.DateOnly, a.Due); err != nil {
			fields.add("due", "must be a date written YYYY-MM-DD, like 2027-03-31")
		}
	}
	return fields.err("The action could not be saved. Fix the fields named and try again.")
}

// Publication is a survey's results page as published: exactly what the
// public sees, in every language of the survey.
type Publication struct {
	SurveyID    int64             `json:"-"`
	Survey      string            `json:"survey"` // slug
	Version     int               `json:"version"`
	PublishedAt time.Time         `json:"published_at"`
	Title       Text              `json:"title"`
	Description Text              `json:"description,omitempty"`
	Languages   []string          `json:"languages"`
	OpensAt     *time.Time        `json:"opens_at,omitempty"`
	ClosesAt    *time.Time        `json:"closes_at,omitempty"`
	Asked       []AskedQuestion   `json:"asked"`
	Figures     *PublishedFigures `json:"figures"`
	Actions     []Action          `json:"actions"`
}

// AskedQuestion is one question of the survey: what we asked.
type AskedQuestion struct {
	Key    string `json:"key"`
	Prompt Text   `json:"prompt"`
}

// PublishedFigures are who took part and what they said, with small
// numbers protected (made by disclosure.ProtectResults).
type PublishedFigures struct {
	Threshold   int              `json:"threshold"`
	Rounding    int              `json:"rounding"`
	Respondents PublishedCount   `json:"respondents"`
	ByChannel   []PublishedCount `json:"by_channel"`
	ByLanguage  []PublishedCount `json:"by_language"`
	ByEnteredBy []PublishedCount `json:"by_entered_by"`
	// Themed is how many respondents had a free-text answer themed: the
	// base of each theme's share.
	Themed PublishedCount   `json:"themed_respondents"`
	Themes []PublishedTheme `json:"themes"`
}

// PublishedCount is one published count: Count is nil when Suppressed.
// Category names what is counted within a split; Share is of its total.
type PublishedCount struct {
	Category   string   `json:"category,omitempty"`
	Count      *int     `json:"count"`
	Suppressed bool     `json:"suppressed"`
	Share      *float64 `json:"share,omitempty"`
}

// PublishedTheme is one theme of what people said.
type PublishedTheme struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Respondents *int     `json:"respondents"`
	Suppressed  bool     `json:"suppressed"`
	Share       *float64 `json:"share,omitempty"`
	Quotes      []Quote  `json:"quotes"`
}

// Theme returns the published theme with id, or nil.
func (f *PublishedFigures) Theme(id string) *PublishedTheme {
	for i := range f.Themes {
		if f.Themes[i].ID == id {
			return &f.Themes[i]
		}
	}
	return nil
}

// ResultsFigures are the exact counts a publication's figures are made
// from; they never leave Voices as they are.
type ResultsFigures struct {
	Respondents int
	ByChannel   map[string]int
	ByLanguage  map[string]int
	ByEnteredBy map[string]int
	Summary     *ThemeSummary
}

// ParticipationCount is how many responses a survey has from one channel,
// in one language, entered one way.
type ParticipationCount struct {
	Channel   Channel
	Language  string
	EnteredBy string
	Count     int
}

// Update channels: how someone asked to hear back.
const (
	UpdateBySMS   = "sms"
	UpdateByEmail = "email"
)

// UpdateSubscription is someone who asked to hear what happened to what
// they said in one response (or, while Offered, was asked by text).
type UpdateSubscription struct {
	ID          int64
	SurveyID    int64
	ResponseID  int64
	Channel     string // UpdateBySMS or UpdateByEmail
	Address     string // E.164 number or email address; "" while offered
	AddressHash string
	Language    string
	Offered     bool // an SMS offer awaiting YES
	Token       string
	CreatedAt   time.Time
	ExpiresAt   time.Time // offers only
}

// EmailMessage is one email to send (an update).
type EmailMessage struct {
	ID            int64
	SurveyID      int64
	Kind          string
	Address       string // blank once the message has left the outbox
	AddressHash   string
	Subject       string
	Body          string
	Unsubscribe   string // the link that unsubscribes, also sent as List-Unsubscribe
	Status        string // queued, sending, sent, failed
	Attempts      int
	NextAttemptAt time.Time
	Error         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Email outbox statuses.
const (
	EmailQueued  = "queued"
	EmailSending = "sending"
	EmailSent    = "sent"
	EmailFailed  = "failed"
)

// PublishResult says what publishing did.
type PublishResult struct {
	Version int         `json:"version"`
	Changed []int64     `json:"changed_actions"` // new, or with a new status, since the last publication
	Texts   QueueResult `json:"texts"`
	Emails  int         `json:"emails_queued"`
}

// ArchiveResult says what archiving deleted.
type ArchiveResult struct {
	Subscriptions int64 `json:"subscriptions_deleted"`
	Messages      int64 `json:"queued_messages_cancelled"`
}

// ResultsStore keeps actions, publications, subscriptions to updates and
// the email outbox.
type ResultsStore interface {
	// Actions lists a survey's actions, oldest first.
	Actions(ctx context.Context, surveyID int64) ([]*Action, error)
	// Action returns one of a survey's actions; ENOTFOUND if there is none.
	Action(ctx context.Context, surveyID, id int64) (*Action, error)
	// CreateAction stores a new action and sets its ID; EINVALID when the
	// survey already has MaxActions.
	CreateAction(ctx context.Context, surveyID int64, a *Action) error
	// UpdateAction stores a changed action; ENOTFOUND if there is none.
	UpdateAction(ctx context.Context, surveyID int64, a *Action) error
	// DeleteAction deletes an action; ENOTFOUND if there is none.
	DeleteAction(ctx context.Context, surveyID, id int64) error

	// CountParticipation counts a survey's responses by channel, language
	// and who entered them.
	CountParticipation(ctx context.Context, surveyID int64) ([]ParticipationCount, error)
	// LatestPublication returns a survey's latest publication, or nil.
	LatestPublication(ctx context.Context, surveyID int64) (*Publication, error)
	// PublishResults stores a publication and queues its messages, in one
	// transaction; ECONFLICT if its version is already taken (someone
	// published at the same moment). Texts to suppressed numbers are not
	// queued, as in QueueSMS.
	PublishResults(ctx context.Context, p *Publication, publishedBy string, texts []*OutboxMessage, emails []*EmailMessage) (QueueResult, int, error)

	// SaveUpdateSubscription stores a subscription, replacing one for the
	// same response and channel.
	SaveUpdateSubscription(ctx context.Context, sub *UpdateSubscription) error
	// UpdateSubscriptions lists a survey's subscriptions (not offers).
	UpdateSubscriptions(ctx context.Context, surveyID int64) ([]*UpdateSubscription, error)
	// UpdateOffer returns the newest unexpired SMS offer to the number with
	// this hash, or nil.
	UpdateOffer(ctx context.Context, phoneHash string, now time.Time) (*UpdateSubscription, error)
	// UpdateSubscriptionByToken returns the subscription with this token;
	// ENOTFOUND if there is none.
	UpdateSubscriptionByToken(ctx context.Context, token string) (*UpdateSubscription, error)
	// DeleteUpdateSubscription deletes the subscription with this token,
	// and any queued message for its address; ENOTFOUND if there is none.
	DeleteUpdateSubscription(ctx context.Context, token string) error
	// PurgeUpdateOffers deletes SMS offers that expired before now.
	PurgeUpdateOffers(ctx context.Context, now time.Time) (int64, error)

	// ArchiveSurvey records that a survey is archived and, in the same
	// transaction, deletes its subscriptions and cancels its queued texts
	// and emails (blanking their addresses); ECONFLICT if it already is.
	ArchiveSurvey(ctx context.Context, surveyID int64, at time.Time, by string) (ArchiveResult, error)
	// SurveyArchived returns when a survey was archived (zero if not).
	SurveyArchived(ctx context.Context, surveyID int64) (time.Time, error)

	// ClaimDueEmail marks up to limit queued emails due at now as sending
	// and returns them, oldest first.
	ClaimDueEmail(ctx context.Context, now time.Time, limit int) ([]*EmailMessage, error)
	// UpdateEmail stores an email's status, attempts, next attempt, error
	// and address after a try.
	UpdateEmail(ctx context.Context, m *EmailMessage) error
	// FailStuckEmail marks emails left "sending" since before as failed.
	FailStuckEmail(ctx context.Context, before, now time.Time) (int64, error)
}

// UpdateComposer writes the messages that tell people what happened, in
// their language (channels.UpdateMessages, from the translation catalogue).
type UpdateComposer interface {
	// UpdateText is the text message; link is the results page.
	UpdateText(s *Survey, lang string, actions []Action, link string) string
	// UpdateEmail is the email's subject and plain-text body.
	UpdateEmail(s *Survey, lang string, actions []Action, link, unsubscribe string) (subject, body string)
}

// Actions lists a survey's actions.
func (svc *Service) Actions(ctx context.Context, s *Survey) ([]*Action, error) {
	return svc.Store.Actions(ctx, s.ID)
}

// Action returns one of a survey's actions.
func (svc *Service) Action(ctx context.Context, s *Survey, id int64) (*Action, error) {
	return svc.Store.Action(ctx, s.ID, id)
}

// CreateAction checks and stores a new action.
func (svc *Service) CreateAction(ctx context.Context, s *Survey, a *Action) (*Action, error) {
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if err := s.CheckAction(a, cb); err != nil {
		return nil, err
	}
	now := svc.Clock()
	a.CreatedAt, a.UpdatedAt, a.StatusChangedAt = now, now, now
	if err := svc.Store.CreateAction(ctx, s.ID, a); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditActionCreate, fmt.Sprintf("survey:%s action:%d", s.Slug, a.ID), string(a.Status))
	return a, nil
}

// ChangeAction checks and stores a change to an action. A change that
// changes nothing is refused, as a correction is.
func (svc *Service) ChangeAction(ctx context.Context, s *Survey, id int64, ch *ActionChange) (*Action, error) {
	old, err := svc.Store.Action(ctx, s.ID, id)
	if err != nil {
		return nil, err
	}
	cb, err := svc.Store.Codebook(ctx, s.ID)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	a := ch.Apply(old)
	if err := s.CheckAction(a, cb); err != nil {
		return nil, err
	}
	if sameAction(old, a) {
		return nil, Errorf(EINVALID, "Nothing was changed: the action already reads like this.")
	}
	now := svc.Clock()
	a.UpdatedAt = now
	detail := ""
	if a.Status != old.Status {
		a.StatusChangedAt = now
		detail = fmt.Sprintf("status %s -> %s", old.Status, a.Status)
	}
	if err := svc.Store.UpdateAction(ctx, s.ID, a); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditActionChange, fmt.Sprintf("survey:%s action:%d", s.Slug, a.ID), detail)
	return a, nil
}

func sameAction(a, b *Action) bool {
	sameText := func(x, y Text) bool {
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if y[k] != v {
				return false
			}
		}
		return true
	}
	return sameText(a.Title, b.Title) && sameText(a.Description, b.Description) && sameText(a.Reason, b.Reason) &&
		slices.Equal(a.Themes, b.Themes) && a.Status == b.Status && a.Due == b.Due
}

// DeleteAction deletes an action. If it was published, it stays on the
// public page until the next publication.
func (svc *Service) DeleteAction(ctx context.Context, s *Survey, id int64) error {
	if err := svc.Store.DeleteAction(ctx, s.ID, id); err != nil {
		return err
	}
	svc.audit(ctx, AuditActionDelete, fmt.Sprintf("survey:%s action:%d", s.Slug, id), "")
	return nil
}

// ResultsFigures counts who took part and what they said, exactly; they
// leave Voices only through disclosure.ProtectResults.
func (svc *Service) ResultsFigures(ctx context.Context, s *Survey) (*ResultsFigures, error) {
	counts, err := svc.Store.CountParticipation(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	f := &ResultsFigures{ByChannel: map[string]int{}, ByLanguage: map[string]int{}, ByEnteredBy: map[string]int{}}
	for _, c := range counts {
		f.Respondents += c.Count
		f.ByChannel[string(c.Channel)] += c.Count
		f.ByLanguage[c.Language] += c.Count
		f.ByEnteredBy[c.EnteredBy] += c.Count
	}
	// Without a codebook nothing said is themed yet: the figures have no
	// themes, rather than failing (which kept such a survey from being
	// published, and its officers' results page from opening).
	if f.Summary, err = svc.ThemeSummary(ctx, s, s.DefaultLanguage()); ErrorCode(err) == ENOTFOUND {
		f.Summary = nil
	} else if err != nil {
		return nil, err
	}
	return f, nil
}

// DraftPublication is what publishing now would publish: the figures
// given (already protected) and the actions as they stand.
func (svc *Service) DraftPublication(ctx context.Context, s *Survey, figures *PublishedFigures) (*Publication, error) {
	p, _, err := svc.draftPublication(ctx, s, figures)
	return p, err
}

// draftPublication is DraftPublication, with the latest publication (nil
// if none) it follows.
func (svc *Service) draftPublication(ctx context.Context, s *Survey, figures *PublishedFigures) (*Publication, *Publication, error) {
	actions, err := svc.Store.Actions(ctx, s.ID)
	if err != nil {
		return nil, nil, err
	}
	prev, err := svc.Store.LatestPublication(ctx, s.ID)
	if err != nil {
		return nil, nil, err
	}
	p := &Publication{SurveyID: s.ID, Survey: s.Slug, Version: 1, PublishedAt: svc.Clock(), Title: s.Title, Description: s.Description,
		Languages: s.Languages, OpensAt: s.OpensAt, ClosesAt: s.ClosesAt, Figures: figures, Actions: []Action{}}
	if prev != nil {
		p.Version = prev.Version + 1
	}
	for i := range s.Questions {
		p.Asked = append(p.Asked, AskedQuestion{Key: s.Questions[i].Key, Prompt: s.Questions[i].Prompt})
	}
	for _, a := range actions {
		p.Actions = append(p.Actions, *a)
	}
	return p, prev, nil
}

// ChangedActions are the actions of p that are new since prev, or whose
// status changed: the ones people hear about.
func ChangedActions(prev, p *Publication) []Action {
	before := map[int64]ActionStatus{}
	if prev != nil {
		for _, a := range prev.Actions {
			before[a.ID] = a.Status
		}
	}
	var out []Action
	for _, a := range p.Actions {
		if st, ok := before[a.ID]; !ok || st != a.Status {
			out = append(out, a)
		}
	}
	return out
}

// PublishResults publishes the survey's results page with the figures
// given (already protected), and queues a message to everyone who asked to
// hear back and raised a theme of an action that is new or changed status
// since the last publication; one message each, however many actions.
// linkBase is the public address of Voices, for the links in messages.
func (svc *Service) PublishResults(ctx context.Context, s *Survey, figures *PublishedFigures, compose UpdateComposer, linkBase string) (*Publication, PublishResult, error) {
	var result PublishResult
	p, prev, err := svc.draftPublication(ctx, s, figures)
	if err != nil {
		return nil, result, err
	}
	changed := ChangedActions(prev, p)
	texts, emails, err := svc.updateMessages(ctx, s, p, changed, compose, linkBase)
	if err != nil {
		return nil, result, err
	}
	by := actorName(ctx)
	result.Texts, result.Emails, err = svc.Store.PublishResults(ctx, p, by, texts, emails)
	if err != nil {
		return nil, result, err
	}
	result.Version = p.Version
	result.Changed = []int64{}
	for _, a := range changed {
		result.Changed = append(result.Changed, a.ID)
	}
	svc.audit(ctx, AuditResultsPublish, "survey:"+s.Slug, fmt.Sprintf("version %d; %d actions new or changed; %d texts and %d emails queued",
		p.Version, len(changed), result.Texts.Queued, result.Emails))
	return p, result, nil
}

// updateMessages works out who hears about the changed actions, and what
// each is told.
func (svc *Service) updateMessages(ctx context.Context, s *Survey, p *Publication, changed []Action, compose UpdateComposer, linkBase string) ([]*OutboxMessage, []*EmailMessage, error) {
	if len(changed) == 0 || compose == nil {
		return nil, nil, nil
	}
	subs, err := svc.Store.UpdateSubscriptions(ctx, s.ID)
	if err != nil || len(subs) == 0 {
		return nil, nil, err
	}
	wanted := map[int64]bool{}
	for _, sub := range subs {
		wanted[sub.ResponseID] = true
	}
	// The themes each subscriber raised, from the decided coding of their
	// answers (as the themed summary counts them).
	raised := map[int64]map[string]bool{}
	err = svc.Store.EachCodedAnswer(ctx, s.ID, func(a *CodedAnswer) error {
		if !wanted[a.ResponseID] {
			return nil
		}
		if raised[a.ResponseID] == nil {
			raised[a.ResponseID] = map[string]bool{}
		}
		for _, t := range a.Themes {
			raised[a.ResponseID][t] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	now := svc.Clock()
	kind := fmt.Sprintf("update:%d", p.Version)
	var (
		texts  []*OutboxMessage
		emails []*EmailMessage
	)
	for _, sub := range subs {
		var theirs []Action
		for _, a := range changed {
			if slices.ContainsFunc(a.Themes, func(t string) bool { return raised[sub.ResponseID][t] }) {
				theirs = append(theirs, a)
			}
		}
		if len(theirs) == 0 {
			continue
		}
		lang := sub.Language
		if !s.HasLanguage(lang) {
			lang = s.DefaultLanguage()
		}
		link := strings.TrimRight(linkBase, "/") + "/s/" + s.Slug + "/results?lang=" + lang
		switch sub.Channel {
		case UpdateBySMS:
			texts = append(texts, &OutboxMessage{SurveyID: s.ID, Kind: kind, Phone: sub.Address, PhoneHash: sub.AddressHash,
				Language: lang, Body: compose.UpdateText(s, lang, theirs, link), NextAttemptAt: now, CreatedAt: now})
		case UpdateByEmail:
			unsubscribe := strings.TrimRight(linkBase, "/") + "/updates/" + sub.Token
			subject, body := compose.UpdateEmail(s, lang, theirs, link, unsubscribe)
			emails = append(emails, &EmailMessage{SurveyID: s.ID, Kind: kind, Address: sub.Address, AddressHash: sub.AddressHash,
				Subject: subject, Body: body, Unsubscribe: unsubscribe, Status: EmailQueued, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now})
		}
	}
	return texts, emails, nil
}

// Publication returns a survey's latest publication; ENOTFOUND until one
// has been published.
func (svc *Service) Publication(ctx context.Context, s *Survey) (*Publication, error) {
	p, err := svc.Store.LatestPublication(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, Errorf(ENOTFOUND, "The results of this survey have not been published yet.")
	}
	return p, nil
}
