package web

import (
	"regexp"
	"strconv"
)

var removeRE = regexp.MustCompile(`value="(remove:([a-z0-9_]+):(\d+):[0-9a-f]+)"`)

// removeAction is the value of the Remove button of row n (from 0) of the table on the last page.
func (b *browser) removeAction(field string, n int) string {
	b.e.t.Helper()
	for _, m := range removeRE.FindAllStringSubmatch(b.last, -1) {
		if m[2] == field && m[3] == strconv.Itoa(n) {
			return m[1]
		}
	}
	b.e.t.Fatalf("no Remove button for row %d of %s on the page:\n%s", n, field, htmlText(b.last))
	return ""
}
