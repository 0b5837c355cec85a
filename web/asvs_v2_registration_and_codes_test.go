package web

// OWASP ASVS 4.0.3, Level 2, chapter V2 Authentication, continued from asvs_test.go: the findings of the
// IT health check (issue 12), each attacked over HTTP the way the tester attacked the running portal.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/store"
)

// --- helpers ---------------------------------------------------------------------------------------

const attackerPassword = "mallory lantern quartz 77"

// browserFrom is a browser whose connections come from another loopback address (127.0.0.2, 127.0.0.3 and
// so on), as an attacker's do from many machines.
func (e *env) browserFrom(ip string) *browser {
	b := e.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.c.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

// sourceAddrs are n loopback addresses other than 127.0.0.1, starting at 127.0.0.first.
func sourceAddrs(first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("127.0.0.%d", first+i)
	}
	return out
}

// behindProxy puts a reverse proxy in front of the portal, as the README's TLS proxy: it adds the address
// each client connects from to X-Forwarded-For. Browsers of the returned env go through the proxy.
func (e *env) behindProxy() *env {
	target, err := url.Parse(e.srv.URL)
	if err != nil {
		e.t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Header["X-Forwarded-For"] = r.In.Header["X-Forwarded-For"]
		r.SetXForwarded()
	}})
	e.t.Cleanup(proxy.Close)
	p := *e
	p.srv = proxy
	return &p
}

