package engine

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"formportal/engine/expr"
)

// checker runs the semantic rules on a form that has passed the schema. Each rule has a stable code,
// documented with a broken example under testdata/lint/.
type checker struct {
	form  *Form
	src   *source
	today string // YYYY-MM-DD, for date rules that depend on the day
	// inCycle holds the questions whose conditions go round in a circle, reported once as that.
	inCycle map[*Field]bool
	// exprEnvs are the expression environments of the places in the form (exprlint.go).
	exprEnvs map[envKey]*expr.Env
}

func (c *checker) errorf(pointer, rule, format string, args ...any) {
	line, col := c.src.at(pointer)
	c.src.add(line, col, Error, rule, format, args...)
}

func (c *checker) warnf(pointer, rule, format string, args ...any) {
	line, col := c.src.at(pointer)
	c.src.add(line, col, Warning, rule, format, args...)
}

func (c *checker) run() {
	if c.today == "" {
		c.today = time.Now().Format(time.DateOnly)
	}
	c.checkCaseDataSchema()
	c.checkGroupUses() // struct15
	c.indexFields()
	for i, s := range c.form.Sections {
		c.checkSection(s)
		c.checkRepeatFor(s, i) // lists15: repeat.go
		for _, fd := range s.Fields {
			c.checkField(fd)
		}
	}
	c.checkFamilyCaseData()
	c.checkReferralCaseData()
	c.checkOverview()
	c.checkRenames()
	c.checkRetention()
	c.checkOptionListsUsed() // struct15
	c.checkReminders()       // reminders.go
	c.checkExpressions()
	c.resolveConditions()
	c.checkConditionCycles()
	c.checkConditionOrder()
	c.checkGuidance()     // content15
	c.checkPlaceholders() // content15
	c.checkStaffOnly()    // visibility.go
}

// --- retention ---------------------------------------------------------------------------------------

// checkRetention warns of a form that anonymises with nothing marked sensitive: anonymising would keep
// every answer.
func (c *checker) checkRetention() {
	if r := c.form.Retention; r == nil || !r.Anonymise {
		return
	}
	var sensitive func(fields []*Field) bool
	sensitive = func(fields []*Field) bool {
		for _, fd := range fields {
			if fd.Sensitive || sensitive(fd.Columns) || sensitive(fd.Fields) {
				return true
			}
		}
		return false
	}
	for _, s := range c.form.Sections {
		if sensitive(s.Fields) {
			return
		}
	}
	c.warnf("/retention/anonymise", "anonymise-nothing-sensitive", "the form anonymises its responses but marks no field sensitive: every answer would be kept")
}

// --- case data ---------------------------------------------------------------------------------------

func (c *checker) checkCaseDataSchema() {
	if c.form.CaseData == nil {
		return
	}
	cd, err := compileCaseData(c.form)
	if err != nil {
		c.errorf("/caseData", "case-data-schema", "caseData is not a valid JSON Schema: %v", trimSchemaError(err))
		return
	}
	c.form.caseData = cd
}

func trimSchemaError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "jsonschema") {
		return msg[i+2:]
	}
	return msg
}

// checkFamilyCaseData: a family form that repeats sections per child, or asks which child a row is about,
// needs the children of the group in its case data, each with an id and a name.
func (c *checker) checkFamilyCaseData() {
	f := c.form
	if f.Scope != ScopeFamily || (!f.PerChild() && !c.hasChildrenColumn()) {
		return
	}
	if f.CaseData == nil {
		c.errorf("", "case-data-shape", "a family form with per-child sections or a children column needs caseData declaring children (an array of objects with id and name)")
		return
	}
	if f.caseData == nil {
		return // the case-data schema did not compile: reported by case-data-schema
	}
	children, _, _ := schemaAt(f.caseData.tree, []string{caseDataFamily})
	items, _ := children["items"].(map[string]any)
	if children == nil || schemaType(children) != "array" || items == nil {
		c.errorf("/caseData", "case-data-shape", "caseData must declare children as an array of objects with id and name")
		return
	}
	for _, p := range []string{childIDProperty, "name"} {
		n, _, _ := schemaAt(items, []string{p})
		switch {
		case n == nil || !isRequired(items, p):
			at := "/caseData/properties/children/items"
			if _, ok := items["required"]; ok {
				at += "/required"
			}
			c.errorf(at, "case-data-shape", "each item of caseData children must require a string %q", p)
		case schemaType(n) != "string":
			c.errorf("/caseData/properties/children/items/properties/"+p, "case-data-shape", "%q of caseData children must be a string, not %s", p, schemaType(n))
		}
	}
}

