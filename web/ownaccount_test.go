package web

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"formportal/store"
)

// A member of the public deletes their account from My Account: the GOV.UK confirmation says what goes
// and what stays, a wrong password changes nothing, the right one deletes the account and the drafts,
// keeps the submitted form with the council, signs the browser out, and the audit log says so.
func TestDeleteOwnAccount(t *testing.T) {
	e, _ := newDelegationEnv(t)
	ctx := context.Background()
	const email = "leaving@example.org"
	b, draftID := startConcern(t, e, email)
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	sent := &store.Response{ID: "sent1", Kind: store.KindReferral, FormID: "concern", OwnerUserID: u.ID, OwnerEmail: email, Status: store.StatusSubmitted,
		CaseData: json.RawMessage(`{}`), Submission: json.RawMessage(`{"values":{}}`), Reference: "FP-1", CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	if err := e.store.CreateResponse(ctx, sent, nil); err != nil {
		t.Fatal(err)
	}

	b.get("/account").see("Delete your account", "Delete your account and your saved drafts")
	b.get("/account/delete").status(200).see("Delete your account", "your 1 form that has not been submitted will be deleted",
		"forms you have submitted stay with the council", "You cannot undo this", "Delete account", "Cancel")
	b.post("/account/delete", "password", "not my password").status(http.StatusUnprocessableEntity).
		see("There is a problem", "Your password is not correct")
	if _, err := e.store.UserByID(ctx, u.ID); err != nil {
		t.Fatalf("a wrong password deleted the account: %v", err)
	}
	b.post("/account/delete", "password", testPassword).status(200).see("Your account has been deleted", "Forms you submitted stay with the council")

	if _, err := e.store.UserByID(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("account still there: %v", err)
	}
	if _, err := e.store.Response(ctx, draftID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("draft kept: %v", err)
	}
	if _, err := e.store.Response(ctx, "sent1"); err != nil {
		t.Errorf("the submitted form went with the account: %v", err)
	}
	b.get("/account").see("Secure login")
	log, _ := e.store.AuditLog(ctx, store.AuditFilter{Actor: email, Limit: 10})
	actions := map[string]bool{}
	for _, en := range log {
		actions[en.Action] = true
	}
	if !actions["deleted account"] || !actions["purged"] {
		t.Errorf("audit of the deletion: %+v", log)
	}
}

// Staff accounts are not deleted by their owners: admins disable them.
func TestStaffCannotDeleteTheirOwnAccount(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b := e.staff("worker@council.example", false)
	b.get("/account")
	if strings.Contains(b.last, "/account/delete") {
		t.Error("a staff account is offered its own deletion")
	}
	b.get("/account/delete").status(http.StatusNotFound)
}

// An admin downloads everything held about an address from the staff console; staff who are not admins
// do not see the page; the export is in the audit log.
func TestAdminSubjectAccessDownload(t *testing.T) {
	e, _ := newDelegationEnv(t)
	ctx := context.Background()
	const email = "asker@example.org"
	startConcern(t, e, email)
	e.staff("worker@council.example", false).get("/staff/subject-access").status(http.StatusNotFound)

	admin := e.staff("boss@council.example", true)
	admin.get("/staff/subject-access").status(200).see("Subject access request", "Email address")
	admin.post("/staff/subject-access", "email", "not an address").status(http.StatusUnprocessableEntity).
		see("Enter an email address in the correct format")
	admin.post("/staff/subject-access", "email", email).status(200)
	zr, err := zip.NewReader(strings.NewReader(admin.last), int64(len(admin.last)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["account.json"] || !names["audit-log.json"] || !names["README.txt"] {
		t.Errorf("zip holds %v", names)
	}
	log, _ := e.store.AuditLog(ctx, store.AuditFilter{Actor: "boss@council.example", Limit: 5})
	if len(log) == 0 || log[0].Action != "exported subject data" || !strings.Contains(log[0].Detail, email) {
		t.Errorf("audit: %+v", log)
	}
}
