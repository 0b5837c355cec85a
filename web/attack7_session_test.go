package web

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var linkRE = regexp.MustCompile(`(?:href|action|formaction)="([^"]*)"`)

// offSite reports a link or redirect of the portal's that would leave it: to another host, or a path
// a browser reads as one ("//host", "/\host").
func offSite(link string) bool {
	link = html.UnescapeString(link)
	if strings.HasPrefix(link, "//") || strings.HasPrefix(link, `/\`) || strings.HasPrefix(link, `\`) {
		return true
	}
	u, err := url.Parse(link)
	return err != nil || u.Host != "" && u.Host != "www.gov.uk" && !strings.HasSuffix(u.Host, ".gov.uk") && u.Host != "design-system.service.gov.uk"
}

// The attack on the language switch: an address that a browser reads as another site's ("//evil.example")
// is answered with a page whose links, the switch among them, all stay on the portal, signed in or not,
// and a sign-in that asked for it returns to the portal.
func TestAttack7LanguageSwitchIsNoOpenRedirect(t *testing.T) {
	e := newEnv(t)
	anon := e.browser()
	signedIn := e.register("rose@example.org")
	for _, who := range []*browser{anon, signedIn} {
		for _, p := range []string{"//evil.example/x", "///evil.example/x", `/\evil.example/x`, "//evil.example", "//evil.example/tasks?lang=cy",
			"/%2F%2Fevil.example", "//evil.example/referrals/new/concern", "/.//evil.example/x"} {
			r := who.send(http.MethodGet, p, nil, nil)
			if loc := r.header.Get("Location"); loc != "" && offSite(loc) {
				t.Errorf("GET %s redirects off the portal, to %q", p, loc)
			}
			for _, m := range linkRE.FindAllStringSubmatch(r.body, -1) {
				if offSite(m[1]) {
					t.Errorf("GET %s (status %d): the page links off the portal, to %q", p, r.code, m[1])
				}
			}
		}
	}
}

// Every state-changing route, posted multipart as a browser posts a form page: another session's
// token, the right token from another origin or site, and the token in the address rather than the
// body are all refused, and a token not in the first part (where the check reads it) is too.
func TestAttack7MultipartCSRFOnEveryPostRoute(t *testing.T) {
	fx, staff, token, staffToken := fixtureWithAdmin(t)
	e, b := fx.e, fx.owner
	multipartOf := func(first string, fields ...string) (io.Reader, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if first != "" {
			mw.WriteField("csrf_token", first)
		}
		for i := 0; i+1 < len(fields); i += 2 {
			mw.WriteField(fields[i], fields[i+1])
		}
		mw.Close()
		return &buf, mw.FormDataContentType()
	}
	checked := 0
	for _, rt := range e.routes() {
		if rt.method != http.MethodPost || strings.HasPrefix(rt.pattern, "/api/") || rt.pattern == "/assets/*" {
			continue
		}
		who, own, others := b, token, staffToken
		if strings.HasPrefix(rt.pattern, "/staff") {
			who, own, others = staff, staffToken, token
		}
		p := fx.path(rt.pattern)
		for _, attempt := range []struct {
			name, first, query string
			fields             []string
			header             http.Header
		}{
			{name: "another session's token", first: others},
			{name: "the right token from another origin", first: own, header: http.Header{"Origin": {"https://evil.example"}}},
			{name: "the right token from another site", first: own, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
			{name: "the right token from a null origin", first: own, header: http.Header{"Origin": {"null"}}},
			{name: "the token in the address", query: own},
			{name: "the token after another part", fields: []string{"action", "save", "csrf_token", own}},
		} {
			body, ct := multipartOf(attempt.first, append(attempt.fields, "action", "save", "name", "Mallory", "agree", "yes")...)
			h := http.Header{"Content-Type": {ct}}
			for k, vs := range attempt.header {
				h[k] = vs
			}
			path := p
			if attempt.query != "" {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				path += sep + "csrf_token=" + url.QueryEscape(attempt.query)
			}
			if r := who.send(http.MethodPost, path, body, h); r.code != http.StatusForbidden {
				t.Errorf("POST %s multipart with %s: %d, want 403", p, attempt.name, r.code)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d routes checked", checked)
	}
	if !b.signedIn() || !staff.signedIn() || e.user(fx.email).Forename == "Mallory" {
		t.Fatal("a forged request changed something")
	}
}
