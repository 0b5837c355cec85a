// Package enginetest makes plausible, valid case data and answers for any form definition, so tests,
// benchmarks, load runs and demo data exercise every bundled form without hand-written fixtures.
package enginetest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"formportal/engine"
)

// childNames are the demo sibling group, in the council's order.
var childNames = []string{"Aurora Boreo", "Orion Boreo", "Lyra Boreo", "Vega Boreo", "Altair Boreo"}

// CaseData makes case data satisfying the form's case-data schema; a family form gets the given number
// of children (ids c1, c2, ...).
func CaseData(form *engine.Form, children int) any {
	g := &caseGen{children: children}
	return g.value("", form.CaseData)
}

type caseGen struct{ children int }

func (g *caseGen) value(name string, schema map[string]any) any {
	if enum, ok := schema["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	if c, ok := schema["const"]; ok {
		return c
	}
	typ, _ := schema["type"].(string)
	if list, ok := schema["type"].([]any); ok && len(list) > 0 {
		typ, _ = list[0].(string)
	}
	switch typ {
	case "object":
		props, _ := schema["properties"].(map[string]any)
		out := map[string]any{}
		for key, sub := range props {
			s, _ := sub.(map[string]any)
			out[key] = g.value(key, s)
		}
		return out
	case "array":
		items, _ := schema["items"].(map[string]any)
		n := 1
		if name == "children" {
			n = g.children
		}
		if min, ok := schema["minItems"].(float64); ok && int(min) > n {
			n = int(min)
		}
		out := make([]any, 0, n)
		for i := range n {
			v := g.value(name, items)
			if m, ok := v.(map[string]any); ok && name == "children" {
				m["id"] = fmt.Sprintf("c%d", i+1)
				m["name"] = childNames[i%len(childNames)]
				m["dob"] = fmt.Sprintf("%d-0%d-1%d", 2012+i, 1+i%9, i%10)
			}
			out = append(out, v)
		}
		return out
	case "integer", "number":
		return 1.0
	case "boolean":
		return true
	}
	return sampleString(name, schema)
}

func sampleString(name string, schema map[string]any) string {
	format, _ := schema["format"].(string)
	lower := strings.ToLower(name)
	switch {
	case format == "date" || strings.Contains(lower, "dob") || strings.Contains(lower, "date"):
		return "2016-01-01"
	case format == "email" || strings.Contains(lower, "email"):
		return "sample@example.org"
	case strings.Contains(lower, "address"):
		return "41 Test Street, Testertown, TS1 1ST"
	case lower == "name":
		return "Aurora Boreo"
	}
	return "Sample " + strings.ReplaceAll(name, "_", " ")
}

// Answers makes answers that pass validation: every question answered with a value its constraints
// accept (the first option of choices, "yes" to yes/no questions), and every table given rows rows, or
// as many as it allows. Read-only questions are left to the case data.
func Answers(form *engine.Form, caseData any, rows int, today time.Time) engine.Answers {
	g := &answerGen{form: form, rows: rows, today: today, children: form.Children(caseData)}
	a := engine.Answers{Values: map[string]any{}}
	for _, s := range form.Sections {
		if !s.Repeats() {
			g.fill(s.Fields, a.Values)
			continue
		}
		for _, c := range form.Repetitions(s, caseData, a) { // each child, or each item of the list (lists15)
			if a.Children == nil {
				a.Children = map[string]map[string]any{}
			}
			if a.Children[c.ID] == nil {
				a.Children[c.ID] = map[string]any{}
			}
			g.fill(s.Fields, a.Children[c.ID])
		}
	}
	return a
}

type answerGen struct {
	form     *engine.Form
	rows     int
	today    time.Time
	children []engine.Child
}

func (g *answerGen) fill(fields []*engine.Field, into map[string]any) {
	for _, fd := range fields {
		if fd.ReadOnly || !fd.Answerable() {
			continue
		}
		if v, ok := g.value(fd); ok {
			into[fd.ID] = v
		}
	}
}

