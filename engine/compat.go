package engine

import (
	"fmt"
	"strings"
)

// Compat lists the changes from one version of a form to the next that would break drafts in flight or
// consumers of submissions. Errors break them; warnings may. Each diagnostic points at the place in the
// new file, or in the old file for something that was removed.
func Compat(old, new *Form) Diagnostics {
	var ds Diagnostics
	at := func(f *Form, pointer string, sev Severity, rule, format string, args ...any) {
		line, col := f.src.at(pointer)
		ds = append(ds, Diagnostic{File: f.File, Line: line, Col: col, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	if old.ID != new.ID {
		at(new, "/id", Error, "compat-form-id", "the form id changed from %q to %q: drafts and submissions of %q will not find their form", old.ID, new.ID, old.ID)
	}
	if new.Version <= old.Version {
		at(new, "/version", Error, "compat-version", "version %d is not after %d: a published version is immutable, so publish changes as a new version", new.Version, old.Version)
	}
	for _, s := range old.Sections {
		if new.Section(s.ID) == nil {
			at(old, s.pointer, Error, "compat-section-removed", "section %q was removed: delegations of it in flight cannot be completed", s.ID)
		}
	}
	oldFields, newFields := fieldsByPath(old), fieldsByPath(new)
	// A field renamed (renamedFrom) is the same question under a new id, not a removal and a new field.
	renames := new.Renames()
	carried := map[string]bool{} // the paths in new of fields that old had, renamed or not
	for path := range oldFields {
		carried[renamedPath(path, renames)] = true
	}
	for _, path := range sortedKeys(oldFields) {
		of := oldFields[path]
		nf, ok := newFields[renamedPath(path, renames)]
		if !of.Answerable() {
			continue
		}
		if !ok {
			at(old, of.pointer, Error, "compat-field-removed", "%q was removed: answers to it in drafts are lost and consumers of submissions no longer receive it", path)
			continue
		}
		if nf.Type != of.Type {
			at(new, nf.pointer+"/type", Error, "compat-field-retyped", "%q changed from %s to %s: existing answers may not fit", path, of.Type, nf.Type)
			continue
		}
		if of.section.PerChild != nf.section.PerChild {
			at(new, nf.pointer, Error, "compat-field-moved", "%q moved %s a per-child section: its answers change shape", path, map[bool]string{true: "into", false: "out of"}[nf.section.PerChild])
		}
		for i, o := range of.Options {
			if !hasOption(nf, o.Value) {
				// Pointed at in the old file, where the removed option still is.
				at(old, fmt.Sprintf("%s/options/%d", of.pointer, i), Error, "compat-option-removed", "option %q of %q was removed: drafts and submissions that chose it no longer fit", o.Value, path)
			}
		}
		if nf.Required && !of.Required {
			at(new, nf.pointer+"/required", Error, "compat-now-required", "%q is now required: drafts that left it empty cannot be submitted until it is answered", path)
		}
		tightened := func(name string, o, n *int) {
			if n != nil && (o == nil || *n < *o) {
				at(new, nf.pointer+"/"+name, Warning, "compat-tightened", "%q: %s is now %d (was %s): some existing answers may no longer fit", path, name, *n, intText(o))
			}
		}
		tightened("maxLength", of.MaxLength, nf.MaxLength)
		tightened("maxRows", of.MaxRows, nf.MaxRows)
		tightened("maxItems", of.MaxItems, nf.MaxItems)
		if nf.MaxFiles > 0 && (of.MaxFiles == 0 || nf.MaxFiles < of.MaxFiles) {
			at(new, nf.pointer+"/maxFiles", Warning, "compat-tightened", "%q: maxFiles is now %d (was %d): some existing drafts may have too many files", path, nf.MaxFiles, of.MaxFiles)
		}
	}
	for _, path := range sortedKeys(newFields) {
		nf := newFields[path]
		// A required column of a new, optional table only needs answering in rows people choose to add.
		inNewOptionalContainer := false
		if i := strings.LastIndex(path, "."); nf.parent != nil && i > 0 {
			parentExisted := carried[path[:i]]
			inNewOptionalContainer = !parentExisted && !nf.parent.Required && minRowsOf(nf.parent) == 0
		}
		if !carried[path] && nf.Required && !inNewOptionalContainer {
			at(new, nf.pointer, Warning, "compat-new-required", "new required question %q: drafts in flight must answer it before they can be submitted", path)
		}
	}
	ds.Sort()
	return ds
}

func fieldsByPath(f *Form) map[string]*Field {
	out := map[string]*Field{}
	f.walkFields(func(fd *Field) {
		if fd.parent != nil {
			out[fd.parent.ID+"."+fd.ID] = fd
		} else {
			out[fd.ID] = fd
		}
	})
	return out
}

func hasOption(fd *Field, value string) bool {
	for _, o := range fd.Options {
		if o.Value == value {
			return true
		}
	}
	return false
}

func intText(p *int) string {
	if p == nil {
		return "unlimited"
	}
	return fmt.Sprint(*p)
}

func minRowsOf(fd *Field) int {
	for _, n := range []*int{fd.MinRows, fd.MinItems} {
		if n != nil {
			return *n
		}
	}
	return 0
}
