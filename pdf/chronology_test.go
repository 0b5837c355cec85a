package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A merged chronology prints as a tagged table of its own over as many pages as it needs: the title an
// H1, every row's cells read with the column headers, nothing of a long table lost.
func TestRenderTableTagged(t *testing.T) {
	requireTools(t)
	d := TableDocument{Title: "Multi-Agency Chronology: merged", Header: []HeaderLine{{"Child or family", "Aurora Boreo and 1 sibling"}},
		Caption: "Merged chronology", Heads: []string{"Date", "Agency", "Event or incident"}, NoWrap: []bool{true, false, false},
		Marking: "OFFICIAL-SENSITIVE"}
	for i := range 300 {
		d.Rows = append(d.Rows, []string{"3 February 2026", "Elm Surgery", "Missed appointment number " + itoa(i)})
	}
	var buf bytes.Buffer
	res, err := RenderTable(&buf, d)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages < 3 {
		t.Fatalf("300 rows on %d pages", res.Pages)
	}
	path := filepath.Join(t.TempDir(), "merged.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := checkTagged(t, path, d.Title, "en")
	var h1, th, td int
	tg.root.walk(func(e *elem) {
		switch e.role {
		case "H1":
			h1++
		case "TH":
			th++
		case "TD":
			td++
		}
	})
	// The header block is a table too: one TH and one TD a line.
	if h1 != 1 || th != 3+1 || td != 300*3+1 {
		t.Fatalf("tags: %d H1, %d TH, %d TD", h1, th, td)
	}
	text := pdftotext(t, path)
	for _, want := range []string{"Multi-Agency Chronology: merged", "Missed appointment number 0", "Missed appointment number 299", "Merged chronology (continued)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q", want)
		}
	}
	if _, err := RenderTable(&buf, TableDocument{Title: "x"}); err == nil {
		t.Fatal("a table with no columns was rendered")
	}
}
