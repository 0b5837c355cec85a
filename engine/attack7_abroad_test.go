package engine

import (
	"reflect"
	"testing"
)

var sameAsAbroadForm = parentsForm("abroad-same",
	"{ id: parent_address, type: address, label: Parent's address, abroad: true }",
	"{ id: carer_address, type: address, label: Carer's address, sameAs: parent_address }")

// "The same as" an address outside the UK carries a copy of it, country and all, as it does of a UK
// address (so the submission reads on its own); the schema takes it, and it is shown as its line.
func TestAttack7SameAsAnAddressAbroad(t *testing.T) {
	f, diags := Load("abroad-same.yaml", []byte(sameAsAbroadForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	abroad := map[string]any{"kind": "abroad", "abroadLine1": "Rua Augusta 12", "abroadTown": "Lisboa", "country": "Portugal"}
	res := validateOne(t, f, map[string]any{"parent_address": abroad, "carer_address": map[string]any{"kind": "sameAs"}})
	want := map[string]any{"kind": "sameAs", "sameAs": "parent_address", "line1": "Rua Augusta 12", "town": "Lisboa", "country": "Portugal"}
	if !res.Valid() || !reflect.DeepEqual(res.Submission.Values["carer_address"], want) {
		t.Fatalf("kept %v (errors %v), want %v", res.Submission.Values["carer_address"], res.Errors, want)
	}
	if err := compileSubmissionSchema(t, f).Validate(roundTrip(t, res.Submission)); err != nil {
		t.Errorf("the schema refuses it: %v", err)
	}
	if got := f.Field("carer_address").FormatAnswer(want, nil); !reflect.DeepEqual(got, []string{"Rua Augusta 12, Lisboa, Portugal"}) {
		t.Errorf("shown as %v", got)
	}
}
