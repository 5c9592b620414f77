package channels

import (
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// UpdateMessages words the messages that tell people what happened to what
// they said (surveys.UpdateComposer), in their language, from the
// catalogue: a short text with the link, or an email listing the actions.
type UpdateMessages struct {
	Tr *Translator
	// Council names who is writing ("Birmingham City Council").
	Council string
}

func (m *UpdateMessages) council() string {
	if m.Council != "" {
		return m.Council
	}
	return "Voices"
}

// UpdateText is the text message: who, which consultation, the link, and
// how to stop. It names no action, to stay within one or two texts.
func (m *UpdateMessages) UpdateText(s *surveys.Survey, lang string, actions []surveys.Action, link string) string {
	return m.Tr.T(lang, "updates.sms", m.council(), s.Title.In(lang, s.DefaultLanguage()), link)
}

// UpdateEmail is the email: each action with its status (and the reason,
// when not taken forward), the link, and the unsubscribe link.
func (m *UpdateMessages) UpdateEmail(s *surveys.Survey, lang string, actions []surveys.Action, link, unsubscribe string) (string, string) {
	def := s.DefaultLanguage()
	title := s.Title.In(lang, def)
	var list strings.Builder
	for _, a := range actions {
		list.WriteString("- " + a.Title.In(lang, def) + " (" + m.Tr.T(lang, "results.status."+string(a.Status)) + ")\n")
		if a.Status == surveys.ActionNotTakenForward {
			list.WriteString("  " + a.Reason.In(lang, def) + "\n")
		}
	}
	return m.Tr.T(lang, "updates.email_subject", title),
		m.Tr.T(lang, "updates.email_body", m.council(), title, list.String(), link, unsubscribe)
}
