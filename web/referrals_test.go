package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/store"
)

// The referral tests use the engine's referral fixture (testdata/valid/referral): form "concern", open to
// professionals and the public, with a condition, a repeatable list, uploads and a declaration.

var refRE = regexp.MustCompile(`FP-\d{8}-[0-9A-F]{6}`)

// startConcern signs up a member of the public from the start page and opens a new referral draft.
func startConcern(t *testing.T, e *env, email string) (*browser, string) {
	t.Helper()
	b := e.browser()
	b.get("/").see("If a child is in immediate danger call 999", "0800 123 4567", "I am a Professional", "I am a member of the public")
	b.get("/?as=public").see("Concern about a child")
	b.get("/referrals/new/concern?as=public").status(200).see("Overview", "If a child is in immediate danger call 999", "When you select Next you will be asked to sign in")
	b.post("/referrals/new/concern?as=public").see("Secure login")
	b.get("/register").post("/register", "forename", "Rose", "surname", "Berry").
		post("/register/email", "email", email, "password", testPassword, "confirm", testPassword)
	b.post("/register/verify", "code", e.lastCode(email)).post("/register/terms", "agree", "yes").see("Registration complete")
	// Registering from the overview's Next lands on the form's first question, not back on the overview.
	next := regexp.MustCompile(`href="([^"]+)" role="button"`).FindStringSubmatch(b.last)[1]
	m := regexp.MustCompile(`^/referrals/([0-9a-f]+)/pages/`).FindStringSubmatch(next)
	if m == nil {
		t.Fatalf("after registering from the overview, Continue goes to %q, not the form's first question", next)
	}
	b.get(next).see("Your details", "Rose Berry", "Member of the public", "Save for later")
	// The overview, read before signing in, is not left "Not started".
	if nav := htmlText(b.last); !strings.Contains(nav, "1. Overview Completed") {
		t.Fatalf("after the overview's Next, its section does not say Completed:\n%s", nav)
	}
	return b, m[1]
}

// TestStartPageButtonForEachDoor: the seed's "Select the 'I am a Professional' button on the screen. Next,
// select the relevant form": the start page offers each door as a GOV.UK button (a link, so it works
// without JavaScript), and each leads to its own forms, in Welsh too.
func TestStartPageButtonForEachDoor(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/").see("I am a Professional", "I am a member of the public")
	for _, want := range []string{
		`<a class="govuk-button" href="/?as=professional" role="button" draggable="false" data-module="govuk-button">I am a Professional</a>`,
		`<a class="govuk-button" href="/?as=public" role="button" draggable="false" data-module="govuk-button">I am a member of the public</a>`,
	} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the start page has no button %s", want)
		}
	}
	if strings.Contains(b.last, "/referrals/new/") || strings.Contains(b.last, `<h2 class="govuk-heading-m">I am a Professional</h2>`) {
		t.Error("the start page lists forms, or names a door in a heading, before a door is chosen")
	}

	b.get("/?as=professional").see("I am a Professional", "Select the form you want to complete.", "Concern about a child")
	if !strings.Contains(b.last, `href="/referrals/new/concern?as=professional"`) || strings.Contains(b.last, "?as=public") || !strings.Contains(b.last, `class="govuk-back-link"`) {
		t.Errorf("the professional's door does not list only its forms, with a way back:\n%s", htmlText(b.last))
	}
	b.get("/?as=public&lang=cy").see("Rwy’n aelod o’r cyhoedd", "Dewiswch y ffurflen rydych am ei llenwi.", "(fel aelod o’r cyhoedd)")
	if !strings.Contains(b.last, `href="/referrals/new/concern?as=public"`) || strings.Contains(b.last, "?as=professional") {
		t.Errorf("the public's door in Welsh does not list only its forms:\n%s", htmlText(b.last))
	}
	b.get("/?as=nobody&lang=cy").see("Rwy’n Weithiwr Proffesiynol")
	if !strings.Contains(b.last, `href="/?as=professional" role="button"`) || strings.Contains(b.last, "/referrals/new/") {
		t.Error("an unknown door is not the choice again")
	}
}

