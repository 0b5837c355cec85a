package pdf

import (
	"formportal/engine"
	"formportal/i18n"
)

// The fixed words a document adds to the form's own texts, in the document's language (Document.Lang):
// English, or Welsh for a form's Welsh copy (engine.Form.In), from the catalogues' pdf.words.*. A language
// without its words prints them in English.

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
	computed                                                       string // stands for a computed value's answer space
}

// english and welsh are read once from the catalogues (pdf.words.*). A text with placeholders becomes a
// format for fmt, each placeholder its argument by position ("Page %[1]d of %[2]d"), so a language may put
// them in its own order.
var (
	english = wordsIn(i18n.English)
	welsh   = wordsIn(i18n.Welsh)
)

func wordsIn(l i18n.Lang) *fixedWords {
	t := func(id string, args ...any) string { return i18n.In(l, "pdf.words."+id, args...) }
	s1 := func(id, a string) string { return t(id, a, "%[1]s") }
	s2 := func(id, a, b string) string { return t(id, a, "%[1]s", b, "%[2]s") }
	w := &fixedWords{
		requiredNote: t("required_note"), perChild: t("per_child"), onlyIf: s1("only_if", "Condition"),
		fromRecords: t("from_records"), day: t("day"), month: t("month"), year: t("year"),
		tickOne: t("tick_one"), tickAll: t("tick_all"), allThatApply: t("all_that_apply"), yes: t("yes"), no: t("no"),
		iConfirm: t("i_confirm"), childNames: t("child_names"), listDocuments: t("list_documents"),
		continued: s1("continued", "Title"), oneOf: s1("one_of", "Options"), yesOrNo: t("yes_or_no"),
		rowChildren: t("row_children"), item: t("item"), repeatEach: s2("repeat_each", "Text", "Noun"),
		notAnswered: t("not_answered"), page: t("page", "Page", "%[1]d", "Pages", "%[2]d"),
		between: s2("between", "Min", "Max"), upToChars: s1("up_to_chars", "Max"), atLeastChars: s1("at_least_chars", "Min"),
		aNumber: t("a_number"), aWholeNumber: t("a_whole_number"),
		fromTo: t("from_to", "What", "%[1]s", "Min", "%[2]s", "Max", "%[3]s"),
		orMore: s2("or_more", "What", "Min"), orLess: s2("or_less", "What", "Max"),
		notInFuture: t("not_in_future"), notInPast: t("not_in_past"),
		onOrAfter: s1("on_or_after", "Date"), onOrBefore: s1("on_or_before", "Date"),
		after: s1("after", "Other"), before: s1("before", "Other"),
		tickFromTo: s2("tick_from_to", "Min", "Max"), tickAtLeast: s1("tick_at_least", "Min"), tickAtMost: s1("tick_at_most", "Max"),
		rows: t("rows"), entries: t("entries"), atLeast: s2("at_least", "Min", "Things"), upTo: s2("up_to", "Max", "Things"),
		eachFile: s1("each_file", "Kinds"), upToFiles: s1("up_to_files", "Max"), smallerThan: s1("smaller_than", "MB"), or: t("or"),
		kinds:        map[string]string{},
		blankMarking: t("blank_marking"), dateLang: string(l), warning: t("warning"), computed: t("computed"),
		// The page's words for a signature's parts (the catalogue area "fields").
		signatureName: i18n.In(l, "fields.signature_name"), signatureDate: i18n.In(l, "fields.signature_date"),
	}
	for k := range engine.AttachmentKinds {
		w.kinds[k] = t("kind_" + k)
	}
	return w
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
