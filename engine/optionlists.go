package engine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// OptionItems are a field's choices, flat, in the order shown. In the definition an item is a choice or a
// group ({ group: Heading, options: [...] }); decoding flattens groups into their choices, each carrying
// its heading in Group, so everything that reads choices (validation, conditions, the submission
// schema, compat) sees one list and only the drawing of it looks at the headings.
type OptionItems []Option

// UnmarshalJSON flattens option groups into their choices.
func (o *OptionItems) UnmarshalJSON(data []byte) error {
	var raw []struct {
		Option
		Options []Option `json:"options"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("decoding options: %w", err)
	}
	out := OptionItems{}
	for i, item := range raw {
		if item.Group == "" {
			item.Option.at = fmt.Sprintf("/%d", i)
			out = append(out, item.Option)
			continue
		}
		for j, choice := range item.Options {
			choice.Group, choice.at = item.Group, fmt.Sprintf("/%d/options/%d", i, j)
			out = append(out, choice)
		}
	}
	*o = out
	return nil
}

// Grouped reports whether any choice is under a heading.
func (o OptionItems) Grouped() bool {
	for _, c := range o {
		if c.Group != "" {
			return true
		}
	}
	return false
}

// OptionGroup is a run of choices under one heading ("" for choices under none), as shown.
type OptionGroup struct {
	Heading string
	First   int // the index of the group's first choice in the field's options
	Options []Option
}

// Groups splits the choices into runs of the same heading, in order.
func (o OptionItems) Groups() []OptionGroup {
	var out []OptionGroup
	for i, c := range o {
		if n := len(out); n > 0 && out[n-1].Heading == c.Group {
			out[n-1].Options = append(out[n-1].Options, c)
			continue
		}
		out = append(out, OptionGroup{Heading: c.Group, First: i, Options: []Option{c}})
	}
	return out
}

// linkOptions sets where each of a field's options is in the definition, taking a field's options from
// the form's shared list it names. An unknown list is reported by the checker (option-list).
func linkOptions(f *Form, fd *Field) {
	for i := range fd.Options {
		fd.Options[i].pointer = fd.pointer + "/options" + fd.Options[i].at
	}
	if fd.OptionList == "" || len(fd.Options) > 0 {
		return
	}
	list, ok := f.OptionLists[fd.OptionList]
	if !ok {
		return
	}
	fd.Options = make(OptionItems, len(list))
	for i, o := range list {
		o.pointer = "/optionLists/" + escapePointer(fd.OptionList) + o.at
		fd.Options[i] = o
	}
}

// checkOptionList reports a field naming a list the form does not define, or giving both its own options
// and a list.
func (c *checker) checkOptionList(fd *Field) {
	if fd.OptionList == "" {
		return
	}
	if _, ok := lookupPointer(c.src.value, fd.pointer+"/options").([]any); ok {
		c.errorf(fd.pointer+"/optionList", "option-list", "%s has both options and optionList: keep one", fd.place())
		return
	}
	if _, ok := c.form.OptionLists[fd.OptionList]; !ok {
		names := sortedKeys(c.form.OptionLists)
		msg := fmt.Sprintf("%s takes its options from %q, which is not one of the form's optionLists", fd.place(), fd.OptionList)
		if len(names) == 0 {
			msg += " (the form has none)"
		} else if s := suggest(fd.OptionList, names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += fmt.Sprintf(" (they are %s)", strings.Join(quoteAll(names), ", "))
		}
		c.errorf(fd.pointer+"/optionList", "option-list", "%s", msg)
	}
}

// checkOptionListsUsed warns of a shared option list no field uses.
func (c *checker) checkOptionListsUsed() {
	used := map[string]bool{}
	c.form.walkFields(func(fd *Field) { used[fd.OptionList] = true })
	for _, name := range sortedKeys(c.form.OptionLists) {
		if !used[name] {
			line, col := c.src.keyAt("/optionLists/" + escapePointer(name))
			c.src.add(line, col, Warning, "option-list", "option list %q is not used by any question", name)
		}
	}
}
