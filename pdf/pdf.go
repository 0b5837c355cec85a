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
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"

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
}

// Result describes a rendered document.
type Result struct {
	// Pages is the number of pages.
	Pages int
	// Replaced lists, once each and in order of first appearance, the characters the font cannot draw.
	// Each occurrence was drawn as U+FFFD (or "?" in a font without it) instead.
	Replaced []rune
}

// Render writes the document as a PDF to w. The document's title is the form's title and its creator
// "formportal".
func Render(w io.Writer, d Document) (Result, error) {
	if d.Form == nil {
		return Result{}, errors.New("pdf: no form to render")
	}
	r, err := newRenderer(d.Marking)
	if err != nil {
		return Result{}, err
	}
	r.pdf.SetInfo(gopdf.PdfInfo{Title: infoText(d.Form.Title), Creator: "formportal", Producer: "formportal"})

	r.para(left, contentW, d.Form.Title, stTitle)
	r.gap(4)
	r.header(d.Header)
	if d.Blank {
		r.blankForm(d)
	} else {
		r.answeredForm(d)
	}
	r.furniture()
	if r.err != nil {
		return Result{}, fmt.Errorf("pdf: %w", r.err)
	}
	res := Result{Pages: r.pdf.GetNumberOfPages(), Replaced: r.replaced}
	var buf bytes.Buffer
	if _, err := r.pdf.WriteTo(&buf); err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	if _, err := w.Write(compressStreams(buf.Bytes())); err != nil {
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

// header draws the label/value block under the title.
func (r *renderer) header(lines []HeaderLine) {
	if len(lines) == 0 {
		return
	}
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
		for k := range n {
			r.room(lh)
			if k < len(ls) {
				r.text(left, r.y, ls[k], stLabel)
			}
			if k < len(vs) {
				r.text(left+labelW, r.y, vs[k], stBody)
			}
			r.y += lh
		}
		r.y += 2
	}
	r.gap(4)
	r.rule()
	r.gap(8)
}

// rule draws a thin line across the content area.
func (r *renderer) rule() {
	r.pdf.Line(left, r.y, left+contentW, r.y)
}

// sectionHeading draws a section's title, kept with what follows it.
func (r *renderer) sectionHeading(title string) {
	ls := r.wrap(r.clean(title, stSection), stSection, contentW)
	r.room(float64(len(ls))*stSection.lh() + 6 + 3*stBody.lh())
	r.gap(10)
	r.lines(left, ls, stSection)
	r.y += 2
	r.rule()
	r.y += 6
}

// label draws a question's label (wrapped), keeping it on the page with the first extra points of what
// follows.
func (r *renderer) label(x, w float64, text string, st style, keep float64) {
	ls := r.wrap(r.clean(text, st), st, w)
	r.room(min(float64(len(ls))*st.lh()+keep, r.bottom-r.top))
	r.lines(x, ls, st)
}

// content draws a content field: its heading and its text, "- " lines as bullets.
func (r *renderer) content(x, w float64, fd *engine.Field) {
	if fd.Heading != "" {
		r.label(x, w, fd.Heading, stSub, 2*stBody.lh())
	}
	r.richText(x, w, fd.Text, stBody)
	r.gap(6)
}

// richText draws designer text: paragraphs separated by blank lines, "- " lines as bulleted items.
func (r *renderer) richText(x, w float64, text string, st style) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, " ")
		switch {
		case line == "":
			r.gap(st.lh() / 2)
		case strings.HasPrefix(strings.TrimLeft(line, " "), "- "):
			item := strings.TrimPrefix(strings.TrimLeft(line, " "), "- ")
			ls := r.wrap(r.clean(item, st), st, w-12)
			for k, l := range ls {
				r.room(st.lh())
				if k == 0 {
					r.text(x+2, r.y, "•", st)
				}
				r.text(x+12, r.y, l, st)
				r.y += st.lh()
			}
		default:
			r.para(x, w, line, st)
		}
	}
}
