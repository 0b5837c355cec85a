package storetest

import (
	"context"
	"testing"
	"time"

	"formportal/store"
)

func testAudit(t *testing.T, st store.Store) {
	ctx := context.Background()
	for i, action := range []string{"viewed submission", "returned referral"} {
		if err := st.Audit(ctx, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "jo@council.example", Action: action, Target: "r1", Detail: "d"}); err != nil {
			t.Fatal(err)
		}
	}
	log, err := st.AuditLog(ctx, store.AuditFilter{Limit: 10})
	if err != nil || len(log) != 2 || log[0].Action != "returned referral" || log[1].Actor != "jo@council.example" ||
		log[1].Target != "r1" || log[1].Detail != "d" || !log[1].At.Equal(t0) || log[0].Seq <= log[1].Seq {
		t.Fatalf("audit log: %+v, %v", log, err)
	}
	if _, err := st.AuditLog(ctx, store.AuditFilter{}); err == nil {
		t.Fatal("an audit query without a limit was answered")
	}
	u := newUser("s1", "jo@council.example")
	u.Role = store.RoleAdmin
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.UserByID(ctx, "s1"); got.Role != store.RoleAdmin || !got.IsStaff() {
		t.Fatalf("role not kept: %+v", got)
	}
}

// testAuditFilter: the log is searched by actor, by record (a response's id, or the reference its
// returned copies share), by time, and paged newest first; the filters combine.
func testAuditFilter(t *testing.T, st store.Store) {
	ctx := context.Background()
	first := newResponse("r1", "pro@school.example")
	first.Reference = "FP-20260301-ABC123"
	copied := newResponse("r1-copy", "pro@school.example")
	copied.Reference, copied.PreviousID = first.Reference, "r1"
	for _, r := range []*store.Response{first, copied, newResponse("r2", "pro@school.example")} {
		if err := st.CreateResponse(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	entries := []store.AuditEntry{
		{At: t0, Actor: "jo@council.example", Action: "viewed delegation", Target: "r1"},
		{At: t0.Add(time.Hour), Actor: "api:lcs", Action: "read answers", Target: "r2"},
		{At: t0.Add(24 * time.Hour), Actor: "jo@council.example", Action: "read answers", Target: "r1-copy"},
		{At: t0.Add(25 * time.Hour), Actor: "api:lcs", Action: "read answers", Target: "r1"},
		{At: t0.Add(48 * time.Hour), Actor: "rose@example.org", Action: "signed in"},
		{At: t0.Add(49 * time.Hour), Actor: "jo@council.example", Action: "viewed delegation", Target: "gone"}, // a purged draft
	}
	for _, e := range entries {
		if err := st.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// actions lists what a query found, as "actor action target", newest first.
	find := func(f store.AuditFilter) []string {
		t.Helper()
		if f.Limit == 0 {
			f.Limit = 100
		}
		list, err := st.AuditLog(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range list {
			out = append(out, e.Actor+" "+e.Action+" "+e.Target)
		}
		return out
	}
	same := func(name string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: got %q, want %q", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: got %q, want %q", name, got, want)
			}
		}
	}
	same("by actor", find(store.AuditFilter{Actor: "api:lcs"}), "api:lcs read answers r1", "api:lcs read answers r2")
	same("by an actor nobody is", find(store.AuditFilter{Actor: "api:lc"}))
	same("by a response id", find(store.AuditFilter{Record: "r1"}), "api:lcs read answers r1", "jo@council.example viewed delegation r1")
	same("by reference: both copies", find(store.AuditFilter{Record: "FP-20260301-ABC123"}),
		"api:lcs read answers r1", "jo@council.example read answers r1-copy", "jo@council.example viewed delegation r1")
	same("by the id of a response no longer kept", find(store.AuditFilter{Record: "gone"}), "jo@council.example viewed delegation gone")
	same("from a time", find(store.AuditFilter{From: t0.Add(48 * time.Hour)}), "jo@council.example viewed delegation gone", "rose@example.org signed in ")
	same("before a time", find(store.AuditFilter{To: t0.Add(time.Hour)}), "jo@council.example viewed delegation r1")
	same("a day", find(store.AuditFilter{From: t0.Add(24 * time.Hour), To: t0.Add(48 * time.Hour)}),
		"api:lcs read answers r1", "jo@council.example read answers r1-copy")
	same("combined", find(store.AuditFilter{Actor: "jo@council.example", Record: "FP-20260301-ABC123", From: t0.Add(time.Minute)}),
		"jo@council.example read answers r1-copy")

	// Paging: newest first, each page carrying on before the last entry of the one before.
	var pages [][]store.AuditEntry
	before := int64(0)
	for {
		page, err := st.AuditLog(ctx, store.AuditFilter{Limit: 4, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		before = page[len(page)-1].Seq
	}
	if len(pages) != 2 || len(pages[0]) != 4 || len(pages[1]) != 2 || pages[1][1].Target != "r1" || pages[1][1].Action != "viewed delegation" {
		t.Fatalf("pages: %+v", pages)
	}
}
