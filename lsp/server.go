// Package lsp is formlint's language server: it speaks the Language Server Protocol over a byte stream
// (an editor runs `formlint lsp` and talks to it on stdin and stdout), publishes formlint's diagnostics for
// every open form as the designer types, and completes field ids in showWhen, after and before and case-data
// paths in prefill.
package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"
)

// Bounds on what a client can make the server hold and lint. The largest bundled form is 25 KiB; a form
// ten times that size still lints in seconds at worst (see BenchmarkLint), off the request loop.
const (
	MaxDocumentBytes = 256 << 10
	maxDocuments     = 256
)

// errNoShutdown is an exit, or the end of the stream, before a shutdown request.
var errNoShutdown = errors.New("the client did not ask the server to shut down first")

type document struct {
	version  int
	text     string
	tooLarge bool
}

type server struct {
	out *writer
	log io.Writer

	initialized  bool
	shuttingDown bool

	mu    sync.Mutex
	docs  map[string]*document
	dirty map[string]bool // documents to lint (or, once closed, to clear)
	wake  chan struct{}   // a lint is wanted; holds at most one signal, so changes coalesce

	// outlines holds each document's last outline that parsed, for completion while it does not; only the
	// request loop uses it.
	outlines map[string]*outline
}

// Serve runs the server on in and out until the client sends exit, and logs to log. It returns nil after a
// shutdown then exit, as the protocol asks, and an error otherwise.
func Serve(in io.Reader, out io.Writer, log io.Writer) error {
	s := &server{out: &writer{w: out}, log: log, docs: map[string]*document{}, dirty: map[string]bool{},
		wake: make(chan struct{}, 1), outlines: map[string]*outline{}}
	stop := make(chan struct{})
	go s.lintLoop(stop)
	err := s.loop(newReader(in))
	close(stop)
	s.out.close() // a lint still running is not waited for: its diagnostics are dropped
	return err
}

func (s *server) loop(r *reader) error {
	for {
		body, err := r.read()
		switch {
		case errors.Is(err, errTooLarge):
			fmt.Fprintf(s.log, "formlint lsp: skipped a message over %d bytes\n", MaxMessageBytes)
			if err := s.out.replyError(nil, codeInvalidRequest, "message over %d bytes", MaxMessageBytes); err != nil {
				return err
			}
			continue
		case errors.Is(err, io.EOF):
			if s.shuttingDown {
				return nil
			}
			return errNoShutdown
		case err != nil:
			return err
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			if err := s.out.replyError(nil, codeParseError, "not JSON: %v", err); err != nil {
				return err
			}
			continue
		}
		if m.Method == "exit" {
			if s.shuttingDown {
				return nil
			}
			return errNoShutdown
		}
		if err := s.handle(m); err != nil {
			return err
		}
	}
}

// handle answers a request or acts on a notification. Only a failure to write to the client is returned.
func (s *server) handle(m message) error {
	isRequest := len(m.ID) > 0 && string(m.ID) != "null"
	if m.Method == "" {
		return nil // a response: the server sends no requests
	}
	switch {
	case !s.initialized && m.Method != "initialize":
		if isRequest {
			return s.out.replyError(m.ID, codeServerNotInit, "the server is not initialized")
		}
		return nil
	case s.shuttingDown:
		if isRequest {
			return s.out.replyError(m.ID, codeInvalidRequest, "the server is shutting down")
		}
		return nil
	}
	switch m.Method {
	case "initialize":
		s.initialized = true
		return s.out.reply(m.ID, capabilities())
	case "shutdown":
		s.shuttingDown = true
		return s.out.reply(m.ID, nil)
	case "textDocument/didOpen":
		var p didOpenParams
		if s.decode(m, &p) {
			s.put(p.TextDocument.URI, p.TextDocument.Version, p.TextDocument.Text)
		}
	case "textDocument/didChange":
		var p didChangeParams
		if s.decode(m, &p) {
			s.change(p)
		}
	case "textDocument/didSave":
		var p didSaveParams
		if s.decode(m, &p) {
			s.save(p)
		}
	case "textDocument/didClose":
		var p didCloseParams
		if s.decode(m, &p) {
			s.close(p.TextDocument.URI)
		}
	case "textDocument/completion":
		var p completionParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return s.out.replyError(m.ID, codeInvalidParams, "completion: %v", err)
		}
		return s.out.reply(m.ID, s.complete(p))
	default:
		if isRequest {
			return s.out.replyError(m.ID, codeMethodNotFound, "%s is not supported", m.Method)
		}
	}
	return nil
}

