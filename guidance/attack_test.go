package guidance

import (
	"strings"
	"testing"
)

// Text a hostile or careless designer might write never becomes markup or a link that runs script.
func TestHostileTextStaysText(t *testing.T) {
	cases := map[string]string{
		"<script>alert(1)</script>":               "",
		"a <img src=x onerror=alert(1)> b":        "P a  b\n",
		"[x](javascript:alert(1))":                "P x\n",
		"[x](JaVaScRiPt:alert(1))":                "P x\n",
		"[x](javascript&#58;alert(1))":            "P x\n",
		"[x](&#106;avascript:alert(1))":           "P x\n",
		"[x](<java\tscript:alert(1)>)":            "P x\n",
		"[x](data:text/html;base64,PHNjcmlwdD4=)": "P x\n",
		"[x](vbscript:msgbox)":                    "P x\n",
		"[x](//evil.example/)":                    "P x\n",
		"<javascript:alert(1)>":                   "P javascript:alert(1)\n",
		"![alt](https://evil.example/t.png)":      "P alt\n",
		"&lt;script&gt;alert(1)&lt;/script&gt;":   "P <script>alert(1)</script>\n",
		"[ok](https://example.gov.uk/a?b=1&c=2)":  "P [ok](https://example.gov.uk/a?b=1&c=2)\n",
		"[mail](mailto:mash@example.gov.uk)":      "P [mail](mailto:mash@example.gov.uk)\n",
		"[page](/referrals/new)":                  "P [page](/referrals/new)\n",
		"[x](https:alert)":                        "P x\n",
		"[x](\"onmouseover=alert(1))":             "P [x](\"onmouseover=alert(1))\n",
	}
	for src, want := range cases {
		if got := dump(Parse(src)); got != want {
			t.Errorf("%q: got %q, want %q", src, got, want)
		}
	}
}

func TestProblemsArePlaced(t *testing.T) {
	src := "Intro.\n\nSee <b>this</b> and [x](javascript:alert(1)).\n\n# Big\n\n![i](https://x.example/i.png)\n"
	got := Problems(src, false)
	want := []struct {
		rule, at string
	}{
		{RuleHTML, "<b>this"},
		{RuleHTML, "</b>"},
		{RuleLink, "[x](javascript"},
		{RuleSubset, "# Big"},
		{RuleSubset, "![i](https"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Rule != w.rule || !strings.HasPrefix(src[got[i].Offset:], w.at) {
			t.Errorf("problem %d: %s at %q, want %s at %q", i, got[i].Rule, src[got[i].Offset:], w.rule, w.at)
		}
	}
	if p := Problems("- a list\n\n## heading", true); len(p) != 2 {
		t.Errorf("inline text with a list and a heading: %+v", p)
	}
	if p := Problems("Plain **bold** [link](https://example.gov.uk).", true); len(p) != 0 {
		t.Errorf("inline text in the subset: %+v", p)
	}
}

// Deep or long text costs a bounded amount to draw: lists nest at most MaxDepth deep and only
// MaxLength bytes are read.
func TestHostileShapesAreBounded(t *testing.T) {
	var deep strings.Builder
	for i := range 2000 {
		deep.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	bs := Parse(deep.String())
	if d := depth(bs); d > MaxDepth {
		t.Errorf("lists nested %d deep", d)
	}
	quotes := strings.Repeat(">", 50000) + " deep"
	if got := dump(Parse(quotes)); strings.Contains(got, "deep") {
		t.Errorf("text past MaxLength was drawn")
	}
	brackets := strings.Repeat("[", 30000) + strings.Repeat("*a", 30000)
	if n := len(PlainText(Inline(brackets))); n > MaxLength {
		t.Errorf("drew %d bytes from %d", n, len(brackets))
	}
	if p := Problems(strings.Repeat("word ", MaxLength/5+2), false); len(p) != 1 || p[0].Offset != MaxLength {
		t.Errorf("long text: %+v", p)
	}
	if p := Problems(deep.String(), false); len(p) == 0 {
		t.Errorf("deep lists not reported")
	}
}

func depth(bs []Block) int {
	d := 0
	for _, b := range bs {
		for _, it := range b.Items {
			d = max(d, 1+depth(it.Blocks))
		}
	}
	return d
}

func TestPlainText(t *testing.T) {
	got := PlainText(Inline("Read **this** at [the site](https://example.gov.uk) or <https://example.gov.uk/b>, or [email us](mailto:a@example.gov.uk).\nNext line  \nbroken"))
	want := "Read this at the site (https://example.gov.uk) or https://example.gov.uk/b, or email us (a@example.gov.uk). Next line\nbroken"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// BenchmarkParse compares text a designer writes with hostile text of the same limit.
func BenchmarkParse(b *testing.B) {
	para := "Read the **threshold document** at [our site](https://example.gov.uk/t), then call us.\n\n- one\n- two\n\n"
	normal := strings.Repeat(para, MaxMarkup/6)
	hostile := map[string]string{
		"normal":   normal,
		"brackets": strings.Repeat("[", MaxLength),
		"stars":    strings.Repeat("*a", MaxLength/2),
		"spaced":   strings.Repeat("[a]( ", MaxMarkup/2) + strings.Repeat(" [ *", MaxMarkup/4) + strings.Repeat(" xxxx", MaxLength/5),
		"words":    strings.Repeat(strings.Repeat("[a](", MaxWord/4)+" ", MaxMarkup/(MaxWord/4)) + strings.Repeat(" xxxx", MaxLength/5),
		"quotes":   strings.Repeat(">", MaxLength),
		"lists":    strings.Repeat("- ", MaxLength/2),
		"links":    strings.Repeat("[a](", MaxLength/4),
	}
	for name, src := range hostile {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				parse(src)
			}
		})
	}
}
