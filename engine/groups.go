package engine

import (
	"fmt"
	"strings"
)

// Group is questions defined once and asked in several places of a form: { id: referrer, use: contact }
// in a section (or a list's fields) asks them there, each question's id prefixed with the use's id
// (referrer_name). The loader replaces every use by copies of the group's questions, so validation, pages,
// the PDF, the submission and compat see ordinary questions; diagnostics about a copied question point at
// the group's definition and name the question by its prefixed id.
type Group struct {
	Description string   `json:"description,omitempty"`
	Fields      []*Field `json:"fields"`
}

// groupSeparator joins a use's id and a group question's id: answer paths are ids joined by dots and
// brackets, so the prefixed id must be an id itself.
const groupSeparator = "_"

// expandGroups replaces each use of a group, in sections and in lists, by copies of the group's questions.
func expandGroups(f *Form) {
	for _, s := range f.Sections {
		s.Fields = f.expandUses(s.Fields)
	}
}

func (f *Form) expandUses(fields []*Field) []*Field {
	out := make([]*Field, 0, len(fields))
	for _, fd := range fields {
		if fd.Use == "" {
			if fd.Type == TypeList {
				fd.Fields = f.expandUses(fd.Fields)
			}
			out = append(out, fd)
			continue
		}
		f.uses = append(f.uses, fd)
		g := f.Groups[fd.Use]
		if g == nil {
			continue // checkGroupUses reports it
		}
		local := map[string]bool{}
		for _, gf := range g.Fields {
			local[gf.ID] = true
		}
		for j, gf := range g.Fields {
			c := cloneField(gf)
			linkField(c, fd.section, fd.parent, fmt.Sprintf("/groups/%s/fields/%d", escapePointer(fd.Use), j))
			f.applyUse(c, fd, local)
			out = append(out, c)
		}
	}
	return out
}

// applyUse makes a copy of a group's question the use's own: its id prefixed, conditions and date
// references to the group's questions pointed at this use's copies, the use's condition added to its own,
// and the use's name and prefill given.
func (f *Form) applyUse(c, use *Field, local map[string]bool) {
	prefix := use.ID + groupSeparator
	groupID := c.ID
	c.use = use
	c.ID = prefix + groupID
	if c.RenamedFrom != "" {
		c.RenamedFrom = prefix + c.RenamedFrom
	}
	for _, ref := range []*string{&c.After, &c.Before} {
		if local[*ref] {
			*ref = prefix + *ref
		}
	}
	// Expressions keep their text (diagnostics point into it) and name the use's copies through aliases.
	c.aliases = make(map[string]string, len(local))
	for id := range local {
		c.aliases[id] = prefix + id
	}
	prefixConditionRefs(c.ShowWhen, prefix, local, c.aliases)
	if use.ShowWhen != nil {
		own := cloneCondition(use.ShowWhen)
		if c.ShowWhen == nil {
			c.ShowWhen = own
		} else {
			c.ShowWhen = &Condition{All: []*Condition{own, c.ShowWhen}, pointer: c.ShowWhen.pointer}
		}
	}
	if use.Whose != "" && c.Answerable() && c.Type != TypeDeclaration {
		c.Name = use.Whose + " " + requiredName(c)
	}
	if p, ok := use.Prefills[groupID]; ok {
		c.Prefill = p
	}
	if h, ok := use.Hints[groupID]; ok {
		c.Hint = h
	}
	if use.VisibleTo != "" {
		c.VisibleTo = use.VisibleTo
	}
}

func prefixConditionRefs(c *Condition, prefix string, local map[string]bool, aliases map[string]string) {
	if c == nil {
		return
	}
	if local[c.Field] {
		c.Field = prefix + c.Field
	}
	if c.Expr != "" {
		c.aliases = aliases
	}
	for _, a := range c.All {
		prefixConditionRefs(a, prefix, local, aliases)
	}
	for _, a := range c.Any {
		prefixConditionRefs(a, prefix, local, aliases)
	}
	prefixConditionRefs(c.Not, prefix, local, aliases)
}

