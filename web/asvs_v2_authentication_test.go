package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

// ASVS asks for 12 characters. The portal deliberately asks for 10 with a check against common and
// guessable passwords (zxcvbn), following NCSC guidance that length plus a deny-list beats a longer
// minimum; this proves the 10-character minimum on every path where a password is chosen.
func TestASVS_V2_1_1_PasswordsAtLeast10Chars(t *testing.T) {
	e := newEnv(t)
	for _, p := range passwordPaths(e, "len") {
		if ok, page := p.try("vq8#Lm2pZ"); ok || !strings.Contains(page, "Password must be 10 characters or more") {
			t.Errorf("%s: a 9-character password was not refused for its length:\n%s", p.name, page)
		}
		if ok, page := p.try("vq8#Lm2pZx"); !ok {
			t.Errorf("%s: a strong 10-character password was refused:\n%s", p.name, page)
		}
	}
}

// ASVS permits 64 and denies over 128 characters. The portal permits up to 256 (a long passphrase from a
// password manager should never be refused; argon2id cost does not grow with length) and denies more.
func TestASVS_V2_1_2_PasswordsOf64To256CharsPermittedLongerDenied(t *testing.T) {
	e := newEnv(t)
	for _, p := range passwordPaths(e, "long") {
		for _, n := range []int{64, 128, 256} {
			if ok, page := p.try(randomPassword(uint64(n), n)); !ok {
				t.Errorf("%s: a %d-character password was refused:\n%s", p.name, n, page)
			}
		}
		if ok, page := p.try(randomPassword(257, 257)); ok || !strings.Contains(page, "Password must be 256 characters or fewer") {
			t.Errorf("%s: a 257-character password was not refused:\n%s", p.name, page)
		}
	}
	long := randomPassword(128, 128)
	e.registerWith("long-login@example.org", long).post("/logout")
	if !e.signIn("long-login@example.org", long).signedIn() {
		t.Fatal("cannot sign in with a 128-character password")
	}
}

func TestASVS_V2_1_3_PasswordsNotTruncated(t *testing.T) {
	e := newEnv(t)
	pw := randomPassword(3, 100)
	e.registerWith("trunc@example.org", pw).post("/logout")
	// bcrypt truncates at 72 bytes; any truncation would let a prefix in.
	for _, wrong := range []string{pw[:72], pw[:99], pw + "x", pw[:50]} {
		b := e.signIn("trunc@example.org", wrong)
		if b.code != http.StatusUnprocessableEntity {
			t.Fatalf("signed in with %d of the password's 100 characters (status %d)", len(wrong), b.code)
		}
	}
	if !e.signIn("trunc@example.org", pw).signedIn() {
		t.Fatal("the whole password does not sign in")
	}
}

func TestASVS_V2_1_4_AnyPrintableUnicodeInPasswords(t *testing.T) {
	e := newEnv(t)
	for i, pw := range []string{
		"ünïcødé pässwörd ñ ß",
		"日本語のパスワードです",
		"🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯🦁",
		"two  spaces\tand a tab",
		" leading and trailing spaces ",
		"Ελληνικά κρυφά λόγια",
	} {
		email := fmt.Sprintf("unicode%d@example.org", i)
		e.registerWith(email, pw).post("/logout")
		if !e.signIn(email, pw).signedIn() {
			t.Errorf("cannot sign in with %q", pw)
		}
		if e.signIn(email, strings.TrimSpace(pw)+"!").code != http.StatusUnprocessableEntity {
			t.Errorf("signed in with a different password than %q", pw)
		}
	}
}

func TestASVS_V2_1_5_UsersCanChangePassword(t *testing.T) {
	e := newEnv(t)
	b := e.register("change5@example.org")
	b.get("/account").see("Change your password")
	b.get("/account/password").status(200).see("Change your password")
	b.post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse").
		see("Your password has been changed")
	if e.signIn("change5@example.org", testPassword).code != http.StatusUnprocessableEntity {
		t.Fatal("the old password still signs in")
	}
	if !e.signIn("change5@example.org", "fresh marmot lighthouse").signedIn() {
		t.Fatal("the new password does not sign in")
	}
}

