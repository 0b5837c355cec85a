package engine

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldError is one problem with an answer, tied to the field's path in the answers
// ("practitioner_name", "chronology[2].date", "children.c1.gp_name") and worded for the person answering.
type FieldError struct {
	Path    string `json:"path"`
	Section string `json:"section"`
	Child   string `json:"child,omitempty"`
	Field   string `json:"field"`
	Kind    string `json:"kind"` // required, format, min, max, pattern, option
	Message string `json:"message"`
}

// Status is how far a section has got.
type Status string

const (
	NotStarted Status = "not-started"
	InProgress Status = "in-progress"
	Completed  Status = "completed"
	HasErrors  Status = "has-errors"
)

// SectionResult is the outcome of validating one section (for one child, in a per-child section).
type SectionResult struct {
	Section   string       `json:"section"`
	Child     string       `json:"child,omitempty"`
	ChildName string       `json:"childName,omitempty"`
	Visible   bool         `json:"visible"`
	Hidden    []string     `json:"hidden,omitempty"` // fields of a visible section that their conditions hide
	Status    Status       `json:"status"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// Result is the outcome of validating answers.
type Result struct {
	Errors     []FieldError    `json:"errors"`
	Sections   []SectionResult `json:"sections"`
	Submission Answers         `json:"submission"` // cleaned and typed; hidden questions dropped
}

// Valid reports whether no answer has a problem.
func (r Result) Valid() bool { return len(r.Errors) == 0 }

// ValidateOptions narrow a validation.
type ValidateOptions struct {
	Sections []string  // only these sections (a delegation); all when empty
	Today    time.Time // the day "in the future" is measured from; now when zero
}

// Validate checks answers against the form: required answers, types, constraints and conditions (a
// hidden question is never required and its answer is dropped), per table row and per child. Read-only
// prefilled answers are always taken from the case data, never from the answers.
func (f *Form) Validate(caseData any, answers Answers, opts ValidateOptions) Result {
	caseData = normaliseJSON(caseData)
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	v := &validation{form: f, today: today.Format(time.DateOnly), children: f.Children(caseData)}
	v.readOnlyPrefill(caseData)
	res := Result{Errors: []FieldError{}, Submission: Answers{Values: map[string]any{}}}
	for _, s := range f.Sections {
		if len(opts.Sections) > 0 && !containsString(opts.Sections, s.ID) {
			continue
		}
		if !s.PerChild {
			sc := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values}
			res.Sections = append(res.Sections, v.section(s, sc, res.Submission.Values, ""))
			continue
		}
		for _, c := range v.children {
			clean := map[string]any{}
			sc := &scope{v: v, values: answers.Values, child: answers.Children[c.ID], prefilled: v.prefilled.Values,
				childPrefilled: v.prefilled.Children[c.ID], childName: c.Name}
			r := v.section(s, sc, clean, c.ID)
			r.ChildName = c.Name
			res.Sections = append(res.Sections, r)
			if len(clean) > 0 {
				if res.Submission.Children == nil {
					res.Submission.Children = map[string]map[string]any{}
				}
				if res.Submission.Children[c.ID] == nil {
					res.Submission.Children[c.ID] = map[string]any{}
				}
				for k, x := range clean {
					res.Submission.Children[c.ID][k] = x
				}
			}
		}
	}
	for _, r := range res.Sections {
		res.Errors = append(res.Errors, r.Errors...)
	}
	return res
}

// Visible lists the sections (for each child, where a section repeats) with whether each is shown, as
// Validate does, without checking any answer: all a page needs to know which pages there are.
func (f *Form) Visible(caseData any, answers Answers, opts ValidateOptions) []SectionResult {
	caseData = normaliseJSON(caseData)
	v := &validation{form: f, children: f.Children(caseData)}
	v.readOnlyPrefill(caseData)
	var out []SectionResult
	for _, s := range f.Sections {
		if len(opts.Sections) > 0 && !containsString(opts.Sections, s.ID) {
			continue
		}
		if !s.PerChild {
			sc := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values}
			out = append(out, SectionResult{Section: s.ID, Visible: sc.holds(s.ShowWhen, 0)})
			continue
		}
		for _, c := range v.children {
			sc := &scope{v: v, values: answers.Values, child: answers.Children[c.ID], prefilled: v.prefilled.Values,
				childPrefilled: v.prefilled.Children[c.ID], childName: c.Name, childID: c.ID}
			out = append(out, SectionResult{Section: s.ID, Child: c.ID, ChildName: c.Name, Visible: sc.holds(s.ShowWhen, 0)})
		}
	}
	return out
}

type validation struct {
	form      *Form
	today     string
	children  []Child
	prefilled Answers // read-only prefilled values only
}

func (v *validation) readOnlyPrefill(caseData any) {
	all, errs := v.form.Prefill(caseData)
	v.prefilled = Answers{Values: map[string]any{}, Children: map[string]map[string]any{}}
	if len(errs) > 0 {
		return
	}
	for id, x := range all.Values {
		if fd := v.form.fields[id]; fd != nil && fd.ReadOnly {
			v.prefilled.Values[id] = x
		}
	}
	for cid, vals := range all.Children {
		for id, x := range vals {
			if fd := v.form.fields[id]; fd != nil && fd.ReadOnly {
				if v.prefilled.Children[cid] == nil {
					v.prefilled.Children[cid] = map[string]any{}
				}
				v.prefilled.Children[cid][id] = x
			}
		}
	}
}

// scope is where answers are looked up while validating: the form's values, the current child's, the
// current row's.
type scope struct {
	v              *validation
	values         map[string]any
	child          map[string]any
	prefilled      map[string]any
	childPrefilled map[string]any
	childName      string
	childID        string
	row            map[string]any
	rowOf          *Field
	rowIndex       int
	visible        map[*Field]bool
}

// raw returns the answer a field holds in this scope, read-only values coming from the case data.
func (sc *scope) raw(fd *Field) any {
	switch {
	case fd.parent != nil:
		if sc.rowOf == fd.parent {
			return sc.row[fd.ID]
		}
		return nil
	case fd.section.PerChild:
		if fd.ReadOnly {
			return sc.childPrefilled[fd.ID]
		}
		return sc.child[fd.ID]
	case fd.ReadOnly:
		return sc.prefilled[fd.ID]
	}
	return sc.values[fd.ID]
}

// isVisible reports whether a field is shown in this scope: its section's, container's and own conditions.
func (sc *scope) isVisible(fd *Field) bool {
	memo := fd.parent == nil
	if memo {
		if vis, ok := sc.visible[fd]; ok {
			return vis
		}
	}
	vis := sc.holds(fd.section.ShowWhen, 0) && (fd.parent == nil || sc.isVisible(fd.parent)) && sc.holds(fd.ShowWhen, 0)
	if memo {
		if sc.visible == nil {
			sc.visible = map[*Field]bool{}
		}
		sc.visible[fd] = vis
	}
	return vis
}

func (sc *scope) holds(c *Condition, depth int) bool {
	if c == nil {
		return true
	}
	if depth > maxConditionDepth {
		return false
	}
	switch {
	case c.All != nil:
		for _, s := range c.All {
			if !sc.holds(s, depth+1) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, s := range c.Any {
			if sc.holds(s, depth+1) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !sc.holds(c.Not, depth+1)
	}
	t := c.target
	if t == nil {
		return false
	}
	var val any
	if sc.isVisible(t) {
		val = sc.raw(t)
	}
	answered := isAnswered(val)
	switch {
	case c.Answered != nil:
		return answered == *c.Answered
	case !answered:
		return false
	case c.Equals != nil:
		return sameValue(t, val, c.Equals)
	case c.NotEquals != nil:
		return !sameValue(t, val, c.NotEquals)
	case c.In != nil:
		for _, x := range c.In {
			if sameValue(t, val, x) {
				return true
			}
		}
		return false
	case c.Contains != nil:
		for _, x := range asList(val) {
			if strings.TrimSpace(x) == *c.Contains {
				return true
			}
		}
		return false
	case c.GreaterThan != nil:
		n, ok := toNumber(val)
		return ok && n > *c.GreaterThan
	case c.LessThan != nil:
		n, ok := toNumber(val)
		return ok && n < *c.LessThan
	}
	return false
}

func sameValue(t *Field, val, want any) bool {
	if t.Type == TypeNumber {
		n, ok := toNumber(val)
		w, wok := want.(float64)
		return ok && wok && n == w
	}
	s, ok := want.(string)
	if !ok {
		return false
	}
	if t.Type == TypeYesNo {
		got, _ := yesNo(val)
		return got == s
	}
	if t.Type == TypeDate {
		got, problem := parseDate(val)
		return problem == "" && got == s
	}
	got, ok := val.(string)
	return ok && strings.TrimSpace(got) == s
}

func (v *validation) section(s *Section, sc *scope, clean map[string]any, childID string) SectionResult {
	sc.childID = childID
	r := SectionResult{Section: s.ID, Child: childID, Visible: sc.holds(s.ShowWhen, 0)}
	answered := false
	onlyRequired := true
	if r.Visible {
		for _, fd := range s.Fields {
			if !sc.isVisible(fd) {
				r.Hidden = append(r.Hidden, fd.ID)
				continue
			}
			if !fd.Answerable() {
				continue
			}
			raw := sc.raw(fd)
			if isAnswered(raw) && !fd.ReadOnly {
				answered = true
			}
			out, errs := v.field(fd, raw, sc, fieldPath(fd, childID, -1))
			for _, e := range errs {
				e.Section = s.ID
				e.Child = childID
				r.Errors = append(r.Errors, e)
				if e.Kind != "required" {
					onlyRequired = false
				}
			}
			if out != nil {
				clean[fd.ID] = out
			}
		}
	}
	switch {
	case !r.Visible:
		r.Status = NotStarted
	case len(r.Errors) == 0:
		r.Status = Completed
	case !answered:
		r.Status = NotStarted
	case onlyRequired:
		r.Status = InProgress
	default:
		r.Status = HasErrors
	}
	return r
}

func fieldPath(fd *Field, childID string, row int) string {
	var b strings.Builder
	if childID != "" {
		b.WriteString("children.")
		b.WriteString(childID)
		b.WriteByte('.')
	}
	if fd.parent != nil {
		b.WriteString(fd.parent.ID)
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(row))
		b.WriteString("].")
	}
	b.WriteString(fd.ID)
	return b.String()
}

// field validates one answer, returning its cleaned value (nil when unanswered) and its problems.
func (v *validation) field(fd *Field, raw any, sc *scope, path string) (any, []FieldError) {
	if fd.Container() {
		return v.rows(fd, raw, sc, path)
	}
	if !isAnswered(raw) {
		if fd.Required {
			return nil, []FieldError{v.fail(fd, sc, path, "required", requiredMessage(fd))}
		}
		return nil, nil
	}
	out, kind, msg := v.check(fd, raw, sc)
	if msg != "" {
		return nil, []FieldError{v.fail(fd, sc, path, kind, msg)}
	}
	return out, nil
}

func (v *validation) fail(fd *Field, sc *scope, path, kind, msg string) FieldError {
	if fd.parent != nil && sc.rowOf == fd.parent {
		msg += " " + rowWords(fd.parent, sc.rowIndex)
	}
	if sc.childName != "" {
		msg += " for " + sc.childName
	}
	return FieldError{Path: path, Field: fd.ID, Kind: kind, Message: msg}
}

func rowWords(container *Field, i int) string {
	if container.Type == TypeList {
		label := container.ItemLabel
		if label == "" {
			label = "item"
		}
		return "for " + strings.ToLower(label) + " " + strconv.Itoa(i+1)
	}
	return "in row " + strconv.Itoa(i+1)
}

// rows validates a table or list: each row's cells, then the number of rows. Rows left entirely blank
// are dropped.
func (v *validation) rows(fd *Field, raw any, sc *scope, path string) (any, []FieldError) {
	items, _ := raw.([]any)
	var errs []FieldError
	out := make([]any, 0, len(items))
	rowScope := *sc
	rowScope.rowOf = fd
	for _, it := range items {
		row, _ := it.(map[string]any)
		if !rowAnswered(fd, row) {
			continue
		}
		index := len(out)
		rowScope.row, rowScope.rowIndex = row, index
		clean := make(map[string]any, len(fd.Children()))
		for _, col := range fd.Children() {
			if !col.Answerable() || !rowScope.holds(col.ShowWhen, 0) {
				continue
			}
			// The cell's path is written only for a problem: most cells have none, and a chronology has
			// thousands of them.
			cv, cerrs := v.field(col, row[col.ID], &rowScope, "")
			for _, e := range cerrs {
				e.Path = fieldPathRow(path, index, col.ID)
				errs = append(errs, e)
			}
			if cv != nil {
				clean[col.ID] = cv
			}
		}
		out = append(out, clean)
	}
	minRows, maxRows := rowLimits(fd)
	switch {
	case len(out) < minRows:
		kind := "min"
		if len(out) == 0 {
			kind = "required"
		}
		errs = append(errs, v.fail(fd, sc, path, kind, minRowsMessage(fd, minRows)))
	case maxRows > 0 && len(out) > maxRows:
		errs = append(errs, v.fail(fd, sc, path, "max", maxRowsMessage(fd, maxRows)))
	}
	if len(out) == 0 {
		return nil, errs
	}
	return out, errs
}

func fieldPathRow(container string, row int, col string) string {
	return container + "[" + strconv.Itoa(row) + "]." + col
}

func rowLimits(fd *Field) (minRows, maxRows int) {
	lo, hi := fd.MinRows, fd.MaxRows
	if fd.Type == TypeList {
		lo, hi = fd.MinItems, fd.MaxItems
	}
	if lo != nil {
		minRows = *lo
	}
	if fd.Required && minRows == 0 {
		minRows = 1
	}
	if hi != nil {
		maxRows = *hi
	}
	return minRows, maxRows
}

func rowAnswered(fd *Field, row map[string]any) bool {
	for _, col := range fd.Children() {
		if isAnswered(row[col.ID]) {
			return true
		}
	}
	return false
}

// check validates an answered simple field and returns its cleaned value, or the kind and message of
// what is wrong.
func (v *validation) check(fd *Field, raw any, sc *scope) (out any, kind, msg string) {
	switch fd.Type {
	case TypeText, TypeTextarea:
		s := cleanText(raw, fd.Type == TypeTextarea)
		return v.checkText(fd, s)
	case TypeEmail:
		s := strings.TrimSpace(textOf(raw))
		if !emailRE.MatchString(s) {
			return nil, "format", pick(fd.Messages.Format, "Enter an email address in the correct format, like name@example.com")
		}
		if fd.MaxLength != nil && utf8.RuneCountInString(s) > *fd.MaxLength {
			return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be "+strconv.Itoa(*fd.MaxLength)+" characters or fewer")
		}
		return s, "", ""
	case TypePhone:
		s := strings.TrimSpace(textOf(raw))
		if strings.ContainsFunc(s, unicode.IsSpace) {
			return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" cannot contain spaces: enter it as one continuous number, like 01632960001")
		}
		if !phoneRE.MatchString(s) {
			return nil, "format", pick(fd.Messages.Format, "Enter "+subject(fd)+" using numbers only, like 01632960001 or +441632960001")
		}
		return s, "", ""
	case TypeNumber:
		return checkNumber(fd, raw)
	case TypeDate:
		return v.checkDate(fd, raw, sc)
	case TypeSelect, TypeRadios:
		s := strings.TrimSpace(textOf(raw))
		if !hasOption(fd, s) {
			return nil, "option", "Select " + requiredName(fd) + " from the list"
		}
		return s, "", ""
	case TypeYesNo:
		s, ok := yesNo(raw)
		if !ok {
			return nil, "option", requiredMessage(fd)
		}
		return s, "", ""
	case TypeDeclaration:
		if ticked(raw) {
			return true, "", ""
		}
		return nil, "required", requiredMessage(fd)
	case TypeCheckboxes:
		return checkChoices(fd, raw)
	case TypeChildren:
		return v.checkChildren(fd, raw)
	case TypeAttachments:
		return checkAttachments(fd, raw)
	}
	return nil, "", ""
}

var (
	// emailRE is the HTML standard's valid e-mail address, with at least one dot in the domain. The derived
	// submission schema uses the same pattern, so the engine and consumers of submissions agree exactly.
	emailRE = regexp.MustCompile(EmailPattern)
	phoneRE = regexp.MustCompile(`^\+?[0-9]{7,15}$`)
)

// EmailPattern is the pattern email answers must match.
const EmailPattern = "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"

func (v *validation) checkText(fd *Field, s string) (any, string, string) {
	n := utf8.RuneCountInString(s)
	if fd.MaxLength != nil && n > *fd.MaxLength {
		return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be "+strconv.Itoa(*fd.MaxLength)+" characters or fewer")
	}
	if fd.MinLength != nil && n < *fd.MinLength {
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be "+strconv.Itoa(*fd.MinLength)+" characters or more")
	}
	if fd.pattern != nil && !fd.pattern.MatchString(s) {
		return nil, "pattern", pick(fd.Messages.Pattern, "Enter "+requiredName(fd)+" in the correct format")
	}
	return s, "", ""
}

func checkNumber(fd *Field, raw any) (any, string, string) {
	n, ok := toNumber(raw)
	if !ok {
		return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a number")
	}
	if fd.Integer && n != float64(int64(n)) {
		return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a whole number")
	}
	tooLow := fd.Min != nil && n < *fd.Min
	tooHigh := fd.Max != nil && n > *fd.Max
	if tooLow || tooHigh {
		var msg, kind string
		switch {
		case fd.Min != nil && fd.Max != nil:
			msg = upperFirst(subject(fd)) + " must be between " + formatNumber(*fd.Min) + " and " + formatNumber(*fd.Max)
		case tooLow:
			msg = upperFirst(subject(fd)) + " must be " + formatNumber(*fd.Min) + " or more"
		default:
			msg = upperFirst(subject(fd)) + " must be " + formatNumber(*fd.Max) + " or less"
		}
		if tooLow {
			kind, msg = "min", pick(fd.Messages.Min, msg)
		} else {
			kind, msg = "max", pick(fd.Messages.Max, msg)
		}
		return nil, kind, msg
	}
	return n, "", ""
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

func (v *validation) checkDate(fd *Field, raw any, sc *scope) (any, string, string) {
	d, problem := parseDate(raw)
	if problem != "" {
		if problem == "real" {
			return nil, "format", pick(fd.Messages.Format, upperFirst(subject(fd))+" must be a real date")
		}
		if problem == "year" {
			return nil, "format", pick(fd.Messages.Format, "Year must include 4 numbers")
		}
		return nil, "format", upperFirst(subject(fd)) + " must include " + problem
	}
	switch {
	case fd.NotInFuture && d > v.today:
		return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be today or in the past")
	case fd.NotInPast && d < v.today:
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be today or in the future")
	case fd.MinDate != "" && d < fd.MinDate:
		return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be the same as or after "+longDate(fd.MinDate))
	case fd.MaxDate != "" && d > fd.MaxDate:
		return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be the same as or before "+longDate(fd.MaxDate))
	}
	for _, rel := range []struct {
		id    string
		after bool
	}{{fd.After, true}, {fd.Before, false}} {
		if rel.id == "" {
			continue
		}
		other := v.relatedField(fd, rel.id)
		if other == nil || !sc.isVisible(other) {
			continue
		}
		od, problem := parseDate(sc.raw(other))
		if problem != "" {
			continue // the other date reports its own problem
		}
		if rel.after && d <= od {
			return nil, "min", pick(fd.Messages.Min, upperFirst(subject(fd))+" must be after "+subject(other))
		}
		if !rel.after && d >= od {
			return nil, "max", pick(fd.Messages.Max, upperFirst(subject(fd))+" must be before "+subject(other))
		}
	}
	return d, "", ""
}

func (v *validation) relatedField(fd *Field, id string) *Field {
	if fd.parent != nil {
		for _, sib := range fd.parent.Children() {
			if sib.ID == id {
				return sib
			}
		}
	}
	return v.form.fields[id]
}

// parseDate reads a date answer: "YYYY-MM-DD" or {day, month, year}. problem is "" when it is a real
// date, "a day", "a month", "a year" (or a combination) when parts are missing, "year" when the year
// is not four digits, and "real" otherwise.
func parseDate(raw any) (string, string) {
	var day, month, year string
	switch r := raw.(type) {
	case string:
		s := strings.TrimSpace(r)
		if len(s) != 10 || s[4] != '-' || s[7] != '-' {
			return "", "real"
		}
		year, month, day = s[:4], s[5:7], s[8:]
	case map[string]any:
		day, month, year = strings.TrimSpace(textOf(r["day"])), strings.TrimSpace(textOf(r["month"])), strings.TrimSpace(textOf(r["year"]))
		var missing []string
		for _, p := range []struct{ name, value string }{{"a day", day}, {"a month", month}, {"a year", year}} {
			if p.value == "" {
				missing = append(missing, p.name)
			}
		}
		if len(missing) > 0 {
			return "", joinWords(missing)
		}
	default:
		return "", "real"
	}
	d, errD := strconv.Atoi(day)
	m, errM := strconv.Atoi(month)
	y, errY := strconv.Atoi(year)
	if errD != nil || errM != nil || errY != nil {
		return "", "real"
	}
	if len(year) != 4 {
		return "", "year"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return "", "real"
	}
	if s, ok := raw.(string); ok && allDigits(year) && allDigits(month) && allDigits(day) {
		return strings.TrimSpace(s), "" // already YYYY-MM-DD: most dates, in a chronology of thousands
	}
	return t.Format(time.DateOnly), ""
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func joinWords(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// longDate writes YYYY-MM-DD the GOV.UK way: 1 January 2000.
func longDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

func checkChoices(fd *Field, raw any) (any, string, string) {
	picked := asList(raw)
	chosen := make(map[string]bool, len(picked))
	for _, p := range picked {
		p = strings.TrimSpace(p)
		if !hasOption(fd, p) {
			return nil, "option", "Select " + requiredName(fd) + " from the options given"
		}
		chosen[p] = true
	}
	out := make([]string, 0, len(chosen))
	for _, o := range fd.Options {
		if chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	if fd.MinSelected != nil && len(out) < *fd.MinSelected {
		return nil, "min", pick(fd.Messages.Min, "Select at least "+strconv.Itoa(*fd.MinSelected)+" options for "+requiredName(fd))
	}
	if fd.MaxSelected != nil && len(out) > *fd.MaxSelected {
		return nil, "max", pick(fd.Messages.Max, "Select no more than "+strconv.Itoa(*fd.MaxSelected)+" options for "+requiredName(fd))
	}
	return out, "", ""
}

func (v *validation) checkChildren(fd *Field, raw any) (any, string, string) {
	picked := asList(raw)
	out := make([]string, 0, len(picked))
	for _, c := range v.children {
		for _, p := range picked {
			if strings.TrimSpace(p) == c.ID {
				out = append(out, c.ID)
				break
			}
		}
	}
	if len(out) != len(picked) {
		return nil, "option", "Select " + requiredName(fd) + " from the children listed"
	}
	if !fd.MultipleChildren() && len(out) > 1 {
		return nil, "max", "Select one child for " + requiredName(fd)
	}
	return out, "", ""
}

// Attachment is an uploaded file referred to by an attachments answer. The portal stores the content; the
// engine checks the count, sizes and kinds the form allows. Kind is decided by the portal from the content.
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	Kind string `json:"kind"` // pdf, word, image, text
}

// AttachmentKinds names the kinds of file, as people know them.
var AttachmentKinds = map[string]string{"pdf": "a PDF", "word": "a Word document", "image": "an image (JPEG, PNG or GIF)", "text": "a text file"}

func checkAttachments(fd *Field, raw any) (any, string, string) {
	list, _ := raw.([]any)
	out := make([]Attachment, 0, len(list))
	for _, it := range list {
		m, _ := it.(map[string]any)
		a := Attachment{Name: textOf(m["name"]), ID: textOf(m["id"]), Kind: textOf(m["kind"])}
		size, _ := toNumber(m["size"])
		a.Size = int64(size)
		if a.ID == "" {
			return nil, "format", "Upload " + requiredName(fd) + " again: a file was not received"
		}
		if !containsString(fd.Accept, a.Kind) && len(fd.Accept) > 0 {
			var kinds []string
			for _, k := range fd.Accept {
				kinds = append(kinds, AttachmentKinds[k])
			}
			return nil, "format", a.Name + " must be " + joinOr(kinds)
		}
		if fd.MaxSizeMB > 0 && float64(a.Size) > fd.MaxSizeMB*1024*1024 {
			return nil, "max", a.Name + " must be smaller than " + formatNumber(fd.MaxSizeMB) + " MB"
		}
		out = append(out, a)
	}
	if fd.MaxFiles > 0 && len(out) > fd.MaxFiles {
		return nil, "max", "You can upload up to " + strconv.Itoa(fd.MaxFiles) + " files to " + requiredName(fd)
	}
	return out, "", ""
}

func joinOr(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// --- answer values -------------------------------------------------------------------------------------

func isAnswered(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(v) != ""
	case []any:
		for _, x := range v {
			if isAnswered(x) {
				return true
			}
		}
		return false
	case []string:
		return len(v) > 0
	case map[string]any:
		for _, x := range v {
			if isAnswered(x) {
				return true
			}
		}
		return false
	case bool:
		return true
	}
	return true
}

func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return formatNumber(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func cleanText(v any, multiline bool) string {
	s := strings.TrimSpace(textOf(v))
	if multiline {
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}

func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case int:
		return float64(v), true
	case string:
		s := strings.ReplaceAll(strings.TrimSpace(v), ",", "")
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !strings.ContainsAny(s, "xXpPnN_iI")
	}
	return 0, false
}

func yesNo(v any) (string, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return valueYes, true
		}
		return valueNo, true
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		if s == valueYes || s == valueNo {
			return s, true
		}
	}
	return "", false
}

// Ticked reports whether a checkbox answer (a declaration) is ticked, however it was posted or stored.
func Ticked(v any) bool { return ticked(v) }

// AnswerList is a multiple-choice answer as its list of values, however it was posted or stored.
func AnswerList(v any) []string { return asList(v) }

func ticked(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		return s == "yes" || s == "true" || s == "on"
	}
	return false
}

func asList(v any) []string {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s := textOf(x); strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// --- messages ------------------------------------------------------------------------------------------

// requiredName is how messages name a field after "Enter" or "Select": its name, or its label in lower case.
func requiredName(fd *Field) string {
	if fd.Name != "" {
		return fd.Name
	}
	return lowerFirst(strings.TrimSuffix(strings.TrimSpace(fd.Label), "?"))
}

// subject is how messages name a field at the start of "... must be ...": its label.
func subject(fd *Field) string {
	if fd.Label != "" && !strings.HasSuffix(fd.Label, "?") {
		return lowerFirst(fd.Label)
	}
	return requiredName(fd)
}

func requiredMessage(fd *Field) string {
	if fd.Messages.Required != "" {
		return fd.Messages.Required
	}
	question := strings.HasSuffix(strings.TrimSpace(fd.Label), "?") && fd.Name == ""
	switch fd.Type {
	case TypeSelect, TypeRadios, TypeCheckboxes, TypeChildren:
		if question {
			return "Select an answer"
		}
		return "Select " + requiredName(fd)
	case TypeYesNo:
		if question {
			return "Select yes or no"
		}
		return "Select yes or no for " + requiredName(fd)
	case TypeDeclaration:
		return "Tick the box to confirm the declaration"
	case TypeAttachments:
		return "Upload " + requiredName(fd)
	}
	if question {
		return "Enter an answer"
	}
	return "Enter " + requiredName(fd)
}

func minRowsMessage(fd *Field, n int) string {
	if fd.Messages.Required != "" && n <= 1 {
		return fd.Messages.Required
	}
	unit := "row"
	if fd.Type == TypeList {
		unit = strings.ToLower(fd.ItemLabel)
		if unit == "" {
			unit = "item"
		}
	}
	count := "at least one " + unit
	if n > 1 {
		count = "at least " + strconv.Itoa(n) + " " + unit + "s"
	}
	if fd.Type == TypeList {
		return pick(fd.Messages.Min, "Add "+count)
	}
	return pick(fd.Messages.Min, "Add "+count+" to "+requiredName(fd))
}

func maxRowsMessage(fd *Field, n int) string {
	unit := "rows"
	if fd.Type == TypeList {
		unit = "entries"
	}
	return pick(fd.Messages.Max, upperFirst(subject(fd))+" can have up to "+strconv.Itoa(n)+" "+unit)
}

func pick(custom, def string) string {
	if custom != "" {
		return custom
	}
	return def
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// Keep acronyms and names: "GP's name" stays, "Date of birth" becomes "date of birth".
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
