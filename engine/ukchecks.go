// The checks of word limits and of the UK answer types: NHS number, telephone, time, date of birth and
// address. Their wording is in ukmessages.go.

package engine

import (
	"strings"
	"time"
	"unicode/utf8"

	"formportal/i18n"
)

// The states of a date of birth, as its answer's "status" holds them.
const (
	DOBBorn    = "born"
	DOBUnborn  = "unborn"
	DOBUnknown = "unknown"
)

// The kinds of address answer, as its "kind" holds them.
const (
	AddressKnown        = "address"
	AddressSameAs       = "sameAs"
	AddressNoFixedAbode = "noFixedAbode"
	AddressNotKnown     = "unknown"
	AddressAbroad       = "abroad" // lines and a country, no postcode
)

const (
	maxApproximateAge = 25  // care leavers are supported to 25
	maxAddressPart    = 100 // characters in one line of an address
)

// The expected due date of an unborn child may be a month past (a late birth, or a late referral) to ten
// months ahead (a pregnancy is about nine).
const (
	dueDateMonthsBefore = 1
	dueDateMonthsAfter  = 10
)

func (v *validation) checkWords(fd *Field, s string) (any, string, string) {
	if CountWords(s) > *fd.MaxWords {
		return nil, "max", v.w.maxWords(fd)
	}
	return s, "", ""
}

func (v *validation) checkPhone(fd *Field, raw any) (any, string, string) {
	s, ok := NormalisePhone(textOf(raw))
	if !ok {
		return nil, "format", v.w.phone(fd)
	}
	return s, "", ""
}

func (v *validation) checkNHSNumber(fd *Field, raw any) (any, string, string) {
	typed := stripSeparators(textOf(raw), " -")
	if len(typed) != 10 || !allDigits(typed) {
		return nil, "format", v.w.nhsNumberLength(fd)
	}
	s, ok := NormaliseNHSNumber(typed)
	if !ok {
		return nil, "format", v.w.nhsNumberCheck(fd)
	}
	return s, "", ""
}

func (v *validation) checkNINumber(fd *Field, raw any) (any, string, string) {
	s, ok := NormaliseNINumber(textOf(raw))
	if !ok {
		return nil, "format", v.w.niNumber(fd)
	}
	return s, "", ""
}

func (v *validation) checkUPN(fd *Field, raw any) (any, string, string) {
	if !UPNShaped(strings.ToUpper(stripSeparators(textOf(raw), " -"))) {
		return nil, "format", v.w.upnLength(fd)
	}
	s, ok := NormaliseUPN(textOf(raw))
	if !ok {
		return nil, "format", v.w.upnCheck(fd)
	}
	return s, "", ""
}

func (v *validation) checkTime(fd *Field, raw any) (any, string, string) {
	s, ok := ParseTime(textOf(raw))
	if !ok {
		return nil, "format", v.w.time(fd)
	}
	return s, "", ""
}

