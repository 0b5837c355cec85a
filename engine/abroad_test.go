package engine

import (
	"reflect"
	"strings"
	"testing"
)

var abroadForm = parentsForm("abroad",
	"{ id: parent_address, type: address, label: Parent's address, abroad: true, name: the parent's address }",
	"{ id: uk_only, type: address, label: Carer's address }")

// parentsForm is the YAML of a form of one section, Parents, of these questions (one YAML flow mapping
// each).
func parentsForm(id string, fields ...string) string {
	return `
id: ` + id + `
title: Abroad
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: parents
    title: Parents
    fields:
      - ` + strings.Join(fields, "\n      - ") + "\n"
}

// An address outside the UK: its lines and country kept, as posted or as kept, with no postcode checked;
// its first line and country needed; refused where the question does not offer it.
func TestAddressAbroad(t *testing.T) {
	f, diags := Load("abroad.yaml", []byte(abroadForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	posted := map[string]any{"kind": "abroad", "abroadLine1": " Rua  Augusta 12 ", "abroadTown": "Lisboa", "country": "Portugal",
		"line1": "ignored UK line", "postcode": "1100-048"}
	res := validateOne(t, f, map[string]any{"parent_address": posted})
	want := map[string]any{"kind": "abroad", "line1": "Rua Augusta 12", "town": "Lisboa", "country": "Portugal"}
	if !res.Valid() || !reflect.DeepEqual(res.Submission.Values["parent_address"], want) {
		t.Fatalf("kept %v (errors %v), want %v", res.Submission.Values["parent_address"], res.Errors, want)
	}
	// As kept (a submission read again) it reads the same, and is shown as one line.
	if again := validateOne(t, f, map[string]any{"parent_address": want}); !reflect.DeepEqual(again.Submission.Values["parent_address"], want) {
		t.Fatalf("kept again %v", again.Submission.Values["parent_address"])
	}
	if got := f.Field("parent_address").FormatAnswer(want, nil); !reflect.DeepEqual(got, []string{"Rua Augusta 12, Lisboa, Portugal"}) {
		t.Fatalf("shown as %v", got)
	}
	for _, c := range []struct {
		value map[string]any
		msg   string
	}{
		{map[string]any{"kind": "abroad", "country": "Portugal"}, "Enter address line 1, typically the building and street"},
		{map[string]any{"kind": "abroad", "abroadLine1": "Rua Augusta 12"}, "Enter the country"},
	} {
		if got := messages(validateOne(t, f, map[string]any{"parent_address": c.value}))["parent_address"]; got != c.msg {
			t.Errorf("%v: %q, want %q", c.value, got, c.msg)
		}
	}
	if got := messages(validateOne(t, f, map[string]any{"uk_only": map[string]any{"kind": "abroad", "abroadLine1": "x", "country": "France"}}))["uk_only"]; got == "" {
		t.Error("an address abroad was taken by a question that does not offer it")
	}
	cy := f.Validate(nil, Answers{Values: map[string]any{"parent_address": map[string]any{"kind": "abroad", "abroadLine1": "x"}}}, ValidateOptions{Today: ukToday, Lang: "cy"})
	if got := messages(cy)["parent_address"]; got != "Rhowch y wlad" {
		t.Errorf("Welsh: %q", got)
	}
	if got := f.Field("parent_address").AddressChoices(); len(got) != 1 || got[0].Value != AddressAbroad || UKWord("cy", got[0].Label) != "Cyfeiriad y tu allan i’r DU" {
		t.Errorf("choices %v", got)
	}
	// The submission schema takes it, and refuses a postcode in it.
	schema := compileSubmissionSchema(t, f)
	if err := schema.Validate(roundTrip(t, Answers{Values: map[string]any{"parent_address": want}})); err != nil {
		t.Errorf("the schema refuses an address abroad: %v", err)
	}
	bad := map[string]any{"kind": "abroad", "line1": "x", "country": "France", "postcode": "75001"}
	if err := schema.Validate(roundTrip(t, Answers{Values: map[string]any{"parent_address": bad}})); err == nil {
		t.Error("the schema takes an address abroad with a postcode")
	}
}
