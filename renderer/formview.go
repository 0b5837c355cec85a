package renderer

import (
	"slices"
	"time"

	"fmt"
	"net/url"
	"strconv"
	"strings"

	"formportal/engine"
	"formportal/i18n"
)

// The HTML of an engine form section: a view model built in Go from the form, the page's answers and the
// validation result, drawn by form.templ, and the decoding of the posted page back into answers. Names of
// inputs: "id" for a question, "id.day"/"id.month"/"id.year" for a date, "id[2].col" for a table cell or
// list field; the same scheme both ways.

// FieldView is one question, ready to draw.
type FieldView struct {
	Field    *engine.Field
	ID       string // the HTML id, unique on the page
	Name     string // the input's name
	Label    string
	Hint     string
	Required bool
	ReadOnly bool
	Error    string
	Value    string   // text-like questions, radios, select, yes/no
	Values   []string // checkboxes and children: the ticked values
	Day      string
	Month    string
	Year     string
	// Parts are a date of birth's or an address's inputs, by part ("status", "day", "postcode"); Answer
	// is how a UK answer type reads, for read-only views (ukfields.go).
	Parts   map[string]string
	Answer  string
	Finder  *AddressFinder // an address's Find address, where the portal has a lookup (addressfinder.go)
	Options []OptionView
	Rows    []RowView           // read-only tables and lists
	Table   *TableView          // tables and lists being filled in
	Files   []engine.Attachment // attachments
	// Mark is the council's comment on the question, when it returned the form for more information.
	Mark string
	// Context is visually hidden text after the label naming the row of a repeated question (" in row 2"),
	// so a screen reader user knows which row they are in.
	Context string
	// ShowWhen is the condition, for the script, of a question shown only when it holds ("" for one
	// drawn inside a choice, which GOV.UK Frontend reveals, or whose condition looks at other pages).
	ShowWhen string
	// RequiredWhen is the condition, for the script, under which a question with requiredWhen is marked *
	// ("" when the condition looks at other pages or cannot be said as comparisons: the server's mark stands).
	RequiredWhen string
	// Revealed: drawn inside the choice of radios or checkboxes it follows.
	Revealed bool
	// Condition states, in words, when a question applies, shown when the question it depends on is on the
	// same page (without JavaScript every question is shown, so people need to know which to answer).
	Condition string
	// Statement is a declaration's text with the person's answers in place of its {id}s.
	Statement string
	// Print: drawn for printing, details open.
	Print bool
}

// OptionView is one choice.
type OptionView struct {
	Value   string
	Label   string
	Hint    string
	Checked bool
	Reveals []FieldView // the questions that follow this choice, drawn inside it
	Group   string      // the heading the choice is shown under, or ""
}

// RowView is one row of a table or one item of a list.
type RowView struct {
	Index  int
	Legend string
	Focus  bool // a row just added: the script moves focus to it
	Fields []FieldView
}

