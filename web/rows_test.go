package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"formportal/engine"
	"formportal/renderer"
)

var removeRE = regexp.MustCompile(`value="(remove:([a-z0-9_]+):(\d+):[0-9a-f]+)"`)

// removeAction is the value of the Remove button of row n (from 0) of the table on the last page.
func (b *browser) removeAction(field string, n int) string {
	b.e.t.Helper()
	for _, m := range removeRE.FindAllStringSubmatch(b.last, -1) {
		if m[2] == field && m[3] == strconv.Itoa(n) {
			return m[1]
		}
	}
	b.e.t.Fatalf("no Remove button for row %d of %s on the page:\n%s", n, field, htmlText(b.last))
	return ""
}

// anotherWindow is a second window of b's session, as a person opens one.
func (b *browser) anotherWindow() *browser {
	other := b.e.browser()
	other.c.Jar = b.c.Jar
	return other
}

// removeRow presses the Remove button of row n (from 0) of the table of field on page.
func (b *browser) removeRow(page, field string, n int) *browser {
	b.e.t.Helper()
	return b.get(page).post(page, "action", b.removeAction(field, n)).status(http.StatusOK)
}

// chronologyRow is a row of the bundled chronology about the first child, dated day days after 1
// January 2023.
func chronologyRow(day int, event string) map[string]any {
	date := chronologyStart.AddDate(0, 0, day).Format(time.DateOnly)
	return map[string]any{"date": date, "children_concerned": []any{"c1"}, "event": event, "source": "School"}
}

var chronologyStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// seedDatedRows stores n rows in the chronology's draft, one a day from 1 January 2023 ("Event 0000"
// first), as a professional who had typed them would leave them.
func (c *chronology) seedDatedRows(t testing.TB, n int) {
	t.Helper()
	rows := make([]any, n)
	for i := range rows {
		rows[i] = chronologyRow(i, fmt.Sprintf("Event %04d", i))
	}
	c.storeRows(t, rows)
}

func (c *chronology) storeRows(t testing.TB, rows []any) {
	t.Helper()
	ctx := context.Background()
	resp, err := c.e.store.Response(ctx, c.task)
	if err != nil {
		t.Fatal(err)
	}
	var draft engine.Answers
	json.Unmarshal(resp.Answers, &draft)
	if draft.Values == nil {
		draft.Values = map[string]any{}
	}
	draft.Values["chronology_entries"] = rows
	draft.Values["agency_currently_involved"] = "yes"
	if resp.Answers, err = json.Marshal(draft); err != nil {
		t.Fatal(err)
	}
	if err := c.e.store.UpdateResponse(ctx, resp, nil); err != nil {
		t.Fatal(err)
	}
}

// postDatedRow saves the chronology's row page row as typed: event, about the first child, on day of
// January 2023, with the row's hash as that page drew it.
func (b *browser) postDatedRow(row, hash, day, event string) *browser {
	b.e.t.Helper()
	return b.post(row, "row-hash", hash, "row.date.day", day, "row.date.month", "1", "row.date.year", "2023",
		"row.children_concerned", "c1", "row.event", event, "action", "save-row")
}

// rowOpenInTwoWindows seeds three dated rows in the chronology of a task about that many children and
// opens row n (from 0) in the task's browser: the chronology's page, the row's page, the row's hash as
// that page drew it, and a second window of the same session.
func rowOpenInTwoWindows(t *testing.T, children, n int) (c *chronology, page, row, hash string, other *browser) {
	t.Helper()
	c = newChronology(t, children)
	c.seedDatedRows(t, 3)
	page = c.page("chronology")
	row = page + "?field=chronology_entries&row=" + strconv.Itoa(n)
	c.b.get(row)
	hash = rowHashRE.FindStringSubmatch(c.b.last)[1]
	return c, page, row, hash, c.b.anotherWindow()
}

func eventsOf(rows []any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r.(map[string]any)["event"].(string)
	}
	return out
}

