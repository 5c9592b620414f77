package channels_test

import (
	"reflect"
	"testing"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

func TestParseSMSAnswer(t *testing.T) {
	s, err := surveys.ParseDefinition([]byte(`
slug: sms
title: {en: SMS, ur: ایس ایم ایس}
languages: [en, ur]
questions:
  - {key: note, type: text, prompt: {en: "Note"}}
  - {key: visit, type: yes_no, prompt: {en: "Visit?"}}
  - {key: rating, type: scale, prompt: {en: "Rating"}}
  - {key: hours, type: number, prompt: {en: "Hours"}}
  - key: service
    type: single_choice
    other: true
    prompt: {en: "Which service?"}
    options:
      - {value: home_care, label: {en: "Care at home", ur: "گھر پر دیکھ بھال"}}
      - {value: day_centre, label: {en: "Day centre", ur: "ڈے سینٹر"}}
      - {value: care_home, label: {en: "Care home", ur: "کیئر ہوم"}}
  - key: services
    type: multiple_choice
    prompt: {en: "Which services?"}
    options:
      - {value: home_care, label: {en: "Care at home"}}
      - {value: day_centre, label: {en: "Day centre"}}
      - {value: transport, label: {en: "Transport"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, lang, text string
		want            []string // nil: not understood
	}{
		{"note", "en", "  Buses are late 🚌  ", []string{"Buses are late 🚌"}},
		{"note", "ur", "بسیں دیر سے آتی ہیں", []string{"بسیں دیر سے آتی ہیں"}},
		{"note", "en", "   ", nil},
		{"visit", "en", "Yes!", []string{"yes"}},
		{"visit", "en", "y", []string{"yes"}},
		{"visit", "en", "no thanks", []string{"no"}},
		{"visit", "en", "1", []string{"yes"}},
		{"visit", "en", "2", []string{"no"}},
		{"visit", "ur", "ہاں", []string{"yes"}},
		{"visit", "ur", "جی ہاں", []string{"yes"}},
		{"visit", "ur", "نہیں", []string{"no"}},
		{"visit", "ur", "YES", []string{"yes"}}, // English is always understood
		{"visit", "en", "maybe", nil},
		{"visit", "en", "yesterday", nil},
		{"rating", "en", "4", []string{"4"}},
		{"rating", "en", "4/5", nil}, // two numbers: ask again
		{"rating", "en", "about 3.", []string{"3"}},
		{"rating", "ur", "۴", []string{"4"}}, // Extended Arabic-Indic digit from an Urdu keyboard
		{"rating", "ar", "٣", []string{"3"}}, // Arabic-Indic digit
		{"rating", "en", "good", nil},
		{"hours", "en", "about 20 hours", []string{"20"}},
		{"hours", "en", "7,5", []string{"7.5"}},
		{"hours", "ur", "۲۰ گھنٹے", []string{"20"}},
		{"hours", "en", "lots", nil},
		{"service", "en", "2", []string{"day_centre"}},
		{"service", "en", "2.", []string{"day_centre"}},
		{"service", "en", "4", []string{"other"}}, // Other is numbered last
		{"service", "en", "5", nil},
		{"service", "en", "0", nil},
		{"service", "en", "1 2", nil}, // one answer only
		{"service", "en", "care at home please", []string{"home_care"}},
		{"service", "en", "CARE-AT-HOME", []string{"home_care"}},
		{"service", "en", "the care home", []string{"care_home"}}, // not "care at home"
		{"service", "en", "home care", []string{"home_care"}},     // the value's words
		{"service", "ur", "ڈے سینٹر", []string{"day_centre"}},
		{"service", "ur", "day centre", []string{"day_centre"}}, // the default language too
		{"service", "en", "something else", nil},
		{"services", "en", "1 3", []string{"home_care", "transport"}},
		{"services", "en", "1,3", []string{"home_care", "transport"}},
		{"services", "en", "1 and 3", []string{"home_care", "transport"}},
		{"services", "ur", "۱ اور ۲", []string{"home_care", "day_centre"}},
		{"services", "en", "1 banana 3", nil},
		{"services", "en", "transport", []string{"transport"}},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.text, func(t *testing.T) {
			got, ok := channels.ParseSMSAnswer(s.Question(tt.key), tt.lang, "en", tt.text)
			if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseSMSAnswer(%s, %q): got %q, %v; want %q", tt.key, tt.text, got, ok, tt.want)
			}
		})
	}
}

// FuzzParseSMSAnswer checks that no reply makes the parser panic, and that
// whatever it reads is something the question's own checks can judge.
func FuzzParseSMSAnswer(f *testing.F) {
	s, err := surveys.ParseDefinition([]byte(`
slug: sms
title: {en: SMS}
languages: [en]
questions:
  - {key: visit, type: yes_no, prompt: {en: "Visit?"}}
  - {key: rating, type: scale, prompt: {en: "Rating"}}
  - {key: hours, type: number, prompt: {en: "Hours"}}
  - {key: pick, type: multiple_choice, other: true, prompt: {en: "Pick"}, options: [{value: a, label: {en: "Apple"}}, {value: b, label: {en: "Banana"}}]}
`))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"yes", "1 2", "۴", "about 3.5 hours", "apple and banana", "", "9999999999999999999999", "\x00", "STOP"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, q := range s.Questions {
			values, ok := channels.ParseSMSAnswer(&q, "en", "en", text)
			if ok && len(values) == 0 {
				t.Fatalf("%s: understood %q as no values", q.Key, text)
			}
			if ok {
				q.CheckAnswer(values) // must not panic; a problem is a fine answer
			}
		}
	})
}
