package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
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
	"net/url"
	"sync"
	"time"

	"formportal/store"
)

type ctxKey int

const (
	sessionKey ctxKey = iota
	userKey
	writerKey // the response, for the cookie of a session stored during the request
)

// lastSeenGranularity limits session writes: a session's last use is saved at most this often.
const lastSeenGranularity = 15 * time.Second

// touchLog notes when this process last saved each session's last use, so that of the requests on one
// session that arrive together (a page's, several tabs', 64 connections of a load test) one saves it and
// the others do not each queue for the store's one writer with the same write. It is let go past
// maxTouches sessions, which only costs a write more.
type touchLog struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const maxTouches = 4096

// claim reports whether this request is to save the last use of session id: none in this process did
// within lastSeenGranularity.
func (t *touchLog) claim(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.last[id]; ok && now.Sub(at) < lastSeenGranularity && !now.Before(at) {
		return false
	}
	if t.last == nil || len(t.last) >= maxTouches {
		t.last = map[string]time.Time{}
	}
	t.last[id] = now
	return true
}

// anonymousIdle is how long a session nobody has signed in to lasts without use: long enough to find a
// registration code in a mailbox, since it holds nothing but the journey's progress.
const anonymousIdle = 24 * time.Hour

// cookieName is the session cookie's. The __Host- prefix (over HTTPS) pins a cookie to this host, path /
// and HTTPS.
func (a *App) cookieName() string { return a.cookiePrefix() + "session" }

// newToken is 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validToken reports whether s has the shape of a token newToken makes.
func validToken(s string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(raw) == 32
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
// lifetime. A visitor without one gets a session for this request only, stored when there is something
// to keep (saveSession): showing a page, a form included, writes nothing.
func (a *App) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), writerKey, w)
		r = r.WithContext(ctx)
		now := a.now()
		var s *store.Session
		var user *store.User
		expired := false
		if c, err := r.Cookie(a.cookieName()); err == nil && c.Value != "" {
			found, u, err := a.store.SessionWithUser(ctx, sessionID(c.Value))
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
				s, user = found, u
			}
		}
		if s == nil {
			var err error
			if s, err = a.anonymousSession(w, r); err != nil {
				a.serverError(w, r, err)
				return
			}
			if expired {
				// Kept, so that the login page can say why they were signed out.
				s.Data["signedOut"] = "idle"
				if err := a.saveSession(r, s); err != nil {
					a.serverError(w, r, err)
					return
				}
			}
		}
		if user != nil && user.Disabled() {
			// Disabling ends the account's sessions; one that slipped past it ends here.
			a.store.DeleteSession(ctx, s.ID)
			var err error
			if s, err = a.anonymousSession(w, r); err != nil {
				a.serverError(w, r, err)
				return
			}
			user = nil
		}
		if s.ID != "" && now.Sub(s.LastSeenAt) >= lastSeenGranularity && a.touches.claim(s.ID, now) {
			s.LastSeenAt = now
			// With the disk full, pages still show: only the idle timer is not moved on.
			if err := a.store.UpdateSession(ctx, s); errors.Is(err, store.ErrFull) {
				a.log.Warn("session last use not saved", "err", err)
			} else if err != nil {
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

// anonymousSession is the session of a visitor without one, not stored: its CSRF token is signed from a
// nonce in a cookie, and the page to return to after signing in is kept in a cookie too.
func (a *App) anonymousSession(w http.ResponseWriter, r *http.Request) (*store.Session, error) {
	nonce := ""
	if c, err := r.Cookie(a.cookiePrefix() + "csrf"); err == nil && validToken(c.Value) {
		nonce = c.Value
	} else {
		nonce = newToken()
		http.SetCookie(w, &http.Cookie{Name: a.cookiePrefix() + "csrf", Value: nonce, Path: "/", HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	}
	key, err := a.anonKey.get(r.Context(), a.store)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("csrf:" + nonce))
	now := a.now()
	s := &store.Session{CSRFToken: base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), Data: map[string]string{}, CreatedAt: now, LastSeenAt: now}
	if c, err := r.Cookie(a.cookiePrefix() + "return"); err == nil && c.Value != "" {
		if ret, err := url.PathUnescape(c.Value); err == nil {
			s.Data["return"] = ret
		}
	}
	return s, nil
}

func (a *App) cookiePrefix() string {
	if a.secure {
		return "__Host-"
	}
	return ""
}

// secretKey is a key from the store, read once.
type secretKey struct {
	mu  sync.Mutex
	key []byte
}

func (k *secretKey) get(ctx context.Context, st store.Store) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		key, err := st.Secret(ctx, "anonymous-csrf")
		if err != nil {
			return nil, err
		}
		k.key = key
	}
	return k.key, nil
}

