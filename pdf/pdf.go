// Package pdf renders a form as a PDF: a submission or a draft with its answers, or a blank form to fill in
// on paper.
//
// A rendered PDF is A4 portrait with 15 mm margins. The text is DejaVu Sans, embedded in the binary
// (fonts/, Bitstream Vera licence) and subset into each PDF, so it covers Latin-1 and the punctuation Word
// puts into pasted text: curly quotes, dashes, bullets, the ellipsis. A character the font cannot draw (a
// Chinese character, most emoji) is drawn as U+FFFD, the replacement character, and listed in
// Result.Replaced: never silently dropped. So is any character beyond the Basic Multilingual Plane, even
// one DejaVu has, because gopdf cannot name it in the text layer readers copy and search. Every page
// carries the document's protective marking at its top and bottom and "Page N of M" in its footer. Text
// wraps at word boundaries, long answers continue over pages, and tables repeat their header row on every
// page they span: a row that does not fit in the rest of a page starts the next one, and a row taller
// than a whole page is split between its lines. Nothing is cut off.
//
// An answered document prints what Validate makes of the answers (the submission: cleaned, typed, hidden
// questions dropped) in form order: the title, the header block, then every visible section (a per-child
// section once for each child, headed "Section: Child's name") with each question's label and its answer
// as Field.FormatAnswer writes it, "Not answered" when there is none.
//
// A blank document prints every question of the chosen sections with what someone filling it in by hand
// needs: "*" on the questions that must be answered, hints, the options with boxes to tick, when a question
// applies ("Only if “Are the parents aware?” is “No”"), simple constraints in words ("Must be today or in
// the past"), and boxes, lines and empty table rows to write in.
//
// Every document is a tagged PDF, for screen readers (see tag.go): a structure tree in reading order, the
// title an H1 heading, sections H2 with a bookmark each, groups (a list's items, a content field's heading)
// one level below; a question with its answer, or with its notes and options, in one division; tables
// with their header cells; options and bullets as lists; the marking, page numbers, boxes, rules and a
// table's header row repeated on a new page as artifacts. It declares its language (Document.Lang) and
// shows its title as the window's title.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/text/language"

	"formportal/engine"
)

// HeaderLine is one line of the block printed under the title: a label and its value, for example
// {"Child or family", "Boreo family"}, {"Due by", "3 March 2026"}, {"Reference", "CHR-0042"}.
type HeaderLine struct {
	Label, Value string
}

// BlankMarking is the protective marking of a blank form, printed for review before it holds anything.
const BlankMarking = "OFFICIAL-SENSITIVE when completed"

// Document is what to render.
type Document struct {
	// Form is the form definition. Required.
	Form *engine.Form
	// CaseData is the case data the form was sent or started with: it names the children of a family form
	// and supplies its read-only answers.
	CaseData any
	// Answers are the draft or submission answers. They are validated (with Sections and Today) and the
	// cleaned submission is printed. Ignored for a blank form.
	Answers engine.Answers
	// Sections limits the document to these section ids, for example the sections of a delegation; all
	// sections when empty.
	Sections []string
	// Header is printed under the title, in this order: the child or family, the form type, the due date,
	// who sent it, who submitted it and when, the reference. The caller decides what goes in.
	Header []HeaderLine
	// Marking is the protective marking printed at the top and bottom of every page, for example
	// "OFFICIAL-SENSITIVE". Empty prints none.
	Marking string
	// Blank renders the blank form, to fill in by hand, instead of the answers.
	Blank bool
	// Today is the day Validate measures "in the future" from; now when zero.
	Today time.Time
	// Lang is the language of the document's text, a BCP 47 tag such as "en" or "cy"; "en" when empty.
	// It is the language the PDF declares, which screen readers speak it in.
	Lang string
	// ChangesTitle, when set, ends the document with a section of that title listing Changes: what
	// changed since the submission a return sent back (rounds.go).
	ChangesTitle string
	Changes      []engine.Change
}

// Result describes a rendered document.
type Result struct {
	// Pages is the number of pages.
	Pages int
	// Replaced lists, once each and in order of first appearance, the characters the font cannot draw.
	// Each occurrence was drawn as U+FFFD (or "?" in a font without it) instead.
	Replaced []rune
}

// Render writes the document as a PDF to w: a tagged PDF (see tag.go) in the document's language, with a
// bookmark for every section. The document's title is the form's title, shown as the window's title,
// and its creator "formportal".
func Render(w io.Writer, d Document) (Result, error) {
	return renderPDF(w, d, true)
}

// renderPDF renders the document, tagged or not: untagged only to measure what tagging costs.
func renderPDF(w io.Writer, d Document, tag bool) (Result, error) {
	if d.Form == nil {
		return Result{}, errors.New("pdf: no form to render")
	}
	if d.Lang == "" {
		d.Lang = d.Form.Lang() // a form's translated copy is printed in its language
	}
	r, err := startDocument(d.Form.Title, d.Marking, d.Lang)
	if err != nil {
		return Result{}, err
	}

	r.heading(func() { r.lines(left, r.wrap(r.clean(d.Form.Title, stTitle), stTitle, contentW), stTitle) })
	r.under(func() {
		r.gap(4)
		r.header(d.Header)
		if d.Blank {
			r.blankForm(d)
		} else {
			r.answeredForm(d)
		}
		if d.hasChanges() {
			r.changes(d)
		}
	})
	return r.write(w, tag)
}

