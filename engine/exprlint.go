// The lint side of expressions: each is compiled against the answers in reach where it is written
// (the scoping of showWhen), its problems reported at their place inside the expression.

package engine

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"formportal/engine/expr"
)

// envKey is a place expressions are written: in or out of per-child sections, in a row of a container.
type envKey struct {
	repeat  string // "" outside repeating sections; "child", or the list a section repeats for
	row     *Field
	aliases string // a group's question's aliases, written out
}

// exprEnv is the environment of expressions in a section (nil: the form's rules) and a container's row,
// and, for a question made from a group, with its group's ids naming the use's copies (groups.go).
func (c *checker) exprEnv(s *Section, row *Field, aliases map[string]string) *expr.Env {
	names := sortedKeys(aliases)
	var written strings.Builder
	for _, n := range names {
		written.WriteString(n + "=" + aliases[n] + ";")
	}
	key := envKey{row: row, aliases: written.String()}
	if s != nil {
		key.repeat = repeatKey(s)
	}
	if env, ok := c.exprEnvs[key]; ok {
		return env
	}
	var vars []expr.Var
	declared := map[string]bool{}
	add := func(fd *Field) {
		if k := exprKind(fd); k != expr.Invalid && !declared[fd.ID] {
			declared[fd.ID] = true
			vars = append(vars, expr.Var{Name: fd.ID, Kind: k})
		}
	}
	for _, n := range names { // the group's ids come first: they hide other questions of the same id
		target := c.form.fields[aliases[n]]
		if row != nil {
			target = row.Child(aliases[n])
		}
		if k := exprKind(target); target != nil && k != expr.Invalid && !declared[n] {
			declared[n] = true
			vars = append(vars, expr.Var{Name: n, Kind: k})
		}
	}
	if row != nil {
		for _, sib := range row.Children() {
			add(sib) // the same row's answers come first: they hide outer ones of the same id
		}
	}
	for _, id := range sortedKeys(c.form.fields) {
		if fd := c.form.fields[id]; repeatKey(fd.section) == "" || repeatKey(fd.section) == key.repeat {
			add(fd)
		}
	}
	env, err := expr.NewEnv(vars)
	if err != nil {
		panic(fmt.Sprintf("engine: expression environment: %v", err)) // the library's own declarations are wrong
	}
	if c.exprEnvs == nil {
		c.exprEnvs = map[envKey]*expr.Env{}
	}
	c.exprEnvs[key] = env
	return env
}

// compileExpr compiles the expression at pointer, reporting its problems; nil when it has any.
func (c *checker) compileExpr(pointer, src string, s *Section, row *Field, what string, want ...expr.Kind) *expr.Program {
	return c.compileAliased(pointer, src, s, row, nil, what, want...)
}

// compileAliased is compileExpr of an expression whose names include aliases (a group's question's).
func (c *checker) compileAliased(pointer, src string, s *Section, row *Field, aliases map[string]string, what string, want ...expr.Kind) *expr.Program {
	p, problems := c.exprEnv(s, row, aliases).Compile(src, want...)
	for _, pr := range problems {
		line, col := c.exprPos(pointer, pr.Line, pr.Col)
		msg := pr.Message
		if pr.Unknown != "" {
			msg = c.unnameable(pr.Unknown, s)
		}
		c.src.add(line, col, Error, "expr", "%s: %s", what, msg)
	}
	p.Alias(aliases)
	return p
}

