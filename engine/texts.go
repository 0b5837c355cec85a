package engine

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The texts of a form that people read, found by one walk over the model, so that translation, its lint
// and its completeness check cover every text property, including ones added later: a string property
// of the model must be listed either in textProperties or in notTextProperties (TestEveryStringIsClassified).

// textProperties are the model's properties a person reads: each is translated.
var textProperties = map[string]bool{
	"Form.Title": true, "Form.Description": true,
	"Section.Title": true, "Section.Description": true, "Section.ItemTitle": true,
	"Field.Label": true, "Field.Hint": true, "Field.Name": true, "Field.Text": true, "Field.Heading": true,
	"Field.ItemLabel":   true,
	"Messages.Required": true, "Messages.Pattern": true, "Messages.Format": true, "Messages.Min": true,
	"Messages.Max": true,
	"Option.Label": true, "Option.Hint": true,
	"Rule.Message": true, "Condition.Text": true, "Field.Summary": true,
	"Option.Group": true, "FixedRow.Label": true, // struct15: option groups' headings, fixed rows' labels
}

// notTextProperties are the model's string properties nobody reads as they are: ids, types, paths,
// values and settings.
var notTextProperties = map[string]bool{
	"Form.ID": true, "Form.Kind": true, "Form.Audience": true, "Form.Scope": true, "Form.Migrate": true,
	"Form.File": true, "Form.Languages": true, "Form.CaseData": true,
	"Retention.DraftsFrom": true,
	"Section.ID":           true, "Section.RepeatFor": true,
	"Field.ID": true, "Field.Type": true, "Field.Prefill": true, "Field.RenamedFrom": true, "Field.Pattern": true,
	"Field.MinDate": true, "Field.MaxDate": true, "Field.After": true, "Field.Before": true, "Field.OrderBy": true,
	"Field.Accept":    true,
	"Option.Value":    true,
	"Condition.Field": true, "Condition.Equals": true, "Condition.NotEquals": true, "Condition.In": true,
	"Condition.Contains": true, "Condition.Expr": true,
	"Field.Expr": true, "Field.Result": true, "Field.RequiredWhen": true,
	// A chronology table's columns (chronology.go).
	"Field.DateColumn": true, "Field.AgencyColumn": true, "Field.ChildColumn": true, "Field.EventColumn": true,
	"Rule.Expr": true, "Rule.Fields": true, "Field.Style": true,
	// struct15: names of shared lists and groups, and what a use of a group gives its questions on loading
	// (their names and hints, translated as theirs).
	"Field.OptionList": true, "Field.Use": true, "Field.Whose": true, "Field.Prefills": true, "Field.Hints": true,
	"FixedRow.ID": true, "Group.Description": true,
	"Field.SameAs": true, // an address's: the id of another address question
	// Who sees a question or section (visibility.go).
	"Field.VisibleTo": true, "Section.VisibleTo": true,
}

// textEntry is one text of a form, where the model and the file hold it.
type textEntry struct {
	key     string  // its translation key: "sections.health.fields.gp_name.label"
	elemKey string  // the key of the element holding it: "sections.health.fields.gp_name"
	elemPtr string  // the JSON pointer of that element: "/sections/2/fields/0"
	rel     string  // its property in the element: "label", "messages.required"
	pointer string  // the JSON pointer of the English text: "/sections/2/fields/0/label"
	text    *string // the text in the model
	// def is the key of the same text in the shared definition it was copied from (an option list, a
	// question group), when the copy's English is the definition's: a translation there serves every use.
	def string
}

// element is a translatable element: the form, or an item of one of its lists (a section, a field, a
// column, an option...), which may hold a translation block of its own.
type element struct {
	key, pointer string
}

// formTexts lists every non-empty text of the form in file order, and every element that may hold
// texts.
func formTexts(f *Form) (texts []textEntry, elems []element) {
	w := textWalk{seen: map[string]bool{}}
	w.element("", "")
	w.walk(reflect.ValueOf(f).Elem(), "", "", "", "")
	// A copy falls back to its definition's translation only where the use kept the definition's English
	// (a use's own hints and names are the use's to translate).
	english := make(map[string]string, len(w.texts))
	for _, t := range w.texts {
		english[t.key] = *t.text
	}
	for i, t := range w.texts {
		if e, ok := english[t.def]; t.def != "" && (!ok || e != *t.text) {
			w.texts[i].def = ""
		}
	}
	return w.texts, w.elems
}

type textWalk struct {
	texts []textEntry
	elems []element
	seen  map[string]bool // element keys listed
}

var (
	fieldType       = reflect.TypeOf(Field{})
	optionItemsType = reflect.TypeOf(OptionItems{})
)

func (w *textWalk) element(key, ptr string) {
	if !w.seen[key] {
		w.seen[key] = true
		w.elems = append(w.elems, element{key, ptr})
	}
}

func (w *textWalk) text(elemKey, elemPtr, prop, def string, s *string) {
	if *s == "" {
		return
	}
	w.texts = append(w.texts, textEntry{key: joinKey(elemKey, prop), elemKey: elemKey, elemPtr: elemPtr, rel: prop,
		pointer: elemPtr + "/" + strings.ReplaceAll(prop, ".", "/"), text: s, def: defKey(def, prop)})
}

// defKey is the key below a definition's key, or "" when there is no definition.
func defKey(def, rel string) string {
	if def == "" {
		return ""
	}
	return joinKey(def, rel)
}

