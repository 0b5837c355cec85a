package engine

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// FormSchema is the JSON Schema of the form definition language, for editors and tools.
//
//go:embed schema/form.schema.json
var FormSchema []byte

const formSchemaURL = "https://formportal.example/schema/form.schema.json"

var (
	formSchemaOnce     sync.Once
	formSchemaCompiled *jsonschema.Schema
	formSchemaTree     map[string]any
)

func formSchema() (*jsonschema.Schema, map[string]any) {
	formSchemaOnce.Do(func() {
		if err := json.Unmarshal(FormSchema, &formSchemaTree); err != nil {
			panic(fmt.Sprintf("engine: embedded form schema is not JSON: %v", err))
		}
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft7
		if err := c.AddResource(formSchemaURL, bytes.NewReader(FormSchema)); err != nil {
			panic(fmt.Sprintf("engine: embedded form schema: %v", err))
		}
		formSchemaCompiled = c.MustCompile(formSchemaURL)
	})
	return formSchemaCompiled, formSchemaTree
}

var (
	fieldPropsOnce   sync.Once
	fieldPropsCommon []string
	fieldPropsByType map[string][]string
)

// fieldPropertySets reads from the language's schema the properties every field takes (its properties)
// and, by type, those the type adds (the allOf branch whose if names the type), each list sorted. The
// schema is the one place a field property is declared; formlint's field-property rule follows it.
func fieldPropertySets() (common []string, byType map[string][]string) {
	fieldPropsOnce.Do(func() {
		_, tree := formSchema()
		field, _ := lookupPointer(tree, "/definitions/field").(map[string]any)
		fieldPropsCommon = schemaPropertyNames(field)
		fieldPropsByType = map[string][]string{}
		branches, _ := field["allOf"].([]any)
		for _, b := range branches {
			types, _ := lookupPointer(b, "/if/properties/type/enum").([]any)
			props := schemaPropertyNames(lookupPointer(b, "/then"))
			for _, t := range types {
				name := fmt.Sprint(t)
				fieldPropsByType[name] = append(fieldPropsByType[name], props...)
			}
		}
		for _, props := range fieldPropsByType {
			sort.Strings(props)
		}
	})
	return fieldPropsCommon, fieldPropsByType
}

// Load parses and checks one form definition. It returns the form (nil when it could not be built) and
// every problem found, errors and warnings, in file order. A form is usable only when no diagnostic is an
// error.
//
// A published version's definition holds its parallel translation files after it (translate.go).
func Load(file string, data []byte) (*Form, Diagnostics) {
	data, parallel := splitDefinition(file, data)
	return LoadTranslated(file, data, parallel...)
}

// LoadTranslated is Load of a form file with its parallel translation files (ReadTranslations).
func LoadTranslated(file string, data []byte, parallel ...TranslationFile) (*Form, Diagnostics) {
	src := parseSource(file, data)
	if len(src.diags) > 0 {
		src.diags.Sort()
		return nil, src.diags
	}
	checkAgainstSchema(src)
	if len(src.diags) > 0 {
		src.diags.Sort()
		return nil, src.diags
	}
	form, err := decodeForm(src)
	if err != nil {
		src.add(1, 1, Error, "invalid-value", "the definition cannot be read: %v", err)
		return nil, src.diags
	}
	form.definition = joinDefinition(data, parallel)
	if form.hash, err = contentHash(withoutTranslations(src.value)); err != nil {
		src.add(1, 1, Error, "invalid-value", "the definition cannot be read: %v", err)
		return nil, src.diags
	}
	c := &checker{form: form, src: src}
	c.run()
	c.checkTranslations(parallel)
	src.diags.Sort()
	src.diags = src.diags.Unique()
	if src.diags.HasErrors() {
		return nil, src.diags
	}
	return form, src.diags
}

// LoadFS loads every *.yaml and *.yml file in a directory of fsys, sorted by name. Forms with errors are
// left out of the result; all diagnostics are returned.
func LoadFS(fsys fs.FS, dir string) ([]*Form, Diagnostics, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading forms from %s: %w", dir, err)
	}
	var forms []*Form
	var all Diagnostics
	ids := map[string]string{}
	for _, e := range entries {
		if !e.IsDir() && IsTranslationFile(e.Name()) {
			all = append(all, OrphanTranslation(fsys, path.Join(dir, e.Name()))...)
		}
		if e.IsDir() || !IsFormFile(e.Name()) {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := readFormFile(fsys, p)
		if err != nil {
			return nil, nil, fmt.Errorf("reading form %s: %w", p, err)
		}
		parallel, err := ReadTranslations(fsys, p)
		if err != nil {
			return nil, nil, err
		}
		f, diags := LoadTranslated(p, data, parallel...)
		all = append(all, diags...)
		if f == nil {
			continue
		}
		if other, dup := ids[f.ID]; dup {
			all = append(all, Diagnostic{File: p, Line: 1, Col: 1, Severity: Error, Rule: "duplicate-form",
				Message: fmt.Sprintf("form id %q is also used by %s", f.ID, other)})
			continue
		}
		ids[f.ID] = p
		forms = append(forms, f)
	}
	return forms, all, nil
}

