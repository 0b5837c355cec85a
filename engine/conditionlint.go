// The lint side of showWhen conditions: references resolved, operators and values checked, cycles and
// conditions that can never hold found.

package engine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// resolveRef finds the field an id refers to from a field (or, with from nil, from a section's
// condition), following the scoping rules of forms/README.md. problem explains a failed lookup.
func (c *checker) resolveRef(from *Field, section *Section, id string) (target *Field, problem string) {
	for row := from; row != nil && row.parent != nil; row = row.parent {
		// The same item's fields, then (lists15) those of the item holding a list inside a list.
		for _, sib := range row.parent.Children() {
			if sib.ID == id && sib != row {
				return sib, ""
			}
		}
	}
	if section != nil && section.repeatList != nil && c.form.fields[id] == nil {
		list := section.repeatList
		if item := list.Child(id); item != nil && item.Answerable() && !item.Container() {
			return item, "" // lists15: an answer of the item the section is repeated for
		}
	}
	target, ok := c.form.fields[id]
	if !ok {
		var known []string
		if from != nil && from.parent != nil {
			for _, sib := range from.parent.Children() {
				known = append(known, sib.ID)
			}
		}
		known = append(known, sortedKeys(c.form.fields)...)
		inside := c.containerHolding(id)
		switch made := c.form.madeFromGroupQuestion(id); {
		case len(made) > 0: // struct15: a group's question named by its id in the group
			return nil, fmt.Sprintf("refers to %q, a question of a group: name it by its id where the group is used (%s)", id, strings.Join(quoteAll(made), ", "))
		case inside != nil:
			return nil, fmt.Sprintf("refers to %q, which is inside %s %q: only the other fields of the same row or item can refer to it", id, inside.Type, inside.ID)
		default:
			msg := fmt.Sprintf("refers to %q, which is not a field of this form", id)
			if s := suggest(id, known); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return nil, msg
		}
	}
	if target.section.PerChild && !section.PerChild {
		return nil, fmt.Sprintf("refers to %q, which is in per-child section %q: only questions in per-child sections can depend on it", id, target.section.ID)
	}
	if target.section.RepeatFor != "" && !section.repeatsLike(target.section) {
		return nil, fmt.Sprintf("refers to %q, which is in section %q, repeated for each item of %q: only questions of sections repeated for the same list can depend on it", id, target.section.ID, target.section.RepeatFor)
	}
	return target, ""
}

func (c *checker) containerHolding(id string) *Field {
	var found *Field
	c.form.walkFields(func(fd *Field) {
		if found != nil {
			return
		}
		for _, child := range fd.Children() {
			if child.ID == id {
				found = fd
				return
			}
		}
	})
	return found
}

func (c *checker) resolveConditions() {
	for _, s := range c.form.Sections {
		c.checkCondition(s.ShowWhen, nil, s)
	}
	c.form.walkFields(func(fd *Field) { c.checkCondition(fd.ShowWhen, fd, fd.section) })
	for _, s := range c.form.Sections {
		if s.ShowWhen != nil && neverTrue(s.ShowWhen) {
			c.warnf(s.pointer+"/showWhen", "condition-never-true", "%s is never shown: its condition can never be true", s.place())
		}
	}
	c.form.walkFields(func(fd *Field) {
		if fd.ShowWhen == nil || !neverTrue(fd.ShowWhen) {
			return
		}
		if fd.Required {
			c.warnf(fd.pointer+"/showWhen", "condition-never-true", "%s is required, but its condition can never be true, so it is never asked", fd.place())
		} else {
			c.warnf(fd.pointer+"/showWhen", "condition-never-true", "%s is never shown: its condition can never be true", fd.place())
		}
	})
}

func (c *checker) checkCondition(cond *Condition, from *Field, section *Section) {
	if cond == nil {
		return
	}
	if cond.Expr != "" {
		c.checkExprCondition(cond, from, section)
		return
	}
	composite := 0
	for _, set := range []bool{cond.All != nil, cond.Any != nil, cond.Not != nil} {
		if set {
			composite++
		}
	}
	ops := cond.operators()
	switch {
	case composite > 1 || composite == 1 && (cond.Field != "" || len(ops) > 0):
		c.errorf(cond.pointer, "condition-operator", "a condition is one of all, any, not, or a comparison of one field; this one mixes them")
		return
	case composite == 1:
		for _, sub := range cond.All {
			c.checkCondition(sub, from, section)
		}
		for _, sub := range cond.Any {
			c.checkCondition(sub, from, section)
		}
		c.checkCondition(cond.Not, from, section)
		return
	case cond.Field == "":
		c.errorf(cond.pointer, "condition-operator", "the condition names no field: write field: and one of equals, notEquals, in, contains, answered, greaterThan, lessThan")
		return
	case len(ops) != 1:
		if len(ops) == 0 {
			c.errorf(cond.pointer, "condition-operator", "the condition on %q has no operator: add one of equals, notEquals, in, contains, answered, greaterThan, lessThan", cond.Field)
		} else {
			c.errorf(cond.pointer, "condition-operator", "the condition on %q has %d operators (%s): use all to combine comparisons", cond.Field, len(ops), strings.Join(ops, ", "))
		}
		return
	}
	target, problem := c.resolveRef(from, section, cond.Field)
	if problem != "" {
		c.errorf(cond.pointer+"/field", "condition-ref", "the condition %s", problem)
		return
	}
	if target == from {
		c.errorf(cond.pointer+"/field", "condition-cycle", "%s is shown only when it is itself answered: a question cannot depend on itself", from.place())
		return
	}
	cond.target = target
	c.checkOperator(cond, ops[0], target)
}

