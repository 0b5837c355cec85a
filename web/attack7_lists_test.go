package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"formportal/engine"
)

// seedRepeat types two children, each with an About page answered, and a household member with an
// agency, into the repeat fixture's referral: the child ids in order.
func seedRepeat(t *testing.T, b *browser, e *env, id, pages string) []string {
	t.Helper()
	for _, n := range []string{"Amy", "Ben"} {
		b.get(pages+"family?field=children&row=new").postRowParts(pages+"family?field=children&row=new",
			"row.first_name", n, "row.last_name", "Smith", "action", "save-row").status(http.StatusOK)
	}
	member := pages + "family?field=household&row="
	b.get(member+"new").postRowParts(member+"new", "row.name", "Jo Smith", "action", "add:agencies").status(http.StatusOK)
	b.postRowParts(member+"0&sub=agencies&subrow=new", "row.name", "Police", "action", "save-row").status(http.StatusOK)
	children, _ := storedDraft(t, e, id).Values["children"].([]any)
	var ids []string
	for _, c := range children {
		ids = append(ids, engine.ItemID(c.(map[string]any)))
	}
	if len(ids) != 2 {
		t.Fatalf("children = %v", children)
	}
	for i, cid := range ids {
		b.get(pages+"about_child/"+cid).postRowParts(pages+"about_child/"+cid, "school", []string{"Amy's school", "Ben's school"}[i], "worries", "w", "action", "save").
			status(http.StatusOK)
	}
	return ids
}

// kimsNewAgencyOpenWhileAMemberGoes starts the repeat fixture's referral with Jo, Kim and Lee in its
// household, opens a new agency of Kim's and, meanwhile, removes member n (from 0) in another window:
// the new agency's page.
func kimsNewAgencyOpenWhileAMemberGoes(t *testing.T, n int) (e *env, b *browser, id, agency string) {
	t.Helper()
	e, _ = newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	member := pages + "family?field=household&row="
	for _, name := range []string{"Jo", "Kim", "Lee"} {
		b.get(member+"new").postRowParts(member+"new", "row.name", name, "action", "save-row") // saved, though it has no agency yet
	}
	agency = member + "1&sub=agencies&subrow=new"
	b.get(agency).status(http.StatusOK)
	b.anotherWindow().removeRow(pages+"family", "household", n)
	return e, b, id, agency
}

