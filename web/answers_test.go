package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
)

// Drafts written by encoding/json read back exactly as encoding/json reads them, odd ones too (invalid
// UTF-8, nulls), and what is written reads back the same with encoding/json; an answer posted with
// invalid UTF-8 is written as encoding/json writes it.
func TestAnswersReadAsEncodingJSONReadsThem(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	var drafts [][]byte
	for _, form := range lib.All() {
		a := enginetest.Answers(form, enginetest.CaseData(form, 3), 5, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
		a.Values["odd"] = "<b>café</b> “quotes” \u2028 & 😀"
		a.Visited = []string{"practitioner"}
		raw, _ := json.Marshal(a)
		drafts = append(drafts, raw)
	}
	drafts = append(drafts, []byte("{\"values\":{\"a\":\"bad \xff byte\",\"n\":1.5e3,\"rows\":null,\"list\":[]},\"children\":null}"),
		[]byte(`{"values":null}`), []byte(`{}`))
	for _, raw := range drafts {
		var want, got engine.Answers
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeAnswers(raw, &got); err != nil {
			t.Fatalf("%.80s: %v", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read differently:\n got %#v\nwant %#v", got, want)
		}
		out, err := encodeAnswers(got)
		if err != nil {
			t.Fatal(err)
		}
		var back engine.Answers
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if want.Values == nil {
			want.Values = map[string]any{} // written as {} rather than null: the same to every reader
		}
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("written differently:\n got %#v\nwant %#v", back, want)
		}
	}
	posted := engine.Answers{Values: map[string]any{"name": "Zo\xeb"}}
	v1, _ := json.Marshal(posted)
	v2, err := encodeAnswers(posted)
	if err != nil {
		t.Fatalf("an answer with invalid UTF-8: %v", err)
	}
	var a, b engine.Answers
	json.Unmarshal(v1, &a)
	json.Unmarshal(v2, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("invalid UTF-8 written as %q, encoding/json writes %q", v2, v1)
	}
}

// A draft reads as encoding/json/v2 reads engine.Answers, and refuses what it refuses.
func TestDraftReadsAsAnswersDo(t *testing.T) {
	for _, raw := range []string{
		`{"values":{"a":"x","rows":[{"d":"1"},{"d":"2","e":["c1"]}],"n":null,"l":[]},"children":{"c1":{"r":[{"x":"{not a brace}"}, [1] ,"s"]}},"visited":["a"]}`,
		` { "values" : { "rows" : [ { "a" : "}" } , { } ] } , "other" : [1,{"x":1}] } `,
		`{"values":null,"children":null,"visited":null}`, `{}`,
		`{"values":[]}`, `{"children":[1]}`, `{"values":{"a":1,"a":2}}`, `{"values":{}} x`, `[]`, `{"values":{"rows":[{"a":1},]}}`, ``,
	} {
		var want engine.Answers
		wantErr := jsonv2.Unmarshal([]byte(raw), &want, answersUTF8)
		d, err := decodeDraft([]byte(raw))
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: read with error %v, encoding/json/v2 says %v", raw, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(d.answers, want) {
			t.Fatalf("%s: read as\n %#v\nwant %#v", raw, d.answers, want)
		}
	}
}

// Writing a draft made from another copies the rows it kept and writes the rest: what is written reads
// back as the answers, and knows where each of its rows is, after a second change too.
func TestDraftWritesChangedRows(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("multi-agency-chronology")
	a := enginetest.Answers(form, enginetest.CaseData(form, 3), 20, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	a.Children = map[string]map[string]any{"c1": {"people": []any{map[string]any{"name": "Ann"}, map[string]any{"name": "Bo \"B\""}}}}
	raw, _ := json.Marshal(a)
	d, err := decodeDraft(raw)
	if err != nil {
		t.Fatal(err)
	}
	checkRowsNoted(t, d)
	for round := range 2 {
		next := d.answers
		next.Values = maps.Clone(next.Values)
		rows := slices.Clone(next.Values["chronology_entries"].([]any))
		rows[3] = map[string]any{"event": fmt.Sprintf("changed in round %d", round), "date": "2024-01-01"}
		rows = slices.Delete(rows, 5, 6)
		next.Values["chronology_entries"] = append(rows, map[string]any{"event": "added"})
		next.Visited = append(slices.Clip(next.Visited), fmt.Sprint("page", round))
		written, err := d.encode(next)
		if err != nil {
			t.Fatal(err)
		}
		var back engine.Answers
		if err := json.Unmarshal(written.raw, &back); err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, written.raw)
		}
		if !reflect.DeepEqual(normalised(t, back), normalised(t, next)) {
			t.Fatalf("round %d: written as\n%s", round, written.raw)
		}
		checkRowsNoted(t, written)
		d = written
	}
}

