package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"formportal/internal/clamdtest"
	"formportal/scan"
)

// Uploads are scanned by a real clamd: the EICAR test file is refused with GOV.UK's words and never
// stored; a PDF that runs JavaScript is refused; a scanner that is down refuses rather than passes.
func TestASVS_V12_4_2_UploadsScannedForMalware(t *testing.T) {
	e, key := newDelegationEnv(t)
	clamd, err := scan.NewClamd(clamdtest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	e.app.scanner = clamd
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	page := "/tasks/" + id + "/pages/documents"
	b.get(page)
	infected := []byte("%PDF-1.4\n" + clamdtest.EICAR + "\n%%EOF\n")
	b.upload(page, "files", "letter.pdf", infected, "action", "upload:files").status(http.StatusUnprocessableEntity).
		see("The selected file contains a virus")
	scripted := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n")
	b.get(page).upload(page, "files", "form.pdf", scripted, "action", "upload:files").status(http.StatusUnprocessableEntity).
		see("The selected PDF contains JavaScript, which the portal does not accept")
	if files := e.storedAnswers(id)["files"]; files != nil {
		t.Fatalf("a refused file was listed: %v", files)
	}
	clean := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction[3 0 R/Fit]>>endobj\n%%EOF\n")
	b.get(page).upload(page, "files", "report.pdf", clean, "action", "upload:files").status(http.StatusOK).see("The file has been uploaded")

	down, _ := scan.NewClamd("unix:" + t.TempDir() + "/no-clamd.sock")
	e.app.scanner = down
	b.get(page).upload(page, "files", "report2.pdf", clean, "action", "upload:files").status(http.StatusUnprocessableEntity).
		see("The selected file could not be checked for viruses. Try again in a few minutes")
	resp, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the scanner down: %d, want 503", resp.StatusCode)
	}
}

// A council without clamd is told, in /readyz, that uploads are not scanned.
func TestReadyzWarnsWhenUploadsAreNotScanned(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "uploads are not scanned for viruses") {
		t.Fatalf("readyz without a scanner: %d %q", resp.StatusCode, body)
	}
}
