package e2e

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/forms"
	"formportal/renderer"
)

// loadRequests is how many requests (in the chronology phase, rounds of row page, save and table) each
// client makes in each phase of BenchmarkLoadPortal; CI makes a few.
var loadRequests = flag.Int("load-requests", 30, "requests each client makes in each phase of BenchmarkLoadPortal")

// loadClients is how many connections work at once.
const loadClients = 64

// BenchmarkLoadPortal runs the real portal binary under 64 connections, each a client of its own with
// its own keep-alive connection reading each body and throwing it away (as load tools do), and reports
// beside a hello-world handler measured the same way in the same run:
//   - hello: a bare net/http hello-world handler in a process of its own, as the portal is (startReference);
//     hello-in-process: the same handler in the test process, beside the clients (the reference of
//     earlier figures); healthz: the portal's own /healthz, through its router and middleware;
//   - page200: the chronology page of 200 rows (its table view), each client its own task, after one
//     untimed request each: requests a second as a percentage of hello's, and p50/p99; beside it,
//     page200-bytes: the same page's bytes sent by the reference process, what sending it costs by itself;
//     these five are taken in turn, five times over (alternate), so each ratio is of figures that met
//     the same moments of a noisy machine;
//   - chronology2000: each client on its own 2,000-row chronology, round after round of a row's page,
//     the row saved (multipart, as Chromium posts it) and the table page it returns to; with the
//     portal's resident memory (VmRSS from /proc/PID/status) sampled throughout, and then again once the
//     drafts kept decoded have gone idle (the portal runs with -draft-cache-idle 5s).
//
// Every save must be answered and be in the store. Figures, not assertions:
//
//	go test ./e2e -run '^$' -bench LoadPortal -benchtime 1x [-load-requests 30]
func BenchmarkLoadPortal(b *testing.B) {
	const idle = 5 * time.Second
	b.Setenv("PORTAL_DRAFT_CACHE_IDLE", idle.String())
	p := startPortal(b)
	br := p.browser()
	email := "load@school.example"
	tasks := []string{p.delegate(email)}
	p.emailLink(br, email)
	p.register(br, "Load", "Test", email)
	session := br.Cookie("session")
	if session == nil {
		b.Fatal("no session cookie after registering")
	}
	for len(tasks) < loadClients {
		tasks = append(tasks, p.delegate(email))
	}
	lib, err := forms.Load()
	if err != nil {
		b.Fatal(err)
	}
	fd := lib.Get("multi-agency-chronology").Field("chronology_entries")
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		clients[i] = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	// request GETs url, with the session's cookie when cookie, and hands its body to read.
	request := func(c *http.Client, url string, cookie bool, read func(io.Reader) error) error {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := read(resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
		}
		return nil
	}
	get := func(c *http.Client, url string, cookie bool) (body string, err error) {
		err = request(c, url, cookie, func(r io.Reader) error {
			b, err := io.ReadAll(r)
			body = string(b)
			return err
		})
		return body, err
	}
	// fetch is a request timed under load: the body read and thrown away, as load tools do.
	fetch := func(c *http.Client, url string, cookie bool) error {
		return request(c, url, cookie, func(r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
	}
	rssStart := rssOf(b, p.pid, "VmRSS")

	for _, task := range tasks {
		seedChronology(b, p, task, 200)
	}
	pageOf := func(c *http.Client, client, _ int) error {
		return fetch(c, p.url+"/tasks/"+tasks[client]+"/pages/chronology", true)
	}
	page200, err := get(clients[0], p.url+"/tasks/"+tasks[0]+"/pages/chronology", true)
	if err != nil {
		b.Fatal(err)
	}
	ref := startReference(b, page200)
	inProcess := httptest.NewServer(http.HandlerFunc(helloWorld))
	defer inProcess.Close()
	// Each client's page once, untimed, just before: the rows were seeded behind the portal's back, so
	// its first read of each draft is a cold one (decoded and checked afresh, as BenchmarkChronologyPage's
	// draft-cache=off measures); a professional's own saves leave the draft kept.
	runClients(b, clients, 1, pageOf)
	rates, lats := alternate(b, clients, 20**loadRequests, 5,
		func(c *http.Client, _, _ int) error { return fetch(c, ref+"/", false) },
		func(c *http.Client, _, _ int) error { return fetch(c, inProcess.URL, false) },
		func(c *http.Client, _, _ int) error { return fetch(c, p.url+"/healthz", false) },
		pageOf,
		func(c *http.Client, _, _ int) error { return fetch(c, ref+"/page", false) })
	helloRate, inProcessRate, healthRate, pageRate, staticRate := rates[0], rates[1], rates[2], rates[3], rates[4]
	helloLat, pageLat, staticLat := lats[0], lats[3], lats[4]

	const rows = 2000
	for _, task := range tasks {
		seedChronology(b, p, task, rows)
	}
	var peak rssPeak
	stop := peak.watch(p.pid)
	saved := make([]int, loadClients)
	var mu sync.Mutex
	kinds := map[string]*latencies{"row-page": {}, "save": {}, "table": {}}
	loadRate, _ := runClients(b, clients, *loadRequests, func(c *http.Client, client, round int) error {
		k := savedRow(client, round)
		page := p.url + "/tasks/" + tasks[client] + "/pages/chronology"
		t0 := time.Now()
		body, err := get(c, page+"?field=chronology_entries&row="+strconv.Itoa(k), true)
		if err != nil {
			return err
		}
		kinds["row-page"].add(time.Since(t0))
		csrf, hash := csrfInput.FindStringSubmatch(body), rowHashInput.FindStringSubmatch(body)
		if csrf == nil || hash == nil {
			return fmt.Errorf("row page %d: no CSRF token or row hash", k)
		}
		event := fmt.Sprintf("Saved by client %d in round %d", client, round)
		fields := [][2]string{{"csrf_token", csrf[1]}, {renderer.RowHashInput, hash[1]}}
		for name, vs := range renderer.EncodeRow(fd, map[string]any{"date": time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k).Format(time.DateOnly),
			"children_concerned": []any{"c1"}, "event": event, "source": "School"}) {
			for _, v := range vs {
				fields = append(fields, [2]string{name, v})
			}
		}
		fields = append(fields, [2]string{"action", "save-row"})
		post, contentType := multipartOf(fields)
		req, _ := http.NewRequest(http.MethodPost, page+"?field=chronology_entries&row="+strconv.Itoa(k), post)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", p.url)
		req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
		t0 = time.Now()
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("save row %d: status %d", k, resp.StatusCode)
		}
		kinds["save"].add(time.Since(t0))
		mu.Lock()
		saved[client]++
		mu.Unlock()
		t0 = time.Now()
		if _, err := get(c, p.url+resp.Header.Get("Location"), true); err != nil {
			return err
		}
		kinds["table"].add(time.Since(t0))
		return nil
	})
	stop()
	rssEnd := rssOf(b, p.pid, "VmRSS")
	time.Sleep(2*idle + time.Second) // the drafts kept go idle, and their memory back to the system
	rssIdle := rssOf(b, p.pid, "VmRSS")

	// Every save answered is in the store: each client's last one, in its row.
	for client, task := range tasks {
		last := *loadRequests - 1
		k := savedRow(client, last)
		if events := storedEvents(b, p, task); len(events) != rows || saved[client] != *loadRequests || events[k] != fmt.Sprintf("Saved by client %d in round %d", client, last) {
			b.Fatalf("task %d: %d saves answered, the store holds %d rows, row %d %q", client, saved[client], len(events), k+1, events[k])
		}
	}

	b.ReportMetric(helloRate, "hello-req/s")
	b.ReportMetric(helloLat.at(0.99), "hello-p99-ms")
	b.ReportMetric(inProcessRate, "hello-in-process-req/s")
	b.ReportMetric(100*pageRate/inProcessRate, "page200-%-of-hello-in-process")
	b.ReportMetric(healthRate, "healthz-req/s")
	b.ReportMetric(pageRate, "page200-req/s")
	b.ReportMetric(100*pageRate/helloRate, "page200-%-of-hello")
	b.ReportMetric(100*pageRate/healthRate, "page200-%-of-healthz")
	b.ReportMetric(staticRate, "page200-bytes-req/s")
	b.ReportMetric(100*staticRate/helloRate, "page200-bytes-%-of-hello")
	b.ReportMetric(staticLat.at(0.99), "page200-bytes-p99-ms")
	b.ReportMetric(100*pageRate/staticRate, "page200-%-of-bytes")
	b.ReportMetric(float64(len(page200)), "page200-html-bytes")
	b.ReportMetric(pageLat.at(0.50), "page200-p50-ms")
	b.ReportMetric(pageLat.at(0.99), "page200-p99-ms")
	b.ReportMetric(loadRate*3, "chronology2000-req/s")
	for _, kind := range []string{"row-page", "save", "table"} {
		b.ReportMetric(kinds[kind].at(0.50), kind+"2000-p50-ms")
		b.ReportMetric(kinds[kind].at(0.99), kind+"2000-p99-ms")
	}
	b.ReportMetric(rssStart, "rss-start-MB")
	b.ReportMetric(peak.max, "rss-peak-MB")
	b.ReportMetric(rssEnd, "rss-end-MB")
	b.ReportMetric(rssIdle, "rss-idle-MB")
}