func isRequired(schema map[string]any, prop string) bool {
	req, _ := schema["required"].([]any)
	for _, r := range req {
		if r == prop {
			return true
		}
	}
	return false
}

func (c *checker) hasChildrenColumn() bool {
	found := false
	c.form.walkFields(func(fd *Field) {
		if fd.Type == TypeChildren {
			found = true
		}
	})
	return found
}

// walkFields visits every field of the form, containers before their columns and items.
func (f *Form) walkFields(visit func(*Field)) {
	var walk func([]*Field)
	walk = func(fields []*Field) {
		for _, fd := range fields {
			visit(fd)
			walk(fd.Columns)
			walk(fd.Fields)
		}
	}
	for _, s := range f.Sections {
		walk(s.Fields)
	}
}

// --- ids -----------------------------------------------------------------------------------------------

func (c *checker) indexFields() {
	sections := map[string]*Section{}
	for _, s := range c.form.Sections {
		if other, dup := sections[s.ID]; dup {
			c.errorf(s.pointer+"/id", "duplicate-id", "section id %q is already used at line %d", s.ID, c.line(other.pointer))
			continue
		}
		sections[s.ID] = s
	}
	for _, s := range c.form.Sections {
		for _, fd := range s.Fields {
			if other, dup := c.form.fields[fd.ID]; dup {
				c.errorf(fd.idPointer(), "duplicate-id", "field id %s is already used at line %d", fd.idWords(), c.line(other.idPointer()))
				continue
			}
			c.form.fields[fd.ID] = fd
		}
	}
	c.form.walkFields(func(fd *Field) {
		seen := map[string]*Field{}
		for _, child := range fd.Children() {
			if other, dup := seen[child.ID]; dup {
				c.errorf(child.idPointer(), "duplicate-id", "%s is already used in %s at line %d", child.idWords(), fd.containerPlace(), c.line(other.idPointer()))
				continue
			}
			seen[child.ID] = child
		}
	})
}

func (c *checker) line(pointer string) int {
	l, _ := c.src.at(pointer)
	return l
}

// --- sections ------------------------------------------------------------------------------------------

func (c *checker) checkSection(s *Section) {
	if len(s.Fields) == 0 {
		c.errorf(s.pointer+"/fields", "empty-section", "%s has no fields", s.place())
	}
	if s.PerChild && c.form.Scope != ScopeFamily {
		c.errorf(s.pointer+"/perChild", "per-child-scope", "%s is perChild, but only family-scope forms repeat sections per child (the form's scope is %q)", s.place(), c.form.Scope)
	}
}

// --- fields --------------------------------------------------------------------------------------------

// Types allowed as table columns and as list item fields.
var (
	// An NHS number or a time fits a table cell; a date of birth or an address, with its choices and several
	// inputs, only a list item.
	columnTypes = []string{TypeText, TypeTextarea, TypeEmail, TypePhone, TypeNHSNumber, TypeNINumber, TypeUPN, TypeNumber, TypeDate, TypeTime, TypeSelect, TypeYesNo, TypeChildren}
	itemTypes   = []string{TypeText, TypeTextarea, TypeEmail, TypePhone, TypeNHSNumber, TypeNINumber, TypeUPN, TypeNumber, TypeDate, TypeTime, TypeDateOfBirth, TypeAddress, TypeSelect, TypeRadios, TypeCheckboxes, TypeYesNo, TypeContent,
		TypeComputed} // computed: a value worked out for each item (an age from a date of birth)
)

const (
	maxFilesLimit  = 50
	maxSizeMBLimit = 50
	maxRowsLimit   = 5000
)

