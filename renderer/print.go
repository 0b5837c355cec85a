package renderer

import "github.com/a-h/templ"

// PrintView is a whole form, read-only, for printing.
type PrintView struct {
	Page      Page
	FormTitle string
	Header    templ.Component
	Reference string
	Back      string
	Sections  []PrintSection
}

// PrintSection is one page of the form in the print view.
type PrintSection struct {
	Title  string
	Fields []FieldView
}
