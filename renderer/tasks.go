package renderer

// TaskRow is one row of a task table.
type TaskRow struct {
	Href     string
	FormType string
	Name     string // "Aurora Boreo" or "Aurora Boreo and 1 sibling"
	DueDate  string // "08-Apr-2020" or "No due date"
	Comments string
	Status   string
	ID       string
	Overdue  bool // past its due date and still to submit
}

// TasksView is the professional's home.
type TasksView struct {
	Page      Page
	Current   []TaskRow
	Retracted []TaskRow
	Submitted []TaskRow
	AutoReply bool // an automatic reply is on now
}

// TaskHeaderView is the block above a task's form, from the case data.
type TaskHeaderView struct {
	Children   []ChildLine
	Address    string
	FormType   string
	RequiredBy string
	SentBy     string
	Department string
	SenderAddr string
	Comments   string
}

// ChildLine is a child of the task.
type ChildLine struct{ Name, DOB string }

// ReviewItem is a problem listed before submitting, with a link to its page.
type ReviewItem struct {
	Href    string
	Message string
}

// ReassignView is the re-assign page.
type ReassignView struct {
	Page   Page
	Task   TaskRow
	Email  string
	Name   string
	Reason string
}

// AutoReplyRow is one automatic reply.
type AutoReplyRow struct {
	ID, Starts, Ends, Message string
	Active                    bool
}

// AutoReplyForm is the add/edit page of an automatic reply.
type AutoReplyForm struct {
	Page                                                       Page
	ID                                                         string
	StartDay, StartMonth, StartYear, EndDay, EndMonth, EndYear string
	Message                                                    string
}
