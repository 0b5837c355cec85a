package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// A draft's answers are read on every form page and written on every save, and a chronology's are a
// megabyte at 2,000 rows. They go through encoding/json's successor, github.com/go-json-experiment/json
// (the code Go ships as encoding/json/v2), which reads them about three times and writes them about twice
// as fast as encoding/json. Like encoding/json it takes invalid UTF-8 (an answer posted with it), writing
// it as U+FFFD. Only encoding/json and this have ever written drafts, so no draft repeats a name (which
// this would refuse: allowing it costs a fifth more allocations).
//
// Reading and writing them whole was most of the time of saving one row, so:
//   - a draft read is kept decoded (draftCache) with its response's version, for the requests that
//     follow on the same draft (the row page, its save, the table after it): they read the response
//     without its answers while that version is the one stored (store.ResponseHolding), and a draft read
//     whole is used when it is byte for byte the same;
//   - a draft remembers where in its JSON each row of a table or list is, and writing it copies the
//     rows it still holds unchanged from there rather than writing them again: a row is never changed
//     in place, only replaced by a new one (putRow, paste), so a row that is the same map is the same
//     JSON.
var answersUTF8 = jsontext.AllowInvalidUTF8(true)

// draft is a draft's answers as read from or written to its JSON. Its answers are shared between the
// requests on the draft and never changed: a flow copies a map before changing it (setPageValues).
type draft struct {
	raw     []byte
	answers engine.Answers
	// rows is where each row (each object in an array among the answers) is in raw, by the row's map.
	rows map[uintptr]span
	// result is the answers checked, kept with what else they were checked with (checkedWith), since
	// checking a thousand rows for the sections' statuses is the most a page costs.
	mu          sync.Mutex
	result      *engine.Result
	checkedWith checkKey
	// tables are the table views built from the draft checked (with checkedWith).
	tables *renderer.TableViews
	// prefilled is what the case data gives the read-only questions (engine.Form.Prefill checks the
	// case data against its schema first), with the form and case data it was worked out from.
	prefilled     *engine.Answers
	prefilledWith prefillKey
}

type prefillKey struct {
	form     *engine.Form
	caseData string
}

// checkKey is what besides its answers checking a draft depends on: the form, the case data, the
// sections chosen, the day and the language of the messages.
type checkKey struct {
	form     *engine.Form
	caseData string
	sections string
	today    string
	lang     i18n.Lang
}

type span struct{ start, end int }

var errNotObject = errors.New("not a JSON object")

