package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/engine"
	"formportal/mail"
	"formportal/store"
)

// TestSubmissionsSayTheirFormVersion: after version 2 of a form is published, a delegation started on
// version 1 says so, its submission links version 1's schema, and each version's schema is served.
func TestSubmissionsSayTheirFormVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	work := casework.New(e.store, e.forms, mail.NewOutbox(e.store, "portal@council.example", e.clock.Now), casework.Texts{}, e.clock.Now)
	if _, err := work.Publish(ctx, e.forms.All(), casework.PublishOptions{By: "test"}); err != nil {
		t.Fatal(err)
	}
	id := e.delegate("pro@school.example")

	b, err := os.ReadFile("../testdata/valid/family/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), "\nversion: 1\n", "\nversion: 2\n", 1)
	src = strings.Replace(src, "      - { id: email, type: email, label: Email address }\n",
		"      - { id: email, type: email, label: Email address }\n      - { id: team, type: text, label: Team }\n", 1)
	v2, diags := engine.Load("family-v2.yaml", []byte(src))
	if v2 == nil || !strings.Contains(src, "id: team") {
		t.Fatalf("version 2 does not load: %v", diags)
	}
	if _, err := work.Publish(ctx, []*engine.Form{v2}, casework.PublishOptions{By: "test"}); err != nil {
		t.Fatal(err)
	}

	code, d := e.call(e.key, "GET", "/delegations/"+id, nil)
	if code != 200 || d["form"] != "family-check" || d["formVersion"] != 1.0 {
		t.Fatalf("delegation started on version 1: %d form %v version %v", code, d["form"], d["formVersion"])
	}
	code, forms := e.call(e.key, "GET", "/forms", nil)
	var family map[string]any
	for _, f := range forms["forms"].([]any) {
		if f.(map[string]any)["id"] == "family-check" {
			family = f.(map[string]any)
		}
	}
	if code != 200 || family["version"] != 2.0 || len(family["versions"].([]any)) != 2 {
		t.Fatalf("forms: %d %v", code, family)
	}

	// A submission made with version 1 says so and links version 1's schema.
	sub := `{"values":{"name":"Sam Jones","phone":"01234 567890"}}`
	resp := &store.Response{ID: "s0000000000000000000000000000001", Kind: store.KindDelegation, FormID: "family-check", FormVersion: 1,
		OwnerEmail: "pro@school.example", CaseData: json.RawMessage(`{}`), Answers: json.RawMessage(sub), Submission: json.RawMessage(sub),
		Status: store.StatusSubmitted, Reference: "FP-20260302-AAAAAA", CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(), SubmittedAt: e.clock.Now()}
	if err := e.store.CreateResponse(ctx, resp, nil); err != nil {
		t.Fatal(err)
	}
	code, s := e.call(e.key, "GET", "/delegations/"+resp.ID+"/submission", nil)
	if code != 200 || s["form"] != "family-check" || s["formVersion"] != 1.0 || s["schema"] != "/api/v1/forms/family-check/versions/1/schema" {
		t.Fatalf("submission: %d form %v version %v schema %v", code, s["form"], s["formVersion"], s["schema"])
	}

	hasTeam := func(path string) bool {
		t.Helper()
		r := e.raw("GET", path, http.Header{"Authorization": {"Bearer " + e.key}}, "")
		if r.code != 200 {
			t.Fatalf("GET %s: %d %s", path, r.code, r.body)
		}
		return strings.Contains(r.body, `"team"`)
	}
	if hasTeam("/forms/family-check/versions/1/schema") || !hasTeam("/forms/family-check/versions/2/schema") || !hasTeam("/forms/family-check/submission-schema") {
		t.Fatal("the schemas are not those of their versions")
	}
	for _, path := range []string{"/forms/family-check/versions/3/schema", "/forms/family-check/versions/0/schema", "/forms/family-check/versions/one/schema", "/forms/nope/versions/1/schema"} {
		if r := e.raw("GET", path, http.Header{"Authorization": {"Bearer " + e.key}}, ""); r.code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.code)
		}
	}
}