// The attack on lists, lists inside them and the sections repeated for their items: crafted indices
// (negative, huge, past the end of int, not numbers, twice), crafted item ids and page keys, and crafted
// buttons, by GET and by post. None is a server error, and none changes the draft.
func TestAttack7CraftedListAddresses(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	ids := seedRepeat(t, b, e, id, pages)
	// The pages visited are kept in the order they were last saved (where Recover a Form opens), and the
	// last post below saves the family page again; what must not change is what was answered.
	answered := func() string {
		a := storedDraft(t, e, id)
		slices.Sort(a.Visited)
		return mustJSON(t, a)
	}
	before := answered()

	huge := "99999999999999999999999"
	var queries []string
	for _, row := range []string{"-1", "1e12", "1000000000000", huge, "abc", "", "0x0", "+0", " 0", "-0", "new&row=0", "0&row=new", "1.0", "%00"} {
		queries = append(queries, "field=children&row="+row, "field=household&row="+row, "field=household&row=0&sub=agencies&subrow="+row)
	}
	queries = append(queries, "field=household&row=0&sub=agencies", "field=household&row=0&sub=&subrow=0", "field=household&row=0&sub=agencies&sub=name&subrow=0",
		"field=household&field=children&row=0", "field=about_child&row=0", "field=school&row=0", "field=itemId&row=0", "field=children.first_name&row=0",
		"household-page=-1", "household-page="+huge, "household-page=abc", "children-page=1e12", "saved=children."+huge, "saved=children.-1", "saved=nosuch.0", "part=row&field=children&row=0", "check=1")
	for _, q := range queries {
		r := b.send(http.MethodGet, pages+"family?"+q, nil, nil)
		if r.code >= 500 {
			t.Errorf("GET family?%s: %d", q, r.code)
		}
	}
	keys := []string{"about_child", "about_child/", "about_child/" + strings.ToUpper(ids[0]), "about_child/" + ids[0] + "/x", "about_child/" + ids[0] + "/",
		"about_child/i0000000000000000", "about_child/c1", "about_child/..%2Ffamily", "about_child/%2e%2e", "about_child/" + ids[0] + "%00", "family/" + ids[0],
		"about_child/" + ids[0] + "?field=children&row=0", "about_child//" + ids[0]}
	for _, k := range keys {
		r := b.send(http.MethodGet, pages+k, nil, nil)
		if r.code >= 500 {
			t.Errorf("GET %s: %d", k, r.code)
		}
		if k != "about_child/"+ids[0]+"?field=children&row=0" && r.code == http.StatusOK && strings.Contains(r.body, `name="school"`) &&
			!strings.Contains(r.body, `action="/referrals/`+id+`/pages/about_child/`+ids[0]) && !strings.Contains(r.body, `action="/referrals/`+id+`/pages/about_child/`+ids[1]) {
			t.Errorf("GET %s: a repeated page for no child", k)
		}
	}

	// Posts: crafted rows and buttons on the family page, rows and inner items, and the repeated pages.
	b.get(pages + "family")
	token := b.csrf()
	post := func(path string, v url.Values) asvsResp {
		v.Set("csrf_token", token)
		return b.send(http.MethodPost, path, strings.NewReader(v.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	}
	for _, q := range queries {
		if strings.Contains(q, "row=new") && !strings.Contains(q, "row=new&") && strings.HasSuffix(q, "row=new") {
			continue // adds a row, as it should
		}
		if strings.HasPrefix(q, "field=") && !strings.Contains(q, "row=new") {
			r := post(pages+"family?"+q, url.Values{"row.first_name": {"Mallory"}, "row.last_name": {"M"}, "row.name": {"Mallory"}, "row-hash": {"0"}, "outer-hash": {"0"}, "action": {"save-row"}})
			if r.code >= 500 {
				t.Errorf("POST family?%s: %d", q, r.code)
			}
		}
	}
	for _, action := range []string{"remove:children:-1:x", "remove:children:" + huge + ":x", "remove:children:1e3:x", "remove:children::", "remove:children",
		"remove::0:x", "remove:household:0", "edit:children:-1", "edit:children:" + huge, "edit:children:x&field=household", "edit:children:0%23", "edit:children:\r\nX-Evil: 1",
		"rows:household:-5", "rows:household:" + huge, "rows:household:x", "goto:about_child/" + strings.Repeat("i", 5000), "goto:../../tasks",
		"paste:children", "paste:nosuch", "add:about_child", "add:itemId", "upload:children", "remove-file:children:x", "lang:../../evil", "lang:https://evil.example"} {
		r := post(pages+"family", url.Values{"action": {action}})
		if r.code >= 500 {
			t.Errorf("POST family action %q: %d", action, r.code)
		}
		if loc := r.header.Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\r\n")) {
			t.Errorf("POST family action %q redirects to %q", action, loc)
		}
		if r.header.Get("X-Evil") != "" {
			t.Errorf("POST family action %q set a header", action)
		}
	}
	for _, action := range []string{"add:agencies.workers", "edit:agencies:-1", "edit:agencies:" + huge, "remove:agencies:" + huge + ":x", "remove:agencies:-1:x", "add:name", "add:"} {
		r := post(pages+"family?field=household&row=0", url.Values{"row.name": {"Jo Smith"}, "action": {action}})
		if r.code >= 500 {
			t.Errorf("POST member action %q: %d", action, r.code)
		}
	}
	for _, k := range keys {
		r := post(pages+k, url.Values{"school": {"Crafted"}, "worries": {"Crafted"}, "action": {"save"}})
		if r.code >= 500 {
			t.Errorf("POST %s: %d", k, r.code)
		}
	}
	// A crafted item id in a posted row is never taken: the child keeps its own.
	post(pages+"family?field=children&row=0", url.Values{"row.first_name": {"Amy"}, "row.last_name": {"Smith"}, "row.itemId": {ids[1]}, "itemId": {ids[1]},
		"action": {"save-row"}})
	if got := answered(); got != before {
		t.Fatalf("crafted requests changed the draft:\nbefore %s\nafter  %s", before, got)
	}
}

// Two windows: one opens row 2 of the chronology to change it, the other removes row 1 meanwhile, so
// that row 2 is now the first. Saving the change changes that row where it now is: it must never be
// written over the row that moved into its old place (which was then lost).
func TestAttack7RowMovedByAnotherWindowIsNotWrittenOver(t *testing.T) {
	c, page, row, hash, other := rowOpenInTwoWindows(t, 1, 1)

	other.removeRow(page, "chronology_entries", 0)

	c.b.postDatedRow(row, hash, "2", "Event 0001 changed")
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0001 changed,Event 0002" {
		// A conflict page offers to save again, over the row now in its place: do so, as a person would.
		if c.b.code == http.StatusConflict {
			c.b.postDatedRow(row, rowHashRE.FindStringSubmatch(c.b.last)[1], "2", "Event 0001 changed")
			got = strings.Join(eventsOf(c.savedRows(t)), ",")
		}
		t.Fatalf("after saving a row that moved: rows %q, want \"Event 0001 changed,Event 0002\"", got)
	}

	// A stale Remove of a row that moved removes that row, not the one in its old place, nor nothing.
	c.seedDatedRows(t, 3)
	c.b.get(page)
	remove := c.b.removeAction("chronology_entries", 2)
	other.removeRow(page, "chronology_entries", 0)
	c.b.post(page, "action", remove)
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0001" {
		t.Fatalf("after removing a row that moved: rows %q, want \"Event 0001\"", got)
	}
}

