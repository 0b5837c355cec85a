package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"formportal/engine"
)

// TestFormsPagedByCursor: with more forms installed than a page holds, following next from the first
// page lists every form exactly once, in the order of their ids, and the last page says there is no
// more; a cursor or limit that is not one is refused with a problem.
func TestFormsPagedByCursor(t *testing.T) {
	e := newEnv(t)
	src, err := os.ReadFile("../testdata/valid/family/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	list := e.forms.All()
	for i := range 12 {
		// Titles in the reverse order of the ids: the pages follow the ids.
		s := strings.Replace(string(src), "id: family-check\ntitle: Family check\n", fmt.Sprintf("id: check-%02d\ntitle: Check %02d\n", i, 20-i), 1)
		f, diags := engine.Load(fmt.Sprintf("check-%02d.yaml", i), []byte(s))
		if f == nil || f.ID != fmt.Sprintf("check-%02d", i) {
			t.Fatalf("form %d does not load: %v", i, diags)
		}
		list = append(list, f)
	}
	e.forms.SetCurrent(list)
	var want []string
	for _, f := range list {
		want = append(want, f.ID)
	}
	sort.Strings(want)

	var got []string
	pages, path := 0, "/forms?limit=5"
	for {
		code, out := e.call(e.key, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, code, out)
		}
		pages++
		page := out["forms"].([]any)
		for _, f := range page {
			got = append(got, f.(map[string]any)["id"].(string))
		}
		path = "/forms?limit=5&cursor=" + url.QueryEscape(out["next"].(string))
		if out["more"] != true {
			if len(page) == 0 {
				t.Error("the last page is empty: more was true on the page before it")
			}
			break
		}
		if len(page) != 5 || pages > 10 {
			t.Fatalf("page %d holds %d forms, more %v", pages, len(page), out["more"])
		}
	}
	if pages != 3 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%d pages listed\n%q\nwant each once in id order:\n%q", pages, got, want)
	}
	// The last page's next is where to come back: nothing after it yet.
	if code, out := e.call(e.key, "GET", path, nil); code != http.StatusOK || len(out["forms"].([]any)) != 0 || out["more"] != false {
		t.Errorf("after the last page: %d %v", code, out)
	}
	// Without a limit a page holds them all.
	if code, out := e.call(e.key, "GET", "/forms", nil); code != http.StatusOK || len(out["forms"].([]any)) != len(want) || out["more"] != false {
		t.Errorf("one page of all: %d, %d forms, more %v", code, len(out["forms"].([]any)), out["more"])
	}
	for _, bad := range []string{"/forms?cursor=not-a-cursor", "/forms?cursor=MS4xMi4w", "/forms?limit=0", "/forms?limit=501"} {
		if code, out := e.call(e.key, "GET", bad, nil); code != http.StatusBadRequest {
			t.Errorf("GET %s: %d %v, want 400", bad, code, out)
		}
	}
}
