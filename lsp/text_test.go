package lsp

import (
	"strings"
	"testing"
)

func TestTokenEnd(t *testing.T) {
	// « marks where a diagnostic points, » where its range should end.
	for _, marked := range []string{
		`      - { id: name, type: text, «lable»: Your name }`,
		`      - { id: name, type: text, label: «Your name» }`,
		`      - { id: a, label: «Child's name», type: text }`,
		`        label: «Name, address and phone» # a comment`,
		`        after: «"contact_ok"» # a comment`,
		`        label: «'it''s here'», hint: x`,
		`        label: «"say \"hi\""» }`,
		`        showWhen: «{ field: gp, equals: "yes" }» # why`,
		`        options: «[a, [b, c], d]»`,
		`        showWhen: «{ field: gp,»`,
		`        text: «|»`,
		`        pattern: «^a:b$»`,
		`      - «id»: contact_ok`,
		`«      - { id: x»`, // in the indentation: the rest of the line
		`x: y«»`,
	} {
		start := strings.Index(marked, "«")
		end := strings.Index(marked, "»") - len("«")
		ln := strings.NewReplacer("«", "", "»", "").Replace(marked)
		if got := tokenEnd(ln, start); got != end {
			t.Errorf("%s: token %q; want %q", marked, ln[start:got], ln[start:end])
		}
	}
}

func TestPositionsCountUTF16(t *testing.T) {
	text := "a: \"👪 é\"\r\nb: x\rc: y\n"
	starts := lineStarts(text)
	if len(starts) != 4 {
		t.Fatalf("line starts %v; want 4 lines for \\r\\n, \\r and \\n", starts)
	}
	if ln := line(text, starts, 1); ln != "b: x" {
		t.Fatalf("line 1 = %q", ln)
	}
	// 👪 is one character to yaml.v3 (column 5; the space after it is column 6) and two UTF-16 units to the
	// protocol.
	if r := diagnosticRange(text, starts, 1, 4); r != (lspRange{position{0, 3}, position{0, 9}}) {
		t.Errorf("range of the quoted scalar at column 4: %+v; want characters 3 to 9", r)
	}
	if r := diagnosticRange(text, starts, 1, 6); r.Start.Character != 6 {
		t.Errorf("range at column 6: %+v; want to start at character 6", r)
	}
	if off := offsetAt(text, starts, position{Line: 0, Character: 7}); text[off:off+2] != "é" {
		t.Errorf("UTF-16 unit 7 of line 0 is at byte %d (%q); want é", off, text[off:])
	}
	if r := diagnosticRange(text, starts, 99, 99); r != (lspRange{position{3, 0}, position{3, 0}}) {
		t.Errorf("a place past the end: %+v; want the end of the text", r)
	}
	if got := applyEdit(text, lspRange{Start: position{2, 3}, End: position{2, 4}}, "zz"); got != "a: \"👪 é\"\r\nb: x\rc: zz\n" {
		t.Errorf("applyEdit: %q", got)
	}
}
