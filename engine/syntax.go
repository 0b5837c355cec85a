package engine

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// yaml.v3 reports many of the mistakes a form designer makes lines before they are, sometimes many,
// and never with a column: an unclosed { is "did not find expected ',' or '}'" on the line before it,
// a dedented key is "did not find expected '-' indicator" where the list began. syntaxScan is a
// pass over the text, run when yaml.v3 has refused a file, that follows the lines as a designer wrote
// them (block indentation, flow brackets, quotes, block scalars) and stops at the first thing that
// cannot be right, with its line and column and what to do about it. On a valid file it finds nothing
// (TestSyntaxScanAcceptsValidFiles runs it over every valid file of the repository).
//
// It also finds each ? inside a plain scalar of a flow collection ({ label: Are you sure? }): YAML 1.2,
// and so every editor, reads it as part of the text, but yaml.v3 ends the scalar there and fails.
type syntaxScan struct {
	levels   []blockLevel
	pending  bool        // the last line ended with "key:" or "-": a nested block may follow
	inline   *blockLine  // the last line was key: value, so a more indented key under it is a mistake
	emptied  *blockLine  // the key before the last line, whose nested block the last line did not indent under
	left     *blockLevel // the mapping the last line left by being less indented
	flow     []opener    // open { and [, innermost last
	quote    *opener     // an open quoted scalar that runs on past its line
	block    int         // inside a block scalar (| or >) whose key is at this indent; -1 when not
	question []position  // ? inside flow plain scalars
}

// blockLevel is one open block mapping or sequence: its indent and the last key or item seen in it.
type blockLevel struct {
	indent int
	seq    bool
	last   blockLine
	count  int  // keys or items seen in it
	dashed bool // a mapping begun on the line of a list item's -
}

type blockLine struct {
	line, col, indent int
	key               string
	item              bool // the first key of a list item, on the line of its -
}

type opener struct {
	ch                rune
	line, col, indent int
	key               string // the key whose value it opens, if any
}

type position struct{ line, col int }

type syntaxProblem struct {
	line, col int
	msg       string
}

// scanSyntax scans a whole document; it returns the first problem found, or nil.
func scanSyntax(data []byte) (*syntaxScan, *syntaxProblem) {
	s := &syntaxScan{block: -1}
	for n, text := range strings.Split(string(data), "\n") {
		if p := s.line(n+1, []rune(strings.TrimSuffix(text, "\r"))); p != nil {
			return s, p
		}
	}
	switch {
	case s.quote != nil:
		return s, s.unclosedQuote()
	case len(s.flow) > 0:
		return s, s.unclosedFlow()
	}
	return s, nil
}

func (s *syntaxScan) line(n int, r []rune) *syntaxProblem {
	indent := 0
	for indent < len(r) && r[indent] == ' ' {
		indent++
	}
	if s.quote != nil {
		if indent <= s.quote.indent && (looksLikeKey(r, indent) || isDash(r, indent)) {
			return s.unclosedQuote()
		}
		end := closeQuote(r, 0, s.quote.ch)
		if end < 0 {
			return nil
		}
		s.quote = nil
		if len(s.flow) > 0 {
			return s.flowTokens(n, r, end, indent)
		}
		return s.afterValue(n, r, end)
	}
	if s.block >= 0 {
		if isBlank(r) || indent > s.block {
			return nil
		}
		s.block = -1
	}
	if isBlank(r) || r[indent] == '#' || indent == 0 && r[0] == '%' {
		return nil
	}
	if indent == 0 && len(s.flow) == 0 && (strings.HasPrefix(string(r), "---") || strings.HasPrefix(string(r), "...")) {
		s.levels, s.pending, s.inline = nil, false, nil // a new document
		return nil
	}
	if r[indent] == '\t' && len(s.flow) == 0 {
		return &syntaxProblem{n, indent + 1, "indent with spaces, not tabs: YAML does not allow a tab in indentation"}
	}
	if len(s.flow) > 0 {
		if indent <= s.flow[0].indent && r[indent] != '}' && r[indent] != ']' {
			return s.unclosedFlow()
		}
		return s.flowTokens(n, r, indent, s.flow[0].indent)
	}
	return s.blockLine(n, r, indent)
}

