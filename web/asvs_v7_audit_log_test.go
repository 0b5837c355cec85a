package web

// OWASP ASVS 4.0.3 V7, logging: the audit log admins read, filter and export.

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

// auditHas fails the test unless the entries include one per want, each "actor | action | target".
func auditHas(t *testing.T, got []store.AuditEntry, want ...string) {
	t.Helper()
	lines := auditLines(got)
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || l == w
		}
		if !found {
			t.Errorf("no audit entry %q in:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

// V7.2.1: every authentication decision goes to the audit log as well as the service log: sign-ins,
// failed sign-ins (whether or not the address has an account) and password changes, each with who and
// from where, and never the password, even one typed into the email box.
func TestASVS_V7_2_1_SignInsAndFailuresAudited(t *testing.T) {
	e := newEnv(t)
	e.register("rose@example.org").post("/logout")
	head := e.auditHead()
	e.signIn("rose@example.org", testPassword)
	e.signIn("rose@example.org", "wrong password here")
	e.signIn("nobody@example.org", "another wrong password")
	e.signIn(testPassword, testPassword) // the password in both boxes
	b := e.signIn("rose@example.org", testPassword)
	b.get("/account/password").post("/account/password", "current", testPassword, "password", "fresh marmot lighthouse", "confirm", "fresh marmot lighthouse")
	got := e.auditAfter(head)
	auditHas(t, got, "rose@example.org | signed in | ", "rose@example.org | sign-in failed | ", "nobody@example.org | sign-in failed | ",
		"(not an email address) | sign-in failed | ", "rose@example.org | password changed | ")
	for _, entry := range got {
		if entry.Detail != "from 127.0.0.1" {
			t.Errorf("%s: detail %q, want where from", entry.Action, entry.Detail)
		}
		for _, secret := range []string{testPassword, "wrong password here", "fresh marmot lighthouse"} {
			if strings.Contains(entry.Actor+entry.Action+entry.Detail, secret) {
				t.Errorf("an audit entry holds a password: %+v", entry)
			}
		}
	}
}

// V7.2.2: every refused request is audited with who, what and from where: another person's task or
// referral, a post without its CSRF token, the staff console to someone who is not staff, the audit log
// to staff who are not admins, and the API without a valid key.
func TestASVS_V7_2_2_RefusalsAudited(t *testing.T) {
	fx := newFixture(t)
	e := fx.e
	other := e.register("other@school.example")
	worker := e.staff("jo@council.example", false)
	head := e.auditHead()
	other.get("/tasks/" + fx.task).status(http.StatusNotFound)
	other.get("/referrals/" + fx.referral + "/files/" + fx.referralFile).status(http.StatusNotFound)
	other.get("/staff").status(http.StatusNotFound)
	worker.get("/staff/audit").status(http.StatusNotFound)
	worker.get("/staff/audit?export=csv").status(http.StatusNotFound)
	e.browser().get("/login").postRaw("/login", url.Values{"email": {"x@example.org"}, "password": {"p"}}, nil).status(http.StatusForbidden)
	e.api("", "GET", "/delegations/"+fx.task, nil)
	e.api("fpk_not-a-real-key", "GET", "/delegations/"+fx.task, nil)
	got := e.auditAfter(head)
	auditHas(t, got,
		"other@school.example | access refused | "+fx.task,
		"other@school.example | access refused | "+fx.referral,
		"other@school.example | access refused: not staff | ",
		"jo@council.example | access refused: not an admin | ",
		"anonymous | refused: no valid CSRF token | ",
		"api | API request refused: no key | "+fx.task,
		"api | API request refused: unknown key | "+fx.task)
	for _, entry := range got {
		if !strings.Contains(entry.Detail, " from 127.0.0.1") || !strings.HasPrefix(entry.Detail, "GET /") && !strings.HasPrefix(entry.Detail, "POST /") {
			t.Errorf("%s %s: detail %q, want the request and where from", entry.Actor, entry.Action, entry.Detail)
		}
	}
	if n := len(auditLines(got)); n != 8 {
		t.Errorf("%d refusals audited, want 8:\n%s", n, strings.Join(auditLines(got), "\n"))
	}
}

// V7.1.4: an admin can follow one person, one record or some days through the log, with GOV.UK form
// controls, a page at a time, newest first. A record is found by its id or by its reference, and a
// reference finds every copy of a referral returned for more information.
func TestASVS_V7_1_4_AuditLogFilteredByPersonRecordAndDays(t *testing.T) {
	rec := newAPIRecords(t)
	e := rec.e
	e.newStaffUser("admin@council.example", store.RoleAdmin) // signs in: the day's first entry
	// A referral returned for more information gets a new id and keeps its reference.
	code, out := e.api(rec.key, "POST", "/referrals/"+rec.referral+"/return", map[string]any{"reason": "Insufficient Detail"})
	if code != http.StatusOK {
		t.Fatalf("return: %d %v", code, out)
	}
	reopened := out["reopened"].(string)
	e.clock.Advance(24 * time.Hour)
	admin := e.signIn("admin@council.example", testPassword)
	admin.get("/staff/referrals/" + reopened)
	e.api(rec.key, "GET", "/delegations/"+rec.delegation, nil)
	e.clock.Advance(24 * time.Hour)
	admin = e.signIn("admin@council.example", testPassword)
	admin.get("/staff/delegations/" + rec.delegation)

	page := func(query string) []string {
		t.Helper()
		admin.get("/staff/audit?" + query).status(http.StatusOK)
		var rows []string
		if _, body, ok := strings.Cut(admin.last, "<tbody"); ok {
			body, _, _ = strings.Cut(body, "</tbody>")
			for _, tr := range strings.Split(body, "<tr class=\"govuk-table__row\">")[1:] {
				rows = append(rows, htmlText(tr))
			}
		}
		return rows
	}
	rows := page("actor=api%3Alcs")
	if len(rows) != 2 || !strings.Contains(rows[0], "api:lcs viewed delegation "+rec.delegation) || !strings.Contains(rows[1], "api:lcs returned "+rec.referral) {
		t.Fatalf("by person api:lcs: %q\n%s", rows, htmlText(admin.last))
	}
	if rows := page("actor=ADMIN%40Council.example"); len(rows) != 5 || !strings.Contains(rows[0], "viewed delegation") || !strings.Contains(rows[4], "2 March 2026") || !strings.Contains(rows[4], "admin@council.example signed in") {
		t.Fatalf("by person, typed in capitals: %q", rows)
	}
	if rows := page("record=FP-20260302-rAAAAA"); len(rows) != 2 || !strings.Contains(rows[0], "admin@council.example viewed referral "+reopened) ||
		!strings.Contains(rows[1], "api:lcs returned "+rec.referral) {
		t.Fatalf("by reference: %q", rows)
	}
	if rows := page("record=" + rec.delegation); len(rows) != 2 {
		t.Fatalf("by id: %q", rows)
	}
	if rows := page("from.day=3&from.month=3&from.year=2026&to.day=3&to.month=3&to.year=2026"); len(rows) != 3 ||
		!strings.HasPrefix(rows[0], "3 March 2026") || !strings.HasPrefix(rows[2], "3 March 2026") || !strings.Contains(rows[2], "admin@council.example signed in") {
		t.Fatalf("one day: %q", rows)
	}
	if rows := page("actor=admin%40council.example&from.day=4&from.month=3&from.year=2026"); len(rows) != 2 || !strings.Contains(rows[0], "viewed delegation") || !strings.Contains(rows[1], "signed in") {
		t.Fatalf("a person from a day: %q", rows)
	}
	admin.see("Person", "Record", "From", "To", "Filter", "Download as CSV")
	if !strings.Contains(admin.last, `id="from-day" name="from.day" type="text" inputmode="numeric" value="4"`) || !strings.Contains(admin.last, `value="admin@council.example"`) {
		t.Fatal("the filter is not kept in the form")
	}
	if rows := page("actor=nobody%40example.org"); len(rows) != 0 || !strings.Contains(admin.last, "No entries match") {
		t.Fatalf("a person with no entries: %q", rows)
	}

	// Bad dates: the GOV.UK error summary, linked to the field, nothing listed.
	admin.get("/staff/audit?from.day=31&from.month=2&from.year=2026").status(http.StatusUnprocessableEntity).
		see("There is a problem", "The first day must be a real date")
	if !strings.Contains(admin.last, `href="#from-day"`) || !strings.Contains(admin.last, "govuk-input--error") {
		t.Fatal("the error is not linked to the date")
	}
	admin.get("/staff/audit?from.day=5&from.month=3&from.year=2026&to.day=4&to.month=3&to.year=2026").status(http.StatusUnprocessableEntity).
		see("The last day must be the same as or after the first day")

	// Pages of 100, newest first, the filter carried from page to page.
	err := e.store.InTx(context.Background(), func(tx store.Data) error {
		for i := range 250 {
			if err := tx.Audit(context.Background(), store.AuditEntry{At: e.clock.Now(), Actor: "api:bulk", Action: fmt.Sprintf("read answers %03d", i), Target: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	query := "actor=api%3Abulk"
	for n := 0; ; n++ {
		rows := page(query)
		for _, r := range rows {
			if seen[r] || !strings.Contains(r, "api:bulk") {
				t.Fatalf("page %d: row %q seen twice or not filtered", n, r)
			}
			seen[r] = true
		}
		if n == 0 && (len(rows) != 100 || !strings.Contains(rows[0], "read answers 249")) {
			t.Fatalf("first page: %d rows, first %q", len(rows), rows[0])
		}
		next := regexp.MustCompile(`href="/staff/audit\?([^"]+)" rel="next"`).FindStringSubmatch(admin.last)
		if next == nil {
			break
		}
		query = html.UnescapeString(next[1])
		if !strings.Contains(query, "actor=api%3Abulk") {
			t.Fatalf("the next page lost the filter: %s", query)
		}
	}
	if len(seen) != 250 || !strings.Contains(admin.last, "Newest entries") {
		t.Fatalf("%d entries over the pages, want 250", len(seen))
	}
}

// auditCSV downloads the audit log as CSV with a filter and reads it.
func auditCSV(t *testing.T, b *browser, query string) [][]string {
	t.Helper()
	r := b.send("GET", "/staff/audit?export=csv&"+query, nil, nil)
	if r.code != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="audit-log-`) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("CSV export: %d %v\n%s", r.code, r.header, r.body)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, r.body)
	}
	if strings.Join(rows[0], ",") != "When (UTC),Who,What,Record,Detail" {
		t.Fatalf("header row %q", rows[0])
	}
	return rows[1:]
}

// V7.3.1: the audit log's CSV export cannot carry a formula into a spreadsheet. Anyone can put text of
// their choosing into the log (an email address typed at sign-in, an id in an API path), so every cell
// that would start with =, +, - or @ starts with a quote instead. The export holds every entry the
// filter selects, beyond any page size, and is itself audited.
func TestASVS_V7_3_1_AuditExportSafeFromFormulaInjection(t *testing.T) {
	e := newEnv(t)
	admin := e.staff("admin@council.example", true)
	for _, attack := range []string{"=1+2@example.org", "+1+2@example.org", "-1+2@example.org", "=cmd|calc!A0@example.org"} {
		e.signIn(attack, "wrong password here")
	}
	e.api("", "GET", "/delegations/@SUM(1+1)", nil)
	rows := auditCSV(t, admin, "")
	cells := map[string]bool{}
	for _, row := range rows {
		for _, c := range row {
			cells[c] = true
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("a cell starts with a formula character: %q", c)
			}
		}
	}
	for _, want := range []string{"'=1+2@example.org", "'+1+2@example.org", "'-1+2@example.org", "'=cmd|calc!a0@example.org", "'@SUM(1+1)", "sign-in failed"} {
		if !cells[want] {
			t.Errorf("no cell %q in the export: %q", want, rows)
		}
	}
	if rows[0][1] != "admin@council.example" || rows[0][2] != "exported audit log" || rows[0][4] != "everything" {
		t.Errorf("the export is not audited first: %q", rows[0])
	}
	if _, err := time.Parse(time.RFC3339, rows[0][0]); err != nil {
		t.Errorf("time %q: %v", rows[0][0], err)
	}

	// Every entry the filter selects, however many.
	err := e.store.InTx(context.Background(), func(tx store.Data) error {
		for i := range 2345 {
			if err := tx.Audit(context.Background(), store.AuditEntry{At: e.clock.Now(), Actor: "api:bulk", Action: "read answers", Target: fmt.Sprintf("r%04d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows = auditCSV(t, admin, "actor=api%3Abulk")
	seen := map[string]bool{}
	for _, row := range rows {
		if row[1] != "api:bulk" {
			t.Fatalf("an entry the filter does not select: %q", row)
		}
		seen[row[3]] = true
	}
	if len(rows) != 2345 || len(seen) != 2345 || rows[0][3] != "r2344" || rows[len(rows)-1][3] != "r0000" {
		t.Fatalf("%d rows (%d records), want 2345 newest first", len(rows), len(seen))
	}
	if got := auditCSV(t, admin, "actor=admin%40council.example"); got[0][4] != "person admin@council.example" || got[1][2] != "exported audit log" || got[1][4] != "person api:bulk" {
		t.Fatalf("the filtered exports' own entries: %q", got[:2])
	}
}
