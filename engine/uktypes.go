// Reading UK answer types however people type them: NHS numbers, telephone numbers, postcodes, times of
// day, and counting words. Each returns the one form a submission stores.

package engine

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// NormaliseNHSNumber reads an NHS number typed with or without spaces or hyphens ("943 476 5919") and
// returns its 10 digits, or ok false when it is not 10 digits passing the Modulus 11 check.
func NormaliseNHSNumber(s string) (digits string, ok bool) {
	digits = stripSeparators(s, " -")
	if len(digits) != 10 || !allDigits(digits) {
		return "", false
	}
	sum := 0
	for i := range 9 {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	// A remainder giving 10 is never issued: no number has that check digit.
	if check == 10 || check != int(digits[9]-'0') {
		return "", false
	}
	return digits, true
}

// NormaliseNINumber reads a National Insurance number in any case, with or without spaces ("qq 12 34
// 56 c") and returns it in capitals without them, or ok false when it is not one HMRC could issue: two
// prefix letters (neither D, F, I, Q, U nor V; the second not O; not BG, GB, KN, NK, NT, TN or ZZ), six
// digits and a suffix A, B, C or D (HMRC's National Insurance Manual, NIM39110).
func NormaliseNINumber(s string) (string, bool) {
	n := strings.ToUpper(stripSeparators(s, " -"))
	if len(n) != 9 || !allDigits(n[2:8]) {
		return "", false
	}
	first, second, prefix := n[0], n[1], n[:2]
	switch {
	case first < 'A' || first > 'Z' || strings.IndexByte("DFIQUV", first) >= 0:
		return "", false
	case second < 'A' || second > 'Z' || strings.IndexByte("DFIOQUV", second) >= 0:
		return "", false
	case strings.Contains(" BG GB KN NK NT TN ZZ ", " "+prefix+" "):
		return "", false
	case n[8] < 'A' || n[8] > 'D':
		return "", false
	}
	return n, true
}

// FormatNINumber writes a National Insurance number as HMRC prints it: QQ 12 34 56 C.
func FormatNINumber(n string) string {
	if len(n) != 9 {
		return n
	}
	return n[:2] + " " + n[2:4] + " " + n[4:6] + " " + n[6:8] + " " + n[8:]
}

// upnLetters are the letters of a UPN's check (and of a temporary UPN's last character), by value: the
// alphabet without I, O and S.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// UPNShaped reports whether s (normalised) is a letter and 12 characters, the last a digit or (for a
// temporary UPN) a letter, whatever its check letter.
func UPNShaped(s string) bool {
	return len(s) == 13 && s[0] >= 'A' && s[0] <= 'Z' && allDigits(s[1:12]) &&
		(allDigits(s[12:]) || strings.IndexByte(upnLetters, s[12]) >= 0)
}

// NormaliseUPN reads a unique pupil number in any case, with or without spaces, and returns it in
// capitals, or ok false when its check letter is wrong. The check is DfE's: the characters from the
// second on, weighted 2 to 13 (a temporary UPN's last letter counts as its place in upnLetters), summed,
// modulo 23, is the place in upnLetters of the first letter.
func NormaliseUPN(s string) (string, bool) {
	u := strings.ToUpper(stripSeparators(s, " -"))
	if !UPNShaped(u) {
		return "", false
	}
	sum := 0
	for i := 1; i < 13; i++ {
		d := int(u[i] - '0')
		if i == 12 && !allDigits(u[12:]) {
			d = strings.IndexByte(upnLetters, u[12])
		}
		sum += d * (i + 1)
	}
	if upnLetters[sum%23] != u[0] {
		return "", false
	}
	return u, true
}

// FormatNHSNumber writes 10 digits as the NHS writes them: 943 476 5919.
func FormatNHSNumber(digits string) string {
	if len(digits) != 10 {
		return digits
	}
	return digits[:3] + " " + digits[3:6] + " " + digits[6:]
}

// NormalisePhone reads a telephone number as people type it (spaces, brackets, hyphens, dots, +44, 0044,
// "+44 (0)20") and returns it as digits only: a UK number in its national form (07700900982), another
// country's number as + and its digits. ok is false when it is not a telephone number.
func NormalisePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789+ ()-.", r) }) {
		return "", false
	}
	international := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00")
	if strings.Count(s, "+") > 1 || strings.LastIndex(s, "+") > 0 {
		return "", false
	}
	// "(0)" after a country code is the trunk 0 written for people dialling from inside the country.
	if international {
		s = strings.Replace(s, "(0)", "", 1)
	}
	digits := stripSeparators(s, "+ ()-.")
	if international {
		digits = strings.TrimPrefix(digits, "00")
		if strings.HasPrefix(digits, "44") {
			digits = "0" + digits[2:] // a UK number: stored as it is dialled in the UK
		} else {
			digits = "+" + digits
		}
	}
	if !phoneRE.MatchString(digits) {
		return "", false
	}
	return digits, true
}