func (cond *Condition) operators() []string {
	var ops []string
	add := func(set bool, name string) {
		if set {
			ops = append(ops, name)
		}
	}
	add(cond.Equals != nil, "equals")
	add(cond.NotEquals != nil, "notEquals")
	add(cond.In != nil, "in")
	add(cond.Contains != nil, "contains")
	add(cond.Answered != nil, "answered")
	add(cond.GreaterThan != nil, "greaterThan")
	add(cond.LessThan != nil, "lessThan")
	return ops
}

// Which operators each field type supports.
var operatorTypes = map[string][]string{
	"equals":      {TypeText, TypeTextarea, TypeEmail, TypePhone, TypeNumber, TypeDate, TypeSelect, TypeRadios, TypeYesNo},
	"notEquals":   {TypeText, TypeTextarea, TypeEmail, TypePhone, TypeNumber, TypeDate, TypeSelect, TypeRadios, TypeYesNo},
	"in":          {TypeText, TypeEmail, TypeSelect, TypeRadios, TypeYesNo, TypeNumber},
	"contains":    {TypeCheckboxes, TypeChildren},
	"greaterThan": {TypeNumber},
	"lessThan":    {TypeNumber},
}

func (c *checker) checkOperator(cond *Condition, op string, target *Field) {
	p := cond.pointer + "/" + op
	if op == "answered" {
		if !target.Answerable() {
			c.errorf(p, "condition-type", "%s is static content and is never answered", target.place())
		}
		return
	}
	if !containsString(operatorTypes[op], target.Type) {
		c.errorf(p, "condition-type", "%s cannot be used on %q, a %s field (it works on %s)", op, target.ID, target.Type, strings.Join(operatorTypes[op], ", "))
		return
	}
	var values []any
	switch op {
	case "equals":
		values = []any{cond.Equals}
	case "notEquals":
		values = []any{cond.NotEquals}
	case "in":
		values = cond.In
	case "contains":
		values = []any{*cond.Contains}
	default:
		return // greaterThan and lessThan are numbers by the schema
	}
	for _, v := range values {
		if msg := c.valueProblem(target, v); msg != "" {
			c.errorf(p, "condition-type", "%s", msg)
			return
		}
	}
}

// valueProblem says why a condition's value can never be an answer of the target field, or "".
func (c *checker) valueProblem(target *Field, v any) string {
	switch target.Type {
	case TypeNumber:
		if _, ok := v.(float64); !ok {
			return fmt.Sprintf("%s is a number field; compare it with a number, not %s", target.place(), jsonText(v))
		}
		return ""
	case TypeYesNo:
		if v != valueYes && v != valueNo {
			return fmt.Sprintf("%s is a yes/no question: its answer is \"yes\" or \"no\", never %s", target.place(), jsonText(v))
		}
	case TypeSelect, TypeRadios, TypeCheckboxes:
		s, ok := v.(string)
		var values []string
		for _, o := range target.Options {
			values = append(values, o.Value)
		}
		if !ok || !containsString(values, s) {
			msg := fmt.Sprintf("%s is not an option of %q (its options are %s)", jsonText(v), target.ID, strings.Join(quoteAll(values), ", "))
			if sug := suggest(s, values); ok && sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			return msg
		}
	default:
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("%s is answered with text; compare it with text, not %s", target.place(), jsonText(v))
		}
	}
	return ""
}

