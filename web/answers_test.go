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
// UTF-8, a name twice, nulls), and what is written reads back the same with encoding/json.
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
	drafts = append(drafts, []byte("{\"values\":{\"a\":\"bad \xff byte\",\"a\":\"twice\",\"n\":1.5e3,\"rows\":null,\"list\":[]},\"children\":null}"),
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
}