func (c *checker) checkField(fd *Field) {
	c.checkFieldProperties(fd)
	switch {
	case fd.Type == TypeContent:
		if fd.Text == "" && fd.Heading == "" {
			c.errorf(fd.pointer, "missing-text", "%s is content with neither text nor heading", fd.place())
		}
	case fd.Label == "":
		c.warnf(fd.pointer, "missing-label", "%s has no label: people will not know what to answer", fd.place())
	}
	if fd.Type == TypeChildren {
		if fd.parent == nil || fd.parent.Type != TypeTable {
			c.errorf(fd.pointer+"/type", "children-column", "%s: a children field can only be a table column", fd.place())
		} else if c.form.Scope != ScopeFamily {
			c.errorf(fd.pointer+"/type", "per-child-scope", "%s asks which child a row is about, but the form's scope is %q, not family", fd.place(), c.form.Scope)
		}
	}
	if fd.Type == TypeDeclaration && !fd.Required {
		c.warnf(fd.pointer, "declaration-required", "%s is a declaration that is not required, so it never has to be ticked", fd.place())
	}
	if fd.ReadOnly && fd.Prefill == "" && (fd.parent == nil || fd.parent.Prefill == "") {
		c.warnf(fd.pointer+"/readOnly", "readonly-without-prefill", "%s is read-only but has no prefill, so it can never be answered", fd.place())
	}
	c.checkMessageName(fd)
	c.checkOptionList(fd) // struct15
	c.checkOptions(fd)
	c.checkContainer(fd)
	c.checkFixedRows(fd) // struct15
	c.checkLimits(fd)
	c.checkPattern(fd)
	c.checkDates(fd)
	c.checkUKTypes(fd) // word limits and the UK answer types (uklint.go)
	c.checkPrefill(fd)
	for _, child := range fd.Children() {
		c.checkField(child)
	}
}

// checkMessageName warns when error messages would have to name a field by a label that is a question or
// an instruction ("Enter tell us about the risk"): a short name makes "Enter details of the risk".
func (c *checker) checkMessageName(fd *Field) {
	if fd.Name != "" || fd.ReadOnly || !labelIsSentence(fd.Label) || !fd.hasMessages() {
		return
	}
	if fd.Type == TypeDeclaration || fd.Type == TypeContent {
		return
	}
	kind := "an instruction"
	if strings.HasSuffix(strings.TrimSpace(fd.Label), "?") {
		kind = "a question"
	}
	msg := fmt.Sprintf("the label of %s is %s, so its error message reads %q: add a short name", fd.place(), kind, namingMessage(fd))
	if name := suggestName(fd.Label); name != "" {
		named := *fd
		named.Name = name
		msg += fmt.Sprintf(", such as name: %s (giving %q)", name, namingMessage(&named))
	} else {
		msg += " saying what the answer is, as a noun phrase"
	}
	c.warnf(fd.pointer+"/label", "message-name", "%s", msg)
}

// namingMessage is a message people can see that names the field: the required one when it may be
// required, else that of its length or word limit ("Enter an answer" never shows for an optional question).
func namingMessage(fd *Field) string {
	if !fd.Required && fd.RequiredWhen == "" {
		switch {
		case fd.MaxWords != nil:
			return englishWords.maxWords(fd)
		case fd.MaxLength != nil:
			return pick(fd.Messages.Max, englishWords.tooLong(fd))
		}
	}
	return englishWords.required(fd)
}

// suggestName makes a short name from a label that is an instruction ("Tell us about the risk": "the
// risk") or a "What is ...?" question, or returns "" when it cannot.
func suggestName(label string) string {
	words := strings.Fields(strings.TrimSpace(label))
	lower := func(i int) string {
		if i < len(words) {
			return strings.ToLower(words[i])
		}
		return ""
	}
	i := 0
	if lower(0) == "please" {
		i++
	}
	switch {
	case strings.HasSuffix(label, "?"):
		if lower(0) != "what" || lower(1) != "is" && lower(1) != "are" && lower(1) != "was" && lower(1) != "were" {
			return ""
		}
		i = 2
	case instructionVerbs[lower(i)]:
		i++
		if lower(i) == "us" {
			i++
		}
		if lower(i) == "about" {
			i++
		}
	default:
		return ""
	}
	name := strings.TrimRight(strings.Join(words[min(i, len(words)):], " "), "?.:")
	if name == "" {
		return ""
	}
	return lowerFirst(name)
}

// labelIsSentence reports whether a label reads as a question or an instruction rather than a noun phrase.
func labelIsSentence(label string) bool {
	label = strings.TrimSpace(label)
	if strings.HasSuffix(label, "?") {
		return true
	}
	first, _, _ := strings.Cut(strings.ToLower(label), " ")
	return instructionVerbs[first]
}

