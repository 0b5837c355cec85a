package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func TestASVS_V12_1_1_LargeFilesRejected(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/documents"
	b.get(page)
	// Over the field's limit (1 MB): refused with a message.
	b.upload(page, "files", "big.pdf", append(append([]byte{}, testPDF...), make([]byte, 1<<20)...), "action", "upload:files").
		status(422).see("The selected file must be smaller than 1 MB")
	// Over any request's limit: read no further than the page's own limit, and refused with the same
	// message, on the page.
	b.get(page)
	head := "--" + chromiumBoundary + "\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + b.csrf() +
		"\r\n--" + chromiumBoundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"huge.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
	huge := &countingReader{r: io.MultiReader(strings.NewReader(head), bytes.NewReader(testPDF), zeros(maxPagePostBytes+1))}
	r := b.send(http.MethodPost, page, huge, http.Header{"Content-Type": {"multipart/form-data; boundary=" + chromiumBoundary}})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "The selected file must be smaller than 1 MB") {
		t.Fatalf("a %d MB request: %d, want 422 with the file's limit:\n%s", maxPagePostBytes>>20, r.code, htmlText(r.body))
	}
	lim := pageLimitsFor(fx.e.app.forms.Get("family-check").Section("documents"), nil)
	if huge.n > lim.body+16<<20 {
		t.Fatalf("the server read %d MB of a %d MB request, past the page's limit of %d MB", huge.n>>20, maxPagePostBytes>>20, lim.body>>20)
	}
	// Other posts are limited to 1 MB.
	b.get("/account")
	r = b.sendForm("/account", "forename", strings.Repeat("a", 2<<20), "surname", "B")
	if r.code == http.StatusOK || r.code >= 500 {
		t.Fatalf("a 2 MB account form: %d", r.code)
	}
	b.get(page)
	if strings.Contains(b.last, "big.pdf") || strings.Contains(b.last, "huge.pdf") {
		t.Fatal("an oversized file was kept")
	}
}

func TestASVS_V12_1_3_FileCountLimited(t *testing.T) {
	fx := newFixture(t) // the task's documents already hold one file; the field allows 2
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/documents"
	b.get(page).upload(page, "files", "second.pdf", testPDF, "action", "upload:files").see("The file has been uploaded")
	b.upload(page, "files", "third.pdf", testPDF, "action", "upload:files").status(422).see("You can upload up to 2 files")
	// Not by another button either.
	b.get(page).upload(page, "files", "fourth.pdf", testPDF, "action", "save").status(422)
	b.get(page)
	if strings.Contains(b.last, "third.pdf") || strings.Contains(b.last, "fourth.pdf") {
		t.Fatal("a file over the limit was kept")
	}
}

