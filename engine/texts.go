package engine

import (
	"reflect"
	"strconv"
	"strings"
)

// The texts of a form that people read, found by one walk over the model, so that translation, its lint
// and its completeness check cover every text property, including ones added later: a string property
// of the model must be listed either in textProperties or in notTextProperties (TestEveryStringIsClassified).

// textProperties are the model's properties a person reads: each is translated.
var textProperties = map[string]bool{
	"Form.Title": true, "Form.Description": true,
	"Section.Title": true, "Section.Description": true,
	"Field.Label": true, "Field.Hint": true, "Field.Name": true, "Field.Text": true, "Field.Heading": true,
	"Field.ItemLabel":   true,
	"Messages.Required": true, "Messages.Pattern": true, "Messages.Format": true, "Messages.Min": true,
	"Messages.Max": true,
	"Option.Label": true, "Option.Hint": true,
	"Rule.Message": true, "Condition.Text": true, "Field.Summary": true,
}

// notTextProperties are the model's string properties nobody reads as they are: ids, types, paths,
// values and settings.
var notTextProperties = map[string]bool{
	"Form.ID": true, "Form.Kind": true, "Form.Audience": true, "Form.Scope": true, "Form.Migrate": true,
	"Form.File": true, "Form.Languages": true, "Form.CaseData": true,
	"Retention.DraftsFrom": true,
	"Section.ID":           true,
	"Field.ID":             true, "Field.Type": true, "Field.Prefill": true, "Field.RenamedFrom": true, "Field.Pattern": true,
	"Field.MinDate": true, "Field.MaxDate": true, "Field.After": true, "Field.Before": true, "Field.OrderBy": true,
	"Field.Accept":    true,
	"Option.Value":    true,
	"Condition.Field": true, "Condition.Equals": true, "Condition.NotEquals": true, "Condition.In": true,
	"Condition.Contains": true, "Condition.Expr": true,
	"Field.Expr": true, "Field.Result": true, "Field.RequiredWhen": true,
	"Rule.Expr": true, "Rule.Fields": true, "Field.Style": true,
}

// textEntry is one text of a form, where the model and the file hold it.
type textEntry struct {
	key     string  // its translation key: "sections.health.fields.gp_name.label"
	elemKey string  // the key of the element holding it: "sections.health.fields.gp_name"
	elemPtr string  // the JSON pointer of that element: "/sections/2/fields/0"
	rel     string  // its property in the element: "label", "messages.required"
	pointer string  // the JSON pointer of the English text: "/sections/2/fields/0/label"
	text    *string // the text in the model
}

// element is a translatable element: the form, or an item of one of its lists (a section, a field, a
// column, an option...), which may hold a translation block of its own.
type element struct {
	key, pointer string
}

// formTexts lists every non-empty text of the form in file order, and every element that may hold
// texts.
func formTexts(f *Form) (texts []textEntry, elems []element) {
	w := textWalk{}
	w.elems = append(w.elems, element{"", ""})
	w.walk(reflect.ValueOf(f).Elem(), "", "", "")
	return w.texts, w.elems
}

type textWalk struct {
	texts []textEntry
	elems []element
}

// walk visits the struct v, part of the element at elemKey/elemPtr, at the property path rel within it.
func (w *textWalk) walk(v reflect.Value, elemKey, elemPtr, rel string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name := jsonName(sf)
		if !sf.IsExported() || name == "" {
			continue
		}
		fv := v.Field(i)
		prop := joinKey(rel, name)
		if textProperties[t.Name()+"."+sf.Name] {
			if s := fv.Addr().Interface().(*string); *s != "" {
				w.texts = append(w.texts, textEntry{key: joinKey(elemKey, prop), elemKey: elemKey, elemPtr: elemPtr, rel: prop,
					pointer: elemPtr + "/" + strings.ReplaceAll(prop, ".", "/"), text: s})
			}
			continue
		}
		switch {
		case fv.Kind() == reflect.Struct:
			w.walk(fv, elemKey, elemPtr, prop)
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct && !fv.IsNil():
			w.walk(fv.Elem(), elemKey, elemPtr, prop)
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
				ptr := elemPtr + "/" + strings.ReplaceAll(prop, ".", "/") + "/" + strconv.Itoa(j)
				w.elems = append(w.elems, element{key, ptr})
				w.walk(item, key, ptr, "")
			}
		}
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