// Two windows on a list inside a list: one opens Kim's new agency, the other removes the household
// member before her, so that Lee is now where Kim was. The agency is saved into Kim's item, never Lee's.
func TestAttack7InnerItemFollowsItsItem(t *testing.T) {
	e, b, id, agency := kimsNewAgencyOpenWhileAMemberGoes(t, 0)
	b.postRowParts(agency, "row.name", "Police for Kim", "action", "save-row")
	if b.code == http.StatusConflict { // saving again from the conflict page, as a person would
		b.postRowParts(agency, "row.name", "Police for Kim", "action", "save-row")
	}
	household, _ := storedDraft(t, e, id).Values["household"].([]any)
	got := map[string]string{}
	for _, m := range household {
		item := m.(map[string]any)
		var names []string
		for _, a := range rowsOf(item["agencies"]) {
			names = append(names, fmt.Sprint(a.(map[string]any)["name"]))
		}
		got[fmt.Sprint(item["name"])] = strings.Join(names, ",")
	}
	if got["Kim"] != "Police for Kim" || got["Lee"] != "" {
		t.Fatalf("agencies by member = %v, want Kim's agency with Kim", got)
	}
}

// Two windows racing: one saves Ben's "About" page while the other removes Ben. Whichever wins, once
// Ben is gone his answers are not kept anywhere in the draft: not under his id, not as a page visited.
func TestAttack7RepeatedPageSavedWhileItsItemIsRemoved(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	other := b.anotherWindow()
	for round := range 12 {
		b.get(pages+"family?field=children&row=new").postRowParts(pages+"family?field=children&row=new",
			"row.first_name", "Ben", "row.last_name", "Smith", "action", "save-row").status(http.StatusOK)
		children := rowsOf(storedDraft(t, e, id).Values["children"])
		ben := engine.ItemID(children[len(children)-1].(map[string]any))
		b.get(pages + "about_child/" + ben).status(http.StatusOK)
		other.get(pages + "family")
		remove := other.removeAction("children", len(children)-1)
		body := url.Values{"csrf_token": {b.csrf()}, "school": {"Ben's school"}, "worries": {"w"}, "action": {"save"}}.Encode()
		done := make(chan struct{})
		go func() {
			defer close(done)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+pages+"about_child/"+ben, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if res, err := b.c.Do(req); err == nil {
				res.Body.Close()
			}
		}()
		other.post(pages+"family", "action", remove)
		<-done
		raw := storedDraft(t, e, id)
		if rows := rowsOf(raw.Values["children"]); len(rows) != len(children)-1 {
			t.Fatalf("round %d: %d children after removing Ben, want %d", round, len(rows), len(children)-1)
		}
		if s := mustJSON(t, raw); strings.Contains(s, ben) {
			t.Fatalf("round %d: the removed child's answers are kept: %s", round, s)
		}
	}
}

// A paste into a list whose items hold a list of their own: the inner list is no column of the paste
// (its items are added on their own pages), so a cell for it is never stored as the inner list.
func TestAttack7PasteIntoAListOfLists(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	b.get(pages + "family")
	if strings.Contains(htmlText(b.last), "in this order: Full name, Agencies involved") {
		t.Error("the paste box asks for the inner list as a column")
	}
	b.post(pages+"family", "household.paste", "Jo Smith\tPolice\nKim Smith\n", "action", "paste:household")
	if b.code >= 500 {
		t.Fatalf("paste: %d", b.code)
	}
	for _, m := range rowsOf(storedDraft(t, e, id).Values["household"]) {
		if a, ok := m.(map[string]any)["agencies"]; ok {
			if _, list := a.([]any); !list {
				t.Fatalf("a pasted cell was stored as the inner list: %v", m)
			}
		}
	}
	b.get(pages + "family?field=household&row=0").status(http.StatusOK)
	b.get("/referrals/" + strings.Split(strings.TrimPrefix(pages, "/referrals/"), "/")[0] + "/submit").status(http.StatusOK)
}

