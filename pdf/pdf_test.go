package pdf

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/guidance"
)

// The tests read every PDF back with pdftotext -layout and check it with qpdf --check (poppler-utils and
// qpdf, installed by .ci/deps). Without them the tests fail: a PDF nobody has read back is not tested.

var today = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const (
	marking = "OFFICIAL-SENSITIVE"
	// What people paste from Word.
	wordPunctuation = "“quotes” ‘single’ – en dash — em dash … ellipsis • bullet, café, naïve, £ sign"
)

func requireTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "qpdf", "pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (poppler-utils and qpdf; run .ci/deps): %v", tool, err)
		}
	}
}

func loadForms(t testing.TB) *forms.Library {
	t.Helper()
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// output is a rendered document read back.
type output struct {
	res   Result
	text  string   // pdftotext -layout
	words []string // the text's words, page furniture (marking, page numbers) left out
	all   []string // every word of the text
}

var pageNumberLine = regexp.MustCompile(`^(Page \d+ of \d+|Tudalen \d+ o \d+)$`) // English or Welsh (words.go)

// render renders the document, checks the file with qpdf and pdfinfo, and reads its text back.
func render(t *testing.T, d Document) output {
	t.Helper()
	requireTools(t)
	var buf bytes.Buffer
	res, err := Render(&buf, d)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	path := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	check, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || !strings.Contains(string(check), "No syntax or stream encoding errors found") {
		t.Fatalf("qpdf --check: %v\n%s", err, check)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^Title:\s+` + regexp.QuoteMeta(d.Form.Title) + `$`),
		regexp.MustCompile(`(?m)^Creator:\s+formportal$`),
		regexp.MustCompile(`(?m)^Pages:\s+` + strconv.Itoa(res.Pages) + `$`),
		regexp.MustCompile(`(?m)^Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)$`),
	} {
		if !want.Match(info) {
			t.Errorf("pdfinfo does not match %s:\n%s", want, info)
		}
	}
	txt, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	o := output{res: res, text: norm.NFC.String(string(txt))}
	for line := range strings.SplitSeq(o.text, "\n") {
		ws := words(line)
		o.all = append(o.all, ws...)
		trimmed := strings.Join(ws, " ")
		if trimmed == d.Marking || pageNumberLine.MatchString(trimmed) {
			continue
		}
		o.words = append(o.words, ws...)
	}
	if res.Pages < 1 {
		t.Fatalf("Result.Pages = %d", res.Pages)
	}
	// Every page has its number and the marking at its top and bottom.
	pages := strings.Count(o.text, "\f")
	if pages != res.Pages {
		t.Errorf("pdftotext found %d pages, Result.Pages = %d", pages, res.Pages)
	}
	for p := 1; p <= res.Pages; p++ {
		if page := fmt.Sprintf(wordsFor(d.Form.Lang()).page, p, res.Pages); !strings.Contains(o.text, page) {
			t.Errorf("no %q", page)
		}
	}
	if d.Marking != "" {
		for i, page := range strings.Split(strings.TrimSuffix(o.text, "\f"), "\f") {
			lines := nonEmptyLines(page)
			if len(lines) < 3 || lines[0] != d.Marking || lines[len(lines)-1] != d.Marking {
				t.Errorf("page %d does not start and end with the marking %q: %q ... %q", i+1, d.Marking, first(lines), last(lines))
			}
		}
	}
	return o
}

func nonEmptyLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

func last(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

// words splits text into words the way the comparison sees them: composed Unicode, any white space
// (including no-break spaces) between words.
func words(s string) []string {
	s = norm.NFC.String(s)
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\u00a0' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
	})
}

// expectation is what a document must hold, in order: groups of cells. A group of one cell is text read
// top to bottom: its words must appear together, in order (wrapping only changes where lines break, and
// page furniture is left out). A group of several cells is a table row, whose cells pdftotext -layout
// interleaves line by line: each cell's words must appear in order, after the previous group.
type expectation struct {
	groups [][][]string
	names  []string    // what each group is, for messages
	w      *fixedWords // the document's fixed words, in its language
}

func (e *expectation) text(name, s string) {
	if ws := words(s); len(ws) > 0 {
		e.groups = append(e.groups, [][]string{ws})
		e.names = append(e.names, name)
	}
}

func (e *expectation) row(name string, cells []string) {
	var g [][]string
	for _, c := range cells {
		if ws := words(c); len(ws) > 0 {
			g = append(g, ws)
		}
	}
	if len(g) > 0 {
		e.groups = append(e.groups, g)
		e.names = append(e.names, name)
	}
}

// all returns every expected word, in order, for checking what must be absent.
func (e *expectation) all() []string {
	var out []string
	for _, g := range e.groups {
		for _, c := range g {
			out = append(out, c...)
		}
	}
	return out
}

// check finds every group in order in the words read back.
func (e *expectation) check(t *testing.T, got []string) {
	t.Helper()
	pos := 0
	for i, g := range e.groups {
		if len(g) == 1 {
			at := indexSeq(got, g[0], pos)
			if at < 0 {
				t.Fatalf("%s not found in order after word %d (%q):\nwant %q\ncontext: %q", e.names[i], pos,
					around(got, pos), strings.Join(g[0], " "), around(got, pos+20))
			}
			pos = at + len(g[0])
			continue
		}
		end := pos
		for _, cell := range g {
			after, ok := subsequence(got, cell, pos)
			if !ok {
				t.Fatalf("%s: cell not found in order after word %d (%q):\nwant %q", e.names[i], pos, around(got, pos), strings.Join(cell, " "))
			}
			end = max(end, after)
		}
		pos = end
	}
}

func around(ws []string, i int) string {
	lo, hi := max(0, i-8), min(len(ws), i+8)
	return strings.Join(ws[lo:hi], " ")
}

// indexSeq returns where seq first appears whole in ws at or after from, or -1.
func indexSeq(ws, seq []string, from int) int {
	for i := from; i+len(seq) <= len(ws); i++ {
		if ws[i] == seq[0] && slices.Equal(ws[i:i+len(seq)], seq) {
			return i
		}
	}
	return -1
}

// subsequence finds seq's words in order (not necessarily together) in ws from from, returning the index
// after the last.
func subsequence(ws, seq []string, from int) (int, bool) {
	i := from
	for _, w := range seq {
		for i < len(ws) && ws[i] != w {
			i++
		}
		if i == len(ws) {
			return 0, false
		}
		i++
	}
	return i, true
}

// --- answers with long text and pasted Word punctuation ---------------------------------------------------

var sentences = []string{
	"The practitioner visited the family at home and spoke with both parents in the kitchen.",
	"The children were seen together and then on their own; they said they felt safe but tired.",
	"School reported that attendance has dropped to 82% this term, with several late arrivals.",
	"Mum said money has been “really tight” since the benefits changed – she is behind with the rent.",
	"The health visitor has arranged a follow-up appointment for the youngest child next month.",
	"Dad was not at home; he works nights and was asleep upstairs, according to mum.",
	"The house was warm and tidy, although there was little food in the fridge or cupboards.",
}

// marker makes a word unique to one answer, so the test can tell answers apart.
type markers struct{ n int }

func (m *markers) next() string {
	m.n++
	return fmt.Sprintf("Q%05dx", m.n)
}

// shortText is a one-line answer with the marker and Word punctuation, within maxLength.
func shortText(marker string, maxLen *int) string {
	s := marker + " " + wordPunctuation
	if maxLen != nil {
		s = truncateWords(s, *maxLen)
	}
	return s
}

// longText is several paragraphs, as long as the field allows (8,000 characters when it does not say).
func longText(marker string, maxLen *int) string {
	limit := 8000
	if maxLen != nil {
		limit = *maxLen
	}
	var b strings.Builder
	b.WriteString(marker + " " + wordPunctuation + ".")
	for p := 1; ; p++ {
		var para strings.Builder
		fmt.Fprintf(&para, "\n\nParagraph %d of the answer %s.", p, marker)
		for s := range 6 {
			para.WriteString(" " + sentences[(p+s)%len(sentences)])
		}
		if len([]rune(b.String()))+len([]rune(para.String())) > limit {
			break
		}
		b.WriteString(para.String())
	}
	return b.String()
}

func truncateWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > 0 {
		cut = cut[:i]
	}
	return cut
}

// rewrite replaces every free-text answer (text and textarea, outside patterns and read-only fields) with
// long text or Word punctuation, recording each field's marker by field path.
type rewriter struct {
	m       markers
	long    func(fd *engine.Field, row int) bool // whether a textarea gets long text
	markers map[string]string                    // "field" or "table[row].column" (per child: "c1/field") → marker
}

func (w *rewriter) text(fd *engine.Field, path string, row int) (string, bool) {
	if fd.Pattern != "" || fd.ReadOnly {
		return "", false
	}
	mk := w.m.next()
	w.markers[path] = mk
	switch fd.Type {
	case engine.TypeText:
		return shortText(mk, fd.MaxLength), true
	case engine.TypeTextarea:
		if w.long(fd, row) {
			return longText(mk, fd.MaxLength), true
		}
		return truncateWords(mk+" "+wordPunctuation+". "+sentences[row%len(sentences)]+" "+sentences[(row+3)%len(sentences)], maxOr(fd.MaxLength, 1000)), true
	}
	return "", false
}

func maxOr(p *int, def int) int {
	if p != nil {
		return *p
	}
	return def
}

func (w *rewriter) fields(fields []*engine.Field, values map[string]any, prefix string) {
	for _, fd := range fields {
		v, ok := values[fd.ID]
		if !ok {
			continue
		}
		if fd.Container() {
			rows, _ := v.([]any)
			for i, it := range rows {
				row, _ := it.(map[string]any)
				for _, col := range fd.Children() {
					if _, ok := row[col.ID]; !ok {
						continue
					}
					if s, ok := w.text(col, fmt.Sprintf("%s%s[%d].%s", prefix, fd.ID, i, col.ID), i); ok {
						row[col.ID] = s
					}
				}
			}
			continue
		}
		if s, ok := w.text(fd, prefix+fd.ID, 0); ok {
			values[fd.ID] = s
		}
	}
}

func rewriteAnswers(form *engine.Form, a engine.Answers, long func(*engine.Field, int) bool) map[string]string {
	w := &rewriter{long: long, markers: map[string]string{}}
	for _, s := range form.Sections {
		if !s.PerChild {
			w.fields(s.Fields, a.Values, "")
			continue
		}
		for id, vals := range a.Children {
			w.fields(s.Fields, vals, id+"/")
		}
	}
	return w.markers
}

// answered builds what an answered document must hold, from the submission, and the markers and labels
// of hidden questions that it must not.
func answeredExpectation(d Document, res engine.Result, children []engine.Child) (*expectation, []engine.Field) {
	e := &expectation{w: wordsFor(d.Form.Lang())}
	e.text("title", d.Form.Title)
	for _, h := range d.Header {
		e.row("header "+h.Label, []string{h.Label, h.Value})
	}
	var hidden []engine.Field
	for _, sr := range res.Sections {
		if !sr.Visible {
			continue
		}
		s := d.Form.Section(sr.Section)
		title, values := s.Title, res.Submission.Values
		if sr.Child != "" {
			title = sr.Title // "Health: Aurora Boreo", or a repeated section's own: "About Amy Smith"
			values = res.Submission.Children[sr.Child]
		}
		e.text("section "+title, title)
		for _, fd := range s.Fields {
			if slices.Contains(sr.Hidden, fd.ID) {
				hidden = append(hidden, *fd)
				continue
			}
			expectField(e, withStatement(d.Form, fd, res.Submission, sr.Child, children), values[fd.ID], children)
		}
	}
	return e, hidden
}

// withStatement is a declaration with its text as the PDF shows it: the person's answers (or the
// questions' labels) in place of its {id}s. Other fields are returned as they are.
func withStatement(form *engine.Form, fd *engine.Field, a engine.Answers, child string, children []engine.Child) *engine.Field {
	if fd.Type != engine.TypeDeclaration {
		return fd
	}
	c := *fd
	c.Text = form.Statement(fd, a, child, children)
	return &c
}

func expectContent(e *expectation, fd *engine.Field) {
	e.text(fd.ID+" heading", fd.Heading)
	if fd.Style == engine.StyleDetails {
		e.text(fd.ID+" summary", fd.Summary)
	}
	if fd.Style == engine.StyleWarning {
		e.text(fd.ID+" warning", e.w.warning+":")
	}
	var blocks func([]guidance.Block)
	blocks = func(bs []guidance.Block) {
		for _, b := range bs {
			e.text(fd.ID+" text", guidance.PlainText(b.Spans))
			for _, it := range b.Items {
				blocks(it.Blocks)
			}
		}
	}
	blocks(guidance.Parse(fd.Text))
}

func expectField(e *expectation, fd *engine.Field, v any, children []engine.Child) {
	switch fd.Type {
	case engine.TypeContent:
		expectContent(e, fd)
		return
	case engine.TypeTable:
		e.text(fd.ID+" label", fd.Label)
		rows, _ := v.([]any)
		if len(rows) == 0 {
			e.text(fd.ID+" answer", e.w.notAnswered)
			return
		}
		var heads []string
		for _, c := range fd.Columns {
			heads = append(heads, c.Label)
		}
		e.row(fd.ID+" header row", heads)
		for i, it := range rows {
			row := it.(map[string]any)
			var cells []string
			for _, c := range fd.Columns {
				cells = append(cells, strings.Join(c.FormatAnswer(row[c.ID], children), "\n"))
			}
			e.row(fmt.Sprintf("%s row %d", fd.ID, i+1), cells)
		}
		return
	case engine.TypeList:
		e.text(fd.ID+" label", fd.Label)
		items, _ := v.([]any)
		if len(items) == 0 {
			e.text(fd.ID+" answer", e.w.notAnswered)
			return
		}
		for i, it := range items {
			item := it.(map[string]any)
			e.text(fmt.Sprintf("%s item %d", fd.ID, i+1), fmt.Sprintf("%s %d", fd.ItemLabel, i+1))
			for _, f := range fd.Fields {
				val, ok := item[f.ID]
				if !ok && f.ShowWhen != nil {
					continue
				}
				expectField(e, f, val, children)
			}
		}
		return
	}
	e.text(fd.ID+" label", fd.Label)
	if fd.Type == engine.TypeDeclaration {
		e.text(fd.ID+" declaration", fd.Text)
	}
	lines := fd.FormatAnswer(v, children)
	if len(lines) == 0 {
		e.text(fd.ID+" answer", e.w.notAnswered)
	}
	for _, l := range lines {
		e.text(fd.ID+" answer", l)
	}
}

// absent checks that hidden questions left no trace: neither their answers (by marker) nor their labels
// (when the label is not also a visible text).
func absent(t *testing.T, o output, e *expectation, hidden []engine.Field, markers map[string]string, prefix string) {
	t.Helper()
	visible := e.all()
	for _, fd := range hidden {
		if mk, ok := markers[prefix+fd.ID]; ok && slices.Contains(o.all, mk) {
			t.Errorf("the answer to hidden question %s (%s) is in the PDF", fd.ID, mk)
		}
		for _, s := range []string{fd.Label, fd.Heading} {
			ws := words(s)
			if len(ws) == 0 || indexSeq(visible, ws, 0) >= 0 {
				continue
			}
			if indexSeq(o.all, ws, 0) >= 0 {
				t.Errorf("hidden question %s (%q) is in the PDF", fd.ID, s)
			}
		}
	}
}

func header(form *engine.Form) []HeaderLine {
	return []HeaderLine{
		{"Child or family", "Aurora, Orion and Lyra Boreo"},
		{"Form", form.Title},
		{"Due by", "16 March 2026"},
		{"Sent by", "Sam Jones, Children’s Services – Family Support Team, 41 Test Street, Testertown"},
		{"Submitted by", "Alex Smith on 2 March 2026 at 14:05"},
		{"Reference", "REF-2026-000123"},
	}
}

// --- answered forms -----------------------------------------------------------------------------------

// TestAnsweredForms prints every bundled form answered, in English and in Welsh (the 500-row chronology
// in English only, to keep the test quick).
func TestAnsweredForms(t *testing.T) {
	lib := loadForms(t)
	for form, lang := range formsInEachLanguage(lib) {
		big := form.ID == "multi-agency-chronology" && lang == "en"
		t.Run(form.ID+"/"+lang, func(t *testing.T) {
			caseData := enginetest.CaseData(form, 3)
			rows := 3
			long := func(*engine.Field, int) bool { return true }
			if big {
				rows = 500
				// Most rows have a few lines; every hundredth has an event too long for a whole page.
				long = func(fd *engine.Field, row int) bool { return fd.Parent() == nil || row%100 == 7 && fd.ID == "event" }
			}
			answers := enginetest.Answers(form, caseData, rows, today)
			if form.ID == "multi-agency-chronology" {
				chronologyChildren(answers)
			}
			markers := rewriteAnswers(form, answers, long)
			res := form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
			if !res.Valid() {
				t.Fatalf("the test's answers do not validate: %v", res.Errors[:min(5, len(res.Errors))])
			}
			d := Document{Form: form, CaseData: caseData, Answers: answers, Header: header(form), Marking: marking, Today: today}
			o := render(t, d)
			children := form.Children(caseData)
			e, hidden := answeredExpectation(d, res, children)
			e.check(t, o.words)
			absent(t, o, e, hidden, markers, "")
			if len(o.res.Replaced) != 0 {
				t.Errorf("Replaced = %q, want none: the font covers Word punctuation", o.res.Replaced)
			}
			for _, w := range words(wordPunctuation) {
				if !slices.Contains(o.all, w) {
					t.Errorf("%q is not in the PDF", w)
				}
			}
			// Every long answer runs over more than a page: a page break falls between its first and last
			// words. (Forms whose answers are all limited to fewer characters than a page holds have
			// none; the chronology's long cells are checked below.)
			spanning := 0
			for path, mk := range markers {
				if strings.Contains(path, "[") {
					continue
				}
				fd := form.Field(path)
				if fd == nil || fd.Type != engine.TypeTextarea || maxOr(fd.MaxLength, 8000) < 8000 {
					continue
				}
				if !spansPages(o.text, mk) {
					t.Errorf("the long answer to %s does not continue over pages", path)
				}
				spanning++
			}
			if spanning == 0 && hasPageLongTextarea(form) {
				t.Errorf("no answer long enough to continue over pages")
			}
			if big {
				if got := strings.Count(o.text, "Chronology of service involvement (continued)"); got < 20 {
					t.Errorf("the chronology continues on %d pages, want many", got)
				}
				// A row taller than a page is split, and the header row is repeated above its continuation.
				mk := markers["chronology_entries[7].event"]
				if !spansPages(o.text, mk) {
					t.Errorf("the event of row 8 (taller than a page) is not split over pages")
				}
			}
			t.Logf("%d pages", o.res.Pages)
		})
	}
}

// chronologyChildren makes the chronology's rows about different children of the three.
func chronologyChildren(a engine.Answers) {
	rows := a.Values["chronology_entries"].([]any)
	sets := [][]any{{"c1"}, {"c2", "c3"}, {"c1", "c2", "c3"}, {"c3"}}
	for i, r := range rows {
		r.(map[string]any)["children_concerned"] = sets[i%len(sets)]
	}
}

// spansPages reports whether the paragraph run that starts with marker and ends with its last "Paragraph"
// crosses a page break.
func spansPages(text, marker string) bool {
	start := strings.Index(text, marker)
	if start < 0 {
		return false
	}
	end := strings.LastIndex(text, "answer "+marker)
	return end > start && strings.Contains(text[start:end], "\f")
}

// --- blank forms ----------------------------------------------------------------------------------------

// formsInEachLanguage yields every bundled form in English and in each language it is offered in.
func formsInEachLanguage(lib *forms.Library) iter.Seq2[*engine.Form, string] {
	return func(yield func(*engine.Form, string) bool) {
		for _, form := range lib.All() {
			for _, lang := range form.Languages {
				if !yield(form.In(lang), lang) {
					return
				}
			}
			if len(form.Languages) == 0 && !yield(form, "en") {
				return
			}
		}
	}
}

func TestBlankForms(t *testing.T) {
	lib := loadForms(t)
	for form, lang := range formsInEachLanguage(lib) {
		t.Run(form.ID+"/"+lang, func(t *testing.T) {
			d := Document{Form: form, Blank: true, Header: header(form)[:3], Marking: marking, Today: today}
			o := render(t, d)
			e := blankExpectation(form, d.Sections, d.Header)
			e.check(t, o.words)
			if !strings.Contains(o.text, "☐") {
				t.Errorf("no boxes to tick")
			}
		})
	}
}

func blankExpectation(form *engine.Form, sections []string, head []HeaderLine) *expectation {
	e := &expectation{w: wordsFor(form.Lang())}
	e.text("title", form.Title)
	for _, h := range head {
		e.row("header "+h.Label, []string{h.Label, h.Value})
	}
	e.text("required note", e.w.requiredNote)
	for _, s := range form.Sections {
		if len(sections) > 0 && !slices.Contains(sections, s.ID) {
			continue
		}
		title := s.Title
		if s.PerChild {
			title += e.w.perChild
		}
		if list := s.RepeatList(); list != nil {
			title = fmt.Sprintf(e.w.repeatEach, title, list.RowNoun())
		}
		e.text("section "+s.ID, title)
		if s.ShowWhen != nil {
			e.text("section condition", fmt.Sprintf(e.w.onlyIf, s.ShowWhen.Describe()))
		}
		e.text("section description", s.Description)
		for _, fd := range s.Fields {
			expectBlank(e, withStatement(form, fd, engine.Answers{}, "", nil))
		}
	}
	return e
}

func blankLabel(fd *engine.Field) string {
	if fd.Required {
		return fd.Label + " *"
	}
	return fd.Label
}

func expectBlank(e *expectation, fd *engine.Field) {
	if fd.Type == engine.TypeContent {
		if fd.ShowWhen != nil {
			e.text(fd.ID+" heading", fd.Heading)
			e.text(fd.ID+" condition", fmt.Sprintf(e.w.onlyIf, fd.ShowWhen.Describe()))
			fd = &engine.Field{ID: fd.ID, Text: fd.Text}
		}
		expectContent(e, fd)
		return
	}
	e.text(fd.ID+" label", blankLabel(fd))
	e.text(fd.ID+" hint", fd.Hint)
	if fd.ShowWhen != nil {
		e.text(fd.ID+" condition", fmt.Sprintf(e.w.onlyIf, fd.ShowWhen.Describe()))
	}
	if fd.NotInFuture {
		e.text(fd.ID+" constraint", e.w.notInFuture)
	}
	if fd.NotInPast {
		e.text(fd.ID+" constraint", e.w.notInPast)
	}
	if fd.MaxLength != nil && fd.MinLength == nil && (fd.Type == engine.TypeText || fd.Type == engine.TypeTextarea) {
		e.text(fd.ID+" constraint", fmt.Sprintf(e.w.upToChars, strconv.Itoa(*fd.MaxLength)))
	}
	switch fd.Type {
	case engine.TypeRadios, engine.TypeSelect, engine.TypeCheckboxes:
		for _, o := range fd.Options {
			e.text(fd.ID+" option", "☐ "+o.Label)
			e.text(fd.ID+" option hint", o.Hint)
		}
	case engine.TypeYesNo:
		e.text(fd.ID+" yes", "☐ "+e.w.yes)
		e.text(fd.ID+" no", "☐ "+e.w.no)
	case engine.TypeDeclaration:
		e.text(fd.ID+" declaration", "☐ "+fd.Text)
	case engine.TypeDate:
		e.text(fd.ID+" date", e.w.day+" "+e.w.month+" "+e.w.year)
	case engine.TypeTable:
		var heads []string
		for _, c := range fd.Columns {
			heads = append(heads, blankLabel(c))
		}
		e.row(fd.ID+" header row", heads)
		for _, c := range fd.Columns {
			if c.Hint != "" {
				e.text(c.ID+" column", c.Label)
				e.text(c.ID+" column hint", c.Hint)
			}
		}
	case engine.TypeList:
		e.text(fd.ID+" item", fmt.Sprintf(e.w.repeatEach, fd.ItemLabel, strings.ToLower(fd.ItemLabel)))
		for _, f := range fd.Fields {
			expectBlank(e, f)
		}
	}
}

// --- per-child sections, delegations ------------------------------------------------------------------

const perChildForm = `
id: health-check
title: Sibling health check
version: 1
kind: delegation
audience: [professional]
scope: family
caseData:
  type: object
  required: [children]
  properties:
    children:
      type: array
      minItems: 1
      items:
        type: object
        required: [id, name]
        properties:
          id: { type: string }
          name: { type: string }
          dob: { type: string, format: date }
sections:
  - id: you
    title: Your details
    delegable: true
    fields:
      - { id: your_name, type: text, label: Your name, required: true, maxLength: 100 }
  - id: health
    title: Health
    perChild: true
    delegable: true
    fields:
      - { id: child_name, type: text, label: Name, prefill: child.name, readOnly: true }
      - { id: gp_registered, type: yesno, label: "Is the child registered with a GP?", required: true }
      - id: gp_practice
        type: textarea
        label: Name and address of the GP practice
        required: true
        maxLength: 500
        showWhen: { field: gp_registered, equals: "yes" }
      - id: no_gp_reason
        type: textarea
        label: Why is the child not registered?
        maxLength: 500
        showWhen: { field: gp_registered, equals: "no" }
      - id: appointments
        type: table
        label: Appointments
        maxRows: 10
        columns:
          - { id: date, type: date, label: Date, required: true, notInFuture: true }
          - { id: what, type: text, label: What, required: true, maxLength: 200 }
      - { id: checked_on, type: date, label: Date checked, notInFuture: true }
`

func loadPerChildForm(t testing.TB) *engine.Form {
	t.Helper()
	form, diags := engine.Load("health-check.yaml", []byte(perChildForm))
	if diags.HasErrors() || form == nil {
		t.Fatalf("test form: %v", diags)
	}
	return form
}

func TestPerChildSections(t *testing.T) {
	form := loadPerChildForm(t)
	caseData := enginetest.CaseData(form, 3)
	answers := enginetest.Answers(form, caseData, 2, today)
	answers.Children["c2"]["gp_registered"] = "no" // Orion's GP question hides the practice, shows the reason
	markers := rewriteAnswers(form, answers, func(*engine.Field, int) bool { return false })
	res := form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
	if !res.Valid() {
		t.Fatalf("the test's answers do not validate: %v", res.Errors)
	}
	d := Document{Form: form, CaseData: caseData, Answers: answers, Marking: marking, Today: today}
	o := render(t, d)
	e, _ := answeredExpectation(d, res, form.Children(caseData))
	e.check(t, o.words)
	for _, name := range []string{"Health: Aurora Boreo", "Health: Orion Boreo", "Health: Lyra Boreo"} {
		if !strings.Contains(o.text, name) {
			t.Errorf("no section headed %q", name)
		}
	}
	if !slices.Contains(o.all, markers["c1/gp_practice"]) || slices.Contains(o.all, markers["c2/gp_practice"]) {
		t.Errorf("Aurora's GP practice must be shown and Orion's (hidden) must not")
	}
	if slices.Contains(o.all, markers["c1/no_gp_reason"]) || !slices.Contains(o.all, markers["c2/no_gp_reason"]) {
		t.Errorf("Orion's reason must be shown and Aurora's (hidden) must not")
	}

	// Blank: the per-child section once, saying it repeats.
	b := render(t, Document{Form: form, Blank: true, Marking: marking})
	blankExpectation(form, nil, nil).check(t, b.words)
	if n := strings.Count(b.text, "Health (repeated for each child)"); n != 1 {
		t.Errorf("the per-child section appears %d times in the blank form, want once", n)
	}
}

func TestDelegatedSections(t *testing.T) {
	form := loadForms(t).Get("care-plan-part-1")
	caseData := enginetest.CaseData(form, 1)
	answers := enginetest.Answers(form, caseData, 2, today)
	sections := []string{"health", "education"}
	for _, blank := range []bool{false, true} {
		d := Document{Form: form, CaseData: caseData, Answers: answers, Sections: sections, Blank: blank, Today: today}
		o := render(t, d)
		if blank {
			blankExpectation(form, sections, nil).check(t, o.words)
		} else {
			res := form.Validate(caseData, answers, engine.ValidateOptions{Sections: sections, Today: today})
			e, _ := answeredExpectation(d, res, nil)
			e.check(t, o.words)
		}
		for _, s := range form.Sections {
			if slices.Contains(sections, s.ID) {
				continue
			}
			if indexSeq(o.all, words(s.Title), 0) >= 0 && s.Title != "Health" {
				t.Errorf("blank=%v: section %q was not delegated but is in the PDF", blank, s.Title)
			}
		}
		if strings.Contains(o.text, marking) {
			t.Errorf("a document without a marking has one")
		}
	}
}

// --- characters outside the font ----------------------------------------------------------------------

func TestCharactersOutsideTheFont(t *testing.T) {
	const thumbsUp, han, zi = '\U0001F44D', '漢', '字'
	for _, f := range []*face{regularFace, boldFace} {
		if err := f.load(); err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, c := range []rune{thumbsUp, han, zi} {
			if g, err := f.font.GlyphIndex(&buf, c); err != nil || g != 0 {
				t.Fatalf("the test needs %U to be missing from %s", c, f.name)
			}
		}
	}
	form := loadForms(t).Get("safeguarding-concern")
	caseData := enginetest.CaseData(form, 1)
	answers := enginetest.Answers(form, caseData, 1, today)
	answers.Values["child_other_names"] = "Known as 漢字 at school 👍 and “Rory” – 😀 ok"
	d := Document{Form: form, CaseData: caseData, Answers: answers, Today: today, Marking: marking,
		Header: []HeaderLine{{"Child", "Zoë 字"}}}
	o := render(t, d)
	// 😀 is in DejaVu, but beyond the Basic Multilingual Plane, which gopdf's ToUnicode map cannot name.
	if want := []rune{zi, han, thumbsUp, '😀'}; !slices.Equal(o.res.Replaced, want) {
		t.Errorf("Replaced = %q, want %q", o.res.Replaced, want)
	}
	for _, want := range []string{"Zoë �", "Known as �� at school � and “Rory” – � ok"} {
		if indexSeq(o.words, words(want), 0) < 0 {
			t.Errorf("%q is not in the PDF:\n%s", want, o.text[:min(len(o.text), 3000)])
		}
	}
}

// --- units ----------------------------------------------------------------------------------------------

// The widths wrap measures with are the widths gopdf draws with.
func TestWidthsMatchGopdf(t *testing.T) {
	r, err := newRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []style{stBody, stLabel, stCell, stTitle} {
		for _, s := range []string{"Hello, world", wordPunctuation, "Ärger über Öl – 100 £", "WWW iii ☐"} {
			r.setStyle(st)
			want, err := r.pdf.MeasureTextWidth(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := faceOf(st).measure(s, st.size); got != want {
				t.Errorf("%v %q: measured %v, gopdf %v", st, s, got, want)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	r, err := newRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	text := r.clean(longText("Q1x", nil)+"\nSupercalifragilisticexpialidocious-and-then-some-more-without-spaces-at-all", stBody)
	const width = 120.0
	lines := r.wrap(text, stBody, width)
	for _, l := range lines {
		if w := faceOf(stBody).measure(l, stBody.size); w > width {
			t.Errorf("line %q is %v wide, more than %v", l, w, width)
		}
	}
	if got, want := strings.Join(words(strings.Join(lines, " ")), ""), strings.Join(words(text), ""); got != want {
		t.Errorf("wrapping lost or changed text")
	}
	if len(lines) < 20 {
		t.Errorf("%d lines, want many", len(lines))
	}
	if r.wrap("", stBody, width)[0] != "" {
		t.Errorf("empty text should be one empty line")
	}
}

func TestNoForm(t *testing.T) {
	if _, err := Render(io.Discard, Document{}); err == nil {
		t.Errorf("Render without a form: no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWriteError(t *testing.T) {
	form := loadForms(t).Get("multi-agency-chronology")
	if _, err := Render(failingWriter{}, Document{Form: form, Blank: true}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Render to a failing writer: %v", err)
	}
}

// --- benchmark ------------------------------------------------------------------------------------------

// BenchmarkChronology500Rows renders a Multi-Agency Chronology with 500 rows across three siblings: tagged,
// as Render makes every PDF, and untagged, as before PDFs were tagged, for what tagging costs in the same
// run. It reports the PDF's size, and the processor time a render takes (cpu-ns/op, all the process's
// threads, as the kernel counts it), which other work on a busy machine disturbs less than the time
// that passes (ns/op).
func BenchmarkChronology500Rows(b *testing.B) {
	form := loadForms(b).Get("multi-agency-chronology")
	caseData := enginetest.CaseData(form, 3)
	answers := enginetest.Answers(form, caseData, 500, today)
	chronologyChildren(answers)
	d := Document{Form: form, CaseData: caseData, Answers: answers, Header: header(form), Marking: marking, Today: today}
	for _, tag := range []bool{false, true} {
		name := "untagged"
		if tag {
			name = "tagged"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var pages int
			var size countingWriter
			cpu := cpuTime(b)
			for b.Loop() {
				size = 0
				res, err := renderPDF(&size, d, tag)
				if err != nil {
					b.Fatal(err)
				}
				pages = res.Pages
			}
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(pages), "pages")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// cpuTime is the processor time the process has used, user and system, in nanoseconds.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// Every stream but the XMP metadata (left readable, as PDF/A and PDF/UA readers expect) is compressed:
// gopdf writes the PDF uncompressed and finish compresses it.
func TestStreamsCompressed(t *testing.T) {
	form := loadForms(t).Get("early-help-request")
	var buf bytes.Buffer
	if _, err := Render(&buf, Document{Form: form, Blank: true, Marking: marking}); err != nil {
		t.Fatal(err)
	}
	streams := bytes.Count(buf.Bytes(), []byte("endstream"))
	metadata := bytes.Count(buf.Bytes(), []byte("/Type /Metadata /Subtype /XML"))
	if filtered := bytes.Count(buf.Bytes(), []byte("/Filter /FlateDecode")); streams == 0 || metadata != 1 || filtered != streams-1 {
		t.Errorf("%d of %d streams compressed, %d metadata streams", filtered, streams, metadata)
	}
	if _, err := recompress([]byte("%PDF-1.7\nnot what gopdf writes"), nil); err == nil {
		t.Errorf("recompress accepted something gopdf does not write")
	}
}

// Documents render at the same time without getting in each other's way.
func TestConcurrentRenders(t *testing.T) {
	lib := loadForms(t)
	var want [][]byte
	for _, form := range lib.All() {
		var buf bytes.Buffer
		if _, err := Render(&buf, Document{Form: form, Blank: true}); err != nil {
			t.Fatal(err)
		}
		want = append(want, buf.Bytes())
	}
	done := make(chan error)
	for range 3 {
		for i, form := range lib.All() {
			go func() {
				var buf bytes.Buffer
				_, err := Render(&buf, Document{Form: form, Blank: true})
				if err == nil && !bytes.Equal(buf.Bytes(), want[i]) {
					err = fmt.Errorf("%s rendered differently", form.ID)
				}
				done <- err
			}()
		}
	}
	for range 3 * len(lib.All()) {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// A table's narrow columns wrap at spaces: a word is broken only when it alone is wider than its column,
// and a column is never narrowed below a word that fits an equal share of the page, even when a cell's
// long address leaves too little room for every column's longest word ("childre n concer ned").
func TestTableColumnsBreakOnlyWordsWiderThanThem(t *testing.T) {
	r, err := newRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	heads := []string{"Date", "Child or children concerned", "Event or incident", "Source of information or agency", "Impact on the child", "Action taken or outcome"}
	long := strings.Repeat("The practitioner visited the family at home; the children were seen together and on their own. ", 3)
	for _, row := range [][]string{
		{"3 February 2026", "Aurora Boreo, Orion Boreo, Lyra Boreo", long, "Health visitor", long, long},
		{"3 February 2026", "Aurora Boreo, Orion Boreo, Lyra Boreo", long + " https://www.example.org/safeguarding/reports/2026/03/child-protection-conference-minutes.pdf",
			"safeguarding.lead@county-council.gov.uk", long, long},
	} {
		rows := [][]string{row}
		widths := r.columnWidths(heads, rows, nil, []bool{true, false, false, false, false, false})
		var sum float64
		for _, w := range widths {
			sum += w
		}
		if sum > contentW+0.01 {
			t.Fatalf("the columns are %v wide, more than the page's %v", sum, contentW)
		}
		check := func(text string, st style, width float64) {
			lines := r.wrap(text, st, width)
			got := map[string]bool{}
			for _, l := range lines {
				for _, w := range words(l) {
					got[w] = true
				}
			}
			for _, w := range words(text) {
				size := faceOf(st).measure(w, st.size)
				if (size <= width || size <= contentW/float64(len(heads))-2*cellPad) && !got[w] {
					t.Errorf("%q, %v wide, fits its column (%v wide) or an equal share of the page, but was broken: %q", w, size, width, lines)
				}
			}
		}
		for j, h := range heads {
			check(h, stCellHead, widths[j]-2*cellPad)
			check(row[j], stCell, widths[j]-2*cellPad)
		}
	}
}

// hasPageLongTextarea reports whether a form has a textarea outside tables and lists whose answer may be
// longer than a page holds.
func hasPageLongTextarea(form *engine.Form) bool {
	for _, s := range form.Sections {
		for _, fd := range s.Fields {
			if fd.Type == engine.TypeTextarea && maxOr(fd.MaxLength, 8000) >= 8000 {
				return true
			}
		}
	}
	return false
}
