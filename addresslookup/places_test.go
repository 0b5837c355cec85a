package addresslookup

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testKey = "test-key-9f2c"

// placesFound is an OS Places postcode answer as docs.os.uk documents it (header, then a DPA per
// result), for two addresses at one postcode: a numbered house, and a flat in a named building with a
// dependent locality. The UPRN comes as a string in one and a number in the other, as the specification
// has given it both ways.
const placesFound = `{
  "header": {"uri": "https://api.os.uk/search/places/v1/postcode?postcode=SO16%200AS", "query": "postcode=SO16 0AS",
    "offset": 0, "totalresults": 2, "format": "JSON", "dataset": "DPA", "lr": "EN,CY", "maxresults": 100,
    "epoch": "117", "lastupdate": "2026-11-20", "output_srs": "EPSG:27700"},
  "results": [
    {"DPA": {"UPRN": "200010019924", "UDPRN": "52126562", "ADDRESS": "ORDNANCE SURVEY, 4, ADANAC DRIVE, NURSLING, SOUTHAMPTON, SO16 0AS",
      "ORGANISATION_NAME": "ORDNANCE SURVEY", "BUILDING_NUMBER": "4", "THOROUGHFARE_NAME": "ADANAC DRIVE",
      "DEPENDENT_LOCALITY": "NURSLING", "POST_TOWN": "SOUTHAMPTON", "POSTCODE": "SO16 0AS", "RPC": "2",
      "X_COORDINATE": 437292.43, "Y_COORDINATE": 115541.95, "STATUS": "APPROVED", "LOGICAL_STATUS_CODE": "1",
      "CLASSIFICATION_CODE": "CO01GV", "LOCAL_CUSTODIAN_CODE": 1760, "COUNTRY_CODE": "E", "LANGUAGE": "EN", "MATCH": 1.0}},
    {"DPA": {"UPRN": 200010019925, "ADDRESS": "FLAT 2, RIVERSIDE HOUSE, 6 ADANAC DRIVE, NURSLING, SOUTHAMPTON, SO16 0AS",
      "SUB_BUILDING_NAME": "FLAT 2", "BUILDING_NAME": "RIVERSIDE HOUSE", "BUILDING_NUMBER": "6", "THOROUGHFARE_NAME": "ADANAC DRIVE",
      "DEPENDENT_LOCALITY": "NURSLING", "POST_TOWN": "SOUTHAMPTON", "POSTCODE": "SO16 0AS", "LANGUAGE": "EN", "MATCH": 1.0}}
  ]
}`

// placesNone is OS Places' answer for a postcode it has no addresses at: a header, and no results.
const placesNone = `{"header": {"uri": "https://api.os.uk/search/places/v1/postcode?postcode=ZZ99%209ZZ", "query": "postcode=ZZ99 9ZZ",
  "offset": 0, "totalresults": 0, "format": "JSON", "dataset": "DPA", "lr": "EN,CY", "maxresults": 100, "epoch": "117",
  "lastupdate": "2026-11-20", "output_srs": "EPSG:27700"}}`

// placesRefused is how OS APIs refuse an unknown key.
const placesRefused = `{"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}`

// gazetteer is a local server in the OS Places shape. It answers by postcode and records what each
// request carried.
type gazetteer struct {
	*httptest.Server
	requests []*http.Request
}

func newGazetteer(t *testing.T) *gazetteer {
	t.Helper()
	g := &gazetteer{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.requests = append(g.requests, r.Clone(context.Background()))
		if r.URL.Path != "/search/places/v1/postcode" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("key") != testKey {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(placesRefused))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("postcode") {
		case "SO16 0AS":
			w.Write([]byte(placesFound))
		case "ZZ99 9ZZ":
			w.Write([]byte(placesNone))
		case "MA1 1LF": // malformed
			w.Write([]byte(`{"header": {"totalresults": 1}, "results": [{"DPA": {"UPRN": "1", `))
		case "SL1 0WW": // slow
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
			w.Write([]byte(placesNone))
		case "BG1 1GB": // big: a valid answer, larger than anyone needs
			w.Write([]byte(`{"header": {"totalresults": 1}, "results": [{"DPA": {"ADDRESS": "`))
			w.Write([]byte(strings.Repeat("A", MaxBody)))
			w.Write([]byte(`"}}]}`))
		case "RD1 1RD": // redirect elsewhere
			http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *gazetteer) places(t *testing.T, key string, timeout time.Duration) *Places {
	t.Helper()
	p, err := NewPlaces(g.URL+"/search/places/v1/postcode", key, timeout)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlacesFound(t *testing.T) {
	g := newGazetteer(t)
	got, err := g.places(t, testKey, 0).Find(context.Background(), "SO16 0AS")
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
	r := g.requests[len(g.requests)-1]
	if q := r.URL.Query(); len(q) != 3 || q.Get("postcode") != "SO16 0AS" || q.Get("dataset") != "DPA" || q.Get("maxresults") != "100" {
		t.Errorf("query %q: want postcode, dataset and maxresults only", r.URL.RawQuery)
	}
	if strings.Contains(r.URL.RawQuery, testKey) {
		t.Error("the key went in the query, where proxies log it")
	}
	for _, h := range []string{"Cookie", "Referer", "Authorization", "X-Forwarded-For"} {
		if r.Header.Get(h) != "" {
			t.Errorf("the request carried %s", h)
		}
	}
}

func TestPlacesNoneFound(t *testing.T) {
	g := newGazetteer(t)
	got, err := g.places(t, testKey, 0).Find(context.Background(), "ZZ99 9ZZ")
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no addresses and no error", got, err)
	}
}

// TestPlacesFailures: each way the gazetteer can fail is an error the portal falls back on, and none of
// them names the postcode or the key (the portal logs them).
func TestPlacesFailures(t *testing.T) {
	g := newGazetteer(t)
	for _, c := range []struct {
		name, postcode, key string
		timeout             time.Duration
		want                error
		says                string
	}{
		{"malformed JSON", "MA1 1LF", testKey, 0, ErrUnavailable, "not OS Places JSON"},
		{"slow", "SL1 0WW", testKey, 300 * time.Millisecond, ErrUnavailable, "no answer within 300ms"},
		{"oversized", "BG1 1GB", testKey, 0, ErrUnavailable, "larger than 1048576 bytes"},
		{"key refused", "SO16 0AS", "wrong-key", 0, ErrRefused, "HTTP 401"},
		{"server error", "SE1 1ES", testKey, 0, ErrUnavailable, "HTTP 500"},
		{"redirect", "RD1 1RD", testKey, 0, ErrUnavailable, "HTTP 302"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			got, err := g.places(t, c.key, c.timeout).Find(context.Background(), c.postcode)
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
	for _, r := range g.requests {
		if r.URL.Host == "elsewhere.example" {
			t.Error("the redirect was followed")
		}
	}
}

func TestPlacesUnreachable(t *testing.T) {
	g := newGazetteer(t)
	p := g.places(t, testKey, 0)
	g.Close()
	_, err := p.Find(context.Background(), "SO16 0AS")
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
	if _, err := None.Find(context.Background(), "SO16 0AS"); !errors.Is(err, ErrNone) {
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
