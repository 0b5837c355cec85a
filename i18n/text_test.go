package i18n

import (
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestCompiledTextsAsGoI18nWritesThem: every text of both catalogues, filled in by In, is what go-i18n
// makes of it with the same values, a string and a number in turn; and a value left out is written as
// text/template writes it.
func TestCompiledTextsAsGoI18nWritesThem(t *testing.T) {
	n := 0
	for _, l := range Langs {
		for id := range texts(t, l) {
			tpl, ok := compiledTexts[l][id]
			if !ok {
				t.Errorf("%s %s: not compiled (a template that is not plain placeholders?)", l, id)
				continue
			}
			for _, value := range []any{"<b>Jo & Sam</b>", 42} {
				var args []any
				data := map[string]any{}
				for _, p := range tpl.parts {
					if p.placeholder != "" {
						args = append(args, p.placeholder, value)
						data[p.placeholder] = value
					}
				}
				want, err := localizers[l].Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					t.Fatal(err)
				}
				if got := In(l, id, args...); got != want {
					t.Errorf("%s %s: %q, go-i18n writes %q", l, id, got, want)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("compared %d texts", n)
	}
	if got := In(English, "error.title_prefix"); got != "Error: <no value>" {
		t.Errorf("a value left out: %q", got)
	}
}

func BenchmarkTextWithPlaceholders(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		In(Welsh, "error.title_prefix", "Title", "Cyfrif")
	}
}

// BenchmarkTextWithPlaceholdersGoI18n is the reference for the one above: the same text by go-i18n.
func BenchmarkTextWithPlaceholdersGoI18n(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		localizers[Welsh].Localize(&goi18n.LocalizeConfig{MessageID: "error.title_prefix", TemplateData: map[string]any{"Title": "Cyfrif"}})
	}
}
