// The submission schema and the written answer of the UK answer types.

package engine

import (
	"strings"

	"formportal/i18n"
)

func ukFieldSchema(fd *Field, s map[string]any) {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	switch fd.Type {
	case TypeNHSNumber:
		s["type"], s["pattern"] = "string", "^[0-9]{10}$"
		s["description"] = "An NHS number: 10 digits, no spaces, passing the Modulus 11 check."
	case TypeNINumber:
		s["type"], s["pattern"] = "string", "^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
		s["description"] = "A National Insurance number: 2 prefix letters HMRC allows, 6 digits and a suffix A to D, in capitals with no spaces (QQ123456C is the format, not a number issued)."
	case TypeUPN:
		s["type"], s["pattern"] = "string", "^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$"
		s["description"] = "A unique pupil number: a check letter (DfE's modulo 23 check) and 12 characters, the last a letter for a temporary UPN, in capitals with no spaces."
	case TypeTime:
		s["type"], s["pattern"] = "string", "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
		s["description"] = "A time of day, HH:MM on the 24-hour clock."
	case TypeDateOfBirth:
		s["description"] = "A date of birth as social care records it: born (a date, perhaps estimated), unborn (an expected due date) or not known (an approximate age in years)."
		s["oneOf"] = []any{
			closedObject(map[string]any{
				"status":    map[string]any{"const": DOBBorn},
				"date":      map[string]any{"type": "string", "format": "date", "description": "The date of birth, not in the future."},
				"estimated": map[string]any{"type": "boolean", "description": "The date is an estimate."},
			}, "status", "date", "estimated"),
			closedObject(map[string]any{
				"status":  map[string]any{"const": DOBUnborn},
				"dueDate": map[string]any{"type": "string", "format": "date", "description": "The expected due date, from a month before the answer was given to ten months after."},
			}, "status", "dueDate"),
			closedObject(map[string]any{
				"status":         map[string]any{"const": DOBUnknown},
				"approximateAge": map[string]any{"type": "integer", "minimum": 0, "maximum": maxApproximateAge, "description": "The approximate age in years."},
			}, "status", "approximateAge"),
		}
	case TypeAddress:
		s["description"] = "A UK address, or one of the other answers the question offers."
		lines := map[string]any{
			"line1": str("Address line 1, typically the building and street."), "line2": str("Address line 2."),
			"town": str("Town or city."), "county": str("County."),
			"postcode": map[string]any{"type": "string", "pattern": PostcodePattern, "description": "A UK postcode in capitals with one space."},
		}
		known := map[string]any{"kind": map[string]any{"const": AddressKnown}}
		for k, x := range lines {
			known[k] = x
		}
		kinds := []any{closedObject(known, "kind", "line1", "town")}
		if fd.NoFixedAbode {
			kinds = append(kinds, closedObject(map[string]any{"kind": map[string]any{"const": AddressNoFixedAbode}}, "kind"))
		}
		if fd.AddressUnknown {
			kinds = append(kinds, closedObject(map[string]any{"kind": map[string]any{"const": AddressNotKnown}}, "kind"))
		}
		if fd.Abroad {
			kinds = append(kinds, closedObject(map[string]any{
				"kind": map[string]any{"const": AddressAbroad}, "line1": str("Address line 1."), "line2": str("Address line 2."),
				"town": str("Town or city."), "country": str("The country, as it was typed."),
			}, "kind", "line1", "country"))
		}
		if fd.SameAs != "" {
			same := map[string]any{
				"kind":   map[string]any{"const": AddressSameAs},
				"sameAs": map[string]any{"const": fd.SameAs, "description": "The id of the question whose address this is the same as; its address is copied here when it is one."},
			}
			for k, x := range lines {
				same[k] = x
			}
			if fd.sameAs != nil && fd.sameAs.Abroad {
				same["country"] = str("The country of the address copied, when it is outside the UK.")
			}
			kinds = append(kinds, closedObject(same, "kind", "sameAs"))
		}
		s["oneOf"] = kinds
	}
}

func closedObject(props map[string]any, required ...string) map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props, "required": stringsToAny(required)}
}

// formatUKAnswer writes a checked answer of a UK type as one line.
func formatUKAnswer(fd *Field, v any) string {
	switch fd.Type {
	case TypeNHSNumber:
		return FormatNHSNumber(textOf(v))
	case TypeNINumber:
		return FormatNINumber(textOf(v))
	case TypeUPN:
		return textOf(v)
	case TypeTime:
		return FormatTime(textOf(v))
	case TypeDateOfBirth:
		if m, ok := v.(map[string]any); ok {
			return formatDateOfBirth(fd.lang(), m)
		}
		return longDateIn(fd.lang(), textOf(v))
	case TypeAddress:
		m, _ := v.(map[string]any)
		l, _ := i18n.Parse(fd.lang())
		switch textOf(m["kind"]) {
		case AddressNoFixedAbode:
			return UKWord(l, LabelNoFixedAbode)
		case AddressNotKnown:
			return UKWord(l, LabelAddressUnknown)
		}
		var parts []string
		for _, k := range []string{"line1", "line2", "town", "county", "postcode", "country"} {
			if s := strings.TrimSpace(textOf(m[k])); s != "" {
				parts = append(parts, s)
			}
		}
		line := strings.Join(parts, ", ")
		if textOf(m["kind"]) == AddressSameAs && line == "" && fd.sameAs != nil {
			return UKWord(l, SameAsLabel(fd.sameAs))
		}
		return line
	}
	return ""
}
