package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"formportal/renderer"
	"formportal/store"
)

// Rate limits. A window slides: attempts older than it no longer count.
const (
	rateWindow            = 15 * time.Minute
	maxLoginPerAccount    = 5  // failed sign-ins to one address
	maxLoginPerClient     = 30 // failed sign-ins from one network address
	maxCodeTries          = 5  // wrong entries of one code before it dies
	maxCodeEntryPerClient = 30
	maxCodesPerHour       = 5 // codes sent to one address
)

// Session data keys of the registration and reset journeys.
const (
	keyForename  = "reg.forename"
	keySurname   = "reg.surname"
	keyEmail     = "reg.email"
	keyPending   = "reg.user" // the user whose code is awaited; empty when the address already had an account
	keyReturn    = "return"
	keyResetMail = "reset.email"
)

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

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
	p := a.page(r, "Secure login")
	s := sessionFrom(r)
	if s.Data["signedOut"] == "idle" {
		p.Banner = fmt.Sprintf("You were signed out because you did nothing for %d minutes. Anything you saved has been kept.", int(a.cfg.IdleTimeout/time.Minute))
		delete(s.Data, "signedOut")
		a.saveSession(r, s)
	}
	a.render(w, r, renderer.LoginPage(p, ""))
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	email := normaliseEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	p := a.page(r, "Secure login")
	if email == "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "email", Message: "Enter your email address"})
	}
	if password == "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: "Enter your password"})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.LoginPage(p, email))
		return
	}
	accountKey, clientKey := "login:"+email, "login-client:"+clientAddr(r)
	overAccount, err := a.limited(r, accountKey, maxLoginPerAccount, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	overClient, err := a.limited(r, clientKey, maxLoginPerClient, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if overAccount || overClient {
		a.log.Warn("login refused: too many attempts", "client", clientAddr(r))
		// The same answer whether or not the address has an account.
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: "You have tried to sign in too many times. Wait 15 minutes and try again, or reset your password"}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.LoginPage(p, email))
		return
	}
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if !passwordMatches(password, hash) || u == nil {
		user := "unknown address"
		if u != nil {
			user = u.ID
		}
		a.log.Warn("login failed", "user", user, "client", clientAddr(r))
		if err := a.attempt(r, accountKey, clientKey); err != nil {
			a.serverError(w, r, err)
			return
		}
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: "Enter a correct email address and password"}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.LoginPage(p, email))
		return
	}
	if u.EmailVerifiedAt.IsZero() {
		// Registered but never verified: finish the registration.
		s := sessionFrom(r)
		s.Data[keyPending], s.Data[keyEmail] = u.ID, u.Email
		if err := a.sendVerifyCode(r, u); err != nil {
			a.serverError(w, r, err)
			return
		}
		if err := a.saveSession(r, s); err != nil {
			a.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/register/verify", http.StatusSeeOther)
		return
	}
	s, err := a.signIn(w, r, u)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("signed in", "user", u.ID)
	if u.TermsAcceptedAt.IsZero() {
		http.Redirect(w, r, "/register/terms", http.StatusSeeOther)
		return
	}
	dest := returnPath(s)
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

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if s := sessionFrom(r); s != nil {
		if err := a.store.DeleteSession(r.Context(), s.ID); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/logout", http.StatusSeeOther)
}

// loggedOut confirms signing out; the idle warning's script lands here with ?timeout=1 too.
func (a *App) loggedOut(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil && r.URL.Query().Get("timeout") != "" {
		// The warning ran out: end the session server-side as well.
		s := sessionFrom(r)
		a.store.DeleteSession(r.Context(), s.ID)
		http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	}
	p := a.page(r, "You have signed out")
	p.User = nil
	a.render(w, r, messagePage(p, "You have signed out", "Anything you saved has been kept. Sign in again to carry on."))
}

// --- registration ---------------------------------------------------------------------------------

func (a *App) registerNameForm(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	a.render(w, r, renderer.RegisterNamePage(a.page(r, "Register a new account - step 1"), s.Data[keyForename], s.Data[keySurname]))
}

func (a *App) registerName(w http.ResponseWriter, r *http.Request) {
	forename := strings.TrimSpace(r.PostFormValue("forename"))
	surname := strings.TrimSpace(r.PostFormValue("surname"))
	p := a.page(r, "Register a new account - step 1")
	p.Errors = nameErrors(forename, surname)
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

func nameErrors(forename, surname string) []renderer.ErrorItem {
	var errs []renderer.ErrorItem
	for _, f := range []struct{ id, value, label string }{{"forename", forename, "forename"}, {"surname", surname, "surname"}} {
		switch {
		case f.value == "":
			errs = append(errs, renderer.ErrorItem{Field: f.id, Message: "Enter your " + f.label})
		case len([]rune(f.value)) > 100:
			errs = append(errs, renderer.ErrorItem{Field: f.id, Message: "Your " + f.label + " must be 100 characters or fewer"})
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
	a.render(w, r, renderer.RegisterEmailPage(a.page(r, "Register a new account - step 2"), s.Data[keyEmail]))
}

func (a *App) registerEmail(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if s.Data[keyForename] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	email := normaliseEmail(r.PostFormValue("email"))
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	p := a.page(r, "Register a new account - step 2")
	if msg := emailProblem(email); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "email", Message: msg})
	}
	if msg := passwordProblem(password, email, s.Data[keyForename], s.Data[keySurname]); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: "Enter the same password in both boxes"})
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
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: "We have sent too many codes to this address. Wait an hour and try again"}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.RegisterEmailPage(p, email))
		return
	}
	hash, err := hashPassword(password)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	existing, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	s.Data[keyEmail] = email
	switch {
	case existing != nil && !existing.EmailVerifiedAt.IsZero():
		// The address has an account. Say so only to the address itself; the page reads the same as for a
		// new address, so nobody learns who has an account.
		s.Data[keyPending] = ""
		err = a.attempt(r, "code-sent:"+email)
		if err == nil {
			err = a.mail.Send(r.Context(), email, "You already have an account",
				fmt.Sprintf("Someone, hopefully you, tried to register for %s with this email address, which already has an account.\n\nSign in at %s/login, or if you have forgotten your password, reset it at %s/password/forgotten.\n\nIf it was not you, you do not need to do anything.\n\n%s", a.cfg.Service, a.cfg.BaseURL, a.cfg.BaseURL, a.signature()))
		}
	default:
		u := existing
		if u == nil {
			u = &store.User{ID: store.NewID(), Email: email, CreatedAt: a.now()}
		}
		u.Forename, u.Surname, u.PasswordHash = s.Data[keyForename], s.Data[keySurname], hash
		if existing == nil {
			err = a.store.CreateUser(r.Context(), u)
		} else {
			err = a.store.UpdateUser(r.Context(), u)
		}
		if err == nil {
			s.Data[keyPending] = u.ID
			err = a.sendVerifyCode(r, u)
		}
	}
	if err == nil {
		err = a.saveSession(r, s)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/register/verify", http.StatusSeeOther)
}

