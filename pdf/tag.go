package pdf

// Tagging: every PDF is a tagged PDF, with a structure tree in reading order that assistive technology reads
// instead of guessing from the page's layout.
//
// gopdf has no marked content, so the renderer keeps the structure itself. It opens an element (a section,
// a heading, a paragraph, a table cell) before it draws what the element holds, and notes, page by page,
// which element every line of text it draws belongs to, or that the text is an artifact (the marking, the
// page numbers, a table's header row repeated on a new page). gopdf writes one text object (BT ... ET) for
// each line drawn, in the order drawn, so the post-pass that compresses gopdf's output (compress.go) can
// wrap the n-th text object of a page in the marked content of the n-th line noted for that page: a run of
// lines of one element in one marked-content sequence with its own MCID, everything drawn between them
// (rules, boxes, cell borders and shading) in Artifact sequences. It then writes the structure elements,
// the parent tree, the XMP metadata, and the catalog's and pages' entries that make the PDF tagged.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// node is an element of the structure tree.
type node struct {
	role   string // its standard structure type: Document, Sect, H1, P, Table, TR, TH, TD, L, LI, Lbl, LBody...
	attr   string // more entries of its dictionary, in PDF syntax: the scope of a header cell
	parent *node
	kids   []kid // in reading order
	obj    int   // its object number, when written
}

// kid is a child element or a line of text drawn for the element: line of page.
type kid struct {
	node       *node
	page, line int
}

// line is a line of text drawn on a page: the element it belongs to, or nil for an artifact of the kind
// art (the marked-content tag and properties that open it).
type line struct {
	node *node
	art  string
}

// Artifact kinds, as the operators that open their marked-content sequences.
const (
	artLayout = "/Artifact BMC"
	artHeader = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
	artFooter = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
	artRepeat = "/Artifact <</Type /Pagination>> BDC" // a table's header row repeated on a new page
)

// The scopes of header cells.
const (
	scopeColumn = "/A <</O /Table /Scope /Column>>"
	scopeRow    = "/A <</O /Table /Scope /Row>>"
)

// bookmark is an entry of the outline: a section's title, and the page and the top of its heading.
type bookmark struct {
	title string
	page  int
	top   float64 // points from the top of the page
}

// tags is what the renderer notes for the tagging post-pass.
type tags struct {
	bookmarks []bookmark
	root      *node    // the Document element
	lines     [][]line // per page, the lines of text in the order drawn
	lang      string   // the document's language, a BCP 47 tag
	title     string   // the document's title
}

// begin opens an element inside the innermost open one; what is drawn until its end belongs to it.
func (r *renderer) begin(role string) *node {
	n := &node{role: role, parent: r.open}
	r.open.kids = append(r.open.kids, kid{node: n})
	r.open = n
	return n
}

// end closes the innermost open element.
func (r *renderer) end() { r.open = r.open.parent }

// within draws f into the element role.
func (r *renderer) within(role string, f func()) {
	r.begin(role)
	f()
	r.end()
}

// into draws f into the element n, opened earlier: a cell of a table row, the body of a list item.
func (r *renderer) into(n *node, f func()) {
	outer := r.open
	r.open = n
	f()
	r.open = outer
}

// artifact draws f as an artifact of the kind art: furniture, not content.
func (r *renderer) artifact(art string, f func()) {
	outer := r.art
	r.art = art
	f()
	r.art = outer
}

// heading draws an element of the heading level one deeper than the heading it is under (H2 for a section
// title, H3 for a group's), capped at H6.
func (r *renderer) heading(f func()) {
	level := min(r.level+1, 6)
	r.within("H"+strconv.Itoa(level), f)
}

// under draws f as the content of a heading of the level just drawn: headings in it are one level deeper.
func (r *renderer) under(f func()) {
	outer := r.level
	r.level = min(r.level+1, 6)
	f()
	r.level = outer
}

// noteLine notes a line of text just drawn on the current page.
func (r *renderer) noteLine() {
	for len(r.tags.lines) < r.page {
		r.tags.lines = append(r.tags.lines, nil)
	}
	p := r.page - 1
	l := line{node: r.open, art: r.art}
	if r.art != "" {
		l.node = nil
	}
	r.tags.lines[p] = append(r.tags.lines[p], l)
	if l.node != nil {
		l.node.kids = append(l.node.kids, kid{page: r.page, line: len(r.tags.lines[p]) - 1})
	}
}

// A marked-content sequence open in a content stream: the MCID of an element's, or an artifact's kind.
type sequence struct {
	mcid int // -1 for an artifact
	art  string
	node *node
}

// tagged is the state of the tagging post-pass.
type tagged struct {
	*tags
	mcids    [][]int     // per page and line, the MCID the line was given (-1: an artifact)
	parents  [][]*node   // per page, the element of each MCID
	pageObjs []int       // per page, its object number
	contents map[int]int // content stream object number -> its page's index
}

func newTagged(t *tags) *tagged {
	return &tagged{tags: t, contents: map[int]int{}}
}

