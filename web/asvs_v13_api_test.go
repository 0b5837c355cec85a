package web

import (
	"encoding/base64"
	"encoding/json"
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
			if r.code != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || !strings.Contains(r.body, `"errors"`) {
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

// V13.2.1: only the declared methods: others are refused and change nothing.
func TestASVS_V13_2_1_OnlyDeclaredAPIMethods(t *testing.T) {
	fx := newFixture(t)
	e := fx.e
	auth := http.Header{"Authorization": {"Bearer " + fx.key}, "Content-Type": {"application/json"}}
	for _, p := range []string{"/delegations", "/delegations/" + fx.task, "/delegations/" + fx.task + "/retract", "/forms", "/referrals/" + fx.referral} {
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, "TRACE"} {
			if r := e.apiRaw(m, p, auth, `{"status":"retracted"}`); r.code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, r.code)
			}
		}
	}
	if _, d := e.api(fx.key, "GET", "/delegations/"+fx.task, nil); d["status"] == store.StatusRetracted {
		t.Fatal("an undeclared method changed the delegation")
	}
}

// V13.2.2: JSON input is checked against what the call accepts, strictly, with errors as JSON.
func TestASVS_V13_2_2_JSONInputValidatedStrictly(t *testing.T) {
	e, key := newDelegationEnv(t)
	auth := http.Header{"Authorization": {"Bearer " + key}, "Content-Type": {"application/json"}}
	valid, _ := json.Marshal(newDelegation("pro@school.example"))
	for _, c := range []struct{ name, body, path string }{
		{"unknown field", `{"form":"family-check","colour":"red"}`, ""},
		{"unknown nested field", strings.Replace(string(valid), `"name":"Sam Jones"`, `"name":"Sam Jones","role":"admin"`, 1), ""},
		{"malformed", `{"form":`, ""},
		{"not an object", `["family-check"]`, ""},
		{"wrong type", `{"form":5}`, ""},
		{"empty", ``, ""},
		{"null", `null`, "form"},
		{"bad case data", strings.Replace(string(valid), `"dob":"2016-01-01"`, `"dob":"yesterday"`, 1), "caseData.children.0.dob"},
		{"no case data", strings.Replace(string(valid), `"caseData"`, `"caseDataX"`, 1), ""},
		{"bad section", strings.Replace(string(valid), `"form":"family-check"`, `"form":"family-check","sections":["nope"]`, 1), "sections[0]"},
		{"bad email", strings.Replace(string(valid), "pro@school.example", "pro@", 1), "professional.email"},
		{"bad date", strings.Replace(string(valid), "2026-04-08", "2026-02-30", 1), "dueDate"},
		{"too large", `{"comments":"` + strings.Repeat("x", 1<<20) + `"}`, ""},
	} {
		r := e.apiRaw(http.MethodPost, "/delegations", auth, c.body)
		var out struct {
			Errors []apiError `json:"errors"`
		}
		if r.code != http.StatusBadRequest || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(r.body), &out) != nil || len(out.Errors) == 0 {
			t.Errorf("%s: %d %.300s", c.name, r.code, r.body)
			continue
		}
		if c.path != "" {
			found := false
			for _, er := range out.Errors {
				found = found || er.Path == c.path
			}
			if !found {
				t.Errorf("%s: no error at %s: %v", c.name, c.path, out.Errors)
			}
		}
	}
	if r := e.apiRaw(http.MethodPost, "/delegations", auth, string(valid)); r.code != http.StatusCreated {
		t.Fatalf("the valid request: %d %s", r.code, r.body)
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

// V13.2.5: ASVS asks REST services to check the incoming Content-Type (V13.1.5: and refuse others with
// 415).
func TestASVS_V13_2_5_APIChecksContentType(t *testing.T) {
	e, key := newDelegationEnv(t)
	body, _ := json.Marshal(newDelegation("pro@school.example"))
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		r := e.apiRaw(http.MethodPost, "/delegations", http.Header{"Authorization": {"Bearer " + key}, "Content-Type": {ct}}, string(body))
		if r.code != http.StatusUnsupportedMediaType {
			t.Fatalf("POST /api/v1/delegations with Content-Type %q: %d, want 415 (ASVS 13.2.5 / 13.1.5): a JSON body is accepted whatever it claims to be", ct, r.code)
		}
	}
}
