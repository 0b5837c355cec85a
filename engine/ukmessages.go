// The wording of the messages of word limits and the UK answer types, in one place for a second language.
// Each can be replaced by the field's own messages (required, format, min, max).

package engine

import "strconv"

// Examples in messages: numbers that pass their checks (the NHS's own test number; Ofcom's drama numbers).
const (
	exampleNHSNumber = "943 476 5919"
	examplePhones    = "01632 960 001, 07700 900 982 or +44 808 157 0192"
	examplePostcode  = "SW1A 1AA"
	exampleTimes     = "14:30 or 2:30pm"
)

// Labels of the choices of a date of birth and an address: the page, the PDF and the answers share them.
const (
	LabelBorn             = "Born"
	LabelBornEstimated    = "The date of birth is estimated"
	LabelUnborn           = "Unborn"
	LabelDueDate          = "Expected due date"
	LabelDOBUnknown       = "Date of birth not known"
	LabelApproximateAge   = "Approximate age in years"
	LabelAddressLine1     = "Address line 1"
	LabelAddressLine2     = "Address line 2"
	LabelAddressTown      = "Town or city"
	LabelAddressCounty    = "County"
	LabelAddressPostcode  = "Postcode"
	LabelAddressKnown     = "Address"
	LabelNoFixedAbode     = "No fixed abode"
	LabelAddressUnknown   = "Address not known"
	labelSameAsPrefix     = "Same as "
	labelEstimatedSuffix  = " (estimated)"
	labelUnbornDuePrefix  = "Unborn, due "
	labelAgeUnknownPrefix = "Unknown, about "
)

// Hints shown when the designer gives none.
const (
	HintNHSNumber = "A 10 digit number, like " + exampleNHSNumber + ", on NHS letters and prescriptions"
	HintTime      = "For example, " + exampleTimes
	HintDate      = "For example, 27 3 2019"
	HintDueDate   = "For example, 4 5 2027"
)

// LabelBornDate is the legend of the date a born child's date of birth is.
const LabelBornDate = "Date of birth"

// SameAsLabel is the choice of an address that is the same as another: "Same as child's address".
// LabelSameAsPrefix begins the label of an address's "same as" choice.
const LabelSameAsPrefix = labelSameAsPrefix

func SameAsLabel(other *Field) string { return labelSameAsPrefix + lowerFirst(other.Label) }

func nhsNumberLengthMessage(fd *Field) string {
	return pick(fd.Messages.Format, upperFirst(subject(fd))+" must be 10 digits, like "+exampleNHSNumber)
}

func nhsNumberCheckMessage(fd *Field) string {
	return pick(fd.Messages.Format, "Enter a valid NHS number, like "+exampleNHSNumber)
}

func phoneMessage(fd *Field) string {
	name := "a telephone number"
	if fd.Name != "" {
		name = fd.Name
	}
	return pick(fd.Messages.Format, "Enter "+name+", like "+examplePhones)
}

func timeMessage(fd *Field) string {
	return pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a real time, like "+exampleTimes)
}

func maxWordsMessage(fd *Field) string {
	return pick(fd.Messages.Max, upperFirst(subject(fd))+" must be "+strconv.Itoa(*fd.MaxWords)+" words or fewer")
}

// dateProblemMessage words what parseDate found wrong with a date named what ("date of birth").
func dateProblemMessage(fd *Field, what, problem string) string {
	switch problem {
	case "real":
		return pick(fd.Messages.Format, upperFirst(what)+" must be a real date")
	case "year":
		return pick(fd.Messages.Format, "Year must include 4 numbers")
	}
	return upperFirst(what) + " must include " + problem
}

func dobStatusMessage(fd *Field) string {
	return pick(fd.Messages.Required, "Select born, unborn or not known for "+requiredName(fd))
}

func dobFutureMessage(fd *Field) string {
	return pick(fd.Messages.Max, upperFirst(subject(fd))+" must be today or in the past")
}

func dueDateMissingMessage(fd *Field) string {
	return pick(fd.Messages.Required, "Enter the expected due date")
}

func dueDateRangeMessage(fd *Field, earliest, latest string) string {
	return pick(fd.Messages.Max, "Expected due date must be between "+longDate(earliest)+" and "+longDate(latest))
}

