package renderer

import (
	"context"
	"strings"

	"formportal/engine"
	"formportal/i18n"
)

// ukWords are the catalogue ids of the engine's fixed words for dates of birth and addresses, by their
// English: the page asks these parts in the person's language.
var ukWords = map[string]string{
	engine.LabelBorn:            "uk.born",
	engine.LabelBornDate:        "uk.born_date",
	engine.LabelBornEstimated:   "uk.born_estimated",
	engine.LabelUnborn:          "uk.unborn",
	engine.LabelDueDate:         "uk.due_date",
	engine.LabelDOBUnknown:      "uk.dob_unknown",
	engine.LabelApproximateAge:  "uk.approximate_age",
	engine.LabelAddressKnown:    "uk.address",
	engine.LabelAddressLine1:    "uk.address_line1",
	engine.LabelAddressLine2:    "uk.address_line2",
	engine.LabelAddressTown:     "uk.address_town",
	engine.LabelAddressCounty:   "uk.address_county",
	engine.LabelAddressPostcode: "uk.address_postcode",
	engine.LabelNoFixedAbode:    "uk.no_fixed_abode",
	engine.LabelAddressUnknown:  "uk.address_unknown",
	engine.HintDate:             "uk.hint_date",
	engine.HintDueDate:          "uk.hint_due_date",
}

// ukWord is one of the engine's fixed words in the request's language ("Same as ..." keeps the other
// question's label, which the form's translation gives).
func ukWord(ctx context.Context, english string) string {
	if id, ok := ukWords[english]; ok {
		return i18n.T(ctx, id)
	}
	if rest, ok := strings.CutPrefix(english, engine.LabelSameAsPrefix); ok {
		return i18n.T(ctx, "uk.same_as", "Label", rest)
	}
	return english
}

// optional marks an optional part ("Postcode (optional)").
func optional(ctx context.Context, label string) string {
	return i18n.T(ctx, "uk.optional", "Label", label)
}
