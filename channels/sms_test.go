package channels_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// These tests drive the SMS conversation end to end: SMSReceiver on a real
// SQLite database, SMSEngine and the shipped translations, with a clock the
// test moves. Each conversation is a script of texts and what each reply
// must (and must not) say; after it, the test checks what was stored.

// smsParksYAML has one question of each type: a single choice with Other, a
// multiple choice, a scale with labels, a long text shown only after a low
// rating, a required yes/no, a number with an sms_prompt, a short text
// (max 20) and an optional long text; and it asks the equality questions.
// Every text has an Urdu version, so the same survey runs right to left.
// Its questions are numbered (n/7), or (n/8) once why_low is shown.
const smsParksYAML = `
slug: parks
title:
  en: "Parks survey"
  ur: "پارکوں کا سروے"
languages: [en, ur]
status: open
equality_monitoring: true
sms:
  keyword: PARKS
questions:
  - key: use
    type: single_choice
    other: true
    prompt:
      en: "What do you use most in the park?"
      ur: "آپ پارک میں سب سے زیادہ کیا استعمال کرتے ہیں؟"
    options:
      - value: paths
        label:
          en: "Paths"
          ur: "راستے"
      - value: play
        label:
          en: "Play areas"
          ur: "کھیلنے کی جگہیں"
      - value: sport
        label:
          en: "Sports pitches"
          ur: "کھیل کے میدان"
  - key: improve
    type: multiple_choice
    prompt:
      en: "What should we improve?"
      ur: "ہمیں کیا بہتر کرنا چاہیے؟"
    options:
      - value: toilets
        label:
          en: "Toilets"
          ur: "بیت الخلا"
      - value: lighting
        label:
          en: "Lighting"
          ur: "روشنی"
      - value: benches
        label:
          en: "Benches"
          ur: "بینچ"
      - value: bins
        label:
          en: "Bins"
          ur: "کوڑے دان"
  - key: rating
    type: scale
    min: 1
    max: 5
    prompt:
      en: "How good are the parks?"
      ur: "پارک کتنے اچھے ہیں؟"
    min_label:
      en: "Very poor"
      ur: "بہت خراب"
    max_label:
      en: "Very good"
      ur: "بہت اچھے"
  - key: why_low
    type: long_text
    show_if: {question: rating, in: ["1", "2"]}
    prompt:
      en: "Why did you give a low score?"
      ur: "آپ نے کم نمبر کیوں دیا؟"
  - key: weekly
    type: yes_no
    required: true
    prompt:
      en: "Do you visit a park every week?"
      ur: "کیا آپ ہر ہفتے پارک جاتے ہیں؟"
  - key: visits
    type: number
    min: 0
    max: 31
    prompt:
      en: "How many times did you visit any park in the last month, counting every visit however short?"
      ur: "پچھلے مہینے آپ کتنی بار کسی پارک میں گئے، ہر چھوٹی بڑی بار گن کر؟"
    sms_prompt:
      en: "Park visits last month?"
      ur: "پچھلے مہینے پارک کتنی بار گئے؟"
  - key: comment
    type: text
    max_length: 20
    prompt:
      en: "One word for your park?"
      ur: "اپنے پارک کے لیے ایک لفظ؟"
  - key: more
    type: long_text
    prompt:
      en: "Anything else?"
      ur: "کچھ اور؟"
`

// smsUrduLines are smsParksYAML's Urdu texts, removed to make the English-only survey.
var smsUrduLines = regexp.MustCompile(`(?m)^\s+ur: .*\n`)

// smsEnglishYAML is smsParksYAML in English only: no language menu.
func smsEnglishYAML() string {
	return strings.Replace(smsUrduLines.ReplaceAllString(smsParksYAML, ""), "languages: [en, ur]", "languages: [en]", 1)
}

// smsReferencePattern is a response reference (surveys.NewReference).
var smsReferencePattern = regexp.MustCompile(`[346789ABCDEFGHJKMNPQRTWXY]{3}-[346789ABCDEFGHJKMNPQRTWXY]{3}`)

const smsTestPhone = "+447700900123"

// smsEnv is one resident texting one Voices: a database file, a clock and
// a receiver, with helpers to send texts and read what was stored.
type smsEnv struct {
	t      *testing.T
	ctx    context.Context
	path   string
	now    time.Time
	db     *sqlite.DB
	svc    *surveys.Service
	engine *channels.SMSEngine
	r      *channels.SMSReceiver
	survey *surveys.Survey
	sids   int
}

// newSMSEnv opens a new database and creates the survey (none when "").
// Change e.engine's fields to configure the engine.
func newSMSEnv(t *testing.T, definition string) *smsEnv {
	t.Helper()
	e := &smsEnv{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "voices.db"),
		now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e.open()
	t.Cleanup(func() { e.db.Close() })
	if definition != "" {
		s, err := e.svc.CreateSurvey(e.ctx, []byte(definition))
		if err != nil {
			t.Fatalf("CreateSurvey: %v", err)
		}
		e.survey = s
	}
	return e
}

// open (re)opens the database file with a new service, engine and receiver.
func (e *smsEnv) open() {
	e.t.Helper()
	db, err := sqlite.Open(e.ctx, e.path)
	if err != nil {
		e.t.Fatalf("sqlite.Open: %v", err)
	}
	tr, err := channels.NewTranslator()
	if err != nil {
		e.t.Fatalf("NewTranslator: %v", err)
	}
	engine := &channels.SMSEngine{Tr: tr, Council: "Test Council"}
	if e.engine != nil {
		engine.QuietUnknown, engine.ConversationTTL = e.engine.QuietUnknown, e.engine.ConversationTTL
	}
	e.db, e.engine = db, engine
	e.svc = &surveys.Service{Store: db, Now: func() time.Time { return e.now }}
	e.r = &channels.SMSReceiver{Service: e.svc, Engine: engine, Phones: surveys.PhoneHasher{Key: []byte("test key")}}
}

// restart closes the database, as a server stopping would, and opens it again.
func (e *smsEnv) restart() {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	e.open()
}

func (e *smsEnv) advance(d time.Duration) { e.now = e.now.Add(d) }

// send texts body with a new message ID and returns the reply.
func (e *smsEnv) send(body string) string {
	e.t.Helper()
	e.sids++
	return e.sendSID(fmt.Sprintf("SM%04d", e.sids), body)
}

// sendSID texts body with the message ID sid (to send one message twice).
func (e *smsEnv) sendSID(sid, body string) string {
	e.t.Helper()
	reply, err := e.r.Receive(e.ctx, channels.IncomingSMS{SID: sid, From: smsTestPhone, Body: body})
	if err != nil {
		e.t.Fatalf("Receive(%q): %v", body, err)
	}
	return reply
}

// smsStep is one text of a script and what its reply must and must not say.
type smsStep struct {
	send              string
	wantReplyContains []string
	wantNotContains   []string
}

// smsSay is a step that checks only what the reply contains.
func smsSay(send string, want ...string) smsStep {
	return smsStep{send: send, wantReplyContains: want}
}

// run sends each step's text and checks its reply. It stops at the first
// step that fails, as every later reply would be wrong too, and returns
// the last reply.
func (e *smsEnv) run(steps ...smsStep) string {
	e.t.Helper()
	var reply string
	for i, st := range steps {
		reply = e.send(st.send)
		failed := false
		for _, want := range st.wantReplyContains {
			if !strings.Contains(reply, want) {
				e.t.Errorf("step %d: reply to %q: got %q, want it to contain %q", i+1, st.send, reply, want)
				failed = true
			}
		}
		for _, not := range st.wantNotContains {
			if strings.Contains(reply, not) {
				e.t.Errorf("step %d: reply to %q: got %q, want it not to contain %q", i+1, st.send, reply, not)
				failed = true
			}
		}
		if failed {
			e.t.FailNow()
		}
	}
	return reply
}

