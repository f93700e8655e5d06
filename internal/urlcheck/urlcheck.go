// Package urlcheck holds the rules a URL of a target must follow before
// anything is sent to it, and the way a URL is quoted in a message. It
// imports nothing of the suite: the public setup package (whose
// URL type parses with these rules) and the suite's configuration share
// it, and the reference server's package may depend on the first without
// pulling in the second.
package urlcheck

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const wantTarget = "want a URL such as https://auth.example.com"

// Absolute checks an absolute URL of a target; what names it in messages
// ("target", or the variable it came from). The URL must be http(s)
// (scheme in any case) with a host, an optional port between 1 and 65535,
// no user info (a password there would travel, and be printed, with the
// URL), no query or fragment (RFC 6749 §3.2: the endpoint URI must not
// include a fragment), and no space or control character. A refusal is
// one line that never shows user info.
func Absolute(what, raw string) error {
	shown := Shown(raw)
	if bad := BadText(raw); bad != "" {
		return fmt.Errorf("%s %q has %s; %s", what, shown, bad, wantTarget)
	}
	// Any "@", not only parsed user info: a password holding "/" or "#"
	// ends the host early, and the rest would parse as a path.
	if strings.Contains(raw, "@") {
		return fmt.Errorf("%s %q has an \"@\" (user info such as user:password@?): put no credentials in the URL, the client secret goes in AUTHCONFORM_INTEGRATION_CLIENT_SECRET or AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE (an \"@\" in a path is written %%40)", what, shown)
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
	if bad := BadText(u.Path); bad != "" {
		return fmt.Errorf("%s %q has %s once its path is decoded; %s", what, shown, bad, wantTarget)
	}
	return nil
}

// checkHost checks the host and port of a parsed URL.
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

// BadText names what makes s unfit for a URL typed by a person: a
// control character, a space, an invisible character, or bytes that are
// not UTF-8; "" when there is none.
func BadText(s string) string {
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

// Shown is raw fit for a message: without the user info it may carry
// (everything from the "//" to the last "@", found by hand as raw may not
// parse: a password may hold "/", "?" or "#"), and shortened.
func Shown(raw string) string {
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if i := strings.Index(raw, "://"); i >= 0 && i < at {
			raw = raw[:i+3] + raw[at+1:]
		} else {
			raw = raw[at+1:]
		}
	}
	return Shorten(raw)
}

// Shorten cuts s to a length a one-line message can quote.
func Shorten(s string) string {
	const max = 120
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "..."
}

// Loopback says from a host's text alone whether it is on this machine:
// the name localhost (any case, trailing dot allowed), or a loopback IP
// address (127.0.0.0/8, ::1, or IPv4 loopback mapped in IPv6). decided is
// false for any other name: only a look-up can tell, and one that fails
// or finds a remote address makes it remote.
func Loopback(host string) (loopback, decided bool) {
	if host == "" {
		return false, true
	}
	if name := strings.ToLower(strings.TrimSuffix(host, ".")); name == "localhost" {
		return true, true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().IsLoopback(), true
	}
	return false, false
}
