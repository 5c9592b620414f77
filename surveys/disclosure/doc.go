// Package disclosure turns counts of respondents into tables that are safe
// to publish, with the statistics officers need to read them: who we heard
// from, what each group said, how far each group differs from everyone, and
// how respondents compare with the population. It does no counting of its
// own (the storage adapter counts in SQL) and speaks no HTTP; its output
// types marshal to the JSON of the breakdown and representation APIs.
//
// # Breakdowns
//
//	tab, err := disclosure.NewTable(
//		[]disclosure.Dimension{{Name: "ethnic_group_broad", Categories: ids}, {Name: "disability", Categories: ids2}},
//		&disclosure.Dimension{Name: "services", Categories: optionIDs}) // nil: respondents only
//	tab.Add([]string{"asian", "disabled_a_lot"}, 120)                   // respondents in the group (the base)
//	tab.AddValue([]string{"asian", "disabled_a_lot"}, "home_care", 25) // of whom gave this value
//	b, err := tab.Protect(disclosure.Options{})                        // threshold 10, rounding 5
//	json.Marshal(b) // {"by": [...], "threshold": 10, "rounding": 5, "cells": [...]}
//
// Margins ("*") are summed from the cells given, so list every category a
// total should include (prefer_not_to_say and "not answered" too, if they
// are to count). The base of a group in a value table is given with Add,
// because with multiple choice or themes the values need not add up to it.
//
// Protect applies, in order:
//
//   - primary suppression: a count from 1 to Threshold-1 is hidden. A count
//     of 0 is shown: an empty cell is about nobody, and hiding zeros would
//     also hide that a group was not heard from at all, which officers need
//     to see (ONS likewise publishes zeros in its Census tables);
//   - secondary suppression: no line of the table (the cells along any one
//     dimension, with its total, whatever the other coordinates, totals and
//     the value dimension included) may have exactly one hidden cell, since
//     it could be had by subtraction; the smallest non-zero shown cell of
//     such a line is hidden too, until none is left (see suppressSecondary);
//   - rounding: every shown count is rounded to the nearest Rounding;
//   - figures from shown counts only: a share is rounded count ÷ rounded
//     base, and the lift and p-value are computed from rounded counts too,
//     so no published number carries the exact count a rounded one hides.
//     A figure whose inputs include a hidden count is left out.
//
// In a value table a cell's share is of its group's base, its lift is that
// share ÷ the whole survey's share for the value (observed ÷ expected), and
// P tests the group against everyone else: Pearson's chi-square on the 2×2
// table (in group or not × gave the value or not, 1 df), or Fisher's exact
// test when an expected count is below 5. A base cell (value "*") has the
// group's share of all respondents. In a table of respondents only, a
// cell's share is of all respondents, and, given Options.PopulationShare,
// its lift is that share ÷ the population's, with a goodness-of-fit test.
// Cell.Notable and Flag word the notable cells: "Disabled respondents raised
// Transport 2.1× as often as everyone (p < 0.01)". RuleText is the sentence
// to print under every table.
//
// # Filtered views
//
// A view narrowed by a filter (a channel, a partner organisation, a date)
// could be subtracted from the unfiltered one. FilteredViewAllowed refuses a
// view whose base, or whose complement in the unfiltered view, is from 1 to
// Threshold-1; Table.ProtectFiltered also hides every cell of the filtered
// table whose complement is that small, before secondary suppression.
//
// # Themed summaries
//
// ProtectSummary applies the same rules to a surveys.ThemeSummary: each
// question's and each theme's respondents (and the decided and undecided
// answers) are hidden from 1 to Threshold-1 and otherwise rounded; a
// theme's share is of the question's rounded respondents; each split of a
// theme (channel, who entered it, sentiment, month) is a one-way Table whose
// total is the theme, so secondary suppression covers it; a hidden theme has
// no splits. Themes are ordered by their published counts.
//
// # Representation
//
// ParseBaseline reads a population baseline in the format of
// shared/data/equality/birmingham-census2021.csv, naming each problem by
// line and column. Baseline.Compare sets respondents' counts per equality
// characteristic against it; see Representation for the rules. Attribution
// is the ONS credit to show wherever a census baseline appears.
package disclosure
