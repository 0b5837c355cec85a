package engine

import (
	"regexp"

	"formportal/engine/expr"
)

// The model of a form definition. Field names and JSON tags follow the YAML language documented in
// forms/README.md and engine/schema/form.schema.json; the loader decodes into these types only after the
// definition has passed the schema.

// Field types.
const (
	TypeText        = "text"
	TypeTextarea    = "textarea"
	TypeEmail       = "email"
	TypePhone       = "phone"
	TypeNumber      = "number"
	TypeDate        = "date"
	TypeSelect      = "select"
	TypeRadios      = "radios"
	TypeCheckboxes  = "checkboxes"
	TypeYesNo       = "yesno"
	TypeDeclaration = "declaration"
	TypeContent     = "content"
	TypeTable       = "table"
	TypeList        = "list"
	TypeAttachments = "attachments"
	TypeChildren    = "children" // a table column: which child or children of the group a row is about
	// TypeComputed is a value worked out from other answers by an expression (expressions.go): shown
	// read-only, never taken from what is posted.
	TypeComputed = "computed"
)

// The UK answer types social care records (ukchecks.go).
const (
	// TypeDateOfBirth is a child's date of birth as social care records it: born (a date, perhaps
	// estimated), unborn (an expected due date) or not known (an approximate age).
	TypeDateOfBirth = "dateOfBirth"
	TypeAddress     = "address"   // a UK address, or no fixed abode, not known, or the same as another
	TypeNHSNumber   = "nhsNumber" // 10 digits with the Modulus 11 check
	TypeTime        = "time"      // a time of day, stored as HH:MM
	// TypeNINumber is a National Insurance number, stored as QQ123456C: HMRC's format, prefix and suffix.
	TypeNINumber = "niNumber"
	// TypeUPN is an English school's unique pupil number, stored as 13 characters with its check letter.
	TypeUPN = "upn"
	// TypeSignature is a "name and date" confirmation: the signer's full name typed, and the date, today
	// unless they give another, never in the future (signature.go).
	TypeSignature = "signature"
)

// Form scopes and kinds.
const (
	ScopeChild     = "child"
	ScopeFamily    = "family"
	KindDelegation = "delegation"
	KindReferral   = "referral"
	AudienceProf   = "professional"
	AudiencePublic = "public"
	valueYes       = "yes"
	valueNo        = "no"
	caseDataChild  = "child"
	caseDataFamily = "children"
	// caseDataSubmitter is the person completing the form, as the portal supplies them: a referral's
	// case data, a delegation's professional's account (FillSubmitter).
	caseDataSubmitter = "submitter"
	childIDProperty   = "id"
)

// How a content field is set apart: the GOV.UK inset text, warning text and details components.
const (
	StyleInset   = "inset"
	StyleWarning = "warning"
	StyleDetails = "details"
)

// MigrateCompatible is the Migrate value that moves drafts in flight to a compatible new version.
const MigrateCompatible = "compatible"

// Form is a loaded, checked form definition.
type Form struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Version     int            `json:"version"`
	Kind        string         `json:"kind"`
	Audience    []string       `json:"audience"`
	Scope       string         `json:"scope"`
	Description string         `json:"description,omitempty"`
	CaseData    map[string]any `json:"caseData,omitempty"`
	Retention   *Retention     `json:"retention,omitempty"`
	Sections    []*Section     `json:"sections"`
	// OptionLists are lists of options defined once and used by fields with OptionList.
	OptionLists map[string]OptionItems `json:"optionLists,omitempty"`
	// Groups are questions defined once and asked in several places ({ id, use }).
	Groups map[string]*Group `json:"groups,omitempty"`
	// Rules are checks across answers of several sections (expressions.go).
	Rules []*Rule `json:"rules,omitempty"`
	// Migrate is "compatible" when drafts and delegations in flight on earlier versions move to this
	// version on publishing, if nothing between their version and this one breaks them.
	Migrate string `json:"migrate,omitempty"`
	// Reminders are the days before a delegation's due date on which its professional is reminded (0:
	// on the day), unless the delegation sets its own; see reminders.go.
	Reminders []int `json:"reminders,omitempty"`
	// Languages are the languages the form is offered in, English first; translations in translate.go.
	Languages []string `json:"languages,omitempty"`

	// File is where the definition was loaded from, for diagnostics.
	File string `json:"-"`

	definition []byte // the file as loaded, kept as the published version's text
	hash       string // of the definition's content, not its layout or comments

	src      *source
	fields   map[string]*Field // every field outside tables and lists, by id
	caseData *caseDataSchema
	uses     []*Field  // the uses of groups, replaced in their sections and lists by the group's questions
	i18n     *formI18n // the form's translations and translated copies (translate.go)
	// personView: a copy without what only staff see (visibility.go); views holds the copies.
	personView bool
	views      *formViews
}

