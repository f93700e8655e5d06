package steps

import (
	"encoding/json"
	"math"

	"github.com/authconform/authconform/internal/config"
)

// LifetimeTolerance is how far below the token's lifetime expires_in may
// be. RFC 6749 §5.1 defines it as "the lifetime in seconds of the access
// token", and servers that report the time left when the answer was
// written give 3599 for a 3600 s token; more than a few seconds off is a
// different lifetime.
const LifetimeTolerance = 5

// A token's lifetime is a setting of each API credential (Commerce Layer's
// docs: lifetimes "can be changed per API credential"), so the lifetime
// steps judge expires_in against what the token itself says, a JWT's
// exp − iat, and against what the user configured, when they did; only
// the @should step compares it with the documented default.

// configuredLifetime is the lifetime configured for the tokens of the
// client a step names ("sales channel", "integration", "webapp" or "client", the
// rfc6749 profile's clients), 0 when none is, and the variable that
// configures it.
func (st *scenario) configuredLifetime(who string) (seconds int64, variable string) {
	t := st.suite.Target
	switch who {
	case "sales channel":
		return int64(t.SalesChannel.Lifetime), config.EnvSalesChannelExpiresIn
	case "integration":
		return int64(t.Integration.Lifetime), config.EnvIntegrationExpiresIn
	case "webapp":
		return int64(t.Webapp.Lifetime), config.EnvWebappExpiresIn
	}
	return int64(t.Client.Lifetime), config.EnvExpiresIn
}

// withinLifetime reports whether expires_in is the lifetime, or up to
// LifetimeTolerance seconds less: never more. Both are whole seconds; a
// float64 holds every lifetime a JSON number can say.
func withinLifetime(expiresIn, lifetime float64) bool {
	return expiresIn <= lifetime && expiresIn >= lifetime-LifetimeTolerance
}

// thenMemberTokenLifetime checks a token answer's expires_in: a positive
// integer, the lifetime the token carries when it is a JWT (an opaque
// token says nothing to compare with), and the configured lifetime when
// there is one. Either way a server that answers one lifetime while its
// tokens live another fails.
func (st *scenario) thenMemberTokenLifetime(path, who string) error {
	got, err := st.integerMember(path)
	if err != nil {
		return err
	}
	if got < 1 {
		return st.fail("%s = %d; want a positive number of seconds, the lifetime of the access token (RFC 6749 §5.1)", path, got)
	}
	if err := st.agreesWithToken(path, got); err != nil {
		return err
	}
	if configured, variable := st.configuredLifetime(who); configured != 0 && !withinLifetime(float64(got), float64(configured)) {
		return st.fail("%s = %d; want %d, the configured lifetime (%s), or up to %d s less for a server that counts down (RFC 6749 §5.1)", path, got, configured, variable, LifetimeTolerance)
	}
	return nil
}

// agreesWithToken checks expires_in against the lifetime a JWT carries:
// its exp − iat, or up to LifetimeTolerance s less. A server may date iat
// back to absorb clock skew (Microsoft Entra ID sets it 5 minutes early);
// for a token whose iat is further before the answer than the allowed
// clock skew explains, expires_in may instead be the time from the answer
// to exp, which is how RFC 6749 §5.1 counts it ("will expire in one hour
// from the time the response was generated"), within that skew. An opaque
// token, or one without both claims, has nothing to compare.
func (st *scenario) agreesWithToken(path string, expiresIn int64) error {
	iat, exp, ok := st.tokenTimes()
	if !ok {
		return nil
	}
	lifetime := math.Round(exp - iat)
	if withinLifetime(float64(expiresIn), lifetime) {
		return nil
	}
	answered, skew := st.answeredAt(), st.suite.Target.ClockSkew.Seconds()+1
	left := exp - answered
	if backdated := iat < answered-skew; backdated && math.Abs(float64(expiresIn)-left) <= skew {
		return nil
	}
	return st.fail("%s = %d, but the token's exp − iat is %.0f s; want that lifetime, or up to %d s less for a server that counts down (RFC 6749 §5.1: expires_in is the lifetime of the access token; RFC 7519 §4.1.4, §4.1.6)", path, expiresIn, lifetime, LifetimeTolerance)
}

// thenMemberTokenLifetimeIfPresent is the lifetime check for a member the
// RFC only recommends (RFC 6749 §5.1: expires_in RECOMMENDED): absent
// passes.
func (st *scenario) thenMemberTokenLifetimeIfPresent(path, who string) error {
	_, present, err := st.jsonMember(path)
	if err != nil || !present {
		return err
	}
	return st.thenMemberTokenLifetime(path, who)
}

// thenMemberDocumentedLifetime compares expires_in with the documented
// default lifetime, for a @should scenario: a credential whose lifetime
// was changed is correct, and the warning names the variable that tells
// the suite so. Once it is configured, the lifetime steps judge against
// it, and this one has nothing to add.
func (st *scenario) thenMemberDocumentedLifetime(path string, documented int, who string) error {
	configured, variable := st.configuredLifetime(who)
	if configured != 0 {
		return nil
	}
	got, err := st.integerMember(path)
	if err != nil {
		return err
	}
	if !withinLifetime(float64(got), float64(documented)) {
		lifetime, ok := st.tokenLifetime()
		if !ok {
			lifetime = float64(got)
		}
		return st.fail("%s = %d; want the documented default, %d, or up to %d s less for a server that counts down (Commerce Layer docs: lifetimes can be changed per API credential): if this %s's lifetime was changed, set %s=%.0f so that its tokens are judged against it", path, got, documented, LifetimeTolerance, who, variable, lifetime)
	}
	return nil
}

// tokenLifetime is exp − iat of the scenario's access token, rounded to
// whole seconds (NumericDates may have fractions), when the token is a
// JWT carrying both as numbers.
func (st *scenario) tokenLifetime() (float64, bool) {
	iat, exp, ok := st.tokenTimes()
	return math.Round(exp - iat), ok
}

// tokenTimes are the iat and exp of the scenario's access token when it is
// a JWT carrying both as numbers, their difference finite; false for an
// opaque token or one without them (the JWT steps judge those claims).
func (st *scenario) tokenTimes() (iat, exp float64, ok bool) {
	tok, err := st.parsedToken()
	if err != nil {
		return 0, 0, false
	}
	iat, okIat := finiteNumber(tok.Claims["iat"])
	exp, okExp := finiteNumber(tok.Claims["exp"])
	if !okIat || !okExp || math.IsInf(exp-iat, 0) {
		return 0, 0, false
	}
	return iat, exp, true
}

// finiteNumber reads a JSON number that fits a float64.
func finiteNumber(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}
