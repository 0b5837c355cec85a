package engine

import (
	"strings"

	"formportal/i18n"
)

// ukWordIDs are the catalogue ids of the fixed words of a date of birth and an address (the Label and
// Hint constants), by their English: the page and the PDF say these parts in the person's language.
var ukWordIDs = map[string]string{
	LabelBorn:            "uk.born",
	LabelBornDate:        "uk.born_date",
	LabelBornEstimated:   "uk.born_estimated",
	LabelUnborn:          "uk.unborn",
	LabelDueDate:         "uk.due_date",
	LabelDOBUnknown:      "uk.dob_unknown",
	LabelApproximateAge:  "uk.approximate_age",
	LabelAddressKnown:    "uk.address",
	LabelAddressLine1:    "uk.address_line1",
	LabelAddressLine2:    "uk.address_line2",
	LabelAddressTown:     "uk.address_town",
	LabelAddressCounty:   "uk.address_county",
	LabelAddressPostcode: "uk.address_postcode",
	LabelNoFixedAbode:    "uk.no_fixed_abode",
	LabelAddressUnknown:  "uk.address_unknown",
	HintDate:             "uk.hint_date",
	HintDueDate:          "uk.hint_due_date",
}

// UKWord is one of those fixed words in l. "Same as ..." keeps the other question's label, which the
// form's translation gives; any other text comes back as it is.
func UKWord(l i18n.Lang, english string) string {
	if id, ok := ukWordIDs[english]; ok {
		return i18n.In(l, id)
	}
	if rest, ok := strings.CutPrefix(english, LabelSameAsPrefix); ok {
		return i18n.In(l, "uk.same_as", "Label", rest)
	}
	return english
}
