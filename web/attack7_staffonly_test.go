package web

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/casework"
	"formportal/forms"
)

// A staff-only question in a section repeated for a list's items is answered for each item, which the
// console's one page of staff answers cannot do: it must not offer it as one answer for the whole form
// (kept where no item's section reads it, so staff's answer was lost from the submission).
func TestAttack7StaffOnlyQuestionInARepeatedSectionIsNotAskedOnce(t *testing.T) {
	data, err := os.ReadFile("../testdata/valid/repeat/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	anchor := "      - { id: worries, type: textarea, label: What are you worried about?, name: what you are worried about, required: true }\n"
	if !strings.Contains(string(data), anchor) {
		t.Fatal("the fixture has changed")
	}
	text := strings.Replace(string(data), anchor, anchor+"      - { id: sw_note, type: textarea, label: Social worker note, visibleTo: staff }\n", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"repeat.yaml": {Data: []byte(text)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("children-and-agencies")
	for _, fd := range casework.StaffAnswerable(form) {
		if fd.ID == "sw_note" {
			t.Fatal("the console asks a repeated section's staff-only question once for the whole form")
		}
	}
	if len(staffSections(form)) != 0 {
		t.Fatal("the console draws a page of staff answers for a form with none it can take")
	}
}