// unnameable says why an expression in a section (nil: a form's rule) cannot name a question: its type,
// its being out of reach (per-child, or a column of another table or list), or there being no such
// question (with the nearest id).
func (c *checker) unnameable(name string, s *Section) string {
	var found *Field
	c.form.walkFields(func(fd *Field) {
		if fd.ID == name && found == nil {
			found = fd
		}
	})
	switch {
	case found == nil:
		var ids []string
		c.form.walkFields(func(fd *Field) {
			if exprKind(fd) != expr.Invalid {
				ids = append(ids, fd.ID)
			}
		})
		if near := suggest(name, ids); near != "" {
			return fmt.Sprintf("%q is not a question of the form: did you mean %q?", name, near)
		}
		return fmt.Sprintf("%q is not a question of the form", name)
	case found.Type == TypeContent:
		return fmt.Sprintf("%q is guidance (content), which has no answer to name", name)
	case exprKind(found) == expr.Invalid:
		return fmt.Sprintf("%q is %s question, which expressions cannot name (see the answers they can name under Expressions in forms/README.md)", name, typeWords(found.Type))
	case found.parent != nil:
		each := "row of the table"
		if found.parent.Type == TypeList {
			each = "item of the list"
		}
		return fmt.Sprintf("%q is a question of each %s `%s`: name it through the %s, as in %s.exists(r, answered(r.%s))", name, each, found.parent.ID, found.parent.Type, found.parent.ID, name)
	case found.section.PerChild && (s == nil || !s.PerChild):
		where := "outside per-child sections"
		if s == nil {
			where = "in a form's rule"
		}
		return fmt.Sprintf("%q is a question of the per-child section `%s`, out of reach %s: write this in a per-child section", name, found.section.ID, where)
	}
	return fmt.Sprintf("%q is not a question this expression can name here", name)
}

// typeWords names a question type, with its article, as people read it.
func typeWords(t string) string {
	switch t {
	case TypeDateOfBirth:
		return "a date of birth"
	case TypeAddress:
		return "an address"
	}
	return article(t) + " " + t
}

// exprPos is where, in the file, a place inside the expression at pointer is. Expressions on one line
// and in literal blocks (|) map exactly; a folded one is reported at its start.
func (c *checker) exprPos(pointer string, line, col int) (int, int) {
	n, ok := c.src.nodes[pointer]
	if !ok {
		return c.src.at(pointer)
	}
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		// The block's indentation is that of its first line; deeper indentation is part of the text.
		if l := n.Line + line; l <= len(c.src.lines) && n.Line < len(c.src.lines) {
			first := c.src.lines[n.Line]
			return l, len(first) - len(strings.TrimLeft(first, " ")) + col
		}
	case line > 1 || n.Style&yaml.FoldedStyle != 0:
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		return n.Line, n.Column + col
	default:
		return n.Line, n.Column + col - 1
	}
	return n.Line, n.Column
}

// resultKinds are the expression types a computed field's result takes.
func resultKinds(fd *Field) []expr.Kind {
	switch fd.Result {
	case ResultNumber:
		if fd.Integer {
			return []expr.Kind{expr.Int}
		}
		return []expr.Kind{expr.Int, expr.Double}
	case ResultDate:
		return []expr.Kind{expr.Date}
	case ResultYesNo:
		return []expr.Kind{expr.Bool}
	}
	return []expr.Kind{expr.String}
}

// checkExpressions compiles computed values, requiredWhen and rules, and finds computed values that
// depend on each other in a circle. Conditions written as expressions are checked with the others.
func (c *checker) checkExpressions() {
	c.form.walkFields(func(fd *Field) {
		if fd.Type == TypeComputed && fd.Expr != "" {
			fd.computed = c.compileAliased(fd.pointer+"/expr", fd.Expr, fd.section, fd.parent, fd.aliases, "the expression of "+fd.place(), resultKinds(fd)...)
		}
		if fd.RequiredWhen != "" {
			fd.requiredWhen = c.compileAliased(fd.pointer+"/requiredWhen", fd.RequiredWhen, fd.section, fd.parent, fd.aliases, "requiredWhen of "+fd.place(), expr.Bool)
			fd.requiredCond = c.form.requiredCondition(fd)
		}
	})
	for i, r := range c.form.Rules {
		c.checkRule(r, fmt.Sprintf("/rules/%d", i), i, nil)
	}
	for _, s := range c.form.Sections {
		for i, r := range s.Rules {
			c.checkRule(r, fmt.Sprintf("%s/rules/%d", s.pointer, i), i, s)
		}
	}
	c.checkComputedCycles()
}

