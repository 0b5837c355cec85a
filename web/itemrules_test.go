package web

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/forms"
)

// itemRuleForms are the fixtures with a rule on each person of the referral's household list: a
// telephone number or an email address for each.
func itemRuleForms(t *testing.T) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if name == "referral" {
			dob := "          - { id: dob, type: date, label: Date of birth, notInFuture: true }\n"
			if !strings.Contains(string(data), dob) {
				t.Fatal("the referral fixture's household has changed: update this test")
			}
			data = []byte(strings.Replace(string(data), dob, dob+`          - { id: phone, type: phone, label: Telephone number }
          - { id: email, type: email, label: Email address }
        rules:
          - expr: answered(phone) || answered(email)
            message: Enter a telephone number or an email address
            fields: [phone, email]
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

// TestItemRuleOnTheItemsPageAndAtSubmit: a rule of each household member, broken, is shown on the
// person's own page as the browser posts it (multipart), with what was typed kept and saved; the check
// before submitting shows it again, linked to the person's page; answering it clears both.
func TestItemRuleOnTheItemsPageAndAtSubmit(t *testing.T) {
	e, _ := newDelegationEnv(t)
	e.useForms(itemRuleForms(t))
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	rowNew := page + "?field=household&row=new"

	b.get(rowNew).status(http.StatusOK).see("Add a person", "Telephone number", "Email address")
	b.press(rowNew, "save-row", map[string]string{"row.name": "Alex Berry", "row.relationship": "Mother"}).
		status(http.StatusUnprocessableEntity).see("There is a problem", "Enter a telephone number or an email address for person 1")
	for _, want := range []string{`value="Alex Berry"`, `value="Mother"`, `href="#household-0-phone"`, `id="household-0-phone"`} {
		if !strings.Contains(b.last, want) {
			t.Fatalf("the person's page does not hold %s:\n%s", want, htmlText(b.last))
		}
	}
	if n := strings.Count(b.last, "Enter a telephone number or an email address for person 1"); n < 3 {
		t.Fatalf("the message is shown %d times, want it in the summary and at both questions", n)
	}
	list, _ := e.storedAnswer(t, id, "household").([]any)
	if len(list) != 1 || list[0].(map[string]any)["name"] != "Alex Berry" {
		t.Fatalf("the person was not saved with the problem: %v", list)
	}

	// Full validation: the same message, linked to the person's own page.
	b.post(page, "categories", "neglect", "action", "submit").see("There is a problem", "Enter a telephone number or an email address for person 1", "Alex Berry")
	if !strings.Contains(b.last, "field=household&amp;row=0") {
		t.Fatalf("the problem does not link to the person's page:\n%s", htmlText(b.last))
	}

	// Answered on the person's page: saved, and the problem gone everywhere.
	row0 := page + "?field=household&row=0"
	b.get(row0+"&check=1").see("Enter a telephone number or an email address for person 1", "Alex Berry")
	b.press(row0, "save-row", map[string]string{"row.email": "alex@example.org"}).status(http.StatusOK).see("Person 1 has been saved")
	b.post(page, "categories", "neglect", "action", "submit")
	if strings.Contains(b.last, "Enter a telephone number or an email address") {
		t.Fatalf("the rule still fails once answered:\n%s", htmlText(b.last))
	}
	if got := e.storedAnswer(t, id, "household").([]any)[0].(map[string]any); got["email"] != "alex@example.org" || got["name"] != "Alex Berry" {
		t.Fatalf("stored %v", got)
	}
}
