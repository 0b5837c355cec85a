package web

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"formportal/store"
)

// V13.1.4: every API route is behind the key at the router, and each call finds its own resource.
func TestASVS_V13_1_4_APIAuthorizationOnEveryRoute(t *testing.T) {
	fx := newFixture(t)
	e := fx.e
	fx.owner.get("/account")
	cookie := "session=" + fx.owner.sessionCookie().Value
	checked := 0
	for _, rt := range e.routes() {
		if !strings.HasPrefix(rt.pattern, "/api/v1/") || rt.pattern == "/api/v1/openapi.json" {
			continue
		}
		p := strings.TrimPrefix(fx.path(rt.pattern), "/api/v1")
		for _, c := range []struct {
			name   string
			header http.Header
		}{
			{"no key", nil},
			{"a wrong key", http.Header{"Authorization": {"Bearer fpk_" + strings.Repeat("A", 43)}}},
			{"an empty key", http.Header{"Authorization": {"Bearer "}}},
			{"the key in another scheme", http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(fx.key+":"))}}},
			{"the key without a scheme", http.Header{"Authorization": {fx.key}}},
			{"a signed-in browser's cookie", http.Header{"Cookie": {cookie}, "X-Csrf-Token": {fx.owner.csrf()}}},
		} {
			h := http.Header{"Content-Type": {"application/json"}}
			for k, vs := range c.header {
				h[k] = vs
			}
			r := e.apiRaw(rt.method, p, h, `{"reason":"x"}`)
			if r.code != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") || !strings.Contains(r.body, `"errors"`) {
				t.Errorf("%s %s with %s: %d %s", rt.method, p, c.name, r.code, r.body)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %s: no WWW-Authenticate", rt.method, p, c.name)
			}
		}
		checked++
	}
	if checked < 15 {
		t.Fatalf("only %d API routes checked", checked)
	}
	t.Logf("%d API routes checked", checked)
	// Resource level: a referral's id is not a delegation, nor the other way round, nor a draft a referral.
	for _, p := range []string{"/delegations/" + fx.referral, "/referrals/" + fx.task, "/referrals/" + fx.referral,
		"/delegations/" + fx.task + "/attachments/" + fx.referralFile, "/referrals/" + fx.referral + "/attachments/" + fx.referralFile} {
		if code, _ := e.api(fx.key, "GET", p, nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
}

// V13.2.3: the API takes no cookies, so a browser cannot be made to call it (no CSRF on the API).
func TestASVS_V13_2_3_APIIgnoresCookies(t *testing.T) {
	fx := newFixture(t)
	staff := fx.e.newStaffUser("boss@council.example", store.RoleAdmin)
	staff.get("/staff")
	for _, b := range []*browser{fx.owner, staff} {
		r := b.send(http.MethodPost, "/api/v1/delegations/"+fx.task+"/retract", strings.NewReader(`{"reason":"x"}`),
			http.Header{"Content-Type": {"application/json"}, "X-Csrf-Token": {b.csrf()}})
		if r.code != http.StatusUnauthorized {
			t.Fatalf("the API with a browser's session: %d", r.code)
		}
	}
}
