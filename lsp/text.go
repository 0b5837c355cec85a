package lsp

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Positions: engine diagnostics and yaml.v3 count lines and columns from 1, columns in characters; the
// protocol counts from 0, columns in UTF-16 code units. Both break lines at \n, \r\n and \r.

// lineStarts returns the byte offset at which each line of text starts.
func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		case '\n':
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line returns line n (from 0) of text without its line break.
func line(text string, starts []int, n int) string {
	if n < 0 || n >= len(starts) {
		return ""
	}
	end := len(text)
	if n+1 < len(starts) {
		end = starts[n+1]
	}
	return strings.TrimRight(text[starts[n]:end], "\r\n")
}

// utf16Len is how many UTF-16 code units s takes.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // invalid UTF-8 decodes as U+FFFD: one unit
	}
	return n
}

// runeOffset is the byte offset in s of its character number i (from 0), or len(s).
func runeOffset(s string, i int) int {
	for off := range s {
		if i == 0 {
			return off
		}
		i--
	}
	return len(s)
}

// utf16Offset is the byte offset in s of the UTF-16 code unit u, or len(s).
func utf16Offset(s string, u int) int {
	for off, r := range s {
		if u <= 0 {
			return off
		}
		u -= utf16.RuneLen(r)
	}
	return len(s)
}

// offsetAt turns a protocol position into a byte offset in text, clamped to the text.
func offsetAt(text string, starts []int, p position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(starts) {
		return len(text)
	}
	return starts[p.Line] + utf16Offset(line(text, starts, p.Line), p.Character)
}

// applyEdit replaces the range of text with newText (an incremental change, for clients that send them).
func applyEdit(text string, r lspRange, newText string) string {
	starts := lineStarts(text)
	from, to := offsetAt(text, starts, r.Start), offsetAt(text, starts, r.End)
	if to < from {
		from, to = to, from
	}
	return text[:from] + newText + text[to:]
}

// tokenEnd returns the byte offset in ln where the YAML token starting at byte start ends: a quoted
// scalar to its closing quote, a flow collection to its closing bracket, a plain scalar or key to the
// colon, comma, bracket or comment that ends it; at most the end of the line.
func tokenEnd(ln string, start int) int {
	if start >= len(ln) {
		return len(ln)
	}
	rest := strings.TrimRight(ln, " \t")
	switch ln[start] {
	case '"', '\'':
		if end := closingQuote(ln, start); end > 0 {
			return end
		}
		return max(len(rest), start)
	case '{', '[':
		if end := closingBracket(ln, start); end > 0 {
			return end
		}
		return max(len(rest), start)
	case '|', '>', ' ', '\t': // a block scalar, or a place in the indentation: the rest of the line
		return max(len(rest), start)
	}
	flow := flowDepth(ln[:start]) > 0
	i := start
	for i < len(ln) {
		c := ln[i]
		next := byte(' ')
		if i+1 < len(ln) {
			next = ln[i+1]
		}
		switch {
		case c == ':' && (next == ' ' || next == '\t' || flow && strings.IndexByte(",]}", next) >= 0):
		case c == '#' && i > start && (ln[i-1] == ' ' || ln[i-1] == '\t'):
		case flow && strings.IndexByte(",]}", c) >= 0:
		default:
			_, w := utf8.DecodeRuneInString(ln[i:])
			i += w
			continue
		}
		break
	}
	return max(len(strings.TrimRight(ln[:i], " \t")), start)
}

// closingQuote returns the offset just past the quote closing the one at ln[start], or 0.
func closingQuote(ln string, start int) int {
	q := ln[start]
	for i := start + 1; i < len(ln); i++ {
		switch {
		case q == '"' && ln[i] == '\\':
			i++
		case ln[i] == q && q == '\'' && i+1 < len(ln) && ln[i+1] == '\'':
			i++
		case ln[i] == q:
			return i + 1
		}
	}
	return 0
}

// closingBracket returns the offset just past the bracket closing the one at ln[start], or 0.
func closingBracket(ln string, start int) int {
	depth := 0
	for i := start; i < len(ln); i++ {
		switch ln[i] {
		case '"', '\'':
			if !opensQuote(ln, i) {
				continue
			}
			end := closingQuote(ln, i)
			if end == 0 {
				return 0
			}
			i = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// flowDepth is how many flow collections are open at the end of s, a line up to some point.
func flowDepth(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '\'':
			if !opensQuote(s, i) {
				continue
			}
			end := closingQuote(s, i)
			if end == 0 {
				return depth
			}
			i = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth = max(depth-1, 0)
		case '#':
			if i == 0 || s[i-1] == ' ' || s[i-1] == '\t' {
				return depth
			}
		}
	}
	return depth
}

// opensQuote reports whether the quote at s[i] starts a quoted scalar rather than being part of a plain
// one (Child's name).
func opensQuote(s string, i int) bool {
	return i == 0 || strings.IndexByte(" \t{[,:", s[i-1]) >= 0
}