// startDocument is a renderer for a new document of this title, marking and language ("en" when
// empty), which it declares.
func startDocument(title, marking, lang string) (*renderer, error) {
	tag := "en"
	if lang != "" {
		tg, err := language.Parse(lang)
		if err != nil {
			return nil, fmt.Errorf("pdf: language %q: %w", lang, err)
		}
		tag = tg.String()
	}
	r, err := newRenderer(marking)
	if err != nil {
		return nil, err
	}
	r.tags.lang, r.tags.title = tag, title
	r.w = wordsFor(tag)
	r.pdf.SetInfo(gopdf.PdfInfo{Title: infoText(title), Creator: "formportal", Producer: "formportal"})
	return r, nil
}

// write finishes a drawn document (the marking and page numbers on every page) and writes it to w,
// tagged or not.
func (r *renderer) write(w io.Writer, tag bool) (Result, error) {
	r.furniture()
	if r.err != nil {
		return Result{}, fmt.Errorf("pdf: %w", r.err)
	}
	res := Result{Pages: r.pdf.GetNumberOfPages(), Replaced: r.replaced}
	var buf bytes.Buffer
	if _, err := r.pdf.WriteTo(&buf); err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	var t *tags
	if tag {
		t = &r.tags
	}
	out, err := finish(buf.Bytes(), t)
	if err != nil {
		return Result{}, fmt.Errorf("pdf: tagging gopdf's output: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return Result{}, fmt.Errorf("pdf: write: %w", err)
	}
	return res, nil
}

// infoText makes text safe for the document information dictionary, which gopdf writes as UTF-16 code
// units of the Basic Multilingual Plane only.
func infoText(s string) string {
	return strings.Map(func(c rune) rune {
		if c > 0xFFFF {
			return replacement
		}
		return c
	}, s)
}

// header draws the label/value block under the title: a table of a row for each line, its label the row's
// header cell.
func (r *renderer) header(lines []HeaderLine) {
	if len(lines) == 0 {
		return
	}
	r.begin("Table")
	labelW := 0.0
	for _, l := range lines {
		labelW = max(labelW, faceOf(stLabel).measure(r.clean(l.Label, stLabel), stLabel.size))
	}
	labelW = min(labelW+12, contentW*0.35)
	lh := stBody.lh()
	for _, l := range lines {
		ls := r.wrap(r.clean(l.Label, stLabel), stLabel, labelW-8)
		vs := r.wrap(r.clean(l.Value, stBody), stBody, contentW-labelW)
		n := max(len(ls), len(vs))
		r.room(min(float64(n)*lh, r.bottom-r.top))
		r.begin("TR")
		th := r.begin("TH")
		th.attr = scopeRow
		r.end()
		td := r.begin("TD")
		r.end()
		for k := range n {
			r.room(lh)
			if k < len(ls) {
				r.into(th, func() { r.text(left, r.y, ls[k], stLabel) })
			}
			if k < len(vs) {
				r.into(td, func() { r.text(left+labelW, r.y, vs[k], stBody) })
			}
			r.y += lh
		}
		r.end()
		r.y += 2
	}
	r.end()
	r.gap(4)
	r.rule()
	r.gap(8)
}

// rule draws a thin line across the content area.
func (r *renderer) rule() {
	r.pdf.Line(left, r.y, left+contentW, r.y)
}

// section draws a section: its title, kept with what follows it and bookmarked, then what body draws.
func (r *renderer) section(title string, body func()) {
	r.begin("Sect")
	ls := r.wrap(r.clean(title, stSection), stSection, contentW)
	r.room(float64(len(ls))*stSection.lh() + 6 + 3*stBody.lh())
	r.gap(10)
	r.tags.bookmarks = append(r.tags.bookmarks, bookmark{title: title, page: r.page, top: r.y})
	r.heading(func() { r.lines(left, ls, stSection) })
	r.y += 2
	r.rule()
	r.y += 6
	r.under(body)
	r.end()
}

// label draws a question's label (wrapped), keeping it on the page with the first extra points of what
// follows, as a paragraph.
func (r *renderer) label(x, w float64, text string, st style, keep float64) {
	r.within("P", func() { r.keptLines(x, w, text, st, keep) })
}

// keptLines draws text wrapped, keeping it on the page with the first extra points of what follows.
func (r *renderer) keptLines(x, w float64, text string, st style, keep float64) {
	ls := r.wrap(r.clean(text, st), st, w)
	r.room(min(float64(len(ls))*st.lh()+keep, r.bottom-r.top))
	r.lines(x, ls, st)
}

// group draws a titled group, a list's item: its title a heading, what body draws under it.
func (r *renderer) group(x, w float64, title string, keep float64, body func()) {
	r.begin("Sect")
	r.heading(func() { r.keptLines(x, w, title, stSub, keep) })
	r.under(body)
	r.end()
}

// item draws an item of a list: its label (a bullet, a box to tick) beside its first line, its lines
// indented, then what more draws into its body.
func (r *renderer) item(x, w, indent float64, ls []string, st style, label func(), more func()) {
	r.begin("LI")
	lbl := r.begin("Lbl")
	r.end()
	body := r.begin("LBody")
	r.end()
	for k, l := range ls {
		r.room(st.lh())
		if k == 0 {
			r.into(lbl, label)
		}
		r.into(body, func() { r.text(x+indent, r.y, l, st) })
		r.y += st.lh()
	}
	if more != nil {
		r.into(body, more)
	}
	r.end()
}
