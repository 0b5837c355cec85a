package chronology

import (
	"encoding/json"
	"sync"
	"testing"

	"formportal/store"
)

// members are a request's delegations as the store gives them: submitted, with the family's case data.
// Their ids are request's, so that two requests' members differ as the store's do.
func members(t *testing.T, request string, subs ...json.RawMessage) []*store.Response {
	t.Helper()
	caseData, _ := json.Marshal(map[string]any{"children": []any{
		map[string]any{"id": "c1", "name": "Aurora Boreo"}, map[string]any{"id": "c2", "name": "Orion Boreo"}}})
	var out []*store.Response
	for i, s := range subs {
		out = append(out, &store.Response{ID: request + "-" + string(rune('a'+i)), Status: store.StatusSubmitted, Version: 1,
			OwnerOrg: "Agency " + string(rune('A'+i)), CaseData: caseData, Submission: s})
	}
	return out
}

func TestCacheMergesOnceAndNeverServesAnOldRound(t *testing.T) {
	form := load(t, agencyForm)
	c := NewCache(100)
	ms := members(t, "q", submission(t, "events", row("2026-01-01", "Seen at home", "c1")), submission(t, "events", row("2026-01-02", "Exclusion", "c2")))
	first, err := c.OfRequest(form, ms)
	if err != nil || len(first.Rows) != 2 {
		t.Fatalf("first view: %v, %v", first, err)
	}
	again, _ := c.OfRequest(form, ms)
	if again != first {
		t.Error("a second view of the same submissions merged again")
	}

	// The second agency's work is returned and resubmitted with another row: a new version.
	resubmitted := *ms[1]
	resubmitted.Version = 3
	resubmitted.Submission = submission(t, "events", row("2026-01-02", "Exclusion", "c2"), row("2026-01-05", "Reintegration meeting", "c2"))
	after, _ := c.OfRequest(form, []*store.Response{ms[0], &resubmitted})
	if len(after.Rows) != 3 {
		t.Fatalf("after a resubmission the merge has %d rows, want 3", len(after.Rows))
	}

	// Returned for more information: its rows leave the merge at once.
	returned := resubmitted
	returned.Status, returned.Version = store.StatusReturned, 4
	if got, _ := c.OfRequest(form, []*store.Response{ms[0], &returned}); len(got.Rows) != 1 {
		t.Fatalf("a returned contribution's rows are still merged: %d rows", len(got.Rows))
	}

	// The merge orders the rows of one date by the members' order: another order is another table.
	if other := cacheKey(form, ms); other == cacheKey(form, []*store.Response{ms[1], ms[0]}) {
		t.Error("the members' order is not in the key: the merge orders rows of a date by it")
	}
}

func TestCacheKeepsWithinItsBound(t *testing.T) {
	form := load(t, agencyForm)
	c := NewCache(3)
	one := members(t, "q1", submission(t, "events", row("2026-01-01", "One", "c1"), row("2026-01-02", "Two", "c1")))
	two := members(t, "q2", submission(t, "events", row("2026-02-01", "Three", "c2"), row("2026-02-02", "Four", "c2")))
	t1, _ := c.OfRequest(form, one)
	c.OfRequest(form, two) // 4 rows held would pass the bound of 3: the first goes
	if c.rows > 3 || len(c.byKey) != 1 || c.order.Len() != 1 {
		t.Fatalf("held %d rows in %d entries, want at most 3 rows", c.rows, len(c.byKey))
	}
	if again, _ := c.OfRequest(form, one); again == t1 {
		t.Error("the evicted table was served")
	}
	big := members(t, "q3", submission(t, "events", row("2026-03-01", "A", "c1"), row("2026-03-02", "B", "c1"), row("2026-03-03", "C", "c1"), row("2026-03-04", "D", "c1")))
	if got, err := c.OfRequest(form, big); err != nil || len(got.Rows) != 4 {
		t.Fatalf("a table past the bound: %v rows, %v", len(got.Rows), err)
	}
	if c.rows > 3 {
		t.Errorf("a table larger than the bound was held: %d rows", c.rows)
	}
}

func TestCacheConcurrentViewsShareOneMerge(t *testing.T) {
	form := load(t, agencyForm)
	c := NewCache(100)
	ms := members(t, "q", submission(t, "events", row("2026-01-01", "Seen at home", "c1")))
	tables := make([]*Table, 8)
	var wg sync.WaitGroup
	for i := range tables {
		wg.Go(func() {
			tbl, err := c.OfRequest(form, ms)
			if err != nil {
				t.Error(err)
			}
			tables[i] = tbl
		})
	}
	wg.Wait()
	for _, tbl := range tables[1:] {
		if tbl != tables[0] {
			t.Fatal("concurrent views of one request merged more than once")
		}
	}
	if len(c.merging) != 0 {
		t.Errorf("%d merges left marked in progress", len(c.merging))
	}
}

func TestCacheKeepsNoFailedMerge(t *testing.T) {
	form := load(t, agencyForm)
	c := NewCache(100)
	ms := members(t, "q", json.RawMessage("{"))
	if _, err := c.OfRequest(form, ms); err == nil {
		t.Fatal("an unreadable submission merged")
	}
	if len(c.byKey) != 0 || len(c.merging) != 0 {
		t.Error("a failed merge was kept")
	}
}
