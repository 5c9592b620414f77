package channels

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/voices-uk/voices/surveys"
)

// A text message answer is read forgivingly: people reply "2", "2.",
// "care at home please", "1 and 3", "Yes!", "ہاں" or "۴" (an Urdu keyboard's
// 4). ParseSMSAnswer turns it into the values a web form would send; the
// question's own checks (CheckAnswer) then apply as for every channel.

// yesNoWords are the replies understood as yes and no, by language. Every
// survey also understands English, and 1 and 2 as numbered in the prompt.
var yesNoWords = map[string][2][]string{
	"en": {{"yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "true"}, {"no", "n", "nope", "nah", "false"}},
	"ur": {{"ہاں", "ہان", "جی", "جی ہاں", "ہاں جی", "haan", "han", "haa", "ji", "jee"}, {"نہیں", "نہ", "nahi", "nahin", "nai", "na"}},
	"pa": {{"ਹਾਂ", "ਹਾਂਜੀ", "haan", "ji"}, {"ਨਹੀਂ", "nahi", "na"}},
	"bn": {{"হ্যাঁ", "হা", "ha", "hya"}, {"না", "na"}},
	"ar": {{"نعم", "ايوه", "aywa", "naam"}, {"لا", "la"}},
	"pl": {{"tak"}, {"nie"}},
	"ro": {{"da"}, {"nu"}},
	"so": {{"haa", "haye"}, {"maya", "maya"}},
	"cy": {{"ie", "do", "oes"}, {"na", "naddo"}},
}

var (
	// A number with thousands separators ("1,000,000"), or one with a
	// decimal point or comma ("3.5", "3,5").
	numberPattern   = regexp.MustCompile(`-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:[.,]\d+)?`)
	thousandsFormat = regexp.MustCompile(`^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$`)
	integerPattern  = regexp.MustCompile(`\d+`)
)

// normaliseDigits turns any Unicode decimal digit (Arabic-Indic, Extended
// Arabic-Indic as on Urdu keyboards, Devanagari, Bengali, ...) into 0-9.
func normaliseDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if unicode.IsDigit(r) {
			for base := r; base > r-10; base-- {
				if !unicode.IsDigit(base - 1) {
					return '0' + (r - base)
				}
			}
		}
		return r
	}, s)
}

// words lower-cases s, turns punctuation into spaces and folds white space,
// so "Care-at-home, please!" reads as "care at home please".
func words(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) || r == '_' {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// containsWords reports whether phrase stands in text as whole words.
func containsWords(text, phrase string) bool {
	if phrase == "" {
		return false
	}
	return strings.Contains(" "+text+" ", " "+phrase+" ")
}

// SMSOptions are a choice question's options in the order they are numbered
// in a text message: the survey's options, then Other.
func SMSOptions(q *surveys.Question) []string {
	values := make([]string, 0, len(q.Options)+1)
	for _, o := range q.Options {
		values = append(values, o.Value)
	}
	if q.Other {
		values = append(values, surveys.OtherValue)
	}
	return values
}

// ParseSMSAnswer reads text as an answer to q from someone writing in lang
// (def is the survey's default language). It returns the values to check,
// or false when the reply cannot be understood, so the question can be
// asked again saying what is expected.
func ParseSMSAnswer(q *surveys.Question, lang, def, text string) ([]string, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, false
	}
	plain := words(normaliseDigits(text))
	switch q.Type {
	case surveys.TypeText, surveys.TypeLongText:
		return []string{text}, true
	case surveys.TypeYesNo:
		return parseYesNo(plain, lang)
	case surveys.TypeScale:
		n := integerPattern.FindAllString(plain, -1)
		if len(n) != 1 {
			return nil, false
		}
		return n, true
	case surveys.TypeNumber:
		n := numberPattern.FindAllString(normaliseDigits(text), -1)
		if len(n) != 1 {
			return nil, false
		}
		if thousandsFormat.MatchString(n[0]) {
			// "1,000" is a thousand, as the web form and the API read it.
			return []string{strings.ReplaceAll(n[0], ",", "")}, true
		}
		return []string{strings.Replace(n[0], ",", ".", 1)}, true
	case surveys.TypeSingleChoice, surveys.TypeMultipleChoice:
		return parseChoice(q, lang, def, plain)
	}
	return nil, false
}

func parseYesNo(plain, lang string) ([]string, bool) {
	for _, l := range []string{lang, "en"} {
		words := yesNoWords[l]
		for i, answer := range []string{"yes", "no"} {
			for _, w := range words[i] {
				if plain == w || strings.HasPrefix(plain, w+" ") {
					return []string{answer}, true
				}
			}
		}
	}
	switch plain {
	case "1":
		return []string{"yes"}, true
	case "2":
		return []string{"no"}, true
	}
	return nil, false
}

// parseChoice reads option numbers ("2", "1 3", "1,3", "1 and 3") or the
// words of one option's label or value ("care at home please").
func parseChoice(q *surveys.Question, lang, def, plain string) ([]string, bool) {
	options := SMSOptions(q)
	if nums, ok := optionNumbers(plain); ok {
		var values []string
		for _, i := range nums {
			if i < 1 || i > len(options) {
				return nil, false
			}
			values = append(values, options[i-1])
		}
		if q.Type == surveys.TypeSingleChoice && len(values) != 1 {
			return nil, false
		}
		return values, true
	}
	// Words: the option whose label (or value) appears in the reply; if
	// several do, the longest, as the most specific.
	best, bestLen, tie := "", 0, false
	for _, o := range q.Options {
		for _, phrase := range []string{words(o.Label.In(lang, def)), words(o.Label[def]), words(o.Value)} {
			if containsWords(plain, phrase) {
				switch n := len(phrase); {
				case n > bestLen:
					best, bestLen, tie = o.Value, n, false
				case n == bestLen && best != o.Value:
					tie = true
				}
			}
		}
	}
	if best == "" || tie {
		return nil, false
	}
	return []string{best}, true
}

// connectors may stand between option numbers: "1 and 3", "1 aur 3".
var connectors = map[string]bool{"and": true, "or": true, "also": true, "و": true, "اور": true, "aur": true, "i": true, "oraz": true, "și": true, "iyo": true, "a": true}

// optionNumbers reads a reply made only of numbers and connectors.
func optionNumbers(plain string) ([]int, bool) {
	var nums []int
	for _, w := range strings.Fields(plain) {
		if connectors[w] {
			continue
		}
		n := 0
		for _, d := range w {
			if d < '0' || d > '9' || n > 1000 {
				return nil, false
			}
			n = n*10 + int(d-'0')
		}
		nums = append(nums, n)
	}
	return nums, len(nums) > 0
}