// SectionInput is what building a section's view needs.
type SectionInput struct {
	Section  *engine.Section
	Values   map[string]any      // the page's draft answers (for a per-child section, that child's)
	Errors   []engine.FieldError // the section's errors, when they are to be shown
	Hidden   []string            // fields hidden by conditions on other pages
	Children []engine.Child      // the sibling group, for "which child" columns
	ReadOnly bool                // a submitted form
	Prefix   string              // the path prefix of errors ("children.c1.") for a per-child page
	// Action is the page's address; row pages are found from it.
	Action string
	// TablePages is, by table, the page of rows to show (the first when not given).
	TablePages map[string]int
	// Focus is the row to return focus to after it was saved: "events.3".
	Focus string
	// Computed are the values of the section's computed fields, by path as Errors has them
	// (engine.SectionResult.Computed): worked out by the engine, shown read-only.
	Computed map[string]any
	// Qualify gives the inputs names and ids that start with Prefix ("children.c1.gp_name"), so that
	// the pages of several children can be drawn in one HTML form, as the designers' preview does.
	Qualify bool
	// Marks are the council's comments on questions and rows of a returned form, by path with Prefix
	// ("gp_name", "children.c1.gp_name", "events[2]"): shown beside what they are about (casework.Mark).
	Marks map[string]string

	// A declaration that shows the person's own answers (content15): the form and every answer so far
	// (not only this page's), and the child of a per-child page, to fill in its {id}s. Without Form the
	// text is shown as written.
	Form    *engine.Form
	Answers engine.Answers
	Child   string
	// Print is the print view, where nothing can be opened: details components are drawn open (content15).
	Print bool
	// Lang is the language of the service's own words on the page, such as the names of rows ("Row 2",
	// "Rhes 2"): English when empty.
	Lang i18n.Lang
	// AddressLookup: the portal finds addresses by postcode, so address questions offer Find address;
	// Searches are what the search just made found, by question id.
	AddressLookup bool
	Searches      map[string]*AddressSearch
	// Tables keeps the table views built, when the answers are a draft as stored, checked (in Lang):
	// only the first request on it builds them (nil: always built).
	Tables *TableViews
	// Today is the day the page is drawn for: a signature's date is filled in with it (now when zero).
	Today time.Time
	// RequiredNow are the questions whose requiredWhen holds (engine.SectionResult.RequiredNow): marked *.
	RequiredNow []string
}

// idPrefix is what the names and ids of the page's inputs start with.
func (in SectionInput) idPrefix() string {
	if in.Qualify {
		return in.Prefix
	}
	return ""
}

// BuildSection makes the views of a section's questions.
func BuildSection(in SectionInput) []FieldView {
	errs := errorsByPath(in.Errors, in.Prefix)
	// Questions whose answers can change on this page; a read-only one is fixed by the case data, so a
	// condition on it is decided by the server like one on another page.
	onPage := map[*engine.Field]bool{}
	for _, fd := range in.Section.Fields {
		onPage[fd] = !fd.ReadOnly && !in.ReadOnly
	}
	hidden := map[string]bool{}
	for _, id := range in.Hidden {
		hidden[id] = true
	}
	q := questions{
		onPage: func(t *engine.Field) bool { return onPage[t] },
		name:   func(t *engine.Field) (string, bool) { return in.idPrefix() + t.ID, onPage[t] },
		build: func(fd *engine.Field) FieldView {
			return buildField(fd, in.Values[fd.ID], fd.ID, in.idPrefix()+fd.ID, errs, in)
		},
		// Decided by answers on other pages: not asked.
		skip: func(fd *engine.Field, samePage bool) bool { return !samePage && hidden[fd.ID] },
	}
	return q.views(in.Section.Fields)
}

// questions draws a page's questions, those that follow a choice inside it.
type questions struct {
	onPage func(*engine.Field) bool           // whether a question's answer can change on the page
	name   func(*engine.Field) (string, bool) // its input's name, and whether it is on the page
	build  func(*engine.Field) FieldView
	skip   func(fd *engine.Field, samePage bool) bool
}

func (q questions) views(fields []*engine.Field) []FieldView {
	under := map[*engine.Field]map[string][]*engine.Field{}
	nested := map[*engine.Field]bool{}
	for _, fd := range fields {
		if t, value, ok := revealUnder(fd, q.onPage); ok {
			if under[t] == nil {
				under[t] = map[string][]*engine.Field{}
			}
			under[t][value] = append(under[t][value], fd)
			nested[fd] = true
		}
	}
	var view func(fd *engine.Field) (FieldView, bool)
	view = func(fd *engine.Field) (FieldView, bool) {
		condition, showWhen := "", ""
		if fd.ShowWhen != nil {
			samePage := false
			for _, t := range fd.ShowWhen.Targets() {
				samePage = samePage || q.onPage(t)
			}
			if q.skip != nil && q.skip(fd, samePage) {
				return FieldView{}, false
			}
			if samePage {
				condition = fd.ShowWhen.AnswerIf()
				if !nested[fd] {
					showWhen, _ = showWhenJSON(fd.ShowWhen, q.name)
				}
			}
		}
		v := q.build(fd)
		v.Condition, v.ShowWhen, v.Revealed = condition, showWhen, nested[fd]
		if c := fd.RequiredWhenCondition(); c != nil && !v.ReadOnly {
			v.RequiredWhen, _ = showWhenJSON(c, q.name) // requiredmark.go: the * follows the answers
		}
		for k := range v.Options {
			for _, dep := range under[fd][v.Options[k].Value] {
				if dv, ok := view(dep); ok {
					v.Options[k].Reveals = append(v.Options[k].Reveals, dv)
				}
			}
		}
		return v, true
	}
	var out []FieldView
	for _, fd := range fields {
		if nested[fd] {
			continue
		}
		if v, ok := view(fd); ok {
			out = append(out, v)
		}
	}
	return out
}

