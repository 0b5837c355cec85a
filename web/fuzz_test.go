package web

// Fuzz tests of what people send the portal: the posts of every form page and uploaded files (the back
// office's JSON is fuzzed in package api). Each sets up one portal (outside f.Fuzz) and calls it in-process, so an
// execution costs a request, not a server:
//
//	go test ./web -run '^$' -fuzz FuzzFormPosts -fuzztime 30s
//	go test ./web -run '^$' -fuzz FuzzUploads -fuzztime 30s

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"formportal/store"
)

// fuzzPortal is a portal with a professional signed in, who has a delegated task and a referral draft.
type fuzzPortal struct {
	e              *env
	d              *direct
	log            *logBuffer
	task, referral string
	taskPages      []string
	referralPages  []string
	initial        map[string]*store.Response
}

func (l *logBuffer) Reset() {
	l.mu.Lock()
	l.buf.Reset()
	l.mu.Unlock()
}

func newFuzzPortal(f *testing.F) *fuzzPortal {
	f.Helper()
	e, key := newDelegationEnv(f)
	p := &fuzzPortal{e: e, log: e.captureLog(), initial: map[string]*store.Response{}}
	const email = "fuzz@school.example"
	p.task = e.delegate(key, email)
	b := e.register(email)
	b.get("/referrals/new/concern?as=public").post("/referrals/new/concern?as=public")
	m := regexp.MustCompile(`/referrals/([0-9a-f]+)/pages/`).FindStringSubmatch(b.last)
	if m == nil {
		f.Fatalf("no referral draft:\n%s", htmlText(b.last))
	}
	p.referral = m[1]
	b.get("/tasks/" + p.task + "/pages/practitioner").status(200) // opened: sent becomes opened once
	p.d = newDirect(e.app, "http://portal.test")
	p.d.cookies["session"] = b.sessionCookie().Value
	p.d.header.Set("X-CSRF-Token", b.csrf()) // a valid token on every request
	for _, page := range []string{"practitioner", "chronology", "health/c1", "health/c2", "documents"} {
		p.taskPages = append(p.taskPages, "/tasks/"+p.task+"/pages/"+page)
	}
	for _, page := range []string{"overview", "you", "concern", "declaration"} {
		p.referralPages = append(p.referralPages, "/referrals/"+p.referral+"/pages/"+page)
	}
	for _, id := range []string{p.task, p.referral} {
		resp, err := e.store.Response(context.Background(), id)
		if err != nil {
			f.Fatal(err)
		}
		p.initial[id] = resp
	}
	for _, page := range append(append([]string{}, p.taskPages...), p.referralPages...) {
		if rec := p.d.do(http.MethodGet, page, "", nil); rec.Code != http.StatusOK {
			f.Fatalf("GET %s: %d", page, rec.Code)
		}
	}
	return p
}

// reset puts the task and the referral back as they were, so every execution starts alike.
func (p *fuzzPortal) reset(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for id, first := range p.initial {
		resp, err := p.e.store.Response(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Answers, resp.Status = first.Answers, first.Status
		if resp.Status == store.StatusSent {
			resp.Status = store.StatusOpened
		}
		if err := p.e.store.UpdateResponse(ctx, resp, nil); err != nil {
			t.Fatal(err)
		}
	}
	p.log.Reset()
}

const fuzzBoundary = "FuzzBoundary7MA4YWxk"

// fuzzContentTypes are the ways a body is sent.
var fuzzContentTypes = []string{
	"application/x-www-form-urlencoded",
	"multipart/form-data; boundary=" + fuzzBoundary,
	"",
	"text/plain",
}

// multipartBody builds a multipart body with the fuzz boundary: fields, then files as name=filename=content.
func multipartBody(fields []string, files ...[3]string) []byte {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary(fuzzBoundary)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f[0], f[1])
		w.Write([]byte(f[2]))
	}
	mw.Close()
	return buf.Bytes()
}

