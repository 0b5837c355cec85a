package renderer

import (
	"testing"

	"formportal/addresslookup"
	"formportal/engine"
)

// An address found goes into the select's option and comes back, through Use this address, as the
// address's lines; anything else posted chooses nothing.
func TestChosenAddressRoundTrip(t *testing.T) {
	plain := &engine.Field{ID: "a", Type: engine.TypeAddress}
	withChoices := &engine.Field{ID: "b", Type: engine.TypeAddress, NoFixedAbode: true}
	found := addresslookup.Address{Line1: "Flat 2, Riverside House", Line2: "6 Adanac Drive & Co", Town: "Southampton", Postcode: "SO16 0AS", UPRN: "1"}
	got, ok := ChosenAddress(plain, foundValue(found))
	if !ok || got["line1"] != found.Line1 || got["line2"] != found.Line2 || got["town"] != found.Town || got["postcode"] != found.Postcode || got["county"] != "" {
		t.Fatalf("got %v, %v", got, ok)
	}
	if _, has := got["kind"]; has {
		t.Error("a plain address got a kind")
	}
	if got, _ := ChosenAddress(withChoices, foundValue(found)); got["kind"] != engine.AddressKnown {
		t.Errorf("an address with choices: kind %v, want the address answer", got["kind"])
	}
	for _, posted := range []string{"", "line2=x&town=y", "%zz", "town=Southampton"} {
		if _, ok := ChosenAddress(plain, posted); ok {
			t.Errorf("%q chose an address", posted)
		}
	}
}

// The error summary links to the postcode with a problem, or to the list when none was chosen, for an
// address drawn inside a choice as well.
func TestFinderErrors(t *testing.T) {
	fd := &engine.Field{ID: "home", Type: engine.TypeAddress}
	bad := FieldView{Field: fd, ID: "home", Finder: &AddressFinder{Search: &AddressSearch{Status: SearchInvalid, Error: "Enter a real postcode"}}}
	unchosen := FieldView{Field: fd, ID: "away", Finder: &AddressFinder{Search: &AddressSearch{Status: SearchFound, Error: "Select an address"}}}
	fine := FieldView{Field: fd, ID: "ok", Finder: &AddressFinder{Search: &AddressSearch{Status: SearchNone}}}
	parent := FieldView{Field: &engine.Field{ID: "moved", Type: engine.TypeYesNo}, Options: []OptionView{{Value: "yes", Reveals: []FieldView{unchosen, fine}}}}
	got := FinderErrors([]FieldView{bad, parent})
	if len(got) != 2 || got[0] != (ErrorItem{Field: "home-postcode", Message: "Enter a real postcode"}) || got[1] != (ErrorItem{Field: "away-found", Message: "Select an address"}) {
		t.Fatalf("got %+v", got)
	}
}
