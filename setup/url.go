package setup

import (
	"net/url"

	"github.com/authconform/authconform/internal/urlcheck"
)

// URL is a target's base URL, parsed and checked once (ParseURL): an
// absolute http or https URL with a host, an optional port, an optional
// path prefix, and nothing else. The zero URL is no URL at all.
type URL struct {
	raw    string  // as given, for reports
	parsed url.URL // raw, parsed
}

// ParseURL parses raw as a target's base URL. It refuses, in one line
// that never shows user info: a scheme other than http or https, no host,
// a port outside 1-65535, user info (a password would travel, and be
// printed, with the URL), a query or fragment (RFC 6749 §3.2), a space or
// a control character, and a host that reads as a number but is not an IP
// address in standard form (127.1): which machine it names would depend
// on the resolver.
func ParseURL(raw string) (URL, error) {
	if err := urlcheck.Absolute("target", raw); err != nil {
		return URL{}, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return URL{}, err // urlcheck.Absolute has parsed it already
	}
	return URL{raw: raw, parsed: *u}, nil
}

// MustParseURL is ParseURL for a URL known to be good, such as that of an
// httptest.Server; it panics on an error.
func MustParseURL(raw string) URL {
	u, err := ParseURL(raw)
	if err != nil {
		panic("setup.MustParseURL: " + err.Error())
	}
	return u
}

// Parsed is the URL, parsed: a copy, so the caller may change it.
func (u URL) Parsed() *url.URL {
	c := u.parsed
	return &c
}

// String is the URL as it was given to ParseURL; "" for the zero URL.
func (u URL) String() string { return u.raw }

// IsZero reports whether u is the zero URL, no URL at all.
func (u URL) IsZero() bool { return u.raw == "" }

// IsLoopback reports from the URL's text alone whether it names this
// machine: the host localhost, or a loopback IP address (127.0.0.0/8,
// ::1). It looks nothing up, so a host name is not loopback here. A run
// looks the name up once, when it plans, and counts a name that resolves
// to loopback addresses only as loopback too (no default rate limit;
// plain http allowed).
func (u URL) IsLoopback() bool {
	loopback, _ := urlcheck.Loopback(u.parsed.Hostname())
	return loopback
}
