package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"formportal/store"
)

// ids are the ids of a list of responses, sorted.
func ids(list []*store.Response) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// The filters retention selects by, each at its edge: "before" never includes the moment itself.
func testRetentionFilters(t *testing.T, st store.Store) {
	ctx := context.Background()
	for i, id := range []string{"r1", "r2", "r3"} {
		r := newResponse(id, "pro@school.example")
		r.CreatedAt, r.UpdatedAt = t0.Add(time.Duration(i)*time.Hour), t0.Add(time.Duration(i)*time.Hour)
		if id == "r3" {
			r.FormID = "other"
		}
		if err := st.CreateResponse(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	list := func(f store.ResponseFilter) []string {
		t.Helper()
		got, err := st.ListResponses(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return ids(got)
	}
	if got := list(store.ResponseFilter{FormID: "multi-agency-chronology", UpdatedBefore: t0.Add(time.Hour)}); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("updated before the second's update: %v, want [r1]", got)
	}
	if got := list(store.ResponseFilter{CreatedBefore: t0.Add(time.Hour + time.Millisecond)}); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("created before just after the second: %v", got)
	}
	if got := list(store.ResponseFilter{FetchedBefore: t0.Add(100 * time.Hour)}); len(got) != 0 {
		t.Errorf("never fetched, yet fetched before: %v", got)
	}
	if err := st.MarkFetched(ctx, []string{"r1", "r2"}, t0.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkFetched(ctx, []string{"r1", "missing"}, t0.Add(20*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r1, err := st.Response(ctx, "r1")
	if err != nil || !r1.FetchedAt.Equal(t0.Add(10*time.Hour)) {
		t.Fatalf("the first fetch is kept: %v, %v", r1.FetchedAt, err)
	}
	if got := list(store.ResponseFilter{FetchedBefore: t0.Add(10 * time.Hour)}); len(got) != 0 {
		t.Errorf("fetched at the edge counts as before it: %v", got)
	}
	if got := list(store.ResponseFilter{FetchedBefore: t0.Add(10*time.Hour + time.Millisecond)}); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("fetched before just after the fetch: %v", got)
	}
	// An update keeps the fetch time and writes the anonymisation time.
	r1.AnonymisedAt, r1.UpdatedAt = t0.Add(30*time.Hour), t0.Add(30*time.Hour)
	if err := st.UpdateResponse(ctx, r1, nil); err != nil {
		t.Fatal(err)
	}
	r1, _ = st.Response(ctx, "r1")
	if !r1.AnonymisedAt.Equal(t0.Add(30*time.Hour)) || !r1.FetchedAt.Equal(t0.Add(10*time.Hour)) {
		t.Fatalf("after an update: anonymised %v, fetched %v", r1.AnonymisedAt, r1.FetchedAt)
	}
	if got := list(store.ResponseFilter{NotAnonymised: true}); !slices.Equal(got, []string{"r2", "r3"}) {
		t.Errorf("not anonymised: %v", got)
	}
	// Submitted again after the fetch: the earlier fetch does not count, the next one does.
	r2, _ := st.Response(ctx, "r2")
	r2.SubmittedAt = t0.Add(40 * time.Hour)
	if err := st.UpdateResponse(ctx, r2, nil); err != nil {
		t.Fatal(err)
	}
	if got := list(store.ResponseFilter{FetchedBefore: t0.Add(100 * time.Hour)}); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("a fetch before the resubmission counted: %v", got)
	}
	if err := st.MarkFetched(ctx, []string{"r2"}, t0.Add(50*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r2, _ := st.Response(ctx, "r2"); !r2.FetchedAt.Equal(t0.Add(50 * time.Hour)) {
		t.Errorf("the resubmission's first fetch: %v", r2.FetchedAt)
	}

	// A response deleted goes with its history and documents.
	if err := st.UpdateResponse(ctx, r1, &store.Event{ID: "e1", ResponseID: "r1", At: t0, Kind: "saved"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		if err := st.AddAttachment(ctx, &store.Attachment{ID: id, ResponseID: "r2", FieldID: "d", Name: "x.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 1, Content: []byte("x"), CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddAttachment(ctx, &store.Attachment{ID: "a3", ResponseID: "r1", FieldID: "d", Name: "x.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 1, Content: []byte("x"), CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.DeleteAttachmentsOf(ctx, "r2"); err != nil || n != 2 {
		t.Fatalf("delete documents of r2: %d, %v", n, err)
	}
	if docs, _ := st.AttachmentsOf(ctx, "r1"); len(docs) != 1 {
		t.Fatalf("another response's documents went too: %v", docs)
	}
	if err := st.DeleteResponse(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteResponse(ctx, "r1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting again: %v, want ErrNotFound", err)
	}
	if _, err := st.Attachment(ctx, "a3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a deleted response's document: %v", err)
	}
	if ev, err := st.Events(ctx, "r1"); err != nil || len(ev) != 0 {
		t.Fatalf("a deleted response's history: %v, %v", ev, err)
	}
}

// Sent and undeliverable mail goes after its time; queued mail stays; the audit log is cut at its edge.
func testRetentionMailAndAudit(t *testing.T, st store.Store) {
	ctx := context.Background()
	mails := map[string]*store.Mail{}
	for _, name := range []string{"sent-early", "sent-at-edge", "failed-early", "queued"} {
		m := &store.Mail{To: "Pro@School.example", Subject: name, Text: "body", CreatedAt: t0}
		if name == "queued" {
			m.To = "other@example.org"
		}
		if err := st.EnqueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
		mails[name] = m
	}
	edge := t0.Add(time.Hour)
	if err := st.MarkMailSent(ctx, mails["sent-early"].ID, edge.Add(-time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkMailSent(ctx, mails["sent-at-edge"].ID, edge); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkMailUndeliverable(ctx, mails["failed-early"].ID, t0, "refused"); err != nil {
		t.Fatal(err)
	}
	to, err := st.MailTo(ctx, "pro@school.EXAMPLE")
	if err != nil || len(to) != 3 || to[0].Subject != "failed-early" {
		t.Fatalf("mail to an address: %+v, %v", to, err)
	}
	if n, err := st.ClearMailBodiesBefore(ctx, edge); err != nil || n != 2 {
		t.Fatalf("clear mail before the edge: %d, %v; want 2", n, err)
	}
	for _, m := range mustMail(t, st) {
		if cleared := m.Text == ""; cleared != (m.Subject == "sent-early" || m.Subject == "failed-early") {
			t.Errorf("%s: body %q", m.Subject, m.Text)
		}
	}
	if n, err := st.ClearMailBodiesBefore(ctx, edge); err != nil || n != 0 {
		t.Fatalf("clear mail again: %d, %v; want 0", n, err)
	}
	if n, err := st.DeleteMailBefore(ctx, edge); err != nil || n != 2 {
		t.Fatalf("delete mail before the edge: %d, %v; want 2", n, err)
	}
	var subjects []string
	for _, m := range mustMail(t, st) {
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	if !slices.Equal(subjects, []string{"queued", "sent-at-edge"}) {
		t.Fatalf("mail left: %v", subjects)
	}

	for i := range 3 {
		if err := st.Audit(ctx, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), Actor: "a@example.org", Action: "read"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.DeleteAuditBefore(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("delete audit before the second entry: %d, %v", n, err)
	}
	if log, _ := st.AuditLog(ctx, store.AuditFilter{Limit: 10}); len(log) != 2 || !log[1].At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("audit left: %+v", log)
	}
}

func mustMail(t *testing.T, st store.Store) []store.Mail {
	t.Helper()
	list, err := st.RecentMail(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