// TestOverviewNextThenSignIn: someone with an account who presses the overview's Next signs in and lands
// on the form's first question, the overview read.
func TestOverviewNextThenSignIn(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, _ := startConcern(t, e, "rose@example.org")
	b.post("/logout")
	b.get("/referrals/new/concern?as=public").post("/referrals/new/concern?as=public").see("Secure login")
	b.loginHere("rose@example.org", testPassword).status(http.StatusOK).see("Your details", "1. Overview Completed")
}

// TestSavedAfterTheIdleTimeoutWithoutJavaScript: with no script to warn and save, someone who presses
// Save for later after the seed's 10 idle minutes is signed out. They are told why on the sign-in page,
// not "Your page has expired", and signing in takes them back to the page; the refused post changed nothing.
func TestSavedAfterTheIdleTimeoutWithoutJavaScript(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/you"
	b.get(page)
	e.clock.Advance(e.app.cfg.IdleTimeout + time.Minute)
	// The idle warning's "Stay signed in", too late, is still refused: the script must not take a sign-in
	// page for its session kept.
	late, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/session/keepalive", nil)
	late.Header.Set("X-CSRF-Token", "from the page before")
	late.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := b.c.Do(late); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a keepalive after the timeout: %v %v, want 403", resp, err)
	}
	b.post(page, "your_name", "Typed after the timeout", "action", "save").status(http.StatusOK).
		see("Secure login", "You were signed out because you did nothing for 10 minutes. Anything you saved has been kept.")
	// It is news, not a success: an "Important" banner, as GOV.UK's notification banner has it.
	if !strings.Contains(b.last, `id="notice-title">Important</h2>`) || strings.Contains(b.last, ">Success</h2>") {
		t.Errorf("the signed-out notice is not an Important banner:\n%s", htmlText(b.last))
	}
	b.loginHere("rose@example.org", testPassword).status(http.StatusOK).see("Your details", "Save for later")
	if !strings.Contains(b.last, `action="`+page) {
		t.Errorf("signing in again does not lead back to the page %s:\n%s", page, htmlText(b.last))
	}
	if strings.Contains(b.last, "Typed after the timeout") {
		t.Error("the post refused for the ended session was saved")
	}
	// The idle warning's sign-out come too late: signing in again leads to no sign-out page.
	e.clock.Advance(e.app.cfg.IdleTimeout + time.Minute)
	b.post("/logout?timeout=1").status(http.StatusOK).see("Secure login", "You were signed out because you did nothing")
	if b.loginHere("rose@example.org", testPassword); strings.Contains(b.last, "<title>Sign out") {
		t.Error("signing in after a late idle sign-out showed the sign-out page")
	}
}

