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
	perChild bool
	row      *Field
	aliases  string // a group's question's aliases, written out
}

// exprEnv is the environment of expressions in a section (nil: the form's rules) and a container's row,
// and, for a question made from a group, with its group's ids naming the use's copies (groups.go).
func (c *checker) exprEnv(s *Section, row *Field, aliases map[string]string) *expr.Env {
	names := sortedKeys(aliases)
	var written strings.Builder
	for _, n := range names {
		written.WriteString(n + "=" + aliases[n] + ";")
	}
	key := envKey{perChild: s != nil && s.PerChild, row: row, aliases: written.String()}
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
		if fd := c.form.fields[id]; !fd.section.PerChild || key.perChild {
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
		c.src.add(line, col, Error, "expr", "%s: %s", what, pr.Message)
	}
	p.Alias(aliases)
	return p
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
		} else if fd := c.form.fields[id]; fd != nil && !fd.section.PerChild {
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
}
