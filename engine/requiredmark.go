package engine

import "formportal/engine/expr"

// A question required when its requiredWhen holds is marked * on the page while it holds. The server
// marks it as it draws the page (SectionResult.RequiredNow); a requiredWhen that says no more than
// comparisons (answered(x), x == "v", age > 3, and && and || of them: expr.Comparisons) is also given
// to the page's script as a condition, so that the * follows the answers as a revealed question does.
// The server stays the judge: it checks requiredWhen itself on saving.

// RequiredWhenCondition is the question's requiredWhen as a structured condition, or nil when it cannot
// be said as one.
func (fd *Field) RequiredWhenCondition() *Condition { return fd.requiredCond }

// requiredCondition says a compiled requiredWhen as a condition on the questions it names.
func (f *Form) requiredCondition(fd *Field) *Condition {
	cmp, ok := fd.requiredWhen.Comparisons()
	if !ok {
		return nil
	}
	c, ok := f.comparisonCondition(fd, cmp)
	if !ok {
		return nil
	}
	return c
}

func (f *Form) comparisonCondition(fd *Field, cmp *expr.Comparison) (*Condition, bool) {
	list := func(in []*expr.Comparison) ([]*Condition, bool) {
		out := make([]*Condition, 0, len(in))
		for _, x := range in {
			c, ok := f.comparisonCondition(fd, x)
			if !ok {
				return nil, false
			}
			out = append(out, c)
		}
		return out, true
	}
	switch {
	case cmp.All != nil:
		all, ok := list(cmp.All)
		return &Condition{All: all}, ok
	case cmp.Any != nil:
		anyOf, ok := list(cmp.Any)
		return &Condition{Any: anyOf}, ok
	}
	var t *Field
	if fd.parent != nil {
		t = fd.parent.Child(cmp.Name)
	}
	if t == nil {
		t = f.fields[cmp.Name]
	}
	if t == nil || t.Type == TypeComputed || t.Container() {
		return nil, false // a computed value or rows: the page's script cannot see them
	}
	c := &Condition{Field: t.ID, target: t}
	yes, no := true, false
	value := cmp.Value
	if b, isBool := value.(bool); isBool { // a yes/no answer compared with true or false
		value = map[bool]string{true: valueYes, false: valueNo}[b]
	}
	switch cmp.Op {
	case "answered":
		c.Answered = &yes
	case "unanswered":
		c.Answered = &no
	case "yes", "no":
		if exprKind(t) != expr.Bool {
			return nil, false
		}
		c.Equals = cmp.Op
	case "equals":
		c.Equals = value
	case "notEquals":
		c.NotEquals = value
	case "greaterThan", "lessThan":
		n, _ := value.(float64)
		if cmp.Op == "greaterThan" {
			c.GreaterThan = &n
		} else {
			c.LessThan = &n
		}
	case "contains":
		s, _ := value.(string)
		c.Contains = &s
	default:
		return nil, false
	}
	return c, true
}
