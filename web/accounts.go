package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"formportal/clientip"
	"formportal/engine"
	"formportal/i18n"
	"formportal/metrics"
	"formportal/renderer"
	"formportal/store"
)

// Rate limits. A window slides: attempts older than it no longer count.
//
// Every way of getting an emailed code (registering, "send me a new code", a sign-in that needs one, a
// forgotten password) counts against one limit per address, whatever the network address asking, and a
// code dies after maxCodeTries wrong entries: the codes of one address take at most
// maxCodesPerHour×maxCodeTries = 25 guesses an hour, so guessing one 8-digit code takes 456 years on average.
const (
	rateWindow            = 15 * time.Minute
	maxLoginPerAccount    = 5  // failed sign-ins to one address before its sign-in needs an emailed code too
	maxLoginPerClient     = 30 // failed sign-ins from one network address
	maxCodeTries          = 5  // wrong entries of one code before it dies
	maxCodeEntryPerClient = 30
	maxCodesPerHour       = 5 // codes, and "you already have an account", sent to one address
)

// Session data keys of the registration, sign-in and reset journeys.
const (
	keyForename  = "reg.forename"
	keySurname   = "reg.surname"
	keyEmail     = "reg.email"
	keyPending   = "reg.pending" // the pending registration whose code is awaited
	keyReturn    = "return"
	keyResetMail = "reset.email"
	keyResetFor  = "reset.for"  // whom the reset code was made for: the account, or nobody
	keySignInFor = "signin.for" // whom the sign-in code was made for: the account, or nobody
	keySignInTo  = "signin.to"  // the address the code went to, once the password was right; else unset
	// keySignInTOTP is the account whose password (and emailed code, if one was asked) were right, until
	// its authenticator code is entered.
	keySignInTOTP   = "signin.totp"
	keySignInMethod = "signin.method" // how the session was signed in: "sso", or unset
)

// equalWorkKey is the rate-limit key nobody counts: an attempt recorded under it stands in for a write that
// a path does for one address and not for another, so that both take the same time.
const equalWorkKey = "equal-work"

func clientAddr(r *http.Request) string { return clientip.Addr(r) }

// limited reports whether a key has reached its limit of attempts in the window.
func (a *App) limited(r *http.Request, key string, limit int, window time.Duration) (bool, error) {
	n, err := a.store.CountAttempts(r.Context(), key, a.now().Add(-window))
	return n >= limit, err
}

func (a *App) attempt(r *http.Request, keys ...string) error {
	for _, k := range keys {
		if err := a.store.RecordAttempt(r.Context(), k, a.now()); err != nil {
			return err
		}
	}
	return nil
}

// --- login and logout -----------------------------------------------------------------------------

func (a *App) loginForm(w http.ResponseWriter, r *http.Request) {
	p := a.page(r, i18n.T(r.Context(), "signin.title"))
	s := sessionFrom(r)
	if s.Data["signedOut"] == "idle" {
		p.Notice = i18n.T(r.Context(), "signin.timed_out", "Minutes", int(a.cfg.IdleTimeout/time.Minute))
		delete(s.Data, "signedOut")
		a.saveSession(r, s)
	}
	a.render(w, r, renderer.LoginPage(p, "", a.ssoName()))
}

