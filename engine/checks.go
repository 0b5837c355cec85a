// The per-type checks of an answer: text, number, date, choices, children and attachments.

package engine

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"formportal/i18n"
)

// EmailPattern is the pattern email answers must match.
const EmailPattern = "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"

func (v *validation) checkText(fd *Field, s string) (any, string, string) {
	n := utf8.RuneCountInString(s)
	if fd.MaxLength != nil && n > *fd.MaxLength {
		return nil, "max", pick(fd.Messages.Max, v.w.tooLong(fd))
	}
	if fd.MinLength != nil && n < *fd.MinLength {
		return nil, "min", pick(fd.Messages.Min, i18n.In(v.w.lang, "engine.text.min", "Subject", v.w.subject(fd), "Count", *fd.MinLength))
	}
	if fd.pattern != nil && !fd.pattern.MatchString(s) {
		return nil, "pattern", pick(fd.Messages.Pattern, i18n.In(v.w.lang, "engine.text.pattern", "Name", v.w.name(fd)))
	}
	return s, "", ""
}

// tooLong is the message of a text longer than the field's maxLength.
func (w words) tooLong(fd *Field) string {
	return i18n.In(w.lang, "engine.text.max", "Subject", w.subject(fd), "Count", *fd.MaxLength)
}

func (v *validation) checkNumber(fd *Field, raw any) (any, string, string) {
	l := v.w.lang
	n, ok := toNumber(raw)
	if !ok {
		return nil, "format", pick(fd.Messages.Format, i18n.In(l, "engine.number.format", "Subject", v.w.subject(fd)))
	}
	if fd.Integer && n != float64(int64(n)) {
		return nil, "format", pick(fd.Messages.Format, i18n.In(l, "engine.number.whole", "Subject", v.w.subject(fd)))
	}
	tooLow := fd.Min != nil && n < *fd.Min
	tooHigh := fd.Max != nil && n > *fd.Max
	if tooLow || tooHigh {
		var msg, kind string
		switch {
		case fd.Min != nil && fd.Max != nil:
			msg = i18n.In(l, "engine.number.between", "Subject", v.w.subject(fd), "Min", formatNumber(*fd.Min), "Max", formatNumber(*fd.Max))
		case tooLow:
			msg = i18n.In(l, "engine.number.min", "Subject", v.w.subject(fd), "Min", formatNumber(*fd.Min))
		default:
			msg = i18n.In(l, "engine.number.max", "Subject", v.w.subject(fd), "Max", formatNumber(*fd.Max))
		}
		if tooLow {
			kind, msg = "min", pick(fd.Messages.Min, msg)
		} else {
			kind, msg = "max", pick(fd.Messages.Max, msg)
		}
		return nil, kind, msg
	}
	return n, "", ""
}

func (v *validation) checkDate(fd *Field, raw any, sc *scope) (any, string, string) {
	l := v.w.lang
	d, problem := parseDate(raw)
	if problem != "" {
		return nil, "format", v.w.dateProblem(fd, v.w.subject(fd), problem)
	}
	switch {
	case fd.NotInFuture && d > v.today:
		return nil, "max", pick(fd.Messages.Max, i18n.In(l, "engine.date.past", "Subject", v.w.subject(fd)))
	case fd.NotInPast && d < v.today:
		return nil, "min", pick(fd.Messages.Min, i18n.In(l, "engine.date.future", "Subject", v.w.subject(fd)))
	case fd.MinDate != "" && d < fd.MinDate:
		return nil, "min", pick(fd.Messages.Min, i18n.In(l, "engine.date.min", "Subject", v.w.subject(fd), "Date", v.w.date(fd.MinDate)))
	case fd.MaxDate != "" && d > fd.MaxDate:
		return nil, "max", pick(fd.Messages.Max, i18n.In(l, "engine.date.max", "Subject", v.w.subject(fd), "Date", v.w.date(fd.MaxDate)))
	}
	for _, rel := range []struct {
		id    string
		after bool
	}{{fd.After, true}, {fd.Before, false}} {
		if rel.id == "" {
			continue
		}
		other := v.relatedField(fd, rel.id)
		if other == nil || !sc.isVisible(other) {
			continue
		}
		od, problem := parseDate(sc.raw(other))
		if problem != "" {
			continue // the other date reports its own problem
		}
		if rel.after && d <= od {
			return nil, "min", pick(fd.Messages.Min, i18n.In(l, "engine.date.after", "Subject", v.w.subject(fd), "Other", v.w.subjectLater(other)))
		}
		if !rel.after && d >= od {
			return nil, "max", pick(fd.Messages.Max, i18n.In(l, "engine.date.before", "Subject", v.w.subject(fd), "Other", v.w.subjectLater(other)))
		}
	}
	return d, "", ""
}

