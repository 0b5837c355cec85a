package engine

import (
	"strings"
	"testing"
	"time"
)

const exprForm = `id: expressions
title: Expressions
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: family
    title: Family
    fields:
      - { id: home_phone, type: phone, label: Home telephone number }
      - { id: mobile_phone, type: phone, label: Mobile telephone number }
      - { id: dob, type: date, label: Date of birth of the child }
      - { id: age, type: computed, label: Age, result: number, integer: true, expr: age(dob) }
      - { id: school, type: text, label: School, requiredWhen: "age >= 5" }
      - { id: under_five, type: text, label: Nursery, showWhen: { expr: "age < 5", text: the child is under 5 } }
      - { id: has_siblings, type: yesno, label: Has siblings }
      - id: siblings
        type: list
        label: Siblings
        showWhen: { field: has_siblings, equals: "yes" }
        fields:
          - { id: name, type: text, label: Name }
          - { id: dob, type: date, label: Date of birth }
          - { id: age, type: computed, label: Age, result: number, integer: true, expr: age(dob) }
      - { id: sibling_count, type: computed, label: Number of siblings, result: number, integer: true, expr: "answered(siblings) ? size(siblings) : 0" }
    rules:
      - expr: answered(home_phone) || answered(mobile_phone)
        message: Enter a home or a mobile telephone number
        fields: [home_phone, mobile_phone]
      - expr: dob >= addYears(today(), -18)
        message: The child must be under 18
        fields: [dob]
  - id: meeting
    title: Meeting
    fields:
      - { id: meeting_date, type: date, label: Date of the meeting }
      - { id: conference_date, type: date, label: Date of the conference }
      - { id: report_date, type: date, label: Date of the report }
      - { id: consent, type: yesno, label: Has the family consented }
      - { id: no_consent_reason, type: textarea, label: Why you are referring without consent }
    rules:
      - expr: conference_date <= addWeeks(meeting_date, 12)
        message: The conference must be within 12 weeks of the meeting
        fields: [conference_date]
      - expr: report_date <= addWorkingDays(conference_date, -2)
        message: Send the report at least 2 working days before the conference
        fields: [report_date]
rules:
  - expr: consent || answered(no_consent_reason)
    message: Get the family's consent, or tell us why you are referring without it
    fields: [consent]
`

func loadExprForm(t testing.TB) *Form {
	t.Helper()
	f, diags := Load("expressions.yaml", []byte(exprForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	return f
}

var exprToday = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday

func messages(res Result) map[string]string {
	out := map[string]string{}
	for _, e := range res.Errors {
		out[e.Path] = e.Message
	}
	return out
}

func TestExpressionsValidate(t *testing.T) {
	f := loadExprForm(t)
	answers := func(vals map[string]any) Answers { return Answers{Values: vals} }
	base := func() map[string]any {
		return map[string]any{"mobile_phone": "07700900001", "dob": "2016-03-05", "school": "Hill Primary",
			"meeting_date": "2026-01-05", "conference_date": "2026-03-02", "report_date": "2026-02-26", "consent": "yes"}
	}
	res := f.Validate(nil, answers(base()), ValidateOptions{Today: exprToday})
	if !res.Valid() {
		t.Fatalf("valid answers: %v", res.Errors)
	}
	// The birthday is tomorrow: 9, and the posted age is never taken.
	if got := res.Submission.Values["age"]; got != 9.0 {
		t.Errorf("age = %v, want 9", got)
	}
	if got := res.Submission.Values["sibling_count"]; got != 0.0 {
		t.Errorf("sibling_count = %v, want 0", got)
	}
	// The derived submission schema describes the computed values.
	if err := compileSubmissionSchema(t, f).Validate(roundTrip(t, res.Submission)); err != nil {
		t.Errorf("the submission schema rejects the submission: %v", err)
	}
	if res.Sections[0].Computed["age"] != 9.0 {
		t.Errorf("the section's computed values: %v", res.Sections[0].Computed)
	}

	for name, c := range map[string]struct {
		change map[string]any
		want   map[string]string
	}{
		"neither telephone": {map[string]any{"mobile_phone": nil, "age": 3}, map[string]string{
			"home_phone": "Enter a home or a mobile telephone number", "mobile_phone": "Enter a home or a mobile telephone number"}},
		"over 18":                {map[string]any{"dob": "2007-01-01"}, map[string]string{"dob": "The child must be under 18"}},
		"school required from 5": {map[string]any{"school": ""}, map[string]string{"school": "Enter school"}},
		"conference too late": {map[string]any{"conference_date": "2026-03-31"}, map[string]string{
			"conference_date": "The conference must be within 12 weeks of the meeting", "report_date": ""}},
		// Friday 27 February is only one working day before Monday 2 March.
		"report late":           {map[string]any{"report_date": "2026-02-27"}, map[string]string{"report_date": "Send the report at least 2 working days before the conference"}},
		"no consent, no reason": {map[string]any{"consent": "no"}, map[string]string{"consent": "Get the family's consent, or tell us why you are referring without it"}},
		"no consent, a reason":  {map[string]any{"consent": "no", "no_consent_reason": "The child is at risk"}, map[string]string{}},
		// A rule that needs an answer not given is not checked: required says what must be answered.
		"no meeting date": {map[string]any{"meeting_date": nil}, map[string]string{}},
	} {
		vals := base()
		for k, v := range c.change {
			vals[k] = v
		}
		res := f.Validate(nil, answers(vals), ValidateOptions{Today: exprToday})
		got := messages(res)
		for path, msg := range c.want {
			if msg == "" {
				if _, ok := got[path]; ok {
					t.Errorf("%s: unexpected error at %s: %s", name, path, got[path])
				}
				continue
			}
			if !strings.HasPrefix(got[path], msg) {
				t.Errorf("%s: error at %s = %q, want %q (all: %v)", name, path, got[path], msg, got)
			}
		}
		if len(c.want) == 0 && len(got) > 0 {
			t.Errorf("%s: unexpected errors %v", name, got)
		}
	}
}

// A computed value inside a list is worked out for each item; one that needs an unanswered question
// is empty; answers hidden by a structured condition are unanswered to expressions too.
func TestExpressionsRowsAndHiddenAnswers(t *testing.T) {
	f := loadExprForm(t)
	vals := map[string]any{"mobile_phone": "07700900001", "dob": "2023-01-01", "consent": "yes", "has_siblings": "yes",
		"siblings": []any{map[string]any{"name": "Ann", "dob": "2020-03-04"}, map[string]any{"name": "Bo"}}}
	res := f.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday})
	rows, _ := res.Submission.Values["siblings"].([]any)
	if len(rows) != 2 || rows[0].(map[string]any)["age"] != 6.0 || rows[1].(map[string]any)["age"] != nil {
		t.Errorf("siblings = %v, want Ann aged 6 and Bo with no age", rows)
	}
	if res.Sections[0].Computed["siblings[0].age"] != 6.0 || res.Submission.Values["sibling_count"] != 2.0 {
		t.Errorf("computed: %v, submission %v", res.Sections[0].Computed, res.Submission.Values)
	}
	// The under-fives question shows (age 3); school is not required.
	if _, ok := messages(res)["school"]; ok || containsString(res.Sections[0].Hidden, "under_five") {
		t.Errorf("errors %v, hidden %v", messages(res), res.Sections[0].Hidden)
	}
	vals["has_siblings"] = "no" // the list is hidden: its rows count for nothing
	res = f.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday})
	if res.Submission.Values["sibling_count"] != 0.0 || res.Submission.Values["siblings"] != nil {
		t.Errorf("with the list hidden: %v", res.Submission.Values)
	}
}