// blockLine follows a line of block context: a key or a list item, lined up with what came before.
func (s *syntaxScan) blockLine(n int, r []rune, i int) *syntaxProblem {
	seq := isDash(r, i)
	if r[i] == '-' && i+1 < len(r) && r[i+1] != '-' && !seq && looksLikeKey(r, i) {
		return &syntaxProblem{n, i + 2, "put a space after the - that starts a list item, as in - id: name"}
	}
	emptied, left := s.emptied, s.left
	s.emptied, s.left = nil, nil
	if in := s.inline; in != nil {
		s.inline = nil
		if i > in.indent {
			switch {
			case looksLikeKey(r, i) && left != nil && left.indent == i && !in.item:
				// A key dedented out of its mapping, which the line after it goes on with.
				return &syntaxProblem{in.line, in.col, fmt.Sprintf("this line is indented less than the lines around it: line %q up with %q on line %d (column %d)", in.key, left.last.key, left.last.line, left.last.col)}
			case looksLikeKey(r, i) && emptied != nil && emptied.line == in.line-1 && i > emptied.indent:
				// "key:" then a line that should have been indented under it, then one that is.
				return &syntaxProblem{in.line, in.col, fmt.Sprintf("this line is not indented under %q above it, as the line after it is: line %q up with %s (column %d)", emptied.key, in.key, describeStart(r, i), i+1)}
			case looksLikeKey(r, i) && in.key == "-":
				return &syntaxProblem{n, i + 1, "this line is indented more than the list item above it, which has a value already: start a new item with - or line it up with the item's keys"}
			case looksLikeKey(r, i):
				return &syntaxProblem{n, i + 1, fmt.Sprintf("this line is indented more than the line above it: line %s up with %q (column %d)", describeStart(r, i), in.key, in.col)}
			}
			s.inline = in // the plain value of the line above, continued
			return nil
		}
	}
	if s.pending {
		s.pending = false
		top := s.top()
		if top == nil || i > top.indent || seq && !top.seq && i == top.indent {
			s.levels = append(s.levels, blockLevel{indent: i, seq: seq})
		} else if !top.seq {
			last := top.last
			s.emptied = &last
		}
	}
	var popped *blockLevel    // the innermost mapping left: the one a key most likely belongs to
	var poppedSeq *blockLevel // the innermost list left: the one a list item most likely belongs to
	for len(s.levels) > 0 && s.top().indent > i {
		l := *s.top()
		switch {
		case !l.seq && popped == nil:
			popped = &l
		case l.seq && poppedSeq == nil:
			poppedSeq = &l
		}
		s.levels = s.levels[:len(s.levels)-1]
	}
	s.left = popped
	if seq && poppedSeq != nil {
		popped = poppedSeq
	}
	if len(s.levels) == 0 {
		s.levels = append(s.levels, blockLevel{indent: i, seq: seq})
	}
	top := s.top()
	if top.seq && !seq && top.indent == i {
		// A key lined up with the dashes of a list: it belongs to the mapping holding the list, when
		// that mapping is at the same indent.
		s.levels = s.levels[:len(s.levels)-1]
		top = s.top()
		if top == nil || top.indent != i || top.seq {
			return s.misaligned(n, r, i, popped)
		}
	}
	if top.indent != i {
		return s.misaligned(n, r, i, popped)
	}
	if !top.seq && seq {
		return &syntaxProblem{n, i + 1, "a list item (-) where a key belongs: indent it under the key whose list it is, or write it as key: value"}
	}
	if seq {
		top.last = blockLine{line: n, col: i + 1, indent: i, key: "-"}
		top.count++
		j := i + 1
		for j < len(r) && r[j] == ' ' {
			j++
		}
		if j >= len(r) || r[j] == '#' {
			s.pending = true
			return nil
		}
		if isDash(r, j) || !looksLikeKey(r, j) {
			if isDash(r, j) {
				s.levels = append(s.levels, blockLevel{indent: j, seq: true})
				return s.blockLine(n, r, j)
			}
			return s.value(n, r, j, blockLine{line: n, col: j + 1, indent: i, key: "-"})
		}
		s.levels = append(s.levels, blockLevel{indent: j, dashed: true})
		return s.key(n, r, j)
	}
	return s.key(n, r, i)
}

