package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"formportal/addresslookup"
	"formportal/engine"
	"formportal/i18n"
	"formportal/metrics"
	"formportal/renderer"
)

// Limits of Find address. Every search is a call to the council's gazetteer, which the council pays for
// (OS Places past its free allowance), so nobody may use the portal as a free way into it: a session, a
// network address and the whole portal each have an hourly allowance, counted in the store so that
// every process shares it. Past one, the page says so and the address is typed; nothing else changes.
const lookupWindow = time.Hour

// lookupLimits are the searches allowed in lookupWindow.
type lookupLimits struct{ perSession, perClient, inAll int }

var defaultLookupLimits = lookupLimits{
	perSession: 30,   // a referral's several addresses, with typing mistakes, many times over
	perClient:  100,  // an office of professionals behind one network address
	inAll:      2000, // the most the council's gazetteer is asked in an hour, whoever asks
}

// findsAddresses reports whether the page's address questions offer Find address.
func (a *App) findsAddresses() bool { return addresslookup.Offered(a.lookup) }

// findableAddress is the address question of the page a Find address or Use this address button names,
// or nil when it names none that offers it (a crafted post).
func (f *flow) findableAddress(p page, id string) *engine.Field {
	fd := p.section.Field(id)
	if fd == nil || !fd.FindsAddress() || fd.ReadOnly || !f.a.findsAddresses() {
		return nil
	}
	return fd
}

// findAddress searches for the addresses at a typed postcode, within the limits. Only the postcode goes
// to the gazetteer, and neither it nor anything else typed is logged. Whatever goes wrong, the person
// is told and types the address.
func (a *App) findAddress(r *http.Request, typed string) *renderer.AddressSearch {
	ctx := r.Context()
	if strings.TrimSpace(typed) == "" {
		return &renderer.AddressSearch{Status: renderer.SearchInvalid, Error: i18n.T(ctx, "address.enter_postcode")}
	}
	postcode, ok := engine.NormalisePostcode(typed)
	if !ok {
		return &renderer.AddressSearch{Status: renderer.SearchInvalid, Error: i18n.T(ctx, "address.real_postcode")}
	}
	s := &renderer.AddressSearch{Postcode: postcode, Status: renderer.SearchFailed}
	limits := []struct {
		key, name string
		max       int
	}{{"address-lookup:client:" + clientAddr(r), "client", a.lookupLimits.perClient}, {"address-lookup", "portal", a.lookupLimits.inAll}}
	if sess := sessionFrom(r); sess != nil && sess.ID != "" {
		limits = append(limits, struct {
			key, name string
			max       int
		}{"address-lookup:session:" + sess.ID, "session", a.lookupLimits.perSession})
	}
	keys := make([]string, 0, len(limits))
	for _, l := range limits {
		over, err := a.limited(r, l.key, l.max, lookupWindow)
		if err != nil {
			a.log.Error("address lookup: reading its limits", "err", err)
			return s
		}
		if over {
			a.log.Warn("address lookup refused: too many searches", "limit", l.name, "client", clientAddr(r))
			metrics.AddressLookup(metrics.LookupLimited)
			s.Status = renderer.SearchLimited
			return s
		}
		keys = append(keys, l.key)
	}
	if err := a.attempt(r, keys...); err != nil {
		a.log.Error("address lookup: counting it", "err", err)
		return s
	}
	found, err := a.lookup.Find(ctx, postcode)
	switch {
	case errors.Is(err, addresslookup.ErrRefused):
		a.log.Error("address lookup refused the portal's key: check -address-lookup-key-file or PORTAL_ADDRESS_LOOKUP_KEY", "err", err)
		metrics.AddressLookup(metrics.LookupRefused)
	case err != nil:
		a.log.Warn("address lookup failed: people type addresses meanwhile", "err", err)
		metrics.AddressLookup(metrics.LookupFailed)
	case len(found) == 0:
		s.Status = renderer.SearchNone
		metrics.AddressLookup(metrics.LookupNone)
	default:
		s.Status, s.Found = renderer.SearchFound, found
		metrics.AddressLookup(metrics.LookupFound)
	}
	return s
}

// findingAddress is the postcode posted for a Find address, written the standard way in the answer when
// it is a postcode; the address becomes the "Address" answer of a question that offers others too.
func findingAddress(fd *engine.Field, vals map[string]any) string {
	m, _ := vals[fd.ID].(map[string]any)
	if m == nil {
		return ""
	}
	typed, _ := m["postcode"].(string)
	if pc, ok := engine.NormalisePostcode(typed); ok {
		m["postcode"] = pc
		if kind, _ := m["kind"].(string); kind == "" && len(fd.AddressChoices()) > 0 {
			m["kind"] = engine.AddressKnown
		}
	}
	return typed
}

// rowFinding is a row page's Find address or Use this address, for one of the row's address questions:
// nil for any other button. Use this address puts the address chosen in the row's answer.
type rowFinding struct {
	field    *engine.Field
	search   bool // search, for Find address and for Use this address with none chosen
	postcode string
	choose   bool
}

func (f *flow) rowFinding(table *engine.Field, body *pageBody, row map[string]any) *rowFinding {
	verb, id, _ := strings.Cut(body.values.Get("action"), ":")
	var col *engine.Field
	for _, c := range table.Children() {
		if c.ID == id && c.FindsAddress() && !c.ReadOnly && f.a.findsAddresses() {
			col = c
		}
	}
	switch {
	case col == nil:
		return nil
	case verb == renderer.FindAddressAction:
		return &rowFinding{field: col, search: true, postcode: findingAddress(col, row)}
	case verb == renderer.UseAddressAction:
		if chosen, ok := renderer.ChosenAddress(col, body.values.Get(renderer.RowInputName(col)+"."+renderer.FoundPart)); ok {
			row[col.ID] = chosen
			return &rowFinding{field: col}
		}
		return &rowFinding{field: col, search: true, postcode: findingAddress(col, row), choose: true}
	}
	return nil
}
