package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"formportal/store"
)

// terminateBackends ends, from another connection, every server backend of the pool named app, as a
// server restart or an administrator would, and waits until they are gone.
func terminateBackends(t *testing.T, admin *sql.DB, app string) {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, app).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no backend to terminate: the pool kept no connection")
	}
	for deadline := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
		var left int
		if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends still there", left)
		}
	}
}

// TestPostgresConnectionLossRetried terminates the store's connections between operations: the reads and
// the version-guarded writes that follow succeed on new connections instead of failing.
func TestPostgresConnectionLossRetried(t *testing.T) {
	_, dsn := openPostgresSchema(t)
	ctx := context.Background()
	app := fmt.Sprintf("retry_test_%d", time.Now().UnixNano())
	db, err := OpenPostgres(ctx, dsn+"&application_name="+app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	admin, err := sql.Open("pgx", postgresDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })

	r := &store.Response{ID: "r1", Kind: store.KindDelegation, FormID: "f", OwnerEmail: "pro@school.example", CaseData: json.RawMessage(`{}`),
		Status: store.StatusSent, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	sess := &store.Session{ID: "s1", CSRFToken: "c", Data: map[string]string{}, CreatedAt: time.Now(), LastSeenAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	ops := []struct {
		name string
		do   func() error
	}{
		{"read a response", func() error { _, err := db.Response(ctx, "r1"); return err }},
		{"read a session", func() error { _, err := db.SessionByID(ctx, "s1"); return err }},
		{"list responses", func() error {
			_, err := db.ListResponses(ctx, store.ResponseFilter{Kind: store.KindDelegation})
			return err
		}},
		{"page responses", func() error {
			_, err := db.ListResponsesAfter(ctx, store.ResponseFilter{Kind: store.KindDelegation, Limit: 10}, 0)
			return err
		}},
		{"save a response", func() error {
			got, err := db.Response(ctx, "r1")
			if err != nil {
				return err
			}
			terminateBackends(t, admin, app) // between the read and the write, as between two requests
			got.Comments += "x"
			return db.UpdateResponse(ctx, got, nil)
		}},
		{"touch a session", func() error { sess.LastSeenAt = time.Now(); return db.UpdateSession(ctx, sess) }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			if err := op.do(); err != nil { // the pool has a live connection again
				t.Fatalf("before: %v", err)
			}
			terminateBackends(t, admin, app)
			if err := op.do(); err != nil {
				t.Fatalf("after the server ended the connection: %v", err)
			}
		})
	}
	got, err := db.Response(ctx, "r1")
	if err != nil || got.Comments != "xx" || got.Version != 3 {
		t.Fatalf("after two saves, each across a lost connection: %+v, %v", got, err)
	}
}
