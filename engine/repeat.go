package engine

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Sections that repeat (lists15). A per-child section repeats for each child of a family's case data; a
// section with repeatFor repeats for each item of a list answered earlier in the same form (a referral
// has no case data, so the referrer types the children in). Both are one mechanism: a repetition has an
// id, under which its answers are kept in Answers.Children and its pages are keyed ("section/id"), and a
// name that messages end with ("for Amy Smith"). A child's id is the council's; an item's is made by the
// portal when the item is first saved and kept with it under ItemIDKey, so that its answers stay its own
// whatever happens to the items before it, and go when it is removed (DropRemovedItems).

// ItemIDKey is the key of a list item that holds the item's id, in lists a section repeats for. Field ids
// are lower case, so no field can have it.
const ItemIDKey = "itemId"

// Repetition is one time a repeating section is asked: for a child of the case data or an item of a list.
type Repetition struct {
	ID    string // the child's id, or the item's
	Name  string // "Amy Smith": what messages and titles name it by
	Title string // the repetition's title: "Health: Amy Smith", or the section's itemTitle filled in
}

// Repeats reports whether the section is asked more than once: per child, or for each item of a list.
func (s *Section) Repeats() bool { return s.PerChild || s.RepeatFor != "" }

// RepeatList returns the list the section repeats for, or nil.
func (s *Section) RepeatList() *Field { return s.repeatList }

// repeatsLike reports whether answers of section t are in reach of questions of section s: sections
// asked once reach only those asked once, and a repeating section those repeating for the same thing.
func (s *Section) repeatsLike(t *Section) bool { return repeatKey(s) == repeatKey(t) }

// repeatKey says what a section repeats for: "" (asked once), "child", or "list:" and the list's id.
func repeatKey(s *Section) string {
	switch {
	case s.PerChild:
		return "child"
	case s.RepeatFor != "":
		return "list:" + s.RepeatFor
	}
	return ""
}

// repeatWords says what a section repeats for, in compat's messages.
func repeatWords(s *Section) string {
	if s.RepeatFor == "" {
		return "no list"
	}
	return "the items of " + s.RepeatFor
}

// HasItemIDs reports whether the list's items carry an id (ItemIDKey): a section repeats for them.
func (fd *Field) HasItemIDs() bool { return fd.repeated }

// NewItemID makes the id of a new item of a list a section repeats for.
func NewItemID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return "i" + hex.EncodeToString(b)
}

// ItemID returns the id of a list item, or "".
func ItemID(item map[string]any) string {
	id, _ := item[ItemIDKey].(string)
	return id
}

// Repetitions lists the times section s is asked with these answers, in order: once for each child of
// the case data (perChild), once for each answered item with an id of the list it repeats for
// (repeatFor; none while the list is hidden), and nil for a section asked once.
func (f *Form) Repetitions(s *Section, caseData any, answers Answers) []Repetition {
	v := f.newValidation(normaliseJSON(caseData), ValidateOptions{})
	sc := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values}
	return v.repetitions(s, sc)
}

func (v *validation) repetitions(s *Section, top *scope) []Repetition {
	if s.PerChild {
		out := make([]Repetition, len(v.children))
		for i, c := range v.children {
			out[i] = Repetition{ID: c.ID, Name: c.Name, Title: s.Title + ": " + c.Name}
		}
		return out
	}
	list := s.repeatList
	if list == nil || !top.isVisible(list) {
		return nil
	}
	_, most := rowLimits(list)
	var out []Repetition
	seen := map[string]bool{}
	for i, item := range rowsOf(top.values[list.ID]) {
		id := ItemID(item)
		if id == "" || seen[id] || !rowAnswered(list, item) {
			continue
		}
		if most > 0 && len(out) >= most {
			break // a draft holding more than the list takes is reported by the list; no more pages
		}
		seen[id] = true
		out = append(out, s.itemRepetition(list, item, id, i))
	}
	return out
}

// itemRepetition names an item's repetition: by the answers its itemTitle names (their answers, joined
// with spaces, are the item's name), or else by the item's first text answer, or else by its number.
func (s *Section) itemRepetition(list *Field, item map[string]any, id string, index int) Repetition {
	var names []string
	title := placeholderRE.ReplaceAllStringFunc(s.ItemTitle, func(m string) string {
		fd := list.Child(m[1 : len(m)-1])
		if fd == nil {
			return m
		}
		answer := strings.TrimSpace(strings.Join(fd.FormatAnswer(item[fd.ID], nil), ", "))
		if answer != "" {
			names = append(names, answer)
		}
		return answer
	})
	name := strings.Join(names, " ")
	if name == "" {
		for _, fd := range list.Fields {
			if fd.Type == TypeText {
				if t := strings.TrimSpace(textOf(item[fd.ID])); t != "" {
					name = t
					break
				}
			}
		}
	}
	if name == "" {
		name = rowName(list, index)
	}
	if s.ItemTitle == "" || len(names) == 0 {
		title = s.Title + ": " + name
	}
	return Repetition{ID: id, Name: name, Title: strings.Join(strings.Fields(title), " ")}
}

