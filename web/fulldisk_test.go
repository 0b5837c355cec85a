package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"formportal/apikey"
)

// sessionRows counts the sessions stored, by ending them all: call it last, or before starting afresh.
func (e *env) sessionRows() int {
	e.t.Helper()
	far := e.clock.Now().AddDate(10, 0, 0)
	n, err := e.store.DeleteExpiredSessions(context.Background(), far, far, far)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Visitors without a cookie store nothing by looking: not the start page, not a page with a form, not a
// page that asks them to sign in. Their forms still carry a CSRF token, signed, that no other visitor's
// page can stand in for; and the page they asked for is still where signing in takes them.
func TestCookielessVisitsStoreNoSession(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	e.register("pro@school.example").post("/logout")
	e.sessionRows()
	paths := []string{"/", "/login", "/register", "/password/forgotten", "/accessibility", "/privacy", "/terms", "/healthz", "/readyz",
		"/theme.css", "/no/such/page", "/tasks", "/tasks/" + id, "/referrals/new/concern", "/register/cancel", "/logout"}
	for range 20 {
		for _, p := range paths {
			if b := e.browser().get(p); b.code >= 500 {
				t.Fatalf("GET %s: %d", p, b.code)
			}
		}
	}
	if n := e.sessionRows(); n != 0 {
		t.Fatalf("%d cookieless visits stored %d sessions, want none", 20*len(paths), n)
	}

	// The email's link, then sign in: back at the task.
	b := e.browser().get("/tasks/" + id).see("Secure login")
	b.loginHere("pro@school.example", testPassword).status(http.StatusOK).see("Practitioner")
	if !strings.Contains(b.last, "/tasks/"+id+"/pages/") {
		t.Fatalf("after signing in from the task's link, not on the task:\n%s", htmlText(b.last))
	}
	// Another visitor's token, or none of this portal's making, does not pass.
	one, other := e.browser().get("/login"), e.browser().get("/login")
	if one.csrf() == other.csrf() {
		t.Fatal("two visitors got the same CSRF token")
	}
	one.postRaw("/login", url.Values{"csrf_token": {other.csrf()}, "email": {"pro@school.example"}, "password": {testPassword}}, nil).
		status(http.StatusForbidden).see("Your page has expired")
	one.get("/login").postRaw("/login", url.Values{"csrf_token": {"x" + one.csrf()[1:]}, "email": {"pro@school.example"}, "password": {testPassword}}, nil).
		status(http.StatusForbidden)
	if n := e.sessionRows(); n != 1 {
		t.Fatalf("%d sessions stored after one sign-in, want 1", n)
	}
}

// smallDisk mounts a tmpfs of size bytes for the test, or skips it when that is not allowed (not root).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v: %s); TestSQLiteFullIsErrFull covers SQLITE_FULL without one", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fillDisk writes a file until the disk holding dir has no room left, and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	return path
}

// On a full disk (a real one: a tmpfs filled to the last byte) a save says it could not be saved, with
// 503 and without losing what was saved before; pages still show, /login included; /readyz says not
// ready; and once there is room again the same save goes through.
func TestFullDiskSaysSoAndLosesNothing(t *testing.T) {
	dir := smallDisk(t, 64<<20)
	e := newEnvAt(t, filepath.Join(dir, "portal.db"))
	_, key, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := chronologyFor(t, e, key, 3)
	section := c.form.Section("chronology")
	page := c.page("chronology")
	c.b.get(page).postParts(page, browserParts(c.b, section, c.answers(20).Values, c.children, "save")).status(http.StatusOK)
	e.browser().get("/readyz").status(http.StatusOK)

	filler := fillDisk(t, dir)
	e.browser().get("/readyz").status(http.StatusServiceUnavailable)
	e.browser().get("/login").status(http.StatusOK).see("Secure login")
	e.clock.Advance(time.Minute) // the session's last use is due to be saved, and cannot be
	c.b.get(page).status(http.StatusOK)
	// 480 more rows pasted at once.
	more := c.answers(500).Values
	more["chronology_entries"] = more["chronology_entries"].([]any)[20:]
	big := browserParts(c.b, section, more, c.children, "save")
	c.b.postParts(page, big).status(http.StatusServiceUnavailable).
		see("We could not save your answers", "Try again in a few minutes.", "Nothing you saved before is lost.")
	if rows := c.savedRows(t); len(rows) != 20 {
		t.Fatalf("after the failed save the store holds %d rows, want the 20 saved before", len(rows))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	e.browser().get("/readyz").status(http.StatusOK)
	c.b.postParts(page, big).status(http.StatusOK).see("Your answers have been saved")
	if rows := c.savedRows(t); len(rows) != 500 {
		t.Fatalf("with room again the store holds %d rows, want 500", len(rows))
	}
}
