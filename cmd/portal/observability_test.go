package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"formportal/internal/metricstest"
	"formportal/web"
)

// TestMetricsAndAccessLog runs the real binary with -metrics-addr, signs in (once with a wrong password),
// saves a page and has the council create a delegation for a child through the API, then scrapes the
// metrics: each series is there with its labels, and none is on the portal's own address. The log has
// one access line per request, with its fields, and no token from a query, no password and nothing of
// the child's.
func TestMetricsAndAccessLog(t *testing.T) {
	data := t.TempDir()
	metricsAddr := freeAddr(t)
	s := serve(t, nil, "-data", data, "-demo", "-metrics-addr", metricsAddr)
	c := newCrashClient(t, s.base)
	c.page("/password/reset?token=secret-token-value")
	c.page("/login")
	c.post("/login", url.Values{"email": {web.DemoEmail}, "password": {"not-the-password-value"}})
	c.login("")
	task := c.firstTask()
	scrape := func() string {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	saves := `portal_saves_total{kind="delegation"}`
	before := metricstest.Value(t, scrape(), saves)
	if !c.save(task, "Practitioner Metrics") {
		t.Fatal("the save was not acknowledged")
	}
	key := newAPIKey(t, portalBinary(t), data)
	code, out := c.api(key, "POST", "/delegations", map[string]any{"form": "multi-agency-chronology",
		"professional": map[string]any{"email": "metrics@school.example", "name": "Metrics Test"},
		"caseData": map[string]any{"familyName": "Quillfeather family", "children": []any{map[string]any{"id": "k1", "name": "Zebedee Quillfeather", "dob": "2015-02-03"}},
			"sender": map[string]any{"name": "Jo Worker"}}})
	if code != http.StatusCreated {
		t.Fatalf("create a delegation: %d %v", code, out)
	}
	if code, _ := c.api(key, "GET", "/delegations/"+out["id"].(string), nil); code != http.StatusOK {
		t.Fatalf("read the delegation: %d", code)
	}

	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the portal's own address: %d, want 404", resp.StatusCode)
	}
	metricsText := scrape()
	if got := metricstest.Value(t, metricsText, saves) - before; got != 1 {
		t.Errorf("%s went up by %v for one save", saves, got)
	}
	for _, series := range []string{
		`portal_http_requests_total{method="GET",route="/login",status="200"}`,
		`portal_http_requests_total{method="POST",route="/login",status="422"}`,
		`portal_http_requests_total{method="POST",route="/api/v1/delegations",status="201"}`,
		`portal_http_requests_total{method="GET",route="/api/v1/delegations/{id}",status="200"}`,
		`portal_http_request_duration_seconds_bucket{method="POST",route="/tasks/{id}/pages/*",le="+Inf"}`,
		`portal_http_request_duration_seconds_count{method="GET",route="/tasks"} 2`,
		`portal_saves_total{kind="referral"} `,
		`portal_submissions_total{kind="delegation"} 0`,
		`portal_signin_failures_total{reason="wrong_password"} 1`,
		`portal_signin_failures_total{reason="wrong_code"} 0`,
		`portal_store_errors_total{op="write"} 0`,
		`portal_store_errors_total{op="read"} 0`,
		`portal_webhook_failures_total{reason="timeout"} 0`,
		`portal_address_lookups_total{outcome="refused"} 0`,
		"portal_outbox_depth ",
		"portal_outbox_oldest_age_seconds ",
		"portal_database_size_bytes ",
		"portal_disk_free_bytes ",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(metricsText, series) {
			t.Errorf("the metrics lack %s", series)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", metricsText)
	}
	if strings.Contains(metricsText, task) || strings.Contains(metricsText, "Quillfeather") {
		t.Fatal("the metrics hold an id or a child's name")
	}

	log := s.log.String()
	for _, leak := range []string{"secret-token-value", "token=", "not-the-password-value", web.DemoPassword, "Zebedee", "Quillfeather", "Practitioner Metrics", key} {
		if strings.Contains(log, leak) {
			t.Errorf("the log holds %q", leak)
		}
	}
	lines := 0
	id := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, l := range strings.Split(log, "\n") {
		var entry struct {
			Msg, Method, Route string
			RequestID          string `json:"request_id"`
			Status             int
			DurationMS         *float64 `json:"duration_ms"`
			Bytes              *int64
		}
		if json.Unmarshal([]byte(l), &entry) != nil || entry.Msg != "request" {
			continue
		}
		lines++
		if entry.Method == "" || entry.Status == 0 || entry.DurationMS == nil || entry.Bytes == nil || !id.MatchString(entry.RequestID) || strings.ContainsAny(entry.Route, "?=") {
			t.Errorf("an access log line lacks a field: %s", l)
		}
	}
	if lines < 10 {
		t.Fatalf("%d access log lines for more than 10 requests:\n%s", lines, log)
	}
}
