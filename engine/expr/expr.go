// Package expr is the form language's expression language: Google's CEL (cel.dev/cel-go), compiled
// against the typed answers a form has in scope, with functions for ages and dates. Expressions are
// checked when a form loads (unknown names, wrong types), evaluated without side effects, bounded in
// length and in cost, and deterministic: "today" is given to every evaluation, never read from a clock.
package expr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Kind is the type an answer has in an expression.
type Kind int

const (
	Invalid     Kind = iota
	String           // text, textarea, email, phone, select, radios
	Int              // a whole number (a number field with integer: true)
	Double           // a number
	Date             // a date: a CEL timestamp at midnight UTC
	Bool             // yesno, declaration
	StringList       // checkboxes, children
	Rows             // a table or list: a list of maps from column id to answer
	DateOfBirth      // a date of birth: born, unborn or not known (dob.go)
)

var kindNames = map[Kind]string{String: "text", Int: "a whole number", Double: "a number", Date: "a date",
	Bool: "true or false", StringList: "a list of text", Rows: "a list of rows", DateOfBirth: "a date of birth"}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "an unknown type"
}

func (k Kind) celType() *cel.Type {
	switch k {
	case String:
		return cel.StringType
	case Int:
		return cel.IntType
	case Double:
		return cel.DoubleType
	case Date:
		return cel.TimestampType
	case Bool:
		return cel.BoolType
	case StringList:
		return cel.ListType(cel.StringType)
	case Rows:
		return cel.ListType(cel.MapType(cel.StringType, cel.DynType))
	case DateOfBirth:
		return dobType
	}
	return cel.DynType
}

// Var is an answer an expression can name.
type Var struct {
	Name string
	Kind Kind
}

// Limits on every expression: its length when written, and the cost of evaluating it (CEL's measure of
// the work done, about one unit an operation; a check over a 1,000-row table costs some thousands).
const (
	MaxLength = 2000
	CostLimit = 1_000_000
)

// Env is the set of answers expressions at one place in a form can name, with their types.
type Env struct {
	cel  *cel.Env
	vars map[string]Kind
}

var (
	baseOnce sync.Once
	base     *cel.Env
	baseErr  error
)

// reserved are names CEL keeps for itself: an answer with one of them as id cannot be named.
var reserved = map[string]bool{"in": true, "as": true, "break": true, "const": true, "continue": true, "else": true,
	"for": true, "function": true, "if": true, "import": true, "let": true, "loop": true, "package": true,
	"namespace": true, "return": true, "var": true, "void": true, "while": true, "true": true, "false": true, "null": true}

// Reserved reports whether a question id cannot be named in an expression.
func Reserved(name string) bool { return reserved[name] }

func newBase() (*cel.Env, error) { return cel.NewEnv(library()...) }

// NewEnv makes the environment of expressions that can name these answers. Names CEL reserves are left out.
func NewEnv(vars []Var) (*Env, error) {
	baseOnce.Do(func() { base, baseErr = newBase() })
	if baseErr != nil {
		return nil, fmt.Errorf("expr: base environment: %w", baseErr)
	}
	e := &Env{vars: make(map[string]Kind, len(vars))}
	opts := make([]cel.EnvOption, 0, len(vars))
	for _, v := range vars {
		if reserved[v.Name] {
			continue
		}
		e.vars[v.Name] = v.Kind
		opts = append(opts, cel.Variable(v.Name, v.Kind.celType()))
	}
	env, err := base.Extend(opts...)
	if err != nil {
		return nil, fmt.Errorf("expr: declaring answers: %w", err)
	}
	e.cel = env
	return e, nil
}

// Problem is what is wrong with an expression, at a place in its text (1-based line and column, in
// characters).
type Problem struct {
	Line, Col int
	Message   string
	// Unknown is the name the problem is about when it is a name the expression cannot name, for the
	// caller to say why (a question of the wrong type, or out of reach); "" otherwise.
	Unknown string
}

func (p Problem) Error() string { return fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Message) }

