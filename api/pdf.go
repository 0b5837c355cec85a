package api

import (
	"fmt"
	"net/http"

	"formportal/download"
	"formportal/store"
)

// The PDF of a delegation or referral, as the portals print it.

func (h *Handler) delegationPDF(w http.ResponseWriter, r *http.Request) {
	if resp, ok := h.delegation(w, r); ok {
		h.servePDF(w, r, resp)
	}
}

func (h *Handler) referralPDF(w http.ResponseWriter, r *http.Request) {
	if resp, ok := h.referral(w, r); ok {
		h.servePDF(w, r, resp)
	}
}

// servePDF sends the response's PDF, audited as a read.
func (h *Handler) servePDF(w http.ResponseWriter, r *http.Request, resp *store.Response) {
	if !h.read(w, r, "downloaded PDF", resp, "") {
		return
	}
	name, content, err := h.pdf.ResponsePDF(resp)
	if err != nil {
		h.serverError(w, r, fmt.Errorf("pdf of %s: %w", resp.ID, err))
		return
	}
	download.PDF(w, name, content)
}