// startSession makes a new session with a new token and CSRF token, and sets its cookie. Signing in always
// starts a new session, so a token planted before login is worthless after it (session fixation).
func (a *App) startSession(w http.ResponseWriter, r *http.Request, userID string) (*store.Session, error) {
	now := a.now()
	s := &store.Session{UserID: userID, CSRFToken: newToken(), Data: map[string]string{}, CreatedAt: now, LastSeenAt: now}
	return s, a.storeSession(w, r, s)
}

// storeSession stores a session not stored yet under a new token, and sets its cookie.
func (a *App) storeSession(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	token := newToken()
	s.ID = sessionID(token)
	if err := a.store.CreateSession(r.Context(), s); err != nil {
		s.ID = ""
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: token, Path: "/", HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	a.setReturnCookie(w, "")
	return nil
}

// setReturnCookie keeps the page to return to after signing in for a visitor with no stored session.
func (a *App) setReturnCookie(w http.ResponseWriter, path string) {
	c := &http.Cookie{Name: a.cookiePrefix() + "return", Value: url.PathEscape(path), Path: "/", HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode}
	if path == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
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
		if old.ID != "" {
			if err := a.store.DeleteSession(r.Context(), old.ID); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// saveSession writes the session's data. A session not stored yet is stored now, when it holds more
// than the page to return to, which a cookie keeps.
func (a *App) saveSession(r *http.Request, s *store.Session) error {
	s.LastSeenAt = a.now()
	if s.ID != "" {
		return a.store.UpdateSession(r.Context(), s)
	}
	w, _ := r.Context().Value(writerKey).(http.ResponseWriter)
	if w == nil {
		return errors.New("save session: no response to set its cookie on")
	}
	for k := range s.Data {
		if k != "return" {
			return a.storeSession(w, r, s)
		}
	}
	a.setReturnCookie(w, s.Data["return"])
	return nil
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
	a.auditRefusal(r, actorOf(r), "refused: no valid CSRF token", "")
	if s := sessionFrom(r); s != nil && s.Data["signedOut"] == "idle" && r.Header.Get("X-CSRF-Token") == "" {
		// A page's post after its session ended for idleness, with no script to warn or save first: the
		// sign-in page says why, and signing in leads back to the page, not to "Your page has expired".
		// Nothing of the refused post is done. A script's request (its token in the header) still gets
		// the 403, so a "Stay signed in" too late is not taken for one in time.
		// The idle warning's own sign-out, come too late, leads to no page.
		a.toSignIn(w, r, s, r.URL.Path != "/logout")
		return
	}
	w.WriteHeader(http.StatusForbidden)
	a.render(w, r, a.messagePageOf(r, "errorpage.expired_title", "errorpage.expired_text"))
}

// requireUser sends anyone not signed in (or not fully registered) to the login page, remembering where
// they were going.
func (a *App) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil || u.EmailVerifiedAt.IsZero() || u.TermsAcceptedAt.IsZero() {
			if r.Method == http.MethodGet {
				a.toSignIn(w, r, sessionFrom(r), true)
			} else {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// toSignIn sends r to the sign-in page, saving the session s; with back, signing in leads back to r's page.
func (a *App) toSignIn(w http.ResponseWriter, r *http.Request, s *store.Session, back bool) {
	if back {
		s.Data[keyReturn] = r.URL.RequestURI()
	}
	if err := a.saveSession(r, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
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
