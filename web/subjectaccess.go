package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
	"formportal/subject"
)

// subjectAccessForm is the admin's page for exporting everything held about an email address.
func (a *App) subjectAccessForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r).Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	a.render(w, r, renderer.SubjectAccessPage(a.page(r, i18n.T(r.Context(), "console.sar.title")), ""))
}

// subjectAccess sends the zip of everything held about the address given; the export is audited.
func (a *App) subjectAccess(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if _, err := mail.ParseAddress(email); err != nil || strings.ContainsAny(email, "<> ") {
		p := a.page(r, i18n.T(r.Context(), "console.sar.title"))
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "email", Message: i18n.T(r.Context(), "console.sar.email_format")})
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.SubjectAccessPage(p, email))
		return
	}
	var buf bytes.Buffer
	x := &subject.Exporter{St: a.store, Forms: a.forms, Marking: a.cfg.Marking, Now: a.now}
	if _, err := x.Export(r.Context(), email, u.Email, &buf); err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "subject-access-"+a.now().Format("20060102-150405")+".zip"))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
