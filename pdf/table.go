package pdf

import (
	"math"
	"slices"
)

const cellPad = 3.0 // points of space inside every table cell

// tableSpec is a table to draw: header texts, rows of cell texts (raw: they are cleaned here; a cell may
// hold several lines), and for a blank form a number of empty rows and the widths the columns would like.
type tableSpec struct {
	caption   string // drawn above the repeated header on every page the table continues on
	heads     []string
	rows      [][]string
	blankRows int       // empty rows to draw after rows
	blankH    float64   // height of an empty row
	want      []float64 // blank forms: the width each column would like, besides its header's
	nowrap    []bool    // columns of short values (dates, numbers) that should not wrap when there is room
}

// table draws a table across the content width at r.y: the header row shaded and repeated at the top of
// every page the table continues on, every cell bordered and wrapped at word boundaries. A row that does
// not fit in the rest of the page starts a new page; a row taller than a whole page is split between
// lines and continues on the next pages, so no text is lost.
func (r *renderer) table(t tableSpec) {
	n := len(t.heads)
	if n == 0 {
		return
	}
	heads := make([]string, n)
	for j, h := range t.heads {
		heads[j] = r.clean(h, stCellHead)
	}
	rows := make([][]string, len(t.rows))
	for i, row := range t.rows {
		rows[i] = make([]string, n)
		for j := 0; j < n && j < len(row); j++ {
			rows[i][j] = r.clean(row[j], stCell)
		}
	}
	widths := r.columnWidths(heads, rows, t.want, t.nowrap)

	headLines := make([][]string, n)
	headN := 1
	for j := range heads {
		headLines[j] = r.wrap(heads[j], stCellHead, widths[j]-2*cellPad)
		headN = max(headN, len(headLines[j]))
	}
	headH := float64(headN)*stCellHead.lh() + 2*cellPad
	lh := stCell.lh()
	caption := ""
	if t.caption != "" {
		caption = r.clean(t.caption, stCaption)
	}

	// The header row: the table's first row of header cells, and on every page the table continues on,
	// the same row again as an artifact, under a caption saying the table continues.
	drawHead := func(first bool) {
		x := left
		for j, w := range widths {
			r.rect(x, r.y, w, headH, 230)
			if first {
				r.begin("TH").attr = scopeColumn
			}
			for k, l := range headLines[j] {
				r.text(x+cellPad, r.y+cellPad+float64(k)*stCellHead.lh(), l, stCellHead)
			}
			if first {
				r.end()
			}
			x += w
		}
		r.y += headH
	}
	newPage := func() {
		r.newPage()
		r.artifact(artRepeat, func() {
			if caption != "" {
				for _, l := range r.wrap(caption, stCaption, contentW) {
					r.text(left, r.y, l, stCaption)
					r.y += stCaption.lh()
				}
			}
			drawHead(false)
		})
	}

	cells := make([][]string, n)
	wrapRow := func(row []string) int {
		lines := 1
		for j := range n {
			cells[j] = cells[j][:0]
			if row != nil && row[j] != "" {
				cells[j] = r.wrap(row[j], stCell, widths[j]-2*cellPad)
			}
			lines = max(lines, len(cells[j]))
		}
		return lines
	}
	// drawPart draws lines [from, to) of the wrapped row as one band of cells, into the row's cells tds.
	tds := make([]*node, n)
	drawPart := func(from, to int, h float64) {
		x := left
		for j, w := range widths {
			r.rect(x, r.y, w, h, 255)
			r.into(tds[j], func() {
				for k := from; k < to && k < len(cells[j]); k++ {
					r.text(x+cellPad, r.y+cellPad+float64(k-from)*lh, cells[j][k], stCell)
				}
			})
			x += w
		}
		r.y += h
	}
	pageRoom := r.bottom - r.top - headH // for rows, on a page the table continues on
	if caption != "" {
		pageRoom -= stCaption.lh()
	}

	// Keep the header with the first row, or with the first lines of a row too tall for any page.
	first := 1
	if len(rows) > 0 {
		first = wrapRow(rows[0])
	}
	firstH := float64(first)*lh + 2*cellPad
	if len(rows) == 0 && t.blankRows > 0 {
		firstH = t.blankH
	}
	r.room(headH + min(firstH, 3*lh+2*cellPad))
	if r.y+headH+firstH > r.bottom && firstH <= pageRoom && r.y > r.top {
		r.newPage()
	}
	r.begin("Table")
	defer r.end()
	r.within("TR", func() { drawHead(true) })
	onPage := 0 // rows drawn on this page

	for _, row := range rows {
		r.begin("TR")
		for j := range tds {
			tds[j] = r.begin("TD")
			r.end()
		}
		lines := wrapRow(row)
		h := float64(lines)*lh + 2*cellPad
		if r.y+h > r.bottom && onPage > 0 {
			newPage()
			onPage = 0
		}
		from := 0
		for {
			rest := lines - from
			fit := int(math.Floor((r.bottom - r.y - 2*cellPad) / lh))
			if fit >= rest {
				drawPart(from, lines, float64(rest)*lh+2*cellPad)
				break
			}
			if fit >= 1 {
				drawPart(from, from+fit, float64(fit)*lh+2*cellPad)
				from += fit
			}
			newPage()
		}
		r.end()
		onPage++
	}
	for range t.blankRows {
		if r.y+t.blankH > r.bottom {
			newPage()
		}
		x := left
		for _, w := range widths {
			r.rect(x, r.y, w, t.blankH, 255)
			x += w
		}
		r.y += t.blankH
	}
}

