// Package storetest is the conformance suite every store.Store implementation passes: the same tests run
// against SQLite and PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"formportal/store"
)

// Run runs the suite; open returns a new, empty store for each test.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := map[string]func(*testing.T, store.Store){
		"Users":             testUsers,
		"Sessions":          testSessions,
		"Codes":             testCodes,
		"Registrations":     testPendingRegistrations,
		"Attempts":          testAttempts,
		"MailOutbox":        testMailOutbox,
		"MailClaimSharing":  testMailClaimSharing,
		"MailUndeliverable": testMailUndeliverable,
		"ListAfter":         testListAfter,
		"ListAfterWriting":  testListAfterWhileWriting,
		"Responses":         testResponses,
		"ResponseHolding":   testResponseHolding, // holding.go
		"ResponseHead":      testResponseHead,    // holding.go
		"AutoReplies":       testAutoReplies,
		"APIKeys":           testAPIKeys,
		"Audit":             testAudit,
		"AuditFilter":       testAuditFilter,
		"Transactions":      testTransactions,
		"WriteProbe":        testWriteProbe,
		"Secrets":           testSecrets,
		"StaffAccounts":     testStaffAccounts,
		"SecondFactors":     testSecondFactors,
		"Idempotency":       testIdempotency,
		"Webhooks":          testWebhooks,
		"WebhookPurge":      testWebhookPurge,
		"FormVersions":      testFormVersions,
		"RetentionFilters":  testRetentionFilters,
		"RetentionMail":     testRetentionMailAndAudit,
		"Requests":          testRequests,
		// reminders.go
		"Reminders":            testReminders,
		"ReminderClaimSharing": testReminderClaimSharing,
		// The language a person chose (welsh18).
		"UserLanguage": testUserLanguage,
		"SetUserLang":  testSetUserLang,
		"ReturnRounds": testReturnRounds, // returnrounds.go
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newUser(id, email string) *store.User {
	return &store.User{ID: id, Email: email, Forename: "Rose", Surname: "Berry", PasswordHash: "hash", CreatedAt: t0}
}

func testUsers(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser("u1", "Rose.Berry@Example.org")
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, newUser("u2", "rose.berry@example.ORG")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same address in another case: got %v, want ErrConflict", err)
	}
	got, err := st.UserByEmail(ctx, "ROSE.BERRY@example.org")
	if err != nil || got.ID != "u1" || got.Email != "rose.berry@example.org" || !got.CreatedAt.Equal(t0) || !got.EmailVerifiedAt.IsZero() {
		t.Fatalf("UserByEmail: %+v, %v", got, err)
	}
	got.Organisation, got.EmailVerifiedAt = "Cherwell School", t0.Add(time.Minute)
	if err := st.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, err := st.UserByID(ctx, "u1")
	if err != nil || again.Organisation != "Cherwell School" || !again.EmailVerifiedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after update: %+v, %v", again, err)
	}
	if _, err := st.UserByID(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown user: got %v, want ErrNotFound", err)
	}
	if err := st.UpdateUser(ctx, newUser("nobody", "x@example.org")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update unknown user: got %v, want ErrNotFound", err)
	}
}

