package addresslookup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Limits of one exchange with the gazetteer.
const (
	DefaultTimeout = 5 * time.Second
	// MaxBody is the most of an answer read: 100 addresses take about 150 KB.
	MaxBody = 1 << 20
	// maxResults is the most addresses asked for, OS Places' largest page.
	maxResults = 100
)

// Places asks a gazetteer that answers as the OS Places API's postcode resource does
// (docs.os.uk: OS Places API, technical specification, Postcode):
//
//	GET URL?postcode=SO16+0AS&dataset=DPA&maxresults=100   with the key in the "key" header
//	{"header": {"totalresults": 1, ...}, "results": [{"DPA": {"UPRN": "200010019924", "BUILDING_NUMBER": "4",
//	 "THOROUGHFARE_NAME": "ADANAC DRIVE", "POST_TOWN": "SOUTHAMPTON", "POSTCODE": "SO16 0AS", ...}}]}
//
// A council's own gazetteer can sit behind the same shape. Only the postcode is sent: no cookie, no
// referrer, nothing about the person asking.
type Places struct {
	url    *url.URL
	key    string
	client *http.Client
}

// NewPlaces is a Places asking the postcode resource at rawURL (https, or http to this machine only) with
// key ("" for a gazetteer that needs none), each exchange bounded by timeout (DefaultTimeout when 0).
func NewPlaces(rawURL, key string, timeout time.Duration) (*Places, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("give the postcode resource's address without a query, like https://api.os.uk/search/places/v1/postcode")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return nil, errors.New("the address must be https (the postcode and the key would cross the network unencrypted)")
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Places{url: u, key: key, client: &http.Client{
		Timeout: timeout,
		// A redirect is not followed: the key would go with it to wherever it points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Find asks the gazetteer for the addresses at postcode.
func (p *Places) Find(ctx context.Context, postcode string) ([]Address, error) {
	u := *p.url
	u.RawQuery = url.Values{"postcode": {postcode}, "dataset": {"DPA"}, "maxresults": {strconv.Itoa(maxResults)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("address lookup: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if p.key != "" {
		req.Header.Set("key", p.key) // in a header, not the query, so that no proxy's log holds it
	}
	resp, err := p.client.Do(req)
	if err != nil {
		// A *url.Error names the URL, which holds the postcode: keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) || ue != nil && ue.Timeout() {
			return nil, fmt.Errorf("%w: no answer within %v", ErrUnavailable, p.client.Timeout)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%w: HTTP %d", ErrRefused, resp.StatusCode)
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil // a gazetteer that says "not found" rather than listing none
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: HTTP %d", ErrUnavailable, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the answer: %v", ErrUnavailable, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%w: the answer is larger than %d bytes", ErrUnavailable, MaxBody)
	}
	return parsePlaces(body)
}

// placesAnswer is the part of an OS Places answer read: its header, and each result's delivery point
// address (DPA, Royal Mail's form of it).
type placesAnswer struct {
	Header *struct {
		TotalResults int `json:"totalresults"`
	} `json:"header"`
	Results []struct {
		DPA *dpa `json:"DPA"`
	} `json:"results"`
}

type dpa struct {
	UPRN                      flexString `json:"UPRN"`
	DepartmentName            string     `json:"DEPARTMENT_NAME"`
	OrganisationName          string     `json:"ORGANISATION_NAME"`
	SubBuildingName           string     `json:"SUB_BUILDING_NAME"`
	BuildingName              string     `json:"BUILDING_NAME"`
	BuildingNumber            flexString `json:"BUILDING_NUMBER"`
	POBoxNumber               string     `json:"PO_BOX_NUMBER"`
	DependentThoroughfareName string     `json:"DEPENDENT_THOROUGHFARE_NAME"`
	ThoroughfareName          string     `json:"THOROUGHFARE_NAME"`
	DoubleDependentLocality   string     `json:"DOUBLE_DEPENDENT_LOCALITY"`
	DependentLocality         string     `json:"DEPENDENT_LOCALITY"`
	PostTown                  string     `json:"POST_TOWN"`
	Postcode                  string     `json:"POSTCODE"`
}

// flexString reads a JSON string or number as text: OS Places' specification has given the UPRN as
// both.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		*s = flexString(str)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("neither text nor a number: %w", err)
	}
	*s = flexString(n.String())
	return nil
}

func parsePlaces(body []byte) ([]Address, error) {
	var a placesAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: the answer is not OS Places JSON: %v", ErrUnavailable, err)
	}
	if a.Header == nil {
		return nil, fmt.Errorf("%w: the answer has no header", ErrUnavailable)
	}
	var out []Address
	for _, r := range a.Results {
		if r.DPA == nil {
			continue
		}
		if ad, ok := r.DPA.address(); ok {
			out = append(out, ad)
		}
	}
	return out, nil
}

// address writes a delivery point address in GOV.UK's lines: the organisation or building first, then
// the numbered street, then the localities, before the post town. Royal Mail writes addresses in
// capitals; they are shown as people write them ("4 Adanac Drive").
func (d *dpa) address() (Address, bool) {
	first, second := d.DependentThoroughfareName, d.ThoroughfareName
	if first == "" {
		first, second = second, ""
	}
	var poBox string
	if d.POBoxNumber != "" {
		poBox = "PO Box " + d.POBoxNumber
	}
	lines := nonEmpty(
		d.DepartmentName, d.OrganisationName, poBox,
		strings.Join(nonEmpty(d.SubBuildingName, d.BuildingName), ", "),
		strings.Join(nonEmpty(string(d.BuildingNumber), first), " "),
		second, d.DoubleDependentLocality, d.DependentLocality,
	)
	if len(lines) == 0 || strings.TrimSpace(d.PostTown) == "" {
		return Address{}, false
	}
	for i := range lines {
		lines[i] = asWritten(lines[i])
	}
	a := Address{Line1: lines[0], Line2: strings.Join(lines[1:], ", "), Town: asWritten(d.PostTown),
		Postcode: strings.ToUpper(strings.TrimSpace(d.Postcode)), UPRN: strings.TrimSpace(string(d.UPRN))}
	a.Label = strings.Join(nonEmpty(a.Line1, a.Line2, a.Town, a.Postcode), ", ")
	return a, true
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// asWritten turns text in capitals ("ADANAC DRIVE", "ST. JOHN'S") into the way it is written ("Adanac
// Drive", "St. John's"); words with digits ("2A") stay as they are, and text that has small letters
// already is left alone.
func asWritten(s string) string {
	if strings.IndexFunc(s, unicode.IsLower) >= 0 {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			continue
		}
		r := []rune(strings.ToLower(w))
		start := true
		for j, c := range r {
			if start && unicode.IsLetter(c) {
				r[j] = unicode.ToUpper(c)
			}
			start = c == '-' || c == '(' || c == '/'
		}
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}