// login checks the password; a right one goes on to the second step (afterPassword). After
// maxLoginPerAccount wrong passwords for an address its sign-in needs an emailed code whatever the
// council's setting, which its owner gets and a guesser does not, instead of a lock that would keep the
// owner out too; then right and wrong passwords get the same answer and make the same writes.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	email := normaliseEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	p := a.page(r, i18n.T(r.Context(), "signin.title"))
	if email == "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "email", Message: i18n.T(r.Context(), "signin.enter_email")})
	}
	if password == "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: i18n.T(r.Context(), "signin.enter_password")})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.LoginPage(p, email, a.ssoName()))
		return
	}
	accountKey, clientKey := "login:"+email, "login-client:"+clientAddr(r)
	overClient, err := a.limited(r, clientKey, maxLoginPerClient, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if overClient {
		a.log.Warn("login refused: too many attempts", "client", clientAddr(r))
		a.auditEvent(r, typedActor(email), "sign-in refused: too many attempts", "", "from "+clientAddr(r))
		metrics.SignInFailed(metrics.TooManyAttempts)
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: i18n.T(r.Context(), "signin.too_many")}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.LoginPage(p, email, a.ssoName()))
		return
	}
	needsCode, err := a.limited(r, accountKey, maxLoginPerAccount, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	hash := dummyHash // an unknown address takes as long as a wrong password
	if u != nil {
		hash = u.PasswordHash
	}
	right := passwordMatches(password, hash) && u != nil
	user := "unknown address"
	if u != nil {
		user = u.ID
	}
	switch {
	case !right:
		a.log.Warn("login failed", "user", user, "client", clientAddr(r), "code_needed", needsCode)
		a.auditEvent(r, typedActor(email), "sign-in failed", "", "from "+clientAddr(r))
		metrics.SignInFailed(metrics.WrongPassword)
	case needsCode:
		a.log.Info("login: right password, emailed code needed after wrong passwords", "user", user, "client", clientAddr(r))
		a.auditEvent(r, u.Email, "sign-in: right password, emailed code needed", "", "from "+clientAddr(r)) // one write, as a wrong one makes
	}
	if !right || needsCode {
		// Once a code is needed a right password counts too, so right and wrong make the same writes.
		if err := a.attempt(r, accountKey, clientKey); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	if right && u.Disabled() {
		if !needsCode {
			a.log.Warn("login refused: account disabled", "user", u.ID, "client", clientAddr(r))
			a.disabledAccount(w, r)
			return
		}
		right = false // while a code is needed, a disabled account answers as a wrong password does
	}
	if needsCode {
		if !right {
			a.askSignInCode(w, r, email, nil, true)
			return
		}
		// A browser remembered after an emailed code stands for the code: the guesser has no such browser.
		remembered, err := a.rememberedDevice(r, u)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		if remembered {
			a.afterEmailedCode(w, r, u)
			return
		}
		a.askSignInCode(w, r, email, u, true)
		return
	}
	if !right {
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: i18n.T(r.Context(), "signin.wrong")}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.LoginPage(p, email, a.ssoName()))
		return
	}
	a.afterPassword(w, r, u)
}

// afterPassword asks, once the password is right, for what proves the sign-in besides it: the code of
// the authenticator app for staff who have one; otherwise a code emailed at every sign-in, unless the
// council has turned these off or the browser was remembered after one.
func (a *App) afterPassword(w http.ResponseWriter, r *http.Request, u *store.User) {
	if u.TOTPSecret != "" {
		a.askAuthenticatorCode(w, r, u)
		return
	}
	if a.cfg.PasswordOnlySignIn {
		a.finishSignIn(w, r, u)
		return
	}
	remembered, err := a.rememberedDevice(r, u)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if remembered {
		a.finishSignIn(w, r, u)
		return
	}
	limited, err := a.limited(r, "code-sent:"+u.Email, maxCodesPerHour, time.Hour)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if limited {
		// Said only to someone who knows the password: the codes of the address are used up for the hour.
		p := a.page(r, i18n.T(r.Context(), "signin.title"))
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: i18n.T(r.Context(), "code.too_many_sent")}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.LoginPage(p, u.Email, a.ssoName()))
		return
	}
	a.askSignInCode(w, r, u.Email, u, false)
}

// afterEmailedCode is the step after the emailed code (or the browser that stands for it): the
// authenticator app's code for those who have one.
func (a *App) afterEmailedCode(w http.ResponseWriter, r *http.Request, u *store.User) {
	if u.TOTPSecret != "" {
		a.askAuthenticatorCode(w, r, u)
		return
	}
	a.finishSignIn(w, r, u)
}

