package web

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText reads a PDF's text back with poppler's pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, installed by .ci/deps): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestTaskAndReferralPDFs(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pdf@school.example")
	b := e.register("pdf@school.example")
	b.get("/tasks/"+id+"/pages/practitioner").post("/tasks/"+id+"/pages/practitioner", "name", "Sam “Quotes” Jones – SENCo", "phone", "01632960001", "action", "save")
	b.get("/tasks/" + id + "/pdf").status(200)
	text := pdfText(t, []byte(b.last))
	for _, want := range []string{"OFFICIAL-SENSITIVE", "Family check", "Aurora Boreo", "Required by", "08-Apr-2026", "Sam “Quotes” Jones – SENCo", "Page 1 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("the task PDF does not say %q:\n%s", want, text)
		}
	}
	e.register("nosy@school.example").get("/tasks/" + id + "/pdf").status(http.StatusNotFound)

	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/delegations/"+id+"/pdf", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("API PDF: %v %v", resp, err)
	}
	resp.Body.Close()

	r, refID := startConcern(t, e, "pdfref@example.org")
	r.get("/referrals/" + refID + "/pdf").status(200)
	if text := pdfText(t, []byte(r.last)); !strings.Contains(text, "Concern about a child") || !strings.Contains(text, "Draft, not yet submitted") {
		t.Fatalf("referral PDF:\n%s", text)
	}
}

func TestBlankFormPDFWithoutAnAccount(t *testing.T) {
	e := newEnv(t)
	b := e.browser().get("/referrals/new/concern?as=public").see("a blank copy of this form (PDF)")
	b.get("/forms/concern/blank.pdf").status(200)
	if text := pdfText(t, []byte(b.last)); !strings.Contains(text, "Only if") || !strings.Contains(text, "Describe the other concern") {
		t.Fatalf("blank PDF:\n%s", text)
	}
	b.get("/forms/nope/blank.pdf").status(http.StatusNotFound)
}
