package web

import (
	"mime"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// V14.3.2: no debug features in a production configuration.
func TestASVS_V14_3_2_NoDebugFeaturesInProduction(t *testing.T) {
	if DefaultConfig().DevMailbox {
		t.Fatal("the dev mailbox is on by default")
	}
	e := newEnvWith(t, func(c *Config, o *Options) { c.DevMailbox = false })
	e.register("debug@example.org")
	for _, p := range []string{"/dev/mail", "/debug/pprof/", "/debug/pprof/goroutine", "/debug/vars", "/metrics", "/api/v1/debug"} {
		if r := e.browser().send(http.MethodGet, p, nil, nil); r.code != http.StatusNotFound && r.code != http.StatusUnauthorized {
			t.Errorf("GET %s: %d", p, r.code)
		}
	}
}

// V14.3.3: responses name no software or versions.
func TestASVS_V14_3_3_NoVersionInformationInHeaders(t *testing.T) {
	for _, s := range pageKinds(t) {
		for _, h := range []string{"Server", "X-Powered-By", "X-AspNet-Version", "X-Runtime", "X-Version"} {
			if v := s.r.header.Get(h); v != "" {
				t.Errorf("%s: %s: %s", s.name, h, v)
			}
		}
		if strings.Contains(s.r.body, "go1.") || strings.Contains(s.r.body, "chi/v5") {
			t.Errorf("%s: the body names the software", s.name)
		}
	}
}

// V14.4.1: every response with a body says its type, with a character set for text.
func TestASVS_V14_4_1_ContentTypeWithCharset(t *testing.T) {
	for _, s := range pageKinds(t) {
		if s.r.body == "" {
			continue
		}
		ct := s.r.header.Get("Content-Type")
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Errorf("%s: Content-Type %q", s.name, ct)
			continue
		}
		if (strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+xml")) && !strings.EqualFold(params["charset"], "utf-8") {
			t.Errorf("%s: Content-Type %q has no charset", s.name, ct)
		}
		if strings.Contains(s.r.body, "<html") && mt != "text/html" {
			t.Errorf("%s: HTML served as %q", s.name, ct)
		}
	}
}

// V14.4.2: API responses carry Content-Disposition: attachment, so a browser opening one directly never
// renders it.
func TestASVS_V14_4_2_APIResponsesAreAttachments(t *testing.T) {
	for _, s := range pageKinds(t) {
		if !strings.HasPrefix(s.name, "API") {
			continue
		}
		if !strings.HasPrefix(s.r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s has no Content-Disposition: attachment (ASVS 14.4.2); JSON is served with nosniff and a CSP, so the risk is low", s.name)
		}
	}
}

// V14.4.3: a CSP on every response, with no inline script or style and no plugins.
func TestASVS_V14_4_3_CSPWithoutUnsafeInline(t *testing.T) {
	for _, s := range pageKinds(t) {
		csp := s.r.header.Get("Content-Security-Policy")
		d := map[string]string{}
		for _, part := range strings.Split(csp, ";") {
			if m := cspDirectiveRE.FindStringSubmatch(part); m != nil {
				d[m[1]] = m[2]
			}
		}
		if d["default-src"] == "" || d["object-src"] != "'none'" || d["base-uri"] == "" || d["frame-ancestors"] != "'none'" || d["form-action"] == "" {
			t.Errorf("%s: CSP %q lacks default-src, object-src 'none', base-uri, form-action or frame-ancestors 'none'", s.name, csp)
		}
		for _, dir := range []string{"default-src", "script-src", "style-src"} {
			v := d[dir]
			if dir != "default-src" && v == "" {
				t.Errorf("%s: CSP has no %s", s.name, dir)
			}
			for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} {
				for _, src := range strings.Fields(v) {
					if src == bad {
						t.Errorf("%s: %s allows %s", s.name, dir, bad)
					}
				}
			}
		}
		if strings.HasPrefix(s.r.header.Get("Content-Type"), "text/html") && regexp.MustCompile(`<script>|<script [^>]*>[^<]+</script>|\son[a-z]+="|style="`).MatchString(s.r.body) {
			t.Errorf("%s: the page has inline script or style the CSP would block", s.name)
		}
	}
}

func TestASVS_V14_4_4_NosniffOnEveryResponse(t *testing.T) {
	for _, s := range pageKinds(t) {
		if s.r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", s.name, s.r.header.Get("X-Content-Type-Options"))
		}
	}
}

