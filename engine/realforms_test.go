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
// that loads but cannot be filled in fails. The set's broken answers must give the messages it lists: the
// rules the ledger counts as said must fire.
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
				// Broken are changes to the answers that the form's rules and conditions must refuse, each
				// with the messages it must give, by path.
				Broken []struct {
					Name   string            `json:"name"`
					Change map[string]any    `json:"change"`
					Errors map[string]string `json:"errors"`
					Shown  []string          `json:"shown"` // guidance the change must show
				} `json:"broken"`
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
			for _, c := range set.Broken {
				vals := make(map[string]any, len(set.Answers.Values))
				for k, v := range set.Answers.Values {
					vals[k] = v
				}
				for k, v := range c.Change {
					vals[k] = v
				}
				res := form.Validate(set.Case, Answers{Values: vals}, ValidateOptions{Today: realFormsToday})
				for _, id := range c.Shown {
					if hidden(res, id) {
						t.Errorf("%s: %s is not shown", c.Name, id)
					}
				}
				got := messages(res)
				for path, want := range c.Errors {
					if got[path] != want {
						t.Errorf("%s: the message at %s is %q, want %q (all: %v)", c.Name, path, got[path], want, got)
					}
				}
				if len(got) != len(c.Errors) {
					t.Errorf("%s: %d messages, want %d: %v", c.Name, len(got), len(c.Errors), got)
				}
			}
		})
	}
}

// hidden reports whether a field is left out: hidden by its condition, or in a section not shown.
func hidden(res Result, id string) bool {
	for _, s := range res.Sections {
		for _, h := range s.Hidden {
			if h == id {
				return true
			}
		}
	}
	return false
}
