package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// source is a parsed YAML document turned into JSON values, remembering which YAML node each JSON
// pointer came from so that every problem can be reported at a file:line:column.
type source struct {
	file  string
	value any                   // JSON-shaped: map[string]any, []any, string, json.Number, bool, nil
	nodes map[string]*yaml.Node // JSON pointer -> value node
	keys  map[string]*yaml.Node // JSON pointer -> the mapping key node that holds it
	diags Diagnostics
	lines []string // the text, for what the node tree does not keep
	// question is set when the ? of flow plain scalars were stood in for while yaml.v3 parsed.
	question bool
}

// parseSource parses YAML into a source. It walks the node tree itself rather than decoding into
// interface{}: dates stay strings, duplicate keys are caught, and positions are kept.
func parseSource(file string, data []byte) *source {
	s := &source{file: file, nodes: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}, lines: strings.Split(string(data), "\n")}
	scan, problem := scanSyntax(data)
	parsed := data
	if protected := protectQuestionMarks(data, scan.question); protected != nil {
		parsed, s.question = protected, true
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(parsed, &doc); err != nil {
		if problem != nil {
			s.add(problem.line, problem.col, Error, "yaml-syntax", "%s", problem.msg)
			return s
		}
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		// yaml.v3 reports "yaml: line N: message", often lines early and never with a column.
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if n, after, ok := strings.Cut(rest, ": "); ok {
				if l, err := strconv.Atoi(n); err == nil {
					line, msg = l, after
				}
			}
		}
		if words, ok := yamlWords[msg]; ok {
			msg = words + " (YAML says: " + msg + ")"
		}
		s.add(line, firstColumn(data, line), Error, "yaml-syntax", "the file is not valid YAML: %s", msg)
		return s
	}
	if len(doc.Content) == 0 {
		s.add(1, 1, Error, "yaml-syntax", "the file is empty")
		return s
	}
	s.value = s.convert(doc.Content[0], "", 0)
	// yaml.Unmarshal reads the first document only; a second one would be silently ignored.
	dec := yaml.NewDecoder(bytes.NewReader(parsed))
	var first, second yaml.Node
	if dec.Decode(&first) == nil && dec.Decode(&second) == nil {
		s.add(second.Line, 1, Error, "yaml-syntax", "the file holds more than one YAML document: put each form in its own file")
	}
	return s
}

func (s *source) add(line, col int, sev Severity, rule, format string, args ...any) {
	s.diags = append(s.diags, Diagnostic{File: s.file, Line: line, Col: col, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// maxDepth bounds nesting so that a hostile document cannot exhaust the stack.
const maxDepth = 64

func (s *source) convert(n *yaml.Node, pointer string, depth int) any {
	if depth > maxDepth {
		s.add(n.Line, n.Column, Error, "yaml-syntax", "the document is nested more than %d levels deep", maxDepth)
		return nil
	}
	if n.Kind == yaml.AliasNode {
		s.add(n.Line, n.Column, Error, "yaml-syntax", "aliases (*%s) are not supported: write the value out", n.Value)
		return nil
	}
	s.nodes[pointer] = n
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				s.add(k.Line, k.Column, Error, "yaml-syntax", "a key must be a plain name")
				continue
			}
			if k.Value == "<<" {
				s.add(k.Line, k.Column, Error, "yaml-syntax", "merge keys (<<) are not supported: write the keys out")
				continue
			}
			if s.question {
				k.Value = strings.ReplaceAll(k.Value, string(questionMark), "?")
			}
			if first, dup := seen[k.Value]; dup {
				s.add(k.Line, k.Column, Error, "duplicate-key", "%q is already set on line %d", k.Value, first.Line)
				continue
			}
			if n.Style&yaml.FlowStyle != 0 && i >= 2 && s.bareKey(k, v) {
				s.commaInValue(n.Content[i-2], n.Content[i-1], k)
				continue
			}
			seen[k.Value] = k
			child := pointer + "/" + escapePointer(k.Value)
			s.keys[child] = k
			m[k.Value] = s.convert(v, child, depth+1)
		}
		return m
	case yaml.SequenceNode:
		a := make([]any, len(n.Content))
		for i, c := range n.Content {
			a[i] = s.convert(c, pointer+"/"+strconv.Itoa(i), depth+1)
		}
		return a
	case yaml.ScalarNode:
		if s.question {
			n.Value = strings.ReplaceAll(n.Value, string(questionMark), "?")
		}
		return scalarValue(n)
	}
	return nil
}

