package pdf

import (
	"fmt"
	"strings"
	"testing"

	"formportal/engine"
	"formportal/engine/enginetest"
)

// TestWelshPDFs: every bundled form offered in Welsh prints, blank and answered, as a tagged PDF that
// declares Welsh, with the Welsh title, section titles, labels and the fixed words in Welsh; in English,
// the same document declares English and holds none of that Welsh.
func TestWelshPDFs(t *testing.T) {
	requireTools(t)
	lib := loadForms(t)
	n := 0
	for _, form := range lib.All() {
		if !form.Bilingual("cy") {
			continue
		}
		n++
		cy := form.In("cy")
		caseData := enginetest.CaseData(form, 2)
		answers := enginetest.Answers(form, caseData, 2, today)
		for _, blank := range []bool{true, false} {
			kind := map[bool]string{true: "blank", false: "answered"}[blank]
			t.Run(form.ID+"/"+kind, func(t *testing.T) {
				cyPath := writeTemp(t, Document{Form: cy, Blank: blank, CaseData: caseData, Answers: answers, Today: today}, true, "cy.pdf")
				english := writeTemp(t, Document{Form: form, Blank: blank, CaseData: caseData, Answers: answers, Today: today}, true, "en.pdf")
				checkTagged(t, cyPath, cy.Title, "cy")
				checkTagged(t, english, form.Title, "en")
				cyText, enText := strings.Join(words(pdftotext(t, cyPath)), " "), strings.Join(words(pdftotext(t, english)), " ")
				texts := []string{cy.Title, strings.TrimSuffix(fmt.Sprintf(welsh.page, 1, 1), " 1")}
				shown := map[string]bool{}
				for _, s := range cy.Visible(caseData, answers, engine.ValidateOptions{Today: today}) {
					shown[s.Section] = shown[s.Section] || s.Visible
				}
				for _, s := range cy.Sections {
					if !blank && !shown[s.ID] {
						continue // the answers hide it: an answered document leaves it out
					}
					if !blank && s.RepeatFor != "" {
						// Each repetition is titled from its item ("Ynglŷn â ..."): the words before the item's.
						title, _, _ := strings.Cut(s.ItemTitle, "{")
						texts = append(texts, strings.TrimSpace(title))
						continue
					}
					texts = append(texts, s.Title)
					if !blank {
						continue
					}
					for _, fd := range s.Fields {
						if fd.Answerable() && !fd.Container() && fd.Label != "" {
							texts = append(texts, fd.Label)
						}
					}
				}
				if blank {
					texts = append(texts, welsh.requiredNote)
				}
				for _, s := range texts {
					s = strings.Join(words(s), " ")
					if !strings.Contains(cyText, s) {
						t.Errorf("the Welsh PDF does not read %q", s)
					}
					if strings.Contains(enText, s) {
						t.Errorf("the English PDF reads the Welsh %q", s)
					}
				}
				if strings.Contains(cyText, "Page 1 of") || !strings.Contains(enText, "Page 1 of") {
					t.Error("the page numbers are not in the document's language")
				}
			})
		}
	}
	if n < 4 {
		t.Errorf("%d bundled forms are offered in Welsh, want the four at least", n)
	}
}

// TestWelshFixedWords: a blank form's own words (options of a yes/no question, a date's parts, ticking
// and conditions) follow the document's language.
func TestWelshFixedWords(t *testing.T) {
	form, diags := engine.Load("contact.yaml", []byte(`id: contact
title: Contact check
version: 1
kind: delegation
audience: [professional]
scope: child
languages: [en, cy]
cy: { title: Gwiriad cyswllt }
sections:
  - id: about
    title: About you
    cy: { title: Amdanoch chi }
    fields:
      - { id: aware, type: yesno, label: Are the parents aware?, cy: { label: Ydy'r rhieni'n ymwybodol? } }
      - { id: when, type: date, label: When, notInFuture: true, showWhen: { field: aware, equals: "no" }, cy: { label: Pryd } }
`))
	if form == nil {
		t.Fatal(diags)
	}
	text := strings.Join(words(pdftotext(t, writeTemp(t, Document{Form: form.In("cy"), Blank: true}, true, "cy.pdf"))), " ")
	for _, want := range []string{"☐ Ie ☐ Na", "Diwrnod Mis Blwyddyn", "Dim ond os yw’r ateb i “Ydy'r rhieni'n ymwybodol?” yn “Na”", "Rhaid iddo fod heddiw neu yn y gorffennol"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Welsh blank form does not read %q:\n%s", want, text)
		}
	}
}

// englishFixedWords are the words a PDF adds in English: a Welsh document has none of them (the form's
// own texts are its Welsh copy's).
var englishFixedWords = []string{
	"Questions marked", "must be answered", "repeated for each child", "Only if", "Filled in by the council",
	"Day Month Year", "Tick one", "Tick all that apply", "I confirm", "Write the name of each child", "List the documents",
	"(continued)", "One of:", "Yes or no", "repeat for each", "Not answered", "Page 1 of", "characters", "A whole number",
	"Must be", "Tick from", "Tick at least", "Tick no more than", "At least", "Up to", "Each file must be", "each smaller than",
	"OFFICIAL-SENSITIVE", "Warning:",
	"Born", "The date of birth is estimated", "Unborn", "Expected due date", "Date of birth not known", "Approximate age",
	"Address line 1", "Address line 2", "Town or city", "County", "Postcode", "No fixed abode", "Address not known", "Same as",
	"(estimated)", "Unborn, due", "Unknown, about", "years old",
}

// TestWelshPDFsHaveNoEnglishFixedWords: every bundled form's Welsh PDF, blank (with the Welsh marking)
// and answered, reads none of the words the PDF adds in English.
func TestWelshPDFsHaveNoEnglishFixedWords(t *testing.T) {
	requireTools(t)
	for _, form := range loadForms(t).All() {
		if !form.Bilingual("cy") {
			continue
		}
		caseData := enginetest.CaseData(form, 2)
		answers := enginetest.Answers(form, caseData, 2, today)
		for _, blank := range []bool{true, false} {
			kind := map[bool]string{true: "blank", false: "answered"}[blank]
			t.Run(form.ID+"/"+kind, func(t *testing.T) {
				d := Document{Form: form.In("cy"), Blank: blank, CaseData: caseData, Answers: answers, Today: today}
				if blank {
					d.Marking = BlankMarkingIn("cy")
				}
				text := strings.Join(words(pdftotext(t, writeTemp(t, d, true, "cy.pdf"))), " ")
				for _, english := range englishFixedWords {
					if strings.Contains(text, english) {
						t.Errorf("the Welsh %s PDF reads the English %q", kind, english)
					}
				}
			})
		}
	}
}
