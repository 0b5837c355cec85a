package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Load benchmarks: real HTTP on loopback against a real SQLite file, many clients at once, reporting
// p50 and p99 latency and requests per second beside a hello-world handler measured the same way.
//
//	go test ./web -run '^$' -bench Load -benchtime 2000x

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B, elapsed time.Duration) {
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	if len(l.d) == 0 {
		return
	}
	at := func(q float64) float64 { return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(len(l.d))/elapsed.Seconds(), "req/s")
}

// runLoad sends b.N requests from 16 concurrent clients, each with its own cookies.
func runLoad(b *testing.B, newClient func() *http.Client, do func(c *http.Client) (*http.Response, error)) {
	b.Helper()
	var lat latencies
	b.SetParallelism(8) // 8 x GOMAXPROCS(2) = 16 clients
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := newClient()
		for pb.Next() {
			t0 := time.Now()
			resp, err := do(c)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	lat.report(b, time.Since(start))
}

func BenchmarkLoadHelloWorld(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello, world\n")) }))
	defer srv.Close()
	runLoad(b, func() *http.Client { return &http.Client{} }, func(c *http.Client) (*http.Response, error) { return c.Get(srv.URL) })
}

// BenchmarkLoadSignedInTasks is the professional's home page, signed in: session, user and task list
// read from the store, page rendered.
func BenchmarkLoadSignedInTasks(b *testing.B) {
	e, key := newDelegationEnv(b)
	e.delegate(key, "load@school.example")
	signed := e.register("load@school.example")
	cookie := signed.sessionCookie()
	u, _ := url.Parse(e.srv.URL)
	runLoad(b, func() *http.Client {
		c := e.browser().c
		c.Jar.SetCookies(u, []*http.Cookie{cookie})
		return c
	}, func(c *http.Client) (*http.Response, error) { return c.Get(e.srv.URL + "/tasks") })
}

// BenchmarkLoadLogin is a full sign-in: argon2id (64 MiB) verification dominates, by design.
func BenchmarkLoadLogin(b *testing.B) {
	e := newEnv(b)
	e.register("login@example.org").post("/logout")
	runLoad(b, func() *http.Client {
		br := e.browser().get("/login")
		token := br.csrf()
		c := br.c
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.Transport = &tokenTransport{token: token}
		return c
	}, func(c *http.Client) (*http.Response, error) {
		v := url.Values{"email": {"login@example.org"}, "password": {testPassword}, "csrf_token": {c.Transport.(*tokenTransport).token}}
		resp, err := c.Post(e.srv.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		if err == nil && resp.StatusCode == http.StatusSeeOther {
			resp.StatusCode = http.StatusOK // a successful sign-in redirects
			// A new session each time: take its CSRF token for the next sign-in.
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			page, err := c.Get(e.srv.URL + "/login")
			if err == nil {
				body, _ := io.ReadAll(page.Body)
				page.Body.Close()
				if m := csrfRE.FindSubmatch(body); m != nil {
					c.Transport.(*tokenTransport).token = string(m[1])
				}
			}
			resp.Body = io.NopCloser(strings.NewReader(""))
		}
		return resp, err
	})
}

// tokenTransport carries a client's current CSRF token beside the default transport.
type tokenTransport struct{ token string }

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return http.DefaultTransport.RoundTrip(r)
}
