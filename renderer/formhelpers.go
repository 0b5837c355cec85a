package renderer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"formportal/engine"
	"formportal/i18n"
)

func textareaRows(fd *engine.Field) string {
	if fd.Rows > 0 {
		return strconv.Itoa(fd.Rows)
	}
	return "5"
}

func optionID(id string, i int) string {
	if i == 0 {
		return id // the error summary links to the first option
	}
	return id + "-" + strconv.Itoa(i+1)
}

// conditionalID is the id of what a choice reveals.
func conditionalID(id string, i int) string { return "conditional-" + optionID(id, i) }

func hintOr(f FieldView, def string) string {
	if f.Hint != "" {
		return f.Hint
	}
	return def
}

func checkedLabels(f FieldView) string {
	var out []string
	for _, o := range f.Options {
		if o.Checked {
			out = append(out, o.Label)
		}
	}
	return strings.Join(out, ", ")
}

func yesNoText(ctx context.Context, b bool) string {
	if b {
		return i18n.T(ctx, "field.yes")
	}
	return i18n.T(ctx, "field.no")
}

// dateText is a date answer as people write it in the language of ctx: "1 January 2016", "1 Ionawr
// 2016". Parts that make no date are shown as they were typed.
func dateText(ctx context.Context, f FieldView) string {
	if f.Day == "" && f.Month == "" && f.Year == "" {
		return ""
	}
	d, errD := strconv.Atoi(f.Day)
	m, errM := strconv.Atoi(f.Month)
	y, errY := strconv.Atoi(f.Year)
	if errD == nil && errM == nil && errY == nil && m >= 1 && m <= 12 {
		if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() == d {
			return i18n.Date(i18n.From(ctx), t)
		}
	}
	return strings.Join([]string{f.Day, f.Month, f.Year}, " ")
}

// cellText is a table cell's answer as text, for read-only tables.
func cellText(ctx context.Context, f FieldView) string {
	if f.Answer != "" {
		return f.Answer
	}
	switch f.Field.Type {
	case engine.TypeDate:
		return dateText(ctx, f)
	case engine.TypeCheckboxes, engine.TypeChildren, engine.TypeRadios, engine.TypeSelect, engine.TypeYesNo:
		return checkedLabels(f)
	}
	return f.Value
}

func inputType(fd *engine.Field) string {
	switch fd.Type {
	case engine.TypeEmail:
		return "email"
	case engine.TypePhone:
		return "tel"
	}
	return "text"
}

func inputmode(fd *engine.Field) string {
	switch fd.Type {
	case engine.TypeNHSNumber:
		return "numeric"
	case engine.TypeNumber:
		if fd.Integer {
			return "numeric"
		}
		return "decimal"
	}
	return ""
}

func autocomplete(fd *engine.Field) string {
	switch fd.Type {
	case engine.TypeEmail:
		return "email"
	case engine.TypePhone:
		return "tel"
	}
	return ""
}

func inputWidth(fd *engine.Field) string {
	switch {
	case fd.Type == engine.TypePhone || fd.Type == engine.TypeNumber:
		return "govuk-input--width-20"
	case fd.Type == engine.TypeNHSNumber || fd.Type == engine.TypeTime:
		return "govuk-input--width-10"
	case fd.MaxLength != nil && *fd.MaxLength <= 10:
		return "govuk-input--width-10"
	}
	return ""
}

// RowNoun is what one row of a table (item of a list) is called: "row", "person".
func RowNoun(fd *engine.Field) string { return fd.RowNoun() }

// RowNouns is what many rows are called: "rows", "people", "parents or carers".
func RowNouns(fd *engine.Field) string { return pluralPhrase(RowNoun(fd)) }

