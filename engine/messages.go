// Helpers that word validation messages (subjects, row words, dates, lists of choices).

package engine

import (
	"strings"
	"unicode"

	"formportal/i18n"
)

func joinOr(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// requiredName is how messages name a field after "Enter" or "Select": its name, or its label in lower case.
func requiredName(fd *Field) string {
	if fd.Name != "" {
		return fd.Name
	}
	return lowerFirst(strings.TrimSuffix(strings.TrimSpace(fd.Label), "?"))
}

// subject is how messages name a field at the start of "... must be ...": its label.
func subject(fd *Field) string {
	if fd.Label != "" && !strings.HasSuffix(fd.Label, "?") {
		return lowerFirst(fd.Label)
	}
	return requiredName(fd)
}

// required is the message of a question left unanswered.
func (w words) required(fd *Field) string {
	if fd.Messages.Required != "" {
		return fd.Messages.Required
	}
	question := strings.HasSuffix(strings.TrimSpace(fd.Label), "?") && fd.Name == ""
	l, name := w.lang, w.name(fd)
	switch fd.Type {
	case TypeSelect, TypeRadios, TypeCheckboxes, TypeChildren:
		if question {
			return i18n.In(l, "engine.required.select_answer")
		}
		return i18n.In(l, "engine.required.select", "Name", name)
	case TypeYesNo:
		if question {
			return i18n.In(l, "engine.required.yes_no_answer")
		}
		return i18n.In(l, "engine.required.yes_no", "Name", name)
	case TypeDeclaration:
		return i18n.In(l, "engine.required.declaration")
	case TypeAttachments:
		return i18n.In(l, "engine.required.upload", "Name", name)
	case TypeSignature:
		return i18n.In(l, "fields.signature_required") // signature.go
	}
	if question {
		return i18n.In(l, "engine.required.enter_answer")
	}
	return i18n.In(l, "engine.required.enter", "Name", name)
}

// minRows is the message of a table or list with fewer than n rows.
func (w words) minRows(fd *Field, n int) string {
	if fd.Messages.Required != "" && n <= 1 {
		return fd.Messages.Required
	}
	if fd.Messages.Min != "" {
		return fd.Messages.Min
	}
	if fd.Type != TypeList {
		if n > 1 {
			return i18n.In(w.lang, "engine.rows.min_rows", "Count", n, "Name", w.name(fd))
		}
		return i18n.In(w.lang, "engine.rows.min_row", "Name", w.name(fd))
	}
	unit := w.itemUnit(fd)
	if n > 1 {
		return i18n.In(w.lang, "engine.rows.min_items", "Count", n, "Unit", unit)
	}
	return i18n.In(w.lang, "engine.rows.min_item", "Unit", unit)
}

// maxRows is the message of a table or list with more than n rows.
func (w words) maxRows(fd *Field, n int) string {
	if fd.Type == TypeList {
		return pick(fd.Messages.Max, i18n.In(w.lang, "engine.rows.max_items", "Subject", w.subject(fd), "Count", n))
	}
	return pick(fd.Messages.Max, i18n.In(w.lang, "engine.rows.max_rows", "Subject", w.subject(fd), "Count", n))
}

// itemUnit is what a list's items are called in messages: its itemLabel in lower case, else "item".
func (w words) itemUnit(list *Field) string {
	if unit := strings.ToLower(list.ItemLabel); unit != "" {
		return unit
	}
	return i18n.In(w.lang, "engine.rows.item")
}

// where names the row and the child a problem is in: "Enter the date in row 3 for Alex".
func (w words) where(msg string, sc *scope, fd *Field) string {
	if fd.parent != nil && sc.rowOf == fd.parent {
		switch fixed := fd.parent.FixedRowOf(sc.row); {
		case fixed != nil: // struct15: a fixed row is named by its label
			msg = i18n.In(w.lang, "engine.where.fixed_row", "Message", msg, "Label", fixed.Label)
		case fd.parent.Type == TypeList:
			msg = i18n.In(w.lang, "engine.where.item", "Message", msg, "Item", w.itemUnit(fd.parent), "Row", sc.rowIndex+1)
		default:
			msg = i18n.In(w.lang, "engine.where.row", "Message", msg, "Row", sc.rowIndex+1)
		}
		if o := sc.outer; o != nil { // a list inside a list: "for agency 2 of household member 3"
			msg = i18n.In(w.lang, "engine.where.of_item", "Message", msg, "Item", w.itemUnit(o.of), "Row", o.index+1)
		}
	}
	if sc.childName != "" {
		msg = i18n.In(w.lang, "engine.where.child", "Message", msg, "Child", sc.childName)
	}
	return msg
}

func pick(custom, def string) string {
	if custom != "" {
		return custom
	}
	return def
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// Keep acronyms and names: "GP's name" stays, "Date of birth" becomes "date of birth".
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