// codesTo counts the emails holding a code that were sent to an address.
func (e *env) codesTo(to string) int {
	e.t.Helper()
	list, err := e.store.RecentMail(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, m := range list {
		if m.To == to && codeRE.MatchString(m.Text) {
			n++
		}
	}
	return n
}

// startRegistration fills in the first two steps of registration and stops at the code.
func (b *browser) startRegistration(forename, email, password string) *browser {
	b.e.t.Helper()
	return b.get("/register").post("/register", "forename", forename, "surname", "Berry").
		post("/register/email", "email", email, "password", password, "confirm", password)
}

// --- finding 1: account takeover before verification -----------------------------------------------

// V2.3.1 is about activation codes; the health check found that registering an address whose code was
// still awaited replaced that account's password and name, so the professional's code then verified an
// account with the attacker's password. A registration now waits apart from the accounts with a code of
// its own: the account exists only once the address is proven, with the password of whoever proved it.
func TestASVS_V2_3_1_RegistrationNeverChangesAnAccount(t *testing.T) {
	ctx := context.Background()
	t.Run("an address waiting for its code", func(t *testing.T) {
		e := newEnv(t)
		victim := e.browser().startRegistration("Rose", "rose@school.example", testPassword).see("Please verify your email address")
		victimCode := e.lastCode("rose@school.example")
		if _, err := e.store.UserByEmail(ctx, "rose@school.example"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an account exists before its address is proven: %v", err)
		}
		attacker := e.browserFrom("127.0.0.2").startRegistration("Mallory", "rose@school.example", attackerPassword).
			see("Please verify your email address")
		newest := e.lastCode("rose@school.example")
		if newest == victimCode {
			t.Fatal("the second registration got the first one's code")
		}
		// The professional types the newest code in her mailbox: it belongs to the attacker's registration.
		victim.post("/register/verify", "code", newest).status(422).see("The code is not correct")
		victim.post("/register/verify", "code", victimCode).see("Terms and conditions")
		victim.post("/register/terms", "agree", "yes").see("Registration complete")
		u := e.user("rose@school.example")
		if u.Forename != "Rose" || !passwordMatches(testPassword, u.PasswordHash) {
			t.Fatalf("the account was not made from the professional's registration: %s, attacker's password: %v", u.Name(), passwordMatches(attackerPassword, u.PasswordHash))
		}
		if e.signIn("rose@school.example", attackerPassword).signedIn() {
			t.Fatal("the attacker's password signs in")
		}
		// With the mailbox's other code, the attacker's registration still changes nothing: the address has an
		// account now.
		attacker.post("/register/verify", "code", newest).status(422).see("This email address already has an account")
		if u := e.user("rose@school.example"); u.Forename != "Rose" || !passwordMatches(testPassword, u.PasswordHash) {
			t.Fatal("a later registration changed the account")
		}
	})
	t.Run("whoever proves the address gets the account, with their own password", func(t *testing.T) {
		e := newEnv(t)
		first := e.browserFrom("127.0.0.2").startRegistration("Mallory", "sam@school.example", attackerPassword)
		firstCode := e.lastCode("sam@school.example")
		owner := e.browser().startRegistration("Sam", "sam@school.example", testPassword)
		owner.post("/register/verify", "code", firstCode).status(422).see("The code is not correct")
		owner.post("/register/verify", "code", e.lastCode("sam@school.example")).see("Terms and conditions")
		owner.post("/register/terms", "agree", "yes").see("Registration complete")
		if u := e.user("sam@school.example"); u.Forename != "Sam" || !passwordMatches(testPassword, u.PasswordHash) {
			t.Fatalf("the account is %s's", u.Forename)
		}
		first.post("/register/verify", "code", firstCode).status(422).see("This email address already has an account")
		if !e.signIn("sam@school.example", testPassword).signedIn() {
			t.Fatal("the owner cannot sign in")
		}
	})
	t.Run("an address with an account", func(t *testing.T) {
		e := newEnv(t)
		e.register("kim@school.example").post("/logout")
		before := e.codesTo("kim@school.example")
		attacker := e.browserFrom("127.0.0.2").startRegistration("Mallory", "kim@school.example", attackerPassword).
			see("Please verify your email address")
		if e.codesTo("kim@school.example") != before {
			t.Fatal("registering an address with an account sent a code")
		}
		if m := mustMail(t, e)[0]; m.To != "kim@school.example" || m.Subject != "You already have an account" {
			t.Fatalf("the account holder is not told: %+v", m)
		}
		attacker.post("/register/verify", "code", "12345678").status(422)
		attacker.post("/register/resend").see("We have sent a new code")
		if e.codesTo("kim@school.example") != before {
			t.Fatal("asking for a new code for an address with an account sent a code")
		}
		if u := e.user("kim@school.example"); u.Forename != "Rose" || !passwordMatches(testPassword, u.PasswordHash) {
			t.Fatal("registering the address of an account changed the account")
		}
	})
}

// --- finding 2: codes sprayed at one address -------------------------------------------------------

// codeAttack is one way of asking for a code to an address and the form where the code is typed.
type codeAttack struct {
	name  string
	ask   func(b *browser) // leaves the browser on the page where the code is typed
	entry string
	extra []string // the other fields of the form
}

// guessCodes types wrong codes until the portal stops checking them (or 12 tries) and returns how many it
// checked against a code: answered "not correct", plus the try that used up the code.
func guessCodes(b *browser, a codeAttack) int {
	checked := 0
	for i := range 12 {
		b.post(a.entry, append([]string{"code", fmt.Sprintf("%08d", 31_415_926+i)}, a.extra...)...)
		switch {
		case strings.Contains(b.last, "The code is not correct"):
			checked++
		case strings.Contains(b.last, "You have entered the wrong code too many times"):
			if i > 0 && checked == i {
				checked++ // this try was checked, and used the code up
			}
			return checked
		default:
			return checked
		}
	}
	return checked
}

// V2.2.1: the health check signed in to an unverified account over and over, each time getting a fresh
// code with 5 new tries: 49 codes to one address in 1.7 s, 143 guesses a second from 8 source addresses.
// Now every way of getting a code (registering, "send me a new code", signing in, with the password or after
// wrong ones, a forgotten password) counts against one limit per address, whatever the source address, and
// each code takes 5 tries: at most
// maxCodesPerHour×maxCodeTries guesses an hour at the codes of one address. The attack runs for an hour of
// the portal's clock from 8 addresses, and the time to guess a code at that rate is logged.
func TestASVS_V2_2_1_CodesLimitedPerAddressFromAnySource(t *testing.T) {
	e := newEnv(t)
	const waiting, account = "waiting@school.example", "account@school.example"
	e.browser().startRegistration("Rose", waiting, testPassword) // a registration waiting for its code
	e.register(account).post("/logout")
	verify := []string{}
	reset := []string{"password", "another long passphrase", "confirm", "another long passphrase"}
	attacks := []codeAttack{
		{"register", func(b *browser) { b.startRegistration("Mallory", waiting, attackerPassword) }, "/register/verify", verify},
		{"send a new code", func(b *browser) {
			b.startRegistration("Mallory", waiting, attackerPassword)
			b.post("/register/resend")
		}, "/register/verify", verify},
		{"sign in to the unverified address", func(b *browser) {
			b.startRegistration("Mallory", waiting, attackerPassword)
			b.get("/login").post("/login", "email", waiting, "password", attackerPassword)
			b.get("/register/verify")
		}, "/register/verify", verify},
		{"forgotten password, waiting address", func(b *browser) {
			b.get("/password/forgotten").post("/password/forgotten", "email", waiting)
		}, "/password/reset", reset},
		{"forgotten password, account", func(b *browser) {
			b.get("/password/forgotten").post("/password/forgotten", "email", account)
		}, "/password/reset", reset},
		{"register an account's address", func(b *browser) { b.startRegistration("Mallory", account, attackerPassword) }, "/register/verify", verify},
		// Someone who has the password: the code at every sign-in is what stops them.
		{"sign in with the account's password", func(b *browser) {
			b.get("/login").post("/login", "email", account, "password", testPassword)
			b.get("/login/code")
		}, "/login/code", nil},
	}
	sent := map[string]int{waiting: e.codesTo(waiting), account: e.codesTo(account)}
	checks := map[string]int{}
	requests := 0
	start := time.Now()
	for round := range 6 { // an hour of the portal's clock, 10 minutes a round
		for i, ip := range sourceAddrs(2, 8) {
			a := attacks[(round*8+i)%len(attacks)]
			b := e.browserFrom(ip)
			before := map[string]int{waiting: e.codesTo(waiting), account: e.codesTo(account)}
			a.ask(b)
			requests++
			n := guessCodes(b, a)
			for _, addr := range []string{waiting, account} {
				if e.codesTo(addr) > before[addr] {
					checks[addr] += n // there was a code to guess at
				}
			}
		}
		e.clock.Advance(10 * time.Minute)
	}
	elapsed := time.Since(start)
	t.Logf("one hour of the portal's clock (%v of real time): %d attacks from 8 source addresses", elapsed.Round(time.Millisecond), requests)
	for _, addr := range []string{waiting, account} {
		codes := e.codesTo(addr) - sent[addr]
		t.Logf("%s: %d codes sent, %d guesses checked against them", addr, codes, checks[addr])
		if codes > maxCodesPerHour {
			t.Errorf("%d codes sent to %s in an hour, over the limit of %d", codes, addr, maxCodesPerHour)
		}
		if limit := maxCodesPerHour * maxCodeTries; checks[addr] > limit {
			t.Errorf("%d guesses checked at the codes of %s in an hour, over %d", checks[addr], addr, limit)
		}
	}
	perHour := float64(maxCodesPerHour * maxCodeTries)
	years := func(guesses float64) float64 { return guesses / perHour / 24 / 365.25 }
	t.Logf("at the limit of %.0f guesses an hour at one address's codes, from any number of source addresses: a 50%% chance of guessing one 8-digit code takes %.0f years, on average %.0f years",
		perHour, years(1e8*math.Ln2), years(1e8))
}

// --- finding 4: the client behind the proxy, and lockouts ------------------------------------------

func mustTrustedProxies(t *testing.T, cidrs ...string) []net.IPNet {
	t.Helper()
	nets, err := ParseTrustedProxies(strings.Join(cidrs, ","))
	if err != nil {
		t.Fatal(err)
	}
	return nets
}

// signInWith posts the sign-in form with extra request headers.
func (b *browser) signInWith(email, password string, header http.Header) *browser {
	b.e.t.Helper()
	b.get("/login")
	return b.postRaw("/login", url.Values{"csrf_token": {b.csrf()}, "email": {email}, "password": {password}}, header)
}

// V2.2.1: behind the TLS proxy the README recommends, every request came from the proxy's address, so the
// per-address limits held everyone back together. The client's address now comes from X-Forwarded-For
// (the rightmost address not a trusted proxy's), and only from the proxies named in TrustedProxies.
func TestASVS_V2_2_1_LimitsKeyOnTheClientBehindATrustedProxy(t *testing.T) {
	e := newEnvWith(t, func(c *Config, _ *Options) { c.TrustedProxies = mustTrustedProxies(t, "127.0.0.1/32") })
	e.register("owner@school.example").post("/logout")
	proxied := e.behindProxy()

	// Password spraying from more clients than one client may try: each client has its own limit.
	for i, ip := range sourceAddrs(2, maxLoginPerClient+2) {
		proxied.browserFrom(ip).get("/login").post("/login", "email", fmt.Sprintf("target%d@school.example", i), "password", "Summer2026!!").status(422)
	}
	if !proxied.browserFrom("127.0.0.100").login("owner@school.example", testPassword).signedIn() {
		t.Fatal("behind the proxy, other people's failed sign-ins stopped the owner signing in")
	}

	// A client that claims another's address through the proxy is still itself.
	liar := "127.0.0.101"
	for i := range maxLoginPerClient {
		proxied.browserFrom(liar).signInWith(fmt.Sprintf("spray%d@school.example", i), "Summer2026!!", http.Header{"X-Forwarded-For": {fmt.Sprintf("10.9.8.%d", i)}}).status(422)
	}
	proxied.browserFrom(liar).signInWith("owner@school.example", testPassword, http.Header{"X-Forwarded-For": {"10.1.1.1"}}).status(http.StatusTooManyRequests)
	if !proxied.browserFrom("127.0.0.102").login("owner@school.example", testPassword).signedIn() {
		t.Fatal("a client was limited for another's failures")
	}

	// Without the proxy, X-Forwarded-For is anyone's to write, and counts for nothing.
	direct := "127.0.0.103"
	for i := range maxLoginPerClient {
		e.browserFrom(direct).signInWith(fmt.Sprintf("spray%d@school.example", i), "Summer2026!!", http.Header{"X-Forwarded-For": {fmt.Sprintf("10.7.7.%d", i)}}).status(422)
	}
	e.browserFrom(direct).signInWith("owner@school.example", testPassword, http.Header{"X-Forwarded-For": {"10.2.2.2"}}).status(http.StatusTooManyRequests)
}

// V2.2.1 asks that anti-automation stop account lockout attacks too. Anyone could lock any known account,
// staff included, with 5 wrong passwords. Now wrong passwords make the account's sign-in need an emailed
// code as well, which its owner gets and an attacker does not; and while they do, a right and a wrong
// password get the same answer, so guessing learns nothing.
func TestASVS_V2_2_1_WrongPasswordsCannotLockTheOwnerOut(t *testing.T) {
	e := newEnv(t)
	e.register("owner@school.example").post("/logout")
	e.newStaffUser("staff@council.example", store.RoleStaff).post("/logout")
	for _, email := range []string{"owner@school.example", "staff@council.example"} {
		for i, ip := range sourceAddrs(2, 2*maxLoginPerAccount) {
			e.browserFrom(ip).get("/login").post("/login", "email", email, "password", fmt.Sprintf("wrong guess %d", i))
		}
		owner := e.browserFrom("127.0.0.50").get("/login").post("/login", "email", email, "password", testPassword)
		owner.see("Check your email")
		owner.post("/login/code", "code", e.lastCode(email)).authenticator(email)
		if !owner.signedIn() {
			t.Fatalf("%s: a few wrong passwords locked the owner out", email)
		}

		right := e.browserFrom("127.0.0.60").get("/login").post("/login", "email", email, "password", testPassword)
		wrong := e.browserFrom("127.0.0.61").get("/login").post("/login", "email", email, "password", "yet another guess")
		if right.code != wrong.code || !sameAnswer(right.last, wrong.last) {
			t.Fatalf("%s: after wrong passwords, a right password answers differently from a wrong one", email)
		}
		right.post("/login/code", "code", "12345678").status(422)
		if right.signedIn() {
			t.Fatalf("%s: the right password alone signed in after wrong passwords", email)
		}
	}
}

// --- finding 5: equal work for every address -------------------------------------------------------

// writeLog is the store with a record of the writes made through it, in order.
type writeLog struct {
	store.Store
	mu     sync.Mutex
	writes []string
}

func (w *writeLog) note(name string) {
	w.mu.Lock()
	w.writes = append(w.writes, name)
	w.mu.Unlock()
}

// take returns the writes since the last take.
func (w *writeLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.writes
	w.writes = nil
	return out
}

func (w *writeLog) CreateUser(ctx context.Context, u *store.User) error {
	w.note("CreateUser")
	return w.Store.CreateUser(ctx, u)
}

func (w *writeLog) UpdateUser(ctx context.Context, u *store.User) error {
	w.note("UpdateUser")
	return w.Store.UpdateUser(ctx, u)
}

func (w *writeLog) CreateSession(ctx context.Context, s *store.Session) error {
	w.note("CreateSession")
	return w.Store.CreateSession(ctx, s)
}

func (w *writeLog) UpdateSession(ctx context.Context, s *store.Session) error {
	w.note("UpdateSession")
	return w.Store.UpdateSession(ctx, s)
}

func (w *writeLog) DeleteSession(ctx context.Context, id string) error {
	w.note("DeleteSession")
	return w.Store.DeleteSession(ctx, id)
}

func (w *writeLog) CreateCode(ctx context.Context, c *store.Code) error {
	w.note("CreateCode")
	return w.Store.CreateCode(ctx, c)
}

func (w *writeLog) UpdateCode(ctx context.Context, c *store.Code) error {
	w.note("UpdateCode")
	return w.Store.UpdateCode(ctx, c)
}

func (w *writeLog) RecordAttempt(ctx context.Context, key string, at time.Time) error {
	w.note("RecordAttempt")
	return w.Store.RecordAttempt(ctx, key, at)
}

func (w *writeLog) EnqueueMail(ctx context.Context, m *store.Mail) error {
	w.note("EnqueueMail")
	return w.Store.EnqueueMail(ctx, m)
}

func (w *writeLog) CreatePendingRegistration(ctx context.Context, p *store.PendingRegistration) error {
	w.note("CreatePendingRegistration")
	return w.Store.CreatePendingRegistration(ctx, p)
}

func (w *writeLog) CompleteRegistration(ctx context.Context, pendingID, userID string, at time.Time) (*store.User, error) {
	w.note("CompleteRegistration")
	return w.Store.CompleteRegistration(ctx, pendingID, userID, at)
}

// accountPageCase is one account page, asked the same thing of an address with an account and of one
// without (or with the right password and a wrong one).
type accountPageCase struct {
	name string
	// do makes the request for an address; prepare (made before the writes are recorded) sets the scene.
	prepare func(b *browser, email string)
	do      func(b *browser, email string)
}

func accountPageCases() []accountPageCase {
	wrongPassword := func(b *browser, email string) { b.post("/login", "email", email, "password", "wrong password here") }
	return []accountPageCase{
		{"sign-in", func(b *browser, _ string) { b.get("/login") }, wrongPassword},
		{"sign-in after wrong passwords", func(b *browser, email string) {
			for range maxLoginPerAccount {
				b.get("/login")
				wrongPassword(b, email)
			}
			b.get("/login")
		}, wrongPassword},
		{"registration", func(b *browser, _ string) { b.get("/register").post("/register", "forename", "A", "surname", "B") },
			func(b *browser, email string) {
				b.post("/register/email", "email", email, "password", attackerPassword, "confirm", attackerPassword)
			}},
		{"a new registration code", func(b *browser, email string) { b.startRegistration("A", email, attackerPassword) },
			func(b *browser, _ string) { b.post("/register/resend") }},
		{"a wrong registration code", func(b *browser, email string) { b.startRegistration("A", email, attackerPassword) },
			func(b *browser, _ string) { b.post("/register/verify", "code", "12345678") }},
		{"forgotten password", func(b *browser, _ string) { b.get("/password/forgotten") },
			func(b *browser, email string) { b.post("/password/forgotten", "email", email) }},
		{"a wrong reset code", func(b *browser, email string) {
			b.get("/password/forgotten").post("/password/forgotten", "email", email)
		},
			func(b *browser, _ string) {
				b.post("/password/reset", "code", "12345678", "password", "another long passphrase", "confirm", "another long passphrase")
			}},
	}
}

// newAccount makes a full account directly in the store, with the test password's hash made once.
func (e *env) newAccount(email, hash string) {
	e.t.Helper()
	now := e.clock.Now()
	u := &store.User{ID: store.NewID(), Email: email, Forename: "Kim", Surname: "Known", PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
	if err := e.store.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
}

// The health check timed the forgotten-password page: 1.9 ms median for an address with an account, 1.4 ms
// without, so a one-shot guess was right 83% of the time. Every account page now does the same work
// whether or not the address has an account (and, once wrong passwords have made a sign-in need a code,
// whether or not the password is right): as many store writes, each one transaction and so one commit
// (what takes the time), and a password hash on every path that takes a password. Where one address gets
// an email and another none, an attempt recorded under a key nobody counts stands in for the email.
// The medians of many timed requests are logged (go test -v).
func TestASVS_V2_AccountPagesDoTheSameWorkForEveryAddress(t *testing.T) {
	var log *writeLog
	e := newEnvWith(t, func(_ *Config, o *Options) {
		log = &writeLog{Store: o.Store}
		o.Store, o.Mailer = log, testOutbox(log, o.Now)
	})
	hash, err := hashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range accountPageCases() {
		known, unknown := fmt.Sprintf("known%d@school.example", i), fmt.Sprintf("nobody%d@school.example", i)
		e.newAccount(known, hash)
		var writes [2][]string
		for j, email := range []string{known, unknown} {
			b := e.browserFrom(fmt.Sprintf("127.0.0.%d", 2+2*i+j))
			c.prepare(b, email)
			log.take()
			c.do(b, email)
			writes[j] = log.take()
		}
		if len(writes[0]) != len(writes[1]) {
			t.Errorf("%s: different store writes for an address with an account %v and without %v", c.name, writes[0], writes[1])
		}
	}

	// After wrong passwords, a right password does what a wrong one does.
	e.newAccount("protected@school.example", hash)
	var writes [2][]string
	for j, password := range []string{testPassword, "wrong password here"} {
		b := e.browserFrom(fmt.Sprintf("127.0.0.%d", 40+j))
		for range maxLoginPerAccount {
			b.get("/login").post("/login", "email", "protected@school.example", "password", "a wrong guess")
		}
		b.get("/login")
		log.take()
		b.post("/login", "email", "protected@school.example", "password", password)
		writes[j] = log.take()
	}
	if len(writes[0]) != len(writes[1]) {
		t.Errorf("sign-in after wrong passwords: different store writes for the right password %v and a wrong one %v", writes[0], writes[1])
	}

	if testing.Short() {
		return
	}
	// Timed as the tester timed them: alternately, each request from a new connection, after the page's
	// form has been fetched. Every request is a first for its address, so no limit is reached.
	type timedPage struct {
		name    string
		n       int
		prepare func(b *browser)
		do      func(b *browser, email string)
	}
	pages := []timedPage{
		{"sign-in (wrong password)", 25, func(b *browser) { b.get("/login") },
			func(b *browser, email string) { b.post("/login", "email", email, "password", "wrong password here") }},
		{"registration", 25, func(b *browser) { b.get("/register").post("/register", "forename", "A", "surname", "B") },
			func(b *browser, email string) {
				b.post("/register/email", "email", email, "password", attackerPassword, "confirm", attackerPassword)
			}},
		{"forgotten password", 60, func(b *browser) { b.get("/password/forgotten") },
			func(b *browser, email string) { b.post("/password/forgotten", "email", email) }},
	}
	for _, p := range pages {
		var took [2][]time.Duration
		for i := range p.n {
			known, unknown := fmt.Sprintf("timed-%s-%d@school.example", p.name[:4], i), fmt.Sprintf("untimed-%s-%d@school.example", p.name[:4], i)
			e.newAccount(known, hash)
			for k := range 2 {
				j := (i + k) % 2 // in turn first, so neither gains from going first
				email := []string{known, unknown}[j]
				b := e.browserFrom(fmt.Sprintf("127.0.0.%d", 100+(2*i+j)%100))
				p.prepare(b)
				start := time.Now()
				p.do(b, email)
				took[j] = append(took[j], time.Since(start))
			}
			e.clock.Advance(rateWindow) // keep each source address under its own limits
		}
		k, u := median(took[0]), median(took[1])
		t.Logf("%s: median %.2f ms with an account, %.2f ms without (%d each)", p.name, ms(k), ms(u), p.n)
	}

	// Once wrong passwords have made a sign-in need a code: a right password against a wrong one.
	var took [2][]time.Duration
	const n = 25
	for i := range n {
		email := fmt.Sprintf("guessed%d@school.example", i)
		e.newAccount(email, hash)
		for range maxLoginPerAccount {
			if err := e.store.RecordAttempt(context.Background(), "login:"+email, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		for k := range 2 {
			j := (i + k) % 2
			b := e.browserFrom(fmt.Sprintf("127.0.0.%d", 100+(2*i+j)%100)).get("/login")
			start := time.Now()
			b.post("/login", "email", email, "password", []string{testPassword, "wrong password here"}[j])
			took[j] = append(took[j], time.Since(start))
		}
		e.clock.Advance(rateWindow)
	}
	t.Logf("sign-in after wrong passwords: median %.2f ms with the right password, %.2f ms with a wrong one (%d each)", ms(median(took[0])), ms(median(took[1])), n)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