func (v *validation) relatedField(fd *Field, id string) *Field {
	if fd.parent != nil {
		for _, sib := range fd.parent.Children() {
			if sib.ID == id {
				return sib
			}
		}
	}
	return v.form.fields[id]
}

// DateIn checks a day, month and year typed in a GOV.UK date input outside a form (an automatic reply's
// dates) as a form's date question checks them: the date as YYYY-MM-DD, or the problem ("real" when the
// date is not a real one) and its message in l, subject naming the date as the message's first words.
func DateIn(l i18n.Lang, day, month, year, subject string) (date, problem, message string) {
	date, problem = parseDate(map[string]any{"day": day, "month": month, "year": year})
	if problem == "" {
		return date, "", ""
	}
	return "", problem, words{lang: l}.dateProblem(&Field{}, subject, problem)
}

// parseDate reads a date answer: "YYYY-MM-DD" or {day, month, year}. problem is "" when it is a real
// date, "day", "month", "year" (or a combination, "day month") when parts are missing, "4 digits" when the
// year is not four digits, and "real" otherwise.
func parseDate(raw any) (string, string) {
	var day, month, year string
	switch r := raw.(type) {
	case string:
		s := strings.TrimSpace(r)
		if len(s) != 10 || s[4] != '-' || s[7] != '-' {
			return "", "real"
		}
		year, month, day = s[:4], s[5:7], s[8:]
	case map[string]any:
		day, month, year = strings.TrimSpace(textOf(r["day"])), strings.TrimSpace(textOf(r["month"])), strings.TrimSpace(textOf(r["year"]))
		var missing []string
		for _, p := range []struct{ name, value string }{{"day", day}, {"month", month}, {"year", year}} {
			if p.value == "" {
				missing = append(missing, p.name)
			}
		}
		if len(missing) > 0 {
			return "", strings.Join(missing, " ")
		}
	default:
		return "", "real"
	}
	d, errD := strconv.Atoi(day)
	m, errM := strconv.Atoi(month)
	y, errY := strconv.Atoi(year)
	if errD != nil || errM != nil || errY != nil {
		return "", "real"
	}
	if len(year) != 4 {
		return "", "4 digits"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return "", "real"
	}
	if s, ok := raw.(string); ok && allDigits(year) && allDigits(month) && allDigits(day) {
		return strings.TrimSpace(s), "" // already YYYY-MM-DD: most dates, in a chronology of thousands
	}
	return t.Format(time.DateOnly), ""
}

