package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/pdf"
)

// BenchmarkChronologyPDF compares the portal's own PDF of a 500-row chronology across three siblings (a
// tagged PDF with a bookmark per section) with Chromium printing the same answers' print page to a tagged
// PDF with an outline, in the same run:
//
//	go test ./e2e -run '^$' -bench ChronologyPDF -benchtime 5x
func BenchmarkChronologyPDF(b *testing.B) {
	p := startPortal(b)
	lib, err := forms.Load()
	if err != nil {
		b.Fatal(err)
	}
	form := lib.Get("multi-agency-chronology")
	caseData := enginetest.CaseData(form, 3)
	answers := enginetest.Answers(form, caseData, 500, time.Now())
	code, out := p.api("POST", "/delegations", map[string]any{"form": form.ID, "caseData": caseData,
		"professional": map[string]any{"email": "bench@school.example", "name": "Bench"}})
	if code != 201 {
		b.Fatalf("create: %d %v", code, out)
	}
	id := out["id"].(string)
	resp, err := p.store.Response(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	resp.Answers, _ = json.Marshal(answers)
	if err := p.store.UpdateResponse(context.Background(), resp, nil); err != nil {
		b.Fatal(err)
	}

	b.Run("gopdf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pdf.Render(io.Discard, pdf.Document{Form: form, CaseData: caseData, Answers: answers, Marking: "OFFICIAL-SENSITIVE", Today: time.Now()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chromium-print", func(b *testing.B) {
		br := p.browser()
		br.Visit("/login")
		p.smtp.WaitFor(b, "bench@school.example", 10*time.Second) // the delegation email
		p.register(br, "Bench", "Mark", "bench@school.example")
		b.ResetTimer()
		for b.Loop() {
			if err := chromedp.Do(br.Context(), chromedp.Navigate(p.url+"/tasks/"+id+"/print")); err != nil {
				b.Fatal(err)
			}
			tagged := true
			res, err := chromedp.Call(br.Context(), page.PrintToPDF, page.PrintToPDFParams{GenerateTaggedPDF: &tagged, GenerateDocumentOutline: &tagged})
			if err != nil || !bytes.HasPrefix(res.Data, []byte("%PDF")) {
				b.Fatalf("print to PDF: %v", err)
			}
		}
	})
}
