// The per-type checks of an answer: text, number, date, choices, children and attachments.

package engine

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EmailPattern is the pattern email answers must match.
const EmailPattern = "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"

func (v *validation) checkText(fd *Field, s string) (any, string, string) {
	n := utf8.RuneCountInString(s)
	if fd.MaxLength != nil && n > *fd.MaxLength {
		return nil, "max", maxLengthMessage(fd)
	}
	if fd.MinLength != nil && n < *fd.MinLength {
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be "+strconv.Itoa(*fd.MinLength)+" characters or more")
	}
	if fd.pattern != nil && !fd.pattern.MatchString(s) {
		return nil, "pattern", pick(fd.Messages.Pattern, "Enter "+requiredName(fd)+" in the correct format")
	}
	return s, "", ""
}

func checkNumber(fd *Field, raw any) (any, string, string) {
	n, ok := toNumber(raw)
	if !ok {
		return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a number")
	}
	if fd.Integer && n != float64(int64(n)) {
		return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a whole number")
	}
	tooLow := fd.Min != nil && n < *fd.Min
	tooHigh := fd.Max != nil && n > *fd.Max
	if tooLow || tooHigh {
		var msg, kind string
		switch {
		case fd.Min != nil && fd.Max != nil:
			msg = upperFirst(subject(fd)) + " must be between " + formatNumber(*fd.Min) + " and " + formatNumber(*fd.Max)
		case tooLow:
			msg = upperFirst(subject(fd)) + " must be " + formatNumber(*fd.Min) + " or more"
		default:
			msg = upperFirst(subject(fd)) + " must be " + formatNumber(*fd.Max) + " or less"
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
	d, problem := parseDate(raw)
	if problem != "" {
		return nil, "format", dateProblemMessage(fd, subject(fd), problem)
	}
	switch {
	case fd.NotInFuture && d > v.today:
		return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be today or in the past")
	case fd.NotInPast && d < v.today:
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be today or in the future")
	case fd.MinDate != "" && d < fd.MinDate:
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be the same as or after "+longDate(fd.MinDate))
	case fd.MaxDate != "" && d > fd.MaxDate:
		return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be the same as or before "+longDate(fd.MaxDate))
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
			return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be after "+subject(other))
		}
		if !rel.after && d >= od {
			return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be before "+subject(other))
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

// parseDate reads a date answer: "YYYY-MM-DD" or {day, month, year}. problem is "" when it is a real
// date, "a day", "a month", "a year" (or a combination) when parts are missing, "year" when the year
// is not four digits, and "real" otherwise.
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
		for _, p := range []struct{ name, value string }{{"a day", day}, {"a month", month}, {"a year", year}} {
			if p.value == "" {
				missing = append(missing, p.name)
			}
		}
		if len(missing) > 0 {
			return "", joinWords(missing)
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
		return "", "year"
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

func checkChoices(fd *Field, raw any) (any, string, string) {
	picked := asList(raw)
	chosen := make(map[string]bool, len(picked))
	for _, p := range picked {
		p = strings.TrimSpace(p)
		if !hasOption(fd, p) {
			return nil, "option", "Select " + requiredName(fd) + " from the options given"
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
		return nil, "min", pick(fd.Messages.Min, "Select at least "+strconv.Itoa(*fd.MinSelected)+" options for "+requiredName(fd))
	}
	if fd.MaxSelected != nil && len(out) > *fd.MaxSelected {
		return nil, "max", pick(fd.Messages.Max, "Select no more than "+strconv.Itoa(*fd.MaxSelected)+" options for "+requiredName(fd))
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
		return nil, "option", "Select " + requiredName(fd) + " from the children listed"
	}
	if !fd.MultipleChildren() && len(out) > 1 {
		return nil, "max", "Select one child for " + requiredName(fd)
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

// AttachmentKinds names the kinds of file, as people know them.
var AttachmentKinds = map[string]string{"pdf": "a PDF", "word": "a Word document", "image": "an image (JPEG, PNG or GIF)", "text": "a text file"}

func checkAttachments(fd *Field, raw any) (any, string, string) {
	list, _ := raw.([]any)
	out := make([]Attachment, 0, len(list))
	for _, it := range list {
		m, _ := it.(map[string]any)
		a := Attachment{Name: textOf(m["name"]), ID: textOf(m["id"]), Kind: textOf(m["kind"])}
		size, _ := toNumber(m["size"])
		a.Size = int64(size)
		if a.ID == "" {
			return nil, "format", "Upload " + requiredName(fd) + " again: a file was not received"
		}
		if !containsString(fd.Accept, a.Kind) && len(fd.Accept) > 0 {
			var kinds []string
			for _, k := range fd.Accept {
				kinds = append(kinds, AttachmentKinds[k])
			}
			return nil, "format", a.Name + " must be " + joinOr(kinds)
		}
		if fd.MaxSizeMB > 0 && float64(a.Size) > fd.MaxSizeMB*1024*1024 {
			return nil, "max", a.Name + " must be smaller than " + formatNumber(fd.MaxSizeMB) + " MB"
		}
		out = append(out, a)
	}
	if fd.MaxFiles > 0 && len(out) > fd.MaxFiles {
		return nil, "max", "You can upload up to " + strconv.Itoa(fd.MaxFiles) + " files to " + requiredName(fd)
	}
	return out, "", ""
}

var (
	// emailRE is the HTML standard's valid e-mail address, with at least one dot in the domain. The derived
	// submission schema uses the same pattern, so the engine and consumers of submissions agree exactly.
	emailRE = regexp.MustCompile(EmailPattern)
)