// scalarValue gives a YAML scalar its JSON value. Timestamps stay strings: a form's dates are
// calendar dates, not instants.
func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return n.Value
		}
		return b
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		return n.Value
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return n.Value
	}
	return n.Value
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// at reports where the value at a JSON pointer is. A missing pointer falls back to its nearest ancestor.
func (s *source) at(pointer string) (line, col int) {
	for {
		if n, ok := s.nodes[pointer]; ok {
			return n.Line, n.Column
		}
		i := strings.LastIndexByte(pointer, '/')
		if i < 0 {
			return 1, 1
		}
		pointer = pointer[:i]
	}
}

// keyAt reports where the key holding the value at a pointer is; for a sequence item, the item itself.
func (s *source) keyAt(pointer string) (line, col int) {
	if k, ok := s.keys[pointer]; ok {
		return k.Line, k.Column
	}
	return s.at(pointer)
}

// yamlWords says what yaml.v3's messages mean to a designer, for the mistakes the locating pass does
// not recognise.
var yamlWords = map[string]string{
	"found character that cannot start any token":                  "this line has a character YAML cannot read where it is: put the value in quotes",
	"did not find expected key":                                    "YAML expected another key here: check the indentation and the quotes of this line and the lines above it",
	"could not find expected ':'":                                  "YAML expected key: value here: check the line has \": \" after its key",
	"block sequence entries are not allowed in this context":       "a list item (- ) cannot start here: put it on a line of its own, under the key whose list it is",
	"mapping values are not allowed in this context":               "there is a \": \" where YAML cannot have one: put the value in quotes",
	"found unexpected end of stream":                               "the file ends inside a quote or a bracket: close it",
	"did not find expected alphabetic or numeric character":        "a value starting with * or & is read as an alias or an anchor: if it is text, put it in quotes",
	"did not find expected node content":                           "a value is missing here",
	"did not find expected '-' indicator":                          "a line here is not lined up with the list it is in",
	"found a tab character that violates indentation":              "indent with spaces, not tabs",
	"found a tab character where an indentation space is expected": "indent with spaces, not tabs",
}

// firstColumn is the column of the first character of a line that is not a space, or 1.
func firstColumn(data []byte, line int) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	text := []rune(lines[line-1])
	for i, r := range text {
		if r != ' ' {
			return i + 1
		}
	}
	return 1
}

// bareKey reports whether a key of a { } mapping stands alone, with no ": " and value after it, as
// "address" does in { label: Name, address }.
func (s *source) bareKey(k, v *yaml.Node) bool {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!null" || k.Style != 0 || k.Line < 1 || k.Line > len(s.lines) {
		return false
	}
	r := []rune(s.lines[k.Line-1])
	j := k.Column - 1 + len([]rune(k.Value))
	for j < len(r) && r[j] == ' ' {
		j++
	}
	return j >= len(r) || r[j] == ',' || r[j] == '}'
}

// commaInValue reports the designer's most likely mistake when a { } mapping has a key standing alone:
// the value before it held a comma and was not quoted.
func (s *source) commaInValue(prevKey, prevValue, k *yaml.Node) {
	if prevValue.Kind == yaml.ScalarNode && prevValue.Style == 0 && prevValue.ShortTag() == "!!str" {
		s.add(k.Line, k.Column, Error, "unquoted-comma", "the comma before %q ends the value of %q, so YAML reads %q as a property of its own: put the value in quotes, as in %s: \"%s, %s\"",
			k.Value, prevKey.Value, k.Value, prevKey.Value, prevValue.Value, k.Value)
		return
	}
	s.add(k.Line, k.Column, Error, "unquoted-comma", "%q has no value: write %s: and its value, or put the text with the comma before it in quotes", k.Value, k.Value)
}
