// The wording of the messages of word limits and the UK answer types, in one place for a second language.
// Each can be replaced by the field's own messages (required, format, min, max).

package engine

import (
	"strings"
	"time"

	"formportal/i18n"
)

// Examples in messages: answers that pass their checks (the NHS's own test number; a postcode).
const (
	exampleNHSNumber = "943 476 5919"
	examplePostcode  = "SW1A 1AA"
)

// Labels of the choices of a date of birth and an address: the page, the PDF and the answers share them.
const (
	LabelBorn            = "Born"
	LabelBornEstimated   = "The date of birth is estimated"
	LabelUnborn          = "Unborn"
	LabelDueDate         = "Expected due date"
	LabelDOBUnknown      = "Date of birth not known"
	LabelApproximateAge  = "Approximate age in years"
	LabelAddressLine1    = "Address line 1"
	LabelAddressLine2    = "Address line 2"
	LabelAddressTown     = "Town or city"
	LabelAddressCounty   = "County"
	LabelAddressPostcode = "Postcode"
	LabelAddressKnown    = "Address"
	LabelNoFixedAbode    = "No fixed abode"
	LabelAddressUnknown  = "Address not known"
	labelSameAsPrefix    = "Same as "
)

// Hints shown when the designer gives none.
const (
	HintDate    = "For example, 27 3 2019"
	HintDueDate = "For example, 4 5 2027"
)

// LabelBornDate is the legend of the date a born child's date of birth is.
const LabelBornDate = "Date of birth"

// SameAsLabel is the choice of an address that is the same as another: "Same as child's address".
// LabelSameAsPrefix begins the label of an address's "same as" choice.
const LabelSameAsPrefix = labelSameAsPrefix

func SameAsLabel(other *Field) string { return labelSameAsPrefix + lowerFirst(other.Label) }

func (w words) nhsNumberLength(fd *Field) string {
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.nhs.length", "Subject", w.subject(fd), "Example", exampleNHSNumber))
}

func (w words) nhsNumberCheck(fd *Field) string {
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.nhs.check", "Example", exampleNHSNumber))
}

func (w words) phone(fd *Field) string {
	if fd.Name != "" {
		return pick(fd.Messages.Format, i18n.In(w.lang, "engine.phone.named", "Name", w.name(fd)))
	}
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.phone.format"))
}

func (w words) time(fd *Field) string {
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.time.format", "Subject", w.subject(fd)))
}

func (w words) maxWords(fd *Field) string {
	return pick(fd.Messages.Max, i18n.In(w.lang, "engine.text.max_words", "Subject", w.subject(fd), "Count", *fd.MaxWords))
}

// dateProblem words what parseDate found wrong with a date; subject names it as a message's first words
// ("Date of birth").
func (w words) dateProblem(fd *Field, subject, problem string) string {
	switch problem {
	case "real":
		return pick(fd.Messages.Format, i18n.In(w.lang, "engine.date.real", "Subject", subject))
	case "4 digits":
		return pick(fd.Messages.Format, i18n.In(w.lang, "engine.date.year_digits"))
	}
	var parts []string
	for _, p := range strings.Fields(problem) {
		switch p {
		case "day":
			parts = append(parts, i18n.In(w.lang, "engine.date.part_day"))
		case "month":
			parts = append(parts, i18n.In(w.lang, "engine.date.part_month"))
		case "year":
			parts = append(parts, i18n.In(w.lang, "engine.date.part_year"))
		}
	}
	return i18n.In(w.lang, "engine.date.include", "Subject", subject, "Parts", w.and(parts))
}

// dueDate names an unborn child's expected due date as a message's first words.
func (w words) dueDate() string {
	if w.welsh() {
		return i18n.In(w.lang, "uk.due_date")
	}
	return upperFirst(strings.ToLower(LabelDueDate))
}

func (w words) dobStatus(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.dob.status", "Name", w.name(fd)))
}

func (w words) dobFuture(fd *Field) string {
	return pick(fd.Messages.Max, i18n.In(w.lang, "engine.date.past", "Subject", w.subject(fd)))
}

func (w words) dueDateMissing(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.dob.due_missing"))
}

func (w words) dueDateRange(fd *Field, earliest, latest string) string {
	return pick(fd.Messages.Max, i18n.In(w.lang, "engine.dob.due_range", "Earliest", w.date(earliest), "Latest", w.date(latest)))
}

func (w words) ageMissing(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.dob.age_missing"))
}

