// Package audit records security events (sign-ins, refusals) in the store's audit log beside the log
// line, for the HTML application and the API alike. The request is answered whether or not the entry is
// written: the event already happened, and a failure to record it is logged instead.
package audit

import (
	"context"
	"log/slog"
	"net/http"

	"formportal/clientip"
	"formportal/store"
)

// Record writes a security event. Details name addresses and paths, never a child.
func Record(ctx context.Context, st store.Data, log *slog.Logger, e store.AuditEntry) {
	if err := st.Audit(ctx, e); err != nil {
		log.Error("audit entry lost", "action", e.Action, "err", err)
	}
}

// Request is how a refused request is described: what was asked for, from where.
func Request(r *http.Request) string {
	return r.Method + " " + r.URL.Path + " from " + clientip.Addr(r)
}
