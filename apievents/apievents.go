// Package apievents makes the events a case system is told of, by webhook and in the API's event feed:
// what happened, to which delegation or referral, as ids and links the receiver follows with its API
// key. Never a child's details.
package apievents

import (
	"context"
	"encoding/json"
	"time"

	"formportal/store"
)

// APIBase is where the back-office API is, for the links in events.
const APIBase = "/api/v1"

// The event types.
const (
	DelegationSubmitted          = "delegation.submitted"
	DelegationReassigned         = "delegation.reassigned" // by the professional, to a colleague
	DelegationEmailUndeliverable = "delegation.email_undeliverable"
	DelegationAutoReplyChanged   = "delegation.auto_reply_changed" // the professional's automatic reply set, changed or removed
	ReferralSubmitted            = "referral.submitted"
	ReferralResubmitted          = "referral.resubmitted" // after it was returned for more information
)

// Types are every event type, as documented.
var Types = []string{DelegationSubmitted, DelegationReassigned, DelegationEmailUndeliverable, DelegationAutoReplyChanged, ReferralSubmitted, ReferralResubmitted}

// Data is what an event says: which record, where to fetch it.
type Data struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Href       string `json:"href"`
	Reference  string `json:"reference,omitempty"`
	Submission string `json:"submission,omitempty"`
	Previous   string `json:"previous,omitempty"`
}

// Record adds the event typ about r, at, to the feed and to every webhook endpoint's deliveries, on tx
// (the transaction of the change it tells of).
func Record(ctx context.Context, tx store.Data, typ string, r *store.Response, at time.Time) error {
	d := Data{ID: r.ID, Kind: string(r.Kind), Href: APIBase + "/" + string(r.Kind) + "s/" + r.ID, Reference: r.Reference}
	if r.Kind == store.KindDelegation && !r.SubmittedAt.IsZero() {
		d.Submission = d.Href + "/submission"
	}
	if r.PreviousID != "" {
		d.Previous = APIBase + "/referrals/" + r.PreviousID
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return tx.AddAPIEvent(ctx, &store.APIEvent{ID: "msg_" + store.NewID(), Type: typ, ResponseID: r.ID, At: at, Data: data})
}