func (c *checker) checkRule(r *Rule, pointer string, i int, s *Section) {
	r.pointer, r.section = pointer, s
	where := fmt.Sprintf("the form's rule %d", i+1)
	if s != nil {
		where = fmt.Sprintf("rule %d of %s", i+1, s.place())
	}
	r.prog = c.compileExpr(pointer+"/expr", r.Expr, s, nil, where, expr.Bool)
	for j, id := range r.Fields {
		var t *Field
		if s != nil {
			t = s.Field(id)
		} else if fd := c.form.fields[id]; fd != nil && !fd.section.Repeats() {
			t = fd
		}
		if t == nil || !t.Answerable() {
			msg := fmt.Sprintf("%s names %q to show its message at, which is not a question ", where, id)
			if s != nil {
				msg += "of the section"
			} else {
				msg += "of the form outside per-child sections (write a per-child rule in its section)"
			}
			if sug := suggest(id, sortedKeys(c.form.fields)); sug != "" && sug != id {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			c.errorf(fmt.Sprintf("%s/fields/%d", pointer, j), "rule-fields", "%s", msg)
			continue
		}
		r.targets = append(r.targets, t)
	}
}

// exprRefs resolves the names an expression written at fd uses to the questions they are.
func exprRefs(form *Form, fd *Field, p *expr.Program) []*Field {
	if p == nil {
		return nil
	}
	var out []*Field
	for _, name := range p.Names {
		var t *Field
		if fd != nil && fd.parent != nil {
			t = fd.parent.Child(name)
		}
		if t == nil {
			t = form.fields[name]
		}
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// checkComputedCycles finds computed values that are worked out from themselves.
func (c *checker) checkComputedCycles() {
	state := map[*Field]int{} // 1 visiting, 2 done
	var visit func(fd *Field, path []string) bool
	visit = func(fd *Field, path []string) bool {
		switch state[fd] {
		case 1:
			c.errorf(fd.pointer+"/expr", "expr-cycle", "computed values are worked out from each other in a circle: %s", strings.Join(append(path, fd.ID), " → "))
			return true
		case 2:
			return false
		}
		state[fd] = 1
		defer func() { state[fd] = 2 }()
		for _, t := range exprRefs(c.form, fd, fd.computed) {
			if t.Type == TypeComputed && visit(t, append(path, fd.ID)) {
				return true
			}
		}
		return false
	}
	c.form.walkFields(func(fd *Field) {
		if fd.Type == TypeComputed {
			visit(fd, nil)
		}
	})
}

// checkExprCondition checks a showWhen written as an expression, alone in its condition.
func (c *checker) checkExprCondition(cond *Condition, from *Field, section *Section) {
	if cond.Field != "" || len(cond.operators()) > 0 || cond.All != nil || cond.Any != nil || cond.Not != nil {
		c.errorf(cond.pointer, "condition-operator", "a condition is an expression (expr) or a comparison of one field, not both: put the comparison in the expression")
		return
	}
	row := (*Field)(nil)
	if from != nil {
		row = from.parent
	}
	cond.prog = c.compileAliased(cond.pointer+"/expr", cond.Expr, section, row, cond.aliases, "the condition", expr.Bool)
	cond.refs = exprRefs(c.form, from, cond.prog)
	for _, t := range cond.refs {
		if t == from {
			c.errorf(cond.pointer+"/expr", "condition-cycle", "%s is shown only when it is itself answered: a question cannot depend on itself", from.place())
			return
		}
	}
	c.checkSamePage(cond, from)
}

// checkSamePage warns of a question or guidance shown by an expression on an answer of its own page
// (its section, or its list item's page). The portal decides an expression when the page is saved, and
// people then move on: the late-notice warning beside the start date would never be seen. A computed
// value is worked out on saving anyway, so it may depend on its page.
func (c *checker) checkSamePage(cond *Condition, from *Field) {
	if from == nil || from.Type == TypeComputed {
		return
	}
	for _, t := range cond.refs {
		samePage := t.parent == from.parent && (t.parent != nil || t.section == from.section)
		if samePage && t.Typed() {
			c.warnf(cond.pointer+"/expr", "condition-same-page", "%s is shown by an expression on %s, which is asked on the same page: an expression is decided when the page is saved, and Next then moves people on, so they would not see it. Put it on a later page, or write the condition as a comparison (showWhen: { field: %s, ... }), which the page follows as people answer", from.place(), t.place(), t.ID)
			return
		}
	}
}