// BuildField makes the view of one question of the section, as BuildSection does.
func BuildField(in SectionInput, fd *engine.Field) FieldView {
	return buildField(fd, in.Values[fd.ID], fd.ID, in.idPrefix()+fd.ID, errorsByPath(in.Errors, in.Prefix), in)
}

// errorsByPath is the first message for each path, without the page's prefix.
func errorsByPath(list []engine.FieldError, prefix string) map[string]string {
	errs := make(map[string]string, len(list))
	for _, e := range list {
		path := strings.TrimPrefix(e.Path, prefix)
		if _, seen := errs[path]; !seen {
			errs[path] = e.Message
		}
	}
	return errs
}

// buildField makes the view of a question at path id (for errors) whose input is called name.
func buildField(fd *engine.Field, raw any, id, name string, errs map[string]string, in SectionInput) FieldView {
	v := FieldView{Field: fd, ID: htmlID(in.idPrefix() + id), Name: name, Label: fd.Label, Hint: fd.Hint, Required: fd.Required || fd.Parent() == nil && slices.Contains(in.RequiredNow, fd.ID),
		ReadOnly: fd.ReadOnly || in.ReadOnly, Error: errs[id], Mark: in.Marks[in.Prefix+id]}
	v.Print = in.Print                     // content15
	if fd.Type == engine.TypeDeclaration { // content15
		v.Statement = fd.Text
		if in.Form != nil {
			v.Statement = in.Form.Statement(fd, in.Answers, in.Child, in.Children)
		}
	}
	switch fd.Type {
	case engine.TypeDate:
		v.Day, v.Month, v.Year = dateParts(raw)
	case engine.TypeCheckboxes, engine.TypeChildren:
		v.Values = engine.AnswerList(raw)
	case engine.TypeAttachments:
		v.Files = attachments(raw)
	case engine.TypeTable, engine.TypeList:
		if !v.ReadOnly && fd.Parent() == nil {
			v.Table = buildTable(fd, raw, errs, in)
			break
		}
		rows := fd.FixedRowsFirst(raw)
		for i, r := range rows {
			row, _ := r.(map[string]any)
			rv := RowView{Index: i, Legend: RowLegend(in.Lang, fd, i)}
			for _, col := range fd.Children() {
				cellID := fmt.Sprintf("%s[%d].%s", id, i, col.ID)
				cv := buildField(col, row[col.ID], cellID, fmt.Sprintf("%s[%d].%s", name, i, col.ID), errs, in)
				cv.ReadOnly = cv.ReadOnly || fd.ReadOnly
				cv.Context = " (" + strings.ToLower(rv.Legend) + ")"
				rv.Fields = append(rv.Fields, cv)
			}
			v.Rows = append(v.Rows, rv)
		}
		if fd.Parent() != nil { // lists15: a list inside a list's item reads as one cell of its item
			v.Answer = strings.Join(fd.FormatDraft(raw, in.Children), "; ")
		}
	case engine.TypeDeclaration:
		if engine.Ticked(raw) {
			v.Value = "yes"
		}
	case engine.TypeDateOfBirth, engine.TypeAddress:
		v.Parts = partsOf(fd, raw)
		if in.AddressLookup && fd.FindsAddress() && !v.ReadOnly {
			v.Finder = &AddressFinder{Action: in.Action, Search: in.Searches[id]}
		}
	case engine.TypeSignature:
		v.Parts = partsOf(fd, raw)
		if v.Parts["day"] == "" && v.Parts["month"] == "" && v.Parts["year"] == "" {
			// Signed today unless they say otherwise: the date is filled in, ready to change.
			today := in.Today
			if today.IsZero() {
				today = time.Now()
			}
			v.Parts["day"], v.Parts["month"], v.Parts["year"] = dateParts(today.Format(time.DateOnly))
		}
	case engine.TypeComputed:
		v.ReadOnly = true
		v.Value = strings.Join(fd.FormatAnswer(in.Computed[in.Prefix+id], nil), ", ")
	default:
		v.Value = text(raw)
	}
	if ukType(fd) {
		v.Answer = strings.Join(fd.FormatDraft(raw, in.Children), ", ")
	}
	switch fd.Type {
	case engine.TypeSelect, engine.TypeRadios, engine.TypeCheckboxes:
		for _, o := range fd.Options {
			v.Options = append(v.Options, OptionView{Value: o.Value, Label: o.Label, Hint: o.Hint, Group: o.Group,
				Checked: o.Value == v.Value || contains(v.Values, o.Value)})
		}
	case engine.TypeYesNo:
		for _, o := range []OptionView{{Value: "yes", Label: i18n.In(in.Lang, "field.yes")}, {Value: "no", Label: i18n.In(in.Lang, "field.no")}} {
			o.Checked = o.Value == v.Value
			v.Options = append(v.Options, o)
		}
	case engine.TypeChildren:
		for _, c := range in.Children {
			v.Options = append(v.Options, OptionView{Value: c.ID, Label: c.Name, Checked: contains(v.Values, c.ID)})
		}
	}
	return v
}