// responses are the stored responses to the survey.
func (e *smsEnv) responses() []*surveys.Response {
	e.t.Helper()
	list, err := e.db.Responses(e.ctx, e.survey.ID, surveys.ResponseFilter{Limit: 100})
	if err != nil {
		e.t.Fatalf("Responses: %v", err)
	}
	return list
}

// response is the only stored response.
func (e *smsEnv) response() *surveys.Response {
	e.t.Helper()
	list := e.responses()
	if len(list) != 1 {
		e.t.Fatalf("got %d responses, want 1", len(list))
	}
	return list[0]
}

func (e *smsEnv) wantNoResponses() {
	e.t.Helper()
	if n := len(e.responses()); n != 0 {
		e.t.Errorf("got %d responses stored, want none", n)
	}
}

func (e *smsEnv) hash() string { return e.r.Phones.Hash(smsTestPhone) }

// conversation is the number's active conversation, or nil.
func (e *smsEnv) conversation() *surveys.SMSConversation {
	e.t.Helper()
	c, err := e.db.ActiveSMSConversation(e.ctx, e.hash(), e.now)
	if err != nil {
		e.t.Fatalf("ActiveSMSConversation: %v", err)
	}
	return c
}

func (e *smsEnv) suppressed() bool {
	e.t.Helper()
	ok, err := e.db.SMSSuppressed(e.ctx, e.hash())
	if err != nil {
		e.t.Fatalf("SMSSuppressed: %v", err)
	}
	return ok
}

func (e *smsEnv) setStatus(status surveys.Status) {
	e.t.Helper()
	if err := e.svc.SetStatus(e.ctx, e.survey.Slug, status); err != nil {
		e.t.Fatalf("SetStatus: %v", err)
	}
}

// smsAnswers is a response's answers by key.
func smsAnswers(r *surveys.Response) map[string][]string {
	out := map[string][]string{}
	for _, a := range r.Answers {
		out[a.Key] = a.Values
	}
	return out
}

// smsPlainPath answers every question of smsParksYAML plainly, in order (rating
// 4 keeps why_low hidden), with the progress each question is asked with.
var smsPlainPath = []struct{ key, send, progress string }{
	{"use", "1", "(1/7)"}, {"improve", "1", "(2/7)"}, {"rating", "4", "(3/7)"}, {"weekly", "yes", "(4/7)"},
	{"visits", "3", "(5/7)"}, {"comment", "ok", "(6/7)"}, {"more", "fine", "(7/7)"},
}

// upTo starts the English survey and answers plainly up to question key,
// checking that key is then being asked.
func (e *smsEnv) upTo(key string) {
	e.t.Helper()
	reply := e.send("PARKS")
	for _, p := range smsPlainPath {
		if p.key == key {
			if !strings.Contains(reply, p.progress) {
				e.t.Fatalf("before answering %s: got %q, want it to ask %s", key, reply, p.progress)
			}
			return
		}
		reply = e.send(p.send)
	}
	e.t.Fatalf("no question %q", key)
}

const (
	smsWelcomeEN   = "Parks survey. Thank you for taking part. Reply STOP at any time to stop."
	smsStoppedEN   = "You will get no more texts from us"
	smsSuppressEN  = "You asked us not to text you"
	smsStartedEN   = "You can get texts from us again"
	smsClosedEN    = `Sorry, "Parks survey" has closed and no longer takes answers.`
	smsUnknownEN   = "Sorry, we did not recognise that. To take part, text one of these words: PARKS (Parks survey)"
	smsSkippedEN   = "We have skipped that question."
	smsResumeEN    = "Welcome back. Here is where you were:"
	smsCutEN       = "Your answer was long, so we kept the first 20 characters."
	smsNotReadEN   = "Sorry, we could not read that."
	smsStillEN     = "Sorry, we still could not read that."
	smsYesNoEN     = "Reply Yes or No."
	smsOneToFiveEN = "Reply with a number from 1 to 5."
)

// smsCatalogue holds the shipped texts. The messages whose wording
// translators revise are checked against it (the right message, in full);
// the rest are written out.
var smsCatalogue = func() *channels.Translator {
	tr, err := channels.NewTranslator()
	if err != nil {
		panic(err)
	}
	return tr
}()

// smsLead is a catalogue text up to its first %s (the thanks up to the reference).
func smsLead(lang, key string) string {
	text, _ := smsCatalogue.Lookup(lang, key)
	return strings.SplitN(text, "%s", 2)[0]
}

var (
	smsEqualityEN = smsCatalogue.T("en", "sms.equality_intro")
	smsEqualityUR = smsCatalogue.T("ur", "sms.equality_intro")
	smsThanksEN   = smsLead("en", "sms.thanks")
	smsThanksUR   = smsLead("ur", "sms.thanks")
)

// Rule 1: the keyword starts the survey however it is typed.
func TestSMSKeywordStartsSurvey(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"PARKS", "parks", " P A R K S ", "Parks!", "p.a.r.k.s", "\tParks\n"} {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			// English only: straight to the welcome and question 1, no language menu.
			e.run(smsStep{send: text,
				wantReplyContains: []string{smsWelcomeEN + "\n\n(1/7) What do you use most in the park?\n1 Paths\n2 Play areas\n3 Sports pitches\n4 Other\nReply with a number. Or reply SKIP to skip it."},
				wantNotContains:   []string{"English", "اردو"}})
			c := e.conversation()
			if c == nil {
				t.Fatal("no active conversation after the keyword")
			}
			if got, want := c.Draft.Step, "question:use"; got != want {
				t.Errorf("step: got %q, want %q", got, want)
			}
			if got, want := c.Draft.Language, "en"; got != want {
				t.Errorf("language: got %q, want %q", got, want)
			}
		})
	}
}

// Rule 1: a multilingual survey first asks the language, each named in its
// own script; the choice sets the language of every later text.
func TestSMSLanguageMenu(t *testing.T) {
	t.Parallel()
	menu := "Parks survey\n1 English\n2 اردو\nReply with the number of your language."
	tests := []struct {
		name   string
		choice string
		want   []string
		not    []string
		lang   string
	}{
		{"1 is English", "1", []string{smsWelcomeEN, "(1/7) What do you use most in the park?"}, []string{"پارک"}, "en"},
		{"2 is Urdu", "2", []string{"پارکوں کا سروے۔ حصہ لینے کا شکریہ۔", "(1/7) آپ پارک میں سب سے زیادہ کیا استعمال کرتے ہیں؟",
			"\n1 راستے\n2 کھیلنے کی جگہیں\n3 کھیل کے میدان\n4 کوئی اور", "جواب میں ایک نمبر بھیجیں۔"}, []string{"What do you use", "Reply with"}, "ur"},
		{"Urdu digit ۲", "۲", []string{"(1/7) آپ پارک میں"}, nil, "ur"},
		{"Urdu by name", "اردو", []string{"(1/7) آپ پارک میں"}, nil, "ur"},
		{"English by name", "english", []string{"(1/7) What do you use"}, nil, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsParksYAML)
			e.run(smsStep{send: "parks", wantReplyContains: []string{menu}, wantNotContains: []string{"(1/"}},
				// Not a language: the menu again.
				smsStep{send: "3", wantReplyContains: []string{menu}, wantNotContains: []string{"(1/"}},
				smsStep{send: tt.choice, wantReplyContains: tt.want, wantNotContains: tt.not})
			c := e.conversation()
			if c == nil {
				t.Fatal("no active conversation")
			}
			if got, want := c.Draft.Language, tt.lang; got != want {
				t.Errorf("language: got %q, want %q", got, want)
			}
		})
	}
}