// The last row open in one window while the other removes a row before it: its place is now past the
// end. Saving it saves the row where it now is, never silently nothing (the change was lost, with no
// word, in a redirect to the table).
func TestAttack7LastRowSavedAfterARowBeforeItWasRemoved(t *testing.T) {
	c, page, row, hash, other := rowOpenInTwoWindows(t, 1, 2)
	other.removeRow(page, "chronology_entries", 0)
	c.b.postDatedRow(row, hash, "3", "Event 0002 changed")
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0001,Event 0002 changed" {
		t.Fatalf("rows %q (status %d), want \"Event 0001,Event 0002 changed\"", got, c.b.code)
	}
	// The same row removed meanwhile, or a row past the end that never was: nothing saved over another
	// row, and the page says why, with what was typed.
	other.removeRow(page, "chronology_entries", 1)
	c.b.postDatedRow(row, hash, "3", "Typed again").status(http.StatusConflict).see("Typed again")
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0001" {
		t.Fatalf("rows %q after saving a row removed meanwhile", got)
	}
}

// The same for an inner item: Kim's agency open while the member before her is removed.
func TestAttack7InnerItemSavedAfterItsItemMovedUp(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	member := pages + "family?field=household&row="
	for _, n := range []string{"Jo", "Kim"} {
		b.get(member+"new").postRowParts(member+"new", "row.name", n, "action", "add:agencies")
		b.postRowParts(member+strconv.Itoa(map[string]int{"Jo": 0, "Kim": 1}[n])+"&sub=agencies&subrow=new", "row.name", "Agency of "+n, "action", "save-row").
			status(http.StatusOK)
	}
	b.get(member + "1&sub=agencies&subrow=0").status(http.StatusOK).see("Agency of Kim")
	b.anotherWindow().removeRow(pages+"family", "household", 0)
	b.postRowParts(member+"1&sub=agencies&subrow=0", "row.name", "Police", "action", "save-row")
	household := rowsOf(storedDraft(t, e, id).Values["household"])
	if len(household) != 1 {
		t.Fatalf("household = %v", household)
	}
	agencies := rowsOf(household[0].(map[string]any)["agencies"])
	if len(agencies) != 1 || agencies[0].(map[string]any)["name"] != "Police" {
		t.Fatalf("Kim's agencies = %v (status %d), want Police", agencies, b.code)
	}
}

// A crafted post of a member's page with a value for the list inside it ("row.agencies"), which the page
// never posts: it is never kept as the inner list, for a new member or one without agencies yet.
func TestAttack7InnerListIsNeverTakenFromAPost(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	member := pages + "family?field=household&row="
	b.get(member+"new").postRowParts(member+"new", "row.name", "Jo", "row.agencies", "EVIL", "row.agencies.name", "EVIL", "action", "save-row")
	b.get(member+"0").postRowParts(member+"0", "row.name", "Jo Smith", "row.agencies", "EVIL", "action", "save-row")
	b.get(member+"new").postRowParts(member+"new", "row.name", "Kim", "row.agencies", "EVIL", "action", "add:agencies")
	for _, m := range rowsOf(storedDraft(t, e, id).Values["household"]) {
		if a, ok := m.(map[string]any)["agencies"]; ok {
			if _, list := a.([]any); !list {
				t.Fatalf("a posted value was kept as the inner list: %v", m)
			}
		}
	}
	b.get(member + "0").status(http.StatusOK)
	b.get(pages + "family").status(http.StatusOK)
}

