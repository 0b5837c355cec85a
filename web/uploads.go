package web

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/scan"
)

// maxUploadBytes is the most any field accepts in one file, and the cap on a form page's urlencoded post.
const maxUploadBytes = 52 << 20

// Kinds of document the portal accepts, decided from the content, never from the name or the browser's
// claim: the media types each kind may have.
var kindMediaTypes = map[string][]string{
	"pdf":   {"application/pdf"},
	"word":  {"application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.oasis.opendocument.text", "text/rtf"},
	"image": {"image/jpeg", "image/png", "image/gif"},
	"text":  {"text/plain"},
}

var spreadsheetTypes = []string{"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.oasis.opendocument.spreadsheet", "text/csv", "text/tab-separated-values"}

// checkedUpload is a file that passed the checks.
type checkedUpload struct {
	Name      string
	Kind      string
	MediaType string
	Content   []byte
}

// fileLimit is the most a field accepts in one file.
func fileLimit(fd *engine.Field) int64 {
	limit := int64(fd.MaxSizeMB * 1024 * 1024)
	if limit <= 0 || limit > maxUploadBytes {
		limit = 10 << 20
	}
	return limit
}

// checkUpload decides whether the field accepts an uploaded file, by content and size. The message says
// what to do, in GOV.UK's words, in l.
func checkUpload(l i18n.Lang, fd *engine.Field, file *postedFile) (*checkedUpload, string) {
	name := cleanFileName(file.name)
	limit := fileLimit(fd)
	if file.tooLarge || int64(len(file.content)) > limit {
		return nil, i18n.In(l, "upload.too_large", "MB", trimFloat(float64(limit)/(1<<20)))
	}
	if len(file.content) == 0 {
		return nil, i18n.In(l, "upload.empty")
	}
	content := file.content
	mt := mimetype.Detect(content)
	for _, s := range spreadsheetTypes {
		if mt.Is(s) {
			return nil, i18n.In(l, "upload.spreadsheet")
		}
	}
	if strings.EqualFold(filepath.Ext(name), ".csv") || strings.EqualFold(filepath.Ext(name), ".xlsx") || strings.EqualFold(filepath.Ext(name), ".xls") {
		return nil, i18n.In(l, "upload.spreadsheet")
	}
	kind := ""
	for _, k := range fd.Accept {
		for _, t := range kindMediaTypes[k] {
			if mt.Is(t) {
				kind = k
			}
		}
	}
	if kind == "" {
		return nil, i18n.In(l, "upload.wrong_kind", "Kinds", renderer.JoinOr(l, renderer.AttachmentKinds(l, fd.Accept)))
	}
	return &checkedUpload{Name: name, Kind: kind, MediaType: mt.String(), Content: content}, ""
}

// cleanFileName keeps a name safe to show and to put in a Content-Disposition header.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || strings.ContainsRune(`"<>:|?*/\`, r) {
			return '_'
		}
		return r
	}, name)
	// At most 120 bytes, keeping a short extension, and never cutting a character in two.
	const maxName = 120
	if len(name) > maxName {
		ext := filepath.Ext(name)
		if len(ext) > 10 {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		cut := 0
		for i := range stem { // i walks the starts of characters
			if i > maxName-len(ext) {
				break
			}
			cut = i
		}
		name = stem[:cut] + ext
	}
	if name == "" || name == "." {
		name = "document"
	}
	return name
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}

// checkSafe refuses a document that carries malware, or a PDF that would run something when opened. A
// scanner that cannot be reached refuses the file too: an unchecked file is never kept as if it were clean.
func (a *App) checkSafe(r *http.Request, l i18n.Lang, up *checkedUpload) string {
	if up.Kind == "pdf" {
		if what := scan.PDFActiveContent(up.Content); what != "" {
			a.log.Warn("upload refused: active PDF", "path", r.URL.Path, "content", what)
			return i18n.In(l, "upload.active_pdf", "What", what)
		}
	}
	if a.scanner == nil {
		return ""
	}
	res, err := a.scanner.Scan(r.Context(), up.Content)
	if err != nil {
		a.log.Error("upload not scanned", "path", r.URL.Path, "err", err)
		return i18n.In(l, "upload.not_scanned")
	}
	if res.Threat != "" {
		a.log.Warn("upload refused: virus", "path", r.URL.Path, "threat", res.Threat)
		return i18n.In(l, "upload.virus")
	}
	return ""
}