func (v *validation) checkChoices(fd *Field, raw any) (any, string, string) {
	l := v.w.lang
	picked := asList(raw)
	chosen := make(map[string]bool, len(picked))
	for _, p := range picked {
		p = strings.TrimSpace(p)
		if !hasOption(fd, p) {
			return nil, "option", i18n.In(l, "engine.choice.from_options", "Name", v.w.name(fd))
		}
		chosen[p] = true
	}
	out := make([]string, 0, len(chosen))
	for _, o := range fd.Options {
		if chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	if fd.MinSelected != nil && len(out) < *fd.MinSelected {
		return nil, "min", pick(fd.Messages.Min, i18n.In(l, "engine.choice.min", "Count", *fd.MinSelected, "Name", v.w.name(fd)))
	}
	if fd.MaxSelected != nil && len(out) > *fd.MaxSelected {
		return nil, "max", pick(fd.Messages.Max, i18n.In(l, "engine.choice.max", "Count", *fd.MaxSelected, "Name", v.w.name(fd)))
	}
	return out, "", ""
}

func (v *validation) checkChildren(fd *Field, raw any) (any, string, string) {
	picked := asList(raw)
	out := make([]string, 0, len(picked))
	for _, c := range v.children {
		for _, p := range picked {
			if strings.TrimSpace(p) == c.ID {
				out = append(out, c.ID)
				break
			}
		}
	}
	if len(out) != len(picked) {
		return nil, "option", i18n.In(v.w.lang, "engine.children.from_list", "Name", v.w.name(fd))
	}
	if !fd.MultipleChildren() && len(out) > 1 {
		return nil, "max", i18n.In(v.w.lang, "engine.children.single", "Name", v.w.name(fd))
	}
	return out, "", ""
}

// Attachment is an uploaded file referred to by an attachments answer. The portal stores the content; the
// engine checks the count, sizes and kinds the form allows. Kind is decided by the portal from the content.
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	Kind string `json:"kind"` // pdf, word, image, text
}

// AttachmentKinds names the kinds of file, as people know them, in English.
var AttachmentKinds = map[string]string{"pdf": "a PDF", "word": "a Word document", "image": "an image (JPEG, PNG or GIF)", "text": "a text file"}

// fileKind names a kind of file (AttachmentKinds) in the language, as the upload pages do.
func (w words) fileKind(kind string) string {
	switch kind {
	case "pdf":
		return i18n.In(w.lang, "upload.kind_pdf")
	case "word":
		return i18n.In(w.lang, "upload.kind_word")
	case "image":
		return i18n.In(w.lang, "upload.kind_image")
	case "text":
		return i18n.In(w.lang, "upload.kind_text")
	}
	return kind
}

func (v *validation) checkAttachments(fd *Field, raw any) (any, string, string) {
	l := v.w.lang
	list, _ := raw.([]any)
	out := make([]Attachment, 0, len(list))
	for _, it := range list {
		m, _ := it.(map[string]any)
		a := Attachment{Name: textOf(m["name"]), ID: textOf(m["id"]), Kind: textOf(m["kind"])}
		size, _ := toNumber(m["size"])
		a.Size = int64(size)
		if a.ID == "" {
			return nil, "format", i18n.In(l, "engine.files.lost", "Name", v.w.name(fd))
		}
		if !containsString(fd.Accept, a.Kind) && len(fd.Accept) > 0 {
			var kinds []string
			for _, k := range fd.Accept {
				kinds = append(kinds, v.w.fileKind(k))
			}
			return nil, "format", i18n.In(l, "engine.files.kind", "File", a.Name, "Kinds", v.w.or(kinds))
		}
		if fd.MaxSizeMB > 0 && float64(a.Size) > fd.MaxSizeMB*1024*1024 {
			return nil, "max", i18n.In(l, "engine.files.size", "File", a.Name, "Size", formatNumber(fd.MaxSizeMB))
		}
		out = append(out, a)
	}
	if fd.MaxFiles > 0 && len(out) > fd.MaxFiles {
		return nil, "max", i18n.In(l, "engine.files.count", "Count", fd.MaxFiles, "Name", v.w.name(fd))
	}
	return out, "", ""
}

var (
	// emailRE is the HTML standard's valid e-mail address, with at least one dot in the domain. The derived
	// submission schema uses the same pattern, so the engine and consumers of submissions agree exactly.
	emailRE = regexp.MustCompile(EmailPattern)
)
