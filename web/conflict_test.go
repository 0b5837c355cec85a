package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// tab is one browser tab: the hidden inputs of the page it last drew, which its next post sends back.
type tab struct {
	b      *browser
	path   string
	hidden url.Values
}

func (b *browser) openTab(path string) *tab {
	b.e.t.Helper()
	b.get(path).status(http.StatusOK)
	return &tab{b: b, path: path, hidden: hiddenInputs(b.last)}
}

func hiddenInputs(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

// post sends the tab's form with these answers, as pressing one of its buttons would, and keeps the page
// it gets back.
func (tb *tab) post(fields ...string) *browser {
	v := url.Values{}
	for k, vs := range tb.hidden {
		v[k] = vs
	}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	tb.b.postRaw(tb.path, v, nil)
	tb.hidden = hiddenInputs(tb.b.last)
	return tb.b
}

func (e *env) storedAnswers(id string) map[string]any {
	e.t.Helper()
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var a struct{ Values map[string]any }
	json.Unmarshal(resp.Answers, &a)
	return a.Values
}

// Two tabs on the same page: the second save does not overwrite the first silently. It gets a conflict
// page that keeps what it typed and names what the other tab saved, and saving from there keeps it.
func TestTwoTabsSavingTheSamePageConflictWithoutLoss(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	page := "/tasks/" + id + "/pages/practitioner"
	first, second := b.openTab(page), b.openTab(page)

	first.post("name", "Typed in the first tab", "phone", "01632960001", "action", "save").status(http.StatusOK).see("have been saved")
	second.post("name", "Typed in the second tab", "phone", "01632960002", "action", "save").status(http.StatusConflict).
		see("This page was changed in another tab or window", "have not been saved yet", "Name of practitioner", "Telephone number")
	if !strings.Contains(b.last, `value="Typed in the second tab"`) {
		t.Fatal("the conflict page must show what the second tab typed")
	}
	if got := e.storedAnswers(id)["name"]; got != "Typed in the first tab" {
		t.Fatalf("the first tab's save was overwritten: %v", got)
	}
	second.post("name", "Typed in the second tab", "phone", "01632960002", "action", "save").status(http.StatusOK).see("have been saved")
	if got := e.storedAnswers(id)["name"]; got != "Typed in the second tab" {
		t.Fatalf("saving from the conflict page: %v", got)
	}
}

// Two tabs on different pages of one task drawn from the same draft: both saves are kept.
func TestTwoTabsOnDifferentPagesMerge(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	practitioner, health := b.openTab("/tasks/"+id+"/pages/practitioner"), b.openTab("/tasks/"+id+"/pages/health/c1")
	practitioner.post("name", "Sam Jones", "phone", "01632960001", "action", "save").status(http.StatusOK)
	health.post("registered_gp", "no", "action", "save").status(http.StatusOK).see("have been saved")
	resp, _ := e.store.Response(context.Background(), id)
	var a struct {
		Values   map[string]any
		Children map[string]map[string]any
	}
	json.Unmarshal(resp.Answers, &a)
	if a.Values["name"] != "Sam Jones" || a.Children["c1"]["registered_gp"] != "no" {
		t.Fatalf("both saves must be kept: %v %v", a.Values, a.Children)
	}
}

// A double click sends the same save twice from the same page: both succeed, no conflict.
func TestDoubleClickSaveIsNotAConflict(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	tb := b.openTab("/tasks/" + id + "/pages/practitioner")
	drawn := tb.hidden
	tb.post("name", "Sam Jones", "phone", "01632960001", "action", "save").status(http.StatusOK)
	tb.hidden = drawn
	tb.post("name", "Sam Jones", "phone", "01632960001", "action", "save").status(http.StatusOK).see("have been saved")
}

// Many saves of one page at the same instant, all drawn from the same draft: none is a server error, one
// wins, and every other gets the conflict page with its own words on it.
func TestConcurrentSavesOfOnePageNeverFail(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	drawn := b.openTab("/tasks/" + id + "/pages/practitioner").hidden
	const tabs = 8
	codes := make([]int, tabs)
	bodies := make([]string, tabs)
	var wg sync.WaitGroup
	for i := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := url.Values{}
			for k, vs := range drawn {
				v[k] = vs
			}
			v.Set("name", "Tab "+string(rune('A'+i)))
			v.Set("phone", "01632960001")
			v.Set("action", "save")
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/tasks/"+id+"/pages/practitioner", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var sb strings.Builder
			buf := make([]byte, 32<<10)
			for {
				n, err := resp.Body.Read(buf)
				sb.Write(buf[:n])
				if err != nil {
					break
				}
			}
			codes[i], bodies[i] = resp.StatusCode, sb.String()
		}()
	}
	wg.Wait()
	won := 0
	for i, code := range codes {
		switch code {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			if !strings.Contains(bodies[i], `value="Tab `+string(rune('A'+i))+`"`) {
				t.Errorf("tab %d's conflict page lost what it typed", i)
			}
		default:
			t.Errorf("tab %d got %d", i, code)
		}
	}
	stored := e.storedAnswers(id)["name"]
	if won != 1 || !strings.HasPrefix(stored.(string), "Tab ") {
		t.Fatalf("%d saves won (want 1), stored %v; codes %v", won, stored, codes)
	}
}

// A section with nothing required says "Not started" until the person has been there and saved it, then
// "Completed": the list never claims work the person has not looked at.
func TestSectionNeverVisitedIsNotStarted(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "sam@school.example")
	b := e.register("sam@school.example")
	docs := regexp.MustCompile(`(?s)Supporting documentation</button>\s*<strong[^>]*>([^<]+)</strong>`)
	b.get("/tasks/" + id + "/pages/practitioner")
	if m := docs.FindStringSubmatch(b.last); m == nil || m[1] != "Not started" {
		t.Fatalf("an unvisited section with nothing required: %v", m)
	}
	b.openTab("/tasks/"+id+"/pages/documents").post("action", "save").status(http.StatusOK)
	if m := docs.FindStringSubmatch(b.last); m == nil || m[1] != "Completed" {
		t.Fatalf("after saving it: %v", m)
	}
	resp, _ := e.store.Response(context.Background(), id)
	if strings.Contains(string(resp.Submission), "visited") {
		t.Fatal("the pages visited are bookkeeping, not part of a submission")
	}
}
