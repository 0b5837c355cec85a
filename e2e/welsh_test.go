package e2e

import (
	"strings"
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// TestReferralJourneyInWelsh walks the Children's Portal referral in Welsh, with axe on every page (the
// harness audits each one), and switches language in the middle of a form: what was typed and not yet
// saved is still there in the other language. The bundled form's own texts are in Welsh too.
func TestReferralJourneyInWelsh(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/")
	b.ClickLink("Newid yr iaith i'r Gymraeg")
	welsh := func(page string) {
		t.Helper()
		var lang string
		b.Eval(`document.documentElement.lang`, &lang)
		if lang != "cy" {
			t.Fatalf("%s: <html lang=%q>, want cy", page, lang)
		}
	}
	welsh("start")
	b.MustSee("Rwy’n Weithiwr Proffesiynol")
	b.ClickButton("Rwy’n Weithiwr Proffesiynol")
	b.ClickLink("Pryder Diogelu am Blentyn / Berson Ifanc (fel gweithiwr proffesiynol)")
	welsh("overview")
	b.ClickButton("Nesaf")
	b.MustSee("Mewngofnodi diogel")
	welsh("sign in")

	b.ClickLink("Cofrestru am gyfrif newydd")
	b.MustSee("Cam 1 o 4")
	b.ClickButton("Nesaf")
	b.MustSee("Mae problem wedi codi")
	b.MustSee("Rhowch eich enw cyntaf")
	b.Fill("Enw cyntaf", "Rhian")
	b.Fill("Cyfenw", "Berry")
	b.ClickButton("Nesaf")
	b.Fill("Cyfeiriad e-bost", "rhian.berry@school.example")
	b.Fill("Cyfrinair", password)
	b.Fill("Rhowch yr un cyfrinair eto", password)
	b.ClickButton("Nesaf")
	b.MustSee("Dilyswch eich cyfeiriad e-bost")
	m := p.smtp.WaitFor(t, "rhian.berry@school.example", 10*time.Second)
	if m.Subject != "Dilyswch eich cyfeiriad e-bost" || !strings.Contains(m.Body, "Yn gywir") {
		t.Fatalf("the code email is not in Welsh: %q\n%s", m.Subject, m.Body)
	}
	b.Fill("Cod", codeRE.FindString(m.Body))
	b.ClickButton("Nesaf")
	b.Check("Rwy’n cytuno i’r Telerau ac Amodau hyn")
	b.ClickButton("Parhau")
	b.MustSee("Cofrestru wedi’i gwblhau")
	b.ClickLink("Parhau")
	welsh("form page")
	b.MustSee("Adrannau")
	b.MustSee("Cadw a dod yn ôl yn nes ymlaen")
	b.MustSee("Eich manylion") // the form's own texts in Welsh too
	b.Fill("Rôl", "Designated safeguarding lead")
	b.Fill("Sefydliad", "Cherwell Primary School")
	b.Fill("Rhif ffôn", "01632960001")
	switchToEnglishAndBack(t, b, welsh, "form page", "Designated safeguarding lead", "Sections", "Your details", "Save for later")
	b.ClickButton("Nesaf")
	b.Fill("Enw llawn y plentyn", "Aurora Boreo")
	b.Choose("Cyfeiriad lle mae’r plentyn yn byw", "Cyfeiriad")
	b.Fill("Llinell gyntaf y cyfeiriad", "41 Test Street")
	b.Fill("Tref neu ddinas", "Testertown")
	b.ClickButton("Cadw a dod yn ôl yn nes ymlaen")
	b.MustSee("Mae eich ffurflen wedi’i chadw")
	b.ClickButton("9. Datganiad a chyflwyno")
	b.ClickButton("Cyflwyno i’r Awdurdod Lleol")
	b.MustSee("Gwiriwch eich atebion cyn cyflwyno")
	b.MustSee("Mae problem wedi codi")
	welsh("check answers")
	// The engine's messages for the questions left unanswered are Welsh too.
	var summary string
	b.Eval(`document.querySelector('.govuk-error-summary').innerText`, &summary)
	for _, english := range []string{"Enter ", "Select ", " must ", "Tick the box", " in row ", "There is a problem"} {
		if strings.Contains(summary, english) {
			t.Errorf("English %q in the Welsh error summary:\n%s", english, summary)
		}
	}
	if !strings.Contains(summary, "Rhowch") && !strings.Contains(summary, "Dewiswch") && !strings.Contains(summary, "Ticiwch") {
		t.Errorf("the Welsh error summary has no Welsh message:\n%s", summary)
	}
}

// switchToEnglishAndBack switches a Welsh form page to English before saving, where it must say see and
// still hold the role typed, types the organisation, and switches back to Welsh (welsh checks the page
// is, as where), where the organisation typed in English must still be.
func switchToEnglishAndBack(t *testing.T, b *browsertest.Browser, welsh func(string), where, role string, see ...string) {
	t.Helper()
	b.ClickButton("Change the language to English")
	for _, text := range see {
		b.MustSee(text)
	}
	if got := b.Value("Role"); got != role {
		t.Fatalf("switching language lost an answer typed: %q", got)
	}
	b.Fill("Organisation", "Ysgol Gynradd Cherwell")
	b.ClickButton("Newid yr iaith i'r Gymraeg")
	welsh(where + " switched back")
	if got := b.Value("Sefydliad"); got != "Ysgol Gynradd Cherwell" {
		t.Fatalf("switching back lost an answer typed: %q", got)
	}
}