// askSignInCode emails a sign-in code to the account when u is given (the password was right), and makes
// a code for nobody otherwise; the next page is the same. A wrong password does not count against the
// address's codes, so wrong passwords cannot use up the codes its owner needs. afterWrongPasswords says
// why the code is asked for: then the page must read the same whether or not the password was right.
func (a *App) askSignInCode(w http.ResponseWriter, r *http.Request, email string, u *store.User, afterWrongPasswords bool) {
	limited, err := a.limited(r, "code-sent:"+email, maxCodesPerHour, time.Hour)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	subject, send := store.NewID(), deliverNothing
	if u != nil && !limited {
		subject, send = u.ID, deliverCode
	}
	if err := a.issueCode(r, email, subject, store.CodeSignIn, send, send == deliverCode); err != nil {
		a.serverError(w, r, err)
		return
	}
	s := sessionFrom(r)
	s.Data[keySignInFor] = subject
	s.Data[keySignInTo] = email
	if afterWrongPasswords {
		delete(s.Data, keySignInTo)
	}
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
}

func (a *App) signInCodeForm(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if s.Data[keySignInFor] == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.SignInCodePage(a.page(r, i18n.T(r.Context(), "code.title")), s.Data[keySignInTo], a.rememberDays(), false))
}

func (a *App) signInCode(w http.ResponseWriter, r *http.Request) {
	subject := sessionFrom(r).Data[keySignInFor]
	if subject == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	msg, err := a.checkCode(r, subject, store.CodeSignIn, r.PostFormValue("code"))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var u *store.User
	if msg == "" {
		// A code made for nobody has no account to open, even if guessed.
		if u, err = a.store.UserByID(r.Context(), subject); errors.Is(err, store.ErrNotFound) {
			msg = i18n.T(r.Context(), "code.not_correct")
		} else if err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	remember := r.PostFormValue("remember") == "yes"
	if msg != "" {
		metrics.SignInFailed(metrics.WrongCode)
		p := a.page(r, i18n.T(r.Context(), "code.title"))
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.SignInCodePage(p, sessionFrom(r).Data[keySignInTo], a.rememberDays(), remember))
		return
	}
	if remember {
		if err := a.rememberDevice(w, r, u); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	a.afterEmailedCode(w, r, u)
}

// finishSignIn starts the signed-in session and goes where the person was going.
func (a *App) finishSignIn(w http.ResponseWriter, r *http.Request, u *store.User) {
	a.finishSignInBy(w, r, u, "")
}

// finishSignInBy is finishSignIn with how the person signed in, kept in the session: "sso" for the
// council's identity provider, which then answers for the second factor; "" for the portal's own steps.
func (a *App) finishSignInBy(w http.ResponseWriter, r *http.Request, u *store.User, method string) {
	if u.Disabled() {
		a.disabledAccount(w, r)
		return
	}
	s, err := a.signIn(w, r, u)
	if err == nil && method != "" {
		s.Data[keySignInMethod] = method
		err = a.saveSession(r, s)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("signed in", "user", u.ID, "method", method)
	a.auditEvent(r, u.Email, "signed in", "", "from "+clientAddr(r))
	if u.TermsAcceptedAt.IsZero() {
		http.Redirect(w, r, "/register/terms", http.StatusSeeOther)
		return
	}
	dest, err := a.continueAfterSignIn(r, u, homePath(u, s))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if dest == "/" {
		// A professional with delegated forms starts at their tasks.
		tasks, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: u.Email, Limit: 1})
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		if len(tasks) > 0 {
			dest = "/tasks"
		}
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// returnPath is where to go after signing in: the page that asked for it, if it is one of ours.
func returnPath(s *store.Session) string {
	ret := s.Data[keyReturn]
	if !strings.HasPrefix(ret, "/") || strings.HasPrefix(ret, "//") || strings.HasPrefix(ret, "/\\") {
		return "/"
	}
	return ret
}

// logout ends the session. Only a POST with the session's CSRF token reaches it (the name menu's button,
// the sign-out page's, or the idle warning's script with timeout=1), so no other site can sign people out.
func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if s := sessionFrom(r); s != nil {
		if err := a.store.DeleteSession(r.Context(), s.ID); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	dest := "/logout"
	if r.FormValue("timeout") != "" {
		dest += "?timeout=1"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// loggedOut confirms signing out; signed in, it only offers the sign-out button, since a GET changes nothing.
func (a *App) loggedOut(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		a.render(w, r, renderer.SignOutPage(a.page(r, i18n.T(r.Context(), "signout.title"))))
		return
	}
	p := a.page(r, i18n.T(r.Context(), "signout.done"))
	paragraphs := []string{i18n.T(r.Context(), "signout.again")}
	if r.URL.Query().Get("timeout") != "" {
		paragraphs = append([]string{i18n.T(r.Context(), "signout.timed_out", "Minutes", int(a.cfg.IdleTimeout/time.Minute))}, paragraphs...)
	}
	a.render(w, r, messagePage(p, i18n.T(r.Context(), "signout.done"), paragraphs...))
}

// --- registration ---------------------------------------------------------------------------------

func (a *App) registerNameForm(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	a.render(w, r, renderer.RegisterNamePage(a.page(r, i18n.T(r.Context(), "register.breadcrumb1")), s.Data[keyForename], s.Data[keySurname]))
}

func (a *App) registerName(w http.ResponseWriter, r *http.Request) {
	forename := strings.TrimSpace(r.PostFormValue("forename"))
	surname := strings.TrimSpace(r.PostFormValue("surname"))
	p := a.page(r, i18n.T(r.Context(), "register.breadcrumb1"))
	p.Errors = nameErrors(r.Context(), forename, surname)
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RegisterNamePage(p, forename, surname))
		return
	}
	s := sessionFrom(r)
	s.Data[keyForename], s.Data[keySurname] = forename, surname
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/register/email", http.StatusSeeOther)
}

func nameErrors(ctx context.Context, forename, surname string) []renderer.ErrorItem {
	var errs []renderer.ErrorItem
	for _, f := range []struct{ id, value string }{{"forename", forename}, {"surname", surname}} {
		switch {
		case f.value == "":
			errs = append(errs, renderer.ErrorItem{Field: f.id, Message: i18n.T(ctx, "register.enter_"+f.id)})
		case len([]rune(f.value)) > 100:
			errs = append(errs, renderer.ErrorItem{Field: f.id, Message: i18n.T(ctx, "register.long_"+f.id)})
		}
	}
	return errs
}

func (a *App) registerCancel(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	for _, k := range []string{keyForename, keySurname, keyEmail, keyPending} {
		delete(s.Data, k)
	}
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (a *App) registerEmailForm(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if s.Data[keyForename] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.RegisterEmailPage(a.page(r, i18n.T(r.Context(), "register.breadcrumb2")), s.Data[keyEmail]))
}

// registerEmail keeps the registration apart as a pending registration with its own code; the account is
// made only when that code is entered. For an address that has an account it does the same writes (the
// pending registration can never complete) and emails "you already have an account" instead of the code,
// so the page and the time it takes read the same.
func (a *App) registerEmail(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if s.Data[keyForename] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	email := normaliseEmail(r.PostFormValue("email"))
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	p := a.page(r, i18n.T(r.Context(), "register.breadcrumb2"))
	if msg := emailProblem(r.Context(), email); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "email", Message: msg})
	}
	if msg := passwordProblem(r.Context(), password, email, s.Data[keyForename], s.Data[keySurname]); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: i18n.T(r.Context(), "password.same")})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RegisterEmailPage(p, email))
		return
	}
	if limited, err := a.limited(r, "code-sent:"+email, maxCodesPerHour, time.Hour); err != nil {
		a.serverError(w, r, err)
		return
	} else if limited {
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: i18n.T(r.Context(), "code.too_many_sent")}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.RegisterEmailPage(p, email))
		return
	}
	hash, err := hashPassword(password)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	send, err := a.registrationDelivery(r, email)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	pending := &store.PendingRegistration{ID: store.NewID(), Email: email, Forename: s.Data[keyForename], Surname: s.Data[keySurname], PasswordHash: hash, CreatedAt: a.now()}
	if err := a.store.CreatePendingRegistration(r.Context(), pending); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.issueCode(r, email, pending.ID, store.CodeVerifyEmail, send, true); err != nil {
		a.serverError(w, r, err)
		return
	}
	s.Data[keyEmail], s.Data[keyPending] = email, pending.ID
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/register/verify", http.StatusSeeOther)
}

