package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReferralSavedRecoveredSubmittedReturnedAndResubmitted walks the Children's Portal seed as a new
// professional.
func TestReferralSavedRecoveredSubmittedReturnedAndResubmitted(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/")
	b.MustSee("If a child is in immediate danger call 999")
	b.MustSee("I am a Professional")
	// "My Account" along the top, as both seeds begin: signed out, it leads to sign-in.
	b.ClickLink("My Account")
	b.MustSee("Secure login")
	b.Back()
	b.ClickButton("I am a Professional")
	b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
	b.MustSee("Overview")
	b.ClickButton("Next")
	b.MustSee("Secure login")
	p.register(b, "Rose", "Berry", "rose.berry@school.example")
	b.ClickLink("Continue") // straight to the form's first question, not back to the overview
	b.MustSee("Your details")
	if got := b.Value("Full name"); got != "Rose Berry" {
		t.Fatalf("the name is not prefilled from the account: %q", got)
	}
	b.Fill("Role", "Designated safeguarding lead")
	b.Fill("Organisation", "Cherwell Primary School")
	b.Fill("Telephone number", "01632960001")
	b.ClickButton("Next")
	b.Fill("Child's full name", "Aurora Boreo")
	b.Choose("Address where the child lives", "Address")
	b.Fill("Address line 1", "41 Test Street")
	b.Fill("Town or city", "Testertown")
	b.MustNotSee("Language the interpreter needs to speak")
	b.Choose("Does the child or family need an interpreter?", "Yes")
	b.Fill("Language the interpreter needs to speak", "Polish")
	b.ClickButton("Save for later")
	b.MustSee("Your form has been saved. You can find it under Recover a Form for 30 days")
	logout(b, "Rose Berry")

	p.login(b, "rose.berry@school.example", password)
	b.ClickButton("Rose Berry")
	b.ClickLink("Recover a Form")
	b.MustSee("Today")
	b.ClickLink("Child / Young Person Safeguarding Concern")
	// The draft opens where it was saved, not on its first question.
	var heading string
	b.Eval(`document.querySelector('h1').firstChild.textContent.trim()`, &heading)
	if heading != "Child or young person's details" || !strings.HasSuffix(b.Path(), "/pages/child_details") {
		t.Fatalf("the recovered draft opens on %q (%s), not on the page it was saved on", heading, b.Path())
	}
	if got := b.Value("Language the interpreter needs to speak"); got != "Polish" {
		t.Fatalf("the recovered draft lost an answer: %q", got)
	}
	b.ClickButton("Next")
	b.ClickButton("+ Add a person")
	b.WaitToSee("Save and return")
	b.Fill("Full name", "Alex Boreo")
	b.Fill("Relationship to the child", "Mother")
	b.ClickButton("Save and return")
	b.WaitToSee("Person 1 has been saved")
	b.MustSee("Full name: Alex Boreo")
	b.ClickButton("Next")
	b.Check("Neglect")
	b.Check("Other")
	b.Fill("Other concern", "Left alone overnight")
	b.Fill("What happened and when", "Aurora told her teacher on Monday that she had been alone all weekend.")
	b.Choose("Do you think the child is at immediate risk of harm?", "No")
	b.ClickButton("Next")
	b.Choose("Are the parents or carers aware of this referral?", "No")
	b.Fill("Why are the parents or carers not aware?", "Telling them could put Aurora at risk")
	b.ClickButton("9. Declaration and submit")
	b.ClickButton("Submit to Local Authority")
	b.MustSee("Check your answers before submitting")
	b.MustSee("Left alone overnight")
	b.MustSee("Alex Boreo")
	b.ClickLink("Tick the box to confirm the declaration before you submit your referral")
	b.Check("I confirm that the information I have given is correct")
	b.ClickButton("Submit to Local Authority")
	b.MustNotSee("There is a problem")
	b.ClickLink("Submit to Local Authority")
	b.MustSee("Are you sure you want to submit this form to the Local Authority?")
	b.ClickButton("Submit")
	b.MustSee("Form submitted")
	b.MustSee("Your reference number")
	reference := referenceRE.FindString(b.Text())
	if reference == "" {
		t.Fatalf("no reference number on the confirmation: %s", b.Text())
	}
	m := p.smtp.WaitFor(t, "rose.berry@school.example", 10*time.Second)
	for m.Subject == "Please verify your email address" {
		m = p.smtp.WaitFor(t, "rose.berry@school.example", 10*time.Second)
	}
	if m.Subject != "Confirmation of form submission" || strings.Contains(m.Body, "Aurora") {
		t.Fatalf("confirmation email: %q\n%s", m.Subject, m.Body)
	}

	// The council asks for more information.
	code, list := p.api("GET", "/referrals", nil)
	if code != 200 {
		t.Fatalf("list referrals: %d", code)
	}
	id := list["referrals"].([]any)[0].(map[string]any)["id"].(string)
	if code, _ := p.api("POST", "/referrals/"+id+"/return", map[string]any{"reason": "Insufficient Detail",
		"comment": "Can you please provide further information regarding this referral?"}); code != 200 {
		t.Fatalf("return: %d", code)
	}
	m = p.smtp.WaitFor(t, "rose.berry@school.example", 10*time.Second)
	if !strings.Contains(m.Body, "Insufficient Detail") || strings.Contains(m.Body, "Aurora") {
		t.Fatalf("return email: %s", m.Body)
	}
	b.Visit("/submitted")
	b.MustSee("Forms requesting more information")
	b.MustSee("Insufficient Detail")
	b.MustSee("Can you please provide further information regarding this referral?")
	b.ClickLink("Previous Form")
	b.MustSee("Left alone overnight")
	b.Back()
	b.ClickLink("Child / Young Person Safeguarding Concern")
	b.MustSee("More information requested")
	b.ClickButton("3. Child or young person's details")
	if got := b.Value("Child's full name"); got != "Aurora Boreo" {
		t.Fatalf("child's name on the returned form: %q", got)
	}
	b.ClickButton("5. Your concerns")
	b.Fill("What happened and when", "Aurora told her teacher on Monday 2 March that she had been alone from Friday evening to Sunday night.")
	b.ClickButton("9. Declaration and submit") // the submit button is on the Declaration & Submit page
	b.ClickButton("Submit to Local Authority")
	b.ClickLink("Submit to Local Authority")
	b.ClickButton("Submit")
	b.MustSee("Form submitted")
	b.MustSee(reference) // the council and the referrer recognise it: the same reference
	b.Visit("/submitted")
	b.MustNotSee("Forms requesting more information")
	b.MustSee("Forms submitted in the last 30 days")
	b.MustSee(reference)
	b.MustSee("Resubmitted")
}

var referenceRE = regexp.MustCompile(`FP-\d{8}-[0-9A-F]{6}`)

// TestMemberOfThePublicCanReferAnonymously is the public journey: the public's questions, not the
// professional's.
func TestMemberOfThePublicStartsAReferral(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/")
	b.ClickButton("I am a member of the public")
	b.ClickLink("Child / Young Person Safeguarding Concern (as a member of the public)")
	b.ClickButton("Next")
	p.register(b, "Pat", "Neighbour", "pat@example.org")
	b.ClickLink("Continue")
	b.MustSee("Member of the public")
	b.MustSee("Relationship to the child")
	b.MustNotSee("Organisation")
	b.Fill("Relationship to the child", "Neighbour")
	b.Choose("Do you want to stay anonymous to the family?", "Yes")
	b.ClickButton("Save for later")
	b.MustSee("Your form has been saved")
}