// Retention is how long the portal keeps a form's responses, in days; a period not given takes the
// service's default (the portal's -retain-* flags). The retention package applies it.
type Retention struct {
	Drafts     *int   `json:"drafts,omitempty"`     // a draft never submitted, from DraftsFrom
	DraftsFrom string `json:"draftsFrom,omitempty"` // RetainFromLastSave (rolling, the default) or RetainFromStart (fixed)
	Submitted  *int   `json:"submitted,omitempty"`  // a submission, after the case system first fetched it through the API
	Returned   *int   `json:"returned,omitempty"`   // a copy returned for more information and not sent again, after its last save
	Retracted  *int   `json:"retracted,omitempty"`  // a retracted delegation, after its retraction
	// Anonymise keeps submissions and retracted delegations past their period with their sensitive
	// answers and case data cleared and their documents removed, for statistics, instead of deleting them.
	Anonymise bool `json:"anonymise,omitempty"`
}

// Retention periods are counted from the last save or from the start.
const (
	RetainFromLastSave = "last-save"
	RetainFromStart    = "start"
)

// Section is one page of a form.
type Section struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Delegable   bool   `json:"delegable,omitempty"`
	PerChild    bool   `json:"perChild,omitempty"`
	// RepeatFor names a list of an earlier section: the section is asked once for each of its items
	// (each child the referrer typed in), its answers kept by the item's id as a per-child section's are
	// by the child's (repeat.go). ItemTitle titles each repetition from the item: "About {name}".
	RepeatFor string `json:"repeatFor,omitempty"`
	ItemTitle string `json:"itemTitle,omitempty"`
	// Overview marks a referral's first section: static content people read, before they sign in, on the
	// page that starts the form. It is never answered.
	Overview bool       `json:"overview,omitempty"`
	ShowWhen *Condition `json:"showWhen,omitempty"`
	// VisibleTo "staff": only council staff see the section and answer its questions (visibility.go).
	VisibleTo string   `json:"visibleTo,omitempty"`
	Fields    []*Field `json:"fields"`
	// Rules are checks across the section's answers (expressions.go).
	Rules []*Rule `json:"rules,omitempty"`

	pointer    string
	lang       string // of a translated copy's section, "" in English (translate.go)
	repeatList *Field // the list RepeatFor names, resolved by the checker
}