// registrationDelivery is what registering an address sends: the code, or, when the address has an
// account, only "you already have an account".
func (a *App) registrationDelivery(r *http.Request, email string) (delivery, error) {
	_, err := a.store.UserByEmail(r.Context(), email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return deliverCode, nil
	case err != nil:
		return 0, err
	}
	return deliverAccountExists, nil
}

// delivery is what an emailed-code step sends to the address.
type delivery int

const (
	deliverCode          delivery = iota // the code
	deliverAccountExists                 // "you already have an account", for a registration of an account's address
	deliverNothing                       // nothing: no account, a wrong password, or too many codes sent already
)

// codeMails are the emails that carry a code, by purpose: a subject, and a body with the service, the
// code, its lifetime in minutes and the signature. They hold the code and nothing else personal.
// Their texts are in the catalogues as mail.code_PURPOSE_subject and mail.code_PURPOSE_body, sent in
// the language of the request that asked for the code.
var codeMails = map[string]string{
	store.CodeVerifyEmail:   "verify",
	store.CodeResetPassword: "reset",
	store.CodeSignIn:        "sign_in",
}

// issueCode makes a new code for subject and sends what send says to the address. Whatever it sends it
// makes the same store writes (the code, an attempt against the address's hourly limit, the email or an
// attempt in its place), so the time an answer takes does not tell whether an address has an account or a
// password was right. counted says whether the send counts against the address's hourly limit.
func (a *App) issueCode(r *http.Request, email, subject, purpose string, send delivery, counted bool) error {
	code := newCode()
	c := &store.Code{ID: store.NewID(), Subject: subject, Purpose: purpose, CreatedAt: a.now(), ExpiresAt: a.now().Add(a.cfg.CodeLifetime)}
	c.Hash = codeHash(c.ID, code)
	if err := a.store.CreateCode(r.Context(), c); err != nil {
		return err
	}
	limitKey := equalWorkKey
	if counted {
		limitKey = "code-sent:" + email
	}
	if err := a.attempt(r, limitKey); err != nil {
		return err
	}
	switch send {
	case deliverCode:
		ctx, m := r.Context(), "mail.code_"+codeMails[purpose]
		return a.mail.Send(ctx, email, i18n.T(ctx, m+"_subject"), i18n.T(ctx, m+"_body", "Service", a.cfg.Service, "Code", formatCode(code),
			"Minutes", int(a.cfg.CodeLifetime/time.Minute), "Signature", a.signatureIn(ctx)))
	case deliverAccountExists:
		// Said only to the address itself: the page reads the same as for a new address.
		ctx := r.Context()
		return a.mail.Send(ctx, email, i18n.T(ctx, "mail.account_exists_subject"), i18n.T(ctx, "mail.account_exists_body",
			"Service", a.cfg.Service, "BaseURL", a.cfg.BaseURL, "Signature", a.signatureIn(ctx)))
	}
	return a.attempt(r, equalWorkKey) // in place of the email
}

