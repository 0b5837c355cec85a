package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// securityHeaders sets the headers every response carries: a strict CSP with no inline script or style,
// no framing, no MIME sniffing, no referrer leaking paths to other sites, no caching unless a handler
// says otherwise (assets do), and HSTS when the portal is served over https (usually behind a proxy).
func (a *App) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil || a.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// maxPagePostBytes is the most any form page's multipart post may be, whatever its page: the page
// itself reads it within the tighter limits of its own questions (pagebody.go).
const maxPagePostBytes = 256 << 20

// limitBody caps request bodies: small for everything but the pages of forms, which can carry a file.
func limitBody(n, upload int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				limit := n
				if strings.Contains(r.URL.Path, "/pages/") {
					limit = upload
					if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
						limit = maxPagePostBytes
					}
				}
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// recoverPanics turns a panic into a logged 500 page instead of a dropped connection.
func (a *App) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (a *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r), "err", err)
	w.Header().Set("Cache-Control", "no-store")
	l := i18n.From(r.Context())
	if errors.Is(err, store.ErrFull) {
		// The disk is full: nothing new can be kept until someone makes room, but nothing is lost.
		w.Header().Set("Retry-After", "300")
		w.WriteHeader(http.StatusServiceUnavailable)
		p := renderer.Page{Title: i18n.In(l, "errorpage.not_saved_title"), Council: a.cfg.Council, Service: a.cfg.Service, AssetPath: a.asset}
		messagePage(p, p.Title, i18n.In(l, "errorpage.not_saved_retry"), i18n.In(l, "errorpage.not_saved_kept"), quoteReference(r, l)).
			Render(i18n.WithLang(context.Background(), l), w)
		return
	}
	w.WriteHeader(http.StatusInternalServerError)
	p := renderer.Page{Title: i18n.In(l, "errorpage.problem_title"), Council: a.cfg.Council, Service: a.cfg.Service, AssetPath: a.asset}
	messagePage(p, p.Title, i18n.In(l, "errorpage.problem_text"), quoteReference(r, l)).
		Render(i18n.WithLang(context.Background(), l), w)
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
	a.render(w, r, a.messagePageOf(r, "errorpage.not_found_title", "errorpage.not_found_typed", "errorpage.not_found_pasted"))
}

// render writes a page. Pages can hold personal data, so browsers and proxies never keep them.
// render draws a page whole before sending it, in one write with its length: a page of a chronology's
// rows is 90 KB, which drawn straight to the connection went out in a score of writes.
func (a *App) render(w http.ResponseWriter, r *http.Request, c templ.Component) { a.draw(w, r, c, nil) }

// draw renders c whole and writes it; drawn, when set, is given the page drawn whole (not one whose
// drawing failed) before it is written. The bytes are the buffer's: drawn copies what it keeps.
func (a *App) draw(w http.ResponseWriter, r *http.Request, c templ.Component, drawn func([]byte)) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage { // a rare huge page is not kept
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		a.log.Error("render failed", "path", r.URL.Path, "err", err)
	} else if drawn != nil {
		drawn(buf.Bytes())
	}
	writeHTML(w, buf.Bytes())
}

// writeHTML writes a page drawn.
func writeHTML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// maxPooledPage is the largest page buffer kept for the next page.
const maxPooledPage = 512 << 10

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func messagePage(p renderer.Page, heading string, paragraphs ...string) templ.Component {
	return renderer.MessagePage(p, heading, paragraphs)
}

// messagePageOf is a page of a heading and paragraphs, all catalogue ids, in the request's language.
func (a *App) messagePageOf(r *http.Request, title string, paragraphs ...string) templ.Component {
	ctx := r.Context()
	texts := make([]string, len(paragraphs))
	for i, id := range paragraphs {
		texts[i] = i18n.T(ctx, id)
	}
	return messagePage(a.page(r, i18n.T(ctx, title)), i18n.T(ctx, title), texts...)
}