// checkOrdered fails unless the stored rows are in date order.
func checkOrdered(t *testing.T, rows []any) {
	t.Helper()
	last := ""
	for i, r := range rows {
		d, _ := r.(map[string]any)["date"].(string)
		if m, ok := r.(map[string]any)["date"].(map[string]any); ok {
			d = fmt.Sprintf("%s-%02s-%02s", m["year"], m["month"], m["day"])
		}
		if d < last {
			t.Fatalf("row %d (%s) is before row %d (%s): not in date order", i+1, d, i, last)
		}
		last = d
	}
}

var tableRowRE = regexp.MustCompile(`<tr (?:class="[^"]*" )?id="chronology_entries-row-(\d+)"`)

// The chronology's table at 1, 50 and 1,000 rows: shown a page of 50 rows at a time, light whatever its
// size; a row changed, removed, added and pasted, each saved without the rest of the table, the rows kept
// in date order and focus returned to the row saved.
func TestTableRowsAt1And50And1000Rows(t *testing.T) {
	for _, n := range []int{1, 50, 1000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := newChronology(t, 3)
			c.seedDatedRows(t, n)
			page := c.page("chronology")

			// The table view draws one page of rows.
			c.b.get(page).status(http.StatusOK).see("Event 0000", "1 January 2023", "Aurora Boreo")
			if got, want := len(tableRowRE.FindAllString(c.b.last, -1)), min(n, renderer.TablePageSize); got != want {
				t.Fatalf("the table view draws %d rows, want %d", got, want)
			}
			if len(c.b.last) > 200<<10 {
				t.Fatalf("the table view of %d rows is %d bytes", n, len(c.b.last))
			}
			if n > renderer.TablePageSize {
				c.b.see("Showing rows 1 to 50 of "+strconv.Itoa(n), "Next page")
				c.b.post(page, "action", "rows:chronology_entries:20").see("Showing rows 951 to 1000 of 1000", "Event 0999")
			}

			// Change a row: its page asks only its questions and posts only them.
			k := n / 2
			c.b.get(page+"?field=chronology_entries&row="+strconv.Itoa(k)).status(http.StatusOK).
				see("Change row "+strconv.Itoa(k+1), fmt.Sprintf("Event %04d", k))
			if strings.Count(c.b.last, `name="row.event"`) != 1 || strings.Contains(c.b.last, "chronology_entries[") || len(c.b.last) > 60<<10 {
				t.Fatalf("the row page is %d bytes and draws more than its row", len(c.b.last))
			}
			day := chronologyStart.AddDate(0, 0, k)
			c.b.post(page+"?field=chronology_entries&row="+strconv.Itoa(k), "row.date.day", strconv.Itoa(day.Day()), "row.date.month", strconv.Itoa(int(day.Month())),
				"row.date.year", strconv.Itoa(day.Year()), "row.children_concerned", "c2", "row.event", "Changed event", "row.source", "Police",
				"action", "save-row").status(http.StatusOK).see("Row "+strconv.Itoa(k+1)+" has been saved", "Changed event", "Orion Boreo")
			if !strings.Contains(c.b.last, `id="chronology_entries-row-`+strconv.Itoa(k)+`" tabindex="-1" data-autofocus`) {
				t.Fatal("focus does not return to the row saved")
			}
			rows := c.savedRows(t)
			if len(rows) != n || eventsOf(rows)[k] != "Changed event" {
				t.Fatalf("after the change: %d rows, row %d is %q", len(rows), k+1, eventsOf(rows)[k])
			}

			// Remove the first row.
			c.b.get(page)
			c.b.post(page, "action", c.b.removeAction("chronology_entries", 0)).see("Row 1 has been removed")
			if rows := c.savedRows(t); len(rows) != n-1 || n > 1 && eventsOf(rows)[0] != "Event 0001" {
				t.Fatalf("after removing row 1: %d rows, first %v", len(rows), eventsOf(rows)[:min(1, len(rows))])
			}

			// Add a row dated in the middle: it takes its place in date order.
			c.b.post(page, "action", "add:chronology_entries").see("Add a row", "Date", "Event or incident")
			c.b.post(page+"?field=chronology_entries&row=new", "row.date.day", "2", "row.date.month", "1", "row.date.year", "2022",
				"row.children_concerned", "c1", "row.children_concerned", "c3", "row.event", "Added event", "action", "save-row").
				see("Row 1 has been saved", "Added event", "Aurora Boreo, Lyra Boreo")
			rows = c.savedRows(t)
			if len(rows) != n || eventsOf(rows)[0] != "Added event" {
				t.Fatalf("after adding: %d rows, first %q", len(rows), eventsOf(rows)[0])
			}
			checkOrdered(t, rows)

			// Paste two rows, one of them with a date that cannot be read: the other is added, or kept
			// with the reason when the table is full; nothing is lost.
			paste := "Date\tChild or children concerned\tEvent or incident\n" +
				"5/1/2025\tAurora, Lyra\tPasted event\n" +
				"next Tuesday\tOrion Boreo\tUndated event\n"
			c.b.get(page)
			c.b.post(page, "chronology_entries.paste", paste, "action", "paste:chronology_entries").status(http.StatusUnprocessableEntity)
			rows = c.savedRows(t)
			if n < 1000 {
				c.b.see("1 row added from your paste", "Line 2, Date: Enter the date as day, month and year, like 27/3/2024, not “next Tuesday”")
				if len(rows) != n+1 || !strings.Contains(strings.Join(eventsOf(rows), ","), "Pasted event") {
					t.Fatalf("after pasting: %d rows", len(rows))
				}
			} else {
				c.b.see("You can add up to 1000 rows")
				if len(rows) != n {
					t.Fatalf("a full table took a pasted row: %d rows", len(rows))
				}
			}
			if !strings.Contains(c.b.last, "Undated event") {
				t.Fatal("the pasted row that could not be read is not kept for correction")
			}
			checkOrdered(t, rows)
		})
	}
}

