package store

import (
	"context"
	"encoding/json"
	"time"
)

// APIEvent is something a case system is told of: by webhook, and in the API's event feed. Its data are
// ids and links, never a child's details.
type APIEvent struct {
	Seq        int64 // its place in the feed, in commit order: set by the store
	ID         string
	Type       string // such as delegation.submitted
	ResponseID string
	At         time.Time
	Data       json.RawMessage
}

// WebhookEndpoint is a URL the council registered to be sent every event, signed with its secret.
type WebhookEndpoint struct {
	ID        string
	URL       string
	Secret    string // whsec_ and the base64 of the key
	CreatedAt time.Time
}

// WebhookDelivery is one event on its way to one endpoint.
type WebhookDelivery struct {
	ID            int64
	Endpoint      WebhookEndpoint
	Event         APIEvent
	Attempts      int
	NextAttemptAt time.Time
	DeliveredAt   time.Time
	FailedAt      time.Time // after the last try
	LastError     string
}

// Webhooks are the events, the endpoints and the deliveries between them.
type Webhooks interface {
	// AddAPIEvent records an event with the next place in the feed (held until commit, so places are
	// given in commit order) and a delivery of it to every endpoint.
	AddAPIEvent(ctx context.Context, e *APIEvent) error
	// APIEventsAfter lists up to limit events after a place in the feed, in order.
	APIEventsAfter(ctx context.Context, after int64, limit int) ([]APIEvent, error)
	// APIEventsPurgedThrough is the place in the feed up to which events were removed (0 when none
	// were): the feed holds every event after it.
	APIEventsPurgedThrough(ctx context.Context) (int64, error)
	// DeleteAPIEventsBefore removes, from the start of the feed, the events that happened before a time,
	// up to the first that did not or that a delivery still holds; so what is left is every event from
	// some place on. It says how many it removed.
	DeleteAPIEventsBefore(ctx context.Context, before time.Time) (int, error)
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	WebhookEndpoints(ctx context.Context) ([]WebhookEndpoint, error)
	// DeleteWebhookEndpoint removes an endpoint and its deliveries; ErrNotFound when there is none.
	DeleteWebhookEndpoint(ctx context.Context, id string) error
	// ClaimWebhookDeliveries takes, for each endpoint, its oldest delivery neither delivered nor failed
	// when it is due, until lease ends: one at a time per endpoint, so each receives events in order.
	ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration) ([]WebhookDelivery, error)
	MarkWebhookDelivered(ctx context.Context, id int64, at time.Time) error
	// MarkWebhookAttemptFailed records a failed try: tried again at next, or, when failed is set, not
	// again (it is shown to admins, who can resend it).
	MarkWebhookAttemptFailed(ctx context.Context, id int64, next time.Time, reason string, failed bool) error
	// FailedWebhookDeliveries lists the deliveries given up on, newest first.
	FailedWebhookDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, error)
	// ResendWebhookDelivery puts a failed delivery back in its endpoint's queue, due at; ErrNotFound when
	// it has not failed.
	ResendWebhookDelivery(ctx context.Context, id int64, at time.Time) error
	// DeleteWebhookDeliveriesBefore removes the deliveries delivered before a time, and those failed
	// before it and not resent; it says how many.
	DeleteWebhookDeliveriesBefore(ctx context.Context, before time.Time) (int, error)
}