// pluralPhrase is an English item label in the plural: the last word of each alternative ("parent or
// carer", "school and nursery") takes its plural.
func pluralPhrase(phrase string) string {
	for _, joiner := range []string{" or ", " and ", " / "} {
		if parts := strings.Split(phrase, joiner); len(parts) > 1 {
			for i, p := range parts {
				parts[i] = pluralPhrase(p)
			}
			return strings.Join(parts, joiner)
		}
	}
	head, last := "", phrase
	if i := strings.LastIndexByte(phrase, ' '); i >= 0 {
		head, last = phrase[:i+1], phrase[i+1:]
	}
	return head + pluralWord(last)
}

var irregularPlurals = map[string]string{"person": "people", "child": "children", "man": "men", "woman": "women",
	"grandchild": "grandchildren", "foot": "feet", "tooth": "teeth"}

func pluralWord(w string) string {
	if p, ok := irregularPlurals[w]; ok {
		return p
	}
	switch {
	case w == "":
		return w
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"), strings.HasSuffix(w, "z"):
		return w + "es"
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsAny(w[len(w)-2:len(w)-1], "aeiou"):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

// RowNounIn is what one row is called in l: the form's itemLabel (a form's Welsh copy has it in Welsh),
// or the catalogue's "row" or "item".
func RowNounIn(l i18n.Lang, fd *engine.Field) string {
	switch {
	case fd.ItemLabel != "":
		return strings.ToLower(fd.ItemLabel)
	case fd.Type == engine.TypeList:
		return i18n.In(l, "table.item")
	}
	return i18n.In(l, "table.row")
}

// RowNounsIn is what many rows are called in l. English makes the item's plural ("people"); a form
// gives no plural of its itemLabel, so Welsh calls them "rhesi" or "eitemau" whatever each is called.
func RowNounsIn(l i18n.Lang, fd *engine.Field) string {
	switch {
	case l == "" || l == i18n.English:
		return RowNouns(fd)
	case fd.Type == engine.TypeList:
		return i18n.In(l, "table.items")
	}
	return i18n.In(l, "table.rows")
}

// AttachmentKinds are the kinds of document a question accepts, each as a phrase in l: "a PDF", "a
// Word document".
func AttachmentKinds(l i18n.Lang, accept []string) []string {
	var kinds []string
	for _, k := range accept {
		if _, ok := engine.AttachmentKinds[k]; ok {
			kinds = append(kinds, i18n.In(l, "upload.kind_"+k))
		}
	}
	return kinds
}

func attachmentHint(ctx context.Context, f FieldView) string {
	kinds := AttachmentKinds(i18n.From(ctx), f.Field.Accept)
	hint := i18n.T(ctx, "upload.hint_kinds", "Kinds", JoinOr(i18n.From(ctx), kinds))
	if len(kinds) == 0 {
		hint = i18n.T(ctx, "upload.hint_any")
	}
	if f.Field.MaxSizeMB > 0 {
		hint += i18n.T(ctx, "upload.hint_size", "MB", strconv.FormatFloat(f.Field.MaxSizeMB, 'f', -1, 64))
	}
	hint += ". " + i18n.T(ctx, "upload.hint_spreadsheets")
	if f.Hint != "" {
		hint = f.Hint + " " + hint
	}
	return hint
}

// JoinOr lists parts as a sentence does, in l: "a, b or c".
func JoinOr(l i18n.Lang, parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + i18n.In(l, "field.or") + " " + parts[len(parts)-1]
}

func acceptAttr(fd *engine.Field) string {
	exts := map[string]string{"pdf": ".pdf,application/pdf", "word": ".doc,.docx", "image": ".jpg,.jpeg,.png,.gif", "text": ".txt"}
	var out []string
	for _, k := range fd.Accept {
		out = append(out, exts[k])
	}
	return strings.Join(out, ",")
}

func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func navLabel(i int, item NavItem) string { return strconv.Itoa(i+1) + ". " + item.Title }

func autoReplyAction(id string) string {
	if id == "" {
		return "/auto-replies/new"
	}
	return "/auto-replies/" + id
}

func join(lines []string) string { return strings.Join(lines, " ") }
