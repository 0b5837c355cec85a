package engine

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// Translations of a form's texts (forms/README.md, "Welsh"). A designer writes the Welsh of an element
// beside its English, in a block named after the language (cy: { label: ..., hint: ... }), or in a
// parallel file FORM.cy.yaml that mirrors the form, its lists keyed by id (sections, fields, columns) and
// value (options). Both come to one map from translation key to text per language; In makes the
// translated copy of the form once and keeps it. Translations are not part of a version's content hash:
// correcting the Welsh needs no new version.

// English is the language every form is written in; TranslationLanguages are those it may be translated
// into.
const English = "en"

// TranslationLanguages are the languages a form's texts may be translated into.
var TranslationLanguages = []string{"cy"}

// languageNames name the languages in diagnostics.
var languageNames = map[string]string{"cy": "Welsh"}

// TranslationFile is a parallel file of a form's translations into one language.
type TranslationFile struct {
	File string // its name, for diagnostics: forms/care-plan.cy.yaml
	Lang string
	Data []byte
}

// formI18n holds a form's translations and the copies made from them.
type formI18n struct {
	texts map[string]map[string]string // language -> translation key -> text

	mu     sync.Mutex
	copies map[string]*Form // language -> translated copy

	lang     string // of a translated copy; "" for the form as written
	original *Form  // of a translated copy
}

// IsTranslationFile reports whether a file name is that of a parallel translation file, FORM.LANG.yaml.
func IsTranslationFile(name string) bool {
	_, lang := translationTarget(name)
	return lang != ""
}

// translationTarget is the form file and language of a translation file's name, or "" and "".
func translationTarget(name string) (form, lang string) {
	for _, ext := range []string{".yaml", ".yml"} {
		stem, ok := strings.CutSuffix(name, ext)
		if !ok {
			continue
		}
		for _, l := range TranslationLanguages {
			if base, ok := strings.CutSuffix(stem, "."+l); ok && base != "" && !strings.HasSuffix(base, "/") {
				return base + ext, l
			}
		}
	}
	return "", ""
}

// TranslationForm is the form file a translation file's name is of: forms/x.yaml for forms/x.cy.yaml.
func TranslationForm(name string) string {
	form, _ := translationTarget(name)
	return form
}

// TranslationFileName is the name of the parallel file of a form's translations into lang.
func TranslationFileName(formFile, lang string) string {
	ext := path.Ext(formFile)
	return strings.TrimSuffix(formFile, ext) + "." + lang + ext
}

// ReadTranslations reads the parallel translation files beside a form file of fsys, those that exist.
func ReadTranslations(fsys fs.FS, formFile string) ([]TranslationFile, error) {
	var out []TranslationFile
	for _, lang := range TranslationLanguages {
		name := TranslationFileName(formFile, lang)
		if _, err := fs.Stat(fsys, name); err != nil {
			continue
		}
		data, err := readFormFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading translation %s: %w", name, err)
		}
		out = append(out, TranslationFile{File: name, Lang: lang, Data: data})
	}
	return out, nil
}

// In returns the form with its texts in the language: a copy made once, on first use, with every text
// that has a translation translated and the others left in English. English, an unknown language or a
// form with no translations into it give the form itself.
func (f *Form) In(lang string) *Form {
	if f.i18n == nil {
		return f
	}
	if f.i18n.original != nil {
		return f.i18n.original.In(lang)
	}
	if len(f.i18n.texts[lang]) == 0 {
		return f
	}
	f.i18n.mu.Lock()
	defer f.i18n.mu.Unlock()
	if c, ok := f.i18n.copies[lang]; ok {
		return c
	}
	c := f.translatedCopy(lang)
	if f.i18n.copies == nil {
		f.i18n.copies = map[string]*Form{}
	}
	f.i18n.copies[lang] = c
	return c
}

// Lang is the language of the form's texts: English, or the language of a copy In made.
func (f *Form) Lang() string {
	if f.i18n != nil && f.i18n.lang != "" {
		return f.i18n.lang
	}
	return English
}

// Bilingual reports whether the form declares it is offered in the language besides English.
func (f *Form) Bilingual(lang string) bool {
	return lang != English && slices.Contains(f.Languages, lang)
}

// translatedCopy builds the form again from its source, checks it as Load did (which links conditions
// and tables to the copy's own fields) and puts the translations in.
func (f *Form) translatedCopy(lang string) *Form {
	src := *f.src
	src.diags = nil
	c, err := decodeForm(&src)
	if err != nil {
		return f // the source decoded once already: it cannot fail now
	}
	c.definition, c.hash = f.definition, f.hash
	if f.personView {
		c.makePersonView(f.views.staff)
	}
	(&checker{form: c, src: &src}).run()
	texts, _ := formTexts(c)
	tr := f.i18n.texts[lang]
	for _, t := range texts {
		if s, ok := tr[t.key]; ok {
			*t.text = s
		} else if s, ok := tr[t.def]; ok && t.def != "" {
			*t.text = s // translated once where the option list or question group is defined
		}
	}
	for _, s := range c.Sections {
		s.lang = lang // the fixed words of its conditions and answers follow (describe_cy.go)
	}
	c.i18n = &formI18n{lang: lang, original: f}
	return c
}

