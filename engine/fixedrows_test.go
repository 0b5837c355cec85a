package engine

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

const fixedRowsForm = `
id: network
title: Network
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: network
    title: Network
    fields:
      - id: professionals
        type: table
        label: Professionals
        orderBy: name
        fixedRows:
          - { id: gp, label: GP }
          - { id: school, label: School }
        columns:
          - { id: name, type: text, label: Name, required: true }
          - { id: telephone, type: phone, label: Telephone number }
`

func TestFixedRows(t *testing.T) {
	form, diags := Load("network.yaml", []byte(fixedRowsForm))
	if form == nil || len(diags) > 0 {
		t.Fatalf("does not load cleanly: %v", diags)
	}
	fd := form.Field("professionals")
	// Stored out of order, with an extra row and a row naming a fixed row twice: fixed rows first.
	stored := []any{
		map[string]any{"name": "Youth worker"},
		map[string]any{FixedRowKey: "school", "telephone": "01632960001"},
		map[string]any{FixedRowKey: "school", "name": "Hill Primary"},
	}
	got := fd.FixedRowsFirst(stored)
	want := []any{
		map[string]any{FixedRowKey: "gp"},
		map[string]any{FixedRowKey: "school", "telephone": "01632960001"},
		map[string]any{"name": "Youth worker"},
		map[string]any{"name": "Hill Primary"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FixedRowsFirst\n got %v\nwant %v", got, want)
	}
	ordered, _ := fd.OrderRows([]any{want[3], want[2], want[1], want[0]})
	if !reflect.DeepEqual(ordered, []any{want[0], want[1], want[3], want[2]}) {
		t.Errorf("OrderRows does not keep the fixed rows first: %v", ordered)
	}
	// The blank GP row is kept and not checked; the school row's problem names it by its label.
	res := form.Validate(nil, Answers{Values: map[string]any{"professionals": stored}}, ValidateOptions{})
	if len(res.Errors) != 1 || res.Errors[0].Path != "professionals[1].name" || res.Errors[0].Message != "Enter name for School" {
		t.Fatalf("errors = %+v", res.Errors)
	}
	sub := res.Submission.Values["professionals"].([]any)
	if len(sub) != 4 || !reflect.DeepEqual(sub[0], map[string]any{FixedRowKey: "gp"}) || sub[1].(map[string]any)[FixedRowKey] != "school" {
		t.Errorf("submission rows = %v", sub)
	}
	// The submission fits the derived schema, blank fixed row and all.
	raw, _ := json.Marshal(form.SubmissionSchema())
	c := jsonschema.NewCompiler()
	if err := c.AddResource("s.json", strings.NewReader(string(raw))); err != nil {
		t.Fatal(err)
	}
	schema := c.MustCompile("s.json")
	ok := Answers{Values: map[string]any{"professionals": []any{
		map[string]any{FixedRowKey: "gp"},
		map[string]any{FixedRowKey: "school", "name": "Hill Primary"},
	}}}
	res = form.Validate(nil, ok, ValidateOptions{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	subJSON, _ := json.Marshal(res.Submission)
	var v any
	json.Unmarshal(subJSON, &v)
	if err := schema.Validate(v); err != nil {
		t.Errorf("the submission does not fit its schema: %v\n%s", err, subJSON)
	}
	if !strings.Contains(string(raw), `"fixedRow":{"description":"The fixed row this row is, by id; absent on rows added after them.","enum":["gp","school"]`) {
		t.Errorf("the schema does not name the fixed rows: %s", raw)
	}
}