var instructionVerbs = map[string]bool{
	"tell": true, "describe": true, "give": true, "explain": true, "list": true, "provide": true, "please": true,
	"say": true, "add": true, "enter": true, "select": true, "choose": true, "tick": true, "upload": true,
	"include": true, "summarise": true, "outline": true, "record": true, "state": true,
}

// hasMessages reports whether validating the field can produce a message that names it.
func (fd *Field) hasMessages() bool {
	switch {
	case fd.Required && fd.Messages.Required == "":
		return true
	case fd.Type == TypeEmail || fd.Type == TypePhone || fd.Type == TypeNumber || fd.Type == TypeDate:
		return true
	case fd.Type == TypeNHSNumber || fd.Type == TypeNINumber || fd.Type == TypeUPN || fd.Type == TypeTime || fd.Type == TypeDateOfBirth || fd.Type == TypeAddress || fd.Type == TypeSignature || fd.MaxWords != nil:
		return true
	case fd.MinLength != nil || fd.MaxLength != nil || fd.MinSelected != nil || fd.MaxSelected != nil:
		return true
	case fd.MinRows != nil || fd.MaxRows != nil || fd.MinItems != nil || fd.MaxItems != nil || fd.MaxFiles > 0:
		return true
	case fd.Pattern != "" && fd.Messages.Pattern == "":
		return true
	}
	return false
}

func (c *checker) checkFieldProperties(fd *Field) {
	raw, _ := lookupPointer(c.src.value, fd.pointer).(map[string]any)
	common, byType := fieldPropertySets()
	allowed := byType[fd.Type]
	for _, k := range sortedKeys(raw) {
		if containsString(common, k) || containsString(allowed, k) {
			continue
		}
		line, col := c.src.keyAt(fd.pointer + "/" + k)
		msg := fmt.Sprintf("%q does not apply to a %s field", k, fd.Type)
		if len(allowed) > 0 {
			msg += fmt.Sprintf(" (it takes %s)", strings.Join(allowed, ", "))
		}
		c.src.add(line, col, Error, "field-property", "%s", msg)
	}
}

func (c *checker) checkOptions(fd *Field) {
	switch fd.Type {
	case TypeSelect, TypeRadios, TypeCheckboxes:
	default:
		return
	}
	if len(fd.Options) == 0 && fd.OptionList != "" {
		return // the list is unknown: option-list says so
	}
	if len(fd.Options) == 0 {
		c.errorf(fd.pointer, "missing-options", "%s is a %s field and needs options", fd.place(), fd.Type)
		return
	}
	if fd.Type == TypeRadios && len(fd.Options) == 1 {
		c.warnf(fd.pointer+"/options", "missing-options", "%s is radios with only one option: use a checkbox or a declaration", fd.place())
	}
	seen := map[string]int{}
	for i, o := range fd.Options {
		p := o.pointer + "/value"
		if first, dup := seen[o.Value]; dup {
			c.errorf(p, "duplicate-option", "option value %q is already used by option %d of %s", o.Value, first+1, fd.place())
			continue
		}
		seen[o.Value] = i
	}
}

func (c *checker) checkContainer(fd *Field) {
	switch fd.Type {
	case TypeTable:
		if len(fd.Columns) == 0 {
			c.errorf(fd.pointer, "table-columns", "%s needs columns", fd.containerPlace())
		}
		for _, col := range fd.Columns {
			if !containsString(columnTypes, col.Type) {
				c.errorf(col.pointer+"/type", "table-columns", "%s cannot be of type %s (columns can be %s)", col.place(), col.Type, strings.Join(columnTypes, ", "))
			}
		}
	case TypeList:
		if len(fd.Fields) == 0 {
			c.errorf(fd.pointer, "list-fields", "%s needs fields", fd.containerPlace())
		}
		for _, item := range fd.Fields {
			if item.Type == TypeList {
				c.checkNestedList(fd, item) // lists15: nested.go
				continue
			}
			if !containsString(itemTypes, item.Type) {
				c.errorf(item.pointer+"/type", "list-fields", "%s cannot be of type %s (list fields can be %s, or a list of their own)", item.place(), item.Type, strings.Join(itemTypes, ", "))
			}
		}
	}
	c.checkOrderBy(fd)
	c.checkChronology(fd) // chronology.go
}

