package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"formportal/i18n"
	"formportal/metrics"
	"formportal/renderer"
	"formportal/store"
)

// Council staff prove a sign-in with an authenticator app (TOTP, RFC 6238, through pquerna/otp) besides
// the password, and the staff console is closed to them until they have set one up. Each accepted code's
// time step is kept, so a code works once; ten single-use recovery codes stand in for a lost phone.

const (
	totpPeriod        = 30 * time.Second
	recoveryCodeCount = 10
	// maxSecondFactorTries wrong authenticator or recovery codes per account in the rate window. Only
	// someone who knows the password (and, after wrong passwords, has the emailed code) gets to try.
	maxSecondFactorTries = 5
)

// totpOptions are the authenticator apps' defaults: 6 digits, SHA-1, 30 seconds.
var totpOptions = totp.ValidateOpts{Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep returns the time step whose code was typed: the current one, or the one either side of it for
// a phone's clock a little out. ok is false when the code is none of them.
func totpStep(secret, typed string, now time.Time) (step int64, ok bool) {
	for _, offset := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(offset) * totpPeriod)
		code, err := totp.GenerateCodeCustom(secret, at, totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(code), []byte(typed)) == 1 {
			return at.Unix() / int64(totpPeriod/time.Second), true
		}
	}
	return 0, false
}

// newRecoveryCode is 80 random bits as 16 base32 letters and digits, shown in groups of four.
func newRecoveryCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:]
}

// normaliseRecoveryCode accepts a recovery code typed in any case, with or without its dashes.
func normaliseRecoveryCode(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s)))
}

// recoveryHash is how a recovery code is kept: SHA-256 with a random salt of its own.
func recoveryHash(salt, code string) string {
	sum := sha256.Sum256([]byte(salt + ":" + normaliseRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}

// newRecoveryCodes makes a user's recovery codes: the codes to show once, and their records to keep.
func (a *App) newRecoveryCodes(userID string) ([]string, []store.RecoveryCode) {
	codes := make([]string, recoveryCodeCount)
	records := make([]store.RecoveryCode, recoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		salt := newToken()[:16]
		records[i] = store.RecoveryCode{ID: store.NewID(), UserID: userID, Salt: salt, Hash: recoveryHash(salt, codes[i]), CreatedAt: a.now()}
	}
	return codes, records
}

// --- the sign-in step ------------------------------------------------------------------------------

// askAuthenticatorCode keeps in the session that u's password (and emailed code, if one was asked) were
// right, and asks for the app's code.
func (a *App) askAuthenticatorCode(w http.ResponseWriter, r *http.Request, u *store.User) {
	s := sessionFrom(r)
	delete(s.Data, keySignInFor)
	delete(s.Data, keySignInTo)
	s.Data[keySignInTOTP] = u.ID
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login/two-factor", http.StatusSeeOther)
}

func (a *App) authenticatorForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r).Data[keySignInTOTP] == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.AuthenticatorCodePage(a.page(r, i18n.T(r.Context(), "console.tfa.code_title"))))
}

func (a *App) authenticatorCode(w http.ResponseWriter, r *http.Request) {
	userID := sessionFrom(r).Data[keySignInTOTP]
	if userID == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	u, err := a.store.UserByID(r.Context(), userID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		a.serverError(w, r, err)
		return
	}
	msg, recovery, err := a.checkSecondFactor(r, u, r.PostFormValue("code"), true)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if msg != "" {
		metrics.SignInFailed(metrics.WrongAuthenticatorCode)
		p := a.page(r, i18n.T(r.Context(), "console.tfa.code_title"))
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.AuthenticatorCodePage(p))
		return
	}
	if recovery {
		if err := a.recoveryCodeUsed(r, u); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	a.finishSignIn(w, r, u)
}

