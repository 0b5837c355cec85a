package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"formportal/store"
)

// The API's lists (submissions, referrals) are feeds a case system follows: each page ends with an opaque
// cursor, next, from which the following page carries on. Items are in the order they entered the list
// (submitted, or submitted again after a return), so a client that follows next sees every item exactly
// once each time it enters, however many arrive meanwhile; next is given on the last page too, to come
// back later for what arrived since.

// Page sizes of the API's lists.
const (
	defaultPageSize = 100
	maxPageSize     = 500
)

// listCursor is where a client is in a list: after a place in the store's list order, among the items
// submitted from a time (the since of the first page).
type listCursor struct {
	after int64
	since time.Time
}

func (c listCursor) String() string {
	var since int64
	if !c.since.IsZero() {
		since = c.since.UnixMilli()
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "1.%d.%d", c.after, since))
}

func parseCursor(s string) (listCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return listCursor{}, false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "1" {
		return listCursor{}, false
	}
	after, err1 := strconv.ParseInt(parts[1], 10, 64)
	since, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || after < 0 || since < 0 {
		return listCursor{}, false
	}
	c := listCursor{after: after}
	if since > 0 {
		c.since = time.UnixMilli(since).UTC()
	}
	return c, true
}

// The forms are listed on the same scheme, in the order of their ids: a page's cursor is the last id on
// it, so a form installed meanwhile is listed when its id comes after it.

func formCursor(afterID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("f1." + afterID))
}

func parseFormCursor(s string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(raw), "f1.")
}

// limitQuery reads a list request's limit.
func limitQuery(r *http.Request) (int, *Error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, &Error{Path: "limit", Message: fmt.Sprintf("limit must be a whole number from 1 to %d", maxPageSize)}
	}
	return n, nil
}

// pageQuery reads a list request's limit, and its cursor or since.
func pageQuery(r *http.Request) (listCursor, int, *Error) {
	q := r.URL.Query()
	limit, e := limitQuery(r)
	if e != nil {
		return listCursor{}, 0, e
	}
	var c listCursor
	if s := q.Get("cursor"); s != "" {
		if q.Get("since") != "" {
			return listCursor{}, 0, &Error{Path: "since", Message: "Give since or cursor, not both: the cursor carries on from the since it started with"}
		}
		var ok bool
		if c, ok = parseCursor(s); !ok {
			return listCursor{}, 0, &Error{Path: "cursor", Message: "cursor must be the next value of an earlier page of this list"}
		}
	}
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return listCursor{}, 0, &Error{Path: "since", Message: "since must be a time like 2026-03-02T09:00:00Z"}
		}
		c.since = t
	}
	return c, limit, nil
}

// apiListPage answers one page of a list of the responses f selects, as {name: [...], next, more}.
func listPage[V any](h *Handler, w http.ResponseWriter, r *http.Request, f store.ResponseFilter, name string, view func(*store.Response) V) {
	c, limit, e := pageQuery(r)
	if e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	f.SubmittedFrom, f.Limit = c.since, limit+1 // one more, to tell whether there is more
	list, err := h.st.ListResponsesAfter(r.Context(), f, c.after)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	// Every item listed is a read of that record, and the case system's fetch of its submission, recorded
	// together before the page is sent.
	err = h.st.InTx(r.Context(), func(tx store.Data) error {
		var fetched []string
		for _, resp := range list {
			if err := tx.Audit(r.Context(), store.AuditEntry{At: h.now(), Actor: actor(r), Action: "read answers", Target: resp.ID, Detail: "in the list of " + name}); err != nil {
				return err
			}
			if len(resp.Submission) > 0 {
				fetched = append(fetched, resp.ID)
			}
		}
		return h.work.Fetched(r.Context(), tx, fetched...)
	})
	if err != nil {
		h.serverError(w, r, fmt.Errorf("audit the list of %s: %w", name, err))
		return
	}
	out := make([]V, 0, len(list))
	for _, resp := range list {
		out = append(out, view(resp))
		c.after = resp.ListSeq
	}
	writeJSON(w, http.StatusOK, map[string]any{name: out, "next": c.String(), "more": more})
}
