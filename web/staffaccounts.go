package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// requireSetUp sends a signed-in person to what their account still needs before anything else: a new
// password in place of the first one `portal staff create` printed, then, for staff, an authenticator
// app. A session signed in through the council's identity provider needs neither: the provider answers
// for the password and the second factor.
func (a *App) requireSetUp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, s := userFrom(r), sessionFrom(r)
		dest := ""
		switch {
		case s.Data[keySignInMethod] == "sso":
		case u.MustChangePassword:
			dest = "/account/new-password"
		case u.IsStaff() && u.TOTPSecret == "":
			dest = "/account/two-factor"
		}
		if dest == "" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet {
			s.Data[keyReturn] = r.URL.RequestURI()
			if err := a.saveSession(r, s); err != nil {
				a.serverError(w, r, err)
				return
			}
		}
		http.Redirect(w, r, dest, http.StatusSeeOther)
	})
}

// homePath is where a signed-in person goes next: the page that asked for sign-in, or staff's console.
func homePath(u *store.User, s *store.Session) string {
	dest := returnPath(s)
	if dest == "/" && u.IsStaff() {
		return "/staff"
	}
	return dest
}

// disabledAccount is the answer to someone whose account an admin has disabled.
func (a *App) disabledAccount(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusForbidden)
	title := i18n.T(r.Context(), "console.disabled.title")
	a.render(w, r, messagePage(a.page(r, title), title, i18n.T(r.Context(), "console.disabled.text")))
}

// --- the first password ----------------------------------------------------------------------------

func (a *App) firstPasswordForm(w http.ResponseWriter, r *http.Request) {
	if !userFrom(r).MustChangePassword {
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.FirstPasswordPage(a.page(r, i18n.T(r.Context(), "console.first_password.title"))))
}

// firstPassword replaces the first password, which was shown in a terminal and may have been seen, with
// one only its owner knows. They have just typed the first one to sign in, so it is not asked again.
func (a *App) firstPassword(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if !u.MustChangePassword {
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	p := a.page(r, i18n.T(r.Context(), "console.first_password.title"))
	switch msg := passwordProblem(r.Context(), password, u.Email, u.Forename, u.Surname); {
	case msg != "":
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	case passwordMatches(password, u.PasswordHash):
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: i18n.T(r.Context(), "console.first_password.different")})
	case confirm != password:
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: i18n.T(r.Context(), "password.same")})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.FirstPasswordPage(p))
		return
	}
	hash, err := hashPassword(password)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u.PasswordHash, u.MustChangePassword = hash, false
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := signOutEverywhere(r.Context(), a.store, u.ID, sessionFrom(r).ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("first password changed", "user", u.ID)
	if err := a.sendPasswordChanged(r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, homePath(u, sessionFrom(r)), http.StatusSeeOther)
}

// --- admins' list of staff accounts ----------------------------------------------------------------

func (a *App) staffAccounts(w http.ResponseWriter, r *http.Request) {
	if userFrom(r).Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	a.renderStaffAccounts(w, r, a.page(r, i18n.T(r.Context(), "console.accounts.title")))
}

func (a *App) renderStaffAccounts(w http.ResponseWriter, r *http.Request, p renderer.Page) {
	list, err := a.store.ListStaff(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	me := userFrom(r)
	rows := make([]renderer.StaffAccountRow, 0, len(list))
	for _, u := range list {
		ctx := r.Context()
		row := renderer.StaffAccountRow{ID: u.ID, Name: u.Name(), Email: u.Email, Role: i18n.T(ctx, "console.accounts.role_staff"), TwoFactor: u.TOTPSecret != "",
			Status: i18n.T(ctx, "console.accounts.active"), Disabled: u.Disabled(), Self: u.ID == me.ID}
		if u.Role == store.RoleAdmin {
			row.Role = i18n.T(ctx, "console.accounts.role_admin")
		}
		switch {
		case u.Disabled():
			row.Status = i18n.T(ctx, "console.accounts.disabled_on", "Date", i18n.Date(i18n.From(ctx), u.DisabledAt))
		case u.MustChangePassword:
			row.Status = i18n.T(ctx, "console.accounts.not_signed_in")
		}
		rows = append(rows, row)
	}
	a.render(w, r, renderer.StaffAccountsPage(p, rows))
}

// Admins' changes to a staff account.
const (
	disableAccount     = "disable"
	enableAccount      = "enable"
	resetAuthenticator = "reset-two-factor"
)

// changeStaffAccount is an admin's "Disable", "Enable" and "Reset app". A disabled account cannot sign
// in, its sessions end at once and its remembered browsers are forgotten. Resetting the app (a lost or
// stolen phone) removes its key and recovery codes and signs the account out: at the next sign-in, with
// the password and an emailed code, its owner sets up an app again. An admin cannot change their own
// account this way, so there is always another admin to undo it.
func (a *App) changeStaffAccount(change string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		me := userFrom(r)
		if me.Role != store.RoleAdmin {
			a.notFound(w, r)
			return
		}
		u, err := a.store.UserByID(r.Context(), chi.URLParam(r, "id"))
		if errors.Is(err, store.ErrNotFound) || err == nil && !u.IsStaff() {
			a.notFound(w, r)
			return
		}
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		if u.ID == me.ID {
			p := a.page(r, i18n.T(r.Context(), "console.accounts.title"))
			p.Errors = []renderer.ErrorItem{{Field: "accounts", Message: i18n.T(r.Context(), "console.accounts.not_own")}}
			w.WriteHeader(http.StatusUnprocessableEntity)
			a.renderStaffAccounts(w, r, p)
			return
		}
		var action string
		switch change {
		case disableAccount:
			action, u.DisabledAt = "disabled staff account", a.now()
		case enableAccount:
			action, u.DisabledAt = "enabled staff account", time.Time{}
		case resetAuthenticator:
			action, u.TOTPSecret = "reset staff account's authenticator app", ""
		}
		err = a.store.InTx(r.Context(), func(tx store.Data) error {
			if err := tx.UpdateUser(r.Context(), u); err != nil {
				return err
			}
			if change == resetAuthenticator {
				if err := tx.SetRecoveryCodes(r.Context(), u.ID, nil); err != nil {
					return err
				}
			}
			if change != enableAccount {
				if err := signOutEverywhere(r.Context(), tx, u.ID, ""); err != nil {
					return err
				}
			}
			return tx.Audit(r.Context(), store.AuditEntry{At: a.now(), Actor: me.Email, Action: action, Target: u.Email})
		})
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		a.log.Info(action, "user", u.ID, "by", me.ID)
		http.Redirect(w, r, "/staff/accounts", http.StatusSeeOther)
	}
}