func ageMissingMessage(fd *Field) string {
	return pick(fd.Messages.Required, "Enter an approximate age in years")
}

func ageFormatMessage(fd *Field) string {
	return pick(fd.Messages.Format, "Approximate age must be a whole number of years, like 7")
}

func ageRangeMessage(fd *Field) string {
	return pick(fd.Messages.Max, "Approximate age must be between 0 and "+strconv.Itoa(maxApproximateAge))
}

func addressKindMessage(fd *Field) string {
	return pick(fd.Messages.Required, "Enter "+requiredName(fd)+" or select one of the other options")
}

func addressLine1Message(fd *Field) string {
	return pick(fd.Messages.Required, "Enter address line 1, typically the building and street")
}

func addressTownMessage(fd *Field) string {
	return pick(fd.Messages.Required, "Enter town or city")
}

func addressTooLongMessage(part string) string {
	return part + " must be " + strconv.Itoa(maxAddressPart) + " characters or fewer"
}

func postcodeMessage(fd *Field) string {
	return pick(fd.Messages.Format, "Enter a real postcode, like "+examplePostcode)
}

// The words of a signature (signature.go).
const (
	labelSignedBy      = "Signed by "
	labelSignedOn      = " on "
	signatureDateWords = "the date signed"
	// LabelSignatureName and LabelSignatureDate are the parts of a signature the page and the PDF ask.
	LabelSignatureName = "Full name"
	LabelSignatureDate = "Date signed"
)

func signatureNameTooLongMessage(fd *Field) string {
	return pick(fd.Messages.Max, "Full name must be "+strconv.Itoa(MaxSignatureName)+" characters or fewer")
}

func signatureFutureMessage(fd *Field) string {
	return pick(fd.Messages.Max, "The date signed must be today or in the past")
}

// FormatDateOfBirth writes a checked date of birth as one answer: "12 March 2019 (estimated)", "Unborn,
// due 4 May 2027", "Unknown, about 7 years old".
func formatDateOfBirth(m map[string]any) string {
	switch textOf(m["status"]) {
	case DOBBorn:
		s := longDate(textOf(m["date"]))
		if ticked(m["estimated"]) {
			s += labelEstimatedSuffix
		}
		return s
	case DOBUnborn:
		return labelUnbornDuePrefix + longDate(textOf(m["dueDate"]))
	case DOBUnknown:
		age, _ := toNumber(m["approximateAge"])
		switch {
		case age < 1:
			return labelAgeUnknownPrefix + "under 1 year old"
		case age == 1:
			return labelAgeUnknownPrefix + "1 year old"
		}
		return labelAgeUnknownPrefix + formatNumber(age) + " years old"
	}
	return ""
}

// WordLimitText says a textarea's word limit, as GOV.UK's character count does before its script runs.
func WordLimitText(n int) string { return "You can enter up to " + strconv.Itoa(n) + " words" }

// UKNotes say, under a question of a blank (printed) form, what a UK answer type or a word limit takes.
func UKNotes(fd *Field) []string {
	var out []string
	switch fd.Type {
	case TypeNHSNumber:
		out = append(out, "10 digits, like "+exampleNHSNumber)
	case TypeTime:
		out = append(out, "A time, like "+exampleTimes)
	case TypeDateOfBirth:
		out = append(out, "A date of birth cannot be in the future; an approximate age is from 0 to "+strconv.Itoa(maxApproximateAge)+" years")
	case TypeAddress:
		out = append(out, "A UK address: address line 1 and the town or city are needed")
	}
	if fd.MaxWords != nil {
		out = append(out, "Up to "+strconv.Itoa(*fd.MaxWords)+" words")
	}
	return out
}

// PasteDateOfBirthMessage is the problem with a pasted cell that is not a date of birth.
func PasteDateOfBirthMessage(cell string) string {
	return "Enter the date of birth as a date like 27/3/2019, “Unborn, due” and a date, or “Unknown, about 7 years old”, not “" + cell + "”"
}

// PasteAddressMessage is the problem with a pasted cell that is not an address.
func PasteAddressMessage(cell string) string {
	return "Enter the address as its lines between commas, like “41 Test Street, Testertown, TS1 1ST”, not “" + cell + "”"
}