// MaxFormFile is the largest form file LoadFS reads: many times the largest form.
const MaxFormFile = 1 << 20

// readFormFile reads a regular file of at most MaxFormFile bytes.
func readFormFile(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", info.Mode().Type())
	}
	if info.Size() > MaxFormFile {
		return nil, fmt.Errorf("larger than %d bytes", MaxFormFile)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFormFile+1))
	if err == nil && len(data) > MaxFormFile {
		err = fmt.Errorf("larger than %d bytes", MaxFormFile)
	}
	return data, err
}

// IsFormFile reports whether a file name is that of a form definition.
func IsFormFile(name string) bool {
	return (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) &&
		!IsTranslationFile(name) // a parallel translation file, FORM.cy.yaml (translate.go)
}

func decodeForm(src *source) (*Form, error) {
	raw, err := json.Marshal(src.value)
	if err != nil {
		return nil, fmt.Errorf("encoding definition: %w", err)
	}
	var f Form
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("decoding definition: %w", err)
	}
	f.File = src.file
	f.src = src
	f.views = &formViews{}
	f.fields = map[string]*Field{}
	for i, s := range f.Sections {
		s.pointer = fmt.Sprintf("/sections/%d", i)
		setConditionPointers(s.ShowWhen, s.pointer+"/showWhen")
		for j, fd := range s.Fields {
			linkField(fd, s, nil, fmt.Sprintf("%s/fields/%d", s.pointer, j))
		}
	}
	// struct15: question groups and option lists.
	expandGroups(&f)
	f.walkFields(func(fd *Field) { linkOptions(&f, fd) })
	return &f, nil
}

func linkField(fd *Field, s *Section, parent *Field, pointer string) {
	fd.pointer, fd.section, fd.parent = pointer, s, parent
	setConditionPointers(fd.ShowWhen, pointer+"/showWhen")
	for i, c := range fd.Columns {
		linkField(c, s, fd, fmt.Sprintf("%s/columns/%d", pointer, i))
	}
	for i, c := range fd.Fields {
		linkField(c, s, fd, fmt.Sprintf("%s/fields/%d", pointer, i))
	}
}

func setConditionPointers(c *Condition, pointer string) {
	if c == nil {
		return
	}
	c.pointer = pointer
	for i, a := range c.All {
		setConditionPointers(a, fmt.Sprintf("%s/all/%d", pointer, i))
	}
	for i, a := range c.Any {
		setConditionPointers(a, fmt.Sprintf("%s/any/%d", pointer, i))
	}
	setConditionPointers(c.Not, pointer+"/not")
}

