package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// The header's language switch: a link to the same page in the other language, kept in a cookie and,
// when signed in, in the account.
func TestLanguageSwitchKeptInCookieAndAccount(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/").status(200)
	if !strings.Contains(b.last, `<html lang="en"`) || !strings.Contains(b.last, `href="/?lang=cy" hreflang="cy" lang="cy"`) {
		t.Fatalf("English start page: no lang=en or no link to Welsh:\n%s", b.last[:min(len(b.last), 3000)])
	}
	b.get("/?lang=cy").status(200).see("Mae hwn yn wasanaeth newydd", "Neidio i'r prif gynnwys")
	if !strings.Contains(b.last, `<html lang="cy"`) || !strings.Contains(b.last, `href="/?lang=en" hreflang="en" lang="en"`) {
		t.Fatal("Welsh page: no lang=cy or no link back to English")
	}
	// The cookie keeps it on the next page, without the parameter.
	b.get("/login").see("Mae hwn yn wasanaeth newydd")
	if !strings.Contains(b.last, `<html lang="cy"`) {
		t.Fatal("the language chosen was not kept for the next page")
	}

	// Signed in, the account keeps it: another browser that signs in gets Welsh too.
	signed := e.register("rose@example.org")
	signed.get("/submitted?lang=cy").see("Mae hwn yn wasanaeth newydd")
	if u, err := e.store.UserByEmail(context.Background(), "rose@example.org"); err != nil || u.Lang != "cy" {
		t.Fatalf("account's language %q, %v; want cy", u.Lang, err)
	}
	other := e.browser()
	other.login("rose@example.org", testPassword)
	other.get("/submitted").see("Mae hwn yn wasanaeth newydd")
	// And back to English.
	other.get("/submitted?lang=en").see("This is a new service")
	if u, _ := e.store.UserByEmail(context.Background(), "rose@example.org"); u.Lang != "en" {
		t.Fatalf("account's language %q after switching back, want en", u.Lang)
	}
	// A language the service does not speak is ignored.
	e.browser().get("/?lang=fr").see("This is a new service")
}

// englishChrome are the service's own English texts on the Children's Portal journey's pages: none may
// be left on a page in Welsh. (The fixture form's own texts are the form's, in English until it has
// Welsh: they are not in this list.)
var englishChrome = []string{
	"Skip to main content", "This is a new service", "There is a problem", "Sections", "Not started", "In progress",
	"Completed", "Has errors", "Questions marked with", "must be answered", "Previous", "Next", "Save for later",
	"Close", "Download PDF", "Secure login", "Existing users", "New users", "Sign in", "Register for new account",
	"Email address", "Password", "Forename", "Surname", "Step 1 of 4", "Step 3 of 4", "Please verify",
	"Terms and conditions", "I agree", "Continue", "Registration complete", "Check your answers", "Not answered",
	"Change", "Go back to the form", "Submit to Local Authority", "Are you sure", "Form submitted",
	"Your reference number", "Recover a Form", "Submitted Forms", "Accessibility statement", "Privacy notice",
	"Your form has been saved", "I am a Professional", "Logout", "Success", "Tasks", "Update account",
	"Automatic replies", "Children's Services Portal",
	"Error:", "(required)", "Cancel", "Back", "Register a new account", "Today", "days ago", "Not given yet",
	"Enter an email address", "characters or more", "harder to guess",
}

// inWelsh fails when the last page is not marked Welsh or still shows English chrome; the language switch
// (marked lang="en") is left out, since it rightly names English in English.
func inWelsh(t *testing.T, b *browser, page string) {
	t.Helper()
	if !strings.Contains(b.last, `<html lang="cy"`) {
		t.Fatalf("%s: not marked lang=cy", page)
	}
	body := b.last
	if i, j := strings.Index(body, `<nav class="app-language-switch"`), strings.Index(body, "</nav>"); i >= 0 && j > i {
		body = body[:i] + body[j:]
	}
	text := htmlText(body)
	for _, s := range englishChrome {
		if strings.Contains(text, s) {
			t.Errorf("%s: English %q left on the Welsh page:\n%s", page, s, text)
		}
	}
}

