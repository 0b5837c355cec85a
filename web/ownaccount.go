package web

import (
	"errors"
	"net/http"

	"formportal/casework"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// deleteAccountForm asks a professional or a member of the public to confirm deleting their account.
func (a *App) deleteAccountForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.IsStaff() {
		a.notFound(w, r)
		return
	}
	drafts, err := a.unsubmitted(r, u)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, renderer.DeleteAccountPage(a.page(r, i18n.T(r.Context(), "account.delete_title")), drafts))
}

// unsubmitted counts the forms that go with a user's account: drafts, and forms returned and not sent again.
func (a *App) unsubmitted(r *http.Request, u *store.User) (int, error) {
	list, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindReferral, OwnerUserID: u.ID,
		Statuses: []store.Status{store.StatusDraft, store.StatusReturned}})
	return len(list), err
}

// deleteAccount deletes the signed-in person's account once their password confirms it, then signs the
// browser out.
func (a *App) deleteAccount(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.IsStaff() {
		a.notFound(w, r)
		return
	}
	key := "delete-account:" + u.ID
	limited, err := a.limited(r, key, maxLoginPerAccount, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p := a.page(r, i18n.T(r.Context(), "account.delete_title"))
	password := r.PostFormValue("password")
	switch {
	case password == "":
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: i18n.T(r.Context(), "signin.enter_password")})
	case limited:
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: i18n.T(r.Context(), "password.too_many")})
	case !passwordMatches(password, u.PasswordHash):
		if err := a.attempt(r, key); err != nil {
			a.serverError(w, r, err)
			return
		}
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: i18n.T(r.Context(), "account.password_wrong")})
	}
	if len(p.Errors) > 0 {
		drafts, err := a.unsubmitted(r, u)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.DeleteAccountPage(p, drafts))
		return
	}
	if _, err := a.work.DeleteAccount(r.Context(), u.ID); err != nil {
		if errors.Is(err, casework.ErrStaffAccount) {
			a.notFound(w, r)
			return
		}
		a.serverError(w, r, err)
		return
	}
	a.log.Info("account deleted by its owner", "user", u.ID)
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/account/deleted", http.StatusSeeOther)
}

// accountDeleted confirms the deletion to the browser, now signed out.
func (a *App) accountDeleted(w http.ResponseWriter, r *http.Request) {
	title := i18n.T(r.Context(), "account.deleted_title")
	a.render(w, r, renderer.MessagePage(a.page(r, title), title,
		[]string{i18n.T(r.Context(), "account.deleted_body"), i18n.T(r.Context(), "account.deleted_again")}))
}
