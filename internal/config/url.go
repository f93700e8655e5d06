package config

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/urlcheck"
)

// HostResolver looks up the addresses of a host name, as *net.Resolver does.
// Implementations must give up when ctx is done.
type HostResolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// resolveTimeout bounds the look-up of IsLoopback: a name that does not
// resolve quickly is treated as remote, the safe answer.
const resolveTimeout = time.Second

// ParseBaseURL parses raw as a target's base URL, by the rules of
// urlcheck.Absolute: an absolute http(s) URL with a host, no user info,
// no query or fragment. The error is one line that never shows user info.
func ParseBaseURL(raw string) (*url.URL, error) {
	if err := urlcheck.Absolute("target", raw); err != nil {
		return nil, err
	}
	return url.Parse(raw) // urlcheck.Absolute has parsed it already
}

// CheckURL checks there is a base URL (ParseBaseURL, or the run's
// options, have checked it), and the paths and other URLs joined to it.
// The token path must be a path only: TokenURL joins it to the base URL,
// and it must not name another host.
func (t Target) CheckURL() error {
	if t.URL == nil {
		return fmt.Errorf("no target: set %s or -target", EnvTarget)
	}
	if err := checkTokenPath(t.TokenPath); err != nil {
		return err
	}
	if why := tokenPathProblem(t.RevokePath, DefaultRevokePath); t.RevokePath != "" && why != "" {
		return fmt.Errorf("%s %q %s", EnvRevokePath, shownURL(t.RevokePath), why)
	}
	for _, u := range []struct{ name, raw string }{{EnvIssuer, t.Issuer}, {EnvJWKSURL, t.JWKSURL}, {EnvResourceURL, t.ResourceURL}} {
		if err := checkOtherURL(u.name, u.raw); err != nil {
			return err
		}
	}
	return t.checkGrantURLs()
}

// checkOtherURL checks a URL of the target other than its base: the same
// rules, under the variable's name. "" is allowed (the value is derived or
// the scenarios that need it are left out).
func checkOtherURL(name, raw string) error {
	if raw == "" {
		return nil
	}
	return checkAbsolute(name, raw)
}

// checkAbsolute checks an absolute URL; what names it in messages.
func checkAbsolute(what, raw string) error { return urlcheck.Absolute(what, raw) }

// checkTokenPath checks that p is a path only. "" is allowed: the token
// endpoint is then the base URL itself.
func checkTokenPath(p string) error {
	if p == "" {
		return nil
	}
	if why := tokenPathProblem(p, DefaultTokenPath); why != "" {
		// Shown as a URL would be: a full URL put here may carry a password.
		return fmt.Errorf("token path %q %s", shownURL(p), why)
	}
	return nil
}

