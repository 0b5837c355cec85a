package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// langParam is the query parameter of the header's language switch: ?lang=cy.
const langParam = "lang"

func (a *App) langCookieName() string { return a.cookiePrefix() + "lang" }

// language works out the language of the request and puts it in its context for the pages, messages
// and emails it makes: the one just chosen with the switch (kept in a cookie, and in the account when
// signed in), else the account's, else the cookie's, else English.
func (a *App) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := a.requestLang(w, r)
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), lang)))
	})
}

func (a *App) requestLang(w http.ResponseWriter, r *http.Request) i18n.Lang {
	u := userFrom(r)
	if chosen, ok := i18n.Parse(r.URL.Query().Get(langParam)); ok && r.Method == http.MethodGet {
		http.SetCookie(w, &http.Cookie{Name: a.langCookieName(), Value: string(chosen), Path: "/",
			MaxAge: int(365 * 24 * time.Hour / time.Second), HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
		a.keepLang(r, u, chosen)
		return chosen
	}
	if u != nil {
		if l, ok := i18n.Parse(u.Lang); ok {
			return l
		}
	}
	if c, err := r.Cookie(a.langCookieName()); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			// Chosen before signing in (or registering): the account keeps it from now on, so its emails
			// are in it too.
			a.keepLang(r, u, l)
			return l
		}
	}
	return i18n.English
}

// keepLang records l as the language of the signed-in person u (none: nothing to do).
func (a *App) keepLang(r *http.Request, u *store.User, l i18n.Lang) {
	if u == nil || u.Lang == string(l) {
		return
	}
	if err := a.store.SetUserLang(r.Context(), u.ID, string(l)); err != nil {
		// The page is still shown in the language chosen; only the account does not remember it.
		a.log.Error("keep language", "request_id", requestID(r), "err", err)
		return
	}
	u.Lang = string(l)
}

// langSwitch is the address of the page of r in the other language: the same page, its query kept. The
// path starts with one slash whatever was asked for: "//evil.example/x" (a page not found) would make
// the switch a link to another site.
func langSwitch(r *http.Request) string {
	q := r.URL.Query()
	q.Set(langParam, string(i18n.From(r.Context()).Other()))
	return (&url.URL{Path: "/" + strings.TrimLeft(r.URL.Path, `/\`), RawQuery: q.Encode()}).String()
}

// withLangSwitch gives p the header's switch for r; formID names the form on the page whose answers a
// switch saves first ("" when it has none).
func withLangSwitch(p *renderer.Page, r *http.Request, formID string) {
	p.LangSwitch, p.LangSwitchForm = langSwitch(r), formID
}

// inLang is the form with its texts in the language of ctx, as far as it has them (engine.Form.In).
func inLang(ctx context.Context, form *engine.Form) *engine.Form {
	return form.In(string(i18n.From(ctx)))
}

// speak puts the flow's form in the language of ctx: its pages, print view, PDF and the engine's messages
// are in it, even where the form has no translation into it. Its questions and answers are the same as
// the English form's, so saving and checking are unchanged.
func (f *flow) speak(ctx context.Context) { f.form, f.lang = inLang(ctx, f.form), i18n.From(ctx) }
