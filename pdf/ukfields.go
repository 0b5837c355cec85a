package pdf

import "formportal/engine"

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
	r.within("L", func() { b.tick(x, w, engine.LabelBorn, stBody, "") })
	b.dateBoxes(x + indent)
	r.y += 2
	r.within("L", func() { b.tick(x+indent, w-indent, engine.LabelBornEstimated, stBody, "") })
	r.within("L", func() { b.tick(x, w, engine.LabelUnborn, stBody, engine.LabelDueDate) })
	b.dateBoxes(x + indent)
	r.y += 2
	r.within("L", func() { b.tick(x, w, engine.LabelDOBUnknown, stBody, engine.LabelApproximateAge) })
	b.box(x+indent, 20*mm)
}

func (b *blank) address(x, w float64, fd *engine.Field) {
	r := b.r
	choices := fd.AddressChoices()
	lx, lw := x, w
	if len(choices) > 0 {
		r.para(x, w, r.w.tickOne, stHint)
		r.within("L", func() { b.tick(x, w, engine.LabelAddressKnown, stBody, "") })
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
		r.within("P", func() { r.text(lx, r.y, line.label, stCaption) })
		r.y += stCaption.lh()
		b.box(lx, line.w)
	}
	for _, c := range choices {
		r.within("L", func() { b.tick(x, w, c.Label, stBody, "") })
	}
}

// box draws one empty box to write in.
func (b *blank) box(x, w float64) {
	r := b.r
	r.room(boxH)
	r.rect(x, r.y, w, boxH, 255)
	r.y += boxH + 2
}
