package web

// OWASP ASVS 4.0.3, Level 2, chapter V2 Authentication: the second factors (issue 12, items 7 and 8). A
// code emailed at every sign-in (V2.7), the authenticator app of council staff (V2.8), their recovery
// codes (V2.6), and the first password of a staff account (V2.3).

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"formportal/store"
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
	b.e.clock.Advance(totpPeriod) // a step of its own: each step's code works once per account
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

// --- item 7: a code emailed at every sign-in -------------------------------------------------------

// V2.7.3: the seeds call the emailed 8-digit code the two-factor authentication, and now every sign-in
// asks for it: the right password alone signs nobody in. The code works once and only for the sign-in it
// was sent for (a later sign-in's code retires it), and a wrong one is refused.
func TestASVS_V2_7_3_EverySignInNeedsAnEmailedCodeThatWorksOnce(t *testing.T) {
	e := newEnv(t)
	e.register("rose@school.example").post("/logout")
	b := e.signInPassword("rose@school.example", testPassword).see("Check your email", "We have sent a code to rose@school.example")
	if b.signedIn() {
		t.Fatal("the password alone signed in")
	}
	code := e.lastCode("rose@school.example")
	if m := mustMail(t, e)[0]; m.Subject != "Your sign-in code" || !strings.Contains(m.Text, "If you did not just sign in, someone else knows your password") {
		t.Fatalf("sign-in email: %+v", m)
	}
	b.get("/login/code").post("/login/code", "code", "00000000").status(422).see("The code is not correct")
	b.post("/login/code", "code", code)
	if !b.signedIn() {
		t.Fatal("the emailed code did not sign in")
	}
	// The same code again, for another sign-in: that sign-in has a code of its own.
	again := e.signInPassword("rose@school.example", testPassword).see("Check your email")
	again.get("/login/code").post("/login/code", "code", code).status(422)
	if again.signedIn() {
		t.Fatal("a used code signed in again")
	}
	// A sign-in started earlier cannot use the code of a later one's... it has been retired by it.
	first := e.signInPassword("rose@school.example", testPassword)
	firstCode := e.lastCode("rose@school.example")
	second := e.signInPassword("rose@school.example", testPassword)
	first.get("/login/code").post("/login/code", "code", firstCode).status(422)
	second.get("/login/code").post("/login/code", "code", e.lastCode("rose@school.example"))
	if first.signedIn() || !second.signedIn() {
		t.Fatal("only the newest code signs in")
	}
}

// V2.7.2 asks that out-of-band codes expire: an emailed code dies after the council's CodeLifetime.
func TestASVS_V2_7_2_SignInCodesExpire(t *testing.T) {
	e := newEnv(t)
	e.register("late@school.example").post("/logout")
	b := e.signInPassword("late@school.example", testPassword)
	e.clock.Advance(e.app.cfg.CodeLifetime + time.Second)
	b.get("/login/code").post("/login/code", "code", e.lastCode("late@school.example")).status(422).see("This code has expired")
	if b.signedIn() {
		t.Fatal("an expired code signed in")
	}
}

// V2.2.1: a sign-in's codes count against the address's limit with every other way of getting a code, so
// someone who knows the password cannot spray sign-in codes either: after maxCodesPerHour codes in the
// hour the sign-in says so and sends nothing more, whatever address it comes from.
func TestASVS_V2_2_1_SignInCodesCountAgainstTheAddressLimit(t *testing.T) {
	e := newEnv(t)
	e.register("busy@school.example").post("/logout") // the registration's code is the first of the hour
	for i, ip := range sourceAddrs(2, maxCodesPerHour-1) {
		e.browserFrom(ip).get("/login").post("/login", "email", "busy@school.example", "password", testPassword).see("Check your email")
		if n := e.codesTo("busy@school.example"); n != i+2 {
			t.Fatalf("sign-in %d: %d codes sent", i+1, n)
		}
	}
	e.browserFrom("127.0.0.40").get("/login").post("/login", "email", "busy@school.example", "password", testPassword).
		status(http.StatusTooManyRequests).see("We have sent too many codes to this address")
	if n := e.codesTo("busy@school.example"); n != maxCodesPerHour {
		t.Fatalf("%d codes in an hour, over the limit of %d", n, maxCodesPerHour)
	}
	e.clock.Advance(time.Hour + time.Minute)
	if !e.browserFrom("127.0.0.41").login("busy@school.example", testPassword).signedIn() {
		t.Fatal("the owner could not sign in an hour later")
	}
}

