package renderer

import (
	"context"

	"github.com/a-h/templ"

	"formportal/i18n"
)

// NavItem is an entry of the left-hand section list.
type NavItem struct {
	Key     string // the page's key, posted with "goto:" so leaving the page saves it
	Title   string
	Status  string // not-started, in-progress, completed, has-errors
	Current bool
}

// FormPageView is a page of a form being filled in: either portal's.
type FormPageView struct {
	Page      Page
	FormTitle string
	Header    templ.Component // the block above the form (the task's child and sender, a referral's reference)
	// HeaderSummary, when set, folds the header into a details element named by it: after a task's first
	// page the person knows who it is about, and can open it again.
	HeaderSummary string
	Nav           []NavItem
	SectionTitle  string
	Description   string
	ChildName     string // for a per-child page
	Fields        []FieldView
	Action        string // where the page posts
	HasPrevious   bool
	HasNext       bool
	ReadOnly      bool
	SubmitLabel   string // "Submit contribution", "Continue to declaration"
	PrintHref     string
	PDFHref       string
	SaveLabel     string // "Save", "Save for later"
	DraftVersion  int    // the stored version of the draft the page was drawn from
	PageHash      string // and a hash of the page's answers then, so a save can tell what changed since
	// Conflict lists the questions of this page that another tab or window saved differently after
	// this page was drawn; the page shows what the person typed, not yet saved.
	Conflict []string
}

// primary is what the page's primary button posts, and so Enter in one of its inputs (DefaultSubmit):
// Next, else on the last page Submit (which asks to confirm), else Save; nil on a page only read.
func (v FormPageView) primary() *SubmitAction {
	switch {
	case v.HasNext:
		return &SubmitAction{"action", "next"}
	case v.ReadOnly:
		return nil
	case v.SubmitLabel != "":
		return &SubmitAction{"action", "submit"}
	default:
		return &SubmitAction{"action", "save"}
	}
}

// layoutPage is the layout's data: when the header's language switch submits the page, the switch
// draws the page's default button, since the switch comes first.
func (v FormPageView) layoutPage() Page {
	p := v.Page
	if p.LangSwitchForm != "" {
		p.FormDefault = v.primary()
	}
	return p
}

// Names of the hidden inputs that tell a save which draft its page was drawn from. Field ids never
// contain a hyphen, so these never clash with a question.
const (
	DraftVersionInput = "draft-version"
	PageHashInput     = "page-hash"
)

// StatusText is how a section status reads in the section list, in the language of ctx.
func StatusText(ctx context.Context, status string) string {
	switch status {
	case "completed":
		return i18n.T(ctx, "status.completed")
	case "in-progress":
		return i18n.T(ctx, "status.in_progress")
	case "has-errors":
		return i18n.T(ctx, "status.has_errors")
	}
	return i18n.T(ctx, "status.not_started")
}

func statusClass(status string) string {
	switch status {
	case "completed":
		return "govuk-tag"
	case "in-progress":
		return "govuk-tag govuk-tag--light-blue"
	case "has-errors":
		return "govuk-tag govuk-tag--red"
	}
	return "govuk-tag govuk-tag--grey"
}