// TestCheckAnswersProblemsHeadThePage: what stops a referral being submitted is the error summary at the
// top of "Check your answers", above its heading and a long list of answers, and the title says Error, as
// GOV.UK's error summary pattern asks; without JavaScript nothing scrolls to it.
func TestCheckAnswersProblemsHeadThePage(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	b.post("/referrals/"+id+"/pages/you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "submit").
		see("Check your answers before submitting", "Tick the box to confirm the declaration")
	if summary := problemsAtTop(t, b.last); !strings.Contains(summary, `href="/referrals/`+id+`/pages/declaration?check=1#`) {
		t.Errorf("the summary does not lead to the declaration:\n%s", htmlText(summary))
	}
	b.post("/referrals/"+id+"/pages/concern", "categories", "neglect", "action", "save")
	b.post("/referrals/"+id+"/pages/declaration", "agree", "yes", "action", "submit").see("Submit to Local Authority")
	if strings.Contains(b.last, "govuk-error-summary") || strings.Contains(b.last, "<title>Error") {
		t.Fatalf("check your answers with nothing missing still shows an error:\n%s", htmlText(b.last))
	}
}

// problemsAtTop checks that a page with problems says so as GOV.UK asks: its title starts "Error:", and
// one error summary comes before its heading. It returns the summary's HTML.
func problemsAtTop(t *testing.T, html string) string {
	t.Helper()
	if title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(html)[1]; !strings.HasPrefix(title, "Error: ") {
		t.Errorf("the title of a page with problems is %q, not Error: ...", title)
	}
	summary, heading := strings.Index(html, `class="govuk-error-summary"`), strings.Index(html, "<h1")
	if summary < 0 || summary > heading || strings.Count(html, `class="govuk-error-summary"`) != 1 {
		t.Fatalf("the error summary is not once, above the heading (summary at %d, heading at %d)", summary, heading)
	}
	return html[summary:heading]
}

func TestReferralJourney(t *testing.T) {
	e, key := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"

	// Save for later, sign out, recover.
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save").
		see("Your form has been saved. You can find it under Recover a Form for 30 days")
	b.post("/logout")
	b.login("rose@example.org", testPassword)
	b.get("/recover").see("Recover a Form", "Concern about a child", "Today", "1 April 2026")
	b.get("/referrals/"+id).see("Your details", "OX1 1NE")

	// The condition: "other" reveals its question; a repeatable list.
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "next").
		see("Your concern", "Answer this if “What is the concern about?” includes “Other”")
	b.post(pages+"concern", "categories", "neglect", "categories", "other", "action", "add:household").see("Add a person", "Full name")
	b.post(pages+"concern?field=household&row=new", "row.name", "Alex Berry", "row.relationship", "Mother", "action", "save-row").
		see("Person 1 has been saved", "Person 1", "Full name: Alex Berry", "Change Person 1", "Add another person")
	b.post(pages+"concern", "categories", "neglect", "categories", "other", "other_detail", "Left alone at night", "action", "submit")
	b.see("Check your answers before submitting", "There is a problem", "Tick the box to confirm the declaration", "Left alone at night", "Alex Berry")
	b.get(pages + "declaration")
	b.post(pages+"declaration", "agree", "yes", "action", "submit").see("Check your answers before submitting", "Submit to Local Authority")
	b.get("/referrals/" + id + "/confirm").see("Are you sure you want to submit this form to the Local Authority?")
	b.post("/referrals/"+id+"/submit").see("Form submitted", "Your reference number")
	reference := refRE.FindString(b.last)

	mails, _ := e.store.RecentMail(context.Background(), 10)
	if mails[0].Subject != "Confirmation of form submission" || !strings.Contains(mails[0].Text, reference) {
		t.Fatalf("confirmation email: %+v", mails[0])
	}
	// It signs off once, with the seed's "Many Thanks" and the council's name, not "Yours sincerely" too.
	if !strings.Contains(mails[0].Text, "Many Thanks\n\nExample County Council") || strings.Contains(mails[0].Text, "Yours sincerely") {
		t.Errorf("the confirmation email's sign-off:\n%s", mails[0].Text)
	}
	b.get("/submitted").see("Forms submitted in the last 30 days", reference)
	b.get("/recover").see("You have no saved forms")

	// The council returns it for more information.
	code, out := e.api(key, "POST", "/referrals/"+id+"/return", map[string]any{"reason": "Insufficient Detail", "comment": "Can you please provide further information regarding this referral?"})
	if code != 200 {
		t.Fatalf("return: %d %v", code, out)
	}
	reopened := out["reopened"].(string)
	mails, _ = e.store.RecentMail(context.Background(), 10)
	if mails[0].To != "rose@example.org" || !strings.Contains(mails[0].Text, "Insufficient Detail") {
		t.Fatalf("return email: %+v", mails[0])
	}
	b.get("/submitted").see("Forms requesting more information", "Insufficient Detail", "Can you please provide further information regarding this referral?", "Previous Form")
	b.get("/referrals/"+id+"/print").see("Concern about a child", "Left alone at night", reference)
	b.get("/referrals/"+reopened).see("More information requested", "Insufficient Detail", "Rose Berry")
	b.post("/referrals/"+reopened+"/pages/concern", "categories", "neglect", "categories", "other", "other_detail", "Left alone at night, most weekends",
		"action", "submit").
		see("Left alone at night, most weekends")
	b.post("/referrals/" + reopened + "/submit").see("Form submitted")
	code, out = e.api(key, "GET", "/referrals/"+reopened, nil)
	if code != 200 || out["status"] != "submitted" || out["previous"] != "/api/v1/referrals/"+id {
		t.Fatalf("resubmitted referral: %d %v", code, out)
	}
	for _, m := range mustMail(t, e) {
		if strings.Contains(m.Text, "Alex") || strings.Contains(m.Text, "Left alone") {
			t.Fatalf("an email carries details of the referral: %s", m.Text)
		}
	}
}