// sendVerifyCode emails a new verification code. The email holds the code and nothing else personal.
func (a *App) sendVerifyCode(r *http.Request, u *store.User) error {
	return a.sendCode(r, u, store.CodeVerifyEmail, "Please verify your email address",
		"Use this code to confirm your email address for %s:\n\n%s\n\nThe code expires in %d minutes. If you did not ask for it, you do not need to do anything.\n\n%s")
}

func (a *App) sendCode(r *http.Request, u *store.User, purpose, subject, body string) error {
	code := newCode()
	c := &store.Code{ID: store.NewID(), UserID: u.ID, Purpose: purpose, CreatedAt: a.now(), ExpiresAt: a.now().Add(a.cfg.CodeLifetime)}
	c.Hash = codeHash(c.ID, code)
	if err := a.store.CreateCode(r.Context(), c); err != nil {
		return err
	}
	if err := a.attempt(r, "code-sent:"+u.Email); err != nil {
		return err
	}
	return a.mail.Send(r.Context(), u.Email, subject,
		fmt.Sprintf(body, a.cfg.Service, formatCode(code), int(a.cfg.CodeLifetime/time.Minute), a.signature()))
}

func (a *App) signature() string { return a.texts().Signature() }

func (a *App) verifyForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r).Data[keyEmail] == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.VerifyPage(a.page(r, "Register a new account - step 3"), "/register/verify", "/register/resend", "/register/email"))
}

