package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"formportal/store"
)

// A browser can be remembered after a sign-in code ("remember this device"), so that it is not asked for
// one again for a while. Its cookie holds 256 random bits; the store keeps only their SHA-256, per user
// and browser, so a remembered browser can be revoked: a change or reset of the password, "sign out of
// every device" and an admin's disabling of the account forget every browser of the account.

func (a *App) deviceCookieName() string { return a.cookiePrefix() + "device" }

// rememberedDevice reports whether the browser holds an unexpired, unrevoked token remembered for u.
func (a *App) rememberedDevice(r *http.Request, u *store.User) (bool, error) {
	c, err := r.Cookie(a.deviceCookieName())
	if err != nil || c.Value == "" {
		return false, nil
	}
	d, err := a.store.DeviceByID(r.Context(), sessionID(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("remembered device: %w", err)
	}
	return d.UserID == u.ID && a.now().Before(d.ExpiresAt), nil
}

// rememberDevice gives the browser a new token remembered for u for the council's RememberDevice.
func (a *App) rememberDevice(w http.ResponseWriter, r *http.Request, u *store.User) error {
	token, now := newToken(), a.now()
	d := &store.Device{ID: sessionID(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.RememberDevice)}
	if err := a.store.CreateDevice(r.Context(), d); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: a.deviceCookieName(), Value: token, Path: "/", Expires: d.ExpiresAt,
		MaxAge: int(a.cfg.RememberDevice / time.Second), HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// rememberDays is RememberDevice in whole days, as the pages say it.
func (a *App) rememberDays() int { return int(a.cfg.RememberDevice / (24 * time.Hour)) }

// signOutEverywhere ends every session of a user but except (all of them when except is "") and forgets
// every browser remembered for them.
func signOutEverywhere(ctx context.Context, d store.Data, userID, except string) error {
	if err := d.DeleteUserSessions(ctx, userID, except); err != nil {
		return err
	}
	return d.DeleteUserDevices(ctx, userID)
}

// signOutEveryDevice is the account page's "Sign out of every device": every session of the account
// ends, this one too, and no browser is remembered any more.
func (a *App) signOutEveryDevice(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if err := signOutEverywhere(r.Context(), a.store, u.ID, ""); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("signed out of every device", "user", u.ID)
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/logout?everywhere=1", http.StatusSeeOther)
}
