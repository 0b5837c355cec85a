package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"formportal/engine"
)

// seedRows stores a draft of the chronology with rows rows, as a professional who had typed them would
// leave it: through the store, since typing thousands of rows through the pages would take hours.
func (c *chronology) seedRows(t testing.TB, rows int) {
	t.Helper()
	ctx := context.Background()
	resp, err := c.e.store.Response(ctx, c.task)
	if err != nil {
		t.Fatal(err)
	}
	answers := c.answers(rows)
	var draft engine.Answers
	json.Unmarshal(resp.Answers, &draft)
	if draft.Values == nil {
		draft.Values = map[string]any{}
	}
	draft.Values["chronology_entries"] = answers.Values["chronology_entries"]
	draft.Values["agency_currently_involved"] = "yes"
	if resp.Answers, err = json.Marshal(draft); err != nil {
		t.Fatal(err)
	}
	if err := c.e.store.UpdateResponse(ctx, resp, nil); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkChronologyPage is the chronology page (the table view) at 500 and 2,000 rows about three
// children: server and client in one process, real HTTP and SQLite.
//
//	go test ./web -run '^$' -bench ChronologyPage -benchmem
func BenchmarkChronologyPage(b *testing.B) {
	for _, rows := range []int{500, 2000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			c := newChronology(b, 3)
			c.seedRows(b, rows)
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
}
