// Package addresslookup finds the addresses at a UK postcode in a gazetteer: the council's own, or
// Ordnance Survey's OS Places API, through HTTP (Places), or none (None: people type the address).
//
// Only the postcode is ever sent; nothing here logs, and no error it returns names the postcode or the
// key, so callers may log errors as they are.
package addresslookup

import (
	"context"
	"errors"
)

// Address is one address the gazetteer knows at a postcode, in the lines of GOV.UK's address pattern.
type Address struct {
	Line1    string // the building and street: "4 Adanac Drive", "Flat 2, Riverside House"
	Line2    string // what else comes before the town: a second street, a locality
	Town     string
	Postcode string
	UPRN     string // the Unique Property Reference Number, when the gazetteer gives one
	// Label is the address on one line, as the list of addresses found shows it.
	Label string
}

// Lookup finds addresses by postcode.
type Lookup interface {
	// Find returns the addresses at a full UK postcode written the standard way ("SO16 0AS"), in the
	// gazetteer's order: none, and no error, when it knows none there.
	Find(ctx context.Context, postcode string) ([]Address, error)
}

// Errors Find returns, wrapped. Either way people type the address instead.
var (
	// ErrUnavailable: the gazetteer did not answer in time, failed, or answered with something unreadable.
	ErrUnavailable = errors.New("the address lookup is unavailable")
	// ErrRefused: the gazetteer refused the portal's key (HTTP 401 or 403): the configuration needs fixing.
	ErrRefused = errors.New("the address lookup refused the portal's key")
	// ErrNone: no lookup is configured.
	ErrNone = errors.New("no address lookup is configured")
)

// None is no lookup: every address is typed.
var None Lookup = none{}

type none struct{}

func (none) Find(context.Context, string) ([]Address, error) { return nil, ErrNone }

// Offered reports whether l finds addresses at all: false for nil and None.
func Offered(l Lookup) bool {
	_, off := l.(none)
	return l != nil && !off
}
