package engine

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// atRE reads the first line of a syntax fixture: "# at LINE:COL: what the mistake is".
var atRE = regexp.MustCompile(`^# at (\d+):(\d+): `)

// TestSyntaxGolden loads each broken file of testdata/syntax: it must give exactly one yaml-syntax
// (or duplicate-key) diagnostic, at the line and column its first line names, as in its golden file. It
// logs, for the record, the line yaml.v3 alone gives.
func TestSyntaxGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/syntax/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no syntax fixtures: %v", err)
	}
	exactLine, exact := 0, 0
	for _, file := range files {
		name := filepath.Base(file)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := atRE.FindStringSubmatch(string(data))
		if m == nil {
			t.Fatalf("%s: the first line must be # at LINE:COL: ...", name)
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			_, diags := Load("testdata/syntax/"+name, data)
			var got strings.Builder
			for _, d := range diags {
				got.WriteString(d.String() + "\n")
			}
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".golden", got.String())
			if len(diags) != 1 || diags[0].Line != line || diags[0].Col != col {
				t.Errorf("want one diagnostic at %d:%d, got:\n%s", line, col, got.String())
			}
		})
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			if l := yamlLine(err); l == line {
				exactLine++
			}
		} else {
			exactLine++ // parsed: the problem is found on the node tree, at its key
			exact++
		}
	}
	t.Logf("yaml.v3 alone: the right line for %d of %d fixtures, the right line and column for %d", exactLine, len(files), exact)
}

func yamlLine(err error) int {
	var l int
	fmt.Sscanf(err.Error(), "yaml: line %d:", &l)
	return l
}

