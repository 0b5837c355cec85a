package renderer

import (
	"context"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"formportal/engine"
	"formportal/i18n"
)

// The page side of the UK answer types: a date of birth and an address post several named parts
// ("dob.status", "dob.day", "address.postcode"); an NHS number and a time are one text input.

// ukParts are the parts each composite type posts, by type.
var ukParts = map[string][]string{
	engine.TypeDateOfBirth: {"status", "day", "month", "year", "estimated", "dueDay", "dueMonth", "dueYear", "age"},
	engine.TypeAddress:     {"kind", "line1", "line2", "town", "county", "postcode"},
	engine.TypeSignature:   {"name", "day", "month", "year"}, // signature.templ
}

// PostedParts are the parts a composite question posts (a date of birth's, an address's), nil for others.
func PostedParts(fd *engine.Field) []string { return ukParts[fd.Type] }

// ukType reports whether the field is one of the UK answer types, which read as one line when shown.
func ukType(fd *engine.Field) bool {
	switch fd.Type {
	case engine.TypeDateOfBirth, engine.TypeAddress, engine.TypeNHSNumber, engine.TypeTime, engine.TypeSignature:
		return true
	}
	return false
}

// partsOf reads a composite answer, as a draft keeps it or as a submission cleaned it, into the parts
// the page's inputs show.
func partsOf(fd *engine.Field, raw any) map[string]string {
	out := map[string]string{}
	switch r := raw.(type) {
	case string: // a date of birth from case data: a known date; a signature's name
		if fd.Type == engine.TypeDateOfBirth {
			out["status"] = engine.DOBBorn
			out["day"], out["month"], out["year"] = dateParts(r)
		}
		if fd.Type == engine.TypeSignature {
			out["name"] = r
		}
	case map[string]any:
		for k, x := range r {
			out[k] = text(x)
		}
		if d, ok := r["date"].(string); ok {
			out["day"], out["month"], out["year"] = dateParts(d)
		}
		if d, ok := r["dueDate"].(string); ok {
			out["dueDay"], out["dueMonth"], out["dueYear"] = dateParts(d)
		}
		if age, ok := r["approximateAge"]; ok {
			out["age"] = text(age)
		}
		if engine.Ticked(r["estimated"]) {
			out["estimated"] = "yes"
		}
		if fd.Type == engine.TypeDateOfBirth && out["status"] == "" && out["year"] != "" {
			out["status"] = engine.DOBBorn
		}
	}
	return out
}

func decodeParts(fd *engine.Field, form url.Values, name string) (any, bool) {
	m := map[string]any{}
	posted := false
	for _, p := range ukParts[fd.Type] {
		if v, ok := form[name+"."+p]; ok {
			m[p] = strings.Join(v, "")
			posted = posted || m[p] != ""
		}
	}
	if !posted {
		return nil, false
	}
	return m, true
}

func encodeParts(fd *engine.Field, v any, name string, out url.Values) {
	for k, x := range partsOf(fd, v) {
		if x != "" && containsPart(fd, k) {
			out.Set(name+"."+k, x)
		}
	}
}

func containsPart(fd *engine.Field, part string) bool {
	return contains(ukParts[fd.Type], part)
}

// addressLinesID is the id of the first address line: the question's own id when there are no choices
// (the error summary links to it), and the first radio's otherwise.
func addressLinesID(f FieldView) string {
	if len(f.Field.AddressChoices()) == 0 {
		return f.ID
	}
	return f.ID + "-line1"
}

// wordLimit is the most words a textarea takes, for GOV.UK Frontend's character count; 0 for none.
func wordLimit(fd *engine.Field) int {
	if fd.MaxWords == nil {
		return 0
	}
	return *fd.MaxWords
}

// defaultHint is the hint of a UK answer type whose designer gave none, in the page's language.
func defaultHint(ctx context.Context, fd *engine.Field) string {
	return engine.DefaultHint(fd, string(i18n.From(ctx)))
}

// datePart is the name of a date's part inside a composite question: "day", or with a prefix "dueDay".
func datePart(prefix, part string) string {
	if prefix == "" {
		return part
	}
	return prefix + strings.ToUpper(part[:1]) + part[1:]
}

func wordCountDescribedBy(f FieldView) string {
	return strings.TrimSpace(describedBy(f.ID, f.Hint, f.Error) + " " + f.ID + "-info")
}

func wordLimitText(ctx context.Context, fd *engine.Field) string {
	return engine.WordLimitText(wordLimit(fd), string(i18n.From(ctx)))
}

// partContext is the view of a question whose inputs' labels also name the part of it they belong to.
func partContext(f FieldView, part string) FieldView {
	f.Context += " (" + strings.ToLower(part) + ")"
	return f
}

// wordCountI18n are GOV.UK Frontend's character count's words in the language of ctx, as its
// data-i18n attributes. The count's plural forms are the ones Intl.PluralRules gives for the page's
// lang: English has one and other, Welsh zero, one, two, few, many and other, all with the noun in the
// singular after a number ("3 gair"), so one text does for each but "one".
func wordCountI18n(ctx context.Context) templ.Attributes {
	a := templ.Attributes{"data-i18n.words-at-limit": i18n.T(ctx, "charcount.words_at")}
	for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
		under, over := "charcount.words_under_other", "charcount.words_over_other"
		if form == "one" {
			under, over = "charcount.words_under_one", "charcount.words_over_one"
		}
		a["data-i18n.words-under-limit."+form] = i18n.T(ctx, under)
		a["data-i18n.words-over-limit."+form] = i18n.T(ctx, over)
	}
	return a
}