// translationAt is one translation and where it was written.
type translationAt struct {
	text      string
	file      string
	line, col int
}

// checkTranslations gathers the form's translations, from its blocks and the parallel files, and reports
// a translation that matches no text, one given twice, and, for each language the form declares, every
// text without its translation.
func (c *checker) checkTranslations(parallel []TranslationFile) {
	f := c.form
	if len(f.Languages) > 0 && f.Languages[0] != English {
		c.errorf("/languages/0", "invalid-value", "`languages` must start with %s, the language the form is written in", English)
	}
	texts, elems := formTexts(f)
	known := make(map[string]textEntry, len(texts))
	keys := make([]string, 0, len(texts))
	for _, t := range texts {
		known[t.key] = t
		keys = append(keys, t.key)
	}
	found := map[string]map[string]translationAt{}
	add := func(lang, key string, at translationAt, describe func(key string) string) {
		if _, ok := known[key]; !ok && isListItem(key) {
			key += ".label" // a text in place of an element's mapping is its label
		}
		if _, ok := known[key]; !ok {
			msg := fmt.Sprintf("%s matches no text of the form", describe(key))
			if s := suggest(key, keys); s != "" {
				msg += fmt.Sprintf("; did you mean `%s`?", s)
			}
			c.src.diags = append(c.src.diags, Diagnostic{File: at.file, Line: at.line, Col: at.col, Severity: Error, Rule: "unknown-translation", Message: msg})
			return
		}
		if found[lang] == nil {
			found[lang] = map[string]translationAt{}
		}
		if first, dup := found[lang][key]; dup {
			c.src.diags = append(c.src.diags, Diagnostic{File: at.file, Line: at.line, Col: at.col, Severity: Error, Rule: "duplicate-translation",
				Message: fmt.Sprintf("the %s of `%s` is also given at %s:%d: keep one", languageName(lang), key, first.file, first.line)})
			return
		}
		found[lang][key] = at
	}
	// Blocks beside the English.
	for _, e := range elems {
		for _, lang := range TranslationLanguages {
			ptr := e.pointer + "/" + lang
			block := lookupPointer(c.src.value, ptr)
			if block == nil {
				continue
			}
			flattenTranslations(c.src, block, ptr, "", func(rel, leafPtr string, text string) {
				line, col := c.src.at(leafPtr)
				add(lang, joinKey(e.key, rel), translationAt{text, c.src.file, line, col}, func(string) string {
					return fmt.Sprintf("`%s.%s` of %s", lang, rel, describeLocation(c.src.value, e.pointer))
				})
			})
		}
	}
	// Parallel files.
	for _, pf := range parallel {
		ts := parseSource(pf.File, pf.Data)
		if len(ts.diags) > 0 {
			c.src.diags = append(c.src.diags, ts.diags...)
			continue
		}
		if _, ok := ts.value.(map[string]any); !ok {
			c.src.diags = append(c.src.diags, Diagnostic{File: pf.File, Line: 1, Col: 1, Severity: Error, Rule: "wrong-type",
				Message: "a translation file is a mapping of the form's texts: title, description, sections..."})
			continue
		}
		flattenTranslations(ts, ts.value, "", "", func(key, leafPtr string, text string) {
			line, col := ts.at(leafPtr)
			add(pf.Lang, key, translationAt{text, pf.File, line, col}, func(key string) string { return "`" + key + "`" })
		})
		c.src.diags = append(c.src.diags, ts.diags...) // values that are empty or not text
	}
	if len(found) > 0 {
		f.i18n = &formI18n{texts: map[string]map[string]string{}}
		for lang, m := range found {
			f.i18n.texts[lang] = make(map[string]string, len(m))
			for k, at := range m {
				f.i18n.texts[lang][k] = at.text
			}
		}
	}
	for _, lang := range f.Languages {
		if lang == English {
			continue
		}
		file := path.Base(TranslationFileName(f.File, lang))
		warned := map[string]bool{}
		for _, t := range texts {
			if _, ok := found[lang][t.key]; ok || warned[t.key] {
				continue
			}
			if _, ok := found[lang][t.def]; ok || t.def != "" {
				continue // the definition's own text is translated, or is warned of where it is defined
			}
			warned[t.key] = true
			c.warnf(t.pointer, "missing-translation", "%s has no %s: add %s beside it, or `%s` in %s",
				describeLocation(c.src.value, t.pointer), languageName(lang), inlineExample(lang, t.rel), t.key, file)
		}
	}
}

func languageName(lang string) string {
	if n, ok := languageNames[lang]; ok {
		return n + " (" + lang + ")"
	}
	return lang
}