// signatureIn is the emails' signature in the language of ctx.
func (a *App) signatureIn(ctx context.Context) string { return a.texts().SignatureIn(i18n.From(ctx)) }

func (a *App) verifyForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r).Data[keyEmail] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.VerifyPage(a.page(r, i18n.T(r.Context(), "register.breadcrumb3")), "/register/verify", "/register/resend", "/register/email"))
}

// checkCode checks a typed code against the newest code of the subject and purpose. It returns the error
// message to show, or "" when the code is right (and then marks it used).
func (a *App) checkCode(r *http.Request, subject, purpose, typed string) (string, error) {
	typed = normaliseCode(typed)
	if typed == "" {
		return i18n.T(r.Context(), "code.enter"), nil
	}
	if len(typed) != 8 || strings.Trim(typed, "0123456789") != "" {
		return i18n.T(r.Context(), "code.eight"), nil
	}
	clientKey := "code-client:" + clientAddr(r)
	if limited, err := a.limited(r, clientKey, maxCodeEntryPerClient, rateWindow); err != nil || limited {
		return i18n.T(r.Context(), "code.too_many_entered"), err
	}
	if err := a.attempt(r, clientKey); err != nil {
		return "", err
	}
	c, err := a.store.LatestCode(r.Context(), subject, purpose)
	if errors.Is(err, store.ErrNotFound) {
		return i18n.T(r.Context(), "code.not_correct"), nil
	}
	if err != nil {
		return "", err
	}
	switch {
	case !c.UsedAt.IsZero():
		return i18n.T(r.Context(), "code.used"), nil
	case c.Tries >= maxCodeTries:
		return i18n.T(r.Context(), "code.wrong_too_many"), nil
	case a.now().After(c.ExpiresAt):
		return i18n.T(r.Context(), "code.expired"), nil
	}
	if codeHash(c.ID, typed) != c.Hash {
		c.Tries++
		if err := a.store.UpdateCode(r.Context(), c); err != nil {
			return "", err
		}
		if c.Tries >= maxCodeTries {
			return i18n.T(r.Context(), "code.wrong_too_many"), nil
		}
		return i18n.T(r.Context(), "code.not_correct"), nil
	}
	c.UsedAt = a.now()
	return "", a.store.UpdateCode(r.Context(), c)
}

