package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"formportal/casework"
	merged "formportal/chronology" // the package; web's tests have a type of its name
	"formportal/download"
	"formportal/engine"
	"formportal/i18n"
	"formportal/pdf"
	"formportal/renderer"
	"formportal/store"
)

// A request's merged chronology in the staff console: every agency's submitted rows in date order, a
// hundred to a page, filtered by child, agency and dates in a GET form, and downloaded as CSV or a
// tagged PDF with the same filters. Each view and download is audited against the request.

const chronologyPageSize = 100

// hasChronology reports whether a request's form has a chronology table to merge.
func hasChronology(form *engine.Form) bool { return len(form.ChronologyTables()) > 0 }

func delegationsOf(progress []casework.AgencyProgress) []*store.Response {
	out := make([]*store.Response, len(progress))
	for i, p := range progress {
		out[i] = p.Delegation
	}
	return out
}

func (a *App) requestChronology(w http.ResponseWriter, r *http.Request) {
	q, progress, form, ok := a.staffRequest(w, r)
	if !ok {
		return
	}
	if !hasChronology(form) {
		a.notFound(w, r)
		return
	}
	ctx := r.Context()
	form = inLang(ctx, form) // its labels in the language of the page and the downloads
	members := delegationsOf(progress)
	t, err := a.chronologies.OfRequest(form, members)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	base := "/staff/requests/" + q.ID + "/chronology"
	query := r.URL.Query()
	v := renderer.ChronologyView{Page: a.page(r, i18n.T(ctx, "console.chron.page_title", "Form", form.Title)), RequestHref: "/staff/requests/" + q.ID, FormTitle: form.Title,
		Family: familyName(ctx, form, members[0]), Total: len(t.Rows), ClearHref: base,
		Contributions: i18n.T(ctx, "console.chron.contributions", "N", submittedCount(members), "M", len(members))}
	f := chronologyFilter(ctx, query, t, &v)
	export := query.Get("export")
	if len(v.Page.Errors) > 0 {
		export = "" // the page says what to correct; nothing is downloaded with a filter it could not read
	}
	action := map[string]string{"": "read merged chronology", "csv": "downloaded merged chronology as CSV", "pdf": "downloaded merged chronology as PDF"}[export]
	if action == "" {
		a.notFound(w, r)
		return
	}
	if err := a.audit(r, action, q.ID, describeChronologyFilter(f)); err != nil {
		a.serverError(w, r, err)
		return
	}
	selected := t.Select(f)
	switch export {
	case "csv":
		a.chronologyCSV(ctx, w, t, selected, form)
		return
	case "pdf":
		a.chronologyPDF(w, r, t, selected, form, v)
		return
	}
	v.Heads = chronologyHeads(ctx, t)
	v.Selected = len(selected)
	for _, i := range selected {
		if len(t.Rows[i].SameEvent) > 0 {
			v.Flagged++
		}
	}
	v.Pages = max(1, (len(selected)+chronologyPageSize-1)/chronologyPageSize)
	v.PageNumber, _ = strconv.Atoi(query.Get("page"))
	v.PageNumber = min(max(v.PageNumber, 1), v.Pages)
	v.PageHref = func(n int) string {
		p := url.Values{}
		for k, vals := range query {
			if k != "page" && k != "export" {
				p[k] = vals
			}
		}
		p.Set("page", strconv.Itoa(n))
		return base + "?" + p.Encode()
	}
	exportHref := func(kind string) string {
		p := url.Values{}
		for k, vals := range query {
			if k != "page" {
				p[k] = vals
			}
		}
		p.Set("export", kind)
		return base + "?" + p.Encode()
	}
	v.CSVHref, v.PDFHref = exportHref("csv"), exportHref("pdf")
	from := (v.PageNumber - 1) * chronologyPageSize
	for _, i := range selected[from:min(from+chronologyPageSize, len(selected))] {
		row := t.Rows[i]
		v.Rows = append(v.Rows, renderer.ChronologyRow{Number: i + 1, Date: chronologyDate(t, row), Agency: row.Agency, Cells: row.Cells,
			SameEvent: sameEventWords(ctx, t, row)})
	}
	if len(v.Page.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	a.render(w, r, renderer.ChronologyPage(v))
}

// chronologyFilter reads the page's filters from its query, fills the view's filter inputs with them,
// and adds a message to the page for each date it cannot read (that date then filters nothing).
func chronologyFilter(ctx context.Context, query url.Values, t *merged.Table, v *renderer.ChronologyView) merged.Filter {
	f := merged.Filter{Child: query.Get("child"), Agency: query.Get("agency")}
	for _, c := range t.Children {
		v.Children = append(v.Children, renderer.OptionView{Value: c.ID, Label: c.Name, Checked: c.ID == f.Child})
	}
	for _, ag := range t.Agencies {
		v.Agencies = append(v.Agencies, renderer.OptionView{Value: ag, Label: ag, Checked: ag == f.Agency})
	}
	date := func(id, name string, day, month, year *string) string {
		*day, *month, *year = query.Get(id+".day"), query.Get(id+".month"), query.Get(id+".year")
		if *day+*month+*year == "" {
			return ""
		}
		d, msg := consoleDate(ctx, *day, *month, *year, name)
		if msg != "" {
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: id + "-day", Message: msg})
		}
		return d
	}
	f.From = date("from", "from", &v.FromDay, &v.FromMonth, &v.FromYear)
	f.To = date("to", "to", &v.ToDay, &v.ToMonth, &v.ToYear)
	if f.From != "" && f.To != "" && f.To < f.From {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "to-day", Message: i18n.T(ctx, "console.date.to_before_from")})
		f.To = ""
	}
	return f
}

