// Package subject answers a subject access request: everything the portal holds about one email address,
// as a zip of JSON, a PDF of each form and the documents uploaded with them.
package subject

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"formportal/engine"
	"formportal/forms"
	"formportal/pdf"
	"formportal/store"
)

// Exporter gathers what is held about a person.
type Exporter struct {
	St      store.Store
	Forms   *forms.Library
	Marking string // printed on every page of the PDFs
	Now     func() time.Time
}

// Summary counts what an export holds.
type Summary struct {
	Account   bool
	Forms     int
	Documents int
	Emails    int
	Audit     int
}

// account is what the export says of the account: never its password hash or authenticator secret.
type account struct {
	ID              string    `json:"id"`
	Email           string    `json:"email"`
	Forename        string    `json:"forename"`
	Surname         string    `json:"surname"`
	Organisation    string    `json:"organisation,omitempty"`
	Phone           string    `json:"phone,omitempty"`
	Role            string    `json:"role,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	EmailVerifiedAt time.Time `json:"emailVerifiedAt,omitzero"`
	TermsAcceptedAt time.Time `json:"termsAcceptedAt,omitzero"`
	DisabledAt      time.Time `json:"disabledAt,omitzero"`
	TwoFactor       bool      `json:"authenticatorApp"`
}

// form is one response in the export.
type form struct {
	ID          string          `json:"id"`
	Kind        store.Kind      `json:"kind"`
	Form        string          `json:"form"`
	Status      store.Status    `json:"status"`
	Reference   string          `json:"reference,omitempty"`
	Owner       string          `json:"owner"`
	CreatedAt   time.Time       `json:"createdAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
	SubmittedAt time.Time       `json:"submittedAt,omitzero"`
	DueDate     string          `json:"dueDate,omitempty"`
	Comments    string          `json:"comments,omitempty"`
	Return      string          `json:"returnReason,omitempty"`
	CaseData    json.RawMessage `json:"caseData"`
	Answers     json.RawMessage `json:"answers"`
	Submission  json.RawMessage `json:"submission,omitempty"`
	History     []store.Event   `json:"history"`
	Documents   []string        `json:"documents"`
}

// Export writes the zip of what is held about email to w and records in the audit log that actor made it.
func (x *Exporter) Export(ctx context.Context, email, actor string, w io.Writer) (Summary, error) {
	var sum Summary
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return sum, errors.New("export: no email address given")
	}
	z := zip.NewWriter(w)
	u, err := x.St.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		u = nil
	case err != nil:
		return sum, fmt.Errorf("export: %w", err)
	}
	responses, err := x.St.ListResponses(ctx, store.ResponseFilter{OwnerEmail: email})
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if u != nil {
		sum.Account = true
		a := account{ID: u.ID, Email: u.Email, Forename: u.Forename, Surname: u.Surname, Organisation: u.Organisation, Phone: u.Phone, Role: u.Role,
			CreatedAt: u.CreatedAt, EmailVerifiedAt: u.EmailVerifiedAt, TermsAcceptedAt: u.TermsAcceptedAt, DisabledAt: u.DisabledAt, TwoFactor: u.TOTPSecret != ""}
		if err := writeJSON(z, "account.json", a); err != nil {
			return sum, err
		}
		replies, err := x.St.AutoReplies(ctx, u.ID)
		if err != nil {
			return sum, fmt.Errorf("export: %w", err)
		}
		if err := writeJSON(z, "automatic-replies.json", replies); err != nil {
			return sum, err
		}
		// Referrals are found by their author too: an address changed since still finds them.
		own, err := x.St.ListResponses(ctx, store.ResponseFilter{OwnerUserID: u.ID})
		if err != nil {
			return sum, fmt.Errorf("export: %w", err)
		}
		seen := map[string]bool{}
		for _, r := range responses {
			seen[r.ID] = true
		}
		for _, r := range own {
			if !seen[r.ID] {
				responses = append(responses, r)
			}
		}
	}
	for _, r := range responses {
		n, err := x.form(ctx, z, r)
		if err != nil {
			return sum, err
		}
		sum.Forms++
		sum.Documents += n
	}
	mails, err := x.St.MailTo(ctx, email)
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	sum.Emails = len(mails)
	if err := writeJSON(z, "emails.json", mails); err != nil {
		return sum, err
	}
	entries, err := x.audit(ctx, email)
	if err != nil {
		return sum, err
	}
	sum.Audit = len(entries)
	if err := writeJSON(z, "audit-log.json", entries); err != nil {
		return sum, err
	}
	if err := writeFile(z, "README.txt", []byte(readme(email, x.Now(), sum))); err != nil {
		return sum, err
	}
	if err := z.Close(); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	err = x.St.Audit(ctx, store.AuditEntry{At: x.Now(), Actor: actor, Action: "exported subject data",
		Detail: fmt.Sprintf("%s: %d forms, %d documents, %d emails, %d audit entries", email, sum.Forms, sum.Documents, sum.Emails, sum.Audit)})
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	return sum, nil
}

