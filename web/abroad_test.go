package web

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/forms"
)

// TestAddressAbroadOnThePage: an address question with abroad: true offers "Address outside the UK" as
// a radio revealing its lines and a country; posted as the browser posts it (multipart), a missing
// country is said on saving and what was typed kept; given, it is kept as one address abroad.
func TestAddressAbroadOnThePage(t *testing.T) {
	e, _ := newDelegationEnv(t)
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if name == "referral" {
			data = []byte(strings.Replace(string(data), "      - id: documents\n",
				"      - { id: parent_address, type: address, label: Parent's address, abroad: true }\n      - id: documents\n", 1))
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	b, id := startConcern(t, e, "rose@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page).status(http.StatusOK).see("Parent's address", "Address outside the UK", "Country")
	for _, want := range []string{`name="parent_address.kind" type="radio" value="abroad"`, `name="parent_address.country"`, `name="parent_address.abroadLine1"`} {
		if !strings.Contains(b.last, want) {
			t.Fatalf("the page does not hold %s", want)
		}
	}
	b.press(page, "save", map[string]string{"parent_address.kind": "abroad", "parent_address.abroadLine1": "Rua Augusta 12"}).
		see("There is a problem", "Enter the country")
	if !strings.Contains(b.last, `value="Rua Augusta 12"`) {
		t.Fatal("what was typed was lost")
	}
	b.press(page, "save", map[string]string{"parent_address.abroadTown": "Lisboa", "parent_address.country": "Portugal"}).status(http.StatusOK)
	got, _ := e.storedAnswer(t, id, "parent_address").(map[string]any)
	if got["kind"] != "abroad" || got["abroadLine1"] != "Rua Augusta 12" && got["line1"] != "Rua Augusta 12" || got["postcode"] != nil && got["postcode"] != "" {
		t.Fatalf("stored %v", got)
	}
	b.get(page).see("Rua Augusta 12", "Lisboa", "Portugal")
}
