package web

import (
	"net/http"

	"formportal/store"
)

// Security events (sign-ins, failed sign-ins, refusals) go to the audit log beside the log line, so an
// admin can follow one person or one record through them. The request is answered whether or not the
// entry is written: the event already happened, and a failure to record it is logged instead.

// actorOf is who made a request: the signed-in person's email address, or anonymous.
func actorOf(r *http.Request) string {
	if u := userFrom(r); u != nil {
		return u.Email
	}
	return "anonymous"
}

// auditEvent records a security event. Details name addresses and paths, never a child.
func (a *App) auditEvent(r *http.Request, actor, action, target, detail string) {
	err := a.store.Audit(r.Context(), store.AuditEntry{At: a.now(), Actor: actor, Action: action, Target: target, Detail: detail})
	if err != nil {
		a.log.Error("audit entry lost", "action", action, "err", err)
	}
}

// auditRefusal records a refused request: who, and what they asked for from where.
func (a *App) auditRefusal(r *http.Request, actor, action, target string) {
	a.auditEvent(r, actor, action, target, r.Method+" "+r.URL.Path+" from "+clientAddr(r))
}
