package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"

	"formportal/renderer"
	"formportal/store/sealed"
)

// Benchmarks of the chronology's table: its page, and saving one row, at 500 and 2,000 rows about three
// children. Server and client run in one process over real HTTP and SQLite, so B/op and allocs/op count
// both sides. 2,000 rows is twice the form's own maxRows: the draft is seeded through the store. Each
// runs with the store in the clear and sealed (encryption at rest): the cost of encryption beside it.
//
//	go test ./web -run '^$' -bench 'ChronologyPage|SaveChronologyRow' -benchmem

var benchRowCounts = []int{500, 2000}

// benchChronologies runs a benchmark on a chronology of each size, in the clear and sealed.
func benchChronologies(b *testing.B, fn func(b *testing.B, c *chronology, rows int)) {
	for _, rows := range benchRowCounts {
		for _, seal := range []bool{false, true} {
			b.Run(fmt.Sprintf("rows=%d/sealed=%v", rows, seal), func(b *testing.B) {
				c := newChronology(b, 3)
				if seal {
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
				fn(b, c, rows)
			})
		}
	}
}

func BenchmarkChronologyPage(b *testing.B) {
	benchChronologies(b, func(b *testing.B, c *chronology, rows int) {
		url := c.e.srv.URL + c.page("chronology")
		var size int64
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
		b.ReportMetric(float64(size), "html-bytes")
	})
}

var rowHashRE = regexp.MustCompile(`name="row-hash" value="([0-9a-f]+)"`)

// BenchmarkSaveChronologyRow is one row changed and saved from its row page, posted as Chromium posts it
// (multipart/form-data, the CSRF token first), answered with the redirect back to the table.
func BenchmarkSaveChronologyRow(b *testing.B) {
	benchChronologies(b, func(b *testing.B, c *chronology, rows int) {
		k := rows / 2
		page := c.page("chronology") + "?field=chronology_entries&row=" + fmt.Sprint(k)
		client := *c.b.c
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		fd := c.form.Field("chronology_entries")
		row := chronologyRow(k, "")
		var bodyBytes int
		i := 0
		for b.Loop() {
			b.StopTimer()
			c.b.get(page)
			row["event"] = fmt.Sprintf("Changed %d", i)
			i++
			fields := []string{"csrf_token", c.b.csrf(), renderer.RowHashInput, rowHashRE.FindStringSubmatch(c.b.last)[1]}
			for name, vs := range renderer.EncodeRow(fd, row) {
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
		}
		b.ReportMetric(float64(bodyBytes), "body-bytes")
	})
}
