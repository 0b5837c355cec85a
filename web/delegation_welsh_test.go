package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// englishDelegation are the Delegation Portal's own English texts, beside englishChrome: none may be left
// on its pages in Welsh. (The fixture form family-check has no Welsh: its own texts stay English and are
// not in this list.)
var englishDelegation = []string{
	"Currently Assigned Tasks", "Recently Retracted Tasks", "Recently Submitted Tasks", "The following forms have been delegated",
	"Form Type", "Due Date", "Comments", "Re-Assign", "Overdue", "sibling", "No due date", "DOB:", "Required By", "Sent By",
	"Automatic reply", "Out of Office", "Edit Automatic Reply",
	"No rows added yet", "Add a row", "Add another", "Paste rows", "from a spreadsheet", "Save and return", "Save and add another",
	"Row 1", "has been saved", "has been removed", "Remove", "Showing rows", "Actions", "Pages of",
	"Day", "Month", "Year", "For example", "Select all that apply", "Choose an option",
	"Choose a file to upload", "Upload file", "You can upload", "Spreadsheets cannot be uploaded", "The selected file",
	"The file has been uploaded", "Select a file to upload",
	"Submit contribution", "When you submit", "Contribution submitted", "Back to your tasks",
	"Back to the form", "OFFICIAL-SENSITIVE", "Reference:",
	"Re-assign a task", "Pass this task", "Colleague", "Reason for re-assigning", "Enter your colleague", "Enter the reason",
	"Task re-assigned", "The task has been passed",
	"Start date", "End date", "Message", "On now", "Edit", "Add an automatic reply", "Enter a message", "must be a real date",
	"The end date", "Your automatic reply has been saved",
	"Page not found", "If you typed the web address", "This portal is built", "The council uses", "Drafts you save",
	"You have ", "words remaining", "too many",
}

// familyCheckTexts are the fixture form's own texts that read like the service's: the form's, so
// English on its Welsh pages too.
var familyCheckTexts = []string{">Email address<"}

// inWelshDelegation is inWelsh with the Delegation Portal's own texts too.
func inWelshDelegation(t *testing.T, b *browser, page string) {
	t.Helper()
	body := b.last
	for _, own := range familyCheckTexts {
		body = strings.ReplaceAll(body, own, "><")
	}
	without := *b
	without.last = body
	inWelsh(t, &without, page)
	if i, j := strings.Index(body, `<nav class="app-language-switch"`), strings.Index(body, "</nav>"); i >= 0 && j > i {
		body = body[:i] + body[j:]
	}
	text := htmlText(body)
	for _, s := range englishDelegation {
		if strings.Contains(text, s) {
			t.Errorf("%s: English %q left on the Welsh page:\n%s", page, s, text)
		}
	}
	// A text asked for by an id that is in no catalogue shows as the id itself.
	if m := regexp.MustCompile(`\b(tasks|reassign|autoreply|table|rowpage|field|upload|print|errorpage|static|date)\.[a-z_]+\b`).FindString(text); m != "" {
		t.Errorf("%s: a catalogue id %q shows on the page", page, m)
	}
}

