package renderer

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"formportal/engine"
	"formportal/i18n"
)

// Rows pasted from a spreadsheet. Excel, LibreOffice, Google Sheets and Word tables all copy rows as
// text, one row a line and the cells separated by tabs; a cell holding a line break or a tab is quoted
// ("..."), with its quotes doubled, as in a CSV file.

// PasteName is the name of a table's paste box: "events.paste". Field ids never contain a dot.
func PasteName(fieldID string) string { return fieldID + ".paste" }

// Paste is what was pasted into a table's paste box, read row by row.
type Paste struct {
	Heading     []string // the line of column headings, when the paste began with one
	headingLine string   // that line as pasted
	Rows        []PastedRow
	// Problem is what stops the whole paste from being read (a cell quoted but never closed).
	Problem string
}

// PastedRow is one pasted line.
type PastedRow struct {
	Cells    []string       // as pasted
	line     string         // the line as pasted, without its line end
	Values   map[string]any // the row's answers, as the row page would post them
	Problems []PasteProblem // cells that could not be read; Values is nil then
}

// PasteProblem is a cell that could not be read as an answer to its column.
type PasteProblem struct {
	Column  string // the column's label
	Message string
}

// ReadPaste reads tab-separated rows for a table or list. When every cell of the first line names a
// column (its label or id), that line is the heading and says which column each cell is; otherwise the
// cells are in the order of the columns. Each cell is read as its column's answer: dates written the
// British way (27/3/2024, 27 March 2024, 2024-03-27), choices by label or value, children by name.
// Whether an answer is acceptable is left to the engine, as for a typed row.
func ReadPaste(ctx context.Context, fd *engine.Field, text string, children []engine.Child) Paste {
	var out Paste
	if max := maxPasteLines(fd); pasteLines(text) > max {
		// Read, each line would cost a hundred times its bytes, for rows the table cannot take.
		out.Problem = i18n.T(ctx, "engine.paste.too_many_lines", "Max", max)
		return out
	}
	columns := pasteColumns(fd)
	if line, cells := lineOverCells(text, 10*len(columns)+100); line > 0 {
		// Read, a line of millions of cells costs a hundred times its bytes.
		out.Problem = i18n.T(ctx, "engine.paste.too_many_cells", "Line", line, "Cells", cells, "Columns", len(columns))
		return out
	}
	records, lines, err := readTSV(ctx, text)
	if err != nil {
		out.Problem = err.Error()
		return out
	}
	mapping := columns
	if len(records) > 0 {
		if m, ok := headingMapping(records[0], columns); ok {
			out.Heading, out.headingLine, mapping, records, lines = records[0], lines[0], m, records[1:], lines[1:]
		}
	}
	for n, rec := range records {
		if blank(rec) {
			continue
		}
		row := PastedRow{Cells: rec, line: lines[n], Values: map[string]any{}}
		if extra := len(rec) - len(mapping); extra > 0 && !blank(rec[len(mapping):]) {
			labels := make([]string, 0, len(mapping))
			for _, c := range mapping {
				if c != nil {
					labels = append(labels, c.Label)
				}
			}
			row.Problems = append(row.Problems, PasteProblem{Message: i18n.T(ctx, "engine.paste.cells",
				"Cells", len(rec), "Columns", len(labels), "Labels", strings.Join(labels, ", "))})
		}
		for i, cell := range rec {
			if i >= len(mapping) || mapping[i] == nil {
				continue
			}
			col := mapping[i]
			v, problem := readCell(ctx, col, strings.TrimSpace(cell), children)
			if problem != "" {
				row.Problems = append(row.Problems, PasteProblem{Column: col.Label, Message: problem})
				continue
			}
			if v != nil {
				row.Values[col.ID] = v
			}
		}
		if len(row.Problems) > 0 {
			row.Values = nil
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// Text writes the heading and these rows back as the lines they were pasted as: written again as
// tab-separated values, a cell of quotation marks doubled them, each then five characters in the page.
func (p Paste) Text(rows []PastedRow) string {
	var b strings.Builder
	if p.Heading != nil {
		b.WriteString(p.headingLine)
		b.WriteByte('\n')
	}
	for _, r := range rows {
		b.WriteString(r.line)
		b.WriteByte('\n')
	}
	return b.String()
}

// maxPasteLines is the most lines a paste into fd is read from: ten times the rows it holds, and at
// least 10,000, so that rows beyond them are kept in the box with the reason, without reading a paste
// of a hundred thousand lines.
func maxPasteLines(fd *engine.Field) int { return max(10*MaxRows(fd), 10_000) }

// lineOverCells finds the first line of text with more than limit cells (tab-separated): its number
// and how many it has, or 0.
func lineOverCells(text string, limit int) (line, cells int) {
	line, cells = 1, 1
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\t':
			cells++
		case '\n', '\r':
			if cells > limit {
				return line, cells
			}
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			line, cells = line+1, 1
		}
	}
	if cells > limit {
		return line, cells
	}
	return 0, 0
}

// pasteLines counts the lines of text as readTSV reads them: ended by LF, CR LF or CR.
func pasteLines(text string) int {
	return strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n") + 1
}

// readTSV splits pasted text into lines of cells, and gives each line as pasted (a quoted cell may hold
// line breaks). A line may end in CR alone, as a spreadsheet on an old Mac copies it: the CSV reader
// would read such a paste as one line, a CR inside its cells.
func readTSV(ctx context.Context, text string) ([][]string, []string, error) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	var lines []string
	for {
		start := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			return out, lines, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, nil, errors.New(i18n.T(ctx, "engine.paste.open_quote", "Line", pe.StartLine))
		}
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rec)
		lines = append(lines, strings.Trim(text[start:r.InputOffset()], "\n")) // and the blank lines before it, which the reader skips
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// pasteColumns are the columns a paste fills, in order: not a list inside a list's items, whose items
// are added on pages of their own (a cell would be kept as text where its items belong).
func pasteColumns(fd *engine.Field) []*engine.Field {
	var out []*engine.Field
	for _, c := range fd.Children() {
		if c.Typed() && !c.ReadOnly && !c.Container() {
			out = append(out, c)
		}
	}
	return out
}

