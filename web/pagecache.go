package web

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"formportal/engine"
	"formportal/i18n"
	"formportal/internal/kept"
	"formportal/metrics"
	"formportal/store"
)

// A form page is read far more often than its draft changes: the chronology's table page after each row
// saved, the same page again after a look at another, each page of rows looked through. Drawing one is
// most of its cost (its sections, questions and fifty rows), so each page drawn is kept, for the session
// it was drawn for, under a key of everything it shows (pageKey), and written again while that stays the
// same. The response is read on every request as before (its version is in the key): a page is never
// kept past a change, whichever process made it. Only the response's head is read for a page kept.

// pageCacheBytes bounds the pages kept: a hundred or so chronology pages.
const pageCacheBytes = 16 << 20

// pageKey is everything a form page shows but the response's version, which is kept with the page
// (keptPage): a page drawn for a newer version takes the place of the one before.
// A page kept is only written again to the same session (the page holds its CSRF token), for the same
// response as it is now.
type pageKey struct {
	session, csrf    string
	user, name, role string // the header's name and its menu
	response         string
	form             *engine.Form // as published: publishing makes a new one
	lang             i18n.Lang
	today            string // dates default to today; ages and overdue days count from it
	uri              string // the page, the page of rows, the row just saved, whether errors are shown
}

// keptPage is a page as drawn, and the response's version it shows: every change to a response (its
// answers, status, due date, comments) is a new version.
type keptPage struct {
	version int
	html    []byte
}

func newPageCache() *kept.Cache[pageKey, keptPage] {
	return kept.New(pageCacheBytes, func(k pageKey, p keptPage) int {
		return len(k.session) + len(k.csrf) + len(k.user) + len(k.name) + len(k.role) + len(k.response) + len(k.today) + len(k.uri) + 64 + len(p.html)
	})
}

// responseReader reads a response: whole (App.readResponse), or its head alone (store.ResponseHead).
type responseReader func(ctx context.Context, id string) (*store.Response, error)

// showFormPage answers r with the form page of the response load reads with the reader given it (load
// answers itself when r may not see it): as kept, when nothing it shows has changed since it was drawn,
// which the response's head tells without its payloads; or read whole, drawn with the flow that
// flowOf makes, and kept.
func (a *App) showFormPage(w http.ResponseWriter, r *http.Request, load func(http.ResponseWriter, *http.Request, responseReader) (*store.Response, bool),
	flowOf func(context.Context, *store.Response) (*flow, error)) {
	if a.mayKeep(r) {
		head, ok := load(w, r, a.store.ResponseHead)
		if !ok {
			return
		}
		if key, keep := a.formPageKey(r, head); keep && a.writeKeptPage(w, key, head.Version) {
			return
		}
	}
	resp, ok := load(w, r, a.readResponse)
	if !ok {
		return
	}
	f, err := flowOf(r.Context(), resp)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if key, keep := a.formPageKey(r, resp); keep {
		f.keepAs = &key
	}
	a.showPage(w, r, f, r.URL.Query().Get("check") != "")
}

// formPageKey is the key of the page r asks for of resp, and whether the page may be kept at all: not
// without a session, not when the page reads more than the response and the person (a returned form's
// comments are the council's round), not a row's page (its own handler), not while this very request
// changes the response (its first opening), and not the page a save goes back to with its notice ("Row
// 4 has been saved"), which is asked for once.
func (a *App) formPageKey(r *http.Request, resp *store.Response) (pageKey, bool) {
	if !a.mayKeep(r) || resp.Status == store.StatusReturned || resp.Status == store.StatusSent {
		return pageKey{}, false
	}
	s, u := sessionFrom(r), userFrom(r)
	form, err := a.work.FormOf(resp)
	if err != nil {
		return pageKey{}, false
	}
	return pageKey{session: s.ID, csrf: s.CSRFToken, user: u.ID, name: u.Name(), role: u.Role, response: resp.ID,
		form: form, lang: i18n.From(r.Context()), today: a.now().Format(time.DateOnly), uri: r.URL.RequestURI()}, true
}

// mayKeep is whether the page r asks for may be kept, as far as r alone tells (formPageKey).
func (a *App) mayKeep(r *http.Request) bool {
	q := r.URL.Query()
	return a.pages != nil && sessionFrom(r) != nil && userFrom(r) != nil && !q.Has("field") && !q.Has(savedParam)
}

// writeKeptPage writes the page kept under key, if there is one of version.
func (a *App) writeKeptPage(w http.ResponseWriter, key pageKey, version int) bool {
	p, ok := a.pages.Get(key)
	ok = ok && p.version == version
	metrics.FormPage(ok)
	if ok {
		writeHTML(w, p.html)
	}
	return ok
}

// renderKept draws c and writes it, keeping it under key (when set) with the response's version.
func (a *App) renderKept(w http.ResponseWriter, r *http.Request, c templ.Component, key *pageKey, version int) {
	if key == nil {
		a.render(w, r, c)
		return
	}
	a.draw(w, r, c, func(html []byte) { a.pages.Put(*key, keptPage{version: version, html: bytes.Clone(html)}) })
}
