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
func NewReference() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := make([]byte, 0, 7)
	for i, x := range b {
		if i == 3 {
			out = append(out, '-')
		}
		// 256 % 25 = 6: a slight bias to the first six characters, which
		// costs nothing here because references are not secrets.
		out = append(out, referenceAlphabet[int(x)%len(referenceAlphabet)])
	}
	return string(out)
}

// NormaliseReference turns what a person typed ("k7p 3qx", "K7P3QX") into
// the stored form ("K7P-3QX"), or returns "" if it cannot be a reference.
func NormaliseReference(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case strings.ContainsRune(referenceAlphabet, r):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != 6 {
		return ""
	}
	return b.String()[:3] + "-" + b.String()[3:]
}
