// Package emailaddr checks the email addresses people and systems type, as the portals and the API say
// them.
package emailaddr

import (
	"net/mail"
	"strings"
)

// Problem is what is wrong with an (already normalised) address, in GOV.UK words, or "".
func Problem(email string) string {
	if email == "" {
		return "Enter an email address"
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return "Enter an email address in the correct format, like name@example.com"
	}
	return ""
}

// Normalise is an address as kept: trimmed, in lower case.
func Normalise(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
