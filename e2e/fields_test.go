package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// fieldsForm is a council's form with a "name and date" signature and a question required only when the
// family has not agreed (requiredWhen).
const fieldsForm = `id: consent-to-share
title: Consent to share information
version: 1
kind: referral
audience: [professional, public]
scope: child
caseData:
  type: object
  required: [submitter]
  properties:
    submitter:
      type: object
      required: [type]
      properties:
        type: { type: string, enum: [professional, public] }
        name: { type: string }
        email: { type: string }
        organisation: { type: string }
        telephone: { type: string }
sections:
  - id: overview
    title: Overview
    overview: true
    fields:
      - { id: intro, type: content, text: "Tell us whether the family agreed to share their information." }
  - id: consent
    title: Consent
    fields:
      - { id: agreed, type: yesno, label: Has the family agreed to share their information?, required: true, name: whether the family agreed }
      - { id: reason, type: textarea, label: Why are you sharing without their agreement?, requiredWhen: "!agreed" }
      - { id: signed, type: signature, label: Your signature, hint: Type your full name, required: true }
`

// A signature and a requiredWhen * in the browser: the date signed is today's, ready to change; the name
// is needed and the date cannot be in the future; the signature reads as one thing; the * of the
// question required when the family did not agree follows the answer with JavaScript, and follows the
// saved answer without it. Each page is checked with axe.
func TestSignatureAndRequiredWhenInTheBrowser(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "consent-to-share.yaml"), []byte(fieldsForm), 0o644); err != nil {
		t.Fatal(err)
	}
	withAndWithoutJavaScript(t, time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortalWith(t, []string{"-forms", dir})
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Consent to share information (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.MustSee("Your signature")
		b.MustSee("Full name")
		today := time.Now()
		if got := b.Value("Day (date signed)"); got != strconv.Itoa(today.Day()) {
			t.Fatalf("the date signed is not today's: day %q", got)
		}
		markShown := func() bool {
			var shown bool
			b.Eval(`(() => { const m = document.querySelector('label[for="reason"] [data-required-when]'); return !!m && !m.hidden })()`, &shown)
			return shown
		}
		if markShown() {
			t.Fatal("the reason is marked * before the family's answer")
		}
		b.Choose("Has the family agreed to share their information?", "No")
		if js && !markShown() {
			t.Fatal("with JavaScript, the * does not follow the answer No")
		}
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the consent page:\n%s", r)
		}
		// No name, and a date in the future: both refused, what was typed kept.
		next := today.AddDate(0, 0, 2)
		b.Fill("Day (date signed)", strconv.Itoa(next.Day()))
		b.Fill("Month (date signed)", strconv.Itoa(int(next.Month())))
		b.Fill("Year (date signed)", strconv.Itoa(next.Year()))
		b.ClickButton("Save for later")
		b.MustSee("Enter your full name")
		if !markShown() {
			t.Fatal("after saving No, the reason is not marked *")
		}
		b.Fill("Full name", "Jane Smith")
		b.ClickButton("Save for later")
		b.MustSee("The date signed must be today or in the past")
		if got := b.Value("Full name"); got != "Jane Smith" {
			t.Fatalf("the name typed was not kept: %q", got)
		}
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the consent page with its errors:\n%s", r)
		}
		b.Fill("Day (date signed)", strconv.Itoa(today.Day()))
		b.Fill("Month (date signed)", strconv.Itoa(int(today.Month())))
		b.Fill("Year (date signed)", strconv.Itoa(today.Year()))
		b.Choose("Has the family agreed to share their information?", "Yes")
		if js && markShown() {
			t.Fatal("with JavaScript, the * does not go when the answer is Yes")
		}
		b.ClickButton("Save for later")
		b.MustNotSee("There is a problem")
		if markShown() {
			t.Fatal("after saving Yes, the reason is still marked *")
		}
		b.ClickLink("Print")
		b.MustSee("Signed by Jane Smith on " + today.Format("2 January 2006"))
	})
}
