// Helpers that word validation messages (subjects, row words, dates, lists of choices).

package engine

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

func rowWords(container *Field, i int) string {
	if container.Type == TypeList {
		label := container.ItemLabel
		if label == "" {
			label = "item"
		}
		return "for " + strings.ToLower(label) + " " + strconv.Itoa(i+1)
	}
	return "in row " + strconv.Itoa(i+1)
}

func joinWords(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// longDate writes YYYY-MM-DD the GOV.UK way: 1 January 2000.
func longDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

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

func requiredMessage(fd *Field) string {
	if fd.Messages.Required != "" {
		return fd.Messages.Required
	}
	question := strings.HasSuffix(strings.TrimSpace(fd.Label), "?") && fd.Name == ""
	switch fd.Type {
	case TypeSelect, TypeRadios, TypeCheckboxes, TypeChildren:
		if question {
			return "Select an answer"
		}
		return "Select " + requiredName(fd)
	case TypeYesNo:
		if question {
			return "Select yes or no"
		}
		return "Select yes or no for " + requiredName(fd)
	case TypeDeclaration:
		return "Tick the box to confirm the declaration"
	case TypeAttachments:
		return "Upload " + requiredName(fd)
	case TypeSignature:
		return "Enter your full name"
	}
	if question {
		return "Enter an answer"
	}
	return "Enter " + requiredName(fd)
}

func minRowsMessage(fd *Field, n int) string {
	if fd.Messages.Required != "" && n <= 1 {
		return fd.Messages.Required
	}
	unit := "row"
	if fd.Type == TypeList {
		unit = strings.ToLower(fd.ItemLabel)
		if unit == "" {
			unit = "item"
		}
	}
	count := "at least one " + unit
	if n > 1 {
		count = "at least " + strconv.Itoa(n) + " " + unit + "s"
	}
	if fd.Type == TypeList {
		return pick(fd.Messages.Min, "Add "+count)
	}
	return pick(fd.Messages.Min, "Add "+count+" to "+requiredName(fd))
}

func maxRowsMessage(fd *Field, n int) string {
	unit := "rows"
	if fd.Type == TypeList {
		unit = "entries"
	}
	return pick(fd.Messages.Max, upperFirst(subject(fd))+" can have up to "+strconv.Itoa(n)+" "+unit)
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

// exprConditionWords describe a condition written as an expression that has no text of its own.
const exprConditionWords = "your other answers call for it"