// Rule 1 and 3: a whole conversation in Urdu (right to left), answered with
// Urdu words, Urdu digits and the Urdu command words, to the thanks.
func TestSMSUrduConversation(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsParksYAML)
	skip := "چھوڑیں"
	steps := []smsStep{
		smsSay("PARKS", "1 English", "2 اردو"),
		smsSay("2", "(1/7) آپ پارک میں سب سے زیادہ کیا استعمال کرتے ہیں؟"),
		// An option by its Urdu label.
		smsSay("کھیلنے کی جگہیں", "(2/7) ہمیں کیا بہتر کرنا چاہیے؟", "\n1 بیت الخلا\n2 روشنی\n3 بینچ\n4 کوڑے دان"),
		// Urdu digits joined by the Urdu "and".
		smsSay("۱ اور ۳", "(3/7) پارک کتنے اچھے ہیں؟", "\n1 = بہت خراب\n5 = بہت اچھے", "جواب میں 1 سے 5 تک کوئی نمبر بھیجیں۔"),
		smsSay("۴", "(4/7) کیا آپ ہر ہفتے پارک جاتے ہیں؟", "جواب میں ہاں یا نہیں بھیجیں۔"),
		// HELP answers in Urdu and keeps the question.
		{send: "HELP", wantReplyContains: []string{"Test Council آپ کی رائے جاننا چاہتی ہے: پارکوں کا سروے۔", skip, "واپس"},
			wantNotContains: []string{"wants to know"}},
		smsSay("شاید", "معاف کیجیے، ہم یہ نہیں سمجھ سکے۔", "جواب میں ہاں یا نہیں بھیجیں۔"),
		// The Urdu sms_prompt.
		{send: "ہاں", wantReplyContains: []string{"(5/7) پچھلے مہینے پارک کتنی بار گئے؟", "جواب میں 0 سے 31 تک کوئی نمبر بھیجیں۔"},
			wantNotContains: []string{"ہر چھوٹی بڑی بار"}},
		smsSay("۱۲", "(6/7) اپنے پارک کے لیے ایک لفظ؟"),
		// The Urdu SKIP and BACK.
		smsSay(skip, "(7/7) کچھ اور؟"),
		smsSay("واپس", "(6/7) اپنے پارک کے لیے ایک لفظ؟"),
		smsSay("بہت اچھا", "(7/7) کچھ اور؟"),
		smsSay("بچوں کے لیے مزید جھولے 🙂", smsEqualityUR, "جواب دینے کے لیے ہاں بھیجیں، یا ختم کرنے کے لیے چھوڑیں۔"),
		smsSay("ہاں", "آپ کی عمر کیا ہے؟", "\n8 بتانا نہیں چاہتے"),
		smsSay("۸", "آپ کی جنس کیا ہے؟\n1 عورت\n2 مرد\n3 بتانا نہیں چاہتے"),
		smsSay("۲", "کیا آپ کی صنفی شناخت وہی ہے"),
	}
	// The other seven equality questions skipped in Urdu; the last one finishes.
	for range 6 {
		steps = append(steps, smsStep{send: skip, wantNotContains: []string{smsThanksUR}})
	}
	steps = append(steps, smsSay(skip, smsThanksUR))
	last := e.run(steps...)

	r := e.response()
	if got, want := r.Language, "ur"; got != want {
		t.Errorf("language: got %q, want %q", got, want)
	}
	if got, want := r.Channel, surveys.ChannelSMS; got != want {
		t.Errorf("channel: got %q, want %q", got, want)
	}
	want := map[string][]string{"use": {"play"}, "improve": {"toilets", "benches"}, "rating": {"4"}, "weekly": {"yes"},
		"visits": {"12"}, "comment": {"بہت اچھا"}, "more": {"بچوں کے لیے مزید جھولے 🙂"}}
	if got := smsAnswers(r); !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %v\nwant %v", got, want)
	}
	if got, want := r.Equality, map[string]string{"age_band": surveys.PreferNotToSay, "sex": "male"}; !reflect.DeepEqual(got, want) {
		t.Errorf("equality: got %v, want %v", got, want)
	}
	if got := smsReferencePattern.FindString(last); got != r.Reference {
		t.Errorf("reference in the thanks: got %q, want the stored %q", got, r.Reference)
	}
}

// Rule 2: the sms_prompt replaces the prompt in a text.
func TestSMSPromptUsed(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.upTo("weekly")
	e.run(smsStep{send: "yes",
		wantReplyContains: []string{"(5/7) Park visits last month?\nReply with a number from 0 to 31. Or reply SKIP to skip it."},
		wantNotContains:   []string{"How many times", "counting every visit"}})
}

// Rule 3: answers are read forgivingly. Each case answers one question in
// the middle of a conversation, finishes it, and checks the stored value.
func TestSMSAnswerForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, key, send string
		want            []string
	}{
		{"en", "use", "2", []string{"play"}},
		{"en", "use", " 3. ", []string{"sport"}},
		{"en", "use", "4", []string{surveys.OtherValue}},
		{"en", "use", "the PLAY areas please!", []string{"play"}},
		{"en", "use", "Sports-pitches", []string{"sport"}},
		{"en", "use", "paths", []string{"paths"}},
		{"en", "improve", "1 3", []string{"toilets", "benches"}},
		{"en", "improve", "1,3", []string{"toilets", "benches"}},
		{"en", "improve", "1 and 3", []string{"toilets", "benches"}},
		{"en", "improve", "4", []string{"bins"}},
		{"en", "improve", "2 2", []string{"lighting"}},
		{"en", "improve", "Benches!", []string{"benches"}},
		{"en", "rating", "4", []string{"4"}},
		{"en", "rating", "۴", []string{"4"}},
		{"en", "rating", "5.", []string{"5"}},
		{"en", "rating", "about 3", []string{"3"}},
		{"en", "weekly", "yes", []string{"yes"}},
		{"en", "weekly", "no", []string{"no"}},
		{"en", "weekly", "y", []string{"yes"}},
		{"en", "weekly", "N", []string{"no"}},
		{"en", "weekly", "Yes!", []string{"yes"}},
		{"en", "weekly", "1", []string{"yes"}},
		{"en", "weekly", "2", []string{"no"}},
		{"en", "visits", "12", []string{"12"}},
		{"en", "visits", "0", []string{"0"}},
		{"en", "visits", "31", []string{"31"}},
		{"en", "visits", "about 7 times", []string{"7"}},
		{"en", "visits", "۱۲", []string{"12"}},
		{"ur", "use", "کھیل کے میدان", []string{"sport"}},
		{"ur", "use", "Play areas", []string{"play"}}, // the default language's label works too
		{"ur", "improve", "۲ ۴", []string{"lighting", "bins"}},
		{"ur", "rating", "۴", []string{"4"}},
		{"ur", "weekly", "ہاں", []string{"yes"}},
		{"ur", "weekly", "نہیں", []string{"no"}},
		{"ur", "weekly", "YES", []string{"yes"}}, // English always works
		{"ur", "visits", "۷", []string{"7"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key+"/"+tt.send, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsParksYAML)
			e.send("PARKS")
			e.send(map[string]string{"en": "1", "ur": "2"}[tt.lang])
			for i, p := range smsPlainPath {
				if p.key != tt.key {
					e.send(p.send)
					continue
				}
				// Understood: the next question is asked, nothing is said to be unread.
				next := "(" // the equality intro has no progress
				if i+1 < len(smsPlainPath) {
					next = smsPlainPath[i+1].progress
				}
				e.run(smsStep{send: tt.send, wantReplyContains: []string{next},
					wantNotContains: []string{smsNotReadEN, "معاف کیجیے", smsSkippedEN}})
			}
			e.send("SKIP")
			if got := e.response().Answer(tt.key); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stored answer to %s after %q: got %q, want %q", tt.key, tt.send, got, tt.want)
			}
		})
	}
}

// Rule 3: "Other" is offered by number in the prompt ("4 Other"), so its
// word should be understood too.
func TestSMSOtherByWord(t *testing.T) {
	t.Parallel()
	tests := []struct{ lang, send string }{{"en", "Other"}, {"ur", "کوئی اور"}}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsParksYAML)
			e.send("PARKS")
			e.send(map[string]string{"en": "1", "ur": "2"}[tt.lang])
			e.run(smsStep{send: tt.send, wantReplyContains: []string{"(2/7)"}, wantNotContains: []string{smsNotReadEN, "معاف کیجیے"}})
		})
	}
}

