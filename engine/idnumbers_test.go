package engine

import (
	"reflect"
	"testing"
)

// HMRC's format: two prefix letters (not D, F, I, Q, U, V; the second not O; not BG, GB, KN, NK, NT, TN,
// ZZ), six digits, a suffix A to D; typed in any case, with spaces.
func TestNormaliseNINumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"AB123456C", "AB123456C", true},
		{"ab 12 34 56 c", "AB123456C", true},
		{" je-12-34-56-d ", "JE123456D", true},
		{"QQ123456C", "", false}, // GOV.UK's example: Q is never a prefix letter
		{"DA123456A", "", false}, // D first
		{"AO123456A", "", false}, // O second
		{"OA123456A", "OA123456A", true},
		{"GB123456A", "", false}, // an unallocated prefix
		{"NT123456A", "", false},
		{"ZZ123456A", "", false},
		{"AB123456E", "", false}, // suffix past D
		{"AB123456", "", false},  // no suffix
		{"AB12345C", "", false},  // five digits
		{"A1123456C", "", false},
		{"", "", false},
	} {
		got, ok := NormaliseNINumber(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormaliseNINumber(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if got := FormatNINumber("AB123456C"); got != "AB 12 34 56 C" {
		t.Errorf("FormatNINumber: %q", got)
	}
}

// DfE's check letter: characters 2 to 13 weighted 2 to 13, modulo 23, as a letter of the alphabet without
// I, O and S; a temporary UPN's last letter counts as its place among those letters.
func TestNormaliseUPN(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"B801200005001", "B801200005001", true},
		{"b 801 2000 05 001", "B801200005001", true},
		{"P207000016049", "P207000016049", true}, // 266 mod 23 = 13: P
		{"B207000016049", "", false},             // the wrong check letter of a census error's example
		{"A801200005001", "", false},
		{"X80120000A001", "", false}, // a letter in the middle
		{"B80120000500", "", false},  // 12 characters
		{"B80120000500I", "", false}, // I is never a temporary UPN's letter
		{"", "", false},
	} {
		got, ok := NormaliseUPN(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormaliseUPN(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	// A temporary UPN: 11 digits and a letter, the letter worth its place (A 0, B 1, ... Z 22).
	body := "80120000500A"
	sum := 0
	for i, ch := range body[:11] {
		sum += int(ch-'0') * (i + 2)
	}
	temp := string(upnLetters[sum%23]) + body // A is worth 0
	if got, ok := NormaliseUPN(temp); !ok || got != temp {
		t.Errorf("temporary UPN %s refused", temp)
	}
	if _, ok := NormaliseUPN(string(upnLetters[(sum+13)%23]) + "80120000500B"); !ok {
		t.Error("temporary UPN ending B (worth 1 x 13) refused")
	}
}

const idForm = `
id: ids
title: IDs
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: child
    title: The child
    fields:
      - { id: ni, type: niNumber, label: National Insurance number }
      - { id: upn, type: upn, label: Unique pupil number (UPN) }
      - { id: named, type: niNumber, label: Parent's NI number, name: the parent's National Insurance number }
`

// Answers are kept in one form; a wrong one gets GOV.UK's message with an example, in English and Welsh.
func TestValidateIDNumbers(t *testing.T) {
	f, diags := Load("ids.yaml", []byte(idForm))
	if f == nil || len(diags) > 0 {
		t.Fatalf("the form does not load cleanly: %v", diags)
	}
	res := validateOne(t, f, map[string]any{"ni": "ab 12 34 56 c", "upn": "b 801 2000 05 001"})
	if want := map[string]any{"ni": "AB123456C", "upn": "B801200005001"}; !res.Valid() || !reflect.DeepEqual(res.Submission.Values, want) {
		t.Fatalf("kept %v (errors %v), want %v", res.Submission.Values, res.Errors, want)
	}
	if got := f.Field("ni").FormatAnswer("AB123456C", nil); !reflect.DeepEqual(got, []string{"AB 12 34 56 C"}) {
		t.Errorf("shown as %v", got)
	}
	res = validateOne(t, f, map[string]any{"ni": "QQ123456C", "upn": "A801200005001", "named": "AB1234"})
	want := map[string]string{
		"ni":    "Enter a National Insurance number in the correct format, like QQ 12 34 56 C",
		"upn":   "Enter a valid unique pupil number, like B801200005001: check each character, starting with the letter",
		"named": "Enter the parent's National Insurance number in the correct format, like QQ 12 34 56 C",
	}
	if got := messages(res); !reflect.DeepEqual(got, want) {
		t.Errorf("messages:\n got %v\nwant %v", got, want)
	}
	res = validateOne(t, f, map[string]any{"upn": "B80120000"})
	if got := messages(res)["upn"]; got != "Unique pupil number (UPN) must be a letter and 12 numbers, like B801200005001" {
		t.Errorf("short UPN: %q", got)
	}
	cy := f.Validate(nil, Answers{Values: map[string]any{"ni": "x", "upn": "A801200005001"}}, ValidateOptions{Today: ukToday, Lang: "cy"})
	if got := messages(cy); got["ni"] != "Rhowch rif Yswiriant Gwladol yn y fformat cywir, fel QQ 12 34 56 C" ||
		got["upn"] != "Rhowch rif disgybl unigryw dilys, fel B801200005001: gwiriwch bob nod, gan ddechrau gyda’r llythyren" {
		t.Errorf("Welsh: %v", got)
	}
}