// headingMapping reads a line of headings: every cell names a column (or is empty, a column the table
// does not have), and at least one does.
func headingMapping(rec []string, columns []*engine.Field) ([]*engine.Field, bool) {
	mapping := make([]*engine.Field, len(rec))
	named := 0
	for i, cell := range rec {
		h := normalHeading(cell)
		if h == "" {
			continue
		}
		for _, c := range columns {
			if h == normalHeading(c.Label) || h == normalHeading(c.ID) {
				mapping[i] = c
			}
		}
		if mapping[i] == nil {
			return nil, false
		}
		named++
	}
	return mapping, named > 0
}

func normalHeading(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "(optional)"), "*")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == ':' }), " ")
}

// inMessage is a cell as a message quotes it: its first sixty characters. A message is shown twice on
// the page (in the summary and by the box), and a cell can be megabytes.
func inMessage(cell string) string {
	const limit = 60
	n := 0
	for i := range cell {
		if n == limit {
			return cell[:i] + "…"
		}
		n++
	}
	return cell
}

// readCell reads one pasted cell as an answer to its column, or says why it cannot.
func readCell(ctx context.Context, col *engine.Field, cell string, children []engine.Child) (any, string) {
	if cell == "" {
		return nil, ""
	}
	switch col.Type {
	// The UK answer types (ukpaste.go).
	case engine.TypeDateOfBirth:
		return readDateOfBirthCell(ctx, cell)
	case engine.TypeAddress:
		return readAddressCell(ctx, col, cell)
	case engine.TypeDate:
		d, ok := readDate(cell)
		if !ok {
			return nil, i18n.T(ctx, "engine.paste.date", "Cell", inMessage(cell))
		}
		return d, ""
	case engine.TypeSelect, engine.TypeRadios:
		if v, ok := optionOf(col.Options, cell); ok {
			return v, ""
		}
		return nil, i18n.T(ctx, "engine.paste.choice", "Cell", inMessage(cell), "Choices", optionLabels(col.Options))
	case engine.TypeYesNo:
		switch strings.ToLower(cell) {
		case "yes", "y", "true", "ie":
			return "yes", ""
		case "no", "n", "false", "na":
			return "no", ""
		}
		return nil, i18n.T(ctx, "engine.paste.yes_no", "Cell", inMessage(cell))
	case engine.TypeCheckboxes:
		var out []any
		for _, part := range splitList(cell, choiceSepRE) {
			v, ok := optionOf(col.Options, part)
			if !ok {
				return nil, i18n.T(ctx, "engine.paste.choice", "Cell", inMessage(part), "Choices", optionLabels(col.Options))
			}
			out = append(out, v)
		}
		return out, ""
	case engine.TypeChildren:
		return readChildren(ctx, cell, children)
	}
	return cell, ""
}

