package web

// OWASP ASVS 4.0.3, Level 2, chapter V2 Authentication: the second factors (issue 12, items 7 and 8). A
// code emailed at every sign-in (V2.7), the authenticator app of council staff (V2.8), their recovery
// codes (V2.6), and the first password of a staff account (V2.3).

import (
	"regexp"
	"strings"

	"github.com/pquerna/otp/totp"
)

var totpSecretRE = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7 ]+)</code>`)
var recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>`)

// setUpAuthenticator does what a person with an authenticator app does on the set-up page: adds the key
// it shows, and enters the code the app then makes. It returns the key; the browser ends on the page of
// recovery codes.
func (b *browser) setUpAuthenticator() string {
	b.e.t.Helper()
	b.get("/account/two-factor").see("Set up two-factor authentication")
	m := totpSecretRE.FindStringSubmatch(b.last)
	if m == nil {
		b.e.t.Fatalf("no key on the set-up page:\n%s", b.last)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	code, err := totp.GenerateCodeCustom(secret, b.e.clock.Now(), totpOptions)
	if err != nil {
		b.e.t.Fatal(err)
	}
	b.post("/account/two-factor", "code", code).see("Your recovery codes")
	return secret
}

// recoveryCodes are the codes on the last page.
func (b *browser) recoveryCodes() []string {
	var out []string
	for _, m := range recoveryCodeRE.FindAllStringSubmatch(b.last, -1) {
		out = append(out, m[1])
	}
	return out
}
