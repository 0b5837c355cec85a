package api

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"formportal/chronology"
)

// A request's merged chronology: every agency's submitted rows of the form's chronology table in date
// order, each with its agency, a page at a time. A page's next cursor names its last row (and that row's
// date), and the following page starts after it, so a client following next with the same filters sees
// each row once; should that row have gone (its contribution returned for more information), the page
// starts after its date. A page with no rows gives back the cursor it was asked with (none at the
// start of a chronology with no rows yet).

type chronologyColumn struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type chronologyRow struct {
	ID          string            `json:"id"`
	Number      int               `json:"number"` // its place in the whole merged chronology, from 1
	Date        string            `json:"date"`
	Agency      string            `json:"agency"`
	Delegation  string            `json:"delegation"`
	Children    []string          `json:"children"`
	Cells       map[string]string `json:"cells"`
	SameEventAs []string          `json:"sameEventAs"`
}

type chronologyPage struct {
	Request string             `json:"request"`
	Columns []chronologyColumn `json:"columns"`
	Rows    []chronologyRow    `json:"rows"`
	Next    string             `json:"next"`
	More    bool               `json:"more"`
}

func chronologyCursor(date, rowID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1." + date + "." + rowID))
}

func parseChronologyCursor(s string) (date, rowID string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(string(raw), "c1.")
	if !ok {
		return "", "", false
	}
	date, rowID, ok = strings.Cut(rest, ".")
	return date, rowID, ok && rowID != ""
}

func (h *Handler) requestChronology(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, e := limitQuery(r)
	var errs []Error
	if e != nil {
		errs = append(errs, *e)
	}
	f := chronology.Filter{Child: q.Get("child"), Agency: q.Get("agency"), From: q.Get("from"), To: q.Get("to")}
	for name, v := range map[string]string{"from": f.From, "to": f.To} {
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			errs = append(errs, Error{Path: name, Message: name + " must be a date like 2026-04-08"})
		}
	}
	var afterDate, afterRow string
	if c := q.Get("cursor"); c != "" {
		var ok bool
		if afterDate, afterRow, ok = parseChronologyCursor(c); !ok {
			errs = append(errs, Error{Path: "cursor", Message: "cursor must be the next value of an earlier page of this chronology"})
		}
	}
	if len(errs) > 0 {
		fail(w, http.StatusBadRequest, errs...)
		return
	}
	req, members, ok := h.requestInURL(w, r)
	if !ok {
		return
	}
	form := h.forms.Version(req.FormID, req.FormVersion)
	if form == nil || len(form.ChronologyTables()) == 0 {
		fail(w, http.StatusNotFound, Error{Path: "id", Message: "This request's form has no chronology table to merge"})
		return
	}
	t, err := h.chronologies.OfRequest(form, members)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !h.audited(w, r, "read merged chronology", req) {
		return
	}
	selected := t.Select(f)
	start := 0
	if afterRow != "" {
		start = len(selected)
		for k, i := range selected {
			if t.Rows[i].ID == afterRow {
				start = k + 1
				break
			}
			if t.Rows[i].Date > afterDate {
				start = k
				break
			}
		}
	}
	end := min(start+limit, len(selected))
	page := chronologyPage{Request: Base + "/requests/" + req.ID, Columns: []chronologyColumn{}, Rows: []chronologyRow{}, Next: q.Get("cursor"), More: end < len(selected)}
	for _, c := range t.Columns {
		page.Columns = append(page.Columns, chronologyColumn{ID: c.ID, Label: c.Label})
	}
	for _, i := range selected[start:end] {
		row := t.Rows[i]
		v := chronologyRow{ID: row.ID, Number: i + 1, Date: row.Date, Agency: row.Agency, Children: row.Children, Cells: map[string]string{}, SameEventAs: []string{}}
		if v.Children == nil {
			v.Children = []string{}
		}
		responseID, _, _ := strings.Cut(row.ID, "/")
		v.Delegation = Base + "/delegations/" + responseID
		for k, c := range t.Columns {
			v.Cells[c.ID] = row.Cells[k]
		}
		for _, j := range row.SameEvent {
			v.SameEventAs = append(v.SameEventAs, t.Rows[j].ID)
		}
		page.Rows = append(page.Rows, v)
		page.Next = chronologyCursor(row.Date, row.ID)
	}
	writeJSON(w, http.StatusOK, page)
}
