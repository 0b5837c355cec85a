package engine

import (
	"strings"

	"formportal/guidance"

	"gopkg.in/yaml.v3"
)

// Guidance content (content15): designer text in Markdown (content text, section descriptions, hints)
// is checked against the guidance package's safe subset, each problem at its place in the text, and a
// content field's style against its summary.

func (c *checker) checkGuidance() {
	for _, s := range c.form.Sections {
		c.checkGuidanceText(s.pointer+"/description", s.Description, false)
	}
	c.form.walkFields(func(fd *Field) {
		c.checkGuidanceText(fd.pointer+"/hint", fd.Hint, true)
		if fd.Type != TypeContent {
			return
		}
		c.checkGuidanceText(fd.pointer+"/text", fd.Text, fd.Style == StyleWarning)
		switch {
		case fd.Style == StyleDetails && fd.Summary == "":
			c.errorf(fd.pointer+"/style", "content-style", "%s is details with no summary: give the link text that opens it, as in summary: Help with this question", fd.place())
		case fd.Style != StyleDetails && fd.Summary != "":
			c.errorf(fd.pointer+"/summary", "content-style", "%s has a summary, which only style: details shows: add style: details or take the summary out", fd.place())
		case fd.Style == StyleDetails && fd.Heading != "":
			c.warnf(fd.pointer+"/heading", "content-style", "%s is details, which shows its summary, not a heading: the heading is shown above it", fd.place())
		case fd.Style == StyleWarning && fd.Text == "":
			c.errorf(fd.pointer+"/style", "content-style", "%s is a warning with no text: write the warning in text", fd.place())
		}
	})
}

func (c *checker) checkGuidanceText(pointer, text string, inline bool) {
	if text == "" {
		return
	}
	for _, p := range guidance.Problems(text, inline) {
		line, col := c.src.inText(pointer, p.Offset)
		sev := Error
		if p.Warning {
			sev = Warning
		}
		c.src.add(line, col, sev, p.Rule, "%s", p.Message)
	}
}

// inText reports where a byte of a string value is in the file: exactly for a literal block (|) and a
// value on one line, at the value's start otherwise (a folded or multi-line value moves its lines).
func (s *source) inText(pointer string, offset int) (line, col int) {
	line, col = s.at(pointer)
	n, ok := s.nodes[pointer]
	if !ok || offset < 0 || offset > len(n.Value) {
		return line, col
	}
	before := n.Value[:offset]
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		k := strings.Count(before, "\n")
		l := n.Line + 1 + k
		if l > len(s.lines) {
			return line, col
		}
		indent := len(s.lines[l-1]) - len(strings.TrimLeft(s.lines[l-1], " "))
		return l, indent + len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	case strings.Contains(n.Value, "\n") || n.Style&yaml.FoldedStyle != 0:
		return line, col
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		return line, col + 1 + len([]rune(before))
	}
	return line, col + len([]rune(before))
}