// A council may turn the code at every sign-in off (-signin-code=false): the password then signs in, but
// not after wrong passwords, and staff with an authenticator app are still asked for its code.
func TestASVS_V2_7_SignInCodeCanBeTurnedOff(t *testing.T) {
	e := newEnvWith(t, func(c *Config, _ *Options) { c.PasswordOnlySignIn = true })
	e.register("plain@school.example").post("/logout")
	before := e.codesTo("plain@school.example")
	if !e.signInPassword("plain@school.example", testPassword).signedIn() || e.codesTo("plain@school.example") != before {
		t.Fatal("with sign-in codes off, the password did not sign in alone")
	}
	for range maxLoginPerAccount {
		e.signInPassword("plain@school.example", "a wrong guess").status(422)
	}
	e.signInPassword("plain@school.example", testPassword).see("Check your email", "Someone has entered wrong passwords")
	e.newStaffUser("app@council.example", store.RoleStaff)
	e.signInPassword("app@council.example", testPassword).see("Enter the code from your authenticator app")
}

// --- item 8: the staff's authenticator app ----------------------------------------------------------

// V4.3.1: the staff console is an administrative interface and needs multi-factor authentication. A
// staff account without an authenticator app reaches nothing but the set-up page, even with the password
// and the emailed code; once set up, each sign-in asks for the app's code instead of an emailed one.
func TestASVS_V4_3_1_StaffConsoleNeedsAnAuthenticatorApp(t *testing.T) {
	e := newEnv(t)
	hash, err := hashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	if err := e.store.CreateUser(context.Background(), &store.User{ID: store.NewID(), Email: "new@council.example", Forename: "Nia", Surname: "New",
		Role: store.RoleAdmin, PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	b := e.browser().login("new@council.example", testPassword).see("Set up two-factor authentication")
	for _, path := range []string{"/staff", "/staff/audit", "/staff/accounts", "/staff/delegations/new", "/account", "/tasks"} {
		r := b.send(http.MethodGet, path, nil, nil)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/account/two-factor" {
			t.Errorf("GET %s without an authenticator app: %d %q, want the set-up page", path, r.code, r.header.Get("Location"))
		}
	}
	b.get("/account/two-factor").post("/staff/accounts/x/disable").see("Set up two-factor authentication") // posts too
	e.totp["new@council.example"] = b.setUpAuthenticator()
	b.get("/staff").status(200).see("Staff console")

	b.post("/logout")
	codes := e.codesTo("new@council.example")
	next := e.signInPassword("new@council.example", testPassword).see("Enter the code from your authenticator app")
	if e.codesTo("new@council.example") != codes {
		t.Fatal("a staff member with an app was emailed a code too")
	}
	if next.get("/staff").see("Secure login"); next.signedIn() {
		t.Fatal("the password alone reached the console")
	}
	next.get("/login/two-factor").post("/login/two-factor", "code", e.totpCode("new@council.example"))
	next.get("/staff").status(200).see("Staff console")
}

// V2.8.3 and V2.8.1: the authenticator is set up from a QR code (a PNG the page carries as a data: URL,
// which the CSP allows) or the key typed in, 160 random bits; nothing is kept until a code from it is
// entered, and the owner is told by email. Codes are RFC 6238's: 6 digits, 30 seconds, one step either
// side for a phone's clock; an older one is refused.
func TestASVS_V2_8_3_AuthenticatorSetUpFromAQRCode(t *testing.T) {
	e := newEnv(t)
	b := e.staff("jo@council.example", true) // the first sign-in sets the app up
	u := e.user("jo@council.example")
	if u.TOTPSecret != e.totp["jo@council.example"] || len(u.TOTPSecret) != 32 {
		t.Fatalf("the kept key is not the one shown: %q", u.TOTPSecret)
	}
	if m := mustMail(t, e)[0]; m.Subject != "Two-factor authentication is set up" {
		t.Fatalf("no email about the new app: %+v", m)
	}

	// Another account's set-up page: its QR code is a real PNG, and a wrong code keeps nothing.
	e.newStaffUser("other@council.example", store.RoleStaff)
	fresh := e.newUnsetStaff("fresh@council.example")
	fresh.get("/account/two-factor")
	m := regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)" width="240" height="240" alt="QR code to scan with your authenticator app"`).FindStringSubmatch(fresh.last)
	if m == nil {
		t.Fatalf("no QR code on the set-up page:\n%s", fresh.last)
	}
	raw, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 240 {
		t.Fatalf("the QR code is not a 240-pixel PNG: %v", err)
	}
	fresh.post("/account/two-factor", "code", "123456").status(422).see("The code is not correct")
	fresh.post("/account/two-factor", "code", "12345").status(422).see("The code must be 6 numbers")
	if e.user("fresh@council.example").TOTPSecret != "" {
		t.Fatal("a key was kept before a code from it was entered")
	}
	if csp := b.send(http.MethodGet, "/account/two-factor", nil, nil).header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:") {
		t.Fatalf("the CSP does not allow the QR code: %s", csp)
	}

	// A code of the step before or after is accepted, one two steps away is not.
	secret := e.totp["jo@council.example"]
	for _, c := range []struct {
		offset time.Duration
		ok     bool
	}{{-2 * totpPeriod, false}, {-totpPeriod, true}, {3 * totpPeriod, false}, {totpPeriod, true}} {
		e.clock.Advance(3 * totpPeriod)
		code, _ := totp.GenerateCodeCustom(secret, e.clock.Now().Add(c.offset), totpOptions)
		s := e.signInPassword("jo@council.example", testPassword).post("/login/two-factor", "code", code)
		if s.signedIn() != c.ok {
			t.Errorf("a code from %v away: signed in %v, want %v", c.offset, !c.ok, c.ok)
		}
	}
}

