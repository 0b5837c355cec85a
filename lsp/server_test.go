package lsp_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"formportal/lsp"
	"formportal/lsp/lsptest"
)

// served is a server running on pipes, as an editor would run it on stdin and stdout.
type served struct {
	*lsptest.Client
	toServer io.WriteCloser
	done     chan error
	log      *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func serve(t *testing.T) *served {
	t.Helper()
	fromServer, serverOut := io.Pipe()
	serverIn, toServer := io.Pipe()
	s := &served{toServer: toServer, done: make(chan error, 1), log: &syncBuffer{}}
	go func() {
		err := lsp.Serve(serverIn, serverOut, s.log)
		serverOut.Close()
		serverIn.Close()
		s.done <- err
	}()
	s.Client = lsptest.New(t, toServer, fromServer)
	t.Cleanup(func() { toServer.Close() })
	return s
}

// wait returns what Serve returned.
func (s *served) wait() error { return <-s.done }

const uri = "file:///work/forms/contact.yaml"

// A form as a designer might first type it: a misspelt property (after an emoji, which UTF-16 counts as
// two units).
const formV1 = `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: name, type: text, label: "👪", lable: Your name }
      - id: contact_ok
        type: yesno
        label: Can we contact you?
`

// Past the schema, the engine's own rules: a condition on a misspelt field, a date after a yes/no field.
const formV2 = `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: name, type: text, label: Your name }
      - id: contact_ok
        type: yesno
        label: Can we contact you?
        showWhen: { field: nmae, answered: true }
      - id: start
        type: date
        label: Start
        after: "contact_ok"
`

const formClean = `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: name, type: text, label: Your name }
      - id: contact_ok
        type: yesno
        label: Can we contact you?
        showWhen: { field: name, answered: true }
`

func rng(line, from, to int) lsptest.Range {
	return lsptest.Range{Start: lsptest.Position{Line: line, Character: from}, End: lsptest.Position{Line: line, Character: to}}
}

func checkDiagnostics(t *testing.T, got []lsptest.Diagnostic, want []lsptest.Diagnostic) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Range != w.Range || g.Severity != w.Severity || g.Code != w.Code || g.Source != "formlint" || !strings.Contains(g.Message, w.Message) {
			t.Errorf("diagnostic %d:\n got %+v\nwant %+v (message containing %q)", i, g, w, w.Message)
		}
	}
}

func TestDiagnosticsFollowTheDesignersEdits(t *testing.T) {
	s := serve(t)
	caps := s.Initialize()
	textSync, _ := caps["textDocumentSync"].(map[string]any)
	if textSync["change"] != float64(1) || textSync["openClose"] != true {
		t.Fatalf("textDocumentSync = %v; want full sync with open and close", caps["textDocumentSync"])
	}
	if _, ok := caps["completionProvider"].(map[string]any); !ok {
		t.Fatalf("no completionProvider in %v", caps)
	}

	checkDiagnostics(t, s.Open(uri, formV1), []lsptest.Diagnostic{
		{Range: rng(10, 45, 50), Severity: 1, Code: "unknown-property", Message: `unknown property "lable"`},
	})
	checkDiagnostics(t, s.Change(uri, 2, formV2), []lsptest.Diagnostic{
		{Range: rng(14, 27, 31), Severity: 1, Code: "condition-ref", Message: `"nmae", which is not a field of this form; did you mean "name"?`},
		{Range: rng(18, 15, 27), Severity: 1, Code: "date-ref", Message: `after refers to "contact_ok", which is a yesno field, not a date`},
	})
	checkDiagnostics(t, s.Change(uri, 3, formClean), nil)

	// A warning is a warning; saving with the text lints that text.
	warn := strings.Replace(formClean, "label: Can we contact you?", "label: ''", 1)
	s.Notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}, "text": warn})
	checkDiagnostics(t, s.Diagnostics(uri, ptr(3)), []lsptest.Diagnostic{
		{Range: rng(11, 8, 10), Severity: 2, Code: "missing-label", Message: `has no label`},
	})

	s.Notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	checkDiagnostics(t, s.Diagnostics(uri, nil), nil)

	s.Shutdown()
	if err := s.wait(); err != nil {
		t.Fatalf("Serve after shutdown and exit: %v", err)
	}
}

func ptr(i int) *int { return &i }

// Editors that ignore the full-sync capability send ranges: the server applies them.
func TestIncrementalChangesAreApplied(t *testing.T) {
	s := serve(t)
	s.Initialize()
	s.Open(uri, formV2)
	// Replace "nmae" (line 14, characters 27-31) with "name", and "contact_ok" in after: with "start" itself.
	s.Notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{
			{"range": rng(14, 27, 31), "text": "name"},
			{"range": rng(18, 15, 27), "text": "start"},
		}})
	checkDiagnostics(t, s.Diagnostics(uri, ptr(2)), []lsptest.Diagnostic{
		{Range: rng(18, 15, 20), Severity: 1, Code: "date-ref", Message: `after refers to the field itself`},
	})
}

