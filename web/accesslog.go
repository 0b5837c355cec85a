package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/i18n"
	"formportal/metrics"
)

// Every request gets an id, echoed in the X-Request-Id header and on error pages, so that someone who
// quotes it leads to the request's log lines. A proxy the portal trusts (-trusted-proxies) may give its
// own id, which is kept so that its logs and the portal's match; from anyone else the header is ignored.

type requestIDKey struct{}

// requestID is the id of the request r.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// proxyRequestID is the shape of an id a proxy may give: nothing that could break a log line.
var proxyRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// methods are the request methods the metrics name; any other counts as "other", so that made-up
// methods cannot multiply the series.
var methods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true}

// accessLog gives the request its id, and when it is answered logs one line and counts it in the
// metrics: the method, the route's pattern (/tasks/{id}/pages/*: never the path or the query, which can
// hold ids and tokens), the status, the time taken, the bytes sent and the id. Nothing a person typed.
func (a *App) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !proxyRequestID.MatchString(id) || !a.fromTrustedProxy(r) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &responseRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			route := ""
			if rc := chi.RouteContext(r.Context()); rc != nil {
				route = rc.RoutePattern()
			}
			method := r.Method
			if !methods[method] {
				method = "other"
			}
			took := time.Since(start)
			metrics.Request(route, method, rec.status, took)
			a.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", method), slog.String("route", route),
				slog.Int("status", rec.status), slog.Float64("duration_ms", float64(took.Microseconds())/1000),
				slog.Int64("bytes", rec.bytes), slog.String("request_id", id))
		}()
		next.ServeHTTP(rec, r)
	})
}

// fromTrustedProxy reports whether the request came straight from a proxy of -trusted-proxies.
func (a *App) fromTrustedProxy(r *http.Request) bool {
	ip := net.ParseIP(clientAddr(r))
	return ip != nil && inRanges(ip, a.cfg.TrustedProxies)
}

// responseRecorder notes the status and the bytes of a response as it is written.
type responseRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (rr *responseRecorder) WriteHeader(code int) {
	if !rr.wroteHeader {
		rr.status, rr.wroteHeader = code, true
	}
	rr.ResponseWriter.WriteHeader(code)
}

func (rr *responseRecorder) Write(b []byte) (int, error) {
	rr.wroteHeader = true
	n, err := rr.ResponseWriter.Write(b)
	rr.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rr *responseRecorder) Unwrap() http.ResponseWriter { return rr.ResponseWriter }

// quoteReference is the sentence on an error page that gives the request's id to quote.
func quoteReference(r *http.Request, l i18n.Lang) string {
	return i18n.In(l, "errorpage.quote", "Reference", requestID(r))
}
