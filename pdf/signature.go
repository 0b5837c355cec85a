package pdf

// signature is a blank form's "name and date" confirmation: a box for the full name, and the date's.
func (b *blank) signature(x, w float64) {
	r := b.r
	r.room(stCaption.lh() + boxH)
	r.within("P", func() { r.text(x, r.y, r.w.signatureName, stCaption) })
	r.y += stCaption.lh()
	b.box(x, w*2/3)
	r.within("P", func() { r.text(x, r.y, r.w.signatureDate, stCaption) })
	r.y += stCaption.lh()
	b.dateBoxes(x)
}
