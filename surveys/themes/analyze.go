// Package themes turns free-text answers into themes: the words of an
// answer (this file), phrase rules from a codebook, a statistical model
// learned from answers people have tagged, discovery of themes nobody wrote
// down, agreement between coders, and redaction of personal details in
// quotes. It is pure Go, runs on a CPU with no network, and knows nothing of
// HTTP or SQL.
package themes

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Words splits text into lower-case words: runs of letters, combining marks
// and digits in any script, with apostrophes inside a word dropped
// ("don't" is "dont"), so Urdu, Punjabi or Polish words pass through whole.
func Words(text string) []string {
	var (
		out  []string
		word strings.Builder
	)
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			word.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && word.Len() > 0 && i+utf8.RuneLen(r) < len(text) && isWordRune(text[i+utf8.RuneLen(r):]):
			// inside a word: skip it
		case r == '\u200c' || r == '\u200d':
			// zero-width (non-)joiners shape Persian and Urdu words; keep
			// the word whole and drop them, so spellings compare equal.
		default:
			flush()
		}
	}
	flush()
	return out
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// stems caches Stem: answers repeat the same few thousand words, and the
// Snowball stemmer costs about a microsecond a word.
var stems sync.Map

// Stem reduces an English word to its Snowball stem ("waiting", "waited"
// and "waits" are all "wait"). Words with letters outside a–z (other
// scripts, accented words) are returned unchanged: the English stemmer
// would only damage them.
func Stem(word string) string {
	for i := 0; i < len(word); i++ {
		if c := word[i]; c < 'a' || c > 'z' {
			return word
		}
	}
	if s, ok := stems.Load(word); ok {
		return s.(string)
	}
	s := english.Stem(word, true)
	stems.Store(word, s)
	return s
}

// Analyze returns the stemmed words of text, in order.
func Analyze(text string) []string {
	words := Words(text)
	for i, w := range words {
		words[i] = Stem(w)
	}
	return words
}

// stopWords are English words that say nothing about a theme on their own.
// "not", "no" and "never" are kept: "not listened to" is not "listened to".
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again all am an and any are as at be because been before
		being below between both but by can could did do does doing down during each few for from further had has
		have having he her here hers herself him himself his how i if in into is it its itself just me more most my
		myself of off on once only or other our ours ourselves out over own same she should so some such than that
		the their theirs them themselves then there these they this those through to too under until up very was we
		were what when where which while who whom why will with would you your yours yourself yourselves also`) {
		m[Stem(w)] = true
		m[w] = true
	}
	return m
}()

// IsStopWord reports whether a word or stem is an English stop word.
func IsStopWord(w string) bool { return stopWords[w] }
