package web

import (
	"regexp"
	"strings"
	"testing"
)

// formTokenRE finds, in document order, the tags that decide which submit buttons a form has.
var formTokenRE = regexp.MustCompile(`(?s)<form\b[^>]*>|</form>|<button\b[^>]*>.*?</button>`)

// textInputRE finds what a person types in, where Enter submits the form.
var textInputRE = regexp.MustCompile(`<input\b[^>]*type="(?:text|email|tel|number|password|url|search)"[^>]*>`)

// submitButton is one submit button as drawn: its attributes and its text.
type submitButton struct {
	attrs map[string]string
	text  string
}

// formSubmitButtons are the submit buttons of the form whose opening tag holds marker, in tree order, as
// a browser counts them: those inside it without a form attribute of their own, and those anywhere
// whose form attribute names it.
func formSubmitButtons(t *testing.T, page, marker string) []submitButton {
	t.Helper()
	tokens := formTokenRE.FindAllString(page, -1)
	id, found := "", false
	for _, tok := range tokens {
		if strings.HasPrefix(tok, "<form") && strings.Contains(tok, marker) {
			id, found = attrs(tok)["id"], true
			break
		}
	}
	if !found {
		t.Fatalf("no form %s on the page:\n%s", marker, htmlText(page))
	}
	var out []submitButton
	inside := false
	for _, tok := range tokens {
		switch {
		case strings.HasPrefix(tok, "<form"):
			inside = strings.Contains(tok, marker)
		case tok == "</form>":
			inside = false
		default:
			a := attrs(tok)
			if typ := a["type"]; typ != "" && typ != "submit" {
				continue
			}
			if owner, named := a["form"]; named && id != "" && owner == id || !named && inside {
				out = append(out, submitButton{attrs: a, text: htmlText(tok)})
			}
		}
	}
	return out
}

// enterPresses fails unless Enter in an input of the form whose opening tag holds marker does what its
// primary button (the one reading primary) does: the form's first submit button, which implicit
// submission presses, posts the same name and value. Unless it is the primary button itself it is
// hidden: no text, visually hidden, out of the Tab order and hidden from assistive technology.
func enterPresses(t *testing.T, what, page, marker, primary string) {
	t.Helper()
	buttons := formSubmitButtons(t, page, marker)
	var want *submitButton
	for i := range buttons {
		if buttons[i].text == primary {
			want = &buttons[i]
			break
		}
	}
	if want == nil {
		t.Fatalf("%s: no button %q in the form; its buttons: %v", what, primary, buttons)
	}
	first := buttons[0]
	if first.attrs["name"] != want.attrs["name"] || first.attrs["value"] != want.attrs["value"] {
		t.Errorf("%s: Enter presses %v, which posts %q=%q; %q posts %q=%q", what, first, first.attrs["name"], first.attrs["value"],
			primary, want.attrs["name"], want.attrs["value"])
	}
	if len(buttons) > 1 && first.text == primary {
		t.Errorf("%s: the first button is the visible %q, not a default button before the others", what, primary)
	}
	if first.text != primary && (first.text != "" || first.attrs["tabindex"] != "-1" || first.attrs["aria-hidden"] != "true" ||
		first.attrs["class"] != "govuk-visually-hidden") {
		t.Errorf("%s: the default button %v is not hidden, out of the Tab order and hidden from assistive technology", what, first)
	}
}

// Enter in a text input presses the page's primary button, on every kind of page with a form and a
// primary button: a task's pages (whose header's language switch submits the page, and comes first),
// the last with Submit; a referral's pages and its overview; a table's row page, where it saves the row;
// and the staff console's forms with a question's or another button before their own.
func TestEnterPressesThePrimaryButton(t *testing.T) {
	e, _, task := staffOnlyDelegation(t)
	pro := e.register("pro@school.example")
	page := "/tasks/" + task + "/pages/"
	pro.get(page + "practitioner").status(200)
	enterPresses(t, "task page", pro.last, `id="app-form"`, "Next")
	if !strings.Contains(pro.last, `<button type="submit" form="app-form" name="action" value="lang:cy"`) {
		t.Fatal("the task page's language switch no longer submits the page: this test no longer tests it")
	}
	pro.get(page + "chronology?lang=cy").status(200)
	enterPresses(t, "task page in Welsh", pro.last, `id="app-form"`, "Nesaf")
	pro.get(page + "documents?lang=en").status(200)
	enterPresses(t, "task's last page", pro.last, `id="app-form"`, "Submit contribution")
	pro.get(page + "chronology?field=events&row=new").status(200)
	enterPresses(t, "task row page", pro.last, `id="app-form"`, "Save and return")

	b, id := startConcern(t, e, "rose@example.org")
	page = "/referrals/" + id + "/pages/"
	b.get(page + "you").status(200)
	enterPresses(t, "referral page", b.last, `id="app-form"`, "Next")
	b.get(page + "declaration").status(200)
	enterPresses(t, "referral's last page", b.last, `id="app-form"`, "Submit to Local Authority")
	b.get(page + "concern?field=household&row=new").status(200)
	enterPresses(t, "referral list item page", b.last, `id="app-form"`, "Save and return")
	b.get("/referrals/new/concern?as=public").status(200)
	enterPresses(t, "referral overview", b.last, `action="/referrals/new/concern`, "Next")

	// Check your answers and a task's confirmation have nothing to type in: their primary button is a
	// link, or their form's only button.
	b.get("/referrals/" + id + "/submit").status(200).see("Check your answers")
	pro.get("/tasks/" + task + "/submit").status(200)
	for what, page := range map[string]string{"check answers": b.last, "task's confirmation": pro.last} {
		if typeIn := textInputRE.FindString(page); typeIn != "" {
			t.Errorf("%s has %s, in which Enter presses its form's first button: give it a DefaultSubmit", what, typeIn)
		}
	}

	jo := e.staff("jo@council.example", false)
	jo.get("/staff/requests/new?form=family-check").status(200)
	enterPresses(t, "send to several agencies", jo.last, `action="/staff/requests/new?form=family-check"`, "Send to the agencies")
	jo.get("/staff/delegations/" + task + "/staff-answers").status(200)
	enterPresses(t, "staff answers", jo.last, `action="/staff/delegations/`+task+`/staff-answers"`, "Save staff answers")
}