// Program is a checked expression, ready to evaluate; safe for concurrent use.
type Program struct {
	Source string
	Result Kind
	// Names are the answers the expression names, in the order they first appear (through Aliases).
	Names []string
	// Aliases are names the expression is written with that stand for other answers: inside a question
	// group, a question's id in the group stands for the id it has where the group is used.
	Aliases map[string]string
	prog    cel.Program
}

// Alias makes the program's names stand for other answers, by the name written: its Names become theirs
// and evaluation asks the Resolver for theirs. The environment compiled against declares the written
// names, with the types of the answers they stand for.
func (p *Program) Alias(aliases map[string]string) {
	if p == nil || len(aliases) == 0 {
		return
	}
	p.Aliases = aliases
	for i, n := range p.Names {
		if a, ok := aliases[n]; ok {
			p.Names[i] = a
		}
	}
}

// Compile checks an expression and prepares it. want lists the result kinds allowed (any when empty).
func (e *Env) Compile(src string, want ...Kind) (*Program, []Problem) {
	if strings.TrimSpace(src) == "" {
		return nil, []Problem{{Line: 1, Col: 1, Message: "the expression is empty"}}
	}
	if n := len([]rune(src)); n > MaxLength {
		return nil, []Problem{{Line: 1, Col: 1, Message: fmt.Sprintf("the expression is %d characters long: at most %d are allowed; split it into computed values", n, MaxLength)}}
	}
	ast, iss := e.cel.Compile(src)
	if iss != nil && iss.Err() != nil {
		var out []Problem
		for _, er := range iss.Errors() {
			loc := er.Location
			line := max(loc.Line(), 1)
			col := callStart(src, line, loc.Column())
			call := calledAt(src, line, col)
			p := Problem{Line: line, Col: max(col+1, 1), Message: wordCELError(er.Message, call)}
			if name, ok := strings.CutPrefix(er.Message, "undeclared reference to '"); ok && !call {
				p.Unknown, _, _ = strings.Cut(name, "'")
			}
			out = append(out, p)
		}
		return nil, out
	}
	kind := kindOf(ast.OutputType())
	if len(want) > 0 && !containsKind(want, kind) {
		return nil, []Problem{{Line: 1, Col: 1, Message: fmt.Sprintf("the expression gives %s, not %s", describeType(ast.OutputType(), kind), wantWords(want))}}
	}
	prog, err := e.cel.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, []Problem{{Line: 1, Col: 1, Message: fmt.Sprintf("the expression cannot be prepared: %v", err)}}
	}
	return &Program{Source: src, Result: kind, Names: e.names(ast), prog: prog}, nil
}

