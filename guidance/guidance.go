// Package guidance reads the guidance a form designer writes (a content field's text, a section's
// description, a hint) as a safe subset of Markdown: paragraphs, bold, bulleted and numbered lists,
// links and two levels of heading. It parses with goldmark, with raw HTML off, into a small model that
// the web renderer draws as GOV.UK markup and the PDF draws as text, so that both show the same thing
// and neither ever passes designer markup through to a page.
package guidance

import (
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// BlockKind says what a block is.
type BlockKind int

// The blocks of the subset.
const (
	Paragraph BlockKind = iota
	Heading
	List
)

// Block is a paragraph, a heading or a list.
type Block struct {
	Kind    BlockKind
	Level   int    // a heading's level, 2 or 3 (the page's own title is the only level 1)
	Ordered bool   // a numbered list
	Spans   []Span // a paragraph's or a heading's text
	Items   []Item // a list's items
}

// Item is one item of a list: its own blocks (a paragraph, a list inside it).
type Item struct {
	Blocks []Block
}

// Span is a run of text with one look: bold or not, a link or not.
type Span struct {
	Text  string
	Bold  bool
	URL   string // a link's destination, only ever a safe one (SafeURL); "" for text
	Break bool   // a line break (Markdown's two spaces or backslash at a line's end); Text is empty
}

// Limits that bound what designer text can cost to draw, whatever it holds: the linter refuses longer
// or deeper text, and text past them is still drawn, cut down, rather than refused at run time.
const (
	MaxLength = 20000 // bytes of Markdown parsed; the rest is not drawn
	MaxDepth  = 3     // lists inside lists; deeper items are drawn as paragraphs of the deepest list
	// MaxMarkup is how many of the characters that open Markdown's inline and quote syntax ([ * _ > < `)
	// text may hold. Parsing some runs of them costs time that grows with the square of their number, so
	// text with more is drawn as plain paragraphs instead; guidance needs a few dozen at most.
	MaxMarkup = 400
	// MaxWord bounds a run of text without a space for the same reason: a link's address is one.
	MaxWord = 400
)

var markdown = goldmark.New() // CommonMark only: no tables, no autolinked bare URLs, raw HTML not rendered

// Parse reads designer text into blocks. Raw HTML and images are left out (an image is drawn as its
// description), and a link with an unsafe destination is drawn as its text: Problems reports each.
// The blocks are shared between callers: do not change them.
func Parse(src string) []Block {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	if bs, ok := parsed.Load(src); ok {
		return bs.([]Block)
	}
	bs := parse(src)
	// Designer text is what the loaded forms hold, a bounded set; the cap only guards against a
	// caller that parses something else.
	if parsedCount.Add(1) <= maxParsed {
		parsed.Store(src, bs)
	}
	return bs
}

// Texts already parsed: forms are drawn on every page view and never change once loaded.
var (
	parsed      sync.Map // string -> []Block
	parsedCount atomic.Int64
)

const maxParsed = 20000

func parse(src string) []Block {
	src = src[:cut(src, MaxLength)]
	if markupCount(src) > MaxMarkup || longestWord(src) > MaxWord {
		return plain(src)
	}
	source := []byte(src)
	doc := markdown.Parser().Parse(text.NewReader(source))
	return blocks(doc, source, 0)
}

func markupCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '*', '_', '>', '<', '`':
			n++
		}
	}
	return n
}

func longestWord(s string) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// plain draws text without reading it as Markdown: paragraphs at blank lines, lines joined.
func plain(src string) []Block {
	var out []Block
	for p := range strings.SplitSeq(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if t := strings.Join(strings.Fields(p), " "); t != "" {
			out = append(out, Block{Kind: Paragraph, Spans: []Span{{Text: t}}})
		}
	}
	return out
}

// cut is the length of the longest prefix of s that is at most n bytes and ends between characters.
func cut(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return n
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// blocks converts the block children of a node.
func blocks(n ast.Node, source []byte, depth int) []Block {
	var out []Block
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			if spans := inlines(c, source, span{}); len(spans) > 0 {
				out = append(out, Block{Kind: Paragraph, Spans: spans})
			}
		case *ast.Heading:
			out = append(out, Block{Kind: Heading, Level: min(max(c.Level, 2), 3), Spans: inlines(c, source, span{})})
		case *ast.List:
			if depth >= MaxDepth {
				// Too deep: its items' blocks join the list it is in, instead of nesting further.
				for item := c.FirstChild(); item != nil; item = item.NextSibling() {
					out = append(out, blocks(item, source, depth)...)
				}
				continue
			}
			l := Block{Kind: List, Ordered: c.IsOrdered()}
			for item := c.FirstChild(); item != nil; item = item.NextSibling() {
				l.Items = append(l.Items, Item{Blocks: blocks(item, source, depth+1)})
			}
			out = append(out, l)
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			// Code is not part of the subset: its lines are drawn as a paragraph of text.
			if t := strings.TrimSpace(string(linesOf(c, source))); t != "" {
				out = append(out, Block{Kind: Paragraph, Spans: []Span{{Text: t}}})
			}
		case *ast.HTMLBlock, *ast.ThematicBreak:
			// Raw HTML is never drawn; a rule has nothing to draw.
		default:
			// A block quote, or anything else that holds blocks: its blocks, without the quote.
			out = append(out, blocks(c, source, depth)...)
		}
	}
	return out
}

