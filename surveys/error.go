package surveys

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Each maps to one HTTP status in server/errors.go and to one
// exit message in the CLI; the domain never knows about either.
const (
	EINVALID      = "invalid"      // understood, but wrong: names the fields to fix
	EMALFORMED    = "malformed"    // could not be read at all (bad JSON, bad YAML)
	ENOTFOUND     = "not_found"    // no such survey, response or user
	ECONFLICT     = "conflict"     // clashes with what is stored, or the survey is not open
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ETOOLARGE     = "too_large"    // request body or file over the limit
	EUNAVAILABLE  = "unavailable"  // a part of Voices that is not set up here (e.g. SMS without Twilio)
	ETOOMANY      = "too_many"     // too many requests from one address: wait a minute
	EINTERNAL     = "internal"     // our fault; details are logged, never shown
)

// Error is the one error type of Voices. Message is safe to show to the
// person who caused it; Fields names each problem by field (a question key,
// "equality.sex", "questions[2].options", ...).
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(e.Message)
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s: %s", k, e.Fields[k])
	}
	return b.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EINTERNAL for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message that may be shown for err. Internal
// errors get a generic message: their detail goes to the log only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Something went wrong on our side. Please try again later."
}

// ErrorFields returns the per-field problems of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors collects per-field problems, keeping the first for each field.
type fieldErrors map[string]string

func (f fieldErrors) add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// err returns nil when there were no problems.
func (f fieldErrors) err(message string) error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: message, Fields: f}
}