var tableRowMarkupRE = regexp.MustCompile(`<tr (?:class="[^"]*" )?id="chronology_entries-row-\d+"[^>]*>.*?</tr>`)

// The chronology's page is light enough to send quickly: each of its fifty rows says only what it shows
// (its answers, each under its column's name for a narrow screen; Change and Remove, saying which row to
// screen readers), its styles and the row pages' address given once for the table. At 200 rows a row was
// 1,522 bytes and the page 92,870 before; now about 790 and 56,200.
func TestChronologyRowsStayLight(t *testing.T) {
	const maxRowBytes, maxPageBytes = 850, 60 << 10
	c := newChronology(t, 3)
	c.seedDatedRows(t, 200)
	c.b.get(c.page("chronology")).status(http.StatusOK)
	rows := tableRowMarkupRE.FindAllString(c.b.last, -1)
	if len(rows) != renderer.TablePageSize {
		t.Fatalf("the page draws %d rows, want %d", len(rows), renderer.TablePageSize)
	}
	for i, row := range rows {
		for _, want := range []string{`data-label="Event or incident">Event ` + fmt.Sprintf("%04d", i), "<span> Row " + strconv.Itoa(i+1) + "</span>",
			`value="remove:chronology_entries:` + strconv.Itoa(i) + ":"} {
			if !strings.Contains(row, want) {
				t.Fatalf("row %d does not show %s:\n%s", i+1, want, row)
			}
		}
		if len(row) > maxRowBytes {
			t.Errorf("row %d is %d bytes, more than %d:\n%s", i+1, len(row), maxRowBytes, row)
		}
	}
	if len(c.b.last) > maxPageBytes {
		t.Errorf("the page of 200 rows is %d bytes, more than %d", len(c.b.last), maxPageBytes)
	}
}

