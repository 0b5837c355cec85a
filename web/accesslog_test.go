package web

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"formportal/internal/metricstest"
)

// Every request is logged once with its method, route pattern, status, duration, bytes and id, and never
// its path or query; the id is in the X-Request-Id header.
func TestAccessLogLine(t *testing.T) {
	e := newEnv(t)
	logs := e.captureLog()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/password/reset?token=secret-token-value", nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Fatalf("X-Request-Id %q", id)
	}
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "msg=request ") && strings.Contains(l, "request_id="+id) {
			if line != "" {
				t.Fatalf("two access log lines for one request:\n%s\n%s", line, l)
			}
			line = l
		}
	}
	for _, want := range []string{"method=GET", "route=/password/reset", "status=" + strconv.Itoa(resp.StatusCode), "duration_ms=", "bytes="} {
		if !strings.Contains(line, want) {
			t.Errorf("the access log line %q lacks %s", line, want)
		}
	}
	if strings.Contains(logs.String(), "secret-token-value") || strings.Contains(logs.String(), "token=") {
		t.Fatalf("the log holds the query's token:\n%s", logs)
	}

	// A route with ids is logged and counted by its pattern, not its path.
	before := metricstest.Scrape(t)
	e.browser().get("/tasks/0123456789abcdef/pages/about")
	series := `portal_http_requests_total{method="GET",route="/tasks/{id}/pages/*",status="303"}`
	if got := metricstest.Value(t, metricstest.Scrape(t), series) - metricstest.Value(t, before, series); got != 1 {
		t.Errorf("%s went up by %v, want 1:\n%s", series, got, logs)
	}
	if strings.Contains(logs.String(), "0123456789abcdef") {
		t.Fatalf("the log holds a path's id:\n%s", logs)
	}
}

// A request id a client makes up is not taken; one from a trusted proxy is, if it is plain.
func TestRequestIDFromTrustedProxyOnly(t *testing.T) {
	e := newEnv(t)
	get := func(id string) string {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/healthz", nil)
		req.Header.Set("X-Request-Id", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-Request-Id")
	}
	if got := get("from-the-client-1234"); got == "from-the-client-1234" {
		t.Fatal("a client's own request id was taken")
	}
	nets, err := ParseTrustedProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	e.app.cfg.TrustedProxies = nets
	if got := get("from-the-proxy-1234"); got != "from-the-proxy-1234" {
		t.Fatalf("the trusted proxy's request id was not kept: %q", got)
	}
	if got := get("bad id with spaces \" and quotes"); strings.ContainsAny(got, " \"") {
		t.Fatalf("an id that could break a log line was taken: %q", got)
	}
}

// An error page gives the request's id to quote, the one in the header and in the error's log line.
func TestErrorPageShowsRequestID(t *testing.T) {
	e := newEnv(t)
	logs := e.captureLog()
	e.store.Close() // every page now fails on the store
	resp, err := http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := new(strings.Builder)
	if _, err := io.Copy(body, resp.Body); err != nil {
		t.Fatal(err)
	}
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != http.StatusInternalServerError || id == "" {
		t.Fatalf("status %d, id %q", resp.StatusCode, id)
	}
	if !strings.Contains(body.String(), "quote reference "+id) {
		t.Fatalf("the error page does not show the reference %s:\n%s", id, body)
	}
	if !regexp.MustCompile(`msg="request failed".*request_id=` + id).MatchString(logs.String()) {
		t.Fatalf("the error's log line does not carry the id %s:\n%s", id, logs)
	}
}
