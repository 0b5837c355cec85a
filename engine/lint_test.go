package engine

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// wantRE finds `# want "regexp"` expectations in a fixture: a diagnostic on that line must match each.
var wantRE = regexp.MustCompile(`# want((?:\s+"(?:[^"\\]|\\.)*")+)`)
var wantArgRE = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// TestLintGolden loads every broken spec in testdata/lint and compares the diagnostics with its golden
// file, exactly, and with the fixture's own `# want` comments.
func TestLintGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/lint/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no lint fixtures: %v", err)
	}
	covered := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		if IsTranslationFile(name) {
			continue // read with its form
		}
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// A fixture's parallel translation files, NAME.cy.yaml, are read with it (translate.go).
			parallel, err := ReadTranslations(os.DirFS(filepath.Dir(file)), name)
			if err != nil {
				t.Fatal(err)
			}
			for i := range parallel {
				parallel[i].File = "testdata/lint/" + parallel[i].File
			}
			_, diags := LoadTranslated("testdata/lint/"+name, data, parallel...)
			var got strings.Builder
			for _, d := range diags {
				got.WriteString(d.String() + "\n")
				covered[d.Rule] = true
			}
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".golden", got.String())
			checkWants(t, data, diagsIn(diags, "testdata/lint/"+name))
			for _, pf := range parallel {
				checkWants(t, pf.Data, diagsIn(diags, pf.File))
			}
		})
	}
	compatRules(t, covered)
	for rule := range Rules {
		if !covered[rule] && !strings.HasPrefix(rule, "compat-") && rule != "duplicate-form" {
			t.Errorf("rule %s has no fixture in testdata/lint", rule)
		}
	}
}

// diagsIn are the diagnostics of one file.
func diagsIn(diags Diagnostics, file string) Diagnostics {
	var out Diagnostics
	for _, d := range diags {
		if d.File == file {
			out = append(out, d)
		}
	}
	return out
}

func checkWants(t *testing.T, data []byte, diags Diagnostics) {
	t.Helper()
	wants := map[int][]*regexp.Regexp{}
	for i, line := range strings.Split(string(data), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, arg := range wantArgRE.FindAllStringSubmatch(m[1], -1) {
			wants[i+1] = append(wants[i+1], regexp.MustCompile(strings.ReplaceAll(arg[1], `\"`, `"`)))
		}
	}
	if len(wants) == 0 && !strings.HasPrefix(filepath.Base(t.Name()), "valid-") {
		t.Fatal("the fixture has no # want comment (only valid-*.yaml fixtures may be clean)")
	}
	for _, d := range diags {
		text := d.Message + " (" + d.Rule + ")"
		matched := false
		for i, re := range wants[d.Line] {
			if re != nil && re.MatchString(text) {
				wants[d.Line][i] = nil
				matched = true
				break
			}
		}
		if !matched {
			t.Errorf("line %d: unexpected diagnostic: %s", d.Line, text)
		}
	}
	for line, res := range wants {
		for _, re := range res {
			if re != nil {
				t.Errorf("line %d: no diagnostic matching %q", line, re)
			}
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (run go test ./... -update): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s--- got\n%s", path, want, got)
	}
}

// compatRules compares each testdata/compat/NAME/old.yaml with new.yaml against NAME/golden.
func compatRules(t *testing.T, covered map[string]bool) {
	dirs, _ := filepath.Glob("../testdata/compat/*")
	if len(dirs) == 0 {
		t.Error("no compat fixtures")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run("compat/"+name, func(t *testing.T) {
			old := mustLoad(t, "testdata/compat/"+name+"/old.yaml", filepath.Join(dir, "old.yaml"))
			new := mustLoad(t, "testdata/compat/"+name+"/new.yaml", filepath.Join(dir, "new.yaml"))
			var got strings.Builder
			for _, d := range Compat(old, new) {
				got.WriteString(d.String() + "\n")
				covered[d.Rule] = true
			}
			checkGolden(t, filepath.Join(dir, "golden"), got.String())
		})
	}
	t.Run("compat/coverage", func(t *testing.T) {
		for rule := range Rules {
			if strings.HasPrefix(rule, "compat-") && !covered[rule] {
				t.Errorf("compat rule %s has no fixture in testdata/compat", rule)
			}
		}
	})
}

func mustLoad(t testing.TB, name, path string) *Form {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := Load(name, data)
	if f == nil {
		t.Fatalf("%s does not load: %v", path, diags)
	}
	return f
}
