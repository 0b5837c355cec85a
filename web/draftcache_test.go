package web

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"formportal/forms"
	"formportal/renderer"
)

// saveRow changes row k of the chronology to event from its row page, as a browser posts it: the page's
// hidden inputs (its CSRF token, the row's hash and count), the row, multipart.
func (c *chronology) saveRow(b *browser, k int, event string) {
	b.e.t.Helper()
	page := c.page("chronology") + "?field=chronology_entries&row=" + fmt.Sprint(k)
	b.get(page).status(http.StatusOK)
	var fields []string
	for name, vs := range renderer.EncodeRow(c.form.Field("chronology_entries"), chronologyRow(k, event)) {
		for _, v := range vs {
			fields = append(fields, name, v)
		}
	}
	b.postHiddenParts(page, append(fields, "action", "save-row")...).status(http.StatusOK).see(event)
}

// The drafts a portal keeps decoded are only ever answered for the task the signed-in professional may
// see, at the version stored: a second professional asking for the task gets "not found" however warm
// the first one's draft is, and a save, in this process or in another on the same database, is on the
// next page drawn, never the draft kept from before it.
func TestKeptDraftsAreNeitherSomeoneElsesNorStale(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 3)
	table := c.page("chronology")
	c.b.get(table).status(http.StatusOK).see("Event 0000")
	c.b.get(table).status(http.StatusOK) // kept now

	other := c.e.register("other@school.example")
	other.get(table).status(http.StatusNotFound)
	other.get(table + "?field=chronology_entries&row=0").status(http.StatusNotFound)
	if strings.Contains(other.last, "Event 0000") {
		t.Fatal("another professional was shown the draft kept for the first")
	}

	c.saveRow(c.b, 0, "Saved here")
	c.b.get(table).status(http.StatusOK).see("Saved here")
	if strings.Contains(c.b.last, "Event 0000") {
		t.Fatal("the page after a save was drawn from the draft kept before it")
	}

	// A second portal process on the same database file, with drafts of its own kept.
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e2 := newEnvAt(t, c.e.file)
	e2.useForms(lib)
	there := *c.b // the same browser, its session cookie and all, talking to the other process
	there.e = e2
	there.get(table).status(http.StatusOK).see("Saved here")
	c.saveRow(&there, 1, "Saved in the other process")
	c.b.get(table).status(http.StatusOK).see("Saved here", "Saved in the other process")
	if strings.Contains(c.b.last, "Event 0001") {
		t.Fatal("this process drew the draft it kept from before the other process's save")
	}
	// A save from a row page drawn before the other process saved keeps both saves.
	c.b.get(table + "?field=chronology_entries&row=2").status(http.StatusOK)
	hash := rowHashRE.FindStringSubmatch(c.b.last)[1]
	c.saveRow(&there, 1, "Saved there again")
	fields := []string{renderer.RowHashInput, hash, "action", "save-row"}
	for name, vs := range renderer.EncodeRow(c.form.Field("chronology_entries"), chronologyRow(2, "Saved here after")) {
		for _, v := range vs {
			fields = append(fields, name, v)
		}
	}
	c.b.post(table+"?field=chronology_entries&row=2", fields...).status(http.StatusOK)
	got := eventsOf(c.savedRows(t))
	if len(got) != 3 || got[0] != "Saved here" || got[1] != "Saved there again" || got[2] != "Saved here after" {
		t.Fatalf("the store holds %q; want every save", got)
	}
	there.get(table).see("Saved here after")
	otherThere := *other
	otherThere.e = e2
	otherThere.get(table).status(http.StatusNotFound)
	if strings.Contains(otherThere.last, "Saved") {
		t.Fatal("the other process showed the draft to another professional")
	}
}

// The table views kept for a draft are drawn with each request's own row to focus: the row just saved
// has focus on the page after its save only, and a page of rows asked for is that page.
func TestKeptTableViewsTakeTheRequestsFocus(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 60)
	table := c.page("chronology")
	c.b.get(table).status(http.StatusOK) // opens the task: a version of its own
	first := c.b.get(table).status(http.StatusOK).last
	if again := c.b.get(table).last; again != first {
		for i := range min(len(first), len(again)) {
			if first[i] != again[i] {
				t.Fatalf("the page drawn from the table views kept differs from the page built at %d:\n%s\n%s", i, first[max(0, i-200):min(len(first), i+100)], again[max(0, i-200):min(len(again), i+100)])
			}
		}
		t.Fatal("the page drawn from the table views kept differs from the page built")
	}
	if strings.Contains(first, "data-autofocus") {
		t.Fatal("a row has focus on a page no save led to")
	}
	focused := c.b.get(table + "?" + savedParam + "=chronology_entries.1").last
	if !strings.Contains(focused, `id="chronology_entries-row-1" tabindex="-1" data-autofocus`) {
		t.Fatalf("the row saved has no focus:\n%s", focused)
	}
	if strings.Contains(c.b.get(table).last, "data-autofocus") {
		t.Fatal("the focus of an earlier request was kept with the table view")
	}
	c.b.get(table+"?chronology_entries-page=2").see("Showing rows 51 to 60 of 60", "Event 0055")
	c.b.get(table).see("Showing rows 1 to 50 of 60", "Event 0000")
}

// A draft kept costs the cache about what it holds in memory, once its page has been drawn: the cache's
// bound (-draft-cache-mib) is then what the drafts take. Estimated at half, 64 MiB of 2,000-row
// chronologies held 130 MB.
func TestDraftCostIsWhatADraftHolds(t *testing.T) {
	for _, rows := range []int{200, 2000} {
		c := newChronology(t, 3)
		c.seedDatedRows(t, rows)
		c.e.app.pages = nil
		c.b.get(c.page("chronology") + "?field=chronology_entries&row=5") // nothing kept yet: sessions, forms warm
		c.e.app.drafts = newDraftCache(64<<20, time.Minute)
		before := heapInUse()
		c.b.get(c.page("chronology") + "?field=chronology_entries&row=5")
		c.b.get(c.page("chronology"))
		held := heapInUse() - before
		if len(c.e.app.drafts.entries) != 1 {
			t.Fatalf("%d drafts kept, want the one", len(c.e.app.drafts.entries))
		}
		for _, e := range c.e.app.drafts.entries {
			if ratio := float64(e.cost) / float64(held); ratio < 0.6 || ratio > 1.7 {
				t.Errorf("%d rows: the draft kept holds %d bytes, counted as %d (%.2f of it)", rows, held, e.cost, ratio)
			}
		}
	}
}

// heapInUse is the heap's live bytes, after collecting.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
