package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"formportal/addresslookup"
	"formportal/forms"
	"formportal/internal/placestest"
)

// addressForms are the fixtures with address questions on the referral's concern page: the child's,
// which offers no fixed abode (radios, the lines under "Address"); the school's, a plain address; one
// abroad, which its designer keeps to typing (lookup: false); and each household member's, on the
// person's row page.
func addressForms(t *testing.T) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if name == "referral" {
			data = []byte(strings.Replace(string(data), "          - { id: dob, type: date, label: Date of birth, notInFuture: true }\n",
				"          - { id: dob, type: date, label: Date of birth, notInFuture: true }\n          - { id: address, type: address, label: Address }\n", 1))
			data = []byte(strings.Replace(string(data), "      - id: documents\n", `      - { id: child_address, type: address, label: Child's address, noFixedAbode: true }
      - { id: school_address, type: address, label: School's address }
      - { id: abroad_address, type: address, label: Address abroad, lookup: false }
      - id: documents
`, 1))
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// addressEnv is a portal whose address lookup is a real local gazetteer in the OS Places shape.
func addressEnv(t *testing.T) (*env, *placestest.Server) {
	t.Helper()
	e, _ := newDelegationEnv(t)
	e.useForms(addressForms(t))
	g := placestest.New(t)
	p, err := addresslookup.NewPlaces(g.URL(), placestest.Key, 0)
	if err != nil {
		t.Fatal(err)
	}
	e.app.lookup = p
	return e, g
}

var (
	controlRE = regexp.MustCompile(`(?s)<input\b[^>]*>|<select\b.*?</select>|<textarea\b[^>]*>.*?</textarea>`)
	attrRE    = regexp.MustCompile(`([a-zA-Z-]+)(?:="([^"]*)")?`)
	optionRE  = regexp.MustCompile(`(?s)<option\b([^>]*)>`)
	textRE    = regexp.MustCompile(`(?s)<textarea\b[^>]*>(.*?)</textarea>`)
)

func attrs(tag string) map[string]string {
	out := map[string]string{}
	head := tag[:strings.Index(tag, ">")+1]
	for _, m := range attrRE.FindAllStringSubmatch(head[strings.IndexAny(head, " \t\n"):], -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// pageParts are the parts a browser posts for the page's form as drawn, in document order, with the
// inputs named in set typed into (radios: the value chosen; selects: the option chosen), and the button
// pressed last: hidden and text inputs with their values, only the ticked radios and boxes, a select's
// chosen option (the first when none is), an empty file for a file input with nothing chosen.
func pageParts(t *testing.T, page string, action string, set map[string]string) []formPart {
	t.Helper()
	start := strings.Index(page, `id="app-form"`)
	if start < 0 {
		t.Fatalf("no form on the page:\n%s", htmlText(page))
	}
	form := page[start : start+strings.Index(page[start:], "</form>")]
	var out []formPart
	for _, tag := range controlRE.FindAllString(form, -1) {
		a := attrs(tag)
		name, ok := a["name"]
		if _, disabled := a["disabled"]; !ok || disabled || a["form"] != "" {
			continue
		}
		typed, isSet := set[name]
		switch {
		case strings.HasPrefix(tag, "<select"):
			value, first := "", true
			for _, o := range optionRE.FindAllStringSubmatch(tag, -1) {
				oa := attrs("<option" + o[1] + ">")
				if _, sel := oa["selected"]; first || sel {
					value, first = oa["value"], false
				}
			}
			if isSet {
				value = typed
			}
			out = append(out, formPart{name: name, value: value})
		case strings.HasPrefix(tag, "<textarea"):
			value := html.UnescapeString(textRE.FindStringSubmatch(tag)[1])
			if isSet {
				value = typed
			}
			out = append(out, formPart{name: name, value: value})
		case a["type"] == "radio" || a["type"] == "checkbox":
			_, checked := a["checked"]
			if isSet {
				checked = typed == a["value"]
			}
			if checked {
				out = append(out, formPart{name: name, value: a["value"]})
			}
		case a["type"] == "file":
			out = append(out, formPart{name: name, file: true, content: strings.NewReader("")})
		default:
			value := a["value"]
			if isSet {
				value = typed
			}
			out = append(out, formPart{name: name, value: value})
		}
	}
	if len(out) == 0 || out[0].name != "csrf_token" {
		t.Fatalf("the form's first part is not its CSRF token: %v", out)
	}
	return append(out, formPart{name: "action", value: action})
}

// press posts the page the browser shows, as the browser would, with set typed in and the button pressed.
func (b *browser) press(path, action string, set map[string]string) *browser {
	b.e.t.Helper()
	t := b.e.t.(*testing.T)
	return b.postParts(path, pageParts(t, b.last, action, set))
}

// storedAnswer is a question's answer in the referral's draft as stored.
func (e *env) storedAnswer(t *testing.T, id, field string) any {
	t.Helper()
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var a struct{ Values map[string]any }
	if err := json.Unmarshal(resp.Answers, &a); err != nil {
		t.Fatal(err)
	}
	return a.Values[field]
}

var optionValueRE = regexp.MustCompile(`<option value="(line1[^"]+)">([^<]+)</option>`)

// TestFindAddressWithoutJavaScript walks GOV.UK's find-an-address pattern with the multipart posts a
// browser without JavaScript sends: Find address saves the page first, then lists what the gazetteer
// found; Use this address fills the lines; a postcode with no addresses, a gazetteer that fails and a
// typed address all end in an address typed or chosen, never an error page.
func TestFindAddressWithoutJavaScript(t *testing.T) {
	e, g := addressEnv(t)
	logged := e.captureLog()
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"

	b.get(page).status(http.StatusOK).see("Child's address", "Find address", "Enter the address manually", "Address line 1")
	if n := strings.Count(b.last, `value="find-address:`); n != 2 {
		t.Fatalf("%d Find address buttons, want 2 (not the one with lookup: false)", n)
	}
	if strings.Contains(b.last, `value="find-address:abroad_address"`) {
		t.Fatal("an address with lookup: false offers Find address")
	}
	if !strings.Contains(b.last, `formaction="`+page+`#child_address-finder"`) || !strings.Contains(b.last, `href="#child_address-line1"`) {
		t.Fatal("Find address does not come back to the question, or Enter the address manually does not lead to the lines")
	}

	// Find address: what was typed elsewhere on the page is saved first; the postcode is written the
	// standard way; only it went to the gazetteer.
	b.press(page, "find-address:child_address", map[string]string{"children_count": "3", "child_address.kind": "address", "child_address.postcode": "so160as"}).
		status(http.StatusOK).see("2 addresses found", "Select an address", "Use this address", "Ordnance Survey, 4 Adanac Drive, Nursling, Southampton, SO16 0AS",
		"Flat 2, Riverside House, 6 Adanac Drive, Nursling, Southampton, SO16 0AS")
	if got := e.storedAnswer(t, id, "children_count"); got != "3" && got != float64(3) {
		t.Fatalf("the page was not saved before the search: children_count is %v", got)
	}
	if got := e.storedAnswer(t, id, "child_address").(map[string]any)["postcode"]; got != "SO16 0AS" {
		t.Fatalf("stored postcode %v, want SO16 0AS", got)
	}
	reqs := g.Requests()
	if len(reqs) != 1 || reqs[0].URL.Query().Get("postcode") != "SO16 0AS" || len(reqs[0].URL.Query()) != 3 {
		t.Fatalf("the gazetteer was asked %v", reqs)
	}
	if reqs[0].Header.Get("Cookie") != "" || reqs[0].Header.Get("Referer") != "" {
		t.Fatal("the search carried the person's cookie or the page's address")
	}

	// Use this address: the flat, into the lines, as the "Address" answer; the select is gone.
	opts := optionValueRE.FindAllStringSubmatch(b.last, -1)
	if len(opts) != 2 {
		t.Fatalf("%d addresses to choose from, want 2", len(opts))
	}
	b.press(page, "use-address:child_address", map[string]string{"child_address.found": html.UnescapeString(opts[1][1])}).status(http.StatusOK).
		see("Flat 2, Riverside House", "6 Adanac Drive, Nursling", "Southampton", "SO16 0AS")
	if strings.Contains(b.last, "addresses found") {
		t.Fatal("the list is still shown after an address was used")
	}
	got := e.storedAnswer(t, id, "child_address").(map[string]any)
	if got["kind"] != "address" || got["line1"] != "Flat 2, Riverside House" || got["line2"] != "6 Adanac Drive, Nursling" || got["town"] != "Southampton" {
		t.Fatalf("stored %v", got)
	}
	// The server checks the address as ever: Save shows no problem with it.
	b.press(page, "save", nil).status(http.StatusOK)
	if strings.Contains(b.last, "Enter address line 1") || strings.Contains(b.last, "Enter a real postcode") {
		t.Fatalf("the chosen address has problems:\n%s", htmlText(b.last))
	}

	// Use this address with none chosen: the addresses again, with the problem.
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.Found}).see("2 addresses found")
	b.press(page, "use-address:school_address", nil).status(http.StatusUnprocessableEntity).
		see("There is a problem", "Select an address from the list, or enter the address manually", "2 addresses found")
	if !strings.Contains(b.last, `href="#school_address-found"`) {
		t.Fatal("the error summary does not link to the list")
	}

	// No addresses at the postcode: said so, with the way to type it.
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.None}).status(http.StatusOK).
		see("We could not find an address for that postcode (ZZ99 9ZZ)", "Enter the address manually")

	// Not a postcode, or none: a problem with the postcode, and nothing asked of the gazetteer.
	before := len(g.Requests())
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": "not a postcode"}).status(http.StatusUnprocessableEntity).
		see("There is a problem", "Enter a real postcode, like SO16 0AS", "not a postcode")
	if !strings.Contains(b.last, `href="#school_address-postcode"`) {
		t.Fatal("the error summary does not link to the postcode")
	}
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": ""}).status(http.StatusUnprocessableEntity).
		see("Enter a postcode to find the address")
	if len(g.Requests()) != before {
		t.Fatal("a postcode that is not one was sent to the gazetteer")
	}

	// The gazetteer slow, failing or gone: the page, saved, says to type the address.
	e.app.lookup, _ = addresslookup.NewPlaces(g.URL(), placestest.Key, 200*time.Millisecond)
	for _, pc := range []string{placestest.Slow, placestest.Broken, placestest.Malformed} {
		b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": pc, "children_count": "4"}).status(http.StatusOK).
			see("We cannot look up addresses at the moment. Enter the address manually.", "Address line 1")
	}
	if got := e.storedAnswer(t, id, "children_count"); got != "4" && got != float64(4) {
		t.Fatalf("the page was not saved when the search failed: %v", got)
	}

	// The failures were logged, and nothing typed was: no postcode, no line of an address.
	if !strings.Contains(logged.String(), "address lookup failed") {
		t.Fatalf("the failures were not logged:\n%s", logged.String())
	}
	for _, typed := range []string{"SO16", "so160as", "ZZ99", "SL1 0WW", "SL1+0WW", "SE1 1ES", "MA1 1LF", "Adanac", "ADANAC", "Riverside", placestest.Key} {
		if strings.Contains(logged.String(), typed) {
			t.Errorf("the log holds %q:\n%s", typed, logged.String())
		}
	}

	// Typed by hand: saved and checked as before.
	b.press(page, "save", map[string]string{"school_address.line1": "1 School Lane", "school_address.town": "Testertown", "school_address.postcode": "ts1 1st"}).status(http.StatusOK)
	got = e.storedAnswer(t, id, "school_address").(map[string]any)
	if got["line1"] != "1 School Lane" || got["town"] != "Testertown" {
		t.Fatalf("stored %v", got)
	}
}

