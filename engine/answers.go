package engine

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Answers are the answers to a form: a draft keeps exactly what was typed; a submission is the cleaned,
// typed result of Validate. Values holds the answers outside per-child sections, by field id; Children
// holds the answers of per-child sections, by child id and then field id. Tables and lists hold a list of
// rows, each a map by column id.
type Answers struct {
	Values   map[string]any            `json:"values"`
	Children map[string]map[string]any `json:"children,omitempty"`
	// Visited are the pages (section ids, "section/child" for a child's page) the person has saved at
	// least once, in the order last saved, the latest last: a draft's bookkeeping, never part of a
	// submission.
	Visited []string `json:"visited,omitempty"`
}

// Child is one child of a family form's sibling group, from the case data.
type Child struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	DOB  string `json:"dob,omitempty"`
}

// Children lists the children of a family form's case data, in the council's order.
func (f *Form) Children(caseData any) []Child {
	if f.Scope != ScopeFamily {
		return nil
	}
	list, _ := lookupPath(normaliseJSON(caseData), caseDataFamily)
	items, _ := list.([]any)
	out := make([]Child, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m[childIDProperty].(string)
		if id == "" {
			continue
		}
		name, _ := m["name"].(string)
		dob, _ := m["dob"].(string)
		out = append(out, Child{ID: id, Name: name, DOB: dob})
	}
	return out
}

// PageValues are the answers a page of section s shows (for a per-child section, those of the child with
// the id), with the read-only questions' values from prefilled (what Prefill made of the case data; made
// once by the caller, as every page of a request shows the same).
func PageValues(prefilled, answers Answers, s *Section, child string) map[string]any {
	vals := map[string]any{}
	src, pre := answers.Values, prefilled.Values
	if child != "" {
		src, pre = answers.Children[child], prefilled.Children[child]
	}
	for k, v := range src {
		vals[k] = v
	}
	for _, fd := range s.Fields {
		if fd.ReadOnly {
			vals[fd.ID] = pre[fd.ID]
		}
		if len(fd.FixedRows) > 0 { // a table's fixed rows are on the page even before they are answered
			vals[fd.ID] = fd.FixedRowsFirst(vals[fd.ID])
		}
	}
	return vals
}

// Prefill makes the first answers of a new draft from case data, after checking the case data against the
// form's case-data schema. It returns the problems with the case data instead when there are any.
func (f *Form) Prefill(caseData any) (Answers, []CaseDataError) {
	caseData = normaliseJSON(caseData)
	if errs := f.CheckCaseData(caseData); len(errs) > 0 {
		return Answers{}, errs
	}
	a := Answers{Values: map[string]any{}}
	children := f.Children(caseData)
	childData := childCaseData(caseData)
	for _, s := range f.Sections {
		if s.RepeatFor != "" {
			continue // an item typed in has no case data
		}
		for _, fd := range s.Fields {
			if fd.Prefill == "" {
				continue
			}
			if !s.PerChild {
				v, ok := prefillValue(fd, caseData, fd.Prefill)
				if ok && !fd.ReadOnly && isAnswered(v) && strings.HasPrefix(fd.Prefill, caseDataSubmitter+".") {
					v, ok = f.submitterValue(fd, v) // a referral's account details, as FillSubmitter a delegation's
				}
				if ok {
					a.Values[fd.ID] = v
				}
				continue
			}
			rest := strings.TrimPrefix(fd.Prefill, caseDataChild+".")
			for _, c := range children {
				if v, ok := prefillValue(fd, childData[c.ID], rest); ok {
					if a.Children == nil {
						a.Children = map[string]map[string]any{}
					}
					if a.Children[c.ID] == nil {
						a.Children[c.ID] = map[string]any{}
					}
					a.Children[c.ID][fd.ID] = v
				}
			}
		}
	}
	return a, nil
}

func childCaseData(caseData any) map[string]any {
	list, _ := lookupPath(caseData, caseDataFamily)
	items, _ := list.([]any)
	out := make(map[string]any, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			if id, ok := m[childIDProperty].(string); ok {
				out[id] = m
			}
		}
	}
	return out
}

// prefillValue reads a path of case data and turns it into a draft answer for the field.
func prefillValue(fd *Field, data any, path string) (any, bool) {
	v, ok := lookupPath(data, path)
	if !ok || v == nil {
		return nil, false
	}
	if fd.Container() {
		items, ok := v.([]any)
		if !ok {
			return nil, false
		}
		rows := make([]any, 0, len(items))
		for _, it := range items {
			row := map[string]any{}
			for _, col := range fd.Children() {
				if col.Prefill == "" {
					continue
				}
				if cv, ok := prefillValue(col, it, col.Prefill); ok {
					row[col.ID] = cv
				}
			}
			rows = append(rows, row)
		}
		return rows, true
	}
	return draftText(fd, v)
}

// draftText turns a JSON value into the text a draft keeps for a simple field.
func draftText(fd *Field, v any) (any, bool) {
	switch v := v.(type) {
	case string:
		if fd.Type == TypeDate && len(v) > 10 && v[10] == 'T' {
			return v[:10], true // a date-time from the case system: keep the calendar date
		}
		return v, true
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		if v {
			return valueYes, true
		}
		return valueNo, true
	case []any:
		if fd.Type == TypeCheckboxes {
			return v, true
		}
	}
	return nil, false
}
