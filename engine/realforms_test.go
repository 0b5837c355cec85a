package engine

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realFormsToday fixes "today" for the real forms' answer sets, whose dates (a due date, an arrangement's
// start) are only valid near it.
var realFormsToday = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// TestRealForms loads every form in ../testdata/realforms (real council forms written from
// forms/README.md alone, each with a ledger of what the language could say) and requires it to lint
// clean, and its filled answer set (NAME.answers.json: the portal's case data and a realistic set of
// answers) to be valid, to keep every answer it gives and to satisfy the form's submission schema: a form
// that loads but cannot be filled in fails.
func TestRealForms(t *testing.T) {
	files, err := filepath.Glob("../testdata/realforms/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no real forms found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			form := loadClean(t, file)
			var set struct {
				Case    any     `json:"case"`
				Answers Answers `json:"answers"`
			}
			if err := json.Unmarshal(mustRead(t, strings.TrimSuffix(file, ".yaml")+".answers.json"), &set); err != nil {
				t.Fatal(err)
			}
			if errs := form.CheckCaseData(set.Case); len(errs) > 0 {
				t.Fatalf("case data rejected: %v", errs)
			}
			res := form.Validate(set.Case, set.Answers, ValidateOptions{Today: realFormsToday})
			for _, e := range res.Errors {
				t.Errorf("%s: %s", e.Path, e.Message)
			}
			// An answer the form does not ask (a misspelt id) would be dropped silently: the set would
			// then test less than it seems to.
			for id := range set.Answers.Values {
				if _, kept := res.Submission.Values[id]; !kept {
					t.Errorf("answer %q is not in the submission: no such question, or hidden", id)
				}
			}
			if err := compileSubmissionSchema(t, form).Validate(roundTrip(t, res.Submission)); err != nil {
				t.Errorf("the submission fails the derived schema: %v", err)
			}
		})
	}
}