// form writes one response: its JSON, its PDF and its documents, under forms/ID/.
func (x *Exporter) form(ctx context.Context, z *zip.Writer, r *store.Response) (int, error) {
	dir := "forms/" + r.ID + "/"
	events, err := x.St.Events(ctx, r.ID)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", r.ID, err)
	}
	docs, err := x.St.AttachmentsOf(ctx, r.ID)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", r.ID, err)
	}
	f := form{ID: r.ID, Kind: r.Kind, Form: r.FormID, Status: r.Status, Reference: r.Reference, Owner: r.OwnerEmail, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		SubmittedAt: r.SubmittedAt, DueDate: r.DueDate, Comments: r.Comments, Return: r.ReturnReason, CaseData: r.CaseData, Answers: r.Answers,
		Submission: r.Submission, History: events, Documents: []string{}}
	for _, d := range docs {
		a, err := x.St.Attachment(ctx, d.ID)
		if err != nil {
			return 0, fmt.Errorf("export %s: %w", r.ID, err)
		}
		name := dir + "documents/" + d.ID + "-" + path.Base(strings.ReplaceAll(d.Name, "\\", "/"))
		if err := writeFile(z, name, a.Content); err != nil {
			return 0, err
		}
		f.Documents = append(f.Documents, name)
	}
	if err := writeJSON(z, dir+"form.json", f); err != nil {
		return 0, err
	}
	if def := x.Forms.Get(r.FormID); def != nil {
		b, err := x.pdf(def, r)
		if err != nil {
			return 0, fmt.Errorf("export %s: %w", r.ID, err)
		}
		if err := writeFile(z, dir+"form.pdf", b); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

// pdf prints a response's answers: its submission once submitted, else its draft.
func (x *Exporter) pdf(def *engine.Form, r *store.Response) ([]byte, error) {
	raw := r.Answers
	if len(r.Submission) > 0 {
		raw = r.Submission
	}
	var answers engine.Answers
	if err := json.Unmarshal(raw, &answers); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	var caseData any
	if err := json.Unmarshal(r.CaseData, &caseData); err != nil {
		return nil, fmt.Errorf("case data: %w", err)
	}
	header := []pdf.HeaderLine{}
	if r.Reference != "" {
		header = append(header, pdf.HeaderLine{Label: "Reference", Value: r.Reference})
	}
	var buf bytes.Buffer
	if _, err := pdf.Render(&buf, pdf.Document{Form: def, CaseData: caseData, Answers: answers, Sections: r.Sections, Header: header,
		Marking: x.Marking, Today: x.Now()}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// audit is every entry of the audit log made by the address, oldest last.
func (x *Exporter) audit(ctx context.Context, email string) ([]store.AuditEntry, error) {
	var out []store.AuditEntry
	f := store.AuditFilter{Actor: email, Limit: 500}
	for {
		page, err := x.St.AuditLog(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("export audit log: %w", err)
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.Before = page[len(page)-1].Seq
	}
}

func writeJSON(z *zip.Writer, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return writeFile(z, name, append(b, '\n'))
}

func writeFile(z *zip.Writer, name string, b []byte) error {
	w, err := z.Create(name)
	if err == nil {
		_, err = w.Write(b)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return nil
}

func readme(email string, at time.Time, s Summary) string {
	acct := "no account"
	if s.Account {
		acct = "the account (account.json) and its automatic replies (automatic-replies.json)"
	}
	return fmt.Sprintf(`What the portal holds about %s, exported on %s.

It holds %s; %d forms the address wrote or was sent (forms/ID/form.json, with a PDF of each,
form.pdf, and the %d documents uploaded with them in forms/ID/documents/); the %d emails sent to
it (emails.json); and the %d entries of the audit log of what it did (audit-log.json).
Passwords and authenticator secrets are kept only as hashes and are not included.
`, email, at.UTC().Format("2 January 2006 15:04 MST"), acct, s.Forms, s.Documents, s.Emails, s.Audit)
}
