package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"formportal/casework"
	"formportal/internal/metricstest"
)

// formPagesKept and formPagesDrawn are how many form pages this process has written as kept, and drawn.
func formPagesKept(t *testing.T) (kept, drawn float64) {
	t.Helper()
	s := metricstest.Scrape(t)
	return metricstest.Value(t, s, `portal_form_pages_total{how="kept"}`), metricstest.Value(t, s, `portal_form_pages_total{how="drawn"}`)
}

// A form page asked for again is written as drawn before only while everything it shows is the same:
// never to another session (each page holds its session's CSRF token), nor to someone who may not see the
// task, nor after anything it shows changed: a save, the person's name, the language, the day, the task
// retracted, the session signed out.
func TestKeptPagesShowWhatIsTrueNow(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 3)
	table := c.page("chronology")
	// Five minutes to midnight, signed in afresh.
	now := c.e.clock.Now()
	c.e.clock.Advance(time.Date(now.Year(), now.Month(), now.Day(), 23, 55, 0, 0, now.Location()).Sub(now))
	c.b.login("pro@school.example", testPassword)
	c.b.get(table).status(http.StatusOK) // opens the task: a change of its own
	drawnPage := c.b.get(table).status(http.StatusOK).see("Event 0000").last
	kept0, drawn0 := formPagesKept(t)
	if again := c.b.get(table).status(http.StatusOK).last; again != drawnPage {
		i := 0
		for i < len(again) && i < len(drawnPage) && again[i] == drawnPage[i] {
			i++
		}
		t.Fatalf("the page asked for again differs, with nothing changed: %q / %q", drawnPage[max(0, i-200):min(len(drawnPage), i+100)], again[max(0, i-200):min(len(again), i+100)])
	}
	if kept, drawn := formPagesKept(t); kept != kept0+1 || drawn != drawn0 {
		t.Fatalf("the page asked for again was not written as kept: kept %v → %v, drawn %v → %v", kept0, kept, drawn0, drawn)
	}
	// The next day: dates default to today, ages count from it.
	c.e.clock.Advance(6 * time.Minute)
	c.b.get(table).status(http.StatusOK)
	if _, drawn := formPagesKept(t); drawn != drawn0+1 {
		t.Fatal("on the next day the page kept from the day before was written")
	}

	// Another page of the same task, and the same page with errors shown, are pages of their own.
	practitioner := c.page("practitioner")
	c.b.get(practitioner).status(http.StatusOK)
	c.b.get(practitioner).status(http.StatusOK)
	c.b.get(practitioner + "?check=1").status(http.StatusOK).see("There is a problem")

	// Someone else is refused before anything kept is looked at.
	other := c.e.register("other@school.example")
	other.get(table).status(http.StatusNotFound)
	if strings.Contains(other.last, "Event 0000") {
		t.Fatal("another professional was shown the page kept for the first")
	}

	// The same professional in a second browser gets a page with that session's own CSRF token.
	second := c.e.browser().login("pro@school.example", testPassword)
	second.get(table).status(http.StatusOK).see("Event 0000")
	if second.csrf() == c.b.csrf() || strings.Contains(second.last, c.b.csrf()) {
		t.Fatal("a second session was given the first session's page, CSRF token and all")
	}

	// A save is on the next page.
	c.saveRow(c.b, 0, "Saved after the page was kept")
	c.b.get(table).status(http.StatusOK).see("Saved after the page was kept")
	// The page a save goes back to, with its notice, is asked for once: it is not kept.
	keptBefore, _ := formPagesKept(t)
	c.b.get(table + "?saved=chronology_entries.0").see("Row 1 has been saved")
	c.b.get(table + "?saved=chronology_entries.0").see("Row 1 has been saved")
	if kept, _ := formPagesKept(t); kept != keptBefore {
		t.Fatal("the page with a save's notice was kept")
	}

	// The person's name, in the page's header.
	c.b.post("/account", "forename", "Rosalind", "surname", "Berry", "organisation", "Cherwell School", "phone", "01632 960001")
	c.b.get(table).status(http.StatusOK).see("Rosalind Berry")

	// The language.
	c.b.get(table + "?lang=cy").status(http.StatusOK)
	c.b.get(table).status(http.StatusOK)
	if !strings.Contains(c.b.last, `<html lang="cy"`) {
		t.Fatal("after choosing Welsh, the page kept in English was written")
	}
	c.b.get(table + "?lang=en").status(http.StatusOK)

	// Signed out, the session's pages are gone with it.
	second.post("/logout")
	second.get(table)
	if strings.Contains(second.last, "Event 0001") {
		t.Fatal("a signed-out session was written the page kept for it")
	}

	// The council retracts the task: not found, however warm its page.
	c.b.get(table).status(http.StatusOK)
	if code, out := c.e.api(c.key, "POST", "/delegations/"+c.task+"/retract", map[string]any{"reason": "Sent to the wrong school"}); code != http.StatusOK {
		t.Fatalf("retract: %d %v", code, out)
	}
	c.b.get(table).status(http.StatusNotFound)
	if strings.Contains(c.b.last, "Event 0001") {
		t.Fatal("a retracted task's kept page was written")
	}
}

// The Children's Portal's pages are kept the same way: a referral's page asked for again is written as
// kept, and a save or another person is never answered with it.
func TestKeptReferralPagesShowWhatIsTrueNow(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	you := "/referrals/" + id + "/pages/you"
	drawnPage := b.get(you).status(http.StatusOK).last
	kept0, _ := formPagesKept(t)
	if b.get(you).status(http.StatusOK).last != drawnPage {
		t.Fatal("the referral's page asked for again differs, with nothing changed")
	}
	if kept, _ := formPagesKept(t); kept != kept0+1 {
		t.Fatal("the referral's page asked for again was not written as kept")
	}
	b.post(you, "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save")
	b.get(you).status(http.StatusOK).see("OX1 1NE")
	other := e.register("someone@example.org")
	other.get(you)
	if strings.Contains(other.last, "OX1 1NE") {
		t.Fatal("another person was shown the referral's kept page")
	}
}

// A task passed on to another professional is not found by the first, however warm their page: the
// response's head, read for every page kept, names who it is for now.
func TestKeptPageIsNotWrittenAfterReassignment(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 3)
	table := c.page("chronology")
	c.b.get(table).status(http.StatusOK) // opens the task
	c.b.get(table).status(http.StatusOK).see("Event 0000")
	c.b.get(table).status(http.StatusOK)
	kept0, _ := formPagesKept(t)
	if _, err := c.e.app.work.Reassign(context.Background(), c.task, "staff@council.example", casework.Professional{Email: "new@school.example", Name: "Ali Khan"}, "Moved school"); err != nil {
		t.Fatal(err)
	}
	c.b.get(table).status(http.StatusNotFound)
	if strings.Contains(c.b.last, "Event 0000") {
		t.Fatal("the page kept for the professional the task was taken from was written")
	}
	if kept, _ := formPagesKept(t); kept != kept0 {
		t.Fatalf("a page was written as kept after the reassignment: kept %v → %v", kept0, kept)
	}
	c.e.register("new@school.example").get(table).status(http.StatusOK).see("Event 0000")
}
