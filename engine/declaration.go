package engine

import (
	"regexp"
	"strings"
)

// A declaration that shows the person's own answers (content15): its text may name other questions as
// {id}, and each is replaced by the answer given to it, so that people confirm what they actually said
// ("I, {referrer_name}, confirm..."). The replacement is text: whoever draws it escapes it.

// placeholderRE finds {id} in a declaration's text.
var placeholderRE = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// Placeholders returns the ids a declaration's text names, in order, with the byte offset of each.
func (fd *Field) Placeholders() (ids []string, offsets []int) {
	if fd.Type != TypeDeclaration {
		return nil, nil
	}
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(fd.Text, -1) {
		ids = append(ids, fd.Text[m[2]:m[3]])
		offsets = append(offsets, m[0])
	}
	return ids, offsets
}

// Statement is a declaration's text with each {id} replaced by the answer to that question, formatted as
// everywhere else (FormatAnswer), or by the question's label in brackets while it has none. child is the
// child whose answers a per-child declaration shows ("" outside per-child sections).
func (f *Form) Statement(fd *Field, a Answers, child string, children []Child) string {
	return placeholderRE.ReplaceAllStringFunc(fd.Text, func(m string) string {
		t := f.Field(m[1 : len(m)-1])
		if t == nil {
			return m
		}
		values := a.Values
		if t.section != nil && t.section.Repeats() {
			values = a.Children[child]
		}
		if lines := t.FormatAnswer(values[t.ID], children); len(lines) > 0 && strings.TrimSpace(strings.Join(lines, "")) != "" {
			return strings.Join(lines, ", ")
		}
		return "[" + t.Label + "]"
	})
}

// checkPlaceholders reports a declaration naming a question that is not there, that takes no answer a
// sentence can show, or that is per child when the declaration is not.
func (c *checker) checkPlaceholders() {
	c.form.walkFields(func(fd *Field) {
		ids, offsets := fd.Placeholders()
		for i, id := range ids {
			line, col := c.src.inText(fd.pointer+"/text", offsets[i])
			t := c.form.fields[id]
			switch {
			case t == nil:
				msg := "{" + id + "} in the text of " + fd.place() + " names no question outside tables and lists"
				if near := c.nearestFieldID(id); near != "" {
					msg += ": did you mean {" + near + "}?"
				}
				c.src.add(line, col, Error, "declaration-placeholder", "%s", msg)
			case !t.Answerable() || t.Container() || t.Type == TypeAttachments || t.Type == TypeDeclaration:
				c.src.add(line, col, Error, "declaration-placeholder", "{%s} in the text of %s is a %s, which has no answer to show in a sentence", id, fd.place(), t.Type)
			case t.section.Repeats() && !fd.section.repeatsLike(t.section):
				c.src.add(line, col, Error, "declaration-placeholder", "{%s} in the text of %s is asked for each child, but the declaration is asked once: move it into the per-child section, or name a question asked once", id, fd.place())
			}
		}
	})
}

// nearestFieldID is the id of a field outside tables and lists closest in spelling to id, or "".
func (c *checker) nearestFieldID(id string) string {
	best, bestD := "", 4
	for other := range c.form.fields {
		if d := editDistance(id, other); d < bestD || d == bestD && other < best {
			best, bestD = other, d
		}
	}
	return best
}
