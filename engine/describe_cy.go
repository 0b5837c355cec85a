package engine

import (
	"fmt"
	"strings"
	"time"

	"formportal/i18n"
)

// The fixed words of a translated copy's conditions and answers, in Welsh: a condition in words is a
// clause that follows "os" (if), as "Dim ond os yw'r ateb i “…” yn “Na”" (only if the answer to … is
// No); an answer reads as the Welsh print view and PDF print it.

// lang is the language of the field's texts: that of the translated copy it belongs to.
func (fd *Field) lang() string {
	if fd != nil && fd.section != nil && fd.section.lang != "" {
		return fd.section.lang
	}
	return English
}

// conditionLang is the language of a condition's texts: that of the first question it looks at.
func (c *Condition) conditionLang() string {
	for _, cmp := range c.comparisons() {
		if cmp.target != nil {
			return cmp.target.lang()
		}
	}
	return English
}

// Welsh words of answers and conditions.
const (
	welshYes          = "Ie"
	welshNo           = "Na"
	welshConfirmed    = "Wedi’i gadarnhau"
	welshNotConfirmed = "Heb ei gadarnhau"
	welshRow          = "Rhes"
	welshSignedBy     = "Llofnodwyd gan "
	welshSignedOn     = " ar "
)

// welshLongDate writes a YYYY-MM-DD date in Welsh: 1 Rhagfyr 2026.
func welshLongDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return FormatDate(t, "cy")
}

// FormatDate writes a date as people read it in the language: 3 March 2026, 3 Mawrth 2026 (the service's
// catalogue names the months).
func FormatDate(t time.Time, lang string) string {
	l, _ := i18n.Parse(lang)
	return i18n.Date(l, t)
}

// yesNoWord is the answer to a yes/no question in the field's language.
func (fd *Field) yesNoWord(s string) string {
	if fd.lang() == "cy" {
		return map[string]string{valueYes: welshYes, valueNo: welshNo}[s]
	}
	return upperFirst(s)
}

// describeWelsh is Describe in Welsh.
func (c *Condition) describeWelsh() string {
	join := func(list []*Condition, word string) string {
		parts := make([]string, 0, len(list))
		for _, s := range list {
			d := s.describeWelsh()
			if len(s.All)+len(s.Any) > 0 {
				d = "(" + d + ")"
			}
			parts = append(parts, d)
		}
		return strings.Join(parts, " "+word+" ")
	}
	switch {
	case c.All != nil:
		return join(c.All, "ac os")
	case c.Any != nil:
		return join(c.Any, "neu os")
	case c.Not != nil && c.Not.Equals != nil:
		return "nad " + strings.TrimPrefix((&Condition{Field: c.Not.Field, Equals: c.Not.Equals, target: c.Not.target}).describeWelsh(), "yw")
	case c.Not != nil:
		return "nad yw’r canlynol yn wir: " + c.Not.describeWelsh()
	}
	t := c.target
	name := c.Field
	if t != nil && t.Label != "" {
		name = t.Label
	}
	answer := "yw’r ateb i “" + strings.TrimSpace(name) + "”"
	value := func(v any) string {
		if s, ok := v.(string); ok && t != nil {
			if t.Type == TypeYesNo {
				return "“" + t.yesNoWord(s) + "”"
			}
			return "“" + t.OptionLabel(s) + "”"
		}
		return fmt.Sprint(v)
	}
	switch {
	case c.Answered != nil && *c.Answered:
		return "oes ateb i “" + strings.TrimSpace(name) + "”"
	case c.Answered != nil:
		return "nad oes ateb i “" + strings.TrimSpace(name) + "”"
	case c.Equals != nil:
		return answer + " yn " + value(c.Equals)
	case c.NotEquals != nil:
		return "oes ateb i “" + strings.TrimSpace(name) + "” ac nad yw’n " + value(c.NotEquals)
	case c.In != nil:
		vals := make([]string, 0, len(c.In))
		for _, v := range c.In {
			vals = append(vals, value(v))
		}
		return answer + " yn " + joinWelshOr(vals)
	case c.Contains != nil:
		return answer + " yn cynnwys " + value(*c.Contains)
	case c.GreaterThan != nil:
		return answer + " yn fwy na " + formatNumber(*c.GreaterThan)
	case c.LessThan != nil:
		return answer + " yn llai na " + formatNumber(*c.LessThan)
	}
	return "“" + strings.TrimSpace(name) + "”"
}

func joinWelshOr(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " neu " + parts[len(parts)-1]
}
