package engine

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"formportal/i18n"
)

// FieldError is one problem with an answer, tied to the field's path in the answers
// ("practitioner_name", "chronology[2].date", "children.c1.gp_name") and worded for the person answering.
type FieldError struct {
	Path    string `json:"path"`
	Section string `json:"section"`
	Child   string `json:"child,omitempty"`
	Field   string `json:"field"`
	Kind    string `json:"kind"` // required, format, min, max, pattern, option, rule (a rule of the form: expressions.go)
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
	Section   string `json:"section"`
	Child     string `json:"child,omitempty"`
	ChildName string `json:"childName,omitempty"`
	// Title is a repetition's title: "Health: Amy Smith", or a repeatFor section's itemTitle filled in.
	Title   string       `json:"title,omitempty"`
	Visible bool         `json:"visible"`
	Hidden  []string     `json:"hidden,omitempty"` // fields of a visible section that their conditions hide
	Status  Status       `json:"status"`
	Errors  []FieldError `json:"errors,omitempty"`
	// Computed are the values of the section's computed fields, by path as errors have them
	// ("age", "children.c1.age", "household[0].age").
	Computed map[string]any `json:"computed,omitempty"`
	// RequiredNow are the section's questions whose requiredWhen holds with these answers: the page
	// marks them * as it marks required ones.
	RequiredNow []string `json:"requiredNow,omitempty"`
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
	// Lang is the language of the person answering ("en", "cy"), which the engine's own messages are in
	// (words.go); the form's language (Form.Lang) when empty. The messages name fields by the form's
	// labels: a copy made by Form.In(Lang) has them in the same language.
	Lang string
}

// newValidation is a validation of the form's answers as opts ask.
func (f *Form) newValidation(caseData any, opts ValidateOptions) *validation {
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	v := &validation{form: f, today: today.Format(time.DateOnly), now: today, children: f.Children(caseData),
		w: wordsIn(pick(opts.Lang, f.Lang()))}
	v.readOnlyPrefill(caseData)
	return v
}

// Validate checks answers against the form: required answers, types, constraints and conditions (a
// hidden question is never required and its answer is dropped), per table row and per child. Read-only
// prefilled answers are always taken from the case data, never from the answers.
func (f *Form) Validate(caseData any, answers Answers, opts ValidateOptions) Result {
	caseData = normaliseJSON(caseData)
	v := f.newValidation(caseData, opts)
	res := Result{Errors: []FieldError{}, Submission: Answers{Values: map[string]any{}}}
	for _, s := range f.Sections {
		if len(opts.Sections) > 0 && !containsString(opts.Sections, s.ID) {
			continue
		}
		top := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values}
		if !s.Repeats() {
			res.Sections = append(res.Sections, v.section(s, top, res.Submission.Values, ""))
			continue
		}
		for _, c := range v.repetitions(s, top) {
			clean := map[string]any{}
			sc := v.repetitionScope(answers, c)
			r := v.section(s, sc, clean, c.ID)
			r.ChildName, r.Title = c.Name, c.Title
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
	v := f.newValidation(caseData, opts)
	var out []SectionResult
	for _, s := range f.Sections {
		if len(opts.Sections) > 0 && !containsString(opts.Sections, s.ID) {
			continue
		}
		top := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values}
		if !s.Repeats() {
			out = append(out, SectionResult{Section: s.ID, Visible: top.holds(s.ShowWhen, 0)})
			continue
		}
		for _, c := range v.repetitions(s, top) {
			sc := v.repetitionScope(answers, c)
			out = append(out, SectionResult{Section: s.ID, Child: c.ID, ChildName: c.Name, Title: c.Title, Visible: sc.holds(s.ShowWhen, 0)})
		}
	}
	return out
}

// repetitionScope is where the answers of one repetition of a repeating section are looked up.
func (v *validation) repetitionScope(answers Answers, c Repetition) *scope {
	return &scope{v: v, values: answers.Values, child: answers.Children[c.ID], prefilled: v.prefilled.Values,
		childPrefilled: v.prefilled.Children[c.ID], childName: c.Name, childID: c.ID}
}

