package expr

import (
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
)

// Comparison is an expression said as comparisons of answers, as the structured conditions of the form
// language say them: what a page's script can work out as people type (the * of a requiredWhen). Only
// expressions that mean exactly the same either way are said so: answered(x), !answered(x), x == v,
// x != v, x > n, x < n, "v" in x, a yes/no answer x or !x, and && and || of them.
type Comparison struct {
	All, Any []*Comparison
	// Name is the answer compared (through the program's aliases); Op what is asked of it: "answered",
	// "unanswered", "equals", "notEquals", "greaterThan", "lessThan", "contains", "yes" or "no".
	Name, Op string
	Value    any // a string, float64 or bool literal
}

// Comparisons says the program as comparisons; ok is false when it cannot be said so.
func (p *Program) Comparisons() (c *Comparison, ok bool) {
	if p == nil {
		return nil, false
	}
	baseOnce.Do(func() { base, baseErr = newBase() })
	if baseErr != nil {
		return nil, false
	}
	a, iss := base.Parse(p.Source)
	if iss != nil && iss.Err() != nil {
		return nil, false
	}
	return p.comparison(a.NativeRep().Expr())
}

func (p *Program) comparison(e celast.Expr) (*Comparison, bool) {
	name := func(x celast.Expr) (string, bool) {
		if x.Kind() != celast.IdentKind {
			return "", false
		}
		n := x.AsIdent()
		if a, ok := p.Aliases[n]; ok {
			n = a
		}
		return n, true
	}
	literal := func(x celast.Expr) (any, bool) {
		if x.Kind() != celast.LiteralKind {
			return nil, false
		}
		switch v := x.AsLiteral().(type) {
		case types.String:
			return string(v), true
		case types.Int:
			return float64(v), true
		case types.Double:
			return float64(v), true
		case types.Bool:
			return bool(v), true
		}
		return nil, false
	}
	if n, ok := name(e); ok {
		return &Comparison{Name: n, Op: "yes"}, true // a yes/no answer alone: it is yes
	}
	if e.Kind() != celast.CallKind || e.AsCall().IsMemberFunction() {
		return nil, false
	}
	call := e.AsCall()
	args := call.Args()
	switch fn := call.FunctionName(); {
	case (fn == "_&&_" || fn == "_||_") && len(args) == 2:
		l, lok := p.comparison(args[0])
		r, rok := p.comparison(args[1])
		if !lok || !rok {
			return nil, false
		}
		if fn == "_&&_" {
			return &Comparison{All: []*Comparison{l, r}}, true
		}
		return &Comparison{Any: []*Comparison{l, r}}, true
	case fn == "!_" && len(args) == 1:
		// Only where "not" means the same unanswered: not answered, and a yes/no answer that is no.
		inner, ok := p.comparison(args[0])
		switch {
		case ok && inner.Op == "answered":
			return &Comparison{Name: inner.Name, Op: "unanswered"}, true
		case ok && inner.Op == "yes":
			return &Comparison{Name: inner.Name, Op: "no"}, true
		}
	case fn == "answered" && len(args) == 1:
		if n, ok := name(args[0]); ok {
			return &Comparison{Name: n, Op: "answered"}, true
		}
	case fn == "@in" && len(args) == 2:
		v, vok := literal(args[0])
		n, nok := name(args[1])
		if s, isString := v.(string); vok && nok && isString {
			return &Comparison{Name: n, Op: "contains", Value: s}, true
		}
	case len(args) == 2:
		op := map[string]string{"_==_": "equals", "_!=_": "notEquals", "_>_": "greaterThan", "_<_": "lessThan"}[fn]
		n, nok := name(args[0])
		v, vok := literal(args[1])
		if op == "" || !nok || !vok {
			return nil, false
		}
		if _, number := v.(float64); (op == "greaterThan" || op == "lessThan") && !number {
			return nil, false
		}
		return &Comparison{Name: n, Op: op, Value: v}, true
	}
	return nil, false
}