// columnWidths shares the content width between the columns the way browsers lay out automatic tables:
// each column needs at least its longest word (its longest line, for short values that should not wrap)
// and would like its longest line; when everything cannot
// have what it would like, the space beyond the minimums goes to each column in proportion to what it
// still lacks.
func (r *renderer) columnWidths(heads []string, rows [][]string, want []float64, nowrap []bool) []float64 {
	n := len(heads)
	minW := make([]float64, n)
	maxW := make([]float64, n)
	measure := func(j int, s string, st style) {
		word, line := wordAndLine(s, st)
		minW[j] = max(minW[j], word)
		maxW[j] = max(maxW[j], line)
	}
	for j, h := range heads {
		measure(j, h, stCellHead)
		if j < len(want) {
			maxW[j] = max(maxW[j], want[j])
		}
	}
	for _, row := range rows {
		for j, c := range row {
			if j < len(nowrap) && nowrap[j] {
				_, line := wordAndLine(c, stCell)
				minW[j] = max(minW[j], line)
				maxW[j] = max(maxW[j], line)
				continue
			}
			measure(j, c, stCell)
		}
	}
	var sumMin, sumMax float64
	for j := range n {
		minW[j] = min(minW[j], contentW/3) + 2*cellPad
		maxW[j] = max(maxW[j]+2*cellPad, minW[j], 24)
		sumMin += minW[j]
		sumMax += maxW[j]
	}
	out := make([]float64, n)
	switch {
	case sumMin >= contentW:
		// Not every column can have its longest word. Shrinking them all alike would break short words
		// everywhere ("childre n"); instead the columns whose longest words fit keep them whole, and the
		// columns with the longest words share what is left, breaking only words wider than their share.
		share := fairShare(minW, contentW)
		for j := range n {
			out[j] = min(minW[j], share)
		}
	case sumMax <= contentW:
		for j := range n {
			out[j] = maxW[j] * contentW / sumMax
		}
	default:
		for j := range n {
			out[j] = minW[j] + (contentW-sumMin)*(maxW[j]-minW[j])/(sumMax-sumMin)
		}
	}
	return out
}

// fairShare is the width w at which columns needing at least need, each given min(need, w), fill total
// exactly; the needs add up to more than total.
func fairShare(need []float64, total float64) float64 {
	sorted := slices.Sorted(slices.Values(need))
	left := total
	for k, w := range sorted {
		share := left / float64(len(sorted)-k)
		if w > share {
			return share
		}
		left -= w
	}
	return sorted[len(sorted)-1]
}

// wordAndLine returns the widths of the longest word and the longest line of cleaned text.
func wordAndLine(s string, st style) (word, line float64) {
	f := faceOf(st)
	var w, l int32
	var maxWord, maxLine int32
	for _, c := range s {
		switch c {
		case '\n':
			w, l = 0, 0
			continue
		case ' ':
			w = 0
			l += max(f.width(c), 0)
			continue
		}
		cw := max(f.width(c), 0)
		w += cw
		l += cw
		maxWord = max(maxWord, w)
		maxLine = max(maxLine, l)
	}
	return float64(maxWord) * st.size / 1000, float64(maxLine) * st.size / 1000
}
