package renderer

// StaffRow is a delegation or referral in the staff console's lists.
type StaffRow struct {
	Href, FormTitle, Name, Owner, Status, Due, Reference, Updated string
	AutoReply                                                     bool
	Overdue                                                       bool // a delegation past its due date, still with its professional
}

// CaseInput is one question of the case-data part of "Delegate a form", made from the form's case-data
// schema.
type CaseInput struct {
	Name     string // posted as case.<path>
	ID       string
	Label    string
	Hint     string
	Value    string
	Error    string
	Required bool
	Group    string   // the heading it sits under ("Child 1"), on its first question only
	Context  string   // visually hidden words naming the group, for repeated labels (" (Child 1)")
	Choices  []string // the schema's enum: asked as a select of these values
	// Date is a date (the schema's format "date"), asked as day, month and year: Day, Month and Year as
	// typed, its error linked to its day (ID + "-day").
	Date             bool
	Day, Month, Year string
}

// DelegateView is the staff console's "Delegate a form" page.
type DelegateView struct {
	Page                                Page
	Forms                               []OptionView // delegation forms (step 1)
	FormID, FormTitle                   string
	Sections                            []OptionView // delegable sections, ticked when chosen
	Email, Name, Organisation, Comments string
	DueDay, DueMonth, DueYear           string
	Case                                []CaseInput
	// Reminders are the days before the due date to remind the professional ("7, 1, 0"), from the form's
	// schedule until changed.
	Reminders string
}

// StaffDetailView is a delegation or referral seen by staff.
type StaffDetailView struct {
	Page                               Page
	Kind                               string // delegation | referral
	ID                                 string
	FormTitle                          string
	Facts                              []SummaryRow
	History                            []SummaryRow
	AnswersHref, PDFHref               string
	StaffAnswersHref                   string // the form's questions only staff see, when it has some
	Files                              []FileLink
	CanRetract, CanReassign, CanReturn bool
	AutoReply                          string
	// Changes are what changed since the last return, when it was submitted again (rounds.go).
	Changes            *ChangesView
	EmailUndeliverable *MailProblem // the latest email to the professional could not be delivered
}

// MailProblem is an email the mail server would not take: to whom, and the server's reason.
type MailProblem struct{ To, Reason string }

// FileLink is a downloadable document.
type FileLink struct{ Name, Href string }

// AuditRow is an entry of the audit log.
type AuditRow struct{ At, Actor, Action, Target, Detail string }

// AuditView is the audit log page: the filter as typed, a page of the entries it selects, newest first,
// and links to the pages around it.
type AuditView struct {
	Page                                                 Page
	Actor, Record                                        string
	FromDay, FromMonth, FromYear, ToDay, ToMonth, ToYear string
	Rows                                                 []AuditRow
	Newest, Older                                        string // links: back to the first page, on to the next
}
