package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"formportal/audit"
	"formportal/emailaddr"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// Security events (sign-ins, failed sign-ins, refusals) go to the audit log beside the log line, so an
// admin can follow one person or one record through them. The request is answered whether or not the
// entry is written: the event already happened, and a failure to record it is logged instead.

// actorOf is who made a request: the signed-in person's email address, or anonymous.
func actorOf(r *http.Request) string {
	if u := userFrom(r); u != nil {
		return u.Email
	}
	return "anonymous"
}

// typedActor is who a sign-in says it is: the address typed, or, when that is not an email address (a
// password typed in the wrong box, say), words that keep it out of the log.
func typedActor(email string) string {
	if len(email) > 254 || emailaddr.Problem(email) != "" {
		return "(not an email address)"
	}
	return email
}

// auditEvent records a security event. Details name addresses and paths, never a child.
func (a *App) auditEvent(r *http.Request, actor, action, target, detail string) {
	audit.Record(r.Context(), a.store, a.log, store.AuditEntry{At: a.now(), Actor: actor, Action: action, Target: target, Detail: detail})
}

// auditRefusal records a refused request: who, and what they asked for from where.
func (a *App) auditRefusal(r *http.Request, actor, action, target string) {
	a.auditEvent(r, actor, action, target, audit.Request(r))
}

// auditPageSize is how many entries the audit log page shows at a time.
const auditPageSize = 100

// auditFilter reads the audit log page's filter from its query. A person is matched exactly (an email
// address in any case); a record by its id or its reference, which finds every copy of a returned
// referral; the days are whole days in UTC, both included. It returns the filter, the page's form as
// typed, and what is wrong with it.
func auditFilter(r *http.Request) (store.AuditFilter, renderer.AuditView, []renderer.ErrorItem) {
	q := r.URL.Query()
	v := renderer.AuditView{Actor: strings.TrimSpace(q.Get("actor")), Record: strings.TrimSpace(q.Get("record")),
		FromDay: q.Get("from.day"), FromMonth: q.Get("from.month"), FromYear: q.Get("from.year"),
		ToDay: q.Get("to.day"), ToMonth: q.Get("to.month"), ToYear: q.Get("to.year")}
	var errs []renderer.ErrorItem
	f := store.AuditFilter{Actor: v.Actor, Record: v.Record}
	if strings.Contains(f.Actor, "@") {
		f.Actor = normaliseEmail(f.Actor) // addresses are kept in lower case
	}
	ctx := r.Context()
	fail := func(field, msg string) { errs = append(errs, renderer.ErrorItem{Field: field, Message: msg}) }
	if len(v.Actor) > 320 {
		fail("actor", i18n.T(ctx, "console.audit.person_long", "N", 320))
	}
	if len(v.Record) > 100 {
		fail("record", i18n.T(ctx, "console.audit.record_long", "N", 100))
	}
	day := func(d, m, y, field, name string) time.Time {
		if strings.TrimSpace(d+m+y) == "" {
			return time.Time{}
		}
		s, msg := consoleDate(ctx, d, m, y, name)
		if msg != "" {
			fail(field, msg)
			return time.Time{}
		}
		t, _ := time.Parse(time.DateOnly, s)
		return t
	}
	f.From = day(v.FromDay, v.FromMonth, v.FromYear, "from-day", "first")
	if last := day(v.ToDay, v.ToMonth, v.ToYear, "to-day", "last"); !last.IsZero() {
		f.To = last.AddDate(0, 0, 1)
		if !f.From.IsZero() && f.To.Before(f.From.AddDate(0, 0, 1)) {
			fail("to-day", i18n.T(ctx, "console.date.last_before_first"))
		}
	}
	if n, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && n > 0 {
		f.Before = n // otherwise the first page
	}
	return f, v, errs
}

// exportAudit sends every entry f selects as CSV, newest first, read from the store a page at a time.
// The export is itself audited. A failure part way through breaks the download rather than ending the
// file early, so a short file is never taken for the whole log.
func (a *App) exportAudit(w http.ResponseWriter, r *http.Request, f store.AuditFilter) {
	const page = 1000
	f.Limit = page
	err := a.audit(r, "exported audit log", "", describeAuditFilter(f))
	var list []store.AuditEntry
	if err == nil {
		list, err = a.store.AuditLog(r.Context(), f)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-log-%s.csv"`, a.now().Format("20060102-150405")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"When (UTC)", "Who", "What", "Record", "Detail"})
	for {
		for _, e := range list {
			cw.Write([]string{e.At.Format(time.RFC3339), csvCell(e.Actor), csvCell(e.Action), csvCell(e.Target), csvCell(e.Detail)})
		}
		if len(list) < page {
			break
		}
		f.Before = list[len(list)-1].Seq
		if list, err = a.store.AuditLog(r.Context(), f); err != nil {
			a.log.Error("audit export broken off", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		a.log.Warn("audit export not delivered", "err", err)
	}
}

// describeAuditFilter says what an export selected, for the audit entry of the export.
func describeAuditFilter(f store.AuditFilter) string {
	var parts []string
	if f.Actor != "" {
		parts = append(parts, "person "+f.Actor)
	}
	if f.Record != "" {
		parts = append(parts, "record "+f.Record)
	}
	if !f.From.IsZero() {
		parts = append(parts, "from "+f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to "+f.To.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	if len(parts) == 0 {
		return "everything"
	}
	return strings.Join(parts, ", ")
}

// csvCell keeps a spreadsheet from running a cell as a formula (CSV injection): a cell starting with
// =, +, -, @, a tab or a carriage return gets a quote in front, which spreadsheets show as text.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
