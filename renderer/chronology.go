package renderer

// The merged chronology of a multi-agency request (issue 17), as the staff console shows it.

// ChronologyRow is one row of the merged chronology.
type ChronologyRow struct {
	Number    int // its place in the whole merged chronology, from 1
	Date      string
	Agency    string
	Cells     []string
	SameEvent string // the rows of other agencies that may describe the same event; "" for none
}

// ChronologyView is the merged chronology page: the filters as given, a page of the rows they select,
// and links to the other pages and the exports of what they select.
type ChronologyView struct {
	Page                                                 Page
	RequestHref                                          string
	FormTitle, Family                                    string
	Contributions                                        string // "2 of 3 agencies have submitted"
	Heads                                                []string
	Rows                                                 []ChronologyRow
	Selected, Total                                      int
	Children, Agencies                                   []OptionView // the filters' choices; Checked is the chosen one
	FromDay, FromMonth, FromYear, ToDay, ToMonth, ToYear string
	PageNumber, Pages                                    int
	PageHref                                             func(n int) string // the same filters, page n
	CSVHref, PDFHref, ClearHref                          string
	Flagged                                              int // rows flagged as possibly the same event as another's
}

// PageLinks are the links of GOV.UK's pagination for the view.
func (v ChronologyView) PageLinks() []PageLink {
	return (&TableView{Page: v.PageNumber, Pages: v.Pages}).Pagination()
}
