package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

func TestRegistrationJourney(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/login").status(200).see("Secure login", "Existing users", "New users", "Register for new account")
	b.get("/register").see("Register a new account", "Forename", "Surname", "Questions marked with")

	b.post("/register", "forename", "", "surname", "Berry").status(422).see("There is a problem", "Enter your forename")
	b.post("/register", "forename", "Rose", "surname", "Berry")
	b.see("Email address", "Please enter the same password")

	b.post("/register/email", "email", "rose@example", "password", "short", "confirm", "short").status(422).
		see("Enter an email address in the correct format, like name@example.com", "Password must be 10 characters or more")
	b.post("/register/email", "email", "rose.berry@example.org", "password", "password123", "confirm", "password123").status(422).
		see("Choose a password that is harder to guess")
	b.post("/register/email", "email", "rose.berry@example.org", "password", testPassword, "confirm", testPassword+"x").status(422).
		see("Enter the same password in both boxes")
	b.post("/register/email", "email", "Rose.Berry@Example.org", "password", testPassword, "confirm", testPassword).
		see("Please verify your email address", "spam")
	if !strings.Contains(b.last, `aria-current="page">Register a new account - step 3</li>`) {
		t.Errorf("step 3 has no breadcrumb as steps 1 and 2 have:\n%s", htmlText(b.last))
	}

	mails, _ := e.store.RecentMail(context.Background(), 10)
	if len(mails) != 1 || mails[0].To != "rose.berry@example.org" || mails[0].Subject != "Please verify your email address" {
		t.Fatalf("verification email: %+v", mails)
	}
	code := e.lastCode("rose.berry@example.org")
	b.post("/register/verify", "code", strings.ReplaceAll(code, " ", "")).see("Terms and conditions") // without the space
	b.post("/register/terms").status(422).see("Select that you agree to the terms and conditions")
	b.post("/register/terms", "agree", "yes").see("Registration complete")
	b.get("/account").status(200).see("Update account", "rose.berry@example.org")

	b.post("/logout").see("You have signed out")
	b.get("/account").see("Secure login")
	b.post("/login", "email", "rose.berry@example.org", "password", testPassword).see("Check your email", "We have sent a code to rose.berry@example.org")
	b.post("/login/code", "code", e.lastCode("rose.berry@example.org"))
	b.see("Update account") // back to the page that asked for login
}

func TestCodeWithSpaceAccepted(t *testing.T) {
	e := newEnv(t)
	b := e.register("a@example.org") // register enters the code as emailed, "1234 5678"
	b.get("/account").status(200)
}

