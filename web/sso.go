package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// Council staff can sign in through the council's own identity provider (Entra ID or any OpenID Connect
// provider): the authorization code flow with PKCE, a state and a nonce kept in the session, the ID
// token's signature, issuer, audience and expiry checked by coreos/go-oidc against the provider's
// published keys. The person is matched to a staff account by their verified email address, at a domain
// the council allows. The provider answers for their password and second factor.

// SSOConfig is the council's OpenID Connect provider.
type SSOConfig struct {
	Issuer       string // the provider's issuer URL; its discovery document is read at first use
	ClientID     string
	ClientSecret string
	// EmailDomains are the domains whose addresses may sign in this way, like council.example.
	EmailDomains []string
	Name         string // the provider as the sign-in button names it, like "Microsoft"
}

// ssoClient discovers the provider once, when first needed, so a provider that is down does not stop the
// portal starting.
type ssoClient struct {
	cfg      SSOConfig
	redirect string
	http     *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

func newSSOClient(cfg SSOConfig, baseURL string) *ssoClient {
	return &ssoClient{cfg: cfg, redirect: baseURL + "/login/sso/callback", http: &http.Client{Timeout: 10 * time.Second}}
}

func (c *ssoClient) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.http)
}

func (c *ssoClient) discover(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		p, err := oidc.NewProvider(c.context(ctx), c.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discover OpenID provider %s: %w", c.cfg.Issuer, err)
		}
		c.provider = p
	}
	return c.provider, &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: c.provider.Endpoint(),
		RedirectURL: c.redirect, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// allowed reports whether an address is at one of the council's domains.
func (c *ssoClient) allowed(email string) bool {
	at := strings.LastIndex(email, "@")
	if at < 0 {
		return false
	}
	for _, d := range c.cfg.EmailDomains {
		if strings.EqualFold(email[at+1:], strings.TrimSpace(d)) {
			return true
		}
	}
	return false
}

// Session keys of a sign-in through the provider, each used once.
const (
	keySSOState    = "sso.state"
	keySSONonce    = "sso.nonce"
	keySSOVerifier = "sso.verifier"
)

// ssoStart sends the browser to the provider. It is a link, not a form: the page's form-action policy
// would stop a form's redirect to another site.
func (a *App) ssoStart(w http.ResponseWriter, r *http.Request) {
	if a.sso == nil {
		a.notFound(w, r)
		return
	}
	_, oauth, err := a.sso.discover(r.Context())
	if err != nil {
		a.log.Error("single sign-on unavailable", "err", err)
		a.ssoFailed(w, r, http.StatusServiceUnavailable, "console.sso.unavailable")
		return
	}
	s := sessionFrom(r)
	state, nonce, verifier := newToken(), newToken(), oauth2.GenerateVerifier()
	s.Data[keySSOState], s.Data[keySSONonce], s.Data[keySSOVerifier] = state, nonce, verifier
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// ssoClaims are the ID token's claims the portal reads. Entra ID says an address is verified with
// xms_edov (its domain's owner verified it) where other providers send email_verified.
type ssoClaims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	DomainOwner   bool   `json:"xms_edov"`
}

// ssoCallback is where the provider sends the browser back with a code, which is exchanged (with the
// PKCE verifier) for a signed ID token.
func (a *App) ssoCallback(w http.ResponseWriter, r *http.Request) {
	if a.sso == nil {
		a.notFound(w, r)
		return
	}
	s := sessionFrom(r)
	state, nonce, verifier := s.Data[keySSOState], s.Data[keySSONonce], s.Data[keySSOVerifier]
	delete(s.Data, keySSOState)
	delete(s.Data, keySSONonce)
	delete(s.Data, keySSOVerifier)
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	fail := func(why string, args ...any) {
		a.log.Warn("single sign-on refused", append([]any{"why", why, "client", clientAddr(r)}, args...)...)
		a.ssoFailed(w, r, http.StatusForbidden, "console.sso.refused")
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		fail("the state is not this session's")
		return
	}
	if e := q.Get("error"); e != "" {
		fail("the provider refused", "error", e, "description", q.Get("error_description"))
		return
	}
	provider, oauth, err := a.sso.discover(r.Context())
	if err != nil {
		a.log.Error("single sign-on unavailable", "err", err)
		a.ssoFailed(w, r, http.StatusServiceUnavailable, "console.sso.unavailable")
		return
	}
	ctx := a.sso.context(r.Context())
	token, err := oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		fail("the code was not exchanged", "err", err)
		return
	}
	raw, _ := token.Extra("id_token").(string)
	idToken, err := provider.Verifier(&oidc.Config{ClientID: a.sso.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		fail("the ID token is not valid", "err", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(nonce)) != 1 {
		fail("the ID token's nonce is not this session's")
		return
	}
	var claims ssoClaims
	if err := idToken.Claims(&claims); err != nil {
		fail("the ID token's claims are unreadable", "err", err)
		return
	}
	email := normaliseEmail(claims.Email)
	switch {
	case email == "" || !claims.EmailVerified && !claims.DomainOwner:
		fail("no verified email address", "subject", idToken.Subject)
		return
	case !a.sso.allowed(email):
		fail("the email address is not at the council's domains", "subject", idToken.Subject)
		return
	}
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	if u == nil || !u.IsStaff() {
		fail("no staff account has the address", "subject", idToken.Subject)
		return
	}
	a.finishSignInBy(w, r, u, "sso")
}

// ssoFailed says a sign-in through the provider did not work: why is the catalogue id of the words.
func (a *App) ssoFailed(w http.ResponseWriter, r *http.Request, status int, why string) {
	w.WriteHeader(status)
	a.render(w, r, renderer.SSOFailedPage(a.page(r, i18n.T(r.Context(), "console.sso.failed_title")), i18n.T(r.Context(), why)))
}

// ssoName is the provider's name for the sign-in page, or "" when single sign-on is off.
func (a *App) ssoName() string {
	if a.sso == nil {
		return ""
	}
	if a.sso.cfg.Name == "" {
		return "your council account"
	}
	return a.sso.cfg.Name
}
