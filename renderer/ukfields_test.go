package renderer

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"formportal/engine"
	"formportal/i18n"
)

const ukForm = `
id: uk-types
title: UK types
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: about
    title: About the child
    fields:
      - { id: dob, type: dateOfBirth, label: Date of birth, required: true }
      - { id: nhs, type: nhsNumber, label: NHS number }
      - { id: seen_at, type: time, label: Time the child was seen }
      - { id: summary, type: textarea, label: Summary, maxWords: 500 }
      - { id: child_address, type: address, label: Child's address }
      - { id: carer_address, type: address, label: Carer's address, sameAs: child_address, noFixedAbode: true, addressUnknown: true }
`

func loadUK(t *testing.T) *engine.Form {
	t.Helper()
	f, diags := engine.Load("uk.yaml", []byte(ukForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("%v", diags)
	}
	return f
}

func renderUK(t *testing.T, in SectionInput) string {
	t.Helper()
	var b strings.Builder
	if err := Fields(BuildSection(in)).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The page shows each UK type in its GOV.UK markup, with what was typed.
func TestUKFieldsMarkup(t *testing.T) {
	f := loadUK(t)
	s := f.Sections[0]
	html := renderUK(t, SectionInput{Section: s, Values: map[string]any{
		"dob":           map[string]any{"status": "unborn", "dueDay": "4", "dueMonth": "5", "dueYear": "2027"},
		"child_address": map[string]any{"line1": "41 Test Street", "postcode": "ts1 1st"},
		"carer_address": map[string]any{"kind": "sameAs"},
	}, Errors: []engine.FieldError{{Path: "dob", Field: "dob", Message: "Enter the expected due date"}}})
	for _, want := range []string{
		// the date of birth: three radios revealing their inputs, the unborn one open
		`<input class="govuk-radios__input" id="dob" name="dob.status" type="radio" value="born" data-aria-controls="conditional-dob">`,
		`<input class="govuk-radios__input" id="dob-2" name="dob.status" type="radio" value="unborn" checked data-aria-controls="conditional-dob-2">`,
		`<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional-dob">`,
		`<div class="govuk-radios__conditional" id="conditional-dob-2">`,
		`name="dob.dueDay" type="text" inputmode="numeric" value="4"`,
		`name="dob.estimated" type="checkbox" value="yes"`,
		`name="dob.age" type="text" inputmode="numeric"`,
		`<p id="dob-error" class="govuk-error-message">`,
		// a plain address: its lines, the first with the question's id
		`<input class="govuk-input" id="child_address" name="child_address.line1" type="text" value="41 Test Street"`,
		`name="child_address.postcode" type="text" value="ts1 1st"`,
		`Postcode (optional)`,
		// an address with other answers: radios, the same-as one chosen
		`id="carer_address-2" name="carer_address.kind" type="radio" value="sameAs" checked`,
		`Same as child&#39;s address`, `No fixed abode`, `Address not known`,
		`id="carer_address-line1" name="carer_address.line1"`,
		// an NHS number and a time, with their hints
		`A 10 digit number, like 943 476 5919`, `For example, 14:30 or 2:30pm`,
		// a word limit: GOV.UK's character count in word mode
		`data-module="govuk-character-count" data-maxwords="500"`, `class="govuk-textarea govuk-js-character-count"`,
		`<div id="summary-info" class="govuk-hint govuk-character-count__message">You can enter up to 500 words</div>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(html, "autocomplete=") {
		t.Error("an address about someone else must not offer the browser's autocomplete of the user's own address")
	}
}

// Submitted, each reads as one answer.
func TestUKFieldsReadOnly(t *testing.T) {
	f := loadUK(t)
	html := renderUK(t, SectionInput{Section: f.Sections[0], ReadOnly: true, Values: map[string]any{
		"dob":           map[string]any{"status": "born", "date": "2019-03-12", "estimated": true},
		"nhs":           "9434765919",
		"seen_at":       "14:30",
		"child_address": map[string]any{"kind": "address", "line1": "41 Test Street", "town": "Testertown", "postcode": "TS1 1ST"},
		"carer_address": map[string]any{"kind": "noFixedAbode"},
	}})
	for _, want := range []string{"12 March 2019 (estimated)", "943 476 5919", "2:30pm", "41 Test Street, Testertown, TS1 1ST", "No fixed abode"} {
		if !strings.Contains(html, want) {
			t.Errorf("the read-only page lacks %q", want)
		}
	}
}

// What a page posts decodes to the parts validation reads, and encodes back to the same post.
func TestUKFieldsDecodeEncode(t *testing.T) {
	f := loadUK(t)
	s := f.Sections[0]
	post := url.Values{
		"dob.status": {"born"}, "dob.day": {"12"}, "dob.month": {"3"}, "dob.year": {"2019"}, "dob.estimated": {"yes"},
		"dob.dueDay": {""}, "dob.age": {""},
		"child_address.line1": {"41 Test Street"}, "child_address.town": {"Testertown"}, "child_address.postcode": {"ts11st"},
		"carer_address.kind": {"noFixedAbode"}, "nhs": {"943 476 5919"},
	}
	got := DecodeSection(s, post, nil)
	want := map[string]any{
		"dob":           map[string]any{"status": "born", "day": "12", "month": "3", "year": "2019", "estimated": "yes", "dueDay": "", "age": ""},
		"child_address": map[string]any{"line1": "41 Test Street", "town": "Testertown", "postcode": "ts11st"},
		"carer_address": map[string]any{"kind": "noFixedAbode"},
		"nhs":           "943 476 5919",
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s decoded as %#v, want %#v", k, got[k], w)
		}
	}
	if _, ok := got["seen_at"]; ok {
		t.Error("a question not posted has an answer")
	}
	res := f.Validate(map[string]any{}, engine.Answers{Values: got}, engine.ValidateOptions{})
	if !res.Valid() {
		t.Fatalf("the decoded post does not validate: %v", res.Errors)
	}
	again := DecodeSection(s, EncodeSection(s, res.Submission.Values), nil)
	if res2 := f.Validate(map[string]any{}, engine.Answers{Values: again}, engine.ValidateOptions{}); !reflect.DeepEqual(res2.Submission, res.Submission) {
		t.Fatalf("a submission encoded and decoded again changes:\n%v\n%v", res2.Submission, res.Submission)
	}
}

// A pasted cell reads as the answer it says; one that says nothing readable is refused with a message.
func TestUKPasteCells(t *testing.T) {
	f, diags := engine.Load("uk.yaml", []byte(ukForm+`
      - id: people
        type: list
        label: People
        fields:
          - { id: dob, type: dateOfBirth, label: Date of birth }
          - { id: address, type: address, label: Address, sameAs: child_address }
`))
	if f == nil || len(diags) > 0 {
		t.Fatal(diags)
	}
	people := f.Field("people")
	dob, addr := people.Child("dob"), people.Child("address")
	for _, c := range []struct {
		fd   *engine.Field
		cell string
		want any
	}{
		{dob, "12 March 2019 (estimated)", map[string]any{"status": "born", "day": "12", "month": "3", "year": "2019", "estimated": "yes"}},
		{dob, "27/3/2019", map[string]any{"status": "born", "day": "27", "month": "3", "year": "2019"}},
		{dob, "Unborn, due 4 May 2027", map[string]any{"status": "unborn", "dueDay": "4", "dueMonth": "5", "dueYear": "2027"}},
		{dob, "Unknown, about 7 years old", map[string]any{"status": "unknown", "age": "7"}},
		{dob, "sometime", nil},
		{addr, "41 Test Street, Flat 2, Testertown, ts1 1st", map[string]any{"kind": "address", "line1": "41 Test Street", "line2": "Flat 2", "town": "Testertown", "postcode": "ts1 1st"}},
		{addr, "Same as child's address", map[string]any{"kind": "sameAs"}},
		{addr, "Testertown", nil},
	} {
		got, problem := readCell(context.Background(), c.fd, c.cell, nil)
		if !reflect.DeepEqual(got, c.want) || (c.want == nil) != (problem != "") {
			t.Errorf("%s %q: %#v, %q; want %#v", c.fd.ID, c.cell, got, problem, c.want)
		}
	}
}

// TestWordCountInWelsh: a textarea with a word limit states it in the page's language, and gives GOV.UK
// Frontend's character count its words for each plural form of the page's lang (Welsh has six).
func TestWordCountInWelsh(t *testing.T) {
	f := loadUK(t)
	var b strings.Builder
	if err := Fields(BuildSection(SectionInput{Section: f.Sections[0], Values: map[string]any{}})).Render(i18n.WithLang(context.Background(), i18n.Welsh), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"Gallwch ysgrifennu hyd at 500 gair",
		`data-i18n.words-under-limit.few="Mae gennych %{count} gair yn weddill"`,
		`data-i18n.words-under-limit.one="Mae gennych %{count} gair yn weddill"`,
		`data-i18n.words-over-limit.many="Mae gennych %{count} gair yn ormod"`,
		`data-i18n.words-at-limit="Mae gennych 0 gair yn weddill"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the Welsh word count lacks %s", want)
		}
	}
	for _, english := range []string{"You can enter up to", "words remaining", "too many"} {
		if strings.Contains(html, english) {
			t.Errorf("the Welsh word count still says %q", english)
		}
	}
	b.Reset()
	if err := Fields(BuildSection(SectionInput{Section: f.Sections[0], Values: map[string]any{}})).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `data-i18n.words-over-limit.other="You have %{count} words too many"`) || !strings.Contains(b.String(), "You can enter up to 500 words") {
		t.Error("the English word count lost its words")
	}
}
