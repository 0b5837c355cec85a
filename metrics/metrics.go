// Package metrics is the portal's Prometheus metrics: one registry for the process, the functions the
// other packages call when something worth counting happens, and the handler that serves them on the
// separate -metrics-addr. Labels are routes, methods, statuses, kinds and reasons only: never an id, an
// address or anything typed, so a metric can never carry a person's or a child's details and the number
// of series stays small.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var registry = prometheus.NewRegistry()

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "portal", Name: name, Help: help}, labels)
	registry.MustRegister(c)
	return c
}

var (
	requests = counter("http_requests_total", "HTTP requests answered, by route pattern, method and status.", "route", "method", "status")
	latency  = func() *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "portal", Name: "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"route", "method"})
		registry.MustRegister(h)
		return h
	}()
	saves           = counter("saves_total", "Drafts saved, by kind (delegation or referral).", "kind")
	submissions     = counter("submissions_total", "Forms submitted, by kind (delegation or referral).", "kind")
	signInFailures  = counter("signin_failures_total", "Failed sign-ins, by reason.", "reason")
	storeErrors     = counter("store_errors_total", "Database operations that failed, by operation (read, write, stats).", "op")
	webhookFailures = counter("webhook_failures_total", "Webhook deliveries that failed, by reason.", "reason")
	addressLookups  = counter("address_lookups_total", "Searches for the addresses at a postcode, by outcome.", "outcome")
	formPages       = counter("form_pages_total", "Form pages answered, by how: kept (written as drawn before, nothing it shows having changed) or drawn.", "how")
)

// Address lookup outcomes.
const (
	LookupFound   = "found"   // addresses found
	LookupNone    = "none"    // none at the postcode
	LookupFailed  = "failed"  // the gazetteer failed or did not answer in time
	LookupRefused = "refused" // the gazetteer refused the portal's key: the configuration needs fixing
	LookupLimited = "limited" // not asked: a session, network address or the portal was past its allowance
)

// Webhook failure reasons.
const (
	WebhookConnect = "connect" // the receiver could not be reached
	WebhookTimeout = "timeout" // it did not answer in time
	WebhookStatus  = "status"  // it answered with an error status
)

func init() {
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), storeCollector{})
	// Every series a dashboard or an alert looks for exists from the start, at 0.
	for _, kind := range []string{"delegation", "referral"} {
		saves.WithLabelValues(kind)
		submissions.WithLabelValues(kind)
	}
	for _, reason := range []string{WrongPassword, TooManyAttempts, WrongCode, WrongAuthenticatorCode} {
		signInFailures.WithLabelValues(reason)
	}
	for _, op := range []string{"read", "write", "stats"} {
		storeErrors.WithLabelValues(op)
	}
	for _, reason := range []string{WebhookConnect, WebhookTimeout, WebhookStatus} {
		webhookFailures.WithLabelValues(reason)
	}
	for _, outcome := range []string{LookupFound, LookupNone, LookupFailed, LookupRefused, LookupLimited} {
		addressLookups.WithLabelValues(outcome)
	}
}

// Request counts one answered request. route is the router's pattern (/tasks/{id}/pages/*), never the
// path, which holds ids; a request no route matched has the route "unmatched".
func Request(route, method string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// Saved counts a draft saved, of kind "delegation" or "referral".
func Saved(kind string) { saves.WithLabelValues(kind).Inc() }

// Submitted counts a form submitted, of kind "delegation" or "referral".
func Submitted(kind string) { submissions.WithLabelValues(kind).Inc() }

// Sign-in failure reasons.
const (
	WrongPassword          = "wrong_password"
	TooManyAttempts        = "too_many_attempts"
	WrongCode              = "wrong_code"
	WrongAuthenticatorCode = "wrong_authenticator_code"
)

// SignInFailed counts a failed sign-in, for one of the reasons above.
func SignInFailed(reason string) { signInFailures.WithLabelValues(reason).Inc() }

// StoreError counts a failed database operation: "read", "write" or "stats".
func StoreError(op string) { storeErrors.WithLabelValues(op).Inc() }

// WebhookFailed counts a webhook delivery that failed, for one of the Webhook reasons: never a URL or a
// body.
func WebhookFailed(reason string) { webhookFailures.WithLabelValues(reason).Inc() }

// AddressLookup counts a search for the addresses at a postcode, by one of the Lookup outcomes: never the
// postcode.
func AddressLookup(outcome string) { addressLookups.WithLabelValues(outcome).Inc() }

// FormPage counts a form page answered: written as kept, or drawn.
func FormPage(kept bool) {
	how := "drawn"
	if kept {
		how = "kept"
	}
	formPages.WithLabelValues(how).Inc()
}

// StoreStats is what the store reports at each scrape.
type StoreStats struct {
	OutboxDepth   int           // email waiting to be sent
	OutboxOldest  time.Duration // how long the oldest of it has waited; 0 when none waits
	DatabaseBytes int64         // the database's size
	DiskFreeBytes int64         // free space beside the database, when DiskFreeKnown (not for a remote one)
	DiskFreeKnown bool
}

var (
	statsMu sync.Mutex
	stats   func(context.Context) (StoreStats, error)
)

// WatchStore reports read at every scrape as portal_outbox_depth, portal_outbox_oldest_age_seconds,
// portal_database_size_bytes and portal_disk_free_bytes. A failure to read them counts a store error
// and leaves them out of that scrape. The last store watched is the one reported.
func WatchStore(read func(context.Context) (StoreStats, error)) {
	statsMu.Lock()
	defer statsMu.Unlock()
	stats = read
}

var (
	outboxDepthDesc  = prometheus.NewDesc("portal_outbox_depth", "Email waiting to be sent (sign-in codes, notifications).", nil, nil)
	outboxAgeDesc    = prometheus.NewDesc("portal_outbox_oldest_age_seconds", "How long the oldest email waiting to be sent has waited.", nil, nil)
	databaseSizeDesc = prometheus.NewDesc("portal_database_size_bytes", "The size of the database.", nil, nil)
	diskFreeDesc     = prometheus.NewDesc("portal_disk_free_bytes", "Free space on the disk of the SQLite database.", nil, nil)
)

type storeCollector struct{}

func (storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{outboxDepthDesc, outboxAgeDesc, databaseSizeDesc, diskFreeDesc} {
		ch <- d
	}
}

func (storeCollector) Collect(ch chan<- prometheus.Metric) {
	statsMu.Lock()
	read := stats
	statsMu.Unlock()
	if read == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := read(ctx)
	if err != nil {
		StoreError("stats")
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, float64(st.OutboxDepth))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, st.OutboxOldest.Seconds())
	ch <- prometheus.MustNewConstMetric(databaseSizeDesc, prometheus.GaugeValue, float64(st.DatabaseBytes))
	if st.DiskFreeKnown {
		ch <- prometheus.MustNewConstMetric(diskFreeDesc, prometheus.GaugeValue, float64(st.DiskFreeBytes))
	}
}

// Handler serves the metrics in Prometheus's text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry})
}
