package disclosure

// A line is every cell along one dimension with the other coordinates fixed
// (any of which may be a total): the categories and their total. The cells
// of a line add up to its total, so if exactly one cell of a line is hidden
// (the total included) it can be worked out by subtraction. Secondary
// suppression hides more cells until no line has exactly one hidden.
//
// Along the value dimension the values need not add up to the base (a
// respondent may choose several options or have several themes), but the
// rule is applied there too: for a single-choice question they do add up,
// and for the others it costs little and is the safe side.

// line returns the flat indexes of the line through cell i along dimension d,
// the total last.
func (t *Table) line(i, d int) []int {
	start := i - (i/t.stride[d]%t.size[d])*t.stride[d]
	cells := make([]int, t.size[d])
	for k := range cells {
		cells[k] = start + k*t.stride[d]
	}
	return cells
}

// suppressSecondary hides further cells until no line has exactly one hidden
// cell. In a line that needs one, it hides the published cell with the
// smallest count above zero (a total only if it is the smallest): the least
// information lost. Zero cells are never chosen: a hidden cell that is known
// to be often zero would protect nothing, and an empty cell can be left
// shown. Such a cell always exists: the one hidden cell is above zero, so
// either the total is (and shown) or, when the total is the hidden one,
// some shown category is.
func (t *Table) suppressSecondary(raw []int, suppressed []bool) {
	// Work through the lines of every hidden cell; hiding a cell puts its
	// lines back on the list.
	type lineKey struct{ start, dim int }
	var queue []lineKey
	queued := map[lineKey]bool{}
	push := func(i int) {
		for d := range t.size {
			k := lineKey{i - (i/t.stride[d]%t.size[d])*t.stride[d], d}
			if !queued[k] {
				queued[k] = true
				queue = append(queue, k)
			}
		}
	}
	for i, s := range suppressed {
		if s {
			push(i)
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		queued[k] = false
		cells := t.line(k.start, k.dim)
		hidden, pick, anyShown := 0, -1, -1
		for _, j := range cells {
			if suppressed[j] {
				hidden++
				continue
			}
			if anyShown < 0 {
				anyShown = j
			}
			if raw[j] > 0 && (pick < 0 || raw[j] < raw[pick]) {
				pick = j
			}
		}
		if hidden != 1 {
			continue
		}
		if pick < 0 {
			// Only when a filter hid an empty cell (ProtectFiltered):
			// any shown cell will do.
			pick = anyShown
		}
		suppressed[pick] = true
		push(pick)
	}
}

// Recoverable reports whether any hidden cell of b can be worked out from a
// single line of shown cells: a line with exactly one hidden cell. Exported
// for tests and for checking tables built elsewhere; it relies on the
// Breakdown listing every cell, totals included.
func Recoverable(b *Breakdown) bool {
	lines := map[string][]bool{} // line key -> hidden flags
	for _, c := range b.Cells {
		dims := append([]string(nil), b.By...)
		if c.Value != "" {
			dims = append(dims, "\x00value")
		}
		for _, along := range dims {
			key := along + "|"
			for _, d := range dims {
				if d == along {
					continue
				}
				if d == "\x00value" {
					key += "v=" + c.Value + "|"
				} else {
					key += d + "=" + c.Group[d] + "|"
				}
			}
			lines[key] = append(lines[key], c.Suppressed)
		}
	}
	for _, flags := range lines {
		hidden := 0
		for _, h := range flags {
			if h {
				hidden++
			}
		}
		if hidden == 1 {
			return true
		}
	}
	return false
}
