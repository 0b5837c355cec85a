package web

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

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