// savedRow is the row a client saves in a round: one of the first thousand, dated before today (the
// seeded rows are a day apart from 1 January 2023).
func savedRow(client, round int) int { return (client*37 + round*101) % 1000 }

var (
	csrfInput    = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	rowHashInput = regexp.MustCompile(`name="` + renderer.RowHashInput + `" value="([0-9a-f]+)"`)
)

// multipartOf is a multipart/form-data body of the fields, in order, as a browser posts a form.
func multipartOf(fields [][2]string) (io.Reader, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

const (
	referenceAddrEnv = "E2E_REFERENCE_ADDR" // set, the test binary is the reference server on this address
	referencePageEnv = "E2E_REFERENCE_PAGE" // the file of the page it sends at /page
)

func helloWorld(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello, world\n") }

// startReference runs the load's reference server, a process of its own as the portal is (one in the
// client's process is scheduled with the clients and answers about half as dear): hello, world at /,
// and at /page the bytes of page, which is what sending the page costs without drawing it.
func startReference(b *testing.B, page string) (url string) {
	b.Helper()
	file := filepath.Join(b.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte(page), 0o600); err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), referenceAddrEnv+"="+addr, referencePageEnv+"="+file)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url = "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url + "/"); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			b.Fatalf("the reference server did not start on %s", addr)
		}
	}
}

