package engine

// Anonymise clears from answers (a draft or a submission) every answer to a field marked sensitive, at
// any depth (a table's columns, a list's items), and every document list: what stays serves statistics.
func (f *Form) Anonymise(a Answers) Answers {
	var fields []*Field
	for _, s := range f.Sections {
		fields = append(fields, s.Fields...)
	}
	clearSensitive(fields, a.Values)
	for _, vals := range a.Children {
		clearSensitive(fields, vals)
	}
	return a
}

func clearSensitive(fields []*Field, vals map[string]any) {
	for _, fd := range fields {
		v, ok := vals[fd.ID]
		if !ok {
			continue
		}
		if fd.Sensitive || fd.Type == TypeAttachments {
			delete(vals, fd.ID)
			continue
		}
		inner := fd.Columns
		if fd.Type == TypeList {
			inner = fd.Fields
		}
		if len(inner) == 0 {
			continue
		}
		rows, _ := v.([]any)
		for _, r := range rows {
			if m, ok := r.(map[string]any); ok {
				clearSensitive(inner, m)
			}
		}
	}
}

// AnonymiseCaseData keeps of case data only its identifiers: every "id" that is a string, where it was.
func AnonymiseCaseData(caseData any) any {
	switch x := caseData.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, v := range x {
			if id, ok := v.(string); ok && k == childIDProperty {
				out[k] = id
				continue
			}
			if kept := AnonymiseCaseData(v); kept != nil {
				out[k] = kept
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, v := range x {
			if kept := AnonymiseCaseData(v); kept != nil {
				out = append(out, kept)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}