func TestASVS_V2_1_6_PasswordChangeRequiresCurrentPassword(t *testing.T) {
	e := newEnv(t)
	b := e.register("change6@example.org")
	before := e.user("change6@example.org").PasswordHash
	newPw := "fresh marmot lighthouse"
	b.get("/account/password")
	b.post("/account/password", "password", newPw, "confirm", newPw).status(422).see("Enter your current password")
	b.post("/account/password", "current", "not my password", "password", newPw, "confirm", newPw).status(422).
		see("Your current password is not correct")
	if e.user("change6@example.org").PasswordHash != before {
		t.Fatal("the password changed without the current password")
	}
	// The form is no oracle for guessing the current password: wrong guesses count as failed sign-ins.
	for range maxLoginPerAccount - 1 {
		b.post("/account/password", "current", "another guess", "password", newPw, "confirm", newPw).status(422)
	}
	b.post("/account/password", "current", testPassword, "password", newPw, "confirm", newPw).status(422).see("too many times")
	if e.user("change6@example.org").PasswordHash != before {
		t.Fatal("the password changed after too many wrong guesses")
	}
}

func TestASVS_V2_1_7_CommonPasswordsRejected(t *testing.T) {
	e := newEnv(t)
	common := []string{"password123", "password1234", "qwertyuiop", "1234567890", "1q2w3e4r5t", "qwerty123456",
		"iloveyou123", "abcdefghij", "aaaaaaaaaa", "letmein1234", "Password123!", "football123"}
	for _, p := range passwordPaths(e, "common") {
		for _, pw := range common {
			if ok, page := p.try(pw); ok || !strings.Contains(page, "Choose a password that is harder to guess") {
				t.Errorf("%s: the common password %q was not refused:\n%.300s", p.name, pw, page)
			}
		}
	}
	// The person's own name and address are as guessable as a common password.
	b := e.browser()
	b.get("/register").post("/register", "forename", "Rosalind", "surname", "Featherstonehaugh")
	for _, pw := range []string{"rosalind.featherstonehaugh@example.org", "featherstonehaugh", "RosalindFeatherstonehaugh1"} {
		b.post("/register/email", "email", "rosalind.featherstonehaugh@example.org", "password", pw, "confirm", pw).status(422).
			see("Choose a password that is harder to guess")
	}
}

func TestASVS_V2_1_9_NoCompositionRules(t *testing.T) {
	e := newEnv(t)
	for _, p := range passwordPaths(e, "compose") {
		for _, pw := range []string{"lantern quietly marmalade", "LANTERN QUIETLY MARMALADE", "84729 16384 90127 55318", "marmaladelanternquietly"} {
			if ok, page := p.try(pw); !ok {
				t.Errorf("%s: %q refused, though it is long and uncommon:\n%.300s", p.name, pw, page)
			}
		}
	}
}

func TestASVS_V2_1_10_NoPeriodicRotation(t *testing.T) {
	e := newEnv(t)
	e.register("old@example.org").post("/logout")
	e.clock.Advance(400 * 24 * time.Hour)
	b := e.browser().get("/login")
	r := b.sendForm("/login", "email", "old@example.org", "password", testPassword)
	if r.code != http.StatusSeeOther || strings.Contains(r.header.Get("Location"), "password") {
		t.Fatalf("signing in with a password over a year old: %d, to %q", r.code, r.header.Get("Location"))
	}
	b.get("/login/code").post("/login/code", "code", e.lastCode("old@example.org"))
	if !b.signedIn() {
		t.Fatal("a password over a year old no longer signs in")
	}
}

