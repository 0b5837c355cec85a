package expr

import (
	"reflect"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

var stringSliceType = reflect.TypeOf([]string{})

// maxDays bounds date arithmetic to what a form can mean (about 1,000 years either way), so that no
// expression makes a date CEL cannot hold.
const maxDays = 366_000

// library is the functions every expression has beside CEL's own (size, contains, startsWith, exists,
// all, ...): the day, ages, and dates moved or compared by days, weeks, months, years and working days.
func library() []cel.EnvOption {
	ts, i := cel.TimestampType, cel.IntType
	opts := []cel.EnvOption{
		cel.ParserExpressionSizeLimit(MaxLength * 4), // in code points; Compile refuses longer text first
		cel.ParserRecursionLimit(32),
		cel.ExpressionNodeLimit(500),
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		cel.Function("today", cel.Overload("today", nil, ts, cel.LateFunctionBinding())),
		cel.Function("age", cel.Overload("age_timestamp", []*cel.Type{ts}, i, cel.LateFunctionBinding()),
			cel.Overload("age_timestamp_timestamp", []*cel.Type{ts, ts}, i, cel.LateFunctionBinding()),
			cel.Overload("age_dateOfBirth", []*cel.Type{dobType}, i, cel.LateFunctionBinding()), // dob.go
			cel.Overload("age_dateOfBirth_timestamp", []*cel.Type{dobType, ts}, i, cel.LateFunctionBinding())),
		cel.Function("date", cel.Overload("date_string", []*cel.Type{cel.StringType}, ts, cel.UnaryBinding(parseDate))),
		cel.Function("answered", cel.Overload("answered_dyn", []*cel.Type{cel.DynType}, cel.BoolType, cel.OverloadIsNonStrict(),
			cel.UnaryBinding(answered))),
		cel.Function("workingDaysBetween", cel.Overload("working_days_between", []*cel.Type{ts, ts}, i, cel.BinaryBinding(workingDaysBetween))),
		cel.Function("addWorkingDays", cel.Overload("add_working_days", []*cel.Type{ts, i}, ts, cel.BinaryBinding(addWorkingDays))),
	}
	for name, unit := range map[string]func(time.Time, int) time.Time{
		"addDays":   func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) },
		"addWeeks":  func(t time.Time, n int) time.Time { return t.AddDate(0, 0, 7*n) },
		"addMonths": func(t time.Time, n int) time.Time { return addMonths(t, n) },
		"addYears":  func(t time.Time, n int) time.Time { return addMonths(t, 12*n) },
	} {
		opts = append(opts, cel.Function(name, cel.Overload(name+"_timestamp_int", []*cel.Type{ts, i}, ts, cel.BinaryBinding(shift(unit)))))
	}
	for name, between := range map[string]func(a, b time.Time) int64{
		"daysBetween":   func(a, b time.Time) int64 { return int64(b.Sub(a).Hours() / 24) },
		"weeksBetween":  func(a, b time.Time) int64 { return int64(b.Sub(a).Hours() / (24 * 7)) },
		"monthsBetween": monthsBetween,
		"yearsBetween":  func(a, b time.Time) int64 { return monthsBetween(a, b) / 12 },
	} {
		opts = append(opts, cel.Function(name, cel.Overload(name+"_timestamp_timestamp", []*cel.Type{ts, ts}, i, cel.BinaryBinding(dates(between)))))
	}
	return append(opts, dobFunctions()...)
}

func answered(v ref.Val) ref.Val {
	if types.IsUnknownOrError(v) {
		return types.False
	}
	if s, ok := v.(types.String); ok {
		return types.Bool(s != "")
	}
	return types.True
}

func parseDate(v ref.Val) ref.Val {
	s, ok := v.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	t, err := time.Parse(time.DateOnly, string(s))
	if err != nil {
		return types.NewErr("date(%q): write a date as YYYY-MM-DD", string(s))
	}
	return types.Timestamp{Time: t}
}

func dayOf(v ref.Val) (time.Time, bool) {
	t, ok := v.(types.Timestamp)
	if !ok {
		return time.Time{}, false
	}
	return Day(t.Time.UTC()), true
}

func shift(move func(time.Time, int) time.Time) func(a, b ref.Val) ref.Val {
	return func(a, b ref.Val) ref.Val {
		t, ok := dayOf(a)
		n, nok := b.(types.Int)
		if !ok || !nok {
			return types.MaybeNoSuchOverloadErr(a)
		}
		if n > maxDays || n < -maxDays {
			return types.NewErr("a date moved by %d is out of range", int64(n))
		}
		return checkedDate(move(t, int(n)))
	}
}

func dates(between func(a, b time.Time) int64) func(a, b ref.Val) ref.Val {
	return func(a, b ref.Val) ref.Val {
		x, ok := dayOf(a)
		y, yok := dayOf(b)
		if !ok || !yok {
			return types.MaybeNoSuchOverloadErr(a)
		}
		return types.Int(between(x, y))
	}
}

// checkedDate refuses a date past what CEL's timestamps hold (years 1 to 9999).
func checkedDate(t time.Time) ref.Val {
	if t.Year() < 1 || t.Year() > 9999 {
		return types.NewErr("the date is out of range")
	}
	return types.Timestamp{Time: t}
}

// addMonths moves a date by whole months, to the last day of the month when the day does not exist
// there: 31 January and one month is 28 (or 29) February.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// monthsBetween is the whole months from a to b (negative when b is before a): the way ages are counted.
func monthsBetween(a, b time.Time) int64 {
	if b.Before(a) {
		return -monthsBetween(b, a)
	}
	months := int64(b.Year()-a.Year())*12 + int64(b.Month()-a.Month())
	if months > 0 && addMonths(a, int(months)).After(b) {
		months--
	}
	return months
}

// yearsBetween is the whole years from a to b: age(dob) is yearsBetween(dob, today()).
func yearsBetween(a, b ref.Val) ref.Val {
	return dates(func(x, y time.Time) int64 { return monthsBetween(x, y) / 12 })(a, b)
}

// Working days are Monday to Friday; bank holidays are not known to the language.
func working(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }

// addWorkingDays moves a date by n working days (back for negative n): from a Friday, one working day
// is the Monday after.
func addWorkingDays(a, b ref.Val) ref.Val {
	t, ok := dayOf(a)
	n, nok := b.(types.Int)
	if !ok || !nok {
		return types.MaybeNoSuchOverloadErr(a)
	}
	if n > maxDays/2 || n < -maxDays/2 {
		return types.NewErr("a date moved by %d working days is out of range", int64(n))
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	// Whole weeks first, so that the loop runs at most a week's days.
	t = t.AddDate(0, 0, step*7*int(n/5))
	for left := n % 5; left > 0; {
		t = t.AddDate(0, 0, step)
		if working(t) {
			left--
		}
	}
	return checkedDate(t)
}

// workingDaysBetween counts the working days after a up to and including b (negative when b is
// before a).
func workingDaysBetween(a, b ref.Val) ref.Val {
	return dates(func(x, y time.Time) int64 {
		if y.Before(x) {
			x, y = y, x
			return -countWorking(x, y)
		}
		return countWorking(x, y)
	})(a, b)
}

func countWorking(x, y time.Time) int64 {
	days := int64(y.Sub(x).Hours() / 24)
	weeks := days / 7
	n := weeks * 5
	for t := x.AddDate(0, 0, int(weeks*7)); t.Before(y); {
		t = t.AddDate(0, 0, 1)
		if working(t) {
			n++
		}
	}
	return n
}