// key follows "key: value" starting at column i.
func (s *syntaxScan) key(n int, r []rune, i int) *syntaxProblem {
	end, name := keyEnd(r, i)
	if end < 0 {
		if r[i] == '"' || r[i] == '\'' || r[i] == '{' || r[i] == '[' {
			return s.value(n, r, i, blockLine{line: n, col: i + 1, indent: i})
		}
		if word, rest, ok := strings.Cut(string(r[i:]), ":"); ok && word != "" && !strings.ContainsAny(word, " \t\"'") && rest != "" && rest[0] != ' ' {
			return &syntaxProblem{n, i + utf8.RuneCountInString(word) + 2, fmt.Sprintf("put a space after the colon, as in %s: %s", word, strings.TrimSpace(rest))}
		}
		return &syntaxProblem{n, i + 1, fmt.Sprintf("YAML expects a key here, written key: value, but %s has no \": \" after it", describeStart(r, i))}
	}
	here := blockLine{line: n, col: i + 1, indent: i, key: name, item: s.top().dashed && s.top().count == 0}
	s.top().last = here
	s.top().count++
	return s.value(n, r, end, here)
}

// value follows what comes after "key:" (or "- "), from column j.
func (s *syntaxScan) value(n int, r []rune, j int, owner blockLine) *syntaxProblem {
	for j < len(r) && r[j] == ' ' {
		j++
	}
	if j >= len(r) || r[j] == '#' {
		s.pending = true
		return nil
	}
	switch r[j] {
	case '"', '\'':
		end := closeQuote(r, j+1, r[j])
		if end < 0 {
			s.quote = &opener{ch: r[j], line: n, col: j + 1, indent: owner.indent, key: owner.key}
			return nil
		}
		s.inline = &owner
		return s.afterValue(n, r, end)
	case '{', '[':
		return s.flowTokens(n, r, j, owner.indent)
	case '|', '>':
		s.block = owner.indent
		return nil
	case '@', '`':
		return &syntaxProblem{n, j + 1, fmt.Sprintf("YAML does not allow a value to start with %c: put the whole value in quotes", r[j])}
	case '&', '!':
		// An anchor or a tag, then the value: aliases are refused later, with their own message.
		k := j
		for k < len(r) && r[k] != ' ' {
			k++
		}
		return s.value(n, r, k, owner)
	}
	for k := j; k < len(r); k++ {
		switch {
		case r[k] == '#' && r[k-1] == ' ':
			k = len(r)
		case r[k] == ':' && (k+1 == len(r) || r[k+1] == ' '):
			what := "this value"
			if owner.key != "" && owner.key != "-" {
				what = fmt.Sprintf("the value of %q", owner.key)
			}
			if word := string(r[j:k]); !strings.ContainsAny(word, " \t") && owner.key != "-" {
				// "showWhen: field: x": a mapping written where only text can go.
				return &syntaxProblem{n, k + 1, fmt.Sprintf("%s has \"%s: \" in it, which YAML cannot read on one line: to give %q a mapping, write it in braces, %s: { %s }, or on the lines below it; if it is text, put it in quotes",
					what, word, owner.key, owner.key, strings.TrimSpace(string(r[j:])))}
			}
			return &syntaxProblem{n, k + 1, fmt.Sprintf("%s has \": \" in it, which YAML reads as the start of another key: put the whole value in quotes", what)}
		}
	}
	s.inline = &owner
	return nil
}