func TestASVS_V2_1_11_PasteAndPasswordManagersPermitted(t *testing.T) {
	e := newEnv(t)
	pages := map[string]string{}
	b := e.browser()
	pages["/login"] = b.get("/login").last
	pages["/register/email"] = b.get("/register").post("/register", "forename", "A", "surname", "B").last
	pages["/password/reset"] = e.browser().get("/password/forgotten").post("/password/forgotten", "email", "x@example.org").last
	pages["/account/password"] = e.register("paste@example.org").get("/account/password").last
	for name, page := range pages {
		inputs := passwordInputRE.FindAllString(page, -1)
		if len(inputs) == 0 {
			t.Errorf("%s: no password input", name)
		}
		for _, in := range inputs {
			if !strings.Contains(in, `autocomplete="current-password"`) && !strings.Contains(in, `autocomplete="new-password"`) {
				t.Errorf("%s: password input without a password-manager hint: %s", name, in)
			}
			for _, bad := range []string{"onpaste", "oncopy", "ondrop", `autocomplete="off"`, "maxlength", "readonly"} {
				if strings.Contains(strings.ToLower(in), bad) {
					t.Errorf("%s: password input blocks pasting or managers (%s): %s", name, bad, in)
				}
			}
		}
	}
}

// V2.2.1: anti-automation. After wrong passwords an account's sign-in needs an emailed code too, sign-ins
// are limited per network address, codes die after 5 wrong tries, code entry is limited per network
// address and codes sent per address per hour (more in asvs_v2_auth_test.go).
func TestASVS_V2_2_1_AntiAutomation(t *testing.T) {
	t.Run("sign-in per account", func(t *testing.T) {
		e := newEnv(t)
		e.register("victim@example.org").post("/logout")
		for i := range maxLoginPerAccount {
			// From several browsers: the limit is the account's, not the session's.
			e.signIn("victim@example.org", fmt.Sprintf("guess number %d", i)).status(422)
		}
		// Not locked (that would lock the owner out too): the password alone no longer signs in.
		b := e.signInPassword("victim@example.org", testPassword).see("Check your email", "Someone has entered wrong passwords")
		if b.signedIn() {
			t.Fatal("the password alone signed in after wrong passwords")
		}
		e.clock.Advance(rateWindow + time.Minute)
		if !e.signIn("victim@example.org", testPassword).signedIn() {
			t.Fatal("a code still needed after the window")
		}
	})
	t.Run("sign-in per network address", func(t *testing.T) {
		e := newEnv(t)
		e.register("sprayed@example.org").post("/logout")
		for i := range maxLoginPerClient {
			// Password spraying: one guess each at many accounts.
			e.signIn(fmt.Sprintf("target%d@example.org", i), "Summer2026!!").status(422)
		}
		e.signIn("sprayed@example.org", testPassword).status(http.StatusTooManyRequests)
	})
	t.Run("a code dies after 5 wrong tries", func(t *testing.T) {
		e := newEnv(t)
		b := e.browser()
		b.get("/register").post("/register", "forename", "A", "surname", "B").
			post("/register/email", "email", "tries@example.org", "password", testPassword, "confirm", testPassword)
		code := strings.ReplaceAll(e.lastCode("tries@example.org"), " ", "")
		wrong := fmt.Sprintf("%08d", (mustAtoi(t, code)+1)%100_000_000)
		for range maxCodeTries {
			b.post("/register/verify", "code", wrong).status(422)
		}
		b.post("/register/verify", "code", code).status(422).see("You have entered the wrong code too many times")
	})
	t.Run("code entry per network address", func(t *testing.T) {
		e := newEnv(t)
		victim := e.browser()
		victim.get("/register").post("/register", "forename", "A", "surname", "B").
			post("/register/email", "email", "late@example.org", "password", testPassword, "confirm", testPassword)
		// Guessing across many codes (each within its 5 tries) is limited per address too.
		guesser := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "nobody@example.org")
		for i := range maxCodeEntryPerClient {
			guesser.post("/password/reset", "code", fmt.Sprintf("%08d", i), "password", "another long passphrase", "confirm", "another long passphrase").status(422)
		}
		guesser.post("/password/reset", "code", "12345678", "password", "another long passphrase", "confirm", "another long passphrase").
			status(422).see("You have entered too many codes")
		victim.post("/register/verify", "code", e.lastCode("late@example.org")).status(422).see("You have entered too many codes")
	})
	t.Run("codes sent per address", func(t *testing.T) {
		e := newEnv(t)
		e.register("flood@example.org").post("/logout")
		b := e.browser()
		for range maxCodesPerHour {
			b.get("/password/forgotten").post("/password/forgotten", "email", "flood@example.org")
		}
		count := func() int {
			n := 0
			for _, m := range mustMail(t, e) {
				if m.To == "flood@example.org" {
					n++
				}
			}
			return n
		}
		before := count()
		b.get("/password/forgotten").post("/password/forgotten", "email", "flood@example.org").see("Choose a new password")
		if count() != before {
			t.Fatal("a code was sent beyond the hourly limit: an address can be mail-bombed")
		}
		r := e.browser()
		r.get("/register").post("/register", "forename", "A", "surname", "B")
		for range maxCodesPerHour {
			r.post("/register/email", "email", "flood2@example.org", "password", testPassword, "confirm", testPassword)
			r.get("/register/email")
		}
		r.post("/register/email", "email", "flood2@example.org", "password", testPassword, "confirm", testPassword).
			status(http.StatusTooManyRequests).see("We have sent too many codes to this address")
	})
}

