package renderer

import (
	"strings"
	"testing"
)

func TestItemLabelsInThePlural(t *testing.T) {
	for label, want := range map[string]string{
		"row":                           "rows",
		"person":                        "people",
		"parent or carer":               "parents or carers",
		"household member":              "household members",
		"agency":                        "agencies",
		"previous address":              "previous addresses",
		"school and nursery":            "schools and nurseries",
		"day":                           "days",
		"significant family member":     "significant family members",
		"child":                         "children",
		"brother / sister":              "brothers / sisters",
		"other professional or service": "other professionals or services",
	} {
		if got := pluralPhrase(label); got != want {
			t.Errorf("%q in the plural: %q, want %q", label, got, want)
		}
	}
}

// TestPasteHintSaysHowToWriteDatesOnlyWhereThereAreDates: the paste box of a table of names does not
// tell people how to write dates; a chronology's does.
func TestPasteHintSaysHowToWriteDatesOnlyWhereThereAreDates(t *testing.T) {
	carers := strings.Replace(fixedRowsForm, "        fixedRows:\n          - { id: gp, label: GP }\n          - { id: school, label: School }\n", "", 1)
	html := renderSection(t, carers, nil)
	if !strings.Contains(html, "Copy the rows in Excel") || strings.Contains(html, "Write dates") {
		t.Errorf("the paste hint of a table without dates:\n%s", html)
	}
	dated := strings.Replace(carers, "          - { id: name, type: text, label: Name }\n",
		"          - { id: name, type: text, label: Name }\n          - { id: since, type: date, label: Since }\n", 1)
	if html := renderSection(t, dated, nil); !strings.Contains(html, "Write dates like 27/3/2024.") {
		t.Errorf("the paste hint of a table with a date column does not say how to write one:\n%s", html)
	}
}
