package pdf

import (
	"strings"
)

// changes draws, after the answers of a form submitted again after a return, what changed since the
// submission returned: a section with a table of each changed answer and each row added, removed or
// changed.
func (r *renderer) changes(d Document) {
	r.section(d.ChangesTitle, func() {
		if len(d.Changes) == 0 {
			r.para(left, contentW, "Nothing was changed.", stBody)
			return
		}
		t := tableSpec{caption: d.ChangesTitle, heads: []string{"Question or row", "Change", "Before", "Now"}}
		for _, c := range d.Changes {
			t.rows = append(t.rows, []string{c.Label, strings.ToUpper(c.Kind[:1]) + c.Kind[1:], strings.Join(c.Before, "\n"), strings.Join(c.After, "\n")})
		}
		r.table(t)
	})
}

// hasChanges reports whether the document ends with what changed since a return.
func (d Document) hasChanges() bool { return d.ChangesTitle != "" }