func TestProtocolErrors(t *testing.T) {
	s := serve(t)
	if m := s.Call("textDocument/completion", map[string]any{}); m.Error == nil || m.Error.Code != -32002 {
		t.Fatalf("a request before initialize: %+v; want error -32002", m)
	}
	s.Initialize()
	if m := s.Call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != -32601 {
		t.Fatalf("an unsupported request: %+v; want error -32601", m)
	}
	s.Send([]byte(`{"jsonrpc":"2.0","id":`))
	if m := s.Next(func(m lsptest.Message) bool { return m.Error != nil }); m.Error.Code != -32700 || string(m.ID) != "null" {
		t.Fatalf("a body that is not JSON: %+v; want error -32700 with id null", m)
	}
	if m := s.Call("textDocument/completion", map[string]any{"position": "here"}); m.Error == nil || m.Error.Code != -32602 {
		t.Fatalf("bad completion params: %+v; want error -32602", m)
	}
	// The server is still in step: a form still lints.
	if d := s.Open(uri, formV1); len(d) != 1 {
		t.Fatalf("after the errors: %+v; want the one diagnostic", d)
	}
	s.Notify("exit", nil)
	if err := s.wait(); err == nil {
		t.Fatal("exit without shutdown: Serve returned nil; want an error (exit status 1)")
	}
}

func TestRequestsAfterShutdownAreRefused(t *testing.T) {
	s := serve(t)
	s.Initialize()
	if m := s.Call("shutdown", nil); m.Error != nil {
		t.Fatal(m.Error)
	}
	if m := s.Call("textDocument/completion", map[string]any{}); m.Error == nil || m.Error.Code != -32600 {
		t.Fatalf("a request after shutdown: %+v; want error -32600", m)
	}
	// The client going away after shutdown ends the server cleanly too.
	s.toServer.Close()
	if err := s.wait(); err != nil {
		t.Fatalf("end of input after shutdown: %v", err)
	}
}

func TestOversizedInputIsRefusedAndTheServerGoesOn(t *testing.T) {
	s := serve(t)
	s.Initialize()

	// A message over the limit is skipped unread, answered with an error, and the stream stays in step.
	go func() {
		fmt.Fprintf(s.toServer, "Content-Length: %d\r\n\r\n", lsp.MaxMessageBytes+1)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for n := 0; n <= lsp.MaxMessageBytes; n += len(chunk) {
			s.toServer.Write(chunk[:min(len(chunk), lsp.MaxMessageBytes+1-n)])
		}
	}()
	if m := s.Next(func(m lsptest.Message) bool { return m.Error != nil }); m.Error.Code != -32600 {
		t.Fatalf("an oversized message: %+v; want error -32600", m)
	}
	if !strings.Contains(s.log.String(), "skipped a message over") {
		t.Errorf("log %q does not say the message was skipped", s.log.String())
	}

	// A document over the limit gets one diagnostic saying so, not a lint that could take the server's time.
	huge := formClean + "# " + strings.Repeat("x", lsp.MaxDocumentBytes) + "\n"
	checkDiagnostics(t, s.Open(uri, huge), []lsptest.Diagnostic{
		{Range: rng(0, 0, 0), Severity: 1, Code: "file-size", Message: "over 256 KiB"},
	})
	if items := s.Complete(uri, 14, 27); len(items) != 0 {
		t.Fatalf("completion in an oversized document: %+v; want none", items)
	}
	// Cut back under the limit, it is checked again.
	checkDiagnostics(t, s.Change(uri, 2, formClean), nil)

	// A header line that never ends is not buffered without bound: the server gives up on the stream.
	fmt.Fprintf(s.toServer, "X-Junk: %s", strings.Repeat("y", 4096))
	if err := s.wait(); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("an endless header line: Serve returned %v; want a header error", err)
	}
}

// Other YAML files the editor opens, a CI workflow say, are not forms: the server leaves them alone.
func TestOtherYAMLIsNotLinted(t *testing.T) {
	s := serve(t)
	s.Initialize()
	workflow := "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
	if d := s.Open("file:///repo/.github/workflows/ci.yaml", workflow); len(d) != 0 {
		t.Fatalf("a workflow file: %+v; want no diagnostics", d)
	}
	// A new form with only the modeline so far is a form.
	if d := s.Open("file:///forms/new.yaml", "# yaml-language-server: $schema=../engine/schema/form.schema.json\nid: new\n"); len(d) == 0 || d[0].Code != "missing-property" {
		t.Fatalf("a new form: %+v; want missing-property", d)
	}
}

// Hostile YAML the engine must not choke on, as the designer types it: deep nesting, many aliases.
func TestHostileDocumentsAreLinted(t *testing.T) {
	s := serve(t)
	s.Initialize()
	deep := "kind: [" + strings.Repeat("[", 5000) + strings.Repeat("]", 5001)
	if d := s.Open("file:///deep.yaml", deep); len(d) == 0 || d[0].Severity != 1 {
		t.Fatalf("deep nesting: %+v; want an error", d)
	}
	laughs := "kind: referral\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	if d := s.Open("file:///laughs.yaml", laughs); len(d) == 0 {
		t.Fatal("aliases: no diagnostics; want errors")
	}
	if items := s.Complete("file:///deep.yaml", 0, 2500); len(items) != 0 {
		t.Fatalf("completion in nonsense: %+v", items)
	}
}
