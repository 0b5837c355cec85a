package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"formportal/engine"
)

// formlint translate [-lang cy] FORM.yaml prints the form's parallel translation file: every text of the
// form under its key, with the translation it has (beside the English or in FORM.cy.yaml already) or
// empty, the English beside it as a comment. A translator fills the empty ones in; formlint refuses an
// empty translation, so none is forgotten.
func init() { subcommands["translate"] = translateCommand }

func translateCommand(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("formlint translate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "cy", "the language to translate into")
	format := fl.String("format", "yaml", "yaml: the parallel file; json: a list of {key, english, translation}, for translation tools")
	fl.Usage = func() { fmt.Fprintln(stderr, "usage: formlint translate [-lang cy] FORM.yaml > FORM.cy.yaml") }
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if fl.NArg() != 1 || !slices.Contains(engine.TranslationLanguages, *lang) {
		fl.Usage()
		return exitUsage
	}
	file := fl.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "formlint: %v\n", err)
		return exitUsage
	}
	form, diags, err := loadWithTranslations(file, data)
	if err != nil {
		fmt.Fprintf(stderr, "formlint: %v\n", err)
		return exitUsage
	}
	if form == nil {
		_ = write(stderr, "text", diags)
		return exitProblems
	}
	if *format == "json" {
		return writeTextsJSON(stdout, form.Texts(*lang))
	}
	out, err := translationFile(form.Texts(*lang))
	if err != nil {
		fmt.Fprintf(stderr, "formlint: %v\n", err)
		return exitUsage
	}
	if _, err := stdout.Write(out); err != nil {
		return exitUsage
	}
	return exitClean
}

// translationFile writes texts as a parallel translation file: nested mappings by key, in form order.
func translationFile(texts []engine.Text) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, t := range texts {
		m := root
		parts := strings.Split(t.Key, ".")
		for _, p := range parts[:len(parts)-1] {
			m = child(m, p)
		}
		v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t.Translation, LineComment: oneLine(t.English)}
		if strings.Contains(t.Translation, "\n") {
			v.Style = yaml.LiteralStyle
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: parts[len(parts)-1]}, v)
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("writing the translation file: %w", err)
	}
	return []byte(b.String()), nil
}

// child is the mapping under key in m, added when m has none.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	c := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, c)
	return c
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

func writeTextsJSON(w io.Writer, texts []engine.Text) int {
	type text struct {
		Key         string `json:"key"`
		English     string `json:"english"`
		Translation string `json:"translation"`
	}
	out := make([]text, len(texts))
	for i, t := range texts {
		out[i] = text{t.Key, t.English, t.Translation}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return exitUsage
	}
	return exitClean
}
