package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"time"

	"formportal/store"
)

type ctxKey int

const (
	sessionKey ctxKey = iota
	userKey
)

// lastSeenGranularity limits session writes: a session's last use is saved at most this often.
const lastSeenGranularity = 15 * time.Second

// anonymousIdle is how long a session nobody has signed in to lasts without use: long enough to find a
// registration code in a mailbox, since it holds nothing but the journey's progress.
const anonymousIdle = 24 * time.Hour

func (a *App) cookieName() string {
	if a.secure {
		return "__Host-session" // the __Host- prefix pins the cookie to this host, path / and HTTPS
	}
	return "session"
}

// newToken is 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionID is what the store keeps: the SHA-256 of the cookie's token.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func sessionFrom(r *http.Request) *store.Session {
	s, _ := r.Context().Value(sessionKey).(*store.Session)
	return s
}

func userFrom(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey).(*store.User)
	return u
}

// sessions loads the browser's session, ending it when it has been idle too long or has reached its
// lifetime, and starts an anonymous one when there is none (every form needs a CSRF token).
func (a *App) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		now := a.now()
		var s *store.Session
		expired := false
		if c, err := r.Cookie(a.cookieName()); err == nil && c.Value != "" {
			found, err := a.store.SessionByID(ctx, sessionID(c.Value))
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				a.serverError(w, r, err)
				return
			case found.UserID != "" && now.Sub(found.LastSeenAt) > a.cfg.IdleTimeout,
				now.Sub(found.LastSeenAt) > anonymousIdle, now.Sub(found.CreatedAt) > a.cfg.SessionLifetime:
				expired = found.UserID != ""
				a.store.DeleteSession(ctx, found.ID)
			default:
				s = found
			}
		}
		if s == nil {
			var err error
			if s, err = a.startSession(w, r, ""); err != nil {
				a.serverError(w, r, err)
				return
			}
			if expired {
				s.Data["signedOut"] = "idle"
			}
		}
		var user *store.User
		if s.UserID != "" {
			u, err := a.store.UserByID(ctx, s.UserID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				a.serverError(w, r, err)
				return
			}
			user = u
		}
		if now.Sub(s.LastSeenAt) >= lastSeenGranularity || expired {
			s.LastSeenAt = now
			if err := a.store.UpdateSession(ctx, s); err != nil {
				a.serverError(w, r, err)
				return
			}
		}
		ctx = context.WithValue(ctx, sessionKey, s)
		if user != nil {
			ctx = context.WithValue(ctx, userKey, user)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// startSession makes a new session with a new token and CSRF token, and sets its cookie. Signing in always
// starts a new session, so a token planted before login is worthless after it (session fixation).
func (a *App) startSession(w http.ResponseWriter, r *http.Request, userID string) (*store.Session, error) {
	token := newToken()
	now := a.now()
	s := &store.Session{ID: sessionID(token), UserID: userID, CSRFToken: newToken(), Data: map[string]string{}, CreatedAt: now, LastSeenAt: now}
	if err := a.store.CreateSession(r.Context(), s); err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: token, Path: "/", HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	return s, nil
}

// signIn replaces the session with a new signed-in one, keeping the page to return to.
func (a *App) signIn(w http.ResponseWriter, r *http.Request, u *store.User) (*store.Session, error) {
	old := sessionFrom(r)
	s, err := a.startSession(w, r, u.ID)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if ret := old.Data["return"]; ret != "" {
			s.Data["return"] = ret
			if err := a.store.UpdateSession(r.Context(), s); err != nil {
				return nil, err
			}
		}
		if err := a.store.DeleteSession(r.Context(), old.ID); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// saveSession writes the session's data.
func (a *App) saveSession(r *http.Request, s *store.Session) error {
	s.LastSeenAt = a.now()
	return a.store.UpdateSession(r.Context(), s)
}

// csrf rejects any state-changing request whose token does not match the session's, and any cross-origin
// one (the browser's Sec-Fetch-Site and Origin headers), before a handler sees it.
func (a *App) csrf(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(a.csrfFailed))
	check := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		s := sessionFrom(r)
		got := csrfToken(r)
		if s == nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRFToken)) != 1 {
			a.csrfFailed(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
	return cop.Handler(check)
}

// csrfPeekBytes is how much of a multipart body the CSRF check reads: enough for its first part.
const csrfPeekBytes = 4 << 10

// csrfToken is the token a request carries: in the X-CSRF-Token header (scripts), in the first part of a
// multipart body, or in a urlencoded body. The form pages put the token first, so for them the check
// reads a few bytes and never depends on how long the rest is: the page reads its body itself, within
// its own limits, and the bytes read here are put back for it.
func csrfToken(r *http.Request) string {
	if t := r.Header.Get("X-CSRF-Token"); t != "" {
		return t
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return r.PostFormValue("csrf_token")
	}
	if params["boundary"] == "" || r.Body == nil {
		return ""
	}
	br := bufio.NewReaderSize(r.Body, csrfPeekBytes)
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	head, _ := br.Peek(csrfPeekBytes)
	p, err := multipart.NewReader(bytes.NewReader(head), params["boundary"]).NextPart()
	if err != nil || p.FormName() != "csrf_token" || p.FileName() != "" {
		return ""
	}
	token, err := io.ReadAll(io.LimitReader(p, 256))
	if err != nil {
		return ""
	}
	return string(token)
}

func (a *App) csrfFailed(w http.ResponseWriter, r *http.Request) {
	a.log.Warn("csrf check failed", "path", r.URL.Path, "remote", r.RemoteAddr)
	w.WriteHeader(http.StatusForbidden)
	a.render(w, r, messagePage(a.page(r, "Your page has expired"), "Your page has expired",
		"For your security, the page you were using has expired. Go back, reload the page and try again. Anything you saved is kept."))
}

// requireUser sends anyone not signed in (or not fully registered) to the login page, remembering where
// they were going.
func (a *App) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil || u.EmailVerifiedAt.IsZero() || u.TermsAcceptedAt.IsZero() {
			s := sessionFrom(r)
			if r.Method == http.MethodGet {
				s.Data["return"] = r.URL.RequestURI()
				if err := a.saveSession(r, s); err != nil {
					a.serverError(w, r, err)
					return
				}
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// keepalive is the idle warning's "Stay signed in".
func (a *App) keepalive(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r)
	if userFrom(r) == nil {
		http.Error(w, "signed out", http.StatusUnauthorized)
		return
	}
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
