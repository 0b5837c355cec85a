package mail

import (
	"strings"
	"testing"
)

func TestHTMLPartSaysTheSameWithALinkButton(t *testing.T) {
	text := "A new delegated form has been sent to you.\n\nUse this link to access your online account: https://portal.council.example/tasks\n\n" +
		"Reason: <script>alert(1)</script>\n\nYours sincerely\n\nExample Council"
	html, err := htmlBody("Example Council Children's Services Portal", "A form has been delegated to you", text, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<html lang="en">`, "<title>A form has been delegated to you</title>", "Example Council Children&#39;s Services Portal",
		"A new delegated form has been sent to you.", "Use this link to access your online account</p>",
		`<a href="https://portal.council.example/tasks"`, ">Go to your tasks</a>", "Yours sincerely",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Fatal("text from a reason must be escaped in the HTML part")
	}
}

// TestHTMLPartInWelshMarksItsEnglish: a Welsh email's HTML part says lang="cy" and its button is Welsh;
// in an email in both languages, what follows the divider is marked English, with an English button.
func TestHTMLPartInWelshMarksItsEnglish(t *testing.T) {
	text := "Mae’r neges hon yn Gymraeg ac yn Saesneg.\n\nDefnyddiwch y ddolen hon: https://portal.council.example/tasks\n\n" +
		LanguageDivider + "\n\nUse this link to access your online account: https://portal.council.example/tasks"
	html, err := htmlBody("Cyngor Enghraifft", "Mae ffurflen wedi’i dirprwyo i chi / A form has been delegated to you", text, "cy")
	if err != nil {
		t.Fatal(err)
	}
	cy, en, found := strings.Cut(html, `<div lang="en">`)
	if !found {
		t.Fatalf("no English part marked:\n%s", html)
	}
	if !strings.Contains(cy, `<html lang="cy">`) || !strings.Contains(cy, ">Ewch i’ch tasgau</a>") || strings.Contains(cy, "Go to your tasks") {
		t.Errorf("the Welsh part:\n%s", cy)
	}
	if !strings.Contains(en, ">Go to your tasks</a>") || strings.Contains(en, LanguageDivider) {
		t.Errorf("the English part:\n%s", en)
	}
	if english, _ := htmlBody("Council", "Subject", text, ""); strings.Contains(english, `<div lang="en">`) || !strings.Contains(english, LanguageDivider) {
		t.Errorf("an English email's divider is only a paragraph:\n%s", english)
	}
}