func TestWrongExpiredReusedAndTooManyCodes(t *testing.T) {
	e := newEnv(t)
	start := func(email string) *browser {
		b := e.browser()
		b.get("/register").post("/register", "forename", "A", "surname", "B").
			post("/register/email", "email", email, "password", testPassword, "confirm", testPassword)
		return b
	}
	wrong := func(code string) string {
		if code[0] == '9' {
			return "1" + code[1:]
		}
		return "9" + code[1:]
	}

	{ // wrong
		b := start("wrong@example.org")
		b.post("/register/verify", "code", wrong(e.lastCode("wrong@example.org"))).status(422).see("The code is not correct")
		b.post("/register/verify", "code", "12ab").status(422).see("The code must be 8 numbers")
		b.post("/register/verify", "code", "").status(422).see("Enter the code from the email")
	}
	{ // expired
		b := start("expired@example.org")
		code := e.lastCode("expired@example.org")
		e.clock.Advance(16 * time.Minute)
		b.post("/register/verify", "code", code).status(422).see("This code has expired. Ask for a new code")
		b.post("/register/resend").see("We have sent a new code")
		b.post("/register/verify", "code", e.lastCode("expired@example.org")).see("Terms and conditions")
	}
	{ // too many tries
		b := start("tries@example.org")
		code := e.lastCode("tries@example.org")
		for range maxCodeTries {
			b.post("/register/verify", "code", wrong(code)).status(422)
		}
		b.post("/register/verify", "code", code).status(422).see("You have entered the wrong code too many times")
	}
	{ // reused
		e.register("reuse@example.org").post("/logout")
		b := e.browser()
		b.get("/password/forgotten").post("/password/forgotten", "email", "reuse@example.org").see("Choose a new password")
		code := e.lastCode("reuse@example.org")
		b.post("/password/reset", "code", code, "password", "another long passphrase", "confirm", "another long passphrase").
			see("Your password has been reset")
		b.get("/password/forgotten").post("/password/forgotten", "email", "reuse@example.org")
		// The first code again: a new code retires it.
		b.post("/password/reset", "code", code, "password", "a third long passphrase", "confirm", "a third long passphrase").
			status(422).see("The code is not correct")
	}
	{ // used code cannot be used twice
		e.register("twice@example.org").post("/logout")
		b := e.browser()
		b.get("/password/forgotten").post("/password/forgotten", "email", "twice@example.org")
		code := e.lastCode("twice@example.org")
		b.post("/password/reset", "code", code, "password", "another long passphrase", "confirm", "another long passphrase").see("Your password has been reset")
		b.get("/password/forgotten").post("/password/forgotten", "email", "twice@example.org")
		u, _ := e.store.UserByEmail(context.Background(), "twice@example.org")
		c, _ := e.store.LatestCode(context.Background(), u.ID, "reset-password")
		c.UsedAt = e.clock.Now() // the newest code already used: as if its email were replayed
		e.store.UpdateCode(context.Background(), c)
		b.post("/password/reset", "code", e.lastCode("twice@example.org"), "password", "a third long passphrase", "confirm", "a third long passphrase").
			status(422).see("This code has already been used")
	}
}

// sameAnswer strips what differs between two responses for reasons unrelated to accounts (the CSRF token).
func sameAnswer(a, b string) bool {
	strip := func(s string) string { return metaCSRF.ReplaceAllString(csrfRE.ReplaceAllString(s, ""), "") }
	return strip(a) == strip(b)
}

var metaCSRF = regexp.MustCompile(`<meta name="csrf-token" content="[^"]*">`)

func TestNoAccountEnumeration(t *testing.T) {
	e := newEnv(t)
	e.register("known@example.org").post("/logout")

	known := e.browser().get("/login").post("/login", "email", "known@example.org", "password", "wrong password here")
	unknown := e.browser().get("/login").post("/login", "email", "nobody@example.org", "password", "wrong password here")
	if known.code != unknown.code || !sameAnswer(known.last, strings.ReplaceAll(unknown.last, "nobody@", "known@")) {
		t.Fatalf("login answers differ: %d vs %d", known.code, unknown.code)
	}
	known.see("Enter a correct email address and password")

	// Timing: an unknown address costs a password hash too.
	timeLogin := func(email string) time.Duration {
		b := e.browser().get("/login")
		start := time.Now()
		b.post("/login", "email", email, "password", "wrong password here")
		return time.Since(start)
	}
	// The quickest of three each, alternating: a garbage collection during one (the password hash takes
	// 64 MiB) would otherwise make that one look slow.
	k, u := time.Hour, time.Hour
	for i := range 3 {
		k, u = min(k, timeLogin("known@example.org")), min(u, timeLogin(fmt.Sprintf("nobody%d@example.org", i+2)))
	}
	if u < k/3 {
		t.Fatalf("an unknown address answers much faster (%v) than a known one (%v)", u, k)
	}

	regKnown := e.browser().get("/register").post("/register", "forename", "A", "surname", "B").
		post("/register/email", "email", "known@example.org", "password", testPassword, "confirm", testPassword)
	regNew := e.browser().get("/register").post("/register", "forename", "A", "surname", "B").
		post("/register/email", "email", "new@example.org", "password", testPassword, "confirm", testPassword)
	if regKnown.code != regNew.code || !sameAnswer(regKnown.last, strings.ReplaceAll(regNew.last, "new@", "known@")) {
		t.Fatal("registering a known address reads differently from a new one")
	}
	mails, _ := e.store.RecentMail(context.Background(), 10)
	if mails[0].To != "new@example.org" || mails[1].To != "known@example.org" || mails[1].Subject != "You already have an account" {
		t.Fatalf("the known address should be told it has an account: %+v", mails[:2])
	}

	fKnown := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "known@example.org")
	fUnknown := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "nobody@example.org")
	if fKnown.code != fUnknown.code || !sameAnswer(fKnown.last, strings.ReplaceAll(fUnknown.last, "nobody@", "known@")) {
		t.Fatal("forgotten password reads differently for known and unknown addresses")
	}
}

