package surveys

import (
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"time"
)

// DemoDefinition is the demo consultation that `voices serve --demo` loads:
// Birmingham's adult social care strategy, in English and Urdu, using every
// question type and equality monitoring.
//
//go:embed demo-care-strategy.yaml
var DemoDefinition []byte

// demoCodebook is the demo consultation's codebook, so the theme pages have
// something to show.
//
//go:embed demo-care-codebook.yaml
var demoCodebook []byte

// DemoResult says what LoadDemo did.
type DemoResult struct {
	Slug      string
	Created   bool // false when the demo survey was already there
	Responses int
}

// LoadDemo stores the demo survey, if it is not stored yet, with a spread
// of made-up responses from every channel so the exports have something in
// them. The closing date is moved to eight weeks from now, so the demo is
// always open. Running it again changes nothing.
func (svc *Service) LoadDemo(ctx context.Context) (DemoResult, error) {
	s, err := ParseDefinition(DemoDefinition)
	if err != nil {
		return DemoResult{}, err
	}
	res := DemoResult{Slug: s.Slug}
	if _, err := svc.Store.Survey(ctx, s.Slug); err == nil {
		return res, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return res, err
	}
	closes := svc.Clock().Add(8 * 7 * 24 * time.Hour).Truncate(24 * time.Hour)
	s.ClosesAt = &closes
	if err := svc.Store.CreateSurvey(ctx, s); err != nil {
		return res, err
	}
	res.Created = true
	partner, err := svc.demoUser(ctx, "partner@demo.voices.invalid", "Demo community group member", RolePartner, "Sparkbrook Neighbourhood Network")
	if err != nil {
		return res, err
	}
	cb, err := ParseCodebook(demoCodebook)
	if err != nil {
		return res, err
	}
	cb.CreatedBy, cb.CreatedAt = "demo", svc.Clock()
	if err := svc.Store.AddCodebookVersion(ctx, s.ID, 0, cb); err != nil {
		return res, err
	}
	// The responses arrive over the three weeks the demo has been open, so
	// representation can be followed day by day; in the last week a
	// community group's sessions bring in more Bangladeshi residents, as
	// outreach would. They are stored as an import is, in one go.
	rng := rand.New(rand.NewPCG(2027, 1))
	now := svc.Clock()
	var rs []*Response
	for i := range demoResponses {
		daysAgo := rng.IntN(demoDays)
		sub := demoSubmission(rng, partner, daysAgo < 7)
		r, err := s.CheckSubmission(sub)
		if err != nil {
			return res, err
		}
		r.SubmittedAt = now.Add(-time.Duration(daysAgo)*24*time.Hour - time.Duration(rng.IntN(12*60))*time.Minute)
		r.Reference, r.ImportKey = NewReference(), fmt.Sprintf("demo-%d", i)
		rs = append(rs, r)
	}
	if _, err := svc.Store.ImportResponses(ctx, rs, NewReference); err != nil {
		return res, err
	}
	res.Responses = len(rs)
	return res, nil
}

// demoResponses over demoDays: enough for breakdowns to show groups above
// the disclosure threshold, as a real consultation would.
const (
	demoResponses = 600
	demoDays      = 21
)

// demoUser returns the demo user with email, adding them with a random
// password that nobody knows (an admin can add a real user at any time).
func (svc *Service) demoUser(ctx context.Context, email, name string, role Role, org string) (*User, error) {
	if u, err := svc.Store.UserByEmail(ctx, email); err == nil {
		return u, nil
	}
	token, _, err := NewToken()
	if err != nil {
		return nil, err
	}
	return svc.AddUser(ctx, &NewUser{Email: email, Name: name, Role: role, Organisation: org, Password: token})
}

var demoComments = []struct{ lang, text string }{
	{"en", "Being able to stay in my own home with help I can rely on. Carers keep changing and nobody tells me who is coming."},
	{"en", "Respite for my mum. I care for her most days and I am worn out."},
	{"en", "Information in plain English, and someone to talk to who knows what is available near me."},
	{"en", "The day centre is the only time my husband sees other people. Please don't close it."},
	{"en", "Direct payments give me control, but the paperwork is a nightmare."},
	{"en", "Staff who understand Deaf people. I need a BSL interpreter at every assessment, not just sometimes."},
	{"en", "Getting equipment fitted quickly after hospital. I waited eleven weeks for a rail."},
	{"en", "Being treated with dignity, and having the same carer so I don't have to explain everything again."},
	{"en", "Transport to appointments. The buses are hard with a wheelchair."},
	{"en", "Support for young carers too, not just adults."},
	{"en", "Care workers are paid too little, so they leave. Pay them properly."},
	{"en", "Someone to ring back when they say they will."},
	{"ur", "میری والدہ کے لیے ایسی دیکھ بھال جو ہماری زبان بولے اور ہماری ثقافت کو سمجھے۔"},
	{"ur", "مجھے معلوم نہیں تھا کہ کیا مدد ملتی ہے۔ معلومات اردو میں ہونی چاہئیں۔"},
	{"ur", "گھر پر مدد وقت پر آئے، اور ہر بار ایک ہی شخص آئے۔"},
	{"en", "Halal meals at the day centre and a prayer space would make a big difference."},
	{"en", "Less waiting for an assessment. Six months is too long when you are struggling."},
	{"en", "Mental health support for carers. Nobody asks how I am."},
}

