// Package download sends a response's documents and PDFs: as downloads the browser never renders as
// pages of the portal, for the HTML application and the API alike.
package download

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"formportal/store"
)

// Attachment sends an uploaded document as a download, never rendered inline.
func Attachment(w http.ResponseWriter, att *store.Attachment) {
	w.Header().Set("Content-Type", att.MediaType)
	w.Header().Set("Content-Disposition", Disposition(att.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(att.Content)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(att.Content)
}

// PDF sends a response's PDF, shown in the browser's viewer, named name.
func PDF(w http.ResponseWriter, name string, content []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(content)
}

// Disposition is the Content-Disposition of a download: the name as it was in filename*
// (RFC 6266, RFC 5987), after an ASCII filename for clients that read only that.
func Disposition(name string) string {
	fallback := mime.FormatMediaType("attachment", map[string]string{"filename": asciiFileName(name)})
	if fallback == "" {
		fallback = "attachment"
	}
	exact := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if exact == "" || !strings.Contains(exact, "filename*=") {
		return fallback
	}
	return fallback + strings.TrimPrefix(exact, "attachment")
}

// asciiFileName spells a name in ASCII: letters lose their accents, anything else becomes "_".
func asciiFileName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 32 && r < 127:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