type validation struct {
	form      *Form
	w         words // the language of the messages
	today     string
	children  []Child
	prefilled Answers // read-only prefilled values only
	// For expressions (expressions.go): today, whether each form rule failed, and where the current
	// section's computed values go.
	now        time.Time
	ruleFailed map[*Rule]bool
	computed   map[string]any
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

func (v *validation) section(s *Section, sc *scope, clean map[string]any, childID string) SectionResult {
	sc.childID = childID
	r := SectionResult{Section: s.ID, Child: childID, Visible: sc.holds(s.ShowWhen, 0)}
	answered := false
	onlyRequired := true
	v.computed = nil
	if r.Visible {
		for _, fd := range s.Fields {
			if !sc.isVisible(fd) {
				r.Hidden = append(r.Hidden, fd.ID)
				continue
			}
			if !fd.Answerable() {
				continue
			}
			if !fd.Required && fd.requiredWhen != nil && sc.requiredNow(fd) {
				r.RequiredNow = append(r.RequiredNow, fd.ID)
			}
			raw := sc.raw(fd)
			if isAnswered(raw) && !fd.ReadOnly && fd.Type != TypeComputed {
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
				if fd.Type == TypeComputed {
					v.keepComputed(fieldPath(fd, childID, -1), out)
				}
			}
		}
		for _, rule := range v.form.sectionRules(s) {
			for _, e := range v.ruleErrors(rule, sc, s, childID) {
				r.Errors = append(r.Errors, e)
				onlyRequired = false
			}
		}
		r.Computed, v.computed = v.computed, nil
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
	if !isAnswered(raw) || fd.Type == TypeSignature && !signed(raw) {
		if sc.requiredNow(fd) {
			return nil, []FieldError{v.fail(fd, sc, path, "required", v.w.required(fd))}
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
	return FieldError{Path: path, Field: fd.ID, Kind: kind, Message: v.w.where(msg, sc, fd)}
}

// rows validates a table or list: each row's cells, then the number of rows. Rows left entirely blank
// are dropped.
func (v *validation) rows(fd *Field, raw any, sc *scope, path string) (any, []FieldError) {
	items, _ := raw.([]any)
	items = fd.FixedRowsFirst(items) // struct15: fixed rows first, blank or not
	var errs []FieldError
	out := make([]any, 0, len(items))
	answered := 0
	rowScope := *sc
	if sc.rowOf != nil { // lists15: a list inside an item of another
		rowScope.outer = &rowFrame{of: sc.rowOf, row: sc.row, index: sc.rowIndex}
	}
	rowScope.rowOf = fd
	for _, it := range items {
		row, _ := it.(map[string]any)
		fixed := fd.FixedRowOf(row)
		if !rowAnswered(fd, row) {
			if fixed != nil { // kept, unchecked, so that the submission shows every fixed row
				out = append(out, map[string]any{FixedRowKey: fixed.ID})
			}
			continue
		}
		answered++
		index := len(out)
		rowScope.row, rowScope.rowIndex = row, index
		clean := make(map[string]any, len(fd.Children()))
		for _, col := range fd.Children() {
			if !col.Answerable() || !rowScope.holds(col.ShowWhen, 0) {
				continue
			}
			// The cell's path is written only for a problem: most cells have none, and a chronology has
			// thousands of them.
			cell := row[col.ID]
			if col.Type == TypeComputed {
				cell = rowScope.raw(col) // worked out for the row, never taken from it
			}
			cellPath := ""
			if col.Container() { // a list inside the item: its own items' paths go under the item's
				cellPath = fieldPathRow(path, index, col.ID)
			}
			cv, cerrs := v.field(col, cell, &rowScope, cellPath)
			for _, e := range cerrs {
				if !col.Container() {
					e.Path = fieldPathRow(path, index, col.ID)
				}
				errs = append(errs, e)
			}
			if cv != nil {
				clean[col.ID] = cv
				if col.Type == TypeComputed && path != "" {
					v.keepComputed(fieldPathRow(path, index, col.ID), cv)
				}
			}
		}
		if fixed != nil {
			clean[FixedRowKey] = fixed.ID
		}
		if id := ItemID(row); id != "" && fd.repeated {
			clean[ItemIDKey] = id // lists15: the submission's repeated answers are by this id
		}
		out = append(out, clean)
	}
	minRows, maxRows := rowLimits(fd)
	switch {
	case answered < minRows:
		kind := "min"
		if answered == 0 {
			kind = "required"
		}
		errs = append(errs, v.fail(fd, sc, path, kind, v.w.minRows(fd, minRows)))
	case maxRows > 0 && len(out) > maxRows:
		errs = append(errs, v.fail(fd, sc, path, "max", v.w.maxRows(fd, maxRows)))
	}
	if len(out) == 0 {
		return nil, errs
	}
	return out, errs
}

// keepComputed records a computed value of the section being validated, for the page to show.
func (v *validation) keepComputed(path string, value any) {
	if v.computed == nil {
		v.computed = map[string]any{}
	}
	v.computed[path] = value
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
		if out, kind, msg := v.checkText(fd, s); msg != "" || fd.MaxWords == nil {
			return out, kind, msg
		}
		return v.checkWords(fd, s)
	case TypeEmail:
		s := strings.TrimSpace(textOf(raw))
		if !emailRE.MatchString(s) {
			return nil, "format", pick(fd.Messages.Format, i18n.In(v.w.lang, "engine.email.format"))
		}
		if fd.MaxLength != nil && utf8.RuneCountInString(s) > *fd.MaxLength {
			return nil, "max", pick(fd.Messages.Max, v.w.tooLong(fd))
		}
		return s, "", ""
	case TypePhone:
		return v.checkPhone(fd, raw)
	case TypeNumber:
		return v.checkNumber(fd, raw)
	case TypeDate:
		return v.checkDate(fd, raw, sc)
	case TypeSelect, TypeRadios:
		s := strings.TrimSpace(textOf(raw))
		if !hasOption(fd, s) {
			return nil, "option", i18n.In(v.w.lang, "engine.choice.from_list", "Name", v.w.name(fd))
		}
		return s, "", ""
	case TypeYesNo:
		s, ok := yesNo(raw)
		if !ok {
			return nil, "option", v.w.required(fd)
		}
		return s, "", ""
	case TypeDeclaration:
		if ticked(raw) {
			return true, "", ""
		}
		return nil, "required", v.w.required(fd)
	case TypeCheckboxes:
		return v.checkChoices(fd, raw)
	case TypeChildren:
		return v.checkChildren(fd, raw)
	case TypeAttachments:
		return v.checkAttachments(fd, raw)
	// The UK answer types (ukchecks.go).
	case TypeNHSNumber:
		return v.checkNHSNumber(fd, raw)
	case TypeTime:
		return v.checkTime(fd, raw)
	case TypeDateOfBirth:
		return v.checkDateOfBirth(fd, raw)
	case TypeAddress:
		return v.checkAddress(fd, raw, sc)
	case TypeSignature:
		return v.checkSignature(fd, raw) // signature.go
	case TypeComputed:
		return raw, "", "" // worked out by the engine: already clean
	}
	return nil, "", ""
}

// --- answer values -------------------------------------------------------------------------------------

// --- messages ------------------------------------------------------------------------------------------
