package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/store"
)

// addSubmission stores a submitted delegation directly, as a professional's submit leaves it.
func (e *env) addSubmission(id string, at time.Time) error {
	r := &store.Response{ID: id, Kind: store.KindDelegation, FormID: "family-check", OwnerEmail: "pro@school.example", OwnerName: "Sam Jones",
		CaseData: json.RawMessage(`{}`), Submission: json.RawMessage(`{"values":{}}`), Status: store.StatusSubmitted, Reference: "REF-" + id,
		CreatedAt: at, UpdatedAt: at, SubmittedAt: at}
	return e.store.CreateResponse(context.Background(), r, nil)
}

// followList reads an API list from query on, page after page until one says there is no more, and
// returns the ids read and the cursor to carry on from later.
func (e *env) followList(key, path, list, query string) ([]string, string) {
	e.t.Helper()
	var ids []string
	for {
		code, out := e.api(key, "GET", path+"?"+query, nil)
		if code != http.StatusOK {
			e.t.Fatalf("GET %s?%s: %d %v", path, query, code, out)
		}
		items, _ := out[list].([]any)
		for _, it := range items {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		next, _ := out["next"].(string)
		if next == "" {
			e.t.Fatalf("GET %s?%s: %d %s and no next cursor", path, query, len(items), list)
		}
		query = "limit=100&cursor=" + url.QueryEscape(next)
		if out["more"] != true {
			return ids, next
		}
	}
}

// TestSubmissionsFollowedWhileArriving lists 1,200 submissions by following the API's cursor while
// half of them are still being submitted: each is seen exactly once.
func TestSubmissionsFollowedWhileArriving(t *testing.T) {
	e, key := newDelegationEnv(t)
	const before, during = 600, 600
	at := e.clock.Now()
	for i := range before {
		if err := e.addSubmission(fmt.Sprintf("b%04d", i), at); err != nil {
			t.Fatal(err)
		}
	}
	var writing sync.WaitGroup
	writing.Go(func() {
		for i := range during {
			if err := e.addSubmission(fmt.Sprintf("d%04d", i), at); err != nil {
				t.Error(err)
				return
			}
		}
	})
	t.Cleanup(writing.Wait) // before the store closes, even when the test fails early
	done := make(chan struct{})
	go func() { writing.Wait(); close(done) }()
	seen := map[string]int{}
	pages := 0
	query := "limit=100"
	for finished := false; !finished; pages++ {
		select {
		case <-done:
			finished = true // one more reading after the last submission
		default:
		}
		ids, next := e.followList(key, "/submissions", "submissions", query)
		for _, id := range ids {
			seen[id]++
		}
		query = "limit=100&cursor=" + url.QueryEscape(next)
	}
	if len(seen) != before+during {
		t.Errorf("%d submissions seen, want %d", len(seen), before+during)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
	t.Logf("%d readings of the list while submissions arrived", pages)
}

// TestSubmissionListCursor checks a list's paging rules: the limit, a resubmission seen again after a
// return, since, and clear refusals of bad parameters.
func TestSubmissionListCursor(t *testing.T) {
	e, key := newDelegationEnv(t)
	t0 := e.clock.Now()
	for i, id := range []string{"s1", "s2", "s3"} {
		if err := e.addSubmission(id, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	code, out := e.api(key, "GET", "/submissions?limit=2", nil)
	if code != 200 || len(out["submissions"].([]any)) != 2 || out["more"] != true {
		t.Fatalf("first page of 2: %d, %d items, more %v", code, len(out["submissions"].([]any)), out["more"])
	}
	ids, next := e.followList(key, "/submissions", "submissions", "limit=2")
	if strings.Join(ids, " ") != "s1 s2 s3" {
		t.Fatalf("in the order submitted: %v", ids)
	}
	if ids, _ := e.followList(key, "/submissions", "submissions", "cursor="+url.QueryEscape(next)); len(ids) != 0 {
		t.Fatalf("nothing new, yet: %v", ids)
	}
	// The council returns s1 and the professional submits it again: it is listed again, once.
	r, err := e.store.Response(context.Background(), "s1")
	if err != nil {
		t.Fatal(err)
	}
	r.Status = store.StatusReturned
	if err := e.store.UpdateResponse(context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
	r.Status, r.SubmittedAt = store.StatusSubmitted, t0.Add(5*time.Hour)
	if err := e.store.UpdateResponse(context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
	again, _ := e.followList(key, "/submissions", "submissions", "cursor="+url.QueryEscape(next))
	if strings.Join(again, " ") != "s1" {
		t.Fatalf("after the resubmission: %v, want s1", again)
	}
	since := url.QueryEscape(t0.Add(90 * time.Minute).Format(time.RFC3339))
	ids, sinceNext := e.followList(key, "/submissions", "submissions", "limit=1&since="+since)
	if strings.Join(ids, " ") != "s3 s1" {
		t.Fatalf("since 10:30: %v, want s3 s1", ids)
	}
	if err := e.addSubmission("s4", t0.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ids, _ := e.followList(key, "/submissions", "submissions", "cursor="+url.QueryEscape(sinceNext)); strings.Join(ids, " ") != "s4" {
		t.Fatalf("carrying on from since's cursor: %v, want s4", ids)
	}
	for query, path := range map[string]string{
		"limit=0": "limit", "limit=501": "limit", "limit=ten": "limit",
		"cursor=nonsense": "cursor", "since=yesterday": "since",
		"since=2026-03-02T09:00:00Z&cursor=" + url.QueryEscape(next): "since",
	} {
		code, out := e.api(key, "GET", "/submissions?"+query, nil)
		errs, _ := out["errors"].([]any)
		if code != http.StatusBadRequest || len(errs) != 1 || errs[0].(map[string]any)["path"] != path {
			t.Errorf("GET /submissions?%s: %d %v, want 400 at %s", query, code, out, path)
		}
	}
	if code, out := e.api(key, "GET", "/referrals?limit=1", nil); code != 200 || out["next"] == "" || out["more"] != false {
		t.Errorf("referrals page: %d %v", code, out)
	}
}