func FuzzFormPosts(f *testing.F) {
	p := newFuzzPortal(f)
	urlencoded := func(page uint8, fields ...string) {
		v := url.Values{}
		for i := 0; i+1 < len(fields); i += 2 {
			v.Add(fields[i], fields[i+1])
		}
		f.Add(page, uint8(0), []byte(v.Encode()))
	}
	// Task pages 0-4, referral pages 5-8.
	urlencoded(0, "name", "Sam Jones", "phone", "01632960001", "email", "sam@school.example", "action", "save")
	urlencoded(0, "name", strings.Repeat("x", 61), "phone", "01632 960001", "family_name", "Hacked", "action", "next")
	urlencoded(1, "events.rows", "2", "events[0].date.day", "3", "events[0].date.month", "2", "events[0].date.year", "2026",
		"events[0].about", "c1", "events[0].about", "c2", "events[0].event", "Home visit", "events[0].hours", "4",
		"events[1].date.day", "31", "events[1].date.month", "2", "events[1].date.year", "2026", "events[1].about", "c9", "action", "add:events")
	urlencoded(1, "events.rows", "3", "action", "remove:events:1")
	urlencoded(1, "events.rows", "1", "events[0].hours", "1e309", "action", "remove:events:99")
	urlencoded(1, "events.rows", "5000", "action", "goto:health/c1")
	urlencoded(2, "registered_gp", "yes", "gp_name", "Cowley Road Surgery", "last_check.day", "1", "last_check.month", "13", "last_check.year", "2025",
		"next_check.day", "1", "next_check.month", "1", "next_check.year", "2020", "action", "next")
	urlencoded(3, "registered_gp", "maybe", "action", "submit")
	urlencoded(4, "action", "remove-file:files:nope")
	urlencoded(4, "action", "upload:files")
	urlencoded(5, "action", "next")
	urlencoded(6, "your_name", "Rose Berry", "postcode", "OX1 1NE", "reporter_type", "professional", "organisation", "x", "action", "save")
	urlencoded(7, "categories", "neglect", "categories", "other", "categories", "physical", "categories", "emotional", "other_detail", "Left alone",
		"children_count", "NaN", "risk", "high", "household.rows", "2", "household[0].name", "Alex", "household[1].dob.day", "x", "action", "add:household")
	urlencoded(7, "household.rows", "3", "household[2].name", "Three", "action", "previous")
	urlencoded(8, "agree", "yes", "action", "submit")
	urlencoded(8, "action", "close")
	urlencoded(8, "action", "goto:../../tasks")
	f.Add(uint8(4), uint8(1), multipartBody([]string{"action", "upload:files"}, [3]string{"files", "report.pdf", string(testPDF)}))
	f.Add(uint8(7), uint8(1), multipartBody([]string{"action", "save", "categories", "neglect"}, [3]string{"documents", "a.csv", "a,b\n1,2\n"}))
	f.Add(uint8(0), uint8(1), []byte("--"+fuzzBoundary+"\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--"+fuzzBoundary))
	f.Add(uint8(0), uint8(0), []byte("%zz=%&&==&name=%00%ff"))
	f.Add(uint8(1), uint8(2), []byte("events.rows=1"))
	f.Add(uint8(6), uint8(3), []byte("your_name=x"))

	f.Fuzz(func(t *testing.T, page, kind uint8, body []byte) {
		p.reset(t)
		pages := append(append([]string{}, p.taskPages...), p.referralPages...)
		target := pages[int(page)%len(pages)]
		ct := fuzzContentTypes[int(kind)%len(fuzzContentTypes)]
		rec := p.d.do(http.MethodPost, target, ct, body)
		switch rec.Code {
		case http.StatusOK, http.StatusSeeOther, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity,
			http.StatusBadRequest: // a body that cannot be parsed
		default:
			t.Fatalf("POST %s (%s): status %d\nbody: %q\nlog: %s", target, ct, rec.Code, body, p.log.String())
		}
		// Whatever was saved, the form still renders: the page, and every page at once (print), and the
		// check before submitting, which validates every answer.
		base := "/tasks/" + p.task
		if strings.HasPrefix(target, "/referrals/") {
			base = "/referrals/" + p.referral
		}
		for _, pg := range []string{target, base + "/print", base + "/submit", "/tasks/" + p.task + "/pages/practitioner"} {
			if rec := p.d.do(http.MethodGet, pg, "", nil); rec.Code != http.StatusOK {
				t.Fatalf("after POST %s (%s) %q: GET %s is %d\nlog: %s", target, ct, body, pg, rec.Code, p.log.String())
			}
		}
	})
}

// acceptedKinds are what the "files" field of the family form accepts.
var acceptedKinds = map[string]bool{"pdf": true, "word": true, "image": true}

