package casework_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/mail"
	"formportal/store"
	"formportal/store/sqlstore"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	st     *sqlstore.DB
	faults *faultyStore
	work   *casework.Service
	forms  *forms.Library
}

// newEnv is the service on a real SQLite file, the bundled forms and the real outbox. Its store can be
// told to fail one kind of write inside transactions, to prove operations are whole or not at all.
func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	faulty := &faultyStore{Store: db}
	outbox := mail.NewOutbox(faulty, "Portal <donotreply@council.example>", func() time.Time { return t0 })
	work := casework.New(faulty, lib, outbox, casework.Texts{Council: "Example Council", Service: "Portal", BaseURL: "http://localhost:8080"},
		func() time.Time { return t0 })
	return &env{st: db, faults: faulty, work: work, forms: lib}
}

// faultyStore is the real store whose transactions fail at a named step when asked: a crash or a full
// disk at the worst moment.
type faultyStore struct {
	store.Store
	mu     sync.Mutex
	failAt string // "mail", "audit", "copy"
}

var errInjected = errors.New("injected failure")

func (f *faultyStore) fail(step string) {
	f.mu.Lock()
	f.failAt = step
	f.mu.Unlock()
}

func (f *faultyStore) InTx(ctx context.Context, fn func(store.Data) error) error {
	f.mu.Lock()
	step := f.failAt
	f.mu.Unlock()
	return f.Store.InTx(ctx, func(tx store.Data) error { return fn(&faultyTx{Data: tx, failAt: step}) })
}

type faultyTx struct {
	store.Data
	failAt string
}

func (f *faultyTx) EnqueueMail(ctx context.Context, m *store.Mail) error {
	if f.failAt == "mail" {
		return errInjected
	}
	return f.Data.EnqueueMail(ctx, m)
}

func (f *faultyTx) Audit(ctx context.Context, e store.AuditEntry) error {
	if f.failAt == "audit" {
		return errInjected
	}
	return f.Data.Audit(ctx, e)
}

func (f *faultyTx) CopyAttachments(ctx context.Context, from, to string) error {
	if f.failAt == "copy" {
		return errInjected
	}
	return f.Data.CopyAttachments(ctx, from, to)
}

// counts is what the store holds: responses, audit entries, mails, and the events of every response.
type counts struct{ responses, audits, mails, events int }

