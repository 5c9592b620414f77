package channels_test

import (
	"reflect"
	"testing"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

func TestDecodeAPISubmission(t *testing.T) {
	partner := &surveys.User{ID: 4, Role: surveys.RolePartner}
	tests := []struct {
		name        string
		body        string
		user        *surveys.User
		wantAnswers map[string][]string
		wantChannel surveys.Channel
		wantCode    string // error code, "" for success
		wantField   string
	}{
		{name: "scalars and lists", body: `{"answers": {"a": "text", "b": 4, "c": 2.5, "d": true, "e": ["x", "y"], "f": null, "g": -1}}`,
			wantAnswers: map[string][]string{"a": {"text"}, "b": {"4"}, "c": {"2.5"}, "d": {"true"}, "e": {"x", "y"}, "g": {"-1"}},
			wantChannel: surveys.ChannelAPI},
		{name: "a partner enters for someone", body: `{"answers": {}, "mediation": {"consent_confirmed": true}}`, user: partner,
			wantAnswers: map[string][]string{}, wantChannel: surveys.ChannelAssisted},
		{name: "a partner answering for themselves", body: `{"mediation": {"entered_by": "self"}}`, user: partner,
			wantAnswers: map[string][]string{}, wantChannel: surveys.ChannelAPI},
		{name: "empty body", body: ``, wantCode: surveys.EMALFORMED},
		{name: "not JSON", body: `answers=1`, wantCode: surveys.EMALFORMED},
		{name: "a list, not an object", body: `[]`, wantCode: surveys.EMALFORMED},
		{name: "trailing brace", body: `{"answers": {}}}`, wantCode: surveys.EMALFORMED},
		{name: "two objects", body: `{} {}`, wantCode: surveys.EMALFORMED},
		{name: "unknown field", body: `{"answer": {}}`, wantCode: surveys.EINVALID, wantField: "answer"},
		{name: "unknown mediation field", body: `{"mediation": {"entred_by": "self"}}`, wantCode: surveys.EINVALID, wantField: "mediation.entred_by"},
		{name: "organisation may not be sent", body: `{"mediation": {"organisation_id": 3}}`, wantCode: surveys.EINVALID, wantField: "mediation.organisation_id"},
		{name: "answer is an object", body: `{"answers": {"a": {"b": 1}}}`, wantCode: surveys.EINVALID, wantField: "a"},
		{name: "list holds an object", body: `{"answers": {"a": [{"b": 1}]}}`, wantCode: surveys.EINVALID, wantField: "a"},
		{name: "equality given as a list", body: `{"equality": {"sex": ["female", "male"]}}`, wantCode: surveys.EINVALID, wantField: "equality.sex"},
		{name: "language is a number", body: `{"language": 5}`, wantCode: surveys.EINVALID, wantField: "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := channels.DecodeAPISubmission([]byte(tt.body), tt.user)
			if got := surveys.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("got error %v (code %q), want code %q", err, got, tt.wantCode)
			}
			if tt.wantCode != "" {
				if _, ok := surveys.ErrorFields(err)[tt.wantField]; tt.wantField != "" && !ok {
					t.Errorf("got fields %v, want one named %q", surveys.ErrorFields(err), tt.wantField)
				}
				return
			}
			if !reflect.DeepEqual(sub.Answers, tt.wantAnswers) || sub.Channel != tt.wantChannel || sub.EnteredFor != tt.user {
				t.Errorf("got answers %v, channel %s, user %v; want %v, %s, %v", sub.Answers, sub.Channel, sub.EnteredFor, tt.wantAnswers, tt.wantChannel, tt.user)
			}
		})
	}
}

// FuzzDecodeAPISubmission checks that no body makes decoding panic and that
// every refusal is one of our errors. The seeds run with go test; run longer
// with: go test -fuzz FuzzDecodeAPISubmission ./channels/
func FuzzDecodeAPISubmission(f *testing.F) {
	for _, seed := range []string{
		`{"language": "ur", "answers": {"matters": "...", "services": ["home_care", "other"], "rating": 4}, "equality": {"age_band": "35_49"}, "mediation": {"entered_by": "self"}}`,
		`{"answers": {"a": [1, true, null]}}`, `[]`, `{`, `{"mediation": null}`, `{"answers": {"a": 1e999}}`, "{\"answers\": {\"a\": \"\u0000\"}}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sub, err := channels.DecodeAPISubmission(body, nil)
		if err != nil {
			if code := surveys.ErrorCode(err); code != surveys.EMALFORMED && code != surveys.EINVALID {
				t.Fatalf("got error code %q for %q, want malformed or invalid", code, body)
			}
			return
		}
		if sub == nil || sub.Answers == nil {
			t.Fatalf("got a nil submission without an error for %q", body)
		}
	})
}