// newUnsetStaff makes a staff account without an app and signs in with the password and emailed code:
// the browser is at the set-up page.
func (e *env) newUnsetStaff(email string) *browser {
	e.t.Helper()
	hash, err := hashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.clock.Now()
	if err := e.store.CreateUser(context.Background(), &store.User{ID: store.NewID(), Email: email, Forename: "Fen", Surname: "Fresh",
		Role: store.RoleStaff, PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}); err != nil {
		e.t.Fatal(err)
	}
	return e.browser().login(email, testPassword).see("Set up two-factor authentication")
}

// V2.8.4 and V2.8.5: an authenticator code works once. Used again within its half minute it is refused,
// logged, and the holder is told by email: someone may have watched them type it.
func TestASVS_V2_8_4_AuthenticatorCodeWorksOnce(t *testing.T) {
	e := newEnv(t)
	e.newStaffUser("sam@council.example", store.RoleStaff).post("/logout")
	log := e.captureLog()
	code := e.totpCode("sam@council.example")
	first := e.signInPassword("sam@council.example", testPassword).post("/login/two-factor", "code", code)
	if !first.signedIn() {
		t.Fatal("the code did not sign in")
	}
	replay := e.signInPassword("sam@council.example", testPassword).post("/login/two-factor", "code", code).status(422).
		see("This code has been used already")
	if replay.signedIn() {
		t.Fatal("a used code signed in again")
	}
	if !strings.Contains(log.String(), "authenticator code used again") {
		t.Fatal("the reuse was not logged")
	}
	if m := mustMail(t, e)[0]; m.To != "sam@council.example" || m.Subject != "A code from your authenticator app was used again" {
		t.Fatalf("the holder was not told: %+v", m)
	}
}

// V2.2.1: wrong authenticator codes are limited per account, so the million codes cannot be tried: after
// maxSecondFactorTries wrong ones in the window even the right one waits.
func TestASVS_V2_2_1_AuthenticatorGuessesLimited(t *testing.T) {
	e := newEnv(t)
	e.newStaffUser("guessed@council.example", store.RoleStaff).post("/logout")
	for i, ip := range sourceAddrs(2, maxSecondFactorTries) {
		e.browserFrom(ip).get("/login").post("/login", "email", "guessed@council.example", "password", testPassword).
			see("Enter the code from your authenticator app").post("/login/two-factor", "code", fmt.Sprintf("%06d", 314159+i)).status(422).see("The code is not correct")
	}
	b := e.browserFrom("127.0.0.30").get("/login").post("/login", "email", "guessed@council.example", "password", testPassword)
	b.post("/login/two-factor", "code", e.totpCode("guessed@council.example")).status(422).see("You have entered too many wrong codes")
	e.clock.Advance(rateWindow)
	if !e.signIn("guessed@council.example", testPassword).signedIn() {
		t.Fatal("the owner was not let in after the window")
	}
	perHour := float64(maxSecondFactorTries) * float64(time.Hour/rateWindow)
	t.Logf("at %.0f guesses an hour at one account's authenticator codes (3 valid of a million at any time), a 50%% chance of a right guess takes %.1f years, for someone who already has the password",
		perHour, 1e6/3*math.Ln2/perHour/24/365.25)
}

// --- recovery codes --------------------------------------------------------------------------------

