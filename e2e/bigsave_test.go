package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/internal/browsertest"
)

// bigChronology delegates the Multi-Agency Chronology about six children to a professional who registers
// in the browser, and seeds its draft through the store with the form's maximum of rows, each about every
// child: building 1,000 rows by hand in a browser would take an hour.
func bigChronology(t *testing.T, p *portal, b *browsertest.Browser, email string) (task string, rows int) {
	t.Helper()
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("multi-agency-chronology")
	caseData := enginetest.CaseData(form, 6)
	code, out := p.api("POST", "/delegations", map[string]any{"form": form.ID, "caseData": caseData, "dueDate": "2026-12-08",
		"professional": map[string]any{"email": email, "name": "Sam Jones"}})
	if code != 201 {
		t.Fatalf("delegate: %d %v", code, out)
	}
	task = out["id"].(string)
	p.emailLink(b, email)
	p.register(b, "Sam", "Jones", email)

	for _, fd := range form.Section("chronology").Fields {
		if fd.ID == "chronology_entries" {
			rows = *fd.MaxRows
		}
	}
	answers := enginetest.Answers(form, caseData, rows, time.Now())
	ctx := context.Background()
	resp, err := p.store.Response(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	var draft engine.Answers
	json.Unmarshal(resp.Answers, &draft)
	draft.Values["chronology_entries"] = answers.Values["chronology_entries"]
	draft.Values["agency_currently_involved"] = "yes"
	if resp.Answers, err = json.Marshal(draft); err != nil {
		t.Fatal(err)
	}
	if err := p.store.UpdateResponse(ctx, resp, nil); err != nil {
		t.Fatal(err)
	}
	return task, rows
}

// savedChronology reads the task's chronology back from the store.
func savedChronology(t testing.TB, p *portal, task string) engine.Answers {
	t.Helper()
	resp, err := p.store.Response(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	var a engine.Answers
	if err := json.Unmarshal(resp.Answers, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A chronology at its maximum of rows about six children: its last row changed (in place with
// JavaScript, on its own page without) and the page saved; the last row's change is kept. A file chosen and not uploaded goes up with
// Save, and one over the limit is refused with GOV.UK's message while the description typed is kept.
func TestSaveAtTheFormsMaximumInTheBrowser(t *testing.T) {
	// 8 minutes a page: axe reads a page of 13,000 inputs.
	withAndWithoutJavaScript(t, 8*time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		email := "sam.jones@school.example"
		task, rows := bigChronology(t, p, b, email)

		b.Visit("/tasks/" + task + "/pages/chronology")
		b.MustSee("Showing rows 1 to 50 of " + strconv.Itoa(rows))
		b.ClickButton("Page " + strconv.Itoa(rows/50))
		b.MustSee("Showing rows " + strconv.Itoa(rows-49) + " to " + strconv.Itoa(rows))
		b.ClickButton("Change Row " + strconv.Itoa(rows))
		b.WaitToSee("Save and return")
		b.Fill("Event or incident", "The last entry, changed in the browser")
		b.ClickButton("Save and return")
		b.WaitToSee("Row " + strconv.Itoa(rows) + " has been saved")
		b.MustSee("The last entry, changed in the browser")
		b.ClickButton("Save")
		b.MustSee("Your answers have been saved")
		b.MustNotSee("Your page has expired")
		a := savedChronology(t, p, task)
		list, _ := a.Values["chronology_entries"].([]any)
		if len(list) != rows {
			t.Fatalf("saved %d rows, want %d", len(list), rows)
		}
		last := list[rows-1].(map[string]any)
		if last["event"] != "The last entry, changed in the browser" || len(engine.AnswerList(last["children_concerned"])) != 6 {
			t.Fatalf("the last row saved as %v", last)
		}

		// Without JavaScript, a file chosen but not uploaded goes up with Save; with it, choosing the
		// file uploads it at once.
		b.Visit("/tasks/" + task + "/pages/supporting_documentation")
		if js {
			chooseFile(t, b, "Choose a file to upload", writeFile(t, "Rapport d’été.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")))
			b.MustSee("The file has been uploaded")
		} else {
			b.Upload("Choose a file to upload", writeFile(t, "Rapport d’été.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")))
		}
		b.Fill("Description of the documents", "The school's report")
		b.ClickButton("Save")
		b.MustSee("Rapport d’été.pdf")
		// One over the field's limit: the message, and the description typed beside it kept.
		big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0}, 21<<20)...)
		if js {
			chooseFile(t, b, "Choose a file to upload", writeFile(t, "scan.pdf", big))
			b.MustSee("The selected file must be smaller than 20 MB")
			b.Fill("Description of the documents", "The school's report and a scan")
			b.ClickButton("Save")
		} else {
			b.Upload("Choose a file to upload", writeFile(t, "scan.pdf", big))
			b.Fill("Description of the documents", "The school's report and a scan")
			b.ClickButton("Save")
			b.MustSee("The selected file must be smaller than 20 MB")
		}
		b.MustNotSee("Your page has expired")
		if got := b.Value("Description of the documents"); got != "The school's report and a scan" {
			t.Fatalf("the description after the refused file: %q", got)
		}
		a = savedChronology(t, p, task)
		if files, _ := a.Values["chronology_documents"].([]any); len(files) != 1 || a.Values["documents_description"] != "The school's report and a scan" {
			t.Fatalf("saved files %v and description %q", files, a.Values["documents_description"])
		}
	})
}