// A row is checked on its own when saved: with problems it stays on its page, saved all the same, with
// the engine's messages (" in row 2"); a new row left blank adds nothing.
func TestRowPageChecksTheRowOnItsOwn(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/chronology"
	b.get(page + "?field=events&row=new").see("Add a row")
	b.post(page+"?field=events&row=new", "row.event", "", "action", "save-row").status(http.StatusUnprocessableEntity).
		see("There is a problem", "Enter date in row 1", "Enter event or incident in row 1")
	if strings.Contains(b.last, "has been saved") {
		t.Fatal("a blank row was saved")
	}
	b.post(page+"?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.event", "Home visit", "action", "save-row").
		see("Row 1 has been saved")
	b.post(page+"?field=events&row=new", "row.date.day", "31", "row.date.month", "2", "row.date.year", "2026", "row.event", "Not a real day",
		"row.hours", "41", "action", "save-row").status(http.StatusUnprocessableEntity).
		see("Change row 2", "Date must be a real date in row 2", "Hours of support must be between 0 and 40 in row 2", "Not a real day")
	if !strings.Contains(b.last, `href="#events-1-date-day"`) || !strings.Contains(b.last, `id="events-1-date-day"`) {
		t.Fatal("the error summary does not link to the row's date")
	}
	// Kept, nothing lost; the table flags it once problems are shown.
	b.get(page+"?check=1").see("Not a real day", "Date must be a real date in row 2")
	if !strings.Contains(b.last, `href="#events-1"`) || !strings.Contains(b.last, `id="events-1"`) {
		t.Fatal("the table's problem does not link to the row's Change button")
	}
	// The submit page links the problem to the row's own page, which shows it.
	b.get("/tasks/" + id + "/submit").see("Date must be a real date in row 2")
	if !strings.Contains(b.last, `href="`+page+`?field=events&amp;row=1&amp;check=1#events-1-date-day"`) {
		t.Fatal("the submit page does not link the row's problem to the row's page")
	}
	b.get(page+"?field=events&row=1&check=1").see("Change row 2", "Date must be a real date in row 2")
	b.post(page+"?field=events&row=1", "row.date.day", "28", "row.date.month", "2", "row.date.year", "2026", "row.event", "Not a real day",
		"action", "save-row").see("Row 2 has been saved")
}

// A row changed or removed in another window since its page was drawn is not overwritten: the row page
// says so, with what was typed, and saving again keeps it. Remove checks the row in the same way.
func TestRowChangedInAnotherWindow(t *testing.T) {
	c, page, row, hash, other := rowOpenInTwoWindows(t, 3, 1)
	other.get(row).postDatedRow(row, hash, "2", "Theirs").see("Row 2 has been saved")
	c.b.postDatedRow(row, hash, "2", "Mine").status(http.StatusConflict).
		see("This row was changed or removed in another tab or window", "Mine")
	if got := eventsOf(c.savedRows(t))[1]; got != "Theirs" {
		t.Fatalf("row 2 is %q after the conflict, want the other window's", got)
	}
	hash = regexp.MustCompile(`name="row-hash" value="([0-9a-f]+)"`).FindStringSubmatch(c.b.last)[1]
	c.b.postDatedRow(row, hash, "2", "Mine").see("Row 2 has been saved")
	if got := eventsOf(c.savedRows(t))[1]; got != "Mine" {
		t.Fatalf("row 2 is %q after saving again", got)
	}

	c.b.get(page)
	remove := c.b.removeAction("chronology_entries", 1)
	other.get(row).post(row, "row.date.day", "2", "row.date.month", "1", "row.date.year", "2023",
		"row.children_concerned", "c1", "row.event", "Theirs again", "action", "save-row")
	c.b.post(page, "action", remove).status(http.StatusUnprocessableEntity).see("was changed or removed in another tab or window, so nothing was removed")
	if rows := c.savedRows(t); len(rows) != 3 || eventsOf(rows)[1] != "Theirs again" {
		t.Fatalf("a stale Remove removed %v", eventsOf(rows))
	}
}

