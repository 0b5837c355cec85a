package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must never panic, and every diagnostic it gives must
// point at a real position and carry a documented rule code.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"../testdata/lint/*.yaml", "../testdata/syntax/*.yaml", "../testdata/valid/*/form.yaml", "../forms/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("id: x\nsections: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, diags := Load("fuzz.yaml", data)
		for _, d := range diags {
			if d.Line < 1 || d.Col < 1 {
				t.Errorf("diagnostic without a position: %s", d)
			}
			if _, ok := Rules[d.Rule]; !ok {
				t.Errorf("diagnostic with an undocumented rule: %s", d)
			}
		}
		if form == nil && !diags.HasErrors() {
			t.Errorf("no form and no error for %q", data)
		}
	})
}

// FuzzValidate validates arbitrary answers against the fixture forms: it must never panic, every problem
// must be tied to a section and a path, and a valid submission must satisfy the derived schema.
func FuzzValidate(f *testing.F) {
	sets, _ := filepath.Glob("../testdata/valid/*/answers/*.json")
	for _, set := range sets {
		if b, err := os.ReadFile(set); err == nil {
			f.Add(b)
		}
	}
	type fixture struct {
		form     *Form
		caseData any
	}
	var fixtures []fixture
	dirs, _ := filepath.Glob("../testdata/valid/*")
	for _, dir := range dirs {
		form := loadClean(f, filepath.Join(dir, "form.yaml"))
		fixtures = append(fixtures, fixture{form, readJSON(f, filepath.Join(dir, "case.json"))})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var answers Answers
		if json.Unmarshal(data, &answers) != nil {
			return
		}
		for _, fx := range fixtures {
			res := fx.form.Validate(fx.caseData, answers, ValidateOptions{Today: goldenToday})
			for _, e := range res.Errors {
				if e.Path == "" || e.Section == "" || e.Message == "" || fx.form.Section(e.Section) == nil {
					t.Errorf("%s: error not tied to a section and path: %+v", fx.form.ID, e)
				}
			}
			if res.Valid() {
				if err := compileSubmissionSchema(t, fx.form).Validate(roundTrip(t, res.Submission)); err != nil {
					t.Errorf("%s: valid answers %s give a submission the derived schema rejects: %v", fx.form.ID, data, err)
				}
			}
		}
	})
}
