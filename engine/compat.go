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
	var at compatReport = func(f *Form, pointer string, sev Severity, rule, format string, args ...any) {
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
			at(old, s.pointer, Error, "compat-section-removed", "%s was removed: delegations of it in flight cannot be completed", s.place())
		}
	}
	for _, s := range new.Sections {
		if o := old.Section(s.ID); o != nil && o.ShowWhen == nil && s.ShowWhen != nil {
			at(new, s.pointer+"/showWhen", Error, "compat-condition", "%s is now shown only when %s: answers already given to its questions are dropped from drafts where that does not hold", s.place(), s.ShowWhen.Describe())
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
			at(old, of.pointer, Error, "compat-field-removed", "%s was removed: answers to it in drafts are lost and consumers of submissions no longer receive it", of.place())
			continue
		}
		compareField(old, new, of, nf, at)
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
			at(new, nf.pointer, Warning, "compat-new-required", "%s is a new required question: drafts in flight must answer it before they can be submitted", nf.place())
		}
	}
	compareRules(old, new, at) // compatexpr.go
	ds.Sort()
	return ds
}

// compatReport records one compat diagnostic at a place in the old or the new form.
type compatReport func(f *Form, pointer string, sev Severity, rule, format string, args ...any)

// compareField lists what changed between two versions of one question (found at the same path, or,
// for a renamed one, by its old id) that drafts in flight or consumers of submissions would notice.
func compareField(old, new *Form, of, nf *Field, at compatReport) {
	if nf.Type != of.Type {
		at(new, nf.pointer+"/type", Error, "compat-field-retyped", "%s changed from %s to %s: existing answers may not fit", nf.place(), of.Type, nf.Type)
		return
	}
	compareComputed(new, of, nf, at)   // expressions: compatexpr.go
	compareVisibility(new, of, nf, at) // visibility.go
	if of.section.PerChild != nf.section.PerChild {
		at(new, nf.pointer, Error, "compat-field-moved", "%s moved %s a per-child section: its answers change shape", nf.place(), map[bool]string{true: "into", false: "out of"}[nf.section.PerChild])
	} else if of.section.RepeatFor != nf.section.RepeatFor {
		// lists15: answers kept by item id are those of another list's items, or of none.
		at(new, nf.pointer, Error, "compat-field-moved", "%s now repeats for %s, not %s: its answers are kept by the items of the list it repeats for", nf.place(), repeatWords(nf.section), repeatWords(of.section))
	} else if of.parent == nil && of.section.ID != nf.section.ID && (of.section.Delegable || nf.section.Delegable) && new.Section(of.section.ID) != nil {
		// (A question whose section was removed is covered by compat-section-removed.)
		at(new, nf.pointer, Error, "compat-field-moved", "field `%s` moved from section `%s` to section `%s`: a delegation in flight of either section no longer holds the same questions, and its answer goes to whoever has the other section", nf.ID, of.section.ID, nf.section.ID)
	}
	for _, o := range of.Options {
		if !hasOption(nf, o.Value) {
			// Pointed at in the old file, where the removed option still is (in a group, or a shared list).
			at(old, o.pointer, Error, "compat-option-removed", "option %q of %s was removed: drafts and submissions that chose it no longer fit", o.Value, nf.place())
		}
	}
	if nf.Required && !of.Required {
		at(new, nf.pointer+"/required", Error, "compat-now-required", "%s is now required: drafts that left it empty cannot be submitted until it is answered", nf.place())
	}
	compareCondition(old, new, of, nf, at)
	compareFixedRows(old, new, of, nf, at) // struct15
	tightened := func(name string, lower bool, o, n *float64) {
		if n != nil && (o == nil || lower && *n < *o || !lower && *n > *o) {
			at(new, nf.pointer+"/"+name, Warning, "compat-tightened", "%s: %s is now %g (was %s): some existing answers may no longer fit", nf.place(), name, *n, numberText(o, lower))
		}
	}
	for _, l := range []struct {
		name  string
		lower bool // a maximum, tightened by lowering it; otherwise a minimum, tightened by raising it
		o, n  *float64
	}{
		{"maxLength", true, intNumber(of.MaxLength), intNumber(nf.MaxLength)},
		{"maxRows", true, intNumber(of.MaxRows), intNumber(nf.MaxRows)},
		{"maxItems", true, intNumber(of.MaxItems), intNumber(nf.MaxItems)},
		{"maxSelected", true, intNumber(of.MaxSelected), intNumber(nf.MaxSelected)},
		{"max", true, of.Max, nf.Max},
		{"maxFiles", true, positive(float64(of.MaxFiles)), positive(float64(nf.MaxFiles))},
		{"maxSizeMB", true, positive(of.MaxSizeMB), positive(nf.MaxSizeMB)},
		{"minLength", false, intNumber(of.MinLength), intNumber(nf.MinLength)},
		{"minRows", false, intNumber(of.MinRows), intNumber(nf.MinRows)},
		{"minItems", false, intNumber(of.MinItems), intNumber(nf.MinItems)},
		{"minSelected", false, intNumber(of.MinSelected), intNumber(nf.MinSelected)},
		{"min", false, of.Min, nf.Min},
		{"maxWords", true, intNumber(of.MaxWords), intNumber(nf.MaxWords)}, // word limits (ukchecks.go)
	} {
		tightened(l.name, l.lower, l.o, l.n)
	}
	if nf.Integer && !of.Integer {
		at(new, nf.pointer+"/integer", Warning, "compat-tightened", "%s now takes whole numbers only: existing answers with decimals no longer fit", nf.place())
	}
	if nf.Pattern != "" && nf.Pattern != of.Pattern {
		was := "it had none"
		if of.Pattern != "" {
			was = fmt.Sprintf("it was %q", of.Pattern)
		}
		at(new, nf.pointer+"/pattern", Warning, "compat-pattern", "%s has a new pattern %q (%s): existing answers may not match it", nf.place(), nf.Pattern, was)
	}
	compareDates(new, of, nf, at)
	compareChronology(new, of, nf, at)          // chronology.go
	compareAddressChoices(old, new, of, nf, at) // the UK answer types (uklint.go)
	if change := narrowed(of.Accept, nf.Accept); change != "" {
		at(new, nf.pointer+"/accept", Warning, "compat-accept", "%s %s: drafts holding other files cannot be submitted until they are removed", nf.place(), change)
	}
}