// TestFindAddressInWelsh: every text of the finder in the page's language.
func TestFindAddressInWelsh(t *testing.T) {
	e, _ := addressEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page+"?lang=cy").status(http.StatusOK).see("Dod o hyd i gyfeiriad", "Rhowch y cyfeiriad â llaw", "Cod post")
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.Single}).
		see("Wedi dod o hyd i 1 cyfeiriad", "Dewiswch gyfeiriad", "Defnyddio’r cyfeiriad hwn", "12 Heol Y Frenhines, Cardiff, CF10 1EP")
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.None}).
		see("Nid oeddem yn gallu dod o hyd i gyfeiriad ar gyfer y cod post hwnnw (ZZ99 9ZZ)")
}

// TestFindAddressIsRateLimited: the portal is no free way into the council's gazetteer. Each session,
// each network address and the portal as a whole have an hourly allowance; past one the person is told
// to type the address and the gazetteer is not asked. A post without the page's CSRF token searches
// nothing.
func TestFindAddressIsRateLimited(t *testing.T) {
	e, g := addressEnv(t)
	e.app.lookupLimits = lookupLimits{perSession: 3, perClient: 5, inAll: 7}
	e.app.cfg.IdleTimeout = 2 * lookupWindow // so that the sessions last until the allowances come back
	find := func(b *browser, page string) *browser {
		return b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.Found})
	}
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page)
	for range 3 {
		find(b, page).status(http.StatusOK).see("2 addresses found")
	}
	find(b, page).status(http.StatusOK).see("You have looked up a lot of postcodes in a short time", "Address line 1")
	if n := len(g.Requests()); n != 3 {
		t.Fatalf("the gazetteer was asked %d times, want 3 (the session's allowance)", n)
	}

	// Another session from the same address: its own allowance, until the address's runs out.
	b2, id2 := startConcern(t, e, "sam@example.org")
	page2 := "/referrals/" + id2 + "/pages/concern"
	b2.get(page2)
	find(b2, page2).see("2 addresses found")
	find(b2, page2).see("2 addresses found")
	find(b2, page2).see("You have looked up a lot of postcodes")
	if n := len(g.Requests()); n != 5 {
		t.Fatalf("the gazetteer was asked %d times, want 5 (the network address's allowance)", n)
	}

	// An hour on, the allowances are back.
	e.clock.Advance(lookupWindow + time.Minute)
	find(b, page).see("2 addresses found")

	// The portal's own allowance holds whoever asks: fill it from other addresses.
	for range 6 {
		if err := e.store.RecordAttempt(context.Background(), "address-lookup", e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	find(b2, page2).see("You have looked up a lot of postcodes")
	if n := len(g.Requests()); n != 6 {
		t.Fatalf("the gazetteer was asked %d times, want 6", n)
	}

	// Without the CSRF token: refused before anything is searched.
	parts := pageParts(t, b.last, "find-address:school_address", map[string]string{"school_address.postcode": placestest.Single})
	b.postParts(page, parts[1:])
	if b.code != http.StatusForbidden {
		t.Fatalf("a post without the CSRF token: %d", b.code)
	}
	if n := len(g.Requests()); n != 6 {
		t.Fatal("a post without the CSRF token searched")
	}
}

// TestNoAddressLookupMeansTyping: without a lookup configured the page is the address's lines, as before.
func TestNoAddressLookupMeansTyping(t *testing.T) {
	e, _ := newDelegationEnv(t)
	e.useForms(addressForms(t))
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page).status(http.StatusOK).see("Child's address", "Address line 1", "Postcode (optional)")
	if strings.Contains(b.last, "Find address") {
		t.Fatal("Find address offered without a lookup")
	}
	// A crafted Find address does nothing but save.
	b.press(page, "find-address:school_address", map[string]string{"school_address.postcode": placestest.Found}).status(http.StatusOK)
	if strings.Contains(b.last, "addresses found") {
		t.Fatal("a crafted Find address searched")
	}
}

