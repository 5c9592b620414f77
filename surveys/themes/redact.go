package themes

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redact replaces personal details in a quote with bracketed placeholders,
// so that a themed summary can quote residents without naming them:
//
//   - email addresses → [email]
//   - phone numbers → [phone]: UK numbers (0 then 10 or 11 digits in all,
//     in groups split by spaces, dashes, dots or brackets, e.g.
//     07700 900123, (0121) 496-0000, 0800 11 11 11) and international ones
//     (+ or 00, then 8–15 digits, e.g. +44 (0)7700 900123, +92 300 1234567)
//   - NHS numbers → [NHS number]: 10 digits not starting with 0, written
//     as one block or 3-3-4
//   - full UK postcodes → [postcode] ("B15 2TT", "b152tt"; never part of a
//     word, never an outward code alone)
//   - street addresses → [address]: a house number, one to three
//     capitalised words and a street word ("12 Acacia Avenue")
//   - names → [name], where a cue gives them away: a capitalised word
//     (and a second one, for a surname) after "my name is", "I am", "I'm
//     called", "called", "named", or a title such as Mr, Mrs, Ms, Dr,
//     Nurse or Doctor. The cue stays ("Dr [name]").
//
// Ordinary numbers stay ("2 hours", "£5", "2027", "ward 12", "24/7",
// "999"), and text in other scripts passes through unchanged. Phone numbers
// in Arabic-Indic, Devanagari, Gurmukhi or Bengali digits are found too.
// Names without a cue ("Sarah on reception was lovely") and names written
// in lower case are not found: it cannot be done from the text alone
// without also removing ordinary words.
func Redact(text string) string {
	text = emailPattern.ReplaceAllString(text, "[email]")
	text = redactNumbers(text)
	text = redactPostcodes(text)
	text = redactAddresses(text)
	return redactNames(text)
}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// digitGroup is a run of digits in a possible phone or NHS number.
type digitGroup struct {
	digits    string // as ASCII digits
	end       int    // byte offset just after the run
	bracketed bool   // written "(0)", the trunk 0 after an international code
}