func FuzzUploads(f *testing.F) {
	p := newFuzzPortal(f)
	page := "/tasks/" + p.task + "/pages/documents"
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + strings.Repeat("\x00", 16)
	f.Add(testPDF, "report.pdf")
	f.Add([]byte(png), "photo.png")
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "photo.jpg")
	f.Add([]byte("GIF89a\x01\x00\x01\x00"), "a.gif")
	f.Add(zipOf("[Content_Types].xml", "word/document.xml"), "letter.docx")
	f.Add(zipOf("[Content_Types].xml", "xl/workbook.xml"), "budget.pdf")
	f.Add([]byte("{\\rtf1\\ansi hello}"), "letter.rtf")
	f.Add([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 512)), "old.doc")
	f.Add([]byte("a,b\n1,2\n"), "figures.csv")
	f.Add([]byte("MZ\x90\x00"), "tool.exe")
	f.Add([]byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "x.png")
	f.Add([]byte("<html><script>alert(1)</script>"), "x.pdf")
	f.Add(testPDF, "../../../etc/passwd")
	f.Add(testPDF, "a\r\nb\"c<d>.pdf")
	f.Add(testPDF, strings.Repeat("é", 70)+".pdf")
	f.Add(testPDF, "")
	f.Add([]byte{}, "empty.pdf")

	f.Fuzz(func(t *testing.T, content []byte, name string) {
		p.reset(t)
		body := multipartBody([]string{"action", "upload:files"}, [3]string{"files", name, string(content)})
		rec := p.d.do(http.MethodPost, page, "multipart/form-data; boundary="+fuzzBoundary, body)
		switch {
		case rec.Code == http.StatusOK, rec.Code == http.StatusUnprocessableEntity, rec.Code == http.StatusRequestEntityTooLarge:
		case rec.Code == http.StatusBadRequest && strings.ContainsFunc(name, unicode.IsControl):
			// A control character in the part's header is a malformed body (a browser never sends one).
		default:
			t.Fatalf("upload of %q (%d bytes): status %d\nlog: %s", name, len(content), rec.Code, p.log.String())
		}
		resp, err := p.e.store.Response(context.Background(), p.task)
		if err != nil {
			t.Fatal(err)
		}
		var ans struct {
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal(resp.Answers, &ans); err != nil {
			t.Fatal(err)
		}
		files, _ := ans.Values["files"].([]any)
		if rec.Code != http.StatusOK && len(files) > 0 {
			t.Fatalf("a refused upload (%d) was kept: %v", rec.Code, files)
		}
		for _, it := range files {
			m, _ := it.(map[string]any)
			id, _ := m["id"].(string)
			kind, _ := m["kind"].(string)
			if !acceptedKinds[kind] {
				t.Fatalf("%q accepted as kind %q", name, kind)
			}
			att, err := p.e.store.Attachment(context.Background(), id)
			if err != nil {
				t.Fatalf("the listed file %s is not stored: %v", id, err)
			}
			// The stored type agrees with the content, and is one of the kind's types.
			mt := mimetype.Detect(att.Content)
			ok := false
			for _, want := range kindMediaTypes[kind] {
				ok = ok || mt.Is(want)
			}
			if !ok || !bytes.Equal(att.Content, content) {
				t.Fatalf("%q accepted as %s but its content is %s", name, kind, mt)
			}
			// The name is safe to show and to put in a header.
			if !utf8.ValidString(att.Name) || strings.ContainsAny(att.Name, "\x00\r\n\"/\\<>") || len(att.Name) > 120 || att.Name == "" {
				t.Fatalf("%q stored with the name %q", name, att.Name)
			}
			dl := p.d.do(http.MethodGet, "/tasks/"+p.task+"/files/"+id, "", nil)
			if dl.Code != http.StatusOK || !strings.HasPrefix(dl.Header().Get("Content-Disposition"), "attachment; filename=") ||
				dl.Header().Get("Content-Type") != att.MediaType || !bytes.Equal(dl.Body.Bytes(), content) {
				t.Fatalf("download of %q: %d %v", name, dl.Code, dl.Header())
			}
		}
		if rec := p.d.do(http.MethodGet, page, "", nil); rec.Code != http.StatusOK {
			t.Fatalf("after uploading %q the page is %d\nlog: %s", name, rec.Code, p.log.String())
		}
	})
}