// Rule 4: a reply that cannot be read is asked again saying what is
// expected; the second time an optional question is skipped, while a
// required one says how to get help and waits.
func TestSMSNotUnderstood(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.run(
		smsSay("PARKS", "(1/7)"),
		smsSay("1", "(2/7)"),
		smsStep{send: "9", wantReplyContains: []string{smsNotReadEN + " Reply with one or more numbers, for example 1 3. Or reply SKIP to skip it."},
			wantNotContains: []string{"(3/7)"}},
		smsSay("2", "(3/7) How good are the parks?\n1 = Very poor\n5 = Very good\n"+smsOneToFiveEN),
		smsStep{send: "banana", wantReplyContains: []string{smsNotReadEN + " " + smsOneToFiveEN + " Or reply SKIP to skip it."},
			wantNotContains: []string{"(4/7)", smsSkippedEN}},
		// A second failure (out of range) skips the optional scale.
		smsSay("7", smsSkippedEN+"\n\n(4/7) Do you visit a park every week?"),
		smsStep{send: "maybe", wantReplyContains: []string{smsNotReadEN + " " + smsYesNoEN}, wantNotContains: []string{"HELP", "SKIP"}},
		smsStep{send: "perhaps", wantReplyContains: []string{smsStillEN, smsYesNoEN, "HELP", "STOP"}, wantNotContains: []string{smsSkippedEN, "(5/7)"}},
		smsStep{send: "dunno", wantReplyContains: []string{smsStillEN, "HELP", "STOP"}, wantNotContains: []string{smsSkippedEN, "(5/7)"}},
		smsSay("yes", "(5/7) Park visits last month?"),
		smsStep{send: "45", wantReplyContains: []string{smsNotReadEN + " Reply with a number from 0 to 31."}, wantNotContains: []string{"(6/7)"}},
		// Out of range again: the second failure skips the optional number.
		smsSay("-1", smsSkippedEN+"\n\n(6/7) One word for your park?"),
	)
	c := e.conversation()
	if c == nil {
		t.Fatal("no active conversation")
	}
	if got, want := c.Draft.Step, "question:comment"; got != want {
		t.Errorf("step: got %q, want %q", got, want)
	}
	want := map[string][]string{"use": {"paths"}, "improve": {"lighting"}, "weekly": {"yes"}}
	if got := c.Draft.Answers; !reflect.DeepEqual(got, want) {
		t.Errorf("answers so far:\n got %v\nwant %v", got, want)
	}
}

// Rule 5: SKIP skips an optional question and is refused on a required one;
// BACK asks the previous question again, and the new answer replaces the old.
func TestSMSSkipAndBack(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.run(
		smsSay("PARKS", "(1/7)"),
		// BACK at the first question asks it again.
		smsSay("BACK", "(1/7) What do you use most in the park?"),
		smsSay("skip", "(2/7) What should we improve?"),
		smsSay("1 3", "(3/7)"),
		smsSay("4", "(4/7) Do you visit a park every week?"),
		smsStep{send: "SKIP", wantReplyContains: []string{"This question needs an answer. " + smsYesNoEN}, wantNotContains: []string{"(5/7)"}},
		smsStep{send: "Skip.", wantReplyContains: []string{"needs an answer"}, wantNotContains: []string{"(5/7)"}},
		smsSay("no", "(5/7)"),
		smsSay("back", "(4/7) Do you visit a park every week?"),
		smsSay("yes", "(5/7)"),
		smsSay("BACK", "(4/7)"),
		smsSay("BACK", "(3/7) How good are the parks?"),
		// A low rating now: it replaces the 4 and shows why_low.
		smsSay("2", "(4/8) Why did you give a low score?"),
		smsSay("SKIP", "(5/8) Do you visit a park every week?"),
		smsSay("yes", "(6/8) Park visits last month?"),
		smsSay("SKIP", "(7/8)"),
		smsSay("SKIP", "(8/8) Anything else?"),
		smsSay("SKIP", smsEqualityEN),
		smsSay("SKIP", smsThanksEN),
	)
	want := map[string][]string{"improve": {"toilets", "benches"}, "rating": {"2"}, "weekly": {"yes"}}
	if got := smsAnswers(e.response()); !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %v\nwant %v", got, want)
	}
}

// Rule 6: the equality questions come last and are optional: YES answers
// them (by number, "prefer not to say" last), SKIP finishes without them.
func TestSMSEquality(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []smsStep
		want  map[string]string // nil: none stored
	}{
		{"skipped", []smsStep{smsSay("SKIP", smsThanksEN)}, nil},
		{"declined with no", []smsStep{smsSay("no", smsThanksEN)}, nil},
		{"answered", func() []smsStep {
			s := []smsStep{
				smsSay("YES", "What is your age?\n1 16 to 24\n", "\n7 85 and over\n8 Prefer not to say\nReply with a number. Or reply SKIP to skip it."),
				{send: "9", wantReplyContains: []string{smsNotReadEN}, wantNotContains: []string{"What is your sex?"}},
				smsSay("8", "What is your sex?\n1 Female\n2 Male\n3 Prefer not to say\n"),
				{send: "4", wantReplyContains: []string{smsNotReadEN + " Reply with a number."}},
				smsSay("1", "Is the gender you identify with the same as your sex registered at birth?"),
			}
			// gender identity, sexual orientation, ethnic group, religion,
			// disability, unpaid care: skipped; main language last.
			for range 6 {
				s = append(s, smsStep{send: "SKIP", wantNotContains: []string{smsThanksEN}})
			}
			return append(s, smsSay("SKIP", smsThanksEN))
		}(), map[string]string{"age_band": surveys.PreferNotToSay, "sex": "female"}},
		// Every question, with the ethnic group's second step and the
		// follow-ups that only some answers bring.
		{"every question", []smsStep{
			smsSay("yes", "What is your age?"),
			smsSay("2", "What is your sex?"),
			smsSay("2", "Is the gender you identify with"),
			smsSay("1", "sexual orientation?"),
			smsSay("1", "What is your ethnic group?\n1 White\n2 Mixed or Multiple ethnic groups\n3 Asian or Asian British\n"),
			smsSay("3", "Which of the following best describes your background?\n1 Indian\n2 Pakistani\n"),
			smsSay("2", "What is your religion?"),
			smsSay("6", "Do you have any physical or mental health conditions"),
			smsSay("1", "Do any of your conditions or illnesses reduce your ability"),
			smsSay("1", "Do you look after, or give any help or support to"),
			smsSay("1", "What is your main language?\n1 English\n2 Other, including British Sign Language\n3 Prefer not to say"),
			smsSay("2", "How well can you speak English?"),
			smsSay("1", smsThanksEN),
		}, map[string]string{"age_band": "25_34", "sex": "male", "gender_identity": "yes", "sexual_orientation": "straight",
			"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian", "religion": "muslim", "disability_condition": "yes",
			"disability_impact": "a_lot", "disability": "disabled_a_lot", "unpaid_care": "no", "main_language": "other",
			"english_proficiency": "very_well"}},
		{"one answer then back", []smsStep{
			smsSay("yes", "What is your age?"),
			smsSay("3", "What is your sex?"),
			smsSay("BACK", "What is your age?"),
			smsSay("2", "What is your sex?"),
			smsSay("2", "Is the gender"),
			smsSay("BACK", "What is your sex?"),
			smsSay("back", "What is your age?"),
			smsSay("back", smsEqualityEN),
			smsSay("skip", smsThanksEN),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			e.upTo("more")
			e.run(smsStep{send: "fine", wantReplyContains: []string{smsEqualityEN, "Reply Yes to answer them, or SKIP to finish."},
				wantNotContains: []string{"(8/"}})
			e.run(tt.steps...)
			r := e.response()
			if len(tt.want) == 0 && len(r.Equality) != 0 || len(tt.want) > 0 && !reflect.DeepEqual(r.Equality, tt.want) {
				t.Errorf("equality: got %v, want %v", r.Equality, tt.want)
			}
			// The equality answers never mix with the survey's answers.
			if got, want := len(r.Answers), len(smsPlainPath); got != want {
				t.Errorf("got %d answers, want %d", got, want)
			}
		})
	}
}

