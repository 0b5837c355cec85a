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

// An attacker who guesses at the password of a browser left signed in is stopped after a few tries, and
// the right password then does nothing until the wait is over.
func TestDeleteOwnAccountWrongPasswordsAreLimited(t *testing.T) {
	e, _ := newDelegationEnv(t)
	const email = "guessed@example.org"
	b := e.register(email)
	u, err := e.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < maxLoginPerAccount; i++ {
		b.get("/account/delete").post("/account/delete", "password", "guess "+string(rune('a'+i))).status(http.StatusUnprocessableEntity).
			see("Your password is not correct")
	}
	b.get("/account/delete").post("/account/delete", "password", testPassword).status(http.StatusUnprocessableEntity).
		see("You have entered a wrong password too many times")
	if _, err := e.store.UserByID(context.Background(), u.ID); err != nil {
		t.Fatalf("the account was deleted past the limit: %v", err)
	}
}

// Deleting an account ends its sessions in every browser, not only the one that asked; the address can
// register again, as a new account that sees none of the old one's drafts, and a delegation sent to the
// address before reaches the new account only once it has proved the address.
func TestDeleteOwnAccountEndsOtherSessionsAndTheAddressRegistersAfresh(t *testing.T) {
	e, key := newDelegationEnv(t)
	ctx := context.Background()
	const email = "twice@example.org"
	b, draftID := startConcern(t, e, email)
	task := e.delegate(key, email)
	other := e.signIn(email, testPassword)
	if !other.signedIn() {
		t.Fatal("the second browser did not sign in")
	}
	old, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	b.get("/account/delete").post("/account/delete", "password", testPassword).see("Your account has been deleted")
	if other.signedIn() {
		t.Fatal("the other browser is still signed in to the deleted account")
	}
	other.get("/tasks/" + task).see("Secure login")

	fresh := e.register(email)
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil || u.ID == old.ID {
		t.Fatalf("registering again: %+v, %v", u, err)
	}
	fresh.get("/referrals/" + draftID).status(http.StatusNotFound)
	fresh.get("/tasks/" + task).status(http.StatusOK)
}

// A member of staff who is not an admin cannot post the export form either (a hand-made request, with
// their own valid token): nothing is sent and nothing is exported, so nothing is audited as exported.
func TestSubjectAccessPostByStaffWhoAreNotAdmins(t *testing.T) {
	e, _ := newDelegationEnv(t)
	const email = "asker@example.org"
	startConcern(t, e, email)
	worker := e.staff("worker@council.example", false)
	worker.get("/staff")
	worker.post("/staff/subject-access", "email", email).status(http.StatusNotFound)
	if strings.HasPrefix(worker.last, "PK") {
		t.Fatal("a zip was sent to staff who are not admins")
	}
	log, _ := e.store.AuditLog(context.Background(), store.AuditFilter{Limit: 50})
	for _, en := range log {
		if en.Action == "exported subject data" {
			t.Fatalf("an export by staff who are not admins: %+v", en)
		}
	}
}

// TestDeleteOwnAccountInWelsh: the deletion's page title, its errors and the page after it are in Welsh
// for a person who reads the portal in Welsh.
func TestDeleteOwnAccountInWelsh(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, _ := startConcern(t, e, "gadael@example.org")
	b.get("/account/delete?lang=cy").status(200).see("Dileu eich cyfrif")
	b.post("/account/delete", "password", "").status(http.StatusUnprocessableEntity).see("Rhowch eich cyfrinair")
	inWelsh(t, b, "delete with no password")
	b.post("/account/delete", "password", "not my password").status(http.StatusUnprocessableEntity).see("Nid yw eich cyfrinair yn gywir")
	inWelsh(t, b, "delete with a wrong password")
	for _, english := range []string{"Delete your account", "Enter your password", "Your password is not correct"} {
		if strings.Contains(htmlText(b.last), english) {
			t.Errorf("the Welsh deletion page says %q", english)
		}
	}
	b.post("/account/delete", "password", testPassword).status(200).see("Mae eich cyfrif wedi’i ddileu", "Gallwch gofrestru eto")
	inWelsh(t, b, "account deleted")
}
