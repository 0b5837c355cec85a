package retention_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/forms"
	"formportal/mail"
	"formportal/retention"
	"formportal/store"
	"formportal/store/sqlstore"
)

var now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

const ms = time.Millisecond

// library is the engine's two valid fixtures: "concern", a referral form given its own retention (drafts
// 10 days from the start, submissions 5 days after the fetch, anonymised) and sensitive fields; and
// "family-check", a delegation form on the service's defaults.
func library(t *testing.T) *forms.Library {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	concern := read("referral")
	concern = strings.Replace(concern, "id: concern\n", "id: concern\nretention: { drafts: 10, draftsFrom: start, submitted: 5, anonymise: true }\n", 1)
	concern = strings.Replace(concern, "        label: Your name\n", "        label: Your name\n        sensitive: true\n", 1)
	concern = strings.Replace(concern, "{ id: name, type: text, label: Full name, required: true }", "{ id: name, type: text, label: Full name, required: true, sensitive: true }", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"concern.yaml": {Data: []byte(concern)}, "family.yaml": {Data: []byte(read("family"))}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

type env struct {
	st     *sqlstore.DB
	purger *retention.Purger
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := func() time.Time { return now }
	lib := library(t)
	work := casework.New(db, lib, mail.NewOutbox(db, "Portal <donotreply@council.example>", clock), casework.Texts{Council: "Example Council"}, clock)
	return &env{st: db, purger: retention.New(db, lib, work, retention.DefaultConfig(), clock)}
}

// put stores a response as retention would find it.
func (e *env) put(t *testing.T, id, form string, status store.Status, created, updated time.Time, submitted, fetched time.Time) {
	t.Helper()
	ctx := context.Background()
	kind := store.KindReferral
	if form == "family-check" {
		kind = store.KindDelegation
	}
	r := &store.Response{ID: id, Kind: kind, FormID: form, OwnerEmail: "pro@school.example", Status: status, CreatedAt: created, UpdatedAt: updated,
		CaseData: json.RawMessage(`{"child":{"id":"p1001","name":"Frodo Bagginski"},"children":[{"id":"c1","name":"Aurora Boreo"}]}`),
		Answers:  json.RawMessage(`{"values":{"your_name":"Sam Jones","postcode":"OX1 1NE","household":[{"name":"Mary Boreo","relationship":"mother"}],"documents":[{"id":"` + id + `-doc","name":"a.pdf","kind":"pdf","size":4}]}}`)}
	if !submitted.IsZero() {
		r.Submission, r.SubmittedAt, r.Reference = r.Answers, submitted, "FP-"+id
	}
	if err := e.st.CreateResponse(ctx, r, &store.Event{ID: id + "-ev", ResponseID: id, At: created, Kind: "created"}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddAttachment(ctx, &store.Attachment{ID: id + "-doc", ResponseID: id, FieldID: "documents", Name: "a.pdf", Kind: "pdf",
		MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: created}); err != nil {
		t.Fatal(err)
	}
	if !fetched.IsZero() {
		if err := e.st.MarkFetched(ctx, []string{id}, fetched); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) exists(t *testing.T, id string) bool {
	t.Helper()
	_, err := e.st.Response(context.Background(), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// purged says whether the audit log has retention's entry about a response.
func (e *env) purged(t *testing.T, id string) string {
	t.Helper()
	log, err := e.st.AuditLog(context.Background(), store.AuditFilter{Actor: retention.Actor, Record: id, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 {
		return ""
	}
	return log[0].Action + ": " + log[0].Detail
}

// Each of a form's periods at its edge: a response exactly at the end of its period stays, one a
// millisecond older goes, with its history and documents, and the audit log says so.
func TestResponsePeriodsAtTheirEdges(t *testing.T) {
	e := newEnv(t)
	day := retention.Day
	old := now.Add(-400 * day)
	// family-check: the service's defaults, 30 days each, drafts from the last save.
	e.put(t, "returned-edge", "family-check", store.StatusReturned, old, now.Add(-30*day), time.Time{}, time.Time{})
	e.put(t, "returned-over", "family-check", store.StatusReturned, old, now.Add(-30*day-ms), time.Time{}, time.Time{})
	e.put(t, "submitted-unfetched", "family-check", store.StatusSubmitted, old, old, old, time.Time{})
	e.put(t, "submitted-edge", "family-check", store.StatusSubmitted, old, old, old, now.Add(-30*day))
	e.put(t, "submitted-over", "family-check", store.StatusSubmitted, old, old, old, now.Add(-30*day-ms))
	e.put(t, "refetch-needed", "family-check", store.StatusSubmitted, old, now.Add(-40*day), now.Add(-40*day), now.Add(-50*day)) // fetched before its resubmission
	e.put(t, "retracted-edge", "family-check", store.StatusRetracted, old, now.Add(-30*day), time.Time{}, time.Time{})
	e.put(t, "retracted-over", "family-check", store.StatusRetracted, old, now.Add(-30*day-ms), time.Time{}, time.Time{})
	e.put(t, "in-progress", "family-check", store.StatusInProgress, old, old, time.Time{}, time.Time{})
	// concern: drafts 10 days from the start, however recently saved.
	e.put(t, "draft-edge", "concern", store.StatusDraft, now.Add(-10*day), now, time.Time{}, time.Time{})
	e.put(t, "draft-over", "concern", store.StatusDraft, now.Add(-10*day-ms), now, time.Time{}, time.Time{})

	rep, err := e.purger.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"returned-over": "returned and not sent again for 30 days", "submitted-over": "fetched by the case system more than 30 days ago",
		"retracted-over": "retracted more than 30 days ago", "draft-over": "started more than 10 days ago",
	} {
		if e.exists(t, id) {
			t.Errorf("%s was kept past its period", id)
		}
		if got := e.purged(t, id); !strings.HasPrefix(got, "purged: ") || !strings.Contains(got, want) {
			t.Errorf("%s: audit %q, want purged saying %q", id, got, want)
		}
		if _, err := e.st.Attachment(context.Background(), id+"-doc"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: its document stayed: %v", id, err)
		}
		if ev, _ := e.st.Events(context.Background(), id); len(ev) != 0 {
			t.Errorf("%s: its history stayed", id)
		}
	}
	for _, id := range []string{"returned-edge", "submitted-unfetched", "submitted-edge", "refetch-needed", "retracted-edge", "in-progress", "draft-edge"} {
		if !e.exists(t, id) {
			t.Errorf("%s was removed at or before the end of its period", id)
		}
		if got := e.purged(t, id); got != "" {
			t.Errorf("%s: audit %q for a response kept", id, got)
		}
	}
	if rep.Deleted != 4 || rep.Anonymised != 0 {
		t.Errorf("report %+v, want 4 deleted", rep)
	}
	// A millisecond later the edge cases go too; a second pass at the same time finds nothing.
	again := retention.New(e.st, library(t), casework.New(e.st, library(t), mail.NewOutbox(e.st, "x <x@example.org>", nil), casework.Texts{}, nil),
		retention.DefaultConfig(), func() time.Time { return now.Add(ms) })
	if rep, err := again.Run(context.Background()); err != nil || rep.Deleted != 4 {
		t.Errorf("a millisecond later: %+v, %v; want the 4 edge cases deleted", rep, err)
	}
	if rep, err := again.Run(context.Background()); err != nil || rep.Deleted != 0 {
		t.Errorf("a second pass: %+v, %v", rep, err)
	}
}

// A form that anonymises keeps its submission past the period with the sensitive answers, the documents
// and everything of the case data but its ids cleared; the rest stays, and it is not anonymised again.
func TestAnonymiseKeepsIdsAndClearsSensitiveAnswers(t *testing.T) {
	e := newEnv(t)
	old := now.Add(-400 * retention.Day)
	e.put(t, "edge", "concern", store.StatusSubmitted, old, old, old, now.Add(-5*retention.Day))
	e.put(t, "over", "concern", store.StatusSubmitted, old, old, old, now.Add(-5*retention.Day-ms))
	rep, err := e.purger.Run(context.Background())
	if err != nil || rep.Anonymised != 1 || rep.Deleted != 0 {
		t.Fatalf("run: %+v, %v", rep, err)
	}
	ctx := context.Background()
	r, err := e.st.Response(ctx, "over")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []json.RawMessage{r.Answers, r.Submission} {
		var a struct {
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal(doc, &a); err != nil {
			t.Fatal(err)
		}
		household, _ := a.Values["household"].([]any)
		if _, named := a.Values["your_name"]; named || a.Values["postcode"] != "OX1 1NE" || a.Values["documents"] != nil ||
			len(household) != 1 || household[0].(map[string]any)["name"] != nil || household[0].(map[string]any)["relationship"] != "mother" {
			t.Errorf("anonymised answers: %s", doc)
		}
	}
	if string(r.CaseData) != `{"child":{"id":"p1001"},"children":[{"id":"c1"}]}` {
		t.Errorf("anonymised case data: %s", r.CaseData)
	}
	if r.AnonymisedAt.IsZero() || r.Status != store.StatusSubmitted || r.Reference != "FP-over" || !r.SubmittedAt.Equal(old) {
		t.Errorf("anonymised response: %+v", r)
	}
	if _, err := e.st.Attachment(ctx, "over-doc"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("document kept: %v", err)
	}
	if got := e.purged(t, "over"); !strings.HasPrefix(got, "anonymised: ") || !strings.Contains(got, "1 documents deleted") {
		t.Errorf("audit: %q", got)
	}
	if edge, _ := e.st.Response(ctx, "edge"); !strings.Contains(string(edge.Answers), "Sam Jones") {
		t.Error("the response at the edge was anonymised")
	}
	if rep, err := e.purger.Run(ctx); err != nil || rep.Anonymised != 0 {
		t.Errorf("second pass: %+v, %v", rep, err)
	}
}

// Email texts, codes, email records and the audit log at their edges; each purge is counted in the audit log.
func TestServicePeriodsAtTheirEdges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cfg := retention.DefaultConfig()
	day := retention.Day
	mailAt := map[string]time.Time{"text-edge": now.Add(-time.Duration(cfg.MailBodies) * day), "text-over": now.Add(-time.Duration(cfg.MailBodies)*day - ms),
		"record-edge": now.Add(-time.Duration(cfg.Audit) * day), "record-over": now.Add(-time.Duration(cfg.Audit)*day - ms)}
	for subject, at := range mailAt {
		m := &store.Mail{To: "pro@school.example", Subject: subject, Text: "Your code is 123456", CreatedAt: at}
		if err := e.st.EnqueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := e.st.MarkMailSent(ctx, m.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	for id, expired := range map[string]time.Time{"code-edge": now.Add(-time.Duration(cfg.Codes) * day), "code-over": now.Add(-time.Duration(cfg.Codes)*day - ms)} {
		if err := e.st.CreateCode(ctx, &store.Code{ID: id, Subject: id, Purpose: store.CodeSignIn, Hash: "h", ExpiresAt: expired, CreatedAt: expired}); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []time.Time{now.Add(-time.Duration(cfg.Audit) * day), now.Add(-time.Duration(cfg.Audit)*day - ms)} {
		if err := e.st.Audit(ctx, store.AuditEntry{At: at, Actor: "staff@council.example", Action: "read answers"}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := e.purger.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// All but text-edge lose their text; record-over goes.
	if rep.MailBodies != 3 || rep.Mail != 1 || rep.Codes != 1 || rep.Audit != 1 {
		t.Errorf("report %+v, want 3 texts, 1 email record, 1 code, 1 audit entry", rep)
	}
	mails, _ := e.st.RecentMail(ctx, 10)
	got := map[string]string{}
	for _, m := range mails {
		got[m.Subject] = m.Text
	}
	if len(got) != 3 || got["text-edge"] == "" || got["text-over"] != "" || got["record-edge"] != "" {
		t.Errorf("mail after the pass: %q", got)
	}
	for id, kept := range map[string]bool{"code-edge": true, "code-over": false} {
		if _, err := e.st.LatestCode(ctx, id, store.CodeSignIn); (err == nil) != kept {
			t.Errorf("%s kept %v: %v", id, !kept, err)
		}
	}
	log, _ := e.st.AuditLog(ctx, store.AuditFilter{Limit: 50})
	var purges []string
	others := 0
	for _, en := range log {
		if en.Actor == retention.Actor {
			purges = append(purges, en.Detail)
		} else {
			others++
		}
	}
	joined := strings.Join(purges, "\n")
	for _, want := range []string{"3 texts of emails sent more than 7 days ago cleared", "1 records of emails sent more than 2190 days ago deleted",
		"1 codes expired more than 1 days ago deleted", "1 audit entries older than 2190 days deleted"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit log lacks %q:\n%s", want, joined)
		}
	}
	if others != 1 {
		t.Errorf("%d entries of the audit log from people left, want the one at the edge", others)
	}
}

// A form's own periods override the defaults one by one; a bad service period is refused.
func TestPolicyOfAndCheck(t *testing.T) {
	lib := library(t)
	cfg := retention.DefaultConfig()
	p := cfg.PolicyOf(lib.Get("concern"))
	if p.Drafts != 10*retention.Day || !p.DraftsFromStart || p.Submitted != 5*retention.Day || p.Returned != 30*retention.Day || !p.Anonymise {
		t.Errorf("concern: %+v", p)
	}
	if p := cfg.PolicyOf(lib.Get("family-check")); p.Drafts != 30*retention.Day || p.DraftsFromStart || p.Anonymise {
		t.Errorf("family-check: %+v", p)
	}
	cfg.Audit = 0
	if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), "audit") {
		t.Errorf("Check: %v", err)
	}
	cfg = retention.DefaultConfig()
	if cfg.Events != 90 {
		t.Errorf("events kept %d days by default, want 90", cfg.Events)
	}
	cfg.Events = 0
	if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), "events") {
		t.Errorf("Check of no days of events: %v", err)
	}
	cfg = retention.DefaultConfig()
	cfg.Forms.DraftsFrom = "yesterday"
	if err := cfg.Check(); err == nil {
		t.Error("a bad drafts-from was accepted")
	}
}

// A response is anonymised by the version of its form it was made on: a later version that renames a
// sensitive field (or drops it) does not leave the person's name in the answers kept for statistics.
func TestAnonymiseFollowsTheResponsesOwnFormVersion(t *testing.T) {
	e := newEnv(t)
	lib := library(t)
	v2 := lib.Get("concern")
	b, err := os.ReadFile("../testdata/valid/referral/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	next := strings.Replace(string(b), "id: concern\n", "id: concern\nretention: { drafts: 10, draftsFrom: start, submitted: 5, anonymise: true }\n", 1)
	next = strings.Replace(next, "version: 2\n", "version: 3\n", 1)
	next = strings.Replace(next, "- id: your_name\n", "- id: full_name\n", 1)
	v3, diags := engine.Load("concern.yaml", []byte(next))
	if v3 == nil || v3.Version != 3 || v3.Field("your_name") != nil {
		t.Fatalf("version 3: %v", diags)
	}
	clock := func() time.Time { return now }
	lib.Add(v3)
	work := casework.New(e.st, lib, mail.NewOutbox(e.st, "Portal <donotreply@council.example>", clock), casework.Texts{}, clock)
	purger := retention.New(e.st, lib, work, retention.DefaultConfig(), clock)
	old := now.Add(-400 * retention.Day)
	e.put(t, "v2", "concern", store.StatusSubmitted, old, old, old, now.Add(-6*retention.Day))
	ctx := context.Background()
	r, err := e.st.Response(ctx, "v2")
	if err != nil {
		t.Fatal(err)
	}
	r.FormVersion = v2.Version
	if err := e.st.UpdateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if rep, err := purger.Run(ctx); err != nil || rep.Anonymised != 1 {
		t.Fatalf("run: %+v, %v", rep, err)
	}
	if r, _ = e.st.Response(ctx, "v2"); strings.Contains(string(r.Answers)+string(r.Submission), "Sam Jones") {
		t.Fatalf("a sensitive answer of version %d kept once anonymised under version 3: %s", v2.Version, r.Answers)
	}
}