// redactNumbers finds runs of digit groups that start at a word boundary
// with a digit, "+" or "(", and replaces the longest leading groups that
// make a phone or NHS number.
func redactNumbers(text string) string {
	var b strings.Builder
	last := 0 // text[last:] is not yet copied
	prev := rune(-1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if startsNumber(text, i, r, prev) {
			if end, placeholder := matchNumber(text, i); end > i {
				b.WriteString(text[last:i])
				b.WriteString(placeholder)
				last, i = end, end
				prev = ']'
				continue
			}
		}
		prev = r
		i += size
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// startsNumber reports whether a phone or NHS number could start at i: a
// digit, or "+" or "(" before one, not inside a word or another number and
// not after a currency sign.
func startsNumber(text string, i int, r, prev rune) bool {
	if prev >= 0 && (unicode.IsLetter(prev) || digitValue(prev) >= 0 || strings.ContainsRune("£$€_+", prev)) {
		return false
	}
	if digitValue(r) >= 0 {
		return true
	}
	if r == '+' || r == '(' {
		next, _ := utf8.DecodeRuneInString(text[i+1:])
		return digitValue(next) >= 0
	}
	return false
}

// matchNumber reads digit groups from start and returns the end of the
// longest leading run of them that is a phone or NHS number, with its
// placeholder; end is start if there is none.
func matchNumber(text string, start int) (end int, placeholder string) {
	plus := text[start] == '+'
	i := start
	if plus || text[i] == '(' {
		i++
	}
	var groups []digitGroup
	for {
		bracketed := i > 0 && text[i-1] == '('
		var digits strings.Builder
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			d := digitValue(r)
			if d < 0 {
				break
			}
			digits.WriteByte(byte('0' + d))
			i += size
		}
		g := digitGroup{digits: digits.String(), end: i}
		g.bracketed = bracketed && i < len(text) && text[i] == ')' && g.digits == "0" && plus
		groups = append(groups, g)
		// Between groups: an optional ")", a space, a dash or dot
		// (perhaps with spaces round it), an optional "(".
		j := i
		if j < len(text) && text[j] == ')' {
			j++
		}
		if j < len(text) && text[j] == ' ' {
			j++
		}
		if j < len(text) && (text[j] == '-' || text[j] == '.') {
			j++
			if j < len(text) && text[j] == ' ' {
				j++
			}
		} else if strings.HasPrefix(text[j:], "–") {
			j += len("–")
			if j < len(text) && text[j] == ' ' {
				j++
			}
		}
		if j < len(text) && text[j] == '(' {
			j++
		}
		next, _ := utf8.DecodeRuneInString(text[j:])
		if j == i || j >= len(text) || digitValue(next) < 0 {
			break
		}
		i = j
	}
	for p := len(groups); p > 0; p-- {
		end := groups[p-1].end
		if p == len(groups) {
			if after, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsLetter(after) {
				continue // "0121am", not a number on its own
			}
		}
		if kind := numberKind(groups[:p], plus); kind != "" {
			if end < len(text) && text[end] == ')' && strings.Count(text[start:end], "(") > strings.Count(text[start:end], ")") {
				end++ // "(0121) 496 0000" keeps its bracket inside
			}
			return end, kind
		}
	}
	return start, ""
}

// numberKind says what digit groups make: "[phone]", "[NHS number]" or
// nothing ("").
func numberKind(groups []digitGroup, plus bool) string {
	var all strings.Builder
	for _, g := range groups {
		if !g.bracketed {
			all.WriteString(g.digits)
		}
	}
	digits := all.String()
	n := len(digits)
	switch {
	case plus:
		if n >= 8 && n <= 15 {
			return "[phone]"
		}
	case strings.HasPrefix(digits, "00"):
		if n >= 10 && n <= 15 {
			return "[phone]"
		}
	case strings.HasPrefix(digits, "0"):
		// UK numbers have 10 or 11 digits; the first group is an area
		// or mobile code of 3–6, so "0 10 20 30 40 50" is not one.
		if (n == 10 || n == 11) && (len(groups) == 1 || len(groups[0].digits) >= 3) {
			return "[phone]"
		}
	case n == 10:
		lens := []int{}
		for _, g := range groups {
			lens = append(lens, len(g.digits))
		}
		if len(groups) == 1 || (len(groups) == 3 && lens[0] == 3 && lens[1] == 3 && lens[2] == 4) {
			return "[NHS number]"
		}
	}
	return ""
}

// digitValue is the value of a decimal digit in the scripts residents
// write numbers in here (ASCII, Arabic-Indic and the Urdu/Persian forms,
// Devanagari, Bengali, Gurmukhi), or -1.
func digitValue(r rune) int {
	for _, zero := range []rune{'0', '\u0660', '\u06F0', '\u0966', '\u09E6', '\u0A66'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero)
		}
	}
	return -1
}

// postcodePattern is a full UK postcode: an outward code (area letters, a
// district number, perhaps a letter) and an inward code (a digit and two
// letters, never C, I, K, M, O or V — which keeps "3pm" and "2am" out).
var postcodePattern = regexp.MustCompile(`(?i)\b([A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPS-UW]?) ?([0-9][ABD-HJLNP-UW-Z]{2})\b`)

// ordinalPattern is "2nd", "1st", "3rd", "4th": after a code like "B2",
// "2nd" in lower case is an ordinal ("ward B2 2nd floor"), not a postcode.
var ordinalPattern = regexp.MustCompile(`^(?:1st|2nd|3rd|[04-9]th)$`)

func redactPostcodes(text string) string {
	return postcodePattern.ReplaceAllStringFunc(text, func(m string) string {
		sub := postcodePattern.FindStringSubmatch(m)
		if ordinalPattern.MatchString(sub[2]) {
			return m
		}
		return "[postcode]"
	})
}

// addressPattern is a house number (perhaps with a letter, "12a"), one to
// three capitalised words and a street word, capitalised too.
var addressPattern = regexp.MustCompile(`\b[0-9]{1,4}[A-Za-z]?,? ((?:\p{Lu}[\p{Ll}'’]+ ){1,3})(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Grove|Gardens|Terrace|Hill|Square|Walk|Rise|Mews|Row|Parade|Green|Park)\b\.?`)

