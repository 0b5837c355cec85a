// Command casesystem is a worked example of a council's case management system driving the Delegation
// Portal through its back-office API, with a client generated from the API's OpenAPI document (package
// lcs). It creates a delegation, receives the webhook that it was submitted and checks its signature as
// the Standard Webhooks specification says, fetches the submission with its documents and its PDF, and
// returns it to the professional for more information:
//
//	portal webhook add http://127.0.0.1:9000/portal-events   # prints the secret
//	CASESYSTEM_KEY=fpk_... CASESYSTEM_SECRET=whsec_... go run ./examples/casesystem \
//	    -portal http://localhost:8080 -listen 127.0.0.1:9000 -form family-check -case-data case.json -to pro@school.example
package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"formportal/examples/casesystem/lcs"
)

// Config is what the case system needs to know.
type Config struct {
	Portal       string // the portal's address
	Key          string // an API key: portal apikey create NAME
	Secret       string // the webhook endpoint's signing secret: portal webhook add URL
	Listen       string // where the webhook receiver listens
	Form         string
	CaseData     map[string]any
	Professional lcs.Professional
	Log          *log.Logger
}

// Result is what the case system got.
type Result struct {
	Delegation string
	Submission *lcs.Submission
	Documents  map[string][]byte // by attachment id
	PDF        []byte
	Returned   *lcs.Delegation
}

// event is a webhook's body.
type event = lcs.ReceiveEventJSONBody

func main() {
	var cfg Config
	var caseData, to string
	flag.StringVar(&cfg.Portal, "portal", "http://localhost:8080", "the portal's address")
	flag.StringVar(&cfg.Listen, "listen", "127.0.0.1:9000", "where the webhook receiver listens (registered with portal webhook add)")
	flag.StringVar(&cfg.Form, "form", "family-check", "the delegation form")
	flag.StringVar(&caseData, "case-data", "case.json", "a file of the form's case data, as JSON")
	flag.StringVar(&to, "to", "", "the professional's email address")
	flag.Parse()
	cfg.Key, cfg.Secret = os.Getenv("CASESYSTEM_KEY"), os.Getenv("CASESYSTEM_SECRET")
	cfg.Professional = lcs.Professional{Email: openapi_types.Email(to), Name: to}
	cfg.Log = log.New(os.Stderr, "casesystem: ", 0)
	raw, err := os.ReadFile(caseData)
	if err == nil {
		err = json.Unmarshal(raw, &cfg.CaseData)
	}
	if err != nil {
		cfg.Log.Fatalf("case data: %v", err)
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		cfg.Log.Fatal(err)
	}
	cfg.Log.Printf("delegation %s: submission %s with %d documents and a PDF of %d bytes, returned: %s",
		res.Delegation, res.Submission.Reference, len(res.Documents), len(res.PDF), res.Returned.Status)
}

// Run is the whole round: create, wait for the submission's webhook, fetch, return.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	events := make(chan event, 64)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	srv := &http.Server{Handler: receiver(cfg.Secret, events), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	client, err := lcs.NewClientWithResponses(strings.TrimSuffix(cfg.Portal, "/")+"/api/v1", lcs.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+cfg.Key)
		return nil
	}))
	if err != nil {
		return nil, err
	}
	// Create: with an Idempotency-Key, so that retrying after a lost answer makes no second delegation.
	key := newKey()
	created, err := client.CreateDelegationWithResponse(ctx, &lcs.CreateDelegationParams{IdempotencyKey: &key},
		lcs.NewDelegation{Form: cfg.Form, CaseData: cfg.CaseData, Professional: cfg.Professional})
	if err != nil {
		return nil, fmt.Errorf("create delegation: %w", err)
	}
	if created.JSON201 == nil {
		return nil, fmt.Errorf("create delegation: %s %s", created.Status(), created.Body)
	}
	res := &Result{Delegation: created.JSON201.Id, Documents: map[string][]byte{}}
	cfg.Log.Printf("delegation %s sent to %s; waiting for its submission", res.Delegation, cfg.Professional.Email)

	for submitted := false; !submitted; {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev := <-events:
			submitted = ev.Type == lcs.DelegationSubmitted && ev.Data.Id == res.Delegation
		}
	}
	sub, err := client.GetDelegationSubmissionWithResponse(ctx, res.Delegation)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if sub.JSON200 == nil {
		return nil, fmt.Errorf("submission: %s", sub.Status())
	}
	res.Submission = sub.JSON200
	for _, att := range sub.JSON200.Attachments {
		doc, err := client.GetDelegationAttachmentWithResponse(ctx, res.Delegation, att.Id)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", att.Name, err)
		}
		if doc.StatusCode() != http.StatusOK {
			return nil, fmt.Errorf("document %s: %s", att.Name, doc.Status())
		}
		res.Documents[att.Id] = doc.Body
	}
	pdf, err := client.GetDelegationPDFWithResponse(ctx, res.Delegation)
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	if pdf.StatusCode() != http.StatusOK {
		return nil, fmt.Errorf("pdf: %s", pdf.Status())
	}
	res.PDF = pdf.Body
	// Return it for more information, as of the version read: If-Match makes it fail (412) rather than
	// overrule a change made meanwhile.
	d, err := client.GetDelegationWithResponse(ctx, res.Delegation)
	if err != nil {
		return nil, fmt.Errorf("delegation: %w", err)
	}
	if d.JSON200 == nil {
		return nil, fmt.Errorf("delegation: %s", d.Status())
	}
	etag, retKey := d.HTTPResponse.Header.Get("ETag"), newKey()
	reason, comment := "Insufficient Detail", "Please add the dates of the absences"
	ret, err := client.ReturnDelegationWithResponse(ctx, res.Delegation, &lcs.ReturnDelegationParams{IdempotencyKey: &retKey, IfMatch: &etag},
		lcs.Reason{Reason: &reason, Comment: &comment})
	if err != nil {
		return nil, fmt.Errorf("return: %w", err)
	}
	if ret.JSON200 == nil {
		return nil, fmt.Errorf("return: %s", ret.Status())
	}
	res.Returned = ret.JSON200
	return res, nil
}

// receiver takes the portal's webhooks: it checks each one's signature and time, answers 401 to any that
// does not verify, tells each event once (by webhook-id) and answers 204.
func receiver(secret string, events chan<- event) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable", http.StatusBadRequest)
			return
		}
		if err := verify(secret, r.Header, raw, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			http.Error(w, "not an event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		repeat := seen[r.Header.Get("webhook-id")]
		seen[r.Header.Get("webhook-id")] = true
		mu.Unlock()
		if !repeat {
			events <- ev
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// verify checks a webhook as Standard Webhooks says: HMAC-SHA256 of "id.timestamp.body" under the
// secret's key, in any of the signatures, and a timestamp within five minutes.
func verify(secret string, h http.Header, raw []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return errors.New("the secret is not whsec_ and base64")
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || id == "" {
		return errors.New("no webhook-id or webhook-timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("the timestamp is too far from now")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(raw)
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if v, b64, ok := strings.Cut(sig, ","); ok && v == "v1" {
			if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return errors.New("no signature matches")
}

// newKey is an Idempotency-Key.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
