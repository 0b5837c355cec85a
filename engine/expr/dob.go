package expr

import (
	"fmt"
	"reflect"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// A date of birth as social care records it (engine type dateOfBirth) is a value of its own in
// expressions: born (a date), unborn (a due date) or not known (an approximate age). It cannot be
// compared or added to like a date: age(dob) gives a born child's age in whole years and a child of
// unknown date of birth's approximate age, and an unborn child has no age, so age() of one gives no
// result, as an unanswered question does (a rule is not checked, a computed value is empty, a condition
// does not hold). born(dob) and unborn(dob) say which it is, so that a form can treat an unborn child
// as it means to: unborn(dob) || age(dob) < 5.

// The statuses of a date of birth, as the engine stores them.
const (
	DOBBorn    = "born"
	DOBUnborn  = "unborn"
	DOBUnknown = "unknown"
)

var dobType = cel.OpaqueType("dateOfBirth")

// dobVal is a date of birth in an evaluation.
type dobVal struct {
	status string
	date   time.Time // born: the date of birth; unborn: the due date
	age    int64     // unknown: the approximate age in years
}

// DateOfBirthValue is the value of a date of birth in expressions, for a Resolver to give: born on
// date, unborn and due on date, or not known and about age years old.
func DateOfBirthValue(status string, date time.Time, age int64) any {
	return dobVal{status: status, date: Day(date), age: age}
}

func (d dobVal) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("a date of birth cannot be converted to %v", t)
}

func (d dobVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return dobType
	}
	return types.NewErr("a date of birth cannot be converted to %s", t.TypeName())
}

func (d dobVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(dobVal)
	return types.Bool(ok && o == d)
}

func (d dobVal) Type() ref.Type { return dobType }
func (d dobVal) Value() any     { return d }

// dobFunctions are born() and unborn(); age() of a date of birth is bound with today (Program.Eval).
func dobFunctions() []cel.EnvOption {
	is := func(status string) func(ref.Val) ref.Val {
		return func(v ref.Val) ref.Val {
			d, ok := v.(dobVal)
			if !ok {
				return types.MaybeNoSuchOverloadErr(v)
			}
			return types.Bool(d.status == status)
		}
	}
	return []cel.EnvOption{
		cel.Function("born", cel.Overload("born_dateOfBirth", []*cel.Type{dobType}, cel.BoolType, cel.UnaryBinding(is(DOBBorn)))),
		cel.Function("unborn", cel.Overload("unborn_dateOfBirth", []*cel.Type{dobType}, cel.BoolType, cel.UnaryBinding(is(DOBUnborn)))),
	}
}

// ageOf is age(v, on) of a date or a date of birth; noAge is true for an unborn child's, which has none.
func ageOf(v, on ref.Val) (out ref.Val, noAge bool) {
	d, ok := v.(dobVal)
	if !ok {
		return yearsBetween(v, on), false
	}
	switch d.status {
	case DOBBorn:
		return yearsBetween(types.Timestamp{Time: d.date}, on), false
	case DOBUnknown:
		return types.Int(d.age), false
	}
	return types.NewErr("an unborn child has no age"), true
}
