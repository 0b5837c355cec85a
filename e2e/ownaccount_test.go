package e2e

import "testing"

// TestDeleteYourAccount: a member of the public deletes their account from Update account, confirming
// with their password after a wrong one; the account is gone, and every page on the way passes axe.
func TestDeleteYourAccount(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/login")
	p.register(b, "Rose", "Berry", "leaving@example.org")
	b.ClickLink("Continue")
	b.ClickButton("Rose Berry")
	b.ClickLink("Update account")
	b.ClickLink("Delete your account and your saved drafts")
	b.MustSee("If you delete your account")
	b.MustSee("forms you have submitted stay with the council")
	b.MustSee("You cannot undo this")
	b.Fill("Enter your password to confirm", "not my password")
	b.ClickButton("Delete account")
	b.MustSee("There is a problem")
	b.MustSee("Your password is not correct")
	b.Fill("Enter your password to confirm", password)
	b.ClickButton("Delete account")
	b.MustSee("Your account has been deleted")
	p.login(b, "leaving@example.org", password)
	b.MustSee("Enter a correct email address and password")
	if len(b.CheckedPages()) < 5 {
		t.Fatalf("axe checked only %d pages", len(b.CheckedPages()))
	}
}