func TestASVS_V2_2_3_NotificationAfterCredentialChange(t *testing.T) {
	e := newEnv(t)
	mailsTo := func(to string) []mailView {
		var out []mailView
		for _, m := range mustMail(t, e) {
			if m.To == to {
				out = append(out, m)
			}
		}
		return out
	}
	b := e.register("notify@example.org")
	before := len(mailsTo("notify@example.org"))
	b.get("/account/password").post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse").
		see("Your password has been changed")
	if got := mailsTo("notify@example.org"); len(got) == before || !strings.Contains(strings.ToLower(got[0].Subject+got[0].Text), "password") {
		t.Fatal("no email tells the account holder their password was changed (ASVS 2.2.3); someone who has taken over a session can change the password silently")
	}
	before = len(mailsTo("notify@example.org"))
	r := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "notify@example.org")
	r.post("/password/reset", "code", e.lastCode("notify@example.org"), "password", "another long passphrase", "confirm", "another long passphrase").
		see("Your password has been reset")
	if got := mailsTo("notify@example.org"); len(got) <= before+1 { // the code, then the notice
		t.Fatal("no email tells the account holder their password was reset")
	}
}

// V2.3.1: emailed codes are random and expire quickly. ASVS 2.7.2 asks 10 minutes for out-of-band
// codes; the portal's codes live 15 minutes (configurable as CodeLifetime), as the emails say, because
// council email often arrives slowly. 8 random digits are 26.6 bits, over the 20 of ASVS 2.7.6; the 5
// tries per code and 30 entries per address (V2.2.1) protect the small space.
func TestASVS_V2_3_1_CodesRandomAndExpireQuickly(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := newCode()
		if len(c) != 8 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q is not 8 digits", c)
		}
		seen[c] = true
	}
	if len(seen) < 995 {
		t.Fatalf("1000 codes had only %d different values: not random", len(seen))
	}

	e := newEnv(t)
	start := func(email string) *browser {
		b := e.browser()
		b.get("/register").post("/register", "forename", "A", "surname", "B").
			post("/register/email", "email", email, "password", testPassword, "confirm", testPassword)
		return b
	}
	b := start("slow@example.org")
	code := e.lastCode("slow@example.org")
	s, err := e.store.SessionByID(context.Background(), sessionID(b.sessionCookie().Value))
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.store.LatestCode(context.Background(), s.Data[keyPending], store.CodeVerifyEmail)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.Hash, strings.ReplaceAll(code, " ", "")) || c.ExpiresAt.Sub(c.CreatedAt) != e.app.cfg.CodeLifetime {
		t.Fatalf("code kept as %+v", c)
	}
	e.clock.Advance(e.app.cfg.CodeLifetime - time.Minute)
	b.post("/register/verify", "code", code).see("Terms and conditions")

	b = start("late@example.org")
	code = e.lastCode("late@example.org")
	e.clock.Advance(e.app.cfg.CodeLifetime + time.Second)
	b.post("/register/verify", "code", code).status(422).see("This code has expired")
}

