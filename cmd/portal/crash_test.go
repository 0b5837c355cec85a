package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"formportal/store/sqlstore"
	"formportal/web"
)

// TestCrashKeepsAcknowledgedWrites kills the real portal with SIGKILL at random moments while a client
// saves a delegated form, uploads and removes documents, and the council creates, retracts and returns
// work through the API while the referrer resubmits, many times over. Between runs it checks, with the
// portal down, that the database passes SQLite's integrity check, that every write the portal
// acknowledged is there, whole, and that no operation is half done (checkLifecycle). PORTAL_TEST_CRASH_ITERATIONS sets the number of kills (default 25; CI's proof run uses 200).
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	iterations := 25
	if n, err := strconv.Atoi(os.Getenv("PORTAL_TEST_CRASH_ITERATIONS")); err == nil && n > 0 {
		iterations = n
	}
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))

	var taskID string
	lastAcked := ""                // the newest acknowledged practitioner name
	attempted := map[string]bool{} // names sent after it, which may or may not have landed
	files := map[string][32]byte{} // acknowledged uploads: name -> content hash
	removing := map[string]bool{}  // removals sent but not acknowledged: the file may be there or not
	saves, uploads, removals := 0, 0, 0
	var life *lifecycle
	device := "" // the demo professional's remembered browser: only the first sign-in needs an emailed code
	for i := range iterations {
		openReferral, submittedReferral := "", ""
		if life != nil {
			openReferral, submittedReferral = referralHeads(t, filepath.Join(data, "portal.db"))
		}
		addr := freeAddr(t)
		cmd := exec.Command(bin, "-addr", addr, "-data", data, "-demo")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		waitUp(t, base+"/healthz")
		c := newCrashClient(t, base)
		device = c.login(device)
		if taskID == "" {
			taskID = c.firstTask()
		}
		c.page("/tasks/" + taskID + "/pages/practitioner") // the signed-in session's CSRF token
		c.docsPath = "/tasks/" + taskID + "/pages/supporting_documentation"
		// Work until the kill, which comes at a random moment.
		killAt := time.Now().Add(time.Duration(50+rng.Intn(400)) * time.Millisecond)
		if life == nil {
			life = &lifecycle{key: newAPIKey(t, bin, data)}
		}
		for n := 0; time.Now().Before(killAt); n++ {
			if n%8 == 1 {
				c.step(life, openReferral, submittedReferral, n/8+i)
				continue
			}
			if n%4 == 3 && len(files) >= 6 {
				// Keep under the field's limit of files: remove the oldest document.
				if name, id := c.oldestFile(files); id != "" {
					removing[name] = true
					if c.removeFile(taskID, id) {
						delete(files, name)
						delete(removing, name)
						removals++
					}
				}
				continue
			}
			if n%4 == 3 {
				name := fmt.Sprintf("doc-%d-%d.pdf", i, n)
				content := []byte(fmt.Sprintf("%%PDF-1.4\n%% %s %d\n%%%%EOF\n", name, rng.Int63()))
				if c.upload(taskID, name, content) {
					files[name] = sha256.Sum256(content)
					uploads++
				}
				continue
			}
			name := fmt.Sprintf("Practitioner %d-%d", i, n)
			attempted[name] = true
			if c.save(taskID, name) {
				lastAcked, attempted = name, map[string]bool{}
				saves++
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		checkCrashState(t, filepath.Join(data, "portal.db"), taskID, lastAcked, attempted, files, removing)
		checkLifecycle(t, filepath.Join(data, "portal.db"), life)
	}
	t.Logf("%d kills; %d acknowledged saves, %d uploads and %d removals all survived; %s", iterations, saves, uploads, removals, life)
	if saves < iterations {
		t.Fatalf("only %d saves were acknowledged in %d runs: the client is not exercising the portal", saves, iterations)
	}
}

func checkCrashState(t *testing.T, path, taskID, lastAcked string, attempted map[string]bool, files map[string][32]byte, removing map[string]bool) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := db.Response(ctx, taskID)
	if err != nil {
		t.Fatal(err)
	}
	var answers struct{ Values map[string]any }
	if err := json.Unmarshal(resp.Answers, &answers); err != nil {
		t.Fatalf("answers are not whole JSON after a kill: %v", err)
	}
	got, _ := answers.Values["practitioner_name"].(string)
	if lastAcked != "" && got != lastAcked && !attempted[got] {
		t.Fatalf("after a kill the saved name is %q; the last acknowledged save was %q", got, lastAcked)
	}
	listed := map[string]string{}
	docs, _ := answers.Values["chronology_documents"].([]any)
	for _, d := range docs {
		m, _ := d.(map[string]any)
		listed[fmt.Sprint(m["name"])] = fmt.Sprint(m["id"])
	}
	for name, sum := range files {
		id, ok := listed[name]
		if !ok && removing[name] {
			delete(files, name) // its removal landed, unacknowledged
			continue
		}
		if !ok {
			t.Fatalf("acknowledged upload %s is missing from the answers after a kill", name)
		}
		att, err := db.Attachment(ctx, id)
		if err != nil || sha256.Sum256(att.Content) != sum {
			t.Fatalf("acknowledged upload %s is not whole after a kill: %v", name, err)
		}
	}
}

