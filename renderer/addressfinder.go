package renderer

import (
	"context"
	"net/url"
	"strconv"

	"formportal/addresslookup"
	"formportal/engine"
	"formportal/i18n"
)

// The page side of "Find address" (GOV.UK's address lookup, without JavaScript): an address question's
// postcode with a Find address button, which saves the page and draws it again with the addresses found
// at the postcode in a select; Use this address puts the one chosen in the address's lines, which stay
// on the page to type in ("Enter the address manually"). With JavaScript the script does the same
// without a page load (app.js, addressFinder).

// The button values of an address finder: "find-address:ID", "use-address:ID".
const (
	FindAddressAction = "find-address"
	UseAddressAction  = "use-address"
)

// What a search found, for drawing it.
const (
	SearchFound   = "found"
	SearchNone    = "none"    // no address at the postcode
	SearchFailed  = "failed"  // the gazetteer failed or did not answer
	SearchLimited = "limited" // too many searches: the rate limit
	SearchInvalid = "invalid" // no postcode, or not one: Error says which
)

// AddressFinder is an address question's Find address, where the portal has an address lookup.
type AddressFinder struct {
	Action string         // the page's address, which the buttons post to
	Search *AddressSearch // what the search just made found, or nil
}

// AddressSearch is what one search found.
type AddressSearch struct {
	Status   string
	Postcode string // as searched, written the standard way
	Found    []addresslookup.Address
	// Error, in the page's language: for SearchInvalid the postcode's problem, for SearchFound that none
	// of the addresses was chosen.
	Error string
}

// FoundPart is the part an address finder's select posts: the chosen address, encoded (ChosenAddress).
const FoundPart = "found"

// foundValue is an address found, as its option posts it: its lines, encoded as a query string, so that
// Use this address needs neither a second search nor anything kept between requests. What comes back is
// only ever put in the lines as if typed there, and checked as they are.
func foundValue(a addresslookup.Address) string {
	return url.Values{"line1": {a.Line1}, "line2": {a.Line2}, "town": {a.Town}, "postcode": {a.Postcode}}.Encode()
}

// ChosenAddress reads the address a finder's select posted into an address's parts ("kind" set when the
// question offers other answers too); ok is false when none was chosen.
func ChosenAddress(fd *engine.Field, posted string) (map[string]any, bool) {
	q, err := url.ParseQuery(posted)
	if err != nil || q.Get("line1") == "" {
		return nil, false
	}
	out := map[string]any{"line1": q.Get("line1"), "line2": q.Get("line2"), "town": q.Get("town"), "county": "", "postcode": q.Get("postcode")}
	if len(fd.AddressChoices()) > 0 {
		out["kind"] = engine.AddressKnown
	}
	return out, true
}

// addressPostcodeID is the id of an address's postcode input when it has a finder; its lines keep the
// question's id (addressLinesID), where the engine's problems with the address link.
func addressPostcodeID(f FieldView) string { return f.ID + "-postcode" }

// FinderErrors are the error summary's entries for the address finders among fields whose postcode has
// a problem, linking to the postcode.
func FinderErrors(fields []FieldView) []ErrorItem {
	var out []ErrorItem
	for _, f := range fields {
		if msg := postcodeError(f); msg != "" {
			out = append(out, ErrorItem{Field: addressPostcodeID(f), Message: msg})
		}
		if msg := selectError(f); msg != "" {
			out = append(out, ErrorItem{Field: f.ID + "-found", Message: msg})
		}
		for _, o := range f.Options {
			out = append(out, FinderErrors(o.Reveals)...)
		}
	}
	return out
}

func finderAction(f FieldView, target string) string { return f.Finder.Action + "#" + target }

func finderButton(verb string, f FieldView) string { return verb + ":" + f.Field.ID }

func foundCount(s *AddressSearch) string { return strconv.Itoa(len(s.Found)) }

// postcodeError is the problem with the postcode searched for: none, or not a postcode.
func postcodeError(f FieldView) string {
	if f.Finder != nil && f.Finder.Search != nil && f.Finder.Search.Status == SearchInvalid {
		return f.Finder.Search.Error
	}
	return ""
}

// selectError is the problem of Use this address with no address chosen.
func selectError(f FieldView) string {
	if f.Finder != nil && f.Finder.Search != nil && f.Finder.Search.Status == SearchFound {
		return f.Finder.Search.Error
	}
	return ""
}

// foundText is the select's first option: "3 addresses found" (the count apart from the words, as the
// catalogues word numbers).
func foundText(ctx context.Context, s *AddressSearch) string {
	if len(s.Found) == 1 {
		return i18n.T(ctx, "address.found_one")
	}
	return i18n.T(ctx, "address.found_many", "Count", foundCount(s))
}

// searchAnnouncement is what the script's live region says after a search without a page load.
func searchAnnouncement(ctx context.Context, f FieldView) string {
	s := f.Finder.Search
	switch {
	case s == nil:
		return ""
	case s.Status == SearchFound:
		return foundText(ctx, s)
	case s.Status == SearchNone:
		return i18n.T(ctx, "address.none", "Postcode", s.Postcode)
	case s.Status == SearchFailed:
		return i18n.T(ctx, "address.failed")
	case s.Status == SearchLimited:
		return i18n.T(ctx, "address.limited")
	}
	return s.Error // the postcode's problem
}
