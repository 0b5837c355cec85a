package sqlstore

import (
	"context"
	"strings"
	"testing"
)

// The head of a response is read from the index that holds it (responses_head), never from the row,
// whose answers, for a chronology, are a chain of overflow pages before its status and version.
func TestResponseHeadIsReadFromItsIndex(t *testing.T) {
	db := openTemp(t)
	rows, err := db.readDB.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+db.responseHeadQuery(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING COVERING INDEX responses_head") {
		t.Fatalf("the head's plan is %q; want it read from the covering index responses_head", got)
	}
}