// Rule 7: the last reply thanks and gives the reference of the one stored
// response, which holds exactly what was sent.
func TestSMSThanksAndStoredResponse(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	last := e.run(
		smsSay("PARKS", "(1/7)"),
		smsSay("2", "(2/7)"),
		smsSay("1 4", "(3/7)"),
		smsSay("5", "(4/7)"),
		smsSay("yes", "(5/7)"),
		smsSay("12", "(6/7)"),
		smsSay("Lovely", "(7/7)"),
		smsSay("More trees please", smsEqualityEN),
		// The last reply asks nothing more, but offers updates (sms_updates_test.go).
		smsStep{send: "SKIP", wantReplyContains: []string{smsThanksEN, "Keep it to ask to see, change or delete your answers.", "Reply YES to get a text"},
			wantNotContains: []string{"(", "Reply SKIP", "Reply with"}},
	)
	r := e.response()
	ref := smsReferencePattern.FindString(last)
	if ref == "" || !strings.Contains(last, "Your reference is "+ref+".") {
		t.Fatalf("thanks: got %q, want a reference like K7P-3QX", last)
	}
	if r.Reference != ref {
		t.Errorf("reference: the reply gave %q, the stored response has %q", ref, r.Reference)
	}
	if r.Channel != surveys.ChannelSMS || r.Language != "en" || r.Mediation.EnteredBy != surveys.EnteredBySelf {
		t.Errorf("got channel %q, language %q, entered by %q; want sms, en, self", r.Channel, r.Language, r.Mediation.EnteredBy)
	}
	want := map[string][]string{"use": {"play"}, "improve": {"toilets", "bins"}, "rating": {"5"}, "weekly": {"yes"},
		"visits": {"12"}, "comment": {"Lovely"}, "more": {"More trees please"}}
	if got := smsAnswers(r); !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %v\nwant %v", got, want)
	}
	if !r.SubmittedAt.Equal(e.now) {
		t.Errorf("submitted at: got %v, want %v", r.SubmittedAt, e.now)
	}
	if c := e.conversation(); c != nil {
		t.Errorf("a conversation is still active after the thanks: %+v", c)
	}
	// A text after the end is not an answer to anything.
	e.run(smsSay("hello", smsUnknownEN))
	if n := len(e.responses()); n != 1 {
		t.Errorf("got %d responses, want 1", n)
	}
}

// Rule 8: the stop words always stop, even as the answer to a free-text
// question: the conversation ends, the number is suppressed, nothing is
// stored. START (or UNSTOP) lifts it, and the keyword starts afresh.
func TestSMSStop(t *testing.T) {
	t.Parallel()
	words := []string{"STOP", "stop", "Stop.", "STOPALL", "stop all", "UNSUBSCRIBE", "end", "QUIT", "Cancel", "REVOKE", "OPTOUT", "opt-out"}
	for i, word := range words {
		start := []string{"START", "unstop"}[i%2]
		t.Run(word, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			e.upTo("comment") // a text question: any word would be an answer
			e.run(smsStep{send: word, wantReplyContains: []string{smsStoppedEN, "Reply START if you change your mind."},
				wantNotContains: []string{"(7/7)"}})
			if c := e.conversation(); c != nil {
				t.Errorf("after %q: conversation still active at step %q", word, c.Draft.Step)
			}
			if !e.suppressed() {
				t.Errorf("after %q: the number is not suppressed", word)
			}
			e.wantNoResponses()
			e.run(
				smsStep{send: "hello", wantReplyContains: []string{smsSuppressEN}},
				// Not even the keyword starts a survey now.
				smsStep{send: "PARKS", wantReplyContains: []string{smsSuppressEN}, wantNotContains: []string{"(1/7)"}},
				smsSay(start, smsStartedEN),
			)
			if e.suppressed() {
				t.Errorf("after %q: the number is still suppressed", start)
			}
			e.run(smsStep{send: "PARKS", wantReplyContains: []string{smsWelcomeEN, "(1/7)"}, wantNotContains: []string{smsResumeEN}})
			c := e.conversation()
			if c == nil || len(c.Draft.Answers) != 0 {
				t.Fatalf("after the keyword again: got conversation %+v, want a new one with no answers", c)
			}
			e.wantNoResponses()
		})
	}
}

// Rule 8: STOP in an Urdu conversation replies in Urdu.
func TestSMSStopInUrdu(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsParksYAML)
	e.run(smsSay("PARKS"), smsSay("2", "(1/7)"),
		smsStep{send: "STOP", wantReplyContains: []string{"آپ کو ہماری طرف سے مزید پیغامات نہیں آئیں گے"}, wantNotContains: []string{smsStoppedEN}})
	if !e.suppressed() || e.conversation() != nil {
		t.Errorf("after STOP: suppressed %v, conversation %v; want suppressed and none", e.suppressed(), e.conversation())
	}
}

// Rule 8: HELP names the council and the survey, in the conversation's
// language, and leaves the conversation as it was.
func TestSMSHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		def     string
		before  []string
		help    string
		want    []string
		not     []string
		answer  string
		advance string
	}{
		{"English", smsEnglishYAML(), []string{"PARKS", "1", "1"}, "HELP",
			[]string{"Test Council wants to know what you think: Parks survey.", "SKIP skips a question, BACK goes back.", "Reply STOP to stop."},
			[]string{"(3/7)"}, "4", "(4/7)"},
		{"INFO is HELP", smsEnglishYAML(), []string{"PARKS"}, "info", []string{"Test Council wants to know what you think: Parks survey."}, nil, "1", "(2/7)"},
		{"Urdu", smsParksYAML, []string{"PARKS", "2", "1"}, "help",
			[]string{"Test Council آپ کی رائے جاننا چاہتی ہے: پارکوں کا سروے۔", "چھوڑیں", "واپس"},
			[]string{"wants to know", "Parks survey"}, "1", "(3/7) پارک کتنے اچھے ہیں؟"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, tt.def)
			for _, text := range tt.before {
				e.send(text)
			}
			before := e.conversation()
			e.run(smsStep{send: tt.help, wantReplyContains: tt.want, wantNotContains: tt.not})
			after := e.conversation()
			if before == nil || after == nil {
				t.Fatalf("conversation before HELP %v, after %v; want both", before, after)
			}
			if after.Draft.Step != before.Draft.Step || after.Turns != before.Turns || !reflect.DeepEqual(after.Draft.Answers, before.Draft.Answers) {
				t.Errorf("HELP changed the conversation: step %q -> %q, turns %d -> %d", before.Draft.Step, after.Draft.Step, before.Turns, after.Turns)
			}
			e.run(smsSay(tt.answer, tt.advance))
		})
	}
	t.Run("no conversation", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.run(smsSay("Help", "Test Council uses this number for consultations."))
		if c := e.conversation(); c != nil {
			t.Errorf("HELP started a conversation: %+v", c)
		}
	})
}

