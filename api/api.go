// Package api is the back-office API: how the council's case management system drives the Delegation
// Portal and takes in referrals. JSON in and out, authenticated by API keys kept as hashes (package
// apikey); every change is a casework operation. Errors are RFC 9457 problem details (Problem). The
// document describing it is openapi.json, served at /api/v1/openapi.json.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/apievents"
	"formportal/apikey"
	"formportal/audit"
	"formportal/casework"
	"formportal/chronology"
	"formportal/forms"
	"formportal/store"
)

// Base is where the API is mounted; the links in its answers start with it.
const Base = apievents.APIBase

// maxBody is the most a request body may hold.
const maxBody = 1 << 20

// Printer renders a response as the PDF the portals print (web.App is one): its file name and content.
type Printer interface {
	ResponsePDF(resp *store.Response) (name string, content []byte, err error)
}

// Options are the API's collaborators.
type Options struct {
	Store  store.Store
	Work   *casework.Service // every change in the life of a delegation or referral
	Forms  *forms.Library
	PDF    Printer
	Logger *slog.Logger
	Now    func() time.Time // the clock; time.Now when nil
	// EventDays is how long the event feed holds events (retention.Config.Events), for the answer to a
	// cursor from before them; not said when 0.
	EventDays int
	// Chronologies caches merged chronologies, shared with the staff console (see chronology.Cache).
	Chronologies *chronology.Cache
}

// Handler serves the API under Base.
type Handler struct {
	st     store.Store
	work   *casework.Service
	forms  *forms.Library
	pdf    Printer
	log    *slog.Logger
	now    func() time.Time
	router chi.Router

	eventDays    int
	chronologies *chronology.Cache
}

// New builds the API.
func New(opts Options) (*Handler, error) {
	if opts.Store == nil || opts.Work == nil || opts.Forms == nil || opts.PDF == nil {
		return nil, errors.New("api.New needs a store, the casework service, the forms and a PDF printer")
	}
	h := &Handler{st: opts.Store, work: opts.Work, forms: opts.Forms, pdf: opts.PDF, log: opts.Logger, now: opts.Now, eventDays: opts.EventDays}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.chronologies = opts.Chronologies; h.chronologies == nil {
		h.chronologies = chronology.NewCache(chronology.CacheRows)
	}
	h.routes()
	return h, nil
}

// Router is the API's routes, relative to Base, for mounting there.
func (h *Handler) Router() chi.Router { return h.router }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

func (h *Handler) routes() {
	r := chi.NewRouter()
	h.router = r
	r.NotFound(notFound)
	r.MethodNotAllowed(h.methodNotAllowed)
	r.Get("/openapi.json", serveOpenAPI)
	r.Group(func(r chi.Router) {
		r.Use(limitBody, h.auth, jsonOnly, h.idempotency)
		r.Get("/forms", h.listForms)
		r.Get("/forms/{form}/submission-schema", h.submissionSchema)
		r.Get("/forms/{form}/versions/{version}/schema", h.versionSchema)
		r.Post("/delegations", h.createDelegation)
		r.Get("/delegations/{id}", h.getDelegation)
		r.Post("/delegations/{id}/retract", h.change(casework.Retract))
		r.Post("/delegations/{id}/reassign", h.change(casework.Reassign))
		r.Post("/delegations/{id}/return", h.change(casework.Return))
		r.Get("/delegations/{id}/submission", h.submission)
		r.Get("/delegations/{id}/attachments/{file}", h.attachment)
		r.Get("/delegations/{id}/pdf", h.delegationPDF)
		r.Get("/referrals/{id}/pdf", h.referralPDF)
		r.Get("/submissions", h.listSubmissions)
		r.Get("/referrals", h.listReferrals)
		r.Get("/referrals/{id}", h.getReferral)
		r.Post("/referrals/{id}/return", h.returnReferral)
		r.Get("/referrals/{id}/attachments/{file}", h.referralAttachment)
		r.Get("/events", h.listEvents)
		// Multi-agency requests (issue 17).
		r.Post("/requests", h.createRequest)
		r.Get("/requests/{id}", h.getRequest)
		r.Get("/requests/{id}/chronology", h.requestChronology)
	})
}

type keyCtx struct{}

