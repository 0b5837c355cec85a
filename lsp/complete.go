package lsp

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"formportal/engine"
)

// valueAtCursor matches the end of a line up to the cursor when the cursor is in the value of one of the
// keys completion knows, in block (`after: start`) or flow (`{ field: gp_`) style. Groups: the key, the
// space after its colon, and the partly typed value.
var valueAtCursor = regexp.MustCompile(`(?:^|[\s{,])(field|after|before|prefill)\s*:(\s*)["']?([A-Za-z0-9_.-]*)$`)

// wordAfterCursor is the rest of a value the cursor is in the middle of.
var wordAfterCursor = regexp.MustCompile(`^[A-Za-z0-9_.-]*`)

func (s *server) complete(p completionParams) completionList {
	list := completionList{Items: []completionItem{}}
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	s.mu.Unlock()
	if d == nil || d.tooLarge {
		return list
	}
	starts := lineStarts(d.text)
	if p.Position.Line < 0 || p.Position.Line >= len(starts) {
		return list
	}
	ln := line(d.text, starts, p.Position.Line)
	cur := utf16Offset(ln, p.Position.Character)
	m := valueAtCursor.FindStringSubmatchIndex(ln[:cur])
	if m == nil {
		return list
	}
	key, spaced, from := ln[m[2]:m[3]], m[5] > m[4], m[6]
	to := cur + len(wordAfterCursor.FindString(ln[cur:]))
	o := parseOutline(d.text)
	if o == nil {
		o = parseOutline(closeLine(d.text, starts, p.Position.Line))
	}
	switch {
	case o != nil:
		s.outlines[p.TextDocument.URI] = o
	case s.outlines[p.TextDocument.URI] != nil:
		o = s.outlines[p.TextDocument.URI] // broken elsewhere: the last outline that parsed, roughly in place
	default:
		return list
	}
	path := o.pathAt(place{line: p.Position.Line + 1, col: utf8.RuneCountInString(ln[:cur]) + 1})
	var cands []candidate
	switch key {
	case "field":
		cands = o.conditionTargets(path)
	case "after", "before":
		cands = o.dateTargets(path, key)
	case "prefill":
		cands = o.prefillPaths(path)
	}
	edit := lspRange{
		Start: position{Line: p.Position.Line, Character: utf16Len(ln[:from])},
		End:   position{Line: p.Position.Line, Character: utf16Len(ln[:to])},
	}
	for i, c := range cands {
		text := c.text
		if !spaced {
			text = " " + text // YAML needs a space after the colon
		}
		list.Items = append(list.Items, completionItem{Label: c.text, Kind: c.kind, Detail: c.detail,
			SortText: fmt.Sprintf("%04d", i), FilterText: c.text, TextEdit: textEdit{Range: edit, NewText: text}})
	}
	return list
}

type candidate struct {
	text, detail string
	kind         int
}

// owner returns the field whose property path leads to (path[:n] is its pointer), or nil.
func (o *outline) owner(path []string, n int) *outlineField {
	if n < 0 || n > len(path) {
		return nil
	}
	return o.fields[pointer(path[:n])]
}

// conditionTargets are the fields a showWhen at path can name, nearest first: for a field, the questions
// before it that it may refer to (the other columns of its row, and fields outside tables and lists, of
// per-child sections only from a per-child section); for a section, the questions of earlier sections.
func (o *outline) conditionTargets(path []string) []candidate {
	at := slices.Index(path, "showWhen")
	if at < 0 || path[len(path)-1] != "field" {
		return nil
	}
	var section *outlineSection
	var before int // fields at this place in outline.order and after come later in the form
	var siblings []*outlineField
	if f := o.owner(path, at); f != nil {
		section, before = f.section, f.order
		if f.parent != nil {
			before = f.parent.order
			for _, sib := range f.parent.children {
				if sib.order < f.order {
					siblings = append(siblings, sib)
				}
			}
		}
	} else if s := o.sections[pointer(path[:at])]; s != nil {
		section = s
		before = slices.IndexFunc(o.order, func(f *outlineField) bool { return f.section.index >= s.index })
		if before < 0 {
			before = len(o.order)
		}
	} else {
		return nil
	}
	var out []candidate
	add := func(f *outlineField) {
		if f.id != "" && f.typ != "content" {
			out = append(out, fieldCandidate(f))
		}
	}
	for _, f := range slices.Backward(siblings) {
		add(f)
	}
	for _, f := range slices.Backward(o.order[:before]) {
		if f.parent == nil && (!f.section.perChild || section.perChild) {
			add(f)
		}
	}
	return out
}