// serveReference is the reference server's process: hello, world, and the page of the file named.
func serveReference(addr, pageFile string) {
	page, err := os.ReadFile(pageFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", helloWorld)
	mux.HandleFunc("/page", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.Write(page)
	})
	fmt.Fprintln(os.Stderr, http.ListenAndServe(addr, mux))
	os.Exit(2)
}

// at is the q quantile, in milliseconds.
func (l *latencies) at(q float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) / 1000
}

// alternate runs the loads in turn, slices times over, each time for rounds/slices rounds of every
// client: the machine's pace drifts (other work, its neighbours), and taken in turn the loads meet the
// same drift, so their ratios hold from run to run where back-to-back phases did not. It reports each
// load's rounds a second over all its slices, and every round's latency.
func alternate(b *testing.B, clients []*http.Client, rounds, slices int, loads ...func(c *http.Client, client, round int) error) ([]float64, []*latencies) {
	b.Helper()
	took := make([]time.Duration, len(loads))
	lats := make([]*latencies, len(loads))
	for i := range lats {
		lats[i] = &latencies{}
	}
	per := rounds / slices
	for range slices {
		for i, load := range loads {
			t0 := time.Now()
			_, lat := runClients(b, clients, per, load)
			took[i] += time.Since(t0)
			lats[i].d = append(lats[i].d, lat.d...)
		}
	}
	rates := make([]float64, len(loads))
	for i := range loads {
		rates[i] = float64(per*slices*len(clients)) / took[i].Seconds()
	}
	return rates, lats
}

// runClients has each client make n requests (do, numbered from 0) at once, and reports the rounds a
// second all told and each round's latency.
func runClients(b *testing.B, clients []*http.Client, n int, do func(c *http.Client, client, round int) error) (float64, *latencies) {
	b.Helper()
	var lat latencies
	var wg sync.WaitGroup
	errs := make(chan error, len(clients))
	start := time.Now()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range n {
				t0 := time.Now()
				if err := do(c, i, round); err != nil {
					errs <- err
					return
				}
				lat.add(time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(n*len(clients)) / elapsed.Seconds(), &lat
}

// rssOf reads a memory figure of a process (VmRSS, VmHWM) from /proc/PID/status, in MB.
func rssOf(b *testing.B, pid int, field string) float64 {
	b.Helper()
	mb, err := readStatus(pid, field)
	if err != nil {
		b.Fatal(err)
	}
	return mb
}

func readStatus(pid int, field string) (float64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// rssPeak is the most resident memory a process was seen with.
type rssPeak struct {
	mu  sync.Mutex
	max float64
}

// watch samples the process's VmRSS every 20 ms until stop is called.
func (r *rssPeak) watch(pid int) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				rss, _ := readStatus(pid, "VmRSS") // the process is there: it answers the load
				r.mu.Lock()
				r.max = max(r.max, rss)
				r.mu.Unlock()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