// One window changes row 2 while the other removes it, so that row 3 moves into its place. The save is
// a conflict, and saving again from the conflict page, as it asks, keeps what was typed without writing
// over row 3 (which was then lost).
func TestAttack7SavingAgainAfterARemovalLosesNoOtherRow(t *testing.T) {
	c, page, row, _, other := rowOpenInTwoWindows(t, 1, 1)
	other.removeRow(page, "chronology_entries", 1)
	typed := []string{"row.date.day", "2", "row.date.month", "1", "row.date.year", "2023", "row.children_concerned", "c1", "row.event", "Mine", "action", "save-row"}
	c.b.postHiddenParts(row, typed...).status(http.StatusConflict).see("Mine")
	action := regexp.MustCompile(`<form[^>]+action="([^"]+field=[^"]+)"`).FindStringSubmatch(c.b.last)
	if action == nil {
		t.Fatal("the conflict page has no form")
	}
	c.b.postHiddenParts(html.UnescapeString(action[1]), typed...)
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0000,Mine,Event 0002" {
		t.Fatalf("after saving again: rows %q, want \"Event 0000,Mine,Event 0002\"", got)
	}
}

// postHiddenParts posts a row page as a browser does: every hidden input of the page (the CSRF token
// first), then these fields, multipart.
func (b *browser) postHiddenParts(path string, fields ...string) *browser {
	b.e.t.Helper()
	var parts []formPart
	for _, m := range hiddenRE.FindAllStringSubmatch(b.last, -1) {
		parts = append(parts, formPart{name: m[1], value: html.UnescapeString(m[2])})
	}
	for i := 0; i+1 < len(fields); i += 2 {
		parts = append(parts, formPart{name: fields[i], value: fields[i+1]})
	}
	return b.postParts(path, parts)
}

// Another professional, signed in, with the Remove button's value and the row's hash copied from the
// owner's page: neither the table's page nor the row's answers them, and the row stays.
func TestAttack7AnotherProfessionalCannotTouchTheRows(t *testing.T) {
	c := newChronology(t, 1)
	c.seedDatedRows(t, 2)
	page := c.page("chronology")
	c.b.get(page)
	remove := c.b.removeAction("chronology_entries", 0)
	c.b.get(page + "?field=chronology_entries&row=0")
	hash := rowHashRE.FindStringSubmatch(c.b.last)[1]

	mallory := c.e.register("mallory@example.org")
	mallory.get("/tasks")
	token := mallory.csrf()
	for _, p := range []struct{ path, body string }{
		{page, url.Values{"csrf_token": {token}, "action": {remove}}.Encode()},
		{page + "?field=chronology_entries&row=0", url.Values{"csrf_token": {token}, "row-hash": {hash}, "row.event": {"Mallory"}, "action": {"save-row"}}.Encode()},
		{page + "?field=chronology_entries&row=0&part=row", url.Values{"csrf_token": {token}, "row.event": {"Mallory"}, "action": {"save-row"}}.Encode()},
		{page + "?field=chronology_entries&row=new", url.Values{"csrf_token": {token}, "row.event": {"Mallory"}, "action": {"save-row"}}.Encode()},
	} {
		r := mallory.send(http.MethodPost, p.path, strings.NewReader(p.body), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if r.code != http.StatusNotFound && r.code != http.StatusForbidden {
			t.Errorf("POST %s by another professional: %d", p.path, r.code)
		}
	}
	for _, p := range []string{page, page + "?field=chronology_entries&row=0", page + "?field=chronology_entries&row=0&part=row"} {
		if r := mallory.send(http.MethodGet, p, nil, nil); r.code != http.StatusNotFound || strings.Contains(r.body, "Event 0000") {
			t.Errorf("GET %s by another professional: %d", p, r.code)
		}
	}
	if got := strings.Join(eventsOf(c.savedRows(t)), ","); got != "Event 0000,Event 0001" {
		t.Fatalf("rows %q after another professional's posts", got)
	}
}

// One window adds an agency to Kim while the other removes Kim, so that Lee moves into her place. The
// agency is never saved into Lee's item, whatever the first window does next.
func TestAttack7InnerItemOfARemovedItemGoesToNoOther(t *testing.T) {
	e, b, id, agency := kimsNewAgencyOpenWhileAMemberGoes(t, 1)
	b.postHiddenParts(agency, "row.name", "Police for Kim", "action", "save-row")
	if b.code == http.StatusConflict { // saving again from the conflict page, as it asks
		b.postHiddenParts(agency, "row.name", "Police for Kim", "action", "save-row")
	}
	for _, m := range rowsOf(storedDraft(t, e, id).Values["household"]) {
		item := m.(map[string]any)
		if item["name"] != "Kim" && len(rowsOf(item["agencies"])) > 0 {
			t.Fatalf("Kim's agency was saved into %v", item)
		}
	}
}
