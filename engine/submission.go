package engine

// SubmissionSchema derives the JSON Schema (draft 7) of a completed submission of the form, as Validate
// produces it, for the council's case management system. With sections given (a delegation), only those
// sections are described. A question is listed as required only when it is always asked.
func (f *Form) SubmissionSchema(sections ...string) map[string]any {
	values := objectSchema()
	perChild := objectSchema()
	for _, s := range f.Sections {
		if len(sections) > 0 && !containsString(sections, s.ID) {
			continue
		}
		target := values
		if s.Repeats() {
			target = perChild
		}
		for _, fd := range s.Fields {
			if !fd.Answerable() {
				continue
			}
			fs := fieldSchema(fd)
			if fd.StaffOnly() { // answered by staff, perhaps after the submission (visibility.go)
				fs["x-visibleTo"] = VisibleToStaff
			}
			target["properties"].(map[string]any)[fd.ID] = fs
			if fd.Required && !fd.StaffOnly() && fd.ShowWhen == nil && s.ShowWhen == nil {
				target["required"] = append(target["required"].([]any), fd.ID)
			}
		}
	}
	props := map[string]any{"values": values}
	if len(perChild["properties"].(map[string]any)) > 0 {
		props["children"] = map[string]any{
			"type":                 "object",
			"description":          "Answers of the sections asked for each child, by the council's child id, and of the sections repeated for each item of a list, by the item's itemId.",
			"additionalProperties": perChild,
		}
	}
	return map[string]any{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"title":                f.Title + " (version " + itoa(f.Version) + ") submission",
		"type":                 "object",
		"required":             []any{"values"},
		"additionalProperties": false,
		"properties":           props,
	}
}

func objectSchema() map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{}, "required": []any{}}
}

func fieldSchema(fd *Field) map[string]any {
	s := map[string]any{}
	if fd.Label != "" {
		s["title"] = fd.Label
	}
	switch fd.Type {
	case TypeText, TypeTextarea:
		s["type"] = "string"
		if fd.MaxLength != nil {
			s["maxLength"] = *fd.MaxLength
		}
		if fd.MinLength != nil {
			s["minLength"] = *fd.MinLength
		}
		if fd.Pattern != "" {
			s["pattern"] = "^(?:" + fd.Pattern + ")$"
		}
		if fd.MaxWords != nil {
			s["description"] = "At most " + itoa(*fd.MaxWords) + " words."
		}
	case TypeEmail:
		s["type"], s["pattern"] = "string", EmailPattern
	case TypePhone:
		s["type"], s["pattern"] = "string", phoneRE.String()
		s["description"] = "Digits only: a UK number as dialled in the UK (01632960001), another country's as + and its digits."
	case TypeNumber:
		s["type"] = "number"
		if fd.Integer {
			s["type"] = "integer"
		}
		if fd.Min != nil {
			s["minimum"] = *fd.Min
		}
		if fd.Max != nil {
			s["maximum"] = *fd.Max
		}
	case TypeDate:
		s["type"], s["format"] = "string", "date"
	case TypeSelect, TypeRadios:
		s["type"], s["enum"] = "string", optionValues(fd)
	case TypeYesNo:
		s["type"], s["enum"] = "string", []any{valueYes, valueNo}
	case TypeDeclaration:
		s["const"] = true
	case TypeCheckboxes:
		s["type"], s["uniqueItems"] = "array", true
		s["items"] = map[string]any{"type": "string", "enum": optionValues(fd)}
	case TypeChildren:
		s["type"], s["uniqueItems"], s["minItems"] = "array", true, 1
		s["items"] = map[string]any{"type": "string", "description": "the council's id of a child of the group"}
		if !fd.MultipleChildren() {
			s["maxItems"] = 1
		}
	case TypeAttachments:
		s["type"] = "array"
		kind := map[string]any{"type": "string"}
		if len(fd.Accept) > 0 {
			kind["enum"] = stringsToAny(fd.Accept)
		}
		s["items"] = map[string]any{
			"type":     "object",
			"required": []any{"id", "name", "size", "kind"},
			"properties": map[string]any{
				"id": map[string]any{"type": "string"}, "name": map[string]any{"type": "string"},
				"size": map[string]any{"type": "integer", "minimum": 0}, "kind": kind,
			},
		}
		if fd.MaxFiles > 0 {
			s["maxItems"] = fd.MaxFiles
		}
	// Word limits and the UK answer types (ukschema.go).
	case TypeNHSNumber, TypeNINumber, TypeUPN, TypeTime, TypeDateOfBirth, TypeAddress:
		ukFieldSchema(fd, s)
	case TypeSignature:
		signatureSchema(s)
	case TypeComputed:
		computedSchema(fd, s)
	case TypeTable, TypeList:
		row := objectSchema()
		for _, col := range fd.Children() {
			if !col.Answerable() {
				continue
			}
			row["properties"].(map[string]any)[col.ID] = fieldSchema(col)
			if col.Required && col.ShowWhen == nil {
				row["required"] = append(row["required"].([]any), col.ID)
			}
		}
		if fd.repeated { // lists15: a section repeats for the items, its answers by their ids
			// Not required: an item saved before its list was repeated for has none until it is saved
			// again, and no repeated answers.
			row["properties"].(map[string]any)[ItemIDKey] = map[string]any{"type": "string",
				"description": "The item's id: the answers of the sections repeated for each item are under it in children. Absent on an item with no repeated answers yet."}
		}
		if len(fd.FixedRows) > 0 { // struct15: a fixed row says which it is; one left blank says only that
			var ids []any
			for _, fr := range fd.FixedRows {
				ids = append(ids, fr.ID)
			}
			which := map[string]any{"type": "string", "enum": ids, "description": "The fixed row this row is, by id; absent on rows added after them."}
			row["properties"].(map[string]any)[FixedRowKey] = which
			blank := map[string]any{"type": "object", "additionalProperties": false, "required": []any{FixedRowKey}, "properties": map[string]any{FixedRowKey: which}}
			s["type"], s["items"] = "array", map[string]any{"anyOf": []any{row, blank}}
		} else {
			s["type"], s["items"] = "array", row
		}
		if c := chronologySchema(fd); c != nil {
			s["x-chronology"] = c
		}
		lo, hi := rowLimits(fd)
		if lo > 0 {
			s["minItems"] = lo
		}
		if hi > 0 {
			s["maxItems"] = hi
		}
	}
	return s
}

func optionValues(fd *Field) []any {
	out := make([]any, len(fd.Options))
	for i, o := range fd.Options {
		out[i] = o.Value
	}
	return out
}

func stringsToAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func itoa(n int) string { return formatNumber(float64(n)) }

// computedSchema describes a computed value: its result type, and the expression it is worked out by
// (absent when the expression needs an answer not given).
func computedSchema(fd *Field, s map[string]any) {
	switch fd.Result {
	case ResultNumber:
		s["type"] = "number"
		if fd.Integer {
			s["type"] = "integer"
		}
	case ResultDate:
		s["type"], s["format"] = "string", "date"
	case ResultYesNo:
		s["type"], s["enum"] = "string", []any{valueYes, valueNo}
	default:
		s["type"] = "string"
	}
	s["readOnly"] = true
	s["description"] = "Worked out by the portal, never typed in: " + fd.Expr
}