// TestSyntaxScanAcceptsValidFiles runs the locating pass over every YAML file of the repository that
// yaml.v3 parses: it must find nothing in any of them, or it would blame the wrong place when a file
// fails for another reason.
func TestSyntaxScanAcceptsValidFiles(t *testing.T) {
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !IsFormFile(d.Name()) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var n yaml.Node
		if yaml.Unmarshal(data, &n) != nil {
			return nil
		}
		checked++
		if _, p := scanSyntax(data); p != nil {
			t.Errorf("%s:%d:%d: valid YAML, but the scan says %s", path, p.line, p.col, p.msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d valid files checked", checked)
	}
}

// TestQuestionMarkInFlowMapping: a label ending in ? inside { } is valid YAML 1.2, which editors
// accept; yaml.v3 alone refuses it. The loader agrees with the editor, and columns stay right.
func TestQuestionMarkInFlowMapping(t *testing.T) {
	text := `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: urgent, type: yesno, label: Is it urgent?, hint: Why? Say so }
      - { id: name, type: txt, label: Name? }
`
	var n yaml.Node
	if yaml.Unmarshal([]byte(text), &n) == nil {
		t.Fatal("yaml.v3 now accepts ? in flow scalars: the stand-in is no longer needed")
	}
	_, diags := Load("q.yaml", []byte(text))
	if len(diags) != 1 || diags[0].Line != 12 || diags[0].Col != 27 || diags[0].Rule != "invalid-value" {
		t.Fatalf("want only the bad type at 12:27, got %v", diags)
	}
	fixed := strings.Replace(text, "txt", "text", 1)
	f, diags := Load("q.yaml", []byte(fixed))
	if f == nil {
		t.Fatalf("does not load: %v", diags)
	}
	if got := f.Field("urgent"); got.Label != "Is it urgent?" || got.Hint != "Why? Say so" {
		t.Fatalf("label %q, hint %q", got.Label, got.Hint)
	}
	if got := f.Field("name").Label; got != "Name?" {
		t.Fatalf("label %q", got)
	}
}

// TestDescribeLocation: places are named by ids, as a designer finds them, not by indexes.
func TestDescribeLocation(t *testing.T) {
	src := parseSource("f.yaml", []byte(`sections:
  - id: child
    fields:
      - id: dob
        type: date
      - id: contacts
        type: table
        columns: [ { id: date, type: date } ]
      - id: how
        type: radios
        options: [ { value: email, label: Email } ]
        showWhen: { all: [ { field: dob, answered: true } ] }
      - { type: text }
`))
	for pointer, want := range map[string]string{
		"":                                     "the form",
		"/audience/0":                          "`audience[0]`",
		"/sections/0":                          "section `child`",
		"/sections/0/fields/0/type":            "`type` of field `dob` in section `child`",
		"/sections/0/fields/1/columns/0/type":  "`type` of column `date` of table `contacts` in section `child`",
		"/sections/0/fields/2/options/0/label": "`label` of option `email` of field `how` in section `child`",
		"/sections/0/fields/2/showWhen/all/0/field": "`showWhen.all[0].field` of field `how` in section `child`",
		"/sections/0/fields/3":                      "field 4 in section `child`",
	} {
		if got := describeLocation(src.value, pointer); got != want {
			t.Errorf("%s: got %s, want %s", pointer, got, want)
		}
	}
}

// TestSyntaxMutations breaks the bundled forms the ways designers do, one line at a time (every fifth
// line, to keep the test quick): a } or ] or closing quote dropped, a key indented two spaces less or
// more, a tab for the indentation. Wherever yaml.v3 then refuses the file, formlint must name the line
// that was changed, in all but one case in a hundred; the figures are logged beside yaml.v3's own.
func TestSyntaxMutations(t *testing.T) {
	files, _ := filepath.Glob("../forms/*.yaml")
	type tally struct{ mutations, refused, yamlRight, formlintRight int }
	tallies := map[string]*tally{}
	for _, file := range files {
		if IsTranslationFile(filepath.Base(file)) {
			continue // a form's Welsh (translate.go), not a form
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i += 5 {
			l := lines[i]
			text := strings.TrimLeft(l, " ")
			indent := len(l) - len(text)
			mutations := map[string]string{}
			for _, pair := range [][2]string{{"{", "}"}, {"[", "]"}, {`"`, `"`}} {
				if j := strings.LastIndex(l, pair[1]); j > 0 && strings.Index(l, pair[0]) < j {
					mutations["drop "+pair[1]] = l[:j] + l[j+1:]
				}
			}
			if indent >= 4 && !strings.HasPrefix(text, "- ") && !strings.HasPrefix(text, "#") && strings.Contains(text, ": ") {
				mutations["dedent"] = l[2:]
				mutations["indent"] = "  " + l
				mutations["tab"] = "\t" + text
			}
			for kind, m := range mutations {
				mutated := strings.Join(append(append(append([]string{}, lines[:i]...), m), lines[i+1:]...), "\n")
				tl := tallies[kind]
				if tl == nil {
					tl = &tally{}
					tallies[kind] = tl
				}
				tl.mutations++
				var n yaml.Node
				err := yaml.Unmarshal([]byte(mutated), &n)
				if err == nil {
					continue
				}
				tl.refused++
				if yamlLine(err) == i+1 {
					tl.yamlRight++
				}
				_, diags := Load("m.yaml", []byte(mutated))
				if len(diags) > 0 && diags[0].Line == i+1 {
					tl.formlintRight++
				} else if len(diags) > 0 {
					t.Logf("%s of %s line %d: %s", kind, file, i+1, diags[0])
				}
			}
		}
	}
	for _, kind := range sortedKeys(tallies) {
		tl := tallies[kind]
		t.Logf("%-12s %4d mutations, %4d refused by yaml.v3: the right line from yaml.v3 %4d, from formlint %4d", kind, tl.mutations, tl.refused, tl.yamlRight, tl.formlintRight)
		if tl.refused == 0 || tl.formlintRight*100 < tl.refused*99 {
			t.Errorf("%s: formlint names the changed line for only %d of %d", kind, tl.formlintRight, tl.refused)
		}
	}
}