// verify makes the account of the session's pending registration once its code is entered, with the
// password chosen in this registration. If the address has an account by then, nothing changes.
func (a *App) verify(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if s.Data[keyEmail] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	msg, err := a.checkCode(r, s.Data[keyPending], store.CodeVerifyEmail, r.PostFormValue("code"))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var u *store.User
	if msg == "" {
		u, err = a.store.CompleteRegistration(r.Context(), s.Data[keyPending], store.NewID(), a.now())
		switch {
		// Gone: another registration of the address was completed, which discards the others.
		case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
			msg = i18n.T(r.Context(), "register.exists")
		case err != nil:
			a.serverError(w, r, err)
			return
		}
	}
	if msg != "" {
		p := a.page(r, i18n.T(r.Context(), "register.breadcrumb3"))
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
		return
	}
	if _, err := a.signIn(w, r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("email verified", "user", u.ID)
	http.Redirect(w, r, "/register/terms", http.StatusSeeOther)
}

// resendCode makes a new code for the session's pending registration: the same as registering, for the
// same reasons.
func (a *App) resendCode(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	email := s.Data[keyEmail]
	if email == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	p := a.page(r, i18n.T(r.Context(), "register.breadcrumb3"))
	limited, err := a.limited(r, "code-sent:"+email, maxCodesPerHour, time.Hour)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if limited {
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: i18n.T(r.Context(), "code.too_many_sent")}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
		return
	}
	send, err := a.registrationDelivery(r, email)
	if err == nil {
		err = a.issueCode(r, email, s.Data[keyPending], store.CodeVerifyEmail, send, true)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.Banner = i18n.T(r.Context(), "code.resent", "Email", email)
	a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
}

func (a *App) termsForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.TermsPage(a.page(r, i18n.T(r.Context(), "layout.terms"))))
}

func (a *App) acceptTerms(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if r.PostFormValue("agree") != "yes" {
		p := a.page(r, i18n.T(r.Context(), "layout.terms"))
		p.Errors = []renderer.ErrorItem{{Field: "agree", Message: i18n.T(r.Context(), "register.agree_error")}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.TermsPage(p))
		return
	}
	u.TermsAcceptedAt = a.now()
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	s := sessionFrom(r)
	if dest, err := a.continueAfterSignIn(r, u, returnPath(s)); err != nil {
		a.serverError(w, r, err)
		return
	} else if dest != returnPath(s) {
		s.Data[keyReturn] = dest // the registration's Continue goes to the form's first question
		if err := a.saveSession(r, s); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/register/done", http.StatusSeeOther)
}

func (a *App) registered(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.RegisteredPage(a.page(r, i18n.T(r.Context(), "register.done_title")), returnPath(sessionFrom(r))))
}

func (a *App) termsPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.TermsInfoPage(a.page(r, i18n.T(r.Context(), "layout.terms"))))
}

// staticPage is a page of text that is not a form, its title and paragraphs catalogue ids (static.*),
// in the request's language.
func (a *App) staticPage(title string, paragraphs ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.render(w, r, a.messagePageOf(r, title, paragraphs...))
	}
}

// --- account ---------------------------------------------------------------------------------------

