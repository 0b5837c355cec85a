package api

import (
	"context"
	"net/http"
	"strings"

	"formportal/casework"
	"formportal/store"
)

// referral loads the submitted referral named in the URL, answering 404 itself.
func (h *Handler) referral(w http.ResponseWriter, r *http.Request) (*store.Response, bool) {
	return h.responseInURL(w, r, "There is no submitted referral with this id", func(resp *store.Response) bool {
		return resp.Kind == store.KindReferral && resp.Status != store.StatusDraft
	})
}

type referralView struct {
	submissionView
	Status        string `json:"status"`
	ReturnReason  string `json:"returnReason,omitempty"`
	ReturnComment string `json:"returnComment,omitempty"`
	Previous      string `json:"previous,omitempty"`
}

func (h *Handler) referralJSON(resp *store.Response) referralView {
	v := referralView{submissionView: h.submissionJSON(resp), Status: string(resp.Status), ReturnReason: resp.ReturnReason, ReturnComment: resp.ReturnComment}
	for i := range v.Attachments {
		v.Attachments[i].Href = Base + "/referrals/" + resp.ID + "/attachments/" + v.Attachments[i].ID
	}
	if resp.PreviousID != "" {
		v.Previous = Base + "/referrals/" + resp.PreviousID
	}
	return v
}

func (h *Handler) listReferrals(w http.ResponseWriter, r *http.Request) {
	listPage(h, w, r, store.ResponseFilter{Kind: store.KindReferral, Statuses: []store.Status{store.StatusSubmitted}}, "referrals", h.referralJSON)
}

func (h *Handler) getReferral(w http.ResponseWriter, r *http.Request) {
	resp, ok := h.referral(w, r)
	if !ok || !h.read(w, r, "read answers", resp, "") {
		return
	}
	w.Header().Set("ETag", etag(resp))
	writeJSON(w, http.StatusOK, h.referralJSON(resp))
}

func (h *Handler) returnReferral(w http.ResponseWriter, r *http.Request) {
	resp, ok := h.referral(w, r)
	if !ok {
		return
	}
	var req reasonRequest
	if e := decodeJSON(r, &req); e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	ctx, ok := ifMatch(w, r, resp)
	if !ok {
		return
	}
	if !casework.Allowed(casework.Return, resp.Kind, resp.Status) {
		notAllowed(w, &casework.NotAllowedError{Action: casework.Return, Kind: resp.Kind, Status: resp.Status})
		return
	}
	if strings.TrimSpace(req.Reason) == "" {
		fail(w, http.StatusBadRequest, Error{Path: "reason", Message: "reason is required, for example Insufficient Detail"})
		return
	}
	h.perform(w, r, ctx, func(ctx context.Context) (*store.Response, error) {
		return h.work.ReturnForInformation(ctx, resp.ID, actor(r), strings.TrimSpace(req.Reason), strings.TrimSpace(req.Comment), req.Marks...)
	}, func(ctx context.Context, tx store.Data, reopened *store.Response) (*answer, error) {
		returned, err := tx.Response(ctx, reopened.PreviousID)
		if err != nil {
			return nil, err
		}
		body, err := encode(map[string]any{"returned": h.referralJSON(returned), "reopened": reopened.ID})
		if err != nil {
			return nil, err
		}
		return &answer{status: http.StatusOK, etag: etag(returned), body: body}, nil
	})
}

func (h *Handler) referralAttachment(w http.ResponseWriter, r *http.Request) {
	if resp, ok := h.referral(w, r); ok {
		h.serveAttachment(w, r, resp)
	}
}