// afterValue checks that nothing but a comment follows a quoted value that ended at column end.
func (s *syntaxScan) afterValue(n int, r []rune, end int) *syntaxProblem {
	for k := end; k < len(r); k++ {
		switch r[k] {
		case ' ':
			continue
		case '#':
			return nil
		}
		return &syntaxProblem{n, k + 1, "there is text after the closing quote: put all of the value inside the quotes"}
	}
	return nil
}

// flowTokens follows a line inside { } or [ ] from column j. indent is that of the line holding the
// outermost opening bracket.
func (s *syntaxScan) flowTokens(n int, r []rune, j, indent int) *syntaxProblem {
	start := true // where a scalar may start: after an opener, a comma or ": "
	for ; j < len(r); j++ {
		c := r[j]
		switch {
		case c == ' ':
			continue
		case c == '#' && (j == 0 || r[j-1] == ' '):
			return nil
		case c == '{' || c == '[':
			s.flow = append(s.flow, opener{ch: c, line: n, col: j + 1, indent: indent})
			start = true
		case c == '}' || c == ']':
			if len(s.flow) == 0 {
				return &syntaxProblem{n, j + 1, fmt.Sprintf("this %c closes nothing: remove it, or put the value in quotes", c)}
			}
			top := s.flow[len(s.flow)-1]
			if closer(top.ch) != c {
				return &syntaxProblem{top.line, top.col, fmt.Sprintf("this %c is never closed: end it with %c before the %c on line %d", top.ch, closer(top.ch), c, n)}
			}
			s.flow = s.flow[:len(s.flow)-1]
			if len(s.flow) == 0 {
				s.inline = &blockLine{line: n, col: indent + 1, indent: indent, key: keyOfLine(r, indent)}
				return s.afterValue(n, r, j+1)
			}
			start = false
		case c == ',':
			start = true
		case c == ':':
			start = true
		case (c == '"' || c == '\'') && start:
			end := closeQuote(r, j+1, c)
			if end < 0 {
				s.quote = &opener{ch: c, line: n, col: j + 1, indent: indent}
				return nil
			}
			j = end - 1
			start = false
		default:
			// A plain scalar: it ends at a flow indicator, at ": " and at " #".
			for ; j < len(r); j++ {
				c := r[j]
				if c == ',' || c == '[' || c == ']' || c == '{' || c == '}' ||
					c == ':' && (j+1 == len(r) || strings.ContainsRune(" ,[]{}", r[j+1])) ||
					c == '#' && r[j-1] == ' ' {
					break
				}
				if c == '?' && !start {
					s.question = append(s.question, position{n, j + 1})
				}
				start = false
			}
			j--
		}
	}
	return nil
}

func (s *syntaxScan) top() *blockLevel {
	if len(s.levels) == 0 {
		return nil
	}
	return &s.levels[len(s.levels)-1]
}

// misaligned explains a line whose indent lines up with no open block. popped is the innermost
// mapping it left, most likely the one it belongs to.
func (s *syntaxScan) misaligned(n int, r []rune, i int, popped *blockLevel) *syntaxProblem {
	switch {
	case popped != nil && !popped.seq && !popped.dashed && popped.count == 1 && s.top() != nil && i > s.top().indent:
		// The first key of a nested block indented further than the keys after it: that key is wrong.
		return &syntaxProblem{popped.last.line, popped.last.col, fmt.Sprintf("this line is indented more than the lines after it: line %q up with %s on line %d (column %d)", popped.last.key, describeStart(r, i), n, i+1)}
	case popped != nil && popped.seq:
		return &syntaxProblem{n, i + 1, fmt.Sprintf("this list item is not lined up with the items above it: line its - up with the - on line %d (column %d)", popped.last.line, popped.last.col)}
	case popped != nil && popped.last.key != "":
		return &syntaxProblem{n, i + 1, fmt.Sprintf("this line is not lined up with the lines above it: line %s up with %q on line %d (column %d)", describeStart(r, i), popped.last.key, popped.last.line, popped.last.col)}
	}
	return &syntaxProblem{n, i + 1, fmt.Sprintf("this line is not lined up with the lines above it: line %s up with the keys it belongs with", describeStart(r, i))}
}

