package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestOpenAPIMatchesRoutes checks the published document against the router: every documented operation
// is served, and every API route is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	e := newEnv(t)
	served := map[string]bool{}
	chi.Walk(e.app.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/v1/") {
			served[method+" "+strings.TrimSuffix(route, "/")] = true
		}
		return nil
	})
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
	resp := e.browser().get("/api/v1/openapi.json")
	if resp.code != 200 || !strings.Contains(resp.last, `"openapi": "3.1.0"`) {
		t.Fatalf("the document is not served: %d", resp.code)
	}
}
