package engine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxCaseDataBytes is the most case data a delegation may carry: a family's details, the children's and
// the sender's, need a few kilobytes.
const MaxCaseDataBytes = 64 << 10

// maxBoundErrors keeps the answer to a bad request short, however many properties it has.
const maxBoundErrors = 20

// BoundCaseData checks the shape of case data (decoded JSON, size bytes as sent) before its schema is
// applied: no more than MaxCaseDataBytes, and no property the schema does not name where the schema
// does not itself allow others (additionalProperties), so the data is nested no deeper than the schema.
// Stored case data is copied into every read of the delegation, so what is not declared is not kept.
func (f *Form) BoundCaseData(data any, size int) []CaseDataError {
	if size > MaxCaseDataBytes {
		return []CaseDataError{{Path: "/", Message: fmt.Sprintf("case data is %d KB; the most accepted is %d KB", (size+1023)/1024, MaxCaseDataBytes/1024)}}
	}
	var out []CaseDataError
	boundValue(f.CaseData, data, "", &out)
	return out
}

func boundValue(schema map[string]any, data any, path string, out *[]CaseDataError) {
	if len(*out) >= maxBoundErrors {
		return
	}
	switch d := data.(type) {
	case map[string]any:
		if t := schemaType(schema); t != "" && t != "object" {
			return // the schema reports the wrong type, without descending
		}
		props, _ := schema["properties"].(map[string]any)
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			at := path + "/" + escapePointer(k)
			if sub, ok := props[k].(map[string]any); ok {
				boundValue(sub, d[k], at, out)
				continue
			}
			switch extra := schema["additionalProperties"]; {
			case extra == true:
				boundOpen(d[k], at, out)
			case extra != nil && extra != false:
				sub, _ := extra.(map[string]any)
				boundValue(sub, d[k], at, out)
			default:
				*out = append(*out, CaseDataError{Path: at, Message: fmt.Sprintf("%q is not part of this form's case data%s", k, knownNames(props))})
			}
			if len(*out) >= maxBoundErrors {
				return
			}
		}
	case []any:
		if t := schemaType(schema); t != "" && t != "array" {
			return
		}
		items, _ := schema["items"].(map[string]any)
		for i, v := range d {
			boundValue(items, v, path+"/"+strconv.Itoa(i), out)
		}
	}
}

// maxOpenDepth is how deep data may go where the schema allows any properties.
const maxOpenDepth = 8

func boundOpen(data any, path string, out *[]CaseDataError) {
	var depth func(v any, n int) bool
	depth = func(v any, n int) bool {
		if n > maxOpenDepth {
			return false
		}
		switch c := v.(type) {
		case map[string]any:
			for _, x := range c {
				if !depth(x, n+1) {
					return false
				}
			}
		case []any:
			for _, x := range c {
				if !depth(x, n+1) {
					return false
				}
			}
		}
		return true
	}
	if !depth(data, 0) {
		*out = append(*out, CaseDataError{Path: path, Message: fmt.Sprintf("is nested more than %d levels deep", maxOpenDepth)})
	}
}

func knownNames(props map[string]any) string {
	if len(props) == 0 {
		return ""
	}
	return "; it has " + strings.Join(sortedKeys(props), ", ")
}
