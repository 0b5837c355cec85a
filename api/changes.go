package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"formportal/casework"
	"formportal/store"
)

// Changes are safe to retry and to race: every POST takes an Idempotency-Key, whose first answer is kept
// in the transaction of the change it answers, so a retry with the same key and body gets that answer
// and changes nothing more (no second delegation, no second email), and the same key with another body
// is refused (422). Answers about a delegation or referral carry its version as ETag; a change sent with
// If-Match is made only while that is still the version (412 otherwise), checked in the change's
// transaction.

// IdempotencyLifetime is how long an Idempotency-Key's answer is kept (the portal's housekeeping forgets
// older ones).
const IdempotencyLifetime = 24 * time.Hour

// maxIdempotencyKey is the longest Idempotency-Key taken.
const maxIdempotencyKey = 255

type idemCtx struct{}

// idempotentRequest is a POST made with an Idempotency-Key: the key as kept, and what was asked.
type idempotentRequest struct {
	key, fingerprint string
}

// answer is what a change answers: kept as it is sent, so a retry gets the same.
type answer struct {
	status   int
	location string
	etag     string
	body     []byte
}

func (a *answer) write(w http.ResponseWriter) {
	if a.location != "" {
		w.Header().Set("Location", a.location)
	}
	if a.etag != "" {
		w.Header().Set("ETag", a.etag)
	}
	w.Header().Set("Content-Type", jsonType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="api.json"`)
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// encode is v as the API sends JSON.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// etag is the ETag of a version of a delegation or referral.
func etag(r *store.Response) string { return `"` + strconv.Itoa(r.Version) + `"` }

// idempotency answers a POST whose Idempotency-Key has been answered already, with that answer (the
// same body) or a 422 (another body), and otherwise lets the handler make the change, which keeps its
// answer (perform).
func (h *Handler) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > maxIdempotencyKey || strings.IndexFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
			fail(w, http.StatusBadRequest, Error{Path: "Idempotency-Key", Message: fmt.Sprintf("Idempotency-Key must be 1 to %d printable ASCII characters, such as a UUID", maxIdempotencyKey)})
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			fail(w, http.StatusBadRequest, Error{Message: "The request body is too large"})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(body)))
		k, _ := r.Context().Value(keyCtx{}).(*store.APIKey)
		req := &idempotentRequest{key: k.ID + ":" + key, fingerprint: hex.EncodeToString(sum[:])}
		if h.replay(w, r, req) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), idemCtx{}, req)))
	})
}

// replay answers a request whose key has an answer kept, and reports whether it did.
func (h *Handler) replay(w http.ResponseWriter, r *http.Request, req *idempotentRequest) bool {
	kept, err := h.st.IdempotentAnswer(r.Context(), req.key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		h.serverError(w, r, err)
	case kept.Fingerprint != req.fingerprint:
		fail(w, http.StatusUnprocessableEntity, Error{Path: "Idempotency-Key", Message: "This Idempotency-Key was used for another request (another path or body): use a new key for each change"})
	default:
		w.Header().Set("Idempotent-Replayed", "true")
		(&answer{status: kept.Status, location: kept.Location, etag: kept.ETag, body: kept.Body}).write(w)
	}
	return true
}

// ifMatch reads If-Match: the version a change is asked of, or none (absent or *). It answers 412 itself
// when the version is not resp's, and reports whether the handler may go on.
func ifMatch(w http.ResponseWriter, r *http.Request, resp *store.Response) (context.Context, bool) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return r.Context(), true
	}
	n, err := strconv.Atoi(strings.Trim(v, `"`))
	if err != nil || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`) || len(v) < 3 {
		fail(w, http.StatusPreconditionFailed, Error{Path: "If-Match", Message: `If-Match must be the ETag of an answer about this record, such as "3"`})
		return nil, false
	}
	if n != resp.Version {
		stale(w, n, resp.Version)
		return nil, false
	}
	return casework.IfVersion(r.Context(), n), true
}

func stale(w http.ResponseWriter, want, current int) {
	fail(w, http.StatusPreconditionFailed, Error{Path: "If-Match", Message: fmt.Sprintf(`The record has changed since version "%d" (it is at "%d"): read it again, then decide`, want, current)})
}

// perform makes a change (op, with the context it must use) and answers with render's answer, made in
// the change's transaction and kept there for the request's Idempotency-Key, if it has one.
func (h *Handler) perform(w http.ResponseWriter, r *http.Request, ctx context.Context, op func(ctx context.Context) (*store.Response, error),
	render func(ctx context.Context, tx store.Data, resp *store.Response) (*answer, error)) {
	req, _ := r.Context().Value(idemCtx{}).(*idempotentRequest)
	var ans *answer
	ctx = casework.Within(ctx, func(tx store.Data, resp *store.Response) error {
		a, err := render(ctx, tx, resp)
		if err != nil {
			return err
		}
		ans = a
		return h.keepAnswer(ctx, tx, req, a)
	})
	_, err := op(ctx)
	if req != nil && errors.Is(err, store.ErrConflict) && h.replay(w, r, req) {
		return // the same key's first request, racing this one, made the change
	}
	if h.changeFailed(w, r, err) {
		return
	}
	ans.write(w)
}

// keepAnswer keeps a change's answer, in its transaction, for the request's Idempotency-Key (req), if
// it has one.
func (h *Handler) keepAnswer(ctx context.Context, tx store.Data, req *idempotentRequest, a *answer) error {
	if req == nil {
		return nil
	}
	return tx.SaveIdempotentAnswer(ctx, &store.IdempotentAnswer{Key: req.key, Fingerprint: req.fingerprint, Status: a.status,
		Location: a.location, ETag: a.etag, Body: a.body, CreatedAt: h.now()})
}
