package web

import (
	"html"
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
