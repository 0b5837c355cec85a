package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"formportal/store"
)

// The event feed, for case systems that cannot take webhooks: the same events, in the order they were
// committed, a page at a time. Each page's next is the cursor to pass as after for the following page;
// followed, it gives every event exactly once, however many arrive meanwhile. Events are kept for a
// retention period (retention.Config.Events): without after the feed starts at the oldest held, and a
// cursor from before it, whose following events are gone, is answered 410 Gone.

// Event is one event, as the feed lists it and as a webhook's body carries it (without the id, which is
// the webhook-id header there).
type Event struct {
	ID        string          `json:"id,omitempty"`
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// EventOf is a stored event as the API shows it.
func EventOf(e store.APIEvent) Event {
	return Event{ID: e.ID, Type: e.Type, Timestamp: e.At.UTC(), Data: e.Data}
}

func eventCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("e1." + strconv.FormatInt(seq, 10)))
}

func parseEventCursor(s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, ok := strings.CutPrefix(string(raw), "e1.")
	seq, err := strconv.ParseInt(n, 10, 64)
	return seq, ok && err == nil && seq >= 0
}

func (h *Handler) listEvents(w http.ResponseWriter, r *http.Request) {
	limit, e := limitQuery(r)
	if e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	var after int64
	s := r.URL.Query().Get("after")
	if s != "" {
		var ok bool
		if after, ok = parseEventCursor(s); !ok {
			fail(w, http.StatusBadRequest, Error{Path: "after", Message: "after must be the next value of an earlier page of the events"})
			return
		}
	}
	list, err := h.st.APIEventsAfter(r.Context(), after, limit+1)
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list events: %w", err))
		return
	}
	// Events are removed from the start of the feed only, so when nothing after the cursor has been
	// removed by now, nothing was before the page was read.
	through, err := h.st.APIEventsPurgedThrough(r.Context())
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list events: %w", err))
		return
	}
	switch {
	case s == "" && len(list) == 0:
		after = through // the feed is empty: carry on after the events removed
	case s != "" && through > after:
		kept := "for a set period"
		if h.eventDays > 0 {
			kept = fmt.Sprintf("for %d days", h.eventDays)
		}
		fail(w, http.StatusGone, Error{Path: "after", Message: "The events after this cursor are no longer held: the portal keeps events " + kept +
			". Start again without after, from the oldest event held, and catch up on what you missed from the lists of submissions and referrals"})
		return
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	out := make([]Event, 0, len(list))
	for _, e := range list {
		out = append(out, EventOf(e))
		after = e.Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "next": eventCursor(after), "more": more})
}
