package renderer

import (
	"encoding/json"

	"formportal/engine"
)

// Questions that apply only after some answer on the same page. Without JavaScript they are all shown,
// each saying when it applies ("Answer this if ..."); with it, each stays hidden until its condition
// holds. A question that follows one choice of radios or checkboxes is drawn inside that choice, as
// GOV.UK's conditional reveal, which GOV.UK Frontend's own script opens and closes; any other condition
// is written into the page (data-show-when) for the portal's script to work out. Either way the server
// decides what applies: answers to questions that do not are dropped when the form is checked.

// revealUnder is the choice of a question on the page that a question follows alone, as GOV.UK's
// conditional reveal: its condition is one comparison, "is" on radios or yes/no, or "includes" on
// checkboxes. ok is false for any other condition, and for a question that is itself a set of choices
// or of rows: drawn inside another question's choices, its own would be taken for theirs.
func revealUnder(fd *engine.Field, onPage func(*engine.Field) bool) (target *engine.Field, value string, ok bool) {
	c := fd.ShowWhen
	switch fd.Type {
	case engine.TypeRadios, engine.TypeYesNo, engine.TypeCheckboxes, engine.TypeChildren, engine.TypeDeclaration,
		engine.TypeTable, engine.TypeList, engine.TypeAttachments:
		return nil, "", false
	}
	if c == nil {
		return nil, "", false
	}
	t := c.Target()
	if t == nil || !onPage(t) {
		return nil, "", false
	}
	switch t.Type {
	case engine.TypeRadios, engine.TypeYesNo:
		if s, isString := c.Equals.(string); isString && c.NotEquals == nil && c.In == nil {
			return t, s, true
		}
		if len(c.In) == 1 {
			if s, isString := c.In[0].(string); isString {
				return t, s, true
			}
		}
	case engine.TypeCheckboxes:
		if c.Contains != nil {
			return t, *c.Contains, true
		}
	}
	return nil, "", false
}

// clientCondition is a condition as the portal's script reads it: the comparison's input name and type
// beside the operator and value as the form language writes them.
type clientCondition struct {
	All         []clientCondition `json:"all,omitempty"`
	Any         []clientCondition `json:"any,omitempty"`
	Not         *clientCondition  `json:"not,omitempty"`
	Name        string            `json:"name,omitempty"`
	Type        string            `json:"type,omitempty"`
	Equals      any               `json:"equals,omitempty"`
	NotEquals   any               `json:"notEquals,omitempty"`
	In          []any             `json:"in,omitempty"`
	Contains    *string           `json:"contains,omitempty"`
	Answered    *bool             `json:"answered,omitempty"`
	GreaterThan *float64          `json:"greaterThan,omitempty"`
	LessThan    *float64          `json:"lessThan,omitempty"`
}

// showWhenJSON writes a condition for the script, naming each question by its input's name on the page;
// ok is false when it looks at a question not on the page, which the script cannot see.
func showWhenJSON(c *engine.Condition, name func(*engine.Field) (string, bool)) (string, bool) {
	cc, ok := toClient(c, name)
	if !ok {
		return "", false
	}
	b, err := json.Marshal(cc)
	return string(b), err == nil
}

func toClient(c *engine.Condition, name func(*engine.Field) (string, bool)) (clientCondition, bool) {
	list := func(in []*engine.Condition) ([]clientCondition, bool) {
		out := make([]clientCondition, 0, len(in))
		for _, s := range in {
			cs, ok := toClient(s, name)
			if !ok {
				return nil, false
			}
			out = append(out, cs)
		}
		return out, true
	}
	var out clientCondition
	var ok bool
	switch {
	case c.All != nil:
		out.All, ok = list(c.All)
		return out, ok
	case c.Any != nil:
		out.Any, ok = list(c.Any)
		return out, ok
	case c.Not != nil:
		not, ok := toClient(c.Not, name)
		return clientCondition{Not: &not}, ok
	}
	t := c.Target()
	if t == nil {
		return out, false
	}
	out.Name, ok = name(t)
	out.Type = t.Type
	out.Equals, out.NotEquals, out.In, out.Contains, out.Answered, out.GreaterThan, out.LessThan =
		c.Equals, c.NotEquals, c.In, c.Contains, c.Answered, c.GreaterThan, c.LessThan
	return out, ok
}
