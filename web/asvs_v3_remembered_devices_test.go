package web

// OWASP ASVS 4.0.3, Level 2, chapter V3 Session Management, for the accounts of issue 12: browsers
// remembered after a sign-in code, signing out everywhere, and staff accounts an admin disables.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

// deviceCookie is the browser's remembered-device cookie, or nil.
func (b *browser) deviceCookie() *http.Cookie {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "device" {
			return c
		}
	}
	return nil
}

// rememberedLogin signs in with the emailed code, ticking "Remember this device".
func (b *browser) rememberedLogin(email string) *browser {
	b.e.t.Helper()
	b.get("/login").post("/login", "email", email, "password", testPassword).see("Check your email", "Remember this device for 30 days")
	return b.post("/login/code", "code", b.e.lastCode(email), "remember", "yes")
}

// V3.2.2 and V3.2.3: "Remember this device for 30 days" gives the browser a cookie of 256 random bits
// that the store keeps only as a hash. It stands for the emailed code for its own account only, for 30
// days; a forged or copied-to-another-account cookie is worth nothing.
func TestASVS_V3_2_2_RememberedDeviceSkipsTheCodeForItsAccountOnly(t *testing.T) {
	e := newEnv(t)
	e.register("rose@school.example").post("/logout")
	e.register("sam@school.example").post("/logout")
	b := e.browser().rememberedLogin("rose@school.example")
	if !b.signedIn() {
		t.Fatal("the code did not sign in")
	}
	c := b.deviceCookie()
	if c == nil || len(c.Value) != 43 {
		t.Fatalf("remembered-device cookie: %+v", c)
	}
	if d, err := e.store.DeviceByID(context.Background(), sessionID(c.Value)); err != nil || !d.ExpiresAt.Equal(e.clock.Now().Add(30*24*time.Hour)) {
		t.Fatalf("the store does not keep the token's hash for 30 days: %+v, %v", d, err)
	}
	if _, err := e.store.DeviceByID(context.Background(), c.Value); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("the store keeps the remembered-device token itself")
	}
	b.post("/logout")

	codes := e.codesTo("rose@school.example")
	e.clock.Advance(29 * 24 * time.Hour)
	b.get("/login").post("/login", "email", "rose@school.example", "password", testPassword)
	if !b.signedIn() || e.codesTo("rose@school.example") != codes {
		t.Fatal("the remembered browser was asked for a code")
	}
	b.post("/logout")
	// Another account in the same browser is asked for its code.
	b.get("/login").post("/login", "email", "sam@school.example", "password", testPassword).see("Check your email")
	// Past 30 days, the browser is asked again.
	e.clock.Advance(2 * 24 * time.Hour)
	b.get("/login").post("/login", "email", "rose@school.example", "password", testPassword).see("Check your email")

	// A made-up cookie is nothing.
	forger := e.browser()
	u, _ := url.Parse(e.srv.URL)
	forger.c.Jar.SetCookies(u, []*http.Cookie{{Name: "device", Value: newToken()}})
	forger.get("/login").post("/login", "email", "sam@school.example", "password", testPassword).see("Check your email")
}

// V3.3.3: changing or resetting the password signs out every other session and forgets every remembered
// browser, so whoever knew the old password has neither a session nor a way past the code.
func TestASVS_V3_3_3_PasswordChangeForgetsRememberedDevices(t *testing.T) {
	e := newEnv(t)
	e.register("rose@school.example").post("/logout")
	laptop := e.browser().rememberedLogin("rose@school.example")
	laptop.post("/logout")
	here := e.signIn("rose@school.example", testPassword)
	here.get("/account/password").post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse").
		see("Your password has been changed")
	if !here.signedIn() {
		t.Fatal("the session that changed the password was signed out")
	}
	laptop.get("/login").post("/login", "email", "rose@school.example", "password", "fresh marmot lighthouse").see("Check your email")

	// A reset does the same.
	e.register("sam@school.example").post("/logout")
	phone := e.browser().rememberedLogin("sam@school.example")
	phone.post("/logout")
	open := e.signIn("sam@school.example", testPassword)
	r := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "sam@school.example")
	r.post("/password/reset", "code", e.lastCode("sam@school.example"), "password", "another long passphrase", "confirm", "another long passphrase").
		see("Your password has been reset")
	phone.get("/login").post("/login", "email", "sam@school.example", "password", "another long passphrase").see("Check your email")
	if open.signedIn() {
		t.Fatal("a session survived the reset")
	}
}