func TestDraftsPurgedAfter30DaysAndNotBefore(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "purge@example.org")
	b.post("/referrals/"+id+"/pages/you", "your_name", "Rose Berry", "action", "save")
	e.clock.Advance(29*24*time.Hour + 23*time.Hour)
	e.app.Housekeep(context.Background())
	if _, err := e.store.Response(context.Background(), id); err != nil {
		t.Fatalf("a 29-day-old draft was purged: %v", err)
	}
	e.clock.Advance(2 * time.Hour)
	e.app.Housekeep(context.Background())
	if _, err := e.store.Response(context.Background(), id); err == nil {
		t.Fatal("a draft older than 30 days was kept")
	}
}

func TestSubmitterSeesOnlyTheirOwnReferrals(t *testing.T) {
	e, _ := newDelegationEnv(t)
	owner, id := startConcern(t, e, "owner@example.org")
	owner.post("/referrals/"+id+"/pages/you", "your_name", "Rose Secret", "action", "save")
	other := e.register("other@example.org")
	for _, path := range []string{"", "/pages/you", "/pages/concern", "/submit", "/confirm", "/print", "/files/x"} {
		other.get("/referrals/" + id + path).status(http.StatusNotFound)
		if strings.Contains(other.last, "Rose Secret") {
			t.Fatalf("GET %s shows another user's draft", path)
		}
	}
	other.get("/recover").see("You have no saved forms")
	other.post("/referrals/"+id+"/pages/you", "your_name", "Mallory", "action", "save").status(http.StatusNotFound)
	other.post("/referrals/" + id + "/submit").status(http.StatusNotFound)
	owner.get("/referrals/" + id + "/pages/you").see("Rose Secret")
}

func TestReferralUploadRejectsSpreadsheetAndKeepsAnswers(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "files@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page)
	b.upload(page, "documents", "figures.csv", []byte("a,b\n1,2\n"), "action", "upload:documents",
		"categories", "neglect").status(422).see("Spreadsheets cannot be uploaded")
	b.get(page)
	if !strings.Contains(b.last, `value="neglect" checked`) {
		t.Fatal("the answers typed beside a rejected upload were lost")
	}
}

// The Children's Portal offers "Submit to Local Authority" on its Declaration & Submit page, not on every
// page; the Delegation Portal keeps "Submit contribution" at the foot of every page, as its seed says.
func TestSubmitButtonOnTheDeclarationPageOnly(t *testing.T) {
	e, key := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	submit := `value="submit"`
	if b.get("/referrals/" + id + "/pages/you"); strings.Contains(b.last, submit) {
		t.Fatal("the first question page offers Submit to Local Authority")
	}
	if b.get("/referrals/" + id + "/pages/declaration"); !strings.Contains(b.last, submit) {
		t.Fatal("the declaration page has no submit button")
	}
	task := e.delegate(key, "sam@school.example")
	sam := e.register("sam@school.example")
	if sam.get("/tasks/" + task + "/pages/practitioner"); !strings.Contains(sam.last, submit) {
		t.Fatal("a task page lost its Submit contribution button")
	}
}