// Rule 9: a message delivered twice (same SID) gets the same reply and
// changes nothing.
func TestSMSDuplicateMessage(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.sendSID("A1", "PARKS")
	first := e.sendSID("A2", "2")
	c1 := e.conversation()
	for _, body := range []string{"2", "3"} { // what matters is the SID
		if again := e.sendSID("A2", body); again != first {
			t.Errorf("reply to SID A2 again (%q): got %q, want the first reply %q", body, again, first)
		}
	}
	c2 := e.conversation()
	if c1 == nil || c2 == nil || c2.Draft.Step != "question:improve" || c2.Turns != c1.Turns || !reflect.DeepEqual(c2.Draft.Answers, c1.Draft.Answers) {
		t.Fatalf("conversation moved on after a repeat: before %+v, after %+v", c1, c2)
	}
	if got, want := c2.Draft.Answers["use"], []string{"play"}; !reflect.DeepEqual(got, want) {
		t.Errorf("use: got %v, want %v", got, want)
	}
	// The repeat did not count as the answer to the next question.
	e.run(smsSay("1", "(3/7)"))
	for _, p := range smsPlainPath[2:] {
		e.send(p.send)
	}
	thanks := e.sendSID("LAST", "SKIP")
	if !strings.Contains(thanks, smsThanksEN) {
		t.Fatalf("reply to the last answer: got %q, want the thanks", thanks)
	}
	if again := e.sendSID("LAST", "SKIP"); again != thanks {
		t.Errorf("reply to the last answer again: got %q, want %q", again, thanks)
	}
	if got := e.response(); !strings.Contains(thanks, got.Reference) {
		t.Errorf("the stored reference %q is not the one given %q", got.Reference, thanks)
	}
}

// Rule 10: a conversation survives the server restarting.
func TestSMSSurvivesRestart(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.run(smsSay("PARKS", "(1/7)"), smsSay("2", "(2/7)"), smsSay("1 3", "(3/7)"))
	e.restart()
	e.run(
		smsStep{send: "4", wantReplyContains: []string{"(4/7) Do you visit"}, wantNotContains: []string{smsWelcomeEN}},
		smsSay("no", "(5/7)"),
		smsSay("3", "(6/7)"),
		smsSay("Grand", "(7/7)"),
	)
	e.restart()
	e.run(smsSay("SKIP", smsEqualityEN), smsSay("SKIP", smsThanksEN))
	want := map[string][]string{"use": {"play"}, "improve": {"toilets", "benches"}, "rating": {"4"}, "weekly": {"no"},
		"visits": {"3"}, "comment": {"Grand"}}
	if got := smsAnswers(e.response()); !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %v\nwant %v", got, want)
	}
}

// Rule 11: an unfinished conversation expires after its TTL (7 days unless
// set); after that a reply is an unknown text, and the keyword starts afresh.
func TestSMSExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		set  time.Duration // SMSEngine.ConversationTTL
		ttl  time.Duration
	}{
		{"default", 0, surveys.DefaultSMSConversationTTL},
		{"custom", 2 * time.Hour, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			e.engine.ConversationTTL = tt.set
			e.run(smsSay("PARKS", "(1/7)"), smsSay("2", "(2/7)"))
			// Just inside the TTL: carries on, and the TTL starts again.
			e.advance(tt.ttl - time.Minute)
			e.run(smsSay("1", "(3/7)"))
			if c := e.conversation(); c == nil || !c.ExpiresAt.Equal(e.now.Add(tt.ttl)) {
				t.Fatalf("conversation %+v: want it to expire at %v", c, e.now.Add(tt.ttl))
			}
			e.advance(tt.ttl + time.Minute)
			e.run(smsStep{send: "4", wantReplyContains: []string{smsUnknownEN}, wantNotContains: []string{"(4/7)"}})
			if c := e.conversation(); c != nil {
				t.Errorf("conversation still active after its TTL: %+v", c)
			}
			e.wantNoResponses()
			if n, err := e.db.ExpireSMSConversations(e.ctx, e.now); err != nil || n != 1 {
				t.Errorf("ExpireSMSConversations: got %d, %v; want 1 conversation marked", n, err)
			}
			e.run(smsStep{send: "PARKS", wantReplyContains: []string{smsWelcomeEN, "(1/7) What do you use"}, wantNotContains: []string{smsResumeEN}})
			if c := e.conversation(); c == nil || len(c.Draft.Answers) != 0 {
				t.Errorf("after the keyword again: got %+v, want a new conversation with no answers", c)
			}
		})
	}
}

// Rule 12: the keyword in the middle of its survey asks the current
// question again, keeping the answers, except as the answer to a text
// question.
func TestSMSKeywordMidConversation(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.run(
		smsSay("PARKS", "(1/7)"),
		smsSay("2", "(2/7)"),
		smsSay("1 3", "(3/7)"),
		smsStep{send: "parks", wantReplyContains: []string{smsResumeEN + "\n\n(3/7) How good are the parks?"}, wantNotContains: []string{smsWelcomeEN}},
		smsSay("4", "(4/7)"),
		smsSay("yes", "(5/7)"),
		smsSay("Parks!", smsResumeEN, "(5/7) Park visits last month?"),
		smsSay("3", "(6/7) One word for your park?"),
		// A text question: the keyword is the answer.
		smsStep{send: "Parks!", wantReplyContains: []string{"(7/7) Anything else?"}, wantNotContains: []string{smsResumeEN}},
		smsStep{send: "PARKS", wantReplyContains: []string{smsEqualityEN}, wantNotContains: []string{smsResumeEN}},
		smsSay("PARKS", smsResumeEN, smsEqualityEN),
		smsSay("SKIP", smsThanksEN),
	)
	want := map[string][]string{"use": {"play"}, "improve": {"toilets", "benches"}, "rating": {"4"}, "weekly": {"yes"},
		"visits": {"3"}, "comment": {"Parks!"}, "more": {"PARKS"}}
	if got := smsAnswers(e.response()); !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %v\nwant %v", got, want)
	}
}

// Rule 12: the keyword while the language menu is shown shows the menu again.
func TestSMSKeywordAtLanguageMenu(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsParksYAML)
	e.run(smsSay("PARKS", "1 English"),
		smsStep{send: "PARKS", wantReplyContains: []string{"1 English\n2 اردو"}, wantNotContains: []string{"SKIP"}})
}

// Another survey's keyword mid-conversation starts that survey (the
// unfinished one expires), unless it is an answer to the question asked.
func TestSMSOtherSurveyKeyword(t *testing.T) {
	t.Parallel()
	const library = `
slug: library
title: {en: "Library survey"}
languages: [en]
status: open
sms: {keyword: LIBRARY}
questions:
  - {key: often, type: yes_no, prompt: {en: "Do you use the library?"}}
`
	t.Run("starts the other survey", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		if _, err := e.svc.CreateSurvey(e.ctx, []byte(library)); err != nil {
			t.Fatalf("CreateSurvey: %v", err)
		}
		e.upTo("rating")
		e.run(smsStep{send: "Library", wantReplyContains: []string{"Library survey. Thank you for taking part.", "(1/1) Do you use the library?"},
			wantNotContains: []string{smsResumeEN}})
		c := e.conversation()
		if c == nil || c.SurveySlug != "library" {
			t.Fatalf("active conversation: got %+v, want one about library", c)
		}
		// PARKS now starts parks afresh: its answers were not kept.
		e.run(smsStep{send: "PARKS", wantReplyContains: []string{smsWelcomeEN, "(1/7)"}, wantNotContains: []string{smsResumeEN}})
		e.wantNoResponses()
	})
	t.Run("taken as a text answer", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		if _, err := e.svc.CreateSurvey(e.ctx, []byte(library)); err != nil {
			t.Fatalf("CreateSurvey: %v", err)
		}
		e.upTo("comment")
		e.run(smsSay("library", "(7/7) Anything else?"), smsSay("SKIP", smsEqualityEN), smsSay("SKIP", smsThanksEN))
		if got, want := e.response().Answer("comment"), []string{"library"}; !reflect.DeepEqual(got, want) {
			t.Errorf("comment: got %q, want %q", got, want)
		}
	})
}

// A number written with a thousands separator is not a small number:
// "1,000" to a question from 0 to 31 must be asked again, not stored as 1.
func TestSMSNumberWithThousandsSeparator(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.upTo("visits")
	e.run(smsStep{send: "1,000", wantReplyContains: []string{"Reply with a number from 0 to 31."}, wantNotContains: []string{"(6/7)"}})
}

