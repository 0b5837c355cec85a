// Package metricstest reads the portal's metrics in tests, as Prometheus scrapes them.
package metricstest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"formportal/metrics"
)

// Scrape is the metrics text of this process, as /metrics serves it.
func Scrape(t testing.TB) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// Value is the value of one series in a scrape, named as exposed (portal_saves_total{kind="referral"},
// labels in name order); 0 when the scrape does not have it.
func Value(t testing.TB, text, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("metrics: %q: %v", line, err)
			}
			return v
		}
	}
	return 0
}
