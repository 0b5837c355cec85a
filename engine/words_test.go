package engine

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// catalogueTexts reads the engine area of a language's catalogue as id → text.
func catalogueTexts(t *testing.T, lang string) map[string]string {
	t.Helper()
	var tree map[string]any
	if err := yaml.Unmarshal(mustRead(t, filepath.Join("..", "i18n", "catalogue", "engine."+lang+".yaml")), &tree); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+"."+k, x)
			}
		case string:
			out[strings.TrimPrefix(prefix, ".")] = v
		default:
			t.Errorf("%s: %T is not a text", prefix, v)
		}
	}
	walk("", tree)
	return out
}

// engineID is a catalogue id of the engine area written in code: the engine asks for its messages by
// literal ids (words.go), and so do the renderer's paste messages.
var engineID = regexp.MustCompile(`"(engine\.[a-z0-9_.]+)"`)

// TestEveryMessageInBothLanguages fails when code asks for an engine message that has no English or no
// Welsh text, when a Welsh text is only the English one again, and when a text is no longer used.
func TestEveryMessageInBothLanguages(t *testing.T) {
	en, cy := catalogueTexts(t, "en"), catalogueTexts(t, "cy")
	used := map[string]string{}
	for _, dir := range []string{".", filepath.Join("..", "renderer"), filepath.Join("..", "web")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			for _, m := range engineID.FindAllStringSubmatch(string(mustRead(t, file)), -1) {
				used[m[1]] = file
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found %d engine message ids in the code: the pattern no longer matches it", len(used))
	}
	for id, file := range used {
		switch {
		case en[id] == "":
			t.Errorf("%s asks for %s, which has no English text in engine.en.yaml", file, id)
		case cy[id] == "":
			t.Errorf("%s asks for %s, which has no Welsh text in engine.cy.yaml", file, id)
		case cy[id] == en[id]:
			t.Errorf("%s: the Welsh is the English again: %q", id, cy[id])
		}
	}
	for id := range en {
		if _, ok := used[id]; !ok {
			t.Errorf("%s is in engine.en.yaml but no code asks for it", id)
		}
	}
}

// englishMessage is how an English message built in code starts: "Enter ...", "... must be ...".
var englishMessage = regexp.MustCompile(`"(Enter|Select|Upload|Tick|Add) [a-z]|" must (be|include) |"You can (add|upload|enter) `)

// TestNoMessageWordedInCode fails when the engine (or the rows and paste code of the portal) words a
// message in English in Go, where it has no Welsh: its wording belongs in engine.en.yaml and engine.cy.yaml.
func TestNoMessageWordedInCode(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	files = append(files, "../renderer/paste.go", "../renderer/ukpaste.go", "../web/rows.go")
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		for i, line := range strings.Split(string(mustRead(t, file)), "\n") {
			if code, _, _ := strings.Cut(line, "//"); englishMessage.MatchString(code) {
				t.Errorf("%s:%d words a message in English in code: %s", file, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestValidateGoldenInWelsh validates every golden answer set in Welsh: the same problems at the same
// paths as in English, each worded in Welsh, except the designer's own messages (which a form's
// translation gives).
func TestValidateGoldenInWelsh(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/valid/*/form.yaml")
	checked := 0
	for _, formFile := range dirs {
		dir := filepath.Dir(formFile)
		form := loadClean(t, formFile)
		designer := map[string]bool{}
		texts, _ := formTexts(form)
		for _, tx := range texts {
			designer[*tx.text] = true
		}
		caseData := readJSON(t, filepath.Join(dir, "case.json"))
		sets, _ := filepath.Glob(filepath.Join(dir, "answers", "*.json"))
		for _, set := range sets {
			if strings.HasSuffix(set, ".golden.json") {
				continue
			}
			var answers Answers
			if err := json.Unmarshal(mustRead(t, set), &answers); err != nil {
				t.Fatal(err)
			}
			english := form.Validate(caseData, answers, ValidateOptions{Today: goldenToday})
			welsh := form.Validate(caseData, answers, ValidateOptions{Today: goldenToday, Lang: "cy"})
			if len(english.Errors) != len(welsh.Errors) {
				t.Fatalf("%s: %d errors in English, %d in Welsh", set, len(english.Errors), len(welsh.Errors))
			}
			for i, e := range english.Errors {
				c := welsh.Errors[i]
				if c.Path != e.Path || c.Kind != e.Kind {
					t.Errorf("%s: error %d is %s %s in English, %s %s in Welsh", set, i, e.Path, e.Kind, c.Path, c.Kind)
				}
				if c.Message == e.Message && !designer[e.Message] {
					t.Errorf("%s: %s: %q is not in Welsh", set, e.Path, e.Message)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d messages checked", checked)
	}
}

// TestWelshMessages pins a few Welsh messages whole: a label in quotation marks after a noun, the row
// and the child in brackets, dates in Welsh.
func TestWelshMessages(t *testing.T) {
	form, diags := Load("welsh.yaml", []byte(`
id: welsh-messages
title: Welsh messages
version: 1
kind: delegation
audience: [professional]
scope: family
caseData:
  type: object
  required: [children]
  properties:
    children:
      type: array
      items:
        type: object
        required: [id, name]
        properties:
          id: { type: string }
          name: { type: string }
sections:
  - id: about
    title: About
    perChild: true
    fields:
      - {id: seen, type: date, label: Date last seen, required: true, notInFuture: true}
      - id: events
        type: table
        label: Events
        columns:
          - {id: when, type: date, label: Date, minDate: "2024-01-01"}
          - {id: what, type: text, label: What happened, required: true}
`))
	for _, d := range diags {
		if d.Severity == Error {
			t.Fatal(d)
		}
	}
	caseData := map[string]any{"children": []any{map[string]any{"id": "c1", "name": "Alex Test"}}}
	answers := Answers{Children: map[string]map[string]any{"c1": {
		"seen":   "2099-01-01",
		"events": []any{map[string]any{"when": "2023-05-02"}},
	}}}
	res := form.Validate(caseData, answers, ValidateOptions{Today: goldenToday, Lang: "cy"})
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Message)
	}
	sort.Strings(got)
	want := []string{
		"Rhaid i’r dyddiad yn y maes “Date last seen” fod heddiw neu yn y gorffennol (plentyn: Alex Test)",
		"Rhaid i’r dyddiad yn y maes “Date” fod ar 1 Ionawr 2024 neu ar ôl hynny (rhes 1) (plentyn: Alex Test)",
		"Rhowch ateb yn y maes “What happened” (rhes 1) (plentyn: Alex Test)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWelshCopyNamesItsOwnQuestions: a form's Welsh copy words the engine's messages in Welsh by itself
// (no Lang needed) and names its questions by their Welsh names; asked for English, it says English.
func TestWelshCopyNamesItsOwnQuestions(t *testing.T) {
	cy := loadBilingual(t).In("cy")
	answers := Answers{Values: map[string]any{"aware": "maybe"}}
	res := cy.Validate(nil, answers, ValidateOptions{})
	if len(res.Errors) != 1 || res.Errors[0].Message != "Dewiswch ie neu na yn y maes “a yw'r rhieni'n ymwybodol”" {
		t.Errorf("Welsh copy: %v", res.Errors)
	}
	res = cy.Validate(nil, answers, ValidateOptions{Lang: "en"})
	if len(res.Errors) != 1 || res.Errors[0].Message != "Select yes or no for a yw'r rhieni'n ymwybodol" {
		t.Errorf("Welsh copy asked for English: %v", res.Errors)
	}
}

// TestUKWordsInWelsh: the hints and blank-form notes of the UK answer types are in the language asked for.
func TestUKWordsInWelsh(t *testing.T) {
	words := 50
	nhs := &Field{Type: TypeNHSNumber}
	story := &Field{Type: TypeTextarea, MaxWords: &words}
	checks := [][2]string{
		{DefaultHint(nhs, "cy"), "Rhif 10 digid, fel 943 476 5919, ar lythyrau a phresgripsiynau’r GIG"},
		{DefaultHint(nhs, "en"), "A 10 digit number, like 943 476 5919, on NHS letters and prescriptions"},
		{WordLimitText(50, "cy"), "Gallwch ysgrifennu hyd at 50 gair"},
		{strings.Join(UKNotes(story, "cy"), "; "), "Hyd at 50 gair"},
		{strings.Join(UKNotes(&Field{Type: TypeAddress}, "en"), "; "), "A UK address: address line 1 and the town or city are needed"},
	}
	for _, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%q, want %q", c[0], c[1])
		}
	}
}