// checkCode checks a typed code against the newest code of the purpose. It returns the error message to
// show, or "" when the code is right (and then marks it used).
func (a *App) checkCode(r *http.Request, userID, purpose, typed string) (string, error) {
	typed = normaliseCode(typed)
	if typed == "" {
		return "Enter the code from the email", nil
	}
	if len(typed) != 8 || strings.Trim(typed, "0123456789") != "" {
		return "The code must be 8 numbers, like 1985 9471", nil
	}
	clientKey := "code-client:" + clientAddr(r)
	if limited, err := a.limited(r, clientKey, maxCodeEntryPerClient, rateWindow); err != nil || limited {
		return "You have entered too many codes. Wait 15 minutes and try again", err
	}
	if err := a.attempt(r, clientKey); err != nil {
		return "", err
	}
	if userID == "" {
		return "The code is not correct. Check the email and try again, or ask for a new code", nil
	}
	c, err := a.store.LatestCode(r.Context(), userID, purpose)
	if errors.Is(err, store.ErrNotFound) {
		return "The code is not correct. Check the email and try again, or ask for a new code", nil
	}
	if err != nil {
		return "", err
	}
	switch {
	case !c.UsedAt.IsZero():
		return "This code has already been used. Ask for a new code", nil
	case c.Tries >= maxCodeTries:
		return "You have entered the wrong code too many times. Ask for a new code", nil
	case a.now().After(c.ExpiresAt):
		return "This code has expired. Ask for a new code", nil
	}
	if codeHash(c.ID, typed) != c.Hash {
		c.Tries++
		if err := a.store.UpdateCode(r.Context(), c); err != nil {
			return "", err
		}
		if c.Tries >= maxCodeTries {
			return "You have entered the wrong code too many times. Ask for a new code", nil
		}
		return "The code is not correct. Check the email and try again, or ask for a new code", nil
	}
	c.UsedAt = a.now()
	return "", a.store.UpdateCode(r.Context(), c)
}

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
	if msg != "" {
		p := a.page(r, "Register a new account - step 3")
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
		return
	}
	u, err := a.store.UserByID(r.Context(), s.Data[keyPending])
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u.EmailVerifiedAt = a.now()
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	if _, err := a.signIn(w, r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("email verified", "user", u.ID)
	http.Redirect(w, r, "/register/terms", http.StatusSeeOther)
}

func (a *App) resendCode(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	email := s.Data[keyEmail]
	if email == "" {
		http.Redirect(w, r, "/register", http.StatusSeeOther)
		return
	}
	p := a.page(r, "Register a new account - step 3")
	limited, err := a.limited(r, "code-sent:"+email, maxCodesPerHour, time.Hour)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if limited {
		p.Errors = []renderer.ErrorItem{{Field: "code", Message: "We have sent too many codes to this address. Wait an hour and try again"}}
		w.WriteHeader(http.StatusTooManyRequests)
		a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
		return
	}
	if id := s.Data[keyPending]; id != "" {
		u, err := a.store.UserByID(r.Context(), id)
		if err == nil {
			err = a.sendVerifyCode(r, u)
		}
		if err != nil {
			a.serverError(w, r, err)
			return
		}
	} else if err := a.attempt(r, "code-sent:"+email); err != nil {
		a.serverError(w, r, err)
		return
	}
	p.Banner = "We have sent a new code to " + email
	a.render(w, r, renderer.VerifyPage(p, "/register/verify", "/register/resend", "/register/email"))
}

func (a *App) termsForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.TermsPage(a.page(r, "Terms and conditions")))
}

