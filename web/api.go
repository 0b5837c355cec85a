package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/engine"
	"formportal/store"
)

// The back-office API: how the council's case management system drives the Delegation Portal. JSON in and
// out, authenticated by API keys kept as hashes. Errors are {"errors": [{"path": ..., "message": ...}]}.

type apiKeyCtx struct{}

// DefaultAPIKeyLifetime is how long a key works when its maker does not say.
const DefaultAPIKeyLifetime = 365 * 24 * time.Hour

var apiKeyNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// APIKeySpec is what a new key is called, what it may do and for how long.
type APIKeySpec struct {
	Name     string
	Scope    store.Scope   // read-write when empty
	Lifetime time.Duration // DefaultAPIKeyLifetime when zero
}

// NewAPIKey makes a key for the back office and stores its hash; the secret is shown once.
func NewAPIKey(ctx context.Context, st store.Data, spec APIKeySpec, now time.Time) (*store.APIKey, string, error) {
	if !apiKeyNameRE.MatchString(spec.Name) {
		return nil, "", fmt.Errorf("key name %q: use up to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit", spec.Name)
	}
	if spec.Scope == "" {
		spec.Scope = store.ScopeReadWrite
	}
	if spec.Scope != store.ScopeReadOnly && spec.Scope != store.ScopeReadWrite {
		return nil, "", fmt.Errorf("key scope %q: use %s or %s", spec.Scope, store.ScopeReadOnly, store.ScopeReadWrite)
	}
	if spec.Lifetime == 0 {
		spec.Lifetime = DefaultAPIKeyLifetime
	}
	if spec.Lifetime < 0 {
		return nil, "", fmt.Errorf("key lifetime %v: it must be positive", spec.Lifetime)
	}
	secret := "fpk_" + newToken()
	k := &store.APIKey{ID: store.NewID(), Name: spec.Name, Hash: apiKeyHash(secret), Scope: spec.Scope, CreatedAt: now, ExpiresAt: now.Add(spec.Lifetime)}
	if err := st.CreateAPIKey(ctx, k); errors.Is(err, store.ErrConflict) {
		return nil, "", fmt.Errorf("there is already a key called %q (names are never reused, so the audit log names one key): choose another name", spec.Name)
	} else if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// apiKeyHash is SHA-256: keys are 256 random bits, so a fast hash is enough to make a leaked table useless.
func apiKeyHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

type apiError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="api.json"`) // never rendered as a page
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func apiFail(w http.ResponseWriter, status int, errs ...apiError) {
	writeJSON(w, status, map[string]any{"errors": errs})
}

// apiJSONOnly refuses a request body that does not say it is JSON.
func apiJSONOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				apiFail(w, http.StatusUnsupportedMediaType, apiError{Message: "Send the request body as JSON, with Content-Type: application/json"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// apiAuth accepts "Authorization: Bearer <key>" of a key that is neither revoked nor expired, looked up
// in the store on every request so that a revocation holds at once in every process. A read-only key may
// only read. Every refusal is audited.
func (a *App) apiAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refuse := func(actor, why, challenge, message string) {
			a.auditRefusal(r, actor, "API request refused: "+why, chi.URLParam(r, "id"))
			w.Header().Set("WWW-Authenticate", `Bearer realm="formportal"`+challenge)
			status := http.StatusUnauthorized
			if strings.Contains(challenge, "insufficient_scope") {
				status = http.StatusForbidden
			}
			apiFail(w, status, apiError{Message: message})
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			refuse("api", "no key", "", "Send an API key as Authorization: Bearer <key>")
			return
		}
		k, err := a.store.APIKeyByHash(r.Context(), apiKeyHash(strings.TrimSpace(secret)))
		if errors.Is(err, store.ErrNotFound) {
			refuse("api", "unknown key", `, error="invalid_token"`, "The API key is not valid")
			return
		}
		if err != nil {
			a.apiServerError(w, r, err)
			return
		}
		actor := "api:" + k.Name
		switch now := a.now(); {
		case !k.RevokedAt.IsZero():
			refuse(actor, "key revoked", `, error="invalid_token", error_description="The key has been revoked"`,
				"The API key "+k.Name+" was revoked on "+k.RevokedAt.Format(apiDateFormat)+": ask the portal's administrator for a new key")
			return
		case !now.Before(k.ExpiresAt):
			refuse(actor, "key expired", `, error="invalid_token", error_description="The key has expired"`,
				"The API key "+k.Name+" expired on "+k.ExpiresAt.Format(apiDateFormat)+": ask the portal's administrator for a new key")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && k.Scope != store.ScopeReadWrite {
			refuse(actor, "read-only key", `, error="insufficient_scope", scope="read-write"`,
				"The API key "+k.Name+" is read-only: it can read but not make changes")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), apiKeyCtx{}, k)))
	})
}

// apiDateFormat is how API messages give a key's dates.
const apiDateFormat = "2 January 2006 15:04 MST"

func apiActor(r *http.Request) string {
	k, _ := r.Context().Value(apiKeyCtx{}).(*store.APIKey)
	if k == nil {
		return "api"
	}
	return "api:" + k.Name
}

// apiRead records that the key read a child's record, before the answer is sent: a read that cannot be
// accounted for does not happen. It reports whether the handler may go on.
// A read of a submission's answers or its PDF is the case system's fetch, from which its retention is
// counted.
func (a *App) apiRead(w http.ResponseWriter, r *http.Request, action string, resp *store.Response, detail string) bool {
	err := a.store.InTx(r.Context(), func(tx store.Data) error {
		if err := tx.Audit(r.Context(), store.AuditEntry{At: a.now(), Actor: apiActor(r), Action: action, Target: resp.ID, Detail: detail}); err != nil {
			return err
		}
		if (action == "read answers" || action == "downloaded PDF") && len(resp.Submission) > 0 {
			return a.work.Fetched(r.Context(), tx, resp.ID)
		}
		return nil
	})
	if err != nil {
		a.apiServerError(w, r, fmt.Errorf("audit %s of %s: %w", action, resp.ID, err))
		return false
	}
	return true
}

func (a *App) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	if errors.Is(err, store.ErrFull) {
		w.Header().Set("Retry-After", "300")
		apiFail(w, http.StatusServiceUnavailable, apiError{Message: "The portal cannot store anything new until its disk has room; nothing already stored is lost. Try again in a few minutes"})
		return
	}
	apiFail(w, http.StatusInternalServerError, apiError{Message: "Something went wrong; try again"})
}

// decodeJSON reads a request body strictly: unknown properties are errors, so typos are caught.
func decodeJSON(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{Message: "The request body is too large"}
		}
		return &apiError{Message: "The request body is not valid JSON for this call: " + err.Error()}
	}
	return nil
}

type professional struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
}

type createDelegation struct {
	Form         string          `json:"form"`
	Sections     []string        `json:"sections"`
	Professional professional    `json:"professional"`
	CaseData     json.RawMessage `json:"caseData"`
	DueDate      string          `json:"dueDate"`
	Comments     string          `json:"comments"`
}

func (a *App) apiCreateDelegation(w http.ResponseWriter, r *http.Request) {
	var req createDelegation
	if e := decodeJSON(r, &req); e != nil {
		apiFail(w, http.StatusBadRequest, *e)
		return
	}
	var errs []apiError
	form := a.forms.Get(req.Form)
	switch {
	case req.Form == "":
		errs = append(errs, apiError{Path: "form", Message: "form is required: the id of a form"})
	case form == nil:
		errs = append(errs, apiError{Path: "form", Message: fmt.Sprintf("form %q is not installed", req.Form)})
	case form.Kind != engine.KindDelegation:
		errs = append(errs, apiError{Path: "form", Message: fmt.Sprintf("form %q is a %s form and cannot be delegated", req.Form, form.Kind)})
	}
	if form != nil {
		seen := map[string]bool{}
		for i, id := range req.Sections {
			s := form.Section(id)
			switch {
			case s == nil:
				errs = append(errs, apiError{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("form %q has no section %q", req.Form, id)})
			case !s.Delegable:
				errs = append(errs, apiError{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("section %q cannot be delegated on its own", id)})
			case seen[id]:
				errs = append(errs, apiError{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("section %q is listed twice", id)})
			}
			seen[id] = true
		}
		var caseData any
		if len(req.CaseData) == 0 {
			errs = append(errs, apiError{Path: "caseData", Message: "caseData is required"})
		} else if err := json.Unmarshal(req.CaseData, &caseData); err != nil {
			errs = append(errs, apiError{Path: "caseData", Message: "caseData is not valid JSON"})
		} else if bad := form.BoundCaseData(caseData, len(req.CaseData)); len(bad) > 0 {
			for _, e := range bad {
				errs = append(errs, apiError{Path: joinPath("caseData", e.Path), Message: e.Message})
			}
		} else {
			for _, e := range form.CheckCaseData(caseData) {
				errs = append(errs, apiError{Path: joinPath("caseData", e.Path), Message: e.Message})
			}
		}
	}
	req.Professional.Email = normaliseEmail(req.Professional.Email)
	if msg := emailProblem(req.Professional.Email); msg != "" {
		errs = append(errs, apiError{Path: "professional.email", Message: msg})
	}
	if strings.TrimSpace(req.Professional.Name) == "" {
		errs = append(errs, apiError{Path: "professional.name", Message: "professional.name is required"})
	}
	if req.DueDate != "" {
		if _, err := time.Parse(time.DateOnly, req.DueDate); err != nil {
			errs = append(errs, apiError{Path: "dueDate", Message: "dueDate must be a date like 2026-04-08"})
		}
	}
	if len(errs) > 0 {
		apiFail(w, http.StatusBadRequest, errs...)
		return
	}
	resp, err := a.work.Delegate(r.Context(), apiActor(r), casework.Delegation{Form: form.ID, Sections: req.Sections,
		To:       casework.Professional{Email: req.Professional.Email, Name: req.Professional.Name, Organisation: req.Professional.Organisation},
		CaseData: req.CaseData, DueDate: req.DueDate, Comments: req.Comments})
	if err != nil {
		a.apiServerError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/delegations/"+resp.ID)
	d, err := a.delegationJSON(r, resp)
	if err != nil {
		a.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func joinPath(prefix, path string) string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return prefix
	}
	return prefix + "." + strings.ReplaceAll(path, "/", ".")
}

type delegationView struct {
	ID           string          `json:"id"`
	Form         string          `json:"form"`
	Sections     []string        `json:"sections"`
	Status       string          `json:"status"`
	Professional professional    `json:"professional"`
	DueDate      string          `json:"dueDate,omitempty"`
	Comments     string          `json:"comments,omitempty"`
	Reference    string          `json:"reference,omitempty"`
	CreatedAt    time.Time       `json:"createdAt"`
	UpdatedAt    time.Time       `json:"updatedAt"`
	SubmittedAt  *time.Time      `json:"submittedAt,omitempty"`
	AutoReply    *autoReplyView  `json:"autoReply"`
	Email        *emailView      `json:"email"`
	History      []historyView   `json:"history"`
	Submission   string          `json:"submission,omitempty"`
	CaseData     json.RawMessage `json:"caseData"`
}

type autoReplyView struct {
	Message  string `json:"message"`
	StartsOn string `json:"startsOn"`
	EndsOn   string `json:"endsOn"`
}

// emailView is how the latest email to the professional about a delegation fared.
type emailView struct {
	Status string `json:"status"` // store.MailQueued, MailSent or MailUndeliverable
	Reason string `json:"reason,omitempty"`
}

// latestMail is the newest email about a response, or nil when none is recorded.
func (a *App) latestMail(ctx context.Context, responseID string) (*store.Mail, error) {
	list, err := a.store.MailAbout(ctx, responseID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

type historyView struct {
	At     time.Time `json:"at"`
	Event  string    `json:"event"`
	Actor  string    `json:"actor,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

func (a *App) delegationJSON(r *http.Request, resp *store.Response) (*delegationView, error) {
	d := &delegationView{ID: resp.ID, Form: resp.FormID, Sections: resp.Sections, Status: string(resp.Status),
		Professional: professional{Email: resp.OwnerEmail, Name: resp.OwnerName, Organisation: resp.OwnerOrg},
		DueDate:      resp.DueDate, Comments: resp.Comments, Reference: resp.Reference, CreatedAt: resp.CreatedAt, UpdatedAt: resp.UpdatedAt,
		CaseData: resp.CaseData, History: []historyView{}}
	if d.Sections == nil {
		d.Sections = []string{}
	}
	if !resp.SubmittedAt.IsZero() {
		t := resp.SubmittedAt
		d.SubmittedAt = &t
		d.Submission = "/api/v1/delegations/" + resp.ID + "/submission"
	}
	events, err := a.store.Events(r.Context(), resp.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		d.History = append(d.History, historyView{At: e.At, Event: e.Kind, Actor: e.Actor, Detail: e.Detail})
	}
	reply, err := a.autoReplyFor(r.Context(), resp.OwnerEmail)
	if err != nil {
		return nil, err
	}
	if reply != nil {
		d.AutoReply = &autoReplyView{Message: reply.Message, StartsOn: reply.StartsOn, EndsOn: reply.EndsOn}
	}
	m, err := a.latestMail(r.Context(), resp.ID)
	if err != nil {
		return nil, err
	}
	if m != nil {
		d.Email = &emailView{Status: m.Status(), Reason: m.LastError}
	}
	return d, nil
}

// apiDelegation loads the delegation named in the URL, answering 404 itself.
func (a *App) apiDelegation(w http.ResponseWriter, r *http.Request) (*store.Response, bool) {
	resp, err := a.store.Response(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && resp.Kind != store.KindDelegation {
		apiFail(w, http.StatusNotFound, apiError{Path: "id", Message: "There is no delegation with this id"})
		return nil, false
	}
	if err != nil {
		a.apiServerError(w, r, err)
		return nil, false
	}
	return resp, true
}

func (a *App) apiGetDelegation(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.apiDelegation(w, r)
	if !ok || !a.apiRead(w, r, "viewed delegation", resp, "") {
		return
	}
	d, err := a.delegationJSON(r, resp)
	if err != nil {
		a.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

type reasonRequest struct {
	Reason       string        `json:"reason"`
	Comment      string        `json:"comment"`
	Professional *professional `json:"professional"`
}

// apiChange applies a state change to a delegation: retract, reassign or return.
func (a *App) apiChange(change casework.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, ok := a.apiDelegation(w, r)
		if !ok {
			return
		}
		var req reasonRequest
		if e := decodeJSON(r, &req); e != nil {
			apiFail(w, http.StatusBadRequest, *e)
			return
		}
		req.Reason, req.Comment = strings.TrimSpace(req.Reason), strings.TrimSpace(req.Comment)
		if !casework.Allowed(change, resp.Kind, resp.Status) {
			apiNotAllowed(w, &casework.NotAllowedError{Action: change, Kind: resp.Kind, Status: resp.Status})
			return
		}
		var errs []apiError
		switch change {
		case casework.Reassign:
			if req.Professional == nil {
				errs = append(errs, apiError{Path: "professional", Message: "professional is required: who to re-assign to"})
			} else {
				req.Professional.Email = normaliseEmail(req.Professional.Email)
				if msg := emailProblem(req.Professional.Email); msg != "" {
					errs = append(errs, apiError{Path: "professional.email", Message: msg})
				}
				if strings.TrimSpace(req.Professional.Name) == "" {
					errs = append(errs, apiError{Path: "professional.name", Message: "professional.name is required"})
				}
			}
		case casework.Return:
			if req.Reason == "" {
				errs = append(errs, apiError{Path: "reason", Message: "reason is required, for example Insufficient Detail"})
			}
		}
		if len(errs) > 0 {
			apiFail(w, http.StatusBadRequest, errs...)
			return
		}
		var err error
		switch change {
		case casework.Retract:
			resp, err = a.work.Retract(r.Context(), resp.ID, apiActor(r), req.Reason)
		case casework.Reassign:
			p := req.Professional
			resp, err = a.work.Reassign(r.Context(), resp.ID, apiActor(r), casework.Professional{Email: p.Email, Name: p.Name, Organisation: p.Organisation}, req.Reason)
		case casework.Return:
			resp, err = a.work.ReturnForInformation(r.Context(), resp.ID, apiActor(r), req.Reason, req.Comment)
		}
		if a.apiChangeFailed(w, r, err) {
			return
		}
		d, err := a.delegationJSON(r, resp)
		if err != nil {
			a.apiServerError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
	}
}

// apiChangeFailed answers for a lifecycle change that did not happen: 409 when the status no longer
// allows it (another change came first), 500 otherwise. It reports whether it answered.
func (a *App) apiChangeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var na *casework.NotAllowedError
	switch {
	case err == nil:
		return false
	case errors.As(err, &na):
		apiNotAllowed(w, na)
	default:
		a.apiServerError(w, r, err)
	}
	return true
}

func apiNotAllowed(w http.ResponseWriter, e *casework.NotAllowedError) {
	msg := e.Error()
	apiFail(w, http.StatusConflict, apiError{Path: "status", Message: strings.ToUpper(msg[:1]) + msg[1:]})
}

type submissionView struct {
	ID          string           `json:"id"`
	Form        string           `json:"form"`
	Reference   string           `json:"reference"`
	SubmittedAt time.Time        `json:"submittedAt"`
	SubmittedBy professional     `json:"submittedBy"`
	Answers     json.RawMessage  `json:"answers"`
	Attachments []attachmentView `json:"attachments"`
	Schema      string           `json:"schema"`
}

type attachmentView struct {
	ID    string `json:"id"`
	Field string `json:"field"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Size  int64  `json:"size"`
	Href  string `json:"href"`
}

func (a *App) apiSubmission(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.apiDelegation(w, r)
	if !ok {
		return
	}
	if len(resp.Submission) == 0 {
		apiFail(w, http.StatusNotFound, apiError{Path: "id", Message: "This delegation has not been submitted"})
		return
	}
	if !a.apiRead(w, r, "read answers", resp, "") {
		return
	}
	writeJSON(w, http.StatusOK, a.submissionJSON(resp))
}

func (a *App) submissionJSON(resp *store.Response) submissionView {
	v := submissionView{ID: resp.ID, Form: resp.FormID, Reference: resp.Reference, SubmittedAt: resp.SubmittedAt,
		SubmittedBy: professional{Email: resp.OwnerEmail, Name: resp.OwnerName, Organisation: resp.OwnerOrg},
		Answers:     resp.Submission, Attachments: []attachmentView{}, Schema: "/api/v1/forms/" + resp.FormID + "/submission-schema"}
	var ans engine.Answers
	json.Unmarshal(resp.Submission, &ans)
	collect := func(vals map[string]any) {
		for field, val := range vals {
			list, _ := val.([]any)
			for _, it := range list {
				m, _ := it.(map[string]any)
				if id, _ := m["id"].(string); id != "" && m["kind"] != nil {
					size, _ := m["size"].(float64)
					v.Attachments = append(v.Attachments, attachmentView{ID: id, Field: field, Name: fmt.Sprint(m["name"]), Kind: fmt.Sprint(m["kind"]),
						Size: int64(size), Href: "/api/v1/delegations/" + resp.ID + "/attachments/" + id})
				}
			}
		}
	}
	collect(ans.Values)
	for _, c := range ans.Children {
		collect(c)
	}
	return v
}

func (a *App) apiListSubmissions(w http.ResponseWriter, r *http.Request) {
	apiListPage(a, w, r, store.ResponseFilter{Kind: store.KindDelegation, Statuses: []store.Status{store.StatusSubmitted}}, "submissions", a.submissionJSON)
}

func (a *App) apiAttachment(w http.ResponseWriter, r *http.Request) {
	if resp, ok := a.apiDelegation(w, r); ok {
		a.apiServeAttachment(w, r, resp)
	}
}

// apiServeAttachment sends the response's document named in the URL, audited; "not found" as JSON when
// the response has no such document.
func (a *App) apiServeAttachment(w http.ResponseWriter, r *http.Request, resp *store.Response) {
	att, err := a.store.Attachment(r.Context(), chi.URLParam(r, "file"))
	if errors.Is(err, store.ErrNotFound) || err == nil && att.ResponseID != resp.ID {
		apiFail(w, http.StatusNotFound, apiError{Path: "file", Message: "There is no such attachment on this " + string(resp.Kind)})
		return
	}
	if err != nil {
		a.apiServerError(w, r, err)
		return
	}
	if !a.apiRead(w, r, "downloaded document", resp, att.ID) {
		return
	}
	a.serveAttachment(w, r, resp.ID, att.ID)
}

func (a *App) apiSubmissionSchema(w http.ResponseWriter, r *http.Request) {
	form := a.forms.Get(chi.URLParam(r, "form"))
	if form == nil {
		apiFail(w, http.StatusNotFound, apiError{Path: "form", Message: "There is no such form"})
		return
	}
	writeJSON(w, http.StatusOK, form.SubmissionSchema())
}

func (a *App) apiForms(w http.ResponseWriter, r *http.Request) {
	type formView struct {
		ID        string         `json:"id"`
		Title     string         `json:"title"`
		Version   int            `json:"version"`
		Kind      string         `json:"kind"`
		Delegable []string       `json:"delegableSections"`
		CaseData  map[string]any `json:"caseDataSchema"`
	}
	out := []formView{}
	for _, f := range a.forms.All() {
		v := formView{ID: f.ID, Title: f.Title, Version: f.Version, Kind: f.Kind, Delegable: []string{}, CaseData: f.CaseData}
		for _, s := range f.Sections {
			if s.Delegable {
				v.Delegable = append(v.Delegable, s.ID)
			}
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"forms": out})
}

// apiReferral loads the referral named in the URL, answering 404 itself.
func (a *App) apiReferral(w http.ResponseWriter, r *http.Request) (*store.Response, bool) {
	resp, err := a.store.Response(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && (resp.Kind != store.KindReferral || resp.Status == store.StatusDraft) {
		apiFail(w, http.StatusNotFound, apiError{Path: "id", Message: "There is no submitted referral with this id"})
		return nil, false
	}
	if err != nil {
		a.apiServerError(w, r, err)
		return nil, false
	}
	return resp, true
}

type referralView struct {
	submissionView
	Status        string `json:"status"`
	ReturnReason  string `json:"returnReason,omitempty"`
	ReturnComment string `json:"returnComment,omitempty"`
	Previous      string `json:"previous,omitempty"`
}

func (a *App) referralJSON(resp *store.Response) referralView {
	v := referralView{submissionView: a.submissionJSON(resp), Status: string(resp.Status), ReturnReason: resp.ReturnReason, ReturnComment: resp.ReturnComment}
	for i := range v.Attachments {
		v.Attachments[i].Href = "/api/v1/referrals/" + resp.ID + "/attachments/" + v.Attachments[i].ID
	}
	if resp.PreviousID != "" {
		v.Previous = "/api/v1/referrals/" + resp.PreviousID
	}
	return v
}

func (a *App) apiListReferrals(w http.ResponseWriter, r *http.Request) {
	apiListPage(a, w, r, store.ResponseFilter{Kind: store.KindReferral, Statuses: []store.Status{store.StatusSubmitted}}, "referrals", a.referralJSON)
}

func (a *App) apiGetReferral(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.apiReferral(w, r)
	if !ok || !a.apiRead(w, r, "read answers", resp, "") {
		return
	}
	writeJSON(w, http.StatusOK, a.referralJSON(resp))
}

func (a *App) apiReturnReferral(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.apiReferral(w, r)
	if !ok {
		return
	}
	var req reasonRequest
	if e := decodeJSON(r, &req); e != nil {
		apiFail(w, http.StatusBadRequest, *e)
		return
	}
	if !casework.Allowed(casework.Return, resp.Kind, resp.Status) {
		apiNotAllowed(w, &casework.NotAllowedError{Action: casework.Return, Kind: resp.Kind, Status: resp.Status})
		return
	}
	if strings.TrimSpace(req.Reason) == "" {
		apiFail(w, http.StatusBadRequest, apiError{Path: "reason", Message: "reason is required, for example Insufficient Detail"})
		return
	}
	returned, err := a.work.ReturnForInformation(r.Context(), resp.ID, apiActor(r), strings.TrimSpace(req.Reason), strings.TrimSpace(req.Comment))
	if a.apiChangeFailed(w, r, err) {
		return
	}
	if resp, err = a.store.Response(r.Context(), resp.ID); err != nil {
		a.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"returned": a.referralJSON(resp), "reopened": returned.ID})
}

func (a *App) apiReferralAttachment(w http.ResponseWriter, r *http.Request) {
	if resp, ok := a.apiReferral(w, r); ok {
		a.apiServeAttachment(w, r, resp)
	}
}
