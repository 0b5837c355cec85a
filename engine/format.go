package engine

import (
	"fmt"
	"strings"
	"time"

	"formportal/i18n"
)

// FormatAnswer writes a cleaned answer (from a submission) as lines people read: option labels instead of
// values, dates as "3 February 2026", children by name, one line per table row or list item. Check-your-
// answers pages, print views and PDFs all use it, so an answer reads the same everywhere.
func (fd *Field) FormatAnswer(v any, children []Child) []string {
	if v == nil {
		return nil
	}
	switch fd.Type {
	case TypeDate:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return []string{FormatDate(t, fd.lang())}
			}
			return []string{s}
		}
	case TypeSelect, TypeRadios:
		return []string{fd.OptionLabel(textOf(v))}
	case TypeCheckboxes:
		var out []string
		for _, s := range asList(v) {
			out = append(out, fd.OptionLabel(s))
		}
		return out
	case TypeChildren:
		var out []string
		for _, id := range asList(v) {
			name := id
			for _, c := range children {
				if c.ID == id {
					name = c.Name
				}
			}
			out = append(out, name)
		}
		return []string{strings.Join(out, ", ")}
	case TypeYesNo:
		if s, ok := yesNo(v); ok {
			return []string{fd.yesNoWord(s)}
		}
	case TypeDeclaration:
		if fd.lang() == "cy" { // describe_cy.go
			return []string{map[bool]string{true: welshConfirmed, false: welshNotConfirmed}[ticked(v)]}
		}
		if ticked(v) {
			return []string{"Confirmed"}
		}
		return []string{"Not confirmed"}
	case TypeAttachments:
		var out []string
		for _, a := range attachmentList(v) {
			out = append(out, a.Name)
		}
		return out
	// The UK answer types: one line each (ukschema.go).
	case TypeNHSNumber, TypeTime, TypeDateOfBirth, TypeAddress:
		if line := formatUKAnswer(fd, v); line != "" {
			return []string{line}
		}
		return nil
	case TypeSignature:
		if line := fd.formatSignature(v); line != "" {
			return []string{line}
		}
		return nil
	case TypeComputed:
		return fd.formatComputed(v)
	case TypeTable, TypeList:
		rows, _ := v.([]any)
		var out []string
		for i, r := range rows {
			row, _ := r.(map[string]any)
			var cells []string
			for _, col := range fd.Children() {
				if lines := col.FormatAnswer(row[col.ID], children); len(lines) > 0 {
					cells = append(cells, col.Label+": "+strings.Join(lines, ", "))
				}
			}
			label := fd.ItemLabel
			if label == "" {
				label = map[bool]string{true: welshRow, false: "Row"}[fd.lang() == "cy"]
			}
			out = append(out, fmt.Sprintf("%s %d: %s", label, i+1, strings.Join(cells, "; ")))
		}
		return out
	}
	s := textOf(v)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func attachmentList(v any) []Attachment {
	switch x := v.(type) {
	case []Attachment:
		return x
	case []any:
		var out []Attachment
		for _, it := range x {
			m, _ := it.(map[string]any)
			out = append(out, Attachment{ID: textOf(m["id"]), Name: textOf(m["name"]), Kind: textOf(m["kind"])})
		}
		return out
	}
	return nil
}

// FormatDraft writes an answer as a draft holds it, not yet checked, the way FormatAnswer writes a
// checked one: a date typed as day, month and year reads "3 February 2026" when it is a real date, and
// as it was typed when it is not.
func (fd *Field) FormatDraft(v any, children []Child) []string {
	if clean, ok := checkedUKDraft(fd, v); ok {
		return fd.FormatAnswer(clean, children)
	}
	if fd.Type != TypeDate || !isAnswered(v) {
		return fd.FormatAnswer(v, children)
	}
	if d, problem := parseDate(v); problem == "" {
		return fd.FormatAnswer(d, children)
	}
	if m, ok := v.(map[string]any); ok {
		var parts []string
		for _, k := range []string{"day", "month", "year"} {
			if s := strings.TrimSpace(textOf(m[k])); s != "" {
				parts = append(parts, s)
			}
		}
		return []string{strings.Join(parts, " ")}
	}
	return []string{textOf(v)}
}

// The fixed words of a translated copy's answers: an answer reads as the print view and PDF print it.

// lang is the language of the field's texts: that of the translated copy it belongs to.
func (fd *Field) lang() string {
	if fd != nil && fd.section != nil && fd.section.lang != "" {
		return fd.section.lang
	}
	return English
}

// Welsh words of answers and conditions.
const (
	welshYes          = "Ie"
	welshNo           = "Na"
	welshConfirmed    = "Wedi’i gadarnhau"
	welshNotConfirmed = "Heb ei gadarnhau"
	welshRow          = "Rhes"
)

// FormatDate writes a date as people read it in the language: 3 March 2026, 3 Mawrth 2026 (the service's
// catalogue names the months).
func FormatDate(t time.Time, lang string) string {
	l, _ := i18n.Parse(lang)
	return i18n.Date(l, t)
}

// yesNoWord is the answer to a yes/no question in the field's language.
func (fd *Field) yesNoWord(s string) string {
	if fd.lang() == "cy" {
		return map[string]string{valueYes: welshYes, valueNo: welshNo}[s]
	}
	return upperFirst(s)
}
