package engine

import (
	"fmt"
	"strings"
)

// Chronology tables (issue 17). A table that names its date column (dateColumn) is a chronology: the
// council reads every agency's rows of it merged into one table in date order (package chronology).
// agencyColumn names the column that says which agency a row is from (without it, the professional's
// organisation), childColumn the children column saying which child or children it is about, and
// eventColumn the column describing what happened, which the merge compares to flag two agencies
// describing the same event.

// chronologyColumnTypes are, by annotation, the column types it may name.
var chronologyColumnTypes = map[string][]string{
	"dateColumn":   {TypeDate},
	"agencyColumn": {TypeText, TypeSelect, TypeRadios},
	"childColumn":  {TypeChildren},
	"eventColumn":  {TypeText, TypeTextarea},
}

// chronologyAnnotations are the annotations in the order formlint reports them.
var chronologyAnnotations = []string{"dateColumn", "agencyColumn", "childColumn", "eventColumn"}

// chronologyColumn is the column id an annotation of fd names.
func (fd *Field) chronologyColumn(annotation string) string {
	switch annotation {
	case "dateColumn":
		return fd.DateColumn
	case "agencyColumn":
		return fd.AgencyColumn
	case "childColumn":
		return fd.ChildColumn
	case "eventColumn":
		return fd.EventColumn
	}
	return ""
}

// IsChronology reports whether the field is a chronology table: a table with a date column.
func (fd *Field) IsChronology() bool { return fd.Type == TypeTable && fd.DateColumn != "" }

// ChronologyTables lists the form's chronology tables, in form order.
func (f *Form) ChronologyTables() []*Field {
	var out []*Field
	for _, s := range f.Sections {
		for _, fd := range s.Fields {
			if fd.IsChronology() {
				out = append(out, fd)
			}
		}
	}
	return out
}

// checkChronology checks a table's chronology annotations: each names one of its columns of a type
// that can say what the annotation means, and the others only come with a date column. A chronology in
// a per-child section is refused: its rows would be about a child without saying so in a column, and a
// family's agencies are merged across the whole family.
func (c *checker) checkChronology(fd *Field) {
	named := false
	for _, a := range chronologyAnnotations {
		named = named || fd.chronologyColumn(a) != ""
	}
	if !named {
		return
	}
	if fd.Type != TypeTable {
		for _, a := range chronologyAnnotations {
			if fd.chronologyColumn(a) != "" {
				c.errorf(fd.pointer+"/"+a, "chronology-column", "%s is a %s: only a table can be a chronology (%s)", fd.place(), fd.Type, a)
			}
		}
		return
	}
	if fd.DateColumn == "" {
		c.errorf(fd.pointer, "chronology-column", "%s names chronology columns but no dateColumn: name the column of each row's date", fd.place())
	}
	if fd.section != nil && fd.section.Repeats() {
		c.errorf(fd.pointer+"/dateColumn", "chronology-column", "%s is a chronology in a "+map[bool]string{true: "per-child", false: "repeated"}[fd.section.PerChild]+" section: put it in a family section, with a childColumn", fd.place())
	}
	for _, a := range chronologyAnnotations {
		id := fd.chronologyColumn(a)
		if id == "" {
			continue
		}
		want := chronologyColumnTypes[a]
		col := fd.Child(id)
		switch {
		case col == nil:
			var fit []string
			for _, ch := range fd.Columns {
				if containsString(want, ch.Type) {
					fit = append(fit, ch.ID)
				}
			}
			msg := fmt.Sprintf("%s has %s %q, which is not one of its columns", fd.place(), a, id)
			if len(fit) > 0 {
				msg += fmt.Sprintf(" (its %s columns are %s)", strings.Join(want, " or "), strings.Join(fit, ", "))
			}
			c.errorf(fd.pointer+"/"+a, "chronology-column", "%s", msg)
		case !containsString(want, col.Type):
			c.errorf(fd.pointer+"/"+a, "chronology-column", "%s has %s %q, a %s column: it must be a %s column", fd.place(), a, id, col.Type, strings.Join(want, " or "))
		}
	}
}

// compareChronology warns of a chronology annotation changed or removed: contributions to one request
// on the old and the new version would be merged by different columns (one added is not: the old
// version's contributions were not merged by it at all).
func compareChronology(new *Form, of, nf *Field, at compatReport) {
	for _, a := range chronologyAnnotations {
		o, n := of.chronologyColumn(a), nf.chronologyColumn(a)
		switch {
		case o == "" || o == n:
		case n == "":
			at(new, nf.pointer, Warning, "compat-chronology", "%s no longer has %s %q: merged chronologies of requests with contributions on both versions lose it for some rows", nf.place(), a, o)
		default:
			at(new, nf.pointer+"/"+a, Warning, "compat-chronology", "%s has %s %q (was %q): merged chronologies of requests with contributions on both versions mix the two columns", nf.place(), a, n, o)
		}
	}
}

// chronologySchema is what the submission schema says of a chronology table (as x-chronology): which
// column is the date, the agency, the child and the event, for a consumer merging contributions. Nil
// for any other field.
func chronologySchema(fd *Field) map[string]any {
	if !fd.IsChronology() {
		return nil
	}
	out := map[string]any{}
	for _, a := range chronologyAnnotations {
		if id := fd.chronologyColumn(a); id != "" {
			out[a] = id
		}
	}
	return out
}
