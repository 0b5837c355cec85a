package pdf

import (
	"strings"
	"testing"
	"time"

	"formportal/engine"
)

// A computed value is printed from what the engine works out, never from the answers given; a blank
// form says there is nothing to fill in.
func TestComputedValues(t *testing.T) {
	requireTools(t)
	form := loadForms(t).Get("early-help-request")
	today := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	answers := engine.Answers{Values: map[string]any{"children_in_family": []any{
		map[string]any{"name": "Ann Boreo", "dob": "2016-03-05", "age": 99.0}}}}
	text := strings.Join(words(pdftotext(t, writeTemp(t, Document{Form: form, Answers: answers, Today: today}, true, "answered.pdf"))), " ")
	if !strings.Contains(text, "Age in years 9") || strings.Contains(text, "Age in years 99") {
		t.Errorf("the answered PDF does not show the age worked out (9):\n%s", text)
	}
	blank := strings.Join(words(pdftotext(t, writeTemp(t, Document{Form: form, Blank: true, Today: today}, true, "blank.pdf"))), " ")
	if !strings.Contains(blank, strings.Join(words(english.computed), " ")) {
		t.Errorf("the blank PDF does not say the age is worked out:\n%s", blank)
	}
}
