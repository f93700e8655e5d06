package refserver

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// What a scope may name besides a market's id (Commerce Layer docs,
// "Authentication", authorization scopes): a market by its code, a store,
// whose market the token inherits, and a stock location, which is in
// scope only with its market (the legacy docs' rule; a store's market
// counts). Each by id or by code.

// The default codes, store and stock location of a server whose Options
// name no markets: Commerce Layer's docs examples.
const (
	// MarketCode is MarketID's code.
	MarketCode = "europe"
	// OtherMarketCode is OtherMarketID's code.
	OtherMarketCode = "north_america"
	// StoreID and StoreCode are a store of MarketID's market.
	StoreID   = "bGvCXzYgNB"
	StoreCode = "outlet_ny"
	// StockLocationID and StockLocationCode are a stock location of
	// MarketID's market (and not of OtherMarketID's).
	StockLocationID   = "WLgbSXqyoZ"
	StockLocationCode = "eu_warehouse"
)

// Store is a store of one of the server's markets: a scope naming it
// (store:id:<id>, store:code:<code>) puts its market in scope.
type Store struct {
	ID   string
	Code string // "" for a store without a code
	// MarketID is the store's market, one of Options.Markets.
	MarketID string
}

// StockLocation is a stock location of one of the server's markets: a
// scope may name it (stock_location:id:<id>, stock_location:code:<code>)
// together with its market.
type StockLocation struct {
	ID       string
	Code     string // "" for a stock location without a code
	MarketID string
}

// maxCodeLen is Commerce Layer's limit on a market's code ("the maximum
// length is 25 characters", API reference, markets); stores' and stock
// locations' codes are held to it too.
const maxCodeLen = 25

// scopeResources are the codes, stores and stock locations a server's
// scopes may name, read-only once New returns.
type scopeResources struct {
	marketCodes    map[string]string // market id → its code
	marketByCode   map[string]string // code → market id
	stores         []Store
	stockLocations []StockLocation
}

// newScopeResources checks the options against the server's markets. nil
// lists mean the defaults when the markets are the defaults too
// (defaultMarkets), and none otherwise.
func newScopeResources(codes map[string]string, stores []Store, locations []StockLocation, markets map[string]bool, defaultMarkets bool) (scopeResources, error) {
	if defaultMarkets {
		if codes == nil {
			codes = map[string]string{MarketID: MarketCode, OtherMarketID: OtherMarketCode}
		}
		if stores == nil {
			stores = []Store{{StoreID, StoreCode, MarketID}}
		}
		if locations == nil {
			locations = []StockLocation{{StockLocationID, StockLocationCode, MarketID}}
		}
	}
	r := scopeResources{marketCodes: maps.Clone(codes), marketByCode: map[string]string{}}
	for _, id := range slices.Sorted(maps.Keys(codes)) {
		code := codes[id]
		switch {
		case !markets[id]:
			return r, fmt.Errorf("refserver: MarketCodes names market %q, which Markets does not list", id)
		case !isCode(code):
			return r, fmt.Errorf("refserver: MarketCodes[%q] is %q; want a code of 1 to %d letters, digits, '-' and '_', like %q", id, code, maxCodeLen, MarketCode)
		case r.marketByCode[code] != "":
			return r, fmt.Errorf("refserver: MarketCodes gives markets %q and %q the code %q; want each code once", r.marketByCode[code], id, code)
		}
		r.marketByCode[code] = id
	}
	places := make([]place, len(locations))
	for i, l := range locations {
		places[i] = place(l)
	}
	if err := checkPlaces("Stores", stores, markets); err != nil {
		return r, err
	}
	if err := checkPlaces("StockLocations", places, markets); err != nil {
		return r, err
	}
	r.stores, r.stockLocations = slices.Clone(stores), slices.Clone(locations)
	return r, nil
}

// place is a store or a stock location, for what they share: an id, a
// code and a market.
type place = Store

// checkPlaces refuses a store or stock location with a malformed id or
// code, a repeated one, or a market the server does not have.
func checkPlaces(field string, list []place, markets map[string]bool) error {
	ids, codes := map[string]bool{}, map[string]bool{}
	for i, p := range list {
		switch {
		case !isResourceID(p.ID):
			return fmt.Errorf("refserver: %s[%d].ID is %q; want an id of letters, digits, '-' and '_', like %q", field, i, p.ID, StoreID)
		case p.Code != "" && !isCode(p.Code):
			return fmt.Errorf("refserver: %s[%d].Code is %q; want a code of 1 to %d letters, digits, '-' and '_' (or none)", field, i, p.Code, maxCodeLen)
		case !markets[p.MarketID]:
			return fmt.Errorf("refserver: %s[%d].MarketID is %q, which Markets does not list", field, i, p.MarketID)
		case ids[p.ID]:
			return fmt.Errorf("refserver: %s[%d].ID %q is listed twice; want each once", field, i, p.ID)
		case p.Code != "" && codes[p.Code]:
			return fmt.Errorf("refserver: %s[%d].Code %q is listed twice; want each code once", field, i, p.Code)
		}
		ids[p.ID], codes[p.Code] = true, true
	}
	return nil
}

