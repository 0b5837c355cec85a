package e2e

import (
	"strings"
	"testing"
)

// TestNewUserRegistersAndManagesTheirAccount is the foundation's first journey: register, read the code
// from the email, verify, accept the terms, log out, log in, change the password.
func TestNewUserRegistersAndManagesTheirAccount(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/login")
	b.MustSee("Secure login")
	p.register(b, "Rose", "Berry", "rose.berry@example.org")
	m := p.smtp.Messages()[0]
	if m.Subject != "Please verify your email address" || !strings.Contains(m.Header.Get("From"), "Children's Services Portal") {
		t.Fatalf("verification email: subject %q from %q", m.Subject, m.Header.Get("From"))
	}
	b.ClickLink("Continue")
	logout(b, "Rose Berry")

	p.login(b, "rose.berry@example.org", "not my password")
	b.MustSee("Enter a correct email address and password")
	p.login(b, "rose.berry@example.org", password)
	b.ClickButton("Rose Berry")
	b.ClickLink("Update account")
	b.MustSee("Update account")
	b.ClickLink("Change your password")
	b.Fill("Current password", password)
	b.Fill("New password", "a brand new passphrase")
	b.Fill("Please enter the same password", "a brand new passphrase")
	b.ClickButton("Change password")
	b.MustSee("Your password has been changed")
	logout(b, "Rose Berry")
	p.login(b, "rose.berry@example.org", "a brand new passphrase")
	b.MustNotSee("Enter a correct email address and password")
	b.MustSee("Rose Berry")
	if len(b.CheckedPages()) < 10 {
		t.Fatalf("axe checked only %d pages", len(b.CheckedPages()))
	}
}

// TestPagesWorkWithoutJavaScript registers and signs in with JavaScript switched off.
func TestPagesWorkWithoutJavaScript(t *testing.T) {
	p := startPortal(t)
	b := p.browser(browsertestNoJS())
	b.Visit("/login")
	p.register(b, "Sam", "Jones", "sam.jones@school.example")
	b.ClickLink("Continue")
	b.MustSee("Children's Services Portal")
}

// TestSignInWithTheEmailedCodeAndRememberTheDevice: every sign-in asks for the code emailed to the
// address; "Remember this device" spares this browser the code next time, until "Sign out of every
// device" forgets it.
func TestSignInWithTheEmailedCodeAndRememberTheDevice(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/login")
	p.register(b, "Rose", "Berry", "rose.berry@example.org")
	b.ClickLink("Continue")
	logout(b, "Rose Berry")

	signIn := func() {
		b.Visit("/login")
		b.Fill("Email address", "rose.berry@example.org")
		b.Fill("Password", password)
		b.ClickButton("Sign in")
	}
	signIn()
	b.MustSee("Check your email")
	b.MustSee("We have sent a code to rose.berry@example.org")
	b.Fill("Code", "1234 5678")
	b.ClickButton("Sign in")
	b.MustSee("The code is not correct")
	b.Fill("Code", p.code("rose.berry@example.org"))
	b.Check("Remember this device for 30 days")
	b.ClickButton("Sign in")
	b.MustSee("Rose Berry")
	b.MustNotSee("Secure login")
	logout(b, "Rose Berry")

	sent := p.smtp.Count("rose.berry@example.org")
	signIn()
	b.MustNotSee("Check your email")
	b.MustSee("Rose Berry")
	if p.smtp.Count("rose.berry@example.org") != sent {
		t.Fatal("the remembered browser was emailed a code")
	}

	b.ClickButton("Rose Berry")
	b.ClickLink("Update account")
	b.ClickButton("Sign out of every device")
	b.MustSee("You have signed out")
	signIn()
	b.MustSee("We have sent a code to rose.berry@example.org")
}
