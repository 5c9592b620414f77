package channels_test

import (
	"strings"
	"testing"

	"github.com/voices-uk/voices/channels"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		text string
		want channels.SegmentInfo
	}{
		{"empty", "", channels.SegmentInfo{Encoding: "GSM-7", Characters: 0, Segments: 1}},
		{"plain English", "Reply 1 for yes", channels.SegmentInfo{"GSM-7", 15, 1}},
		{"160 GSM characters fit one segment", strings.Repeat("a", 160), channels.SegmentInfo{"GSM-7", 160, 1}},
		{"161 need two", strings.Repeat("a", 161), channels.SegmentInfo{"GSM-7", 161, 2}},
		{"306 fit two segments of 153", strings.Repeat("a", 306), channels.SegmentInfo{"GSM-7", 306, 2}},
		{"307 need three", strings.Repeat("a", 307), channels.SegmentInfo{"GSM-7", 307, 3}},
		{"extension characters count twice", "€10 [max]", channels.SegmentInfo{"GSM-7", 12, 1}},
		{"80 euro signs are 160 septets", strings.Repeat("€", 80), channels.SegmentInfo{"GSM-7", 160, 1}},
		{"an escape pair is never split", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), channels.SegmentInfo{"GSM-7", 164, 2}},
		{"accented letters in the GSM alphabet", "café à Ñoño", channels.SegmentInfo{"GSM-7", 11, 1}},
		{"ú is not in the GSM alphabet (ù is)", "Ñandú", channels.SegmentInfo{"UCS-2", 5, 1}},
		{"a smart quote makes it UCS-2", "It’s", channels.SegmentInfo{"UCS-2", 4, 1}},
		{"Urdu", "شکریہ", channels.SegmentInfo{"UCS-2", 5, 1}},
		{"70 Urdu letters fit one segment", strings.Repeat("ا", 70), channels.SegmentInfo{"UCS-2", 70, 1}},
		{"71 need two", strings.Repeat("ا", 71), channels.SegmentInfo{"UCS-2", 71, 2}},
		{"134 fit two of 67", strings.Repeat("ا", 134), channels.SegmentInfo{"UCS-2", 134, 2}},
		{"emoji are two UTF-16 units", "👍", channels.SegmentInfo{"UCS-2", 2, 1}},
		{"a surrogate pair is never split", strings.Repeat("a", 66) + "👍" + strings.Repeat("a", 5), channels.SegmentInfo{"UCS-2", 73, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channels.Segments(tt.text); got != tt.want {
				t.Errorf("Segments(%q): got %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}
