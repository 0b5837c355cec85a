// Evaluation of showWhen conditions against the answers in scope (form, child, row).

package engine

import "strings"

// scope is where answers are looked up while validating: the form's values, the current child's, the
// current row's.
type scope struct {
	v              *validation
	values         map[string]any
	child          map[string]any
	prefilled      map[string]any
	childPrefilled map[string]any
	childName      string
	childID        string
	row            map[string]any
	rowOf          *Field
	rowIndex       int
	outer          *rowFrame // the outer list's item, while an item of a list inside it is checked (nested.go)
	// itemOf and item are the list and the item a repeated section is being asked for (repeat.go).
	itemOf  *Field
	item    map[string]any
	visible map[*Field]bool
	// For expressions (expressions.go): cleaned answers outside rows, and the computed fields being
	// worked out.
	cleaned   map[*Field]any
	computing map[*Field]bool
}

// raw returns the answer a field holds in this scope, read-only values coming from the case data.
func (sc *scope) raw(fd *Field) any {
	switch {
	case fd.Type == TypeComputed:
		return sc.computedValue(fd)
	case fd.parent != nil:
		if sc.rowOf == fd.parent {
			return sc.row[fd.ID]
		}
		if sc.outer != nil && sc.outer.of == fd.parent {
			return sc.outer.row[fd.ID]
		}
		if sc.itemOf != nil && sc.itemOf == fd.parent {
			return sc.item[fd.ID] // lists15: the item a repeated section is asked for
		}
		return nil
	case fd.section.Repeats():
		if fd.ReadOnly {
			return sc.childPrefilled[fd.ID]
		}
		return sc.child[fd.ID]
	case fd.ReadOnly:
		return sc.prefilled[fd.ID]
	}
	return sc.values[fd.ID]
}

// isVisible reports whether a field is shown in this scope: its section's, container's and own conditions.
func (sc *scope) isVisible(fd *Field) bool {
	memo := fd.parent == nil
	if memo {
		if vis, ok := sc.visible[fd]; ok {
			return vis
		}
	}
	vis := sc.holds(fd.section.ShowWhen, 0) && (fd.parent == nil || sc.isVisible(fd.parent)) && sc.holds(fd.ShowWhen, 0)
	if memo {
		if sc.visible == nil {
			sc.visible = map[*Field]bool{}
		}
		sc.visible[fd] = vis
	}
	return vis
}

func (sc *scope) holds(c *Condition, depth int) bool {
	if c == nil {
		return true
	}
	if depth > maxConditionDepth {
		return false
	}
	switch {
	case c.All != nil:
		for _, s := range c.All {
			if !sc.holds(s, depth+1) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, s := range c.Any {
			if sc.holds(s, depth+1) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !sc.holds(c.Not, depth+1)
	case c.Expr != "":
		holds, _ := sc.evalBool(c.prog)
		return holds
	}
	t := c.target
	if t == nil {
		return false
	}
	var val any
	if sc.isVisible(t) {
		val = sc.raw(t)
	}
	answered := isAnswered(val)
	switch {
	case c.Answered != nil:
		return answered == *c.Answered
	case !answered:
		return false
	case c.Equals != nil:
		return sameValue(t, val, c.Equals)
	case c.NotEquals != nil:
		return !sameValue(t, val, c.NotEquals)
	case c.In != nil:
		for _, x := range c.In {
			if sameValue(t, val, x) {
				return true
			}
		}
		return false
	case c.Contains != nil:
		for _, x := range asList(val) {
			if strings.TrimSpace(x) == *c.Contains {
				return true
			}
		}
		return false
	case c.GreaterThan != nil:
		n, ok := toNumber(val)
		return ok && n > *c.GreaterThan
	case c.LessThan != nil:
		n, ok := toNumber(val)
		return ok && n < *c.LessThan
	}
	return false
}

func sameValue(t *Field, val, want any) bool {
	if t.Type == TypeNumber {
		n, ok := toNumber(val)
		w, wok := want.(float64)
		return ok && wok && n == w
	}
	s, ok := want.(string)
	if !ok {
		return false
	}
	if t.Type == TypeYesNo {
		got, _ := yesNo(val)
		return got == s
	}
	if t.Type == TypeDate {
		got, problem := parseDate(val)
		return problem == "" && got == s
	}
	got, ok := val.(string)
	return ok && strings.TrimSpace(got) == s
}
