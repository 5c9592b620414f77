package channels_test

import (
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// Tests of the offer of updates by text (sms_updates.go): the thanks
// offers it, YES keeps the number for it, NO forgets the offer, and
// everything that won before (STOP, HELP, keywords) still wins.

var (
	smsThanksOfferEN = "Reply YES to get a text when we say what we did about this."
	smsUpdatesYesEN  = smsCatalogue.T("en", "sms.updates_yes")
	smsUpdatesNoEN   = smsCatalogue.T("en", "sms.updates_no")
	smsUpdatesYesUR  = smsCatalogue.T("ur", "sms.updates_yes")
)

// finish answers the English survey to the end and returns the thanks.
func (e *smsEnv) finish() string {
	e.t.Helper()
	e.upTo("use")
	for _, p := range smsPlainPath {
		e.send(p.send)
	}
	thanks := e.send("SKIP") // the equality questions
	if !strings.Contains(thanks, smsThanksEN) {
		e.t.Fatalf("after the last answer: got %q, want the thanks", thanks)
	}
	return thanks
}

// offer is the number's open offer, or nil.
func (e *smsEnv) offer() *surveys.UpdateSubscription {
	e.t.Helper()
	o, err := e.db.UpdateOffer(e.ctx, e.hash(), e.now)
	if err != nil {
		e.t.Fatalf("UpdateOffer: %v", err)
	}
	return o
}

// subscriptions are the survey's subscriptions (not offers).
func (e *smsEnv) subscriptions() []*surveys.UpdateSubscription {
	e.t.Helper()
	list, err := e.db.UpdateSubscriptions(e.ctx, e.survey.ID)
	if err != nil {
		e.t.Fatalf("UpdateSubscriptions: %v", err)
	}
	return list
}

func TestSMSUpdateOffer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// after runs once the thanks has been sent, and returns the reply
		// to check against want (and not).
		after      func(e *smsEnv) string
		want, not  []string
		subscribed bool // the number is then kept, to text the update to
		offerLeft  bool // the offer still waits for an answer
	}{
		{name: "YES keeps the number", after: func(e *smsEnv) string { return e.send("YES") },
			want: []string{smsUpdatesYesEN, "Reply STOP"}, subscribed: true},
		{name: "yes, as people type it", after: func(e *smsEnv) string { return e.send("Yes please!") },
			want: []string{smsUpdatesYesEN}, subscribed: true},
		{name: "Y", after: func(e *smsEnv) string { return e.send("y") }, want: []string{smsUpdatesYesEN}, subscribed: true},
		{name: "NO forgets the offer", after: func(e *smsEnv) string { return e.send("No thanks") },
			want: []string{smsUpdatesNoEN}},
		{name: "ok is not a yes", after: func(e *smsEnv) string { return e.send("ok thanks") },
			want: []string{smsUnknownEN}, not: []string{smsUpdatesYesEN}, offerLeft: true},
		{name: "a number is not a yes", after: func(e *smsEnv) string { return e.send("1") },
			want: []string{smsUnknownEN}, offerLeft: true},
		{name: "YES after STOP is suppressed", after: func(e *smsEnv) string {
			e.run(smsSay("STOP", smsStoppedEN))
			return e.send("YES")
		}, want: []string{smsSuppressEN}, not: []string{smsUpdatesYesEN}},
		{name: "YES after STOP and START finds no offer", after: func(e *smsEnv) string {
			e.run(smsSay("STOP", smsStoppedEN), smsSay("START", smsStartedEN))
			return e.send("YES")
		}, want: []string{smsUnknownEN}},
		{name: "STOP after YES forgets the number", after: func(e *smsEnv) string {
			e.run(smsSay("YES", smsUpdatesYesEN))
			return e.send("STOP")
		}, want: []string{smsStoppedEN}},
		{name: "an expired offer is ignored", after: func(e *smsEnv) string {
			e.advance(surveys.UpdateOfferTTL + time.Minute)
			return e.send("YES")
		}, want: []string{smsUnknownEN}, not: []string{smsUpdatesYesEN}},
		{name: "YES on the offer's last day", after: func(e *smsEnv) string {
			e.advance(surveys.UpdateOfferTTL - time.Minute)
			return e.send("YES")
		}, want: []string{smsUpdatesYesEN}, subscribed: true},
		{name: "HELP still wins", after: func(e *smsEnv) string { return e.send("HELP") },
			want: []string{"Test Council uses this number for consultations"}, offerLeft: true},
		{name: "a keyword still starts a survey", after: func(e *smsEnv) string { return e.send("PARKS") },
			want: []string{smsWelcomeEN, "(1/7)"}, offerLeft: true},
		{name: "YES during a new conversation answers its question", after: func(e *smsEnv) string {
			e.upTo("weekly")
			return e.send("YES")
		}, want: []string{"(5/7)"}, not: []string{smsUpdatesYesEN}, offerLeft: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSMSEnv(t, smsEnglishYAML())
			if thanks := e.finish(); !strings.Contains(thanks, smsThanksOfferEN) {
				t.Fatalf("thanks: got %q, want it to offer updates (%q)", thanks, smsThanksOfferEN)
			}
			o := e.offer()
			if o == nil || !o.Offered || o.Address != "" || o.Language != "en" || o.ResponseID != e.response().ID {
				t.Fatalf("after the thanks: got offer %+v, want one for the response, without the number", o)
			}
			reply := tt.after(e)
			for _, w := range tt.want {
				if !strings.Contains(reply, w) {
					t.Errorf("reply: got %q, want it to contain %q", reply, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(reply, n) {
					t.Errorf("reply: got %q, want it not to contain %q", reply, n)
				}
			}
			subs := e.subscriptions()
			switch {
			case tt.subscribed && (len(subs) != 1 || subs[0].Address != smsTestPhone || subs[0].Channel != surveys.UpdateBySMS ||
				subs[0].AddressHash != e.hash() || subs[0].Language != "en" || subs[0].ResponseID != o.ResponseID):
				t.Errorf("subscriptions: got %+v, want one by text to %s for the response", subs, smsTestPhone)
			case !tt.subscribed && len(subs) != 0:
				t.Errorf("subscriptions: got %+v, want none", subs[0])
			}
			if left := e.offer() != nil; left != tt.offerLeft {
				t.Errorf("offer still open: got %v, want %v", left, tt.offerLeft)
			}
		})
	}
}

