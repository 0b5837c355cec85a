package lsp

import (
	"fmt"
	"regexp"

	"formportal/engine"
)

// lint runs formlint's checks on a document and turns each diagnostic into the protocol's, its range
// running from the diagnostic's line and column to the end of the YAML token there.
func lint(uri string, d *document) []diagnostic {
	if d.tooLarge {
		return []diagnostic{{Severity: severityError, Code: "file-size", Source: "formlint",
			Message: fmt.Sprintf("this file is over %d KiB: formlint checks forms up to that size", MaxDocumentBytes>>10)}}
	}
	if !looksLikeForm(d.text) {
		return []diagnostic{}
	}
	_, diags := engine.Load(filePath(uri), []byte(d.text))
	starts := lineStarts(d.text)
	out := make([]diagnostic, 0, len(diags))
	for _, dg := range diags {
		sev := severityError
		if dg.Severity == engine.Warning {
			sev = severityWarning
		}
		out = append(out, diagnostic{Range: diagnosticRange(d.text, starts, dg.Line, dg.Col), Severity: sev,
			Code: dg.Rule, Source: "formlint", Message: dg.Message})
	}
	return out
}

// diagnosticRange is the range of the token at a 1-based line and column (in characters), clamped to the
// text.
func diagnosticRange(text string, starts []int, lineNo, col int) lspRange {
	n := min(max(lineNo-1, 0), len(starts)-1)
	ln := line(text, starts, n)
	start := runeOffset(ln, max(col-1, 0))
	end := tokenEnd(ln, start)
	return lspRange{
		Start: position{Line: n, Character: utf16Len(ln[:start])},
		End:   position{Line: n, Character: utf16Len(ln[:end])},
	}
}

// formMark is what tells a form from the other YAML files an editor sends the server (a CI workflow, a
// compose file): a top-level sections or kind key, or the schema modeline forms/README.md recommends.
var formMark = regexp.MustCompile(`(?m)^(?:(?:sections|kind)[ \t]*:|#.*form\.schema\.json)`)

func looksLikeForm(text string) bool { return formMark.MatchString(text) }
