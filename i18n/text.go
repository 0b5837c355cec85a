package i18n

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// text is a catalogue text cut at its placeholders once, when the catalogues load. go-i18n runs each
// text through text/template at every call, and the engine words every validation message through the
// catalogue: a 2,000-row table with a problem in each row asks for thousands. The catalogues hold only
// plain {{.Name}} placeholders (TestCataloguesMatch), so filling them in is a join.
type text struct {
	parts []textPart
}

type textPart struct {
	literal     string
	placeholder string // the name of the value in its place, when not ""
}

var placeholderPattern = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// compile cuts s at its placeholders; false for a text with any other template syntax, which go-i18n
// is left to work out.
func compile(s string) (text, bool) {
	var t text
	at := 0
	for _, m := range placeholderPattern.FindAllStringSubmatchIndex(s, -1) {
		if lit := s[at:m[0]]; lit != "" {
			t.parts = append(t.parts, textPart{literal: lit})
		}
		t.parts = append(t.parts, textPart{placeholder: s[m[2]:m[3]]})
		at = m[1]
	}
	if rest := s[at:]; rest != "" {
		t.parts = append(t.parts, textPart{literal: rest})
	}
	for _, p := range t.parts {
		if strings.Contains(p.literal, "{{") {
			return text{}, false
		}
	}
	return t, true
}

// with is the text with args (names and values in pairs) in its placeholders; a value not given is
// "<no value>", as text/template writes it.
func (t text) with(args []any) string {
	if len(t.parts) == 1 && t.parts[0].placeholder == "" {
		return t.parts[0].literal
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.placeholder == "" {
			b.WriteString(p.literal)
			continue
		}
		b.WriteString(valueOf(p.placeholder, args))
	}
	return b.String()
}

func valueOf(name string, args []any) string {
	for i := 0; i+1 < len(args); i += 2 {
		if k, _ := args[i].(string); k == name {
			switch v := args[i+1].(type) {
			case string:
				return v
			case int:
				return strconv.Itoa(v)
			default:
				return fmt.Sprint(v)
			}
		}
	}
	return "<no value>"
}