// TestDelegationPortalInWelsh walks a professional's delegated task in Welsh: the tasks list, the task's
// pages with its header, a table's rows added, saved and removed on their own pages, an upload refused
// and taken, the submit page with its problems and the confirmation, the print view, re-assigning and
// automatic replies with their errors, and the pages that are not forms. Every page says lang="cy" and
// shows none of the service's English texts.
func TestDelegationPortalInWelsh(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	b.get("/tasks?lang=cy").see("Tasgau sydd wedi’u neilltuo ar hyn o bryd", "Aurora Boreo ac 1 brawd neu chwaer", "8 Ebrill 2026",
		"Math o ffurflen", "Ailneilltuo")
	inWelshDelegation(t, b, "tasks")

	page := "/tasks/" + id + "/pages/"
	b.get("/tasks/"+id).see("Dyddiad geni: 1 Ionawr 2016", "Angen erbyn", "Anfonwyd gan", "Nyree Ellison-Anjos")
	inWelshDelegation(t, b, "first page")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632 9600", "action", "save").status(http.StatusOK).see("Mae problem wedi codi")
	inWelshDelegation(t, b, "first page with a problem")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "next").see("Dim rhesi wedi’u hychwanegu eto",
		"Gludo rhesi o daenlen", "Ychwanegu rhes")
	inWelshDelegation(t, b, "empty table")

	b.post(page+"chronology", "action", "add:events").see("Ychwanegu rhes", "Diwrnod", "Cadw a dychwelyd", "Cadw ac ychwanegu rhes arall")
	inWelshDelegation(t, b, "row page")
	rowPage := page + "chronology?field=events&row=new"
	b.post(rowPage, "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.about", "c1",
		"row.event", "Home visit", "action", "save-row").see("Wedi cadw: Rhes 1", "Home visit", "Newid", "Dileu", "Ychwanegu rhes arall")
	inWelshDelegation(t, b, "table with a row")
	b.post(page+"chronology", "action", "add:events")
	b.post(rowPage, "row.date.day", "31", "row.date.month", "2", "row.date.year", "2026", "row.event", "", "action", "save-row").
		status(http.StatusUnprocessableEntity).see("Mae problem wedi codi")
	inWelshDelegation(t, b, "row page with problems")
	b.get(page + "chronology")
	// What the script's live region says of a row closed in place without saving, in Welsh too.
	if !strings.Contains(b.last, `data-row-status data-unchanged="Ni newidiwyd dim"`) {
		t.Error("the table's live region does not carry its Welsh for a row left unchanged")
	}
	b.post(page+"chronology", "action", b.removeAction("events", 1)).see("Wedi dileu: Rhes 2")
	inWelshDelegation(t, b, "row removed")
	b.post(page+"chronology", "action", "paste:events", "events.paste", "5/2/2026\tOrion Boreo\tPhone call\t1").see("Wedi ychwanegu 1 rhes")
	inWelshDelegation(t, b, "row pasted")

	b.get(page+"documents").see("Gallwch lanlwytho PDF, dogfen Word neu delwedd (JPEG, PNG neu GIF), hyd at 1 MB yr un",
		"Dewiswch ffeil i’w lanlwytho", "Lanlwytho ffeil")
	inWelshDelegation(t, b, "documents")
	b.upload(page+"documents", "files", "letter.pdf", []byte("This is a letter, not a PDF.\n"), "action", "upload:files").
		status(http.StatusUnprocessableEntity).see("Rhaid i’r ffeil a ddewiswyd fod yn un o’r rhain: PDF, dogfen Word neu delwedd (JPEG, PNG neu GIF)")
	inWelshDelegation(t, b, "upload refused")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	b.upload(page+"documents", "files", "report.pdf", pdf, "action", "upload:files").see("Mae’r ffeil wedi’i lanlwytho", "report.pdf")
	inWelshDelegation(t, b, "uploaded")

	b.get("/tasks/" + id + "/submit").see("Ni allwch gyflwyno eto")
	inWelshDelegation(t, b, "submit with problems")
	b.get("/tasks/"+id+"/print").see("Yn ôl i’r ffurflen", "SWYDDOGOL-SENSITIF", "Home visit")
	inWelshDelegation(t, b, "print view")

	b.get("/tasks/"+id+"/reassign").see("Ailneilltuo tasg", "Enw llawn eich cydweithiwr")
	inWelshDelegation(t, b, "re-assign")
	b.post("/tasks/"+id+"/reassign", "name", "", "email", "pro@school.example", "reason", "").status(http.StatusUnprocessableEntity).
		see("Rhowch enw llawn eich cydweithiwr", "Rhowch gyfeiriad e-bost cydweithiwr, nid eich un chi", "Rhowch y rheswm dros ailneilltuo’r dasg")
	inWelshDelegation(t, b, "re-assign with errors")

	b.get("/auto-replies").see("Atebion awtomatig", "Nid oes gennych unrhyw atebion awtomatig")
	inWelshDelegation(t, b, "automatic replies")
	b.get("/auto-replies/new").see("Ychwanegu ateb awtomatig", "Dyddiad dechrau", "Blwyddyn")
	inWelshDelegation(t, b, "new automatic reply")
	b.post("/auto-replies/new", "start.day", "31", "start.month", "2", "start.year", "2026", "end.day", "", "end.month", "", "end.year", "",
		"message", "").status(http.StatusUnprocessableEntity).
		see("Rhaid i’r dyddiad dechrau fod yn ddyddiad go iawn", "Rhowch y dyddiad gorffen", "Rhowch neges")
	inWelshDelegation(t, b, "automatic reply with errors")
	b.post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026", "end.day", "10", "end.month", "3", "end.year", "2026",
		"message", "Rydw i allan o’r swyddfa").see("Mae eich ateb awtomatig wedi’i gadw", "Ymlaen nawr", "1 Mawrth 2026")
	inWelshDelegation(t, b, "automatic reply saved")
	b.get("/tasks").see("Ateb awtomatig ymlaen", "Golygu’r Ateb Awtomatig")
	inWelshDelegation(t, b, "tasks with an automatic reply")

	// Filled in and submitted, in Welsh.
	b.post(page+"health/c1", "registered_gp", "no", "action", "next")
	b.post(page+"health/c2", "registered_gp", "no", "action", "next")
	b.get("/tasks/"+id+"/submit").see("Cyflwyno cyfraniad", "Pan fyddwch yn cyflwyno")
	inWelshDelegation(t, b, "submit")
	b.post("/tasks/"+id+"/submit").see("Cyfraniad wedi’i gyflwyno", "FP-", "Yn ôl i’ch tasgau")
	inWelshDelegation(t, b, "submitted")
	b.get("/tasks").see("Tasgau a gyflwynwyd yn ddiweddar")
	inWelshDelegation(t, b, "tasks after submitting")

	for path, want := range map[string]string{"/accessibility": "Datganiad hygyrchedd", "/privacy": "Hysbysiad preifatrwydd",
		"/tasks/nope": "Heb ddod o hyd i’r dudalen"} {
		b.get(path).see(want)
		inWelshDelegation(t, b, path)
	}
	// A page whose form has expired (no CSRF token) says so in Welsh.
	b.postRaw("/auto-replies/new", url.Values{"message": {"x"}}, nil).status(http.StatusForbidden).see("Mae eich tudalen wedi dod i ben")
	inWelshDelegation(t, b, "expired page")
	// A professional who registers from the email's link meets the breadcrumbs first.
	newcomer := e.browser().get("/register?lang=cy").see("Hafan")
	if strings.Contains(newcomer.last, ">Home<") || strings.Contains(newcomer.last, `aria-label="Breadcrumb"`) {
		t.Error("the Welsh registration page's breadcrumbs are in English")
	}
}
