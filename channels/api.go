// Package channels turns each way answers arrive (the JSON API here; the
// web form, SMS conversations, assisted entry and CSV imports next) into
// the one surveys.Submission that surveys.Service.Submit checks and stores,
// so every response is treated alike whatever its channel.
package channels

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// DecodeAPISubmission reads a response sent to
// POST /api/v1/surveys/{slug}/responses (the body format is in DESIGN.md).
// u is the signed-in user sending it, or nil for a resident.
func DecodeAPISubmission(body []byte, u *surveys.User) (*surveys.Submission, error) {
	var b submissionBody
	if err := decodeJSON(body, &b, ""); err != nil {
		return nil, err
	}
	var mediation surveys.Mediation
	if len(b.Mediation) > 0 && string(b.Mediation) != "null" {
		if err := decodeJSON(b.Mediation, &mediation, "mediation."); err != nil {
			return nil, err
		}
	}
	return b.submission(u, mediation)
}

// submissionBody is the JSON a response is submitted as (DESIGN.md).
type submissionBody struct {
	Language  string                      `json:"language"`
	Answers   map[string]json.RawMessage  `json:"answers"`
	Equality  map[string]json.RawMessage  `json:"equality"`
	Mediation json.RawMessage             `json:"mediation"` // decoded on its own, to name its fields
	Originals map[string]surveys.Original `json:"originals"`
}

// decodeJSON reads exactly one JSON object, refusing fields we do not know.
// prefix names where the object sits ("mediation."), for messages.
func decodeJSON(data []byte, v any, prefix string) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return surveys.Errorf(surveys.EMALFORMED, "The request body is empty: send a JSON object.")
	}
	if bytes.TrimSpace(data)[0] != '{' {
		return surveys.Errorf(surveys.EMALFORMED, "The request body must be a JSON object, starting with {.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Anything after the object, even a stray }, makes the body invalid.
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("there is more after the JSON object")
		}
	}
	if err != nil {
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field, _ = strconv.Unquote(field)
			return &surveys.Error{Code: surveys.EINVALID, Message: "The request has a field Voices does not know.",
				Fields: map[string]string{prefix + field: "is not a field Voices knows; check its spelling or leave it out"}}
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &surveys.Error{Code: surveys.EINVALID, Message: "A field has the wrong kind of value.",
				Fields: map[string]string{prefix + typeErr.Field: fmt.Sprintf("must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)}}
		}
		return surveys.Errorf(surveys.EMALFORMED, "The request body is not valid JSON: %v.", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "map", "struct":
		return "an object"
	case "slice":
		return "a list"
	case "bool":
		return "true or false"
	}
	return goKind
}

// submission turns the JSON body into the domain's submission: every answer
// becomes text (numbers as written, true/false as "true"/"false").
func (b *submissionBody) submission(u *surveys.User, m surveys.Mediation) (*surveys.Submission, error) {
	sub := &surveys.Submission{Language: b.Language, Mediation: m, Channel: surveys.ChannelAPI,
		EnteredFor: u, Answers: map[string][]string{}, Equality: map[string]string{}, Originals: b.Originals}
	// A signed-in user enters responses for someone else unless they say
	// "self"; an empty entered_by then defaults from their role.
	if u != nil && m.EnteredBy != surveys.EnteredBySelf {
		sub.Channel = surveys.ChannelAssisted
	}
	fields := map[string]string{}
	for key, raw := range b.Answers {
		values, ok := answerValues(raw)
		if !ok {
			fields[key] = "must be text, a number, true or false, or a list of them"
			continue
		}
		if len(values) > 0 { // null is no answer
			sub.Answers[key] = values
		}
	}
	for key, raw := range b.Equality {
		values, ok := answerValues(raw)
		if !ok || len(values) > 1 {
			fields["equality."+key] = "must be one answer id as text, e.g. \"prefer_not_to_say\""
			continue
		}
		if len(values) == 1 {
			sub.Equality[key] = values[0]
		}
	}
	if len(fields) > 0 {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: "Some answers need to be changed. Check each one listed.", Fields: fields}
	}
	return sub, nil
}

// answerValues reads one answer: a string, number or boolean, a list of
// them, or null (no answer).
func answerValues(raw json.RawMessage) ([]string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	if raw[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return nil, false
		}
		var out []string
		for _, item := range list {
			v, ok := scalar(item)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	v, ok := scalar(raw)
	if !ok {
		return nil, false
	}
	return []string{v}, true
}

func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "", false
	case raw[0] == '"':
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	case string(raw) == "true" || string(raw) == "false":
		return string(raw), true
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		var n json.Number
		err := json.Unmarshal(raw, &n)
		return n.String(), err == nil
	}
	return "", false
}

// correctionBody is the JSON of
// POST /api/v1/surveys/{slug}/responses/{reference}/corrections: the
// response's answers as they should be (all of them, as in a submission)
// and why they are corrected.
type correctionBody struct {
	Answers   map[string]json.RawMessage  `json:"answers"`
	Equality  map[string]json.RawMessage  `json:"equality"`
	Originals map[string]surveys.Original `json:"originals"`
	Reason    string                      `json:"reason"`
}

// DecodeCorrection reads a correction: the corrected answers and the reason.
func DecodeCorrection(body []byte) (*surveys.Submission, string, error) {
	var b correctionBody
	if err := decodeJSON(body, &b, ""); err != nil {
		return nil, "", err
	}
	sb := submissionBody{Answers: b.Answers, Equality: b.Equality, Originals: b.Originals}
	sub, err := sb.submission(nil, surveys.Mediation{})
	return sub, b.Reason, err
}

// DecodeJSON reads exactly one JSON object into v, refusing unknown fields
// and naming what is wrong, as every JSON body Voices takes is read.
func DecodeJSON(data []byte, v any) error { return decodeJSON(data, v, "") }
