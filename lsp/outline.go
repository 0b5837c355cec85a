package lsp

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// outline is what completion needs of a form that may be half typed and fail formlint: its sections and
// fields with their ids, types and places, read straight from the YAML node tree.
type outline struct {
	root     *yaml.Node // the top-level mapping
	scope    string
	caseData *yaml.Node
	sections map[string]*outlineSection // by pointer, like /sections/0
	fields   map[string]*outlineField   // by pointer, like /sections/0/fields/2/columns/1
	order    []*outlineField            // every field, containers before their columns and items
}

type outlineSection struct {
	id       string
	index    int
	perChild bool
}

type outlineField struct {
	id, typ, label, prefill string
	section                 *outlineSection
	parent                  *outlineField // the table or list holding the field
	children                []*outlineField
	order                   int // place in outline.order
}

// maxOutlineDepth bounds the walks of the node tree, as the engine bounds its own.
const maxOutlineDepth = 64

// parseOutline reads the outline of a form's text, or returns nil when the text is not YAML or not a mapping.
func parseOutline(text string) *outline {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	o := &outline{root: doc.Content[0], sections: map[string]*outlineSection{}, fields: map[string]*outlineField{}}
	eachPair(o.root, func(k string, v *yaml.Node) {
		switch k {
		case "scope":
			o.scope = v.Value
		case "caseData":
			o.caseData = v
		case "sections":
			if v.Kind != yaml.SequenceNode {
				return
			}
			for i, sn := range v.Content {
				s := &outlineSection{index: i}
				p := "/sections/" + strconv.Itoa(i)
				o.sections[p] = s
				eachPair(sn, func(k string, v *yaml.Node) {
					switch k {
					case "id":
						s.id = v.Value
					case "perChild":
						s.perChild = v.Value == "true"
					case "fields":
						o.addFields(v, s, nil, p+"/fields", 0)
					}
				})
			}
		}
	})
	return o
}

func (o *outline) addFields(seq *yaml.Node, s *outlineSection, parent *outlineField, pointer string, depth int) {
	if seq.Kind != yaml.SequenceNode || depth > maxOutlineDepth {
		return
	}
	for i, fn := range seq.Content {
		f := &outlineField{section: s, parent: parent, order: len(o.order)}
		p := pointer + "/" + strconv.Itoa(i)
		o.fields[p] = f
		o.order = append(o.order, f)
		if parent != nil {
			parent.children = append(parent.children, f)
		}
		eachPair(fn, func(k string, v *yaml.Node) {
			switch k {
			case "id":
				f.id = v.Value
			case "type":
				f.typ = v.Value
			case "label":
				f.label = v.Value
			case "prefill":
				f.prefill = v.Value
			case "columns", "fields":
				o.addFields(v, s, f, p+"/"+k, depth+1)
			}
		})
	}
}

// eachPair calls visit with each scalar key of a mapping and its value.
func eachPair(n *yaml.Node, visit func(key string, value *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode {
			visit(k.Value, n.Content[i+1])
		}
	}
}

// place is a 1-based line and column (in characters), as yaml.v3 counts.
type place struct{ line, col int }

func (a place) before(b place) bool { return a.line < b.line || a.line == b.line && a.col < b.col }

func nodePlace(n *yaml.Node) place { return place{n.Line, n.Column} }

// pathAt returns the keys and sequence indexes leading from the top of the form to the innermost value
// holding a place, like [sections 2 fields 0 showWhen field]. A key's value is taken to run from the key to
// the next key of its mapping (a sequence item's, to the next item), so a half-typed value still has a place.
func (o *outline) pathAt(at place) []string {
	var path []string
	n, end := o.root, place{line: 1 << 30}
	for depth := 0; depth < maxOutlineDepth; depth++ {
		var next *yaml.Node
		var step string
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				stop := end
				if i+2 < len(n.Content) {
					stop = nodePlace(n.Content[i+2])
				}
				if !at.before(nodePlace(n.Content[i])) && at.before(stop) {
					next, step, end = n.Content[i+1], n.Content[i].Value, stop
					break
				}
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				stop := end
				if i+1 < len(n.Content) {
					stop = nodePlace(n.Content[i+1])
				}
				if !at.before(nodePlace(item)) && at.before(stop) {
					next, step, end = item, strconv.Itoa(i), stop
					break
				}
			}
		}
		if next == nil {
			return path
		}
		path = append(path, step)
		n = next
	}
	return path
}

// pointer joins path steps into a JSON-pointer-like key of outline.fields and outline.sections.
func pointer(path []string) string { return "/" + strings.Join(path, "/") }