func linesOf(n ast.Node, source []byte) []byte {
	var b []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(source)...)
	}
	return b
}

// span is the look the inlines being converted inherit.
type span struct {
	bold bool
	url  string
}

// inlines converts the inline children of a node into spans, joining neighbours that look the same.
func inlines(n ast.Node, source []byte, look span) []Span {
	var out []Span
	add := func(s Span) {
		if last := len(out) - 1; last >= 0 && !s.Break && !out[last].Break && out[last].Bold == s.Bold && out[last].URL == s.URL {
			out[last].Text += s.Text
			return
		}
		out = append(out, s)
	}
	var walk func(n ast.Node, look span)
	walk = func(n ast.Node, look span) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(Span{Text: literal(c.Segment.Value(source)), Bold: look.bold, URL: look.url})
				switch {
				case c.HardLineBreak():
					out = append(out, Span{Break: true})
				case c.SoftLineBreak():
					add(Span{Text: " ", Bold: look.bold, URL: look.url})
				}
			case *ast.String:
				add(Span{Text: string(c.Value), Bold: look.bold, URL: look.url})
			case *ast.CodeSpan:
				// Code is not part of the subset: its text is drawn as text.
				walk(c, look)
			case *ast.Emphasis:
				// Bold (**) is the subset's only emphasis: GOV.UK does not use italics.
				inner := look
				inner.bold = look.bold || c.Level >= 2
				walk(c, inner)
			case *ast.Link:
				inner := look
				if dest, ok := SafeURL(destination(c.Destination)); ok && look.url == "" {
					inner.url = dest
				}
				walk(c, inner)
			case *ast.AutoLink:
				inner := look
				label := string(c.Label(source))
				if dest, ok := SafeURL(autoLinkURL(c, source)); ok && look.url == "" {
					inner.url = dest
				}
				add(Span{Text: label, Bold: inner.bold, URL: inner.url})
			case *ast.Image:
				// Images are not part of the subset: their description is drawn as text.
				walk(c, look)
			case *ast.RawHTML:
				// Never drawn.
			default:
				walk(c, look)
			}
		}
	}
	walk(n, look)
	// A paragraph's text does not start or end with the spaces of line breaks.
	for len(out) > 0 && !out[0].Break && strings.TrimSpace(out[0].Text) == "" {
		out = out[1:]
	}
	for len(out) > 0 && (out[len(out)-1].Break || strings.TrimSpace(out[len(out)-1].Text) == "") {
		out = out[:len(out)-1]
	}
	return out
}

// literal is Markdown text as it reads: backslash escapes and character references (&amp;, &#60;)
// resolved. It is text, never markup: whoever draws it escapes it.
func literal(b []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(b))))
}

func destination(b []byte) string { return strings.TrimSpace(literal(b)) }

func autoLinkURL(c *ast.AutoLink, source []byte) string {
	u := string(c.URL(source))
	if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
		u = "mailto:" + u
	}
	return u
}

// SafeURL reports whether a link's destination may be followed from a page: http, https and mailto
// addresses and relative ones (a path on the portal, a #fragment). A protocol-relative "//host" is
// refused (write https://), as is anything with a space or control character in it.
func SafeURL(dest string) (string, bool) {
	if dest == "" || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, `\\`) {
		return "", false
	}
	for _, r := range dest {
		if r <= ' ' || r == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
		return dest, true
	case "mailto":
		return dest, u.Opaque != ""
	case "":
		return dest, true
	}
	return "", false
}

// PlainText is a paragraph's text without its look, links followed by their address in brackets
// (mailto: left off), as the PDF and other plain-text readers show it.
func PlainText(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.Break {
			b.WriteString("\n")
			continue
		}
		b.WriteString(s.Text)
		if s.URL != "" {
			if addr := Address(s); addr != strings.TrimSpace(s.Text) {
				b.WriteString(" (" + addr + ")")
			}
		}
	}
	return b.String()
}

// Address is how a link's destination is written out in text: an email address without mailto:.
func Address(s Span) string {
	if rest, ok := strings.CutPrefix(s.URL, "mailto:"); ok {
		return rest
	}
	return s.URL
}

// Inline is text that takes only a paragraph's worth of Markdown (a hint, a warning, a declaration):
// its blocks' text, joined with line breaks, the look of bold and links kept.
func Inline(src string) []Span {
	var out []Span
	var flatten func(bs []Block)
	flatten = func(bs []Block) {
		for _, b := range bs {
			if len(out) > 0 && (len(b.Spans) > 0 || len(b.Items) > 0) {
				out = append(out, Span{Break: true})
			}
			out = append(out, b.Spans...)
			for _, it := range b.Items {
				flatten(it.Blocks)
			}
		}
	}
	flatten(Parse(src))
	return out
}
