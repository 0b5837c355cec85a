package lsp

import (
	"fmt"
	"os"
	"path/filepath"
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
	path := filePath(uri)
	if !engine.IsTranslationFile(filepath.Base(path)) && !looksLikeForm(d.text) {
		return []diagnostic{}
	}
	diags := lintWithTranslations(path, d.text)
	starts := lineStarts(d.text)
	out := make([]diagnostic, 0, len(diags))
	for _, dg := range diags {
		if dg.File != path {
			continue // a problem of the form's parallel translation file, or of the form of this one
		}
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

// lintWithTranslations checks a form with its parallel translation files (engine/translate.go) read from
// beside it, so that texts translated there are not reported missing; a translation file being edited
// is checked with its form, the text being edited standing for the file.
func lintWithTranslations(path, text string) engine.Diagnostics {
	dir := filepath.Dir(path)
	formPath, editing := path, ""
	if engine.IsTranslationFile(filepath.Base(path)) {
		formPath, editing = engine.TranslationForm(path), path
	}
	formText := []byte(text)
	if editing != "" {
		data, err := os.ReadFile(formPath)
		if err != nil {
			return engine.Diagnostics{{File: path, Line: 1, Col: 1, Severity: engine.Error, Rule: "unknown-translation",
				Message: fmt.Sprintf("a translation file with no form %s beside it", filepath.Base(formPath))}}
		}
		formText = data
	}
	parallel, _ := engine.ReadTranslations(os.DirFS(dir), filepath.Base(formPath)) // unreadable: checked without
	for i := range parallel {
		parallel[i].File = filepath.Join(dir, parallel[i].File)
		if parallel[i].File == editing {
			parallel[i].Data = []byte(text)
		}
	}
	_, diags := engine.LoadTranslated(formPath, formText, parallel...)
	return diags
}