// Rule 13: a text answer longer than max_length is cut, with a note; any
// script and emoji are kept exactly.
func TestSMSLongAndUnicodeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, send, want string
		cut                   bool
	}{
		{"too long", "comment", "Abcdefghijklmnopqrstuvwxyz", "Abcdefghijklmnopqrst", true},
		{"too long in Urdu", "comment", strings.Repeat("پارک", 6), strings.Repeat("پارک", 5), true},
		{"too long in emoji", "comment", strings.Repeat("🌳", 25), strings.Repeat("🌳", 20), true},
		{"exactly 20", "comment", "12345678901234567890", "12345678901234567890", false},
		{"any script", "comment", "Ça va 🙂 ਪੰਜਾਬੀ", "Ça va 🙂 ਪੰਜਾਬੀ", false},
		{"spaces folded in a short text", "comment", "  very    nice  ", "very nice", false},
		{"long text kept as sent", "more", "Line one 🙂\nدوسری لائن ਪੰਜਾਬੀ", "Line one 🙂\nدوسری لائن ਪੰਜਾਬੀ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			e.upTo(tt.key)
			next := map[string]string{"comment": "(7/7)", "more": smsEqualityEN}[tt.key]
			st := smsStep{send: tt.send, wantReplyContains: []string{next}}
			if tt.cut {
				st.wantReplyContains = append(st.wantReplyContains, smsCutEN+"\n\n")
			} else {
				st.wantNotContains = []string{"kept the first"}
			}
			e.run(st)
			if tt.key == "comment" {
				e.send("fine")
			}
			e.send("SKIP")
			if got := e.response().Answer(tt.key); len(got) != 1 || got[0] != tt.want {
				t.Errorf("stored %s: got %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

// Rule 14: a text that is neither a keyword nor part of a conversation
// gets the open keywords, or no reply when QuietUnknown.
func TestSMSUnknownText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		quiet  bool
		closed bool
		send   string
		want   string
	}{
		{"lists the keywords", false, false, "hello", smsUnknownEN},
		{"an answer with no conversation", false, false, "3", smsUnknownEN},
		{"quiet", true, false, "hello", ""},
		{"nothing open", false, true, "hello", "Sorry, we did not recognise that. No consultations are open by text at the moment."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsParksYAML)
			e.engine.QuietUnknown = tt.quiet
			if tt.closed {
				e.setStatus(surveys.StatusClosed)
			}
			if got := e.send(tt.send); got != tt.want {
				t.Errorf("reply to %q: got %q, want %q", tt.send, got, tt.want)
			}
			if c := e.conversation(); c != nil {
				t.Errorf("an unknown text started a conversation: %+v", c)
			}
		})
	}
}

// Rule 15: a closed survey takes no answers by text: its keyword gets the
// closed reply, and so does a conversation whose survey closed mid-way.
func TestSMSClosedSurvey(t *testing.T) {
	t.Parallel()
	t.Run("keyword", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.setStatus(surveys.StatusClosed)
		e.run(smsStep{send: "parks", wantReplyContains: []string{smsClosedEN}, wantNotContains: []string{"(1/7)"}})
		if c := e.conversation(); c != nil {
			t.Errorf("the keyword of a closed survey started a conversation: %+v", c)
		}
	})
	t.Run("closed mid-way", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.upTo("rating")
		e.setStatus(surveys.StatusClosed)
		e.run(smsStep{send: "4", wantReplyContains: []string{smsClosedEN}, wantNotContains: []string{"(4/7)"}})
		if c := e.conversation(); c != nil {
			t.Errorf("conversation still active after its survey closed: %+v", c)
		}
		e.run(smsSay("5", "No consultations are open by text"))
		e.wantNoResponses()
	})
	t.Run("closed before the last answer", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.upTo("more")
		e.run(smsSay("fine", smsEqualityEN))
		e.setStatus(surveys.StatusClosed)
		e.run(smsStep{send: "SKIP", wantReplyContains: []string{smsClosedEN}, wantNotContains: []string{smsThanksEN}})
		e.wantNoResponses()
		if c := e.conversation(); c != nil {
			t.Errorf("conversation still active after its survey closed: %+v", c)
		}
	})
	t.Run("past closes_at", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, strings.Replace(smsEnglishYAML(), "status: open", "status: open\ncloses_at: 2026-03-05T00:00:00Z", 1))
		e.upTo("rating")
		e.advance(4 * 24 * time.Hour)
		e.run(smsStep{send: "4", wantReplyContains: []string{smsClosedEN}, wantNotContains: []string{"(4/7)"}})
		e.run(smsSay("PARKS", smsClosedEN))
		e.wantNoResponses()
	})
	t.Run("keyword mid-way", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.upTo("rating")
		e.setStatus(surveys.StatusClosed)
		e.run(smsStep{send: "PARKS", wantReplyContains: []string{smsClosedEN}, wantNotContains: []string{smsResumeEN, "(3/7)"}})
	})
	t.Run("not open yet", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, strings.Replace(smsEnglishYAML(), "status: open", "status: open\nopens_at: 2026-04-01T00:00:00Z", 1))
		e.run(smsStep{send: "PARKS", wantReplyContains: []string{`Sorry, "Parks survey" is not open at the moment.`}, wantNotContains: []string{"(1/7)"}})
		if c := e.conversation(); c != nil {
			t.Errorf("the keyword of a survey not yet open started a conversation: %+v", c)
		}
	})
	t.Run("draft", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, strings.Replace(smsEnglishYAML(), "status: open", "status: draft", 1))
		e.run(smsStep{send: "PARKS", wantNotContains: []string{"Parks survey", "(1/7)"}})
	})
}

// Rule 16: a show_if question is asked only after the answer it depends
// on, and the progress counts only the questions that will be asked.
func TestSMSShowIf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rating string
		want   string
	}{
		{"1", "(4/8) Why did you give a low score?"},
		{"2", "(4/8) Why did you give a low score?"},
		{"3", "(4/7) Do you visit a park every week?"},
		{"5", "(4/7) Do you visit a park every week?"},
	}
	for _, tt := range tests {
		t.Run(tt.rating, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			e.upTo("rating")
			e.run(smsSay(tt.rating, tt.want))
		})
	}
	t.Run("answered then hidden", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.upTo("rating")
		e.run(
			smsSay("2", "(4/8) Why did you give a low score?\nOr reply SKIP to skip it."),
			smsSay("Broken swings", "(5/8) Do you visit"),
			smsSay("yes", "(6/8) Park visits"),
			smsSay("BACK", "(5/8)"),
			smsSay("BACK", "(4/8) Why did you give"),
			smsSay("BACK", "(3/8) How good"),
			// A good rating hides why_low again: its answer goes.
			smsSay("5", "(4/7) Do you visit"),
			smsSay("yes", "(5/7)"),
			smsSay("3", "(6/7)"),
			smsSay("Nice", "(7/7)"),
			smsSay("SKIP", smsEqualityEN),
			smsSay("SKIP", smsThanksEN),
		)
		r := e.response()
		if got := r.Answer("why_low"); got != nil {
			t.Errorf("why_low: got %q, want no answer (hidden by the new rating)", got)
		}
		if got, want := r.Answer("rating"), []string{"5"}; !reflect.DeepEqual(got, want) {
			t.Errorf("rating: got %q, want %q", got, want)
		}
	})
	t.Run("answer kept", func(t *testing.T) {
		t.Parallel()
		e := newSMSEnv(t, smsEnglishYAML())
		e.upTo("rating")
		e.run(smsSay("1", "(4/8)"), smsSay("Broken swings", "(5/8)"), smsSay("no", "(6/8)"), smsSay("SKIP", "(7/8)"),
			smsSay("SKIP", "(8/8)"), smsSay("SKIP", smsEqualityEN), smsSay("SKIP", smsThanksEN))
		if got, want := e.response().Answer("why_low"), []string{"Broken swings"}; !reflect.DeepEqual(got, want) {
			t.Errorf("why_low: got %q, want %q", got, want)
		}
	})
}