// V2.6.1, V2.6.2 and V2.6.3: ten recovery codes, shown once, 80 random bits each, kept only as salted
// hashes; each signs in once in place of the app's code, and its holder is told. New codes replace every
// old one.
func TestASVS_V2_6_1_RecoveryCodesWorkOnce(t *testing.T) {
	e := newEnv(t)
	e.staff("kit@council.example", false).get("/logout").post("/logout")
	codes := e.recovery["kit@council.example"]
	if len(codes) != recoveryCodeCount || len(slices.Compact(slices.Sorted(slices.Values(codes)))) != recoveryCodeCount {
		t.Fatalf("recovery codes: %v", codes)
	}
	stored, err := e.store.RecoveryCodes(context.Background(), e.user("kit@council.example").ID)
	if err != nil || len(stored) != recoveryCodeCount {
		t.Fatalf("stored recovery codes: %d, %v", len(stored), err)
	}
	for _, c := range stored {
		for _, code := range codes {
			if strings.Contains(c.Hash+c.Salt, normaliseRecoveryCode(code)) {
				t.Fatal("a recovery code is kept in clear")
			}
		}
		if len(c.Salt) < 8 {
			t.Fatalf("salt %q", c.Salt)
		}
	}
	if stored[0].Salt == stored[1].Salt {
		t.Fatal("recovery codes share a salt")
	}
	// Shown only once: the account page says how many are left, never the codes.
	page := e.signIn("kit@council.example", testPassword).get("/account/two-factor").see("You have 10 of 10 recovery codes left").last
	if strings.Contains(page, codes[0]) {
		t.Fatal("the recovery codes are shown again")
	}

	// Typed in capitals and without dashes, the first one signs in once.
	typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", ""))
	if !e.signInPassword("kit@council.example", testPassword).post("/login/two-factor", "code", typed).signedIn() {
		t.Fatal("a recovery code did not sign in")
	}
	if m := mustMail(t, e)[0]; m.Subject != "A recovery code was used to sign in" || !strings.Contains(m.Text, "You have 9 left") {
		t.Fatalf("the holder was not told: %+v", m)
	}
	e.signInPassword("kit@council.example", testPassword).post("/login/two-factor", "code", codes[0]).status(422).see("This recovery code has been used already")

	// New codes, for a code from the app, replace the old ones.
	s := e.signIn("kit@council.example", testPassword).get("/account/two-factor").see("You have 9 of 10")
	s.post("/account/two-factor", "code", e.totpCode("kit@council.example")).see("Your recovery codes")
	fresh := s.recoveryCodes()
	e.signInPassword("kit@council.example", testPassword).post("/login/two-factor", "code", codes[1]).status(422).see("The code is not correct")
	if !e.signInPassword("kit@council.example", testPassword).post("/login/two-factor", "code", fresh[9]).signedIn() {
		t.Fatal("a new recovery code did not sign in")
	}
}

// --- the first password ----------------------------------------------------------------------------

// V2.3.1: the first password `portal staff create` prints must not become the long-term password. At the
// first sign-in (with the emailed code) nothing but the page to change it opens; the new one must differ;
// then the app is set up, and the printed password no longer signs in.
func TestASVS_V2_3_1_FirstStaffPasswordChangedAtFirstSignIn(t *testing.T) {
	e := newEnv(t)
	first, err := NewStaff(context.Background(), e.store, "jo@council.example", "Jo", "Worker", false, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser().login("jo@council.example", first).see("Choose a new password", "was shown to whoever created your account")
	for _, path := range []string{"/staff", "/account", "/account/password", "/account/two-factor"} {
		r := b.send(http.MethodGet, path, nil, nil)
		if path == "/account/two-factor" {
			// The set-up page waits for the password too.
			r = b.send(http.MethodGet, "/staff/accounts", nil, nil)
		}
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/account/new-password" {
			t.Errorf("GET %s with the first password: %d %q, want the new-password page", path, r.code, r.header.Get("Location"))
		}
	}
	b.get("/account/new-password")
	b.post("/account/new-password", "password", first, "confirm", first).status(422).see("Choose a password different from the one you were given")
	b.post("/account/new-password", "password", "password123", "confirm", "password123").status(422).see("Choose a password that is harder to guess")
	b.post("/account/new-password", "password", testPassword, "confirm", testPassword+"x").status(422).see("Enter the same password in both boxes")
	b.post("/account/new-password", "password", testPassword, "confirm", testPassword).see("Set up two-factor authentication")
	if m := mustMail(t, e)[0]; m.Subject != "Your password has been changed" {
		t.Fatalf("no email about the change: %+v", m)
	}
	if u := e.user("jo@council.example"); u.MustChangePassword || !passwordMatches(testPassword, u.PasswordHash) {
		t.Fatal("the new password was not kept")
	}
	b.get("/account/new-password").see("Set up two-factor authentication") // done with: on to the app
	if e.signInPassword("jo@council.example", first).code != http.StatusUnprocessableEntity {
		t.Fatal("the printed password still signs in")
	}
}
