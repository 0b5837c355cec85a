package renderer

import (
	"context"
	"strings"
	"testing"

	"formportal/engine"
)

// A declaration shows the person's own answers in its text, escaped like any other text.
func TestDeclarationShowsTheAnswersEscaped(t *testing.T) {
	form, diags := engine.Load("f.yaml", []byte(`id: early-help-request
title: Early Help Request
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: referrer_name, type: text, label: Your name, required: true }
  - id: declare
    title: Declaration
    fields:
      - { id: ok, type: declaration, required: true, label: Declaration, text: "I, {referrer_name}, confirm this is correct." }
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	answers := engine.Answers{Values: map[string]any{"referrer_name": `Sam <script>alert(1)</script>`}}
	views := BuildSection(SectionInput{Section: form.Section("declare"), Values: map[string]any{}, Form: form, Answers: answers})
	var b strings.Builder
	if err := Fields(views).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if !strings.Contains(html, "I, Sam &lt;script&gt;alert(1)&lt;/script&gt;, confirm this is correct.") || strings.Contains(html, "<script") {
		t.Errorf("the declaration does not show the escaped answer:\n%s", html)
	}
	b.Reset()
	views = BuildSection(SectionInput{Section: form.Section("declare"), Values: map[string]any{}, Form: form})
	if err := Fields(views).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "I, [Your name], confirm this is correct.") {
		t.Errorf("unanswered, the declaration does not name the question:\n%s", b.String())
	}
}
