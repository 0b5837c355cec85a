package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"formportal/api"
)

// The contract: every answer the API's tests get is checked against openapi.json, the document the
// API publishes: its status is one the operation documents, its media type one documented for that
// status, and a JSON body valid against the documented schema. A path or method the document does not
// have must be answered by a problem (404 or 405).

type contract struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	ops      []contractOp
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

type contractOp struct {
	re     *regexp.Regexp
	path   string // as in the document
	method string
}

var (
	theContract     *contract
	theContractErr  error
	theContractOnce sync.Once
)

const docURL = "https://portal.test/api/v1/openapi.json"

func loadContract(t testing.TB) *contract {
	t.Helper()
	theContractOnce.Do(func() {
		raw, err := os.ReadFile("openapi.json")
		if err != nil {
			theContractErr = err
			return
		}
		c := &contract{compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}}
		c.compiler.Draft = jsonschema.Draft2020
		if err := json.Unmarshal(raw, &c.doc); err != nil {
			theContractErr = err
			return
		}
		if err := c.compiler.AddResource(docURL, bytes.NewReader(raw)); err != nil {
			theContractErr = err
			return
		}
		for path, ops := range c.doc["paths"].(map[string]any) {
			re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$")
			for method := range ops.(map[string]any) {
				c.ops = append(c.ops, contractOp{re: re, path: path, method: strings.ToUpper(method)})
			}
		}
		theContract = c
	})
	if theContractErr != nil {
		t.Fatalf("openapi.json: %v", theContractErr)
	}
	return theContract
}

// pointer escapes a JSON pointer token.
func pointer(tok string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

// schema compiles the schema at a pointer into the document, once.
func (c *contract) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[ptr]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	c.schemas[ptr] = s
	return s, nil
}

// at is the value at a pointer of the document, and the pointer, after following a $ref there.
func (c *contract) at(ptr string) (map[string]any, string) {
	var v any = c.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, _ := v.(map[string]any)
		v = m[tok]
	}
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		return c.at(strings.TrimPrefix(ref, "#"))
	}
	return m, ptr
}

// check says what is wrong with an answer to method path (below api.Base), or "".
func (c *contract) check(method, path string, code int, header http.Header, body []byte) string {
	var op *contractOp
	for i := range c.ops {
		if c.ops[i].method == method && c.ops[i].re.MatchString(path) {
			op = &c.ops[i]
			break
		}
	}
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if op == nil {
		if code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
			return fmt.Sprintf("%s %s is not in the document, yet answered %d", method, path, code)
		}
		return c.checkBody("/components/schemas/Problem", mt, "application/problem+json", body)
	}
	opPtr := "/paths/" + pointer(op.path) + "/" + strings.ToLower(method) + "/responses/"
	var resp map[string]any
	var respPtr string
	for _, key := range []string{fmt.Sprint(code), fmt.Sprintf("%dXX", code/100), "default"} {
		if resp, respPtr = c.at(opPtr + key); resp != nil {
			break
		}
	}
	if resp == nil {
		return fmt.Sprintf("%s %s answered %d, which the document does not give", method, op.path, code)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) > 0 {
			return fmt.Sprintf("%s %s %d: a body the document does not describe", method, op.path, code)
		}
		return ""
	}
	if _, ok := content[mt]; ok {
		if mt == "application/json" || mt == "application/problem+json" {
			return c.checkBody(respPtr+"/content/"+pointer(mt)+"/schema", mt, mt, body)
		}
		return ""
	}
	if _, ok := content["*/*"]; ok {
		return ""
	}
	return fmt.Sprintf("%s %s %d: media type %q is not documented", method, op.path, code, mt)
}

func (c *contract) checkBody(ptr, mt, want string, body []byte) string {
	if mt != want {
		return fmt.Sprintf("media type %q, want %q", mt, want)
	}
	s, err := c.schema(ptr)
	if err != nil {
		return fmt.Sprintf("compile %s: %v", ptr, err)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf("not JSON: %v", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Sprintf("not valid against %s: %#v", ptr, err)
	}
	return ""
}

// checkAnswer fails the test when an answer breaks the contract.
func checkAnswer(t testing.TB, method, path string, code int, header http.Header, body []byte) {
	t.Helper()
	path, _, _ = strings.Cut(strings.TrimPrefix(path, api.Base), "?")
	if msg := loadContract(t).check(method, path, code, header, body); msg != "" {
		t.Errorf("the answer to %s %s breaks openapi.json: %s\n%.600s", method, path, msg, body)
	}
}

// TestOpenAPIExamplesMatchSchemas: every example in the document is valid against its schema, so the
// examples cannot drift from what the API sends.
func TestOpenAPIExamplesMatchSchemas(t *testing.T) {
	c := loadContract(t)
	checked := 0
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if exs, ok := m["examples"].(map[string]any); ok && m["schema"] != nil {
			s, err := c.schema(ptr + "/schema")
			if err != nil {
				t.Fatalf("%s: %v", ptr, err)
			}
			for name, ex := range exs {
				if err := s.Validate(ex.(map[string]any)["value"]); err != nil {
					t.Errorf("example %s at %s: %#v", name, ptr, err)
				}
				checked++
			}
		}
		for k, sub := range m {
			walk(sub, ptr+"/"+pointer(k))
		}
	}
	walk(c.doc["paths"], "/paths")
	walk(c.doc["components"], "/components")
	if checked < 25 {
		t.Fatalf("only %d examples checked", checked)
	}
	// Every operation has an operationId.
	for _, op := range c.ops {
		o, _ := c.at("/paths/" + pointer(op.path) + "/" + strings.ToLower(op.method))
		if id, _ := o["operationId"].(string); id == "" {
			t.Errorf("%s %s has no operationId", op.method, op.path)
		}
	}
}
