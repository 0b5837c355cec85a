package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// V8.2.1: nothing personal is cached: pages, downloads, PDFs and API answers are no-store.
func TestASVS_V8_2_1_NoCachingOfSensitiveResponses(t *testing.T) {
	for _, s := range pageKinds(t) {
		switch s.name {
		case "health", "theme", "asset", "asset not found", "API document", "redirect", "static page", "blank PDF":
			continue // nothing personal: may be cached
		}
		// Error pages too: a 422 carries what was typed (a child's details, an account's).
		if !strings.Contains(s.r.header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s (%d): Cache-Control %q, want no-store", s.name, s.r.code, s.r.header.Get("Cache-Control"))
		}
	}
}

// V8.3.1: credentials travel in bodies and headers, never in query strings: values there are ignored.
func TestASVS_V8_3_1_NoCredentialsInQueryStrings(t *testing.T) {
	e, key := newDelegationEnv(t)
	e.register("query@example.org").post("/logout")
	b := e.browser().get("/login")
	if !regexp.MustCompile(`<form[^>]*method="post"[^>]*action="/login"|<form[^>]*action="/login"[^>]*method="post"`).MatchString(b.last) {
		t.Fatal("the login form does not post")
	}
	q := url.Values{"email": {"query@example.org"}, "password": {testPassword}}.Encode()
	b.postRaw("/login?"+q, url.Values{"csrf_token": {b.csrf()}}, nil).status(422).see("Enter your email address")
	for _, p := range []string{"/forms?api_key=" + key, "/forms?access_token=" + key, "/forms?key=" + key} {
		if code, _ := e.api("", "GET", p, nil); code != http.StatusUnauthorized {
			t.Errorf("API key in the query (%s): %d, want 401", p[:strings.Index(p, "=")], code)
		}
	}
}