// NormalisePostcode reads a UK postcode in any case, with or without its space ("sw1a1aa", "GIR 0AA"), and
// returns it in capitals with one space before the last three characters, or ok false when it is not in
// the form of a UK postcode.
func NormalisePostcode(s string) (string, bool) {
	p := strings.ToUpper(stripSeparators(s, " "))
	if !postcodeRE.MatchString(p) {
		return "", false
	}
	return p[:len(p)-3] + " " + p[len(p)-3:], true
}

// ParseTime reads a time of day as people type it ("14:30", "14.30", "1430", "2pm", "2:30 pm", "midday",
// "midnight") and returns it as HH:MM on the 24-hour clock.
func ParseTime(s string) (string, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	switch s {
	case "midday", "noon", "12noon":
		return "12:00", true
	case "midnight", "12midnight":
		return "00:00", true
	}
	suffix := ""
	for _, sfx := range []string{"am", "pm", "a.m.", "p.m."} {
		if strings.HasSuffix(s, sfx) {
			suffix, s = sfx[:1], strings.TrimSuffix(s, sfx)
			break
		}
	}
	var hour, minute string
	if i := strings.IndexAny(s, ":."); i >= 0 {
		hour, minute = s[:i], s[i+1:]
		if len(minute) != 2 {
			return "", false
		}
	} else if len(s) <= 2 && suffix != "" {
		hour, minute = s, "00"
	} else if len(s) == 4 && suffix == "" {
		hour, minute = s[:2], s[2:]
	} else {
		return "", false
	}
	if hour == "" || len(hour) > 2 || !allDigits(hour) || !allDigits(minute) {
		return "", false
	}
	h, _ := strconv.Atoi(hour)
	m, _ := strconv.Atoi(minute)
	if m > 59 {
		return "", false
	}
	switch suffix {
	case "a", "p":
		if h < 1 || h > 12 {
			return "", false
		}
		h %= 12
		if suffix == "p" {
			h += 12
		}
	default:
		if h > 23 {
			return "", false
		}
	}
	return twoDigits(h) + ":" + twoDigits(m), true
}

// FormatTime writes HH:MM the GOV.UK way: 9am, 2:30pm, midday, midnight.
func FormatTime(hhmm string) string {
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return hhmm
	}
	h, errH := strconv.Atoi(hhmm[:2])
	m, errM := strconv.Atoi(hhmm[3:])
	if errH != nil || errM != nil {
		return hhmm
	}
	switch {
	case h == 12 && m == 0:
		return "midday"
	case h == 0 && m == 0:
		return "midnight"
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if m == 0 {
		return strconv.Itoa(h12) + suffix
	}
	return strconv.Itoa(h12) + ":" + twoDigits(m) + suffix
}

// CountWords counts words as GOV.UK Frontend's character count does in word mode: runs of characters
// that are not spaces.
func CountWords(s string) int { return len(strings.FieldsFunc(s, unicode.IsSpace)) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func stripSeparators(s, separators string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(separators, r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

var (
	// phoneRE is what a telephone number is stored as: a UK number of 10 or 11 digits starting with 0, or
	// + and another country's 7 to 15 digits. The submission schema uses the same pattern.
	phoneRE = regexp.MustCompile(`^(?:0[1-9][0-9]{8,9}|\+[1-9][0-9]{6,14})$`)
	// postcodeRE is the shape of a UK postcode without its space: an outward code (A9, A99, AA9, AA99,
	// A9A, AA9A) and an inward code (9AA), or the Girobank's GIR 0AA.
	postcodeRE = regexp.MustCompile(`^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$`)
	// PostcodePattern is a stored postcode, for the submission schema.
	PostcodePattern = `^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$`
)
