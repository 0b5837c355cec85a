package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/sqlstore"
)

// backupLoad is what the load during the backup was told had happened.
type backupLoad struct {
	mu        sync.Mutex
	saves     int      // acknowledged saves of the practitioner page: "Practitioner 1" .. "Practitioner saves"
	attempted int      // saves sent, acknowledged or not
	created   []string // acknowledged new delegations, in order
}

func (l *backupLoad) snapshot() (saves, attempted int, created []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.saves, l.attempted, append([]string(nil), l.created...)
}

// TestBackupDuringSaveLoadThenRestore runs the real portal while a professional saves a form page over
// and over and the council creates delegations through the API, and takes a backup with the portal's
// own command in the middle of it. Restored into a new data folder, the backup holds every write that
// was acknowledged before the backup began: the newest save (or one sent after it, during the copy) and
// every delegation. A restore over the database of the running portal is refused; a portal started on
// the restored folder serves the restored answers.
func TestBackupDuringSaveLoadThenRestore(t *testing.T) {
	data := t.TempDir()
	s := serve(t, nil, "-data", data, "-demo")
	c := newCrashClient(t, s.base)
	c.login("")
	task := c.firstTask()
	c.page("/tasks/" + task + "/pages/practitioner")
	key := newAPIKey(t, portalBinary(t), data)

	load := &backupLoad{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the professional's saves
		defer wg.Done()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			load.mu.Lock()
			load.attempted = n
			load.mu.Unlock()
			if c.save(task, fmt.Sprintf("Practitioner %d", n)) {
				load.mu.Lock()
				load.saves = n
				load.mu.Unlock()
			}
		}
	}()
	go func() { // the council's new delegations
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			code, out := c.api(key, "POST", "/delegations", map[string]any{"form": "multi-agency-chronology",
				"professional": map[string]any{"email": "backup@school.example", "name": "Backup Test"},
				"caseData": map[string]any{"familyName": "Test family", "children": []any{map[string]any{"id": "k1", "name": "Kit Test", "dob": "2015-02-03"}},
					"sender": map[string]any{"name": "Jo Worker"}}})
			if code == http.StatusCreated {
				load.mu.Lock()
				load.created = append(load.created, out["id"].(string))
				load.mu.Unlock()
			}
		}
	}()
	for {
		saves, _, created := load.snapshot()
		if saves >= 20 && len(created) >= 10 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	savesBefore, _, createdBefore := load.snapshot()
	copyFile := filepath.Join(t.TempDir(), "portal-backup.db")
	out, err := runCommand(t, nil, "-data", data, "backup", copyFile)
	_, attemptedAfter, createdAfter := load.snapshot()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("portal backup: %v\n%s", err, out)
	}
	savesAll, _, createdAll := load.snapshot()
	if savesAll <= savesBefore || len(createdAll) <= len(createdBefore) {
		t.Fatalf("the load did not go on beside the backup: %d saves and %d delegations before it, %d and %d at the end", savesBefore, len(createdBefore), savesAll, len(createdAll))
	}

	if out, err := runCommand(t, nil, "-data", data, "restore", copyFile); err == nil || !strings.Contains(out, "a portal process has it open") {
		t.Fatalf("a restore over the running portal's database: %v\n%s", err, out)
	}
	restored := filepath.Join(t.TempDir(), "new-folder") // a restore test's scratch folder, made by the restore
	if out, err := runCommand(t, nil, "-data", restored, "restore", copyFile); err != nil {
		t.Fatalf("portal restore: %v\n%s", err, out)
	}

	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(restored, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := db.Response(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	var answers struct{ Values map[string]any }
	if err := json.Unmarshal(resp.Answers, &answers); err != nil {
		t.Fatal(err)
	}
	var saved int
	fmt.Sscanf(fmt.Sprint(answers.Values["practitioner_name"]), "Practitioner %d", &saved)
	if saved < savesBefore || saved > attemptedAfter {
		t.Fatalf("the backup holds save %d; save %d was acknowledged before it began and %d sent when it ended", saved, savesBefore, attemptedAfter)
	}
	inCopy := 0
	for i, id := range createdAll {
		_, err := db.Response(ctx, id)
		switch {
		case err == nil:
			inCopy++
		case !errors.Is(err, store.ErrNotFound):
			t.Fatal(err)
		case i < len(createdBefore):
			t.Fatalf("delegation %s, acknowledged before the backup began, is not in it", id)
		}
	}
	if inCopy > len(createdAfter)+1 { // +1: one whose answer was on its way when the backup ended
		t.Fatalf("the backup holds %d delegations; only %d had been acknowledged when it ended", inCopy, len(createdAfter))
	}
	db.Close()
	t.Logf("backup during load: save %d acknowledged before it, %d in the copy, %d sent by its end; %d delegations before it, %d in the copy, %d by its end, %d in all",
		savesBefore, saved, attemptedAfter, len(createdBefore), inCopy, len(createdAfter), len(createdAll))

	// A portal on the restored folder shows the restored answer.
	r := serve(t, nil, "-data", restored)
	rc := newCrashClient(t, r.base)
	rc.login("")
	if page := rc.page("/tasks/" + task + "/pages/practitioner"); !strings.Contains(page, fmt.Sprintf(`value="Practitioner %d"`, saved)) {
		t.Fatalf("the portal on the restored database does not show save %d", saved)
	}
}
