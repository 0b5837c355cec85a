package web

import (
	"net/http"
	"time"

	"formportal/casework"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// staffForms lists each form the portal offers with its published versions, which one new responses
// start on, and how many responses are open on each.
func (a *App) staffForms(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	counts, err := a.store.CountResponsesByFormVersion(ctx, casework.OpenStatuses())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	stored, err := a.store.FormVersions(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	published := map[store.FormVersionKey]time.Time{}
	for _, v := range stored {
		published[store.FormVersionKey{FormID: v.FormID, Version: v.Version}] = v.PublishedAt
	}
	v := renderer.FormVersionsView{Page: a.page(r, i18n.T(ctx, "console.forms.title"))}
	for _, cur := range a.forms.All() {
		row := renderer.FormVersionsRow{ID: cur.ID, Title: inLang(ctx, cur).Title}
		for _, f := range a.forms.Versions(cur.ID) {
			k := store.FormVersionKey{FormID: f.ID, Version: f.Version}
			ver := renderer.FormVersionRow{Version: f.Version, Open: counts[k], Current: f == cur}
			if f == cur {
				ver.Open += counts[store.FormVersionKey{FormID: f.ID}] // made before versions were kept: shown with the current one
			}
			if at, ok := published[k]; ok {
				ver.Published = i18n.Date(i18n.From(ctx), at)
			}
			row.Versions = append(row.Versions, ver)
		}
		v.Forms = append(v.Forms, row)
	}
	a.render(w, r, renderer.FormVersionsPage(v))
}
