package guidance

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Problem is something in designer text that is not drawn as written: raw HTML, an unsafe link, or
// Markdown outside the subset. Offset is the byte in the text where it starts.
type Problem struct {
	Offset  int
	Rule    string // RuleHTML, RuleLink or RuleSubset
	Message string
	Warning bool // drawn differently but harmless; otherwise the form is refused
}

// The linter's rules for guidance text.
const (
	RuleHTML   = "markdown-html"
	RuleLink   = "markdown-link"
	RuleSubset = "markdown-subset"
)

// Problems checks designer text. inline is for text that takes a paragraph's worth only (a hint, a
// warning): headings and lists are reported there.
func Problems(src string, inline bool) []Problem {
	var out []Problem
	if len(src) > MaxLength {
		out = append(out, Problem{Offset: MaxLength, Rule: RuleSubset, Message: fmt.Sprintf("the text is longer than %d characters: what follows is not shown; split it, or link to a document", MaxLength)})
		src = src[:cut(src, MaxLength)]
	}
	if n := markupCount(src); n > MaxMarkup {
		return append(out, Problem{Offset: 0, Rule: RuleSubset, Message: fmt.Sprintf("the text has %d of the characters [ * _ > < ` and guidance may have %d: it is shown as plain text, without its Markdown", n, MaxMarkup)})
	}
	if n := longestWord(src); n > MaxWord {
		return append(out, Problem{Offset: 0, Rule: RuleSubset, Message: fmt.Sprintf("the text has %d characters without a space and guidance may have %d: it is shown as plain text, without its Markdown", n, MaxWord)})
	}
	source := []byte(src)
	doc := markdown.Parser().Parse(text.NewReader(source))
	paragraphs := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		at := offset(n, source)
		switch n := n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			out = append(out, Problem{Offset: at, Rule: RuleHTML, Message: "raw HTML is not allowed in guidance and is not shown: write Markdown (**bold**, [text](https://...), lines starting \"- \")"})
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if _, ok := SafeURL(destination(n.Destination)); !ok {
				out = append(out, Problem{Offset: at, Rule: RuleLink, Message: fmt.Sprintf("the link to %q is not allowed: a link goes to an https://, http:// or mailto: address or a path on the portal; it is shown as text", clip(destination(n.Destination)))})
			}
		case *ast.AutoLink:
			if _, ok := SafeURL(autoLinkURL(n, source)); !ok {
				out = append(out, Problem{Offset: at, Rule: RuleLink, Message: fmt.Sprintf("the link to %q is not allowed: a link goes to an https://, http:// or mailto: address or a path on the portal; it is shown as text", clip(autoLinkURL(n, source)))})
			}
		case *ast.Image:
			out = append(out, Problem{Offset: at, Rule: RuleSubset, Message: "images are not allowed in guidance: only their description is shown; describe what the image showed, or link to it"})
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			switch {
			case inline:
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Message: "this text takes no headings: it is shown as a plain line"})
			case n.Level == 1:
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Message: "a # heading would compete with the page's title: use ## (or ### under it); it is shown as ##"})
			case n.Level > 3:
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Message: fmt.Sprintf("guidance has two levels of heading, ## and ###: this %s is shown as ###", strings.Repeat("#", n.Level))})
			}
		case *ast.List:
			if inline {
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Message: "this text takes no lists: its items are shown as lines"})
				return ast.WalkSkipChildren, nil
			}
			if listDepth(n) > MaxDepth {
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Warning: true, Message: fmt.Sprintf("lists are nested more than %d deep: the deeper items are shown in the list above them", MaxDepth)})
			}
		case *ast.Paragraph:
			paragraphs++
			if inline && paragraphs == 2 {
				out = append(out, Problem{Offset: at, Rule: RuleSubset, Warning: true, Message: "this text takes one paragraph: the next ones are shown as new lines of it"})
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.Blockquote, *ast.ThematicBreak:
			out = append(out, Problem{Offset: at, Rule: RuleSubset, Warning: true, Message: "code blocks, quotes and rules are not part of guidance: the text is shown as plain paragraphs (a line indented 4 spaces is a code block: take the spaces out)"})
		}
		return ast.WalkContinue, nil
	})
	return out
}

// listDepth is how many lists hold n, n included.
func listDepth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		if n.Kind() == ast.KindList {
			d++
		}
	}
	return d
}

// offset is where a node starts in the source: its own position, or that of its first line or text.
func offset(n ast.Node, source []byte) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if r, ok := n.(*ast.RawHTML); ok && r.Segments.Len() > 0 {
		return r.Segments.At(0).Start
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p := offset(c, source); p >= 0 {
			return p
		}
	}
	return -1
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:cut(s, 57)] + "..."
	}
	return s
}
