package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"formportal/addresslookup"
	"formportal/internal/placestest"
)

// The address lookup is the gazetteer at -address-lookup-url, with its key from a file or the
// environment, never a flag; without a URL there is none and every address is typed.
func TestAddressLookupSettings(t *testing.T) {
	g := placestest.New(t)
	find := func(c *config) ([]addresslookup.Address, error) {
		return c.lookup.Find(context.Background(), placestest.Found)
	}
	c, _, err := parseFlags(nil)
	if err != nil || addresslookup.Offered(c.lookup) {
		t.Fatalf("without a URL: %v, %v", c.lookup, err)
	}

	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(placestest.Key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withURL := []string{"-address-lookup-url", g.URL()}
	c, _, err = parseFlags(append(withURL, "-address-lookup-key-file", file))
	if err != nil {
		t.Fatal(err)
	}
	if found, err := find(c); err != nil || len(found) != 2 {
		t.Fatalf("key from a file: %v, %v", found, err)
	}

	t.Setenv("PORTAL_ADDRESS_LOOKUP_KEY", "a key the gazetteer does not know")
	c, _, err = parseFlags(withURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := find(c); !errors.Is(err, addresslookup.ErrRefused) {
		t.Fatalf("the key from the environment was not the one sent: %v", err)
	}

	for _, bad := range []struct {
		args []string
		says string
	}{
		{append(withURL, "-address-lookup-key-file", file), "both given"},
		{nil, "without -address-lookup-url"},
		{[]string{"-address-lookup-url", "http://gazetteer.council.example/postcode"}, "must be https"},
		{append(withURL, "-address-lookup-key", "k"), "flag provided but not defined"},
	} {
		if _, _, err := parseFlags(bad.args); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%v: %v, want an error saying %q", bad.args, err, bad.says)
		}
	}
}
