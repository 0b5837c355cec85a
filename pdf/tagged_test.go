package pdf

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The tagging tests read every PDF back as qpdf sees it (qpdf --json, streams decoded) and check what
// PDF/UA asks of its structure: every text-showing operator inside marked content that the structure tree
// reaches, or inside an artifact; everything else drawn an artifact; the structure tree in reading order;
// headings that nest; tables with header cells; lists; the language and the title; a bookmark per section.
// pdfinfo must call the file tagged; pdftotext must read the same text from it as from the same document
// untagged, and pdftoppm draw the same pixels.

// pdfObjects is a PDF's objects as qpdf --json writes them: names "/Name", references "N 0 R", text
// strings "u:text", numbers, booleans, arrays and dictionaries.
type pdfObjects struct {
	objs    map[string]json.RawMessage
	trailer map[string]any
}

func readObjects(t *testing.T, path string) *pdfObjects {
	t.Helper()
	raw, err := exec.Command("qpdf", "--json=2", "--json-key=qpdf", "--decode-level=generalized", "--json-stream-data=inline", path).Output()
	if err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var doc struct {
		QPDF []map[string]json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.QPDF) != 2 {
		t.Fatalf("qpdf --json: %v", err)
	}
	o := &pdfObjects{objs: doc.QPDF[1]}
	var tr struct {
		Value map[string]any `json:"value"`
	}
	if err := json.Unmarshal(o.objs["trailer"], &tr); err != nil {
		t.Fatalf("trailer: %v", err)
	}
	o.trailer = tr.Value
	return o
}

// value returns the value of object ref ("N 0 R"); a dictionary's stream's dictionary for a stream.
func (o *pdfObjects) value(t *testing.T, ref any) map[string]any {
	t.Helper()
	if d, ok := ref.(map[string]any); ok {
		return d
	}
	var obj struct {
		Value  map[string]any `json:"value"`
		Stream struct {
			Dict map[string]any `json:"dict"`
		} `json:"stream"`
	}
	s, _ := ref.(string)
	raw, ok := o.objs["obj:"+s]
	if !ok {
		t.Fatalf("no object %v", ref)
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("object %v: %v", ref, err)
	}
	if obj.Value != nil {
		return obj.Value
	}
	return obj.Stream.Dict
}

// stream returns the decoded data of stream object ref.
func (o *pdfObjects) stream(t *testing.T, ref string) []byte {
	t.Helper()
	var obj struct {
		Stream struct {
			Data string `json:"data"`
		} `json:"stream"`
	}
	if err := json.Unmarshal(o.objs["obj:"+ref], &obj); err != nil {
		t.Fatalf("stream %s: %v", ref, err)
	}
	data, err := base64.StdEncoding.DecodeString(obj.Stream.Data)
	if err != nil {
		t.Fatalf("stream %s: %v", ref, err)
	}
	return data
}

// --- content streams ----------------------------------------------------------------------------------

// contentOp is an operator of a content stream and the marked content it sits in, innermost last.
type contentOp struct {
	op     string
	marked []mark
}

// mark is an open marked-content sequence: its tag and its MCID (-1 when it has none).
type mark struct {
	tag  string
	mcid int
}

