// The engine's own messages in the language of the person answering.

package engine

import (
	"strings"
	"time"

	"formportal/i18n"
)

// words word the engine's own messages (validation, rows, pasted cells, conditions) in one language; the
// texts are the catalogue area "engine" (i18n/catalogue/engine.en.yaml and engine.cy.yaml), asked for by
// literal ids so that the catalogue tests see each one (TestEveryIDUsedExists, and this package's
// TestEveryMessageInBothLanguages).
//
// Validation takes the language (ValidateOptions.Lang) and words a message where it finds the problem,
// rather than returning ids for a caller to word later: a message is made of parts that are themselves
// worded per language (the field's name, the row, the fixed row, the child), every caller (pages, the
// API, the PDF, the case system) wants finished text, and only a problem pays for the wording, so a valid
// 500-row chronology costs no more than before. The field's labels come from the form itself: a copy
// made by Form.In(lang) has them translated.
type words struct{ lang i18n.Lang }

// wordsIn are the words of a language ("en", "cy"); English for any other.
func wordsIn(lang string) words {
	l, _ := i18n.Parse(lang)
	return words{lang: l}
}

var englishWords = words{lang: i18n.English}

func (w words) welsh() bool { return w.lang == i18n.Welsh }

// name is how a message names a field. English says it after a verb ("Enter date of birth"): its short
// name, or its label in lower case. Welsh quotes it as written, after a noun ("yn y maes “…”"), so that no
// mutation of it is needed (engine.cy.yaml).
func (w words) name(fd *Field) string {
	if w.welsh() {
		return strings.TrimSuffix(strings.TrimSpace(pick(fd.Name, fd.Label)), "?")
	}
	return requiredName(fd)
}

// subject is how a message that starts with the field names it: "Date of birth must be ...".
func (w words) subject(fd *Field) string {
	if w.welsh() {
		return w.name(fd)
	}
	return upperFirst(subject(fd))
}

// subjectLater is how a message names a second field, after the first: "... must be after date of referral".
func (w words) subjectLater(fd *Field) string {
	if w.welsh() {
		return w.name(fd)
	}
	return subject(fd)
}

// date writes YYYY-MM-DD the GOV.UK way, in the language: 1 January 2000, 1 Ionawr 2000.
func (w words) date(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return i18n.Date(w.lang, t)
}

// and joins words as a list in a sentence: "a day and a month", "diwrnod a mis". Welsh "a" (and) mutates
// only words beginning c, p or t, which no list the engine makes in Welsh has.
func (w words) and(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return i18n.In(w.lang, "engine.list.and", "List", strings.Join(parts[:len(parts)-1], ", "), "Last", parts[len(parts)-1])
}

// or joins choices: "a PDF or a Word document". Welsh lists its choices after a colon, between commas,
// because "neu" (or) would mutate the choice after it.
func (w words) or(parts []string) string {
	if w.welsh() {
		return strings.Join(parts, ", ")
	}
	return joinOr(parts)
}
