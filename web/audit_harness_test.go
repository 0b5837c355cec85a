package web

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"formportal/store"
)

// The audit tests' harness: reading the audit log back, and records of every kind the API serves.

// auditHead is the place of the newest audit entry, to read what a step adds with auditAfter.
func (e *env) auditHead() int64 {
	e.t.Helper()
	list, err := e.store.AuditLog(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) == 0 {
		return 0
	}
	return list[0].Seq
}

// auditAfter lists the entries written after the place head, oldest first.
func (e *env) auditAfter(head int64) []store.AuditEntry {
	e.t.Helper()
	list, err := e.store.AuditLog(context.Background(), store.AuditFilter{Limit: 10000})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []store.AuditEntry
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Seq > head {
			out = append(out, list[i])
		}
	}
	return out
}

// auditLines is entries as "actor | action | target", for messages and comparisons.
func auditLines(list []store.AuditEntry) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.Actor+" | "+e.Action+" | "+e.Target)
	}
	return out
}

// apiRecords is a submitted delegation and a submitted referral, each with a document: every kind of
// child's record the API reads.
type apiRecords struct {
	e                          *env
	key                        string
	delegation, delegationFile string
	referral, referralFile     string
	request                    string // a multi-agency request holding the delegation
}

func newAPIRecords(t *testing.T) *apiRecords {
	t.Helper()
	e, key := newDelegationEnv(t)
	rec := &apiRecords{e: e, key: key, delegation: "d0000000000000000000000000000001", delegationFile: "fd000000000000000000000000000001",
		referral: "r0000000000000000000000000000001", referralFile: "fr000000000000000000000000000001", request: "q0000000000000000000000000000001"}
	ctx := context.Background()
	caseData, _ := json.Marshal(familyCase())
	at := e.clock.Now()
	for _, r := range []struct {
		kind          store.Kind
		id, form, fld string
		file          string
	}{
		{store.KindDelegation, rec.delegation, "family-check", "files", rec.delegationFile},
		{store.KindReferral, rec.referral, "concern", "documents", rec.referralFile},
	} {
		sub := fmt.Sprintf(`{"values":{%q:[{"id":%q,"name":"report.pdf","kind":"pdf","size":%d}]}}`, r.fld, r.file, len(testPDF))
		resp := &store.Response{ID: r.id, Kind: r.kind, FormID: r.form, OwnerEmail: "pro@school.example", OwnerName: "Sam Jones", OwnerUserID: "u1",
			CaseData: caseData, Answers: json.RawMessage(sub), Submission: json.RawMessage(sub), Status: store.StatusSubmitted,
			Reference: "FP-20260302-" + r.id[:1] + "AAAAA", CreatedAt: at, UpdatedAt: at, SubmittedAt: at}
		if err := e.store.CreateResponse(ctx, resp, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.store.AddAttachment(ctx, &store.Attachment{ID: r.file, ResponseID: r.id, FieldID: r.fld, Name: "report.pdf", Kind: "pdf",
			MediaType: "application/pdf", Size: int64(len(testPDF)), Content: testPDF, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.CreateRequest(ctx, &store.Request{ID: rec.request, FormID: "family-check", FormVersion: 1, CreatedBy: "api:lcs", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddToRequest(ctx, rec.request, rec.delegation); err != nil {
		t.Fatal(err)
	}
	return rec
}

// path fills an API route pattern with the records' ids.
func (rec *apiRecords) path(pattern string) string {
	fx := &fixture{task: rec.delegation, taskFile: rec.delegationFile, referral: rec.referral, referralFile: rec.referralFile, formID: "concern",
		request: rec.request}
	return fx.path(pattern)
}
