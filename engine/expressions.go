// Expressions in forms: computed values, rules across answers, requiredWhen, and showWhen written as an
// expression. One evaluator serves them all (pages, validation, the PDF, the API): the answers an
// expression sees are those validation keeps, cleaned and typed, with hidden questions unanswered, as
// the structured showWhen sees them.

package engine

import (
	"time"

	"formportal/engine/expr"
)

// Rule is a check across answers with the designer's own message, shown at each question it names.
type Rule struct {
	Expr    string   `json:"expr"`
	Message string   `json:"message"`
	Fields  []string `json:"fields"`

	pointer string
	prog    *expr.Program
	targets []*Field
	section *Section // nil for a form's rule
}

// Results of computed fields.
const (
	ResultText   = "text"
	ResultNumber = "number"
	ResultDate   = "date"
	ResultYesNo  = "yesno"
)

// exprKind is the type a question's answer has in expressions; Invalid for those expressions cannot name.
func exprKind(fd *Field) expr.Kind {
	t := fd.Type
	if t == TypeComputed {
		t = map[string]string{ResultText: TypeText, ResultNumber: TypeNumber, ResultDate: TypeDate, ResultYesNo: TypeYesNo}[fd.Result]
	}
	switch t {
	case TypeText, TypeTextarea, TypeEmail, TypePhone, TypeSelect, TypeRadios, TypeNHSNumber, TypeTime:
		return expr.String
	case TypeNumber:
		if fd.Integer {
			return expr.Int
		}
		return expr.Double
	case TypeDate:
		return expr.Date
	case TypeYesNo, TypeDeclaration:
		return expr.Bool
	case TypeCheckboxes, TypeChildren, TypeAttachments:
		return expr.StringList
	case TypeTable, TypeList:
		return expr.Rows
	case TypeDateOfBirth:
		return expr.DateOfBirth
	}
	return expr.Invalid
}

// exprValue turns a cleaned answer (as the submission holds it) into its value in expressions.
func exprValue(fd *Field, clean any) (any, bool) {
	switch exprKind(fd) {
	case expr.String:
		s, ok := clean.(string)
		return s, ok && s != ""
	case expr.Int:
		n, ok := clean.(float64)
		return int64(n), ok
	case expr.Double:
		n, ok := clean.(float64)
		return n, ok
	case expr.Date:
		s, _ := clean.(string)
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	case expr.Bool:
		switch clean {
		case true, valueYes:
			return true, true
		case valueNo:
			return false, true
		}
	case expr.StringList:
		if files, ok := clean.([]Attachment); ok { // the files' names
			names := make([]string, len(files))
			for i, a := range files {
				names[i] = a.Name
			}
			return names, len(names) > 0
		}
		list, ok := clean.([]string)
		return list, ok
	case expr.Rows:
		rows, _ := clean.([]any)
		out := make([]any, 0, len(rows))
		for _, r := range rows {
			row, _ := r.(map[string]any)
			cells := make(map[string]any, len(row))
			for _, col := range fd.Children() {
				if v, ok := exprValue(col, row[col.ID]); ok {
					cells[col.ID] = v
				}
			}
			out = append(out, cells)
		}
		return out, true
	case expr.DateOfBirth:
		m, _ := clean.(map[string]any)
		status := textOf(m["status"])
		date, _ := time.Parse(time.DateOnly, textOf(m[map[bool]string{true: "dueDate", false: "date"}[status == DOBUnborn]]))
		age, _ := toNumber(m["approximateAge"])
		switch status {
		case DOBBorn, DOBUnborn, DOBUnknown:
			return expr.DateOfBirthValue(status, date, int64(age)), true
		}
	}
	return nil, false
}

