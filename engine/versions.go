package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// A published version of a form is immutable: its id and version name one definition for ever, and every
// response keeps the version it was started with. The hash tells whether a definition changed since it
// was published; renamedFrom and migrate say how drafts in flight may move to a later version.

// Definition is the form's file as it was loaded, the text a published version is kept as.
func (f *Form) Definition() []byte { return f.definition }

// Hash identifies the definition's content: the same for a file whose comments, quoting or layout
// changed, different for any change of what the form says or does.
func (f *Form) Hash() string { return f.hash }

// contentHash is the SHA-256 of the definition's data as canonical JSON: keys sorted, numbers as the
// loader reads them. Published versions are compared by it across releases of the portal: a change to how
// YAML values become JSON (source.convert) would change the hash of every stored version (TestHashIsStable).
func contentHash(value any) (string, error) {
	canonical, err := json.Marshal(value) // maps marshal with sorted keys
	if err != nil {
		return "", fmt.Errorf("hashing definition: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// checkRenames checks that a renamedFrom names an id the form no longer uses in the same place, and that
// no two fields claim the same old id.
func (c *checker) checkRenames() {
	claimed := map[string]*Field{}
	c.form.walkFields(func(fd *Field) {
		if fd.RenamedFrom == "" {
			return
		}
		at := fd.pointer + "/renamedFrom"
		if fd.RenamedFrom == fd.ID {
			c.errorf(at, "invalid-rename", "%s is renamed from itself: remove renamedFrom", fd.place())
			return
		}
		if siblingIDs(c.form, fd)[fd.RenamedFrom] {
			c.errorf(at, "invalid-rename", "%s is renamed from `%s`, but `%s` is still a field beside it: its answers cannot carry to both", fd.place(), fd.RenamedFrom, fd.RenamedFrom)
			return
		}
		key := renameKey(fd.parent, fd.RenamedFrom)
		if other, dup := claimed[key]; dup {
			c.errorf(at, "invalid-rename", "%s and %s are both renamed from `%s`: only one can take its answers", other.place(), fd.place(), fd.RenamedFrom)
			return
		}
		claimed[key] = fd
	})
}

// siblingIDs are the ids of the fields answered beside fd: the form's top-level fields, or the other
// columns of its table (items of its list).
func siblingIDs(f *Form, fd *Field) map[string]bool {
	ids := map[string]bool{}
	if fd.parent != nil {
		for _, c := range fd.parent.Children() {
			ids[c.ID] = true
		}
		return ids
	}
	for id := range f.fields {
		ids[id] = true
	}
	return ids
}

func renameKey(parent *Field, id string) string {
	if parent != nil {
		return parent.ID + "." + id
	}
	return id
}

// Renames maps the paths of an earlier version's fields ("id", or "table.column") to the paths of the
// fields of f that say they were renamed from them.
func (f *Form) Renames() map[string]string {
	out := map[string]string{}
	f.walkFields(func(fd *Field) {
		if fd.RenamedFrom == "" {
			return
		}
		oldParent := ""
		if fd.parent != nil {
			oldParent = fd.parent.ID
			if fd.parent.RenamedFrom != "" {
				oldParent = fd.parent.RenamedFrom
			}
			out[oldParent+"."+fd.RenamedFrom] = fd.parent.ID + "." + fd.ID
			return
		}
		out[fd.RenamedFrom] = fd.ID
	})
	return out
}

// renamedPath is where an earlier version's field path is in the version with the renames: its own
// rename, else its table's (list's), else the same path.
func renamedPath(path string, renames map[string]string) string {
	if r, ok := renames[path]; ok {
		return r
	}
	if parent, child, ok := strings.Cut(path, "."); ok {
		if r, ok := renames[parent]; ok {
			return r + "." + child
		}
	}
	return path
}

// CarryAnswers moves a draft's answers, given on an earlier version of this form, to this version:
// answers to renamed fields go under their new ids. Answers to fields this version no longer has are
// left out and listed by path in dropped, for the record.
func (f *Form) CarryAnswers(a Answers) (carried Answers, dropped []string) {
	renames := f.Renames()
	carryValues := func(values map[string]any, prefix string) map[string]any {
		out := make(map[string]any, len(values))
		for _, id := range sortedKeys(values) {
			v := values[id]
			newID := renamedPath(id, renames)
			fd := f.Field(newID)
			if fd == nil {
				dropped = append(dropped, prefix+id)
				continue
			}
			if rows, ok := v.([]any); ok && fd.Container() {
				v = carryRows(fd, id, rows, renames, prefix, &dropped)
			}
			out[newID] = v
		}
		return out
	}
	carried = Answers{Values: carryValues(a.Values, ""), Visited: a.Visited}
	if a.Children != nil {
		carried.Children = make(map[string]map[string]any, len(a.Children))
		for _, child := range sortedKeys(a.Children) {
			carried.Children[child] = carryValues(a.Children[child], "child "+child+": ")
		}
	}
	return carried, dropped
}

func carryRows(fd *Field, oldID string, rows []any, renames map[string]string, prefix string, dropped *[]string) []any {
	out := make([]any, len(rows))
	gone := map[string]bool{}
	for i, r := range rows {
		row, ok := r.(map[string]any)
		if !ok {
			out[i] = r
			continue
		}
		moved := make(map[string]any, len(row))
		for col, v := range row {
			_, newCol, _ := strings.Cut(renamedPath(oldID+"."+col, renames), ".")
			if fd.Child(newCol) == nil {
				gone[col] = true
				continue
			}
			moved[newCol] = v
		}
		out[i] = moved
	}
	for _, col := range sortedKeys(gone) {
		*dropped = append(*dropped, prefix+oldID+"."+col)
	}
	return out
}