// compareCondition: a question that gains a showWhen (or whose section does) has its answers dropped
// from drafts whenever the condition does not hold; a changed condition may drop them too.
func compareCondition(old, new *Form, of, nf *Field, at compatReport) {
	oldCond, newCond := effectiveCondition(of), effectiveCondition(nf)
	switch {
	case newCond == nil:
	case newCond == nf.section.ShowWhen && old.Section(nf.section.ID) != nil && old.Section(nf.section.ID).ShowWhen == nil:
		// The section gained a condition: reported once, for the section.
	case oldCond == nil:
		at(new, newCond.pointer, Error, "compat-condition", "%s is now shown only when %s: answers already given are dropped from drafts where that does not hold", nf.place(), newCond.Describe())
	case canonical(lookupPointer(old.src.value, oldCond.pointer)) != canonical(lookupPointer(new.src.value, newCond.pointer)):
		at(new, newCond.pointer, Warning, "compat-condition", "the condition showing %s changed to %s: answers given when it was shown may now be dropped", nf.place(), newCond.Describe())
	}
}

// effectiveCondition is the condition deciding whether a question is asked: its own, else its
// container's, else its section's.
func effectiveCondition(fd *Field) *Condition {
	switch {
	case fd.ShowWhen != nil:
		return fd.ShowWhen
	case fd.parent != nil && fd.parent.ShowWhen != nil:
		return fd.parent.ShowWhen
	}
	return fd.section.ShowWhen
}

// compareDates: a new or earlier maxDate, a new or later minDate, a new notInFuture or notInPast.
func compareDates(new *Form, of, nf *Field, at compatReport) {
	if nf.MaxDate != "" && (of.MaxDate == "" || nf.MaxDate < of.MaxDate) {
		at(new, nf.pointer+"/maxDate", Warning, "compat-date-range", "%s: maxDate is now %s (was %s): existing dates after it no longer fit", nf.place(), nf.MaxDate, dateText(of.MaxDate))
	}
	if nf.MinDate != "" && (of.MinDate == "" || nf.MinDate > of.MinDate) {
		at(new, nf.pointer+"/minDate", Warning, "compat-date-range", "%s: minDate is now %s (was %s): existing dates before it no longer fit", nf.place(), nf.MinDate, dateText(of.MinDate))
	}
	if nf.NotInFuture && !of.NotInFuture {
		at(new, nf.pointer+"/notInFuture", Warning, "compat-date-range", "%s must now not be in the future: existing dates after today no longer fit", nf.place())
	}
	if nf.NotInPast && !of.NotInPast {
		at(new, nf.pointer+"/notInPast", Warning, "compat-date-range", "%s must now not be in the past: existing dates before today no longer fit", nf.place())
	}
}

// narrowed says which file kinds the old accept took that the new one does not ("" when none); an
// empty accept takes every kind.
func narrowed(old, new []string) string {
	if len(new) == 0 {
		return ""
	}
	if len(old) == 0 {
		return "now accepts only " + strings.Join(new, ", ") + " files (it accepted every kind)"
	}
	var gone []string
	for _, k := range old {
		if !containsString(new, k) {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 {
		return ""
	}
	return "no longer accepts " + strings.Join(gone, ", ") + " files"
}

func dateText(d string) string {
	if d == "" {
		return "none"
	}
	return d
}

func intNumber(p *int) *float64 {
	if p == nil {
		return nil
	}
	f := float64(*p)
	return &f
}

// positive treats 0 (unset) as no limit.
func positive(f float64) *float64 {
	if f <= 0 {
		return nil
	}
	return &f
}

func numberText(p *float64, isMax bool) string {
	if p != nil {
		return fmt.Sprintf("%g", *p)
	}
	if isMax {
		return "unlimited"
	}
	return "none"
}

func fieldsByPath(f *Form) map[string]*Field {
	out := map[string]*Field{}
	f.walkFields(func(fd *Field) {
		switch {
		case fd.parent != nil && fd.parent.parent != nil: // lists15: a field of a list inside a list
			out[fd.parent.parent.ID+"."+fd.parent.ID+"."+fd.ID] = fd
		case fd.parent != nil:
			out[fd.parent.ID+"."+fd.ID] = fd
		default:
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

func minRowsOf(fd *Field) int {
	for _, n := range []*int{fd.MinRows, fd.MinItems} {
		if n != nil {
			return *n
		}
	}
	return 0
}
