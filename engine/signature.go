// A "name and date" confirmation (type signature): the person's full name typed, and the date they
// signed, today unless they give another. One answer everywhere: { "name": "Jane Smith", "date":
// "2026-12-01" }, read as "Signed by Jane Smith on 1 December 2026".

package engine

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"formportal/i18n"
)

// MaxSignatureName is the longest name a signature takes.
const MaxSignatureName = 200

// signatureAnswer reads a signature however it came: the page's parts (name, day, month, year), a
// checked answer ({ name, date }), or a name alone (prefilled from the case data).
func signatureAnswer(raw any) (name string, date any) {
	switch r := raw.(type) {
	case string:
		return strings.TrimSpace(r), nil
	case map[string]any:
		date, ok := r["date"]
		if !ok {
			date = pickParts(r, "day", "month", "year")
		}
		return strings.TrimSpace(textOf(r["name"])), date
	}
	return "", nil
}

// signed reports whether a signature has a name: the date alone (today's, shown ready) is not an answer.
func signed(raw any) bool {
	name, _ := signatureAnswer(raw)
	return name != ""
}

// checkSignature checks a signature with a name: a real date, not in the future; no date is today.
func (v *validation) checkSignature(fd *Field, raw any) (any, string, string) {
	name, date := signatureAnswer(raw)
	w := v.w
	if name == "" {
		return nil, "required", w.required(fd)
	}
	if utf8.RuneCountInString(name) > MaxSignatureName {
		return nil, "max", pick(fd.Messages.Max, i18n.In(w.lang, "fields.signature_name_too_long", "Max", strconv.Itoa(MaxSignatureName)))
	}
	d := v.today
	if isAnswered(date) {
		var problem string
		if d, problem = parseDate(date); problem != "" {
			return nil, "format", w.dateProblem(fd, i18n.In(w.lang, "fields.signature_date_words"), problem)
		}
		if d > v.today {
			return nil, "max", pick(fd.Messages.Max, i18n.In(w.lang, "fields.signature_future"))
		}
	}
	return map[string]any{"name": name, "date": d}, "", ""
}

// formatSignature writes a checked signature as one line, in the field's language.
func (fd *Field) formatSignature(v any) string {
	m, _ := v.(map[string]any)
	name := textOf(m["name"])
	if name == "" {
		return ""
	}
	w := wordsIn(fd.lang())
	return i18n.In(w.lang, "fields.signed_by", "Name", name, "Date", w.date(textOf(m["date"])))
}

func signatureSchema(s map[string]any) {
	s["description"] = "A \"name and date\" confirmation: the full name the person typed, and the date they signed (not in the future)."
	s["type"], s["additionalProperties"] = "object", false
	s["required"] = []any{"name", "date"}
	s["properties"] = map[string]any{
		"name": map[string]any{"type": "string", "minLength": 1, "maxLength": MaxSignatureName, "description": "The signer's full name, as typed."},
		"date": map[string]any{"type": "string", "format": "date", "description": "The date signed: today when the person gave no other; never in the future."},
	}
}
