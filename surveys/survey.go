package surveys

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Text is a piece of text in several languages, keyed by language code
// ("en", "ur", "pl", ...). A survey's first language is its default and
// every Text must have it.
type Text map[string]string

// In returns the text in lang, falling back to the default language.
func (t Text) In(lang, fallback string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t[fallback]
}

// Status is where a survey is in its life.
type Status string

const (
	StatusDraft  Status = "draft"  // being written; not visible to residents
	StatusOpen   Status = "open"   // taking responses (between opens_at and closes_at, when set)
	StatusClosed Status = "closed" // no longer taking responses
)

// QuestionType says what kind of answer a question takes.
type QuestionType string

const (
	TypeText           QuestionType = "text"
	TypeLongText       QuestionType = "long_text"
	TypeSingleChoice   QuestionType = "single_choice"
	TypeMultipleChoice QuestionType = "multiple_choice"
	TypeScale          QuestionType = "scale"
	TypeYesNo          QuestionType = "yes_no"
	TypeNumber         QuestionType = "number"
)

// Survey is a consultation: its questions and the settings that say who can
// answer it, when and in which languages. The same schema is read from YAML
// and JSON (see DESIGN.md, "Survey definitions").
type Survey struct {
	ID                 int64        `json:"-" yaml:"-"`
	Slug               string       `json:"slug" yaml:"slug" validate:"required,max=64,slug"`
	Title              Text         `json:"title" yaml:"title"`
	Description        Text         `json:"description,omitempty" yaml:"description,omitempty"`
	Languages          []string     `json:"languages" yaml:"languages" validate:"max=30,unique,dive,langtag"`
	Status             Status       `json:"status" yaml:"status" validate:"omitempty,oneof=draft open closed"`
	OpensAt            *time.Time   `json:"opens_at,omitempty" yaml:"opens_at,omitempty"`
	ClosesAt           *time.Time   `json:"closes_at,omitempty" yaml:"closes_at,omitempty"`
	PrivacyNotice      Text         `json:"privacy_notice,omitempty" yaml:"privacy_notice,omitempty"`
	EqualityMonitoring bool         `json:"equality_monitoring" yaml:"equality_monitoring"`
	SMS                *SMSSettings `json:"sms,omitempty" yaml:"sms,omitempty"`
	Retention          *Retention   `json:"retention,omitempty" yaml:"retention,omitempty"`
	Questions          []Question   `json:"questions" yaml:"questions" validate:"max=200,dive"`

	// statusGiven records whether the definition said its status, so that
	// replacing a survey without one keeps the status it has.
	statusGiven bool

	// Set by storage, not by the definition.
	CreatedAt time.Time `json:"-" yaml:"-"`
	UpdatedAt time.Time `json:"-" yaml:"-"`
}

// Retention says how many days after the survey closes personal data is
// deleted (see retention.go); a value left out takes the server's default.
type Retention struct {
	// SMSDays: text conversations, their message logs and the record of
	// texts sent about the survey.
	SMSDays int `json:"sms_days,omitempty" yaml:"sms_days,omitempty" validate:"omitempty,min=1,max=3650"`
	// ContactsDays: requests to hear back (numbers and email addresses) and
	// the record of messages sent to them.
	ContactsDays int `json:"contacts_days,omitempty" yaml:"contacts_days,omitempty" validate:"omitempty,min=1,max=3650"`
	// EqualityDays: equality answers (the breakdowns lose them too).
	EqualityDays int `json:"equality_days,omitempty" yaml:"equality_days,omitempty" validate:"omitempty,min=1,max=3650"`
}

// SMSSettings says how the survey is started by text message.
type SMSSettings struct {
	Keyword string `json:"keyword" yaml:"keyword" validate:"required,max=20,alphanum"`
}

// Question is one question of a survey.
type Question struct {
	Key       string       `json:"key" yaml:"key" validate:"required,max=64,key"`
	Type      QuestionType `json:"type" yaml:"type" validate:"required,oneof=text long_text single_choice multiple_choice scale yes_no number"`
	Required  bool         `json:"required,omitempty" yaml:"required,omitempty"`
	Prompt    Text         `json:"prompt" yaml:"prompt"`
	Hint      Text         `json:"hint,omitempty" yaml:"hint,omitempty"`
	SMSPrompt Text         `json:"sms_prompt,omitempty" yaml:"sms_prompt,omitempty"`
	MaxLength int          `json:"max_length,omitempty" yaml:"max_length,omitempty" validate:"omitempty,min=1,max=20000"`
	Options   []Option     `json:"options,omitempty" yaml:"options,omitempty" validate:"omitempty,max=100,dive"`
	Other     bool         `json:"other,omitempty" yaml:"other,omitempty"`
	Min       *float64     `json:"min,omitempty" yaml:"min,omitempty"`
	Max       *float64     `json:"max,omitempty" yaml:"max,omitempty"`
	MinLabel  Text         `json:"min_label,omitempty" yaml:"min_label,omitempty"`
	MaxLabel  Text         `json:"max_label,omitempty" yaml:"max_label,omitempty"`
	ShowIf    *ShowIf      `json:"show_if,omitempty" yaml:"show_if,omitempty"`
}

