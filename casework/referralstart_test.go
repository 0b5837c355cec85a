package casework_test

import (
	"context"
	"testing"

	"formportal/casework"
	"formportal/engine"
)

// TestEveryReferralStartsForEveryAccount: the referral-case-data lint rule promises that a referral
// which lints clean accepts the case data the portal supplies. Every bundled referral starts for each
// of its audiences, from an account with every detail and from one with no organisation or telephone.
func TestEveryReferralStartsForEveryAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	started := 0
	for _, form := range e.forms.All() {
		if form.Kind != engine.KindReferral {
			continue
		}
		for _, audience := range form.Audience {
			for _, by := range []casework.Referrer{
				{UserID: "u1", Email: "sam@example.org", Name: "Sam Jones", Organisation: "Hill Primary School", Telephone: "01632960001", Audience: audience},
				{UserID: "u2", Email: "alex@example.org", Name: "Alex Smith", Audience: audience},
			} {
				if _, err := e.work.StartReferral(ctx, form.ID, by); err != nil {
					t.Errorf("%s as %s (organisation %q): %v", form.ID, audience, by.Organisation, err)
				}
				started++
			}
		}
	}
	if started < 4 {
		t.Fatalf("only %d referrals started: the bundled forms have fewer referrals than expected", started)
	}
}