// V12.2.1: a file's type is decided by its content, not its name or the browser's claim.
func TestASVS_V12_2_1_FileTypeCheckedByContent(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/documents"
	// Free the second slot each time: remove everything but the fixture's file.
	clear := func() {
		b.get(page)
		for _, m := range fileIDRE.FindAllStringSubmatch(b.last, -1) {
			if m[1] != fx.taskFile {
				b.post(page, "action", "remove-file:files:"+m[1])
			}
		}
		b.get(page)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"), make([]byte, 32)...)
	docx := zipOf("[Content_Types].xml", "word/document.xml")
	for _, c := range []struct {
		name    string
		content []byte
		kind    string // "" when it must be refused
	}{
		{"report.pdf", testPDF, "pdf"},
		{"report.exe", testPDF, "pdf"}, // a PDF, whatever the name
		{"photo.png", png, "image"},
		{"letter.docx", docx, "word"},
		{"budget.xlsx", zipOf("[Content_Types].xml", "xl/workbook.xml"), ""},
		{"budget.pdf", zipOf("[Content_Types].xml", "xl/workbook.xml"), ""}, // a spreadsheet named as a PDF
		{"figures.csv", []byte("a,b,c\n1,2,3\n4,5,6\n"), ""},
		{"tool.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...), ""},
		{"tool.png", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...), ""},
		{"page.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""},
		{"drawing.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"letter.pdf", []byte("This is a letter, not a PDF.\n"), ""},
		{"archive.pdf", zipOf("a.txt"), ""},
		{"script.pdf", []byte("#!/bin/sh\nrm -rf /\n"), ""},
	} {
		clear()
		b.upload(page, "files", c.name, c.content, "action", "upload:files")
		accepted := b.code == http.StatusOK && strings.Contains(b.last, "The file has been uploaded")
		if accepted != (c.kind != "") {
			t.Errorf("%s: accepted=%v (status %d), want %v", c.name, accepted, b.code, c.kind != "")
			continue
		}
		if !accepted {
			continue
		}
		m := fileIDRE.FindAllStringSubmatch(b.last, -1)
		att, err := fx.e.store.Attachment(context.Background(), m[len(m)-1][1])
		if err != nil || att.Kind != c.kind {
			t.Errorf("%s: stored as %+v (err %v), want kind %s", c.name, att, err, c.kind)
		}
	}
}

// V12.3.1: names of uploaded files are only labels: never paths, never headers.
func TestASVS_V12_3_1_FileNamesNeverUsedAsPaths(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/documents"
	for _, name := range []string{"../../../../etc/passwd.pdf", `..\..\windows\win.ini.pdf`, "/etc/shadow.pdf", "a\r\nSet-Cookie: x=1.pdf",
		`quote".pdf`, "<angle>|pipe*?.pdf", strings.Repeat("long", 40) + ".pdf"} {
		b.get(page)
		for _, m := range fileIDRE.FindAllStringSubmatch(b.last, -1) {
			if m[1] != fx.taskFile {
				b.post(page, "action", "remove-file:files:"+m[1])
			}
		}
		b.get(page).upload(page, "files", name, testPDF, "action", "upload:files")
		if b.code != http.StatusOK {
			t.Errorf("%q: status %d", name, b.code)
			continue
		}
		m := fileIDRE.FindAllStringSubmatch(b.last, -1)
		id := m[len(m)-1][1]
		att, err := fx.e.store.Attachment(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(att.Name, "/\\\r\n\x00\"") || strings.Contains(att.Name, "..") && strings.Contains(att.Name, "/") || len(att.Name) > 120 {
			t.Errorf("%q stored as %q", name, att.Name)
		}
		r := b.send(http.MethodGet, "/tasks/"+fx.task+"/files/"+id, nil, nil)
		_, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition"))
		if err != nil || params["filename"] != att.Name || r.header.Get("Set-Cookie") != "" && strings.Contains(r.header.Get("Set-Cookie"), "x=1") {
			t.Errorf("%q downloads with Content-Disposition %q", name, r.header.Get("Content-Disposition"))
		}
	}
}

// V12.5.2: uploaded files are downloads, never rendered as HTML or script: attachment disposition, the
// type found from the content (not the uploader's claim), nosniff.
func TestASVS_V12_5_2_UploadsServedAsAttachments(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/documents"
	// A PDF sent as evil.html with the browser claiming text/html.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	b.get(page)
	mw.WriteField("csrf_token", b.csrf())
	mw.WriteField("action", "upload:files")
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="files"; filename="evil.html"`}
	h["Content-Type"] = []string{"text/html"}
	fw, _ := mw.CreatePart(h)
	fw.Write(testPDF)
	mw.Close()
	b.send(http.MethodPost, page, &buf, http.Header{"Content-Type": {mw.FormDataContentType()}})
	b.get(page)
	ids := fileIDRE.FindAllStringSubmatch(b.last, -1)
	if len(ids) != 2 {
		t.Fatalf("upload failed:\n%s", htmlText(b.last))
	}
	for _, c := range []struct{ url, name string }{
		{"/tasks/" + fx.task + "/files/" + fx.taskFile, "task.pdf"},
		{"/tasks/" + fx.task + "/files/" + ids[1][1], "evil.html"},
		{"/referrals/" + fx.referral + "/files/" + fx.referralFile, "referral.pdf"},
	} {
		r := b.send(http.MethodGet, c.url, nil, nil)
		disp, params, _ := mime.ParseMediaType(r.header.Get("Content-Disposition"))
		if r.code != 200 || disp != "attachment" || params["filename"] != c.name {
			t.Errorf("%s: %d Content-Disposition %q", c.url, r.code, r.header.Get("Content-Disposition"))
		}
		if r.header.Get("Content-Type") != "application/pdf" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Type %q, X-Content-Type-Options %q", c.url, r.header.Get("Content-Type"), r.header.Get("X-Content-Type-Options"))
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no CSP", c.url)
		}
	}
	// Through the API too.
	req, _ := http.NewRequest(http.MethodGet, fx.e.srv.URL+"/api/v1/referrals/"+fx.referral+"/attachments/"+fx.referralFile, nil)
	req.Header.Set("Authorization", "Bearer "+fx.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 && !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("API download: Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
}
