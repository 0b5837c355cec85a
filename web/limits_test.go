package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/renderer"
	"formportal/store"
)

// chronology is the bundled Multi-Agency Chronology delegated, about a sibling group, to a professional
// who has just registered and is signed in.
type chronology struct {
	e        *env
	b        *browser
	task     string
	form     *engine.Form
	caseData any
	children []engine.Child
	key      string // the case system's API key that delegated it
}

func newChronology(t testing.TB, children int) *chronology {
	t.Helper()
	e, key := newDelegationEnv(t)
	return chronologyFor(t, e, key, children)
}

// chronologyFor delegates the chronology in e, with the API key.
func chronologyFor(t testing.TB, e *env, key string, children int) *chronology {
	t.Helper()
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	form := lib.Get("multi-agency-chronology")
	caseData := enginetest.CaseData(form, children)
	const email = "pro@school.example"
	code, out := e.api(key, "POST", "/delegations", map[string]any{"form": form.ID, "caseData": caseData,
		"professional": map[string]any{"email": email, "name": "Sam Jones"}})
	if code != http.StatusCreated {
		t.Fatalf("delegate the chronology: %d %v", code, out)
	}
	raw, _ := json.Marshal(caseData)
	var decoded any
	json.Unmarshal(raw, &decoded)
	return &chronology{e: e, b: e.register(email), task: out["id"].(string), form: form, caseData: decoded, children: form.Children(decoded), key: key}
}

func (c *chronology) page(section string) string { return "/tasks/" + c.task + "/pages/" + section }

// answers are valid answers to every question, with rows rows in the chronology and every child ticked.
func (c *chronology) answers(rows int) engine.Answers {
	return enginetest.Answers(c.form, c.caseData, rows, c.e.clock.Now())
}

// savedRows reads the chronology's rows back from the store.
func (c *chronology) savedRows(t testing.TB) []any {
	t.Helper()
	resp, err := c.e.store.Response(context.Background(), c.task)
	if err != nil {
		t.Fatal(err)
	}
	var a engine.Answers
	if err := json.Unmarshal(resp.Answers, &a); err != nil {
		t.Fatal(err)
	}
	rows, _ := a.Values["chronology_entries"].([]any)
	return rows
}

// formPart is one part of a multipart form post.
type formPart struct {
	name, value string
	file        bool
	filename    string
	content     io.Reader
}

// browserParts are the parts Chromium sends for the form page b shows, filled with these answers, in its
// order: the page's hidden inputs (the CSRF token first), then every control of the page in document
// order (empty text boxes too, only the ticked boxes, and for a file input with nothing chosen an empty
// file), and last the button pressed.
func browserParts(b *browser, s *engine.Section, values map[string]any, children []engine.Child, action string) []formPart {
	var out []formPart
	form := b.last[strings.Index(b.last, `id="app-form"`):]
	for _, m := range hiddenRE.FindAllStringSubmatch(form, -1) {
		out = append(out, formPart{name: m[1], value: html.UnescapeString(m[2])})
	}
	if len(out) == 0 || out[0].name != "csrf_token" {
		b.e.t.Fatalf("the form's first hidden input is not its CSRF token: %v", out)
	}
	for _, fd := range s.Fields {
		out = fieldParts(out, fd, values[fd.ID], fd.ID, children)
	}
	return append(out, formPart{name: "action", value: action})
}

