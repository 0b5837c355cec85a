package web

import (
	"net/http"
	"strings"
	"testing"
)

// Both seed documents begin with "My Account" along the top: signed out, it leads to sign-in; signed in,
// the name menu takes its place. The Delegation Portal's pages say so in the header.
func TestMyAccountAlongTheTopAndPortalNames(t *testing.T) {
	e, key := newDelegationEnv(t)
	anon := e.browser().get("/")
	if !strings.Contains(anon.last, `href="/login">My Account</a>`) {
		t.Fatal("the start page has no My Account link for someone signed out")
	}
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	b.get("/")
	if strings.Contains(b.last, ">My Account</a>") || !strings.Contains(b.last, "app-user-menu") {
		t.Fatal("signed in, the header should show the name menu instead of My Account")
	}
	for _, path := range []string{"/tasks", "/tasks/" + id + "/pages/practitioner", "/auto-replies"} {
		b.get(path).status(http.StatusOK)
		if !strings.Contains(b.last, `<span class="app-header__service-name">Delegation Portal</span>`) {
			t.Errorf("%s does not say Delegation Portal in the header", path)
		}
	}
}

// A page never shows a success banner and "There is a problem" at once.
func TestNoSuccessBannerBesideErrors(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	b.openTab("/tasks/"+id+"/pages/practitioner").post("name", "", "phone", "not a number", "action", "save").
		see("There is a problem")
	if strings.Contains(b.last, "govuk-notification-banner--success") {
		t.Fatal("a page with errors also shows a success banner")
	}
}

// Read-only dates, in tables and the print view of a Previous Form, read as dates: "1 January 2016".
func TestReadOnlyDatesReadAsDates(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	b.get("/tasks/"+id+"/pages/practitioner").see("Aurora Boreo 1 January 2016", "Orion Boreo 20 May 2018")
	b.get("/tasks/" + id + "/print").see("1 January 2016")
}

// A task's child banner is shown in full on its first page and folded after it, named, so the form
// pages start near the top on a small screen.
func TestChildBannerFoldsAfterTheFirstPage(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	b.get("/tasks/" + id + "/pages/practitioner")
	if strings.Contains(b.last, "app-header-details") {
		t.Fatal("the first page folds the child banner")
	}
	b.get("/tasks/"+id+"/pages/chronology").see("About Aurora Boreo and 1 sibling: Family check", "Aurora Boreo")
	if !strings.Contains(b.last, `<details class="govuk-details app-header-details">`) {
		t.Fatal("a later page does not fold the child banner")
	}
}

// "Questions marked with * must be answered" is said on a page where a question can be marked, and
// not on a page none of whose questions must be answered.
func TestRequiredNoteOnlyWhereSomethingIsRequired(t *testing.T) {
	c := newChronology(t, 3)
	c.b.get(c.page("practitioner")).status(http.StatusOK).see("Questions marked with")
	c.b.get(c.page("supporting_documentation")).status(http.StatusOK).see("Supporting documentation")
	if strings.Contains(c.b.last, "Questions marked with") {
		t.Fatal("a page with no question to answer says what the asterisk means")
	}
}
