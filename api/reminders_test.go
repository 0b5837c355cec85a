package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestDelegationRemindersAndOverdue: a delegation's own reminder schedule is taken when it is created and
// refused with a clear problem when it is wrong; a delegation past its due date is overdue until it is
// no longer with its professional.
func TestDelegationRemindersAndOverdue(t *testing.T) {
	e := newEnv(t)
	body := newDelegation("sam@school.example")
	body["reminders"] = []int{5, 0}
	code, out := e.call(e.key, "POST", "/delegations", body)
	if code != http.StatusCreated || fmt.Sprint(out["reminders"]) != "[5 0]" || out["overdue"] != false {
		t.Fatalf("create with reminders [5, 0]: %d %v", code, out)
	}
	id := out["id"].(string)
	rems, err := e.store.RemindersOf(context.Background(), id)
	if err != nil || len(rems) != 2 || rems[0].DaysBefore != 5 || rems[0].SendAt.Format(time.DateOnly) != "2026-04-03" {
		t.Fatalf("reminders planned: %+v, %v", rems, err)
	}

	plain := e.delegate("kim@health.example")
	if _, out := e.call(e.key, "GET", "/delegations/"+plain, nil); fmt.Sprint(out["reminders"]) != "[]" {
		t.Fatalf("a delegation of a form without reminders: %v", out["reminders"])
	}

	for _, bad := range []struct {
		days []int
		msg  string
	}{
		{[]int{2, 2}, "Enter each reminder once: 2 days is there twice"},
		{[]int{-1}, "Each reminder must be between 0 and 365 days before the due date"},
		{make([]int, 11), "Enter at most 10 reminders"},
	} {
		body := newDelegation("sam@school.example")
		body["reminders"] = bad.days
		code, out := e.call(e.key, "POST", "/delegations", body)
		errs, _ := out["errors"].([]any)
		if code != http.StatusBadRequest || len(errs) != 1 || errs[0].(map[string]any)["path"] != "reminders" || errs[0].(map[string]any)["message"] != bad.msg {
			t.Errorf("reminders %v: %d %v", bad.days, code, out)
		}
	}

	e.clock.Advance(38 * 24 * time.Hour) // 2026-04-09, the day after the due date
	if _, out := e.call(e.key, "GET", "/delegations/"+id, nil); out["overdue"] != true {
		t.Fatalf("a day after its due date: overdue %v", out["overdue"])
	}
	if code, out := e.call(e.key, "POST", "/delegations/"+id+"/retract", map[string]any{"reason": "not needed"}); code != http.StatusOK || out["overdue"] != false {
		t.Fatalf("retracted: %d overdue %v", code, out["overdue"])
	}
}
