package sqlite_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/themes"
)

// Erasure by reference leaves nothing of the response in any table, and
// subject access finds all of it first.
func TestEraseAndSubjectAccess(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	svc, s, rs := resultsSurvey(t, db, map[string][]string{"someone else": {"paths"}})
	officer, err := db.UserByEmail(ctx, "amina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	h := surveys.PhoneHasher{Key: []byte("test key")}
	phone := "+447700900123"
	hash := h.Hash(phone)
	secret := "My secret words about the dark paths near 12 Acacia Road"

	// A response by text, with the offer of updates taken up.
	now := time.Now()
	conv := &surveys.SMSConversation{SurveyID: s.ID, PhoneHash: hash, Status: surveys.SMSSubmitted, Turns: 1, StartedAt: now, UpdatedAt: now,
		ExpiresAt: now.Add(time.Hour), Draft: surveys.Draft{SurveyID: s.ID, Language: "en", Answers: map[string][]string{}, Equality: map[string]string{}}}
	turn := &surveys.SMSTurn{MessageSID: "SM1", PhoneHash: hash, ReceivedAt: now, Conversation: conv, OfferUpdates: true,
		Thanks:     func(ref string) string { return "Thank you, your reference is " + ref },
		Submission: &surveys.Submission{Channel: surveys.ChannelSMS, Language: "en", Answers: map[string][]string{"visit": {"yes"}, "comment": {secret}}}}
	if err := svc.SaveSMSTurn(ctx, db, s, turn); err != nil {
		t.Fatal(err)
	}
	ref := turn.Response().Reference
	offer, err := db.UpdateOffer(ctx, hash, now)
	if err != nil || offer == nil {
		t.Fatalf("offer: %v, %v", offer, err)
	}
	if err := db.SaveSMSTurn(ctx, &surveys.SMSTurn{MessageSID: "SM2", PhoneHash: hash, Reply: "We will text you", ReceivedAt: now,
		Updates: &surveys.UpdateOfferReply{ID: offer.ID, Accept: true, Phone: phone}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SubscribeToUpdates(ctx, s, surveys.UpdateRequest{Reference: ref, Channel: surveys.UpdateByEmail, Address: "resident@example.org"}, h); err != nil {
		t.Fatal(err)
	}
	// Corrected, coded, copied into training and discovery, quoted.
	corrected := "My corrected secret words about the dark paths"
	if _, err := svc.CorrectResponse(ctx, s, officer, ref, &surveys.Submission{Channel: surveys.ChannelSMS, Language: "en",
		Answers: map[string][]string{"visit": {"yes"}, "comment": {corrected}}}, "typo"); err != nil {
		t.Fatal(err)
	}
	r, err := db.ResponseByReference(ctx, s.ID, ref, surveys.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Review(ctx, s, officer, map[surveys.AnswerKey][]string{{ResponseID: r.ID, QuestionKey: "comment"}: {"paths"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddTrainingExamples(ctx, s.ID, []surveys.TrainingExample{{Text: secret, Themes: []string{"paths"}}, {Text: "Kept example", Themes: []string{"paths"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceOpenCandidates(ctx, s.ID, []*surveys.ThemeCandidate{{FoundAt: now, Label: "dark", KeyPhrases: []string{"dark"}, Size: 2,
		Quotes: []string{themes.Redact(corrected), "Kept quote"}, Status: "open"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAction(ctx, s, &surveys.Action{Title: surveys.Text{"en": "Light the paths"}, Themes: []string{"paths"}, Status: surveys.ActionPlanned}); err != nil {
		t.Fatal(err)
	}
	n := 10
	figures := &surveys.PublishedFigures{Themes: []surveys.PublishedTheme{{ID: "paths", Name: "Paths", Respondents: &n,
		Quotes: []surveys.Quote{{Text: themes.Redact(corrected)}, {Text: "Kept published quote"}}}}}
	if _, res, err := svc.PublishResults(ctx, s, figures, wording{}, "https://voices.example.gov.uk"); err != nil || res.Texts.Queued != 1 || res.Emails != 1 {
		t.Fatalf("publish: %+v, %v; want a text and an email queued to the resident", res, err)
	}

	// Subject access: everything, by reference.
	if _, err := svc.SubjectAccess(ctx, nil, ref); surveys.ErrorCode(err) != surveys.EFORBIDDEN {
		t.Errorf("subject access without an officer: got %v, want forbidden", err)
	}
	sar, err := svc.SubjectAccess(ctx, officer, strings.ToLower(ref))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(sar)
	for _, want := range []string{ref, corrected, secret /* in the correction's before */, `"paths"`, "Thank you, your reference is", "We will text you",
		"resident@example.org", phone, `"kind":"update:1"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("subject access: want %q in %s", want, js)
		}
	}

	// Erasure: nothing left anywhere but the audit log's record.
	erased, err := svc.Erase(ctx, officer, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"responses", "answers", "corrections", "theme_codings", "sms_conversations", "sms_messages", "sms_outbox",
		"email_outbox", "update_subscriptions", "breakdown_profiles", "theme_training", "theme_candidates", "result_publications"} {
		if erased.Deleted[table] == 0 {
			t.Errorf("erasure: nothing deleted from %s (deleted %v)", table, erased.Deleted)
		}
	}
	dump, err := db.DumpForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, rows := range dump {
		for _, row := range rows {
			for _, gone := range []string{ref, "secret words", hash, phone, "resident@example.org", h.HashEmail("resident@example.org")} {
				if strings.Contains(row, gone) && !(table == "audit_log" && gone == ref) {
					t.Errorf("after erasure, %s still holds %q: %s", table, gone, row)
				}
			}
		}
	}
	joined := ""
	for _, rows := range dump {
		joined += strings.Join(rows, "\n")
	}
	for _, kept := range []string{"A comment from someone else", "Kept example", "Kept quote", "Kept published quote", "Light the paths"} {
		if !strings.Contains(joined, kept) {
			t.Errorf("after erasure, %q is gone: want everything else kept", kept)
		}
	}
	if _, err := svc.Erase(ctx, officer, ref); surveys.ErrorCode(err) != surveys.ENOTFOUND {
		t.Errorf("erasing twice: got %v, want not found", err)
	}
	if _, err := svc.Erase(ctx, officer, "not a reference"); surveys.ErrorCode(err) != surveys.EINVALID {
		t.Errorf("erasing with a malformed reference: got %v, want invalid", err)
	}
	if _, ok := rs["someone else"]; !ok {
		t.Fatal("the other response is missing")
	}
}
