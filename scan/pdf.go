package scan

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
)

// activeNames are PDF names of actions that make a viewer run code: JavaScript (an /OpenAction or /AA
// that runs a script has one), starting another program, or embedded Flash. An /OpenAction that only
// opens at a page, as many writers add, is harmless and allowed.
var activeNames = map[string]string{
	"JavaScript": "JavaScript", "JS": "JavaScript", "Launch": "a command that starts a program", "RichMedia": "embedded Flash",
}

// nameRE finds PDF names; a name may spell its letters as #xx escapes (/J#61vaScript) to hide them.
var nameRE = regexp.MustCompile(`/([A-Za-z0-9#]+)`)

var streamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)

// maxInflated bounds the work of looking inside compressed streams, so a small zip bomb cannot make the
// check itself the attack.
const maxInflated = 64 << 20

// PDFActiveContent says what, if anything, a PDF would run: JavaScript, a program launch, embedded Flash.
// It reads the file's objects and its Flate-compressed
// streams (where object streams hide dictionaries). It returns "" for a plain document.
func PDFActiveContent(content []byte) string {
	if what := activeName(content); what != "" {
		return what
	}
	budget := int64(maxInflated)
	for _, m := range streamRE.FindAllSubmatch(content, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not Flate: images and fonts in other filters hold no dictionaries
		}
		inflated, _ := io.ReadAll(io.LimitReader(zr, budget+1))
		if budget -= int64(len(inflated)); budget < 0 {
			return "more compressed content than can be checked"
		}
		if what := activeName(inflated); what != "" {
			return what
		}
	}
	return ""
}

func activeName(b []byte) string {
	for _, m := range nameRE.FindAllSubmatch(b, -1) {
		if what, ok := activeNames[unescapeName(m[1])]; ok {
			return what
		}
	}
	return ""
}

// unescapeName decodes a PDF name's #xx escapes.
func unescapeName(n []byte) string {
	if !bytes.Contains(n, []byte("#")) {
		return string(n)
	}
	var out []byte
	for i := 0; i < len(n); i++ {
		if n[i] == '#' && i+2 < len(n) {
			if v, err := strconv.ParseUint(string(n[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, n[i])
	}
	return string(out)
}
