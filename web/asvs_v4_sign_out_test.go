package web

// OWASP ASVS 4.0.3, Level 2, chapter V4 Access control, continued from asvs_test.go: the findings of the
// IT health check (issue 12), each attacked over HTTP the way the tester attacked the running portal.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// V4.2.2: GET /logout?timeout=1 ended the session, so any site could sign people out with a link or an
// image. Signing out is a state change like any other: only by POST with the session's CSRF token, from
// the portal's own pages (the idle warning's script posts the same form). GET /logout only shows a page.
func TestASVS_V4_2_2_SignOutOnlyByPostWithTheCSRFToken(t *testing.T) {
	e := newEnv(t)
	b := e.register("leave@school.example")

	// What another site can make a browser do: follow a link, load an image, post a form without the token.
	for _, path := range []string{"/logout?timeout=1", "/logout"} {
		b.get(path).status(http.StatusOK).see("Sign out")
		if !b.signedIn() {
			t.Fatalf("GET %s signed the person out", path)
		}
	}
	if r := b.send(http.MethodPost, "/logout?timeout=1", strings.NewReader(""), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); r.code != http.StatusForbidden {
		t.Fatalf("POST /logout without the CSRF token: %d", r.code)
	}
	b.get("/logout")
	token := b.csrf()
	if r := b.send(http.MethodPost, "/logout", strings.NewReader(url.Values{"csrf_token": {token}}.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"}}); r.code != http.StatusForbidden {
		t.Fatalf("POST /logout from another site: %d", r.code)
	}
	if !b.signedIn() {
		t.Fatal("a forged sign-out signed the person out")
	}

	// The page's own button, and the idle warning's form when its time runs out.
	b.get("/logout").post("/logout").see("You have signed out")
	if b.signedIn() {
		t.Fatal("the sign-out button did not sign out")
	}
	b = e.signIn("leave@school.example", testPassword)
	b.get("/account").post("/logout?timeout=1").see("You have signed out")
	if b.signedIn() {
		t.Fatal("the idle warning's sign-out did not sign out")
	}
	// Signed out already: the signed-out page.
	b.get("/logout").see("You have signed out")
}
