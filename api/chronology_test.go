package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/store"
)

// submitRows has a delegation's professional save chronology rows and submit.
func (e *env) submitRows(id string, rows ...map[string]any) {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.store.Response(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	list := make([]any, len(rows))
	for i, row := range rows {
		list[i] = row
	}
	raw, _ := json.Marshal(map[string]any{"values": map[string]any{"events": list}})
	if _, err := e.work.SaveDraft(ctx, id, r.OwnerEmail, func(*store.Response) (casework.Edit, error) { return casework.Edit{Answers: raw}, nil }); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.work.Submit(ctx, id, r.OwnerEmail); err != nil {
		e.t.Fatal(err)
	}
}

func TestAPIMergedChronologyPaged(t *testing.T) {
	e := newEnv(t)
	code, q := e.call(e.key, "POST", "/requests", newRequest())
	if code != http.StatusCreated {
		t.Fatalf("create request: %d %v", code, q)
	}
	rid := q["id"].(string)
	var ids []string
	for _, a := range q["agencies"].([]any) {
		ids = append(ids, a.(map[string]any)["id"].(string))
	}
	path := "/requests/" + rid + "/chronology"
	if code, page := e.call(e.key, "GET", path, nil); code != 200 || len(page["rows"].([]any)) != 0 || page["more"] != false || page["next"] != "" {
		t.Fatalf("nothing submitted yet: %d %v", code, page)
	}
	ev := func(date, event string, about ...any) map[string]any {
		return map[string]any{"date": date, "event": event, "about": about}
	}
	e.submitRows(ids[0], ev("2026-02-03", "Aurora went to A&E after a head injury at home", "c1"), ev("2026-01-10", "Attendance fell to 80%", "c2"))
	e.submitRows(ids[1], ev("2026-02-03", "A&E attendance, head injury", "c1"))
	e.submitRows(ids[2], ev("2026-02-20", "Police called to the home", "c1", "c2"))

	// Followed two rows a page, every row comes once, in date order.
	var got []string
	cursor := ""
	for range 5 {
		p := path + "?limit=2"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		code, page := e.call(e.key, "GET", p, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d %v", p, code, page)
		}
		for _, r := range page["rows"].([]any) {
			row := r.(map[string]any)
			got = append(got, row["date"].(string)+" "+row["agency"].(string))
		}
		cursor = page["next"].(string)
		if page["more"] == false {
			break
		}
	}
	want := "2026-01-10 Hill Primary School|2026-02-03 Hill Primary School|2026-02-03 Elm Surgery|2026-02-20 Thames Valley Police"
	if strings.Join(got, "|") != want {
		t.Fatalf("rows followed page by page:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	// Nothing more after the last page.
	if _, page := e.call(e.key, "GET", path+"?limit=2&cursor="+url.QueryEscape(cursor), nil); len(page["rows"].([]any)) != 0 || page["next"] != cursor {
		t.Fatalf("after the last page: %v", page)
	}

	_, page := e.call(e.key, "GET", path+"?child=c1&from=2026-02-01&to=2026-02-10", nil)
	rows := page["rows"].([]any)
	if len(rows) != 2 {
		t.Fatalf("filtered: %v", page)
	}
	school, gp := rows[0].(map[string]any), rows[1].(map[string]any)
	if school["sameEventAs"].([]any)[0] != gp["id"] || gp["sameEventAs"].([]any)[0] != school["id"] ||
		school["cells"].(map[string]any)["about"] != "Aurora Boreo" || school["delegation"] != "/api/v1/delegations/"+ids[0] || school["number"] != float64(2) {
		t.Fatalf("the same event, flagged both ways: %v %v", school, gp)
	}
	if _, page := e.call(e.key, "GET", path+"?agency=Elm+Surgery", nil); len(page["rows"].([]any)) != 1 {
		t.Fatalf("by agency: %v", page)
	}

	for _, bad := range []string{"?from=3/2/2026", "?to=tomorrow", "?cursor=nonsense", "?limit=501"} {
		if code, _ := e.call(e.key, "GET", path+bad, nil); code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", bad, code)
		}
	}
	if code, _ := e.call(e.key, "GET", "/requests/nope/chronology", nil); code != http.StatusNotFound {
		t.Fatalf("a missing request: %d", code)
	}
	if code, _ := e.call("", "GET", path, nil); code != http.StatusUnauthorized {
		t.Fatalf("no key: %d", code)
	}
}
