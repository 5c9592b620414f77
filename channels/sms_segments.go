package channels

import "unicode/utf16"

// Text messages are sent in segments. A message written only with the GSM
// 03.38 alphabet uses 7 bits a character: 160 in one segment, 153 a segment
// when split (the rest carries the joining header). Anything else (Urdu,
// most emoji, "smart quotes") makes the whole message UCS-2: 70 UTF-16 units
// in one segment, 67 a segment when split. Characters are never split
// across segments, so the counts below walk the text as a phone would.

// gsmBasic is the GSM 03.38 default alphabet (one septet each).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension characters take two septets (an escape, then the character).
const gsmExtension = "\f^{}\\[~]|€"

var gsmSeptets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Message encodings.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// SegmentInfo says how a text message will be sent.
type SegmentInfo struct {
	Encoding   string
	Characters int // septets (GSM-7) or UTF-16 units (UCS-2)
	Segments   int
}

// Segments measures text as it will be sent. An empty message is one segment.
func Segments(text string) SegmentInfo {
	size := func(r rune) int { return gsmSeptets[r] }
	single, multi, enc := 160, 153, EncodingGSM7
	for _, r := range text {
		if gsmSeptets[r] == 0 {
			size = func(r rune) int { return len(utf16.Encode([]rune{r})) }
			single, multi, enc = 70, 67, EncodingUCS2
			break
		}
	}
	total := 0
	for _, r := range text {
		total += size(r)
	}
	info := SegmentInfo{Encoding: enc, Characters: total, Segments: 1}
	if total <= single {
		return info
	}
	// Split as a phone does: a character that does not fit starts the next segment.
	used := 0
	for _, r := range text {
		n := size(r)
		if used+n > multi {
			info.Segments++
			used = 0
		}
		used += n
	}
	return info
}