// cloneField copies a field deeply enough that a use can change the copy: its conditions, options and
// the fields it holds.
func cloneField(fd *Field) *Field {
	c := *fd
	c.ShowWhen = cloneCondition(fd.ShowWhen)
	c.Options = append(OptionItems(nil), fd.Options...)
	c.Columns = cloneFields(fd.Columns)
	c.Fields = cloneFields(fd.Fields)
	return &c
}

func cloneFields(fields []*Field) []*Field {
	if fields == nil {
		return nil
	}
	out := make([]*Field, len(fields))
	for i, fd := range fields {
		out[i] = cloneField(fd)
	}
	return out
}

func cloneCondition(c *Condition) *Condition {
	if c == nil {
		return nil
	}
	out := *c
	out.All, out.Any = nil, nil
	for _, a := range c.All {
		out.All = append(out.All, cloneCondition(a))
	}
	for _, a := range c.Any {
		out.Any = append(out.Any, cloneCondition(a))
	}
	out.Not = cloneCondition(c.Not)
	return &out
}

// checkGroupUses reports a use of a group the form does not define, a prefill or hint for a question the
// group does not have, and a group no section uses.
func (c *checker) checkGroupUses() {
	used := map[string]bool{}
	for _, use := range c.form.uses {
		used[use.Use] = true
		g := c.form.Groups[use.Use]
		if g == nil {
			names := sortedKeys(c.form.Groups)
			msg := fmt.Sprintf("field `%s` in %s uses the group %q, which is not one of the form's groups", use.ID, use.section.place(), use.Use)
			switch s := suggest(use.Use, names); {
			case len(names) == 0:
				msg += " (the form has none)"
			case s != "":
				msg += fmt.Sprintf("; did you mean %q?", s)
			default:
				msg += fmt.Sprintf(" (they are %s)", strings.Join(quoteAll(names), ", "))
			}
			c.errorf(use.pointer+"/use", "group-use", "%s", msg)
			continue
		}
		var ids []string
		for _, gf := range g.Fields {
			ids = append(ids, gf.ID)
		}
		for _, by := range []struct {
			name string
			ids  map[string]string
		}{{"prefills", use.Prefills}, {"hints", use.Hints}} {
			for _, k := range sortedKeys(by.ids) {
				if containsString(ids, k) {
					continue
				}
				line, col := c.src.keyAt(use.pointer + "/" + by.name + "/" + escapePointer(k))
				msg := fmt.Sprintf("field `%s` in %s %s %q, which is not a question of the group %q", use.ID, use.section.place(), by.name, k, use.Use)
				if s := suggest(k, ids); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				c.src.add(line, col, Error, "group-use", "%s", msg)
			}
		}
	}
	for _, name := range sortedKeys(c.form.Groups) {
		if !used[name] {
			line, col := c.src.keyAt("/groups/" + escapePointer(name))
			c.src.add(line, col, Warning, "group-use", "group %q is not used by any section", name)
		}
	}
}

// idPointer is where a field's id is written: for a question made from a group, the id of the use that
// made it, since its own id is the use's prefix and the group's question's id.
func (fd *Field) idPointer() string {
	if fd.use != nil {
		return fd.use.pointer + "/id"
	}
	return fd.pointer + "/id"
}

// idWords names a field's id in a message about it, saying where a group's question's id came from.
func (fd *Field) idWords() string {
	if fd.use != nil {
		return fmt.Sprintf("%q (the group %q used as %q)", fd.ID, fd.use.Use, fd.use.ID)
	}
	return fmt.Sprintf("%q", fd.ID)
}

// madeFromGroupQuestion lists the ids of the questions made from group questions with the id, in form
// order: what a condition naming the group's own id probably means.
func (f *Form) madeFromGroupQuestion(id string) []string {
	var out []string
	f.walkFields(func(fd *Field) {
		if fd.use != nil && strings.TrimPrefix(fd.ID, fd.use.ID+groupSeparator) == id {
			out = append(out, fd.ID)
		}
	})
	return out
}
