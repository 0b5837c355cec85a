package engine

import (
	"fmt"
	"strings"
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

// Describe states a condition in words, for hints beside conditional questions and for blank forms:
// `"Are the parents aware of this referral?" is "No"`.
func (c *Condition) Describe() string {
	if c == nil {
		return ""
	}
	if c.conditionLang() == "cy" {
		return c.describeWelsh() // a Welsh copy's condition (describe_cy.go)
	}
	join := func(list []*Condition, word string) string {
		parts := make([]string, 0, len(list))
		for _, s := range list {
			d := s.Describe()
			if len(s.All)+len(s.Any) > 0 {
				d = "(" + d + ")"
			}
			parts = append(parts, d)
		}
		return strings.Join(parts, " "+word+" ")
	}
	switch {
	case c.All != nil:
		return join(c.All, "and")
	case c.Any != nil:
		return join(c.Any, "or")
	case c.Not != nil && c.Not.Equals != nil:
		return (&Condition{Field: c.Not.Field, NotEquals: c.Not.Equals, target: c.Not.target}).describeNotEquals()
	case c.Not != nil:
		return "it is not the case that " + c.Not.Describe()
	case c.Expr != "":
		return pick(c.Text, exprConditionWords) // the designer's words for an expression
	}
	name := c.Field
	t := c.target
	if t != nil && t.Label != "" {
		name = t.Label
	}
	name = "“" + strings.TrimSpace(name) + "”"
	value := func(v any) string {
		if s, ok := v.(string); ok && t != nil {
			if t.Type == TypeYesNo {
				return "“" + upperFirst(s) + "”"
			}
			if label := t.OptionLabel(s); label != "" {
				return "“" + label + "”"
			}
			return "“" + s + "”"
		}
		return fmt.Sprint(v)
	}
	switch {
	case c.Answered != nil && *c.Answered:
		return name + " is answered"
	case c.Answered != nil:
		return name + " is not answered"
	case c.Equals != nil:
		return name + " is " + value(c.Equals)
	case c.NotEquals != nil:
		return name + " is answered and is not " + value(c.NotEquals)
	case c.In != nil:
		vals := make([]string, 0, len(c.In))
		for _, v := range c.In {
			vals = append(vals, value(v))
		}
		return name + " is " + joinOr(vals)
	case c.Contains != nil:
		return name + " includes " + value(*c.Contains)
	case c.GreaterThan != nil:
		return name + " is more than " + formatNumber(*c.GreaterThan)
	case c.LessThan != nil:
		return name + " is less than " + formatNumber(*c.LessThan)
	}
	return name
}

// describeNotEquals words not(equals), which also holds when the question is unanswered.
func (c *Condition) describeNotEquals() string {
	d := (&Condition{Field: c.Field, Equals: c.NotEquals, target: c.target}).Describe()
	return strings.Replace(d, " is “", " is not “", 1)
}
