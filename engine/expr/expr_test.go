package expr

import (
	"strings"
	"testing"
	"time"
)

type answers map[string]any

func (a answers) Resolve(name string) (any, bool) { v, ok := a[name]; return v, ok }

var today = time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC) // a Wednesday

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func mustEnv(t *testing.T) *Env {
	t.Helper()
	env, err := NewEnv([]Var{{"dob", Date}, {"meeting", Date}, {"report", Date}, {"home_phone", String},
		{"mobile_phone", String}, {"consent", Bool}, {"allowance", Double}, {"count", Int},
		{"concerns", StringList}, {"household", Rows}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestEval(t *testing.T) {
	env := mustEnv(t)
	vals := answers{"dob": day("2010-03-05"), "meeting": day("2026-01-02"), "report": day("2026-03-02"),
		"home_phone": "01632960001", "consent": false, "allowance": 100.5, "count": int64(3),
		"concerns":  []string{"neglect"},
		"household": []any{map[string]any{"name": "Ann", "telephone": "07700900001"}, map[string]any{"name": "Bo"}}}
	for _, c := range []struct {
		src  string
		want any
		out  Outcome
	}{
		{"age(dob)", int64(15), OK}, // the birthday is tomorrow
		{"age(dob, date(\"2026-03-05\"))", int64(16), OK},
		{"today()", day("2026-03-04"), OK},
		{"addWorkingDays(date(\"2026-03-06\"), 1)", day("2026-03-09"), OK}, // Friday to Monday
		{"addWorkingDays(date(\"2026-03-09\"), -1)", day("2026-03-06"), OK},
		{"addWorkingDays(date(\"2026-03-04\"), 12)", day("2026-03-20"), OK},
		{"workingDaysBetween(date(\"2026-03-06\"), date(\"2026-03-16\"))", int64(6), OK},
		{"workingDaysBetween(date(\"2026-03-16\"), date(\"2026-03-06\"))", int64(-6), OK},
		{"addMonths(date(\"2026-01-31\"), 1)", day("2026-02-28"), OK},
		{"addYears(date(\"2024-02-29\"), 1)", day("2025-02-28"), OK},
		{"daysBetween(meeting, report)", int64(59), OK},
		{"report <= addWeeks(meeting, 12)", true, OK},
		{"report <= addWorkingDays(meeting, -2)", false, OK},
		{"dob >= addYears(today(), -18)", true, OK},
		{"answered(home_phone) || answered(mobile_phone)", true, OK},
		{"answered(mobile_phone)", false, OK},
		{"mobile_phone != \"\"", nil, Unanswered},
		{"mobile_phone != \"\" || home_phone != \"\"", true, OK},
		{"size(household)", int64(2), OK},
		{"household.all(p, answered(p.telephone))", false, OK},
		{"household.exists(p, p.name == \"Bo\")", true, OK},
		{"'neglect' in concerns", true, OK},
		{"allowance >= count", true, OK},
		{"consent || answered(home_phone)", true, OK},
		{"count / 0", nil, Failed},
		{"addDays(dob, 9000000)", nil, Failed},
	} {
		p, problems := env.Compile(c.src)
		if problems != nil {
			t.Errorf("%s: %v", c.src, problems)
			continue
		}
		got, out, _ := p.Eval(vals, today)
		if out != c.out || (c.want != nil && !equal(got, c.want)) {
			t.Errorf("%s = %v (%v), want %v (%v)", c.src, got, out, c.want, c.out)
		}
	}
}

func equal(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, _ := b.(time.Time)
		return ta.Equal(tb)
	}
	return a == b
}

func TestCompileProblems(t *testing.T) {
	env := mustEnv(t)
	for _, c := range []struct {
		src  string
		want []Kind
		msg  string
		col  int
	}{
		{"dob_of_child < today()", nil, `"dob_of_child" is not a question`, 1},
		{"age(dob) > \"ten\"", nil, "cannot be used on", 10},
		{"age(dob)", []Kind{Bool}, "gives a whole number, not true or false", 1},
		{"dob +", nil, "ends too soon", 6},
		{strings.Repeat("a", MaxLength+1), nil, "at most 2000", 1},
		{"", nil, "empty", 1},
	} {
		_, problems := env.Compile(c.src, c.want...)
		if len(problems) == 0 || !strings.Contains(problems[0].Message, c.msg) || problems[0].Col != c.col {
			t.Errorf("%q: problems %v, want %q at column %d", c.src, problems, c.msg, c.col)
		}
	}
}

// An expression that does too much work is stopped, not run to the end.
func TestCostLimit(t *testing.T) {
	env := mustEnv(t)
	p, problems := env.Compile("household.all(a, household.all(b, household.all(c, a.name + b.name + c.name != '')))")
	if problems != nil {
		t.Fatal(problems)
	}
	rows := make([]any, 300)
	for i := range rows {
		rows[i] = map[string]any{"name": strings.Repeat("x", 10)}
	}
	if _, out, err := p.Eval(answers{"household": rows}, today); out != Failed || err == nil || !strings.Contains(err.Error(), "cost") {
		t.Fatalf("outcome %v, error %v: want the cost limit", out, err)
	}
}