func (e *Env) names(ast *cel.Ast) []string {
	var out []string
	seen := map[string]bool{}
	// Take the identifiers in the order the text has them (CEL's reference map is unordered).
	for _, tok := range identifiers(ast.Source().Content()) {
		if _, ok := e.vars[tok]; ok && !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}

// identifiers are the words of an expression's text outside string literals.
func identifiers(src string) []string {
	var out []string
	var quote rune
	start := -1
	runes := []rune(src)
	for i := 0; i <= len(runes); i++ {
		var r rune
		if i < len(runes) {
			r = runes[i]
		}
		if quote != 0 {
			if r == '\\' {
				i++
			} else if r == quote {
				quote = 0
			}
			continue
		}
		word := isWordRune(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			if (start == 0 || runes[start-1] != '.') && !calls(runes, i) {
				out = append(out, string(runes[start:i]))
			}
			start = -1
		}
		if r == '"' || r == '\'' {
			quote = r
		}
	}
	return out
}

// calls reports whether the word ending before i is a function's name: "(" follows it.
func calls(runes []rune, i int) bool {
	for i < len(runes) && runes[i] == ' ' {
		i++
	}
	return i < len(runes) && runes[i] == '('
}

func containsKind(list []Kind, k Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func wantWords(want []Kind) string {
	parts := make([]string, len(want))
	for i, k := range want {
		parts[i] = k.String()
	}
	return strings.Join(parts, " or ")
}

func kindOf(t *cel.Type) Kind {
	switch {
	case t.IsExactType(cel.StringType):
		return String
	case t.IsExactType(cel.IntType):
		return Int
	case t.IsExactType(cel.DoubleType):
		return Double
	case t.IsExactType(cel.TimestampType):
		return Date
	case t.IsExactType(cel.BoolType):
		return Bool
	case t.IsExactType(cel.ListType(cel.StringType)):
		return StringList
	}
	return Invalid
}

func describeType(t *cel.Type, k Kind) string {
	if k != Invalid {
		return k.String()
	}
	if t.IsExactType(cel.DynType) {
		return "a value whose type is not known (an answer from a row: compare it, as in p.age > 3, or convert it, as in string(p.name))"
	}
	return "a value of type " + t.String()
}

// callStart moves a 0-based column at the ( of a call back to the start of the function's name, where
// a designer looks for the problem.
func callStart(src string, line, col int) int {
	lines := strings.Split(src, "\n")
	if line > len(lines) {
		return col
	}
	text := []rune(lines[line-1])
	if col < 0 || col >= len(text) || text[col] != '(' {
		return col
	}
	for col > 0 && isWordRune(text[col-1]) {
		col--
	}
	return col
}

// calledAt reports whether the word at a 0-based column is followed by "(": a function's name.
func calledAt(src string, line, col int) bool {
	lines := strings.Split(src, "\n")
	if line > len(lines) || col < 0 {
		return false
	}
	text := []rune(lines[line-1])
	for col < len(text) && isWordRune(text[col]) {
		col++
	}
	for col < len(text) && text[col] == ' ' {
		col++
	}
	return col < len(text) && text[col] == '('
}

func isWordRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// wordCELError makes CEL's checker messages read as the form language's.
func wordCELError(msg string, call bool) string {
	if name, ok := strings.CutPrefix(msg, "undeclared reference to '"); ok {
		name, _, _ = strings.Cut(name, "'")
		if call {
			return fmt.Sprintf("%s() is not a function of the language (see Expressions in forms/README.md)", name)
		}
		return fmt.Sprintf("%q is not a question this expression can name (it is not in the form, or out of reach here)", name)
	}
	if rest, ok := strings.CutPrefix(msg, "found no matching overload for '"); ok {
		fn, args, _ := strings.Cut(rest, "' applied to '")
		args = strings.TrimSuffix(args, "'")
		return fmt.Sprintf("%s cannot be used on %s", opWords(fn), argWords(args)) + overloadHint(fn, args)
	}
	if rest, ok := strings.CutPrefix(msg, "Syntax error: "); ok {
		if strings.HasPrefix(rest, "mismatched input '<EOF>'") {
			return "the expression ends too soon: something is missing at its end"
		}
		rest, _, _ = strings.Cut(rest, " expecting")
		return "this cannot be read as an expression here (" + rest + ")"
	}
	return msg
}

// overloadHint says how to write what a designer most often means by a call CEL cannot type: a yes/no
// answer compared with "yes", a date with a written date, a whole number added to a number.
func overloadHint(fn, args string) string {
	has := func(t string) bool { return strings.Contains(args, t) }
	switch {
	case (fn == "_==_" || fn == "_!=_") && has("bool") && has("string"):
		return `: a yes/no answer is true or false in an expression, so write it on its own, as in consent or !consent, rather than compare it with "yes"`
	case strings.HasPrefix(fn, "_") && has("timestamp") && has("string"):
		return `: write a date as date("2024-04-01")`
	case strings.HasPrefix(fn, "_") && has("int") && has("double"):
		return ": arithmetic needs both numbers of one kind: write 1.0 for a number, or int(x) for a whole number"
	}
	return ""
}

// celTypeWords are CEL's names of the types answers have, as the form language calls them.
var celTypeWords = map[string]string{"timestamp": "a date", "string": "text", "int": "a whole number",
	"double": "a number", "bool": "true or false", "list(string)": "a list of text",
	"list(map(string, dyn))": "a list of rows", "dyn": "an answer from a row", "null_type": "null",
	"dateOfBirth": "a date of birth"}

// argWords words CEL's list of argument types, "(timestamp, string)", as "a date and text".
func argWords(args string) string {
	inner, ok := strings.CutPrefix(args, "(")
	if !ok {
		return args
	}
	inner = strings.TrimSuffix(inner, ")")
	var parts []string
	depth, start := 0, 0
	for i, r := range inner {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(inner[start:i]))
				start = i + 1
			}
		}
	}
	parts = append(parts, strings.TrimSpace(inner[start:]))
	for i, p := range parts {
		if w, ok := celTypeWords[p]; ok {
			parts[i] = w
		}
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func opWords(fn string) string {
	switch fn {
	case "_+_":
		return "+"
	case "_-_":
		return "-"
	case "_*_":
		return "*"
	case "_/_":
		return "/"
	case "_<_", "_<=_", "_>_", "_>=_":
		return "comparing with " + strings.Trim(fn, "_")
	case "_==_", "_!=_":
		return "comparing with " + strings.Trim(fn, "_")
	}
	return fn + "()"
}

// Outcome says how an evaluation ended.
type Outcome int

const (
	OK Outcome = iota
	// Unanswered: the expression needs an answer that was not given (or is hidden), and answered() did
	// not guard it.
	Unanswered
	// Failed: the expression could not be worked out (a division by zero, a date out of range, too
	// costly).
	Failed
)

// Resolver gives the answers by name: string, int64, float64, bool, time.Time, []string, or []any of
// map[string]any for rows. ok is false for a question not answered (or hidden).
type Resolver interface {
	Resolve(name string) (value any, ok bool)
}

// Eval works the expression out with these answers, today being the day given. The value is a string,
// int64, float64, bool, time.Time (a date at midnight UTC) or []string.
func (p *Program) Eval(r Resolver, today time.Time) (any, Outcome, error) {
	act := &activation{r: r, today: types.Timestamp{Time: Day(today)}, aliases: p.Aliases}
	vars, err := cel.FunctionVars(act, map[string]cel.LateBoundFunction{
		"today": func(string, ...ref.Val) ref.Val { return act.today },
		"age": func(_ string, args ...ref.Val) ref.Val {
			on := ref.Val(act.today)
			if len(args) == 2 { // age(dob, on)
				on = args[1]
			}
			out, noAge := ageOf(args[0], on)
			if noAge {
				act.missing = true // an unborn child's age: no result, as an unanswered question
			}
			return out
		},
	})
	if err != nil {
		return nil, Failed, fmt.Errorf("expr: binding today: %w", err)
	}
	out, _, err := p.prog.Eval(vars)
	if err != nil {
		if act.missing || isMissing(err) {
			return nil, Unanswered, nil
		}
		return nil, Failed, err
	}
	v, err := native(out)
	if err != nil {
		return nil, Failed, err
	}
	return v, OK, nil
}

// isMissing: a name that was not answered, or a row without an answer in a column.
func isMissing(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such attribute") || strings.Contains(msg, "no such key")
}

func native(v ref.Val) (any, error) {
	switch x := v.(type) {
	case types.String:
		return string(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return int64(x), nil
	case types.Double:
		return float64(x), nil
	case types.Bool:
		return bool(x), nil
	case types.Timestamp:
		return Day(x.Time), nil
	}
	if list, err := v.ConvertToNative(stringSliceType); err == nil {
		return list, nil
	}
	return nil, errors.New("expr: the expression gives a value of type " + v.Type().TypeName())
}

// Day is the calendar day of t (in its own location), as midnight UTC: how dates are held.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type activation struct {
	r       Resolver
	today   types.Timestamp
	missing bool
	aliases map[string]string
}

func (a *activation) ResolveName(name string) (any, bool) {
	if alias, ok := a.aliases[name]; ok {
		name = alias
	}
	v, ok := a.r.Resolve(name)
	if !ok {
		a.missing = true
	}
	return v, ok
}

func (a *activation) Parent() cel.Activation { return nil }