func (g *answerGen) value(fd *engine.Field) (any, bool) {
	switch fd.Type {
	case engine.TypeText, engine.TypeTextarea:
		return g.text(fd)
	case engine.TypeEmail:
		return "sample.practitioner@example.org", true
	case engine.TypePhone:
		return "01632960001", true
	// The UK answer types, as their pages post them.
	case engine.TypeNHSNumber:
		return "943 476 5919", true
	case engine.TypeTime:
		return "2:30pm", true
	case engine.TypeDateOfBirth:
		return map[string]any{"status": engine.DOBBorn, "day": "12", "month": "3", "year": "2019", "estimated": "yes"}, true
	case engine.TypeAddress:
		return map[string]any{"kind": engine.AddressKnown, "line1": "41 Test Street", "town": "Testertown", "postcode": "ts1 1st"}, true
	case engine.TypeSignature:
		d := g.today.AddDate(0, 0, -1) // signed yesterday: a date typed, not the one filled in
		return map[string]any{"name": "Sam Sample", "day": fmt.Sprint(d.Day()), "month": fmt.Sprint(int(d.Month())), "year": fmt.Sprint(d.Year())}, true
	case engine.TypeNumber:
		n := 1.0
		if fd.Min != nil && *fd.Min > n {
			n = *fd.Min
		}
		if fd.Max != nil && *fd.Max < n {
			n = *fd.Max
		}
		return fmt.Sprint(n), true
	case engine.TypeDate:
		return g.date(fd), true
	case engine.TypeSelect, engine.TypeRadios:
		return fd.Options[0].Value, true
	case engine.TypeCheckboxes:
		n := 1
		if fd.MinSelected != nil && *fd.MinSelected > n {
			n = *fd.MinSelected
		}
		var vals []any
		for _, o := range fd.Options[:min(n, len(fd.Options))] {
			vals = append(vals, o.Value)
		}
		return vals, true
	case engine.TypeYesNo:
		return "yes", true
	case engine.TypeDeclaration:
		return "yes", true
	case engine.TypeChildren:
		var ids []any
		for _, c := range g.children {
			ids = append(ids, c.ID)
			if !fd.MultipleChildren() {
				break
			}
		}
		return ids, len(ids) > 0
	case engine.TypeAttachments:
		kind := "pdf"
		if len(fd.Accept) > 0 {
			kind = fd.Accept[0]
		}
		return []any{map[string]any{"id": "sample-" + fd.ID, "name": "report." + kind, "size": 2048, "kind": kind}}, true
	case engine.TypeTable, engine.TypeList:
		return g.rowsOf(fd), true
	}
	return nil, false
}

func (g *answerGen) rowsOf(fd *engine.Field) []any {
	n := g.rows
	for _, limit := range []*int{fd.MaxRows, fd.MaxItems} {
		if limit != nil && *limit < n {
			n = *limit
		}
	}
	for _, limit := range []*int{fd.MinRows, fd.MinItems} {
		if limit != nil && *limit > n {
			n = *limit
		}
	}
	out := make([]any, 0, n)
	for i := range n {
		row := map[string]any{}
		g.fill(fd.Children(), row)
		if fd.HasItemIDs() { // a section repeats for the items (lists15)
			row[engine.ItemIDKey] = fmt.Sprintf("i%016x", i+1)
		}
		out = append(out, row)
	}
	return out
}

// patternCandidates are values tried, in order, against a field's pattern.
var patternCandidates = []string{"OX1 1NE", "01632960001", "QQ123456C", "1234567890", "A1", "sample"}

func (g *answerGen) text(fd *engine.Field) (any, bool) {
	text := "Sample answer to " + strings.ToLower(fd.Label)
	if fd.Type == engine.TypeTextarea {
		text += ". The practitioner visited the family at home; the children were seen together and on their own."
	}
	if fd.Pattern != "" {
		re, err := regexp.Compile(fd.Pattern)
		if err != nil {
			return nil, false
		}
		for _, c := range patternCandidates {
			if re.MatchString(c) {
				return c, true
			}
		}
		return nil, false
	}
	if fd.MaxLength != nil && len(text) > *fd.MaxLength {
		text = text[:*fd.MaxLength]
	}
	for fd.MinLength != nil && len(text) < *fd.MinLength {
		text += " and more detail"
	}
	return text, true
}

// date picks a day that satisfies the field's rules: a month ago for a past date, a month ahead for a
// future one, nudged after or before another date in the same way.
func (g *answerGen) date(fd *engine.Field) string {
	day := g.today.AddDate(0, -1, 0)
	switch {
	case fd.NotInPast:
		day = g.today.AddDate(0, 1, 0)
	case fd.After != "":
		day = g.today.AddDate(0, 0, -7)
	case fd.Before != "":
		day = g.today.AddDate(0, -2, 0)
	}
	if fd.After != "" && fd.NotInPast {
		day = g.today.AddDate(0, 2, 0)
	}
	if fd.MinDate != "" {
		if min, err := time.Parse(time.DateOnly, fd.MinDate); err == nil && day.Before(min) {
			day = min
		}
	}
	if fd.MaxDate != "" {
		if max, err := time.Parse(time.DateOnly, fd.MaxDate); err == nil && day.After(max) {
			day = max
		}
	}
	return day.Format(time.DateOnly)
}