func fieldParts(out []formPart, fd *engine.Field, v any, name string, children []engine.Child) []formPart {
	if !fd.Answerable() || fd.ReadOnly {
		return out
	}
	str := func(v any) string {
		switch x := v.(type) {
		case nil:
			return ""
		case string:
			return x
		}
		return fmt.Sprint(v)
	}
	switch fd.Type {
	case engine.TypeDate:
		day, month, year := "", "", ""
		if parts := strings.Split(str(v), "-"); len(parts) == 3 {
			year, month, day = parts[0], strings.TrimLeft(parts[1], "0"), strings.TrimLeft(parts[2], "0")
		}
		return append(out, formPart{name: name + ".day", value: day}, formPart{name: name + ".month", value: month}, formPart{name: name + ".year", value: year})
	case engine.TypeCheckboxes, engine.TypeChildren:
		ticked := map[string]bool{}
		for _, x := range engine.AnswerList(v) {
			ticked[x] = true
		}
		var choices []string
		for _, o := range fd.Options {
			choices = append(choices, o.Value)
		}
		if fd.Type == engine.TypeChildren {
			choices = nil
			for _, c := range children {
				choices = append(choices, c.ID)
			}
		}
		for _, c := range choices {
			if ticked[c] {
				out = append(out, formPart{name: name, value: c})
			}
		}
		return out
	case engine.TypeDeclaration:
		if engine.Ticked(v) {
			out = append(out, formPart{name: name, value: "yes"})
		}
		return out
	case engine.TypeRadios, engine.TypeYesNo:
		if str(v) != "" {
			out = append(out, formPart{name: name, value: str(v)})
		}
		return out
	case engine.TypeTable, engine.TypeList:
		// The rows, pasted into the table's paste box.
		rows, _ := v.([]any)
		text := ""
		if len(rows) > 0 {
			text = renderer.EncodePaste(fd, rows, children)
		}
		return append(out, formPart{name: renderer.PasteName(name), value: text})
	case engine.TypeAttachments:
		return append(out, formPart{name: name, file: true, content: strings.NewReader("")})
	}
	return append(out, formPart{name: name, value: str(v)})
}

// chromiumBoundary is the shape of the boundary Chromium chooses.
const chromiumBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

