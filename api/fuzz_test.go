package api_test

// A fuzz test of the back office's JSON. It sets up one API (outside f.Fuzz) and calls it in-process, so
// an execution costs a request, not a server:
//
//	go test ./api -run '^$' -fuzz FuzzAPICreateDelegation -fuzztime 30s

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"formportal/api"
)

// direct calls the API in-process with the test's key and a JSON body, for t.
func (e *env) direct(t testing.TB, method, path string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://portal.test"+api.Base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	checkAnswer(t, method, path, rec.Code, rec.Header(), rec.Body.Bytes())
	return rec
}

func FuzzAPICreateDelegation(f *testing.F) {
	e := newEnv(f)
	logs := e.logs
	seed := func(v any) {
		b, _ := json.Marshal(v)
		f.Add(b)
	}
	seed(newDelegation("pro@school.example"))
	withSections := newDelegation("pro@school.example")
	withSections["sections"] = []string{"practitioner", "health"}
	seed(withSections)
	noDue := newDelegation("pro@school.example")
	delete(noDue, "dueDate")
	delete(noDue, "comments")
	seed(noDue)
	oneChild := newDelegation("pro@school.example")
	oneChild["caseData"] = map[string]any{"children": []any{map[string]any{"id": "c1", "name": "A", "dob": "2016-01-01"}}, "sender": map[string]any{}}
	seed(oneChild)
	dup := newDelegation("pro@school.example")
	dup["caseData"] = map[string]any{"children": []any{map[string]any{"id": "c1", "name": "A", "dob": "2016-01-01"}, map[string]any{"id": "c1", "name": "B", "dob": "2017-01-01"}}, "sender": map[string]any{}}
	seed(dup)
	odd := newDelegation("pro@school.example")
	odd["caseData"] = map[string]any{"children": []any{map[string]any{"id": "../x/", "name": "<b>", "dob": "2016-02-30", "extra": 1e308}}, "sender": map[string]any{"name": 5}}
	seed(odd)
	seed(map[string]any{"form": "concern", "professional": map[string]any{"email": "a@b.co", "name": "x"}, "caseData": map[string]any{"submitter": map[string]any{"type": "public"}}})
	f.Add([]byte(`{"form":"family-check","sections":["practitioner","practitioner"],"professional":{"email":"A@B.CO","name":" "},"caseData":null,"dueDate":"2026-13-01"}`))
	f.Add([]byte(`{"form":"family-check","caseData":{"children":[{"id":"c1","name":"A","dob":"2016-01-01"}],"sender":{}},"professional":{"email":"a@b.co","name":"x"}} trailing`))
	f.Add([]byte(`{"caseData":1e999}`))
	f.Add([]byte(`{"form":"family-check","caseData":"\u0000","professional":{"email":"a\u0000@b.co","name":"\ud800"}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))

	f.Fuzz(func(t *testing.T, body []byte) {
		logs.Reset()
		rec := e.direct(t, http.MethodPost, "/delegations", body)
		if rec.Code != http.StatusCreated && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q\nresponse: %s\nlog: %s", rec.Code, body, rec.Body.String(), logs.String())
		}
		want := "application/json"
		if rec.Code == http.StatusBadRequest {
			want = "application/problem+json"
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Fatalf("Content-Type %q for %q", rec.Header().Get("Content-Type"), body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("not JSON (%v) for %q: %s", err, body, rec.Body.String())
		}
		if rec.Code == http.StatusBadRequest {
			errs, _ := out["errors"].([]any)
			if len(errs) == 0 {
				t.Fatalf("400 without errors for %q: %s", body, rec.Body.String())
			}
			return
		}
		// Created: it can be read back, and the professional it names can open every page of it.
		id, _ := out["id"].(string)
		if get := e.direct(t, http.MethodGet, "/delegations/"+id, nil); get.Code != http.StatusOK {
			t.Fatalf("created %s but GET is %d", id, get.Code)
		}
		resp, err := e.store.Response(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.printer.ResponsePDF(resp); err != nil {
			t.Fatalf("created a delegation whose form cannot be opened: %v\nbody: %q", err, body)
		}
		// Children sharing an id would share a page: the second child's could not be reached and its
		// answers would land on the first's. The API must refuse such case data (400).
		var caseData any
		json.Unmarshal(resp.CaseData, &caseData)
		seen := map[string]bool{}
		for _, c := range e.forms.Get(resp.FormID).Children(caseData) {
			if seen[c.ID] {
				t.Fatalf("children with the same id %q are accepted: %q", c.ID, body)
			}
			seen[c.ID] = true
		}
	})
}
