package config

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// HostResolver looks up the addresses of a host name, as *net.Resolver does.
// Implementations must give up when ctx is done.
type HostResolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// resolveTimeout bounds the look-up of IsLoopback: a name that does not
// resolve quickly is treated as remote, the safe answer.
const resolveTimeout = time.Second

// CheckURL checks the base URL and the token path. The base URL must be an
// absolute http(s) URL (scheme in any case) with a host, an optional port
// between 1 and 65535, no user info (a password there would travel, and
// be printed, with the URL), no query or fragment (RFC 6749 §3.2: the
// endpoint URI must not include a fragment), and no space or control
// character. The token path must be a path only: TokenURL joins it to
// the base URL, and it must not name another host.
func (t Target) CheckURL() error {
	if t.BaseURL == "" {
		return fmt.Errorf("no target: set %s or -target", EnvTarget)
	}
	if err := checkBase(t.BaseURL); err != nil {
		return err
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
	return nil
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

const wantTarget = "want a URL such as https://auth.example.com"

func checkBase(raw string) error { return checkAbsolute("target", raw) }

// checkAbsolute checks an absolute URL; what names it in messages.
func checkAbsolute(what, raw string) error {
	shown := shownURL(raw)
	if bad := badText(raw); bad != "" {
		return fmt.Errorf("%s %q has %s; %s", what, shown, bad, wantTarget)
	}
	// Any "@", not only parsed user info: a password holding "/" or "#"
	// ends the host early, and the rest would parse as a path.
	if strings.Contains(raw, "@") {
		return fmt.Errorf("%s %q has an \"@\" (user info such as user:password@?): put no credentials in the URL, the client secret goes in %s or %s (an \"@\" in a path is written %%40)", what, shown, EnvIntegrationClientSecret, EnvIntegrationSecretFile)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q is not a URL: %v; %s", what, shown, parseReason(err), wantTarget)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s %q: %s (http:// or https://)", what, shown, wantTarget)
	}
	if err := checkHost(u); err != nil {
		return fmt.Errorf("%s %q: %v", what, shown, err)
	}
	// "#" alone leaves Fragment empty, "?" alone sets only ForceQuery.
	if u.RawQuery != "" || u.ForceQuery || strings.Contains(raw, "#") {
		return fmt.Errorf("%s %q has a query or fragment; want scheme://host[:port][/prefix] only", what, shown)
	}
	if bad := badText(u.Path); bad != "" {
		return fmt.Errorf("%s %q has %s once its path is decoded; %s", what, shown, bad, wantTarget)
	}
	return nil
}

// checkHost checks the host and port of a parsed base URL.
func checkHost(u *url.URL) error {
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("no host; %s", wantTarget)
	}
	if strings.HasSuffix(u.Host, ":") {
		return fmt.Errorf("empty port after %q; want a port number or no colon", host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q; want a number from 1 to 65535", p)
		}
	}
	// url.Parse has checked an IP literal in brackets.
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	return checkHostName(host)
}

// checkHostName checks a host that is not an IP address Go reads. A name
// whose last label is a number (127.1, 2130706433, 0x7f.1, 127.0.0.01) is
// refused: no DNS name ends so, and resolvers disagree on whether such a
// host is a shortened IPv4 address, so which machine it is would depend on
// the resolver.
func checkHostName(host string) error {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if last := strings.ToLower(labels[len(labels)-1]); numeric(last) {
		return fmt.Errorf("host %q looks like an IP address but is not one in standard form; write IPv4 as four decimal numbers (127.0.0.1) or use a DNS name", host)
	}
	for _, r := range host {
		if !hostRune(r) {
			return fmt.Errorf("host %q has %q; want a DNS name or an IP address", host, r)
		}
	}
	return nil
}

// hostRune reports whether r may be part of a host name. Beyond ASCII,
// letters and marks only: international names map digits and dots such
// as "１" and "。" to ASCII ones, which would dodge the check on numbers.
func hostRune(r rune) bool {
	if r >= utf8.RuneSelf {
		return unicode.IsLetter(r) || unicode.IsMark(r)
	}
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._", r)
}

// numeric reports whether a label reads as a number: decimal, or hex
// with 0x as some resolvers accept.
func numeric(label string) bool {
	digits := strings.TrimPrefix(label, "0x")
	if digits == "" {
		return false
	}
	hex := digits != label
	for _, r := range digits {
		if !(r >= '0' && r <= '9' || hex && r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

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

// badText names what makes s unfit for a URL typed by a person: a
// control character, a space, an invisible character, or bytes that are
// not UTF-8; "" when there is none.
func badText(s string) string {
	for i, w := 0, 0; i < len(s); i += w {
		var r rune
		r, w = utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return "bytes that are not UTF-8"
		case unicode.IsControl(r):
			return fmt.Sprintf("a control character (%U)", r)
		case unicode.IsSpace(r):
			return fmt.Sprintf("a space (%U)", r)
		case !unicode.IsPrint(r):
			return fmt.Sprintf("an invisible character (%U)", r)
		}
	}
	return ""
}

// parseReason is url.Parse's reason, without the URL it repeats.
func parseReason(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// shownURL is raw fit for a message: without the user info it may carry
// (everything from the "//" to the last "@", found by hand as raw may not
// parse: a password may hold "/", "?" or "#"), and shortened.
func shownURL(raw string) string {
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if i := strings.Index(raw, "://"); i >= 0 && i < at {
			raw = raw[:i+3] + raw[at+1:]
		} else {
			raw = raw[at+1:]
		}
	}
	return shorten(raw)
}

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
	base, err := url.Parse(t.BaseURL)
	if err != nil || base.Host == "" {
		return ""
	}
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
// the key set and the protected resource, when configured.
func (t Target) OtherURLs() []string {
	out := []string{t.KeySetURL()}
	if t.ResourceURL != "" {
		out = append(out, t.ResourceURL)
	}
	return out
}

func (t Target) endpointURL(p string) string {
	base, err := url.Parse(t.BaseURL)
	if err != nil {
		return ""
	}
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
// or "" when it does not parse. Compare it, not the text of BaseURL:
// "HTTP://" is plain http too.
func (t Target) Scheme() string { return schemeOf(t.BaseURL) }

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
func (t Target) IsLoopback() bool { return t.IsLoopbackURL(t.BaseURL) }

// IsPlainHTTPURL reports whether raw is reached without TLS.
func IsPlainHTTPURL(raw string) bool { return schemeOf(raw) == "http" }

// IsLoopbackURL is IsLoopback for another URL of the target, with the
// target's resolver.
func (t Target) IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "" {
		return false
	}
	if name := strings.ToLower(strings.TrimSuffix(host, ".")); name == "localhost" {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().IsLoopback()
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
