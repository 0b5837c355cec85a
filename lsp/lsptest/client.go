// Package lsptest is a Language Server Protocol client for tests: it frames JSON-RPC messages itself
// (independently of package lsp) and talks to a server over any pair of streams, a pipe or a process's
// stdin and stdout.
package lsptest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"sync"
	"testing"
)

// Message is a JSON-RPC message as it came over the wire.
type Message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Position, Range and Diagnostic are the protocol's.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

type Diagnostic struct {
	Range    Range  `json:"range"`
	Severity int    `json:"severity"`
	Code     string `json:"code"`
	Source   string `json:"source"`
	Message  string `json:"message"`
}

// PublishDiagnostics is a textDocument/publishDiagnostics notification's parameters.
type PublishDiagnostics struct {
	URI         string       `json:"uri"`
	Version     *int         `json:"version"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// CompletionItem is an item of a completion list, with the edit it makes.
type CompletionItem struct {
	Label    string `json:"label"`
	Kind     int    `json:"kind"`
	Detail   string `json:"detail"`
	SortText string `json:"sortText"`
	TextEdit struct {
		Range   Range  `json:"range"`
		NewText string `json:"newText"`
	} `json:"textEdit"`
}

// Client is one connection to a server. Its methods fail the test on a broken stream.
type Client struct {
	t       testing.TB
	mu      sync.Mutex
	w       io.Writer
	in      chan Message
	readErr error
	nextID  int
}

// New starts reading the server's messages from r; requests and notifications go to w.
func New(t testing.TB, w io.Writer, r io.Reader) *Client {
	c := &Client{t: t, w: w, in: make(chan Message, 64)}
	go c.readLoop(textproto.NewReader(bufio.NewReader(r)))
	return c
}

func (c *Client) readLoop(r *textproto.Reader) {
	defer close(c.in)
	for {
		m, err := readMessage(r)
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			c.mu.Unlock()
			return
		}
		c.in <- m
	}
}

func readMessage(r *textproto.Reader) (Message, error) {
	h, err := r.ReadMIMEHeader()
	if err != nil {
		return Message{}, err
	}
	n, err := strconv.Atoi(h.Get("Content-Length"))
	if err != nil {
		return Message{}, fmt.Errorf("Content-Length: %w", err)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r.R, body); err != nil {
		return Message{}, err
	}
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return Message{}, fmt.Errorf("%w in %s", err, body)
	}
	return m, nil
}

// Send writes one framed message with a raw body, as a misbehaving client might.
func (c *Client) Send(body []byte) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatalf("sending: %v", err)
	}
}

func (c *Client) send(m map[string]any) {
	c.t.Helper()
	m["jsonrpc"] = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.Send(body)
}

// Notify sends a notification.
func (c *Client) Notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"method": method, "params": params})
}

// Call sends a request and returns its response, keeping notifications that arrive meanwhile for Next.
func (c *Client) Call(method string, params any) Message {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	c.send(map[string]any{"id": id, "method": method, "params": params})
	return c.Next(func(m Message) bool { return m.Method == "" && string(m.ID) == strconv.Itoa(id) })
}

// Request is Call for a request that must succeed: it decodes the result into result.
func (c *Client) Request(method string, params, result any) {
	c.t.Helper()
	m := c.Call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: error %d: %s", method, m.Error.Code, m.Error.Message)
	}
	if result != nil {
		if err := json.Unmarshal(m.Result, result); err != nil {
			c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
		}
	}
}

// Next returns the next message that matches, dropping those before it.
func (c *Client) Next(match func(Message) bool) Message {
	c.t.Helper()
	for m := range c.in {
		if match(m) {
			return m
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.Fatalf("the server closed its output before the message the test waits for (%v)", c.readErr)
	return Message{}
}

// Diagnostics waits for the diagnostics of a document at a version (nil: those published when it closes).
func (c *Client) Diagnostics(uri string, version *int) []Diagnostic {
	c.t.Helper()
	var p PublishDiagnostics
	c.Next(func(m Message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		p = PublishDiagnostics{}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatalf("publishDiagnostics %s: %v", m.Params, err)
		}
		if p.URI != uri {
			return false
		}
		if version == nil || p.Version == nil {
			return version == nil && p.Version == nil
		}
		return *p.Version == *version
	})
	if p.Diagnostics == nil {
		c.t.Fatalf("publishDiagnostics for %s has no diagnostics array", uri)
	}
	return p.Diagnostics
}

// Open sends didOpen for a YAML document and returns the diagnostics published for it.
func (c *Client) Open(uri, text string) []Diagnostic {
	c.t.Helper()
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
	v := 1
	return c.Diagnostics(uri, &v)
}

// Change sends didChange with the whole new text and returns the diagnostics published for that version.
func (c *Client) Change(uri string, version int, text string) []Diagnostic {
	c.t.Helper()
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []map[string]any{{"text": text}}})
	return c.Diagnostics(uri, &version)
}

// Complete asks for completion at a zero-based line and UTF-16 character and returns the items.
func (c *Client) Complete(uri string, line, character int) []CompletionItem {
	c.t.Helper()
	var list struct {
		Items []CompletionItem `json:"items"`
	}
	c.Request("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"position":     map[string]any{"line": line, "character": character}}, &list)
	return list.Items
}

// Initialize sends initialize and initialized and returns the server's capabilities.
func (c *Client) Initialize() map[string]any {
	c.t.Helper()
	var res struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.Request("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &res)
	c.Notify("initialized", map[string]any{})
	return res.Capabilities
}

// Shutdown sends shutdown, checks its null result, then exit.
func (c *Client) Shutdown() {
	c.t.Helper()
	m := c.Call("shutdown", nil)
	if m.Error != nil || string(m.Result) != "null" {
		c.t.Fatalf("shutdown: result %s, error %v; want null", m.Result, m.Error)
	}
	c.Notify("exit", nil)
}
