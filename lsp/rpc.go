package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// JSON-RPC 2.0 over a byte stream, framed as the Language Server Protocol frames it: a header of
// "Name: value" lines, of which Content-Length is the one that matters, a blank line, then the body.

// Bounds on what a client can make the server read. A form is a few tens of kilobytes; a message carries
// at most one whole document, JSON-escaped.
const (
	MaxMessageBytes = 8 << 20
	maxHeaderLines  = 16
	maxHeaderLine   = 1024
)

// message is a request (ID and Method), a notification (Method only) or a response (ID and Result or
// Error).
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// JSON-RPC and LSP error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeServerNotInit  = -32002
)

// errTooLarge is a message whose body was skipped because it is over MaxMessageBytes.
var errTooLarge = errors.New("message too large")

// reader reads framed messages.
type reader struct {
	r *bufio.Reader
}

func newReader(r io.Reader) *reader {
	return &reader{r: bufio.NewReaderSize(r, maxHeaderLine)}
}

// read returns the body of the next message. A body over MaxMessageBytes is read and dropped, and
// errTooLarge returned, so the stream stays in step; io.EOF means the client closed the stream between
// messages.
func (r *reader) read() ([]byte, error) {
	length := -1
	for i := 0; ; i++ {
		if i == maxHeaderLines {
			return nil, fmt.Errorf("reading header: more than %d lines", maxHeaderLines)
		}
		line, err := r.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("reading header: a line is longer than %d bytes", maxHeaderLine)
		}
		if err != nil {
			if err == io.EOF && i == 0 && len(line) == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading header: %w", err)
		}
		text := strings.TrimRight(string(line), "\r\n")
		if text == "" {
			break
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok {
			return nil, fmt.Errorf("reading header: %q is not a header line", text)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("reading header: bad Content-Length %q", value)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, errors.New("reading header: no Content-Length")
	}
	if length > MaxMessageBytes {
		if _, err := io.CopyN(io.Discard, r.r, int64(length)); err != nil {
			return nil, fmt.Errorf("skipping a message of %d bytes: %w", length, err)
		}
		return nil, errTooLarge
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r.r, body); err != nil {
		return nil, fmt.Errorf("reading a message of %d bytes: %w", length, err)
	}
	return body, nil
}

// writer writes framed messages; the request loop and the linter share it.
type writer struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

// close makes further writes do nothing, so that nothing is written once Serve has returned.
func (w *writer) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
}

func (w *writer) write(m message) error {
	m.JSONRPC = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding a message: %w", err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	if _, err := w.w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing a message: %w", err)
	}
	return nil
}

func (w *writer) notify(method string, params any) error {
	raw, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", method, err)
	}
	return w.write(message{Method: method, Params: raw})
}

func (w *writer) reply(id json.RawMessage, result any) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("encoding a result: %w", err)
	}
	return w.write(message{ID: id, Result: raw})
}

func (w *writer) replyError(id json.RawMessage, code int, format string, args ...any) error {
	if id == nil {
		id = json.RawMessage("null")
	}
	return w.write(message{ID: id, Error: &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}})
}