// operators tokenizes a content stream (numbers, names, literal and hexadecimal strings, arrays,
// dictionaries, operators) and returns its operators with the marked content open at each.
func operators(t *testing.T, data []byte) []contentOp {
	t.Helper()
	var ops []contentOp
	var stack []mark
	var operands []string // the tokens since the last operator
	i := 0
	for i < len(data) {
		c := data[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '(':
			depth := 0
			j := i
			for ; j < len(data); j++ {
				if data[j] == '\\' {
					j++
					continue
				}
				if data[j] == '(' {
					depth++
				}
				if data[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			operands = append(operands, string(data[i:j+1]))
			i = j + 1
		case c == '<' && i+1 < len(data) && data[i+1] == '<', c == '>' && i+1 < len(data) && data[i+1] == '>':
			operands = append(operands, string(data[i:i+2]))
			i += 2
		case c == '<':
			j := bytes.IndexByte(data[i:], '>')
			if j < 0 {
				t.Fatalf("unterminated hexadecimal string")
			}
			operands = append(operands, string(data[i:i+j+1]))
			i += j + 1
		case c == '[' || c == ']' || c == '{' || c == '}':
			operands = append(operands, string(c))
			i++
		default:
			j := i + 1
			for j < len(data) && !strings.ContainsRune(" \n\r\t\f\x00()<>[]{}/%", rune(data[j])) {
				j++
			}
			tok := string(data[i:j])
			i = j
			if c == '/' || c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' || tok == "true" || tok == "false" || tok == "null" {
				operands = append(operands, tok)
				continue
			}
			switch tok {
			case "BMC":
				stack = append(stack, mark{tag: operands[len(operands)-1], mcid: -1})
			case "BDC":
				m := mark{mcid: -1}
				for k, tk := range operands {
					if tk == "/MCID" && k+1 < len(operands) {
						m.mcid, _ = strconv.Atoi(operands[k+1])
					}
				}
				m.tag = operands[0]
				stack = append(stack, m)
			case "EMC":
				if len(stack) == 0 {
					t.Fatalf("EMC without a marked-content sequence to end")
				}
				stack = stack[:len(stack)-1]
			}
			ops = append(ops, contentOp{op: tok, marked: slices.Clone(stack)})
			operands = operands[:0]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("%d marked-content sequences not ended", len(stack))
	}
	return ops
}

var (
	showsText = map[string]bool{"Tj": true, "TJ": true, "'": true, `"`: true}
	paints    = map[string]bool{"S": true, "s": true, "f": true, "F": true, "f*": true, "B": true, "B*": true, "b": true, "b*": true, "Do": true, "sh": true}
)

// --- the structure tree -------------------------------------------------------------------------------

// elem is a structure element read back.
type elem struct {
	role  string
	attr  map[string]any
	kids  []*elem
	mcrs  []mcr // its marked content, in order
	order []any // kids and mcrs in the order of /K
}

type mcr struct {
	page string // the page object, "N 0 R"
	mcid int
}

func (o *pdfObjects) structure(t *testing.T, ref any, parent string, seen map[string]bool) *elem {
	t.Helper()
	s, _ := ref.(string)
	if seen[s] {
		t.Fatalf("structure element %s reached twice", s)
	}
	seen[s] = true
	d := o.value(t, ref)
	if d["/P"] != parent {
		t.Errorf("structure element %s: /P is %v, want %s", s, d["/P"], parent)
	}
	e := &elem{role: strings.TrimPrefix(fmt.Sprint(d["/S"]), "/")}
	e.attr, _ = d["/A"].(map[string]any)
	pg, _ := d["/Pg"].(string)
	ks, ok := d["/K"].([]any)
	if !ok {
		ks = []any{d["/K"]}
	}
	for _, k := range ks {
		switch k := k.(type) {
		case float64:
			if pg == "" {
				t.Errorf("%s %s: an MCID without a page", e.role, s)
			}
			m := mcr{pg, int(k)}
			e.mcrs = append(e.mcrs, m)
			e.order = append(e.order, m)
		case map[string]any:
			m := mcr{fmt.Sprint(k["/Pg"]), int(k["/MCID"].(float64))}
			e.mcrs = append(e.mcrs, m)
			e.order = append(e.order, m)
		case string:
			kid := o.structure(t, k, s, seen)
			e.kids = append(e.kids, kid)
			e.order = append(e.order, kid)
		}
	}
	return e
}

type heldMCR struct {
	mcr
	elem *elem
}

// allMCRs returns the marked content e and its descendants hold, in order.
func (e *elem) allMCRs() []heldMCR {
	var out []heldMCR
	e.walk(func(e *elem) {
		for _, m := range e.mcrs {
			out = append(out, heldMCR{m, e})
		}
	})
	return out
}

// walk visits e and its descendants in order, depth first.
func (e *elem) walk(f func(e *elem)) {
	f(e)
	for _, k := range e.kids {
		k.walk(f)
	}
}

// tagging is what the tests read back about a PDF's tagging.
type tagging struct {
	catalog map[string]any
	root    *elem
	pages   []string // the page objects, in order
	info    map[string]any
	xmp     string
}

// checkTagged reads the PDF at path back and checks its tagging; lang is the language it must declare.
func checkTagged(t *testing.T, path, title, lang string) *tagging {
	t.Helper()
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^Tagged:\s+yes$`).Match(info) {
		t.Errorf("pdfinfo does not say Tagged: yes (%v):\n%s", err, info)
	}
	o := readObjects(t, path)
	tg := &tagging{catalog: o.value(t, o.trailer["/Root"])}
	tg.info = o.value(t, o.trailer["/Info"])
	if tg.info["/Title"] != "u:"+title {
		t.Errorf("Info /Title = %v, want %q", tg.info["/Title"], title)
	}
	cat := tg.catalog
	if mi, _ := cat["/MarkInfo"].(map[string]any); mi["/Marked"] != true {
		t.Errorf("catalog /MarkInfo = %v, want << /Marked true >>", cat["/MarkInfo"])
	}
	if cat["/Lang"] != "u:"+lang {
		t.Errorf("catalog /Lang = %v, want %q", cat["/Lang"], lang)
	}
	if vp, _ := cat["/ViewerPreferences"].(map[string]any); vp["/DisplayDocTitle"] != true {
		t.Errorf("catalog /ViewerPreferences = %v, want << /DisplayDocTitle true >>", cat["/ViewerPreferences"])
	}
	meta, _ := cat["/Metadata"].(string)
	tg.xmp = string(o.stream(t, meta))
	for _, want := range []string{`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(title) + `</rdf:li>`, `<dc:language><rdf:Bag><rdf:li>` + lang + `</rdf:li>`} {
		if !strings.Contains(tg.xmp, want) {
			t.Errorf("the XMP metadata has no %s:\n%s", want, tg.xmp)
		}
	}

	// The pages, in order, and the marked content of each.
	pages := o.value(t, cat["/Pages"])
	for _, k := range pages["/Kids"].([]any) {
		tg.pages = append(tg.pages, k.(string))
	}
	pageIndex := map[string]int{}
	for i, p := range tg.pages {
		pageIndex[p] = i
	}
	inContent := map[mcr]bool{} // the MCIDs of marked content holding text
	allMCIDs := map[mcr]bool{}
	texts := 0
	for _, p := range tg.pages {
		pd := o.value(t, p)
		if pd["/Tabs"] != "/S" {
			t.Errorf("page %s: /Tabs = %v, want /S", p, pd["/Tabs"])
		}
		for _, op := range operators(t, o.stream(t, pd["/Contents"].(string))) {
			if op.op == "BDC" {
				if m := op.marked[len(op.marked)-1]; m.mcid >= 0 {
					if allMCIDs[mcr{p, m.mcid}] {
						t.Errorf("page %d: MCID %d marks two sequences", pageIndex[p]+1, m.mcid)
					}
					allMCIDs[mcr{p, m.mcid}] = true
				}
			}
			if !showsText[op.op] && !paints[op.op] {
				continue
			}
			if len(op.marked) == 0 {
				t.Fatalf("page %d: %s outside marked content", pageIndex[p]+1, op.op)
			}
			// No content inside an artifact or artifact inside content: one level of marked content.
			if len(op.marked) != 1 {
				t.Fatalf("page %d: %s inside nested marked content %v", pageIndex[p]+1, op.op, op.marked)
			}
			m := op.marked[0]
			switch {
			case m.tag == "/Artifact":
			case paints[op.op]:
				t.Errorf("page %d: %s (drawing, not text) in %s marked content, not an artifact", pageIndex[p]+1, op.op, m.tag)
			case m.mcid < 0:
				t.Errorf("page %d: text in %s marked content without an MCID", pageIndex[p]+1, m.tag)
			default:
				inContent[mcr{p, m.mcid}] = true
				texts++
			}
		}
	}
	if texts == 0 {
		t.Fatalf("no text in marked content")
	}

	// The structure tree reaches every MCID exactly once, in reading order: the order the text is drawn in.
	str := o.value(t, cat["/StructTreeRoot"])
	if str["/Type"] != "/StructTreeRoot" {
		t.Fatalf("no structure tree root: %v", str)
	}
	ks, _ := str["/K"].([]any)
	if len(ks) != 1 {
		t.Fatalf("the structure tree root has %d kids, want the Document", len(ks))
	}
	tg.root = o.structure(t, ks[0], cat["/StructTreeRoot"].(string), map[string]bool{})
	if tg.root.role != "Document" {
		t.Errorf("the structure tree's top element is %s, want Document", tg.root.role)
	}
	reached := map[mcr]*elem{}
	for _, m := range tg.root.allMCRs() {
		if reached[m.mcr] != nil {
			t.Errorf("MCID %d of page %s reached twice", m.mcid, m.page)
		}
		reached[m.mcr] = m.elem
		if !inContent[m.mcr] {
			t.Errorf("%s holds MCID %d of page %s, which marks no text", m.elem.role, m.mcid, m.page)
		}
	}
	// Reading order: the text of each element in the order drawn, and the elements in that order too,
	// but for the cells of a table row split over pages, drawn a band of cells a page.
	before := func(a, b mcr) bool {
		return pageIndex[a.page] < pageIndex[b.page] || a.page == b.page && a.mcid < b.mcid
	}
	var order func(e *elem, last mcr) mcr
	order = func(e *elem, last mcr) mcr {
		check := func(m mcr) {
			if last.mcid >= 0 && !before(last, m) {
				t.Errorf("%s's MCID %d of page %d comes after MCID %d of page %d in the structure tree, not in reading order",
					e.role, m.mcid, pageIndex[m.page]+1, last.mcid, pageIndex[last.page]+1)
			}
		}
		if e.role == "TR" {
			end := last
			for _, c := range e.kids {
				if l := order(c, last); l.mcid >= 0 && (end.mcid < 0 || before(end, l)) {
					end = l
				}
			}
			return end
		}
		for _, k := range e.order {
			switch k := k.(type) {
			case mcr:
				check(k)
				last = k
			case *elem:
				last = order(k, last)
			}
		}
		return last
	}
	order(tg.root, mcr{mcid: -1})
	tg.root.walk(func(e *elem) {
		if len(e.mcrs) > 0 && !slices.Contains([]string{"H1", "H2", "H3", "H4", "H5", "H6", "P", "Lbl", "LBody", "TH", "TD"}, e.role) {
			t.Errorf("a %s element holds text itself", e.role)
		}
		if len(e.mcrs) > 0 && len(e.kids) > 0 && e.role != "LBody" {
			t.Errorf("a %s element holds both text and elements", e.role)
		}
	})
	for m := range inContent {
		if reached[m] == nil {
			t.Errorf("text marked with MCID %d on page %d is not in the structure tree", m.mcid, pageIndex[m.page]+1)
		}
	}

	// The parent tree maps every page's MCIDs back to their elements.
	pt := o.value(t, str["/ParentTree"])
	nums, _ := pt["/Nums"].([]any)
	parents := map[int][]any{}
	for k := 0; k+1 < len(nums); k += 2 {
		parents[int(nums[k].(float64))], _ = nums[k+1].([]any)
	}
	perPage := map[string]int{}
	for m := range reached {
		perPage[m.page]++
	}
	for _, p := range tg.pages {
		pd := o.value(t, p)
		sp, ok := pd["/StructParents"].(float64)
		if !ok {
			if perPage[p] > 0 {
				t.Errorf("page %d has marked content and no /StructParents", pageIndex[p]+1)
			}
			continue
		}
		if got := len(parents[int(sp)]); got != perPage[p] {
			t.Errorf("page %d: the parent tree lists %d elements, the page has %d MCIDs", pageIndex[p]+1, got, perPage[p])
		}
	}
	checkRoles(t, tg.root)
	return tg
}

// checkRoles checks the shape of the structure: headings that nest, tables of rows of header and data
// cells with the header cells' scope, lists of items with a label and a body.
func checkRoles(t *testing.T, root *elem) {
	t.Helper()
	var levels []int
	root.walk(func(e *elem) {
		if len(e.role) == 2 && e.role[0] == 'H' {
			levels = append(levels, int(e.role[1]-'0'))
		}
		kidRoles := func(allowed ...string) {
			for _, k := range e.kids {
				if !slices.Contains(allowed, k.role) {
					t.Errorf("a %s holds a %s, want only %v", e.role, k.role, allowed)
				}
			}
		}
		switch e.role {
		case "Table":
			kidRoles("TR")
			ths := 0
			for _, tr := range e.kids {
				for _, c := range tr.kids {
					if c.role == "TH" {
						ths++
					}
				}
			}
			if ths == 0 || len(e.kids) == 0 {
				t.Errorf("a table of %d rows has no header cells", len(e.kids))
			}
			if e.kids[0].kids[0].role == "TH" && e.kids[0].kids[0].attr["/Scope"] == "/Column" {
				for _, c := range e.kids[0].kids {
					if c.role != "TH" {
						t.Errorf("the header row of a table holds a %s", c.role)
					}
				}
			}
		case "TR":
			kidRoles("TH", "TD")
		case "TH":
			if sc := e.attr["/Scope"]; e.attr["/O"] != "/Table" || sc != "/Column" && sc != "/Row" {
				t.Errorf("a header cell's attributes are %v, want the table's scope", e.attr)
			}
		case "L":
			kidRoles("LI")
		case "LI":
			kidRoles("Lbl", "LBody")
			if len(e.kids) != 2 || e.kids[0].role != "Lbl" {
				t.Errorf("a list item holds %d elements, want a label and a body", len(e.kids))
			}
		}
	})
	if len(levels) < 2 || levels[0] != 1 || slices.Index(levels[1:], 1) >= 0 {
		t.Errorf("the headings %v do not start with the title, the only H1", levels)
	}
	for k := 1; k < len(levels); k++ {
		if levels[k] > levels[k-1]+1 {
			t.Errorf("heading %d is an H%d after an H%d: headings skip a level", k+1, levels[k], levels[k-1])
		}
	}
}

// --- the tests ------------------------------------------------------------------------------------------

// writeTemp renders d, tagged or not, to a file of the test's.
func writeTemp(t *testing.T, d Document, tag bool, name string) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := renderPDF(&buf, d, tag); err != nil {
		t.Fatalf("Render: %v", err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pdftotext(t *testing.T, path string, args ...string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", append(append(args, "-enc", "UTF-8"), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestTagged(t *testing.T) {
	requireTools(t)
	for _, nd := range everyDocument(t) {
		t.Run(nd.name, func(t *testing.T) {
			path := writeTemp(t, nd.doc, true, "tagged.pdf")
			tg := checkTagged(t, path, nd.doc.Form.Title, "en")

			// A bookmark for every section, each to the page of its heading.
			sections := 0
			var h2Pages []string
			tg.root.walk(func(e *elem) {
				if e.role == "Sect" && len(e.kids) > 0 && e.kids[0].role == "H2" {
					sections++
					h2Pages = append(h2Pages, e.kids[0].mcrs[0].page)
				}
			})
			o := readObjects(t, path)
			outlines := o.value(t, tg.catalog["/Outlines"])
			var marks []string
			last, prev := "", ""
			for item, ok := outlines["/First"].(string); ok; item, ok = o.value(t, item)["/Next"].(string) {
				d := o.value(t, item)
				marks = append(marks, d["/Dest"].([]any)[0].(string))
				if d["/Parent"] != tg.catalog["/Outlines"] || prev != "" && d["/Prev"] != prev {
					t.Errorf("bookmark %s: /Parent %v, /Prev %v; want %v, %q", item, d["/Parent"], d["/Prev"], tg.catalog["/Outlines"], prev)
				}
				last, prev = item, item
			}
			if outlines["/Type"] != "/Outlines" || outlines["/Last"] != last || outlines["/Count"] != float64(len(marks)) {
				t.Errorf("the outline %v does not end with its last bookmark %s or count its %d bookmarks", outlines, last, len(marks))
			}
			if sections == 0 || !slices.Equal(marks, h2Pages) {
				t.Errorf("bookmarks to pages %v, want one to each of the %d sections' headings, on pages %v", marks, sections, h2Pages)
			}
			if tg.catalog["/PageMode"] != "/UseOutlines" {
				t.Errorf("/PageMode = %v, want the bookmarks shown", tg.catalog["/PageMode"])
			}

			// Tagging changes nothing a reader extracts, the text, its layout, its order, nor what is drawn
			// (the first pages, drawn by poppler).
			plain := writeTemp(t, nd.doc, false, "untagged.pdf")
			for _, args := range [][]string{{"-layout"}, {}} {
				if got, want := pdftotext(t, path, args...), pdftotext(t, plain, args...); got != want {
					t.Errorf("pdftotext %v reads the tagged PDF differently from the untagged one", args)
				}
			}
			draw := func(path string) []byte {
				out, err := exec.Command("pdftoppm", "-r", "40", "-l", "3", "-gray", path).Output()
				if err != nil {
					t.Fatalf("pdftoppm: %v", err)
				}
				return out
			}
			if !bytes.Equal(draw(path), draw(plain)) {
				t.Errorf("the tagged PDF's first pages are drawn differently from the untagged one's")
			}
		})
	}
}

// The language is the document's: Welsh when the document is in Welsh, and a tag that is no language is
// an error.
func TestLanguage(t *testing.T) {
	requireTools(t)
	form := loadForms(t).Get("early-help-request")
	path := writeTemp(t, Document{Form: form, Blank: true, Lang: "cy"}, true, "cy.pdf")
	checkTagged(t, path, form.Title, "cy")
	if _, err := Render(&bytes.Buffer{}, Document{Form: form, Blank: true, Lang: "not a language"}); err == nil {
		t.Errorf("Render accepted the language %q", "not a language")
	}
}
