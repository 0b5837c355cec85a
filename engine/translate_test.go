package engine

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestEveryStringIsClassified fails when a string property is added to the model without saying whether
// people read it (textProperties: translated, checked for its translation) or not (notTextProperties).
func TestEveryStringIsClassified(t *testing.T) {
	seen := map[reflect.Type]bool{}
	found := map[string]bool{}
	var visit func(rt reflect.Type)
	visit = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := 0; i < rt.NumField(); i++ {
			sf := rt.Field(i)
			if !sf.IsExported() {
				continue
			}
			name := rt.Name() + "." + sf.Name
			ft := sf.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.String, reflect.Interface:
				found[name] = true
				if !textProperties[name] && !notTextProperties[name] {
					t.Errorf("%s is a string the walk does not know: add it to textProperties (engine/texts.go) if people read it, else to notTextProperties", name)
				}
				if textProperties[name] && sf.Type.Kind() != reflect.String {
					t.Errorf("%s is in textProperties but is not a plain string: the walk translates strings only", name)
				}
			case reflect.Struct:
				visit(ft)
			}
		}
	}
	visit(reflect.TypeOf(Form{}))
	for _, list := range []map[string]bool{textProperties, notTextProperties} {
		for name := range list {
			if !found[name] {
				t.Errorf("%s is listed in engine/texts.go but the model has no such string property", name)
			}
		}
	}
}

const bilingualForm = `id: contact-check
title: Contact check
version: 2
kind: delegation
audience: [professional]
scope: child
languages: [en, cy]
cy: { title: Gwiriad cyswllt }
sections:
  - id: about
    title: About you
    fields:
      - id: aware
        type: yesno
        label: Are the parents aware?
        name: whether the parents are aware
        cy: { label: Ydy'r rhieni'n ymwybodol?, name: a yw'r rhieni'n ymwybodol }
      - id: reason
        type: textarea
        label: Why not?
        hint: In your own words
        required: true
        messages: { required: Enter why the parents are not aware }
        showWhen: { field: aware, equals: "no" }
      - id: contact
        type: radios
        label: How should we contact you?
        options:
          - { value: email, label: Email, cy: { label: E-bost } }
          - { value: phone, label: Phone }
          - { value: all, label: Either }
      - id: agencies
        type: table
        label: Agencies
        columns:
          - { id: agency, type: text, label: Agency }
`

const bilingualParallel = `sections:
  about:
    title: Amdanoch chi
    fields:
      reason:
        label: Pam lai?
        messages: { required: Rhowch y rheswm pam nad yw'r rhieni'n ymwybodol }
      contact:
        options: { phone: Ffôn, all: { label: Y naill neu’r llall } } # all is also the name of a condition's list
      agencies:
        columns:
          agency: { label: Asiantaeth }
`

func loadBilingual(t *testing.T) *Form {
	t.Helper()
	f, diags := LoadTranslated("contact-check.yaml", []byte(bilingualForm),
		TranslationFile{File: "contact-check.cy.yaml", Lang: "cy", Data: []byte(bilingualParallel)})
	if f == nil {
		t.Fatalf("does not load: %v", diags)
	}
	return f
}

// TestInTranslates: In gives the texts in Welsh from both places, English where a text has none, and
// keeps ids, values and rules; English stays as it was.
func TestInTranslates(t *testing.T) {
	f := loadBilingual(t)
	cy := f.In("cy")
	if cy == f || cy.Lang() != "cy" || f.Lang() != English {
		t.Fatalf("In(cy) = %p (lang %s), form %p (lang %s)", cy, cy.Lang(), f, f.Lang())
	}
	s := cy.Section("about")
	checks := map[string][2]string{
		"form title":     {cy.Title, "Gwiriad cyswllt"},
		"section title":  {s.Title, "Amdanoch chi"},
		"inline label":   {cy.Field("aware").Label, "Ydy'r rhieni'n ymwybodol?"},
		"inline name":    {cy.Field("aware").Name, "a yw'r rhieni'n ymwybodol"},
		"parallel label": {cy.Field("reason").Label, "Pam lai?"},
		"message":        {cy.Field("reason").Messages.Required, "Rhowch y rheswm pam nad yw'r rhieni'n ymwybodol"},
		"no Welsh: hint": {cy.Field("reason").Hint, "In your own words"},
		"inline option":  {cy.Field("contact").OptionLabel("email"), "E-bost"},
		"short option":   {cy.Field("contact").OptionLabel("phone"), "Ffôn"},
		"option all":     {cy.Field("contact").OptionLabel("all"), "Y naill neu’r llall"},
		"column":         {cy.Field("agencies").Child("agency").Label, "Asiantaeth"},
		"no Welsh label": {cy.Field("contact").Label, "How should we contact you?"},
		"english title":  {f.Title, "Contact check"},
		"english label":  {f.Field("aware").Label, "Are the parents aware?"},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", what, c[0], c[1])
		}
	}
	if cy.ID != f.ID || cy.Version != f.Version || cy.Hash() != f.Hash() || string(cy.Definition()) != string(f.Definition()) {
		t.Error("the Welsh copy is not the same version of the same form")
	}
	// The copy's conditions name its own, Welsh, questions.
	if d := cy.Field("reason").ShowWhen.Describe(); d != "yw’r ateb i “Ydy'r rhieni'n ymwybodol?” yn “Na”" {
		t.Errorf("the Welsh copy's condition reads %q", d)
	}
	if d := f.Field("reason").ShowWhen.Describe(); d != "“Are the parents aware?” is “No”" {
		t.Errorf("the English condition reads %q", d)
	}
	if got := cy.Field("aware").FormatAnswer("yes", nil); len(got) != 1 || got[0] != "Ie" {
		t.Errorf("a Welsh yes reads %q", got)
	}
	// Validation of the copy uses the Welsh messages.
	res := cy.Validate(nil, Answers{Values: map[string]any{"aware": "no"}}, ValidateOptions{})
	if len(res.Errors) != 1 || res.Errors[0].Message != "Rhowch y rheswm pam nad yw'r rhieni'n ymwybodol" {
		t.Errorf("Welsh validation messages = %v", res.Errors)
	}
}

