package api_test

// OWASP ASVS 4.0.3 V13, API and web service: what the API accepts.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"formportal/api"
	"formportal/store"
)

// V13.2.1: only the declared methods: others are refused and change nothing.
func TestASVS_V13_2_1_OnlyDeclaredAPIMethods(t *testing.T) {
	e := newEnv(t)
	rec := e.records()
	task := e.delegate("pro@school.example")
	auth := http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/json"}}
	for _, p := range []string{"/delegations", "/delegations/" + task, "/delegations/" + task + "/retract", "/forms", "/referrals/" + rec.referral} {
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, "TRACE"} {
			if r := e.raw(m, p, auth, `{"status":"retracted"}`); r.code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, r.code)
			}
		}
	}
	if _, d := e.call(e.key, "GET", "/delegations/"+task, nil); d["status"] == string(store.StatusRetracted) {
		t.Fatal("an undeclared method changed the delegation")
	}
}

// V13.2.2: JSON input is checked against what the call accepts, strictly, with errors as JSON.
func TestASVS_V13_2_2_JSONInputValidatedStrictly(t *testing.T) {
	e := newEnv(t)
	auth := http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/json"}}
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
		r := e.raw(http.MethodPost, "/delegations", auth, c.body)
		var out struct {
			Errors []api.Error `json:"errors"`
		}
		if r.code != http.StatusBadRequest || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") || json.Unmarshal([]byte(r.body), &out) != nil || len(out.Errors) == 0 {
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
	if r := e.raw(http.MethodPost, "/delegations", auth, string(valid)); r.code != http.StatusCreated {
		t.Fatalf("the valid request: %d %s", r.code, r.body)
	}
}

// V13.2.5: ASVS asks REST services to check the incoming Content-Type (V13.1.5: and refuse others with
// 415).
func TestASVS_V13_2_5_APIChecksContentType(t *testing.T) {
	e := newEnv(t)
	body, _ := json.Marshal(newDelegation("pro@school.example"))
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		r := e.raw(http.MethodPost, "/delegations", http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {ct}}, string(body))
		if r.code != http.StatusUnsupportedMediaType {
			t.Fatalf("POST /api/v1/delegations with Content-Type %q: %d, want 415 (ASVS 13.2.5 / 13.1.5): a JSON body is accepted whatever it claims to be", ct, r.code)
		}
	}
}