func (a *App) acceptTerms(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if r.PostFormValue("agree") != "yes" {
		p := a.page(r, "Terms and conditions")
		p.Errors = []renderer.ErrorItem{{Field: "agree", Message: "Select that you agree to the terms and conditions"}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.TermsPage(p))
		return
	}
	u.TermsAcceptedAt = a.now()
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/register/done", http.StatusSeeOther)
}

func (a *App) registered(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.RegisteredPage(a.page(r, "Registration complete"), returnPath(sessionFrom(r))))
}

func (a *App) termsPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.TermsInfoPage(a.page(r, "Terms and conditions")))
}

func (a *App) staticPage(title string, paragraphs []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.render(w, r, renderer.MessagePage(a.page(r, title), title, paragraphs))
	}
}

var accessibilityText = []string{
	"This portal is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Every page works without JavaScript, with a keyboard and with a screen reader, and is checked automatically with axe-core.",
	"If you find a problem, or need a form in another format, contact the council's children's services.",
}

var privacyText = []string{
	"The council uses the information you give in this portal to carry out its duties to safeguard and support children, under the Children Act 1989 and 2004, the UK GDPR and the Data Protection Act 2018.",
	"Drafts you save are deleted after 30 days. Submitted forms are kept in the council's children's social care records.",
}

// --- account ---------------------------------------------------------------------------------------

func (a *App) accountForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	a.render(w, r, renderer.AccountPage(a.page(r, "Update account"), u.Forename, u.Surname, u.Organisation, u.Phone, u.Email))
}

func (a *App) updateAccount(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	forename, surname := strings.TrimSpace(r.PostFormValue("forename")), strings.TrimSpace(r.PostFormValue("surname"))
	organisation, phone := strings.TrimSpace(r.PostFormValue("organisation")), strings.TrimSpace(r.PostFormValue("phone"))
	p := a.page(r, "Update account")
	p.Errors = nameErrors(forename, surname)
	if len([]rune(organisation)) > 200 {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "organisation", Message: "Organisation must be 200 characters or fewer"})
	}
	if msg := phoneProblem(phone); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "phone", Message: msg})
	}
	if len(p.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.AccountPage(p, forename, surname, organisation, phone, u.Email))
		return
	}
	u.Forename, u.Surname, u.Organisation, u.Phone = forename, surname, organisation, phone
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, "Update account")
	p.Banner = "Your account details have been saved"
	a.render(w, r, renderer.AccountPage(p, u.Forename, u.Surname, u.Organisation, u.Phone, u.Email))
}

// phoneProblem applies the seeds' rule: telephone numbers are one continuous number.
func phoneProblem(phone string) string {
	switch {
	case phone == "":
		return ""
	case strings.ContainsAny(phone, " \t"):
		return "Telephone number cannot contain spaces: enter it as one continuous number, like 01632960001"
	case strings.Trim(strings.TrimPrefix(phone, "+"), "0123456789") != "" || len(phone) < 6 || len(phone) > 16:
		return "Enter a telephone number using numbers only, like 01632960001 or +441632960001"
	}
	return ""
}

func (a *App) passwordForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.ChangePasswordPage(a.page(r, "Change your password")))
}

func (a *App) changePassword(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	current, password, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	p := a.page(r, "Change your password")
	limited, err := a.limited(r, "login:"+u.Email, maxLoginPerAccount, rateWindow)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	switch {
	case current == "":
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: "Enter your current password"})
	case limited:
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: "You have entered a wrong password too many times. Wait 15 minutes and try again"})
	case !passwordMatches(current, u.PasswordHash):
		if err := a.attempt(r, "login:"+u.Email); err != nil {
			a.serverError(w, r, err)
			return
		}
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "current", Message: "Your current password is not correct"})
	}
	if msg := passwordProblem(password, u.Email, u.Forename, u.Surname); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: "Enter the same password in both boxes"})
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
	if err := a.store.DeleteUserSessions(r.Context(), u.ID, sessionFrom(r).ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("password changed", "user", u.ID)
	if err := a.sendPasswordChanged(r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, "Update account")
	p.Banner = "Your password has been changed. You have been signed out everywhere else"
	a.render(w, r, renderer.AccountPage(p, u.Forename, u.Surname, u.Organisation, u.Phone, u.Email))
}