var demoChanges = []string{
	"Shorter waits for assessments", "The same carer every visit", "Information in more languages",
	"More respite for carers", "Keep day centres open", "Better pay for care workers", "BSL at every appointment",
}

// demoSubmission makes one plausible response, drawn from rng.
// outreach adds Bangladeshi residents reached by a community group.
func demoSubmission(rng *rand.Rand, partner *User, outreach bool) *Submission {
	pick := func(opts ...string) string { return opts[rng.IntN(len(opts))] }
	comment := demoComments[rng.IntN(len(demoComments))]
	sub := &Submission{Language: comment.lang, Channel: ChannelWeb, Answers: map[string][]string{
		"matters":    {comment.text},
		"info_ease":  {pick("very_easy", "fairly_easy", "fairly_hard", "fairly_hard", "very_hard", "not_tried")},
		"one_change": {pick(demoChanges...)},
	}}
	services := []string{}
	for _, s := range []string{"home_care", "day_centre", "direct_payments", "carers_support", "residential_care", "reablement", "equipment"} {
		if rng.IntN(4) == 0 {
			services = append(services, s)
		}
	}
	if len(services) > 0 {
		sub.Answers["services"] = services
		rating := 1 + rng.IntN(5)
		sub.Answers["rating"] = []string{string(rune('0' + rating))}
		if rating <= 2 {
			sub.Answers["why_low"] = []string{pick("Nobody turned up on time.", "I had to wait months.", "They did not speak my language.")}
		}
	}
	if rng.IntN(3) == 0 {
		sub.Answers["info_source"] = []string{pick("council_website", "gp", "community_group", "family_friends", "other")}
		if sub.Answers["info_source"][0] == "other" {
			sub.Answers["info_source_other"] = []string{"Mosque notice board"}
		}
	}
	if rng.IntN(3) == 0 {
		sub.Answers["unpaid_carer"] = []string{"yes"}
		sub.Answers["carer_hours"] = []string{pick("5", "20", "35", "60")}
	} else {
		sub.Answers["unpaid_carer"] = []string{"no"}
	}
	switch rng.IntN(6) {
	case 0:
		sub.Channel = ChannelSMS
	case 1:
		sub.Channel = ChannelAssisted
		sub.EnteredFor = partner
		sub.Mediation = Mediation{EnteredBy: EnteredByCommunityGroup, Mode: pick("face_to_face", "group_session", "paper"), ConsentConfirmed: true}
		if rng.IntN(2) == 0 {
			sub.Mediation.InterpreterLanguage, sub.Mediation.Interpreter, sub.Mediation.Mode = "bsl", "Demo BSL interpreting service", "bsl_video_relay"
		}
	}
	if rng.IntN(5) > 0 { // most people answer some equality questions
		eq := map[string]string{
			"age_band": pick("25_34", "35_49", "50_64", "65_74", "75_84", "85_plus", PreferNotToSay),
			// Roughly Birmingham's adults, with too few Bangladeshi, Chinese
			// and White other residents, as consultations often reach.
			"ethnic_group": pick("white_british", "white_british", "white_british", "white_british", "white_british", "white_british",
				"white_british", "white_british", "white_british", "asian_pakistani", "asian_pakistani", "asian_pakistani", "asian_pakistani",
				"asian_indian", "asian_indian", "asian_bangladeshi", "black_caribbean", "black_african", "black_african",
				"mixed_white_black_caribbean", "white_irish", "other_arab", PreferNotToSay),
			"sex": pick("female", "female", "male", PreferNotToSay),
		}
		if rng.IntN(2) == 0 {
			eq["disability_condition"] = pick("yes", "no")
			if eq["disability_condition"] == "yes" {
				eq["disability_impact"] = pick("a_lot", "a_little", "not_at_all")
			}
		}
		sub.Equality = eq
	}
	if outreach && rng.IntN(10) == 0 {
		sub.Channel, sub.EnteredFor = ChannelAssisted, partner
		sub.Mediation = Mediation{EnteredBy: EnteredByCommunityGroup, Mode: "group_session", ConsentConfirmed: true}
		sub.Language, sub.Answers["matters"] = "ur", []string{demoComments[12+rng.IntN(3)].text}
		sub.Equality = map[string]string{"ethnic_group": "asian_bangladeshi", "age_band": pick("35_49", "50_64", "65_74"), "sex": pick("female", "male")}
	}
	return sub
}
