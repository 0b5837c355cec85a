package pdf

import (
	"formportal/engine"
	"formportal/i18n"
)

// The blank form's answer spaces of a date of birth and an address: the choices to tick, each with the
// boxes it needs.

// dateBoxes draws the day, month and year boxes of a date, with their captions.
func (b *blank) dateBoxes(x float64) {
	r := b.r
	r.room(stCaption.lh() + boxH)
	bx := x
	r.within("P", func() {
		for _, part := range []struct {
			name string
			w    float64
		}{{r.w.day, 30}, {r.w.month, 30}, {r.w.year, 48}} {
			r.text(bx, r.y, part.name, stCaption)
			r.rect(bx, r.y+stCaption.lh(), part.w, boxH, 255)
			bx += part.w + 8
		}
	})
	r.y += stCaption.lh() + boxH
}

func (b *blank) dateOfBirth(x, w float64) {
	r := b.r
	r.para(x, w, r.w.tickOne, stHint)
	const indent = 16
	r.within("L", func() { b.tick(x, w, b.uk(engine.LabelBorn), stBody, "") })
	b.dateBoxes(x + indent)
	r.y += 2
	r.within("L", func() { b.tick(x+indent, w-indent, b.uk(engine.LabelBornEstimated), stBody, "") })
	r.within("L", func() { b.tick(x, w, b.uk(engine.LabelUnborn), stBody, b.uk(engine.LabelDueDate)) })
	b.dateBoxes(x + indent)
	r.y += 2
	r.within("L", func() { b.tick(x, w, b.uk(engine.LabelDOBUnknown), stBody, b.uk(engine.LabelApproximateAge)) })
	b.box(x+indent, 20*mm)
}

func (b *blank) address(x, w float64, fd *engine.Field) {
	r := b.r
	choices := fd.AddressChoices()
	lx, lw := x, w
	if len(choices) > 0 {
		r.para(x, w, r.w.tickOne, stHint)
		r.within("L", func() { b.tick(x, w, b.uk(engine.LabelAddressKnown), stBody, "") })
		lx, lw = x+16, w-16
	}
	for _, line := range []struct {
		label string
		w     float64
	}{
		{engine.LabelAddressLine1, lw}, {engine.LabelAddressLine2, lw}, {engine.LabelAddressTown, lw * 2 / 3},
		{engine.LabelAddressCounty, lw * 2 / 3}, {engine.LabelAddressPostcode, min(lw, 40*mm)},
	} {
		r.room(stCaption.lh() + boxH)
		r.within("P", func() { r.text(lx, r.y, b.uk(line.label), stCaption) })
		r.y += stCaption.lh()
		b.box(lx, line.w)
	}
	for _, c := range choices {
		r.within("L", func() { b.tick(x, w, b.uk(c.Label), stBody, "") })
		if c.Value == engine.AddressAbroad { // its lines and country, to write in
			for _, p := range engine.AbroadParts {
				r.room(stCaption.lh() + boxH)
				r.within("P", func() { r.text(lx, r.y, b.uk(p.Label), stCaption) })
				r.y += stCaption.lh()
				b.box(lx, lw)
			}
		}
	}
}

// uk is one of the engine's fixed words of a date of birth or an address in the document's language.
func (b *blank) uk(english string) string {
	l, _ := i18n.Parse(b.r.w.dateLang)
	return engine.UKWord(l, english)
}

// box draws one empty box to write in.
func (b *blank) box(x, w float64) {
	r := b.r
	r.room(boxH)
	r.rect(x, r.y, w, boxH, 255)
	r.y += boxH + 2
}