// V14.4.5: HSTS, at least 6 months, with subdomains, on every HTTPS response.
func TestASVS_V14_4_5_HSTSOnHTTPS(t *testing.T) {
	e := newEnvWith(t, func(c *Config, o *Options) { c.BaseURL = "https://portal.example.gov.uk" })
	check := func(t *testing.T, d *direct) {
		for _, p := range []string{"/login", "/no/such/page", "/healthz", "/api/v1/forms", "/api/v1/openapi.json"} {
			h := d.do(http.MethodGet, p, "", nil).Header().Get("Strict-Transport-Security")
			m := regexp.MustCompile(`max-age=(\d+)`).FindStringSubmatch(h)
			if m == nil || mustAtoi(t, m[1]) < 15724800 || !strings.Contains(strings.ToLower(h), "includesubdomains") {
				t.Errorf("GET %s: Strict-Transport-Security %q", p, h)
			}
		}
	}
	t.Run("TLS at the portal", func(t *testing.T) { check(t, newDirect(e.app, "https://portal.example.gov.uk")) })
	t.Run("behind a TLS-terminating proxy", func(t *testing.T) {
		// The README's deployment: the proxy speaks HTTPS, the portal plain HTTP. The base URL says HTTPS.
		d := newDirect(e.app, "http://portal.example.gov.uk")
		d.header.Set("X-Forwarded-Proto", "https")
		if d.do(http.MethodGet, "/login", "", nil).Header().Get("Strict-Transport-Security") == "" {
			t.Fatal("behind the TLS-terminating proxy the README prescribes, no response carries Strict-Transport-Security (it is set only when r.TLS != nil); set it whenever the base URL is https (ASVS 14.4.5)")
		}
		check(t, d)
	})
}

func TestASVS_V14_4_6_ReferrerPolicy(t *testing.T) {
	ok := map[string]bool{"no-referrer": true, "same-origin": true, "strict-origin": true, "strict-origin-when-cross-origin": true}
	for _, s := range pageKinds(t) {
		if !ok[s.r.header.Get("Referrer-Policy")] {
			t.Errorf("%s: Referrer-Policy %q", s.name, s.r.header.Get("Referrer-Policy"))
		}
	}
}

func TestASVS_V14_4_7_NoFramingByOtherSites(t *testing.T) {
	for _, s := range pageKinds(t) {
		if xfo := s.r.header.Get("X-Frame-Options"); xfo != "DENY" && xfo != "SAMEORIGIN" {
			t.Errorf("%s: X-Frame-Options %q", s.name, xfo)
		}
		if !strings.Contains(s.r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: no frame-ancestors 'none'", s.name)
		}
	}
}

// V14.5.1: only the methods in use are accepted.
func TestASVS_V14_5_1_OnlyUsedHTTPMethods(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	for _, p := range []string{"/login", "/account", "/tasks", "/tasks/" + fx.task + "/pages/practitioner", "/referrals/" + fx.referral + "/submit", "/"} {
		for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, "TRACE", "PROPFIND"} {
			if r := b.send(m, p, strings.NewReader("x=1"), nil); r.code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, r.code)
			}
		}
	}
	if !b.signedIn() {
		t.Fatal("an unused method changed the session")
	}
}

// V14.5.3: no CORS: no other origin may read the portal's answers.
func TestASVS_V14_5_3_NoCrossOriginAccess(t *testing.T) {
	fx := newFixture(t)
	e := fx.e
	evil := http.Header{"Origin": {"https://evil.example"}}
	check := func(name string, r asvsResp) {
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods"} {
			if v := r.header.Get(h); v != "" {
				t.Errorf("%s: %s: %s", name, h, v)
			}
		}
	}
	check("page", fx.owner.send(http.MethodGet, "/tasks", nil, evil))
	check("download", fx.owner.send(http.MethodGet, "/tasks/"+fx.task+"/files/"+fx.taskFile, nil, evil))
	check("preflight", fx.owner.send(http.MethodOptions, "/account", nil, http.Header{"Origin": {"https://evil.example"}, "Access-Control-Request-Method": {"POST"}}))
	auth := http.Header{"Authorization": {"Bearer " + fx.key}, "Origin": {"https://evil.example"}}
	check("API", e.apiRaw(http.MethodGet, "/delegations/"+fx.task, auth, ""))
	check("API preflight", e.apiRaw(http.MethodOptions, "/delegations", http.Header{"Origin": {"https://evil.example"}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"authorization"}}, ""))
}
