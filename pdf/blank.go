package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"formportal/engine"
	"formportal/guidance"
)

// Blank forms: the questions of the chosen sections with what a person filling the form in by hand needs.

func (r *renderer) blankForm(d Document) {
	var sections []*engine.Section
	for _, s := range d.Form.Sections {
		if len(d.Sections) == 0 || contains(d.Sections, s.ID) {
			sections = append(sections, s)
		}
	}
	if anyRequired(sections) {
		r.para(left, contentW, r.w.requiredNote, stLabel)
		r.gap(4)
	}
	b := &blank{r: r, form: d.Form}
	for _, s := range sections {
		title := s.Title
		if s.PerChild {
			title += r.w.perChild
		}
		if list := s.RepeatList(); list != nil { // lists15: "About each child (repeat for each child)"
			title = fmt.Sprintf(r.w.repeatEach, title, list.RowNoun())
		}
		r.section(title, func() {
			if s.ShowWhen != nil {
				r.para(left, contentW, r.onlyIf(s.ShowWhen), stHint)
			}
			if s.Description != "" {
				r.blocks(left, contentW, guidance.Parse(s.Description), stHint)
			}
			r.gap(4)
			for _, fd := range s.Fields {
				b.field(left, contentW, fd)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyRequired(sections []*engine.Section) bool {
	var walk func([]*engine.Field) bool
	walk = func(fields []*engine.Field) bool {
		for _, fd := range fields {
			if fd.Required || walk(fd.Children()) {
				return true
			}
		}
		return false
	}
	for _, s := range sections {
		if walk(s.Fields) {
			return true
		}
	}
	return false
}

func (r *renderer) onlyIf(c *engine.Condition) string { return fmt.Sprintf(r.w.onlyIf, c.Describe()) }

type blank struct {
	r    *renderer
	form *engine.Form
}

// Sizes of the things to write in.
const (
	boxH      = 20.0 // a one-line answer
	areaLineH = 15.0 // a line of a multi-line answer
	gapAfter  = 9.0
)

func labelText(fd *engine.Field) string {
	if fd.Required {
		return fd.Label + " *"
	}
	return fd.Label
}

// notes are the grey lines under a label: hint, condition, constraints, where the answer comes from.
func (b *blank) notes(fd *engine.Field) []string {
	var out []string
	if fd.Hint != "" {
		out = append(out, guidance.PlainText(guidance.Inline(fd.Hint)))
	}
	if fd.ShowWhen != nil {
		out = append(out, b.r.onlyIf(fd.ShowWhen))
	}
	out = append(out, b.constraints(fd)...)
	out = append(out, engine.UKNotes(fd, b.r.w.dateLang)...)
	if fd.ReadOnly {
		out = append(out, b.r.w.fromRecords)
	}
	if fd.Type == engine.TypeComputed {
		out = append(out, b.r.w.computed)
	}
	return out
}

// field draws one question of a blank form at x, in width w: with its notes and its space to answer in,
// a division of the structure.
func (b *blank) field(x, w float64, fd *engine.Field) {
	r := b.r
	if fd.Type == engine.TypeContent {
		if fd.ShowWhen != nil {
			// Say when the text applies, under its heading.
			r.within("Div", func() {
				if fd.Heading != "" {
					r.heading(func() { r.keptLines(x, w, fd.Heading, stSub, 2*stBody.lh()) })
				}
				r.para(x, w, r.onlyIf(fd.ShowWhen), stHint)
				r.styledText(x, w, fd, stBody)
			})
			r.gap(6)
			return
		}
		r.content(x, w, fd)
		return
	}
	r.begin("Div")
	defer r.end()
	switch fd.Type {
	case engine.TypeTable:
		b.table(x, w, fd)
		return
	case engine.TypeList:
		b.list(x, w, fd)
		return
	}
	// The label, notes and the first part of the answer space stay together on a page.
	label, notes, n := b.labelAndNotes(fd, w)
	r.room(min(float64(len(label))*stLabel.lh()+float64(n)*stHint.lh()+2+b.space(fd), r.bottom-r.top))
	b.drawLabelAndNotes(x, label, notes)
	r.y += 2
	b.input(x, w, fd)
	r.gap(gapAfter)
}

// labelAndNotes wraps a question's label and each of its notes, and counts the notes' lines.
func (b *blank) labelAndNotes(fd *engine.Field, w float64) (label []string, notes [][]string, n int) {
	r := b.r
	label = r.wrap(r.clean(labelText(fd), stLabel), stLabel, w)
	for _, note := range b.notes(fd) {
		ls := r.wrap(r.clean(note, stHint), stHint, w)
		notes = append(notes, ls)
		n += len(ls)
	}
	return label, notes, n
}

// drawLabelAndNotes draws a wrapped label and notes, a paragraph each.
func (b *blank) drawLabelAndNotes(x float64, label []string, notes [][]string) {
	r := b.r
	r.within("P", func() { r.lines(x, label, stLabel) })
	for _, ls := range notes {
		r.within("P", func() { r.lines(x, ls, stHint) })
	}
}

// space is the height of the answer space to keep with a label: all of a box, the first option of a list.
func (b *blank) space(fd *engine.Field) float64 {
	switch fd.Type {
	case engine.TypeTextarea:
		return textareaH(fd)
	case engine.TypeDate, engine.TypeSignature:
		return stCaption.lh() + boxH
	case engine.TypeSelect, engine.TypeRadios, engine.TypeCheckboxes, engine.TypeYesNo, engine.TypeDeclaration,
		engine.TypeChildren, engine.TypeDateOfBirth, engine.TypeAddress:
		return 2 * stBody.lh()
	case engine.TypeAttachments:
		return stBody.lh() + 3*areaLineH
	}
	return boxH
}

func textareaH(fd *engine.Field) float64 {
	rows := fd.Rows
	if rows <= 0 {
		rows = 4
	}
	return float64(min(rows, 12))*areaLineH + 6
}

// input draws the space to answer in.
func (b *blank) input(x, w float64, fd *engine.Field) {
	r := b.r
	switch fd.Type {
	case engine.TypeTextarea:
		h := textareaH(fd)
		r.room(h)
		r.rect(x, r.y, w, h, 255)
		r.y += h
	case engine.TypeDate:
		b.dateBoxes(x)
	// The UK answer types (ukfields.go).
	case engine.TypeDateOfBirth:
		b.dateOfBirth(x, w)
	case engine.TypeAddress:
		b.address(x, w, fd)
	case engine.TypeSignature:
		b.signature(x, w)
	case engine.TypeSelect, engine.TypeRadios:
		r.para(x, w, r.w.tickOne, stHint)
		b.options(x, w, fd.Options)
	case engine.TypeCheckboxes:
		if !strings.Contains(strings.ToLower(fd.Hint), r.w.allThatApply) {
			r.para(x, w, r.w.tickAll, stHint)
		}
		b.options(x, w, fd.Options)
	case engine.TypeYesNo:
		b.options(x, w, []engine.Option{{Label: r.w.yes}, {Label: r.w.no}})
	case engine.TypeDeclaration:
		text := strings.TrimSpace(b.form.Statement(fd, engine.Answers{}, "", nil)) // {id}s as [their labels]
		if text == "" {
			text = r.w.iConfirm
		}
		r.within("L", func() { b.tick(x, w, text, stBody, "") })
	case engine.TypeChildren:
		r.para(x, w, r.w.childNames, stHint)
		r.room(boxH)
		r.rect(x, r.y, w, boxH, 255)
		r.y += boxH
	case engine.TypeComputed:
		// Nothing to write: the portal works it out (the note says so).
	case engine.TypeAttachments:
		r.para(x, w, r.w.listDocuments, stBody)
		for range 3 {
			r.room(areaLineH)
			r.y += areaLineH
			r.pdf.Line(x, r.y, x+w, r.y)
		}
		r.y += 2
	default:
		bw := w
		switch fd.Type {
		case engine.TypeNumber:
			bw = min(w, 40*mm)
		case engine.TypePhone, engine.TypeNHSNumber:
			bw = min(w, 70*mm)
		case engine.TypeTime:
			bw = min(w, 40*mm)
		}
		r.room(boxH)
		r.rect(x, r.y, bw, boxH, 255)
		r.y += boxH
	}
}

// options draws options with a box to tick before each, and their hints: a list.
func (b *blank) options(x, w float64, opts engine.OptionItems) {
	// Choices under a heading (an option group) are a list of their own after the heading.
	for _, g := range opts.Groups() {
		if g.Heading != "" {
			b.r.para(x, w, g.Heading, stLabel)
		}
		b.r.within("L", func() {
			for _, o := range g.Options {
				b.tick(x, w, o.Label, stBody, o.Hint)
			}
		})
	}
}

// tick draws an item of a list: a ballot box and text beside it, wrapped with a hanging indent, and a
// hint under the text.
func (b *blank) tick(x, w float64, text string, st style, hint string) {
	r := b.r
	var more func()
	if hint != "" {
		more = func() { r.para(x+16, w-16, hint, stHint) }
	}
	r.item(x, w, 16, r.wrap(r.clean(text, st), st, w-16), st, func() { r.text(x, r.y, ballotBox, style{size: st.size + 2}) }, more)
}

// table draws an empty table with a few rows to write in, then what each column asks for.
func (b *blank) table(x, w float64, fd *engine.Field) {
	r := b.r
	label, notes, n := b.labelAndNotes(fd, w)
	r.room(float64(len(label))*stLabel.lh() + float64(n)*stHint.lh() + 3*stCell.lh() + 2*28)
	b.drawLabelAndNotes(x, label, notes)
	r.y += 2
	t := tableSpec{caption: fmt.Sprintf(r.w.continued, fd.Label), blankRows: 5, blankH: 28}
	if head := fixedRowsHead(fd); head != "" {
		t.heads, t.want = append(t.heads, head), append(t.want, 60)
		t.rows, t.blankRows = blankFixedRows(fd), 2
	}
	for _, col := range fd.Columns {
		t.heads = append(t.heads, labelText(col))
		t.want = append(t.want, nominalWidth(col))
	}
	r.table(t)
	// What each column asks for, when there is more to say than its header.
	first := true
	for _, col := range fd.Columns {
		var ns []string
		ns = append(ns, b.notes(col)...)
		switch col.Type {
		case engine.TypeSelect, engine.TypeRadios:
			var labels []string
			for _, o := range col.Options {
				labels = append(labels, o.Label)
			}
			ns = append(ns, fmt.Sprintf(r.w.oneOf, strings.Join(labels, "; ")))
		case engine.TypeYesNo:
			ns = append(ns, r.w.yesOrNo)
		case engine.TypeChildren:
			ns = append(ns, r.w.rowChildren)
		}
		if len(ns) == 0 {
			continue
		}
		if first {
			r.gap(4)
			first = false
		}
		r.label(x, w, col.Label, style{bold: true, size: 9}, stHint.lh())
		for _, n := range ns {
			r.para(x+8, w-8, n, stHint)
		}
		r.y += 2
	}
	r.gap(gapAfter)
}

// nominalWidth is how wide a blank column would like to be, to write its answer in.
func nominalWidth(col *engine.Field) float64 {
	switch col.Type {
	case engine.TypeTextarea:
		return 200
	case engine.TypeDate:
		return 70
	case engine.TypeNumber, engine.TypeYesNo:
		return 45
	case engine.TypeEmail:
		return 140
	}
	return 100
}

// list draws the questions of one item, to be repeated for each.
func (b *blank) list(x, w float64, fd *engine.Field) {
	r := b.r
	label := labelText(fd)
	r.label(x, w, label, stLabel, 3*stBody.lh())
	for _, n := range b.notes(fd) {
		r.para(x, w, n, stHint)
	}
	name := fd.ItemLabel
	if name == "" {
		name = r.w.item
	}
	r.gap(4)
	const indent = 12
	r.group(x+indent/2, w-indent/2, fmt.Sprintf(r.w.repeatEach, name, strings.ToLower(name)), 2*stLabel.lh(), func() {
		r.y += 2
		for _, f := range fd.Fields {
			b.field(x+indent, w-indent, f)
		}
	})
	r.gap(4)
}

// constraints states a field's simple constraints in words.
func (b *blank) constraints(fd *engine.Field) []string {
	var out []string
	w := b.r.w
	switch fd.Type {
	case engine.TypeText, engine.TypeTextarea:
		switch {
		case fd.MinLength != nil && fd.MaxLength != nil:
			out = append(out, fmt.Sprintf(w.between, itoa(*fd.MinLength), itoa(*fd.MaxLength)))
		case fd.MaxLength != nil:
			out = append(out, fmt.Sprintf(w.upToChars, itoa(*fd.MaxLength)))
		case fd.MinLength != nil:
			out = append(out, fmt.Sprintf(w.atLeastChars, itoa(*fd.MinLength)))
		}
	case engine.TypeNumber:
		s := w.aNumber
		if fd.Integer {
			s = w.aWholeNumber
		}
		switch {
		case fd.Min != nil && fd.Max != nil:
			s = fmt.Sprintf(w.fromTo, s, num(*fd.Min), num(*fd.Max))
		case fd.Min != nil:
			s = fmt.Sprintf(w.orMore, s, num(*fd.Min))
		case fd.Max != nil:
			s = fmt.Sprintf(w.orLess, s, num(*fd.Max))
		}
		out = append(out, s)
	case engine.TypeDate:
		if fd.NotInFuture {
			out = append(out, w.notInFuture)
		}
		if fd.NotInPast {
			out = append(out, w.notInPast)
		}
		if fd.MinDate != "" {
			out = append(out, fmt.Sprintf(w.onOrAfter, longDate(fd.MinDate, w.dateLang)))
		}
		if fd.MaxDate != "" {
			out = append(out, fmt.Sprintf(w.onOrBefore, longDate(fd.MaxDate, w.dateLang)))
		}
		if fd.After != "" {
			out = append(out, fmt.Sprintf(w.after, b.fieldLabel(fd, fd.After)))
		}
		if fd.Before != "" {
			out = append(out, fmt.Sprintf(w.before, b.fieldLabel(fd, fd.Before)))
		}
	case engine.TypeCheckboxes:
		switch {
		case fd.MinSelected != nil && fd.MaxSelected != nil:
			out = append(out, fmt.Sprintf(w.tickFromTo, itoa(*fd.MinSelected), itoa(*fd.MaxSelected)))
		case fd.MinSelected != nil:
			out = append(out, fmt.Sprintf(w.tickAtLeast, itoa(*fd.MinSelected)))
		case fd.MaxSelected != nil:
			out = append(out, fmt.Sprintf(w.tickAtMost, itoa(*fd.MaxSelected)))
		}
	case engine.TypeTable, engine.TypeList:
		unit := w.rows
		lo, hi := fd.MinRows, fd.MaxRows
		if fd.Type == engine.TypeList {
			unit, lo, hi = w.entries, fd.MinItems, fd.MaxItems
		}
		if lo != nil && *lo > 1 {
			out = append(out, fmt.Sprintf(w.atLeast, itoa(*lo), unit))
		}
		if hi != nil {
			out = append(out, fmt.Sprintf(w.upTo, itoa(*hi), unit))
		}
	case engine.TypeAttachments:
		if len(fd.Accept) > 0 {
			var kinds []string
			for _, k := range fd.Accept {
				if name, ok := w.kinds[k]; ok {
					kinds = append(kinds, name)
				} else if name, ok := engine.AttachmentKinds[k]; ok {
					kinds = append(kinds, name)
				} else {
					kinds = append(kinds, k)
				}
			}
			out = append(out, fmt.Sprintf(w.eachFile, joinOr(kinds, w.or)))
		}
		var limits []string
		if fd.MaxFiles > 0 {
			limits = append(limits, fmt.Sprintf(w.upToFiles, itoa(fd.MaxFiles)))
		}
		if fd.MaxSizeMB > 0 {
			limits = append(limits, fmt.Sprintf(w.smallerThan, num(fd.MaxSizeMB)))
		}
		if len(limits) > 0 {
			s := strings.Join(limits, ", ")
			out = append(out, strings.ToUpper(s[:1])+s[1:])
		}
	}
	return out
}

// fieldLabel names the field a date constraint refers to: a column of the same row, or a field of the form.
func (b *blank) fieldLabel(fd *engine.Field, id string) string {
	if p := fd.Parent(); p != nil {
		for _, sib := range p.Children() {
			if sib.ID == id {
				return sib.Label
			}
		}
	}
	if other := b.form.Field(id); other != nil {
		return other.Label
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func longDate(s, lang string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return engine.FormatDate(t, lang)
}

func joinOr(parts []string, or string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + or + " " + parts[len(parts)-1]
}