// checkAgainstSchema validates the definition against the language's JSON Schema and turns each failure
// into a diagnostic at the node it concerns, in words a form designer understands.
func checkAgainstSchema(src *source) {
	schema, tree := formSchema()
	err := schema.Validate(src.value)
	if err == nil {
		return
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		src.add(1, 1, Error, "invalid-value", "the definition cannot be checked: %v", err)
		return
	}
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		for _, d := range describeSchemaError(src, tree, leaf) {
			key := d.String()
			if !seen[key] {
				seen[key] = true
				src.diags = append(src.diags, d)
			}
		}
	}
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func describeSchemaError(src *source, tree map[string]any, ve *jsonschema.ValidationError) []Diagnostic {
	_, frag, _ := strings.Cut(ve.AbsoluteKeywordLocation, "#")
	keyword := frag[strings.LastIndexByte(frag, '/')+1:]
	parent, _ := lookupPointer(tree, frag[:max(strings.LastIndexByte(frag, '/'), 0)]).(map[string]any)
	inst := ve.InstanceLocation
	value := lookupPointer(src.value, inst)
	name := describeLocation(src.value, inst)
	diag := func(line, col int, rule, format string, args ...any) Diagnostic {
		return Diagnostic{File: src.file, Line: line, Col: col, Severity: Error, Rule: rule, Message: fmt.Sprintf(format, args...)}
	}
	if strings.Contains(ve.KeywordLocation, "/propertyNames/") {
		// The name of a property, not its value, is wrong: inst is where the property is.
		key, _ := value.(string)
		if i := strings.LastIndexByte(inst, '/'); i >= 0 {
			key = strings.ReplaceAll(strings.ReplaceAll(inst[i+1:], "~1", "/"), "~0", "~")
			name = describeLocation(src.value, inst[:i])
		}
		var names []string
		for _, n := range parent["enum"].([]any) {
			names = append(names, fmt.Sprint(n))
		}
		line, col := src.keyAt(inst)
		msg := fmt.Sprintf("unknown property %q in %s", key, name)
		if s := suggest(key, names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return []Diagnostic{diag(line, col, "unknown-property", "%s", msg)}
	}
	switch keyword {
	case "additionalProperties":
		obj, _ := value.(map[string]any)
		allowed := schemaPropertyNames(parent)
		var out []Diagnostic
		for _, k := range sortedKeys(obj) {
			if containsString(allowed, k) {
				continue
			}
			line, col := src.keyAt(inst + "/" + escapePointer(k))
			msg := fmt.Sprintf("unknown property %q in %s", k, name)
			if inner := innerLevel(inst); inner != "" && containsString(schemaPropertyNames(lookupPointer(tree, "/definitions/"+inner)), k) {
				// Most likely a key of the field (section) above, indented too little.
				msg += fmt.Sprintf(": it is a property of a %s, so it is probably indented too little: line it up with the keys of the %s above it", inner, inner)
			} else if s := suggest(k, allowed); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			out = append(out, diag(line, col, "unknown-property", "%s", msg))
		}
		return out
	case "required":
		obj, _ := value.(map[string]any)
		req, _ := parent["required"].([]any)
		var out []Diagnostic
		line, col := src.keyAt(inst)
		for _, r := range req {
			k, _ := r.(string)
			if _, ok := obj[k]; !ok {
				out = append(out, diag(line, col, "missing-property", "%s is missing %q", name, k))
			}
		}
		return out
	case "enum":
		line, col := src.at(inst)
		var options []string
		for _, v := range parent["enum"].([]any) {
			options = append(options, fmt.Sprint(v))
		}
		msg := fmt.Sprintf("%s must be one of %s, not %s", name, strings.Join(quoteAll(options), ", "), jsonText(value))
		if s, ok := value.(string); ok {
			if sug := suggest(s, options); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
		}
		return []Diagnostic{diag(line, col, "invalid-value", "%s", msg)}
	case "type":
		line, col := src.at(inst)
		msg := fmt.Sprintf("%s must be %s, not %s", name, describeTypes(parent["type"]), describeValueType(value))
		text, isText := value.(string)
		switch {
		case parent["type"] == "boolean" && isText && containsString([]string{"yes", "no", "on", "off", "y", "n"}, strings.ToLower(text)):
			msg += map[bool]string{true: ": write true", false: ": write false"}[containsString([]string{"yes", "on", "y"}, strings.ToLower(text))]
		case parent["type"] == "object" && isText && strings.Contains(inst, "/options/"):
			msg += fmt.Sprintf(": an option has a value and a label, as in { value: %s, label: %s }", strings.ToLower(strings.ReplaceAll(text, " ", "-")), text)
		}
		return []Diagnostic{diag(line, col, "wrong-type", "%s", msg)}
	case "pattern":
		line, col := src.at(inst)
		return []Diagnostic{diag(line, col, "invalid-value", "%s is %s, which is not valid: %s", name, jsonText(value), patternAdvice(parent["pattern"]))}
	case "minItems":
		line, col := src.at(inst)
		return []Diagnostic{diag(line, col, "invalid-value", "%s must have at least %v item(s)", name, parent["minItems"])}
	case "uniqueItems":
		line, col := src.at(inst)
		return []Diagnostic{diag(line, col, "invalid-value", "%s lists the same value twice", name)}
	case "minLength":
		line, col := src.at(inst)
		return []Diagnostic{diag(line, col, "invalid-value", "%s must not be empty", name)}
	case "minimum", "maximum", "exclusiveMinimum":
		line, col := src.at(inst)
		return []Diagnostic{diag(line, col, "invalid-value", "%s must be %s %s, not %s", name, boundWords[keyword], jsonText(parent[keyword]), jsonText(value))}
	}
	line, col := src.at(inst)
	return []Diagnostic{diag(line, col, "invalid-value", "%s: %s", name, ve.Message)}
}

// innerLevel names what the objects nested in the one at a pointer are: "section" for the form,
// "field" for a section, "" for anything else.
func innerLevel(pointer string) string {
	parts := strings.Split(pointer, "/")
	switch {
	case pointer == "":
		return "section"
	case len(parts) == 3 && parts[1] == "sections":
		return "field"
	}
	return ""
}

var boundWords = map[string]string{"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than"}

// describeLocation names a place in a definition as a designer finds it, by ids rather than indexes:
// "`type` of field `dob` in section `child`", "option 2 of field `contact_by` in section `you`".
func describeLocation(root any, pointer string) string {
	if pointer == "" {
		return "the form"
	}
	var parts []string
	for _, p := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		parts = append(parts, strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~"))
	}
	place := ""       // the innermost section, field or option named so far
	var rest []string // the properties below it
	v := root
	for i := 0; i < len(parts); i++ {
		part := parts[i]
		if i+1 < len(parts) && isDigits(parts[i+1]) && containsString([]string{"sections", "fields", "columns", "options"}, part) {
			n, _ := strconv.Atoi(parts[i+1])
			item := lookupPointer(v, "/"+escapePointer(part)+"/"+parts[i+1])
			if name := describeItem(part, n, item, place); name != "" {
				place, rest, v = name, nil, item
				i++
				continue
			}
		}
		if isDigits(part) && len(rest) > 0 {
			rest[len(rest)-1] += "[" + part + "]"
		} else {
			rest = append(rest, part)
		}
		v = lookupPointer(v, "/"+escapePointer(part))
	}
	switch {
	case place == "":
		return "`" + strings.Join(rest, ".") + "`"
	case len(rest) == 0:
		return place
	}
	return "`" + strings.Join(rest, ".") + "` of " + place
}

// describeItem names item n of a list of sections, fields, columns or options, inside place.
func describeItem(list string, n int, item any, place string) string {
	m, _ := item.(map[string]any)
	id, _ := m["id"].(string)
	if !idRE.MatchString(id) {
		id = "" // a bad id is reported on its own: name the place by its position
	}
	in := ""
	if place != "" {
		in = " in " + place
	}
	switch list {
	case "sections":
		if place != "" {
			return ""
		}
		if id == "" {
			return fmt.Sprintf("section %d", n+1)
		}
		return "section `" + id + "`"
	case "fields", "columns":
		what := map[string]string{"fields": "field", "columns": "column"}[list]
		if strings.HasPrefix(place, "field ") {
			// A column of a table, a field of a list item.
			kind := map[string]string{"fields": "list ", "columns": "table "}[list]
			container := strings.Replace(place, "field ", kind, 1)
			if id == "" {
				return fmt.Sprintf("%s %d of %s", what, n+1, container)
			}
			return what + " `" + id + "` of " + container
		}
		if id == "" {
			return fmt.Sprintf("%s %d%s", what, n+1, in)
		}
		return what + " `" + id + "`" + in
	case "options":
		if value, _ := m["value"].(string); value != "" {
			return "option `" + value + "`" + strings.Replace(in, " in ", " of ", 1)
		}
		return fmt.Sprintf("option %d%s", n+1, strings.Replace(in, " in ", " of ", 1))
	}
	return ""
}

var patternWords = map[string]string{
	`^[a-z][a-z0-9_]*$`:   "use a lower-case letter first, then lower-case letters, digits or _",
	`^[a-z][a-z0-9-]*$`:   "use a lower-case letter first, then lower-case letters, digits or -",
	`^[a-z][a-z0-9_-]*$`:  "use a lower-case letter first, then lower-case letters, digits, _ or -",
	`^\d{4}-\d{2}-\d{2}$`: "write a date as YYYY-MM-DD",
	`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`: "write a path of names joined by dots, like child.name",
}

func patternAdvice(p any) string {
	s, _ := p.(string)
	if w, ok := patternWords[s]; ok {
		return w
	}
	return "it must match " + s
}

func describeTypes(t any) string {
	switch t := t.(type) {
	case string:
		return article(t)
	case []any:
		var parts []string
		for _, x := range t {
			parts = append(parts, article(fmt.Sprint(x)))
		}
		return strings.Join(parts, " or ")
	}
	return fmt.Sprint(t)
}

func article(t string) string {
	switch t {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "integer":
		return "a whole number"
	case "boolean":
		return "true or false"
	}
	return "a " + t
}

func describeValueType(v any) string {
	switch v := v.(type) {
	case nil:
		return "empty"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case bool:
		return fmt.Sprint(v)
	case json.Number:
		return "the number " + v.String()
	case string:
		return fmt.Sprintf("the text %q", v)
	}
	return fmt.Sprintf("%v", v)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func lookupPointer(v any, pointer string) any {
	if pointer == "" {
		if m, ok := v.(map[string]any); ok {
			return m
		}
		return v
	}
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch c := v.(type) {
		case map[string]any:
			v = c[part]
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func schemaPropertyNames(schema any) []string {
	m, _ := schema.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	return sortedKeys(props)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

var digitsRE = regexp.MustCompile(`^[0-9]+$`)

func isDigits(s string) bool { return digitsRE.MatchString(s) }
