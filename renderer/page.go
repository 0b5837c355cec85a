// Package renderer draws every page of the portals as HTML with templ components, in the GOV.UK Design
// System's markup, branded as a council service.
package renderer

import (
	"context"

	"formportal/i18n"
)

// Page is what the layout needs on every page.
type Page struct {
	Title       string // the page's own title; the layout adds the service name
	Council     string // the council's name, shown in the header
	Service     string // "Delegation Portal", "Children's Portal"
	User        *User  // nil when nobody is signed in
	CSRFToken   string
	Errors      []ErrorItem // the error summary, in page order
	Banner      string      // a success notification shown once (for example "Your changes have been saved")
	Notice      string      // an information notification headed "Important", not a success (why someone was signed out)
	IdleSeconds int         // the idle timeout, for the warning script; 0 when signed out
	WarnSeconds int         // how long before the timeout the warning appears
	DevMailbox  bool        // link to /dev/mail in the footer
	AssetPath   func(name string) string
	// Standalone is a page served outside the portal (the designers' preview): no account link and no
	// links to the portal's own pages in the footer.
	Standalone bool

	// The header's language switch (welsh18): LangSwitch is this page's address in the other language
	// ("" shows no switch), LangSwitchForm the id of the form whose answers a switch saves first.
	LangSwitch     string
	LangSwitchForm string
	// FormDefault is what the primary button of the form the switch submits posts: the switch draws
	// it as that form's default button before its own (DefaultSubmit), so Enter does not switch.
	FormDefault *SubmitAction
}

// SubmitAction is what a submit button posts: its name and value, none when Name is "".
type SubmitAction struct{ Name, Value string }

// User is the signed-in person, as the header shows them.
type User struct {
	Name string
	// Menu holds the items of the name menu, in order.
	Menu []MenuItem
}

// MenuItem is a link in the name menu.
type MenuItem struct {
	Label string
	Href  string
}

// ErrorItem is one entry of the error summary: the message and the id of the input it links to.
type ErrorItem struct {
	Field   string // the id of the input; the summary links to #Field
	Message string
	Href    string // where the summary links instead, when the input is on another page
}

// Link is where the summary's entry leads.
func (e ErrorItem) Link() string {
	if e.Href != "" {
		return e.Href
	}
	return "#" + e.Field
}

// withProblems is p with what stops a submission as its errors: the layout's error summary lists them,
// and the title starts "Error:".
func (p Page) withProblems(problems []ReviewItem) Page {
	for _, e := range problems {
		p.Errors = append(p.Errors[:len(p.Errors):len(p.Errors)], ErrorItem{Href: e.Href, Message: e.Message})
	}
	return p
}

// ErrorFor returns the message for a field, or "".
func (p Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Asset is the versioned URL of a built asset.
func (p Page) Asset(name string) string {
	if p.AssetPath == nil {
		return "/assets/" + name
	}
	return p.AssetPath(name)
}

func (p Page) fullTitle(ctx context.Context) string {
	t := p.Service + " - " + p.Council
	if p.Title != "" {
		t = p.Title + " - " + t
	}
	if len(p.Errors) > 0 {
		t = i18n.T(ctx, "error.title_prefix", "Title", t)
	}
	return t
}

// FormPageID is the id of a form page's <form>, which the header's language switch submits.
const FormPageID = "app-form"

// DateField is a date asked as GOV.UK's date input (dateInput): the parts' ids are ID-day, ID-month and
// ID-year, where an error summary links to ID-day.
type DateField struct {
	ID, Name, Label, Hint string
	Context               string // a child's name, visually hidden on the legend and each part's label
	Day, Month, Year      string // as typed
	Error                 string
	Required              bool
}
