package pdf

import (
	"strconv"
	"strings"

	"formportal/engine"
	"formportal/guidance"
)

// Guidance content (content15): designer text in the guidance package's Markdown subset, drawn as the
// web pages show it: headings, paragraphs with bold runs, bulleted and numbered lists (tagged L/LI), and
// links as their text followed by their address.

// content draws a content field: its heading, then its text as its style sets it apart. Details are
// drawn open (summary, then text), inset text indented, warning text bold after "Warning:".
func (r *renderer) content(x, w float64, fd *engine.Field) {
	r.within("Div", func() {
		if fd.Heading != "" {
			r.heading(func() { r.keptLines(x, w, fd.Heading, stSub, 2*stBody.lh()) })
		}
		r.styledText(x, w, fd, stBody)
	})
	r.gap(6)
}

// styledText draws a content field's text in its style.
func (r *renderer) styledText(x, w float64, fd *engine.Field, st style) {
	switch fd.Style {
	case engine.StyleInset:
		r.richText(x+12, w-12, fd.Text, st)
	case engine.StyleWarning:
		bold := st
		bold.bold = true
		spans := append([]guidance.Span{{Text: r.w.warning + ": ", Bold: true}}, guidance.Inline(fd.Text)...)
		r.within("P", func() { r.runLines(x, r.richWrap(spans, bold, w), st, 2*st.lh()) })
	case engine.StyleDetails:
		r.within("P", func() { r.keptLines(x, w, fd.Summary, stLabel, 2*st.lh()) })
		r.richText(x+12, w-12, fd.Text, st)
	default:
		r.richText(x, w, fd.Text, st)
	}
}

// richText draws designer guidance text at x in width w.
func (r *renderer) richText(x, w float64, text string, st style) {
	r.blocks(x, w, guidance.Parse(text), st)
}

func (r *renderer) blocks(x, w float64, bs []guidance.Block, st style) {
	for i, b := range bs {
		if i > 0 {
			r.gap(st.lh() / 2)
		}
		switch b.Kind {
		case guidance.Heading:
			r.heading(func() { r.keptLines(x, w, guidance.PlainText(b.Spans), stSub, 2*st.lh()) })
		case guidance.List:
			r.within("L", func() {
				for n, it := range b.Items {
					mark := "•"
					if b.Ordered {
						mark = strconv.Itoa(n+1) + "."
					}
					r.richItem(x, w, mark, it, st)
				}
			})
		default:
			r.within("P", func() { r.runLines(x, r.richWrap(b.Spans, st, w), st, 0) })
		}
	}
}

// richItem draws a list item: its mark beside its first line, its blocks indented.
func (r *renderer) richItem(x, w float64, mark string, it guidance.Item, st style) {
	const indent = 14
	r.begin("LI")
	defer r.end()
	lbl := r.begin("Lbl")
	r.end()
	body := r.begin("LBody")
	r.end()
	first := true
	for _, b := range it.Blocks {
		if b.Kind == guidance.Paragraph && first {
			ls := r.richWrap(b.Spans, st, w-indent)
			r.room(min(float64(len(ls)), 2) * st.lh())
			r.into(lbl, func() { r.text(x+1, r.y, r.clean(mark, st), st) })
			r.into(body, func() { r.runLines(x+indent, ls, st, 0) })
			first = false
			continue
		}
		r.into(body, func() { r.blocks(x+indent, w-indent, []guidance.Block{b}, st) })
	}
}

// run is text drawn in one style on one line.
type run struct {
	text string
	st   style
}

type runLine []run

// richWrap breaks spans into lines no wider than width, each a sequence of runs: bold spans in the bold
// face, links followed by their address.
func (r *renderer) richWrap(spans []guidance.Span, st style, width float64) []runLine {
	var lines []runLine
	var cur runLine
	curW := 0.0
	flush := func() {
		lines = append(lines, cur)
		cur, curW = nil, 0
	}
	// put adds a word to the line, after a space unless glued (the word continues the one before it
	// in another style, as the full stop after a bold word does).
	put := func(word string, s style, glued bool) {
		f := faceOf(s)
		ww := f.measure(word, s.size)
		space := f.measure(" ", s.size)
		if glued {
			space = 0
		}
		if len(cur) > 0 && curW+space+ww > width {
			flush()
		}
		if ww > width {
			// A word wider than the line: broken between characters, as wrap does.
			pieces := r.wrap(word, s, width)
			for _, p := range pieces[:len(pieces)-1] {
				cur = runLine{{text: p, st: s}}
				flush()
			}
			word = pieces[len(pieces)-1]
			ww = f.measure(word, s.size)
		}
		if len(cur) > 0 {
			sep := " "
			if glued {
				sep = ""
			}
			last := &cur[len(cur)-1]
			if last.st == s {
				last.text += sep + word
			} else {
				cur = append(cur, run{text: sep + word, st: s})
			}
			curW += space + ww
			return
		}
		cur = runLine{{text: word, st: s}}
		curW = ww
	}
	open := false // the last span ended inside a word
	for _, sp := range spans {
		if sp.Break {
			flush()
			open = false
			continue
		}
		s := st
		s.bold = st.bold || sp.Bold
		text := r.clean(sp.Text, s)
		for i, word := range strings.Fields(text) {
			put(word, s, i == 0 && open && !startsSpaced(text))
		}
		open = text != "" && !endsSpaced(text)
		if sp.URL != "" {
			if addr := guidance.Address(sp); addr != strings.TrimSpace(sp.Text) {
				put(r.clean("("+addr+")", st), st, false)
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// runLines draws wrapped lines of runs at x, in lines of st's height, keeping the first with keep
// points of what follows.
func (r *renderer) runLines(x float64, ls []runLine, st style, keep float64) {
	if keep > 0 {
		r.room(min(float64(len(ls))*st.lh()+keep, r.bottom-r.top))
	}
	for _, l := range ls {
		r.room(st.lh())
		at := x
		for _, rn := range l {
			r.text(at, r.y, rn.text, rn.st)
			at += faceOf(rn.st).measure(rn.text, rn.st.size)
		}
		r.y += st.lh()
	}
}

func startsSpaced(s string) bool { return s != "" && strings.TrimLeft(s, " \t\n") != s }

func endsSpaced(s string) bool { return s != "" && strings.TrimRight(s, " \t\n") != s }
