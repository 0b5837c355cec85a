package api_test

import (
	"context"
	"net/http"
	"testing"
)

// TestReturnWithMarksThroughTheAPI: a case system returns a submission with comments on a question and
// a row; marks on a place the submission lacks, or on a retraction, are 400 problems at marks.
func TestReturnWithMarksThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	id := e.delegate("sam@school.example")
	e.submit(id)
	code, out := e.call(e.key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "Insufficient Detail",
		"marks": []map[string]any{{"path": "no_such_question", "comment": "?"}}})
	if errs, _ := out["errors"].([]any); code != http.StatusBadRequest || len(errs) != 1 || errs[0].(map[string]any)["path"] != "marks" {
		t.Fatalf("a mark on nothing: %d %v", code, out)
	}
	code, out = e.call(e.key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "Insufficient Detail",
		"marks": []map[string]any{{"path": "name", "comment": "Your full name, please"}}})
	if code != http.StatusOK || out["status"] != "returned" {
		t.Fatalf("return with a mark: %d %v", code, out)
	}
	resp, _ := e.store.Response(context.Background(), id)
	marks, err := e.work.OpenMarks(context.Background(), resp)
	if err != nil || marks["name"] != "Your full name, please" {
		t.Fatalf("marks kept: %v, %v", marks, err)
	}
	if code, out := e.call(e.key, "POST", "/delegations/"+id+"/retract", map[string]any{"reason": "x", "marks": []map[string]any{{"path": "name", "comment": "?"}}}); code != http.StatusBadRequest {
		t.Fatalf("marks on a retraction: %d %v", code, out)
	}
}
