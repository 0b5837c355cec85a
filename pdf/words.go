package pdf

// The fixed words a document adds to the form's own texts, in the document's language (Document.Lang):
// English, or Welsh for a form's Welsh copy (engine.Form.In). A language without its words here prints
// them in English.

type fixedWords struct {
	requiredNote, perChild, onlyIf, fromRecords                    string
	day, month, year, tickOne, tickAll, allThatApply, yes, no      string
	iConfirm, childNames, listDocuments, continued, oneOf, yesOrNo string
	rowChildren, item, repeatEach, notAnswered, page               string
	between, upToChars, atLeastChars                               string // "%s" numbers
	aNumber, aWholeNumber, fromTo, orMore, orLess                  string
	notInFuture, notInPast, onOrAfter, onOrBefore, after, before   string
	tickFromTo, tickAtLeast, tickAtMost, rows, entries, atLeast    string
	upTo, eachFile, upToFiles, smallerThan, or                     string
	kinds                                                          map[string]string
	blankMarking                                                   string
	dateLang                                                       string
	warning                                                        string // content15: starts a warning text
	signatureName, signatureDate                                   string // a signature's parts (signature.go)
}

var english = &fixedWords{
	requiredNote: "Questions marked * must be answered", perChild: " (repeated for each child)", onlyIf: "Only if %s",
	fromRecords: "Filled in by the council from its records",
	day:         "Day", month: "Month", year: "Year", tickOne: "Tick one", tickAll: "Tick all that apply", allThatApply: "all that apply",
	yes: "Yes", no: "No", iConfirm: "I confirm", childNames: "Write the name of each child",
	listDocuments: "List the documents you are sending with this form:", continued: "%s (continued)", oneOf: "One of: %s",
	yesOrNo: "Yes or no", rowChildren: "Write the name of each child the row is about", item: "Item",
	repeatEach: "%s (repeat for each %s)", notAnswered: "Not answered", page: "Page %d of %d",
	between: "Between %s and %s characters", upToChars: "Up to %s characters", atLeastChars: "At least %s characters",
	aNumber: "A number", aWholeNumber: "A whole number", fromTo: "%s from %s to %s", orMore: "%s of %s or more", orLess: "%s of %s or less",
	notInFuture: "Must be today or in the past", notInPast: "Must be today or in the future",
	onOrAfter: "Must be on or after %s", onOrBefore: "Must be on or before %s", after: "Must be after “%s”", before: "Must be before “%s”",
	tickFromTo: "Tick from %s to %s", tickAtLeast: "Tick at least %s", tickAtMost: "Tick no more than %s",
	rows: "rows", entries: "entries", atLeast: "At least %s %s", upTo: "Up to %s %s",
	eachFile: "Each file must be %s", upToFiles: "Up to %s files", smallerThan: "each smaller than %s MB", or: "or",
	blankMarking: BlankMarking, dateLang: "en", warning: "Warning",
	signatureName: "Full name", signatureDate: "Date signed",
}

// welsh follows the Welsh of GOV.UK's and the Welsh Government's forms ("Ticiwch un", "Diwrnod, Mis,
// Blwyddyn", "Tudalen 1 o 2").
var welsh = &fixedWords{
	requiredNote: "Rhaid ateb y cwestiynau sydd wedi’u marcio â *", perChild: " (wedi’i ailadrodd ar gyfer pob plentyn)",
	onlyIf: "Dim ond os %s", fromRecords: "Wedi’i lenwi gan y cyngor o’i gofnodion",
	day: "Diwrnod", month: "Mis", year: "Blwyddyn", tickOne: "Ticiwch un", tickAll: "Ticiwch bob un sy’n berthnasol",
	allThatApply: "berthnasol", yes: "Ie", no: "Na", iConfirm: "Rwy’n cadarnhau",
	childNames: "Ysgrifennwch enw pob plentyn", listDocuments: "Rhestrwch y dogfennau rydych yn eu hanfon gyda’r ffurflen hon:",
	continued: "%s (parhad)", oneOf: "Un o: %s", yesOrNo: "Ie neu na",
	rowChildren: "Ysgrifennwch enw pob plentyn y mae’r rhes yn ymwneud ag ef", item: "Eitem",
	repeatEach: "%s (ailadroddwch ar gyfer pob %s)", notAnswered: "Heb ei ateb", page: "Tudalen %d o %d",
	between: "Rhwng %s a %s nod", upToChars: "Hyd at %s nod", atLeastChars: "O leiaf %s nod",
	aNumber: "Rhif", aWholeNumber: "Rhif cyfan", fromTo: "%s o %s i %s", orMore: "%s o %s neu fwy", orLess: "%s o %s neu lai",
	notInFuture: "Rhaid iddo fod heddiw neu yn y gorffennol", notInPast: "Rhaid iddo fod heddiw neu yn y dyfodol",
	onOrAfter: "Rhaid iddo fod ar %s neu wedi hynny", onOrBefore: "Rhaid iddo fod ar %s neu cyn hynny",
	after: "Rhaid iddo fod ar ôl “%s”", before: "Rhaid iddo fod cyn “%s”",
	tickFromTo: "Ticiwch rhwng %s a %s", tickAtLeast: "Ticiwch o leiaf %s", tickAtMost: "Peidiwch â thicio mwy na %s",
	rows: "rhes", entries: "cofnod", atLeast: "O leiaf %s %s", upTo: "Hyd at %s %s",
	eachFile: "Rhaid i bob ffeil fod yn %s", upToFiles: "Hyd at %s ffeil", smallerThan: "pob un yn llai na %s MB", or: "neu",
	kinds:        map[string]string{"pdf": "PDF", "word": "ddogfen Word", "image": "ddelwedd (JPEG, PNG neu GIF)", "text": "ffeil destun"},
	blankMarking: "SWYDDOGOL-SENSITIF pan fydd wedi’i chwblhau", dateLang: "cy", warning: "Rhybudd",
	signatureName: "Enw llawn", signatureDate: "Dyddiad llofnodi",
}

// wordsFor are the fixed words of a language: English when it has none.
func wordsFor(lang string) *fixedWords {
	if lang == "cy" {
		return welsh
	}
	return english
}

// BlankMarkingIn is BlankMarking in a language.
func BlankMarkingIn(lang string) string { return wordsFor(lang).blankMarking }