func rowKey(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// decodeDraft reads a draft's JSON, noting where its rows are.
func decodeDraft(raw []byte) (*draft, error) {
	d := &draft{raw: raw, rows: map[uintptr]span{}}
	dec := jsontext.NewDecoder(bytes.NewReader(raw), answersUTF8)
	if dec.PeekKind() != '{' {
		return nil, errNotObject
	}
	dec.ReadToken()
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		switch tok.String() {
		case "values":
			if d.answers.Values, err = d.decodeValues(dec); err != nil {
				return nil, fmt.Errorf("values: %w", err)
			}
		case "children":
			switch dec.PeekKind() {
			case 'n':
				_, err = dec.ReadToken()
			case '{':
				dec.ReadToken()
				for dec.PeekKind() != '}' && err == nil {
					var tok jsontext.Token
					if tok, err = dec.ReadToken(); err != nil {
						break
					}
					child := tok.String()
					var vals map[string]any
					if vals, err = d.decodeValues(dec); err == nil {
						if d.answers.Children == nil {
							d.answers.Children = map[string]map[string]any{}
						}
						d.answers.Children[child] = vals
					}
				}
				if err == nil {
					_, err = dec.ReadToken()
				}
			default:
				err = errNotObject
			}
			if err != nil {
				return nil, fmt.Errorf("children: %w", err)
			}
		case "visited":
			if err := jsonv2.UnmarshalDecode(dec, &d.answers.Visited); err != nil {
				return nil, fmt.Errorf("visited: %w", err)
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return nil, err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("answers: more after the object: %v", err)
	}
	return d, nil
}

// decodeValues reads an object of answers by field id (null is none), noting where the rows are.
func (d *draft) decodeValues(dec *jsontext.Decoder) (map[string]any, error) {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return nil, err
	case '{':
		dec.ReadToken()
	default:
		return nil, errNotObject
	}
	vals := map[string]any{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String() // the token is good only until the next read
		if dec.PeekKind() != '[' {
			var v any
			if err := jsonv2.UnmarshalDecode(dec, &v); err != nil {
				return nil, err
			}
			vals[name] = v
			continue
		}
		dec.ReadToken()
		list := []any{}
		for dec.PeekKind() != ']' {
			start := int(dec.InputOffset()) // after the token before: then space and a comma
			var v any
			if err := jsonv2.UnmarshalDecode(dec, &v); err != nil {
				return nil, err
			}
			if m, ok := v.(map[string]any); ok {
				for d.raw[start] != '{' {
					start++
				}
				d.rows[rowKey(m)] = span{start, int(dec.InputOffset())}
			}
			list = append(list, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		vals[name] = list
	}
	_, err := dec.ReadToken()
	return vals, err
}

// encode writes answers made from the draft's: the rows it holds unchanged are copied from its JSON.
// The draft written knows where its rows are, as one read.
func (d *draft) encode(a engine.Answers) (*draft, error) {
	out := &draft{answers: a, rows: make(map[uintptr]span, len(d.rows))}
	buf := make([]byte, 0, len(d.raw)+4096)
	buf = append(buf, `{"values":`...)
	var err error
	if buf, err = d.encodeValues(buf, out, a.Values); err != nil {
		return nil, err
	}
	if len(a.Children) > 0 {
		buf = append(buf, `,"children":{`...)
		first := true
		for id, vals := range a.Children {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			if buf, err = jsontext.AppendQuote(buf, id); err != nil {
				return nil, err
			}
			buf = append(buf, ':')
			if buf, err = d.encodeValues(buf, out, vals); err != nil {
				return nil, err
			}
		}
		buf = append(buf, '}')
	}
	if len(a.Visited) > 0 {
		buf = append(buf, `,"visited":`...)
		if buf, err = appendJSON(buf, a.Visited); err != nil {
			return nil, err
		}
	}
	out.raw = append(buf, '}')
	return out, nil
}

func (d *draft) encodeValues(buf []byte, out *draft, vals map[string]any) ([]byte, error) {
	buf = append(buf, '{')
	first := true
	var err error
	for id, v := range vals {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		if buf, err = jsontext.AppendQuote(buf, id); err != nil {
			return nil, err
		}
		buf = append(buf, ':')
		list, ok := v.([]any)
		if !ok || list == nil {
			if buf, err = appendJSON(buf, v); err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			continue
		}
		buf = append(buf, '[')
		for i, item := range list {
			if i > 0 {
				buf = append(buf, ',')
			}
			m, isRow := item.(map[string]any)
			start := len(buf)
			if was, ok := d.rows[rowKey(m)]; isRow && m != nil && ok {
				buf = append(buf, d.raw[was.start:was.end]...)
			} else if buf, err = appendJSON(buf, item); err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			if isRow && m != nil {
				out.rows[rowKey(m)] = span{start, len(buf)}
			}
		}
		buf = append(buf, ']')
	}
	return append(buf, '}'), nil
}

func appendJSON(buf []byte, v any) ([]byte, error) {
	b, err := jsonv2.Marshal(v, answersUTF8)
	return append(buf, b...), err
}

// decodeAnswers and encodeAnswers read and write a draft's answers whole.
func decodeAnswers(raw []byte, a *engine.Answers) error {
	d, err := decodeDraft(raw)
	if err != nil {
		return err
	}
	*a = d.answers
	return nil
}

func encodeAnswers(a engine.Answers) ([]byte, error) {
	d, err := (&draft{}).encode(a)
	if err != nil {
		return nil, err
	}
	return d.raw, nil
}

// checked is the draft's answers checked by check with key, checked once.
func (d *draft) checked(key checkKey, check func() engine.Result) engine.Result {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.result == nil || d.checkedWith != key {
		res := check()
		d.result, d.checkedWith, d.tables = &res, key, nil
	}
	return *d.result
}

// prefill is what prefill gives for key, worked out once.
func (d *draft) prefill(key prefillKey, prefill func() engine.Answers) engine.Answers {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.prefilled == nil || d.prefilledWith != key {
		pre := prefill()
		d.prefilled, d.prefilledWith = &pre, key
	}
	return *d.prefilled
}

// tableViews keeps the table views built from the draft checked with key; nil when it was not, or was
// checked with another since.
func (d *draft) tableViews(key checkKey) *renderer.TableViews {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.result == nil || d.checkedWith != key {
		return nil
	}
	if d.tables == nil {
		d.tables = &renderer.TableViews{}
	}
	return d.tables
}

// draftCache keeps the drafts last read or written, one a response with its version, decoded, up to
// about limit bytes of memory all told; a draft not used for idle is let go. When the cache empties after holding a lot,
// the memory is handed back to the system at once rather than over the following minutes.
type draftCache struct {
	limit int
	idle  time.Duration

	mu      sync.Mutex
	entries map[string]*cachedDraft
	size    int
	peak    int // the most held since the cache was last empty
	sweep   *time.Timer
}

type cachedDraft struct {
	d       *draft
	version int // the response's version whose answers d is
	cost    int
	used    time.Time
}

// draftCost estimates the memory a decoded draft takes once a page has been drawn from it: its JSON and
// the maps, slices and strings read from it (about seven times the JSON), and the answers checked with
// the copy of them the check makes (as much again; TestDraftCostIsWhatADraftHolds measures it on a
// chronology). A draft with rows may keep a few table views (renderer.TableViews) too.
func draftCost(d *draft) int {
	if len(d.rows) > 0 {
		return 14*len(d.raw) + tableViewsCost
	}
	return 14 * len(d.raw)
}

// tableViewsCost is about what the table views kept for a draft take: four pages of fifty rows.
const tableViewsCost = 64 << 10

// freeAfter is how much the cache must have held for its emptying to hand memory back at once.
const freeAfter = 16 << 20

func newDraftCache(limit int, idle time.Duration) *draftCache {
	return &draftCache{limit: limit, idle: idle, entries: map[string]*cachedDraft{}}
}

// held is the version of response id whose draft is kept, 0 for none.
func (c *draftCache) held(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[id]; e != nil {
		return e.version
	}
	return 0
}

// kept is the draft of version of response id, if it is kept.
func (c *draftCache) kept(id string, version int) *draft {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[id]; e != nil && e.version == version {
		e.used = time.Now()
		return e.d
	}
	return nil
}

// read is the draft of version of response id, stored as raw: the one kept when it is the same, or raw
// read.
func (c *draftCache) read(id string, version int, raw []byte) (*draft, error) {
	c.mu.Lock()
	e := c.entries[id]
	if e != nil && bytes.Equal(e.d.raw, raw) {
		e.used, e.version = time.Now(), version
		c.mu.Unlock()
		return e.d, nil
	}
	c.mu.Unlock()
	d, err := decodeDraft(raw)
	if err != nil {
		return nil, err
	}
	c.put(id, version, d)
	return d, nil
}

// put keeps d as the draft of version of response id, letting the least recently used go beyond the
// limit.
func (c *draftCache) put(id string, version int, d *draft) {
	cost := draftCost(d)
	if cost > max(c.limit, 0)/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[id]; old != nil {
		if old.version > version {
			return // a later version was kept meanwhile (versions only grow)
		}
		c.size -= old.cost
	}
	c.entries[id] = &cachedDraft{d: d, version: version, cost: cost, used: time.Now()}
	c.size += cost
	c.peak = max(c.peak, c.size)
	for c.size > c.limit {
		var oldest string
		for k, e := range c.entries {
			if oldest == "" || e.used.Before(c.entries[oldest].used) {
				oldest = k
			}
		}
		c.size -= c.entries[oldest].cost
		delete(c.entries, oldest)
	}
	if c.sweep == nil {
		c.sweep = time.AfterFunc(c.idle, c.expire)
	}
}

// readResponse reads response id, taking its answers from the draft kept when that is of the version
// stored: only the rest of the response is read (and unsealed) from the store.
func (a *App) readResponse(ctx context.Context, id string) (*store.Response, error) {
	held := a.drafts.held(id)
	if held == 0 {
		return a.store.Response(ctx, id)
	}
	resp, err := a.store.ResponseHolding(ctx, id, held)
	if err != nil || resp.Answers != nil {
		return resp, err
	}
	if d := a.drafts.kept(id, resp.Version); d != nil {
		resp.Answers = d.raw
		return resp, nil
	}
	return a.store.Response(ctx, id) // let go meanwhile
}

// expire lets go of the drafts not used for the idle time.
func (c *draftCache) expire() {
	c.mu.Lock()
	now := time.Now()
	for k, e := range c.entries {
		if now.Sub(e.used) >= c.idle {
			c.size -= e.cost
			delete(c.entries, k)
		}
	}
	free := len(c.entries) == 0 && c.peak >= freeAfter
	if len(c.entries) == 0 {
		c.sweep, c.peak = nil, 0
	} else {
		c.sweep.Reset(c.idle / 4)
	}
	c.mu.Unlock()
	if free {
		debug.FreeOSMemory()
	}
}
