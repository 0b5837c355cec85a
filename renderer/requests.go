package renderer

import (
	"context"
	"strconv"

	"formportal/i18n"
)

// The staff console's multi-agency requests: one form sent for one family to several professionals at
// once, and each agency's progress.

// AgencyInput is one agency's row of "Send to several agencies": who, by when, and comments for them.
type AgencyInput struct {
	N                                   int // the row's number, from 1; names its inputs agency.N.*
	Email, Name, Organisation, Comments string
	DueDay, DueMonth, DueYear           string
}

// RequestFormView is the "Send to several agencies" page.
type RequestFormView struct {
	Page              Page
	Forms             []OptionView // delegation forms (step 1)
	FormID, FormTitle string
	Sections          []OptionView // delegable sections, ticked when chosen
	Case              []CaseInput
	Agencies          []AgencyInput
	CanAddAgency      bool // fewer rows than a request may have
}

// AgencyRow is one agency's progress on the request page.
type AgencyRow struct {
	Href                       string // the delegation in the console
	Organisation, Professional string
	Due                        string
	Status                     string   // the delegation's status in words
	StatusColour               string   // the GOV.UK tag's colour modifier ("green", "red"...); "" for the default
	Notes                      []string // email undeliverable, re-assigned, automatic reply on
}

// RequestView is a request's page: what was asked of whom and where each agency stands.
type RequestView struct {
	Page           Page
	ID             string
	FormTitle      string
	Family         string // the child or family it is about
	Sections       string
	SentBy, SentOn string
	Agencies       []AgencyRow
	Submitted      int    // how many agencies have submitted
	ChronologyHref string // the merged chronology, when the form has one
}

// RequestListRow is a request in the list of requests.
type RequestListRow struct {
	Href, FormTitle, Family, SentOn, SentBy, Progress string
}

// agencyID and agencyName name the inputs of an agency's row: agency-2-email, agency.2.email.
func agencyID(n int, part string) string   { return "agency-" + strconv.Itoa(n) + "-" + part }
func agencyName(n int, part string) string { return "agency." + strconv.Itoa(n) + "." + part }

// agencyContext tells a screen reader which agency's row a repeated label is in.
func agencyContext(ctx context.Context, n int) string {
	return " " + i18n.T(ctx, "console.request.agency_context", "N", strconv.Itoa(n))
}