// flattenTranslations calls leaf for each text of a translation tree, with its key below prefix and the
// pointer of its value. A mapping's keys go into the key; a value that is not text is an error. (A text in
// place of an element's mapping, options: { yes: Ydw }, is that element's label: see checkTranslations.)
func flattenTranslations(src *source, v any, ptr, prefix string, leaf func(key, ptr, text string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			flattenTranslations(src, v[k], ptr+"/"+escapePointer(k), joinKey(prefix, k), leaf)
		}
	case string:
		if v == "" {
			line, col := src.at(ptr)
			src.add(line, col, Error, "invalid-value", "the translation of `%s` is empty: write it, or remove the key to show the English", prefix)
			return
		}
		leaf(prefix, ptr, v)
	default:
		line, col := src.at(ptr)
		src.add(line, col, Error, "wrong-type", "the translation of `%s` must be text, not %s", prefix, describeValueType(v))
	}
}

// isListItem reports whether a translation key ends at an item of a list (options.yes), not a property.
func isListItem(key string) bool {
	parts := strings.Split(key, ".")
	if len(parts) == 3 && parts[0] == "optionLists" {
		return true // optionLists.ethnicity.arab: an option of a shared list
	}
	return len(parts) >= 2 && listProperties[parts[len(parts)-2]]
}

// inlineExample is how the translation of a text is written beside it: cy: { messages: { required: ... } }.
func inlineExample(lang, rel string) string {
	parts := strings.Split(rel, ".")
	return lang + ": { " + strings.Join(parts, ": { ") + ": ..." + strings.Repeat(" }", len(parts))
}

// A published version keeps its parallel translation files in its definition, each after a YAML
// document marker naming its language, so that a stored version loads with its translations.
const translationMarker = "--- # translation "

// joinDefinition is the form file's text followed by its parallel translation files.
func joinDefinition(data []byte, parallel []TranslationFile) []byte {
	if len(parallel) == 0 {
		return data
	}
	out := append([]byte(nil), data...)
	for _, pf := range parallel {
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, translationMarker+pf.Lang+"\n"...)
		out = append(out, pf.Data...)
	}
	return out
}

// splitDefinition undoes joinDefinition: the form's own text and the translation files after it.
func splitDefinition(file string, data []byte) ([]byte, []TranslationFile) {
	text := string(data)
	var parallel []TranslationFile
	for {
		i := strings.LastIndex(text, "\n"+translationMarker)
		if i < 0 {
			break
		}
		rest := text[i+1+len(translationMarker):]
		lang, body, _ := strings.Cut(rest, "\n")
		if !slices.Contains(TranslationLanguages, lang) {
			break
		}
		parallel = append([]TranslationFile{{File: file + " (" + lang + ")", Lang: lang, Data: []byte(body)}}, parallel...)
		text = text[:i+1]
	}
	if parallel == nil {
		return data, nil
	}
	return []byte(text), parallel
}

// withoutTranslations is a definition's value with the form's languages and its translation blocks left
// out: what its content hash is of. Case data (a JSON Schema, which may name any property) is kept whole.
func withoutTranslations(v any) any {
	root, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(root))
	for k, x := range root {
		switch {
		case k == "languages":
		case k == "caseData":
			out[k] = x
		default:
			out[k] = dropTranslationBlocks(x)
		}
	}
	for _, lang := range TranslationLanguages {
		delete(out, lang)
	}
	return out
}

func dropTranslationBlocks(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if !slices.Contains(TranslationLanguages, k) {
				out[k] = dropTranslationBlocks(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = dropTranslationBlocks(x)
		}
		return out
	}
	return v
}

// OrphanTranslation reports a translation file of fsys with no form file beside it.
func OrphanTranslation(fsys fs.FS, name string) Diagnostics {
	form, lang := translationTarget(name)
	if _, err := fs.Stat(fsys, form); err == nil {
		return nil
	}
	return Diagnostics{{File: name, Line: 1, Col: 1, Severity: Error, Rule: "unknown-translation",
		Message: fmt.Sprintf("a %s translation file with no form %s beside it", languageName(lang), path.Base(form))}}
}

func init() {
	Rules["missing-translation"] = "a text with no translation into a language the form declares (languages: [en, cy])"
	Rules["unknown-translation"] = "a translation that matches no text of the form, or a translation file with no form beside it"
	Rules["duplicate-translation"] = "a text translated twice, beside the English and in the parallel file"
}

// Text is one text of a form and its translation into a language, "" when it has none.
type Text struct {
	Key         string // the translation key, the path of the parallel file: sections.health.title
	English     string
	Translation string
}

// Texts lists every text of the form in file order with its translation into lang, a text copied from
// an option list or a question group once, where it is defined.
func (f *Form) Texts(lang string) []Text {
	if f.i18n != nil && f.i18n.original != nil {
		f = f.i18n.original
	}
	texts, _ := formTexts(f)
	out := make([]Text, 0, len(texts))
	listed := map[string]bool{}
	for _, t := range texts {
		if t.def != "" || listed[t.key] {
			continue // translated where it is defined; a group's heading once
		}
		listed[t.key] = true
		x := Text{Key: t.key, English: *t.text}
		if f.i18n != nil {
			x.Translation = f.i18n.texts[lang][t.key]
		}
		out = append(out, x)
	}
	return out
}
