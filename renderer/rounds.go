package renderer

// ChangesView is what changed in a form submitted again after a return.
type ChangesView struct {
	Summary    string // "3 changes since it was returned on 4 March 2026" or "Nothing changed ..."
	ReturnedOn string
	Marks      []SummaryRow // what the council asked about: the place, and its comment
	Changes    []ChangeRow
}

// ChangeRow is one changed answer or row.
type ChangeRow struct {
	Label         string
	Kind          string // changed, added, removed (engine.Change)
	Before, After []string
}

// changeTag is the colour of a change's tag.
func changeTag(kind string) string {
	switch kind {
	case "added":
		return "govuk-tag--green"
	case "removed":
		return "govuk-tag--red"
	}
	return "govuk-tag--blue"
}

// ReturnMarksView is the page that returns a submission with comments on its questions and rows.
type ReturnMarksView struct {
	Page            Page
	FormTitle       string
	Action, Back    string
	Reason, Comment string
	Targets         []MarkTarget
}

// MarkTarget is a question or row the council may comment on.
type MarkTarget struct {
	ID, Path, Section, Label string
	Answer                   []string
	Row                      bool
	Value, Error             string
}
