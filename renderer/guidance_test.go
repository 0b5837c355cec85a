package renderer

import (
	"context"
	"strings"
	"testing"

	"formportal/engine"
)

func TestGuidanceDrawsGOVUKMarkup(t *testing.T) {
	var b strings.Builder
	err := Guidance("## Before you start\n\nRead the **threshold document** on [our website](https://example.gov.uk/t).\n\n1. first\n2. second\n\n- a\n- b").Render(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<h2 class="govuk-heading-m">Before you start</h2>`,
		`<p class="govuk-body">Read the <strong>threshold document</strong> on <a class="govuk-link" href="https://example.gov.uk/t" rel="noreferrer">our website</a>.</p>`,
		`<ol class="govuk-list govuk-list--number"><li>first</li><li>second</li></ol>`,
		`<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %s in\n%s", want, b.String())
		}
	}
}

// Hostile designer text is drawn as escaped text: no element, attribute or script URL comes from it.
func TestGuidanceEscapesHostileText(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"[x](javascript:alert(1)) [y](JAVASCRIPT&#58;alert(1))",
		"<img src=x onerror=alert(1)>",
		"[x](https://example.gov.uk/\" onmouseover=\"alert(1))",
		"**<b onclick=alert(1)>**",
	} {
		var b strings.Builder
		fd := &engine.Field{Type: engine.TypeContent, Style: engine.StyleDetails, Summary: "<i>help</i>", Text: src}
		if err := contentField(fd, false).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		for _, bad := range []string{"<script", "<img", "<i>", "<b ", "javascript:", "JAVASCRIPT", "onmouseover=\"", "onclick"} {
			if strings.Contains(html, bad) {
				t.Errorf("%q drew %q:\n%s", src, bad, html)
			}
		}
	}
}

func TestContentStylesAreGOVUKComponents(t *testing.T) {
	for style, want := range map[string]string{
		engine.StyleInset:   `<div class="govuk-inset-text"><p class="govuk-body">Note <strong>this</strong>.</p></div>`,
		engine.StyleWarning: `<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span> <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Note <strong>this</strong>.</strong></div>`,
		engine.StyleDetails: `<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Levels</span></summary><div class="govuk-details__text"><p class="govuk-body">Note <strong>this</strong>.</p></div></details>`,
	} {
		var b strings.Builder
		fd := &engine.Field{Type: engine.TypeContent, Style: style, Summary: "Levels", Text: "Note **this**."}
		if engine.StyleDetails != style {
			fd.Summary = ""
		}
		if err := contentField(fd, false).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: got\n%s\nwant\n%s", style, b.String(), want)
		}
		b.Reset()
		if err := contentField(fd, true).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if open := strings.Contains(b.String(), "<details class=\"govuk-details\" open>"); open != (style == engine.StyleDetails) {
			t.Errorf("%s read-only: details open is %v:\n%s", style, open, b.String())
		}
	}
}