var (
	numericDateRE = regexp.MustCompile(`^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)
	isoDateRE     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?)?$`)
	wordDateRE    = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})$`)
)

// readDate reads a date as British spreadsheets show one, into the day, month and year a date input
// posts; the engine decides whether it is a real date.
func readDate(s string) (map[string]any, bool) {
	part := func(day, month, year string) map[string]any {
		return map[string]any{"day": strings.TrimLeft(day, "0"), "month": strings.TrimLeft(month, "0"), "year": year}
	}
	if m := numericDateRE.FindStringSubmatch(s); m != nil {
		return part(m[1], m[2], m[3]), true
	}
	if m := isoDateRE.FindStringSubmatch(s); m != nil {
		return part(m[3], m[2], m[1]), true
	}
	if m := wordDateRE.FindStringSubmatch(s); m != nil {
		for mo := time.January; mo <= time.December; mo++ {
			name := strings.ToLower(mo.String())
			if w := strings.ToLower(m[2]); w == name || len(w) >= 3 && strings.HasPrefix(name, w) {
				return part(m[1], strconv.Itoa(int(mo)), m[3]), true
			}
		}
	}
	return nil, false
}

func optionOf(options []engine.Option, s string) (string, bool) {
	for _, o := range options {
		if strings.EqualFold(s, o.Label) || strings.EqualFold(s, o.Value) {
			return o.Value, true
		}
	}
	return "", false
}

func optionLabels(options []engine.Option) string {
	labels := make([]string, len(options))
	for i, o := range options {
		labels[i] = o.Label
	}
	return strings.Join(labels, ", ")
}

var (
	choiceSepRE = regexp.MustCompile(`\s*[,;\n]\s*`)
	nameSepRE   = regexp.MustCompile(`(?i)\s*(?:[,;&/\n]|\band\b)\s*`)
)

// splitList splits a cell naming several things: "Aurora, Orion and Lyra", "Aurora; Orion".
func splitList(s string, sep *regexp.Regexp) []string {
	var out []string
	for _, p := range sep.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readChildren reads which children a row is about: their names (full or first), or "all".
func readChildren(ctx context.Context, cell string, children []engine.Child) (any, string) {
	switch strings.ToLower(cell) {
	case "all", "all children", "both", "whole family", "the whole family", "family":
		out := make([]any, len(children))
		for i, c := range children {
			out[i] = c.ID
		}
		return out, ""
	}
	var out []any
	used := map[string]bool{}
	for _, name := range splitList(cell, nameSepRE) {
		// Two children of one name (a half-sibling named after another) are named twice: the second
		// time is the next of them.
		id := ""
		for _, c := range children {
			first, _, _ := strings.Cut(c.Name, " ")
			if !used[c.ID] && (strings.EqualFold(name, c.Name) || strings.EqualFold(name, first) || strings.EqualFold(name, c.ID)) {
				id = c.ID
				break
			}
		}
		used[id] = true
		if id == "" {
			names := make([]string, len(children))
			for i, c := range children {
				names[i] = c.Name
			}
			return nil, i18n.T(ctx, "engine.paste.child", "Name", inMessage(name), "Names", strings.Join(names, ", "))
		}
		out = append(out, id)
	}
	return out, ""
}

// EncodePaste is the inverse of ReadPaste: rows as a spreadsheet copies them, under a line of the
// columns' labels. Load runs and tests use it to paste rows as a person would.
func EncodePaste(fd *engine.Field, rows []any, children []engine.Child) string {
	columns := pasteColumns(fd)
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = '\t'
	heading := make([]string, len(columns))
	for i, c := range columns {
		heading[i] = c.Label
	}
	w.Write(heading)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		cells := make([]string, len(columns))
		for i, c := range columns {
			cells[i] = pasteCell(c, row[c.ID], children)
		}
		w.Write(cells)
	}
	w.Flush()
	return b.String()
}

// pasteCell writes an answer as a spreadsheet shows it: dates as 27/03/2024, choices by label,
// children by name.
func pasteCell(col *engine.Field, v any, children []engine.Child) string {
	if ukType(col) {
		return strings.Join(col.FormatDraft(v, children), ", ")
	}
	switch col.Type {
	case engine.TypeDate:
		day, month, year := dateParts(v)
		if day == "" && month == "" && year == "" {
			return ""
		}
		return day + "/" + month + "/" + year
	case engine.TypeChildren:
		var names []string
		for _, id := range engine.AnswerList(v) {
			for _, c := range children {
				if c.ID == id {
					names = append(names, c.Name)
				}
			}
		}
		return strings.Join(names, ", ")
	case engine.TypeSelect, engine.TypeRadios:
		return col.OptionLabel(text(v))
	case engine.TypeCheckboxes:
		var labels []string
		for _, s := range engine.AnswerList(v) {
			labels = append(labels, col.OptionLabel(s))
		}
		return strings.Join(labels, "; ")
	}
	return text(v)
}