// dateTargets are the date fields the after or before of the date field at path can name: earlier ones
// first, nearest first, then later ones.
func (o *outline) dateTargets(path []string, key string) []candidate {
	if path[len(path)-1] != key {
		return nil
	}
	f := o.owner(path, len(path)-1)
	if f == nil || f.typ != "date" && f.typ != "" {
		return nil
	}
	var pool []*outlineField
	if f.parent != nil {
		pool = append(pool, f.parent.children...)
	}
	for _, g := range o.order {
		if g.parent == nil && (!g.section.perChild || f.section.perChild) {
			pool = append(pool, g)
		}
	}
	var earlier, later []candidate
	for _, g := range pool {
		if g == f || g.typ != "date" || g.id == "" {
			continue
		}
		if g.order < f.order {
			earlier = append(earlier, fieldCandidate(g))
		} else {
			later = append(later, fieldCandidate(g))
		}
	}
	slices.Reverse(earlier)
	return append(earlier, later...)
}

func fieldCandidate(f *outlineField) candidate {
	detail := f.typ
	if f.label != "" {
		detail += ": " + f.label
	}
	if f.section.id != "" {
		detail += " (section " + f.section.id + ")"
	}
	return candidate{text: f.id, detail: strings.TrimSpace(detail), kind: completionKindField}
}

// prefillPaths are the case-data paths the field at path can be prefilled from, as the engine resolves them.
func (o *outline) prefillPaths(path []string) []candidate {
	if path[len(path)-1] != "prefill" {
		return nil
	}
	f := o.owner(path, len(path)-1)
	if f == nil || o.caseData == nil {
		return nil
	}
	within := ""
	if f.parent != nil {
		if within = f.parent.prefill; within == "" {
			return nil // a column can be prefilled only when its table is
		}
	}
	var schema map[string]any
	if err := o.caseData.Decode(&schema); err != nil {
		return nil
	}
	var out []candidate
	for _, p := range engine.PrefillPaths(schema, o.scope, f.section.perChild, within, f.typ) {
		detail := p.Type
		if detail == "" {
			detail = "case data of any type"
		}
		out = append(out, candidate{text: p.Path, detail: detail, kind: completionKindProperty})
	}
	return out
}

// closeLine returns text with the cursor's line closed where the designer is still typing it: an open
// quote and open flow brackets closed at the end of the line, so that `showWhen: { field: gp` parses.
func closeLine(text string, starts []int, n int) string {
	ln := line(text, starts, n)
	var closers []byte
	for i := 0; i < len(ln); i++ {
		switch c := ln[i]; c {
		case '"', '\'':
			if !opensQuote(ln, i) {
				continue
			}
			end := closingQuote(ln, i)
			if end == 0 {
				closers = append(closers, c)
				i = len(ln)
				continue
			}
			i = end - 1
		case '{':
			closers = append(closers, '}')
		case '[':
			closers = append(closers, ']')
		case '}', ']':
			if len(closers) > 0 {
				closers = closers[:len(closers)-1]
			}
		}
	}
	if len(closers) == 0 {
		return text
	}
	slices.Reverse(closers)
	end := starts[n] + len(ln)
	return text[:end] + string(closers) + text[end:]
}