// V2.4.1: passwords are stored with argon2id, at or above OWASP's minimum parameters.
func TestASVS_V2_4_1_PasswordsHashedWithArgon2id(t *testing.T) {
	e := newEnv(t)
	e.register("hash1@example.org")
	b := e.register("hash2@example.org")
	for _, email := range []string{"hash1@example.org", "hash2@example.org"} {
		checkArgon2id(t, e.user(email).PasswordHash, testPassword)
	}
	if e.user("hash1@example.org").PasswordHash == e.user("hash2@example.org").PasswordHash {
		t.Fatal("two accounts with the same password have the same hash: no salt")
	}
	b.get("/account/password").post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse")
	checkArgon2id(t, e.user("hash2@example.org").PasswordHash, "fresh marmot lighthouse")
	r := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "hash1@example.org")
	r.post("/password/reset", "code", e.lastCode("hash1@example.org"), "password", "another long passphrase", "confirm", "another long passphrase")
	checkArgon2id(t, e.user("hash1@example.org").PasswordHash, "another long passphrase")
}

// V2.4.2: salts are at least 32 bits (they are 128) and differ between accounts.
func TestASVS_V2_4_2_SaltAtLeast32Bits(t *testing.T) {
	e := newEnv(t)
	salts := map[string]bool{}
	for i := range 3 {
		email := fmt.Sprintf("salt%d@example.org", i)
		e.register(email)
		salt := checkArgon2id(t, e.user(email).PasswordHash, testPassword)
		if len(salt)*8 < 128 {
			t.Fatalf("salt of %d bits", len(salt)*8)
		}
		salts[string(salt)] = true
	}
	if len(salts) != 3 {
		t.Fatal("accounts share a salt")
	}
}

// ASVS 4.0.3 has no numbered requirement against account enumeration (3.x had one; 5.0 has V6.3.8).
// It belongs with V2: sign-in, registration, password reset and their rate limits answer alike whether or
// not an address has an account.
func TestASVS_V2_NoAccountEnumeration(t *testing.T) {
	e := newEnv(t)
	e.register("known@example.org").post("/logout")
	same := func(what string, known, unknown *browser, unknownAddr string) {
		t.Helper()
		if known.code != unknown.code || !sameAnswer(known.last, strings.ReplaceAll(unknown.last, unknownAddr, "known@example.org")) {
			t.Errorf("%s: an address with an account gets a different answer (%d vs %d)", what, known.code, unknown.code)
		}
	}
	same("sign-in", e.signIn("known@example.org", "wrong password here"), e.signIn("nobody@example.org", "wrong password here"), "nobody@example.org")
	for range maxLoginPerAccount {
		e.signIn("known@example.org", "wrong password here")
		e.signIn("nobody@example.org", "wrong password here")
	}
	same("sign-in when rate limited", e.signIn("known@example.org", "wrong password here"), e.signIn("nobody@example.org", "wrong password here"), "nobody@example.org")

	reg := func(email string) *browser {
		return e.browser().get("/register").post("/register", "forename", "A", "surname", "B").
			post("/register/email", "email", email, "password", testPassword, "confirm", testPassword)
	}
	same("registration", reg("known@example.org"), reg("newbie@example.org"), "newbie@example.org")
	forgot := func(email string) *browser {
		return e.browser().get("/password/forgotten").post("/password/forgotten", "email", email)
	}
	same("forgotten password", forgot("known@example.org"), forgot("nobody2@example.org"), "nobody2@example.org")
	reset := func(email string) *browser {
		return forgot(email).post("/password/reset", "code", "12345678", "password", "another long passphrase", "confirm", "another long passphrase")
	}
	same("password reset with a wrong code", reset("known@example.org"), reset("nobody3@example.org"), "nobody3@example.org")
}

