package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"formportal/store/sqlstore"
)

// TestTwoPortalsShareOnePostgreSQL runs two portal processes' worth of App on one PostgreSQL database:
// a user registers through one and carries on through the other with the same session, and both
// processes' housekeeping runs at once without harm.
func TestTwoPortalsShareOnePostgreSQL(t *testing.T) {
	dsn := postgresDSN()
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("web_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s is needed (.ci/run starts it): %v", dsn, err)
	}
	defer admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	dsn += "&search_path=" + schema

	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	var urls []string
	var apps []*App
	var dbs []*sqlstore.DB
	for range 2 {
		db, err := sqlstore.OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cfg := DefaultConfig()
		app, err := New(cfg, Options{Store: db, Mailer: testOutbox(db, clk.Now), Now: clk.Now, Forms: fixtureForms(t),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(app)
		defer srv.Close()
		urls, apps, dbs = append(urls, srv.URL), append(apps, app), append(dbs, db)
	}
	// One browser, two servers: its cookie (set for host 127.0.0.1) goes to both.
	e := &env{t: t, srv: httptest.NewUnstartedServer(nil), app: apps[0], clock: clk}
	e.srv.URL = urls[0]
	b := e.browser()
	b.get("/register").post("/register", "forename", "Rose", "surname", "Berry").
		post("/register/email", "email", "rose@example.org", "password", testPassword, "confirm", testPassword)
	mails, err := dbs[1].RecentMail(ctx, 5)
	if err != nil || len(mails) != 1 {
		t.Fatalf("the code email, read through the other process: %v %v", mails, err)
	}
	code := codeRE.FindString(mails[0].Text)
	e.srv.URL = urls[1] // the next request lands on the other process
	b.post("/register/verify", "code", code).see("Terms and conditions")
	b.post("/register/terms", "agree", "yes").see("Registration complete")
	e.srv.URL = urls[0]
	b.get("/account").status(200).see("rose@example.org")

	var wg sync.WaitGroup
	for _, app := range apps {
		wg.Add(1)
		go func() { defer wg.Done(); app.Housekeep(ctx) }()
	}
	wg.Wait()
	b.get("/account").status(200)
}