// notStreetNames are words that look like a street's name after a number
// but say how much or how long: "15 Minutes Walk", "2 Miles Down The Road".
var notStreetNames = wordSet(`minutes mins hours hrs days weeks months years miles times people patients
	staff visits calls beds nurses doctors`)

func redactAddresses(text string) string {
	return addressPattern.ReplaceAllStringFunc(text, func(m string) string {
		name := addressPattern.FindStringSubmatch(m)[1]
		for _, w := range strings.Fields(name) {
			if lw := strings.ToLower(w); notStreetNames[lw] || IsStopWord(lw) {
				return m
			}
		}
		return "[address]"
	})
}

// nameCue is a phrase after which a capitalised word is a person's name,
// then the name: one capitalised word, perhaps a second (a surname). A
// name word starts with a capital and ends with a small letter, so
// acronyms ("NHS") are not names.
var nameCue = regexp.MustCompile(`\b(?:(?:[Mm]y name is|[Mm]y name's|[Nn]ame is|I am|I'm called|I’m called|[Cc]alled|[Nn]amed|[Kk]nown as)|(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof)\.?|(?:[Dd]octor|[Nn]urse|[Ss]ister|[Mm]atron|[Mm]idwife|[Pp]aramedic|[Cc]ounsellor))[ \t]+(\p{Lu}[\p{L}'’\-]*\p{Ll})(?:[ \t]+(\p{Lu}[\p{L}'’\-]*\p{Ll}))?`)

// notNames are capitalised words that follow a cue but are not names: "I
// am British", "I called Monday", "the Nurse Practitioner", "Dr Foster's
// Hospital".
var notNames = wordSet(`
	monday tuesday wednesday thursday friday saturday sunday january february march july september october
	november december christmas easter eid ramadan diwali vaisakhi hanukkah
	british english scottish welsh irish pakistani indian bangladeshi kashmiri punjabi chinese polish
	romanian somali afghan iranian kurdish syrian eritrean sudanese nigerian ghanaian jamaican caribbean
	african asian european arab black white mixed muslim christian hindu sikh jewish catholic buddhist
	gypsy traveller roma deaf blind autistic disabled
	not very so happy unhappy sure glad grateful thankful pleased satisfied disappointed sorry afraid
	worried concerned aware lucky still now also just really always never here only able unable
	retired elderly old young housebound registered partially writing waiting going trying feeling
	carer mum dad mother father husband wife son daughter patient user resident
	ambulance hospital police team service services ward practice surgery centre center council
	practitioner manager consultant specialist assistant support worker nurse doctor covid
	please thanks thank hello hi
	mr mrs ms mx miss dr prof doctor sister matron midwife paramedic counsellor`)

func redactNames(text string) string {
	var b strings.Builder
	last, pos := 0, 0 // text[last:] is not yet copied; search from pos
	for pos < len(text) {
		m := nameCue.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		cue := strings.TrimRight(text[m[0]:m[2]], " \t")
		// After the weaker cues, "Having" in "Miss Having visitors" is a
		// verb; after a title, "Fleming" is a surname.
		weak := cue == "I am" || cue == "Miss" || strings.EqualFold(cue, "called")
		if !isName(text, m[3], text[m[2]:m[3]], weak) {
			pos = m[2] // the word may itself be a cue: "called Dr Patel"
			continue
		}
		end := m[3]
		if m[4] >= 0 && isName(text, m[5], text[m[4]:m[5]], weak) {
			end = m[5]
		}
		b.WriteString(text[last:m[2]])
		b.WriteString("[name]")
		last, pos = end, end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// isName reports whether word, ending at end in text, can be a name: whole
// (no letter straight after it), not a stop word, not a word that only
// looks like a name after a cue, and after a weak cue not an -ing word.
func isName(text string, end int, word string, weak bool) bool {
	if next, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsLetter(next) {
		return false
	}
	lw := strings.ToLower(word)
	if notNames[lw] || IsStopWord(lw) {
		return false
	}
	return !weak || !(len(lw) > 5 && strings.HasSuffix(lw, "ing"))
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
