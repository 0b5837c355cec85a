// Package placestest runs a real HTTP gazetteer on loopback for tests, answering postcode searches as the
// OS Places API's postcode resource does (docs.os.uk: OS Places API, technical specification,
// Postcode): {"header": {...}, "results": [{"DPA": {...}}]}, 401 for a key it does not know. A few
// postcodes fail on purpose, one way each (Slow, Malformed, Oversized, Redirect, Broken), and it keeps
// every request, so a test can check what was sent.
package placestest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Key is the API key the gazetteer takes, in the "key" header.
const Key = "test-key-9f2c"

// Path is where it answers postcode searches.
const Path = "/search/places/v1/postcode"

// The postcodes it knows: Found has two addresses, Single one, None none (OS Places' answer for a
// postcode without addresses: a header and no results).
const (
	Found  = "SO16 0AS"
	Single = "CF10 1EP"
	None   = "ZZ99 9ZZ"
)

// The postcodes that fail, and how.
const (
	Slow      = "SL1 0WW" // answers after SlowFor
	Malformed = "MA1 1LF" // JSON cut off in the middle
	Oversized = "BG1 1GB" // a megabyte more than any answer needs
	Redirect  = "RD1 1RD" // a redirect to elsewhere.example
	Broken    = "SE1 1ES" // HTTP 500
)

// SlowFor is how long the Slow postcode takes.
const SlowFor = 3 * time.Second

// FoundAnswer is the answer for Found: a numbered house of an organisation, and a flat in a named building.
// The UPRN is a string in one and a number in the other, as the specification has given it both ways.
const FoundAnswer = `{
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

const singleAnswer = `{"header": {"uri": "https://api.os.uk/search/places/v1/postcode?postcode=CF10%201EP", "query": "postcode=CF10 1EP",
  "offset": 0, "totalresults": 1, "format": "JSON", "dataset": "DPA", "lr": "EN,CY", "maxresults": 100, "epoch": "117",
  "lastupdate": "2026-11-20", "output_srs": "EPSG:27700"},
  "results": [{"DPA": {"UPRN": "10023456789", "BUILDING_NUMBER": "12", "THOROUGHFARE_NAME": "HEOL Y FRENHINES",
    "POST_TOWN": "CARDIFF", "POSTCODE": "CF10 1EP", "LANGUAGE": "EN", "MATCH": 1.0}}]}`

const noneAnswer = `{"header": {"uri": "https://api.os.uk/search/places/v1/postcode?postcode=ZZ99%209ZZ", "query": "postcode=ZZ99 9ZZ",
  "offset": 0, "totalresults": 0, "format": "JSON", "dataset": "DPA", "lr": "EN,CY", "maxresults": 100, "epoch": "117",
  "lastupdate": "2026-11-20", "output_srs": "EPSG:27700"}}`

// refusedAnswer is how OS APIs refuse an unknown key.
const refusedAnswer = `{"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}`

// Server is the gazetteer.
type Server struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []*http.Request
}

// New starts a gazetteer, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the postcode resource's address, for addresslookup.NewPlaces.
func (s *Server) URL() string { return s.srv.URL + Path }

// Close takes the gazetteer down: connections are refused from then on.
func (s *Server) Close() { s.srv.Close() }

// Requests are the requests received so far, in order.
func (s *Server) Requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	s.mu.Unlock()
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("key") != Key {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(refusedAnswer))
		return
	}
	switch r.URL.Query().Get("postcode") {
	case Found:
		w.Write([]byte(FoundAnswer))
	case Single:
		w.Write([]byte(singleAnswer))
	case None:
		w.Write([]byte(noneAnswer))
	case Malformed:
		w.Write([]byte(`{"header": {"totalresults": 1}, "results": [{"DPA": {"UPRN": "1", `))
	case Slow:
		select {
		case <-time.After(SlowFor):
		case <-r.Context().Done():
		}
		w.Write([]byte(noneAnswer))
	case Oversized:
		w.Write([]byte(`{"header": {"totalresults": 1}, "results": [{"DPA": {"ADDRESS": "`))
		w.Write([]byte(strings.Repeat("A", 1<<20)))
		w.Write([]byte(`"}}]}`))
	case Redirect:
		http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}
