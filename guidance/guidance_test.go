package guidance

import (
	"fmt"
	"strings"
	"testing"
)

func dump(bs []Block) string {
	var b strings.Builder
	var walk func(bs []Block, ind string)
	walk = func(bs []Block, ind string) {
		for _, bl := range bs {
			switch bl.Kind {
			case Paragraph:
				fmt.Fprintf(&b, "%sP %s\n", ind, spans(bl.Spans))
			case Heading:
				fmt.Fprintf(&b, "%sH%d %s\n", ind, bl.Level, spans(bl.Spans))
			case List:
				fmt.Fprintf(&b, "%sL ordered=%v\n", ind, bl.Ordered)
				for _, it := range bl.Items {
					fmt.Fprintf(&b, "%s LI\n", ind)
					walk(it.Blocks, ind+"  ")
				}
			}
		}
	}
	walk(bs, "")
	return b.String()
}

func spans(ss []Span) string {
	var b strings.Builder
	for _, s := range ss {
		switch {
		case s.Break:
			b.WriteString("|BR|")
		case s.URL != "" && s.Bold:
			fmt.Fprintf(&b, "[**%s**](%s)", s.Text, s.URL)
		case s.URL != "":
			fmt.Fprintf(&b, "[%s](%s)", s.Text, s.URL)
		case s.Bold:
			fmt.Fprintf(&b, "**%s**", s.Text)
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestParseSubset(t *testing.T) {
	src := "## What to do\n\nRead the **threshold document** at\n[our website](https://example.gov.uk/threshold) first.\n\n- one\n- two\n  1. nested\n\n### Then\nCall <b>us</b> &amp; wait.\n"
	got := dump(Parse(src))
	want := `H2 What to do
P Read the **threshold document** at [our website](https://example.gov.uk/threshold) first.
L ordered=false
 LI
  P one
 LI
  P two
  L ordered=true
   LI
    P nested
H3 Then
P Call us & wait.
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
