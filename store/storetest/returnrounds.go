package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"formportal/store"
)

// testReturnRounds keeps the rounds of a returned response in order, reads them back whole, and removes
// them with it or on their own.
func testReturnRounds(t *testing.T, st store.Store) {
	ctx := context.Background()
	for _, id := range []string{"r1", "r2"} {
		if err := st.CreateResponse(ctx, newResponse(id, "pro@example.org"), nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, prev := range []string{`{"values":{"a":"one"}}`, `{"values":{"a":"two"}}`} {
		rr := &store.ReturnRound{ResponseID: "r1", ReturnedAt: t0.AddDate(0, 0, i), Previous: json.RawMessage(prev), Marks: json.RawMessage(`[{"path":"a","comment":"Why?"}]`)}
		if err := st.AddReturnRound(ctx, rr); err != nil || rr.ID == 0 {
			t.Fatalf("add round: %v, id %d", err, rr.ID)
		}
	}
	list, err := st.ReturnRoundsOf(ctx, "r1")
	if err != nil || len(list) != 2 || string(list[1].Previous) != `{"values":{"a":"two"}}` || string(list[0].Marks) != `[{"path":"a","comment":"Why?"}]` ||
		!list[0].ReturnedAt.Equal(t0) || list[0].ResponseID != "r1" {
		t.Fatalf("rounds: %+v, %v", list, err)
	}
	if other, _ := st.ReturnRoundsOf(ctx, "r2"); len(other) != 0 {
		t.Fatalf("another response's rounds: %+v", other)
	}
	if err := st.DeleteReturnRoundsOf(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.ReturnRoundsOf(ctx, "r1"); len(list) != 0 {
		t.Fatalf("rounds after deleting: %+v", list)
	}
	st.AddReturnRound(ctx, &store.ReturnRound{ResponseID: "r2", ReturnedAt: t0, Previous: json.RawMessage(`{}`), Marks: json.RawMessage(`[]`)})
	r2, _ := st.Response(ctx, "r2")
	if err := st.DeleteResponse(ctx, "r2", r2.Version); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.ReturnRoundsOf(ctx, "r2"); len(list) != 0 {
		t.Fatalf("rounds outlived their response: %+v", list)
	}
}