// Field is a question, a piece of static content, or a container (table, list) of questions.
type Field struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Label    string `json:"label,omitempty"`
	Hint     string `json:"hint,omitempty"`
	Name     string `json:"name,omitempty"`
	Required bool   `json:"required,omitempty"`
	ReadOnly bool   `json:"readOnly,omitempty"`
	// Sensitive answers are cleared when a response is anonymised at the end of its retention.
	Sensitive bool       `json:"sensitive,omitempty"`
	Prefill   string     `json:"prefill,omitempty"`
	ShowWhen  *Condition `json:"showWhen,omitempty"`
	Messages  Messages   `json:"messages,omitempty"`
	// RenamedFrom is the id this field had in the previous version: answers given to it carry across.
	RenamedFrom string `json:"renamedFrom,omitempty"`
	// VisibleTo "staff": only council staff see the question and its answer (visibility.go).
	VisibleTo string `json:"visibleTo,omitempty"`

	MinLength *int     `json:"minLength,omitempty"`
	MaxLength *int     `json:"maxLength,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	Rows      int      `json:"rows,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	Integer   bool     `json:"integer,omitempty"`

	NotInFuture bool   `json:"notInFuture,omitempty"`
	NotInPast   bool   `json:"notInPast,omitempty"`
	MinDate     string `json:"minDate,omitempty"`
	MaxDate     string `json:"maxDate,omitempty"`
	After       string `json:"after,omitempty"`
	Before      string `json:"before,omitempty"`

	Options OptionItems `json:"options,omitempty"`
	// OptionList names a list of the form's OptionLists the field takes its options from.
	OptionList  string `json:"optionList,omitempty"`
	MinSelected *int   `json:"minSelected,omitempty"`
	MaxSelected *int   `json:"maxSelected,omitempty"`
	Multiple    *bool  `json:"multiple,omitempty"`

	Text    string `json:"text,omitempty"`
	Heading string `json:"heading,omitempty"`

	// Guidance content (content15): how a content field is set apart, and a details component's link text.
	Style   string `json:"style,omitempty"`   // StyleInset, StyleWarning, StyleDetails or "" (plain)
	Summary string `json:"summary,omitempty"` // StyleDetails only

	Columns []*Field `json:"columns,omitempty"`
	MinRows *int     `json:"minRows,omitempty"`
	MaxRows *int     `json:"maxRows,omitempty"`
	// OrderBy is the column (the item field, for a list) whose answers put the rows in order, for
	// example a chronology's date; rows keep the order they were added in when it is empty.
	OrderBy string `json:"orderBy,omitempty"`
	// FixedRows are the rows a table starts with, labelled, which cannot be removed (struct15).
	FixedRows []FixedRow `json:"fixedRows,omitempty"`
	// Rules of a table or list are checked for each row (item) on its own, in the row's scope: its own
	// answers by id and the form's in reach, their messages at the row's questions (expressions.go).
	Rules []*Rule `json:"rules,omitempty"`

	// The chronology columns of a table (issue 17; chronology.go): which column is each row's date (a
	// table with one is a chronology, merged across agencies), which names the agency, which the child or
	// children, and which describes the event.
	DateColumn   string `json:"dateColumn,omitempty"`
	AgencyColumn string `json:"agencyColumn,omitempty"`
	ChildColumn  string `json:"childColumn,omitempty"`
	EventColumn  string `json:"eventColumn,omitempty"`

	Fields    []*Field `json:"fields,omitempty"`
	ItemLabel string   `json:"itemLabel,omitempty"`
	MinItems  *int     `json:"minItems,omitempty"`
	MaxItems  *int     `json:"maxItems,omitempty"`

	Accept    []string `json:"accept,omitempty"`
	MaxFiles  int      `json:"maxFiles,omitempty"`
	MaxSizeMB float64  `json:"maxSizeMB,omitempty"`

	// A use of a question group ({ id, use }) stands for the group's questions, which replace it on
	// loading, with ids prefixed by its id; Whose goes before their names in messages, and Prefills
	// fill them and Hints replace their hints, by their ids in the group.
	Use      string            `json:"use,omitempty"`
	Whose    string            `json:"whose,omitempty"`
	Prefills map[string]string `json:"prefills,omitempty"`
	Hints    map[string]string `json:"hints,omitempty"`
	// Word limits and the UK answer types (ukchecks.go).
	MaxWords *int `json:"maxWords,omitempty"` // textarea: the most words the answer may have
	// SameAs is, for an address, the id of another address field ("the child's address") people may say
	// this one is the same as.
	SameAs         string `json:"sameAs,omitempty"`
	NoFixedAbode   bool   `json:"noFixedAbode,omitempty"`   // address: offer "No fixed abode"
	AddressUnknown bool   `json:"addressUnknown,omitempty"` // address: offer "Address not known"
	Abroad         bool   `json:"abroad,omitempty"`         // address: offer "Address outside the UK"
	// Lookup, for an address, offers finding it by postcode when the portal has an address lookup (nil:
	// yes); false asks for the lines only (an address abroad, or one the gazetteer cannot know).
	Lookup *bool `json:"lookup,omitempty"`
	// Expressions (expressions.go): a computed field's Expr and the type of its Result; RequiredWhen
	// makes any question required when it holds.
	Expr         string `json:"expr,omitempty"`
	Result       string `json:"result,omitempty"`
	RequiredWhen string `json:"requiredWhen,omitempty"`
	computed     *expr.Program
	requiredWhen *expr.Program
	requiredCond *Condition // requiredWhen as comparisons, for the page's script (requiredmark.go)
	// aliases, for a question made from a group: its group's ids, standing in its expressions for the
	// use's prefixed ids (groups.go).
	aliases map[string]string

	pointer string
	section *Section
	parent  *Field // the table or list holding this field, if any
	use     *Field // for a question made from a group, the use that made it
	pattern *regexp.Regexp
	sameAs  *Field // the address field SameAs names, resolved by the checker
	// repeated: a section repeats for this list's items, which carry ids (repeat.go).
	repeated bool
}

