package engine

import (
	"fmt"
	"strings"

	"formportal/i18n"
)

// Targets lists the fields a condition looks at, in the order written.
func (c *Condition) Targets() []*Field {
	var out []*Field
	for _, cmp := range c.comparisons() {
		if cmp.target != nil {
			out = append(out, cmp.target)
		}
		out = append(out, cmp.refs...) // a condition written as an expression
	}
	return out
}

// Target is the field a comparison looks at; nil for all, any and not.
func (c *Condition) Target() *Field {
	if c == nil {
		return nil
	}
	return c.target
}

// Describe states a condition in words, for hints beside conditional questions and for blank forms, in
// the language of the questions it looks at (a translated copy's are in its language): `"Are the
// parents aware of this referral?" is "No"`; in Welsh a clause that follows "os" (if), `yw’r ateb i
// “Ydy’r rhieni’n ymwybodol?” yn “Na”`. The words are the catalogue's (engine.describe.*), one walk for
// every language.
func (c *Condition) Describe() string {
	if c == nil {
		return ""
	}
	return c.describe(wordsIn(c.conditionLang()))
}

// AnswerIf is the hint of a question its condition shows: "Answer this if ... .".
func (c *Condition) AnswerIf() string {
	w := wordsIn(c.conditionLang())
	return i18n.In(w.lang, "engine.describe.answer_if", "Condition", c.describe(w))
}

func (c *Condition) describe(w words) string {
	l := w.lang
	join := func(list []*Condition, id string) string {
		parts := make([]string, 0, len(list))
		for _, s := range list {
			d := s.describe(w)
			if len(s.All)+len(s.Any) > 0 {
				d = "(" + d + ")"
			}
			parts = append(parts, d)
		}
		return strings.Join(parts, " "+i18n.In(l, id)+" ")
	}
	switch {
	case c.All != nil:
		return join(c.All, "engine.describe.and")
	case c.Any != nil:
		return join(c.Any, "engine.describe.or")
	case c.Not != nil && c.Not.Equals != nil:
		return (&Condition{Field: c.Not.Field, NotEquals: c.Not.Equals, target: c.Not.target}).describeNotEquals(w)
	case c.Not != nil:
		return i18n.In(l, "engine.describe.not", "Condition", c.Not.describe(w))
	case c.Expr != "":
		return pick(c.Text, i18n.In(l, "engine.describe.expr")) // the designer's words for an expression
	}
	t := c.target
	name := c.Field
	if t != nil && t.Label != "" {
		name = t.Label
	}
	name = strings.TrimSpace(name)
	switch {
	case c.Answered != nil && *c.Answered:
		return i18n.In(l, "engine.describe.answered", "Name", name)
	case c.Answered != nil:
		return i18n.In(l, "engine.describe.not_answered", "Name", name)
	case c.Equals != nil:
		return i18n.In(l, "engine.describe.equals", "Name", name, "Value", c.value(c.Equals))
	case c.NotEquals != nil:
		return i18n.In(l, "engine.describe.answered_not", "Name", name, "Value", c.value(c.NotEquals))
	case c.In != nil:
		vals := make([]string, 0, len(c.In))
		for _, v := range c.In {
			vals = append(vals, c.value(v))
		}
		return i18n.In(l, "engine.describe.equals", "Name", name, "Value", w.orWords(vals))
	case c.Contains != nil:
		return i18n.In(l, "engine.describe.contains", "Name", name, "Value", c.value(*c.Contains))
	case c.GreaterThan != nil:
		return i18n.In(l, "engine.describe.more", "Name", name, "Value", formatNumber(*c.GreaterThan))
	case c.LessThan != nil:
		return i18n.In(l, "engine.describe.less", "Name", name, "Value", formatNumber(*c.LessThan))
	}
	return "“" + name + "”"
}

// value is a value a condition compares with, as people read it: an option's label, "Yes" or "Ie".
func (c *Condition) value(v any) string {
	s, ok := v.(string)
	if !ok || c.target == nil {
		return fmt.Sprint(v)
	}
	if c.target.Type == TypeYesNo {
		return "“" + c.target.yesNoWord(s) + "”"
	}
	if label := c.target.OptionLabel(s); label != "" {
		return "“" + label + "”"
	}
	return "“" + s + "”"
}

// describeNotEquals words not(equals), which also holds when the question is unanswered.
func (c *Condition) describeNotEquals(w words) string {
	name := c.Field
	if c.target != nil && c.target.Label != "" {
		name = c.target.Label
	}
	return i18n.In(w.lang, "engine.describe.not_equals", "Name", strings.TrimSpace(name), "Value", c.value(c.NotEquals))
}

// orWords joins the values a condition allows: "“A”, “B” or “C”". The values are in quotation marks, so
// the Welsh "neu" before the last needs no mutation of it.
func (w words) orWords(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return i18n.In(w.lang, "engine.describe.list_or", "List", strings.Join(parts[:len(parts)-1], ", "), "Last", parts[len(parts)-1])
}

// conditionLang is the language of a condition's texts: that of the first question it looks at.
func (c *Condition) conditionLang() string {
	for _, t := range c.Targets() {
		return t.lang()
	}
	return English
}
