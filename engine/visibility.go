package engine

import (
	"fmt"
	"strings"
	"sync"
)

// Answers only council staff see (visibleTo: staff on a question or a section): a manager's decision, a
// note from the case record. The professional or member of the public filling the form is given a copy of
// the form without them (ForPerson), so that no page, print view, PDF, check-answers page, declaration
// or error message drawn for them can name them, and nothing they post can answer them; staff use the
// form as written (ForStaff). The checker makes sure nothing the person sees depends on a staff-only
// answer, so that the person's copy checks as the form does and shows nothing of it.

// VisibleToStaff is the one value of visibleTo: the question or section is the council staff's own.
const VisibleToStaff = "staff"

// StaffOnly reports whether only council staff see the question: its own visibleTo, its section's, or
// that of the table or list holding it.
func (fd *Field) StaffOnly() bool {
	if fd.VisibleTo == VisibleToStaff || fd.section != nil && fd.section.StaffOnly() {
		return true
	}
	return fd.parent != nil && fd.parent.StaffOnly()
}

// StaffOnly reports whether only council staff see the section.
func (s *Section) StaffOnly() bool { return s.VisibleTo == VisibleToStaff }

// HasStaffOnly reports whether the form has a question or section only staff see.
func (f *Form) HasStaffOnly() bool {
	for _, s := range f.Sections {
		if s.StaffOnly() {
			return true
		}
		for _, fd := range s.Fields {
			if fd.StaffOnly() {
				return true
			}
		}
	}
	return false
}

// ForPerson is the form as the person filling it in sees it: without the questions and sections only
// staff see, in the form's language. It is made once and kept; a form with nothing staff-only is its own.
func (f *Form) ForPerson() *Form {
	if f.personView || !f.HasStaffOnly() {
		return f
	}
	full := f
	if f.i18n != nil && f.i18n.original != nil {
		full = f.i18n.original // a translated copy: the person's copy of the English, then translated
	}
	full.views.once.Do(func() { full.views.person = full.personCopy() })
	return full.views.person.In(f.Lang())
}

// ForStaff is the form as staff see it, with every question, in the form's language.
func (f *Form) ForStaff() *Form {
	if !f.personView {
		return f
	}
	return f.views.staff.In(f.Lang())
}

// personCopy builds the form again from its source without what only staff see, and checks it as Load
// did, which links conditions, expressions and tables to the copy's own fields.
func (f *Form) personCopy() *Form {
	src := *f.src
	src.diags = nil
	c, err := decodeForm(&src)
	if err != nil {
		return f // the source decoded once already: it cannot fail now
	}
	c.definition, c.hash = f.definition, f.hash
	c.makePersonView(f)
	(&checker{form: c, src: &src}).run()
	if f.i18n != nil {
		c.i18n = &formI18n{texts: f.i18n.texts}
	}
	return c
}

// formViews are the person's copy of a form made once (ForPerson), and, for that copy, the form as written.
type formViews struct {
	once   sync.Once
	person *Form
	staff  *Form
}

// makePersonView makes a form just decoded the person's copy of full: without the sections and
// questions only staff see.
func (f *Form) makePersonView(full *Form) {
	f.personView, f.views.staff = true, full
	sections := f.Sections[:0:0]
	for _, s := range f.Sections {
		if s.StaffOnly() {
			continue
		}
		fields := s.Fields[:0:0]
		for _, fd := range s.Fields {
			if !fd.StaffOnly() {
				fields = append(fields, fd)
			}
		}
		s.Fields = fields
		sections = append(sections, s)
	}
	f.Sections = sections
}