// isCode accepts Commerce Layer's codes: letters, digits, '_' and '-', at
// most maxCodeLen characters ("spaces are not allowed").
func isCode(code string) bool { return len(code) <= maxCodeLen && isResourceID(code) }

// MarketCodes returns each market's code, by market id.
func (s *Server) MarketCodes() map[string]string { return maps.Clone(s.resources.marketCodes) }

// Stores returns the stores a scope may name.
func (s *Server) Stores() []Store { return slices.Clone(s.resources.stores) }

// StockLocations returns the stock locations a scope may name.
func (s *Server) StockLocations() []StockLocation {
	return slices.Clone(s.resources.stockLocations)
}

// marketNamed finds a market by id or by code: codes are case-sensitive
// (API reference, markets), but for the market-code-case-folded fault.
// The unknown-market-accepted fault takes any id, and any code as the id
// of a market of its own.
func (s *Server) marketNamed(by, value string) (string, bool) {
	if by == "id" {
		return value, s.marketSet[value] || s.fault == faultUnknownMarketAccepted
	}
	if id, ok := s.resources.marketByCode[value]; ok {
		return id, true
	}
	if s.fault == faultMarketCodeCaseFolded {
		for code, id := range s.resources.marketByCode {
			if strings.EqualFold(code, value) {
				return id, true
			}
		}
	}
	return value, s.fault == faultUnknownMarketAccepted
}

// storeNamed finds a store by id or by code.
func (s *Server) storeNamed(by, value string) (Store, bool) {
	i := slices.IndexFunc(s.resources.stores, func(st Store) bool { return placeIs(place(st), by, value) })
	if i < 0 {
		return Store{}, false
	}
	return s.resources.stores[i], true
}

// stockLocationNamed finds a stock location by id or by code.
func (s *Server) stockLocationNamed(by, value string) (StockLocation, bool) {
	i := slices.IndexFunc(s.resources.stockLocations, func(l StockLocation) bool { return placeIs(place(l), by, value) })
	if i < 0 {
		return StockLocation{}, false
	}
	return s.resources.stockLocations[i], true
}

func placeIs(p place, by, value string) bool {
	if by == "id" {
		return p.ID == value
	}
	return p.Code != "" && p.Code == value
}

// stockLocationIDs are the market claim's stock_location_ids: the stock
// locations the scope names, or, when it names none, every stock location
// of the markets in scope (a server may list either; the suite checks
// membership only).
func (s *Server) stockLocationIDs(scope string, markets []string) []string {
	ids := []string{}
	if s.fault == faultStockLocationClaimMissing {
		return ids
	}
	for _, token := range strings.Split(scope, " ") {
		if kind, by, value, ok := splitScopeToken(token); ok && kind == "stock_location" {
			if l, ok := s.stockLocationNamed(by, value); ok && !slices.Contains(ids, l.ID) {
				ids = append(ids, l.ID)
			}
		}
	}
	if len(ids) > 0 {
		return ids
	}
	for _, l := range s.resources.stockLocations {
		if slices.Contains(markets, l.MarketID) {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// splitScopeToken reads one scope of Commerce Layer's forms,
// "<resource>:id:<id>" or "<resource>:code:<code>", resource one of
// market, store and stock_location.
func splitScopeToken(token string) (kind, by, value string, ok bool) {
	kind, rest, ok1 := strings.Cut(token, ":")
	by, value, ok2 := strings.Cut(rest, ":")
	switch {
	case !ok1 || !ok2 || !isResourceID(value):
		return "", "", "", false
	case kind != "market" && kind != "store" && kind != "stock_location":
		return "", "", "", false
	case by != "id" && by != "code":
		return "", "", "", false
	}
	return kind, by, value, true
}

// idForm is the scope with every code replaced by the id it names: the
// scope-code-not-echoed fault's answer, a server that normalises what it
// was asked for.
func (s *Server) idForm(scope string) string {
	tokens := strings.Split(scope, " ")
	for i, token := range tokens {
		kind, by, value, ok := splitScopeToken(token)
		if !ok || by != "code" {
			continue
		}
		id := ""
		switch kind {
		case "market":
			id, _ = s.marketNamed(by, value)
		case "store":
			st, _ := s.storeNamed(by, value)
			id = st.ID
		case "stock_location":
			l, _ := s.stockLocationNamed(by, value)
			id = l.ID
		}
		if id != "" {
			tokens[i] = kind + ":id:" + id
		}
	}
	return strings.Join(tokens, " ")
}