// Option is one answer a choice question offers.
type Option struct {
	Value string `json:"value" yaml:"value" validate:"required,max=64,key"`
	Label Text   `json:"label" yaml:"label"`
}

// ShowIf asks a question only when an earlier question's answer is one of In.
type ShowIf struct {
	Question string   `json:"question" yaml:"question" validate:"required"`
	In       []string `json:"in" yaml:"in" validate:"max=100"`
}

// OtherValue is the option value of "Other" on choice questions with other:
// true; its free text is stored under the key OtherKey(question key).
const OtherValue = "other"

// OtherKey is the answer key of the free text that goes with "Other".
func OtherKey(questionKey string) string { return questionKey + "_other" }

// Default lengths when a text question does not set max_length.
const (
	DefaultTextMaxLength     = 500
	DefaultLongTextMaxLength = 5000
	OtherTextMaxLength       = 500
)

// DefaultLanguage is the survey's first language.
func (s *Survey) DefaultLanguage() string {
	if len(s.Languages) == 0 {
		return ""
	}
	return s.Languages[0]
}

// HasLanguage reports whether lang is one of the survey's languages.
func (s *Survey) HasLanguage(lang string) bool {
	for _, l := range s.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Question returns the question with the given key, or nil.
func (s *Survey) Question(key string) *Question {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i]
		}
	}
	return nil
}

// CheckOpen returns nil when the survey takes responses at now, or a
// conflict error saying why not, in words a resident understands.
func (s *Survey) CheckOpen(now time.Time) error {
	title := s.Title.In(s.DefaultLanguage(), "")
	switch {
	case s.Status == StatusDraft:
		// Drafts are private: say nothing about them, not even the title.
		return Errorf(ECONFLICT, "This survey is not open yet.")
	case s.Status == StatusClosed:
		return Errorf(ECONFLICT, "The survey %q is closed and no longer takes responses.", title)
	case s.OpensAt != nil && now.Before(*s.OpensAt):
		return Errorf(ECONFLICT, "The survey %q is not open yet: it opens on %s.", title, s.OpensAt.UTC().Format("2 January 2006 at 15:04 MST"))
	case s.ClosesAt != nil && !now.Before(*s.ClosesAt):
		return Errorf(ECONFLICT, "The survey %q is not open: it closed on %s.", title, s.ClosesAt.UTC().Format("2 January 2006 at 15:04 MST"))
	}
	return nil
}

// MaxTextLength is the most characters a text answer to q may have.
func (q *Question) MaxTextLength() int {
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	if q.Type == TypeLongText {
		return DefaultLongTextMaxLength
	}
	return DefaultTextMaxLength
}

// HasOption reports whether value is one of q's option values (including
// "other" when q allows it).
func (q *Question) HasOption(value string) bool {
	if q.Other && value == OtherValue {
		return true
	}
	for _, o := range q.Options {
		if o.Value == value {
			return true
		}
	}
	return false
}

// IsChoice reports whether q is answered by picking options.
func (q *Question) IsChoice() bool {
	return q.Type == TypeSingleChoice || q.Type == TypeMultipleChoice
}

// reservedColumns are the export columns that come before the questions;
// a question key may not take one of their names.
var reservedColumns = []string{
	"id", "reference", "submitted_at", "channel", "language", "entered_by", "mode",
	"interpreter_language", "interpreter", "consent_confirmed", "organisation", "user",
	"form_id", // the paper form's number, in imports
}

var (
	slugPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	keyPattern     = regexp.MustCompile(`^[a-z0-9_]+$`)
	langTagPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// normalise fills in the defaults a definition may leave out.
func (s *Survey) normalise() {
	if s.Status == "" {
		s.Status = StatusDraft
	} else {
		s.statusGiven = true
	}
	if s.SMS != nil {
		s.SMS.Keyword = strings.ToUpper(strings.Join(strings.Fields(s.SMS.Keyword), ""))
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Type == TypeScale {
			if q.Min == nil {
				q.Min = ptr(1.0)
			}
			if q.Max == nil {
				q.Max = ptr(5.0)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// IsLanguageCode reports whether s is a language code such as en, ur or pa-Arab.
func IsLanguageCode(s string) bool { return langTagPattern.MatchString(s) }

// FormatNumber writes a bound or answer as people read it: 5, 0.5, 168.
func FormatNumber(f float64) string {
	return fmt.Sprintf("%g", f)
}