// page notes a page object, the next page, and its content stream.
func (t *tagged) page(obj int, dict []byte) error {
	c := bytes.Index(dict, []byte("/Contents"))
	if c < 0 {
		return fmt.Errorf("page object %d has no contents", obj)
	}
	fields := strings.Fields(string(dict[c+len("/Contents"):]))
	if len(fields) < 3 || fields[2] != "R" || (len(fields) > 3 && fields[3] != ">>") {
		return fmt.Errorf("page object %d: contents other than one stream", obj)
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil {
		return fmt.Errorf("page object %d: %w", obj, err)
	}
	t.contents[n] = len(t.pageObjs)
	t.pageObjs = append(t.pageObjs, obj)
	return nil
}

// content wraps the text objects of page p's content stream in marked content, and everything else in
// artifacts. It relies on gopdf writing every operator of a content stream on its own line, a text object
// from a line "BT" to a line "ET".
func (t *tagged) content(p int, data []byte, out *bytes.Buffer) error {
	var lines []line
	if p < len(t.lines) {
		lines = t.lines[p]
	}
	for len(t.mcids) <= p {
		t.mcids = append(t.mcids, nil)
		t.parents = append(t.parents, nil)
	}
	mcids := make([]int, len(lines))
	var open *sequence
	openSeq := func(s sequence) {
		if open != nil {
			out.WriteString("EMC\n")
		}
		if s.mcid >= 0 {
			out.WriteString("/")
			out.WriteString(s.node.role)
			out.WriteString(" <</MCID ")
			out.WriteString(strconv.Itoa(s.mcid))
			out.WriteString(">> BDC\n")
		} else {
			out.WriteString(s.art)
			out.WriteByte('\n')
		}
		open = &s
	}
	n, inText := 0, false
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n') + 1
		if end == 0 {
			end = len(data)
		}
		op := bytes.TrimRight(data[:end], "\r\n")
		switch {
		case inText:
			inText = !bytes.Equal(op, []byte("ET"))
			if !inText {
				n++
			}
		case bytes.Equal(op, []byte("BT")):
			if n >= len(lines) {
				return fmt.Errorf("page %d has more text than was drawn", p+1)
			}
			l := lines[n]
			switch {
			case l.node == nil:
				if open == nil || open.mcid >= 0 || open.art != l.art {
					openSeq(sequence{mcid: -1, art: l.art})
				}
			case open == nil || open.node != l.node:
				openSeq(sequence{mcid: len(t.parents[p]), node: l.node})
				t.parents[p] = append(t.parents[p], l.node)
			}
			mcids[n] = open.mcid
			inText = true
		case len(op) > 0:
			if open == nil || open.mcid >= 0 || open.art != artLayout {
				openSeq(sequence{mcid: -1, art: artLayout})
			}
		}
		out.Write(data[:end])
		data = data[end:]
	}
	if open != nil {
		out.WriteString("EMC\n")
	}
	if inText || n != len(lines) {
		return fmt.Errorf("page %d: %d text objects for %d lines drawn", p+1, n, len(lines))
	}
	t.mcids[p] = mcids
	return nil
}

// catalog returns the entries the catalog gets: the structure tree, the language, the title as the window
// title, the metadata, the outline shown. first is the number of the first object tagging adds (see
// objects).
func (t *tagged) catalog(first int) string {
	s := fmt.Sprintf("  /StructTreeRoot %d 0 R\n  /MarkInfo <</Marked true>>\n  /Lang %s\n  /ViewerPreferences <</DisplayDocTitle true>>\n  /Metadata %d 0 R\n",
		first, pdfString(t.lang), first+2)
	if len(t.bookmarks) > 0 {
		s += fmt.Sprintf("  /Outlines %d 0 R\n  /PageMode /UseOutlines\n", first+3)
	}
	return s
}

// pageEntries returns the entries page p's dictionary gets: its key in the parent tree, when it has
// marked content, and its tab order, the structure's.
func (t *tagged) pageEntries(p int) string {
	s := "  /Tabs /S\n"
	if t.marked(p) {
		s += "  /StructParents " + strconv.Itoa(p) + "\n"
	}
	return s
}

// marked reports whether page p has lines of content, marked content with MCIDs.
func (t *tagged) marked(p int) bool {
	if p >= len(t.lines) {
		return false
	}
	for _, l := range t.lines[p] {
		if l.node != nil {
			return true
		}
	}
	return false
}

