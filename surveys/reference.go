package surveys

import (
	"crypto/rand"
	"strings"
)

// referenceAlphabet has no characters that are easily confused when read
// aloud, written down or typed on a phone: no 0/O, 1/I/L, U/V, 5/S or 2/Z.
const referenceAlphabet = "346789ABCDEFGHJKMNPQRTWXY"

// NewReference returns a short human reference such as "K7P-3QX": six
// characters from referenceAlphabet (25^6, about 244 million), enough to find,
// export or erase a response. Storage keeps them unique; on the rare clash
// a new one is drawn.
func NewReference() string { return newCode(3, 3) }

// NormaliseReference turns what a person typed ("k7p 3qx", "K7P3QX") into
// the stored form ("K7P-3QX"), or returns "" if it cannot be a reference.
func NormaliseReference(s string) string { return normaliseCode(s, 3, 3) }

// newCode returns random characters from referenceAlphabet in groups of
// the given sizes, joined by hyphens.
func newCode(groups ...int) string {
	var out []byte
	for g, size := range groups {
		if g > 0 {
			out = append(out, '-')
		}
		for n := 0; n < size; {
			var b [1]byte
			if _, err := rand.Read(b[:]); err != nil {
				panic(err) // crypto/rand never fails on supported platforms
			}
			// Rejection keeps every character equally likely: 250 = 10 x 25.
			if b[0] < 250 {
				out = append(out, referenceAlphabet[int(b[0])%len(referenceAlphabet)])
				n++
			}
		}
	}
	return string(out)
}

// normaliseCode reads a code as a person may type it (any case, spaces or
// hyphens anywhere) and returns it in the stored form, or "" if it cannot
// be a code with these group sizes.
func normaliseCode(s string, groups ...int) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
		case strings.ContainsRune(referenceAlphabet, r):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	plain, total := b.String(), 0
	for _, size := range groups {
		total += size
	}
	if len(plain) != total {
		return ""
	}
	var out []string
	for _, size := range groups {
		out = append(out, plain[:size])
		plain = plain[size:]
	}
	return strings.Join(out, "-")
}
