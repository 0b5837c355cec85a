package renderer

import "strings"

// choiceGroup is a run of a question's choices under one heading ("" for none), each with its index in
// the question's options (the radios' and checkboxes' ids are numbered across the whole question).
type choiceGroup struct {
	Heading string
	Choices []indexedChoice
}

type indexedChoice struct {
	Index  int
	Option OptionView
}

func choiceGroups(options []OptionView) []choiceGroup {
	var out []choiceGroup
	for i, o := range options {
		if n := len(out); n == 0 || out[n-1].Heading != o.Group {
			out = append(out, choiceGroup{Heading: o.Group})
		}
		g := &out[len(out)-1]
		g.Choices = append(g.Choices, indexedChoice{Index: i, Option: o})
	}
	return out
}

// hasGroups reports whether any of a question's choices is under a heading.
func hasGroups(f FieldView) bool {
	for _, o := range f.Options {
		if o.Group != "" {
			return true
		}
	}
	return false
}

// moduleOf is the govuk-frontend module of a radios or checkboxes container's classes.
func moduleOf(class string) string {
	module, _, _ := strings.Cut(class, " ")
	return module
}
