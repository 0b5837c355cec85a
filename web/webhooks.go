package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
	"formportal/webhook"
)

// Admins' webhooks page: the case system's endpoints (added with a secret shown once, removed), and the
// deliveries given up on, each with a way to resend it. portal webhook add does the same from the
// command line.

// failedDeliveriesShown is how many failed deliveries the page lists, newest first.
const failedDeliveriesShown = 100

func (a *App) webhooks(w http.ResponseWriter, r *http.Request) {
	if userFrom(r).Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	p := a.page(r, i18n.T(r.Context(), "console.webhooks.title"))
	switch r.URL.Query().Get("done") {
	case "removed":
		p.Banner = i18n.T(r.Context(), "console.webhooks.removed")
	case "resent":
		p.Banner = i18n.T(r.Context(), "console.webhooks.resent")
	}
	a.renderWebhooks(w, r, renderer.WebhooksView{Page: p})
}

func (a *App) renderWebhooks(w http.ResponseWriter, r *http.Request, v renderer.WebhooksView) {
	endpoints, err := a.store.WebhookEndpoints(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	for _, e := range endpoints {
		v.Endpoints = append(v.Endpoints, renderer.WebhookEndpointRow{ID: e.ID, URL: e.URL, Added: consoleDateTime(r.Context(), e.CreatedAt)})
	}
	failed, err := a.store.FailedWebhookDeliveries(r.Context(), failedDeliveriesShown)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	for _, d := range failed {
		v.Failed = append(v.Failed, renderer.FailedDeliveryRow{ID: strconv.FormatInt(d.ID, 10), URL: d.Endpoint.URL, Event: d.Event.Type,
			Record: d.Event.ResponseID, Failed: consoleDateTime(r.Context(), d.FailedAt), Reason: d.LastError, Attempts: d.Attempts})
	}
	a.render(w, r, renderer.WebhooksPage(v))
}

func (a *App) addWebhook(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	url := strings.TrimSpace(r.PostFormValue("url"))
	v := renderer.WebhooksView{Page: a.page(r, i18n.T(r.Context(), "console.webhooks.title")), URL: url}
	if err := webhook.CheckURL(url); err != nil || url == "" {
		v.URLError = i18n.T(r.Context(), "console.webhooks.url_problem")
		v.Page.Errors = []renderer.ErrorItem{{Field: "url", Message: v.URLError}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.renderWebhooks(w, r, v)
		return
	}
	e, err := webhook.AddEndpoint(r.Context(), a.store, url, u.Email, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	v.URL = ""
	v.Added = &renderer.WebhookEndpointRow{ID: e.ID, URL: e.URL, Secret: e.Secret}
	w.Header().Set("Cache-Control", "no-store")
	a.renderWebhooks(w, r, v)
}

func (a *App) removeWebhook(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	err := webhook.RemoveEndpoint(r.Context(), a.store, chi.URLParam(r, "id"), u.Email, a.now())
	if errors.Is(err, store.ErrNotFound) {
		a.notFound(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/webhooks?done=removed", http.StatusSeeOther)
}

func (a *App) resendWebhook(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if u.Role != store.RoleAdmin {
		a.notFound(w, r)
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "delivery"), 10, 64)
	if err == nil {
		err = a.store.InTx(r.Context(), func(tx store.Data) error {
			if err := tx.ResendWebhookDelivery(r.Context(), id, a.now()); err != nil {
				return err
			}
			return tx.Audit(r.Context(), store.AuditEntry{At: a.now(), Actor: u.Email, Action: "resent webhook delivery", Detail: chi.URLParam(r, "delivery")})
		})
	}
	if err != nil && (errors.Is(err, store.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange)) {
		a.notFound(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/webhooks?done=resent", http.StatusSeeOther)
}
