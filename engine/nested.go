package engine

// Lists inside lists (lists15): an item of a list may hold a list of its own (each household member's
// agencies), asked on the item's page with an add-another summary of its own. Nesting stops there: every
// level is a page reached from the one above it, and its messages name every level ("for agency 2 of
// household member 3"); a third level would put people three pages from the form with nothing a real
// form has needed, so formlint refuses it (list-nesting) rather than drawing pages nobody can follow.

// rowFrame is the item of the outer list while an item of a list inside it is checked.
type rowFrame struct {
	of    *Field
	row   map[string]any
	index int
}

// checkNestedList checks a list that is a field of another list's items: the outer list must not be
// inside a list itself.
func (c *checker) checkNestedList(outer, inner *Field) {
	if outer.parent != nil {
		c.errorf(inner.pointer+"/type", "list-nesting", "%s is a list inside a list inside a list: lists nest one level only (a list's item may hold a list, whose items may not), as every level is a page of its own", inner.place())
	}
}

// RowAt is one row of a table or item of a list: the container, the row's answers and its index.
type RowAt struct {
	Field *Field
	Row   map[string]any
	Index int
}
