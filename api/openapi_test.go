package api_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"formportal/api"
)

// TestOpenAPIMatchesRoutes checks the published document against the router: every documented operation
// is served, and every API route is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	r := e.raw(http.MethodGet, "/openapi.json", nil, "")
	if r.code != 200 || !strings.Contains(r.body, `"openapi": "3.1.0"`) {
		t.Fatalf("the document is not served: %d", r.code)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+api.Base+path] = true
		}
	}
	served := map[string]bool{}
	for _, rt := range e.routes() {
		served[rt.method+" "+strings.TrimSuffix(rt.pattern, "/")] = true
	}
	var missing, undocumented []string
	for op := range documented {
		if !served[op] {
			missing = append(missing, op)
		}
	}
	for op := range served {
		if !documented[op] {
			undocumented = append(undocumented, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(undocumented)
	if len(missing) > 0 || len(undocumented) > 0 {
		t.Fatalf("documented but not served: %v\nserved but not documented: %v", missing, undocumented)
	}
}
