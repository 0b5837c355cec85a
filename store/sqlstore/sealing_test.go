package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/sealed"
	"formportal/store/storetest"
)

// testKeyring is a keyring of fresh keys with these ids, the first current.
func testKeyring(t testing.TB, ids ...string) (*sealed.Keyring, string) {
	t.Helper()
	var text string
	for _, id := range ids {
		line, err := sealed.NewKeyLine(id)
		if err != nil {
			t.Fatal(err)
		}
		text += line + "\n"
	}
	k, err := sealed.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return k, text
}

func mustParse(t testing.TB, text string) *sealed.Keyring {
	t.Helper()
	k, err := sealed.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSQLiteConformanceSealed(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db := openTemp(t)
		keys, _ := testKeyring(t, "k1")
		if err := db.UseKeys(context.Background(), keys); err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestPostgresConformanceSealed(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openPostgresSchema(t)
		keys, _ := testKeyring(t, "k1")
		if err := db.UseKeys(context.Background(), keys); err != nil {
			t.Fatal(err)
		}
		return db
	})
}

const (
	secretAnswer  = "Zebedee-Quartermaine-answer"
	secretCase    = "Ottoline-Fairweather-case"
	secretContent = "Scan-of-Hermione-Crabtree-file"
)

// writeSecrets stores a response whose case data, answers and submission, and an attachment whose
// content, hold the known strings.
func writeSecrets(t *testing.T, db *DB, id string) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	r := &store.Response{ID: id, Kind: store.KindDelegation, FormID: "f", OwnerEmail: "pro@example.org", Status: store.StatusSubmitted,
		CaseData:   json.RawMessage(`{"child":{"name":"` + secretCase + `"}}`),
		Answers:    json.RawMessage(`{"values":{"a":"` + secretAnswer + `"}}`),
		Submission: json.RawMessage(`{"values":{"a":"` + secretAnswer + `"}}`), Reference: "FP-1", CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	if err := db.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	a := &store.Attachment{ID: id + "-doc", ResponseID: id, FieldID: "docs", Name: "scan.txt", Kind: "text", MediaType: "text/plain",
		Size: int64(len(secretContent)), Content: []byte(secretContent), CreatedAt: now}
	if err := db.AddAttachment(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// checkSecrets reads back what writeSecrets stored.
func checkSecrets(t *testing.T, db *DB, id string) {
	t.Helper()
	ctx := context.Background()
	r, err := db.Response(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(r.CaseData, []byte(secretCase)) || !bytes.Contains(r.Answers, []byte(secretAnswer)) || !bytes.Contains(r.Submission, []byte(secretAnswer)) {
		t.Fatalf("response %s read back wrong: %s %s %s", id, r.CaseData, r.Answers, r.Submission)
	}
	a, err := db.Attachment(ctx, id+"-doc")
	if err != nil || string(a.Content) != secretContent {
		t.Fatalf("attachment read back: %q, %v", a.Content, err)
	}
}

// fileBytes is the database file and its write-ahead log, as a thief of the disk would read them.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// With a key, the answers, case data and documents are not in the database file; the same writes
// without a key are (so the search would find them), and the search by reference still works.
func TestSealedRowsAreUnreadableInTheFile(t *testing.T) {
	ctx := context.Background()
	for _, withKey := range []bool{false, true} {
		t.Run(fmt.Sprint("key=", withKey), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "portal.db")
			db, err := OpenSQLite(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if withKey {
				keys, _ := testKeyring(t, "k1")
				if err := db.UseKeys(ctx, keys); err != nil {
					t.Fatal(err)
				}
			}
			writeSecrets(t, db, "r1")
			checkSecrets(t, db, "r1")
			list, err := db.ListResponses(ctx, store.ResponseFilter{OwnerEmail: "pro@example.org", Statuses: []store.Status{store.StatusSubmitted}})
			if err != nil || len(list) != 1 || !bytes.Contains(list[0].Answers, []byte(secretAnswer)) {
				t.Fatalf("listing: %v, %v", list, err)
			}
			raw := fileBytes(t, path)
			for _, s := range []string{secretAnswer, secretCase, secretContent} {
				if found := bytes.Contains(raw, []byte(s)); found == withKey {
					t.Errorf("with key %v, %q in the database file: %v", withKey, s, found)
				}
			}
			if !bytes.Contains(raw, []byte("pro@example.org")) {
				t.Error("the owner's address, which lists are searched by, is not in the clear")
			}
		})
	}
}

// A database sealed under a key will not open without it, under another key of the same id, or with a
// keyring lacking its key id: each fails at UseKeys, saying so.
func TestWrongOrMissingKeyFailsClearly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	keys, text := testKeyring(t, "k1")
	if err := db.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	writeSecrets(t, db, "r1")
	db.Close()

	other, _ := testKeyring(t, "k1")
	elsewhere, _ := testKeyring(t, "k2")
	for _, c := range []struct {
		name string
		keys *sealed.Keyring
		want error
		says string
	}{
		{"none", nil, ErrNoKeys, `encrypted with key "k1"`},
		{"same id, other key", other, sealed.ErrWrongKey, `key "k1"`},
		{"other id", elsewhere, sealed.ErrUnknownKey, `key "k1"`},
	} {
		db, err := OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		err = db.UseKeys(ctx, c.keys)
		if !errors.Is(err, c.want) || !bytes.Contains([]byte(err.Error()), []byte(c.says)) {
			t.Errorf("%s: UseKeys gave %v, want %v saying %s", c.name, err, c.want, c.says)
		}
		// Even a store not told of the keys refuses the sealed rows rather than returning ciphertext.
		if _, err := db.Response(ctx, "r1"); !errors.Is(err, ErrNoKeys) && !errors.Is(err, c.want) {
			t.Errorf("%s: reading a sealed row gave %v", c.name, err)
		}
		db.Close()
	}
	db, err = OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UseKeys(ctx, mustParse(t, text)); err != nil {
		t.Fatal(err)
	}
	checkSecrets(t, db, "r1")
}

// Rotation runs while responses are saved: rows written in the clear (before a key was set) are sealed,
// rows under the old key are rewrapped, no save is lost, and afterwards the old key can go.
func TestRotateKeysWhileServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	rotateWhileSaving(t, func() (*DB, error) { return OpenSQLite(context.Background(), path) })
	if bytes.Contains(fileBytes(t, path), []byte(secretContent)) {
		t.Error("a document written in the clear is still in the file after rotation")
	}
}

