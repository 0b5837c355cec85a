package engine

import "testing"

func TestStatementShowsTheAnswers(t *testing.T) {
	src := `id: early-help-request
title: Early Help Request
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: referrer_name, type: text, label: Your name, required: true }
      - { id: seen_on, type: date, label: Date you saw the child }
      - id: role
        type: radios
        label: Your role
        options: [ { value: gp, label: GP }, { value: teacher, label: Teacher } ]
  - id: declare
    title: Declaration
    fields:
      - { id: ok, type: declaration, required: true, label: Declaration, text: "I, {referrer_name} ({role}), saw the child on {seen_on}." }
`
	form, diags := Load("f.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	fd := form.Section("declare").Field("ok")
	a := Answers{Values: map[string]any{"referrer_name": "Sam <b>Jones</b>", "role": "gp", "seen_on": "2026-03-02"}}
	if got, want := form.Statement(fd, a, "", nil), "I, Sam <b>Jones</b> (GP), saw the child on 2 March 2026."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got, want := form.Statement(fd, Answers{}, "", nil), "I, [Your name] ([Your role]), saw the child on [Date you saw the child]."; got != want {
		t.Errorf("unanswered: got %q\nwant %q", got, want)
	}
}