// RowLegend names row i in l: "Row 3", "Person 2", or a fixed row's label.
func RowLegend(l i18n.Lang, fd *engine.Field, i int) string {
	if fd.IsFixedRow(i) {
		return fd.FixedRows[i].Label
	}
	return i18n.In(l, "table.row_name", "Noun", upperFirst(RowNounIn(l, fd)), "Number", i+1)
}

// htmlID turns a path like "events[2].date" into an id usable in a URL fragment: "events-2-date".
func htmlID(path string) string {
	return idReplacer.Replace(path)
}

// idReplacer is built once: building a Replacer costs more than using it, on pages of hundreds of rows.
var idReplacer = strings.NewReplacer("[", "-", "]", "", ".", "-")

// ErrorID is the id of the input an error summary entry links to.
func ErrorID(fd *engine.Field, path string) string {
	id := htmlID(path)
	if fd != nil && fd.Type == engine.TypeDate {
		return id + "-day"
	}
	return id
}

func dateParts(raw any) (day, month, year string) {
	switch d := raw.(type) {
	case map[string]any:
		return text(d["day"]), text(d["month"]), text(d["year"])
	case string:
		if parts := strings.Split(d, "-"); len(parts) == 3 {
			return strings.TrimLeft(parts[2], "0"), strings.TrimLeft(parts[1], "0"), parts[0]
		}
	}
	return "", "", ""
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func attachments(raw any) []engine.Attachment {
	list, _ := raw.([]any)
	var out []engine.Attachment
	for _, it := range list {
		m, _ := it.(map[string]any)
		size, _ := m["size"].(float64)
		out = append(out, engine.Attachment{ID: text(m["id"]), Name: text(m["name"]), Size: int64(size), Kind: text(m["kind"])})
	}
	return out
}

// DecodeSection reads a posted page into the section's answers, keeping what the page does not post
// (attachments, the rows of tables and lists, read-only values) from the previous answers. It returns
// the new answers of the section.
func DecodeSection(s *engine.Section, form url.Values, previous map[string]any) map[string]any {
	out := map[string]any{}
	for _, fd := range s.Fields {
		if !fd.Answerable() {
			continue
		}
		if !Posted(fd) {
			if v, ok := previous[fd.ID]; ok {
				out[fd.ID] = v
			}
			continue
		}
		if v, ok := decodeField(fd, form, fd.ID); ok {
			out[fd.ID] = v
		}
	}
	return out
}

func decodeField(fd *engine.Field, form url.Values, name string) (any, bool) {
	switch fd.Type {
	case engine.TypeDate:
		d := map[string]any{"day": form.Get(name + ".day"), "month": form.Get(name + ".month"), "year": form.Get(name + ".year")}
		if d["day"] == "" && d["month"] == "" && d["year"] == "" {
			return nil, false
		}
		return d, true
	case engine.TypeCheckboxes, engine.TypeChildren:
		vals := form[name]
		list := make([]any, 0, len(vals))
		for _, v := range vals {
			if v != "" {
				list = append(list, v)
			}
		}
		return list, true
	case engine.TypeDeclaration:
		return form.Get(name) == "yes", true
	case engine.TypeDateOfBirth, engine.TypeAddress, engine.TypeSignature:
		return decodeParts(fd, form, name)
	}
	if _, posted := form[name]; !posted {
		return nil, false
	}
	return form.Get(name), true
}

// maxPostedRows is the most rows a table or list without a maxRows of its own can have: the language's
// limit on maxRows.
const maxPostedRows = 5000

// MaxRows is the most rows a table (or items a list) can have: its maxRows (maxItems), or the language's
// limit when it sets none. A page never posts more.
func MaxRows(fd *engine.Field) int {
	limit := fd.MaxRows
	if fd.Type == engine.TypeList {
		limit = fd.MaxItems
	}
	if limit != nil && *limit > 0 && *limit < maxPostedRows {
		return *limit
	}
	return maxPostedRows
}

// Posted reports whether a form page posts the field's answer: not attachments (uploaded with their own
// button), tables and lists (their rows are posted from row pages), or read-only questions.
func Posted(fd *engine.Field) bool {
	return fd.Typed() && !fd.ReadOnly && fd.Type != engine.TypeAttachments && !fd.Container()
}

// EncodeSection is the inverse of DecodeSection: the form post a browser would send for these answers.
// Load runs and tests use it to fill pages as a person would; rows go through EncodeRow.
func EncodeSection(s *engine.Section, values map[string]any) url.Values {
	out := url.Values{}
	for _, fd := range s.Fields {
		if Posted(fd) {
			encodeField(fd, values[fd.ID], fd.ID, out)
		}
	}
	return out
}

func encodeField(fd *engine.Field, v any, name string, out url.Values) {
	switch fd.Type {
	case engine.TypeDate:
		day, month, year := dateParts(v)
		out.Set(name+".day", day)
		out.Set(name+".month", month)
		out.Set(name+".year", year)
	case engine.TypeCheckboxes, engine.TypeChildren:
		for _, s := range engine.AnswerList(v) {
			out.Add(name, s)
		}
	case engine.TypeDeclaration:
		if engine.Ticked(v) {
			out.Set(name, "yes")
		}
	case engine.TypeDateOfBirth, engine.TypeAddress, engine.TypeSignature:
		encodeParts(fd, v, name, out)
	default:
		if v != nil {
			out.Set(name, text(v))
		}
	}
}

// marksRequired reports whether any of the questions can show the asterisk that RequiredNote explains:
// a page of guidance alone, or of questions none of which must be answered, does not say what it means.
func marksRequired(fields []FieldView) bool {
	for _, f := range fields {
		if f.Required || f.RequiredWhen != "" {
			return true
		}
		for _, o := range f.Options {
			if marksRequired(o.Reveals) {
				return true
			}
		}
	}
	return false
}
