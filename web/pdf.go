package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/download"
	"formportal/i18n"
	"formportal/pdf"
	"formportal/store"
)

// The PDF of a response: the professional's PDF button, a referral's Details, the council's copy.

// pdfHeader is the block at the top of a response's PDF.
func (a *App) pdfHeader(f *flow) []pdf.HeaderLine {
	resp := f.resp
	// In the language of the PDF: the form's copy's (engine.Form.In), as its fixed words are.
	l, _ := i18n.Parse(f.form.Lang())
	t := func(id string) string { return i18n.In(l, "pdf."+id) }
	var h []pdf.HeaderLine
	if resp.Kind == store.KindDelegation {
		for _, c := range caseChildrenIn(l, f.form, f.caseData) {
			h = append(h, pdf.HeaderLine{Label: t("name"), Value: c.Name + "   " + t("dob") + " " + c.DOB})
		}
		m, _ := f.caseData.(map[string]any)
		sender, _ := m["sender"].(map[string]any)
		str := func(mm map[string]any, k string) string { s, _ := mm[k].(string); return s }
		due := t("no_due_date")
		if resp.DueDate != "" {
			due = casework.DateIn(l, resp.DueDate)
		}
		h = append(h, pdf.HeaderLine{Label: t("form_type"), Value: f.form.Title}, pdf.HeaderLine{Label: t("required_by"), Value: due},
			pdf.HeaderLine{Label: t("sent_by"), Value: str(sender, "name")})
		if d := str(sender, "department"); d != "" {
			h = append(h, pdf.HeaderLine{Label: t("department"), Value: d})
		}
	} else {
		h = append(h, pdf.HeaderLine{Label: t("form_type"), Value: f.form.Title})
	}
	if !resp.SubmittedAt.IsZero() {
		h = append(h, pdf.HeaderLine{Label: t("submitted_by"), Value: resp.OwnerName + " (" + resp.OwnerEmail + ")"},
			pdf.HeaderLine{Label: t("submitted"), Value: i18n.DateTime(l, resp.SubmittedAt)})
	} else {
		h = append(h, pdf.HeaderLine{Label: t("status"), Value: i18n.In(l, "pdf.draft_printed", "When", i18n.DateTime(l, a.now()))})
	}
	if resp.Reference != "" {
		h = append(h, pdf.HeaderLine{Label: t("reference"), Value: resp.Reference})
	}
	return h
}

// writePDF renders a flow's answers as a PDF download.
func (a *App) writePDF(w http.ResponseWriter, r *http.Request, f *flow) {
	name, content, err := a.flowPDF(f)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	download.PDF(w, name, content)
}

// flowPDF is a flow's answers as a PDF, and the PDF's file name.
func (a *App) flowPDF(f *flow) (string, []byte, error) {
	var buf bytes.Buffer
	doc := pdf.Document{Form: f.form, CaseData: f.caseData, Answers: f.answers, Sections: f.resp.Sections,
		Header: a.pdfHeader(f), Marking: a.cfg.Marking, Today: a.now(), Changes: f.changes}
	if f.changes != nil {
		l, _ := i18n.Parse(f.form.Lang())
		doc.ChangesTitle = i18n.In(l, "console.changes.title")
	}
	res, err := pdf.Render(&buf, doc)
	if err != nil {
		return "", nil, fmt.Errorf("pdf of %s: %w", f.resp.ID, err)
	}
	if len(res.Replaced) > 0 {
		a.log.Warn("pdf: characters the font cannot draw were replaced", "response", f.resp.ID, "characters", string(res.Replaced))
	}
	name := f.form.ID + "-" + f.resp.ID[:8] + ".pdf"
	if f.resp.Reference != "" {
		name = f.form.ID + "-" + f.resp.Reference + ".pdf"
	}
	return name, buf.Bytes(), nil
}

// ResponsePDF is a delegation's or referral's PDF as the portals print it, for the API (api.Printer).
func (a *App) ResponsePDF(resp *store.Response) (string, []byte, error) {
	flow := a.taskFlow
	if resp.Kind == store.KindReferral {
		flow = a.referralFlow
	}
	// The council's case system reads it: in English, the language the council works in.
	f, err := flow(context.Background(), resp)
	if err != nil {
		return "", nil, err
	}
	f.forStaff()
	return a.flowPDF(f)
}

func (a *App) taskPDF(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, false)
	if !ok {
		return
	}
	a.writePDF(w, r, f)
}

func (a *App) referralPDF(w http.ResponseWriter, r *http.Request) {
	if f, ok := a.openReferral(w, r, false); ok {
		a.writePDF(w, r, f)
	}
}

// blankPDF is a form with every question and condition, for reading offline before filling it in.
func (a *App) blankPDF(w http.ResponseWriter, r *http.Request) {
	form := a.forms.Get(chi.URLParam(r, "form"))
	if form == nil {
		a.notFound(w, r)
		return
	}
	var buf bytes.Buffer
	// Anyone may fetch it: the form as the person filling it in sees it, without what only staff see.
	form = form.ForPerson()
	if _, err := pdf.Render(&buf, pdf.Document{Form: form, Blank: true, Marking: a.cfg.Marking, Today: a.now()}); err != nil {
		a.serverError(w, r, fmt.Errorf("blank pdf of %s: %w", form.ID, err))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", form.ID+"-blank.pdf"))
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(buf.Bytes())
}
