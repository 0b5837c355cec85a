package engine

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNormaliseNHSNumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"9434765919", "9434765919", true},
		{"943 476 5919", "9434765919", true},
		{" 943-476-5919 ", "9434765919", true},
		{"9434765870", "9434765870", true}, // remainder 0: check digit 0 (11 is written 0)
		{"4010232137", "4010232137", true},
		{"4857773456", "", false},  // the NHS design system's example fails the check (it needs 7)
		{"9434765918", "", false},  // one digit wrong
		{"943476591", "", false},   // 9 digits
		{"94347659190", "", false}, // 11 digits
		{"943476591O", "", false},  // a letter O
		{"", "", false},
	} {
		got, ok := NormaliseNHSNumber(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormaliseNHSNumber(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// Nine digits whose check digit comes out as 10 make no NHS number, whatever the tenth digit.
func TestNHSCheckDigitTen(t *testing.T) {
	const nine = "000000006" // 6 x 2 = 12; 12 mod 11 = 1; 11 - 1 = 10
	for d := range 10 {
		if n := nine + string(rune('0'+d)); func() bool { _, ok := NormaliseNHSNumber(n); return ok }() {
			t.Errorf("%s has check digit 10 and must be refused", n)
		}
	}
	if _, ok := NormaliseNHSNumber("0000000051"); !ok { // 5 x 2 = 10; 11 - 10 = 1
		t.Error("0000000051 (check digit 1) is refused")
	}
}

func TestNormalisePhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"01632960001", "01632960001", true},
		{"01632 960 001", "01632960001", true},
		{"(01632) 960001", "01632960001", true},
		{"07700 900 982", "07700900982", true},
		{"07700-900-982", "07700900982", true},
		{"+44 808 157 0192", "08081570192", true},
		{"+44 (0)20 7946 0000", "02079460000", true},
		{"0044 20 7946 0000", "02079460000", true},
		{"+33 1 23 45 67 89", "+33123456789", true},
		{"020 7946 00", "", false}, // 9 digits
		{"1632960001", "", false},  // no leading 0 or country code
		{"01632 960001 ext 2", "", false},
		{"01632+960001", "", false},
		{"++441632960001", "", false},
		{"call me", "", false},
		{"", "", false},
	} {
		got, ok := NormalisePhone(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalisePostcode(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"SW1A 1AA", "SW1A 1AA", true},
		{"SW1A1AA", "SW1A 1AA", true},
		{"sw1a 1aa", "SW1A 1AA", true},
		{"  ts1  1st ", "TS1 1ST", true},
		{"GIR 0AA", "GIR 0AA", true},
		{"gir0aa", "GIR 0AA", true},
		{"M1 1AE", "M1 1AE", true},
		{"B33 8TH", "B33 8TH", true},
		{"CR2 6XH", "CR2 6XH", true},
		{"DN55 1PT", "DN55 1PT", true},
		{"W1A 0AX", "W1A 0AX", true},
		{"SW1A", "", false},
		{"1AA SW1A", "", false},
		{"SW1A 1A", "", false},
		{"SW1A-1AA", "", false},
		{"ABC1 1AA", "", false},
		{"", "", false},
	} {
		got, ok := NormalisePostcode(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalisePostcode(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseAndFormatTime(t *testing.T) {
	for _, c := range []struct {
		in, want, shown string
		ok              bool
	}{
		{"14:30", "14:30", "2:30pm", true},
		{"14.30", "14:30", "2:30pm", true},
		{"1430", "14:30", "2:30pm", true},
		{"2pm", "14:00", "2pm", true},
		{"2 PM", "14:00", "2pm", true},
		{"2:30 pm", "14:30", "2:30pm", true},
		{"9.05am", "09:05", "9:05am", true},
		{"9:05", "09:05", "9:05am", true},
		{"00:00", "00:00", "midnight", true},
		{"12am", "00:00", "midnight", true},
		{"12pm", "12:00", "midday", true},
		{"midday", "12:00", "midday", true},
		{"Midnight", "00:00", "midnight", true},
		{"23:59", "23:59", "11:59pm", true},
		{"24:00", "", "", false},
		{"14:60", "", "", false},
		{"13pm", "", "", false},
		{"0pm", "", "", false},
		{"14:3", "", "", false},
		{"14", "", "", false}, // an hour alone needs am or pm
		{"two", "", "", false},
		{"", "", "", false},
	} {
		got, ok := ParseTime(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseTime(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && FormatTime(got) != c.shown {
			t.Errorf("FormatTime(%q) = %q, want %q", got, FormatTime(got), c.shown)
		}
	}
}

func TestCountWords(t *testing.T) {
	for in, want := range map[string]int{"": 0, "  ": 0, "one": 1, "one two": 2, " one\n\ntwo\tthree ": 3, "don't stop-now": 2} {
		if got := CountWords(in); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", in, got, want)
		}
	}
}

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
      - { id: phone, type: phone, label: Telephone number }
      - { id: seen_at, type: time, label: Time the child was seen }
      - { id: summary, type: textarea, label: Summary, maxWords: 5 }
      - { id: child_address, type: address, label: Child's address, noFixedAbode: true, addressUnknown: true }
      - id: household
        type: list
        label: Household members
        itemLabel: Person
        fields:
          - { id: name, type: text, label: Name }
          - { id: address, type: address, label: Address, sameAs: child_address }
`

func loadUKForm(t *testing.T) *Form {
	t.Helper()
	f, diags := Load("uk.yaml", []byte(ukForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	return f
}

var ukToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func validateOne(t *testing.T, f *Form, values map[string]any) Result {
	t.Helper()
	return f.Validate(map[string]any{}, Answers{Values: values}, ValidateOptions{Today: ukToday})
}

func TestValidateDateOfBirth(t *testing.T) {
	f := loadUKForm(t)
	for _, c := range []struct {
		name  string
		raw   any
		want  any    // the cleaned answer
		msg   string // or the message
		shown string // FormatAnswer of the cleaned answer
	}{
		{"born", map[string]any{"status": "born", "day": "12", "month": "3", "year": "2019"},
			map[string]any{"status": "born", "date": "2019-03-12", "estimated": false}, "", "12 March 2019"},
		{"born estimated", map[string]any{"status": "born", "day": "12", "month": "3", "year": "2019", "estimated": "yes"},
			map[string]any{"status": "born", "date": "2019-03-12", "estimated": true}, "", "12 March 2019 (estimated)"},
		{"born today", map[string]any{"status": "born", "day": "1", "month": "12", "year": "2026"},
			map[string]any{"status": "born", "date": "2026-12-01", "estimated": false}, "", "1 December 2026"},
		{"a plain date is a known one", "2016-01-01",
			map[string]any{"status": "born", "date": "2016-01-01", "estimated": false}, "", "1 January 2016"},
		{"parts without a status", map[string]any{"day": "1", "month": "1", "year": "2016"},
			map[string]any{"status": "born", "date": "2016-01-01", "estimated": false}, "", ""},
		{"born tomorrow", map[string]any{"status": "born", "day": "2", "month": "12", "year": "2026"}, nil,
			"Date of birth must be today or in the past", ""},
		{"born without a date", map[string]any{"status": "born"}, nil, "Enter date of birth", ""},
		{"born without a month", map[string]any{"status": "born", "day": "2", "year": "2016"}, nil, "Date of birth must include a month", ""},
		{"born 31 February", map[string]any{"status": "born", "day": "31", "month": "2", "year": "2016"}, nil, "Date of birth must be a real date", ""},
		{"unborn", map[string]any{"status": "unborn", "dueDay": "4", "dueMonth": "5", "dueYear": "2027"},
			map[string]any{"status": "unborn", "dueDate": "2027-05-04"}, "", "Unborn, due 4 May 2027"},
		{"unborn, due a month ago", map[string]any{"status": "unborn", "dueDay": "1", "dueMonth": "11", "dueYear": "2026"},
			map[string]any{"status": "unborn", "dueDate": "2026-11-01"}, "", ""},
		{"unborn, due too long ago", map[string]any{"status": "unborn", "dueDay": "31", "dueMonth": "10", "dueYear": "2026"}, nil,
			"Expected due date must be between 1 November 2026 and 1 October 2027", ""},
		{"unborn, due too far ahead", map[string]any{"status": "unborn", "dueDay": "2", "dueMonth": "10", "dueYear": "2027"}, nil,
			"Expected due date must be between 1 November 2026 and 1 October 2027", ""},
		{"unborn without a due date", map[string]any{"status": "unborn", "day": "1", "month": "1", "year": "2016"}, nil, "Enter the expected due date", ""},
		{"not known", map[string]any{"status": "unknown", "age": "7"},
			map[string]any{"status": "unknown", "approximateAge": 7.0}, "", "Unknown, about 7 years old"},
		{"not known, a baby", map[string]any{"status": "unknown", "age": "0"},
			map[string]any{"status": "unknown", "approximateAge": 0.0}, "", "Unknown, about under 1 year old"},
		{"not known, 25", map[string]any{"status": "unknown", "age": "25"},
			map[string]any{"status": "unknown", "approximateAge": 25.0}, "", ""},
		{"not known, 26", map[string]any{"status": "unknown", "age": "26"}, nil, "Approximate age must be between 0 and 25", ""},
		{"not known, -1", map[string]any{"status": "unknown", "age": "-1"}, nil, "Approximate age must be between 0 and 25", ""},
		{"not known, 7.5", map[string]any{"status": "unknown", "age": "7.5"}, nil, "Approximate age must be a whole number of years, like 7", ""},
		{"not known, no age", map[string]any{"status": "unknown", "day": "1"}, nil, "Enter an approximate age in years", ""},
		{"nothing chosen", map[string]any{"status": "", "day": "", "month": "", "year": ""}, nil, "Enter date of birth", ""},
		{"a status it does not have", map[string]any{"status": "adopted", "day": "1"}, nil, "Select born, unborn or not known for date of birth", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := validateOne(t, f, map[string]any{"dob": c.raw})
			got := res.Submission.Values["dob"]
			var msg string
			for _, e := range res.Errors {
				if e.Field == "dob" {
					msg = e.Message
				}
			}
			if msg != c.msg || (c.want != nil && !reflect.DeepEqual(got, c.want)) {
				t.Fatalf("got %#v, message %q; want %#v, message %q", got, msg, c.want, c.msg)
			}
			if c.shown != "" {
				if lines := f.Field("dob").FormatAnswer(got, nil); len(lines) != 1 || lines[0] != c.shown {
					t.Fatalf("FormatAnswer = %q, want %q", lines, c.shown)
				}
			}
		})
	}
}

func TestValidateAddress(t *testing.T) {
	f := loadUKForm(t)
	home := map[string]any{"kind": "address", "line1": " 41  Test Street ", "town": "Testertown", "postcode": "ts11st"}
	for _, c := range []struct {
		name string
		raw  any
		want any
		msg  string
	}{
		{"an address", home, map[string]any{"kind": "address", "line1": "41 Test Street", "town": "Testertown", "postcode": "TS1 1ST"}, ""},
		{"no kind posted", map[string]any{"line1": "1 High Street", "line2": "Flat 2", "town": "Oxford", "county": "Oxfordshire", "postcode": "OX1 1AA"},
			map[string]any{"kind": "address", "line1": "1 High Street", "line2": "Flat 2", "town": "Oxford", "county": "Oxfordshire", "postcode": "OX1 1AA"}, ""},
		{"no postcode", map[string]any{"kind": "address", "line1": "1 High Street", "town": "Oxford"},
			map[string]any{"kind": "address", "line1": "1 High Street", "town": "Oxford"}, ""},
		{"no fixed abode", map[string]any{"kind": "noFixedAbode", "line1": "ignored"}, map[string]any{"kind": "noFixedAbode"}, ""},
		{"not known", map[string]any{"kind": "unknown"}, map[string]any{"kind": "unknown"}, ""},
		{"same as, which the field does not offer", map[string]any{"kind": "sameAs"}, nil, "Enter child's address or select one of the other options"},
		{"no line 1", map[string]any{"kind": "address", "town": "Oxford"}, nil, "Enter address line 1, typically the building and street"},
		{"no town", map[string]any{"kind": "address", "line1": "1 High Street"}, nil, "Enter town or city"},
		{"a bad postcode", map[string]any{"kind": "address", "line1": "1 High Street", "town": "Oxford", "postcode": "OX1"}, nil, "Enter a real postcode, like SW1A 1AA"},
		{"a long line", map[string]any{"kind": "address", "line1": strings.Repeat("a", 101), "town": "Oxford"}, nil, "Address line 1 must be 100 characters or fewer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := validateOne(t, f, map[string]any{"dob": "2016-01-01", "child_address": c.raw})
			got := res.Submission.Values["child_address"]
			var msg string
			for _, e := range res.Errors {
				msg = e.Message
			}
			if msg != c.msg || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, message %q; want %#v, message %q", got, msg, c.want, c.msg)
			}
		})
	}
	t.Run("same as the child, in a list", func(t *testing.T) {
		res := validateOne(t, f, map[string]any{"dob": "2016-01-01", "child_address": home,
			"household": []any{map[string]any{"name": "Sam", "address": map[string]any{"kind": "sameAs"}},
				map[string]any{"name": "Alex", "address": map[string]any{"kind": "address", "line1": "2 Low Road", "town": "Oxford"}}}})
		if !res.Valid() {
			t.Fatal(res.Errors)
		}
		rows := res.Submission.Values["household"].([]any)
		want := map[string]any{"kind": "sameAs", "sameAs": "child_address", "line1": "41 Test Street", "town": "Testertown", "postcode": "TS1 1ST"}
		if got := rows[0].(map[string]any)["address"]; !reflect.DeepEqual(got, want) {
			t.Fatalf("same as: %#v, want %#v", got, want)
		}
		addr := f.Field("household").Child("address")
		if got := addr.FormatAnswer(want, nil); len(got) != 1 || got[0] != "41 Test Street, Testertown, TS1 1ST" {
			t.Fatalf("FormatAnswer = %q", got)
		}
		if got := addr.FormatAnswer(map[string]any{"kind": "sameAs", "sameAs": "child_address"}, nil); got[0] != "Same as child's address" {
			t.Fatalf("FormatAnswer of a same-as without an address = %q", got)
		}
	})
	t.Run("same as an address not known", func(t *testing.T) {
		res := validateOne(t, f, map[string]any{"dob": "2016-01-01", "child_address": map[string]any{"kind": "unknown"},
			"household": []any{map[string]any{"name": "Sam", "address": map[string]any{"kind": "sameAs"}}}})
		got := res.Submission.Values["household"].([]any)[0].(map[string]any)["address"]
		if !reflect.DeepEqual(got, map[string]any{"kind": "sameAs", "sameAs": "child_address"}) {
			t.Fatalf("%#v", got)
		}
	})
}

func TestValidateUKTextTypes(t *testing.T) {
	f := loadUKForm(t)
	for _, c := range []struct {
		field string
		raw   any
		want  any
		msg   string
		shown string
	}{
		{"nhs", "943 476 5919", "9434765919", "", "943 476 5919"},
		{"nhs", "943 476 5918", nil, "Enter a valid NHS number, like 943 476 5919", ""},
		{"nhs", "943 476 591", nil, "NHS number must be 10 digits, like 943 476 5919", ""},
		{"phone", "+44 808 157 0192", "08081570192", "", "08081570192"},
		{"phone", "01632 9600", nil, "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192", ""},
		{"seen_at", "2:30pm", "14:30", "", "2:30pm"},
		{"seen_at", "25:00", nil, "Time the child was seen must be a real time, like 14:30 or 2:30pm", ""},
		{"summary", "one two three four five", "one two three four five", "", ""},
		{"summary", "one two three four five six", nil, "Summary must be 5 words or fewer", ""},
	} {
		res := validateOne(t, f, map[string]any{"dob": "2016-01-01", c.field: c.raw})
		got := res.Submission.Values[c.field]
		var msg string
		for _, e := range res.Errors {
			msg = e.Message
		}
		if msg != c.msg || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: got %#v, message %q; want %#v, message %q", c.field, c.raw, got, msg, c.want, c.msg)
		}
		if c.shown != "" {
			if lines := f.Field(c.field).FormatAnswer(got, nil); len(lines) != 1 || lines[0] != c.shown {
				t.Errorf("%s: FormatAnswer = %q, want %q", c.field, lines, c.shown)
			}
		}
	}
}

// Every cleaned answer of the new types fits the derived submission schema, and a wrong one does not.
func TestUKSubmissionSchema(t *testing.T) {
	f := loadUKForm(t)
	res := validateOne(t, f, map[string]any{
		"dob": map[string]any{"status": "unborn", "dueDay": "4", "dueMonth": "5", "dueYear": "2027"}, "nhs": "9434765919",
		"phone": "07700 900 982", "seen_at": "9am", "summary": "fine",
		"child_address": map[string]any{"line1": "1 High Street", "town": "Oxford", "postcode": "ox11aa"},
		"household":     []any{map[string]any{"name": "Sam", "address": map[string]any{"kind": "sameAs"}}},
	})
	if !res.Valid() {
		t.Fatal(res.Errors)
	}
	schema := compileSubmissionSchema(t, f)
	if err := schema.Validate(roundTrip(t, res.Submission)); err != nil {
		t.Fatalf("a valid submission does not fit its schema: %v", err)
	}
	res.Submission.Values["dob"] = map[string]any{"status": "unborn", "date": "2027-05-04"}
	if err := schema.Validate(roundTrip(t, res.Submission)); err == nil {
		t.Fatal("an unborn child with a date of birth fits the schema")
	}
}
