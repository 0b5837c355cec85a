package subject_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"formportal/forms"
	"formportal/store"
	"formportal/store/sqlstore"
	"formportal/subject"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func library(t *testing.T) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		b, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: b}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// The export holds the account (without its secrets), each form the address wrote or was sent as JSON
// and PDF with its documents, the emails sent to it and its entries of the audit log; nothing of anyone
// else; and the export itself is audited.
func TestExportEverythingHeldAboutAnAddress(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const email = "rose@example.org"
	if err := st.CreateUser(ctx, &store.User{ID: "u1", Email: email, Forename: "Rose", Surname: "Berry", PasswordHash: "$argon2id$secret-hash", TOTPSecret: "TOTPSECRET", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	put := func(id, owner, userID string, kind store.Kind, formID string) {
		r := &store.Response{ID: id, Kind: kind, FormID: formID, OwnerEmail: owner, OwnerUserID: userID, Status: store.StatusDraft, CreatedAt: t0, UpdatedAt: t0,
			CaseData: json.RawMessage(`{"submitter":{"type":"public","name":"Rose Berry","email":"` + owner + `"}}`),
			Answers:  json.RawMessage(`{"values":{"your_name":"Rose Berry","risk_detail":"Answer of ` + id + `"}}`)}
		if err := st.CreateResponse(ctx, r, &store.Event{ID: id + "-e", ResponseID: id, At: t0, Kind: "created", Actor: owner}); err != nil {
			t.Fatal(err)
		}
	}
	put("mine", email, "u1", store.KindReferral, "concern")
	put("theirs", "other@example.org", "u2", store.KindReferral, "concern")
	if err := st.AddAttachment(ctx, &store.Attachment{ID: "d1", ResponseID: "mine", FieldID: "documents", Name: "../letter.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 8, Content: []byte("%PDF-doc"), CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{email, "other@example.org"} {
		if err := st.EnqueueMail(ctx, &store.Mail{To: to, Subject: "Mail to " + to, Text: "text", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if err := st.Audit(ctx, store.AuditEntry{At: t0, Actor: to, Action: "signed in"}); err != nil {
			t.Fatal(err)
		}
	}

	var buf bytes.Buffer
	x := &subject.Exporter{St: st, Forms: library(t), Marking: "OFFICIAL-SENSITIVE", Now: func() time.Time { return t0 }}
	sum, err := x.Export(ctx, "Rose@Example.org", "admin@council.example", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Account || sum.Forms != 1 || sum.Documents != 1 || sum.Emails != 1 || sum.Audit != 1 {
		t.Errorf("summary %+v", sum)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	all := ""
	for _, b := range files {
		all += b
	}
	for name, want := range map[string]string{
		"account.json": `"forename": "Rose"`, "forms/mine/form.json": "Answer of mine", "forms/mine/documents/d1-letter.pdf": "%PDF-doc",
		"emails.json": "Mail to rose@example.org", "audit-log.json": "signed in", "README.txt": "1 forms", "automatic-replies.json": "",
	} {
		got, ok := files[name]
		if !ok || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to hold %q (files: %v)", name, got, want, len(files))
		}
	}
	if !strings.HasPrefix(files["forms/mine/form.pdf"], "%PDF") {
		t.Error("no PDF of the form")
	}
	for _, leak := range []string{"secret-hash", "TOTPSECRET", "Answer of theirs", "other@example.org"} {
		if strings.Contains(all, leak) {
			t.Errorf("the export holds %q", leak)
		}
	}
	log, _ := st.AuditLog(ctx, store.AuditFilter{Actor: "admin@council.example", Limit: 5})
	if len(log) != 1 || log[0].Action != "exported subject data" || !strings.Contains(log[0].Detail, email) {
		t.Errorf("audit of the export: %+v", log)
	}
}
