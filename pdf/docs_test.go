package pdf

import (
	"testing"

	"formportal/engine"
	"formportal/engine/enginetest"
)

// namedDoc is a document the tagging tests render: a bundled form, blank or answered.
type namedDoc struct {
	name string
	doc  Document
}

// everyDocument is every bundled form twice: blank, and answered with a few rows per table and long answers
// (the chronology with 12 rows of long answers, splitting rows over pages and repeating its header row);
// and the test form with a section for each child.
func everyDocument(t testing.TB) []namedDoc {
	t.Helper()
	var out []namedDoc
	for _, form := range append(loadForms(t).All(), loadPerChildForm(t)) {
		out = append(out, namedDoc{form.ID + "/blank", Document{Form: form, Blank: true, Header: header(form)[:3], Marking: marking, Today: today}})
		caseData := enginetest.CaseData(form, 3)
		rows := 3
		if form.ID == "multi-agency-chronology" {
			rows = 12
		}
		answers := enginetest.Answers(form, caseData, rows, today)
		if form.ID == "multi-agency-chronology" {
			chronologyChildren(answers)
		}
		rewriteAnswers(form, answers, func(*engine.Field, int) bool { return true })
		out = append(out, namedDoc{form.ID + "/answered", Document{Form: form, CaseData: caseData, Answers: answers, Header: header(form), Marking: marking, Today: today}})
	}
	return out
}
