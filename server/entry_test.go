package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// entryYAML has free text (with original words), a choice with Other and
// the equality questions.
const entryYAML = `
slug: parks
title: {en: "Parks"}
languages: [en]
status: open
equality_monitoring: true
questions:
  - {key: visit, type: yes_no, required: true, prompt: {en: "Do you visit parks?"}}
  - key: likes
    type: multiple_choice
    other: true
    prompt: {en: "What do you like?"}
    options:
      - {value: trees, label: {en: "Trees"}}
      - {value: play, label: {en: "Play areas"}}
  - {key: comment, type: long_text, prompt: {en: "Anything else?"}}
`

func TestEnterResponseForSomeone(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	f.staff(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	b := f.browser(t)
	enter := "/dashboard" + base + "/enter"
	if p := b.get(enter); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("entry form before signing in: got %d %q, want a redirect to sign in", p.status, p.header.Get("Location"))
	}
	b.signIn("amina@example.org", signInPassword, "")
	if p := b.get("/dashboard"); !strings.Contains(p.body, `href="/dashboard`+base+`"`) {
		t.Errorf("dashboard: want a link to /dashboard%s", base)
	}
	if p := b.get("/dashboard" + base); !strings.Contains(p.body, `href="`+enter+`"`) {
		t.Errorf("survey's dashboard page: want a link to %s", enter)
	}
	p := b.get(enter)
	for _, want := range []string{`name="visit"`, `name="likes"`, `name="likes_other"`, `name="comment_original"`, `name="comment_original_language"`,
		`name="equality_ethnic_group"`, `<optgroup label="Asian or Asian British">`, `name="mode"`, `name="consent_confirmed"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("entry form: want %s", want)
		}
	}

	// Without consent nothing is stored, and what was typed is kept.
	form := webForm("visit", "yes", "likes", "trees", "likes", "other", "likes_other", "Ducks",
		"comment", "The paths are dark", "comment_original", "راستے اندھیرے ہیں", "comment_original_language", "ur",
		"equality_ethnic_group", "asian_pakistani", "mode", "face_to_face", "interpreter_language", "ur")
	p = b.post(enter, form)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#consent_confirmed"`) ||
		!strings.Contains(p.body, "راستے اندھیرے ہیں") || !strings.Contains(p.body, `value="asian_pakistani" selected`) {
		t.Errorf("without consent: got %d, want 422 with the consent error linked and the answers kept", p.status)
	}
	if n := len(f.responses(t, base)); n != 0 {
		t.Fatalf("stored without consent: %d responses", n)
	}

	form.Set("consent_confirmed", "yes")
	p = b.post(enter, form)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Response saved") {
		t.Fatalf("with consent: got %d, want the saved page", p.status)
	}
	list := f.responses(t, base)
	if len(list) != 1 {
		t.Fatalf("stored: got %d responses, want 1", len(list))
	}
	r := list[0]
	m := r.Mediation
	if r.Channel != surveys.ChannelAssisted || m.EnteredBy != surveys.EnteredByCommunityGroup || m.Organisation != "Ladywood Community Group" ||
		m.Mode != "face_to_face" || m.InterpreterLanguage != "ur" || !m.ConsentConfirmed {
		t.Errorf("mediation: got channel %s, %+v", r.Channel, m)
	}
	if got := r.Originals["comment"]; got.Text != "راستے اندھیرے ہیں" || got.Language != "ur" {
		t.Errorf("original words: got %+v", got)
	}
	if got := strings.Join(r.Answer("likes"), ","); got != "trees,other" || strings.Join(r.Answer("likes_other"), "") != "Ducks" {
		t.Errorf("likes: got %s / %v", got, r.Answer("likes_other"))
	}
	if r.Equality["ethnic_group"] != "asian_pakistani" || r.Equality["ethnic_group_broad"] != "asian" {
		t.Errorf("equality: got %v", r.Equality)
	}
	if !strings.Contains(p.body, r.Reference) {
		t.Errorf("saved page: want the reference %s", r.Reference)
	}
}

func TestEnterResponseProblems(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	f.staff(t, "olu@example.org", surveys.RoleOfficer, "")
	b := f.browser(t)
	b.signIn("olu@example.org", signInPassword, "")
	enter := "/dashboard" + base + "/enter"
	tests := []struct {
		name string
		form []string
		want string // the field the error summary links to
	}{
		{"required answer missing", []string{"consent_confirmed", "yes"}, "#visit"},
		{"original without its language", []string{"visit", "yes", "comment", "x", "comment_original", "ایکس", "consent_confirmed", "yes"}, "#comment_original_language"},
		{"original without the translation", []string{"visit", "yes", "comment_original", "ایکس", "comment_original_language", "ur", "consent_confirmed", "yes"}, "#comment_original"},
		{"other text without Other", []string{"visit", "yes", "likes", "trees", "likes_other", "Ducks", "consent_confirmed", "yes"}, "#likes_other"},
		{"unknown mode", []string{"visit", "yes", "mode", "telepathy", "consent_confirmed", "yes"}, "#mode"},
		{"equality answer not in the list", []string{"visit", "yes", "equality_sex", "martian", "consent_confirmed", "yes"}, "#equality_sex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get(enter)
			p := b.post(enter, webForm(tt.form...))
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="`+tt.want+`"`) {
				t.Errorf("got %d, want 422 with an error linked to %s", p.status, tt.want)
			}
		})
	}
	if n := len(f.responses(t, base)); n != 0 {
		t.Errorf("stored after problems: %d", n)
	}
	if err := f.svc.SetStatus(f.ctx, "parks", surveys.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if p := b.get(enter); p.status != http.StatusConflict {
		t.Errorf("entry form of a closed survey: got %d, want 409", p.status)
	}
}

// An equality answer that asks for the person's own words has a box for
// them on the entry form, and they are stored beside the answer.
func TestEnterEqualityWriteIn(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	b := f.signedIn(t, "amina@example.org", surveys.RolePartner, "Ladywood Community Group")
	enter := "/dashboard" + base + "/enter"
	if p := b.get(enter); !strings.Contains(p.body, `name="equality_ethnic_group_other"`) {
		t.Fatalf("entry form: no box for ethnic group in their own words")
	}
	ref := enterFor(t, b, base, "visit", "yes", "equality_ethnic_group", "white_other", "equality_ethnic_group_other", "Kurdish")
	r := f.response(t, base, ref)
	if r.Equality["ethnic_group"] != "white_other" || r.Equality["ethnic_group_other"] != "Kurdish" {
		t.Errorf("equality answers: got %v, want white_other with Kurdish", r.Equality)
	}
	// Words without an answer that asks for them are refused, by their box.
	b.get(enter)
	p := b.post(enter, webForm("visit", "yes", "mode", "phone", "consent_confirmed", "yes", "equality_ethnic_group", "white_irish", "equality_ethnic_group_other", "Kurdish"))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#equality_ethnic_group_other"`) {
		t.Errorf("own words with an answer that does not ask for them: got %d, want 422 pointing at the box", p.status)
	}
}
