package engine

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The language's JSON Schema is what editors (yaml-language-server) offer and explain as a designer
// types: every property has a description, and a field is offered the properties of its type only.

// TestFormSchemaDescribesEveryProperty walks every "properties" of the schema.
func TestFormSchemaDescribesEveryProperty(t *testing.T) {
	_, tree := formSchema()
	n := 0
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for name, p := range props {
					m, _ := p.(map[string]any)
					if d, _ := m["description"].(string); strings.TrimSpace(d) == "" && !strings.Contains(at, "/if") {
						t.Errorf("%s/properties/%s has no description", at, name)
					}
					n++
				}
			}
			for k, c := range v {
				walk(c, at+"/"+k)
			}
		case []any:
			for i, c := range v {
				walk(c, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(tree, "#")
	if n < 60 {
		t.Fatalf("only %d properties found: the walk is wrong", n)
	}
}

// offered is what an editor offers in a field of the type: the field's own properties and those of
// every allOf branch whose if holds for the type.
func offered(typ string) []string {
	common, byType := fieldPropertySets()
	return append(append([]string{}, common...), byType[typ]...)
}

func TestFormSchemaOffersEachTypeItsOwnProperties(t *testing.T) {
	for typ, want := range map[string]string{
		TypeDate:        "cy after before hint id label messages maxDate minDate name notInFuture notInPast prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
		TypeText:        "cy hint id label maxLength messages minLength name pattern prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
		TypeEmail:       "cy hint id label maxLength messages name prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
		TypePhone:       "cy hint id label messages name prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
		TypeTable:       "cy agencyColumn childColumn columns dateColumn eventColumn fixedRows hint id label maxRows messages minRows name orderBy prefill readOnly renamedFrom required requiredWhen rules sensitive showWhen type visibleTo",
		TypeCheckboxes:  "cy hint id label maxSelected messages minSelected name optionList options prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
		TypeContent:     "cy heading hint id label messages name prefill readOnly renamedFrom required requiredWhen sensitive showWhen style summary text type visibleTo",
		TypeAttachments: "cy accept hint id label maxFiles maxSizeMB messages name prefill readOnly renamedFrom required requiredWhen sensitive showWhen type visibleTo",
	} {
		got, wantList := offered(typ), strings.Fields(want)
		sort.Strings(got)
		sort.Strings(wantList)
		if strings.Join(got, " ") != strings.Join(wantList, " ") {
			t.Errorf("a %s field is offered\n%s\nwant\n%s", typ, strings.Join(got, " "), want)
		}
	}
}

// TestFormSchemaFieldPropertiesOnce: each field property is declared once (in properties or one
// branch), every branch names real types, and fieldPropertyName (which catches a misspelt property in
// the editor) lists exactly the declared ones.
func TestFormSchemaFieldPropertiesOnce(t *testing.T) {
	_, tree := formSchema()
	field := lookupPointer(tree, "/definitions/field").(map[string]any)
	declared := map[string]string{}
	declare := func(names []string, where string) {
		for _, n := range names {
			if other, dup := declared[n]; dup {
				t.Errorf("field property %q is declared in %s and in %s", n, other, where)
			}
			declared[n] = where
		}
	}
	declare(schemaPropertyNames(field), "properties")
	types := map[string]bool{}
	for _, ty := range lookupPointer(tree, "/definitions/fieldType/enum").([]any) {
		types[ty.(string)] = true
	}
	for i, b := range field["allOf"].([]any) {
		for _, ty := range lookupPointer(b, "/if/properties/type/enum").([]any) {
			if !types[ty.(string)] {
				t.Errorf("allOf/%d names the type %q, which the language does not have", i, ty)
			}
		}
		declare(schemaPropertyNames(lookupPointer(b, "/then")), fmt.Sprintf("allOf/%d", i))
	}
	var names []string
	for _, n := range lookupPointer(tree, "/definitions/fieldPropertyName/enum").([]any) {
		names = append(names, n.(string))
		if _, ok := declared[n.(string)]; !ok {
			t.Errorf("fieldPropertyName lists %q, which no branch declares", n)
		}
	}
	for n := range declared {
		if !containsString(names, n) {
			t.Errorf("field property %q is declared but missing from fieldPropertyName: add it there", n)
		}
	}
}

// A property of another type is refused with the properties the type takes; a misspelt one with the
// nearest real one; a property's value is checked in its type's branch.
func TestFormSchemaFieldMistakes(t *testing.T) {
	form := func(field string) string {
		return "id: f\ntitle: F\nversion: 1\nkind: delegation\naudience: [professional]\nscope: child\nsections:\n  - id: s\n    title: S\n    fields:\n" + field
	}
	for field, want := range map[string]string{
		"      - { id: d, type: date, label: Date of the visit, maxLength: 10 }\n":      `f.yaml:11:56: error: "maxLength" does not apply to a date field (it takes after, before, maxDate, minDate, notInFuture, notInPast) (field-property)`,
		"      - { id: d, type: date, label: Date of the visit, notInFuturee: true }\n": "f.yaml:11:56: error: unknown property \"notInFuturee\" in field `d` in section `s`; did you mean \"notInFuture\"? (unknown-property)",
		"      - { id: n, type: number, label: Age, min: none }\n":                      "f.yaml:11:49: error: `min` of field `n` in section `s` must be a number, not the text \"none\" (wrong-type)",
	} {
		_, diags := Load("f.yaml", []byte(form(field)))
		var got []string
		for _, d := range diags {
			got = append(got, d.String())
		}
		if !containsString(got, want) {
			t.Errorf("%s: got\n%s\nwant\n%s", strings.TrimSpace(field), strings.Join(got, "\n"), want)
		}
	}
}