// checkSecondFactor checks a typed authenticator code, or (when recoveryAllowed) a recovery code, of u.
// It returns the message to show, or "" when the code is right (and then uses it up); recovery says a
// recovery code was used.
func (a *App) checkSecondFactor(r *http.Request, u *store.User, typed string, recoveryAllowed bool) (msg string, recovery bool, err error) {
	t := func(id string, args ...any) string { return i18n.T(r.Context(), "console.tfa."+id, args...) }
	typed = normaliseCode(typed)
	if typed == "" {
		return t("enter_code"), false, nil
	}
	sixDigits := len(typed) == 6 && strings.Trim(typed, "0123456789") == ""
	if !sixDigits && (!recoveryAllowed || len(normaliseRecoveryCode(typed)) != 16) {
		if recoveryAllowed {
			return t("code_or_recovery"), false, nil
		}
		return t("six_numbers"), false, nil
	}
	accountKey, clientKey := "second-factor:"+u.ID, "code-client:"+clientAddr(r)
	for _, l := range []struct {
		key   string
		limit int
	}{{accountKey, maxSecondFactorTries}, {clientKey, maxCodeEntryPerClient}} {
		if limited, err := a.limited(r, l.key, l.limit, rateWindow); err != nil || limited {
			return t("too_many"), false, err
		}
	}
	if err := a.attempt(r, clientKey); err != nil {
		return "", false, err
	}
	wrong := func(text string) (string, bool, error) {
		a.log.Warn("second factor refused", "user", u.ID, "client", clientAddr(r))
		return text, false, a.attempt(r, accountKey)
	}
	if sixDigits {
		step, ok := totpStep(u.TOTPSecret, typed, a.now())
		if !ok {
			return wrong(t("wrong"))
		}
		if err := a.store.UseTOTPStep(r.Context(), u.ID, step); errors.Is(err, store.ErrConflict) {
			// Someone else may have seen the code: refused, logged, and its holder told.
			a.log.Warn("authenticator code used again", "user", u.ID, "client", clientAddr(r))
			l := accountLang(u)
			return t("used"), false, a.mail.Send(i18n.WithLang(r.Context(), l), u.Email, i18n.In(l, "console.mail.code_reused_subject"),
				i18n.In(l, "console.mail.code_reused_body", "Service", a.cfg.Service, "When", i18n.DateTime(l, a.now()), "Signature", a.texts().SignatureIn(l)))
		} else if err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	codes, err := a.store.RecoveryCodes(r.Context(), u.ID)
	if err != nil {
		return "", false, err
	}
	for _, c := range codes {
		if subtle.ConstantTimeCompare([]byte(recoveryHash(c.Salt, typed)), []byte(c.Hash)) != 1 {
			continue
		}
		if !c.UsedAt.IsZero() {
			return t("recovery_used"), false, nil
		}
		if err := a.store.UseRecoveryCode(r.Context(), c.ID, a.now()); errors.Is(err, store.ErrNotFound) {
			return t("recovery_used"), false, nil
		} else if err != nil {
			return "", false, err
		}
		return "", true, nil
	}
	return wrong(t("wrong_or_recovery"))
}

// recoveryCodeUsed tells the account holder, so a use they did not make does not go unnoticed.
func (a *App) recoveryCodeUsed(r *http.Request, u *store.User) error {
	left, err := a.unusedRecoveryCodes(r, u.ID)
	if err != nil {
		return err
	}
	a.log.Info("signed in with a recovery code", "user", u.ID, "left", left)
	l := accountLang(u)
	return a.mail.Send(i18n.WithLang(r.Context(), l), u.Email, i18n.In(l, "console.mail.recovery_used_subject"),
		i18n.In(l, "console.mail.recovery_used_body", "Service", a.cfg.Service, "When", i18n.DateTime(l, a.now()), "Left", left,
			"Link", a.cfg.BaseURL+"/account/two-factor", "Signature", a.texts().SignatureIn(l)))
}

func (a *App) unusedRecoveryCodes(r *http.Request, userID string) (int, error) {
	codes, err := a.store.RecoveryCodes(r.Context(), userID)
	n := 0
	for _, c := range codes {
		if c.UsedAt.IsZero() {
			n++
		}
	}
	return n, err
}

// --- setting up the app ----------------------------------------------------------------------------

// keyTOTPPending is the secret offered on the set-up page, kept until a code from it is entered: an
// otpauth:// URL, as the QR code carries it.
const keyTOTPPending = "totp.pending"

// twoFactorForm is the set-up page for staff without an app, and otherwise the page of recovery codes.
func (a *App) twoFactorForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if !u.IsStaff() {
		a.notFound(w, r)
		return
	}
	if u.TOTPSecret != "" {
		a.renderTwoFactor(w, r, a.page(r, i18n.T(r.Context(), "console.tfa.title")))
		return
	}
	s := sessionFrom(r)
	if s.Data[keyTOTPPending] == "" {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: a.cfg.Service, AccountName: u.Email})
		if err != nil {
			a.serverError(w, r, fmt.Errorf("new authenticator secret: %w", err))
			return
		}
		s.Data[keyTOTPPending] = key.URL()
		if err := a.saveSession(r, s); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	a.renderSetUp(w, r, a.page(r, i18n.T(r.Context(), "console.tfa.setup_title")))
}

