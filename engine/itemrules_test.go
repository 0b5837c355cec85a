package engine

import (
	"reflect"
	"testing"
)

// A form whose list items and table rows have rules of their own: an item's answers named by id, the
// form's answer (the report date) in reach, a nested list's item rule, and one that marks two fields.
const itemRulesForm = `
id: item-rules
title: Item rules
version: 1
kind: delegation
audience: [professional]
scope: child
languages: [en, cy]
sections:
  - id: family
    title: Family
    fields:
      - { id: report_date, type: date, label: Date of the report }
      - id: household
        type: list
        label: Household members
        itemLabel: Household member
        fields:
          - { id: name, type: text, label: Full name, required: true }
          - { id: phone, type: phone, label: Telephone number }
          - { id: email, type: email, label: Email address }
          - id: addresses
            type: list
            label: Their addresses in the last 5 years
            itemLabel: Address
            fields:
              - { id: line, type: text, label: Address, required: true }
              - { id: moved_out, type: date, label: Date they moved out }
            rules:
              - expr: moved_out >= addYears(report_date, -5)
                message: Give only addresses they left within 5 years of the report
                cy: { message: Rhowch gyfeiriadau y gadawon nhw o fewn 5 mlynedd i'r adroddiad yn unig }
                fields: [moved_out]
        rules:
          - expr: answered(phone) || answered(email)
            message: Enter a telephone number or an email address
            cy: { message: Rhowch rif ffôn neu gyfeiriad e-bost }
            fields: [phone, email]
      - id: agencies
        type: table
        label: Agencies
        columns:
          - { id: agency, type: text, label: Agency }
          - { id: contact, type: phone, label: Telephone }
        rules:
          - expr: answered(contact)
            message: Enter the agency's telephone number
            cy: { message: Rhowch rif ffôn yr asiantaeth }
            fields: [contact]
`

func loadItemRulesForm(t *testing.T) *Form {
	t.Helper()
	f, diags := Load("item-rules.yaml", []byte(itemRulesForm))
	if f == nil || diags.HasErrors() {
		t.Fatalf("the form does not load: %v", diags)
	}
	return f
}

// Each item's rule is checked on that item alone, its message at the item's questions named with the
// item's place; items that keep it, and items that leave it unworked (a date not given), have none.
func TestItemRulesValidate(t *testing.T) {
	f := loadItemRulesForm(t)
	vals := map[string]any{
		"report_date": "2026-03-01",
		"household": []any{
			map[string]any{"name": "Ann", "phone": "07700900001"},
			map[string]any{"name": "Bob", "addresses": []any{
				map[string]any{"line": "1 High St", "moved_out": "2025-01-01"},
				map[string]any{"line": "2 Low St", "moved_out": "2019-01-01"},
				map[string]any{"line": "3 Mid St"},
			}},
		},
		"agencies": []any{map[string]any{"agency": "School"}, map[string]any{"agency": "GP", "contact": "0115 123 4567"}},
	}
	res := f.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday})
	want := map[string]string{
		"household[1].phone":                  "Enter a telephone number or an email address for household member 2",
		"household[1].email":                  "Enter a telephone number or an email address for household member 2",
		"household[1].addresses[1].moved_out": "Give only addresses they left within 5 years of the report for address 2 of household member 2",
		"agencies[0].contact":                 "Enter the agency's telephone number in row 1",
	}
	if got := messages(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("messages:\n got %v\nwant %v", got, want)
	}
	for _, e := range res.Errors {
		if e.Kind != "rule" || e.Section != "family" {
			t.Errorf("%s: kind %q section %q", e.Path, e.Kind, e.Section)
		}
	}
	// The rule sees the form's answers: with the report in 2023, the address left in 2019 is within 5 years.
	vals["report_date"] = "2023-06-01"
	if got := messages(f.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday})); got["household[1].addresses[1].moved_out"] != "" {
		t.Fatalf("with the report in 2023 the 2019 address is within 5 years: %v", got)
	}
	// In Welsh, the form's own message and the engine's words for the item's place.
	cy := f.In("cy").Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday, Lang: "cy"})
	if got := messages(cy)["household[1].phone"]; got == "" || got[:len("Rhowch rif ffôn neu")] != "Rhowch rif ffôn neu" {
		t.Fatalf("Welsh message %q", got)
	}
}