func TestPostgresRotateKeysWhileServing(t *testing.T) {
	dsn := emptyPostgresSchema(t)
	rotateWhileSaving(t, func() (*DB, error) { return OpenPostgres(context.Background(), dsn) })
}

// rotateWhileSaving writes rows in the clear and under an old key, rotates to a new key while savers
// write every response again, and opens the store with the new key alone to check every last save.
func rotateWhileSaving(t *testing.T, reopen func() (*DB, error)) {
	ctx := context.Background()
	db, err := reopen()
	if err != nil {
		t.Fatal(err)
	}
	const n = 30
	for i := range n / 3 {
		writeSecrets(t, db, fmt.Sprintf("r%02d", i)) // in the clear
	}
	old, oldText := testKeyring(t, "old")
	if err := db.UseKeys(ctx, old); err != nil {
		t.Fatal(err)
	}
	for i := n / 3; i < n; i++ {
		writeSecrets(t, db, fmt.Sprintf("r%02d", i))
	}
	db.Close()

	newLine, err := sealed.NewKeyLine("new")
	if err != nil {
		t.Fatal(err)
	}
	db, err = reopen()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UseKeys(ctx, mustParse(t, newLine+"\n"+oldText)); err != nil {
		t.Fatal(err)
	}
	// Savers write each response again and again while rotation runs.
	var wg sync.WaitGroup
	saved := make([]int, n)
	stop := make(chan struct{})
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 1; ; round++ {
				for i := w; i < n; i += 3 {
					select {
					case <-stop:
						return
					default:
					}
					r, err := db.Response(ctx, fmt.Sprintf("r%02d", i))
					if err != nil {
						t.Error(err)
						return
					}
					r.Answers = json.RawMessage(fmt.Sprintf(`{"values":{"a":"%s","round":%d}}`, secretAnswer, round))
					if err := db.UpdateResponse(ctx, r, nil); err != nil {
						t.Error(err)
						return
					}
					saved[i] = round
				}
			}
		}()
	}
	var total Rotation
	for pass := 0; pass < 3; pass++ {
		rot, err := db.RotateKeys(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		total.Rewrapped += rot.Rewrapped
		total.Sealed += rot.Sealed
	}
	close(stop)
	wg.Wait()
	rot, err := db.RotateKeys(ctx, 7)
	if err != nil || rot.Remaining != 0 {
		t.Fatalf("after the savers stopped: %+v, %v", rot, err)
	}
	if total.Sealed+rot.Sealed < n/3 { // the clear documents at least: saves never touch them
		t.Errorf("sealed %d rows, want at least the %d documents in the clear", total.Sealed+rot.Sealed, n/3)
	}
	db.Close()

	db, err = reopen()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UseKeys(ctx, mustParse(t, newLine)); err != nil {
		t.Fatalf("the old key is still needed after rotation: %v", err)
	}
	for i := range n {
		id := fmt.Sprintf("r%02d", i)
		checkSecrets(t, db, id)
		r, _ := db.Response(ctx, id)
		var a struct {
			Values struct{ Round int } `json:"values"`
		}
		json.Unmarshal(r.Answers, &a)
		if a.Values.Round != saved[i] {
			t.Errorf("%s: round %d stored, %d was the last save acknowledged", id, a.Values.Round, saved[i])
		}
	}
}

// BenchmarkSealedResponse is a save and a read of a response with a large draft (a chronology of 2,000
// rows is about 400 kB), in the clear and sealed, in the same run.
func BenchmarkSealedResponse(b *testing.B) {
	var rows []string
	for i := range 2000 {
		rows = append(rows, fmt.Sprintf(`{"date":"2025-%02d-%02d","about":["c1","c2"],"event":"Home visit number %d by the family support worker, who saw both children","source":"Cherwell School"}`, i%12+1, i%28+1, i))
	}
	answers := json.RawMessage(`{"values":{"events":[` + strings.Join(rows, ",") + `]}}`)
	for _, seal := range []bool{false, true} {
		db := openTemp(b)
		if seal {
			keys, _ := testKeyring(b, "k1")
			if err := db.UseKeys(context.Background(), keys); err != nil {
				b.Fatal(err)
			}
		}
		ctx := context.Background()
		r := &store.Response{ID: "r1", Kind: store.KindDelegation, FormID: "f", Status: store.StatusInProgress, Answers: answers, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := db.CreateResponse(ctx, r, nil); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("save/sealed=%v", seal), func(b *testing.B) {
			for b.Loop() {
				if err := db.UpdateResponse(ctx, r, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("read/sealed=%v", seal), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Response(ctx, "r1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