// limitBody caps what a request may send.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// Error is one problem with a request: where in it (a path into the body, or a parameter's name), and
// what to do about it.
type Error struct {
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// Problem is every error answer: an RFC 9457 problem detail (application/problem+json) of type
// about:blank, so its title is the status's, with the request's problems one by one in the extension
// member errors. detail is the first of them.
type Problem struct {
	Type   string  `json:"type"`
	Title  string  `json:"title"`
	Status int     `json:"status"`
	Detail string  `json:"detail"`
	Errors []Error `json:"errors"`
}

// Media types of the API's answers.
const (
	jsonType    = "application/json"
	problemType = "application/problem+json"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeAs(w, jsonType, status, v)
}

func writeAs(w http.ResponseWriter, mediaType string, status int, v any) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="api.json"`) // never rendered as a page
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// fail answers with a problem: status, and what is wrong (one Error at least).
func fail(w http.ResponseWriter, status int, errs ...Error) {
	writeAs(w, problemType, status, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: errs[0].Message, Errors: errs})
}

// notFound answers a path the API does not have.
func notFound(w http.ResponseWriter, r *http.Request) {
	fail(w, http.StatusNotFound, Error{Message: "There is no such path in the API: see " + Base + "/openapi.json"})
}

// methodNotAllowed answers a method the path does not take, saying which it does.
func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if h.router.Match(chi.NewRouteContext(), m, strings.TrimPrefix(r.URL.Path, Base)) {
			allowed = append(allowed, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	fail(w, http.StatusMethodNotAllowed, Error{Message: "This path takes " + strings.Join(allowed, " or ") + ", not " + r.Method})
}

// jsonOnly refuses a request body that does not say it is JSON.
func jsonOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				fail(w, http.StatusUnsupportedMediaType, Error{Message: "Send the request body as JSON, with Content-Type: application/json"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// auth accepts "Authorization: Bearer <key>" of a key that is neither revoked nor expired, looked up
// in the store on every request so that a revocation holds at once in every process. A read-only key may
// only read. Every refusal is audited.
func (h *Handler) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refuse := func(actor, why, challenge, message string) {
			audit.Record(r.Context(), h.st, h.log, store.AuditEntry{At: h.now(), Actor: actor, Action: "API request refused: " + why, Target: chi.URLParam(r, "id"), Detail: audit.Request(r)})
			w.Header().Set("WWW-Authenticate", `Bearer realm="formportal"`+challenge)
			status := http.StatusUnauthorized
			if strings.Contains(challenge, "insufficient_scope") {
				status = http.StatusForbidden
			}
			fail(w, status, Error{Message: message})
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			refuse("api", "no key", "", "Send an API key as Authorization: Bearer <key>")
			return
		}
		k, err := h.st.APIKeyByHash(r.Context(), apikey.Hash(strings.TrimSpace(secret)))
		if errors.Is(err, store.ErrNotFound) {
			refuse("api", "unknown key", `, error="invalid_token"`, "The API key is not valid")
			return
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		actor := "api:" + k.Name
		switch now := h.now(); {
		case !k.RevokedAt.IsZero():
			refuse(actor, "key revoked", `, error="invalid_token", error_description="The key has been revoked"`,
				"The API key "+k.Name+" was revoked on "+k.RevokedAt.Format(dateFormat)+": ask the portal's administrator for a new key")
			return
		case !now.Before(k.ExpiresAt):
			refuse(actor, "key expired", `, error="invalid_token", error_description="The key has expired"`,
				"The API key "+k.Name+" expired on "+k.ExpiresAt.Format(dateFormat)+": ask the portal's administrator for a new key")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && k.Scope != store.ScopeReadWrite {
			refuse(actor, "read-only key", `, error="insufficient_scope", scope="read-write"`,
				"The API key "+k.Name+" is read-only: it can read but not make changes")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyCtx{}, k)))
	})
}

// dateFormat is how API messages give a key's dates.
const dateFormat = "2 January 2006 15:04 MST"

func actor(r *http.Request) string {
	k, _ := r.Context().Value(keyCtx{}).(*store.APIKey)
	if k == nil {
		return "api"
	}
	return "api:" + k.Name
}

// read records that the key read a child's record, before the answer is sent: a read that cannot be
// accounted for does not happen. It reports whether the handler may go on.
// A read of a submission's answers or its PDF is the case system's fetch, from which its retention is
// counted.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, action string, resp *store.Response, detail string) bool {
	err := h.st.InTx(r.Context(), func(tx store.Data) error {
		if err := tx.Audit(r.Context(), store.AuditEntry{At: h.now(), Actor: actor(r), Action: action, Target: resp.ID, Detail: detail}); err != nil {
			return err
		}
		if (action == "read answers" || action == "downloaded PDF") && len(resp.Submission) > 0 {
			return h.work.Fetched(r.Context(), tx, resp.ID)
		}
		return nil
	})
	if err != nil {
		h.serverError(w, r, fmt.Errorf("audit %s of %s: %w", action, resp.ID, err))
		return false
	}
	return true
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	if errors.Is(err, store.ErrFull) {
		w.Header().Set("Retry-After", "300")
		fail(w, http.StatusServiceUnavailable, Error{Message: "The portal cannot store anything new until its disk has room; nothing already stored is lost. Try again in a few minutes"})
		return
	}
	fail(w, http.StatusInternalServerError, Error{Message: "Something went wrong; try again"})
}

// decodeJSON reads a request body strictly: unknown properties are errors, so typos are caught.
func decodeJSON(r *http.Request, v any) *Error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &Error{Message: "The request body is too large"}
		}
		return &Error{Message: "The request body is not valid JSON for this call: " + err.Error()}
	}
	return nil
}
