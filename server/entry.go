package server

import (
	"maps"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/surveys"
)

// "Enter a response for someone": community group members, interpreters and
// officers type in a person's answers on one page, keyboard-fast, with the
// mediation record and, for free text, the person's own words beside the
// translation. It submits through the same checks as every channel.

// entryModes are the ways a response can be given with help, in the order
// offered.
var entryModes = []string{"face_to_face", "phone", "video", "bsl_video_relay", "paper", "group_session"}

type entryQuestion struct {
	Field    *field
	Original *field // the person's own words, for free text
	Language *field // the language of those words
}

type entrySelect struct {
	ID, Label, Error string
	Groups           []entryGroup
	WriteIn          *field // the person's own words, for answers that ask for them
}

// entryCorrection is set when the form corrects a stored response.
type entryCorrection struct {
	Reference, Reason string
}

type entryGroup struct {
	Label   string // "" for options outside any group
	Options []option
}

type entryData struct {
	Survey                           string
	Questions                        []entryQuestion
	Equality                         []entrySelect
	Mode                             *field
	InterpLang, Interpreter, Consent *field
	Correction                       *entryCorrection
	Reason                           *field
}

// entrySurvey loads the survey of an entry page. When it is not open it
// writes a page saying so and returns a nil survey.
func (s *Server) entrySurvey(c *fiber.Ctx) (*surveys.Survey, error) {
	sv, err := s.store.Survey(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if err := sv.CheckOpen(s.svc.Clock()); err != nil {
		lang := c.Locals(langKey).(string)
		return nil, s.message(c, fiber.StatusConflict, lang, "page.not_open.title", []string{surveys.ErrorMessage(err)}, &linkData{Href: "/dashboard", Text: s.tr.T(lang, "entry.dashboard")})
	}
	return sv, nil
}

func (s *Server) entryPage(c *fiber.Ctx) error {
	sv, err := s.entrySurvey(c)
	if sv == nil {
		return err
	}
	return s.renderEntry(c, fiber.StatusOK, sv, &surveys.Submission{Answers: map[string][]string{}, Equality: map[string]string{}}, nil, nil)
}

// renderEntry shows the form with sub's values and the problems in fields
// (as CheckSubmission names them).
func (s *Server) renderEntry(c *fiber.Ctx, status int, sv *surveys.Survey, sub *surveys.Submission, fields map[string]string, corr *entryCorrection) error {
	lang := c.Locals(langKey).(string)
	T := func(k string, args ...any) string { return s.tr.T(lang, k, args...) }
	d := &surveys.Draft{Answers: sub.Answers, Equality: sub.Equality}
	data := entryData{Survey: sv.Title.In(lang, sv.DefaultLanguage()), Correction: corr}
	p := &page{Lang: lang, Title: T("entry.title", data.Survey)}
	if corr != nil {
		p.Title = T("correct.title", corr.Reference)
		p.Back = "/dashboard" + base(sv) + "/r/" + url.PathEscape(corr.Reference)
	}
	// The summary names the question: on a long page, "select one" alone
	// does not say where.
	addError := func(id, label, msg string) {
		if msg != "" {
			p.Errors = append(p.Errors, summaryError{Href: "#" + id, Text: label + ": " + msg})
		}
	}
	for i := range sv.Questions {
		q := &sv.Questions[i]
		f := s.questionField(sv, q, sv.DefaultLanguage(), d)
		f.Error = fields[q.Key]
		addError(f.ID, f.Label, f.Error)
		if f.WriteIn != nil {
			f.WriteIn.Error = fields[surveys.OtherKey(q.Key)]
			addError(f.WriteIn.ID, f.WriteIn.Label, f.WriteIn.Error)
		}
		eq := entryQuestion{Field: f}
		if q.Type == surveys.TypeText || q.Type == surveys.TypeLongText {
			o := sub.Originals[q.Key]
			eq.Original = &field{ID: q.Key + surveys.OriginalSuffix, Name: q.Key + surveys.OriginalSuffix, Kind: "textarea",
				Label: T("entry.original"), Hint: T("entry.original_hint"), Value: o.Text, Error: fields["originals."+q.Key+".text"] + fields["originals."+q.Key]}
			eq.Language = &field{ID: q.Key + surveys.OriginalLanguageSuffix, Name: q.Key + surveys.OriginalLanguageSuffix, Kind: "text",
				Label: T("entry.original_language"), Hint: T("entry.original_language_hint"), Value: o.Language, Error: fields["originals."+q.Key+".language"]}
			addError(eq.Original.ID, f.Label+" – "+eq.Original.Label, eq.Original.Error)
			addError(eq.Language.ID, f.Label+" – "+eq.Language.Label, eq.Language.Error)
		}
		data.Questions = append(data.Questions, eq)
	}
	// A correction by a community group member or interpreter does not show
	// the person's equality answers (see responseDetail).
	if sv.EqualityMonitoring && (corr == nil || currentUser(c).Role.IsOfficer()) {
		for _, q := range surveys.EqualityQuestions {
			sel := entrySelect{ID: "equality_" + q.Key, Label: T("equality." + q.Key + ".question"), Error: fields["equality."+q.Key]}
			addError(sel.ID, sel.Label, sel.Error)
			none := entryGroup{Options: []option{{Value: "", Label: T("entry.not_answered")}, {Value: surveys.PreferNotToSay, Label: T("equality.prefer_not_to_say"), Checked: sub.Equality[q.Key] == surveys.PreferNotToSay}}}
			sel.Groups = append(sel.Groups, none)
			for _, o := range q.Options {
				label := T("equality." + q.Key + ".option." + o.ID)
				if q.Key == "ethnic_group" && (len(sel.Groups) == 1 || sel.Groups[len(sel.Groups)-1].Label != T("equality.ethnic_group.group."+o.Group)) {
					sel.Groups = append(sel.Groups, entryGroup{Label: T("equality.ethnic_group.group." + o.Group)})
				} else if q.Key != "ethnic_group" && len(sel.Groups) == 1 {
					sel.Groups = append(sel.Groups, entryGroup{})
				}
				g := &sel.Groups[len(sel.Groups)-1]
				g.Options = append(g.Options, option{Value: o.ID, Label: label, Checked: sub.Equality[q.Key] == o.ID})
			}
			if q.HasWriteIn() {
				other := surveys.OtherKey(q.Key)
				sel.WriteIn = &field{ID: "equality_" + other, Name: "equality_" + other, Kind: "text",
					Label: T("entry.equality_write_in", sel.Label), Value: sub.Equality[other], Error: fields["equality."+other]}
				addError(sel.WriteIn.ID, sel.WriteIn.Label, sel.WriteIn.Error)
			}
			data.Equality = append(data.Equality, sel)
		}
	}
	m := sub.Mediation
	data.Mode = &field{ID: "mode", Name: "mode", Kind: "radio", Fieldset: true, Label: T("entry.mode"), Error: fields["mediation.mode"]}
	for i, mode := range entryModes {
		id := "mode"
		if i > 0 {
			id = "mode-" + mode
		}
		data.Mode.Options = append(data.Mode.Options, option{ID: id, Value: mode, Label: T("entry.mode." + mode), Checked: m.Mode == mode})
	}
	data.InterpLang = &field{ID: "interpreter_language", Name: "interpreter_language", Kind: "text", Label: T("entry.interpreter_language"),
		Hint: T("entry.interpreter_language_hint"), Value: m.InterpreterLanguage, Error: fields["mediation.interpreter_language"]}
	data.Interpreter = &field{ID: "interpreter", Name: "interpreter", Kind: "text", Label: T("entry.interpreter"),
		Hint: T("entry.interpreter_hint"), Value: m.Interpreter, Error: fields["mediation.interpreter"]}
	data.Consent = &field{ID: "consent_confirmed", Name: "consent_confirmed", Kind: "checkbox", Label: T("entry.consent"),
		Error: fields["mediation.consent_confirmed"], Options: []option{{ID: "consent_confirmed", Value: "yes", Label: T("entry.consent"), Checked: m.ConsentConfirmed}}}
	if corr != nil {
		// How the response was given is not corrected; why it is corrected is asked.
		data.Reason = &field{ID: "reason", Name: "reason", Kind: "textarea", Label: T("correct.reason"), Hint: T("correct.reason_hint"),
			Value: corr.Reason, Error: fields["reason"]}
		addError(data.Reason.ID, data.Reason.Label, data.Reason.Error)
	} else {
		for _, f := range []*field{data.Mode, data.InterpLang, data.Interpreter, data.Consent} {
			addError(f.ID, f.Label, f.Error)
		}
	}
	if len(p.Errors) == 0 && len(fields) > 0 {
		// A problem with no field of its own on this page (e.g. language).
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			p.Errors = append(p.Errors, summaryError{Href: "#main", Text: k + ": " + fields[k]})
		}
	}
	p.Data = data
	return s.render(c, status, "entry", p)
}

