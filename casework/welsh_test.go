package casework_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"formportal/casework"
	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store"
)

// TestRemindersAndDigestInTheAccountsLanguage: a professional and a member of staff whose accounts are in
// Welsh get their reminder and their daily digest in Welsh, through a real SMTP server, still without the
// child's name or date of birth; an English account's reminder stays English.
func TestRemindersAndDigestInTheAccountsLanguage(t *testing.T) {
	c := newChase(t)
	ctx := context.Background()
	for _, u := range []*store.User{
		{ID: "sam", Email: "sam@school.example", Forename: "Sam", Surname: "Jones", Lang: "cy", CreatedAt: c.clock.now()},
		{ID: "pat", Email: "pat@school.example", Forename: "Pat", Surname: "Kerr", Lang: "en", CreatedAt: c.clock.now()},
	} {
		if err := c.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	jo, err := c.st.UserByEmail(ctx, "jo@council.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.st.SetUserLang(ctx, jo.ID, "cy"); err != nil {
		t.Fatal(err)
	}
	welshOne := c.delegate(t, "2026-03-12", nil)
	english := c.delegate(t, "2026-03-12", nil)
	if _, err := c.work[0].Reassign(ctx, english.ID, "jo@council.example", casework.Professional{Email: "pat@school.example", Name: "Pat Kerr"}, "on leave"); err != nil {
		t.Fatal(err)
	}

	c.clock.setDay("2026-03-05") // a week before: one reminder each
	if n := c.run(t); n != 2 {
		t.Fatalf("%d reminders sent, want 2", n)
	}
	c.clock.set(at("2026-03-15").Add(time.Hour)) // overdue: the digest to Jo
	if n, err := c.work[0].SendDigests(ctx, "2026-03-15"); err != nil || n != 1 {
		t.Fatalf("digests: %d, %v", n, err)
	}

	srv := smtptest.Start(t)
	host, port := srv.Addr()
	sender := mail.NewSender(c.st, &mail.SMTPTransport{Host: host, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second},
		"Portal <donotreply@council.example>", mail.SenderOptions{Now: c.clock.now})
	if _, err := sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c.mailsTo(t, "sam@school.example") // none names the child
	c.mailsTo(t, "jo@council.example")

	reminder := lastTo(t, srv, "sam@school.example")
	for _, want := range []string{"Nodyn atgoffa: mae ffurflen a ddirprwywyd i chi i’w chwblhau erbyn 12 Mawrth 2026"} {
		if reminder.Subject != want {
			t.Errorf("the Welsh reminder's subject is %q, want %q", reminder.Subject, want)
		}
	}
	for _, want := range []string{"Dyma nodyn i’ch atgoffa", "12 Mawrth 2026", "Mewngofnodwch i’w chwblhau", "http://localhost:8080/tasks", "Yn gywir"} {
		if !strings.Contains(reminder.Body, want) {
			t.Errorf("the Welsh reminder lacks %q:\n%s", want, reminder.Body)
		}
	}
	for _, english := range []string{"This is a reminder", "Sign in", "If you have already", "12-Mar-2026"} {
		if strings.Contains(reminder.Body, english) {
			t.Errorf("the Welsh reminder still says %q:\n%s", english, reminder.Body)
		}
	}
	if r := lastTo(t, srv, "pat@school.example"); r.Subject != "Reminder: a form delegated to you is due on 12-Mar-2026" {
		t.Errorf("the English account's reminder: %q", r.Subject)
	}

	digest := lastTo(t, srv, "jo@council.example")
	if digest.Subject != "Ffurflenni a ddirprwywyd sy’n hwyr neu heb eu danfon: 2" {
		t.Errorf("the Welsh digest's subject is %q", digest.Subject)
	}
	for _, want := range []string{"Mae angen i chi roi sylw", "15 Mawrth 2026", "yn hwyr: i’w chwblhau erbyn 12 Mawrth 2026, 3 diwrnod yn ôl",
		"/staff/delegations/" + welshOne.ID, "Gallwch dynnu dirprwyaeth yn ôl"} {
		if !strings.Contains(digest.Body, want) {
			t.Errorf("the Welsh digest lacks %q:\n%s", want, digest.Body)
		}
	}
	for _, english := range []string{"These forms", "overdue:", "days ago", "You can retract"} {
		if strings.Contains(digest.Body, english) {
			t.Errorf("the Welsh digest still says %q:\n%s", english, digest.Body)
		}
	}
	for _, secret := range []string{childName, "Aurora", "Boreo", childDOB, "8 Ebrill 2015"} {
		if strings.Contains(reminder.Subject+reminder.Body+digest.Subject+digest.Body, secret) {
			t.Fatalf("a Welsh email carries the child's details (%s)", secret)
		}
	}
}

// lastTo is the newest message the SMTP server accepted for to.
func lastTo(t *testing.T, srv *smtptest.Server, to string) smtptest.Message {
	t.Helper()
	var found *smtptest.Message
	for _, m := range srv.Messages() {
		for _, r := range m.To {
			if r == to {
				found = &m
			}
		}
	}
	if found == nil {
		t.Fatalf("no message reached %s", to)
	}
	return *found
}
