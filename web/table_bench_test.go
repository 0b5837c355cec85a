package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"syscall"
	"testing"
	"time"

	"formportal/renderer"
	"formportal/store/sealed"
)

// Benchmarks of the chronology's table: its page, and saving one row, at 200, 500 and 2,000 rows about
// three children. Server and client run in one process over real HTTP and SQLite, so B/op, allocs/op and
// cpu-ns/op (the process's CPU time, user and system, which other processes on the machine do not
// inflate as they do ns/op) count both sides. 2,000 rows is twice the form's own maxRows: the draft is
// seeded through the store. Each runs with the draft cache on and off, and with the store sealed
// (encryption at rest, cache on): the cost of encryption beside the clear store.
//
//	go test ./web -run '^$' -bench 'ChronologyPage|SaveChronologyRow' -benchmem

var benchRowCounts = []int{200, 500, 2000}

// benchVariant is a way a benchmark runs: with the draft cache or without, pages kept or not, in the
// clear or sealed.
type benchVariant struct {
	name                 string
	cache, pages, sealed bool
}

// benchVariants are the ways each size runs; the page's benchmark also runs with the draft kept but not
// the page drawn from it (page-cache=off), which is what drawing the page costs.
var benchVariants = []benchVariant{{"draft-cache=on", true, true, false}, {"draft-cache=off", false, false, false}, {"draft-cache=on/sealed", true, true, true}}

// benchChronology is a chronology of rows for a benchmark variant.
func benchChronology(b *testing.B, rows int, v benchVariant) *chronology {
	c := newChronology(b, 3)
	if !v.cache {
		c.e.app.drafts = newDraftCache(-1, time.Minute)
	}
	if !v.pages {
		c.e.app.pages = nil
	}
	if v.sealed {
		line, err := sealed.NewKeyLine("bench")
		if err != nil {
			b.Fatal(err)
		}
		keys, err := sealed.Parse([]byte(line))
		if err != nil {
			b.Fatal(err)
		}
		if err := c.e.store.UseKeys(context.Background(), keys); err != nil {
			b.Fatal(err)
		}
	}
	c.seedDatedRows(b, rows)
	return c
}

// BenchmarkChronologyPage is the chronology's page, its table showing the first 50 rows, drawn again and
// again as the draft stays the same (the portal keeps it decoded and checked). With draft-cache=off,
// each page reads and checks the draft afresh, as the first page after a save, or after the portal let
// the draft go, does.
func BenchmarkChronologyPage(b *testing.B) {
	for _, rows := range benchRowCounts {
		for _, v := range slices.Insert(benchVariants, 1, benchVariant{"draft-cache=on/page-cache=off", true, false, false}) {
			b.Run(fmt.Sprintf("rows=%d/%s", rows, v.name), func(b *testing.B) { chronologyPage(b, rows, v) })
		}
	}
}

func chronologyPage(b *testing.B, rows int, v benchVariant) {
	c := benchChronology(b, rows, v)
	url := c.e.srv.URL + c.page("chronology")
	var size int64
	cpu := processCPU()
	for b.Loop() {
		resp, err := c.b.c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		size, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(size), "html-bytes")
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var rowHashRE = regexp.MustCompile(`name="row-hash" value="([0-9a-f]+)"`)

// BenchmarkSaveChronologyRow is one row changed and saved from its row page, posted as Chromium posts it
// (multipart/form-data, the CSRF token and the hash of the row as drawn first), answered with the
// redirect back to the table. The row page is drawn once; each save's hash is that of the row the
// previous save left, so the loop times saves alone. Afterwards the store must hold the last save.
//
// With draft-cache=off, no draft is kept decoded between requests, as when the row was typed for longer
// than the portal keeps the draft (-draft-cache-idle): every request reads the draft's JSON whole.
func BenchmarkSaveChronologyRow(b *testing.B) {
	for _, rows := range benchRowCounts {
		for _, v := range benchVariants {
			b.Run(fmt.Sprintf("rows=%d/%s", rows, v.name), func(b *testing.B) { saveChronologyRow(b, rows, v) })
		}
	}
}

func saveChronologyRow(b *testing.B, rows int, v benchVariant) {
	c := benchChronology(b, rows, v)
	k := rows / 2
	page := c.page("chronology") + "?field=chronology_entries&row=" + fmt.Sprint(k)
	client := *c.b.c
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	fd := c.form.Field("chronology_entries")
	c.b.get(page)
	csrf, hash := c.b.csrf(), rowHashRE.FindStringSubmatch(c.b.last)[1]
	row := chronologyRow(k, "")
	var bodyBytes int
	i := 0
	cpu := processCPU()
	for b.Loop() {
		b.StopTimer()
		row["event"] = fmt.Sprintf("Changed %d", i)
		i++
		posted := renderer.EncodeRow(fd, row)
		fields := []string{"csrf_token", csrf, renderer.RowHashInput, hash}
		for name, vs := range posted {
			for _, v := range vs {
				fields = append(fields, name, v)
			}
		}
		body := multipartBody(append(fields, "action", "save-row"))
		bodyBytes = len(body)
		req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+page, bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		b.StartTimer()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("save: status %d", resp.StatusCode)
		}
		hash = renderer.RowHash(renderer.DecodeRow(fd, posted))
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	saved := c.savedRows(b)
	if got := eventsOf(saved)[k]; len(saved) != rows || got != fmt.Sprintf("Changed %d", i-1) {
		b.Fatalf("the store holds %d rows, row %d %q; want %d rows, the last save", len(saved), k+1, got, rows)
	}
	b.ReportMetric(float64(bodyBytes), "body-bytes")
}