// --- forgotten password ----------------------------------------------------------------------------

func (a *App) forgottenForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, renderer.ForgottenPasswordPage(a.page(r, "Reset your password"), ""))
}

func (a *App) forgotten(w http.ResponseWriter, r *http.Request) {
	email := normaliseEmail(r.PostFormValue("email"))
	p := a.page(r, "Reset your password")
	if msg := emailProblem(email); msg != "" {
		p.Errors = []renderer.ErrorItem{{Field: "email", Message: msg}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.ForgottenPasswordPage(p, email))
		return
	}
	s := sessionFrom(r)
	s.Data[keyResetMail] = email
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
	if u != nil && !limited {
		err = a.sendCode(r, u, store.CodeResetPassword, "Reset your password",
			"Use this code to reset your password for %s:\n\n%s\n\nThe code expires in %d minutes. If you did not ask to reset your password, you do not need to do anything: your password has not changed.\n\n%s")
	} else {
		err = a.attempt(r, "code-sent:"+email)
	}
	if err == nil {
		err = a.saveSession(r, s)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	// Whether or not the address has an account, the next page is the same.
	http.Redirect(w, r, "/password/reset", http.StatusSeeOther)
}

func (a *App) resetForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r).Data[keyResetMail] == "" {
		http.Redirect(w, r, "/password/forgotten", http.StatusSeeOther)
		return
	}
	a.render(w, r, renderer.ResetPasswordPage(a.page(r, "Choose a new password")))
}

func (a *App) reset(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	email := s.Data[keyResetMail]
	if email == "" {
		http.Redirect(w, r, "/password/forgotten", http.StatusSeeOther)
		return
	}
	p := a.page(r, "Choose a new password")
	u, err := a.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	userID, forename, surname := "", "", ""
	if u != nil {
		userID, forename, surname = u.ID, u.Forename, u.Surname
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	if msg := passwordProblem(password, email, forename, surname); msg != "" {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "password", Message: msg})
	} else if confirm != password {
		p.Errors = append(p.Errors, renderer.ErrorItem{Field: "confirm", Message: "Enter the same password in both boxes"})
	}
	if len(p.Errors) == 0 {
		// Check the code only once the password is acceptable, so a typo in the password costs no try.
		msg, err := a.checkCode(r, userID, store.CodeResetPassword, r.PostFormValue("code"))
		if err != nil {
			a.serverError(w, r, err)
			return
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
	if u.EmailVerifiedAt.IsZero() {
		u.EmailVerifiedAt = a.now() // the code reached the address, which proves it
	}
	if err := a.store.UpdateUser(r.Context(), u); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.store.DeleteUserSessions(r.Context(), u.ID, ""); err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.sendPasswordChanged(r, u); err != nil {
		a.serverError(w, r, err)
		return
	}
	delete(s.Data, keyResetMail)
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	p = a.page(r, "Secure login")
	p.Banner = "Your password has been reset. Sign in with your new password"
	a.render(w, r, renderer.LoginPage(p, email))
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
	a.render(w, r, renderer.DevMailboxPage(a.page(r, "Dev mailbox"), mails))
}

// sendPasswordChanged tells the account holder, so a change they did not make does not go unnoticed.
func (a *App) sendPasswordChanged(r *http.Request, u *store.User) error {
	return a.mail.Send(r.Context(), u.Email, "Your password has been changed",
		fmt.Sprintf("The password of your %s account was changed on %s.\n\nIf you did this, you do not need to do anything. If you did not, reset your password now at %s/password/forgotten and tell the council.\n\n%s",
			a.cfg.Service, a.now().Format("2 January 2006 at 15:04"), a.cfg.BaseURL, a.signature()))
}
