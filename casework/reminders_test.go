package casework_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/casework"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/mail"
	"formportal/store"
	"formportal/store/sqlstore"
)

// clock is a test's time, moved on by hand and read by every service of the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time    { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)   { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func at(day string) time.Time      { t, _ := time.Parse(time.DateOnly, day); return t.Add(8 * time.Hour) }
func (c *clock) setDay(day string) { c.set(at(day)) }

// chase is two portal processes' services on one SQLite file, a clock they share, and the chronology form
// with reminders a week before, the day before and on the due date.
type chase struct {
	st    *sqlstore.DB
	clock *clock
	work  [2]*casework.Service
	forms *forms.Library
}

func newChase(t *testing.T) *chase {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib.Get("multi-agency-chronology").Reminders = []int{7, 1, 0}
	c := &chase{st: db, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, forms: lib}
	for i := range c.work {
		outbox := mail.NewOutbox(db, "Portal <donotreply@council.example>", c.clock.now)
		c.work[i] = casework.New(db, lib, outbox, casework.Texts{Council: "Example Council", Service: "Portal", BaseURL: "http://localhost:8080"}, c.clock.now)
	}
	if err := db.CreateUser(context.Background(), &store.User{ID: "jo", Email: "jo@council.example", Forename: "Jo", Surname: "Worker", Role: store.RoleStaff, CreatedAt: c.clock.now()}); err != nil {
		t.Fatal(err)
	}
	return c
}

// child is the case data's child: no email may carry their name or date of birth.
const childName, childDOB = "Aurora Boreo", "2015-04-08"