// After wrong passwords an account's sign-in needs an emailed code as well; it is never locked.
func TestLoginNeedsACodeAfterWrongPasswords(t *testing.T) {
	e := newEnv(t)
	e.register("limited@example.org").post("/logout")
	b := e.browser().get("/login")
	for range maxLoginPerAccount {
		b.post("/login", "email", "limited@example.org", "password", "not the password").status(422)
	}
	b.post("/login", "email", "limited@example.org", "password", testPassword).status(200).see("Check your email")
	b.post("/login/code", "code", "").status(422).see("Enter the code from the email")
	b.post("/login/code", "code", e.lastCode("limited@example.org")).see("Update account")
	// An unknown address reads the same.
	g := e.browser().get("/login")
	for range maxLoginPerAccount {
		g.post("/login", "email", "ghost@example.org", "password", "not the password")
	}
	g.post("/login", "email", "ghost@example.org", "password", "not the password").status(200).see("Check your email")
	g.post("/login/code", "code", "12345678").status(422).see("The code is not correct")
	e.clock.Advance(rateWindow + time.Minute)
	e.browser().login("limited@example.org", testPassword).see("Update account")
}

// A registration never verified is deleted a day later (its session has ended by then), with its code.
func TestPendingRegistrationsDeletedAfterADay(t *testing.T) {
	e := newEnv(t)
	b := e.browser().startRegistration("Rose", "later@example.org", testPassword)
	s, err := e.store.SessionByID(context.Background(), sessionID(b.sessionCookie().Value))
	if err != nil {
		t.Fatal(err)
	}
	pending := s.Data[keyPending]
	e.clock.Advance(anonymousIdle - time.Minute)
	e.app.Housekeep(context.Background())
	if _, err := e.store.PendingRegistrationByID(context.Background(), pending); err != nil {
		t.Fatalf("a pending registration was deleted within a day: %v", err)
	}
	e.clock.Advance(time.Hour)
	e.app.Housekeep(context.Background())
	if _, err := e.store.PendingRegistrationByID(context.Background(), pending); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a pending registration was kept over a day: %v", err)
	}
	if _, err := e.store.LatestCode(context.Background(), pending, store.CodeVerifyEmail); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("its code was kept a day after it expired: %v", err)
	}
}

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	b := e.browser().get("/login")
	v := url.Values{"email": {"a@example.org"}, "password": {"whatever"}}
	b.postRaw("/login", v, nil).status(http.StatusForbidden).see("Your page has expired")
	v.Set("csrf_token", "forged")
	b.postRaw("/login", v, nil).status(http.StatusForbidden)
	b.get("/login")
	v.Set("csrf_token", b.csrf())
	b.postRaw("/login", v, http.Header{"Sec-Fetch-Site": {"cross-site"}}).status(http.StatusForbidden)
	b.postRaw("/login", v, nil).status(422) // the right token from the same site goes through
}

func TestSessionRenewedAtLoginAndEndedAtLogout(t *testing.T) {
	e := newEnv(t)
	e.register("fix@example.org").post("/logout")
	// Showing the login page stores no session; starting to register does.
	b := e.browser().get("/login")
	if b.sessionCookie() != nil {
		t.Fatal("the login page started a session")
	}
	b.get("/register").post("/register", "forename", "Rose", "surname", "Berry")
	before := b.sessionCookie().Value
	b.login("fix@example.org", testPassword)
	after := b.sessionCookie().Value
	if before == after {
		t.Fatal("the session token did not change at login")
	}
	// An attacker holding the pre-login token gets nothing.
	attacker := e.browser()
	u, _ := url.Parse(e.srv.URL)
	attacker.c.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: before}})
	attacker.get("/account").see("Secure login")

	// After logout the old token is dead server-side, even if replayed.
	b.get("/account").post("/logout")
	replay := e.browser()
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: after}})
	replay.get("/account").see("Secure login")
}

