package engine

import (
	"sort"
	"strings"
)

// PrefillPath is a case-data path a field can be prefilled from, with the JSON Schema type declared there.
type PrefillPath struct {
	Path string
	Type string
}

// Bounds on the case-data schema walk: a schema being typed in an editor can be anything.
const (
	maxPrefillDepth = 16
	maxPrefillPaths = 1000
)

// PrefillPaths lists the paths of a case-data schema (caseData, as decoded from YAML or JSON) that a field
// of fieldType can be prefilled from, following the rules of checkPrefill: in a family form, child is the
// current child inside perChild sections only; within, when not "", is the prefill of the table or list
// holding the field, whose fields' paths are relative to an item of that array. An empty fieldType (not
// typed yet) accepts every type but object; a path whose type is not declared fits every field. Paths do not go through arrays: prefill reads no array items by index.
func PrefillPaths(caseData map[string]any, scope string, perChild bool, within, fieldType string) []PrefillPath {
	accepts, known := prefillTypes[fieldType]
	if fieldType != "" && !known {
		return nil
	}
	var out []PrefillPath
	add := func(prefix string, root map[string]any, skip string) {
		walkPrefillPaths(root, prefix, skip, 0, func(p PrefillPath) {
			fits := p.Type == "" || containsString(accepts, p.Type) || fieldType == "" && p.Type != "object"
			if fits && len(out) < maxPrefillPaths {
				out = append(out, p)
			}
		})
	}
	family := scope == ScopeFamily
	if within != "" {
		parts := strings.Split(within, ".")
		root := caseData
		if family && parts[0] == caseDataChild && perChild {
			root, parts = childItems(caseData), parts[1:]
		}
		arr, _, _ := schemaAt(root, parts)
		if items, _ := arr["items"].(map[string]any); items != nil {
			add("", items, "")
		}
		return out
	}
	skip := ""
	if family {
		skip = caseDataChild // the case data's own child property is not reachable from a family form
		if perChild {
			if items := childItems(caseData); items != nil {
				add(caseDataChild+".", items, "")
			}
		}
	}
	add("", caseData, skip)
	return out
}

// childItems is the schema of one child of a family form's case data, or nil.
func childItems(caseData map[string]any) map[string]any {
	children, _, _ := schemaAt(caseData, []string{caseDataFamily})
	items, _ := children["items"].(map[string]any)
	return items
}

func walkPrefillPaths(node map[string]any, prefix, skip string, depth int, visit func(PrefillPath)) {
	props, _ := node["properties"].(map[string]any)
	if depth >= maxPrefillDepth {
		return
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		child, ok := props[name].(map[string]any)
		if !ok || depth == 0 && name == skip {
			continue
		}
		t := schemaType(child)
		visit(PrefillPath{Path: prefix + name, Type: t})
		if t == "object" || t == "" {
			walkPrefillPaths(child, prefix+name+".", "", depth+1, visit)
		}
	}
}