func (e *env) count(t *testing.T) counts {
	t.Helper()
	ctx := context.Background()
	list, err := e.st.ListResponses(ctx, store.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	log, _ := e.st.AuditLog(ctx, store.AuditFilter{Limit: 1000})
	mails, _ := e.st.RecentMail(ctx, 1000)
	c := counts{responses: len(list), audits: len(log), mails: len(mails)}
	for _, r := range list {
		ev, _ := e.st.Events(ctx, r.ID)
		c.events += len(ev)
	}
	return c
}

func (e *env) delegate(t *testing.T, formID string, children int) *store.Response {
	t.Helper()
	form := e.forms.Get(formID)
	raw, _ := json.Marshal(enginetest.CaseData(form, children))
	r, err := e.work.Delegate(context.Background(), "api:lcs", casework.Delegation{Form: formID, CaseData: raw,
		To: casework.Professional{Email: "Sam@School.example", Name: "Sam Jones", Organisation: "Cherwell School"}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// answer fills a response's draft with valid sample answers.
func (e *env) answer(t *testing.T, r *store.Response) {
	t.Helper()
	form := e.forms.Get(r.FormID)
	var caseData any
	json.Unmarshal(r.CaseData, &caseData)
	raw, _ := json.Marshal(enginetest.Answers(form, caseData, 2, t0))
	if _, err := e.work.SaveDraft(context.Background(), r.ID, r.OwnerEmail, func(*store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: raw}, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTransitionTable(t *testing.T) {
	all := []store.Status{store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusSubmitted,
		store.StatusReturned, store.StatusRetracted, store.StatusSuperseded}
	want := map[casework.Action]map[store.Kind][]store.Status{
		casework.Open:     {store.KindDelegation: {store.StatusSent}},
		casework.Save:     {store.KindDelegation: {store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}, store.KindReferral: {store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
		casework.Submit:   {store.KindDelegation: {store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}, store.KindReferral: {store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
		casework.Retract:  {store.KindDelegation: {store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
		casework.Reassign: {store.KindDelegation: {store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
		casework.Return:   {store.KindDelegation: {store.StatusSubmitted}, store.KindReferral: {store.StatusSubmitted}},
	}
	for action, byKind := range want {
		for _, kind := range []store.Kind{store.KindDelegation, store.KindReferral} {
			for _, st := range all {
				allowed := false
				for _, s := range byKind[kind] {
					allowed = allowed || s == st
				}
				if got := casework.Allowed(action, kind, st); got != allowed {
					t.Errorf("%s a %s %s: allowed %v, want %v", action, st, kind, got, allowed)
				}
			}
		}
	}
	// Nothing leaves the end states but a return of a submission.
	for _, end := range []store.Status{store.StatusRetracted, store.StatusSuperseded} {
		for action := range want {
			if casework.Allowed(action, store.KindDelegation, end) || casework.Allowed(action, store.KindReferral, end) {
				t.Errorf("%s is allowed from the end state %s", action, end)
			}
		}
	}
}

func TestDelegateWritesResponseEventAuditAndMailTogether(t *testing.T) {
	e := newEnv(t)
	r := e.delegate(t, "multi-agency-chronology", 3)
	if r.OwnerEmail != "sam@school.example" || r.Status != store.StatusSent || r.Version != 1 {
		t.Fatalf("delegation: %+v", r)
	}
	if c := e.count(t); c != (counts{responses: 1, audits: 1, mails: 1, events: 1}) {
		t.Fatalf("after delegating: %+v", c)
	}
	mails, _ := e.st.RecentMail(context.Background(), 1)
	child := enginetest.CaseData(e.forms.Get("multi-agency-chronology"), 3).(map[string]any)["children"].([]any)[0].(map[string]any)["name"].(string)
	if mails[0].To != "sam@school.example" || strings.Contains(mails[0].Text, child) {
		t.Fatalf("delegation email to %s must name no child: %q", mails[0].To, mails[0].Text)
	}
	for _, step := range []string{"mail", "audit"} {
		e.faults.fail(step)
		form := e.forms.Get("multi-agency-chronology")
		raw, _ := json.Marshal(enginetest.CaseData(form, 1))
		if _, err := e.work.Delegate(context.Background(), "api:lcs", casework.Delegation{Form: form.ID, CaseData: raw,
			To: casework.Professional{Email: "x@school.example", Name: "X"}}); !errors.Is(err, errInjected) {
			t.Fatalf("delegate with %s failing: %v", step, err)
		}
		if c := e.count(t); c != (counts{responses: 1, audits: 1, mails: 1, events: 1}) {
			t.Fatalf("a delegation whose %s failed left %+v behind", step, c)
		}
	}
}

func TestReturnAReferralIsOneTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r, err := e.work.StartReferral(ctx, "safeguarding-concern", casework.Referrer{UserID: "u1", Email: "pro@school.example", Name: "Sam Jones", Audience: engine.AudienceProf})
	if err != nil {
		t.Fatal(err)
	}
	e.answer(t, r)
	if err := e.st.AddAttachment(ctx, &store.Attachment{ID: "att1", ResponseID: r.ID, FieldID: "documents", Name: "a.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	sub, err := e.work.Submit(ctx, r.ID, "pro@school.example")
	if err != nil {
		t.Fatal(err)
	}
	before := e.count(t)
	for _, step := range []string{"copy", "mail", "audit"} {
		e.faults.fail(step)
		if _, err := e.work.ReturnForInformation(ctx, r.ID, "jo@council.example", "Insufficient Detail", "More please"); !errors.Is(err, errInjected) {
			t.Fatalf("return with %s failing: %v", step, err)
		}
		if c := e.count(t); c != before {
			t.Fatalf("a return whose %s failed left %+v, had %+v", step, c, before)
		}
		if got, _ := e.st.Response(ctx, r.ID); got.Status != store.StatusSubmitted {
			t.Fatalf("a return whose %s failed changed the referral to %s", step, got.Status)
		}
	}
	e.faults.fail("")
	reopened, err := e.work.ReturnForInformation(ctx, r.ID, "jo@council.example", "Insufficient Detail", "More please")
	if err != nil {
		t.Fatal(err)
	}
	if reopened.Status != store.StatusReturned || reopened.PreviousID != r.ID || reopened.Reference != sub.Reference {
		t.Fatalf("reopened copy: %+v (the reference %s must stay)", reopened, sub.Reference)
	}
	if _, err := e.st.Attachment(ctx, reopened.ID+"-att1"); err != nil {
		t.Fatalf("the reopened copy's document: %v", err)
	}
	if got, _ := e.st.Response(ctx, r.ID); got.Status != store.StatusSuperseded {
		t.Fatalf("the returned submission is %s, want superseded", got.Status)
	}
	if c := e.count(t); c.responses != before.responses+1 || c.mails != before.mails+1 || c.audits != before.audits+1 {
		t.Fatalf("after the return: %+v, before %+v", c, before)
	}
	// A second return of the same submission (another click, another clerk) is refused, not repeated.
	if _, err := e.work.ReturnForInformation(ctx, r.ID, "jo@council.example", "Again", ""); !errors.Is(err, casework.ErrNotAllowed) {
		t.Fatalf("returning a superseded referral: %v", err)
	}
	resub, err := e.work.Submit(ctx, reopened.ID, "pro@school.example")
	if err != nil {
		t.Fatal(err)
	}
	if resub.Reference != sub.Reference {
		t.Fatalf("resubmitted as %s, want the first reference %s", resub.Reference, sub.Reference)
	}
	events, _ := e.st.Events(ctx, reopened.ID)
	if last := events[len(events)-1]; last.Kind != "resubmitted" {
		t.Fatalf("last event %q, want resubmitted", last.Kind)
	}
}

func TestSubmitRefusesIncompleteAnswersAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	r := e.delegate(t, "multi-agency-chronology", 2)
	before := e.count(t)
	if _, err := e.work.Submit(context.Background(), r.ID, r.OwnerEmail); !errors.Is(err, casework.ErrInvalid) {
		t.Fatalf("submitting an empty chronology: %v", err)
	}
	if got, _ := e.st.Response(context.Background(), r.ID); got.Status != store.StatusSent || got.Version != r.Version || e.count(t) != before {
		t.Fatalf("a refused submit changed the response: %+v", got)
	}
}

// A council retracting a delegation at the moment its professional submits: exactly one wins, and the
// other is told the status no longer allows it.
func TestRetractAndSubmitRace(t *testing.T) {
	e := newEnv(t)
	for range 20 {
		r := e.delegate(t, "multi-agency-chronology", 1)
		e.answer(t, r)
		var wg sync.WaitGroup
		var subErr, retErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, subErr = e.work.Submit(context.Background(), r.ID, r.OwnerEmail) }()
		go func() {
			defer wg.Done()
			_, retErr = e.work.Retract(context.Background(), r.ID, "api:lcs", "no longer needed")
		}()
		wg.Wait()
		if (subErr == nil) == (retErr == nil) {
			t.Fatalf("submit %v, retract %v: exactly one must succeed", subErr, retErr)
		}
		for _, err := range []error{subErr, retErr} {
			if err != nil && !errors.Is(err, casework.ErrNotAllowed) {
				t.Fatalf("the loser must be refused as not allowed: %v", err)
			}
		}
		got, _ := e.st.Response(context.Background(), r.ID)
		if subErr == nil && got.Status != store.StatusSubmitted || retErr == nil && got.Status != store.StatusRetracted {
			t.Fatalf("status %s after submit %v / retract %v", got.Status, subErr, retErr)
		}
	}
}

func TestSaveDraftStoresAndRemovesDocumentsWithTheAnswers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.delegate(t, "multi-agency-chronology", 1)
	att := &store.Attachment{ID: "doc1", ResponseID: r.ID, FieldID: "documents", Name: "letter.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: t0}
	boom := errors.New("the page changed")
	if _, err := e.work.SaveDraft(ctx, r.ID, r.OwnerEmail, func(*store.Response) (casework.Edit, error) { return casework.Edit{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("a refused edit: %v", err)
	}
	saved, err := e.work.SaveDraft(ctx, r.ID, r.OwnerEmail, func(cur *store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: json.RawMessage(`{"values":{"documents":[{"id":"doc1","name":"letter.pdf","size":4,"kind":"pdf"}]}}`), Add: []*store.Attachment{att}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != store.StatusInProgress {
		t.Fatalf("a saved delegation is %s, want in-progress", saved.Status)
	}
	if _, err := e.st.Attachment(ctx, "doc1"); err != nil {
		t.Fatalf("the uploaded document: %v", err)
	}
	// Another response's document cannot be removed through this one.
	other := e.delegate(t, "multi-agency-chronology", 1)
	if err := e.st.AddAttachment(ctx, &store.Attachment{ID: "doc2", ResponseID: other.ID, FieldID: "documents", Name: "b.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.work.SaveDraft(ctx, r.ID, r.OwnerEmail, func(cur *store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: json.RawMessage(`{"values":{}}`), Remove: []string{"doc1", "doc2"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Attachment(ctx, "doc1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the removed document is still there: %v", err)
	}
	if _, err := e.st.Attachment(ctx, "doc2"); err != nil {
		t.Fatalf("another response's document was removed: %v", err)
	}
	if _, err := e.work.Retract(ctx, r.ID, "api:lcs", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.work.SaveDraft(ctx, r.ID, r.OwnerEmail, func(cur *store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: json.RawMessage(`{"values":{}}`)}, nil
	}); !errors.Is(err, casework.ErrNotAllowed) {
		t.Fatalf("saving a retracted delegation: %v", err)
	}
}

// Documents left by crashed uploads of earlier versions (stored, listed by no answer) are purged once a
// day old; listed ones, and new ones a save may be about to list, stay.
func TestPurgeUnlistedDocuments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.delegate(t, "multi-agency-chronology", 1)
	doc := func(id string, at time.Time) *store.Attachment {
		return &store.Attachment{ID: id, ResponseID: r.ID, FieldID: "documents", Name: id + ".pdf", Kind: "pdf", MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: at}
	}
	old := t0.Add(-48 * time.Hour)
	if _, err := e.work.SaveDraft(ctx, r.ID, r.OwnerEmail, func(*store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: json.RawMessage(`{"values":{"chronology_documents":[{"id":"listed","name":"a.pdf","size":4,"kind":"pdf"}]}}`),
			Add: []*store.Attachment{doc("listed", old)}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*store.Attachment{doc("orphan", old), doc("fresh", t0)} {
		if err := e.st.AddAttachment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.work.PurgeUnlistedDocuments(ctx, "retention")
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if log, _ := e.st.AuditLog(ctx, store.AuditFilter{Actor: "retention", Record: r.ID, Limit: 5}); len(log) != 1 || !strings.Contains(log[0].Detail, "document orphan") {
		t.Fatalf("audit of the purge: %+v", log)
	}
	left, _ := e.st.AttachmentsOf(ctx, r.ID)
	if len(left) != 2 || left[0].ID != "listed" || left[1].ID != "fresh" {
		t.Fatalf("left: %+v", left)
	}
}