// Messages are a designer's own error messages for a field.
type Messages struct {
	Required string `json:"required,omitempty"`
	Pattern  string `json:"pattern,omitempty"`
	Format   string `json:"format,omitempty"`
	Min      string `json:"min,omitempty"`
	Max      string `json:"max,omitempty"`
}

// Option is one choice of a select, radios or checkboxes field.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Hint  string `json:"hint,omitempty"`
	// Group is the heading the option is shown under (an optgroup, a legend), or "".
	Group string `json:"group,omitempty"`

	at      string // where the option is, relative to the options list it was decoded from
	pointer string // where the option is in the definition
}

// Condition is a showWhen: a comparison on one field, or all/any/not of conditions.
type Condition struct {
	All []*Condition `json:"all,omitempty"`
	Any []*Condition `json:"any,omitempty"`
	Not *Condition   `json:"not,omitempty"`

	Field       string   `json:"field,omitempty"`
	Equals      any      `json:"equals,omitempty"`
	NotEquals   any      `json:"notEquals,omitempty"`
	In          []any    `json:"in,omitempty"`
	Contains    *string  `json:"contains,omitempty"`
	Answered    *bool    `json:"answered,omitempty"`
	GreaterThan *float64 `json:"greaterThan,omitempty"`
	LessThan    *float64 `json:"lessThan,omitempty"`

	// Expr is a condition written as an expression (expressions.go), with Text saying it in words.
	Expr string `json:"expr,omitempty"`
	Text string `json:"text,omitempty"`
	prog *expr.Program
	refs []*Field // the questions Expr names, resolved by the checker
	// aliases: a condition of a group's question, whose names are the group's ids (groups.go).
	aliases map[string]string

	pointer string
	target  *Field // resolved by the checker
}

// Section returns the section with the id, or nil.
func (f *Form) Section(id string) *Section {
	for _, s := range f.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Field returns the field with the id outside tables and lists, or nil.
func (f *Form) Field(id string) *Field { return f.fields[id] }

// Field returns the section's own field (not a column of one of its tables) with the id, or nil.
func (s *Section) Field(id string) *Field {
	for _, fd := range s.Fields {
		if fd.ID == id {
			return fd
		}
	}
	return nil
}

// PerChild reports whether any section repeats for each child of a family.
func (f *Form) PerChild() bool {
	for _, s := range f.Sections {
		if s.PerChild {
			return true
		}
	}
	return false
}

// HasAudience reports whether people of the audience may fill the form in.
func (f *Form) HasAudience(audience string) bool {
	for _, a := range f.Audience {
		if a == audience {
			return true
		}
	}
	return false
}

// Answerable reports whether the field takes an answer (static content does not).
func (fd *Field) Answerable() bool { return fd.Type != TypeContent }

// Container reports whether the field holds rows of other fields.
func (fd *Field) Container() bool { return fd.Type == TypeTable || fd.Type == TypeList }

// Children returns the fields of a row of a table or an item of a list.
func (fd *Field) Children() []*Field {
	if fd.Type == TypeTable {
		return fd.Columns
	}
	return fd.Fields
}

// Child returns the column of a table (the field of a list item) with the id, or nil.
func (fd *Field) Child(id string) *Field {
	for _, c := range fd.Children() {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// MultipleChildren reports whether a children column allows more than one child per row.
func (fd *Field) MultipleChildren() bool { return fd.Multiple == nil || *fd.Multiple }

// SameAsField returns the address field this address may be the same as, or nil.
func (fd *Field) SameAsField() *Field { return fd.sameAs }

// Section returns the section holding the field.
func (fd *Field) Section() *Section { return fd.section }

// Parent returns the table or list holding the field, or nil.
func (fd *Field) Parent() *Field { return fd.parent }

// OptionLabel returns the label of the option with the value, or the value itself.
func (fd *Field) OptionLabel(value string) string {
	for _, o := range fd.Options {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}
