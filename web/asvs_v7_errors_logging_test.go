package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// V7.1.1: no password, code, session token, CSRF token, API key or hash reaches the log.
func TestASVS_V7_1_1_NoCredentialsInLogs(t *testing.T) {
	e, key := newDelegationEnv(t)
	logs := e.captureLog()
	b := e.register("log@example.org")
	secrets := []string{testPassword, key, key[4:], b.sessionCookie().Value, sessionID(b.sessionCookie().Value)}
	b.get("/account")
	secrets = append(secrets, b.csrf())
	b.get("/account/password").post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse")
	b.post("/logout")
	e.signIn("log@example.org", "wrong password here")
	r := e.browser().get("/password/forgotten").post("/password/forgotten", "email", "log@example.org")
	code := e.lastCode("log@example.org")
	r.post("/password/reset", "code", "00000000", "password", "another long passphrase", "confirm", "another long passphrase")
	r.post("/password/reset", "code", code, "password", "another long passphrase", "confirm", "another long passphrase")
	e.browser().get("/login").postRaw("/login", url.Values{"email": {"x@example.org"}, "password": {"csrf-less secret"}}, nil)
	e.delegate(key, "pro@school.example")
	e.api("fpk_not-a-real-key", "GET", "/forms", nil)
	secrets = append(secrets, "fresh marmot lighthouse", "wrong password here", "another long passphrase", "csrf-less secret",
		code, strings.ReplaceAll(code, " ", ""), e.user("log@example.org").PasswordHash, "fpk_not-a-real-key")
	out := logs.String()
	if !strings.Contains(out, "email verified") {
		t.Fatalf("the log was not captured:\n%s", out)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("the log contains a secret %q", s)
		}
	}
}

// V7.2.1: every authentication decision is logged, successes and failures, without secrets (V7.1.1).
func TestASVS_V7_2_1_AuthenticationDecisionsLogged(t *testing.T) {
	e := newEnv(t)
	e.register("audit@example.org").post("/logout")
	logs := e.captureLog()
	e.signIn("audit@example.org", testPassword)
	if !strings.Contains(logs.String(), "signed in") {
		t.Fatalf("a successful sign-in is not logged:\n%s", logs.String())
	}
	before := len(logs.String())
	e.signIn("audit@example.org", "wrong password here")
	if len(logs.String()) == before {
		t.Fatal("a failed sign-in is not logged (ASVS 7.2.1): password guessing leaves no trace beyond the rate-limit table")
	}
	if !strings.Contains(logs.String()[before:], "audit@example.org") && !strings.Contains(logs.String()[before:], "login") {
		t.Fatalf("the failed sign-in's log line does not say whose: %s", logs.String()[before:])
	}
}

// V7.2.2: access control decisions that fail are logged.
func TestASVS_V7_2_2_AccessControlFailuresLogged(t *testing.T) {
	fx := newFixture(t)
	other := fx.e.register("other@school.example")
	logs := fx.e.captureLog()
	other.get("/tasks/" + fx.task).status(http.StatusNotFound)
	other.get("/referrals/" + fx.referral + "/files/" + fx.referralFile).status(http.StatusNotFound)
	if !strings.Contains(logs.String(), fx.task) {
		t.Fatal("refused access to another user's task or referral is not logged (ASVS 7.2.2): an account probing ids leaves no trace")
	}
}

// V7.4.1: unexpected errors show a generic message, with no stack, error text or internals.
func TestASVS_V7_4_1_GenericErrorMessages(t *testing.T) {
	e, key := newDelegationEnv(t)
	e.app.router.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("secret internal detail: /srv/db.sqlite") })
	r := e.browser().send(http.MethodGet, "/boom", nil, nil)
	if r.code != http.StatusInternalServerError || !strings.Contains(r.body, "Sorry, there is a problem with the service") {
		t.Fatalf("panic: %d", r.code)
	}
	leaks := []string{"secret internal detail", "goroutine", "panic", ".go:", "runtime/debug", "sqlite", "database is closed", "sql:"}
	for _, leak := range leaks {
		if strings.Contains(r.body, leak) {
			t.Errorf("the 500 page shows %q", leak)
		}
	}
	// A store failure, on a page and in the API.
	e.store.Close()
	pages := []asvsResp{e.browser().send(http.MethodGet, "/login", nil, nil)}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/forms", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pages = append(pages, asvsResp{code: resp.StatusCode, header: resp.Header, body: string(body)})
	for _, p := range pages {
		if p.code != http.StatusInternalServerError {
			t.Errorf("store failure: %d", p.code)
		}
		for _, leak := range leaks {
			if strings.Contains(p.body, leak) {
				t.Errorf("the error shows %q: %s", leak, p.body)
			}
		}
	}
	if !strings.Contains(pages[1].header.Get("Content-Type"), "application/problem+json") || !strings.Contains(pages[1].body, "Something went wrong") {
		t.Errorf("the API's error is not a generic problem (RFC 9457): %s", pages[1].body)
	}
}