// checkStaffOnly reports visibleTo where it cannot be (on a question of a table, list or group: the
// whole table or list is staff-only, or none of it), and anything the person sees that depends on an
// answer only staff see: it would show them that answer, or something worked out from it.
func (c *checker) checkStaffOnly() {
	c.form.walkFields(func(fd *Field) {
		if fd.VisibleTo != "" && fd.parent != nil && fd.use == nil {
			c.errorf(fd.pointer+"/visibleTo", "visible-to", "%s has visibleTo, which a question of a table or list cannot have: only staff see the whole table or list, or none of it", fd.place())
		}
	})
	for _, name := range sortedKeys(c.form.Groups) {
		for j, gf := range c.form.Groups[name].Fields {
			if gf.VisibleTo != "" {
				c.errorf(fmt.Sprintf("/groups/%s/fields/%d/visibleTo", escapePointer(name), j), "visible-to",
					"question `%s` of the group %q has visibleTo: put it on the use of the group, or on its section", gf.ID, name)
			}
		}
	}
	for _, s := range c.form.Sections {
		if s.StaffOnly() && s.Delegable {
			c.errorf(s.pointer+"/visibleTo", "visible-to", "%s is only for staff but delegable: it would be sent to a professional who cannot see it", s.place())
		}
		if s.StaffOnly() {
			continue
		}
		c.staffOnlyRefs(s.pointer+"/showWhen", s.place()+" is shown on", conditionRefs(s.ShowWhen))
		for i, r := range s.Rules {
			c.staffOnlyRefs(fmt.Sprintf("%s/rules/%d/expr", s.pointer, i), fmt.Sprintf("rule %d of %s checks", i+1, s.place()), exprRefs(c.form, nil, r.prog))
		}
	}
	for i, r := range c.form.Rules {
		for _, t := range r.targets {
			if !t.StaffOnly() {
				c.staffOnlyRefs(fmt.Sprintf("/rules/%d/expr", i), fmt.Sprintf("the form's rule %d, shown at %s, checks", i+1, t.place()), exprRefs(c.form, nil, r.prog))
				break
			}
		}
	}
	c.form.walkFields(func(fd *Field) {
		if fd.StaffOnly() {
			return
		}
		c.staffOnlyRefs(fd.pointer+"/showWhen", fd.place()+" is shown on", conditionRefs(fd.ShowWhen))
		c.staffOnlyRefs(fd.pointer+"/expr", fd.place()+" is worked out from", exprRefs(c.form, fd, fd.computed))
		c.staffOnlyRefs(fd.pointer+"/requiredWhen", fd.place()+" is required on", exprRefs(c.form, fd, fd.requiredWhen))
		var named []*Field
		for _, id := range []string{fd.After, fd.Before} {
			if t := c.form.fields[id]; t != nil && id != "" {
				named = append(named, t)
			}
		}
		c.staffOnlyRefs(fd.pointer, fd.place()+" is compared with", named)
		if fd.sameAs != nil {
			c.staffOnlyRefs(fd.pointer+"/sameAs", fd.place()+" may be the same as", []*Field{fd.sameAs})
		}
		ids, _ := fd.Placeholders()
		named = nil
		for _, id := range ids {
			if t := c.form.fields[id]; t != nil {
				named = append(named, t)
			}
		}
		c.staffOnlyRefs(fd.pointer+"/text", fd.place()+" shows", named)
	})
}

// staffOnlyRefs reports the staff-only questions among refs, which something the person sees uses.
func (c *checker) staffOnlyRefs(pointer, what string, refs []*Field) {
	var staff []string
	for _, t := range refs {
		if t.StaffOnly() && !containsString(staff, t.ID) {
			staff = append(staff, "`"+t.ID+"`")
		}
	}
	if len(staff) > 0 {
		c.errorf(pointer, "visible-to", "%s %s, which only staff see: the person filling the form would learn the answer; make it staff-only too, or depend on something they see", what, strings.Join(staff, ", "))
	}
}

// conditionRefs lists the questions a condition looks at, resolved by the checker.
func conditionRefs(cond *Condition) []*Field {
	if cond == nil {
		return nil
	}
	var out []*Field
	if cond.target != nil {
		out = append(out, cond.target)
	}
	out = append(out, cond.refs...)
	for _, a := range cond.All {
		out = append(out, conditionRefs(a)...)
	}
	for _, a := range cond.Any {
		out = append(out, conditionRefs(a)...)
	}
	return append(out, conditionRefs(cond.Not)...)
}

// compareVisibility reports, for formlint -compat, a question whose visibility to the person filling the
// form changed: no longer staff-only is an error (staff's answers already given would be shown to the
// professional or member of the public in drafts in flight); newly staff-only a warning (what the person
// answered stays, but they no longer see it, and only staff can change it).
func compareVisibility(new *Form, of, nf *Field, at compatReport) {
	switch {
	case of.StaffOnly() && !nf.StaffOnly():
		at(new, nf.pointer, Error, "compat-visible-to", "%s was only for staff and is now shown to the person filling the form: staff's answers to it in drafts in flight would be shown to them", nf.place())
	case !of.StaffOnly() && nf.StaffOnly():
		at(new, nf.pointer, Warning, "compat-visible-to", "%s is now only for staff: the person filling the form no longer sees what they answered, and only staff can change it", nf.place())
	}
}