func TestASVS_V2_5_3_RecoveryNeverRevealsPassword(t *testing.T) {
	e := newEnv(t)
	e.register("recover@example.org").post("/logout")
	hash := e.user("recover@example.org").PasswordHash
	b := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "recover@example.org")
	pages := b.last
	b.post("/password/reset", "code", e.lastCode("recover@example.org"), "password", "another long passphrase", "confirm", "another long passphrase").
		see("Your password has been reset")
	pages += b.last
	for _, m := range mustMail(t, e) {
		pages += m.Subject + m.Text
	}
	for _, secret := range []string{testPassword, "another long passphrase", hash, hash[len(hash)-20:]} {
		if strings.Contains(pages, secret) {
			t.Fatalf("recovery shows a password or its hash (%q)", secret)
		}
	}
}

func TestASVS_V2_5_4_NoDefaultAccounts(t *testing.T) {
	e := newEnv(t)
	for _, email := range []string{"admin", "admin@example.org", "root", "administrator", "sa", "test@example.org", "staff@example.org"} {
		for _, pw := range []string{"admin", "password", "changeme", "", "admin123456"} {
			if pw == "" {
				continue
			}
			b := e.browser().get("/login")
			b.post("/login", "email", email, "password", pw)
			if b.code != http.StatusUnprocessableEntity && b.code != http.StatusTooManyRequests {
				t.Fatalf("%s / %s: status %d", email, pw, b.code)
			}
		}
		e.clock.Advance(rateWindow + time.Minute)
	}
	if _, err := e.store.UserByEmail(context.Background(), "admin@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a fresh portal has an admin account: %v", err)
	}
}

// V2.5.6: the forgotten-password path proves control of the address with an emailed code, and the code
// resets only the account it was sent for.
func TestASVS_V2_5_6_SecureRecoveryMechanism(t *testing.T) {
	e := newEnv(t)
	e.register("victim@example.org").post("/logout")
	e.register("attacker@example.org").post("/logout")
	newPw := "another long passphrase"

	b := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "victim@example.org")
	b.post("/password/reset", "code", "00000000", "password", newPw, "confirm", newPw).status(422).see("The code is not correct")

	// The attacker's own code, in a session that now asks to reset the victim's password.
	a := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "attacker@example.org")
	attackerCode := e.lastCode("attacker@example.org")
	a.get("/password/forgotten").post("/password/forgotten", "email", "victim@example.org")
	a.post("/password/reset", "code", attackerCode, "password", newPw, "confirm", newPw).status(422).see("The code is not correct")
	if !passwordMatches(testPassword, e.user("victim@example.org").PasswordHash) {
		t.Fatal("the victim's password changed")
	}

	b.post("/password/reset", "code", e.lastCode("victim@example.org"), "password", newPw, "confirm", newPw).see("Your password has been reset")
	if !e.signIn("victim@example.org", newPw).signedIn() {
		t.Fatal("the new password does not sign in")
	}
}

// V2.7.3: a code is usable once, for the purpose and the request it was sent for.
func TestASVS_V2_7_3_CodesUsableOnceForTheirPurpose(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/register").post("/register", "forename", "A", "surname", "B").
		post("/register/email", "email", "once@example.org", "password", testPassword, "confirm", testPassword)
	verifyCode := e.lastCode("once@example.org")
	b.post("/register/verify", "code", verifyCode).see("Terms and conditions")
	b.post("/register/terms", "agree", "yes")
	b.post("/logout")

	// A registration code cannot reset the password.
	newPw := "another long passphrase"
	r := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "once@example.org")
	r.post("/password/reset", "code", verifyCode, "password", newPw, "confirm", newPw).status(422)

	resetCode := e.lastCode("once@example.org")
	r.post("/password/reset", "code", resetCode, "password", newPw, "confirm", newPw).see("Your password has been reset")
	// Used: not again, in a new request.
	r2 := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "once@example.org")
	r2.post("/password/reset", "code", resetCode, "password", "a third long passphrase", "confirm", "a third long passphrase").status(422)
	u := e.user("once@example.org")
	if !passwordMatches(newPw, u.PasswordHash) {
		t.Fatal("a used code changed the password again")
	}
	// A newer code retires the older, unused one.
	older := e.lastCode("once@example.org")
	e.browser().get("/password/forgotten").post("/password/forgotten", "email", "once@example.org")
	r2.post("/password/reset", "code", older, "password", "a third long passphrase", "confirm", "a third long passphrase").status(422)
}
