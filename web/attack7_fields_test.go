package web

import (
	"net/http"
	"strings"
	"testing"
)

// ukFieldsEnv serves the family fixture with the newer answer types on its practitioner page: four
// signatures (the worker's, their manager's, a witness's and an interpreter's), an address that may be abroad, one that may not, a
// National Insurance number and a unique pupil number; and a task of it for pro@school.example, signed in.
func ukFieldsEnv(t *testing.T) (*env, *browser, string) {
	t.Helper()
	e, key := familyEnvWith(t,
		"      - { id: signed, type: signature, label: Signature of the practitioner, required: true }\n"+
			"      - { id: countersigned, type: signature, label: Signature of their manager }\n"+
			"      - { id: witnessed, type: signature, label: Signature of the witness }\n"+
			"      - { id: interpreted, type: signature, label: Signature of the interpreter }\n"+
			"      - { id: parent_address, type: address, label: Parent's address, abroad: true, noFixedAbode: true, lookup: false }\n"+
			"      - { id: school_address, type: address, label: School's address, lookup: false }\n"+
			"      - { id: parent_ni, type: niNumber, label: National Insurance number }\n"+
			"      - { id: pupil, type: upn, label: Unique pupil number }\n")
	id := e.delegate(key, "pro@school.example")
	return e, e.register("pro@school.example"), id
}

// The attack on signatures, addresses abroad, National Insurance numbers and UPNs, posted as the browser
// posts the page (multipart, every control): crafted dates and names are refused with GOV.UK's messages
// and what was typed kept; a kind of address the question does not offer is not stored; the page's post
// is never refused as too much for what its own inputs send.
func TestAttack7SignatureAddressAndUKNumbers(t *testing.T) {
	e, b, id := ukFieldsEnv(t)
	page := "/tasks/" + id + "/pages/practitioner"
	base := map[string]string{"name": "Sam Jones", "phone": "01632960001"}
	press := func(set map[string]string) *browser {
		t.Helper()
		all := map[string]string{}
		for k, v := range base {
			all[k] = v
		}
		for k, v := range set {
			all[k] = v
		}
		b.get(page).status(http.StatusOK)
		b.press(page, "save", all)
		if b.code >= 500 || b.code == http.StatusRequestEntityTooLarge || b.code == http.StatusBadRequest {
			t.Fatalf("saving %v: %d\n%.3000s", set, b.code, htmlText(b.last))
		}
		return b
	}
	stored := func(field string) any { return e.storedAnswers(id)[field] }

	// Both signatures and every other input, full length: the page takes its own post.
	long := strings.Repeat("Ã", 200) // 200 characters, 400 bytes
	press(map[string]string{"signed.name": long, "countersigned.name": long, "witnessed.name": long, "interpreted.name": long, "parent_address.kind": "address",
		"parent_address.line1": strings.Repeat("a", 100), "parent_address.town": "Town", "school_address.line1": "1 School Lane", "school_address.town": "Town",
		"parent_ni": "ab 12 34 56 c", "pupil": "b801200005001"})
	if strings.Contains(b.last, "There is a problem") {
		t.Fatalf("full-length answers have problems:\n%.3000s", htmlText(b.last))
	}

	// A date signed in the future, by a day or by years; not a date; parts out of any range.
	for _, d := range [][3]string{{"3", "3", "2026"}, {"1", "1", "9999"}, {"1", "1", "99999999999999999999"}, {"30", "2", "2026"}, {"-1", "3", "2026"},
		{"1", "13", "2026"}, {"0", "0", "0"}, {"1e3", "1", "2026"}, {"", "", "2027"}} {
		press(map[string]string{"signed.name": "Jane Smith", "signed.day": d[0], "signed.month": d[1], "signed.year": d[2]}).see("There is a problem")
		if !strings.Contains(b.last, "Jane Smith") {
			t.Errorf("signed on %v: the name typed was lost", d)
		}
		if s, _ := stored("signed").(map[string]any); s != nil && s["date"] != nil && s["date"] != "" && strings.Compare(s["date"].(string), "2026-03-02") > 0 {
			t.Errorf("signed on %v: a date in the future is stored as the signature's: %v", d, s)
		}
	}
	// A name of 10,000 characters: refused with the limit, kept on the page, not cut short in the draft.
	press(map[string]string{"signed.name": strings.Repeat("n", 10_000), "signed.day": "1", "signed.month": "3", "signed.year": "2026"}).see("200 characters or fewer")
	if !strings.Contains(b.last, strings.Repeat("n", 10_000)) {
		t.Error("the long name typed is not kept on the page")
	}

	// An address abroad posted to the question that does not offer one: never kept as abroad.
	press(map[string]string{"school_address.kind": "abroad", "school_address.abroadLine1": "Rua Augusta 12", "school_address.country": "Portugal",
		"school_address.line1": "", "school_address.town": ""})
	if a, _ := stored("school_address").(map[string]any); a != nil && a["kind"] == "abroad" {
		t.Errorf("an address abroad was kept for a question that offers none: %v", a)
	}
	// Abroad without a country, or with one of 10,000 characters: refused with the message.
	press(map[string]string{"parent_address.kind": "abroad", "parent_address.abroadLine1": "Rua Augusta 12", "parent_address.country": ""}).see("Enter the country")
	press(map[string]string{"parent_address.kind": "abroad", "parent_address.abroadLine1": "Rua Augusta 12", "parent_address.country": strings.Repeat("P", 10_000)}).see("There is a problem")
	// A kind no address has.
	press(map[string]string{"parent_address.kind": "sameAs"})
	if a, _ := stored("parent_address").(map[string]any); a != nil && a["kind"] == "sameAs" {
		t.Errorf("a crafted kind was kept: %v", a)
	}

	// National Insurance numbers and UPNs that are not: the prefixes never issued, the wrong check
	// letter, 10,000 characters, NUL.
	for _, ni := range []string{"QQ123456E", "DA123456A", "GB123456A", "AO123456A", "QQ1234567", strings.Repeat("Q", 10_000), "QQ12\x003456C"} {
		press(map[string]string{"parent_ni": ni}).see("Enter a National Insurance number in the correct format")
	}
	for _, upn := range []string{"A801200005001", "B80120000500", "B8012000050011", "I801200005001", "B80120000500S", strings.Repeat("B", 10_000)} {
		press(map[string]string{"pupil": upn}).see("There is a problem")
		if !strings.Contains(b.last, "like B801200005001") {
			t.Errorf("UPN %.20q: no UPN message", upn)
		}
	}
	b.get("/tasks/" + id + "/print").status(http.StatusOK)
	b.get("/tasks/" + id + "/pdf").status(http.StatusOK)
	b.get("/tasks/" + id + "/submit").status(http.StatusOK)
}