// orderTypes are the types whose answers have an order rows can be sorted by.
var orderTypes = []string{TypeText, TypeEmail, TypePhone, TypeNumber, TypeDate, TypeSelect, TypeRadios, TypeYesNo}

// checkOrderBy checks that a table's (or list's) orderBy names one of its own columns, of a type that
// sorts.
func (c *checker) checkOrderBy(fd *Field) {
	if fd.OrderBy == "" || !fd.Container() {
		return
	}
	col := fd.Child(fd.OrderBy)
	var ids []string
	for _, ch := range fd.Children() {
		if ch.Answerable() && containsString(orderTypes, ch.Type) {
			ids = append(ids, ch.ID)
		}
	}
	switch {
	case col == nil:
		msg := fmt.Sprintf("%s orders its rows by %q, which is not one of its columns", fd.place(), fd.OrderBy)
		if len(ids) > 0 {
			msg += fmt.Sprintf(" (they are %s)", strings.Join(ids, ", "))
		}
		c.errorf(fd.pointer+"/orderBy", "order-by", "%s", msg)
	case !containsString(orderTypes, col.Type):
		c.errorf(fd.pointer+"/orderBy", "order-by", "%s orders its rows by %q, a %s column, which has no order (order by a %s column)", fd.place(), fd.OrderBy, col.Type, strings.Join(orderTypes, ", "))
	}
}

func (c *checker) checkLimits(fd *Field) {
	pair := func(lo, hi *int, loName, hiName string) {
		if lo != nil && hi != nil && *lo > *hi {
			c.errorf(fd.pointer+"/"+loName, "limits", "%s: %s (%d) is more than %s (%d)", fd.place(), loName, *lo, hiName, *hi)
		}
	}
	pair(fd.MinLength, fd.MaxLength, "minLength", "maxLength")
	pair(fd.MinRows, fd.MaxRows, "minRows", "maxRows")
	pair(fd.MinItems, fd.MaxItems, "minItems", "maxItems")
	pair(fd.MinSelected, fd.MaxSelected, "minSelected", "maxSelected")
	if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
		c.errorf(fd.pointer+"/min", "limits", "%s: min (%g) is more than max (%g)", fd.place(), *fd.Min, *fd.Max)
	}
	if fd.MaxSelected != nil && len(fd.Options) > 0 && *fd.MaxSelected > len(fd.Options) {
		c.errorf(fd.pointer+"/maxSelected", "limits", "%s: maxSelected (%d) is more than the %d options", fd.place(), *fd.MaxSelected, len(fd.Options))
	}
	if fd.MinSelected != nil && len(fd.Options) > 0 && *fd.MinSelected > len(fd.Options) {
		c.errorf(fd.pointer+"/minSelected", "limits", "%s: minSelected (%d) is more than the %d options", fd.place(), *fd.MinSelected, len(fd.Options))
	}
	if fd.MaxRows != nil && *fd.MaxRows > maxRowsLimit {
		c.errorf(fd.pointer+"/maxRows", "limits", "%s: maxRows (%d) is more than the portal allows (%d)", fd.place(), *fd.MaxRows, maxRowsLimit)
	}
	if fd.MaxFiles > maxFilesLimit {
		c.errorf(fd.pointer+"/maxFiles", "limits", "%s: maxFiles (%d) is more than the portal allows (%d)", fd.place(), fd.MaxFiles, maxFilesLimit)
	}
	if fd.MaxSizeMB > maxSizeMBLimit {
		c.errorf(fd.pointer+"/maxSizeMB", "limits", "%s: maxSizeMB (%g) is more than the portal allows (%d)", fd.place(), fd.MaxSizeMB, maxSizeMBLimit)
	}
}

