package engine

import (
	"reflect"
	"testing"
	"time"

	"formportal/engine/expr"
)

// FuzzExpr compiles arbitrary text as an expression where a question, and where a list item's question,
// is written, and evaluates what compiles against answers: it must never panic, every problem must have
// a place in the text, a value must be of the type the checker said, a failure must say why, and the same
// answers on the same day must give the same value.
func FuzzExpr(f *testing.F) {
	form := loadExprForm(f)
	c := &checker{form: form, src: form.src}
	family := form.Section("family")
	siblings := form.Field("siblings")
	envs := []*expr.Env{c.exprEnv(family, nil, nil), c.exprEnv(family, siblings, nil), c.exprEnv(nil, nil, nil)}
	for _, seed := range []string{
		"age(dob)", "answered(home_phone) || answered(mobile_phone)", "dob >= addYears(today(), -18)",
		"conference_date <= addWeeks(meeting_date, 12)", "report_date <= addWorkingDays(conference_date, -2)",
		"answered(siblings) ? size(siblings) : 0", "siblings.exists(s, s.name == 'Ann')", "age(dob) < 2 ? string(monthsBetween(dob, today())) + ' months' : string(age(dob)) + ' years'",
		"workingDaysBetween(dob, today())", "addMonths(dob, 9223372036854775807)", "addWorkingDays(today(), -183000)",
		"date('2024-02-30')", "1 / 0", "[1, 2, 3].map(x, x * 2)", "has_siblings && consent", "name + ' ' + string(age)",
		"siblings.all(a, siblings.all(b, siblings.all(c, a.name + b.name + c.name != '')))",
	} {
		f.Add(seed)
	}
	rows := []any{map[string]any{"name": "Ann", "dob": "2020-03-04"}, map[string]any{"name": "Bo"}}
	answers := map[string]any{"mobile_phone": "07700900001", "dob": "2016-03-05", "has_siblings": "yes", "siblings": rows,
		"meeting_date": "2026-01-05", "conference_date": "2026-03-02", "consent": "no"}
	f.Fuzz(func(t *testing.T, src string) {
		for i, env := range envs {
			p, problems := env.Compile(src)
			for _, pr := range problems {
				if pr.Line < 1 || pr.Col < 1 || pr.Message == "" {
					t.Errorf("a problem without a place: %+v in %q", pr, src)
				}
			}
			if p == nil {
				if len(problems) == 0 {
					t.Errorf("no program and no problem for %q", src)
				}
				continue
			}
			eval := func() (any, expr.Outcome, error) {
				v := &validation{form: form, today: exprToday.Format(time.DateOnly), now: exprToday}
				sc := &scope{v: v, values: answers}
				if i == 1 {
					sc.rowOf, sc.row = siblings, rows[0].(map[string]any)
				}
				return p.Eval(resolver{sc}, exprToday)
			}
			val, out, err := eval()
			again, outAgain, _ := eval()
			if out != outAgain || !reflect.DeepEqual(val, again) {
				t.Errorf("%q gave %v (%v), then %v (%v)", src, val, out, again, outAgain)
			}
			switch out {
			case expr.OK:
				if !ofKind(val, p.Result) {
					t.Errorf("%q gave %#v, not %s", src, val, p.Result)
				}
			case expr.Failed:
				if err == nil {
					t.Errorf("%q failed without saying why", src)
				}
			}
		}
	})
}

func ofKind(v any, k expr.Kind) bool {
	switch k {
	case expr.String:
		_, ok := v.(string)
		return ok
	case expr.Int:
		_, ok := v.(int64)
		return ok
	case expr.Double:
		_, ok := v.(float64)
		return ok
	case expr.Date:
		_, ok := v.(time.Time)
		return ok
	case expr.Bool:
		_, ok := v.(bool)
		return ok
	case expr.StringList:
		_, ok := v.([]string)
		return ok
	}
	return true // a value of a type expressions cannot name as a result (a list of rows, a map): never stored
}
