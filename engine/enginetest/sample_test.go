package enginetest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"formportal/engine"
	"formportal/forms"
)

var today = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// every form the tests know: the bundled ones and the engine's valid fixtures.
func allForms(t testing.TB) []*engine.Form {
	t.Helper()
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	list := lib.All()
	files, _ := filepath.Glob("../../testdata/valid/*/form.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := engine.Load(file, data)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", file, diags)
		}
		list = append(list, f)
	}
	return list
}

// TestEveryFormCanBeCompleted proves each form can be filled in and submitted: the sample case data meets
// its schema, and answering every question gives no error and every section completed.
func TestEveryFormCanBeCompleted(t *testing.T) {
	for _, form := range allForms(t) {
		t.Run(form.ID, func(t *testing.T) {
			caseData := CaseData(form, 3)
			if errs := form.CheckCaseData(caseData); len(errs) > 0 {
				t.Fatalf("sample case data rejected: %v", errs)
			}
			if _, errs := form.Prefill(caseData); len(errs) > 0 {
				t.Fatalf("prefill: %v", errs)
			}
			res := form.Validate(caseData, Answers(form, caseData, 3, today), engine.ValidateOptions{Today: today})
			for _, e := range res.Errors {
				t.Errorf("%s: %s", e.Path, e.Message)
			}
			for _, s := range res.Sections {
				if s.Visible && s.Status != engine.Completed {
					t.Errorf("section %s %s is %s, want completed", s.Section, s.Child, s.Status)
				}
			}
		})
	}
}

func BenchmarkLoadBundledForms(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forms.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateChronology500Rows validates a Multi-Agency Chronology for three siblings with a
// 500-row chronology: the largest answer set the portal expects.
func BenchmarkValidateChronology500Rows(b *testing.B) {
	lib, err := forms.Load()
	if err != nil {
		b.Fatal(err)
	}
	form := lib.Get("multi-agency-chronology")
	if form == nil {
		b.Fatal("multi-agency-chronology is not bundled")
	}
	caseData := CaseData(form, 3)
	answers := Answers(form, caseData, 500, today)
	if res := form.Validate(caseData, answers, engine.ValidateOptions{Today: today}); !res.Valid() {
		b.Fatalf("sample answers invalid: %v", res.Errors)
	}
	b.ReportAllocs()
	for b.Loop() {
		form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
	}
}