// walk visits the struct v, part of the element at elemKey/elemPtr (copied from the definition at def,
// or ""), at the property path rel within it.
func (w *textWalk) walk(v reflect.Value, elemKey, elemPtr, rel, def string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name := jsonName(sf)
		if !sf.IsExported() || name == "" || t.Name()+"."+sf.Name == "Option.Group" { // options() walks headings
			continue
		}
		fv := v.Field(i)
		prop := joinKey(rel, name)
		if textProperties[t.Name()+"."+sf.Name] {
			w.text(elemKey, elemPtr, prop, def, fv.Addr().Interface().(*string))
			continue
		}
		ptr := elemPtr + "/" + strings.ReplaceAll(prop, ".", "/")
		switch {
		case fv.Type() == optionItemsType:
			listDef := defKey(def, prop)
			if t == fieldType && v.FieldByName("OptionList").String() != "" {
				listDef = "optionLists." + v.FieldByName("OptionList").String()
			}
			w.options(fv, joinKey(elemKey, prop), ptr, listDef)
		case fv.Kind() == reflect.Struct:
			w.walk(fv, elemKey, elemPtr, prop, def)
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct && !fv.IsNil():
			w.walk(fv.Elem(), elemKey, elemPtr, prop, def)
		case fv.Kind() == reflect.Map && (fv.Type().Elem() == optionItemsType || structElem(fv.Type().Elem())):
			// The form's shared definitions (optionLists, groups), keyed by name.
			keys := make([]string, 0, fv.Len())
			for _, k := range fv.MapKeys() {
				keys = append(keys, k.String())
			}
			slices.Sort(keys)
			for _, k := range keys {
				key, kptr := joinKey(joinKey(elemKey, prop), k), ptr+"/"+escapePointer(k)
				mv := fv.MapIndex(reflect.ValueOf(k))
				if mv.Type() == optionItemsType {
					w.options(mv, key, kptr, "")
					continue
				}
				if mv.Kind() == reflect.Pointer {
					if mv.IsNil() {
						continue
					}
					mv = mv.Elem()
				}
				w.element(key, kptr)
				w.walk(mv, key, kptr, "", "")
			}
		case fv.Kind() == reflect.Slice && structElem(fv.Type().Elem()):
			for j := 0; j < fv.Len(); j++ {
				item := fv.Index(j)
				if item.Kind() == reflect.Pointer {
					if item.IsNil() {
						continue
					}
					item = item.Elem()
				}
				key := joinKey(joinKey(elemKey, prop), itemName(item, j))
				itemDef := defKey(def, joinKey(prop, itemName(item, j)))
				itemPtr := ptr + "/" + strconv.Itoa(j)
				w.element(key, itemPtr)
				if item.Type() == fieldType {
					if fd := item.Addr().Interface().(*Field); fd.use != nil {
						// A question made from a group: its own texts (a use's hint, a whose name) are
						// reported at the use that made it.
						itemDef = "groups." + fd.use.Use + ".fields." + strings.TrimPrefix(fd.ID, fd.use.ID+groupSeparator)
						itemPtr = fd.use.pointer
					}
				}
				w.walk(item, key, itemPtr, "", itemDef)
			}
		}
	}
}

// options visits a list of choices at key/ptr (copied from the list at def, or ""). A choice is keyed by
// its value and found where it was written, inside its option group if it has one; a group's heading is
// the group's, keyed by the group's position from 1 (optionLists.ethnicity.4.group), so it is translated
// once for all its choices.
func (w *textWalk) options(list reflect.Value, key, ptr, def string) {
	for j := 0; j < list.Len(); j++ {
		o := list.Index(j).Addr().Interface().(*Option)
		at := o.at
		if at == "" {
			at = "/" + strconv.Itoa(j)
		}
		if o.Group != "" {
			g, _, _ := strings.Cut(strings.TrimPrefix(at, "/"), "/")
			n, _ := strconv.Atoi(g)
			gkey := joinKey(key, strconv.Itoa(n+1))
			w.element(gkey, ptr+"/"+g)
			w.text(gkey, ptr+"/"+g, "group", defKey(def, strconv.Itoa(n+1)), &o.Group)
		}
		name := itemName(reflect.ValueOf(o).Elem(), j)
		w.element(joinKey(key, name), ptr+at)
		w.walk(reflect.ValueOf(o).Elem(), joinKey(key, name), ptr+at, "", defKey(def, name))
	}
}

func structElem(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}

// itemName names an item of a list in a translation key: its id, else its value (an option), else its
// position from 1.
func itemName(item reflect.Value, j int) string {
	for _, name := range []string{"ID", "Value"} {
		if f := item.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			return f.String()
		}
	}
	return strconv.Itoa(j + 1)
}

func jsonName(sf reflect.StructField) string {
	tag := sf.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return sf.Name
	}
	return name
}

func joinKey(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// listProperties are the JSON names of the model's lists of elements: sections, fields, columns, options...
var listProperties = modelLists()

func modelLists() map[string]bool {
	out := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Struct:
				visit(ft)
			case ft.Kind() == reflect.Slice && structElem(ft.Elem()):
				out[jsonName(sf)] = true
				e := ft.Elem()
				if e.Kind() == reflect.Pointer {
					e = e.Elem()
				}
				visit(e)
			}
		}
	}
	visit(reflect.TypeOf(Form{}))
	return out
}
