package e2e

import (
	"testing"
	"time"

	"formportal/web"
)

// TestIdleWarningSignsOutByPost: on a page without a form, the idle warning's script signs out by posting
// the sign-out form with the page's CSRF token when time runs out, and so does its "Sign out" link; a GET
// of /logout only offers the button.
func TestIdleWarningSignsOutByPost(t *testing.T) {
	p := startPortal(t, func(c *web.Config) { c.IdleTimeout, c.IdleWarning = 30*time.Second, 5*time.Second })
	b := p.browser()
	b.Visit("/login")
	p.register(b, "Sam", "Jones", "walkaway@school.example")

	b.Visit("/logout")
	b.MustSee("Sign out")
	b.Visit("/account")
	b.MustSee("Update account") // visiting /logout signed nobody out

	// Walk away: the warning runs out and the session ends.
	waitFor(t, b, "the signed-out page", `document.readyState === "complete" && document.body.innerText.includes("You have signed out")`, 20*time.Second)
	b.MustSee("because you did nothing for")
	b.Visit("/account")
	b.MustSee("Secure login")

	// The warning's own "Sign out".
	p.login(b, "walkaway@school.example", password)
	b.Visit("/account")
	dialogOpen := `(() => { const d = document.getElementById("app-timeout-dialog"); return !!d && d.open })()`
	waitFor(t, b, "the timeout warning", dialogOpen, 10*time.Second)
	b.ClickLink("Sign out")
	b.MustSee("You have signed out")
	b.Visit("/account")
	b.MustSee("Secure login")
}

// TestWrongPasswordsThenSignInWithAnEmailedCode: after wrong passwords the owner still signs in, with the
// code emailed to them as well as the password.
func TestWrongPasswordsThenSignInWithAnEmailedCode(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/login")
	p.register(b, "Rose", "Berry", "rose.berry@example.org")
	b.ClickLink("Continue")
	logout(b, "Rose Berry")
	for range 5 {
		p.login(b, "rose.berry@example.org", "somebody guessing")
	}
	p.login(b, "rose.berry@example.org", password)
	b.MustSee("Check your email")
	b.Fill("Code", p.code("rose.berry@example.org"))
	b.ClickButton("Sign in")
	b.MustSee("Rose Berry")
	b.MustNotSee("Secure login")

	// The sign-out page's button.
	b.Visit("/logout")
	b.ClickButton("Sign out")
	b.MustSee("You have signed out")
}
