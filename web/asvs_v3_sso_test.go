package web

// OWASP ASVS 4.0.3, Level 2: single sign-on for council staff through OpenID Connect, tested against a
// real provider on loopback (oauth2-proxy/mockoidc: discovery document, JWKS, authorization code flow with
// PKCE, RS256-signed ID tokens), not a mock of the portal's side.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"formportal/store"
)

// oidcProvider is a real OpenID provider on loopback, with a record of what the portal sent it.
type oidcProvider struct {
	*mockoidc.MockOIDC
	mu       sync.Mutex
	requests []string // the paths and query or form of each request, in order
	tamper   func(idToken string) string
}

func startOIDCProvider(t *testing.T) *oidcProvider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{MockOIDC: m}
	m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			p.mu.Lock()
			p.requests = append(p.requests, r.URL.Path+"?"+r.Form.Encode())
			tamper := p.tamper
			p.mu.Unlock()
			if tamper == nil || !strings.HasSuffix(r.URL.Path, "/token") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			json.Unmarshal(rec.Body.Bytes(), &body)
			if tok, ok := body["id_token"].(string); ok {
				body["id_token"] = tamper(tok)
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(body)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return p
}

// sent is what the portal sent to an endpoint, the latest first.
func (p *oidcProvider) sent(suffix string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.requests) - 1; i >= 0; i-- {
		if path, _, _ := strings.Cut(p.requests[i], "?"); strings.HasSuffix(path, suffix) {
			return p.requests[i]
		}
	}
	return ""
}

// newSSOEnv is a portal whose staff may sign in through the provider; its base URL is the test server's
// own, so the provider sends browsers back to it.
func newSSOEnv(t *testing.T, p *oidcProvider) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := p.Config()
	e := newEnvWith(t, func(c *Config, _ *Options) {
		c.BaseURL = base
		c.SSO = &SSOConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, EmailDomains: []string{"council.example"}, Name: "Microsoft"}
	})
	e.srv.Close()
	srv := httptest.NewUnstartedServer(e.app)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv
	return e
}

// ssoSignIn follows the sign-in page's button through the provider and back, as the person's browser
// does, with the provider saying who they are.
func (e *env) ssoSignIn(p *oidcProvider, user *mockoidc.MockUser) *browser {
	e.t.Helper()
	p.QueueUser(user)
	b := e.browser().get("/login").see("Sign in with Microsoft")
	return b.get("/login/sso")
}

// V3.5.3 and V2.8's intent for staff: through the council's provider, a staff member signs in with the
// code flow and PKCE (S256), and the portal accepts the ID token only when it is signed by the provider's
// published key, for this client, with this sign-in's nonce, for a verified address at the council's
// domain that is a staff account still enabled. The provider answers for the second factor, so neither
// the emailed code nor the app's is asked.
func TestASVS_V3_5_3_SingleSignOnAcceptsOnlyTheProvidersSignedToken(t *testing.T) {
	p := startOIDCProvider(t)
	e := newSSOEnv(t, p)
	e.newStaffUser("jo@council.example", store.RoleAdmin).post("/logout")
	codes := e.codesTo("jo@council.example")

	b := e.ssoSignIn(p, &mockoidc.MockUser{Subject: "jo-1", Email: "Jo@Council.example", EmailVerified: true})
	b.get("/staff").status(200).see("Staff console")
	if e.codesTo("jo@council.example") != codes {
		t.Fatal("a code was emailed for a sign-in through the provider")
	}
	auth, token := p.sent("/authorize"), p.sent("/token")
	if !strings.Contains(auth, "code_challenge_method=S256") || !strings.Contains(auth, "code_challenge=") || !strings.Contains(auth, "nonce=") {
		t.Fatalf("the authorization request has no PKCE challenge or nonce: %s", auth)
	}
	if !strings.Contains(token, "code_verifier=") {
		t.Fatalf("the code was exchanged without the PKCE verifier: %s", token)
	}

	log := e.captureLog()
	// refused checks a sign-in was refused, for the reason the log gives.
	refused := func(name string, b *browser, why string) {
		t.Helper()
		if b.code != http.StatusForbidden || b.signedIn() {
			t.Errorf("%s: %d, signed in %v; want refused", name, b.code, b.signedIn())
		}
		if !strings.Contains(log.String(), why) {
			t.Errorf("%s: refused, but not because %s:\n%s", name, why, log.String())
		}
	}
	jo := &mockoidc.MockUser{Subject: "jo-1", Email: "jo@council.example", EmailVerified: true}
	refused("an address not verified", e.ssoSignIn(p, &mockoidc.MockUser{Subject: "jo-2", Email: "jo@council.example"}), "no verified email address")
	refused("an address at another domain", e.ssoSignIn(p, &mockoidc.MockUser{Subject: "x", Email: "jo@council.example.evil.example", EmailVerified: true}), "not at the council's domains")
	refused("no staff account", e.ssoSignIn(p, &mockoidc.MockUser{Subject: "y", Email: "nobody@council.example", EmailVerified: true}), "no staff account has the address")
	e.register("pro@council.example").post("/logout")
	refused("a professional's account", e.ssoSignIn(p, &mockoidc.MockUser{Subject: "z", Email: "pro@council.example", EmailVerified: true}), "no staff account has the address")

	// A token for a staff member whose claims were changed after signing fails the signature check.
	p.mu.Lock()
	p.tamper = func(tok string) string {
		parts := strings.Split(tok, ".")
		claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
		parts[1] = base64.RawURLEncoding.EncodeToString(bytes.Replace(claims, []byte(`"sub":"jo-1"`), []byte(`"sub":"jo-9"`), 1))
		return strings.Join(parts, ".")
	}
	p.mu.Unlock()
	refused("a tampered ID token", e.ssoSignIn(p, jo), "the ID token is not valid")
	p.mu.Lock()
	p.tamper = nil
	p.mu.Unlock()

	// A callback this browser did not start (a forged state, or one replayed) is refused.
	p.QueueUser(jo)
	victim := e.browser().get("/login")
	r := victim.send(http.MethodGet, "/login/sso", nil, nil)
	authorize := r.header.Get("Location")
	attacker := e.browser() // follows the victim's link to the provider, and comes back with the victim's state
	req, err := http.NewRequest(http.MethodGet, authorize, nil)
	if err != nil {
		t.Fatal(err)
	}
	refused("another browser's callback", attacker.do(req), "the state is not this session's")
	victim.get("/login/sso/callback?code=forged&state=forged")
	refused("a forged state", victim, "the state is not this session's")

	// A disabled account is refused.
	u := e.user("jo@council.example")
	u.DisabledAt = e.clock.Now()
	if err := e.store.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if b := e.ssoSignIn(p, jo); b.code != http.StatusForbidden || !strings.Contains(b.last, "Your account has been disabled") {
		t.Fatalf("a disabled account through the provider: %d", b.code)
	}
}

// Without a reachable provider the sign-in page still works, and the button says the provider is down.
func TestSingleSignOnProviderDown(t *testing.T) {
	p := startOIDCProvider(t)
	e := newSSOEnv(t, p)
	p.Shutdown()
	e.browser().get("/login").see("Sign in with Microsoft").get("/login/sso").status(http.StatusServiceUnavailable).
		see("Signing in with your council account is not working at the moment")
}