func (a *App) accountForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	a.render(w, r, renderer.AccountPage(a.page(r, i18n.T(r.Context(), "account.title")), u.Forename, u.Surname, u.Organisation, u.Phone, u.Email, u.IsStaff()))
}

func (a *App) updateAccount(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	forename, surname := strings.TrimSpace(r.PostFormValue("forename")), strings.TrimSpace(r.PostFormValue("surname"))
	organisation, phone := strings.TrimSpace(r.PostFormValue("organisation")), strings.TrimSpace(r.PostFormValue("phone"))
	p := a.page(r, i18n.T(r.Context(), "account.title"))
	p.Errors = nameErrors(r.Context(), forename, surname)
	if len([]rune(organisation)) > 200 {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "organisation", Message: i18n.T(r.Context(), "account.org_long")})
	}
	if msg := phoneProblem(r.Context(), phone); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "phone", Message: msg})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.AccountPage(p, forename, surname, organisation, phone, u.Email, u.IsStaff()))
		return
	}
	u.Forename, u.Surname, u.Organisation, u.Phone = forename, surname, organisation, normalisePhone(phone)
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, i18n.T(r.Context(), "account.title"))
	p.Banner = i18n.T(r.Context(), "account.saved")
	a.render(w, r, renderer.AccountPage(p, u.Forename, u.Surname, u.Organisation, u.Phone, u.Email, u.IsStaff()))
}

// phoneProblem checks an account's telephone number as a form's telephone question does: typed with
// spaces or +44 if people like, kept as digits only (the seeds' rule) in normalisePhone.
func phoneProblem(ctx context.Context, phone string) string {
	if _, ok := engine.NormalisePhone(phone); phone != "" && !ok {
		return i18n.T(ctx, "account.phone_numbers")
	}
	return ""
}

// normalisePhone is an account's checked telephone number as it is kept: digits only.
func normalisePhone(phone string) string {
	if digits, ok := engine.NormalisePhone(phone); ok {
		return digits
	}
	return phone
}

func (a *App) passwordForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.ChangePasswordPage(a.page(r, i18n.T(r.Context(), "account.change_password_link"))))
}

func (a *App) changePassword(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	current, password, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	p := a.page(r, i18n.T(r.Context(), "account.change_password_link"))
	// Its own limit: wrong passwords at the sign-in page, anyone's to make, do not lock the owner out of it.
	changeKey := "password-change:" + u.ID
	limited, err := a.limited(r, changeKey, maxLoginPerAccount, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	switch {
	case current == "":
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: i18n.T(r.Context(), "password.enter_current")})
	case limited:
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: i18n.T(r.Context(), "password.too_many")})
	case !passwordMatches(current, u.PasswordHash):
		if err := a.attempt(r, changeKey); err != nil {
			a.serverError(w, r, err)
			return
		}
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: i18n.T(r.Context(), "password.current_wrong")})
	}
	if msg := passwordProblem(r.Context(), password, u.Email, u.Forename, u.Surname); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: i18n.T(r.Context(), "password.same")})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.ChangePasswordPage(p))
		return
	}
	hash, err := hashPassword(password)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u.PasswordHash = hash
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := signOutEverywhere(r.Context(), a.store, u.ID, sessionFrom(r).ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("password changed", "user", u.ID)
	a.auditEvent(r, u.Email, "password changed", "", "from "+clientAddr(r))
	if err := a.sendPasswordChanged(r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, i18n.T(r.Context(), "account.title"))
	p.Banner = i18n.T(r.Context(), "password.changed")
	a.render(w, r, renderer.AccountPage(p, u.Forename, u.Surname, u.Organisation, u.Phone, u.Email, u.IsStaff()))
}

// --- forgotten password ----------------------------------------------------------------------------
// --- forgotten password ----------------------------------------------------------------------------

func (a *App) forgottenForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.ForgottenPasswordPage(a.page(r, i18n.T(r.Context(), "password.reset_title")), ""))
}

