package refserver

import "github.com/authconform/authconform/setup"

// ForbiddenMarketID is a market no server knows unless Options.Markets
// names it: the scope of Target's ForbiddenScope.
const ForbiddenMarketID = "zzNoSuchMk"

// Target is the server as conform.Run's target (conform.Target is
// setup.Target), with every credential: its URL, endpoints and protected
// resource; the sales channel and the integration with their secrets and
// lifetimes (so the run also checks expires_in against them; zero a
// Lifetime to judge the tokens as an account whose lifetimes nobody told
// the suite); its first two markets, the first one's code, store and
// stock location; the webapp, its redirect URI and the authorize
// endpoint; its customer with the password, whose id assertions may name.
// For the RFC6749 profile the integration is both clients, authenticating
// in the body and with HTTP Basic, the scope names the first market and
// the forbidden scope ForbiddenMarketID. (Judge a server under RFC6749
// when it was started with ErrorShapeRFC6749.)
func (s *Server) Target() setup.Target {
	clients := s.handler.Clients() // the sales channel first
	c := func(i int) setup.Client {
		return setup.Client{ID: clients[i].ID, Secret: s.secrets[i], Lifetime: clients[i].Lifetime}
	}
	t := setup.Target{
		URL: setup.MustParseURL(s.URL), TokenPath: TokenPath, RevokePath: RevokePath,
		ResourceURL:  s.URL + ResourcePath,
		SalesChannel: c(0), Integration: c(1),
		Client: c(1), BasicClient: c(1),
		Customer:       s.customer,
		ForbiddenScope: "market:id:" + ForbiddenMarketID,
	}
	webapp, redirect := s.handler.WebappInfo()
	t.Webapp = setup.Client{ID: webapp.ID, Secret: s.webapp, Lifetime: webapp.Lifetime}
	t.RedirectURI, t.AuthorizeURL, t.CustomerID = redirect, s.URL+AuthorizePath, s.handler.Customer()
	if s.Issuer != "" && s.Issuer != s.URL {
		// Its tokens name another origin (a proxy's): the suite checks
		// that name and reads the keys here, where they are.
		t.Issuer, t.JWKSURL = s.Issuer, s.URL+JWKSPath
	}
	if m := s.Markets(); len(m) > 0 {
		t.MarketID, t.Scope = m[0], "market:id:"+m[0]
		if len(m) > 1 {
			t.OtherMarketID = m[1]
		}
	}
	s.addScopeResources(&t)
	return t
}

// addScopeResources names in t the first market's code, and its first
// store and stock location (by id and by code), when the server has them.
func (s *Server) addScopeResources(t *setup.Target) {
	if t.MarketID == "" {
		return
	}
	t.MarketCode = s.MarketCodes()[t.MarketID]
	for _, st := range s.Stores() {
		if st.MarketID == t.MarketID {
			t.StoreID, t.StoreCode = st.ID, st.Code
			break
		}
	}
	for _, l := range s.StockLocations() {
		if l.MarketID == t.MarketID {
			t.StockLocationID, t.StockLocationCode = l.ID, l.Code
			break
		}
	}
}