// With JavaScript the row's form is fetched alone (part=row) and posted from the table's page; the
// answer is the table's rows, with the row saved focused and what the live region is to say, or the
// row's form again with its problems.
func TestRowInPlaceFragments(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 60)
	page := c.page("chronology")
	c.b.get(page+"?field=chronology_entries&row=55&part=row").status(http.StatusOK).see("Change row 56", "Event 0055")
	if strings.Contains(c.b.last, "<html") || !strings.Contains(c.b.last, "data-row-editor") || !strings.Contains(c.b.last, `name="row-hash"`) {
		t.Fatalf("the row's form alone is not what came back:\n%.500s", c.b.last)
	}
	hash := regexp.MustCompile(`name="row-hash" value="([0-9a-f]+)"`).FindStringSubmatch(c.b.last)[1]
	post := func(fields ...string) *browser {
		v := map[string][]string{"row-hash": {hash}, "action": {"save-row"}}
		for i := 0; i+1 < len(fields); i += 2 {
			v[fields[i]] = append(v[fields[i]], fields[i+1])
		}
		return c.b.postRaw(page+"?field=chronology_entries&row=55&part=row", v, http.Header{"X-CSRF-Token": {c.b.csrfOf(page)}})
	}
	post("row.date.day", "31", "row.date.month", "2", "row.date.year", "2023", "row.event", "Event 0055").status(http.StatusUnprocessableEntity).
		see("There is a problem", "Change row 60", "Date must be a real date in row 60") // saved, last in date order
	if !strings.Contains(c.b.last, "govuk-error-summary") || strings.Contains(c.b.last, "<html") {
		t.Fatal("the row's problems do not come back as its form alone")
	}
	// Corrected, it takes its place in date order.
	c.b.get(page + "?field=chronology_entries&row=59&part=row")
	hash = regexp.MustCompile(`name="row-hash" value="([0-9a-f]+)"`).FindStringSubmatch(c.b.last)[1]
	v := map[string][]string{"row-hash": {hash}, "action": {"save-row"}, "row.date.day": {"1"}, "row.date.month": {"1"}, "row.date.year": {"2022"},
		"row.children_concerned": {"c2"}, "row.event": {"Moved to the start"}}
	c.b.postRaw(page+"?field=chronology_entries&row=59&part=row", v, http.Header{"X-CSRF-Token": {c.b.csrfOf(page)}}).status(http.StatusOK)
	if strings.Contains(c.b.last, "<html") || !strings.Contains(c.b.last, `data-announce="Row 1 has been saved"`) ||
		!strings.Contains(c.b.last, `id="chronology_entries-row-0" tabindex="-1" data-autofocus`) || !strings.Contains(c.b.last, "Moved to the start") {
		t.Fatalf("the answer is not the table's first page of rows with row 1 focused:\n%.800s", htmlText(c.b.last))
	}
	// With it, the page's status for the section list, as the page drawn afresh shows it.
	fragment := sectionStatusRE.FindStringSubmatch(c.b.last)
	current := currentStatusRE.FindStringSubmatch(c.b.get(page).last)
	if fragment == nil || current == nil || fragment[1] != current[1] || fragment[2] != current[2] {
		t.Fatalf("the rows saved in place carry the status %q; the page then shows %q", fragment, current)
	}
}

var (
	sectionStatusRE = regexp.MustCompile(`<strong hidden data-section-status class="([^"]+) app-section-nav__status">([^<]+)</strong>`)
	currentStatusRE = regexp.MustCompile(`(?s)app-section-nav__item--current".*?<strong class="([^"]+) app-section-nav__status">([^<]+)</strong>`)
)

// csrfOf is the CSRF token of the page at path, as its script reads it.
func (b *browser) csrfOf(path string) string {
	b.e.t.Helper()
	b.get(path)
	return b.csrf()
}

// The notice after a save names a row the table has; an address naming none ("Row -4 has been saved")
// shows no notice.
func TestSavedNoticeNamesARowTheTableHas(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 3)
	table := c.page("chronology")
	c.b.get(table + "?saved=chronology_entries.2").status(http.StatusOK).see("Row 3 has been saved")
	for _, key := range []string{"-5", "3", "99999999999999999999", "x"} {
		c.b.get(table + "?saved=chronology_entries." + key).status(http.StatusOK)
		if strings.Contains(c.b.last, "has been saved") {
			t.Errorf("saved=chronology_entries.%s: a notice for a row the table does not have", key)
		}
	}
}