// multipartBodyOf writes parts as a browser does.
func multipartBodyOf(parts []formPart) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	mw.SetBoundary(chromiumBoundary)
	go func() {
		for _, p := range parts {
			if !p.file {
				if err := mw.WriteField(p.name, p.value); err != nil {
					pw.CloseWithError(err)
					return
				}
				continue
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", "application/octet-stream")
			w, err := mw.CreatePart(h)
			if err == nil {
				_, err = io.Copy(w, p.content)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	return pr, mw.FormDataContentType()
}

// postParts posts a multipart form, as the page would.
func (b *browser) postParts(path string, parts []formPart) *browser {
	b.e.t.Helper()
	body, ct := multipartBodyOf(parts)
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", b.e.srv.URL)
	return b.do(req)
}

func countParts(parts []formPart) (n int, valueBytes int64) {
	for _, p := range parts {
		n++
		valueBytes += int64(len(p.value))
	}
	return n, valueBytes
}

// A chronology at the form's own maximum of rows, about six children, pasted at once, saves from a
// browser's multipart post; so does any post up to the page's bound, and one part more is refused with a
// page that says so.
func TestChronologySavesAtMaxRowsAsABrowserPostsIt(t *testing.T) {
	c := newChronology(t, 6)
	section := c.form.Section("chronology")
	maxRows := *section.Field("chronology_entries").MaxRows
	answers := c.answers(maxRows)
	page := c.page("chronology")
	c.b.get(page).status(http.StatusOK)
	parts := browserParts(c.b, section, answers.Values, c.children, "save")
	n, size := countParts(parts)
	t.Logf("a browser's save of %d rows about %d children: %d parts, %d bytes of values", maxRows, len(c.children), n, size)
	c.b.postParts(page, parts).status(http.StatusOK).see("Your answers have been saved")
	rows := c.savedRows(t)
	if len(rows) != maxRows {
		t.Fatalf("saved %d rows, want %d", len(rows), maxRows)
	}
	if got := engine.AnswerList(rows[maxRows-1].(map[string]any)["children_concerned"]); len(got) != 6 {
		t.Fatalf("the last row is about %v, want all six children", got)
	}

	// Up to the page's bound is accepted; one part more is refused, and not as an expired page.
	lim := pageLimitsFor(section, c.children)
	t.Logf("the page's bound: %d parts, %d bytes of values, %d bytes in all", lim.parts, lim.valueBytes, lim.body)
	if n > lim.parts {
		t.Fatalf("a browser's post has %d parts, more than the page's bound %d", n, lim.parts)
	}
	c.b.get(page)
	delete(answers.Values, "chronology_entries") // the table is full: nothing more pasted
	parts = browserParts(c.b, section, answers.Values, c.children, "save")
	padded := append([]formPart{}, parts[:len(parts)-1]...)
	for len(padded) < lim.parts-1 {
		padded = append(padded, formPart{name: "idle_timeout", value: "1"})
	}
	padded = append(padded, parts[len(parts)-1])
	c.b.postParts(page, padded).status(http.StatusOK).see("Your answers have been saved")
	over := append(append([]formPart{}, padded[:len(padded)-1]...), formPart{name: "idle_timeout", value: "1"}, padded[len(padded)-1])
	c.b.postParts(page, over).status(http.StatusRequestEntityTooLarge).see("There is too much on this page to save")
	if strings.Contains(c.b.last, "expired") {
		t.Fatal("an over-limit post is reported as an expired page")
	}
	if rows := c.savedRows(t); len(rows) != maxRows {
		t.Fatalf("after the refused post the store holds %d rows, want %d", len(rows), maxRows)
	}
}

// The bytes of a page's answers are bounded by what its questions accept: at the bound it saves (with
// the page's own messages), one byte more is refused.
func TestPageValueBytesBounded(t *testing.T) {
	c := newChronology(t, 1)
	section := c.form.Section("practitioner")
	page := c.page("practitioner")
	lim := pageLimitsFor(section, c.children)
	c.b.get(page)
	parts := browserParts(c.b, section, c.answers(1).Values, c.children, "save")
	_, size := countParts(parts)
	i := slices.IndexFunc(parts, func(p formPart) bool { return p.name == "practitioner_name" })
	long := strings.Repeat("a", int(lim.valueBytes-size)+len(parts[i].value))
	parts[i].value = long
	c.b.postParts(page, parts).status(http.StatusOK).see("Name of practitioner must be 100 characters or fewer")
	c.b.get(page)
	parts = browserParts(c.b, section, c.answers(1).Values, c.children, "save")
	parts[i].value = long + "a"
	c.b.postParts(page, parts).status(http.StatusRequestEntityTooLarge).see("There is too much on this page to save")
}

// A post whose CSRF token is its first part passes the check however long the rest is, and one without
// a token still fails it.
func TestCSRFReadFromTheFirstPart(t *testing.T) {
	c := newChronology(t, 1)
	page := c.page("chronology")
	c.b.get(page)
	parts := browserParts(c.b, c.form.Section("chronology"), c.answers(10).Values, c.children, "save")
	c.b.postParts(page, parts[1:]).status(http.StatusForbidden).see("Your page has expired")
	parts[0].value = "forged"
	c.b.postParts(page, parts).status(http.StatusForbidden)
}

// Rows pasted beyond the table's own maxRows are not added: they stay in the paste box with the reason;
// and "Add a row" at the limit says so.
func TestPastedRowsHeldToMaxRows(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/chronology"
	b.get(page)
	var paste strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&paste, "%d/1/2026\tAurora\tEvent %d\n", i%28+1, i)
	}
	b.post(page, "events.paste", paste.String(), "action", "save").status(http.StatusUnprocessableEntity).
		see("3 rows added from your paste", "You can add up to 3 rows: the rows from line 1 on have not been added")
	saved := func() []any {
		resp, err := e.store.Response(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var a engine.Answers
		json.Unmarshal(resp.Answers, &a)
		rows, _ := a.Values["events"].([]any)
		return rows
	}
	if rows := saved(); len(rows) != 3 {
		t.Fatalf("a paste of 5000 rows saved %d rows, want the field's maxRows, 3", len(rows))
	}
	if !strings.Contains(b.last, "Event 4999") {
		t.Fatal("the rows not added are not kept in the paste box")
	}
	b.get(page)
	if len(b.last) > 200<<10 {
		t.Fatalf("the page is %d bytes", len(b.last))
	}
	b.post(page, "action", "add:events").status(http.StatusUnprocessableEntity).see("You can add up to 3")
	if rows := saved(); len(rows) != 3 {
		t.Fatalf("after Add a row at the limit: %d rows, want 3", len(rows))
	}
}

// zeros is n zero bytes, without holding them.
func zeros(n int64) io.Reader { return io.LimitReader(zeroReader{}, n) }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A file over its field's limit, even one over the whole request's limit, gets GOV.UK's message on the
// form page, with the answers typed beside it kept.
func TestUploadOverTheLimitKeepsTheOtherAnswers(t *testing.T) {
	c := newChronology(t, 1)
	section := c.form.Section("supporting_documentation")
	page := c.page("supporting_documentation")
	for _, size := range []int64{21 << 20, 70 << 20, 400 << 20} {
		t.Run(fmt.Sprintf("%dMB", size>>20), func(t *testing.T) {
			c.b.get(page)
			vals := map[string]any{"documents_description": fmt.Sprintf("School report, %d MB", size>>20)}
			parts := browserParts(c.b, section, vals, c.children, "upload:chronology_documents")
			for i := range parts {
				if parts[i].file {
					parts[i].filename = "report.pdf"
					parts[i].content = io.MultiReader(bytes.NewReader(testPDF), zeros(size))
				}
			}
			c.b.postParts(page, parts).status(http.StatusUnprocessableEntity).see("The selected file must be smaller than 20 MB")
			if strings.Contains(c.b.last, "expired") {
				t.Fatal("an over-limit upload is reported as an expired page")
			}
			if size < 100<<20 {
				// The description comes after the file: it was read, kept on the page and saved.
				c.b.see(vals["documents_description"].(string))
				resp, _ := c.e.store.Response(context.Background(), c.task)
				if !strings.Contains(string(resp.Answers), vals["documents_description"].(string)) {
					t.Fatalf("the description was not saved: %s", resp.Answers)
				}
			}
			if strings.Contains(c.b.last, "report.pdf") {
				t.Fatal("the file over the limit was stored")
			}
		})
	}
}

// A file chosen but not uploaded with its button goes up with Save, and a file name in any script is
// downloaded under that name, with an ASCII fallback for old clients.
func TestFileNamesInContentDisposition(t *testing.T) {
	c := newChronology(t, 1)
	section := c.form.Section("supporting_documentation")
	page := c.page("supporting_documentation")
	c.b.get(page)
	const name = "Rapport d’été – Zoë 学校.pdf"
	parts := browserParts(c.b, section, map[string]any{}, c.children, "save")
	for i := range parts {
		if parts[i].file {
			parts[i].filename, parts[i].content = name, bytes.NewReader(testPDF)
		}
	}
	c.b.postParts(page, parts).status(http.StatusOK).see(name)
	resp, _ := c.e.store.Response(context.Background(), c.task)
	var a engine.Answers
	json.Unmarshal(resp.Answers, &a)
	files, _ := a.Values["chronology_documents"].([]any)
	if len(files) != 1 {
		t.Fatalf("files saved: %v", files)
	}
	fileID := files[0].(map[string]any)["id"].(string)
	r, err := c.b.c.Get(c.e.srv.URL + "/tasks/" + c.task + "/files/" + fileID)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	cd := r.Header.Get("Content-Disposition")
	for _, ch := range cd {
		if ch > 126 || ch < 32 {
			t.Fatalf("Content-Disposition is not ASCII: %q", cd)
		}
	}
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "attachment" || params["filename"] != name {
		t.Fatalf("Content-Disposition %q: %s %v %v, want attachment named %q", cd, disp, params, err, name)
	}
	if !strings.Contains(cd, `filename="Rapport d_ete _ Zoe __.pdf"`) {
		t.Fatalf("Content-Disposition %q has no ASCII fallback", cd)
	}
}

// BenchmarkSaveChronologyMultipart is one save of the chronology's page at 1,000 rows about six children,
// posted as Chromium posts it (multipart/form-data, every control in page order): the rows are not
// posted, so the post is small whatever the table holds. Server and client in one process, so B/op and
// allocs/op count both.
//
//	go test ./web -run '^$' -bench SaveChronologyMultipart -benchmem
func BenchmarkSaveChronologyMultipart(b *testing.B) {
	c := newChronology(b, 6)
	section := c.form.Section("chronology")
	maxRows := *section.Field("chronology_entries").MaxRows
	c.seedDatedRows(b, maxRows)
	page := c.page("chronology")
	c.b.get(page)
	values := c.answers(0).Values
	delete(values, "chronology_entries")
	parts := browserParts(c.b, section, values, c.children, "save")
	body, ct := multipartBodyOf(parts)
	raw, err := io.ReadAll(body)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := countParts(parts)
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+page, bytes.NewReader(raw))
		req.Header.Set("Content-Type", ct)
		resp, err := c.b.c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("save: %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(n), "parts")
	b.ReportMetric(float64(len(raw)), "body-bytes")
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// The API takes case data only as its form's schema declares it: no property the schema does not name,
// so nothing nested deeper than the schema, and no more than a case needs; each refusal names the path.
func TestAPICaseDataBoundedByTheFormsSchema(t *testing.T) {
	e, key := newDelegationEnv(t)
	deep := any("bottom")
	for range 9990 { // JSON's own limit is 10,000 levels, the request's included
		deep = map[string]any{"a": deep}
	}
	for _, tc := range []struct {
		name string
		edit func(cd map[string]any)
		path string
	}{
		{"unknown property", func(cd map[string]any) { cd["extra"] = deep }, "caseData.extra"},
		{"unknown property of the sender", func(cd map[string]any) { cd["sender"].(map[string]any)["notes"] = deep }, "caseData.sender.notes"},
		{"unknown property of a child", func(cd map[string]any) { cd["children"].([]any)[1].(map[string]any)["notes"] = []any{deep} }, "caseData.children.1.notes"},
		{"an object for a string", func(cd map[string]any) { cd["familyName"] = deep }, "caseData.familyName"},
		{"too large", func(cd map[string]any) { cd["familyName"] = strings.Repeat("x", 70<<10) }, "caseData"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDelegation("pro@school.example")
			tc.edit(d["caseData"].(map[string]any))
			code, out := e.api(key, "POST", "/delegations", d)
			if code != http.StatusBadRequest {
				t.Fatalf("%d, want 400: %.300v", code, out)
			}
			errs, _ := out["errors"].([]any)
			for _, x := range errs {
				if m, _ := x.(map[string]any); m["path"] == tc.path {
					if len(fmt.Sprint(out)) > 4<<10 {
						t.Fatalf("the answer is %d bytes", len(fmt.Sprint(out)))
					}
					return
				}
			}
			t.Fatalf("no error at %s: %.500v", tc.path, out)
		})
	}
	if code, out := e.api(key, "POST", "/delegations", newDelegation("pro@school.example")); code != http.StatusCreated {
		t.Fatalf("valid case data: %d %v", code, out)
	}
}

// A draft's answers cannot grow past maxDraftBytes, however many posts make them: the save that would
// take them past it, posted as the browser posts the page (its hidden inputs, multipart), is refused with a GOV.UK error at the question, what was typed is on the page
// again, and the draft stays as stored.
func TestDraftCannotGrowWithoutEnd(t *testing.T) {
	c := newChronology(t, 3)
	long := func(ch string, n int) string { return strings.Repeat(ch, n) }
	row := func(day int) map[string]any {
		r := chronologyRow(day, long("e", 4000))
		r["impact"], r["outcome"] = long("i", 4000), long("o", 4000)
		return r
	}
	// 999 rows, each with an event far past its 4,000 characters (saved anyway, with its problem shown),
	// to 2,000 bytes from the bound.
	rows := make([]any, 999)
	for i := range rows {
		rows[i] = chronologyRow(i, long("e", maxDraftBytes/1000-1000))
	}
	stored := func() *store.Response {
		resp, err := c.e.store.Response(context.Background(), c.task)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	c.storeRows(t, rows)
	room := maxDraftBytes - len(stored().Answers)
	rows[0] = chronologyRow(0, long("e", maxDraftBytes/1000-1000+room-2000))
	c.storeRows(t, rows)
	c.b.get(c.page("chronology")).status(http.StatusOK) // opened: a change of its own
	before := stored()
	if room := maxDraftBytes - len(before.Answers); room < 1000 || room > 3000 {
		t.Fatalf("the draft is %d bytes: %d from the bound, not about 2,000", len(before.Answers), room)
	}

	// A new row, at its questions' longest.
	newRow := c.page("chronology") + "?field=chronology_entries&row=new"
	c.b.get(newRow).status(http.StatusOK)
	var fields []string
	for name, vs := range renderer.EncodeRow(c.form.Field("chronology_entries"), row(5)) {
		for _, v := range vs {
			fields = append(fields, name, v)
		}
	}
	c.b.postHiddenParts(newRow, append(fields, "action", "save-row")...).status(http.StatusUnprocessableEntity).
		see("There is a problem", "The answers to this form are too long to save: together they can be at most 32 MB")
	if !strings.Contains(c.b.last, long("i", 4000)) {
		t.Fatal("the row typed is not on the page again")
	}
	// The page's own answer, as long as it may be.
	c.b.get(c.page("chronology")).status(http.StatusOK)
	c.b.postHiddenParts(c.page("chronology"), "agency_currently_involved", "yes", "involvement_summary", long("s", 4000), "action", "save").
		status(http.StatusUnprocessableEntity).see("There is a problem", "Shorten this answer or remove some rows")
	if !strings.Contains(c.b.last, long("s", 4000)) {
		t.Fatal("the summary typed is not on the page again")
	}
	if after := stored(); after.Version != before.Version || !bytes.Equal(after.Answers, before.Answers) {
		t.Fatal("a save past the bound changed the draft")
	}
}