// crashClient is a professional's browser, reduced to what the crash test needs.
type crashClient struct {
	t        *testing.T
	docsPath string
	base     string
	c        *http.Client
	csrf     string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newCrashClient(t *testing.T, base string) *crashClient {
	jar, _ := cookiejar.New(nil)
	return &crashClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *crashClient) page(path string) string {
	resp, err := c.c.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return string(body)
}

// login signs in as the demo professional. A browser remembered at an earlier sign-in (device, its
// token) goes straight in; otherwise the code is read from the dev mailbox and the browser remembered, so
// that many restarts do not run into the limit of codes an hour. It returns the browser's token.
func (c *crashClient) login(device string) string {
	u, _ := url.Parse(c.base)
	if device != "" {
		c.c.Jar.SetCookies(u, []*http.Cookie{{Name: "device", Value: device, Path: "/"}})
	}
	c.page("/login")
	if page := c.post("/login", url.Values{"email": {web.DemoEmail}, "password": {web.DemoPassword}}); strings.Contains(page, `action="/login/code"`) {
		mailbox := c.page("/dev/mail")
		code := signInCode.FindStringSubmatch(mailbox)
		if code == nil {
			c.t.Fatal("no sign-in code in the dev mailbox")
		}
		c.page("/login/code")
		c.post("/login/code", url.Values{"code": {code[1]}, "remember": {"yes"}})
	}
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "device" {
			return ck.Value
		}
	}
	c.t.Fatal("the browser was not remembered")
	return ""
}

// signInCode is the newest sign-in code in the dev mailbox, which lists the newest email first.
var signInCode = regexp.MustCompile(`(?s)Your sign-in code.*?\b(\d{4} \d{4})\b`)

// post submits a form with the CSRF token of the last page and returns the page it leads to.
func (c *crashClient) post(path string, v url.Values) string {
	v.Set("csrf_token", c.csrf)
	resp, err := c.c.PostForm(c.base+path, v)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return string(body)
}

var taskLink = regexp.MustCompile(`href="/tasks/([0-9a-f]+)"[^>]*>Aurora Boreo`)

func (c *crashClient) firstTask() string {
	m := taskLink.FindStringSubmatch(c.page("/tasks"))
	if m == nil {
		c.t.Fatal("the demo chronology task is not listed")
	}
	c.page("/tasks/" + m[1] + "/pages/practitioner")
	return m[1]
}

// save posts the practitioner page; true when the portal acknowledged it.
func (c *crashClient) save(task, name string) bool {
	v := url.Values{"csrf_token": {c.csrf}, "practitioner_name": {name}, "practitioner_role": {"Teacher"},
		"practitioner_organisation": {"Cherwell School"}, "action": {"save"}}
	resp, err := c.c.PostForm(c.base+"/tasks/"+task+"/pages/practitioner", v)
	if err != nil {
		return false // killed mid-request: not acknowledged
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && strings.Contains(string(body), "have been saved")
}

// upload posts a document; true when the portal acknowledged it.
func (c *crashClient) upload(task, name string, content []byte) bool {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", c.csrf)
	mw.WriteField("action", "upload:chronology_documents")
	fw, _ := mw.CreateFormFile("chronology_documents", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/tasks/"+task+"/pages/supporting_documentation", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && strings.Contains(string(body), "The file has been uploaded")
}

var fileRow = regexp.MustCompile(`(?s)<dt class="govuk-summary-list__key">([^<]+)</dt>.*?remove-file:chronology_documents:([0-9a-f]+)`)

// oldestFile finds, on the documents page, the first listed document the test uploaded, and its id.
func (c *crashClient) oldestFile(files map[string][32]byte) (string, string) {
	for _, m := range fileRow.FindAllStringSubmatch(c.page(c.docsPath), -1) {
		if _, ours := files[m[1]]; ours {
			return m[1], m[2]
		}
	}
	return "", ""
}

// removeFile removes a document; true when the portal acknowledged it.
func (c *crashClient) removeFile(task, id string) bool {
	v := url.Values{"csrf_token": {c.csrf}, "action": {"remove-file:chronology_documents:" + id}}
	resp, err := c.c.PostForm(c.base+"/tasks/"+task+"/pages/supporting_documentation", v)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && strings.Contains(string(body), "has been removed")
}