func capabilities() initializeResult {
	var r initializeResult
	r.Capabilities.PositionEncoding = "utf-16"
	r.Capabilities.TextDocumentSync.OpenClose = true
	r.Capabilities.TextDocumentSync.Change = syncFull
	r.Capabilities.TextDocumentSync.Save.IncludeText = true
	r.Capabilities.CompletionProvider.TriggerCharacters = []string{" ", "."}
	r.ServerInfo.Name = "formlint"
	return r
}

// decode reads a notification's parameters; a notification cannot be answered, so a bad one is logged.
func (s *server) decode(m message, params any) bool {
	if err := json.Unmarshal(m.Params, params); err != nil {
		fmt.Fprintf(s.log, "formlint lsp: %s: %v\n", m.Method, err)
		return false
	}
	return true
}

// put stores a document's new text and asks for it to be linted.
func (s *server) put(uri string, version int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, open := s.docs[uri]; !open && len(s.docs) >= maxDocuments {
		fmt.Fprintf(s.log, "formlint lsp: more than %d documents open: not checking %s\n", maxDocuments, uri)
		return
	}
	d := &document{version: version, text: text}
	if len(text) > MaxDocumentBytes {
		d.text, d.tooLarge = "", true
	}
	s.docs[uri] = d
	s.markDirty(uri)
}

func (s *server) change(p didChangeParams) {
	s.mu.Lock()
	d, open := s.docs[p.TextDocument.URI]
	var text string
	if open {
		text = d.text
	}
	s.mu.Unlock()
	if !open {
		return
	}
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			text = c.Text
			continue
		}
		if d.tooLarge {
			return // its text was not kept, so an edit to it cannot be applied
		}
		text = applyEdit(text, *c.Range, c.Text)
		if len(text) > MaxDocumentBytes {
			break
		}
	}
	s.put(p.TextDocument.URI, p.TextDocument.Version, text)
}

func (s *server) save(p didSaveParams) {
	s.mu.Lock()
	d, open := s.docs[p.TextDocument.URI]
	s.mu.Unlock()
	switch {
	case !open:
	case p.Text != nil:
		s.put(p.TextDocument.URI, d.version, *p.Text)
	default:
		s.mu.Lock()
		s.markDirty(p.TextDocument.URI)
		s.mu.Unlock()
	}
}

func (s *server) close(uri string) {
	delete(s.outlines, uri)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, open := s.docs[uri]; open {
		delete(s.docs, uri)
		s.markDirty(uri)
	}
}

// markDirty queues a document for the linter; s.mu is held.
func (s *server) markDirty(uri string) {
	s.dirty[uri] = true
	select {
	case s.wake <- struct{}{}:
	default: // a lint is already due: it will see this document's latest text
	}
}

// lintLoop lints documents as they change, always their latest text: while one lint runs, further
// changes to a document collapse into one more lint of it.
func (s *server) lintLoop(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-s.wake:
		}
		s.mu.Lock()
		type job struct {
			uri string
			doc *document // nil: the document was closed
		}
		var jobs []job
		for uri := range s.dirty {
			jobs = append(jobs, job{uri, s.docs[uri]})
		}
		clear(s.dirty)
		s.mu.Unlock()
		for _, j := range jobs {
			p := publishDiagnosticsParams{URI: j.uri, Diagnostics: []diagnostic{}}
			if j.doc != nil {
				p.Version = &j.doc.version
				p.Diagnostics = lint(j.uri, j.doc)
			}
			select {
			case <-stop:
				return
			default:
			}
			if err := s.out.notify("textDocument/publishDiagnostics", p); err != nil {
				fmt.Fprintf(s.log, "formlint lsp: %v\n", err)
			}
		}
	}
}

// filePath is the path a diagnostic names for a document: the path of a file: URI, or the URI itself.
func filePath(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Scheme == "file" && u.Path != "" {
		return u.Path
	}
	return uri
}