// forgotten emails a reset code to an address with an account. For any other address it makes a code for
// nobody and sends nothing, with the same writes: the next page, and the time it takes, are the same.
func (a *App) forgotten(w http.ResponseWriter, r *http.Request) {
	email := normaliseEmail(r.PostFormValue("email"))
	p := a.page(r, i18n.T(r.Context(), "password.reset_title"))
	if msg := emailProblem(r.Context(), email); msg != "" {
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.ForgottenPasswordPage(p, email))
		return
	}
	limited, err := a.limited(r, "code-sent:"+email, maxCodesPerHour, time.Hour)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	subject, send := store.NewID(), deliverNothing
	if u != nil && !limited {
		subject, send = u.ID, deliverCode
	}
	s := sessionFrom(r)
	s.Data[keyResetMail], s.Data[keyResetFor] = email, subject
	err = a.issueCode(r, email, subject, store.CodeResetPassword, send, true)
	if err == nil {
		err = a.saveSession(r, s)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/password/reset", http.StatusSeeOther)
}

func (a *App) resetForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r).Data[keyResetMail] == "" {
		http.Redirect(w, r, "/password/forgotten", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.ResetPasswordPage(a.page(r, i18n.T(r.Context(), "password.choose_title"))))
}

func (a *App) reset(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	email := s.Data[keyResetMail]
	if email == "" {
		http.Redirect(w, r, "/password/forgotten", http.StatusSeeOther)
		return
	}
	p := a.page(r, i18n.T(r.Context(), "password.choose_title"))
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	forename, surname := "", ""
	if u != nil {
		forename, surname = u.Forename, u.Surname
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	if msg := passwordProblem(r.Context(), password, email, forename, surname); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: i18n.T(r.Context(), "password.same")})
	}
	if len(p.Errors) == 0 {
		// Check the code only once the password is acceptable, so a typo in the password costs no try.
		msg, err := a.checkCode(r, s.Data[keyResetFor], store.CodeResetPassword, r.PostFormValue("code"))
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		if msg == "" && (u == nil || u.ID != s.Data[keyResetFor]) {
			msg = i18n.T(r.Context(), "code.not_correct") // a code made for nobody resets nothing, even if guessed
		}
		if msg != "" {
			p.Errors = append([]renderer.ErrorItem{{Field: "code", Message: msg}}, p.Errors...)
		}
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.ResetPasswordPage(p))
		return
	}
	hash, err := hashPassword(password)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u.PasswordHash = hash
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := signOutEverywhere(r.Context(), a.store, u.ID, ""); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.sendPasswordChanged(r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	delete(s.Data, keyResetMail)
	delete(s.Data, keyResetFor)
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, i18n.T(r.Context(), "signin.title"))
	p.Banner = i18n.T(r.Context(), "password.was_reset")
	a.render(w, r, renderer.LoginPage(p, email, a.ssoName()))
}

// --- dev mailbox -----------------------------------------------------------------------------------

func (a *App) devMailbox(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.RecentMail(r.Context(), 50)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	mails := make([]renderer.DevMail, 0, len(list))
	for _, m := range list {
		mails = append(mails, renderer.DevMail{To: m.To, Subject: m.Subject, Text: m.Text, Created: m.CreatedAt, Sent: m.SentAt})
	}
	demoCode := ""
	if u, err := a.store.UserByEmail(r.Context(), DemoStaffEmail); err == nil && u.TOTPSecret == DemoStaffTOTPSecret {
		demoCode, _ = totp.GenerateCodeCustom(DemoStaffTOTPSecret, a.now(), totpOptions)
	}
	a.render(w, r, renderer.DevMailboxPage(a.page(r, "Dev mailbox"), mails, demoCode))
}

// sendPasswordChanged tells the account holder, so a change they did not make does not go unnoticed.
func (a *App) sendPasswordChanged(r *http.Request, u *store.User) error {
	l := accountLang(u)
	return a.mail.Send(i18n.WithLang(r.Context(), l), u.Email, i18n.In(l, "console.mail.password_changed_subject"),
		i18n.In(l, "console.mail.password_changed_body", "Service", a.cfg.Service, "When", i18n.DateTime(l, a.now()),
			"Link", a.cfg.BaseURL+"/password/forgotten", "Signature", a.texts().SignatureIn(l)))
}