func (s *syntaxScan) unclosedQuote() *syntaxProblem {
	q := s.quote
	name := "quote"
	if q.ch == '\'' {
		name = "single quote"
	}
	if q.key != "" && q.key != "-" {
		name += fmt.Sprintf(" at the start of the value of %q", q.key)
	}
	return &syntaxProblem{q.line, q.col, fmt.Sprintf("this %s is never closed: end the text with %c on the same line", name, q.ch)}
}

func (s *syntaxScan) unclosedFlow() *syntaxProblem {
	o := s.flow[len(s.flow)-1]
	what := "mapping"
	if o.ch == '[' {
		what = "list"
	}
	return &syntaxProblem{o.line, o.col, fmt.Sprintf("this %c is never closed: end the %s with %c", o.ch, what, closer(o.ch))}
}

func closer(c rune) rune {
	if c == '{' {
		return '}'
	}
	return ']'
}

// closeQuote finds the end of a quoted scalar begun before column j, returning the column after the
// closing quote, or -1 when the line ends first.
func closeQuote(r []rune, j int, q rune) int {
	for ; j < len(r); j++ {
		switch {
		case q == '"' && r[j] == '\\':
			j++
		case r[j] == q && q == '\'' && j+1 < len(r) && r[j+1] == '\'':
			j++
		case r[j] == q:
			return j + 1
		}
	}
	return -1
}

// keyEnd finds a plain key at column i, "name:" followed by a space or the end of the line; it returns
// the column after the colon and the name, or -1.
func keyEnd(r []rune, i int) (int, string) {
	if i < len(r) && (r[i] == '"' || r[i] == '\'') {
		end := closeQuote(r, i+1, r[i])
		if end > 0 && end < len(r) && r[end] == ':' && (end+1 == len(r) || r[end+1] == ' ') {
			return end + 1, string(r[i+1 : end-1])
		}
		return -1, ""
	}
	for k := i; k < len(r); k++ {
		switch {
		case r[k] == ':' && (k+1 == len(r) || r[k+1] == ' '):
			return k + 1, string(r[i:k])
		case r[k] == '#' && k > i && r[k-1] == ' ', r[k] == '"' && k == i, r[k] == '\'' && k == i, r[k] == '{' && k == i, r[k] == '[' && k == i:
			return -1, ""
		}
	}
	return -1, ""
}

func looksLikeKey(r []rune, i int) bool {
	end, name := keyEnd(r, i)
	return end > 0 && !strings.ContainsAny(name, " \t")
}

func keyOfLine(r []rune, i int) string {
	if isDash(r, i) {
		i += 2
	}
	_, name := keyEnd(r, i)
	return name
}

func isDash(r []rune, i int) bool {
	return i >= 0 && i < len(r) && r[i] == '-' && (i+1 == len(r) || r[i+1] == ' ')
}

func isBlank(r []rune) bool { return strings.TrimSpace(string(r)) == "" }

// describeStart names what a line starts with: its key, or its first few characters.
func describeStart(r []rune, i int) string {
	if name := keyOfLine(r, i); name != "" {
		return fmt.Sprintf("%q", name)
	}
	text := strings.TrimSpace(string(r[i:]))
	if utf8.RuneCountInString(text) > 20 {
		text = string([]rune(text)[:20]) + "…"
	}
	return fmt.Sprintf("%q", text)
}

// questionMark stands in for each ? of a flow plain scalar while yaml.v3 parses the file. It is one
// rune, so that every column yaml.v3 reports stays right.
const questionMark = '\uE000'

// protectQuestionMarks returns the text with the ? the scan found replaced by questionMark, or nil
// when there are none (or the text already holds the stand-in).
func protectQuestionMarks(data []byte, at []position) []byte {
	if len(at) == 0 || strings.ContainsRune(string(data), questionMark) {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	for _, p := range at {
		r := []rune(lines[p.line-1])
		r[p.col-1] = questionMark
		lines[p.line-1] = string(r)
	}
	return []byte(strings.Join(lines, "\n"))
}