// A YES with no offer behaves as before: it is not a keyword.
func TestSMSYesWithoutOffer(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.run(smsStep{send: "YES", wantReplyContains: []string{smsUnknownEN}, wantNotContains: []string{smsUpdatesYesEN}})
	if subs := e.subscriptions(); len(subs) != 0 {
		t.Errorf("subscriptions: got %d, want none", len(subs))
	}
}

// A message delivered twice changes nothing the second time: the last
// answer makes one response and one offer; YES makes one subscription.
func TestSMSUpdateOfferDuplicate(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsEnglishYAML())
	e.upTo("use")
	for _, p := range smsPlainPath {
		e.send(p.send)
	}
	thanks := e.sendSID("LAST", "SKIP")
	if again := e.sendSID("LAST", "SKIP"); again != thanks {
		t.Errorf("the last answer again: got %q, want the same thanks %q", again, thanks)
	}
	if n := len(e.responses()); n != 1 {
		t.Errorf("responses: got %d, want 1", n)
	}
	yes := e.sendSID("YES1", "YES")
	if !strings.Contains(yes, smsUpdatesYesEN) {
		t.Fatalf("YES: got %q, want %q", yes, smsUpdatesYesEN)
	}
	if again := e.sendSID("YES1", "no"); again != yes {
		t.Errorf("YES again (with another body): got %q, want the same reply %q", again, yes)
	}
	if subs := e.subscriptions(); len(subs) != 1 || subs[0].Address != smsTestPhone {
		t.Errorf("subscriptions: got %+v, want one, to %s", subs, smsTestPhone)
	}
	// A second YES, with a new ID, finds no offer left.
	e.run(smsSay("YES", smsUnknownEN))
}

// In Urdu: the offer is in Urdu, and the Urdu yes accepts it, in Urdu.
func TestSMSUpdateOfferUrdu(t *testing.T) {
	t.Parallel()
	e := newSMSEnv(t, smsParksYAML)
	skip := "چھوڑیں"
	steps := []smsStep{smsSay("PARKS"), smsSay("2", "(1/7)")}
	for _, send := range []string{"1", "1", "4", "ہاں", "۳", "اچھا", "کچھ نہیں"} {
		steps = append(steps, smsSay(send))
	}
	thanks := e.run(append(steps, smsSay(skip, smsThanksUR, "YES"))...)
	if strings.Contains(thanks, smsThanksOfferEN) {
		t.Errorf("Urdu thanks: got %q, want it all in Urdu", thanks)
	}
	e.run(smsStep{send: "ہاں", wantReplyContains: []string{smsUpdatesYesUR}, wantNotContains: []string{smsUpdatesYesEN}})
	if subs := e.subscriptions(); len(subs) != 1 || subs[0].Language != "ur" || subs[0].Address != smsTestPhone {
		t.Errorf("subscriptions: got %+v, want one in Urdu to %s", subs, smsTestPhone)
	}
}