// The reserved words, in any case and with any spaces or punctuation.
func TestSMSCommand(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"STOP", surveys.CommandStop},
		{"stop", surveys.CommandStop},
		{"Stop.", surveys.CommandStop},
		{" s t o p ", surveys.CommandStop},
		{"stop all", surveys.CommandStop},
		{"STOPALL", surveys.CommandStop},
		{"Unsubscribe", surveys.CommandStop},
		{"END", surveys.CommandStop},
		{"quit!", surveys.CommandStop},
		{"cancel", surveys.CommandStop},
		{"REVOKE", surveys.CommandStop},
		{"opt-out", surveys.CommandStop},
		{"OPTOUT", surveys.CommandStop},
		{"START", surveys.CommandStart},
		{"Unstop", surveys.CommandStart},
		{"help", surveys.CommandHelp},
		{"HELP?", surveys.CommandHelp},
		{"info", surveys.CommandHelp},
		{"please stop", ""},
		{"stopping", ""},
		{"don't stop", ""},
		{"starting", ""},
		{"PARKS", ""},
		{"", ""},
		{"رکیں", ""},
		{strings.Repeat("stop ", 20), ""}, // too long to be a word
	}
	for _, tt := range tests {
		if got := surveys.SMSCommand(tt.text); got != tt.want {
			t.Errorf("SMSCommand(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A keyword as texts are compared with it: letters and digits, upper case.
func TestSMSKeyword(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"parks", "PARKS"},
		{" P A R K S ", "PARKS"},
		{"Parks!", "PARKS"},
		{"C.A.R.E", "CARE"},
		{"care2027", "CARE2027"},
		{"پارک", "پارک"},
		{"۴", "۴"},
		{"🙂", ""},
		{"", ""},
		{strings.Repeat("a", 64), strings.Repeat("A", 64)},
		{strings.Repeat("a", 65), ""},
	}
	for _, tt := range tests {
		if got := surveys.SMSKeyword(tt.text); got != tt.want {
			t.Errorf("SMSKeyword(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Phone numbers are normalised to E.164 before hashing, so the same number
// written two ways is the same resident.
func TestNormalisePhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"+447700900123", "+447700900123"},
		{"07700 900123", "+447700900123"},
		{"07700-900-123", "+447700900123"},
		{"(07700) 900.123", "+447700900123"},
		{"0044 7700 900123", "+447700900123"},
		{" +44 7700 900123 ", "+447700900123"},
		{"+1 (555) 010-0199", "+15550100199"},
		{"00923001234567", "+923001234567"},
		{"7700900123", ""},          // no 0, 00 or +
		{"+44 7700 900123 ext", ""}, // letters
		{"+44+7700900123", ""},      // a second +
		{"+0447700900123", ""},      // no country code starts with 0
		{"0123", ""},                // too short
		{"+1234567890123456", ""},   // 16 digits: too long
		{"+12345678", "+12345678"},  // 8 digits: shortest allowed
		{"+1234567", ""},            // 7 digits
		{"", ""},
		{"+", ""},
		{"hello", ""},
		{"۰۷۷۰۰ ۹۰۰۱۲۳", ""}, // only ASCII digits
	}
	for _, tt := range tests {
		if got := surveys.NormalisePhone(tt.in); got != tt.want {
			t.Errorf("NormalisePhone(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	// Same number, same hash.
	h := surveys.PhoneHasher{Key: []byte("test key")}
	if h.Hash("07700 900123") != h.Hash("+447700900123") {
		t.Error("Hash: 07700 900123 and +447700900123 hash differently")
	}
	if h.Hash("+447700900123") == (surveys.PhoneHasher{Key: []byte("other key")}).Hash("+447700900123") {
		t.Error("Hash: the key makes no difference")
	}
}

// A UK number written with the "(0)" of its national form.
func TestNormalisePhoneTrunkZero(t *testing.T) {
	t.Parallel()
	if got, want := surveys.NormalisePhone("+44 (0)7700 900123"), "+447700900123"; got != want {
		t.Errorf("NormalisePhone(%q): got %q, want %q", "+44 (0)7700 900123", got, want)
	}
}

// PreviewSMS measures every message in every language and flags the ones
// that need more than two texts.
func TestPreviewSMS(t *testing.T) {
	t.Parallel()
	var opts strings.Builder
	for i := range 12 {
		fmt.Fprintf(&opts, "      - {value: o%d, label: {en: \"A fairly long option number %d, described in many words\", ur: \"ایک لمبا جواب نمبر %d، بہت سے الفاظ میں\"}}\n", i, i, i)
	}
	s, err := surveys.ParseDefinition([]byte(`
slug: preview
title: {en: "Parks survey", ur: "پارکوں کا سروے"}
languages: [en, ur]
status: open
equality_monitoring: true
sms: {keyword: PARKS}
questions:
  - {key: short, type: yes_no, prompt: {en: "Do you visit?", ur: "کیا آپ جاتے ہیں؟"}}
  - key: long
    type: single_choice
    prompt: {en: "Which one?", ur: "کون سا؟"}
    options:
` + opts.String() + `
  - {key: why, type: text, prompt: {en: "Why?", ur: "کیوں؟"}, show_if: {question: short, in: ["no"]}}
`))
	if err != nil {
		t.Fatalf("ParseDefinition: %v", err)
	}
	tr, err := channels.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	e := &channels.SMSEngine{Tr: tr, Council: "Test Council"}
	got := map[string]channels.MessageSize{}
	for _, m := range e.PreviewSMS(s) {
		if _, dup := got[m.Language+" "+m.Message]; dup {
			t.Errorf("message %s in %s listed twice", m.Message, m.Language)
		}
		got[m.Language+" "+m.Message] = m
		if m.Text == "" || m.Segments < 1 || m.Characters < 1 {
			t.Errorf("message %s in %s: got text %q, %d characters, %d segments", m.Message, m.Language, m.Text, m.Characters, m.Segments)
		}
	}
	want := []string{"en languages"}
	for _, lang := range []string{"en", "ur"} {
		for _, name := range []string{"welcome", "question:short", "question:long", "question:why", "equality_intro",
			"equality:age_band", "equality:sex", "equality:ethnic_group_broad", "equality:ethnic_group", "equality:english_proficiency",
			"thanks", "updates_yes", "updates_no", "update", "invitation"} {
			want = append(want, lang+" "+name)
		}
	}
	for _, k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("PreviewSMS: no %q", k)
		}
	}
	checks := []struct {
		key      string
		contains string
		warning  bool
	}{
		{"en languages", "1 English\n2 اردو", false},
		{"en question:short", "(1/2) Do you visit?", false},
		{"ur question:short", "(1/2) کیا آپ جاتے ہیں؟", false},
		{"en question:long", "12 A fairly long option number 11", true},
		{"ur question:long", "12 ایک لمبا جواب نمبر 11", true},
		{"en question:why", "(3/3) Why?", false}, // hidden by show_if: numbered among all
		{"en thanks", "K7P-3QX", false},
		{"en thanks", "Reply YES", false},
		{"ur thanks", "YES", false}, // the offer fits the Urdu thanks in two texts
		{"en update", "Test Council: you took part in \"Parks survey\". See what we are doing about what you told us: https://", false},
		{"en invitation", "Test Council would like your views: Parks survey. Reply PARKS", false},
		{"ur welcome", "پارکوں کا سروے", false},
	}
	for _, c := range checks {
		m := got[c.key]
		if !strings.Contains(m.Text, c.contains) {
			t.Errorf("%s: got %q, want it to contain %q", c.key, m.Text, c.contains)
		}
		if (m.Warning != "") != c.warning {
			t.Errorf("%s (%d segments): got warning %q, want a warning: %v", c.key, m.Segments, m.Warning, c.warning)
		}
	}
	if m := got["ur question:long"]; m.Encoding != channels.EncodingUCS2 || m.Segments <= channels.MaxSegments {
		t.Errorf("ur question:long: got %s, %d segments; want UCS-2 and more than %d", m.Encoding, m.Segments, channels.MaxSegments)
	}
}