// TestChildrensPortalJourneyInWelsh walks a referral in Welsh from the start page to its confirmation:
// every page says lang="cy" and none shows the service's English texts.
func TestChildrensPortalJourneyInWelsh(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b := e.browser()
	b.get("/?lang=cy").see("Rwy’n Weithiwr Proffesiynol", "Os yw plentyn mewn perygl uniongyrchol")
	inWelsh(t, b, "start")
	b.get("/referrals/new/concern?as=public").see("Trosolwg", "Nesaf")
	inWelsh(t, b, "overview")
	b.post("/referrals/new/concern?as=public").see("Mewngofnodi diogel")
	inWelsh(t, b, "sign in")
	b.post("/login", "email", "", "password", "").status(422).see("Mae problem wedi codi", "Rhowch eich cyfeiriad e-bost")
	inWelsh(t, b, "sign in with errors")
	b.get("/register").see("Cam 1 o 4")
	inWelsh(t, b, "register step 1")
	b.post("/register", "forename", "", "surname", "Berry").see("Rhowch eich enw cyntaf")
	inWelsh(t, b, "register step 1 with errors")
	b.post("/register", "forename", "Rhian", "surname", "Berry").see("Cam 2 o 4")
	inWelsh(t, b, "register step 2")
	b.post("/register/email", "email", "", "password", "short", "confirm", "short").status(422).see("Rhowch gyfeiriad e-bost", "Rhaid i’r cyfrinair fod yn 10 nod neu fwy")
	inWelsh(t, b, "register step 2 with errors")
	b.post("/register/email", "email", "rhian@example", "password", "password123", "confirm", "password123").status(422).see("yn y fformat cywir", "Dewiswch gyfrinair sy’n anoddach ei ddyfalu")
	inWelsh(t, b, "register step 2 with a weak password")
	b.post("/register/email", "email", "rhian@example.org", "password", testPassword, "confirm", testPassword).see("Dilyswch eich cyfeiriad e-bost")
	inWelsh(t, b, "register step 3")
	mails, _ := e.store.RecentMail(context.Background(), 1)
	if mails[0].Subject != "Dilyswch eich cyfeiriad e-bost" || !strings.Contains(mails[0].Text, "Yn gywir") {
		t.Errorf("the code email is not in Welsh: %q\n%s", mails[0].Subject, mails[0].Text)
	}
	b.post("/register/verify", "code", e.lastCode("rhian@example.org")).see("Telerau ac amodau")
	inWelsh(t, b, "terms")
	b.post("/register/terms", "agree", "yes").see("Cofrestru wedi’i gwblhau")
	inWelsh(t, b, "registered")
	next := regexp.MustCompile(`href="([^"]+)" role="button"`).FindStringSubmatch(b.last)[1]
	id := regexp.MustCompile(`^/referrals/([0-9a-f]+)/pages/`).FindStringSubmatch(next)[1]
	pages := "/referrals/" + id + "/pages/"
	b.get(next).see("Adrannau", "Cadw a dod yn ôl yn nes ymlaen")
	inWelsh(t, b, "form page")
	b.post(pages+"you", "your_name", "Rhian Berry", "action", "save").see("Mae eich ffurflen wedi’i chadw")
	inWelsh(t, b, "saved for later")
	b.get("/recover").see("Adfer Ffurflen")
	inWelsh(t, b, "recover")
	b.post(pages+"you", "your_name", "Rhian Berry", "action", "next")
	inWelsh(t, b, "second page")
	b.post(pages+"concern", "categories", "neglect", "action", "submit").see("Gwiriwch eich atebion cyn cyflwyno", "Mae problem wedi codi")
	inWelsh(t, b, "check answers with problems")
	b.post(pages+"declaration", "agree", "yes", "action", "submit").see("Cyflwyno i’r Awdurdod Lleol")
	inWelsh(t, b, "check answers")
	b.get("/referrals/" + id + "/confirm").see("Ydych chi’n siŵr")
	inWelsh(t, b, "confirm")
	b.post("/referrals/"+id+"/submit").see("Ffurflen wedi’i chyflwyno", "Eich cyfeirnod")
	inWelsh(t, b, "confirmation")
	// Registered in Welsh, so the account keeps Welsh, and the confirmation email is in it.
	mails, _ = e.store.RecentMail(context.Background(), 1)
	if mails[0].Subject != "Cadarnhad bod ffurflen wedi’i chyflwyno" || !strings.Contains(mails[0].Text, "Eich cyfeirnod yw FP-") {
		t.Errorf("the confirmation email is not in Welsh: %q\n%s", mails[0].Subject, mails[0].Text)
	}
	if !strings.Contains(mails[0].Text, "Diolch yn fawr\n\nExample County Council") || strings.Contains(mails[0].Text, "Yn gywir") {
		t.Errorf("the Welsh confirmation email's sign-off:\n%s", mails[0].Text)
	}
	b.get("/submitted").see("Ffurflenni a Gyflwynwyd")
	inWelsh(t, b, "submitted forms")
}

// TestLanguageSwitchInTheMiddleOfAFormKeepsAnswers: the switch on a form's page is a button of the page's
// form, so what was typed is saved before the page comes back in the other language.
func TestLanguageSwitchInTheMiddleOfAFormKeepsAnswers(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/you"
	b.get(page)
	if !strings.Contains(b.last, `form="app-form" name="action" value="lang:cy"`) {
		t.Fatal("the form page's switch is not a button of its form")
	}
	// Typed, not saved, then Cymraeg pressed: the post saves and leads to the same page in Welsh.
	b.post(page, "your_name", "Rose Typed", "postcode", "OX1 2AB", "action", "lang:cy").see("Adrannau", "Rose Typed", "OX1 2AB")
	inWelsh(t, b, "form page after switching")
	resp, err := e.store.Response(context.Background(), id)
	if err != nil || !strings.Contains(string(resp.Answers), "Rose Typed") {
		t.Fatalf("answers not saved by the switch: %v", err)
	}
	// And back to English the same way.
	b.post(page, "your_name", "Rose Typed Again", "postcode", "OX1 2AB", "action", "lang:en").see("Sections", "Rose Typed Again")
	if !strings.Contains(b.last, `<html lang="en"`) {
		t.Fatal("not back in English")
	}
	// A language the service does not speak saves and stays on the page.
	b.post(page, "your_name", "Rose", "postcode", "OX1 2AB", "action", "lang:fr").status(200).see("Sections")
}
