package addresslookup

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"formportal/internal/placestest"
)

func places(t *testing.T, g *placestest.Server, key string, timeout time.Duration) *Places {
	t.Helper()
	p, err := NewPlaces(g.URL(), key, timeout)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlacesFound(t *testing.T) {
	g := placestest.New(t)
	got, err := places(t, g, placestest.Key, 0).Find(context.Background(), placestest.Found)
	if err != nil {
		t.Fatal(err)
	}
	want := []Address{
		{Line1: "Ordnance Survey", Line2: "4 Adanac Drive, Nursling", Town: "Southampton", Postcode: "SO16 0AS", UPRN: "200010019924",
			Label: "Ordnance Survey, 4 Adanac Drive, Nursling, Southampton, SO16 0AS"},
		{Line1: "Flat 2, Riverside House", Line2: "6 Adanac Drive, Nursling", Town: "Southampton", Postcode: "SO16 0AS", UPRN: "200010019925",
			Label: "Flat 2, Riverside House, 6 Adanac Drive, Nursling, Southampton, SO16 0AS"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d addresses, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("address %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// Only the postcode goes: the query asks for it and nothing about anyone; the key is in a header.
	r := g.Requests()[len(g.Requests())-1]
	if q := r.URL.Query(); len(q) != 3 || q.Get("postcode") != "SO16 0AS" || q.Get("dataset") != "DPA" || q.Get("maxresults") != "100" {
		t.Errorf("query %q: want postcode, dataset and maxresults only", r.URL.RawQuery)
	}
	if strings.Contains(r.URL.RawQuery, placestest.Key) {
		t.Error("the key went in the query, where proxies log it")
	}
	for _, h := range []string{"Cookie", "Referer", "Authorization", "X-Forwarded-For"} {
		if r.Header.Get(h) != "" {
			t.Errorf("the request carried %s", h)
		}
	}
}

func TestPlacesNoneFound(t *testing.T) {
	g := placestest.New(t)
	got, err := places(t, g, placestest.Key, 0).Find(context.Background(), placestest.None)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no addresses and no error", got, err)
	}
}

// TestPlacesFailures: each way the gazetteer can fail is an error the portal falls back on, and none of
// them names the postcode or the key (the portal logs them).
func TestPlacesFailures(t *testing.T) {
	g := placestest.New(t)
	for _, c := range []struct {
		name, postcode, key string
		timeout             time.Duration
		want                error
		says                string
	}{
		{"malformed JSON", placestest.Malformed, placestest.Key, 0, ErrUnavailable, "not OS Places JSON"},
		{"slow", placestest.Slow, placestest.Key, 300 * time.Millisecond, ErrUnavailable, "no answer within 300ms"},
		{"oversized", placestest.Oversized, placestest.Key, 0, ErrUnavailable, "larger than 1048576 bytes"},
		{"key refused", placestest.Found, "wrong-key", 0, ErrRefused, "HTTP 401"},
		{"server error", placestest.Broken, placestest.Key, 0, ErrUnavailable, "HTTP 500"},
		{"redirect", placestest.Redirect, placestest.Key, 0, ErrUnavailable, "HTTP 302"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			got, err := places(t, g, c.key, c.timeout).Find(context.Background(), c.postcode)
			if !errors.Is(err, c.want) || got != nil {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
			for _, secret := range []string{c.postcode, strings.ReplaceAll(c.postcode, " ", "+"), strings.ReplaceAll(c.postcode, " ", "%20"), c.key} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q names %q", err, secret)
				}
			}
			if c.timeout > 0 && time.Since(start) > 2*time.Second {
				t.Errorf("took %v: the timeout did not hold", time.Since(start))
			}
		})
	}
	for _, r := range g.Requests() {
		if r.URL.Host == "elsewhere.example" {
			t.Error("the redirect was followed")
		}
	}
}

func TestPlacesUnreachable(t *testing.T) {
	g := placestest.New(t)
	p := places(t, g, placestest.Key, 0)
	g.Close()
	_, err := p.Find(context.Background(), placestest.Found)
	if !errors.Is(err, ErrUnavailable) || strings.Contains(err.Error(), "SO16") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v: want ErrUnavailable saying why, without the postcode", err)
	}
}

func TestNewPlacesRefusesPlainHTTPAcrossTheNetwork(t *testing.T) {
	for _, bad := range []string{"http://gazetteer.council.example/postcode", "ftp://x/y", "https://user:pw@x/postcode", "https://x/postcode?key=1", "postcode"} {
		if _, err := NewPlaces(bad, "k", 0); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, good := range []string{"https://api.os.uk/search/places/v1/postcode", "http://127.0.0.1:8099/postcode", "http://localhost/postcode"} {
		if _, err := NewPlaces(good, "k", 0); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
}

func TestNoneIsNotOffered(t *testing.T) {
	if Offered(None) || Offered(nil) {
		t.Error("None offered")
	}
	if _, err := None.Find(context.Background(), placestest.Found); !errors.Is(err, ErrNone) {
		t.Errorf("None.Find: %v", err)
	}
	p, _ := NewPlaces("https://api.os.uk/search/places/v1/postcode", "k", 0)
	if !Offered(p) {
		t.Error("Places not offered")
	}
}

func TestAsWritten(t *testing.T) {
	for in, want := range map[string]string{
		"ADANAC DRIVE": "Adanac Drive", "ST. JOHN'S ROAD": "St. John's Road", "FLAT 2A": "Flat 2A",
		"STOKE-ON-TRENT": "Stoke-On-Trent", "McDonald Road": "McDonald Road", "HEOL Y FRENHINES": "Heol Y Frenhines",
	} {
		if got := asWritten(in); got != want {
			t.Errorf("asWritten(%q) = %q, want %q", in, got, want)
		}
	}
}
