package scan_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"strings"
	"testing"

	"formportal/internal/clamdtest"
	"formportal/scan"
)

func TestClamdFindsEICARAndPassesCleanFiles(t *testing.T) {
	c, err := scan.NewClamd(clamdtest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, content := range map[string][]byte{
		"the EICAR file":          []byte(clamdtest.EICAR),
		"EICAR inside a document": append([]byte("%PDF-1.4\n"), []byte(clamdtest.EICAR)...),
		"EICAR past one chunk":    append(bytes.Repeat([]byte("a"), 200<<10), []byte(clamdtest.EICAR)...),
	} {
		res, err := c.Scan(ctx, content)
		if err != nil || res.Threat == "" {
			t.Errorf("%s: %+v, %v; want a threat", name, res, err)
		}
	}
	res, err := c.Scan(ctx, []byte("%PDF-1.4\nA letter about attendance.\n%%EOF\n"))
	if err != nil || res.Threat != "" {
		t.Fatalf("a clean file: %+v, %v", res, err)
	}
}

func TestClamdDownIsAnErrorNotAPass(t *testing.T) {
	c, err := scan.NewClamd("unix:/nonexistent/clamd.sock")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Scan(context.Background(), []byte(clamdtest.EICAR)); err == nil {
		t.Fatal("a scan without clamd must fail, not pass")
	}
	if _, err := scan.NewClamd("clamd.example:3310"); err == nil {
		t.Fatal("an address without unix: or tcp: must be refused")
	}
}

func TestPDFActiveContent(t *testing.T) {
	deflate := func(s string) string {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	plain := "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>endobj\n%%EOF\n"
	for name, pdf := range map[string]string{
		"OpenAction running JavaScript": "%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n",
		"a name spelt with escapes":     "%PDF-1.4\n1 0 obj<</OpenAction<</S/J#61vaScript/J#53(x)>>>>endobj\n",
		"JavaScript in an object stream": "%PDF-1.5\n5 0 obj<</Type/ObjStm/Filter/FlateDecode>>stream\n" +
			deflate("<</S/JavaScript/JS(app.launchURL('x'))>>") + "\nendstream\nendobj\n",
		"a launch action": "%PDF-1.4\n1 0 obj<</AA<</O<</S/Launch/F(cmd.exe)>>>>>>endobj\n",
	} {
		if what := scan.PDFActiveContent([]byte(pdf)); what == "" {
			t.Errorf("%s: not found", name)
		}
	}
	if what := scan.PDFActiveContent([]byte(plain)); what != "" {
		t.Fatalf("a PDF that only opens at a page was refused for %s", what)
	}
	bomb := "%PDF-1.5\n1 0 obj<</Filter/FlateDecode>>stream\n" + deflate(strings.Repeat("\x00", 80<<20)) + "\nendstream\n"
	if what := scan.PDFActiveContent([]byte(bomb)); what == "" {
		t.Fatal("a stream inflating past the budget must be refused, not checked for ever")
	}
}