func (a *App) renderTwoFactor(w http.ResponseWriter, r *http.Request, p renderer.Page) {
	left, err := a.unusedRecoveryCodes(r, userFrom(r).ID)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, renderer.TwoFactorPage(p, left))
}

func (a *App) renderSetUp(w http.ResponseWriter, r *http.Request, p renderer.Page) {
	key, err := otp.NewKeyFromURL(sessionFrom(r).Data[keyTOTPPending])
	if err != nil {
		a.serverError(w, r, fmt.Errorf("pending authenticator secret: %w", err))
		return
	}
	img, err := key.Image(240, 240)
	if err != nil {
		a.serverError(w, r, fmt.Errorf("QR code: %w", err))
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		a.serverError(w, r, fmt.Errorf("QR code: %w", err))
		return
	}
	qr := "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	a.render(w, r, renderer.TwoFactorSetUpPage(p, qr, groupsOfFour(key.Secret())))
}

// groupsOfFour spaces a secret out for typing into an app by hand.
func groupsOfFour(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// setUpTwoFactor takes the first code from the app: set up, the account gets its recovery codes, shown
// once. Once set up, a code from the app makes new recovery codes in place of the old ones.
func (a *App) setUpTwoFactor(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if !u.IsStaff() {
		a.notFound(w, r)
		return
	}
	s := sessionFrom(r)
	settingUp := u.TOTPSecret == ""
	p := a.page(r, i18n.T(r.Context(), "console.tfa.title"))
	if settingUp {
		if s.Data[keyTOTPPending] == "" {
			http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
			return
		}
		key, err := otp.NewKeyFromURL(s.Data[keyTOTPPending])
		if err != nil {
			a.serverError(w, r, fmt.Errorf("pending authenticator secret: %w", err))
			return
		}
		u.TOTPSecret = key.Secret() // checked against, and kept only if the code is right
		p = a.page(r, i18n.T(r.Context(), "console.tfa.setup_title"))
	}
	msg, _, err := a.checkSecondFactor(r, u, r.PostFormValue("code"), false)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if msg != "" {
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		if settingUp {
			a.renderSetUp(w, r, p)
		} else {
			a.renderTwoFactor(w, r, p)
		}
		return
	}
	codes, records := a.newRecoveryCodes(u.ID)
	err = a.store.InTx(r.Context(), func(tx store.Data) error {
		if settingUp {
			if err := tx.UpdateUser(r.Context(), u); err != nil {
				return err
			}
		}
		return tx.SetRecoveryCodes(r.Context(), u.ID, records)
	})
	if err == nil && settingUp {
		delete(s.Data, keyTOTPPending)
		err = a.saveSession(r, s)
	}
	if err == nil && settingUp {
		a.log.Info("authenticator app set up", "user", u.ID)
		l := accountLang(u)
		err = a.mail.Send(i18n.WithLang(r.Context(), l), u.Email, i18n.In(l, "console.mail.tfa_set_up_subject"),
			i18n.In(l, "console.mail.tfa_set_up_body", "Service", a.cfg.Service, "When", i18n.DateTime(l, a.now()), "Signature", a.texts().SignatureIn(l)))
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, renderer.RecoveryCodesPage(a.page(r, i18n.T(r.Context(), "console.tfa.your_codes")), codes, homePath(u, s)))
}
