package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"formportal/store"
)

// Each test below runs on two handles on one database, as two processes: what the first keeps must
// follow every change the second makes, at once.

// A session kept by one process is read again when another process changes it or its user: each change
// below is made through a second handle on the same database and must be seen by the first at once.
func TestKeptRowsSeeEveryChangeFromAnotherProcessSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	open := func() *DB {
		db, err := OpenSQLite(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	reader, writer := open(), open()
	testKeptSessionSeesEveryChange(t, reader, writer)
	testKeptHeadSeesEveryChange(t, reader, writer)
}

func TestKeptRowsSeeEveryChangeFromAnotherProcessPostgres(t *testing.T) {
	reader, dsn := openPostgresSchema(t)
	writer, err := OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { writer.Close() })
	testKeptSessionSeesEveryChange(t, reader, writer)
	testKeptHeadSeesEveryChange(t, reader, writer)
}

func testKeptSessionSeesEveryChange(t *testing.T, reader, writer *DB) {
	ctx := context.Background()
	now := time.UnixMilli(time.Now().UnixMilli())
	u := &store.User{ID: "u1", Email: "rose@school.example", Forename: "Rose", Surname: "Berry", PasswordHash: "hash", CreatedAt: now}
	if err := writer.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if err := writer.CreateSession(ctx, &store.Session{ID: id, UserID: "u1", CSRFToken: "c", Data: map[string]string{"step": "1"}, CreatedAt: now, LastSeenAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(id string) (*store.Session, *store.User) {
		t.Helper()
		s, u, err := reader.SessionWithUser(ctx, id)
		if err != nil {
			t.Fatalf("read session %s: %v", id, err)
		}
		return s, u
	}

	// What a caller does to the session it was given is its own.
	s, _ := read("s1")
	s.Data["step"], s.CSRFToken = "changed by the caller", "changed"
	if s, _ := read("s1"); s.Data["step"] != "1" || s.CSRFToken != "c" {
		t.Fatalf("the kept session was changed through a copy handed out: %+v", s)
	}

	// The session itself changed.
	s.Data["step"], s.LastSeenAt = "2", now.Add(time.Minute)
	if err := writer.UpdateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s, _ := read("s1"); s.Data["step"] != "2" || s.CSRFToken != "changed" || !s.LastSeenAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("after the session was updated elsewhere: %+v", s)
	}

	// Its user changed, by each kind of write.
	u.DisabledAt = now
	if err := writer.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, u := read("s1"); u == nil || !u.DisabledAt.Equal(now) {
		t.Fatalf("after the account was disabled elsewhere, its session's user is %+v", u)
	}
	if err := writer.SetUserLang(ctx, "u1", "cy"); err != nil {
		t.Fatal(err)
	}
	if _, u := read("s2"); u.Lang != "cy" {
		t.Fatalf("after the language was set elsewhere, the user is %+v", u)
	}

	// A change rolled back leaves nothing kept, even when its version is later reached by another.
	errRollBack := errors.New("roll back")
	err := reader.InTx(ctx, func(tx store.Data) error {
		s, _, err := tx.SessionWithUser(ctx, "s2")
		if err != nil {
			return err
		}
		s.Data["step"] = "rolled back"
		if err := tx.UpdateSession(ctx, s); err != nil {
			return err
		}
		if s, _, err := tx.SessionWithUser(ctx, "s2"); err != nil || s.Data["step"] != "rolled back" {
			t.Errorf("inside the transaction: %+v, %v", s, err)
		}
		return errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatal(err)
	}
	s2, _, err := writer.SessionWithUser(ctx, "s2")
	if err != nil {
		t.Fatal(err)
	}
	s2.Data["step"] = "committed"
	if err := writer.UpdateSession(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if s, _ := read("s2"); s.Data["step"] != "committed" {
		t.Fatalf("after a rolled-back change and a committed one: %+v", s)
	}

	// Signed out everywhere else, then the account deleted.
	if err := writer.DeleteUserSessions(ctx, "u1", "s2"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reader.SessionWithUser(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a session ended elsewhere is read as %v, want ErrNotFound", err)
	}
	if err := writer.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reader.SessionWithUser(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the session of an account deleted elsewhere is read as %v, want ErrNotFound", err)
	}
}

func testKeptHeadSeesEveryChange(t *testing.T, reader, writer *DB) {
	ctx := context.Background()
	now := time.UnixMilli(time.Now().UnixMilli())
	r := &store.Response{ID: "r1", Kind: store.KindDelegation, FormID: "multi-agency-chronology", Sections: []string{"chronology"},
		OwnerEmail: "pro@school.example", CaseData: []byte(`{"children":[{"id":"c1","name":"Aurora Boreo"}]}`), Status: store.StatusSent,
		CreatedAt: now, UpdatedAt: now}
	if err := writer.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	head := func() *store.Response {
		t.Helper()
		h, err := reader.ResponseHead(ctx, "r1")
		if err != nil {
			t.Fatalf("read the head: %v", err)
		}
		return h
	}
	h := head()
	h.OwnerEmail = "changed by the caller"
	if h := head(); h.OwnerEmail != "pro@school.example" || h.FormVersion != 0 {
		t.Fatalf("the head kept was changed through a copy handed out, or is wrong: %+v", h)
	}

	// Adopted by a form version, which is no save: the version moves all the same.
	if n, err := writer.AdoptUnversionedResponses(ctx, "multi-agency-chronology", 3); err != nil || n != 1 {
		t.Fatalf("adopt: %d, %v", n, err)
	}
	if h := head(); h.FormVersion != 3 {
		t.Fatalf("after the response was adopted by version 3 elsewhere, its head is %+v", h)
	}

	// Reassigned.
	full, err := writer.Response(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	full.OwnerEmail, full.UpdatedAt = "next@school.example", now.Add(time.Minute)
	if err := writer.UpdateResponse(ctx, full, nil); err != nil {
		t.Fatal(err)
	}
	if h := head(); h.OwnerEmail != "next@school.example" || h.Version != full.Version {
		t.Fatalf("after the task was reassigned elsewhere, its head is %+v; want next@school.example at version %d", h, full.Version)
	}

	// Deleted.
	if err := writer.DeleteResponse(ctx, "r1", full.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.ResponseHead(ctx, "r1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a response deleted elsewhere is read as %v, want ErrNotFound", err)
	}
}
