package mail

import (
	"strings"
	"testing"
)

func TestHTMLPartSaysTheSameWithALinkButton(t *testing.T) {
	text := "A new delegated form has been sent to you.\n\nUse this link to access your online account: https://portal.council.example/tasks\n\n" +
		"Reason: <script>alert(1)</script>\n\nYours sincerely\n\nExample Council"
	html, err := htmlBody("Example Council Children's Services Portal", "A form has been delegated to you", text)
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
