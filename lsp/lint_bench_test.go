package lsp

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkLint compares linting the largest bundled form (the reference) with the worst a client can
// send: a form of MaxDocumentBytes whose every question depends on the one before.
func BenchmarkLint(b *testing.B) {
	carePlan, err := os.ReadFile("../forms/care-plan-part-1.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var chain strings.Builder
	chain.WriteString("id: big\ntitle: Big\nversion: 1\nkind: delegation\naudience: [professional]\nscope: child\nsections:\n  - id: s\n    title: S\n    fields:\n      - { id: f0, type: yesno, label: Question 0 }\n")
	for i := 1; ; i++ {
		line := fmt.Sprintf("      - { id: f%d, type: yesno, label: Question %d, showWhen: { field: f%d, equals: \"yes\" } }\n", i, i, i-1)
		if chain.Len()+len(line) > MaxDocumentBytes {
			break
		}
		chain.WriteString(line)
	}
	for _, bc := range []struct {
		name string
		text string
	}{{"reference-care-plan", string(carePlan)}, {"max-size-condition-chain", chain.String()}} {
		b.Run(bc.name, func(b *testing.B) {
			d := &document{text: bc.text}
			for b.Loop() {
				if diags := lint("file:///bench.yaml", d); len(diags) > 1 {
					b.Fatalf("%d diagnostics: %+v", len(diags), diags[:2])
				}
			}
			b.ReportMetric(float64(len(bc.text)), "bytes")
		})
	}
}