// enterResponse stores a response entered for someone, or shows the form
// again with each problem by its field.
func (s *Server) enterResponse(c *fiber.Ctx) error {
	sv, err := s.entrySurvey(c)
	if sv == nil {
		return err
	}
	u := currentUser(c)
	sub := entrySubmission(c, sv)
	sub.Channel, sub.EnteredFor = surveys.ChannelAssisted, u
	sub.Mediation = surveys.Mediation{EnteredBy: u.Role.EntersAs(), Mode: c.FormValue("mode"),
		InterpreterLanguage: c.FormValue("interpreter_language"), Interpreter: c.FormValue("interpreter"),
		ConsentConfirmed: c.FormValue("consent_confirmed") == "yes"}
	r, err := s.svc.Submit(c.UserContext(), sv.Slug, sub)
	if surveys.ErrorCode(err) == surveys.EINVALID {
		return s.renderEntry(c, fiber.StatusUnprocessableEntity, sv, sub, surveys.ErrorFields(err), nil)
	}
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	return s.render(c, fiber.StatusOK, "entered", &page{Lang: lang, Title: s.tr.T(lang, "entry.saved"),
		Data: struct{ Reference, Again string }{r.Reference, c.Path()}})
}

// entrySubmission reads the answers, original words and equality answers
// of the entry form (for a new response or a correction).
func entrySubmission(c *fiber.Ctx, sv *surveys.Survey) *surveys.Submission {
	sub := &surveys.Submission{Answers: map[string][]string{}, Equality: map[string]string{}, Originals: map[string]surveys.Original{}}
	args := c.Request().PostArgs()
	for i := range sv.Questions {
		q := &sv.Questions[i]
		for _, key := range []string{q.Key, surveys.OtherKey(q.Key)} {
			for _, v := range args.PeekMulti(key) {
				if len(v) > 0 {
					sub.Answers[key] = append(sub.Answers[key], string(v))
				}
			}
		}
		if text := c.FormValue(q.Key + surveys.OriginalSuffix); text != "" || c.FormValue(q.Key+surveys.OriginalLanguageSuffix) != "" {
			sub.Originals[q.Key] = surveys.Original{Text: text, Language: c.FormValue(q.Key + surveys.OriginalLanguageSuffix)}
		}
	}
	if sv.EqualityMonitoring {
		for _, q := range surveys.EqualityQuestions {
			for _, key := range []string{q.Key, surveys.OtherKey(q.Key)} {
				if v := c.FormValue("equality_" + key); v != "" {
					sub.Equality[key] = v
				}
			}
		}
	}
	return sub
}
