package disclosure

import (
	"fmt"
	"math"
	"strconv"
)

// Flag says in plain words how a group differs from everyone, e.g.
// "Disabled respondents raised Transport 2.1× as often as everyone (p < 0.01)".
// Show it only for a cell that is Notable.
func Flag(group, value string, lift, p float64) string {
	return fmt.Sprintf("%s raised %s %s as often as everyone (%s)", group, value, Times(lift), FormatP(p))
}

// Times words a lift: "2.1×", "half", "0.4×"; "12×" from 10 up.
func Times(lift float64) string {
	switch {
	case lift >= 10:
		return strconv.FormatFloat(math.Round(lift), 'f', -1, 64) + "×"
	case lift >= 0.45 && lift < 0.55:
		return "half"
	}
	s := strconv.FormatFloat(lift, 'f', 1, 64)
	if s == "1.0" { // "1.0× as often" would read as no difference
		s = strconv.FormatFloat(lift, 'f', 2, 64)
	}
	return s + "×"
}

// FormatP words a p-value the way reports usually do: "p < 0.001",
// "p < 0.01", otherwise to two decimals ("p = 0.03"), never rounding a
// significant result up to "p = 0.05".
func FormatP(p float64) string {
	switch {
	case p < 0.001:
		return "p < 0.001"
	case p < 0.01:
		return "p < 0.01"
	case p < 0.05 && p >= 0.045:
		return "p < 0.05"
	}
	return "p = " + strconv.FormatFloat(p, 'f', 2, 64)
}

// RuleText is the statement of the disclosure rules to show under every
// table, chart and export that uses them.
func RuleText(threshold, rounding int) string {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	if rounding <= 0 {
		rounding = DefaultRounding
	}
	return fmt.Sprintf("To protect the people who answered, numbers from 1 to %d are not shown, "+
		"and other cells are hidden where they could be worked out from totals; "+
		"every other number is rounded to the nearest %d, and percentages are worked out from the rounded numbers.",
		threshold-1, rounding)
}