// An error inside an expression written as a literal block is reported at its line and column in the file.
func TestExpressionPositionInBlock(t *testing.T) {
	src := strings.Replace(exprForm, "      - expr: dob >= addYears(today(), -18)\n",
		"      - expr: |\n          answered(dob) &&\n            dob >= addYear(today(), -18)\n", 1)
	_, diags := Load("expressions.yaml", []byte(src))
	lines := strings.Split(src, "\n")
	want := -1
	for i, l := range lines {
		if strings.Contains(l, "addYear(") {
			want = i + 1
		}
	}
	if len(diags) != 1 || diags[0].Line != want || diags[0].Col != strings.Index(lines[want-1], "addYear")+1 || diags[0].Rule != "expr" {
		t.Fatalf("diagnostics %v, want one at line %d column %d", diags, want, strings.Index(lines[want-1], "addYear")+1)
	}
}

// An NHS number and a time are text in expressions (as the submission keeps them: 10 digits, HH:MM on
// the 24-hour clock, so times compare in order), and files are the list of their names.
func TestExpressionsNameNHSNumberTimeAndFiles(t *testing.T) {
	f, diags := Load("uk.yaml", []byte(`id: uk-expressions
title: UK answers in expressions
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: visit
    title: Visit
    fields:
      - { id: nhs_number, type: nhsNumber, label: NHS number }
      - { id: gp, type: text, label: GP }
      - { id: arrived, type: time, label: Time you arrived }
      - { id: left, type: time, label: Time you left }
      - { id: body_map, type: attachments, label: Body map }
      - { id: injuries, type: textarea, label: Injuries }
      - { id: files, type: computed, label: Files, result: text, expr: "answered(body_map) ? body_map[0] : \"none\"" }
    rules:
      - expr: answered(nhs_number) || answered(gp)
        message: Enter the NHS number or the GP
        fields: [nhs_number]
      - expr: left > arrived
        message: The time you left must be after the time you arrived
        fields: [left]
      - expr: answered(body_map) || answered(injuries)
        message: Upload a body map or describe the injuries
        fields: [body_map]
`))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	valid := map[string]any{"nhs_number": "943 476 5919", "arrived": "9.30am", "left": "14:05",
		"body_map": []any{map[string]any{"id": "a1", "name": "map.pdf", "size": 2048, "kind": "pdf"}}}
	res := f.Validate(nil, Answers{Values: valid}, ValidateOptions{Today: exprToday})
	if !res.Valid() {
		t.Fatalf("valid answers: %v", res.Errors)
	}
	if got := res.Submission.Values["files"]; got != "map.pdf" {
		t.Errorf("files = %v, want map.pdf", got)
	}
	// "9.30am" is kept as 09:30 and "2pm" as 14:00: compared as text they are in order.
	res = f.Validate(nil, Answers{Values: map[string]any{"gp": "Dr Patel", "arrived": "2pm", "left": "9.30am", "injuries": "A bruise"}}, ValidateOptions{Today: exprToday})
	if got := messages(res); len(got) != 1 || got["left"] != "The time you left must be after the time you arrived" {
		t.Errorf("left before arrived: %v", got)
	}
	res = f.Validate(nil, Answers{Values: map[string]any{}}, ValidateOptions{Today: exprToday})
	if got := messages(res); got["nhs_number"] != "Enter the NHS number or the GP" || got["body_map"] != "Upload a body map or describe the injuries" {
		t.Errorf("nothing given: %v", got)
	}
	if got := res.Submission.Values["files"]; got != "none" {
		t.Errorf("files with none uploaded = %v, want none", got)
	}
}