// An item checked on its own page (ValidateRow, ValidateRowIn for an item of an inner list) gets the
// rule's errors exactly as full validation gives them.
func TestItemRulesOnTheItemsPage(t *testing.T) {
	f := loadItemRulesForm(t)
	bob := map[string]any{"name": "Bob", "addresses": []any{map[string]any{"line": "2 Low St", "moved_out": "2019-01-01"}}}
	answers := Answers{Values: map[string]any{"report_date": "2026-03-01", "household": []any{map[string]any{"name": "Ann", "email": "a@example.org"}, bob}}}
	full := f.Validate(nil, answers, ValidateOptions{Today: exprToday}).Errors
	household := f.Field("household")
	var wantItem, wantInner []FieldError
	for _, e := range full {
		switch e.Path {
		case "household[1].phone", "household[1].email":
			wantItem = append(wantItem, e)
		case "household[1].addresses[0].moved_out":
			wantInner = append(wantInner, e)
		}
	}
	got := f.ValidateRow(nil, answers, household, "", bob, 1, ValidateOptions{Today: exprToday})
	var gotItem []FieldError
	for _, e := range got {
		if e.Kind == "rule" && (e.Field == "phone" || e.Field == "email") {
			gotItem = append(gotItem, e)
		}
	}
	if len(wantItem) != 2 || !reflect.DeepEqual(gotItem, wantItem) {
		t.Fatalf("item page:\n got %+v\nwant %+v", gotItem, wantItem)
	}
	inner := bob["addresses"].([]any)[0].(map[string]any)
	gotInner := f.ValidateRowIn(nil, answers, "", &RowAt{Field: household, Row: bob, Index: 1},
		RowAt{Field: household.Child("addresses"), Row: inner, Index: 0}, ValidateOptions{Today: exprToday})
	if len(wantInner) != 1 || !reflect.DeepEqual(gotInner, wantInner) {
		t.Fatalf("inner item page:\n got %+v\nwant %+v", gotInner, wantInner)
	}
	ok := map[string]any{"name": "Cat", "phone": "07700900002"}
	if errs := f.ValidateRow(nil, answers, household, "", ok, 2, ValidateOptions{Today: exprToday}); len(errs) != 0 {
		t.Fatalf("an item keeping the rule: %v", errs)
	}
}

// "Each household member gives a telephone number or an address": an address is named as its one line,
// so answered() sees it given, whichever of its answers it is.
func TestItemRuleNamesAnAddress(t *testing.T) {
	f, diags := Load("household.yaml", []byte(`
id: household
title: Household
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: family
    title: Family
    fields:
      - id: household
        type: list
        label: Household members
        itemLabel: Household member
        fields:
          - { id: name, type: text, label: Full name, required: true }
          - { id: phone, type: phone, label: Telephone number }
          - { id: address, type: address, label: Address, noFixedAbode: true }
        rules:
          - expr: answered(phone) || answered(address)
            message: Enter a telephone number or an address
            fields: [phone]
`))
	if f == nil || diags.HasErrors() {
		t.Fatalf("the form does not load: %v", diags)
	}
	vals := map[string]any{"household": []any{
		map[string]any{"name": "Ann", "address": map[string]any{"kind": "address", "line1": "41 Test Street", "town": "Testertown"}},
		map[string]any{"name": "Bob", "address": map[string]any{"kind": "noFixedAbode"}},
		map[string]any{"name": "Cat"},
	}}
	got := messages(f.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: exprToday}))
	if want := map[string]string{"household[2].phone": "Enter a telephone number or an address for household member 3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("messages %v, want %v", got, want)
	}
}