// TestInIsMadeOnce: the copy is made once and kept; asking the copy for a language gives the same forms.
func TestInIsMadeOnce(t *testing.T) {
	f := loadBilingual(t)
	cy := f.In("cy")
	if f.In("cy") != cy || cy.In("cy") != cy || cy.In("en") != f || f.In("en") != f || f.In("fr") != f {
		t.Error("In does not give the same copies every time")
	}
	plain, _ := Load("plain.yaml", []byte(strings.Replace(strings.Replace(bilingualForm, "languages: [en, cy]\n", "", 1), "cy: { title: Gwiriad cyswllt }\n", "", 1)))
	if plain == nil {
		t.Fatal("the form without languages does not load")
	}
	if plain.In("cy").Title != "Contact check" {
		t.Error("a form with no Welsh title is not shown in English")
	}
}

// TestTranslationsAreNotContent: the hash leaves translations out, so a Welsh correction needs no new
// version; a stored definition keeps its parallel file and loads with it.
func TestTranslationsAreNotContent(t *testing.T) {
	f := loadBilingual(t)
	english, diags := Load("contact-check.yaml", []byte(strings.NewReplacer(
		"languages: [en, cy]\n", "",
		"cy: { title: Gwiriad cyswllt }\n", "",
		"        cy: { label: Ydy'r rhieni'n ymwybodol?, name: a yw'r rhieni'n ymwybodol }\n", "",
		", cy: { label: E-bost }", "").Replace(bilingualForm)))
	if english == nil {
		t.Fatalf("the English form does not load: %v", diags)
	}
	if english.Hash() != f.Hash() {
		t.Error("translations change the content hash")
	}
	stored, diags := Load("contact-check version 2 (published)", f.Definition())
	if stored == nil {
		t.Fatalf("the stored definition does not load: %v", diags)
	}
	if got := stored.In("cy").Field("agencies").Child("agency").Label; got != "Asiantaeth" {
		t.Errorf("the stored version lost its parallel file: column label %q", got)
	}
	if stored.Hash() != f.Hash() {
		t.Error("the stored definition hashes differently")
	}
}

// TestMissingTranslationsOnlyWhenDeclared: a form that does not declare Welsh is not told what it lacks.
func TestMissingTranslationsOnlyWhenDeclared(t *testing.T) {
	_, diags := Load("contact-check.yaml", []byte(bilingualForm))
	missing := 0
	for _, d := range diags {
		if d.Rule == "missing-translation" {
			missing++
		}
	}
	if missing != 9 { // reason's label, hint and message, the section, phone, all, agencies and its column, contact
		t.Errorf("%d missing translations without the parallel file, want 9: %v", missing, diags)
	}
	_, diags = Load("contact-check.yaml", []byte(strings.Replace(bilingualForm, "languages: [en, cy]\n", "", 1)))
	for _, d := range diags {
		if d.Rule == "missing-translation" {
			t.Errorf("a form that does not declare Welsh is warned: %v", d)
		}
	}
}

func TestFormatDateInWelsh(t *testing.T) {
	d := time.Date(2026, time.March, 3, 0, 0, 0, 0, time.UTC)
	if got := FormatDate(d, "cy"); got != "3 Mawrth 2026" {
		t.Errorf("Welsh date %q", got)
	}
	if got := FormatDate(d, "en"); got != "3 March 2026" {
		t.Errorf("English date %q", got)
	}
}

// TestInConcurrently: many requests asking for the Welsh at once get one copy (go test -race).
func TestInConcurrently(t *testing.T) {
	f := loadBilingual(t)
	got := make(chan *Form, 16)
	for range 16 {
		go func() { got <- f.In("cy") }()
	}
	first := <-got
	for range 15 {
		if <-got != first {
			t.Fatal("two Welsh copies of one form")
		}
	}
}