// tokenPathProblem says what is wrong with an endpoint's path (example is
// its usual value, for the message), or "".
func tokenPathProblem(p, example string) string {
	want := "want a path only, such as " + example
	switch {
	case badText(p) != "":
		return "has " + badText(p) + "; " + want
	case strings.ContainsAny(p, "?#"):
		return "has a query or fragment; " + want
	case strings.HasPrefix(p, "//") || strings.Contains(p, `\`):
		return "could be read as naming a host; " + want
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return "is not a path (a scheme or host?); " + want
	}
	if what := badText(u.Path); what != "" {
		return "has " + what + " once decoded; " + want
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return fmt.Sprintf("has a %q segment once decoded; want a path under the target URL, such as %s", seg, example)
		}
	}
	return ""
}

// badText names what makes s unfit for a URL typed by a person, or "".
func badText(s string) string { return urlcheck.BadText(s) }

// shownURL is raw fit for a message: without user info, and shortened.
func shownURL(raw string) string { return urlcheck.Shown(raw) }

// TokenURL is the absolute URL of the token endpoint: the base URL's
// scheme and host, without user info, and the base path joined to the
// token path. It is built from the parsed base URL, so no token path can
// change the host (any "?" or "#" and what follows is dropped; CheckURL
// refuses them). It is "" when the base URL does not parse.
func (t Target) TokenURL() string { return t.endpointURL(t.TokenPath) }

// RevokeURL is the absolute URL of the revocation endpoint, built as
// TokenURL is.
func (t Target) RevokeURL() string { return t.endpointURL(t.RevokePath) }

// IssuerURL is the iss the target's tokens must carry: Issuer when set,
// else the base URL (for Commerce Layer, its origin,
// https://auth.commercelayer.io). The base URL, path prefix included,
// because Commerce Layer's clients hang every endpoint from iss: keys at
// iss + /.well-known/jwks.json, revocation at iss + /oauth/revoke, the
// same URL the suite revokes at. They do so only for an iss that starts
// with https://auth. (any other sends them to
// https://auth.commercelayer.io), which a scenario of its own judges: the
// suite itself reads and revokes where the target is, whatever its name.
// "" when the base URL does not parse.
func (t Target) IssuerURL() string {
	if t.Issuer != "" {
		return strings.TrimSuffix(t.Issuer, "/")
	}
	if t.URL == nil {
		return ""
	}
	base := t.URL
	u := url.URL{Scheme: strings.ToLower(base.Scheme), Host: base.Host, Path: base.Path, RawPath: base.RawPath}
	return strings.TrimSuffix(u.String(), "/")
}

// KeySetURL is where the target's JWK Set is read: JWKSURL when set, else
// IssuerURL + JWKSPath, where Commerce Layer's clients look.
func (t Target) KeySetURL() string {
	if t.JWKSURL != "" {
		return t.JWKSURL
	}
	if iss := t.IssuerURL(); iss != "" {
		return iss + JWKSPath
	}
	return ""
}

// OtherURLs are the URLs besides the base URL a run may send requests to:
// the key set, the protected resource and the authorize endpoint, when
// configured.
func (t Target) OtherURLs() []string {
	out := []string{t.KeySetURL()}
	if t.ResourceURL != "" {
		out = append(out, t.ResourceURL)
	}
	if t.AuthorizeURL != "" {
		out = append(out, t.AuthorizeURL)
	}
	return out
}

func (t Target) endpointURL(p string) string {
	if t.URL == nil {
		return ""
	}
	base := t.URL
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	joined := strings.TrimRight(base.EscapedPath(), "/") + "/" + strings.TrimLeft(p, "/")
	u := url.URL{Scheme: base.Scheme, Host: base.Host, Path: joined}
	if dec, err := url.PathUnescape(joined); err == nil {
		// Keep the token path's own escapes (%2F stays %2F).
		u.Path, u.RawPath = dec, joined
	}
	return u.String()
}

// Scheme is the scheme of the base URL in lower case ("http", "https"),
// or "" when there is none. Compare it, not the URL's text: "HTTP://" is
// plain http too.
func (t Target) Scheme() string {
	if t.URL == nil {
		return ""
	}
	return strings.ToLower(t.URL.Scheme)
}

func schemeOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Scheme)
}

// IsPlainHTTP reports whether the target is reached without TLS.
func (t Target) IsPlainHTTP() bool { return t.Scheme() == "http" }

// IsLoopback reports whether the target is on this machine: the name
// localhost (any case, trailing dot allowed), a loopback IP address
// (127.0.0.0/8, ::1, or IPv4 loopback mapped in IPv6), or a name that
// resolves within a second to loopback addresses only. 0.0.0.0 and :: are
// not loopback, nor is anything that does not resolve: the answer decides
// whether plain http may carry a secret, so doubt means remote.
//
// A run decides it once, when it plans.
func (t Target) IsLoopback() bool {
	return t.URL != nil && t.isLoopbackHost(t.URL.Hostname())
}

// CheckTransport checks that no secret or token would cross the network in
// clear: a plain http URL must be on loopback (for the base URL, loopback
// says so, decided once) unless allowHTTP. It reports whether any URL of
// the target is https: only then does a run read the system's roots.
func (t Target) CheckTransport(loopback, allowHTTP bool) (usesTLS bool, err error) {
	if t.IsPlainHTTP() && !loopback && !allowHTTP {
		return false, fmt.Errorf("target %s is plain http and not on loopback: client secrets would cross the network unencrypted (RFC 6749 §2.3.1, §3.2 require TLS); use https:// or -allow-http", t.URL)
	}
	usesTLS = !t.IsPlainHTTP()
	// The key set and the protected resource are held to the same rule:
	// access tokens go to the resource, and keys read in clear could be
	// anyone's.
	for _, u := range t.OtherURLs() {
		if !IsPlainHTTPURL(u) {
			usesTLS = true
			continue
		}
		if !allowHTTP && !t.IsLoopbackURL(u) {
			return false, fmt.Errorf("%s is plain http and not on loopback: access tokens and the keys that verify them would cross the network unencrypted (RFC 6750 §5.3, RFC 7517 §9.3 require TLS); use https:// or -allow-http", u)
		}
	}
	return usesTLS, nil
}

// IsPlainHTTPURL reports whether raw is reached without TLS.
func IsPlainHTTPURL(raw string) bool { return schemeOf(raw) == "http" }

// IsLoopbackURL is IsLoopback for another URL of the target, with the
// target's resolver.
func (t Target) IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return t.isLoopbackHost(u.Hostname())
}

// isLoopbackHost is IsLoopback for a host name or address.
func (t Target) isLoopbackHost(host string) bool {
	if loopback, decided := urlcheck.Loopback(host); decided {
		return loopback
	}
	return t.resolvesToLoopback(host)
}

// resolvesToLoopback reports whether host has addresses, all loopback.
func (t Target) resolvesToLoopback(host string) bool {
	var r HostResolver = net.DefaultResolver
	if t.Resolver != nil {
		r = t.Resolver
	}
	ctx, cancel := context.WithTimeout(context.Background(), resolveTimeout)
	defer cancel()
	addrs, err := r.LookupHost(ctx, host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, s := range addrs {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Unmap().IsLoopback() {
			return false
		}
	}
	return true
}
