package pdf

import (
	"fmt"
	"math"
	"strings"

	"github.com/signintech/gopdf"
)

// Page geometry, in points. A4 portrait with 15 mm margins; the marking and the page numbers sit inside the
// margins' bounds, in bands at the top and bottom of the content area.
const (
	mm       = 72 / 25.4
	pageW    = 210 * mm
	pageH    = 297 * mm
	margin   = 15 * mm
	contentW = pageW - 2*margin
	left     = margin
	bandGap  = 4 * mm // between the marking band and the content
	lineCoef = 1.3    // line height as a multiple of the font size
)

// style is how a run of text is drawn.
type style struct {
	bold bool
	size float64
	gray uint8 // text colour: 0 black, higher lighter
}

func (s style) lh() float64 { return s.size * lineCoef }

var (
	stTitle    = style{bold: true, size: 18}
	stSection  = style{bold: true, size: 13}
	stSub      = style{bold: true, size: 11}
	stLabel    = style{bold: true, size: 10}
	stBody     = style{size: 10}
	stMuted    = style{size: 10, gray: 110}
	stHint     = style{size: 9, gray: 85}
	stCell     = style{size: 9}
	stCellHead = style{bold: true, size: 9}
	stCaption  = style{size: 8, gray: 85}
	stMarking  = style{bold: true, size: 9}
	stFooter   = style{size: 8, gray: 70}
)

// renderer lays text and tables out down the pages of a gopdf document.
type renderer struct {
	pdf    *gopdf.GoPdf
	y      float64 // top of the next thing drawn on the current page
	top    float64 // top of the content area of every page
	bottom float64 // bottom of the content area of every page

	marking []string // the marking, cleaned and wrapped

	cur    style
	curSet bool

	replaced []rune
	seen     map[rune]bool
	err      error // the first drawing error; drawing stops reporting after it

	tags  tags
	open  *node  // the innermost open element of the structure tree
	art   string // the kind of artifact being drawn, or empty for content
	level int    // the level of the heading the content being drawn is under: 1 under the title
	page  int    // the page being drawn on, from 1

	w *fixedWords // the fixed words, in the document's language (words.go)
}

func newRenderer(marking string) (*renderer, error) {
	for _, f := range []*face{regularFace, boldFace} {
		if err := f.load(); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
	}
	r := &renderer{pdf: &gopdf.GoPdf{}, seen: map[rune]bool{}}
	r.tags.root = &node{role: "Document"}
	r.open = r.tags.root
	r.pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	r.pdf.SetNoCompression() // finish compresses afterwards, with one compressor
	for _, f := range []*face{regularFace, boldFace} {
		opt := gopdf.TtfOption{
			// clean has replaced every character sfnt says the font lacks; should gopdf's own cmap
			// reading still miss one, it is drawn as the stand-in and reported too, never dropped.
			OnGlyphNotFound:           r.report,
			OnGlyphNotFoundSubstitute: func(rune) rune { return f.replace },
		}
		if err := r.pdf.AddTTFFontDataWithOption(f.name, f.data, opt); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
	}
	if marking = strings.TrimSpace(marking); marking != "" {
		r.marking = r.wrap(r.clean(marking, stMarking), stMarking, contentW)
	}
	band := 0.0
	if len(r.marking) > 0 {
		band = float64(len(r.marking))*stMarking.lh() + bandGap
	}
	r.top = margin + band
	footer := stFooter.lh() + band
	if band == 0 {
		footer += bandGap
	}
	r.bottom = pageH - margin - footer
	r.newPage()
	return r, nil
}

func (r *renderer) report(c rune) {
	if !r.seen[c] {
		r.seen[c] = true
		r.replaced = append(r.replaced, c)
	}
}

func faceOf(st style) *face {
	if st.bold {
		return boldFace
	}
	return regularFace
}

// clean makes text drawable in the style's font, reporting what it had to replace.
func (r *renderer) clean(s string, st style) string { return faceOf(st).clean(s, r.report) }

func (r *renderer) setStyle(st style) {
	if r.curSet && r.cur == st {
		return
	}
	if !r.curSet || r.cur.bold != st.bold || r.cur.size != st.size {
		r.fail(r.pdf.SetFont(faceOf(st).name, "", st.size))
	}
	r.pdf.SetTextColor(st.gray, st.gray, st.gray)
	r.cur, r.curSet = st, true
}

