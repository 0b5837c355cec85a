package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"formportal/casework"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/renderer"
	"formportal/store"
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

// BenchmarkLoadLogin is the sign-in's password step: argon2id verification dominates, by design. The code
// emailed at every sign-in is turned off here, since an address gets only a few codes an hour; entering
// it is a request of its own.
func BenchmarkLoadLogin(b *testing.B) {
	e := newEnvWith(b, func(c *Config, _ *Options) { c.PasswordOnlySignIn = true })
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

// BenchmarkLoadSaveChronology: professionals at once (16, then 64), each signed in to their own delegated
// Multi-Agency Chronology for three siblings with 100 rows, saving one of its rows from the row's page,
// posted as multipart/form-data as a browser sends it. Beside each, in the same run, the raw rate of fsync'd SQLite
// inserts of rows the same size from as many goroutines: the floor a save cannot beat. Afterwards every
// acknowledged save must be in the store. b.N is the total number of saves:
//
//	go test ./web -run '^$' -bench LoadSaveChronology -benchtime 2000x
func BenchmarkLoadSaveChronology(b *testing.B) {
	for _, clients := range []int{16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { loadSaveChronology(b, clients) })
	}
}

func loadSaveChronology(b *testing.B, professionals int) {
	e := newEnv(b)
	lib, err := forms.Load()
	if err != nil {
		b.Fatal(err)
	}
	e.useForms(lib)
	form := lib.Get("multi-agency-chronology")
	ctx := context.Background()
	hash, err := hashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	type client struct {
		c     *http.Client
		csrf  string
		task  string
		saved int
	}
	clients := make([]*client, professionals)
	u, _ := url.Parse(e.srv.URL)
	for i := range clients {
		now := e.clock.Now()
		user := &store.User{ID: store.NewID(), Email: fmt.Sprintf("pro%d@school.example", i), Forename: "Pro", Surname: strconv.Itoa(i),
			PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
		if err := e.store.CreateUser(ctx, user); err != nil {
			b.Fatal(err)
		}
		caseData := enginetest.CaseData(form, 3)
		raw, _ := json.Marshal(caseData)
		resp, err := e.app.work.Delegate(ctx, "bench", casework.Delegation{Form: form.ID, To: casework.Professional{Email: user.Email, Name: "Pro"}, CaseData: raw})
		if err != nil {
			b.Fatal(err)
		}
		// Signed in as login would leave them, without 200 password hashes in the set-up.
		token := newToken()
		s := &store.Session{ID: sessionID(token), UserID: user.ID, CSRFToken: newToken(), Data: map[string]string{}, CreatedAt: now, LastSeenAt: now}
		if err := e.store.CreateSession(ctx, s); err != nil {
			b.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: token}})
		clients[i] = &client{c: &http.Client{Jar: jar}, csrf: s.CSRFToken, task: resp.ID}
	}
	answers := enginetest.Answers(form, enginetest.CaseData(form, 3), 0, e.clock.Now())
	rows := make([]any, 100)
	for i := range rows {
		rows[i] = chronologyRow(i, fmt.Sprintf("Event %04d", i))
	}
	answers.Values["chronology_entries"] = rows
	for _, cl := range clients {
		(&chronology{e: e, task: cl.task}).storeRows(b, rows)
	}
	fd := form.Field("chronology_entries")
	stored, _ := json.Marshal(answers)
	rawRate := rawInsertRate(b, professionals, len(stored))

	var lat latencies
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	start := time.Now()
	b.ResetTimer()
	for _, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= b.N {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				k := cl.saved % len(rows)
				row := chronologyRow(k, fmt.Sprintf("save %d", cl.saved+1))
				fields := []string{"csrf_token", cl.csrf} // first, as the page's form has it
				for name, vs := range renderer.EncodeRow(fd, row) {
					for _, val := range vs {
						fields = append(fields, name, val)
					}
				}
				payload := multipartBody(append(fields, "action", "save-row"))
				t0 := time.Now()
				resp, err := cl.c.Post(e.srv.URL+"/tasks/"+cl.task+"/pages/chronology?field=chronology_entries&row="+strconv.Itoa(k),
					"multipart/form-data; boundary="+fuzzBoundary, bytes.NewReader(payload))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("save: status %d", resp.StatusCode)
					return
				}
				lat.add(time.Since(t0))
				cl.saved++
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	lat.report(b, elapsed)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "saves/s")
	b.ReportMetric(rawRate, "raw-inserts/s")
	b.ReportMetric(100*float64(b.N)/elapsed.Seconds()/rawRate, "%-of-raw")
	// Nothing lost: each professional's last acknowledged save is what the store holds, with 100 rows.
	for _, cl := range clients {
		if cl.saved == 0 {
			continue
		}
		resp, err := e.store.Response(ctx, cl.task)
		if err != nil {
			b.Fatal(err)
		}
		var got struct{ Values map[string]any }
		json.Unmarshal(resp.Answers, &got)
		stored, _ := got.Values["chronology_entries"].([]any)
		last := (cl.saved - 1) % len(rows)
		if len(stored) != len(rows) || eventsOf(stored)[last] != fmt.Sprintf("save %d", cl.saved) {
			b.Fatalf("task %s: the store holds %d rows, row %d %q, want save %d", cl.task, len(stored), last+1, eventsOf(stored)[last], cl.saved)
		}
	}
}

// rawInsertRate is how many rows of size bytes a SQLite file in the portal's own configuration (WAL,
// synchronous=FULL, one writer) commits per second, each in its own transaction, from as many goroutines
// as the load has clients.
func rawInsertRate(b *testing.B, goroutines, size int) float64 {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "raw.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	row := strings.Repeat("x", size)
	const inserts = 2000
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= inserts {
				if _, err := db.Exec(`INSERT INTO rows (body) VALUES (?)`, row); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return inserts / time.Since(start).Seconds()
}