// Signing in from the overview's Next starts the form and lands on its first question.
func TestSignInFromTheOverviewLandsOnTheFirstQuestion(t *testing.T) {
	e := newEnv(t)
	e.register("sam@school.example").post("/logout")
	b := e.browser()
	b.get("/referrals/new/concern?as=public").post("/referrals/new/concern?as=public").see("Secure login")
	b.loginHere("sam@school.example", testPassword).see("Your details", "Save for later")
	if strings.Contains(b.last, `<h1 class="govuk-heading-l">Overview</h1>`) {
		t.Fatal("signing in from the overview went back to the overview")
	}
	drafts, _ := e.store.ListResponses(context.Background(), store.ResponseFilter{Kind: store.KindReferral})
	if len(drafts) != 1 {
		t.Fatalf("%d drafts after signing in from the overview, want 1", len(drafts))
	}
	b.get("/referrals/" + drafts[0].ID + "/pages/you").see("Your details")
}

// A resubmitted referral keeps its reference number, with the round shown.
func TestResubmissionKeepsItsReference(t *testing.T) {
	e, key := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "next")
	b.post(pages+"concern", "categories", "neglect", "household.rows", "0", "action", "next")
	b.post(pages+"declaration", "agree", "yes", "action", "submit")
	b.post("/referrals/" + id + "/submit").see("Form submitted")
	reference := refRE.FindString(b.last)
	if code, _ := e.api(key, "POST", "/referrals/"+id+"/return", map[string]any{"reason": "Insufficient Detail"}); code != http.StatusOK {
		t.Fatalf("return: %d", code)
	}
	reopened, _ := e.store.ListResponses(context.Background(), store.ResponseFilter{Kind: store.KindReferral, Statuses: []store.Status{store.StatusReturned}})
	copyID := reopened[0].ID
	b.get("/submitted").see("Forms requesting more information")
	b.get("/referrals/"+copyID+"/pages/declaration").post("/referrals/"+copyID+"/pages/declaration", "agree", "yes", "action", "submit")
	b.post("/referrals/"+copyID+"/submit").see("Form submitted", reference)
	b.get("/submitted").see(reference, "Resubmitted")
}

// Recover a Form reopens a saved draft on the page saved last, not on its first question; when that
// page is not asked any more, on the first page the section list does not show as completed.
func TestRecoverAFormOpensWhereItWasLeft(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"
	heading := regexp.MustCompile(`<h1 class="govuk-heading-l">\s*([^<]+?)\s*<`)
	recovered := func() string {
		t.Helper()
		b.get("/recover")
		link := regexp.MustCompile(`<a class="govuk-link" href="(/referrals/` + id + `)">Concern about a child</a>`).FindStringSubmatch(b.last)
		if link == nil {
			t.Fatalf("Recover a Form does not link to the draft:\n%s", htmlText(b.last))
		}
		b.get(link[1]).status(http.StatusOK)
		return heading.FindStringSubmatch(b.last)[1]
	}

	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "next")
	b.post(pages+"concern", "categories", "neglect", "action", "save").see("Your form has been saved")
	b.post("/logout")
	b.login("rose@example.org", testPassword)
	if got := recovered(); got != "Your concern" {
		t.Errorf("after saving Your concern, Recover a Form opens %q", got)
	}
	if !strings.Contains(b.last, `value="neglect" checked`) {
		t.Error("the recovered page does not show the answer saved on it")
	}

	// Saving an earlier page again makes it the one saved last.
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save")
	if got := recovered(); got != "Your details" {
		t.Errorf("after saving Your details again, Recover a Form opens %q", got)
	}

	// A page saved last that the form no longer asks (a later version, or an answer that hides it): the
	// first page not completed, here Your concern, whose "Other" needs its details, though Your details
	// was saved after it.
	b.post(pages+"concern", "categories", "other", "action", "save")
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save")
	_, err := e.app.work.SaveDraft(context.Background(), id, "rose@example.org", func(cur *store.Response) (casework.Edit, error) {
		var a engine.Answers
		if err := json.Unmarshal(cur.Answers, &a); err != nil {
			return casework.Edit{}, err
		}
		a.Visited = append(a.Visited, "no_longer_asked")
		raw, err := json.Marshal(a)
		return casework.Edit{Answers: raw}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := recovered(); got != "Your concern" {
		t.Errorf("with its last page no longer asked, Recover a Form opens %q, not the first page not completed", got)
	}
}