func (c *chase) delegate(t *testing.T, due string, own []int) *store.Response {
	t.Helper()
	form := c.forms.Get("multi-agency-chronology")
	data := enginetest.CaseData(form, 1).(map[string]any)
	data["familyName"] = "Boreo family"
	child := data["children"].([]any)[0].(map[string]any)
	child["name"], child["dob"] = childName, childDOB
	raw, _ := json.Marshal(data)
	r, err := c.work[0].Delegate(context.Background(), "jo@council.example", casework.Delegation{Form: form.ID, CaseData: raw, DueDate: due, Reminders: own,
		To: casework.Professional{Email: "sam@school.example", Name: "Sam Jones", Organisation: "Cherwell School"}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run is one pass of the reminder job in both processes at once.
func (c *chase) run(t *testing.T) int {
	t.Helper()
	var wg sync.WaitGroup
	counts := make([]int, len(c.work))
	for i, w := range c.work {
		wg.Go(func() {
			n, err := w.SendDueReminders(context.Background())
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	return counts[0] + counts[1]
}

// mailsTo lists the emails to an address, oldest first, and checks none names the child.
func (c *chase) mailsTo(t *testing.T, to string) []store.Mail {
	t.Helper()
	list, err := c.st.MailTo(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(list)
	for _, m := range list {
		for _, secret := range []string{childName, "Aurora", "Boreo", childDOB, "08-Apr-2015"} {
			if strings.Contains(m.Subject+m.Text, secret) {
				t.Fatalf("email %q to %s carries the child's details (%s): %s", m.Subject, to, secret, m.Text)
			}
		}
	}
	return list
}

func subjects(list []store.Mail) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.Subject)
	}
	return out
}

func TestRemindersGoOnceOnTheirDaysWithoutTheChild(t *testing.T) {
	c := newChase(t)
	r := c.delegate(t, "2026-03-12", nil)
	steps := []struct {
		at   time.Time
		sent int
	}{
		{at("2026-03-04"), 0},
		{at("2026-03-05").Add(-time.Minute), 0},
		{at("2026-03-05"), 1}, // 7 days before
		{at("2026-03-05").Add(time.Hour), 0},
		{at("2026-03-11"), 1}, // the day before
		{at("2026-03-12"), 1}, // on the day
		{at("2026-03-20"), 0},
	}
	for _, s := range steps {
		c.clock.set(s.at)
		if got := c.run(t); got != s.sent {
			t.Fatalf("at %s the two processes sent %d reminders, want %d", s.at, got, s.sent)
		}
	}
	// Sam has no account, so no language chosen, and the form is offered in Welsh: each email is in
	// Welsh, then English.
	got := subjects(c.mailsTo(t, "sam@school.example"))
	want := []string{"Mae ffurflen wedi’i dirprwyo i chi / A form has been delegated to you",
		"Nodyn atgoffa: mae ffurflen a ddirprwywyd i chi i’w chwblhau erbyn 12 Mawrth 2026 / Reminder: a form delegated to you is due on 12-Mar-2026",
		"Nodyn atgoffa: mae ffurflen a ddirprwywyd i chi i’w chwblhau erbyn 12 Mawrth 2026 / Reminder: a form delegated to you is due on 12-Mar-2026",
		"Nodyn atgoffa: mae ffurflen a ddirprwywyd i chi i’w chwblhau heddiw / Reminder: a form delegated to you is due today"}
	if !slices.Equal(got, want) {
		t.Fatalf("emails to the professional:\n%q\nwant\n%q", got, want)
	}
	if first := c.mailsTo(t, "sam@school.example")[0].Text; !strings.HasPrefix(first, "Mae’r neges hon yn Gymraeg ac yn Saesneg") ||
		!strings.Contains(first, "Mae ffurflen ddirprwyedig newydd wedi’i hanfon atoch") ||
		strings.Index(first, "Mae ffurflen ddirprwyedig newydd") > strings.Index(first, "A new delegated form has been sent to you") {
		t.Errorf("the delegation email is not Welsh first, then English:\n%s", first)
	}
	if m := c.mailsTo(t, "sam@school.example")[0]; m.Lang != "cy" || !strings.Contains(m.Text, "\n\n"+mail.LanguageDivider+"\n\n") {
		t.Errorf("the email in both languages is not marked Welsh with its English after the divider: lang %q", m.Lang)
	}
	if !strings.Contains(c.mailsTo(t, "sam@school.example")[1].Text, "http://localhost:8080/tasks") {
		t.Fatal("a reminder without the link to the tasks page")
	}
	rems, _ := c.st.RemindersOf(context.Background(), r.ID)
	if len(rems) != 3 {
		t.Fatalf("reminders: %+v", rems)
	}
	for _, rem := range rems {
		if rem.SentAt.IsZero() {
			t.Fatalf("unsent reminder: %+v", rem)
		}
	}
}

func TestRemindersSkipDaysAlreadyBegun(t *testing.T) {
	c := newChase(t)
	c.clock.setDay("2026-03-10") // after the 7-day reminder's day
	r := c.delegate(t, "2026-03-12", nil)
	rems, _ := c.st.RemindersOf(context.Background(), r.ID)
	var days []int
	for _, rem := range rems {
		days = append(days, rem.DaysBefore)
	}
	if !slices.Equal(days, []int{1, 0}) {
		t.Fatalf("delegated 2 days before the due date: reminders %v, want [1 0]", days)
	}
	c.delegate(t, "", nil) // no due date: nothing to remind of
	c.clock.setDay("2026-04-30")
	if n := c.run(t); n != 2 {
		t.Fatalf("sent %d, want 2", n)
	}
}

func TestRemindersStopOnSubmitAndRetractAndFollowReassign(t *testing.T) {
	c := newChase(t)
	ctx := context.Background()
	w := c.work[0]
	pending := func(r *store.Response) (to []string) {
		rems, _ := c.st.RemindersOf(ctx, r.ID)
		for _, rem := range rems {
			if rem.SentAt.IsZero() {
				to = append(to, rem.To)
			}
		}
		return to
	}

	re := c.delegate(t, "2026-03-12", nil)
	c.clock.setDay("2026-03-05")
	c.run(t)
	if _, err := w.Reassign(ctx, re.ID, "jo@council.example", casework.Professional{Email: "Kim@Health.example", Name: "Kim Lee"}, "on leave"); err != nil {
		t.Fatal(err)
	}
	if got := pending(re); !slices.Equal(got, []string{"kim@health.example", "kim@health.example"}) {
		t.Fatalf("after re-assigning, pending reminders to %v", got)
	}
	c.clock.setDay("2026-03-11")
	if n := c.run(t); n != 1 || len(c.mailsTo(t, "kim@health.example")) != 2 {
		t.Fatalf("the new professional: %d sent, mails %q", n, subjects(c.mailsTo(t, "kim@health.example")))
	}
	if len(c.mailsTo(t, "sam@school.example")) != 2 { // the delegation and the 7-day reminder
		t.Fatalf("the old professional still reminded: %q", subjects(c.mailsTo(t, "sam@school.example")))
	}

	c.clock.setDay("2026-03-02")
	rt := c.delegate(t, "2026-03-12", nil)
	if _, err := w.Retract(ctx, rt.ID, "jo@council.example", "not needed"); err != nil {
		t.Fatal(err)
	}
	if got := pending(rt); len(got) != 0 {
		t.Fatalf("a retracted delegation still has reminders to %v", got)
	}

	sub := c.delegate(t, "2026-03-12", nil)
	form := c.forms.Get("multi-agency-chronology")
	var caseData any
	json.Unmarshal(sub.CaseData, &caseData)
	raw, _ := json.Marshal(enginetest.Answers(form, caseData, 2, c.clock.now()))
	if _, err := w.SaveDraft(ctx, sub.ID, sub.OwnerEmail, func(*store.Response) (casework.Edit, error) { return casework.Edit{Answers: raw}, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Submit(ctx, sub.ID, sub.OwnerEmail); err != nil {
		t.Fatal(err)
	}
	if got := pending(sub); len(got) != 0 {
		t.Fatalf("a submitted delegation still has reminders to %v", got)
	}
	c.clock.setDay("2026-03-06")
	if _, err := w.ReturnForInformation(ctx, sub.ID, "jo@council.example", "Insufficient Detail", ""); err != nil {
		t.Fatal(err)
	}
	if got := pending(sub); len(got) != 3-1 { // the week-before day has gone
		t.Fatalf("a returned delegation's reminders: %v", got)
	}
}

func TestOwnScheduleReplacesTheForms(t *testing.T) {
	c := newChase(t)
	ctx := context.Background()
	days := func(r *store.Response) (out []int) {
		rems, _ := c.st.RemindersOf(ctx, r.ID)
		for _, rem := range rems {
			if rem.SentAt.IsZero() {
				out = append(out, rem.DaysBefore)
			}
		}
		return out
	}
	own := c.delegate(t, "2026-03-12", []int{3})
	none := c.delegate(t, "2026-03-12", []int{})
	if got := days(own); !slices.Equal(got, []int{3}) {
		t.Fatalf("own schedule [3]: %v", got)
	}
	if got := days(none); len(got) != 0 {
		t.Fatalf("own schedule []: %v", got)
	}
	if got, isOwn, err := c.work[0].ReminderDays(ctx, c.st, own); err != nil || !isOwn || !slices.Equal(got, []int{3}) {
		t.Fatalf("ReminderDays: %v %v %v", got, isOwn, err)
	}
	if err := c.work[0].SetReminders(ctx, none.ID, "jo@council.example", []int{5, 1}); err != nil {
		t.Fatal(err)
	}
	if got := days(none); !slices.Equal(got, []int{5, 1}) {
		t.Fatalf("after SetReminders [5 1]: %v", got)
	}
	for _, bad := range [][]int{{-1}, {400}, {2, 2}, make([]int, 11)} {
		if err := c.work[0].SetReminders(ctx, none.ID, "jo@council.example", bad); err == nil {
			t.Errorf("SetReminders %v accepted", bad)
		}
	}
	if _, err := c.work[0].Retract(ctx, own.ID, "jo@council.example", ""); err != nil {
		t.Fatal(err)
	}
	if err := c.work[0].SetReminders(ctx, own.ID, "jo@council.example", []int{1}); err == nil {
		t.Fatal("reminders set on a retracted delegation")
	}
}

func TestOverdueAndTheDailyDigest(t *testing.T) {
	c := newChase(t)
	ctx := context.Background()
	late := c.delegate(t, "2026-03-12", nil)
	onTime := c.delegate(t, "2026-04-30", nil)
	bounced := c.delegate(t, "2026-04-30", nil)
	mails, _ := c.st.MailAbout(ctx, bounced.ID)
	if err := c.st.MarkMailUndeliverable(ctx, mails[0].ID, c.clock.now(), "550 no such user"); err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2026-03-12", "2026-03-13"} {
		c.clock.setDay(day)
		r, _ := c.st.Response(ctx, late.ID)
		if got, want := casework.Overdue(r, c.clock.now()), day == "2026-03-13"; got != want {
			t.Fatalf("overdue on %s: %v, want %v", day, got, want)
		}
	}
	if r, _ := c.st.Response(ctx, onTime.ID); casework.Overdue(r, c.clock.now()) {
		t.Fatal("a delegation due next month is overdue")
	}

	c.clock.set(at("2026-03-15").Add(time.Hour))
	var wg sync.WaitGroup
	sent := make([]int, 2)
	for i, w := range c.work {
		wg.Go(func() {
			n, err := w.SendDigests(ctx, "2026-03-15")
			if err != nil {
				t.Error(err)
			}
			sent[i] = n
		})
	}
	wg.Wait()
	if sent[0]+sent[1] != 1 {
		t.Fatalf("two processes sent %v digests, want one between them", sent)
	}
	digests := c.mailsTo(t, "jo@council.example")
	if len(digests) != 1 {
		t.Fatalf("digests: %q", subjects(digests))
	}
	d := digests[0]
	for _, want := range []string{"Delegated forms overdue or undelivered: 2", "overdue: due 12-Mar-2026, 3 days ago",
		"http://localhost:8080/staff/delegations/" + late.ID, "could not be delivered", "/staff/delegations/" + bounced.ID, "Sam Jones (Cherwell School)"} {
		if !strings.Contains(d.Subject+d.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, d.Text)
		}
	}
	if strings.Contains(d.Text, onTime.ID) {
		t.Errorf("digest lists a delegation on time:\n%s", d.Text)
	}
	if n, _ := c.work[0].SendDigests(ctx, "2026-03-15"); n != 0 {
		t.Fatal("the same day's digest sent twice")
	}
	// The next day's, to a member of staff who chose Welsh, is in Welsh.
	jo, err := c.st.UserByEmail(ctx, "jo@council.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.st.SetUserLang(ctx, jo.ID, "cy"); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.work[1].SendDigests(ctx, "2026-03-16"); n != 1 {
		t.Fatal("the next day's digest not sent")
	}
	welsh := false
	for _, m := range c.mailsTo(t, "jo@council.example") {
		welsh = welsh || m.Subject == "Ffurflenni a ddirprwywyd sy’n hwyr neu heb eu danfon: 2" &&
			strings.Contains(m.Text, "yn hwyr: i’w chwblhau erbyn 12 Mawrth 2026, 3 diwrnod yn ôl") && strings.Contains(m.Text, "/staff/delegations/"+late.ID)
	}
	if !welsh {
		t.Errorf("no digest in Welsh: %+v", c.mailsTo(t, "jo@council.example"))
	}

	// Retracted, they are neither overdue nor in a digest.
	if _, err := c.work[0].Retract(ctx, late.ID, "jo@council.example", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.work[0].Retract(ctx, bounced.ID, "jo@council.example", ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.work[0].SendDigests(ctx, "2026-03-17"); n != 0 {
		t.Fatal("a digest with nothing overdue")
	}
}