// checkDateOfBirth checks a date of birth: born (a date, not in the future, perhaps estimated), unborn
// (a due date within sensible bounds) or not known (an approximate age). A plain date is a known one.
func (v *validation) checkDateOfBirth(fd *Field, raw any) (any, string, string) {
	m := dobAnswer(raw)
	switch strings.TrimSpace(textOf(m["status"])) {
	case DOBBorn:
		date, ok := m["date"]
		if !ok {
			date = pickParts(m, "day", "month", "year")
		}
		if !isAnswered(date) {
			return nil, "required", pick(fd.Messages.Required, i18n.In(v.w.lang, "engine.required.enter", "Name", v.w.name(fd)))
		}
		d, problem := parseDate(date)
		if problem != "" {
			return nil, "format", v.w.dateProblem(fd, v.w.subject(fd), problem)
		}
		if d > v.today {
			return nil, "max", v.w.dobFuture(fd)
		}
		return map[string]any{"status": DOBBorn, "date": d, "estimated": ticked(m["estimated"])}, "", ""
	case DOBUnborn:
		date, ok := m["dueDate"]
		if !ok {
			date = pickParts(m, "dueDay", "dueMonth", "dueYear")
		}
		if !isAnswered(date) {
			return nil, "required", v.w.dueDateMissing(fd)
		}
		d, problem := parseDate(date)
		if problem != "" {
			return nil, "format", v.w.dateProblem(fd, v.w.dueDate(), problem)
		}
		today, _ := time.Parse(time.DateOnly, v.today)
		earliest := today.AddDate(0, -dueDateMonthsBefore, 0).Format(time.DateOnly)
		latest := today.AddDate(0, dueDateMonthsAfter, 0).Format(time.DateOnly)
		if d < earliest || d > latest {
			return nil, "max", v.w.dueDateRange(fd, earliest, latest)
		}
		return map[string]any{"status": DOBUnborn, "dueDate": d}, "", ""
	case DOBUnknown:
		age, ok := m["approximateAge"]
		if !ok {
			age = m["age"]
		}
		if !isAnswered(age) {
			return nil, "required", v.w.ageMissing(fd)
		}
		n, ok := toNumber(age)
		if !ok || n != float64(int64(n)) {
			return nil, "format", v.w.ageFormat(fd)
		}
		if n < 0 || n > maxApproximateAge {
			return nil, "max", v.w.ageRange(fd)
		}
		return map[string]any{"status": DOBUnknown, "approximateAge": n}, "", ""
	}
	return nil, "required", v.w.dobStatus(fd)
}

// dobAnswer reads a date of birth however it came: the page's parts, a checked answer, or a plain date
// (from case data, or an answer with no status), which is a known date of birth.
func dobAnswer(raw any) map[string]any {
	switch r := raw.(type) {
	case string:
		return map[string]any{"status": DOBBorn, "date": r}
	case map[string]any:
		if _, ok := r["status"]; !ok && isAnswered(pickParts(r, "day", "month", "year")) {
			out := map[string]any{"status": DOBBorn}
			for k, x := range r {
				out[k] = x
			}
			return out
		}
		return r
	}
	return nil
}

func pickParts(m map[string]any, day, month, year string) map[string]any {
	return map[string]any{"day": m[day], "month": m[month], "year": m[year]}
}

// checkAddress checks an address: a UK address (line 1 and town needed, a postcode checked and written
// the standard way when given), or one of the choices the field offers instead. "The same as" another
// address carries a copy of that address, when it is one, so a submission reads on its own.
func (v *validation) checkAddress(fd *Field, raw any, sc *scope) (any, string, string) {
	m, _ := raw.(map[string]any)
	kind := strings.TrimSpace(textOf(m["kind"]))
	if kind == "" && isAnswered(m) {
		kind = AddressKnown
	}
	switch {
	case kind == AddressKnown:
		return v.w.checkAddressLines(fd, m)
	case kind == AddressAbroad && fd.Abroad:
		return v.w.checkAbroadLines(fd, m)
	case kind == AddressNoFixedAbode && fd.NoFixedAbode, kind == AddressNotKnown && fd.AddressUnknown:
		return map[string]any{"kind": kind}, "", ""
	case kind == AddressSameAs && fd.SameAs != "":
		out := map[string]any{"kind": kind, "sameAs": fd.SameAs}
		if other := fd.sameAs; sc != nil && other != nil && sc.isVisible(other) {
			om, _ := sc.raw(other).(map[string]any)
			var lines any
			msg := "no address"
			switch textOf(om["kind"]) {
			case AddressKnown, "":
				lines, _, msg = v.w.checkAddressLines(other, om)
			case AddressAbroad: // its lines and country: the copy says it is abroad
				if other.Abroad {
					lines, _, msg = v.w.checkAbroadLines(other, om)
				}
			}
			if msg == "" {
				for k, x := range lines.(map[string]any) {
					if k != "kind" {
						out[k] = x
					}
				}
			}
		}
		return out, "", ""
	}
	return nil, "required", v.w.addressKind(fd)
}

// addressParts are the lines of an address, with their labels in English and their catalogue ids.
var addressParts = []struct{ key, label, id string }{
	{"line1", LabelAddressLine1, "uk.address_line1"}, {"line2", LabelAddressLine2, "uk.address_line2"},
	{"town", LabelAddressTown, "uk.address_town"}, {"county", LabelAddressCounty, "uk.address_county"},
}