// objects writes the structure tree root, the parent tree, the metadata, the outline and its items, and the
// structure elements, numbering them from first on.
func (t *tagged) objects(first int, w *objWriter) {
	rootObj, treeObj, metaObj, outlineObj := first, first+1, first+2, first+3
	elemsFrom := outlineObj
	if len(t.bookmarks) > 0 {
		elemsFrom += 1 + len(t.bookmarks)
	}
	// An element is written when it holds text, or elements that do; an empty cell too, as a table's
	// rows need all their cells. Elements are numbered parents first, in reading order.
	var keep func(n *node) bool
	keep = func(n *node) bool {
		k := n == t.root || n.role == "TD" || n.role == "TH"
		for _, c := range n.kids {
			if c.node == nil || keep(c.node) {
				k = true
			}
		}
		n.obj = 0
		if k {
			n.obj = -1
		}
		return k
	}
	keep(t.root)
	var elems []*node
	var number func(n *node)
	number = func(n *node) {
		if n.obj == 0 {
			return
		}
		n.obj = elemsFrom + len(elems)
		elems = append(elems, n)
		for _, c := range n.kids {
			if c.node != nil {
				number(c.node)
			}
		}
	}
	number(t.root)

	var b bytes.Buffer
	fmt.Fprintf(&b, "<</Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d>>",
		t.root.obj, treeObj, len(t.pageObjs))
	w.object(rootObj, b.Bytes())

	b.Reset()
	b.WriteString("<</Nums [")
	for p, ns := range t.parents {
		if len(ns) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%d [", p)
		for k, n := range ns {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(n.obj))
			b.WriteString(" 0 R")
		}
		b.WriteString("]")
	}
	b.WriteString("]>>")
	w.object(treeObj, b.Bytes())

	w.stream(metaObj, "/Type /Metadata /Subtype /XML", []byte(t.xmp()))

	if n := len(t.bookmarks); n > 0 {
		b.Reset()
		fmt.Fprintf(&b, "<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>", outlineObj+1, outlineObj+n, n)
		w.object(outlineObj, b.Bytes())
		for k, bm := range t.bookmarks {
			b.Reset()
			fmt.Fprintf(&b, "<</Title %s /Parent %d 0 R", textString(bm.title), outlineObj)
			if k > 0 {
				fmt.Fprintf(&b, " /Prev %d 0 R", outlineObj+k)
			}
			if k < n-1 {
				fmt.Fprintf(&b, " /Next %d 0 R", outlineObj+k+2)
			}
			fmt.Fprintf(&b, " /Dest [%d 0 R /XYZ null %.2f null]>>", t.pageObjs[bm.page-1], pageH-bm.top+6)
			w.object(outlineObj+k+1, b.Bytes())
		}
	}

	for _, n := range elems {
		b.Reset()
		t.elem(n, rootObj, &b)
		w.object(n.obj, b.Bytes())
	}
}

// elem writes the structure element n's dictionary.
func (t *tagged) elem(n *node, rootObj int, out *bytes.Buffer) {
	parent := rootObj
	if n.parent != nil {
		parent = n.parent.obj
	}
	fmt.Fprintf(out, "<</Type /StructElem /S /%s /P %d 0 R", n.role, parent)
	// The page of the element's first marked content is its page: its MCIDs there need no page of their own.
	pg := -1
	for _, k := range n.kids {
		if k.node == nil {
			pg = k.page - 1
			break
		}
	}
	if pg >= 0 {
		fmt.Fprintf(out, " /Pg %d 0 R", t.pageObjs[pg])
	}
	if n.attr != "" {
		out.WriteString(" ")
		out.WriteString(n.attr)
	}
	out.WriteString(" /K [")
	lastPage, lastMCID := -1, -1
	sep := ""
	for _, k := range n.kids {
		if k.node != nil {
			if k.node.obj > 0 {
				fmt.Fprintf(out, "%s%d 0 R", sep, k.node.obj)
				sep = " "
			}
			lastPage = -1
			continue
		}
		p := k.page - 1
		m := t.mcids[p][k.line]
		if p == lastPage && m == lastMCID {
			continue // a further line of the same marked-content sequence
		}
		lastPage, lastMCID = p, m
		if p == pg {
			fmt.Fprintf(out, "%s%d", sep, m)
		} else {
			fmt.Fprintf(out, "%s<</Type /MCR /Pg %d 0 R /MCID %d>>", sep, t.pageObjs[p], m)
		}
		sep = " "
	}
	out.WriteString("]>>")
}

// xmp is the document's XMP metadata: its title and language, what made it.
func (t *tagged) xmp() string {
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(t.title) + `</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>` + xmlText(t.lang) + `</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format>
<pdf:Producer>formportal</pdf:Producer>
<xmp:CreatorTool>formportal</xmp:CreatorTool>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// textString writes text as a PDF text string: UTF-16BE, with its byte order mark, in hexadecimal.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfString writes ASCII text as a PDF literal string.
func pdfString(s string) string {
	return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s) + ")"
}

// pageOf returns the index of the page whose content stream is object obj.
func (t *tagged) pageOf(obj int) (int, bool) {
	if t == nil {
		return 0, false
	}
	p, ok := t.contents[obj]
	return p, ok
}

// check reports whether every page drawn was written and had its content stream tagged.
func (t *tagged) check() error {
	if len(t.lines) > len(t.pageObjs) || len(t.mcids) != len(t.pageObjs) {
		return fmt.Errorf("%d pages drawn, %d written, %d tagged", len(t.lines), len(t.pageObjs), len(t.mcids))
	}
	for p := range t.lines {
		if len(t.lines[p]) > 0 && t.mcids[p] == nil {
			return fmt.Errorf("the content of page %d was not tagged", p+1)
		}
	}
	return nil
}
