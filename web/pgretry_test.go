package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"formportal/apikey"
	"formportal/store/sqlstore"
)

// TestRequestsSurvivePostgresConnectionLoss runs the portal on PostgreSQL and has the server end all of
// the portal's connections before each request, as a restart or fail-over does: the professional's pages,
// a save and the API still answer, none with a 500.
func TestRequestsSurvivePostgresConnectionLoss(t *testing.T) {
	dsn := postgresDSN()
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("web_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s is needed (.ci/run starts it): %v", dsn, err)
	}
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	app := "portal_" + schema // names this test's connections, so only they are ended
	db, err := sqlstore.OpenPostgres(ctx, dsn+"&search_path="+schema+"&application_name="+app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	portal, err := New(DefaultConfig(), Options{Store: db, Mailer: testOutbox(db, clk.Now), Now: clk.Now, Forms: fixtureForms(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, app: portal, store: db, clock: clk}
	_, key, err := apikey.New(ctx, db, apikey.Spec{Name: "lcs"}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := e.delegate(key, "pro@school.example")
	pro := e.register("pro@school.example")

	endConnections := func() {
		t.Helper()
		if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, app); err != nil {
			t.Fatal(err)
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
				t.Fatalf("%d connections still open", left)
			}
		}
	}
	for i := range 3 {
		endConnections()
		pro.get("/tasks").status(http.StatusOK)
		endConnections()
		pro.get("/tasks/" + id + "/pages/practitioner").status(http.StatusOK)
		endConnections()
		pro.post("/tasks/"+id+"/pages/practitioner", "name", fmt.Sprintf("Sam Jones %d", i), "phone", "01632960001", "action", "save").
			status(http.StatusOK)
		endConnections()
		if code, out := e.api(key, "GET", "/delegations/"+id, nil); code != http.StatusOK {
			t.Fatalf("API after the connections ended: %d %v", code, out)
		}
	}
	resp, err := db.Response(ctx, id)
	if err != nil || string(resp.Answers) == "" || !strings.Contains(string(resp.Answers), "Sam Jones 2") {
		t.Fatalf("the last save, across a lost connection: %s, %v", resp.Answers, err)
	}
}
