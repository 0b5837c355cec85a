package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/api"
	"formportal/apikey"
	"formportal/casework"
	"formportal/forms"
	"formportal/mail"
	"formportal/store"
	"formportal/store/sqlstore"
	"formportal/web"
)

// The API's tests run the API over real HTTP on a real SQLite file, with the real casework service and
// outbox, and the HTML application's PDF printer.

// clock is a test clock that only moves when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// logBuffer is the API's log, for the test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) Reset() {
	l.mu.Lock()
	l.buf.Reset()
	l.mu.Unlock()
}

type env struct {
	t       testing.TB
	srv     *httptest.Server
	handler http.Handler // the API mounted at api.Base, as the portal mounts it
	api     *api.Handler
	store   *sqlstore.DB
	forms   *forms.Library
	printer *web.App
	work    *casework.Service
	clock   *clock
	logs    *logBuffer
	key     string // a read-write key, "lcs"
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	lib := fixtureForms(t)
	outbox := mail.NewOutbox(db, "Example Portal <donotreply@council.example>", clk.Now)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := web.New(web.DefaultConfig(), web.Options{Store: db, Mailer: outbox, Now: clk.Now, Forms: lib, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.DefaultConfig()
	work := casework.New(db, lib, outbox, casework.Texts{Council: cfg.Council, Service: cfg.Service, BaseURL: cfg.BaseURL}, clk.Now)
	logs := &logBuffer{}
	h, err := api.New(api.Options{Store: db, Work: work, Forms: lib, PDF: app, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	mux := chi.NewRouter()
	mux.Mount(api.Base, h.Router())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, key, err := apikey.New(ctx, db, apikey.Spec{Name: "lcs"}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, handler: mux, api: h, store: db, forms: lib, printer: app, work: work, clock: clk, logs: logs, key: key}
}

// fixtureForms are the engine's valid fixtures: a family delegation form and a referral form.
func fixtureForms(t testing.TB) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// reply is one answer of the API.
type reply struct {
	code   int
	header http.Header
	body   string
}

// raw calls the API with exactly the headers and body given.
func (e *env) raw(method, path string, header http.Header, body string) reply {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+api.Base+path, strings.NewReader(body))
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	checkAnswer(e.t, method, path, resp.StatusCode, resp.Header, data)
	return reply{code: resp.StatusCode, header: resp.Header, body: string(data)}
}

// call calls the API with a key and a JSON body, and decodes the JSON answer.
func (e *env) call(key, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	r := e.raw(method, path, h, string(b))
	var out map[string]any
	json.Unmarshal([]byte(r.body), &out)
	return r.code, out
}

func familyCase() map[string]any {
	return map[string]any{
		"familyName": "Boreo",
		"children": []any{
			map[string]any{"id": "c1", "name": "Aurora Boreo", "dob": "2016-01-01"},
			map[string]any{"id": "c2", "name": "Orion Boreo", "dob": "2018-05-20"},
		},
		"sender": map[string]any{"name": "Nyree Ellison-Anjos"},
	}
}

func newDelegation(email string) map[string]any {
	return map[string]any{
		"form":         "family-check",
		"professional": map[string]any{"email": email, "name": "Sam Jones", "organisation": "Cherwell School"},
		"caseData":     familyCase(),
		"dueDate":      "2026-04-08",
		"comments":     "Please include attendance",
	}
}

// delegate creates a delegation through the API and returns its id.
func (e *env) delegate(email string) string {
	e.t.Helper()
	code, out := e.call(e.key, "POST", "/delegations", newDelegation(email))
	if code != http.StatusCreated {
		e.t.Fatalf("create delegation: %d %v", code, out)
	}
	return out["id"].(string)
}

type route struct{ method, pattern string }

// routes lists every route the API serves, from its router, so a route added later is covered by the
// tests that walk them. Patterns start with api.Base.
func (e *env) routes() []route {
	e.t.Helper()
	var out []route
	err := chi.Walk(e.api.Router(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, route{method, api.Base + pattern})
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pattern+out[i].method < out[j].pattern+out[j].method })
	return out
}

// auditHead is the place of the newest audit entry, to read what a step adds with auditAfter.
func (e *env) auditHead() int64 {
	e.t.Helper()
	list, err := e.store.AuditLog(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) == 0 {
		return 0
	}
	return list[0].Seq
}

// auditAfter lists the entries written after the place head, oldest first.
func (e *env) auditAfter(head int64) []string {
	e.t.Helper()
	list, err := e.store.AuditLog(context.Background(), store.AuditFilter{Limit: 10000})
	if err != nil {
		e.t.Fatal(err)
	}
	out := []string{}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Seq > head {
			out = append(out, list[i].Actor+" | "+list[i].Action+" | "+list[i].Target)
		}
	}
	return out
}

var testPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// records is a submitted delegation and a submitted referral, each with a document: every kind of
// child's record the API reads.
type records struct {
	delegation, delegationFile string
	referral, referralFile     string
	request                    string // a multi-agency request holding the delegation
}

func (e *env) records() records {
	e.t.Helper()
	rec := records{delegation: "d0000000000000000000000000000001", delegationFile: "fd000000000000000000000000000001",
		referral: "r0000000000000000000000000000001", referralFile: "fr000000000000000000000000000001", request: "q0000000000000000000000000000001"}
	ctx := context.Background()
	caseData, _ := json.Marshal(familyCase())
	at := e.clock.Now()
	for _, r := range []struct {
		kind          store.Kind
		id, form, fld string
		file          string
	}{
		{store.KindDelegation, rec.delegation, "family-check", "files", rec.delegationFile},
		{store.KindReferral, rec.referral, "concern", "documents", rec.referralFile},
	} {
		sub := fmt.Sprintf(`{"values":{%q:[{"id":%q,"name":"report.pdf","kind":"pdf","size":%d}]}}`, r.fld, r.file, len(testPDF))
		resp := &store.Response{ID: r.id, Kind: r.kind, FormID: r.form, OwnerEmail: "pro@school.example", OwnerName: "Sam Jones", OwnerUserID: "u1",
			CaseData: caseData, Answers: json.RawMessage(sub), Submission: json.RawMessage(sub), Status: store.StatusSubmitted,
			Reference: "FP-20260302-" + r.id[:1] + "AAAAA", CreatedAt: at, UpdatedAt: at, SubmittedAt: at}
		if err := e.store.CreateResponse(ctx, resp, nil); err != nil {
			e.t.Fatal(err)
		}
		if err := e.store.AddAttachment(ctx, &store.Attachment{ID: r.file, ResponseID: r.id, FieldID: r.fld, Name: "report.pdf", Kind: "pdf",
			MediaType: "application/pdf", Size: int64(len(testPDF)), Content: testPDF, CreatedAt: at}); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.store.CreateRequest(ctx, &store.Request{ID: rec.request, FormID: "family-check", FormVersion: 1, CreatedBy: "api:lcs", CreatedAt: at}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.AddToRequest(ctx, rec.request, rec.delegation); err != nil {
		e.t.Fatal(err)
	}
	return rec
}

// path fills an API route pattern's parameters with the records' ids.
func (rec records) path(pattern string) string {
	segs := strings.Split(strings.TrimPrefix(pattern, api.Base), "/")
	delegation := strings.Contains(pattern, "/delegations/")
	for i, s := range segs {
		switch s {
		case "{id}":
			segs[i] = rec.referral
			if delegation {
				segs[i] = rec.delegation
			}
			if strings.Contains(pattern, "/requests/") {
				segs[i] = rec.request
			}
		case "{file}":
			segs[i] = rec.referralFile
			if delegation {
				segs[i] = rec.delegationFile
			}
		case "{form}":
			segs[i] = "family-check"
		case "{version}":
			segs[i] = "1" // the fixture's version
		}
	}
	return strings.Join(segs, "/")
}
