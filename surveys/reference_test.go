package surveys_test

import (
	"regexp"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestNewReference(t *testing.T) {
	pattern := regexp.MustCompile(`^[346789ABCDEFGHJKMNPQRTWXY]{3}-[346789ABCDEFGHJKMNPQRTWXY]{3}$`)
	seen := map[string]bool{}
	chars := map[rune]bool{}
	for i := 0; i < 1000; i++ {
		ref := surveys.NewReference()
		if !pattern.MatchString(ref) {
			t.Fatalf("draw %d: got %q, want it to match %s", i, ref, pattern)
		}
		if got := surveys.NormaliseReference(ref); got != ref {
			t.Errorf("NormaliseReference(%q): got %q, want it unchanged", ref, got)
		}
		seen[ref] = true
		for _, r := range ref {
			chars[r] = true
		}
	}
	// 1,000 draws from 25^6 references: a handful of repeats at most.
	if len(seen) < 990 {
		t.Errorf("distinct references in 1000 draws: got %d, want at least 990", len(seen))
	}
	// 6,000 characters from an alphabet of 25: every one should turn up.
	if got := len(chars) - 1; got != 25 { // minus the hyphen
		t.Errorf("distinct characters used: got %d, want 25", got)
	}
}

func TestNormaliseReference(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"K7P-3QX", "K7P-3QX"},
		{"k7p 3qx", "K7P-3QX"},
		{"K7P3QX", "K7P-3QX"},
		{"k7p-3qx", "K7P-3QX"},
		{" K7P - 3QX ", "K7P-3QX"},
		{"K-7-P-3-Q-X", "K7P-3QX"},
		{"346-789", "346-789"},
		{"K7P-3Q", ""},      // too short
		{"", ""},            // empty
		{"---", ""},         // nothing but separators
		{"K7P-3QXA", ""},    // too long
		{"K7P-3QO", ""},     // O is not used
		{"K7P-3Q0", ""},     // nor 0
		{"K7P-3Q1", ""},     // nor 1
		{"K7P-3QI", ""},     // nor I
		{"K7P-3QL", ""},     // nor L
		{"K7P-3QS", ""},     // nor S
		{"K7P-3Q5", ""},     // nor 5
		{"K7P-3QZ", ""},     // nor Z
		{"K7P-3QU", ""},     // nor U
		{"K7P_3QX", ""},     // only hyphens and spaces separate
		{"K7P\t3QX", ""},    // a tab is not a space
		{"K7P-3QÄ", ""},     // non-ASCII
		{"ك7P-3QX", ""},     // Arabic letter
		{"K7P-3QX\x00", ""}, // control character
		{"K7P/../3QX", ""},  // path-like input
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := surveys.NormaliseReference(tt.in); got != tt.want {
				t.Errorf("NormaliseReference(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