func (r *renderer) fail(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

// newPage starts a page and sets the drawing state every page's content stream starts without.
func (r *renderer) newPage() {
	r.pdf.AddPage()
	r.page++
	r.pageState()
	r.y = r.top
}

func (r *renderer) pageState() {
	r.pdf.SetLineWidth(0.5) // also makes the page's content stream, so SetPage finds every page
	r.pdf.SetStrokeColor(120, 120, 120)
}

// room makes sure h points are free below y, starting a page when they are not (and the page has content).
// It reports whether it started a page.
func (r *renderer) room(h float64) bool {
	if r.y+h <= r.bottom || r.y <= r.top {
		return false
	}
	r.newPage()
	return true
}

// text draws one line of cleaned text with its top at (x, top).
func (r *renderer) text(x, top float64, s string, st style) {
	if s == "" {
		return
	}
	r.setStyle(st)
	// Baseline placed so that DejaVu's ascent (0.93 em) and descent (0.24 em) sit centred in the line.
	r.pdf.SetXY(x, top+st.size*(lineCoef-1.164)/2+st.size*0.928)
	r.fail(r.pdf.Text(s))
	r.noteLine()
}

// textRight draws a line ending at x.
func (r *renderer) textRight(x, top float64, s string, st style) {
	r.text(x-faceOf(st).measure(s, st.size), top, s, st)
}

// textCentre draws a line centred on the content area.
func (r *renderer) textCentre(top float64, s string, st style) {
	r.text(left+(contentW-faceOf(st).measure(s, st.size))/2, top, s, st)
}

// wrap breaks cleaned text into lines no wider than width: at newlines, and otherwise at the last space
// that fits (the space itself is dropped), like gopdf's SplitTextWithWordWrap; a word wider than the
// whole line is broken between characters, so nothing is ever cut. It measures with the widths gopdf
// draws with, from a table, instead of re-measuring the line for every character as gopdf does, which
// keeps a 500-row chronology fast. An empty paragraph is an empty line.
func (r *renderer) wrap(s string, st style, width float64) []string {
	f := faceOf(st)
	limit := int32(math.Floor(width * 1000 / st.size)) // thousandths of an em
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		start, w := 0, int32(0)
		lastSpace := -1 // byte index of the last space of the line, when one can be broken at
		for i, c := range para {
			cw := max(f.width(c), 0)
			if c == ' ' {
				if i > start {
					lastSpace = i
				}
				w += cw
				continue
			}
			if w+cw > limit && i > start {
				if lastSpace > start && strings.TrimRight(para[start:lastSpace], " ") != "" {
					lines = append(lines, strings.TrimRight(para[start:lastSpace], " "))
					start = lastSpace + 1
					w = 0
					for _, c2 := range para[start:i] {
						w += max(f.width(c2), 0)
					}
				} else {
					lines = append(lines, para[start:i])
					start, w = i, 0
				}
				lastSpace = -1
			}
			w += cw
		}
		lines = append(lines, strings.TrimRight(para[start:], " "))
	}
	return lines
}

// lines draws cleaned, wrapped lines at x, continuing on new pages as needed.
func (r *renderer) lines(x float64, ls []string, st style) {
	for _, l := range ls {
		r.room(st.lh())
		r.text(x, r.y, l, st)
		r.y += st.lh()
	}
}

// para cleans, wraps and draws text at x in width w, a paragraph.
func (r *renderer) para(x, w float64, s string, st style) {
	r.within("P", func() { r.lines(x, r.wrap(r.clean(s, st), st, w), st) })
}

// gap adds vertical space; a gap never starts a page by itself.
func (r *renderer) gap(h float64) {
	if r.y > r.top {
		r.y += h
	}
}

// rect draws a rectangle outline, filled with a grey when fill is not 255.
func (r *renderer) rect(x, y, w, h float64, fill uint8) {
	if fill != 255 {
		r.pdf.SetFillColor(fill, fill, fill)
		r.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "FD")
		return
	}
	r.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// furniture draws the marking at the top and bottom of every page and "Page N of M" in every footer,
// once every page exists: artifacts, not content.
func (r *renderer) furniture() {
	n := r.pdf.GetNumberOfPages()
	for p := 1; p <= n; p++ {
		if err := r.pdf.SetPage(p); err != nil {
			r.fail(err)
			return
		}
		r.page = p
		r.artifact(artHeader, func() {
			y := margin
			for _, l := range r.marking {
				r.textCentre(y, l, stMarking)
				y += stMarking.lh()
			}
		})
		r.artifact(artFooter, func() {
			y := pageH - margin - float64(len(r.marking))*stMarking.lh()
			for _, l := range r.marking {
				r.textCentre(y, l, stMarking)
				y += stMarking.lh()
			}
			footerTop := pageH - margin - float64(len(r.marking))*stMarking.lh() - stFooter.lh()
			r.textRight(pageW-margin, footerTop, fmt.Sprintf(r.w.page, p, n), stFooter)
		})
	}
}
