package channels

import (
	"strings"

	"github.com/voices-uk/voices/surveys"
)

// Updates by text: the thanks at the end of a text survey offers to text
// the resident what happened (ThanksOffer); the offer waits, without the
// number, until they reply YES (the number is then kept, only for this) or
// NO, or it expires (surveys.UpdateOfferTTL). Reserved words (STOP, HELP,
// START) and keywords still win over YES and NO, and STOP deletes the offer.

// ThanksOffer is the last reply of a text survey when it offers updates:
// the thanks with the reference, and "reply YES to hear what happened".
func (e *SMSEngine) ThanksOffer(lang, reference string) string {
	return e.Tr.T(lang, "sms.thanks_updates", reference)
}

// notConsent are yes and no words that the yes/no questions accept but
// that do not answer the offer: "ok" and "sure" are what people send to
// any thanks ("ok thanks"), and numbers mean nothing here. Agreeing to be
// texted must be a clear yes.
var notConsent = map[string]bool{"ok": true, "okay": true, "sure": true, "true": true, "false": true}

// parseOfferReply reads text as YES or NO to the offer, in the offer's
// language or English (the words the yes/no questions know, less the
// unclear ones).
func parseOfferReply(text, lang string) (accept, ok bool) {
	plain := words(normaliseDigits(text))
	if plain == "" {
		return false, false
	}
	first := strings.Fields(plain)[0]
	if notConsent[first] || (first[0] >= '0' && first[0] <= '9') {
		return false, false
	}
	v, ok := parseYesNo(plain, lang)
	if !ok {
		return false, false
	}
	return v[0] == "yes", true
}

// answerOffer answers a YES or NO to the number's offer of updates; false
// when there is no offer or the text is neither.
func (e *SMSEngine) answerOffer(in SMSInput) (SMSOutput, bool) {
	o := in.UpdateOffer
	if o == nil || !o.Offered || (!o.ExpiresAt.IsZero() && !in.Now.Before(o.ExpiresAt)) {
		return SMSOutput{}, false
	}
	accept, ok := parseOfferReply(in.Text, o.Language)
	if !ok {
		return SMSOutput{}, false
	}
	lang := o.Language
	if lang == "" {
		lang = FallbackLanguage
	}
	out := SMSOutput{Updates: &surveys.UpdateOfferReply{ID: o.ID, Accept: accept}, Reply: e.Tr.T(lang, "sms.updates_no")}
	if accept {
		out.Reply = e.Tr.T(lang, "sms.updates_yes")
	}
	return out, true
}