func (w words) ageFormat(fd *Field) string {
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.dob.age_format"))
}

func (w words) ageRange(fd *Field) string {
	return pick(fd.Messages.Max, i18n.In(w.lang, "engine.dob.age_range", "Max", maxApproximateAge))
}

func (w words) addressKind(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.address.kind", "Name", w.name(fd)))
}

func (w words) addressLine1(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.address.line1"))
}

func (w words) addressTown(fd *Field) string {
	return pick(fd.Messages.Required, i18n.In(w.lang, "engine.address.town"))
}

// addressTooLong is the message of a line of an address (named by its catalogue id in Welsh) that is too long.
func (w words) addressTooLong(label, id string) string {
	if w.welsh() {
		label = i18n.In(w.lang, id)
	}
	return i18n.In(w.lang, "engine.text.max", "Subject", label, "Count", maxAddressPart)
}

func (w words) postcode(fd *Field) string {
	return pick(fd.Messages.Format, i18n.In(w.lang, "engine.address.postcode", "Example", examplePostcode))
}

// FormatDateOfBirth writes a checked date of birth as one answer: "12 March 2019 (estimated)", "Unborn,
// due 4 May 2027", "Unknown, about 7 years old".
// formatDateOfBirth writes a date of birth's answer in lang: in English as a paste writes it ("Unborn,
// due 4 May 2027"), in Welsh from the catalogue's answer.*.
func formatDateOfBirth(lang string, m map[string]any) string {
	l, _ := i18n.Parse(lang)
	switch textOf(m["status"]) {
	case DOBBorn:
		s := longDateIn(lang, textOf(m["date"]))
		if ticked(m["estimated"]) {
			s = i18n.In(l, "answer.estimated", "Date", s)
		}
		return s
	case DOBUnborn:
		return i18n.In(l, "answer.unborn_due", "Date", longDateIn(lang, textOf(m["dueDate"])))
	case DOBUnknown:
		age, _ := toNumber(m["approximateAge"])
		switch {
		case age < 1:
			return i18n.In(l, "answer.age_under_1")
		case age == 1:
			return i18n.In(l, "answer.age_1")
		}
		return i18n.In(l, "answer.age", "Age", formatNumber(age))
	}
	return ""
}

// DefaultHint is the hint of a UK answer type whose designer gave none, in the language ("en", "cy").
func DefaultHint(fd *Field, lang string) string {
	l := wordsIn(lang).lang
	switch fd.Type {
	case TypeNHSNumber:
		return i18n.In(l, "engine.hint.nhs_number", "Example", exampleNHSNumber)
	case TypeTime:
		return i18n.In(l, "engine.hint.time")
	}
	return ""
}

// WordLimitText says a textarea's word limit, as GOV.UK's character count does before its script runs.
func WordLimitText(n int, lang string) string {
	return i18n.In(wordsIn(lang).lang, "engine.hint.word_limit", "Count", n)
}

// UKNotes say, under a question of a blank (printed) form, what a UK answer type or a word limit takes,
// in the language.
func UKNotes(fd *Field, lang string) []string {
	l := wordsIn(lang).lang
	var out []string
	switch fd.Type {
	case TypeNHSNumber:
		out = append(out, i18n.In(l, "engine.notes.nhs_number", "Example", exampleNHSNumber))
	case TypeTime:
		out = append(out, i18n.In(l, "engine.notes.time"))
	case TypeDateOfBirth:
		out = append(out, i18n.In(l, "engine.notes.date_of_birth", "Max", maxApproximateAge))
	case TypeAddress:
		out = append(out, i18n.In(l, "engine.notes.address"))
	}
	if fd.MaxWords != nil {
		out = append(out, i18n.In(l, "engine.notes.max_words", "Count", *fd.MaxWords))
	}
	return out
}

// longDateIn writes YYYY-MM-DD the GOV.UK way in lang: "4 May 2027", "4 Mai 2027" in Welsh.
func longDateIn(lang, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return FormatDate(t, lang)
}

// PasteDateOfBirthMessage is the problem with a pasted cell that is not a date of birth, in the language.
func PasteDateOfBirthMessage(lang, cell string) string {
	return i18n.In(wordsIn(lang).lang, "engine.paste.date_of_birth", "Cell", cell)
}

// PasteAddressMessage is the problem with a pasted cell that is not an address, in the language.
func PasteAddressMessage(lang, cell string) string {
	return i18n.In(wordsIn(lang).lang, "engine.paste.address", "Cell", cell)
}