func (c *checker) checkPattern(fd *Field) {
	if fd.Pattern == "" {
		return
	}
	// The designer's pattern alone first, so errors quote only what they wrote, and a pattern like
	// "a)|(b" cannot escape the anchoring added after.
	if _, err := regexp.Compile(fd.Pattern); err != nil {
		c.errorf(fd.pointer+"/pattern", "pattern-invalid", "%s: pattern is not a valid regular expression: %v", fd.place(), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	re := regexp.MustCompile(`^(?:` + fd.Pattern + `)$`)
	fd.pattern = re
	if fd.Messages.Pattern == "" {
		c.warnf(fd.pointer+"/pattern", "pattern-message", "%s has a pattern but no messages.pattern, so people will not know what format to use", fd.place())
	}
}

// checkDates checks date constraints refer to real date fields and can be met by some date.
func (c *checker) checkDates(fd *Field) {
	if fd.Type != TypeDate {
		return
	}
	for _, ref := range []struct{ name, id string }{{"after", fd.After}, {"before", fd.Before}} {
		if ref.id == "" {
			continue
		}
		target, problem := c.resolveRef(fd, fd.section, ref.id)
		switch {
		case problem != "":
			c.errorf(fd.pointer+"/"+ref.name, "date-ref", "%s: %s %s", fd.place(), ref.name, problem)
		case target.Type != TypeDate:
			c.errorf(fd.pointer+"/"+ref.name, "date-ref", "%s: %s refers to %q, which is a %s field, not a date", fd.place(), ref.name, ref.id, target.Type)
		case target == fd:
			c.errorf(fd.pointer+"/"+ref.name, "date-ref", "%s: %s refers to the field itself", fd.place(), ref.name)
		}
	}
	for _, d := range []struct{ name, value string }{{"minDate", fd.MinDate}, {"maxDate", fd.MaxDate}} {
		if d.value != "" {
			if _, err := time.Parse(time.DateOnly, d.value); err != nil {
				c.errorf(fd.pointer+"/"+d.name, "invalid-value", "%s: %s %q is not a real date", fd.place(), d.name, d.value)
				return
			}
		}
	}
	if fd.NotInFuture && fd.NotInPast {
		c.errorf(fd.pointer+"/notInPast", "date-only-today", "%s must be neither in the future nor in the past, so only today's date is accepted: keep one of notInFuture and notInPast", fd.place())
		return
	}
	switch {
	case fd.MinDate != "" && fd.MaxDate != "" && fd.MinDate > fd.MaxDate:
		c.warnf(fd.pointer+"/minDate", "date-never-valid", "%s rejects every date: minDate %s is after maxDate %s", fd.place(), fd.MinDate, fd.MaxDate)
	case fd.NotInFuture && fd.MinDate > c.today:
		c.warnf(fd.pointer+"/minDate", "date-never-valid", "%s rejects every date: it must not be in the future, but minDate %s is", fd.place(), fd.MinDate)
	case fd.NotInPast && fd.MaxDate != "" && fd.MaxDate < c.today:
		c.warnf(fd.pointer+"/maxDate", "date-never-valid", "%s rejects every date: it must not be in the past, but maxDate %s is", fd.place(), fd.MaxDate)
	case fd.After != "" && fd.After == fd.Before:
		c.warnf(fd.pointer+"/before", "date-never-valid", "%s rejects every date: it must be both after and before %q", fd.place(), fd.After)
	}
}

// --- prefill -------------------------------------------------------------------------------------------

// prefillTypes says which case-data types each field type can be prefilled from.
var prefillTypes = map[string][]string{
	TypeText: {"string"}, TypeTextarea: {"string"}, TypeEmail: {"string"}, TypePhone: {"string"},
	TypeSelect: {"string"}, TypeRadios: {"string"}, TypeYesNo: {"string", "boolean"}, TypeDate: {"string"},
	TypeNumber: {"number", "integer"}, TypeCheckboxes: {"array"}, TypeTable: {"array"}, TypeList: {"array"},
	TypeNHSNumber: {"string"}, TypeNINumber: {"string"}, TypeUPN: {"string"}, TypeTime: {"string"}, TypeDateOfBirth: {"string"}, // a date of birth from a date: a known one
	TypeSignature: {"string"}, // the signer's name (submitter.name), to sign as or change
}

func (c *checker) checkPrefill(fd *Field) {
	if fd.Prefill == "" {
		return
	}
	p := fd.pointer + "/prefill"
	accepts, ok := prefillTypes[fd.Type]
	if !ok {
		c.errorf(p, "prefill-type", "%s: a %s field cannot be prefilled", fd.place(), fd.Type)
		return
	}
	root, path, problem := c.prefillRoot(fd)
	if problem != "" {
		c.errorf(p, "prefill-scope", "%s: %s", fd.place(), problem)
		return
	}
	if root == nil {
		return // the case-data schema did not compile, or the container's prefill is broken: reported there
	}
	node, missing, known := schemaAt(root, path)
	if node == nil {
		declarer := "caseData declares"
		if fd.parent == nil && c.form.Kind == KindDelegation && strings.HasPrefix(fd.Prefill, caseDataSubmitter+".") {
			declarer = "the portal supplies a delegation's submitter (the professional's account) with"
		}
		msg := fmt.Sprintf("%s: prefill %s: %s no %q", fd.place(), fd.Prefill, declarer, missing)
		if s := suggest(missing, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		c.errorf(p, "prefill-path", "%s", msg)
		return
	}
	got := schemaType(node)
	if got != "" && !containsString(accepts, got) {
		c.errorf(p, "prefill-type", "%s: a %s field cannot be prefilled from %s, which is %s", fd.place(), fd.Type, fd.Prefill, article(got))
		return
	}
	if fd.Container() && got == "array" {
		if items, _ := node["items"].(map[string]any); items == nil || schemaType(items) != "object" {
			c.errorf(p, "prefill-type", "%s: a %s is prefilled from an array of objects; %s does not declare its items as objects", fd.place(), fd.Type, fd.Prefill)
		}
	}
}

// prefillRoot works out which schema a field's prefill path starts from, and the path's parts from there.
func (c *checker) prefillRoot(fd *Field) (root map[string]any, path []string, problem string) {
	parts := strings.Split(fd.Prefill, ".")
	if fd.parent != nil {
		if fd.parent.Prefill == "" {
			return nil, nil, fmt.Sprintf("a %s's fields can be prefilled only when the %s %q itself is", fd.parent.Type, fd.parent.Type, fd.parent.ID)
		}
		if c.form.caseData == nil {
			return nil, nil, ""
		}
		parentRoot, parentPath, problem := c.prefillRoot(fd.parent)
		if problem != "" || parentRoot == nil {
			return nil, nil, ""
		}
		arr, _, _ := schemaAt(parentRoot, parentPath)
		items, _ := arr["items"].(map[string]any)
		if items == nil {
			return nil, nil, ""
		}
		return items, parts, ""
	}
	if parts[0] == caseDataSubmitter && c.form.Kind == KindDelegation {
		if fd.ReadOnly || fd.section.PerChild || fd.section.RepeatFor != "" {
			return nil, nil, fmt.Sprintf("prefill %s: the professional's account fills a delegation's questions once, as first answers of their own to change, so only a question outside per-child and repeated sections that is not read-only can be prefilled from it", fd.Prefill)
		}
		return delegationSubmitter, parts[1:], ""
	}
	if c.form.CaseData == nil {
		return nil, nil, "the form declares no caseData to prefill from"
	}
	if c.form.caseData == nil {
		return nil, nil, ""
	}
	if parts[0] == caseDataChild && c.form.Scope == ScopeFamily {
		if !fd.section.PerChild {
			return nil, nil, fmt.Sprintf("prefill %s: in a family form, child is the current child only inside perChild sections; use children or a property of the family", fd.Prefill)
		}
		children, _, _ := schemaAt(c.form.caseData.tree, []string{caseDataFamily})
		items, _ := children["items"].(map[string]any)
		if items == nil {
			return nil, nil, "" // case-data-shape reports it
		}
		return items, parts[1:], ""
	}
	return c.form.caseData.tree, parts, ""
}

// place names the field as a designer finds it: "field `dob` in section `child`", "column `date` of
// table `chronology` in section `agency`", "field `name` of list `household` in section `family`".
func (fd *Field) place() string {
	if fd.parent != nil {
		what := "field"
		if fd.parent.Type == TypeTable {
			what = "column"
		}
		return what + " `" + fd.ID + "` of " + fd.parent.containerPlace()
	}
	return "field `" + fd.ID + "` in " + fd.section.place()
}

// containerPlace names a table or list by its type: "table `chronology` in section `agency`".
func (fd *Field) containerPlace() string {
	return fd.Type + strings.TrimPrefix(fd.place(), "field")
}

// place names the section: "section `child`".
func (s *Section) place() string { return "section `" + s.ID + "`" }