// describeChronologyFilter is a filter for the audit log: child ids, an agency and dates, no names.
func describeChronologyFilter(f merged.Filter) string {
	var parts []string
	for _, p := range []struct{ name, value string }{{"child", f.Child}, {"agency", f.Agency}, {"from", f.From}, {"to", f.To}} {
		if p.value != "" {
			parts = append(parts, p.name+" "+p.value)
		}
	}
	return strings.Join(parts, ", ")
}

// chronologyHeads are the merged table's column headers: the date, the agency, then the table's others.
func chronologyHeads(ctx context.Context, t *merged.Table) []string {
	heads := []string{t.Field.Child(t.Field.DateColumn).Label, i18n.T(ctx, "console.request.agency")}
	for _, c := range t.Columns {
		heads = append(heads, c.Label)
	}
	return heads
}

// sameEventWords names the rows a row may describe the same event as, in the language of ctx.
func sameEventWords(ctx context.Context, t *merged.Table, r merged.Row) string {
	return t.SameEventIn(r, func(agency string, row int) string {
		return i18n.T(ctx, "console.chron.agency_row", "Agency", agency, "N", row)
	})
}

func chronologyDate(t *merged.Table, r merged.Row) string {
	return strings.Join(t.Field.Child(t.Field.DateColumn).FormatAnswer(r.Date, nil), "")
}

// chronologyCSV writes the selected rows as CSV, dates as YYYY-MM-DD. Every cell typed by someone that
// a spreadsheet would run as a formula starts with a quote (csvCell).
func (a *App) chronologyCSV(ctx context.Context, w http.ResponseWriter, t *merged.Table, selected []int, form *engine.Form) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", download.Disposition(fmt.Sprintf("%s-merged-%s.csv", form.ID, a.now().Format("20060102"))))
	cw := csv.NewWriter(w)
	head := append([]string{i18n.T(ctx, "console.chron.row")}, chronologyHeads(ctx, t)...)
	cw.Write(append(head, i18n.T(ctx, "console.chron.same_event")))
	for _, i := range selected {
		row := t.Rows[i]
		rec := []string{strconv.Itoa(i + 1), csvCell(row.Date), csvCell(row.Agency)}
		for _, c := range row.Cells {
			rec = append(rec, csvCell(c))
		}
		cw.Write(append(rec, csvCell(sameEventWords(ctx, t, row))))
	}
	cw.Flush()
}

// chronologyPDF writes the selected rows as a tagged PDF under the form's title, with who it is about,
// how many agencies have submitted and the filters.
func (a *App) chronologyPDF(w http.ResponseWriter, r *http.Request, t *merged.Table, selected []int, form *engine.Form, v renderer.ChronologyView) {
	ctx := r.Context()
	d := pdf.TableDocument{Title: i18n.T(ctx, "console.chron.page_title", "Form", form.Title), Caption: i18n.T(ctx, "console.chron.title"),
		Marking: a.cfg.Marking, Lang: string(i18n.From(ctx)),
		Header: []pdf.HeaderLine{{Label: i18n.T(ctx, "console.child_or_family"), Value: v.Family}, {Label: i18n.T(ctx, "console.chron.contributions_label"), Value: v.Contributions}}}
	if desc := describeChronologyFilter(chronologyFilterNames(ctx, t, r.URL.Query())); desc != "" {
		d.Header = append(d.Header, pdf.HeaderLine{Label: i18n.T(ctx, "console.chron.filtered_by"), Value: desc})
	}
	d.Heads = append(append([]string{i18n.T(ctx, "console.chron.row")}, chronologyHeads(ctx, t)...), i18n.T(ctx, "console.chron.same_event"))
	d.NoWrap = make([]bool, len(d.Heads))
	d.NoWrap[0], d.NoWrap[1] = true, true
	for _, i := range selected {
		row := t.Rows[i]
		d.Rows = append(d.Rows, append(append([]string{strconv.Itoa(i + 1), chronologyDate(t, row), row.Agency}, row.Cells...), sameEventWords(ctx, t, row)))
	}
	var buf bytes.Buffer
	if _, err := pdf.RenderTable(&buf, d); err != nil {
		a.serverError(w, r, fmt.Errorf("merged chronology pdf: %w", err))
		return
	}
	download.PDF(w, fmt.Sprintf("%s-merged-%s.pdf", form.ID, a.now().Format("20060102")), buf.Bytes())
}

// chronologyFilterNames is the filter as the PDF prints it: the child by name.
func chronologyFilterNames(ctx context.Context, t *merged.Table, query url.Values) merged.Filter {
	var v renderer.ChronologyView
	f := chronologyFilter(ctx, query, t, &v)
	for _, c := range t.Children {
		if c.ID == f.Child {
			f.Child = c.Name
		}
	}
	return f
}