// checkRowsNoted checks that d knows where each of its rows is in its JSON.
func checkRowsNoted(t *testing.T, d *draft) {
	t.Helper()
	lists := []map[string]any{d.answers.Values}
	for _, vals := range d.answers.Children {
		lists = append(lists, vals)
	}
	n := 0
	for _, vals := range lists {
		for id, v := range vals {
			rows, _ := v.([]any)
			for i, r := range rows {
				m, ok := r.(map[string]any)
				if !ok {
					continue
				}
				n++
				at, ok := d.rows[rowKey(m)]
				var row map[string]any
				if !ok || json.Unmarshal(d.raw[at.start:at.end], &row) != nil || !reflect.DeepEqual(row, normalised(t, m)) {
					t.Fatalf("%s row %d is noted at %v: %q", id, i, at, d.raw[at.start:at.end])
				}
			}
		}
	}
	if n < 20 || len(d.rows) != n {
		t.Fatalf("%d rows noted, %d rows", len(d.rows), n)
	}
}

// normalised is v as JSON reads it back.
func normalised[T any](t *testing.T, v T) T {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The cache answers with the draft it holds only while the store holds those very bytes, or that very
// version (read without its answers), never an older version over a newer one; it lets the least
// recently used go past its limit, lets all go once idle, and keeps none when its limit is negative.
func TestDraftCache(t *testing.T) {
	raw := func(event string) []byte {
		return []byte(`{"values":{"rows":[{"event":"` + event + `"}]}}`)
	}
	one, err := decodeDraft(raw("a"))
	if err != nil {
		t.Fatal(err)
	}
	c := newDraftCache(4*draftCost(one), 20*time.Millisecond) // four drafts
	first, err := c.read("r1", 1, raw("a"))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.read("r1", 1, raw("a")); again != first {
		t.Fatal("the same draft was read again rather than kept")
	}
	if c.held("r1") != 1 || c.kept("r1", 1) != first || c.held("r9") != 0 || c.kept("r9", 1) != nil {
		t.Fatal("the version kept is not the one read")
	}
	changed, _ := c.read("r1", 2, raw("b"))
	if changed == first || changed.answers.Values["rows"].([]any)[0].(map[string]any)["event"] != "b" {
		t.Fatal("a draft changed in the store was answered from the cache")
	}
	if c.kept("r1", 1) != nil || c.kept("r1", 2) != changed || c.held("r1") != 2 {
		t.Fatal("after a save the version before it is still answered")
	}
	if c.put("r1", 1, first); c.kept("r1", 2) != changed || c.kept("r1", 1) != nil {
		t.Fatal("an older version read late replaced the newer one kept")
	}
	c.read("r2", 1, raw("a"))
	c.read("r3", 1, raw("a"))
	c.read("r4", 1, raw("a"))
	c.read("r1", 2, raw("b")) // r1 used last: r2 goes first
	c.read("r5", 1, raw("a"))
	c.mu.Lock()
	_, kept2 := c.entries["r2"]
	kept := len(c.entries)
	c.mu.Unlock()
	if kept2 || kept != 4 {
		t.Fatalf("past the limit the cache holds %d drafts, r2 among them: %v", kept, kept2)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c.mu.Lock()
		n, size := len(c.entries), c.size
		c.mu.Unlock()
		if n == 0 && size == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("idle drafts are still kept: %d, %d bytes", n, size)
		}
	}
	none := newDraftCache(-1, time.Minute)
	none.read("r1", 1, raw("a"))
	if len(none.entries) != 0 {
		t.Fatal("a cache with no room kept a draft")
	}
}

// Two requests on the same draft share what was read, and a page put into one flow's answers changes
// neither the other's nor the draft kept.
func TestFlowsDoNotChangeTheDraftTheyShare(t *testing.T) {
	c := newChronology(t, 3)
	c.seedDatedRows(t, 3)
	resp, err := c.e.store.Response(context.Background(), c.task)
	if err != nil {
		t.Fatal(err)
	}
	one, err := c.e.app.newFlow(resp, "/tasks/"+resp.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := c.e.app.newFlow(resp, "/tasks/"+resp.ID)
	if one.draft != other.draft {
		t.Fatal("the second request read the draft again")
	}
	before := normalised(t, other.answers)
	p := page{section: c.form.Section("chronology")}
	vals := one.pageValues(p)
	vals["chronology_entries"] = []any{chronologyRow(9, "Only row")}
	vals["agency_currently_involved"] = "no"
	one.setPageValues(p, vals)
	if !reflect.DeepEqual(normalised(t, other.answers), before) || !reflect.DeepEqual(normalised(t, one.draft.answers), before) {
		t.Fatal("putting a page into one flow's answers changed the draft the other holds")
	}
	if one.answers.Values["agency_currently_involved"] != "no" {
		t.Fatal("the page was not put into the flow's answers")
	}
}