// checkConditionCycles finds questions that depend, through their conditions, on themselves.
func (c *checker) checkConditionCycles() {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[*Field]int{}
	c.inCycle = map[*Field]bool{}
	var visit func(fd *Field, path []*Field) bool
	visit = func(fd *Field, path []*Field) bool {
		switch state[fd] {
		case visiting:
			var ids []string
			start := 0
			for i, p := range path {
				if p == fd {
					start = i
				}
			}
			for _, p := range path[start:] {
				ids = append(ids, p.ID)
				c.inCycle[p] = true
			}
			ids = append(ids, fd.ID)
			c.errorf(fd.pointer+"/showWhen", "condition-cycle", "conditions go round in a circle: %s", strings.Join(ids, " → "))
			return true
		case done:
			return false
		}
		state[fd] = visiting
		for _, t := range dependencies(fd) {
			if t != fd && visit(t, append(path, fd)) {
				state[fd] = done
				return true
			}
		}
		state[fd] = done
		return false
	}
	c.form.walkFields(func(fd *Field) { visit(fd, nil) })
	// A section shown only by an answer inside itself can never be shown.
	for _, s := range c.form.Sections {
		for _, t := range s.ShowWhen.Targets() {
			if t.section == s {
				c.errorf(s.pointer+"/showWhen", "condition-cycle", "%s is shown only when %s, a question inside it, is answered: it can never be shown", s.place(), t.place())
				break
			}
		}
	}
}

// dependencies lists the fields whose answers decide whether fd is shown.
func dependencies(fd *Field) []*Field {
	var out []*Field
	var collect func(*Condition)
	collect = func(c *Condition) {
		if c == nil {
			return
		}
		if c.target != nil {
			out = append(out, c.target)
		}
		out = append(out, c.refs...) // a condition written as an expression
		for _, s := range c.All {
			collect(s)
		}
		for _, s := range c.Any {
			collect(s)
		}
		collect(c.Not)
	}
	collect(fd.ShowWhen)
	collect(fd.section.ShowWhen)
	if fd.parent != nil {
		collect(fd.parent.ShowWhen)
	}
	return out
}

// neverTrue reports whether a condition is unsatisfiable on its face: contradictory comparisons under
// all, any of such, or a comparison on a question that is itself never shown.
func neverTrue(c *Condition) bool { return neverTrueMemo(c, map[*Condition]int{}) }

// maxConditionDepth stops the evaluation of conditions following a cycle, which is reported on its own.
const maxConditionDepth = 32

// neverTrueMemo remembers each condition's verdict, so conditions shared by many questions are analysed
// once (without it, chains of questions that depend on the ones before take exponential time). A
// condition met again while its own analysis is under way is part of a cycle, reported elsewhere.
func neverTrueMemo(c *Condition, memo map[*Condition]int) bool {
	const visiting, no, yes = 1, 2, 3
	if c == nil {
		return false
	}
	switch memo[c] {
	case visiting, no:
		return false
	case yes:
		return true
	}
	memo[c] = visiting
	result := false
	switch {
	case c.All != nil:
		for _, s := range c.All {
			if neverTrueMemo(s, memo) {
				result = true
				break
			}
		}
		result = result || contradictory(c.All)
	case c.Any != nil:
		result = true
		for _, s := range c.Any {
			if !neverTrueMemo(s, memo) {
				result = false
				break
			}
		}
	case c.Not != nil:
	default:
		needsAnswer := (c.Answered == nil || *c.Answered) && c.NotEquals == nil
		result = c.target != nil && needsAnswer && neverTrueMemo(c.target.ShowWhen, memo)
	}
	memo[c] = no
	if result {
		memo[c] = yes
	}
	return result
}

// contradictory reports whether comparisons that must all hold ask one field for incompatible answers.
func contradictory(conds []*Condition) bool {
	type bounds struct {
		equals      []string
		notEquals   []string
		unanswered  bool
		answered    bool
		greaterThan *float64
		lessThan    *float64
	}
	per := map[*Field]*bounds{}
	for _, c := range conds {
		if c.target == nil {
			continue
		}
		b := per[c.target]
		if b == nil {
			b = &bounds{}
			per[c.target] = b
		}
		switch {
		case c.Equals != nil:
			b.equals = append(b.equals, canonical(c.Equals))
		case c.NotEquals != nil:
			b.notEquals = append(b.notEquals, canonical(c.NotEquals))
		case c.Answered != nil:
			b.unanswered = b.unanswered || !*c.Answered
			b.answered = b.answered || *c.Answered
		case c.GreaterThan != nil:
			if b.greaterThan == nil || *c.GreaterThan > *b.greaterThan {
				b.greaterThan = c.GreaterThan
			}
		case c.LessThan != nil:
			if b.lessThan == nil || *c.LessThan < *b.lessThan {
				b.lessThan = c.LessThan
			}
		}
	}
	for _, b := range per {
		for _, e := range b.equals {
			if e != b.equals[0] || containsString(b.notEquals, e) {
				return true
			}
		}
		if b.unanswered && (b.answered || len(b.equals) > 0 || b.greaterThan != nil || b.lessThan != nil) {
			return true
		}
		if b.greaterThan != nil && b.lessThan != nil && *b.greaterThan >= *b.lessThan {
			return true
		}
	}
	return false
}

func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