func TestIdleTimeoutAndLifetime(t *testing.T) {
	e := newEnv(t)
	b := e.register("idle@example.org")
	e.clock.Advance(9 * time.Minute)
	b.get("/account").status(200).see("Update account")
	e.clock.Advance(9 * time.Minute) // 9 minutes since the last request: still in
	b.get("/account").status(200)
	e.clock.Advance(11 * time.Minute)
	b.get("/account").see("Secure login", "You were signed out because you did nothing for 10 minutes")

	// The keepalive keeps a session alive; the absolute lifetime still ends it.
	b.post("/login", "email", "idle@example.org", "password", testPassword)
	for range 12 * 7 {
		e.clock.Advance(9 * time.Minute)
		b.get("/account")
		if b.code != 200 || !strings.Contains(b.last, "Update account") {
			break
		}
	}
	b.see("Secure login")
}

func TestKeepaliveNeedsCSRFAndExtendsSession(t *testing.T) {
	e := newEnv(t)
	b := e.register("keep@example.org")
	b.get("/account")
	token := b.csrf()
	e.clock.Advance(8 * time.Minute)
	b.postRaw("/session/keepalive", url.Values{}, http.Header{"X-Csrf-Token": {token}}).status(http.StatusNoContent)
	e.clock.Advance(8 * time.Minute)
	b.get("/account").status(200).see("Update account")
	b.postRaw("/session/keepalive", url.Values{}, nil).status(http.StatusForbidden)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	a := e.register("change@example.org")
	other := e.browser().get("/login").post("/login", "email", "change@example.org", "password", testPassword)
	other.get("/account").status(200)

	a.get("/account/password")
	a.post("/account/password", "current", "wrong", "password", "new long passphrase here", "confirm", "new long passphrase here").
		status(422).see("Your current password is not correct")
	a.post("/account/password", "current", testPassword, "password", "new long passphrase here", "confirm", "new long passphrase here").
		see("Your password has been changed")
	a.get("/account").status(200).see("Update account") // this session goes on
	other.get("/account").see("Secure login")           // the other one ended

	e.browser().get("/login").post("/login", "email", "change@example.org", "password", testPassword).status(422)
	e.browser().get("/login").post("/login", "email", "change@example.org", "password", "new long passphrase here").see("Children's Services Portal")
}

func TestUpdateAccountValidatesTelephone(t *testing.T) {
	e := newEnv(t)
	b := e.register("acc@example.org").get("/account")
	b.post("/account", "forename", "Rose", "surname", "Berry", "organisation", "Cherwell School", "phone", "01632 960 0").
		status(422).see("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
	// Typed as people write it, kept as digits only (the seeds' rule).
	b.post("/account", "forename", "Rose", "surname", "Berry-Smith", "organisation", "Cherwell School", "phone", "+44 1632 960 001").
		see("Your account details have been saved")
	u, _ := e.store.UserByEmail(context.Background(), "acc@example.org")
	if u.Surname != "Berry-Smith" || u.Phone != "01632960001" || u.Organisation != "Cherwell School" {
		t.Fatalf("account not saved: %+v", u)
	}
}

func TestSecurityHeadersAndErrors(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, resp.Header.Get(h), want)
		}
	}
	c := resp.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v is not HttpOnly and SameSite", c)
	}
	e.browser().get("/no/such/page").status(404).see("Page not found")
	e.browser().get("/healthz").status(200)
	e.browser().get("/readyz").status(200)
	e.store.Close()
	e.browser().get("/readyz").status(http.StatusServiceUnavailable)
}

func TestPanicBecomesLogged500Page(t *testing.T) {
	e := newEnv(t)
	e.app.router.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("a bug") })
	e.browser().get("/boom").status(http.StatusInternalServerError).see("Sorry, there is a problem with the service")
}
