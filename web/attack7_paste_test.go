package web

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"formportal/renderer"
)

// pasteInto posts the chronology's page as a browser does, with text in the chronology's paste box and
// its Add rows button pressed; the page's other answers are posted as stored (none).
func (c *chronology) pasteInto(t *testing.T, text string) *browser {
	t.Helper()
	page := c.page("chronology")
	c.b.get(page).status(http.StatusOK)
	parts := browserParts(c.b, c.form.Section("chronology"), map[string]any{"agency_currently_involved": "yes"}, c.children, "paste:chronology_entries")
	for i := range parts {
		if parts[i].name == renderer.PasteName("chronology_entries") {
			parts[i].value = text
		}
	}
	return c.b.postParts(page, parts)
}

// The attack: a paste box filled with what no spreadsheet gives, from a script or a bad clipboard. Each
// is answered with a GOV.UK page (never a 500), nothing pasted is lost (added, or kept in the box with
// the reason), and memory stays within a bound of the post's size.
func TestAttack7PasteBoxHostileInput(t *testing.T) {
	c := newChronology(t, 1)
	child := c.children[0].Name
	row := func(day int, event string) string { return fmt.Sprintf("%d/1/2024\t%s\t%s\tSchool", day, child, event) }

	// Lines ended by a lone CR (a spreadsheet on an old Mac): three rows, not one line of nine cells.
	c.pasteInto(t, row(1, "CR one")+"\r"+row(2, "CR two")+"\r"+row(3, "CR three")+"\r").see("3 rows added from your paste")
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "CR one,CR two,CR three" {
		t.Fatalf("rows with CR line ends saved as %q", got)
	}
	c.storeRows(t, nil)

	// NUL bytes and invalid UTF-8 in a cell: a page, not a 500, and the stored answer is valid text
	// without NUL (PostgreSQL's jsonb refuses \u0000).
	r := c.pasteInto(t, row(4, "nul\x00byte")+"\n"+row(5, "bad \xff\xfe utf8")+"\n")
	if r.code >= 500 {
		t.Fatalf("NUL and invalid UTF-8 pasted: %d", r.code)
	}
	if got := eventsOf(c.savedRows(t)); len(got) != 2 || !validUTF8(got[1]) {
		t.Fatalf("stored events %q, want both rows as valid UTF-8", got)
	}
	// What reads them back does not fail on them: the print view, the PDF, check answers.
	for _, p := range []string{"/tasks/" + c.task + "/print", "/tasks/" + c.task + "/pdf", "/tasks/" + c.task + "/submit", c.page("chronology")} {
		if r := c.b.send(http.MethodGet, p, nil, nil); r.code != http.StatusOK {
			t.Fatalf("GET %s with NUL and invalid UTF-8 in a row: %d", p, r.code)
		}
	}
	c.storeRows(t, nil)

	// A 1 MB cell: its row is refused or kept with the event's own limit, and the page says so.
	big := strings.Repeat("x", 1<<20)
	r = c.pasteInto(t, row(6, big)+"\n")
	if r.code >= 500 {
		t.Fatalf("a 1 MB cell: %d", r.code)
	}
	if !strings.Contains(htmlText(r.last), "4000 characters or fewer") && !strings.Contains(htmlText(r.last), "too much") {
		t.Fatalf("a 1 MB cell is not refused with a reason (status %d):\n%.2000s", r.code, htmlText(r.last))
	}
	c.storeRows(t, nil)

	// One line of a 4 MB cell of quotation marks, or of two million cells: the page is not a multiple of
	// the paste (a problem quoted the whole cell, twice, and the box wrote the quotes again doubled).
	for name, text := range map[string]string{"a cell of quotes": strings.Repeat(`"a""`, 1_000_000), "two million cells": strings.Repeat("a\t", 2_000_000)} {
		r := c.pasteInto(t, text).status(http.StatusUnprocessableEntity)
		if len(r.last) > len(text)*6+200<<10 { // a quotation mark is five characters in the page, once
			t.Errorf("%s pasted: a page of %d bytes for %d", name, len(r.last), len(text))
		}
		if n := len(c.savedRows(t)); n != 0 {
			t.Errorf("%s pasted: %d rows saved", name, n)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r = c.pasteInto(t, strings.Repeat("a\t", 2_000_000))
	runtime.ReadMemStats(&after)
	r.see("Line 1 has 2000001 cells, but the table has 6 columns")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("a line of two million cells: %d MB allocated for 4 MB (reading them was 300 MB)", alloc>>20)
	}

	// 10 MB in 9,000 lines: the table takes its maximum (1,000), the rest is kept in the box with the
	// reason, and what it costs is bounded by the paste's size.
	var paste strings.Builder
	for i := range 9_000 {
		paste.WriteString(row(i%28+1, fmt.Sprintf("Event %d %s", i, strings.Repeat("y", 1100))))
		paste.WriteByte('\n')
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	r = c.pasteInto(t, paste.String())
	runtime.ReadMemStats(&after)
	if r.code >= 500 {
		t.Fatalf("10 MB pasted: %d", r.code)
	}
	if n := len(c.savedRows(t)); n != 1000 {
		t.Fatalf("10 MB pasted: %d rows saved, want the table's 1,000", n)
	}
	if !strings.Contains(r.last, "Event 8999 ") {
		t.Fatal("10 MB pasted: the rows not added are not kept in the box")
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("10 MB (%d bytes): status %d, %d MB allocated, page %d bytes", paste.Len(), r.code, alloc>>20, len(r.last))
	if limit := uint64(paste.Len()) * 40; alloc > limit {
		t.Errorf("10 MB pasted: %d MB allocated for %d bytes", alloc>>20, paste.Len())
	}
	if len(r.last) > 2*paste.Len()+200<<10 {
		t.Errorf("10 MB pasted: a page of %d bytes", len(r.last))
	}
	c.storeRows(t, nil)

	// 100,000 lines: more than any paste into the table needs. Refused as a whole with GOV.UK's error,
	// kept in the box, read no further (reading them allocated 245 MB for 4 MB).
	paste.Reset()
	for i := range 100_000 {
		paste.WriteString(row(i%28+1, fmt.Sprintf("Event %d", i)))
		paste.WriteByte('\n')
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	r = c.pasteInto(t, paste.String())
	runtime.ReadMemStats(&after)
	r.status(http.StatusUnprocessableEntity).see("There is a problem", "You can paste up to 10000 lines at a time")
	if !strings.Contains(r.last, "Event 99999") {
		t.Error("100,000 lines pasted: the box lost them")
	}
	alloc = after.TotalAlloc - before.TotalAlloc
	t.Logf("100,000 lines (%d bytes): %d MB allocated", paste.Len(), alloc>>20)
	if alloc > uint64(paste.Len())*20 {
		t.Errorf("100,000 lines pasted: %d MB allocated for %d bytes", alloc>>20, paste.Len())
	}
	if n := len(c.savedRows(t)); n != 0 {
		t.Errorf("100,000 lines pasted: %d rows saved", n)
	}

	// 9,000 lines none of which can be read: the box keeps them all, and the page lists the first
	// problems and counts the rest (every one listed, 100,000 of them made a 4 MB post a 22 MB page).
	paste.Reset()
	for i := range 9_000 {
		fmt.Fprintf(&paste, "99/99/2024\tNobody\tEvent %d\tSchool\n", i)
	}
	r = c.pasteInto(t, paste.String()).status(http.StatusUnprocessableEntity).see("more problems in the lines below")
	if n := strings.Count(htmlText(r.last), "Line "); n > 2*maxPasteProblems+2 {
		t.Errorf("9,000 bad lines pasted: %d problems on the page", n)
	}
	if !strings.Contains(r.last, "Event 8999") || len(r.last) > 2*paste.Len()+200<<10 {
		t.Errorf("9,000 bad lines pasted: the box lost them, or the page is %d bytes", len(r.last))
	}
	if n := len(c.savedRows(t)); n != 0 {
		t.Errorf("bad lines saved %d rows", n)
	}
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "") == s }