// DropRemovedItems returns the answers without the answers, and the pages visited, of repetitions for
// list items that are no longer there: an item removed takes its repeated answers with it. The answers
// given are not changed (a draft's are shared); the maps changed are copies.
func (f *Form) DropRemovedItems(caseData any, a Answers) Answers {
	items := map[string]bool{}
	var repeated []*Section
	for _, s := range f.Sections {
		if s.repeatList == nil {
			continue
		}
		repeated = append(repeated, s)
		for _, item := range rowsOf(a.Values[s.repeatList.ID]) {
			if id := ItemID(item); id != "" {
				items[id] = true
			}
		}
	}
	if len(repeated) == 0 {
		return a
	}
	for _, c := range f.Children(caseData) {
		items[c.ID] = true // a child of the case data's answers are kept whatever the lists say
	}
	var children map[string]map[string]any
	for id := range a.Children {
		if !items[id] {
			if children == nil {
				children = maps.Clone(a.Children)
			}
			delete(children, id)
		}
	}
	if children != nil {
		a.Children = children
	}
	visited := slices.DeleteFunc(slices.Clone(a.Visited), func(key string) bool {
		section, id, ok := strings.Cut(key, "/")
		s := f.Section(section)
		return ok && s != nil && s.repeatList != nil && !items[id]
	})
	if len(visited) != len(a.Visited) {
		a.Visited = visited
	}
	return a
}

// checkRepeatFor checks a section's repeatFor: a list, asked once, in an earlier section; a repeating
// section is not also per child or an overview, and is not prefilled (there is no case data of an item).
func (c *checker) checkRepeatFor(s *Section, index int) {
	if s.RepeatFor == "" {
		if s.ItemTitle != "" {
			c.errorf(s.pointer+"/itemTitle", "repeat-for", "%s has an itemTitle but no repeatFor", s.place())
		}
		return
	}
	at := s.pointer + "/repeatFor"
	list := c.form.fields[s.RepeatFor]
	switch {
	case s.PerChild:
		c.errorf(at, "repeat-for", "%s is both perChild and repeatFor: it can repeat for the case data's children or for a list's items, not both", s.place())
		return
	case s.Overview:
		c.errorf(at, "repeat-for", "%s is an overview, which is read before the form starts and cannot repeat", s.place())
		return
	case list == nil:
		msg := fmt.Sprintf("%s repeats for %q, which is not a list of this form", s.place(), s.RepeatFor)
		if near := c.nearestFieldID(s.RepeatFor); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		c.errorf(at, "repeat-for", "%s", msg)
		return
	case list.Type != TypeList:
		c.errorf(at, "repeat-for", "%s repeats for %q, which is a %s: a section repeats for the items of a list", s.place(), s.RepeatFor, list.Type)
		return
	case list.section.Repeats():
		c.errorf(at, "repeat-for", "%s repeats for %q, which is itself in repeating section %q: repeat for a list asked once", s.place(), s.RepeatFor, list.section.ID)
		return
	case slices.Index(c.form.Sections, list.section) >= index:
		c.errorf(at, "repeat-for", "%s repeats for %q, which is asked in section %q after it: the list must come first", s.place(), s.RepeatFor, list.section.ID)
		return
	}
	s.repeatList, list.repeated = list, true
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(s.ItemTitle, -1) {
		id := s.ItemTitle[m[2]:m[3]]
		line, col := c.src.inText(s.pointer+"/itemTitle", m[0])
		if fd := list.Child(id); fd == nil || !fd.Answerable() || fd.Container() {
			c.src.add(line, col, Error, "repeat-for", "{%s} in the itemTitle of %s names no question of an item of list %q", id, s.place(), list.ID)
		}
	}
	walk := func(fd *Field) {
		if fd.Prefill != "" || fd.ReadOnly {
			c.errorf(fd.pointer, "repeat-for", "%s is prefilled or read-only, but %s repeats for the items of %q, which have no case data", fd.place(), s.place(), list.ID)
		}
	}
	for _, fd := range s.Fields {
		walk(fd)
	}
}