func (w words) checkAddressLines(fd *Field, m map[string]any) (any, string, string) {
	out := map[string]any{"kind": AddressKnown}
	for _, p := range addressParts {
		s := strings.Join(strings.Fields(textOf(m[p.key])), " ")
		if utf8.RuneCountInString(s) > maxAddressPart {
			return nil, "max", w.addressTooLong(p.label, p.id)
		}
		if s != "" {
			out[p.key] = s
		}
	}
	if out["line1"] == nil {
		return nil, "required", w.addressLine1(fd)
	}
	if out["town"] == nil {
		return nil, "required", w.addressTown(fd)
	}
	if typed := strings.TrimSpace(textOf(m["postcode"])); typed != "" {
		p, ok := NormalisePostcode(typed)
		if !ok {
			return nil, "format", w.postcode(fd)
		}
		out["postcode"] = p
	}
	return out, "", ""
}

// AbroadParts are the parts an address outside the UK posts, each with the key the answer keeps it by:
// posted apart from the UK lines, as both are on the page at once (each revealed by its radio).
var AbroadParts = []struct{ Posted, Key, Label string }{
	{"abroadLine1", "line1", LabelAddressLine1}, {"abroadLine2", "line2", LabelAddressLine2},
	{"abroadTown", "town", LabelAddressTown}, {"country", "country", LabelAddressCountry},
}

// checkAbroadLines checks an address outside the UK: its first line and its country are needed, and
// nothing is checked as a postcode. A draft or submission that keeps it by its answer's keys reads too.
func (w words) checkAbroadLines(fd *Field, m map[string]any) (any, string, string) {
	out := map[string]any{"kind": AddressAbroad}
	for _, p := range AbroadParts {
		raw, ok := m[p.Posted]
		if !ok {
			raw = m[p.Key]
		}
		s := strings.Join(strings.Fields(textOf(raw)), " ")
		if utf8.RuneCountInString(s) > maxAddressPart {
			return nil, "max", w.addressTooLong(p.Label, ukWordIDs[p.Label])
		}
		if s != "" {
			out[p.Key] = s
		}
	}
	if out["line1"] == nil {
		return nil, "required", w.addressLine1(fd)
	}
	if out["country"] == nil {
		return nil, "required", w.addressCountry(fd)
	}
	return out, "", ""
}

// checkedUKDraft checks a draft's answer of a UK type as validation would, so a draft reads like the
// submission it would make; ok is false for other types and for answers that do not pass.
func checkedUKDraft(fd *Field, raw any) (any, bool) {
	switch fd.Type {
	case TypeNHSNumber, TypeNINumber, TypeUPN, TypeTime, TypeDateOfBirth, TypeAddress, TypeSignature:
	default:
		return nil, false
	}
	if !isAnswered(raw) {
		return nil, false
	}
	v := &validation{today: time.Now().Format(time.DateOnly), w: englishWords}
	out, _, msg := v.check(fd, raw, nil)
	return out, msg == "" && out != nil
}

// FindsAddress reports whether an address question offers finding the address by postcode, when the
// portal has an address lookup: unless its designer said lookup: false.
func (fd *Field) FindsAddress() bool {
	return fd.Type == TypeAddress && (fd.Lookup == nil || *fd.Lookup)
}

// AddressChoices are the answers an address question offers besides an address, in the order shown;
// none makes it a plain address.
func (fd *Field) AddressChoices() []Option {
	var out []Option
	if fd.sameAs != nil {
		out = append(out, Option{Value: AddressSameAs, Label: SameAsLabel(fd.sameAs)})
	}
	if fd.NoFixedAbode {
		out = append(out, Option{Value: AddressNoFixedAbode, Label: LabelNoFixedAbode})
	}
	if fd.AddressUnknown {
		out = append(out, Option{Value: AddressNotKnown, Label: LabelAddressUnknown})
	}
	if fd.Abroad {
		out = append(out, Option{Value: AddressAbroad, Label: LabelAddressAbroad})
	}
	return out
}