// cleanResult turns a computed field's value into the answer the submission holds: a number, a date as
// YYYY-MM-DD, "yes" or "no", or text; nil for none.
func cleanResult(fd *Field, v any) any {
	switch fd.Result {
	case ResultNumber:
		switch n := v.(type) {
		case int64:
			return float64(n)
		case float64:
			return n
		}
	case ResultDate:
		if t, ok := v.(time.Time); ok {
			return t.Format(time.DateOnly)
		}
	case ResultYesNo:
		if b, ok := v.(bool); ok {
			return map[bool]string{true: valueYes, false: valueNo}[b]
		}
	case ResultText:
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return nil
}

// resolver gives an expression the answers in a scope: visible, valid answers only.
type resolver struct{ sc *scope }

func (r resolver) Resolve(name string) (any, bool) {
	sc := r.sc
	var fd *Field
	if sc.rowOf != nil {
		fd = sc.rowOf.Child(name)
	}
	if fd == nil {
		fd = sc.v.form.fields[name]
	}
	if fd == nil || !sc.isVisible(fd) {
		return nil, false
	}
	clean := sc.clean(fd)
	if clean == nil {
		return nil, false
	}
	return exprValue(fd, clean)
}

// clean is a question's answer as validation keeps it (nil when unanswered or not valid).
func (sc *scope) clean(fd *Field) any {
	memo := fd.parent == nil
	if memo {
		if v, ok := sc.cleaned[fd]; ok {
			return v
		}
	}
	raw := sc.raw(fd)
	var out any
	switch {
	case fd.Type == TypeComputed:
		out = raw
	case !isAnswered(raw):
	case fd.Container():
		out, _ = sc.v.rows(fd, raw, sc, "")
	default:
		out, _, _ = sc.v.check(fd, raw, sc)
	}
	if memo {
		if sc.cleaned == nil {
			sc.cleaned = map[*Field]any{}
		}
		sc.cleaned[fd] = out
	}
	return out
}

// computedValue works a computed field out in this scope.
func (sc *scope) computedValue(fd *Field) any {
	if fd.computed == nil || sc.computing[fd] {
		return nil // not checked (a form that did not load), or the value is still being worked out
	}
	if sc.computing == nil {
		sc.computing = map[*Field]bool{}
	}
	sc.computing[fd] = true
	defer delete(sc.computing, fd)
	v, out, _ := fd.computed.Eval(resolver{sc}, sc.v.now)
	if out != expr.OK {
		return nil
	}
	return cleanResult(fd, v)
}

// evalBool works out a yes/no expression. holds is false when it could not be worked out; worked says
// whether it could (false when it needs an answer not given, or failed).
func (sc *scope) evalBool(p *expr.Program) (holds bool, outcome expr.Outcome) {
	if p == nil {
		return false, expr.Failed
	}
	v, out, _ := p.Eval(resolver{sc}, sc.v.now)
	b, _ := v.(bool)
	return b && out == expr.OK, out
}

// requiredNow reports whether a question must be answered: required, or its requiredWhen holds.
func (sc *scope) requiredNow(fd *Field) bool {
	if fd.Required {
		return true
	}
	if fd.requiredWhen == nil {
		return false
	}
	holds, _ := sc.evalBool(fd.requiredWhen)
	return holds
}

// ruleErrors checks a rule in a scope and returns its errors at the visible questions it names in the
// section: none when it holds, or when it needs an answer that was not given; at each question when it
// does not hold or cannot be worked out.
func (v *validation) ruleErrors(rule *Rule, sc *scope, s *Section, childID string) []FieldError {
	failed, done := v.ruleFailed[rule]
	if !done || rule.section != nil {
		holds, out := sc.evalBool(rule.prog)
		failed = !holds && out != expr.Unanswered
		if rule.section == nil {
			if v.ruleFailed == nil {
				v.ruleFailed = map[*Rule]bool{}
			}
			v.ruleFailed[rule] = failed
		}
	}
	if !failed {
		return nil
	}
	var errs []FieldError
	for _, t := range rule.targets {
		if t.section != s || !sc.isVisible(t) {
			continue
		}
		e := v.fail(t, sc, fieldPath(t, childID, -1), "rule", rule.Message)
		e.Section, e.Child = s.ID, childID
		errs = append(errs, e)
	}
	return errs
}

// sectionRules are the rules whose errors show in a section: its own, and the form's that name one of
// its questions.
func (f *Form) sectionRules(s *Section) []*Rule {
	out := s.Rules
	for _, r := range f.Rules {
		for _, t := range r.targets {
			if t.section == s {
				out = append(out[:len(out):len(out)], r)
				break
			}
		}
	}
	return out
}

// formatComputed writes a computed value as people read it: a date as "3 February 2026", "Yes" or "No".
func (fd *Field) formatComputed(v any) []string {
	shown := map[string]string{ResultDate: TypeDate, ResultYesNo: TypeYesNo}[fd.Result]
	if shown == "" {
		return (&Field{Type: TypeText}).FormatAnswer(v, nil)
	}
	return (&Field{Type: shown}).FormatAnswer(v, nil)
}

// Typed reports whether people give the field's answer themselves: an answerable field that is not
// computed.
func (fd *Field) Typed() bool { return fd.Answerable() && fd.Type != TypeComputed }
