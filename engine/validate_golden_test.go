package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// goldenToday fixes "today" so date rules in the golden results never drift.
var goldenToday = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// TestValidateGolden validates every answer set in ../testdata/valid/FORM/answers/ against its form and
// case data, and compares the whole result (errors, section statuses, cleaned submission) with the golden
// file beside it. Each cleaned submission must also satisfy the form's derived submission schema.
func TestValidateGolden(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/valid/*/form.yaml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no valid fixtures found: %v", err)
	}
	for _, formFile := range dirs {
		dir := filepath.Dir(formFile)
		form := loadClean(t, formFile)
		caseData := readJSON(t, filepath.Join(dir, "case.json"))
		if errs := form.CheckCaseData(caseData); len(errs) > 0 {
			t.Fatalf("%s: case data rejected: %v", dir, errs)
		}
		schema := compileSubmissionSchema(t, form)
		sets, _ := filepath.Glob(filepath.Join(dir, "answers", "*.json"))
		for _, set := range sets {
			if strings.HasSuffix(set, ".golden.json") {
				continue
			}
			name := filepath.Base(dir) + "/" + strings.TrimSuffix(filepath.Base(set), ".json")
			t.Run(name, func(t *testing.T) {
				var answers Answers
				if err := json.Unmarshal(mustRead(t, set), &answers); err != nil {
					t.Fatal(err)
				}
				res := form.Validate(caseData, answers, ValidateOptions{Today: goldenToday})
				got, err := json.MarshalIndent(res, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
				golden := strings.TrimSuffix(set, ".json") + ".golden.json"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if want := mustRead(t, golden); !bytes.Equal(got, want) {
					t.Errorf("result differs from %s (run go test ./engine -update and review the diff)\ngot:\n%s", golden, got)
				}
				if res.Valid() {
					if err := schema.Validate(roundTrip(t, res.Submission)); err != nil {
						t.Errorf("a valid submission fails the derived schema: %v", err)
					}
				}
			})
		}
	}
}

func loadClean(t testing.TB, file string) *Form {
	t.Helper()
	form, diags := Load(file, mustRead(t, file))
	if len(diags) > 0 {
		t.Fatalf("%s does not load cleanly:\n%v", file, diags)
	}
	return form
}

func mustRead(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSON(t testing.TB, file string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(mustRead(t, file), &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// roundTrip turns a Go value into the plain JSON values the schema validator expects.
func roundTrip(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func compileSubmissionSchema(t testing.TB, form *Form, sections ...string) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(form.SubmissionSchema(sections...))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource("submission.json", bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("submission.json")
	if err != nil {
		t.Fatalf("derived schema does not compile: %v", err)
	}
	return s
}