// TestFindAddressOnARowPage: a household member's address is found on the person's own page, as on a
// form page; a new person is saved by the search and carries on at their own address, so that saving
// after it changes that person rather than adding another.
func TestFindAddressOnARowPage(t *testing.T) {
	e, g := addressEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	rowNew := page + "?field=household&row=new"
	b.get(rowNew).status(http.StatusOK).see("Add a person", "Find address")

	// Nothing typed: no postcode, and nobody added.
	b.press(rowNew, "find-address:address", nil).status(http.StatusUnprocessableEntity).see("Enter a postcode to find the address")
	if list, _ := e.storedAnswer(t, id, "household").([]any); len(list) != 0 {
		t.Fatalf("a blank person was added: %v", list)
	}
	// A name typed: the person is saved by the search, and the page is theirs from then on.
	b.get(rowNew).press(rowNew, "find-address:address", map[string]string{"row.name": "Alex Boreo", "row.address.postcode": placestest.Found}).
		status(http.StatusOK).see("2 addresses found", "Alex Boreo")
	row0 := page + "?field=household&amp;row=0"
	if !strings.Contains(b.last, `action="`+row0+`"`) || !strings.Contains(b.last, `formaction="`+row0+`#household-0-address-finder"`) {
		t.Fatalf("after the search the person's page does not post to the person saved:\n%s", htmlText(b.last))
	}
	list, _ := e.storedAnswer(t, id, "household").([]any)
	if len(list) != 1 || list[0].(map[string]any)["name"] != "Alex Boreo" {
		t.Fatalf("the person was not saved before the search: %v", list)
	}
	opts := optionValueRE.FindAllStringSubmatch(b.last, -1)
	row0URL := html.UnescapeString(row0)
	b.press(row0URL, "use-address:address", map[string]string{"row.address.found": html.UnescapeString(opts[0][1])}).status(http.StatusOK)
	for _, want := range []string{`value="Ordnance Survey"`, `value="4 Adanac Drive, Nursling"`, `value="Southampton"`} {
		if !strings.Contains(b.last, want) {
			t.Fatalf("the row page does not hold %s after Use this address", want)
		}
	}
	b.press(row0URL, "save", nil)
	list, _ = e.storedAnswer(t, id, "household").([]any)
	if len(list) != 1 {
		t.Fatalf("%d people after saving, want 1", len(list))
	}
	if got := list[0].(map[string]any)["address"].(map[string]any); got["line1"] != "Ordnance Survey" || got["town"] != "Southampton" || got["postcode"] != "SO16 0AS" {
		t.Fatalf("the person's address is %v", got)
	}
	if n := len(g.Requests()); n != 1 {
		t.Fatalf("the gazetteer was asked %d times, want 1", n)
	}
}
