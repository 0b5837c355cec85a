package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// caseDataSchema is a form's compiled case-data schema with its raw tree, which prefill paths are
// resolved against.
type caseDataSchema struct {
	compiled *jsonschema.Schema
	tree     map[string]any
}

func compileCaseData(form *Form) (*caseDataSchema, error) {
	raw, err := json.Marshal(form.CaseData)
	if err != nil {
		return nil, fmt.Errorf("encoding caseData: %w", err)
	}
	url := "formportal:///" + form.ID + "/caseData.schema.json"
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
		return nil, err
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, err
	}
	return &caseDataSchema{compiled: s, tree: form.CaseData}, nil
}

// CaseDataError is one way case data fails its form's schema, at a JSON pointer into the case data.
type CaseDataError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (e CaseDataError) Error() string { return e.Path + ": " + e.Message }

// CheckCaseData validates case data (decoded JSON) against the form's case-data schema and returns every
// problem. A form that declares no caseData accepts only an empty object or none.
func (f *Form) CheckCaseData(data any) []CaseDataError {
	data = normaliseJSON(data)
	if f.caseData == nil {
		if m, ok := data.(map[string]any); data == nil || ok && len(m) == 0 {
			return nil
		}
		return []CaseDataError{{Path: "/", Message: "this form accepts no case data"}}
	}
	err := f.caseData.compiled.Validate(data)
	if err == nil {
		return f.duplicateChildren(data)
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []CaseDataError{{Path: "/", Message: err.Error()}}
	}
	var out []CaseDataError
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		p := leaf.InstanceLocation
		if p == "" {
			p = "/"
		}
		e := CaseDataError{Path: p, Message: leaf.Message}
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// normaliseJSON turns Go values built by hand (map[string]string, []map[string]any, int) into the
// shapes encoding/json produces, so the schema validator and the prefill walk see one representation.
func normaliseJSON(v any) any {
	switch v.(type) {
	case nil, map[string]any, []any, string, bool, float64, json.Number:
		if !needsNormalising(v) {
			return v
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return v
	}
	return out
}

func needsNormalising(v any) bool {
	switch c := v.(type) {
	case map[string]any:
		for _, x := range c {
			if needsNormalising(x) {
				return true
			}
		}
		return false
	case []any:
		for _, x := range c {
			if needsNormalising(x) {
				return true
			}
		}
		return false
	case nil, string, bool, float64, json.Number:
		return false
	}
	return true
}

// schemaAt walks a dotted path through a schema's properties (and an array's items). It returns the
// schema of the value at the path, or the name that could not be found with the names that could.
func schemaAt(root map[string]any, path []string) (node map[string]any, missing string, known []string) {
	node = root
	for _, part := range path {
		if items, ok := node["items"].(map[string]any); ok && schemaType(node) == "array" {
			node = items
		}
		props, _ := node["properties"].(map[string]any)
		next, ok := props[part].(map[string]any)
		if !ok {
			return nil, part, sortedKeys(props)
		}
		node = next
	}
	return node, "", nil
}

// schemaType returns a schema node's declared type, or "" when it declares none or several.
func schemaType(node map[string]any) string {
	switch t := node["type"].(type) {
	case string:
		return t
	case []any:
		var kinds []string
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				kinds = append(kinds, s)
			}
		}
		if len(kinds) == 1 {
			return kinds[0]
		}
	}
	return ""
}

// lookupPath reads a dotted path from decoded JSON data.
func lookupPath(data any, path string) (any, bool) {
	if path == "" {
		return data, true
	}
	for _, part := range strings.Split(path, ".") {
		m, ok := data.(map[string]any)
		if !ok {
			return nil, false
		}
		data, ok = m[part]
		if !ok {
			return nil, false
		}
	}
	return data, true
}

// duplicateChildren reports children of a sibling group sharing an id: their answers would mix.
func (f *Form) duplicateChildren(data any) []CaseDataError {
	if f.Scope != ScopeFamily {
		return nil
	}
	list, _ := lookupPath(data, caseDataFamily)
	items, _ := list.([]any)
	seen := map[string]bool{}
	var out []CaseDataError
	for i, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m[childIDProperty].(string)
		if seen[id] {
			out = append(out, CaseDataError{Path: fmt.Sprintf("/%s/%d/%s", caseDataFamily, i, childIDProperty), Message: fmt.Sprintf("another child already has the id %q", id)})
		}
		seen[id] = true
	}
	return out
}
