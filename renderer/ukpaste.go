package renderer

import (
	"context"
	"regexp"
	"strings"

	"formportal/engine"
	"formportal/i18n"
)

// Pasting the UK answer types from a spreadsheet: each is one cell, written as the answers read
// ("12 March 2019 (estimated)", "Unborn, due 4 May 2027", "41 Test Street, Testertown, TS1 1ST").

var firstNumberRE = regexp.MustCompile(`[0-9]+`)

// readDateOfBirthCell reads a date of birth: a date (perhaps "(estimated)"), "Unborn, due" and a date,
// or "Unknown, about 7 years old".
func readDateOfBirthCell(ctx context.Context, cell string) (any, string) {
	lower := strings.ToLower(cell)
	switch {
	case strings.HasPrefix(lower, "unborn"):
		_, due, _ := strings.Cut(lower, "due")
		if d, ok := readDate(strings.TrimSpace(due)); ok {
			return map[string]any{"status": engine.DOBUnborn, "dueDay": d["day"], "dueMonth": d["month"], "dueYear": d["year"]}, ""
		}
	case strings.HasPrefix(lower, "unknown") || strings.HasPrefix(lower, "not known") || strings.Contains(lower, "about"):
		if n := firstNumberRE.FindString(lower); n != "" {
			return map[string]any{"status": engine.DOBUnknown, "age": n}, ""
		}
		if strings.Contains(lower, "under 1") {
			return map[string]any{"status": engine.DOBUnknown, "age": "0"}, ""
		}
	default:
		date, estimated := strings.CutSuffix(strings.TrimSpace(lower), "(estimated)")
		if d, ok := readDate(strings.TrimSpace(date)); ok {
			d["status"] = engine.DOBBorn
			if estimated {
				d["estimated"] = "yes"
			}
			return d, ""
		}
	}
	return nil, engine.PasteDateOfBirthMessage(string(i18n.From(ctx)), inMessage(cell))
}

// readAddressCell reads an address written on one line, its parts between commas: line 1, line 2 when
// there are enough parts, the town, and a postcode when the last part is one; or one of the other
// answers the question offers, by its label.
func readAddressCell(ctx context.Context, fd *engine.Field, cell string) (any, string) {
	for _, c := range fd.AddressChoices() {
		if strings.EqualFold(strings.TrimSpace(cell), c.Label) {
			return map[string]any{"kind": c.Value}, ""
		}
	}
	var parts []string
	for _, p := range strings.Split(cell, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	out := map[string]any{"kind": engine.AddressKnown}
	if n := len(parts); n > 0 {
		if _, ok := engine.NormalisePostcode(parts[n-1]); ok {
			out["postcode"], parts = parts[n-1], parts[:n-1]
		}
	}
	if len(parts) < 2 {
		return nil, engine.PasteAddressMessage(string(i18n.From(ctx)), inMessage(cell))
	}
	out["line1"], out["town"] = parts[0], parts[len(parts)-1]
	if middle := parts[1 : len(parts)-1]; len(middle) > 0 {
		out["line2"] = strings.Join(middle, ", ")
	}
	return out, ""
}
