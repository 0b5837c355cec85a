package renderer

// FormLink is a form someone can start.
type FormLink struct {
	Title       string
	Description string
	Href        string
}

// StartView is the Children's Portal start page.
type StartView struct {
	Page            Page
	OutOfHoursPhone string
	Professional    []FormLink
	Public          []FormLink
	HasTasks        bool
	Audience        string // the door chosen ("professional", "public"), whose forms it lists; "" to choose one
}

// DraftRow is a saved draft in Recover a Form.
type DraftRow struct {
	Href      string
	FormTitle string
	Child     string
	Saved     string // "2 days ago"
	DeletedOn string // "22 Dec 2026"
}

// SubmittedRow is a submitted referral.
type SubmittedRow struct {
	Href         string // open the form (a returned one: to update it)
	FormTitle    string
	Child        string
	SubmittedBy  string
	SubmittedOn  string
	Reference    string
	Reason       string
	Comment      string
	DetailsHref  string
	PreviousHref string
}

// SummaryRow is one answer on the check-your-answers page.
type SummaryRow struct {
	Question string
	Answer   []string // lines
	Href     string   // Change link
}

// SummarySection is a section of the check-your-answers page.
type SummarySection struct {
	Title string
	Rows  []SummaryRow
}