func testSessions(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.CreateUser(ctx, newUser("u1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"s1", "s2", "s3"} {
		s := &store.Session{ID: id, CSRFToken: "csrf-" + id, Data: map[string]string{"step": "1"}, CreatedAt: t0, LastSeenAt: t0.Add(time.Duration(i) * time.Hour)}
		if id != "s3" {
			s.UserID = "u1"
		}
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	s, err := st.SessionByID(ctx, "s3")
	if err != nil || s.UserID != "" || s.Data["step"] != "1" || s.CSRFToken != "csrf-s3" {
		t.Fatalf("anonymous session: %+v, %v", s, err)
	}
	if s, u, err := st.SessionWithUser(ctx, "s3"); err != nil || s.UserID != "" || s.CSRFToken != "csrf-s3" || u != nil {
		t.Fatalf("anonymous session with its user: %+v, %+v, %v", s, u, err)
	}
	s.UserID, s.Data["return"] = "u1", "/tasks"
	if err := st.UpdateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s, _ = st.SessionByID(ctx, "s3"); s.UserID != "u1" || s.Data["return"] != "/tasks" {
		t.Fatalf("after update: %+v", s)
	}
	// Read with its user, the user is as UserByID reads it, every field.
	full := &store.User{ID: "u1", Email: "a@example.org", Forename: "Rose", Surname: "Berry", Organisation: "Cherwell School", Phone: "01632 960001",
		PasswordHash: "hash", Role: store.RoleStaff, EmailVerifiedAt: t0.Add(time.Minute), TermsAcceptedAt: t0.Add(2 * time.Minute), CreatedAt: t0,
		MustChangePassword: true, DisabledAt: t0.Add(3 * time.Minute), TOTPSecret: "JBSWY3DPEHPK3PXP", Lang: "cy"}
	if err := st.UpdateUser(ctx, full); err != nil {
		t.Fatal(err)
	}
	alone, err := st.UserByID(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if s, u, err := st.SessionWithUser(ctx, "s3"); err != nil || s.UserID != "u1" || s.Data["return"] != "/tasks" || u == nil || !reflect.DeepEqual(*u, *alone) {
		t.Fatalf("signed-in session with its user: %+v, %+v, %v; the user alone %+v", s, u, err, alone)
	}
	if _, _, err := st.SessionWithUser(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown session with its user: %v, want ErrNotFound", err)
	}
	if err := st.DeleteUserSessions(ctx, "u1", "s2"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"s1": false, "s2": true, "s3": false} {
		if _, err := st.SessionByID(ctx, id); (err == nil) != want {
			t.Errorf("session %s exists: %v, want %v", id, err == nil, want)
		}
	}
	anon := &store.Session{ID: "s4", CSRFToken: "c", Data: map[string]string{}, CreatedAt: t0, LastSeenAt: t0}
	if err := st.CreateSession(ctx, anon); err != nil {
		t.Fatal(err)
	}
	n, err := st.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour), t0.Add(-time.Hour), t0.Add(-time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("expired sessions deleted: %d, %v; want 1 (s2, signed in and idle since 1h; not the anonymous s4)", n, err)
	}
	if n, _ := st.DeleteExpiredSessions(ctx, t0, t0.Add(time.Minute), t0.Add(-time.Hour)); n != 1 {
		t.Fatalf("anonymous sessions idle too long deleted: %d, want 1", n)
	}
	if err := st.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
}

func testCodes(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.CreateUser(ctx, newUser("u1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	first := &store.Code{ID: "k1", Subject: "u1", Purpose: store.CodeVerifyEmail, Hash: "h1", ExpiresAt: t0.Add(15 * time.Minute), CreatedAt: t0}
	if err := st.CreateCode(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := &store.Code{ID: "k2", Subject: "u1", Purpose: store.CodeVerifyEmail, Hash: "h2", ExpiresAt: t0.Add(20 * time.Minute), CreatedAt: t0.Add(5 * time.Minute)}
	if err := st.CreateCode(ctx, second); err != nil {
		t.Fatal(err)
	}
	c, err := st.LatestCode(ctx, "u1", store.CodeVerifyEmail)
	if err != nil || c.ID != "k2" || !c.UsedAt.IsZero() {
		t.Fatalf("latest code: %+v, %v", c, err)
	}
	c.Tries, c.UsedAt = 2, t0.Add(6*time.Minute)
	if err := st.UpdateCode(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c, _ = st.LatestCode(ctx, "u1", store.CodeVerifyEmail); c.Tries != 2 || c.UsedAt.IsZero() {
		t.Fatalf("after update: %+v", c)
	}
	if _, err := st.LatestCode(ctx, "u1", store.CodeResetPassword); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no reset code: got %v, want ErrNotFound", err)
	}
	// A code's subject need not be a user: a pending registration, or nobody (equal work for unknown addresses).
	other := &store.Code{ID: "k3", Subject: "p1", Purpose: store.CodeVerifyEmail, Hash: "h3", ExpiresAt: t0.Add(15 * time.Minute), CreatedAt: t0}
	if err := st.CreateCode(ctx, other); err != nil {
		t.Fatal(err)
	}
	if c, err := st.LatestCode(ctx, "u1", store.CodeVerifyEmail); err != nil || c.ID != "k2" {
		t.Fatalf("another subject's code retired or replaced the user's: %+v, %v", c, err)
	}
	if n, err := st.DeleteCodesExpiredBefore(ctx, t0.Add(16*time.Minute)); err != nil || n != 2 {
		t.Fatalf("expired codes deleted: %d, %v; want 2", n, err)
	}
	if c, err := st.LatestCode(ctx, "u1", store.CodeVerifyEmail); err != nil || c.ID != "k2" {
		t.Fatalf("an unexpired code was deleted: %+v, %v", c, err)
	}
	if err := st.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LatestCode(ctx, "u1", store.CodeVerifyEmail); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a deleted user's code is kept: %v", err)
	}
}

func testPendingRegistrations(t *testing.T, st store.Store) {
	ctx := context.Background()
	pending := func(id, email, forename string, at time.Time) *store.PendingRegistration {
		return &store.PendingRegistration{ID: id, Email: email, Forename: forename, Surname: "Berry", PasswordHash: "hash-" + id, CreatedAt: at}
	}
	for _, p := range []*store.PendingRegistration{
		pending("p1", "Rose@Example.org", "Rose", t0), pending("p2", "rose@example.org", "Mallory", t0.Add(time.Minute)),
		pending("p3", "sam@example.org", "Sam", t0.Add(-48*time.Hour)),
	} {
		if err := st.CreatePendingRegistration(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.UserByEmail(ctx, "rose@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a pending registration made an account: %v", err)
	}
	got, err := st.PendingRegistrationByID(ctx, "p1")
	if err != nil || got.Email != "rose@example.org" || got.Forename != "Rose" || got.PasswordHash != "hash-p1" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("pending registration: %+v, %v", got, err)
	}
	verified := t0.Add(10 * time.Minute)
	u, err := st.CompleteRegistration(ctx, "p1", "u1", verified)
	if err != nil || u.ID != "u1" || u.Forename != "Rose" || u.PasswordHash != "hash-p1" || !u.EmailVerifiedAt.Equal(verified) {
		t.Fatalf("complete: %+v, %v", u, err)
	}
	if u, err := st.UserByEmail(ctx, "rose@example.org"); err != nil || u.ID != "u1" || u.PasswordHash != "hash-p1" || !u.EmailVerifiedAt.Equal(verified) || !u.CreatedAt.Equal(verified) {
		t.Fatalf("the account made: %+v, %v", u, err)
	}
	// The address's other registration is gone with it; completing it again changes nothing.
	if _, err := st.PendingRegistrationByID(ctx, "p2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the address's other pending registration is kept: %v", err)
	}
	if _, err := st.CompleteRegistration(ctx, "p2", "u2", verified); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a discarded registration completed: %v", err)
	}
	if err := st.CreatePendingRegistration(ctx, pending("p4", "rose@example.org", "Mallory", verified)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompleteRegistration(ctx, "p4", "u4", verified); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a registration of an address with an account: got %v, want ErrConflict", err)
	}
	if u, _ := st.UserByEmail(ctx, "rose@example.org"); u.ID != "u1" || u.PasswordHash != "hash-p1" {
		t.Fatalf("a later registration changed the account: %+v", u)
	}
	if n, err := st.DeletePendingRegistrationsBefore(ctx, t0.Add(-24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("old pending registrations deleted: %d, %v; want 1", n, err)
	}
	if _, err := st.PendingRegistrationByID(ctx, "p4"); err != nil {
		t.Fatalf("a recent pending registration was deleted: %v", err)
	}
}

func testAttempts(t *testing.T, st store.Store) {
	ctx := context.Background()
	for i := range 5 {
		if err := st.RecordAttempt(ctx, "login:a@example.org", t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.CountAttempts(ctx, "login:a@example.org", t0.Add(2*time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("attempts since 2 minutes: %d, %v; want 3", n, err)
	}
	if n, _ := st.CountAttempts(ctx, "login:b@example.org", t0); n != 0 {
		t.Fatalf("another key: %d, want 0", n)
	}
}

func testMailOutbox(t *testing.T, st store.Store) {
	ctx := context.Background()
	m := &store.Mail{To: "a@example.org", Subject: "Dilyswch eich cyfeiriad e-bost", Text: "Eich cod yw 1985 9471", Lang: "cy", CreatedAt: t0}
	if err := st.EnqueueMail(ctx, m); err != nil || m.ID == 0 {
		t.Fatalf("enqueue: id %d, %v", m.ID, err)
	}
	claimed, err := st.ClaimDueMail(ctx, t0, time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].Attempts != 1 || claimed[0].Text != m.Text || claimed[0].Lang != "cy" {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	if again, _ := st.ClaimDueMail(ctx, t0.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("a leased message was claimed again: %+v", again)
	}
	if err := st.MarkMailFailed(ctx, m.ID, t0.Add(2*time.Minute), "connection refused"); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDueMail(ctx, t0.Add(90*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("claimed before its retry time: %+v", again)
	}
	retry, _ := st.ClaimDueMail(ctx, t0.Add(2*time.Minute), time.Minute, 10)
	if len(retry) != 1 || retry[0].Attempts != 2 || retry[0].LastError != "connection refused" {
		t.Fatalf("retry: %+v", retry)
	}
	if err := st.MarkMailSent(ctx, m.ID, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDueMail(ctx, t0.Add(time.Hour), time.Minute, 10); len(again) != 0 {
		t.Fatalf("a sent message was claimed: %+v", again)
	}
	recent, err := st.RecentMail(ctx, 10)
	if err != nil || len(recent) != 1 || recent[0].SentAt.IsZero() {
		t.Fatalf("recent: %+v, %v", recent, err)
	}
}

// testMailClaimSharing has several senders claim at once: each message goes to exactly one.
func testMailClaimSharing(t *testing.T, st store.Store) {
	ctx := context.Background()
	const messages = 40
	for i := range messages {
		if err := st.EnqueueMail(ctx, &store.Mail{To: fmt.Sprintf("p%d@example.org", i), Subject: "s", Text: "t", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				batch, err := st.ClaimDueMail(ctx, t0, time.Hour, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, m := range batch {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != messages {
		t.Fatalf("%d messages claimed, want %d", len(seen), messages)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d claimed %d times", id, n)
		}
	}
}
