package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"formportal/casework"
	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/examples/casesystem/lcs"
	"formportal/forms"
	"formportal/mail"
	"formportal/store"
	"formportal/store/sqlstore"
)

// TestCaseSystemAgainstThePortal runs the example against the real portal binary, set up as an operator
// would (an API key and a webhook endpoint made with its commands): the example creates a delegation,
// the test submits it as the professional, and the example gets the webhook, checks its signature,
// fetches the submission, its documents and its PDF, and returns it for more information.
func TestCaseSystemAgainstThePortal(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "portal")
	if out, err := exec.Command("go", "build", "-o", binary, "formportal/cmd/portal").CombinedOutput(); err != nil {
		t.Fatalf("build the portal: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	lastLine := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(binary, append([]string{"-data", data}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("portal %v: %v\n%s", args, err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		return lines[len(lines)-1]
	}
	key := lastLine("apikey", "create", "lcs")
	listen, portalAddr := freeAddr(t), freeAddr(t)
	secret := lastLine("webhook", "add", "http://"+listen+"/portal-events")
	var portalLog bytes.Buffer
	cmd := exec.Command(binary, "-addr", portalAddr, "-data", data, "-base-url", "http://"+portalAddr, "-dev-mailbox")
	cmd.Stdout, cmd.Stderr = &portalLog, &portalLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("the portal's log:\n%s", portalLog.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + portalAddr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the portal did not start")
		}
	}

	library, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	var form *engine.Form
	for _, f := range library.All() {
		if f.Kind == engine.KindDelegation {
			form = f
			break
		}
	}
	caseData := map[string]any{}
	raw, _ := json.Marshal(enginetest.CaseData(form, 2))
	json.Unmarshal(raw, &caseData)
	const pro = "pro@school.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var logs bytes.Buffer
	done := make(chan error, 1)
	var res *Result
	go func() {
		var err error
		res, err = Run(ctx, Config{Portal: "http://" + portalAddr, Key: key, Secret: secret, Listen: listen, Form: form.ID, CaseData: caseData,
			Professional: lcs.Professional{Email: openapi_types.Email(pro), Name: "Sam Jones"}, Log: log.New(&logs, "", 0)})
		done <- err
	}()

	// The professional, on the portal's store: completes and submits the delegation once it arrives.
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	work := casework.New(db, library, mail.NewOutbox(db, "Portal <donotreply@council.example>", time.Now), casework.Texts{Council: "Example County Council"}, time.Now)
	var id string
	for id == "" {
		list, err := db.ListResponses(ctx, store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: pro})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			id = list[0].ID
		}
		select {
		case err := <-done:
			t.Fatalf("the case system stopped before the delegation arrived: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	answers, _ := json.Marshal(enginetest.Answers(form, enginetest.CaseData(form, 2), 1, time.Now()))
	// The documents the answers list, as the professional uploaded them.
	var listed any
	json.Unmarshal(answers, &listed)
	var docs []*store.Attachment
	for _, doc := range casework.AttachmentIDs(listed) {
		docs = append(docs, &store.Attachment{ID: doc, ResponseID: id, Name: doc + ".pdf", Kind: "pdf", MediaType: "application/pdf",
			Size: int64(len(samplePDF)), Content: samplePDF, CreatedAt: time.Now()})
	}
	if _, err := work.SaveDraft(ctx, id, pro, func(*store.Response) (casework.Edit, error) {
		return casework.Edit{Answers: answers, Add: docs}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := work.Submit(ctx, id, pro); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the case system: %v\n%s", err, logs.String())
	}
	if res.Delegation != id || res.Submission.Id != id || res.Submission.Reference == "" || !bytes.HasPrefix(res.PDF, []byte("%PDF")) ||
		len(res.Documents) != len(res.Submission.Attachments) || len(docs) == 0 || !bytes.Equal(res.Documents[docs[0].ID], samplePDF) || res.Returned.Status != "returned" {
		t.Fatalf("the case system's result: %+v", res)
	}
	if r, err := db.Response(ctx, id); err != nil || r.Status != store.StatusReturned {
		t.Fatalf("the delegation after the case system returned it: %v %v", r.Status, err)
	}
}

var samplePDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr())
}