// V3.3.4: "Sign out of every device" on the account page ends every session of the account, this one too,
// and forgets every remembered browser.
func TestASVS_V3_3_4_SignOutOfEveryDevice(t *testing.T) {
	e := newEnv(t)
	e.register("rose@school.example").post("/logout")
	laptop := e.browser().rememberedLogin("rose@school.example")
	phone := e.signIn("rose@school.example", testPassword)
	phone.get("/account").see("Sign out of every device")
	phone.post("/account/sign-out-everywhere").see("You have signed out")
	if phone.signedIn() || laptop.signedIn() {
		t.Fatal("a session survived signing out of every device")
	}
	laptop.get("/login").post("/login", "email", "rose@school.example", "password", testPassword).see("Check your email")
	// Only by a POST with the CSRF token: another site cannot sign anyone out everywhere.
	victim := e.signIn("rose@school.example", testPassword)
	r := victim.send(http.MethodPost, "/account/sign-out-everywhere", strings.NewReader(""), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if r.code != http.StatusForbidden || !victim.signedIn() {
		t.Fatalf("a post without the token: %d, still signed in %v", r.code, victim.signedIn())
	}
}

// V3.3.1 and V8.3.4's spirit for staff: an admin disables a staff account from the console. Its sessions
// end at once, its remembered browsers are forgotten, and it cannot sign in until enabled again; every
// change is audited. Only admins may do it, never to themselves.
func TestASVS_V3_3_1_DisabledStaffAccountsAreSignedOut(t *testing.T) {
	e := newEnv(t)
	admin := e.newStaffUser("boss@council.example", store.RoleAdmin)
	worker := e.newStaffUser("worker@council.example", store.RoleStaff)
	worker.get("/staff").status(200)
	id := e.user("worker@council.example").ID

	worker.get("/staff/accounts").status(http.StatusNotFound) // admins only
	worker.get("/staff")
	worker.post("/staff/accounts/" + e.user("boss@council.example").ID + "/disable").status(http.StatusNotFound)
	if e.user("boss@council.example").Disabled() {
		t.Fatal("a member of staff disabled an admin")
	}

	admin.get("/staff/accounts").see("Staff accounts", "worker@council.example", "Active", "Set up")
	admin.post("/staff/accounts/" + id + "/disable").see("Disabled on 2 March 2026")
	worker.get("/staff").see("Secure login")
	if worker.signedIn() {
		t.Fatal("the disabled account's session carried on")
	}
	e.signInPassword("worker@council.example", testPassword).status(http.StatusForbidden).see("Your account has been disabled")

	admin.post("/staff/accounts/" + e.user("boss@council.example").ID + "/disable").status(422).see("You cannot disable your own account")
	pro := e.register("pro@school.example").e.user("pro@school.example")
	admin.get("/staff/accounts").post("/staff/accounts/" + pro.ID + "/disable").status(http.StatusNotFound) // staff accounts only

	admin.get("/staff/accounts").post("/staff/accounts/" + id + "/enable").see("Active")
	if !e.signIn("worker@council.example", testPassword).signedIn() {
		t.Fatal("the enabled account cannot sign in")
	}
	audit, err := e.store.AuditLog(context.Background(), store.AuditFilter{Actor: "boss@council.example", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if audit[0].Action != "enabled staff account" || audit[1].Action != "disabled staff account" || audit[1].Actor != "boss@council.example" || audit[1].Target != "worker@council.example" {
		t.Fatalf("audit: %+v", audit[:2])
	}
}

// V2.8.6: a lost or stolen phone's authenticator can be revoked. An admin resets the account's app: its
// key and recovery codes are gone and it is signed out; its owner signs in with the password and an
// emailed code and sets up an app again before anything else.
func TestASVS_V2_8_6_AdminResetsALostAuthenticator(t *testing.T) {
	e := newEnv(t)
	admin := e.newStaffUser("boss@council.example", store.RoleAdmin)
	e.staff("lost@council.example", false)
	old := e.totp["lost@council.example"]
	admin.get("/staff/accounts").post("/staff/accounts/" + e.user("lost@council.example").ID + "/reset-two-factor").see("Staff accounts")
	if u := e.user("lost@council.example"); u.TOTPSecret != "" {
		t.Fatal("the app's key was kept")
	}
	if codes, _ := e.store.RecoveryCodes(context.Background(), e.user("lost@council.example").ID); len(codes) != 0 {
		t.Fatal("the recovery codes were kept")
	}
	delete(e.totp, "lost@council.example")
	b := e.signIn("lost@council.example", testPassword).see("Set up two-factor authentication")
	if b.setUpAuthenticator() == old {
		t.Fatal("the old key was offered again")
	}
}
